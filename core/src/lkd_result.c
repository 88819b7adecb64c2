/* SPDX-License-Identifier: MIT */
/*
 * lkd_result.c - the decoders of the answers of the simple actions (see
 * lkd_result.h).
 */
#include "lkd_result.h"

#include "lkd_decode.h"

const char lkd_result_action[] = "GetReconstructDocumentResult";

lkd_status_t lkd_result_decode(lkd_client_t *c, void *ctx)
{
    return lkd_decode_get_result(c->internal.response, c->internal.response_len, c->internal.tokens,
                                 LKD_JSON_MAX_TOKENS, &c->internal.pages, (lkd_result_t *)ctx, &c->internal.api_error);
}

lkd_status_t lkd_result_decode_request_id(lkd_client_t *c, void *ctx)
{
    lkd_span_t request_id;
    (void)ctx;
    return lkd_decode_simple(c->internal.response, c->internal.response_len, c->internal.tokens,
                             LKD_JSON_MAX_TOKENS, &c->internal.pages, NULL, NULL, &request_id, &c->internal.api_error);
}
