/* SPDX-License-Identifier: MIT */
/*
 * test_time.c - calendar arithmetic and HTTP dates (lkd_time.h).
 */
#include <stdint.h>
#include <string.h>

#include "lkd_time.h"
#include "unit.h"

static void check_format(int64_t t, const char *expected)
{
    char out[11];

    memset(out, 'x', sizeof out);
    CHECK_EQ_INT(lkd_time_format_date(t, out), LKD_OK);
    CHECK_SPAN(out, strlen(out), expected);
    CHECK_EQ_INT(out[10], '\0');
}

static void test_format_date(void)
{
    char out[11];

    check_format(0, "1970-01-01");
    check_format(86399, "1970-01-01");
    check_format(86400, "1970-01-02");
    check_format(1551113065, "2019-02-25");
    check_format(951782400, "2000-02-29");      /* leap day of a year divisible by 400 */
    check_format(951782400 - 1, "2000-02-28");
    check_format(951868800, "2000-03-01");
    check_format(4107542400, "2100-03-01");     /* 2100 is not a leap year: Feb 28 -> Mar 1 */
    check_format(4107542400 - 1, "2100-02-28");
    check_format(1709164800, "2024-02-29");
    check_format(1735689599, "2024-12-31");
    check_format(1735689600, "2025-01-01");
    check_format(253402300799, "9999-12-31");
    check_format(253402214400, "9999-12-31");

    memset(out, 'x', sizeof out);
    CHECK_EQ_INT(lkd_time_format_date(-1, out), LKD_ERR_ARG_RANGE);
    CHECK_EQ_INT(out[0], 'x'); /* nothing written on error */
    CHECK_EQ_INT(lkd_time_format_date(253402300800, out), LKD_ERR_ARG_RANGE);
    CHECK_EQ_INT(lkd_time_format_date(INT64_MAX, out), LKD_ERR_ARG_RANGE);
    CHECK_EQ_INT(lkd_time_format_date(INT64_MIN, out), LKD_ERR_ARG_RANGE);
    CHECK_EQ_INT(lkd_time_format_date(0, NULL), LKD_ERR_ARG_NULL);
}

static void test_days_from_civil(void)
{
    int64_t d, prev;
    unsigned m;

    CHECK_EQ_INT(lkd_time_days_from_civil(1970, 1, 1), 0);
    CHECK_EQ_INT(lkd_time_days_from_civil(1969, 12, 31), -1);
    CHECK_EQ_INT(lkd_time_days_from_civil(2000, 2, 29), 11016);
    CHECK_EQ_INT(lkd_time_days_from_civil(2000, 3, 1), 11017);
    CHECK_EQ_INT(lkd_time_days_from_civil(2019, 2, 25), 1551113065 / 86400);
    CHECK_EQ_INT(lkd_time_days_from_civil(9999, 12, 31), 2932896);
    CHECK_EQ_INT(lkd_time_days_from_civil(0, 3, 1), -719468);
    CHECK_EQ_INT(lkd_time_days_from_civil(0, 1, 1), -719528);
    CHECK_EQ_INT(lkd_time_days_from_civil(0, 2, 29), -719469);
    CHECK_EQ_INT(lkd_time_days_from_civil(400, 1, 1), -719528 + 146097);
    CHECK_EQ_INT(lkd_time_days_from_civil(1600, 1, 1) - lkd_time_days_from_civil(1200, 1, 1), 146097);

    /* Every day of 1900..2100 follows the one before, and formatting gives back the date. */
    prev = lkd_time_days_from_civil(1899, 12, 31);
    {
        static const unsigned len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int64_t y;
        unsigned day, bad = 0;
        for (y = 1900; y <= 2100; y++) {
            int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            for (m = 1; m <= 12; m++) {
                unsigned last = len[m - 1] + ((m == 2 && leap) ? 1u : 0u);
                for (day = 1; day <= last; day++) {
                    d = lkd_time_days_from_civil(y, m, day);
                    if (d != prev + 1) {
                        bad++;
                    }
                    if (y >= 1970) {
                        char out[11], want[11];
                        want[0] = (char)('0' + y / 1000);
                        want[1] = (char)('0' + y / 100 % 10);
                        want[2] = (char)('0' + y / 10 % 10);
                        want[3] = (char)('0' + y % 10);
                        want[4] = '-';
                        want[5] = (char)('0' + m / 10);
                        want[6] = (char)('0' + m % 10);
                        want[7] = '-';
                        want[8] = (char)('0' + day / 10);
                        want[9] = (char)('0' + day % 10);
                        want[10] = '\0';
                        if (lkd_time_format_date(d * 86400 + 43200, out) != LKD_OK || strcmp(out, want) != 0) {
                            bad++;
                        }
                    }
                    prev = d;
                }
            }
        }
        CHECK_EQ_INT(bad, 0);
    }

    /* Outside years 0..9999, months 1..12 and days 1..31: refused. */
    CHECK_EQ_INT(lkd_time_days_from_civil(10000, 1, 1), LKD_TIME_BAD_DATE);
    CHECK_EQ_INT(lkd_time_days_from_civil(UINT32_MAX, 12, 31), LKD_TIME_BAD_DATE);
    CHECK_EQ_INT(lkd_time_days_from_civil(2000, 0, 1), LKD_TIME_BAD_DATE);
    CHECK_EQ_INT(lkd_time_days_from_civil(2000, 13, 1), LKD_TIME_BAD_DATE);
    CHECK_EQ_INT(lkd_time_days_from_civil(2000, 1, 0), LKD_TIME_BAD_DATE);
    CHECK_EQ_INT(lkd_time_days_from_civil(2000, 1, 32), LKD_TIME_BAD_DATE);
    CHECK_EQ_INT(lkd_time_days_from_civil(0, 4000000000u, 4000000000u), LKD_TIME_BAD_DATE);
}

