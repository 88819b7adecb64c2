/* SPDX-License-Identifier: MIT */
/*
 * lkd_text.c - see lkd_text.h.
 */
#include "lkd_text.h"

#include <string.h>

const char *lkd_text_format_dec(uint64_t v, char buf[LKD_TEXT_DEC_SIZE])
{
    char *p = buf + LKD_TEXT_DEC_SIZE - 1;
    *p = '\0';
    do {
        *--p = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v != 0);
    return p;
}

int lkd_text_is_name_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == ':' || c == '[' || c == ']';
}

void lkd_text_put(lkd_text_writer_t *w, const char *s, size_t n)
{
    if (w->overflow || n > w->cap - w->pos) {
        w->overflow = 1;
        return;
    }
    if (n > 0) {
        memcpy(w->out + w->pos, s, n);
    }
    w->pos += n;
}

void lkd_text_put_str(lkd_text_writer_t *w, const char *s)
{
    lkd_text_put(w, s, strlen(s));
}

void lkd_text_put_dec(lkd_text_writer_t *w, uint64_t v)
{
    char buf[LKD_TEXT_DEC_SIZE];
    lkd_text_put_str(w, lkd_text_format_dec(v, buf));
}

size_t lkd_text_parse_u64(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    size_t i;
    for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10u) {
            return 0;
        }
        v = v * 10u + d;
    }
    *out = v;
    return i;
}

char lkd_text_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

char lkd_text_upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

int lkd_text_hex_value(char c)
{
    char l = lkd_text_lower(c);
    if (l >= '0' && l <= '9') {
        return l - '0';
    }
    return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
}

char lkd_text_hex_digit(unsigned v)
{
    /* Arithmetic, not "0123456789abcdef"[v & 15u], and % 16u, not & 15u: the
     * same digit, in the terms Frama-C's WP proves (it knows neither a string
     * literal's bytes nor the bounds of an '&'). */
    unsigned d = v % 16u;
    return (char)(d < 10u ? '0' + d : 'a' + (d - 10u));
}

int lkd_text_equals_nocase(const char *s, size_t n, const char *text)
{
    size_t i;
#ifdef LKD_WP /* Frama-C WP's loop invariant (tests/proofs/wp_nocase); +32: ASCII's fold */
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer j; 0 <= j < i ==> text[j] != '\0' &&
            ('A' <= s[j] <= 'Z' ? s[j] + 32 : s[j]) == ('A' <= text[j] <= 'Z' ? text[j] + 32 : text[j]);
        loop assigns i;
        loop variant n - i; */
#endif
    for (i = 0; i < n; i++) {
        if (text[i] == '\0' || lkd_text_lower(s[i]) != lkd_text_lower(text[i])) {
            return 0;
        }
    }
    return text[n] == '\0';
}

const char *lkd_text_nth(const char *list, unsigned n, const char *none)
{
    while (*list != '\0' && n > 0) {
        list += strlen(list) + 1;
        n--;
    }
    return *list != '\0' ? list : none;
}

/* A dotted quad: four decimal parts 0..255, no leading zero (which some
 * resolvers read as octal). */
static size_t parse_ipv4(const char *s, size_t n, uint8_t *out)
{
    size_t i = 0, part;
    for (part = 0; part < 4; part++) {
        size_t start = i;
        unsigned v = 0;
        while (i < n && i - start < 3 && s[i] >= '0' && s[i] <= '9') {
            v = v * 10u + (unsigned)(s[i++] - '0');
        }
        if (i == start || v > 255 || (i - start > 1 && s[start] == '0')) {
            return 0;
        }
        out[part] = (uint8_t)v;
        if (part < 3 && (i >= n || s[i++] != '.')) {
            return 0;
        }
    }
    return i == n ? 4 : 0;
}

/* RFC 4291 2.2: groups of 1 to 4 hex digits, one "::"; no zone, and no
 * dotted quad in the last 32 bits (an endpoint written so is refused: its
 * hex form is the same address). */
static size_t parse_ipv6(const char *s, size_t n, uint8_t *out)
{
    uint8_t b[16];
    size_t i = 0, k = 0, gap = 17; /* 17: no "::" */
    if (n >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 0;
        i = 2;
    }
    while (i < n) {
        size_t start = i;
        unsigned v = 0;
        while (i < n && i - start < 4 && lkd_text_hex_value(s[i]) >= 0) {
            v = v * 16u + (unsigned)lkd_text_hex_value(s[i++]);
        }
        if (i == start || k > 14) {
            return 0;
        }
        b[k++] = (uint8_t)(v >> 8);
        b[k++] = (uint8_t)v;
        if (i == n) {
            break;
        }
        if (s[i++] != ':' || i == n) {
            return 0; /* not a separator, or a ':' at the end */
        }
        if (s[i] == ':') {
            if (gap != 17) {
                return 0; /* a second "::" */
            }
            gap = k;
            i++;
        }
    }
    if (gap == 17 ? k != 16 : k > 14) {
        return 0;
    }
    gap = gap < k ? gap : k; /* the groups before "::" (all of them without one) */
    memset(out, 0, 16);
    memcpy(out, b, gap);
    if (k > gap) { /* none after "::": out + 16 is no byte to copy to, even 0 of them */
        memcpy(out + 16 - (k - gap), b + gap, k - gap);
    }
    return 16;
}

size_t lkd_text_parse_ip(const char *s, size_t n, uint8_t out[16])
{
    return memchr(s, ':', n) != NULL ? parse_ipv6(s, n, out) : parse_ipv4(s, n, out);
}
