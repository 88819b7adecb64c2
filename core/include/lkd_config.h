/* SPDX-License-Identifier: MIT */
/*
 * lkd_config.h - compile-time knobs of the lkedoc core, each with its default
 * and its range.
 *
 * Override any of them with -D on the compiler command line or by defining
 * LKD_CONFIG_FILE to the name of a header that is included first.  Every
 * buffer the client uses lives inside lkd_client_t, so these numbers are the
 * whole memory budget of the core (see README "Memory").
 *
 * A value outside its range stops the compile with an #error naming the knob.
 * The library and the application must be compiled with the same values:
 * lkd_client_init hands the application's LKD_CONFIG_FINGERPRINT and
 * sizeof(lkd_client_t) to the library, which refuses a client built with
 * other values (LKD_ERR_CONFIG) before it writes a byte of it.
 */
#ifndef LKD_CONFIG_H
#define LKD_CONFIG_H

#ifdef LKD_CONFIG_FILE
#include LKD_CONFIG_FILE
#endif

/* 1: compile the diagnostic lines settings.log receives (connections,
 * request headers with the signature and token hidden, statuses, retries),
 * what the host CLI's --verbose prints.  0 (the default, like the FreeRTOS
 * libraries' logging macros): leave them out of the firmware (what they cost
 * is in the README, "Configuration"); settings.log is then never called.  The
 * host builds set 1.  Range: 0 .. 1. */
#ifndef LKD_ENABLE_LOG
#define LKD_ENABLE_LOG 0
#endif

/* 1: compile the English texts a person reads after a failure: lkd_strerror's
 * descriptions, the argument names and rules lkd_client_arg_error gives, the
 * TLS policy's sentences in lkd_client_tls_detail.  0 (the default): leave
 * them out of the firmware (what they cost is in the README, "Configuration");
 * lkd_strerror then gives the status's number ("7": LKD_ERR_CERT), the argument
 * record keeps its kind, length and limit with name and rule "", and the TLS
 * detail keeps mbedTLS's code and flags with policy NULL.  The host builds
 * set 1.  Range: 0 .. 1. */
#ifndef LKD_ENABLE_TEXTS
#define LKD_ENABLE_TEXTS 0
#endif

/* ---- memory ----------------------------------------------------------------- */

/* Bytes for one whole outgoing request (request line, headers, JSON body).
 * A GetReconstructDocumentResult request with a 64-byte TaskId and a session
 * token needs about 900 bytes.  Range: 512 .. 65535. */
#ifndef LKD_REQUEST_BUFFER_SIZE
#define LKD_REQUEST_BUFFER_SIZE 2048u
#endif

/* Bytes for one response body (after de-chunking).  A result with a presigned
 * URL is typically 1 to 2 kB; each failed page adds about 20 bytes.  A larger
 * body ends the call with LKD_ERR_RESPONSE_TOO_LARGE.  The top (16 MiB) keeps
 * lkd_client_t an object a 32-bit target can declare and every offset in the
 * body within jsmn's int.  Range: 256 .. 16777216. */
#ifndef LKD_RESPONSE_BUFFER_SIZE
#define LKD_RESPONSE_BUFFER_SIZE 4096u
#endif

/* jsmn tokens for one response body (each costs 20 bytes with parent links).
 * The service's answers need a few dozen (FailedPages' entries are filtered out
 * before jsmn, whatever their count).  More than this, or brackets nested
 * deeper than this (the filter holds a bit per level), ends the call with
 * LKD_ERR_RESPONSE_TOO_LARGE.  Range: 32 .. 65535. */
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
 * values are cut and flagged (the code is classified whole, before the cut).
 * A RequestId is a 36-character UUID, so a smaller array could never hold one.
 * Ranges: code 16 .. 1024, message 16 .. 65535, request id 37 .. 1024. */
#ifndef LKD_API_CODE_SIZE
#define LKD_API_CODE_SIZE 80u
#endif
#ifndef LKD_API_MESSAGE_SIZE
#define LKD_API_MESSAGE_SIZE 256u
#endif
#ifndef LKD_API_REQUEST_ID_SIZE
#define LKD_API_REQUEST_ID_SIZE 64u
#endif

