/* SPDX-License-Identifier: MIT */
/* lkd_http_parse with the smallest line buffer and header limit lkd_config.h
 * allows (64 bytes, 8 headers): lines that do not fit (line_too_long, the
 * skipped header line), the header and trailer count limit, and 1xx interim
 * answers: see ../http_harness.h.
 * Fixed, fed in one call, one of (the P_ macros below):
 * - lines that fill the 64-byte buffer, so the next byte (unknown) is one too
 *   many: a status line, a header the parser does not read (then skipped),
 *   Content-Length (malformed: it cannot be skipped), an unread header after
 *   8 P_A (over the count), a chunk-size line, a trailer, an interim header;
 * - 8 P_A (the next header line is over the count), P_T "0\r\n" and 7 P_A (the
 *   next trailer is);
 * - "HTTP/1.1 100 Continue\r\n" (arbitrary interim headers), and with
 *   "\r\n" after it (arbitrary second status line).
 * Bound: then UNKNOWN arbitrary bytes, any length up to that, in PIECES
 * pieces cut anywhere.  Request kind arbitrary.
 * Not covered: lines near the default 256-byte limit (the code takes
 * LKD_HTTP_MAX_LINE as a parameter: 64 exercises the same branches). */
#define LKD_HTTP_MAX_LINE 64u
#define LKD_HTTP_MAX_HEADERS 8u
#define P_S "HTTP/1.1 200 OK\r\n"
#define P_T P_S "Transfer-Encoding: chunked\r\n\r\n"
#define P_A "A: b\r\n"
#define P_A8 P_A P_A P_A P_A P_A P_A P_A P_A
#define P_I "HTTP/1.1 100 Continue\r\n"
#define PREFIXES                                                                                    \
    "HTTP/1.1 200 " "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",                          \
    P_S "X-Long: " "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",                      \
    P_S "Content-Length: " "000000000000000000000000000000000000000000000000",                      \
    P_S P_A8 "X: " "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",                 \
    P_T "0000000000000000000000000000000000000000000000000000000000000000",                         \
    P_T "0\r\n" "X: " "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",              \
    P_I "X: " "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",                      \
    P_S P_A8,                                                                                       \
    P_T "0\r\n" P_A P_A P_A P_A P_A P_A P_A,                                                        \
    P_I,                                                                                            \
    P_I "\r\n"
#ifndef UNKNOWN
#define UNKNOWN 4
#endif
#ifndef PIECES
#define PIECES 3
#endif
#include "../http_harness.h"
