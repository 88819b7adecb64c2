/* SPDX-License-Identifier: MIT */
/*
 * lkd_result.h - internal: lkd_decode_fn decoders of the simple actions'
 * answers, shared by lkd_client.c and lkd_job.c.  Not for applications.
 */
#ifndef LKD_RESULT_H
#define LKD_RESULT_H

#include "lkd_call.h"

/* Decode a GetReconstructDocumentResult answer into the lkd_result_t ctx. */
lkd_status_t lkd_call_decode_result(lkd_client_t *c, void *ctx);

lkd_status_t decode_request_id_only(lkd_client_t *c, void *ctx);

#endif /* LKD_RESULT_H */