/* Bytes of the TaskId kept in the client between the calls of a job (NUL
 * included): a longer task id is refused with LKD_ERR_ARG_TOO_LONG.
 * Range: 65 .. 4096. */
#ifndef LKD_TASK_ID_SIZE
#define LKD_TASK_ID_SIZE 128u
#endif

/* Hosts whose last TLS session is kept for an abbreviated handshake on the
 * next connection (each slot holds one mbedTLS session and the host's name;
 * README "Memory" has the size).  Two cover the API host and the result host
 * of a job.
 * Range: 1 .. 16. */
#ifndef LKD_TLS_SESSION_SLOTS
#define LKD_TLS_SESSION_SLOTS 2u
#endif

/* Raw file bytes the upload asks its reader for at a time.  Each piece is
 * read at the end of the request buffer and base64-encoded (4/3 as long) at
 * its start, so at most 3/7 of the buffer, in whole groups of 3; the default
 * is that maximum.  A smaller piece means more reads and more, smaller TLS
 * records.  Range: 3 .. LKD_REQUEST_BUFFER_SIZE * 3 / 7, a multiple of 3. */
#ifndef LKD_UPLOAD_PIECE_SIZE
#define LKD_UPLOAD_PIECE_SIZE ((LKD_REQUEST_BUFFER_SIZE * 3u / 7u) / 3u * 3u)
#endif

/* ---- time ------------------------------------------------------------------- */

/* Default deadline of one call (connect + TLS + request + response),
 * settings.timeout_ms of lkd_settings_default.  Range: 1 .. 86400000. */
#ifndef LKD_DEFAULT_TIMEOUT_MS
#define LKD_DEFAULT_TIMEOUT_MS 30000u
#endif

/* Default deadline of a whole lkd_wait and of a whole lkd_download_result
 * (lkd_wait_options_default, lkd_download_options_default): 10 minutes.
 * Range: 1 .. 86400000 each. */
#ifndef LKD_WAIT_TIMEOUT_MS
#define LKD_WAIT_TIMEOUT_MS 600000u
#endif
#ifndef LKD_DOWNLOAD_TIMEOUT_MS
#define LKD_DOWNLOAD_TIMEOUT_MS 600000u
#endif

/* Pauses between the polls of lkd_wait: the first (default of
 * first_interval_ms), then each LKD_WAIT_BACKOFF_PERCENT of the one before
 * (150: 1.5 times), with +-20 % jitter, up to the cap (default of
 * max_interval_ms).  Ranges: first 1 .. LKD_WAIT_MAX_INTERVAL_MS, cap
 * LKD_WAIT_FIRST_INTERVAL_MS .. 3600000, percent 100 .. 1000 (100: no
 * growth). */
#ifndef LKD_WAIT_FIRST_INTERVAL_MS
#define LKD_WAIT_FIRST_INTERVAL_MS 1000u
#endif
#ifndef LKD_WAIT_MAX_INTERVAL_MS
#define LKD_WAIT_MAX_INTERVAL_MS 10000u
#endif
#ifndef LKD_WAIT_BACKOFF_PERCENT
#define LKD_WAIT_BACKOFF_PERCENT 150u
#endif

/* How long closing a connection waits to send its TLS close_notify (best
 * effort; 0 sends none).  Range: 0 .. 10000. */
#ifndef LKD_TLS_CLOSE_NOTIFY_MS
#define LKD_TLS_CLOSE_NOTIFY_MS 100u
#endif

/* The earliest time the client will believe (Unix seconds; default
 * 2026-01-01).  Used while the clock is unknown: a certificate that expired
 * before it is refused, and the first request is signed with it so that the
 * server's SignatureExpire answer and Date header teach the client the time.
 * Raise it with each release; never lower it below the release it shipped
 * with (an older floor accepts older expired certificates).
 * Range: 1767225600 .. 4102444800 (2100-01-01). */
#ifndef LKD_TIME_FLOOR
#define LKD_TIME_FLOOR 1767225600
#endif

/* Retries of one API call after a network failure, HTTP 429/5xx or
 * RequestLimitExceeded (each waits base * 2^n ms, half of it jittered, at
 * most LKD_RETRY_MAX_MS, and never past the call's deadline).
 * Ranges: count 0 .. 16, base 1 .. LKD_RETRY_MAX_MS, max LKD_RETRY_BASE_MS ..
 * 600000. */
