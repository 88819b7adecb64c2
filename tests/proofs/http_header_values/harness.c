/* SPDX-License-Identifier: MIT */
/* lkd_http_parse on the values of the headers it reads itself (read_list,
 * next_element, read_element, lkd_text_parse_u64, the Date parser
 * lkd_time_parse_http_date through read_header): see ../http_harness.h.
 * Fixed: "HTTP/1.1 200 OK\r\n" and a header name, fed in one call: one of
 * Content-Length, Transfer-Encoding, Connection, Date, then the value
 * arbitrary; "Content-Length: 1844674407370955161" (one more digit
 * overflows 64 bits, or not); "Content-Length: 5, " (a list: the next
 * element must be 5 again); and an IMF-fixdate "Date: Sun, 06 Nov 1994
 * 08:49:37 GMT" whose 12 digits are each any of 0-9 and whose weekday and
 * month names are any of the names or a wrong one (unknown_date below), so
 * the date arithmetic runs on every day, month, year and time of day.
 * Bound: then UNKNOWN arbitrary bytes (the rest of the value, the line end,
 * what follows), any length up to that, in PIECES pieces cut anywhere.
 * Not covered: arbitrary values longer than the bound (the Date parser
 * rejects every length but 29 first). */
#define S "HTTP/1.1 200 OK\r\n"
#define PREFIXES                                                                                          \
    S "Content-Length:", S "Transfer-Encoding:", S "Connection:", S "Date:",                              \
        S "Content-Length: 1844674407370955161", S "Content-Length: 5, ", S "Date: Sun, 06 Nov 1994 08:49:37 GMT"
#include <stddef.h>
#define DATE_PREFIX 6
static void unknown_date(unsigned char *in, size_t len, int which);
#define PREFIX_HOOK(in, len, which) unknown_date(in, len, which)
#ifndef UNKNOWN
#define UNKNOWN 3
#endif
#ifndef PIECES
#define PIECES 3
#endif
#include "../http_harness.h"

static void unknown_date(unsigned char *in, size_t len, int which)
{
    static const char digits[12] = {5, 6, 12, 13, 14, 15, 17, 18, 20, 21, 23, 24};
    static const char names[] = "MonTueWedThuFriSatSunXyz"
                                "JanFebMarAprMayJunJulAugSepOctNovDecXyz";
    unsigned char *v = in + len - 29; /* the value */
    int i, day = Frama_C_interval(0, 7), month = Frama_C_interval(0, 12);

    if (which != DATE_PREFIX) {
        return;
    }
    for (i = 0; i < 12; i++) {
        v[(int)digits[i]] = (unsigned char)Frama_C_interval('0', '9');
    }
    memcpy(v, names + 3 * day, 3);
    memcpy(v + 8, names + 24 + 3 * month, 3);
}
