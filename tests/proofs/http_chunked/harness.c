/* SPDX-License-Identifier: MIT */
/* lkd_http_parse on chunk-size lines of arbitrary bytes (hex digits, the
 * size overflowing 64 bits, OWS, extensions ";...", every malformed line),
 * and what follows them (data, chunk_end_byte, the last chunk "0"): see
 * ../http_harness.h.  http_chunk_data goes on with known sizes.
 * Fixed: a status line and "Transfer-Encoding: chunked" (C below), fed in
 * one call, then either nothing (the first size line is unknown bytes) or 15
 * known 'f's (one or two more hex digits overflow 64 bits).
 * Bound: then UNKNOWN arbitrary bytes, any length up to that, in PIECES
 * pieces cut anywhere.  Request kind arbitrary.
 * Not covered: size lines longer than the bound other than the 'f' one
 * (http_long_line has one too long for the line buffer); more than a few
 * bytes of data after an unknown size: from 5 unknown bytes on, the analysis
 * loses that deliver_counted's remaining -= n leaves 0 when it took the
 * rest of the chunk (n = remaining, an interval) and reports reads past the
 * bytes given; http_chunk_data covers chunk data with known sizes. */
#define C "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
#define PREFIXES C, C "fffffffffffffff"
#ifndef UNKNOWN
#define UNKNOWN 4
#endif
#ifndef PIECES
#define PIECES 3
#endif
#include "../http_harness.h"
