/*
 * lkd_text.c - see lkd_text.h.
 */
#include "lkd_text.h"

const char *lkd_format_dec(uint64_t v, char buf[LKD_DEC_SIZE])
{
    char *p = buf + LKD_DEC_SIZE - 1;
    *p = '\0';
    do {
        *--p = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v != 0);
    return p;
}

int lkd_text_equals_nocase(const char *s, size_t n, const char *lower)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (lower[i] == '\0' || c != lower[i]) {
            return 0;
        }
    }
    return lower[n] == '\0';
}
