/* SPDX-License-Identifier: MIT */
/*
 * lkd_time.c - proleptic Gregorian calendar arithmetic and the HTTP date.
 *
 * The day counting follows the shape of Howard Hinnant's "days_from_civil" /
 * "civil_from_days" (eras of 400 years = 146097 days, years counted from
 * March so the leap day is the last day of the year).  Only years 0..9999
 * are needed (X.509 and HTTP dates have four digits), so everything fits
 * 32-bit unsigned arithmetic: no 64-bit division helper on a Cortex-M.
 */
#include "lkd_time.h"

#define SECONDS_PER_DAY 86400u
/* Days from 0000-03-01 to 1970-01-01. */
#define DAYS_0000_03_01_TO_EPOCH 719468u
#define DAYS_PER_ERA 146097u
/* 9999-12-31 23:59:59 UTC. */
#define LAST_FORMATTABLE_SECOND INT64_C(253402300799)
#define HTTP_DATE_LEN 29u

int32_t lkd_time_days_from_civil(uint32_t year, unsigned month, unsigned day)
{
    uint32_t y, era, yoe, doy, doe;

    if (year > 9999u || month < 1u || month > 12u || day < 1u || day > 31u) {
        return LKD_TIME_BAD_DATE;
    }
    /* Years counted from March (January and February belong to the year
     * before), shifted by one era so that year 0 stays unsigned. */
    y = year + 400u - (month <= 2u ? 1u : 0u);
    era = y / 400u;
    yoe = y - era * 400u;
    doy = (153u * (month > 2u ? month - 3u : month + 9u) + 2u) / 5u + day - 1u;
    doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
    return (int32_t)(era * DAYS_PER_ERA + doe) - (int32_t)(DAYS_0000_03_01_TO_EPOCH + DAYS_PER_ERA);
}

static void put_digits(char *out, unsigned value, unsigned width)
{
    while (width > 0u) {
        width--;
        out[width] = (char)('0' + value % 10u);
        value /= 10u;
    }
}

lkd_status_t lkd_time_format_date(int64_t unix_seconds, char out[11])
{
    uint32_t z, era, doe, yoe, doy, mp, year;
    unsigned month, day;

    if (out == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    if (unix_seconds < 0 || unix_seconds > LAST_FORMATTABLE_SECOND) {
        return LKD_ERR_ARG_RANGE;
    }
    z = (uint32_t)((uint64_t)unix_seconds / SECONDS_PER_DAY) + DAYS_0000_03_01_TO_EPOCH;
    era = z / DAYS_PER_ERA;
    doe = z - era * DAYS_PER_ERA;
    yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
    doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
    mp = (5u * doy + 2u) / 153u;
    day = (unsigned)(doy - (153u * mp + 2u) / 5u + 1u);
    month = (unsigned)(mp < 10u ? mp + 3u : mp - 9u);
    year = era * 400u + yoe + (month <= 2u ? 1u : 0u);

    put_digits(out, (unsigned)year, 4u);
    out[4] = '-';
    put_digits(out + 5, month, 2u);
    out[7] = '-';
    put_digits(out + 8, day, 2u);
    out[10] = '\0';
    return LKD_OK;
}

/* Reads `width` decimal digits; -1 when any is not a digit. */
static int read_digits(const char *text, unsigned width)
{
    int value = 0;
    unsigned i;

    for (i = 0; i < width; i++) {
        if (text[i] < '0' || text[i] > '9') {
            return -1;
        }
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

/* Index of the 3-letter name in a table of 3-letter names, or -1.  The
 * IMF-fixdate names are case-sensitive (RFC 7231 7.1.1.1). */
static int find_name(const char *text, const char *table, int count)
{
    int i;

    for (i = 0; i < count; i++) {
        const char *name = table + 3 * i;
        if (text[0] == name[0] && text[1] == name[1] && text[2] == name[2]) {
            return i;
        }
    }
    return -1;
}

/* The fixed bytes of an IMF-fixdate, '_' where a name or digit goes (those
 * are read after). */
static int punctuation_ok(const char *text)
{
    static const char shape[HTTP_DATE_LEN + 1] = "___, __ ___ ____ __:__:__ GMT";
    unsigned i;
    for (i = 0; i < HTTP_DATE_LEN; i++) {
        if (shape[i] != '_' && text[i] != shape[i]) {
            return 0;
        }
    }
    return 1;
}

static int is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

lkd_status_t lkd_time_parse_http_date(const char *text, size_t len, int64_t *unix_seconds)
{
    static const char weekdays[] = "MonTueWedThuFriSatSun";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    static const unsigned char month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int month, day, year, hour, minute, second, last_day;

    if (unix_seconds == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    /* "Sun, 06 Nov 1994 08:49:37 GMT" */
    if (text == NULL || len != HTTP_DATE_LEN) {
        return LKD_ERR_MALFORMED;
    }
    if (!punctuation_ok(text)) {
        return LKD_ERR_MALFORMED;
    }
    if (find_name(text, weekdays, 7) < 0) {
        return LKD_ERR_MALFORMED;
    }
    month = find_name(text + 8, months, 12);
    day = read_digits(text + 5, 2u);
    year = read_digits(text + 12, 4u);
    hour = read_digits(text + 17, 2u);
    minute = read_digits(text + 20, 2u);
    second = read_digits(text + 23, 2u);
    if (month < 0 || day < 1 || year < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 ||
        second > 60) {
        return LKD_ERR_MALFORMED;
    }
    last_day = month_days[month] + ((month == 1 && is_leap_year(year)) ? 1 : 0);
    if (day > last_day) {
        return LKD_ERR_MALFORMED;
    }
    /* A leap second (:60) reads as the first second of the next minute. */
    *unix_seconds = (int64_t)lkd_time_days_from_civil((uint32_t)year, (unsigned)month + 1u, (unsigned)day) * 86400 +
                    (int64_t)hour * 3600 + (int64_t)minute * 60 + second;
    return LKD_OK;
}
