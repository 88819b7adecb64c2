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
