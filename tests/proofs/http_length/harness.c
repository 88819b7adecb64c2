/* SPDX-License-Identifier: MIT */
/* lkd_http_parse on a Content-Length body (deliver_counted, completion,
 * bytes past the end left unconsumed, finish_on_close on a cut body): see
 * ../http_harness.h.
 * Fixed: one of PREFIXES below, fed in one call (a status line and a
 * Content-Length of 0, 1, 3, "7, 7" or 2^64-1 - past every bound, so the
 * body stays open - and one after a 100 Continue interim answer).
 * Bound: then UNKNOWN arbitrary bytes, any length up to that, in PIECES
 * pieces cut anywhere: the body, the bytes after it, a close in the middle.
 * Request kind arbitrary (a HEAD answer has no body; CONNECT's 2xx turns
 * into a close-delimited tunnel).
 * Not covered: a Content-Length from unknown digits (http_header_values
 * parses those values; with the length unknown the analysis loses that a
 * call uses at most the bytes it got). */
#define PREFIXES                                                                                           \
    "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n",       \
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", "HTTP/1.0 200 OK\r\nContent-Length: 7, 7\r\n\r\n", \
        "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n",                                 \
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"
#ifndef UNKNOWN
#define UNKNOWN 16
#endif
#ifndef PIECES
#define PIECES 4
#endif
#include "../http_harness.h"