#ifndef LKD_RETRY_COUNT
#define LKD_RETRY_COUNT 4u
#endif
#ifndef LKD_RETRY_BASE_MS
#define LKD_RETRY_BASE_MS 500u
#endif
#ifndef LKD_RETRY_MAX_MS
#define LKD_RETRY_MAX_MS 8000u
#endif

/* The CRC-64 of a download (x-cos-hash-crc64ecma), computed as it streams:
 * 0 (default) four bits a step from a 16-entry table, 128 bytes of flash;
 * 1 eight bytes a step from 16 KiB of const tables, about seven times as
 * fast (the host build: at 0 the CRC would cost a host a third of its
 * download rate).  Range 0 .. 1. */
#ifndef LKD_CRC64_FAST
#define LKD_CRC64_FAST 0
#endif

/* Fresh result URLs one download may ask the service for: after an expired
 * URL's 403, before resuming on a URL whose q-key-time ends within a minute,
 * and after a 412 (the object changed).  Range 0 .. 255, default 4. */
#ifndef LKD_DOWNLOAD_MAX_URL_REFRESHES
#define LKD_DOWNLOAD_MAX_URL_REFRESHES 4u
#endif

/* LKD_DOWNLOAD_MAX_RESUMES is gone: a download resumes until its deadline
 * (lkd_download_options_t.timeout_ms bounds it).  An application that still
 * sets it is told, rather than getting resumes it meant to forbid. */
#ifdef LKD_DOWNLOAD_MAX_RESUMES
#error "LKD_DOWNLOAD_MAX_RESUMES was removed: a download resumes until its deadline (opt.timeout_ms)"
#endif

/* ---- policy ----------------------------------------------------------------- */

/* Hosts a result URL (DocumentRecognizeResultUrl) may name, at port 443, as a
 * comma-separated list of string literals: ".suffix" matches any name ending
 * in it at a label boundary, a name without the leading dot only itself.  The
 * object-storage domains of the service.  lkd_settings_t.result_hosts adds to
 * them or replaces them.  Range: one or more entries, each 1 .. 253 bytes of
 * letters, digits, '-' and '.' (not "." alone): the preprocessor cannot read
 * strings, so lkd_client_init checks them and answers LKD_ERR_CONFIG. */
#ifndef LKD_DEFAULT_RESULT_HOSTS
#define LKD_DEFAULT_RESULT_HOSTS ".myqcloud.com", ".tencentcos.cn", ".tencentcos.com"
#endif

/* ---- range checks ------------------------------------------------------------ */

#if LKD_ENABLE_LOG != 0 && LKD_ENABLE_LOG != 1
#error "LKD_ENABLE_LOG must be 0 or 1"
#endif
#if LKD_ENABLE_TEXTS != 0 && LKD_ENABLE_TEXTS != 1
#error "LKD_ENABLE_TEXTS must be 0 or 1"
#endif
#if LKD_REQUEST_BUFFER_SIZE < 512 || LKD_REQUEST_BUFFER_SIZE > 65535
#error "LKD_REQUEST_BUFFER_SIZE must be 512 .. 65535"
#endif
#if LKD_RESPONSE_BUFFER_SIZE < 256 || LKD_RESPONSE_BUFFER_SIZE > 16777216
#error "LKD_RESPONSE_BUFFER_SIZE must be 256 .. 16777216"
#endif
#if LKD_JSON_MAX_TOKENS < 32 || LKD_JSON_MAX_TOKENS > 65535
#error "LKD_JSON_MAX_TOKENS must be 32 .. 65535"
#endif
#if LKD_HTTP_MAX_LINE < 64 || LKD_HTTP_MAX_LINE > 65535
#error "LKD_HTTP_MAX_LINE must be 64 .. 65535"
#endif
#if LKD_HTTP_MAX_HEADERS < 8 || LKD_HTTP_MAX_HEADERS > 65535
#error "LKD_HTTP_MAX_HEADERS must be 8 .. 65535"
#endif
#if LKD_MAX_FAILED_PAGES < 0 || LKD_MAX_FAILED_PAGES > 65535
#error "LKD_MAX_FAILED_PAGES must be 0 .. 65535"
#endif
#if LKD_API_CODE_SIZE < 16 || LKD_API_CODE_SIZE > 1024
#error "LKD_API_CODE_SIZE must be 16 .. 1024"
#endif
#if LKD_API_MESSAGE_SIZE < 16 || LKD_API_MESSAGE_SIZE > 65535
#error "LKD_API_MESSAGE_SIZE must be 16 .. 65535"
#endif
#if LKD_API_REQUEST_ID_SIZE < 37 || LKD_API_REQUEST_ID_SIZE > 1024
#error "LKD_API_REQUEST_ID_SIZE must be 37 .. 1024"
#endif
#if LKD_TASK_ID_SIZE < 65 || LKD_TASK_ID_SIZE > 4096
#error "LKD_TASK_ID_SIZE must be 65 .. 4096"
#endif
#if LKD_TLS_SESSION_SLOTS < 1 || LKD_TLS_SESSION_SLOTS > 16
#error "LKD_TLS_SESSION_SLOTS must be 1 .. 16"
#endif
#if LKD_UPLOAD_PIECE_SIZE < 3 || LKD_UPLOAD_PIECE_SIZE > LKD_REQUEST_BUFFER_SIZE * 3 / 7 || \
    LKD_UPLOAD_PIECE_SIZE % 3 != 0
