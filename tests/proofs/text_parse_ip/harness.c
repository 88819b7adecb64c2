/* SPDX-License-Identifier: MIT */
/* lkd_text_parse_ip, lkd_text_parse_u64 and lkd_text_equals_nocase
 * (core/src/lkd_text.c) on arbitrary bytes.
 *  - lkd_text_parse_ip: every length n <= IP_BOUND (41: past 39, the longest
 *    IPv6 text) of unknown bytes; out is exactly 16 bytes at the end of an
 *    array; the result is 0, 4 or 16.
 *  - lkd_text_parse_u64: every length n <= U64_BOUND (24: past the 20 digits
 *    of UINT64_MAX, so the overflow check is reached) of unknown bytes; the
 *    digits read are at most n.
 *  - lkd_text_equals_nocase: s of every length n <= EQ_BOUND unknown bytes
 *    against a NUL-terminated text of every length <= EQ_BOUND of unknown
 *    non-NUL bytes.
 * Each text sits at the END of its array (a read one past it is an alarm).
 * Not covered: NULL pointers (the functions' contracts exclude them). */
#include "__fc_builtin.h"
#include "lkd_text.c"

#define IP_BOUND 41
#define U64_BOUND 24
#define EQ_BOUND 12

int main(void)
{
    char ip[IP_BOUND];
    char num[U64_BOUND];
    char s[EQ_BOUND];
    char text[EQ_BOUND + 1];
    uint8_t out[16];
    size_t n = Frama_C_size_t_interval(0, IP_BOUND);
    size_t got;
    uint64_t v;

    Frama_C_make_unknown(ip, IP_BOUND);
    /*@ split n; */
    got = lkd_text_parse_ip(ip + IP_BOUND - n, n, out);
    //@ assert ip_result: got == 0 || got == 4 || got == 16;
    /*@ merge n; */

    n = Frama_C_size_t_interval(0, U64_BOUND);
    Frama_C_make_unknown(num, U64_BOUND);
    /*@ split n; */
    got = lkd_text_parse_u64(num + U64_BOUND - n, n, &v);
    //@ assert u64_digits: got <= n;
    /*@ merge n; */

    {
        size_t t = Frama_C_size_t_interval(0, EQ_BOUND);
        size_t k;
        n = Frama_C_size_t_interval(0, EQ_BOUND);
        Frama_C_make_unknown(s, EQ_BOUND);
        Frama_C_make_unknown(text, EQ_BOUND);
        for (k = 0; k < EQ_BOUND; k++) {
            if (text[k] == '\0') {
                text[k] = 'a'; /* the text's own bytes are not NUL: its end is at t */
            }
        }
        text[EQ_BOUND] = '\0';
        /*@ split n; */
        /*@ split t; */
        got = (size_t)lkd_text_equals_nocase(s + EQ_BOUND - n, n, text + EQ_BOUND - t);
        //@ assert eq_result: got <= 1;
    }
    return 0;
}
