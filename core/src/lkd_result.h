/* SPDX-License-Identifier: MIT */
/*
 * lkd_result.h - internal: the lkd_call_decode_fn decoders of the answers that
 * lkd_client.c and lkd_job.c share.  Not for applications.
 */
#ifndef LKD_RESULT_H
#define LKD_RESULT_H

#include "lkd_client.h"

/* "GetReconstructDocumentResult": the action whose answer lkd_result_decode
 * reads (one copy of the name for lkd_get_result and the job's polls). */
extern const char lkd_result_action[];

/* A GetReconstructDocumentResult answer into the lkd_result_t ctx. */
lkd_status_t lkd_result_decode(lkd_client_t *c, void *ctx);

/* An answer that carries nothing the client needs but RequestId (CancelTask);
 * ctx is unused. */
lkd_status_t lkd_result_decode_request_id(lkd_client_t *c, void *ctx);

#endif /* LKD_RESULT_H */
