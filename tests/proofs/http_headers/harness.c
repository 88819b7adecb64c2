/* SPDX-License-Identifier: MIT */
/* lkd_http_parse after a known status line: arbitrary header lines, the end
 * of the headers, a close-delimited body: see ../http_harness.h.
 * Bound: "HTTP/1.1 200 OK\r\n" then UNKNOWN arbitrary bytes, any length up
 * to that, in PIECES pieces cut anywhere (through the status line too). */
#define PREFIX "HTTP/1.1 200 OK\r\n"
#ifndef UNKNOWN
#define UNKNOWN 6
#endif
#ifndef PIECES
#define PIECES 3
#endif
#include "../http_harness.h"
