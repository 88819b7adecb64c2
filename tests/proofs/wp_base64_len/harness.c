/* SPDX-License-Identifier: MIT */
/* WP: the contracts of lkd_base64_len and lkd_base64_encode, for every n in
 * the range where the arithmetic is exact (no unsigned wrap-around):
 *   lkd_base64_len(n) == 4 * ceil(n / 3) for n <= 3 * (UINT64_MAX / 4), the
 *     largest n whose encoded length fits uint64_t;
 *   lkd_base64_encode reads only in[0..n-1] (-wp-rte: every access is
 *     proved inside the valid ranges the contract gives) and writes only
 *     the 4 * ceil(n / 3) bytes out[0..], for n <= 3 * (SIZE_MAX / 4) (so
 *     that length fits size_t), no runtime error.
 * Not covered: that each of those bytes is written, and with which
 * character (the alphabet's mapping, the '=' padding): the unit tests
 * compare with RFC 4648's vectors. */
#include <stdint.h>
#include <stddef.h>

#define LKD_WP 1 /* the loop invariants in lkd_base64.c */

/*@ requires n <= 3 * (UINT64_MAX / 4);
    assigns \nothing;
    ensures \result == 4 * ((n + 2) / 3);
    ensures \result % 4 == 0 && 3 * (\result / 4) >= n > 3 * (\result / 4 - 1); // the ceiling
 */
uint64_t lkd_base64_len(uint64_t n);

/*@ requires n <= 3 * (SIZE_MAX / 4);
    requires \valid_read(in + (0 .. n - 1));
    requires \valid(out + (0 .. 4 * ((n + 2) / 3) - 1));
    requires \separated(in + (0 .. n - 1), out + (0 .. 4 * ((n + 2) / 3) - 1));
    assigns out[0 .. 4 * ((n + 2) / 3) - 1];
 */
void lkd_base64_encode(const uint8_t *in, size_t n, char *out);

#include "lkd_base64.c"
