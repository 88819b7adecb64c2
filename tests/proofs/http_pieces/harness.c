/* SPDX-License-Identifier: MIT */
/* lkd_http_parse on arbitrary bytes from the first one (the status line, the
 * start of the headers, every way of failing there): see ../http_harness.h.
 * Bound: UNKNOWN bytes, any length up to it, in PIECES pieces cut anywhere.
 * Not covered here: anything after the first header bytes: http_headers,
 * http_header_values, http_length, http_chunked, http_chunk_data and
 * http_long_line start from known prefixes to reach the rest. */
#define PREFIX ""
#ifndef UNKNOWN
#define UNKNOWN 12
#endif
#ifndef PIECES
#define PIECES 3
#endif
#include "../http_harness.h"
