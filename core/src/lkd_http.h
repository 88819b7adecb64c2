/* SPDX-License-Identifier: MIT */
/*
 * lkd_http.h - incremental HTTP/1.1 response parser.
 *
 * Feed it whatever bytes arrived, in pieces of any size (one byte at a time
 * works); it keeps only the current status/header line (LKD_HTTP_MAX_LINE
 * bytes) and hands the de-chunked body to a sink callback, so memory does not
 * grow with the response.  It reads Content-Length, Transfer-Encoding
 * (chunked), Connection and Date itself; other headers can be seen through an
 * optional callback.  Interim 1xx answers are skipped.
 */
#ifndef LKD_HTTP_H
#define LKD_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "lkd_internal.h"
#include "lkd_status.h"


/* Prepare a parser for one response.  `sink` may be NULL only when no body is
 * expected to be kept (the bytes are then dropped); `on_header` may be NULL.
 * Set head_request to 1 when the request was HEAD (no body follows), 2 when
 * it was a CONNECT (no body follows either, and a 2xx answer's
 * Transfer-Encoding and Content-Length are not read at all: RFC 9110 9.3.6
 * has a client ignore them there). */
void lkd_http_parser_init(lkd_http_parser_t *p, lkd_http_body_sink_t sink, lkd_http_header_cb_t on_header,
                          void *user, int head_request);

/* Consume up to len bytes.  *consumed (may be NULL) says how many were used:
 * fewer than len only when the response completed before the end of the data
 * (the rest belongs to whatever follows; once complete, a call consumes 0) or
 * on an error (then it counts the bytes up to and including the bad one).
 * Errors: LKD_ERR_MALFORMED for anything that is not valid HTTP/1.x (bad status
 * line, bad or conflicting Content-Length, bad chunk size, overflow, a header
 * we read that does not fit the line buffer, too many headers); whatever the
 * sink or header callback returned; LKD_ERR_ARG_NULL for a NULL p, or NULL data
 * with len > 0 (the parser is left as it was).  After any other error the
 * parser stays failed: every later call returns the same status.  The exact
 * rules (line ends, lists, Transfer-Encoding) are listed in lkd_http.c. */
lkd_status_t lkd_http_parse(lkd_http_parser_t *p, const uint8_t *data, size_t len, size_t *consumed);

/* 1 when a whole response (headers and body) has been parsed. */
int lkd_http_is_complete(const lkd_http_parser_t *p);

/* Tell the parser the peer closed the connection.  LKD_OK when that ends a
 * body delimited by the close (no length, not chunked) or the response was
 * already complete; LKD_ERR_CLOSED when the response is incomplete. */
lkd_status_t lkd_http_finish_on_close(lkd_http_parser_t *p);

#endif /* LKD_HTTP_H */
