/* SPDX-License-Identifier: MIT */
/* lkd_time.c, the calendar of the Date header and of X.509 times:
 * - lkd_time_parse_http_date on any len <= BOUND (over the 29 of an
 *   IMF-fixdate) bytes of unknown contents, each length separately;
 * - lkd_time_parse_http_date on the IMF-fixdate skeleton
 *   "___, __ ___ ____ __:__:__ GMT" whose 17 name and digit bytes are
 *   unknown, so the arithmetic is reached with every day, month, year,
 *   hour, minute and second the checks let through;
 * - lkd_time_format_date on any int64_t, its output exactly 11 bytes;
 * - lkd_time_days_from_civil on any year, month and day (in blocks, see
 *   civil()).
 * Not covered: nothing of these functions (text is only ever read at
 * len == 29, which the first part covers with every byte unknown). */
#include "__fc_builtin.h"
#include "lkd_time.c"

#include <string.h>

#define BOUND 40

static void any_bytes(void)
{
    char buf[BOUND];
    int64_t t;
    size_t n = Frama_C_size_t_interval(0, BOUND);
    Frama_C_make_unknown(buf, BOUND);
    /*@ split n; */
    if (lkd_time_parse_http_date(buf + BOUND - n, n, &t) == LKD_OK) {
        //@ assert n == 29;
    }
}

static void skeleton(void)
{
    /* The positions a name or a digit takes. */
    static const unsigned char holes[] = {0, 1, 2, 5, 6, 8, 9, 10, 12, 13, 14, 15, 17, 18, 20, 21, 23, 24};
    char date[29];
    int64_t t;
    unsigned i;
    memcpy(date, "___, __ ___ ____ __:__:__ GMT", 29);
    for (i = 0; i < sizeof holes; i++) {
        date[holes[i]] = (char)Frama_C_interval(CHAR_MIN, CHAR_MAX);
    }
    (void)lkd_time_parse_http_date(date, sizeof date, &t);
}

static void format(void)
{
    char out[11];
    int64_t t;
    Frama_C_make_unknown((char *)&t, sizeof t);
    if (lkd_time_format_date(t, out) == LKD_OK) {
        //@ assert out[4] == '-' && out[7] == '-' && out[10] == '\0';
    }
}

/* Every year 0..9999, month and day, in blocks EVA computes exactly: a
 * month, and 100 years that share y / 400 and keep y % 400 either under
 * 100 or not (y: the year counted from March, plus 400); then each way an
 * argument is out of range, with the others any. */
static void civil(void)
{
    uint32_t year, any_year;
    unsigned month, day, any_month, any_day, m, j;
    Frama_C_make_unknown((char *)&any_year, sizeof any_year);
    Frama_C_make_unknown((char *)&any_month, sizeof any_month);
    Frama_C_make_unknown((char *)&any_day, sizeof any_day);
    /*@ loop unroll 12; */
    for (m = 1; m <= 12; m++) {
        /* January and February belong to the year before: blocks 1..100. */
        unsigned lo = m <= 2 ? 1 : 0;
        if (m <= 2) {
            (void)lkd_time_days_from_civil(0, m, Frama_C_unsigned_int_interval(1, 31));
        }
        /*@ loop unroll 101; */
        for (j = 0; j < 100; j++) {
            year = Frama_C_unsigned_int_interval(100 * j + lo, 100 * j + lo + 99 > 9999 ? 9999 : 100 * j + lo + 99);
            day = Frama_C_unsigned_int_interval(1, 31);
            month = m;
            (void)lkd_time_days_from_civil(year, month, day);
        }
    }
    (void)lkd_time_days_from_civil(Frama_C_unsigned_int_interval(10000, UINT32_MAX), any_month, any_day);
    (void)lkd_time_days_from_civil(any_year, 0, any_day);
    (void)lkd_time_days_from_civil(any_year, Frama_C_unsigned_int_interval(13, UINT_MAX), any_day);
    (void)lkd_time_days_from_civil(any_year, any_month, 0);
    (void)lkd_time_days_from_civil(any_year, any_month, Frama_C_unsigned_int_interval(32, UINT_MAX));
}

int main(void)
{
    any_bytes();
    skeleton();
    format();
    civil();
    return 0;
}
