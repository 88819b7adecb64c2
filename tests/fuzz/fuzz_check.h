/* SPDX-License-Identifier: MIT */
/*
 * fuzz_check.h - what the fuzz targets share: an assertion that always aborts
 * (libFuzzer then saves the input as a crash) and span/UTF-8 checks written
 * independently of the code under test.
 */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lkd_types.h"

#define FUZZ_CHECK(cond)                                                                  \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

/* ASCII c made small: the targets' own fold, so that their checks do not
 * lean on the library's. */
static inline unsigned char fuzz_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
static inline int fuzz_valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t k, len;
        unsigned long cp;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1Fu;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0Fu;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07u;
        } else {
            return 0;
        }
        if (n - i < len) {
            return 0;
        }
        for (k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (s[i + k] & 0x3Fu);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF)) {
            return 0;
        }
        i += len;
    }
    return 1;
}

/* A decoded span of a result: either absent ({NULL, 0}) or inside buf[0..size)
 * with its NUL terminator, holding no NUL and valid UTF-8. */
static inline void fuzz_check_decoded_span(lkd_span_t s, const char *buf, size_t size)
{
    size_t i;
    if (s.ptr == NULL) {
        FUZZ_CHECK(s.len == 0);
        return;
    }
    FUZZ_CHECK(s.ptr >= buf && s.ptr <= buf + size);
    FUZZ_CHECK(s.len < size && (size_t)(s.ptr - buf) + s.len < size); /* room for the NUL */
    FUZZ_CHECK(s.ptr[s.len] == '\0');
    for (i = 0; i < s.len; i++) {
        FUZZ_CHECK(s.ptr[i] != '\0');
    }
    FUZZ_CHECK(fuzz_valid_utf8((const unsigned char *)s.ptr, s.len));
}

/* A NUL-terminated copy inside a fixed array, valid UTF-8. */
static inline void fuzz_check_copied_string(const char *s, size_t cap)
{
    size_t n = 0;
    while (n < cap && s[n] != '\0') {
        n++;
    }
    FUZZ_CHECK(n < cap);
    FUZZ_CHECK(fuzz_valid_utf8((const unsigned char *)s, n));
}

#endif /* FUZZ_CHECK_H */
