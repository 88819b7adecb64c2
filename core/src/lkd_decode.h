/* SPDX-License-Identifier: MIT */
/*
 * lkd_decode.h - typed decoding of the service's JSON answers, in place.
 *
 * The body came through the filter (lkd_pages.h), which checked its grammar;
 * the decoder refuses it unless lkd_pages_end accepts the filter's state, and
 * only then tokenizes it with jsmn into a caller-provided token array.  Every
 * string the caller gets is unescaped inside the body buffer itself.  A body
 * with Response.Error and no Response.Status is an API error: its
 * Code, Message and RequestId are copied out and classified.
 */
#ifndef LKD_DECODE_H
#define LKD_DECODE_H

#include "lkd_json.h"
#include "lkd_pages.h"

/* Decode a GetReconstructDocumentResult body (`{"Response": {...}}`) of len
 * bytes in place, once the whole body went through the filter *pages, whose
 * page numbers went to result->failed_pages (lkd_pages.h).  On LKD_OK *result
 * is filled (spans point into json; the FailedPages counts come from *pages).
 * When the answer is an API error (Response.Error and no Response.Status)
 * *api_err is filled and LKD_ERR_API returned.  On any error *result is
 * cleared but for failed_pages[].
 * Errors: LKD_ERR_MALFORMED (not JSON by the filter, no Response object,
 * Status not a string, wrong field types, the body ended inside
 * FailedPages...), LKD_ERR_ARG_NULL,
 * LKD_ERR_RESPONSE_TOO_LARGE (tokens), LKD_ERR_API. */
lkd_status_t lkd_decode_get_result(char *json, size_t len, lkd_json_token_t *tokens, unsigned max_tokens,
                                   const lkd_pages_t *pages, lkd_result_t *result, lkd_api_error_t *api_err);

/* Decode any action's answer that carries no fields the client needs besides
 * RequestId (e.g. CancelTask), or pick out a single string field: when
 * field is not NULL its decoded value goes to *value (absent: LKD_ERR_MALFORMED).
 * The whole body went through the filter *pages (started without keep).
 * Errors and API errors as above. */
lkd_status_t lkd_decode_simple(char *json, size_t len, lkd_json_token_t *tokens, unsigned max_tokens,
                               const lkd_pages_t *pages, const char *field, lkd_span_t *value,
                               lkd_span_t *request_id, lkd_api_error_t *api_err);

#endif /* LKD_DECODE_H */
