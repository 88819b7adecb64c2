/* SPDX-License-Identifier: MIT */
/*
 * lkd_text.h - small text helpers the modules share: decimal formatting (no
 * snprintf: it is large on small targets and locale-dependent), hex digits,
 * and the one ASCII case fold, with the case-insensitive comparison that
 * HTTP names and the service's status words need (no strcasecmp or
 * tolower: they are locale-dependent, and strcasecmp is not C99).
 */
#ifndef LKD_TEXT_H
#define LKD_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "lkd_config.h"

/* An English text a person reads (a field's name, why a URL was refused):
 * "" with LKD_ENABLE_TEXTS 0, so that the string is not compiled in; still
 * not NULL, for code that tests whether there is one. */
#if LKD_ENABLE_TEXTS
#define LKD_TEXT(s) s
#else
#define LKD_TEXT(s) ""
#endif

/* Room for the decimal digits of any uint64_t and a NUL. */
#define LKD_TEXT_DEC_SIZE 21

/* Write v in decimal, NUL-terminated, at the end of buf; returns a pointer
 * to its first digit (inside buf). */
const char *lkd_text_format_dec(uint64_t v, char buf[LKD_TEXT_DEC_SIZE]);

/* c with an ASCII capital letter made small; every other byte as it is. */
char lkd_text_lower(char c);

/* c with an ASCII small letter made capital; every other byte as it is. */
char lkd_text_upper(char c);

/* 1 when c is a byte a host name, a service code or a RequestId uses
 * (letters, digits, "-._:[]"): what the client keeps of such a name a
 * server sent before it prints or logs it; 0 otherwise. */
int lkd_text_is_name_byte(char c);

/* The value of the hex digit c (0-9, a-f, A-F), or -1 for any other byte. */
int lkd_text_hex_value(char c);

/* The lower-case hex digit of v's low four bits. */
char lkd_text_hex_digit(unsigned v);

/* 1 when s[0..n) equals the NUL-terminated text, ASCII letters compared
 * without case; 0 otherwise.  s need not be NUL-terminated (it may be NULL
 * when n is 0). */
int lkd_text_equals_nocase(const char *s, size_t n, const char *text);

/* Text appended to out[0..cap) piece by piece: once a piece does not fit,
 * overflow is set and nothing more is written. */
typedef struct {
    char *out;
    size_t cap;
    size_t pos;
    int overflow;
} lkd_text_writer_t;

/* Append s[0..n) (s may be NULL when n is 0). */
void lkd_text_put(lkd_text_writer_t *w, const char *s, size_t n);

/* Append the NUL-terminated s. */
void lkd_text_put_str(lkd_text_writer_t *w, const char *s);

/* Append v in decimal. */
void lkd_text_put_dec(lkd_text_writer_t *w, uint64_t v);

/* The run of decimal digits that starts s[0..n), as a number in *out.
 * Returns the digits read: 0 when s does not start with a digit, or when the
 * number does not fit uint64_t (then *out is left unspecified). */
size_t lkd_text_parse_u64(const char *s, size_t n, uint64_t *out);

/* Entry n (from 0) of list, a run of non-empty NUL-terminated strings ended
 * by an empty one ("a\0" "b\0"); none when the list has no entry n.  One
 * such string in flash costs a byte per entry where an array of pointers
 * costs four. */
const char *lkd_text_nth(const char *list, unsigned n, const char *none);

/* s[0..n) as an IP address literal: a dotted quad (4 bytes into out) or an
 * IPv6 address in hex groups, without brackets, zone or a dotted-quad tail
 * (16 bytes).  Returns 4 or 16, or 0 when s is neither (out then
 * unspecified): a leading zero in a quad part, a part over 255, more than 4
 * hex digits, a second "::" are not addresses. */
size_t lkd_text_parse_ip(const char *s, size_t n, uint8_t out[16]);

#endif /* LKD_TEXT_H */
