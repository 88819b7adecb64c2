/* SPDX-License-Identifier: MIT */
/*
 * lkd_pages.h - internal: the filter every 200 answer of the API passes
 * through on its way into the response buffer, and the client's one check of
 * the JSON grammar.  Not for applications.
 *
 * The filter reads the whole answer with the strict JSON grammar (RFC 8259)
 * byte by byte: an answer that is not JSON is LKD_ERR_MALFORMED as soon as a
 * byte shows it, one that ends before its value does is at lkd_pages_end;
 * one nested deeper than LKD_PAGES_MAX_DEPTH brackets anywhere is
 * LKD_ERR_RESPONSE_TOO_LARGE (the service's answers nest 4).  jsmn accepts
 * much that is not JSON, so lkd_json_parse is only run on a body the filter
 * accepted whole (lkd_decode.c does so).
 *
 * Response.FailedPages (GetReconstructDocumentResult) may list one entry per
 * page of the document, even on Success: far more than the response buffer
 * and the token array hold.  Given room for page numbers, the filter consumes
 * that array as the body arrives (whatever the pieces) and leaves `[]` in its
 * place, keeping the first page numbers, the exact count of entries and the
 * count of those without a usable number; every other byte goes to the
 * buffer unchanged, for lkd_decode.c's strict checks.  The state
 * (lkd_pages_t, lkd_internal.h) has a fixed size.
 *
 * The path is exact: the first key "Response" of the top-level object, then
 * the first key "FailedPages" of its object, keys compared as raw bytes (as
 * lkd_json_find_key does, so that both pick the same member).  The filter
 * keeps nothing of an entry but its PageNumber, so an entry of any size and
 * with any keys needs no room in the buffer and no tokens; a body cut off
 * inside FailedPages is LKD_ERR_MALFORMED at lkd_pages_end.
 * An entry is numbered when it is an object whose first PageNumber member
 * (at its own level) is an integer int64_t holds; any other entry (null, a
 * string, an array, an object without PageNumber, PageNumber null, "3",
 * 2.5, 1e3 or too large) is counted as unnumbered, never an error.
 */
#ifndef LKD_PAGES_H
#define LKD_PAGES_H

#include "lkd_internal.h"

/* Brackets the answer may nest: no more than the tokens jsmn has for it,
 * since each bracket is a token (the state holds one bit per bracket). */
#define LKD_PAGES_MAX_DEPTH LKD_JSON_MAX_TOKENS

/* Start a body.  keep: where the first cap page numbers go; NULL for an
 * answer of another action: the grammar still reads every byte, but no path
 * is followed (FailedPages passes like any member, nothing is counted). */
void lkd_pages_start(lkd_pages_t *p, lkd_failed_page_t *keep, size_t cap);

/* Take the body's next len bytes: what passes goes to buf[*buf_len..cap) and
 * *buf_len grows by its size.  The same buf serves a whole body; it may hold
 * the very bytes being filtered (in place), since nothing is written ahead
 * of what was read.
 * Errors: LKD_ERR_RESPONSE_TOO_LARGE (buf full, or nested deeper than
 * LKD_PAGES_MAX_DEPTH), LKD_ERR_MALFORMED (the answer is not JSON, or has
 * more entries than a size_t counts); after an error the filter's state is
 * unspecified. */
lkd_status_t lkd_pages_put(lkd_pages_t *p, const uint8_t *in, size_t len, char *buf, size_t cap, size_t *buf_len);

/* The body ended: LKD_OK when the bytes put were exactly one JSON value
 * (white space around it), else LKD_ERR_MALFORMED (nothing yet, a value
 * still open, a cut inside FailedPages, a bare number with nothing after
 * it; or a lkd_pages_put that failed).  What the value holds is the
 * decoder's to judge. */
lkd_status_t lkd_pages_end(const lkd_pages_t *p);

#endif /* LKD_PAGES_H */
