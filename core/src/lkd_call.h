/* SPDX-License-Identifier: MIT */
/*
 * lkd_call.h - internal: the machinery of one API call, shared by the
 * actions in lkd_client.c and the job in lkd_job.c.  Not for applications.
 *
 * A call composes its JSON body into the response buffer (free until the
 * answer arrives), optionally with a base64-encoded file streamed between a
 * prefix and a suffix, then signs, sends, receives and decodes it; retryable
 * failures are repeated with a fresh timestamp and signature each time.
 */
#ifndef LKD_CALL_H
#define LKD_CALL_H

#include "lkd_client.h"
#include "lkd_http.h"

typedef struct {
    size_t prefix_len;             /* JSON before the file: response[0..prefix_len) */
    size_t suffix_off, suffix_len; /* JSON after it: response[suffix_off..+suffix_len) */
    const lkd_file_source_t *file; /* NULL: the body is the prefix alone */
} lkd_call_body_t;

/* Write the body into client->internal.response and describe it in *body. */
typedef lkd_status_t (*lkd_call_compose_fn)(lkd_client_t *c, void *ctx, lkd_call_body_t *body);

/* Decode client->internal.response[0..response_len) (NUL-terminated); LKD_ERR_API
 * with client->internal.api_error filled for a service error. */
typedef lkd_status_t (*lkd_call_decode_fn)(lkd_client_t *c, void *ctx);

/* Run action until it succeeds, fails for good, or the deadline passes.
 * idempotent: the call may be repeated after a failure once the request was
 * sent (GetReconstructDocumentResult, CancelTask).  Otherwise
 * (CreateReconstructDocumentFlow) it is repeated only when the answer proves
 * it was not processed (429, a RETRYABLE API error, a request that did not
 * go out whole, a kept-alive connection the server had closed while idle),
 * and a request that went out whole without an answer that settles it ends
 * in LKD_ERR_OUTCOME_UNKNOWN. */
lkd_status_t lkd_call(lkd_client_t *c, const char *action, lkd_call_compose_fn compose, lkd_call_decode_fn decode,
                      void *ctx, int idempotent, uint64_t deadline);

/* Mark the client busy and clear the last call's error; LKD_ERR_STATE when
 * it is not initialised or already in a call. */
lkd_status_t lkd_call_begin(lkd_client_t *c);
lkd_status_t lkd_call_end(lkd_client_t *c, lkd_status_t st);

/* Connect to host:port (through settings.resolve, and settings.proxy unless
 * its no_proxy names host) unless already connected there; log it.  A
 * proxy's refusal (LKD_ERR_PROXY, LKD_ERR_PROXY_AUTH) sets http_status to
 * its status; nothing else here touches it. */
lkd_status_t lkd_call_connect(lkd_client_t *c, const char *host, uint16_t port, uint64_t deadline);

/* After LKD_ERR_PROXY: 1 when the proxy answered 502, 503 or 504 (it could
 * not reach the origin, which saw nothing: worth another try). */
int lkd_call_proxy_gateway_failed(const lkd_client_t *c);

/* Receive one HTTP response on the open connection into client->internal.http, the
 * raw bytes landing in client->internal.request.  *got_any says whether a single byte
 * arrived.  The connection is closed when the answer does not allow reuse.
 * Errors: network/TLS errors, LKD_ERR_CLOSED, LKD_ERR_MALFORMED, the sink's. */
lkd_status_t lkd_call_receive(lkd_client_t *c, lkd_http_body_sink_t sink, lkd_http_header_cb_t on_header, void *user,
                              uint64_t deadline, int *got_any);

/* Diagnostics through settings.log: the line a followed by b (either may be
 * NULL), or label followed by v in decimal.  Compiled out, arguments and all,
 * unless LKD_ENABLE_LOG is 1 (lkd_config.h). */
#if LKD_ENABLE_LOG
void lkd_call_log(const lkd_client_t *c, const char *a, const char *b);
void lkd_call_log_number(const lkd_client_t *c, const char *label, uint64_t v);
#else
#define lkd_call_log(c, a, b) ((void)0)
#define lkd_call_log_number(c, label, v) ((void)0)
#endif

/* Copy s[0..len) as the job's task id into client->internal.task_id (NUL-terminated).
 * Errors (recorded as "task_id" for lkd_client_arg_error): LKD_ERR_ARG_NULL,
 * LKD_ERR_ARG_EMPTY, LKD_ERR_ARG_TOO_LONG (LKD_TASK_ID_SIZE - 1 bytes at most),
 * LKD_ERR_ARG_FORMAT (a NUL inside). */
lkd_status_t lkd_call_set_task(lkd_client_t *c, const char *s, size_t len);

/* Compose {"TaskId":"<client->internal.task_id>"} (for the actions that take only it). */
lkd_status_t lkd_call_compose_task(lkd_client_t *c, void *ctx, lkd_call_body_t *body);

/* Sleep ms, in slices of LKD_ABORT_POLL_MS with the abort asked before each
 * while settings.abort is set.  LKD_OK, otherwise when the deadline leaves
 * no room for it (nothing slept), LKD_ERR_ABORTED when the abort said stop. */
lkd_status_t lkd_call_sleep(lkd_client_t *c, uint32_t ms, uint64_t deadline, lkd_status_t otherwise);

/* The pause before retry number attempt (from 0): LKD_RETRY_BASE_MS * 2^attempt
 * up to LKD_RETRY_MAX_MS, its upper half jittered, or the last answer's
 * Retry-After when longer (capped alike). */
uint32_t lkd_call_backoff_ms(lkd_client_t *c, unsigned attempt);

/* A uniformly random value in [0, n) from the TLS random generator. */
uint32_t lkd_call_random(lkd_client_t *c, uint32_t n);

#endif /* LKD_CALL_H */