#error "LKD_UPLOAD_PIECE_SIZE must be 3 .. LKD_REQUEST_BUFFER_SIZE * 3 / 7, a multiple of 3"
#endif
#if LKD_DEFAULT_TIMEOUT_MS < 1 || LKD_DEFAULT_TIMEOUT_MS > 86400000
#error "LKD_DEFAULT_TIMEOUT_MS must be 1 .. 86400000"
#endif
#if LKD_WAIT_TIMEOUT_MS < 1 || LKD_WAIT_TIMEOUT_MS > 86400000
#error "LKD_WAIT_TIMEOUT_MS must be 1 .. 86400000"
#endif
#if LKD_DOWNLOAD_TIMEOUT_MS < 1 || LKD_DOWNLOAD_TIMEOUT_MS > 86400000
#error "LKD_DOWNLOAD_TIMEOUT_MS must be 1 .. 86400000"
#endif
#if LKD_WAIT_FIRST_INTERVAL_MS < 1 || LKD_WAIT_FIRST_INTERVAL_MS > LKD_WAIT_MAX_INTERVAL_MS
#error "LKD_WAIT_FIRST_INTERVAL_MS must be 1 .. LKD_WAIT_MAX_INTERVAL_MS"
#endif
#if LKD_WAIT_MAX_INTERVAL_MS < LKD_WAIT_FIRST_INTERVAL_MS || LKD_WAIT_MAX_INTERVAL_MS > 3600000
#error "LKD_WAIT_MAX_INTERVAL_MS must be LKD_WAIT_FIRST_INTERVAL_MS .. 3600000"
#endif
#if LKD_WAIT_BACKOFF_PERCENT < 100 || LKD_WAIT_BACKOFF_PERCENT > 1000
#error "LKD_WAIT_BACKOFF_PERCENT must be 100 .. 1000"
#endif
#if LKD_TLS_CLOSE_NOTIFY_MS < 0 || LKD_TLS_CLOSE_NOTIFY_MS > 10000
#error "LKD_TLS_CLOSE_NOTIFY_MS must be 0 .. 10000"
#endif
#if LKD_TIME_FLOOR < 1767225600 || LKD_TIME_FLOOR > 4102444800
#error "LKD_TIME_FLOOR must be 1767225600 .. 4102444800"
#endif
#if LKD_RETRY_COUNT < 0 || LKD_RETRY_COUNT > 16
#error "LKD_RETRY_COUNT must be 0 .. 16"
#endif
#if LKD_RETRY_BASE_MS < 1 || LKD_RETRY_BASE_MS > LKD_RETRY_MAX_MS
#error "LKD_RETRY_BASE_MS must be 1 .. LKD_RETRY_MAX_MS"
#endif
#if LKD_RETRY_MAX_MS < LKD_RETRY_BASE_MS || LKD_RETRY_MAX_MS > 600000
#error "LKD_RETRY_MAX_MS must be LKD_RETRY_BASE_MS .. 600000"
#endif
#if LKD_CRC64_FAST != 0 && LKD_CRC64_FAST != 1
#error "LKD_CRC64_FAST must be 0 or 1"
#endif
#if LKD_DOWNLOAD_MAX_URL_REFRESHES < 0 || LKD_DOWNLOAD_MAX_URL_REFRESHES > 255
#error "LKD_DOWNLOAD_MAX_URL_REFRESHES must be 0 .. 255"
#endif

