/* SPDX-License-Identifier: MIT */
/*
 * lkd_time.h - calendar arithmetic without the C library's time functions
 * (gmtime/timegm are not on every target and use global state).
 */
#ifndef LKD_TIME_H
#define LKD_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "lkd_status.h"

/* Write the UTC calendar date of `unix_seconds` as "YYYY-MM-DD" plus a NUL
 * into out[11].  Years 1970..9999 only.
 * Errors: LKD_ERR_ARG_NULL for a NULL out, LKD_ERR_ARG_RANGE for a time
 * outside that range. */
lkd_status_t lkd_time_format_date(int64_t unix_seconds, char out[11]);

/* Parse an HTTP date (IMF-fixdate, RFC 7231: "Sun, 06 Nov 1994 08:49:37 GMT")
 * of len bytes into Unix seconds.  The obsolete RFC 850 and asctime forms are
 * refused.  The weekday must be a valid name but is not checked against the
 * date; second 60 (a leap second) reads as second 0 of the next minute.
 * Errors: LKD_ERR_MALFORMED for anything that is not a valid date (a NULL
 * text included); LKD_ERR_ARG_NULL for a NULL unix_seconds. */
lkd_status_t lkd_time_parse_http_date(const char *text, size_t len, int64_t *unix_seconds);

/* What lkd_time_days_from_civil returns for a date outside its range. */
#define LKD_TIME_BAD_DATE INT32_MIN

/* Days since 1970-01-01 of a proleptic Gregorian date, negative before 1970.
 * Years 0..9999, month 1..12, day 1..31 (a day past the month's end counts
 * on into the next); anything else gives LKD_TIME_BAD_DATE. */
int32_t lkd_time_days_from_civil(uint32_t year, unsigned month, unsigned day);

#endif /* LKD_TIME_H */
