/* SPDX-License-Identifier: MIT */
/* WP: the contracts of lkd_text_lower, lkd_text_upper and
 * lkd_text_equals_nocase, for every byte and every length n:
 *   lower/upper fold exactly the 26 ASCII letters, every other byte as it is;
 *   equals_nocase returns 1 iff n == strlen(text) and s[i], text[i] are equal
 *     after ASCII folding for every i < n, else 0; it reads only s[0..n-1]
 *     and text up to its NUL (-wp-rte: every access is proved inside the
 *     valid ranges the contract gives, and nothing else is known valid),
 *     writes nothing.
 * wp_host_suffix #includes this file for these contracts.
 * Not covered: nothing of these three functions; other lkd_text functions
 * are EVA's (their callers' harnesses). */
#include <stddef.h>
#include <string.h>

#define LKD_WP 1 /* the loop invariant in lkd_text.c */

/*@ logic integer fold(integer c) = 'A' <= c <= 'Z' ? c - 'A' + 'a' : c;
    logic integer unfold(integer c) = 'a' <= c <= 'z' ? c - 'a' + 'A' : c;
 */

/*@ assigns \nothing;
    ensures \result == fold(c);
 */
char lkd_text_lower(char c);

/*@ assigns \nothing;
    ensures \result == unfold(c);
 */
char lkd_text_upper(char c);

/*@ requires \valid_read(s + (0 .. n - 1));
    requires valid_read_string(text);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==>
        n == strlen(text) && \forall integer i; 0 <= i < n ==> fold(s[i]) == fold(text[i]);
 */
int lkd_text_equals_nocase(const char *s, size_t n, const char *text);

#include "lkd_text.c"
