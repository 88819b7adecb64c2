/* SPDX-License-Identifier: MIT */
/* lkd_http_parse on the chunks after a known size line: chunk data
 * (deliver_counted), the line end after it (chunk_end_byte), the next size
 * line, the last chunk, trailers (shown to on_header and counted),
 * completion: see ../http_harness.h.
 * Fixed: a status line and "Transfer-Encoding: chunked" (C below), then one
 * of: "3\r\n" (unknown data, framing and size lines after it), a size
 * 2^64-1 (a chunk that outlasts every bound), the last chunk "0\r\n"
 * (unknown trailers), fed in one call.
 * Bound: then UNKNOWN arbitrary bytes, any length up to that, in PIECES
 * pieces cut anywhere.  Request kind arbitrary.
 * Not covered: data of a chunk whose size came from unknown digits, after
 * other bytes in the same call (http_chunked's bound stops before). */
#define C "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
#define PREFIXES C "3\r\n", C "ffffffffffffffff\r\n", C "0\r\n"
#ifndef UNKNOWN
#define UNKNOWN 8
#endif
#ifndef PIECES
#define PIECES 3
#endif
#include "../http_harness.h"