/* ---- the fingerprint of this configuration ----------------------------------- */

/* One 32-bit value (FNV-1a style) from every numeric knob above, in this
 * order, so that two builds agree on it only when they agree on the knobs.
 * The library compares the application's value with its own in
 * lkd_client_init.  Every value is below 2^32, so the result is the same
 * whatever the width of unsigned long. */
#define LKD_CONFIG_MIX_(h, v) ((((h) ^ (unsigned long)(v)) * 16777619ul) & 0xfffffffful)
#define LKD_CONFIG_FP_1_ LKD_CONFIG_MIX_(2166136261ul, LKD_ENABLE_LOG)
#define LKD_CONFIG_FP_2_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_1_, LKD_REQUEST_BUFFER_SIZE)
#define LKD_CONFIG_FP_3_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_2_, LKD_RESPONSE_BUFFER_SIZE)
#define LKD_CONFIG_FP_4_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_3_, LKD_JSON_MAX_TOKENS)
#define LKD_CONFIG_FP_5_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_4_, LKD_HTTP_MAX_LINE)
#define LKD_CONFIG_FP_6_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_5_, LKD_HTTP_MAX_HEADERS)
#define LKD_CONFIG_FP_7_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_6_, LKD_MAX_FAILED_PAGES)
#define LKD_CONFIG_FP_8_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_7_, LKD_API_CODE_SIZE)
#define LKD_CONFIG_FP_9_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_8_, LKD_API_MESSAGE_SIZE)
#define LKD_CONFIG_FP_10_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_9_, LKD_API_REQUEST_ID_SIZE)
#define LKD_CONFIG_FP_11_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_10_, LKD_TASK_ID_SIZE)
#define LKD_CONFIG_FP_12_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_11_, LKD_TLS_SESSION_SLOTS)
#define LKD_CONFIG_FP_13_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_12_, LKD_UPLOAD_PIECE_SIZE)
#define LKD_CONFIG_FP_14_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_13_, LKD_DEFAULT_TIMEOUT_MS)
#define LKD_CONFIG_FP_15_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_14_, LKD_WAIT_TIMEOUT_MS)
#define LKD_CONFIG_FP_16_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_15_, LKD_DOWNLOAD_TIMEOUT_MS)
#define LKD_CONFIG_FP_17_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_16_, LKD_WAIT_FIRST_INTERVAL_MS)
#define LKD_CONFIG_FP_18_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_17_, LKD_WAIT_MAX_INTERVAL_MS)
#define LKD_CONFIG_FP_19_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_18_, LKD_WAIT_BACKOFF_PERCENT)
#define LKD_CONFIG_FP_20_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_19_, LKD_TLS_CLOSE_NOTIFY_MS)
#define LKD_CONFIG_FP_21_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_20_, LKD_TIME_FLOOR)
#define LKD_CONFIG_FP_22_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_21_, LKD_RETRY_COUNT)
#define LKD_CONFIG_FP_23_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_22_, LKD_RETRY_BASE_MS)
#define LKD_CONFIG_FP_24_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_23_, LKD_RETRY_MAX_MS)
#define LKD_CONFIG_FP_25_ LKD_CONFIG_FP_24_ /* a slot no knob fills now */
#define LKD_CONFIG_FP_26_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_25_, LKD_ENABLE_TEXTS)
#define LKD_CONFIG_FP_27_ LKD_CONFIG_MIX_(LKD_CONFIG_FP_26_, LKD_DOWNLOAD_MAX_URL_REFRESHES)
#define LKD_CONFIG_FINGERPRINT LKD_CONFIG_MIX_(LKD_CONFIG_FP_27_, LKD_CRC64_FAST)

#endif /* LKD_CONFIG_H */
