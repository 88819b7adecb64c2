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
    return "0123456789abcdef"[v & 15u];
}

int lkd_text_equals_nocase(const char *s, size_t n, const char *text)
{
    size_t i;
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
