/* SPDX-License-Identifier: MIT */
/*
 * lkd_base64.h - standard base64 (RFC 4648, with padding), encoded piece by
 * piece so a file of any size goes through a small fixed buffer.
 */
#ifndef LKD_BASE64_H
#define LKD_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Length of the encoding of n bytes: 4 * ceil(n / 3). */
uint64_t lkd_base64_len(uint64_t n);

/* Encode in[0..n) to out (4 * ceil(n / 3) bytes, no NUL).  Only the last
 * piece of a stream may have a length that is not a multiple of 3. */
void lkd_base64_encode(const uint8_t *in, size_t n, char *out);

#endif /* LKD_BASE64_H */
