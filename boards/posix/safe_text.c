/* SPDX-License-Identifier: MIT */
/*
 * safe_text.c - escaping of untrusted strings for the terminal and for JSON
 * output (see safe_text.h for what is escaped and why).
 */
#include "safe_text.h"

#include <stdint.h>

/* The length (1..4) of the well-formed UTF-8 sequence at s[0..n) and its
 * code point in *cp, or 0 (overlong, surrogate, above U+10FFFF, cut short). */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t len, k;
    uint32_t v;
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07u;
    } else {
        return 0;
    }
    if (n < len) {
        return 0;
    }
    for (k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80) {
            return 0;
        }
        v = (v << 6) | (s[k] & 0x3Fu);
    }
    if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) || (v >= 0xD800 && v <= 0xDFFF)) {
        return 0;
    }
    *cp = v;
    return len;
}

/* 1 for a code point a terminal or viewer acts on instead of showing. */
static int must_escape(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

void safe_text_write(FILE *out, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp = 0;
        size_t step = utf8_next(u + i, len - i, &cp);
        if (step == 0) {
            fprintf(out, "\\x%02x", (unsigned)u[i]);
            i++;
            continue;
        }
        if (cp == '\\') {
            fputs("\\\\", out);
        } else if (cp == '\t') {
            fputs("\\t", out);
        } else if (cp == '\n') {
            fputs("\\n", out);
        } else if (cp == '\r') {
            fputs("\\r", out);
        } else if (cp < 0x80 && must_escape(cp)) {
            fprintf(out, "\\x%02x", (unsigned)cp);
        } else if (must_escape(cp)) {
            fprintf(out, "\\u%04x", (unsigned)cp);
        } else {
            fwrite(u + i, 1, step, out);
        }
        i += step;
    }
}

size_t safe_text_utf8_prefix(const char *s, size_t len)
{
    size_t i = 0, step;
    uint32_t cp;
    while (i < len && (step = utf8_next((const unsigned char *)s + i, len - i, &cp)) != 0 && cp != 0) {
        i += step;
    }
    return i;
}

size_t safe_text_visible_prefix(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && (unsigned char)s[i] > 0x20 && (unsigned char)s[i] < 0x7f) {
        i++;
    }
    return i;
}

void safe_text_puts(FILE *out, const char *s)
{
    size_t n = 0;
    if (s == NULL) {
        return;
    }
    while (s[n] != '\0') {
        n++;
    }
    safe_text_write(out, s, n);
}

void safe_text_span(FILE *out, lkd_span_t s)
{
    if (s.ptr != NULL) {
        safe_text_write(out, s.ptr, s.len);
    }
}

void safe_json_write(FILE *out, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i;
    uint32_t cp;
    /* Checked whole first, so an invalid string is null, never half written. */
    for (i = 0; i < len;) {
        size_t step = utf8_next(u + i, len - i, &cp);
        if (step == 0 || cp == 0) {
            fputs("null", out);
            return;
        }
        i += step;
    }
    fputc('"', out);
    for (i = 0; i < len;) {
        size_t step = utf8_next(u + i, len - i, &cp);
        switch (cp) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\b': fputs("\\b", out); break;
        case '\f': fputs("\\f", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (must_escape(cp)) {
                fprintf(out, "\\u%04x", (unsigned)cp);
            } else {
                fwrite(u + i, 1, step, out);
            }
        }
        i += step;
    }
    fputc('"', out);
}