static void check_date(const char *text, int64_t expected)
{
    int64_t t = 12345;

    CHECK_EQ_INT(lkd_time_parse_http_date(text, strlen(text), &t), LKD_OK);
    CHECK_EQ_INT(t, expected);
}

static void check_bad_date(const char *text)
{
    int64_t t = 12345;
    lkd_status_t st = lkd_time_parse_http_date(text, strlen(text), &t);

    if (st != LKD_ERR_MALFORMED) {
        fprintf(stderr, "accepted bad date \"%s\"\n", text);
    }
    CHECK_EQ_INT(st, LKD_ERR_MALFORMED);
    CHECK_EQ_INT(t, 12345);
}

static void test_parse_http_date(void)
{
    int64_t t = 0;

    check_date("Sun, 06 Nov 1994 08:49:37 GMT", 784111777);
    check_date("Mon, 25 Feb 2019 16:44:25 GMT", 1551113065);
    check_date("Tue, 29 Feb 2000 00:00:00 GMT", 951782400);
    check_date("Thu, 29 Feb 2024 12:00:00 GMT", 1709208000);
    check_date("Thu, 01 Jan 1970 00:00:00 GMT", 0);
    check_date("Wed, 31 Dec 1969 23:59:59 GMT", -1);
    check_date("Fri, 31 Dec 9999 23:59:59 GMT", 253402300799);
    check_date("Sat, 31 Dec 2016 23:59:60 GMT", 1483228800); /* leap second */
    check_date("Wed, 30 Apr 2025 10:11:12 GMT", 1746007872);
    /* The weekday is checked as a name only. */
    check_date("Mon, 06 Nov 1994 08:49:37 GMT", 784111777);

    check_bad_date("");
    check_bad_date("Sun, 06 Nov 1994 08:49:37 GM");      /* 28 bytes */
    check_bad_date("Sun, 06 Nov 1994 08:49:37 GMT ");    /* 30 bytes */
    check_bad_date("Sun, 6 Nov 1994 08:49:37 GMT");
    check_bad_date("Sunday, 06-Nov-94 08:49:37 GMT");    /* RFC 850 */
    check_bad_date("Sun Nov  6 08:49:37 1994");          /* asctime */
    check_bad_date("Sun, 06 Nov 1994 08:49:37 UTC");
    check_bad_date("Sun, 06 Nov 1994 08:49:37 gmt");
    check_bad_date("Fun, 06 Nov 1994 08:49:37 GMT");     /* weekday */
    check_bad_date("sun, 06 Nov 1994 08:49:37 GMT");
    check_bad_date("Sun; 06 Nov 1994 08:49:37 GMT");
    check_bad_date("Sun, 06 Nox 1994 08:49:37 GMT");     /* month */
    check_bad_date("Sun, 06 nov 1994 08:49:37 GMT");
    check_bad_date("Sun, 00 Nov 1994 08:49:37 GMT");     /* day 0 */
    check_bad_date("Sun, 31 Nov 1994 08:49:37 GMT");     /* November has 30 */
    check_bad_date("Sun, 32 Jan 1994 08:49:37 GMT");
    check_bad_date("Sun, 30 Feb 2000 08:49:37 GMT");     /* Feb 30 */
    check_bad_date("Sun, 29 Feb 2019 08:49:37 GMT");     /* not a leap year */
    check_bad_date("Sun, 29 Feb 1900 08:49:37 GMT");     /* century, not a leap year */
    check_bad_date("Sun, 06 Nov 1994 24:00:00 GMT");     /* hour */
    check_bad_date("Sun, 06 Nov 1994 08:60:37 GMT");     /* minute */
    check_bad_date("Sun, 06 Nov 1994 08:49:61 GMT");     /* second */
    check_bad_date("Sun, 06 Nov 19x4 08:49:37 GMT");
    check_bad_date("Sun, 06 Nov 1994 08-49-37 GMT");
    check_bad_date("Sun, 06 Nov 1994 8:49:37  GMT");
    check_bad_date("Sun, +6 Nov 1994 08:49:37 GMT");
    check_bad_date("Sun, 06 Nov -994 08:49:37 GMT");
    check_bad_date("Sun,  06 Nov 1994 08:49:37 GMT");

    /* Only len bytes are read: no NUL needed, trailing bytes ignored. */
    CHECK_EQ_INT(lkd_time_parse_http_date("Sun, 06 Nov 1994 08:49:37 GMTxyz", 29, &t), LKD_OK);
    CHECK_EQ_INT(t, 784111777);
    CHECK_EQ_INT(lkd_time_parse_http_date(NULL, 29, &t), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(lkd_time_parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", 29, NULL), LKD_ERR_ARG_NULL);
}

int main(void)
{
    test_format_date();
    test_days_from_civil();
    test_parse_http_date();
    return unit_report("time");
}
