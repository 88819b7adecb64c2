/* SPDX-License-Identifier: MIT */
/*
 * lkd_config.h - compile-time knobs of the lkedoc core, each with its default.
 *
 * Override any of them with -D on the compiler command line or by defining
 * LKD_CONFIG_FILE to the name of a header that is included first.  Every
 * buffer the client uses lives inside lkd_client_t, so these numbers are the
 * whole memory budget of the core (see README "Memory").
 */
#ifndef LKD_CONFIG_H
#define LKD_CONFIG_H

#ifdef LKD_CONFIG_FILE
#include LKD_CONFIG_FILE
#endif

/* 1: compile the diagnostic lines settings.log receives (connections,
 * request headers with the signature and token hidden, statuses, retries),
 * what the host CLI's --verbose prints.  0 (the default, like the FreeRTOS
 * libraries' logging macros): leave them out of the firmware, about 1.3 KB of
 * flash; settings.log is then never called.  The host builds set 1. */
#ifndef LKD_ENABLE_LOG
#define LKD_ENABLE_LOG 0
#endif

/* Bytes for one whole outgoing request (request line, headers, JSON body).
 * A GetReconstructDocumentResult request with a 64-byte TaskId and a session
 * token needs about 900 bytes.  Range: 512 .. 65535. */
#ifndef LKD_REQUEST_BUFFER_SIZE
#define LKD_REQUEST_BUFFER_SIZE 2048u
#endif

/* Bytes for one response body (after de-chunking).  A result with a presigned
 * URL is typically 1 to 2 kB; each failed page adds about 20 bytes.  A larger
 * body ends the call with LKD_ERR_RESPONSE_TOO_LARGE.  Range: 256 .. 2^31. */
#ifndef LKD_RESPONSE_BUFFER_SIZE
#define LKD_RESPONSE_BUFFER_SIZE 4096u
#endif

/* jsmn tokens for one response body (each costs 20 bytes with parent links).
 * An answer with N failed pages needs about 24 + 3*N tokens.  More than this
 * ends the call with LKD_ERR_RESPONSE_TOO_LARGE.  Range: 32 .. 65535. */
#ifndef LKD_JSON_MAX_TOKENS
#define LKD_JSON_MAX_TOKENS 128u
#endif

/* Longest HTTP status or header line kept while parsing.  A longer header line
 * is skipped when its name is not one the client reads (Content-Length,
 * Transfer-Encoding, Connection, Date) and is an error otherwise.
 * Range: 64 .. 65535. */
#ifndef LKD_HTTP_MAX_LINE
#define LKD_HTTP_MAX_LINE 256u
#endif

/* Most header lines accepted in one response (trailers included).
 * Range: 8 .. 65535. */
#ifndef LKD_HTTP_MAX_HEADERS
#define LKD_HTTP_MAX_HEADERS 100u
#endif

/* Failed page numbers kept in a result; the total count is always reported
 * and a flag says when more were listed than kept.  Range: 0 .. 65535. */
#ifndef LKD_MAX_FAILED_PAGES
#define LKD_MAX_FAILED_PAGES 16u
#endif

/* Sizes of the strings copied out of an API error (NUL included); longer
 * values are cut and flagged.  */
#ifndef LKD_API_CODE_SIZE
#define LKD_API_CODE_SIZE 80u
#endif
#ifndef LKD_API_MESSAGE_SIZE
#define LKD_API_MESSAGE_SIZE 256u
#endif
#ifndef LKD_API_REQUEST_ID_SIZE
#define LKD_API_REQUEST_ID_SIZE 64u
#endif

/* Default deadline of one call (connect + TLS + request + response). */
#ifndef LKD_DEFAULT_TIMEOUT_MS
#define LKD_DEFAULT_TIMEOUT_MS 30000u
#endif

/* The earliest time the client will believe (Unix seconds; default
 * 2026-01-01).  Used while the clock is unknown: a certificate that expired
 * before it is refused, and the first request is signed with it so that the
 * server's SignatureExpire answer and Date header teach the client the time.
 * Raise it with each release. */
#ifndef LKD_TIME_FLOOR
#define LKD_TIME_FLOOR 1767225600
#endif

/* Hosts a result URL (DocumentRecognizeResultUrl) may name, at port 443, as a
 * comma-separated list of string literals: ".suffix" matches any name ending
 * in it at a label boundary, a name without the leading dot only itself.  The
 * object-storage domains of the service (API.md).  lkd_settings_t.result_hosts
 * adds to them or replaces them. */
#ifndef LKD_DEFAULT_RESULT_HOSTS
#define LKD_DEFAULT_RESULT_HOSTS ".myqcloud.com", ".tencentcos.cn", ".tencentcos.com"
#endif

/* Bytes of the TaskId kept in the client between the calls of a job. */
#ifndef LKD_TASK_ID_SIZE
#define LKD_TASK_ID_SIZE 128u
#endif

/* Retries of one API call after a network failure, HTTP 429/5xx or
 * RequestLimitExceeded (each waits base * 2^n ms, half of it jittered, at
 * most LKD_RETRY_MAX_MS, and never past the call's deadline). */
#ifndef LKD_RETRY_COUNT
#define LKD_RETRY_COUNT 4u
#endif
#ifndef LKD_RETRY_BASE_MS
#define LKD_RETRY_BASE_MS 500u
#endif
#ifndef LKD_RETRY_MAX_MS
#define LKD_RETRY_MAX_MS 8000u
#endif

/* Reconnections of one download after a dropped connection (each resumes
 * with a Range request from the last byte delivered). */
#ifndef LKD_DOWNLOAD_MAX_RESUMES
#define LKD_DOWNLOAD_MAX_RESUMES 8u
#endif

#endif /* LKD_CONFIG_H */
