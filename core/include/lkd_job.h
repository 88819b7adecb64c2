/* SPDX-License-Identifier: MIT */
/*
 * lkd_job.h - the whole document job: create a task, wait for it, download
 * the result archive.  Memory stays what lkd_client_t holds, whatever the
 * size of the document or of the archive: the upload is read, base64-encoded
 * and hashed piece by piece from a reader, and the download is handed piece
 * by piece to a sink.
 *
 * The task id of the job is kept in the client (lkd_client_task_id) between
 * the calls, so the application may pass back the span lkd_create returned.
 * Every call that takes a task id stores it there, lkd_get_result and
 * lkd_cancel_task (lkd_client.h) too: after one of those on another task the
 * span names that task.
 */
#ifndef LKD_JOB_H
#define LKD_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "lkd_client.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most pages one task parses (the service's limit). */
#define LKD_CREATE_MAX_PAGES 1000u

/* The FileTypes the service takes as FileBase64 (lkd_create_t.file); any
 * type goes by FileUrl.  Each type ends with a NUL; the list with an empty
 * one ("" after the last NUL). */
#define LKD_FILE_BASE64_TYPES "PNG\0" "JPG\0" "JPEG\0" "PDF\0" "GIF\0" "BMP\0" "TIFF\0"

/* CreateReconstructDocumentFlow parameters, as the service names them.  Either file_url or file.
 * Page range: on an endpoint with LKD_CAP_END_PAGE_100 (lke), which parses
 * only pages 1..100 without FileEndPageNumber, an end_page of 0 sends the
 * whole document as far as one task goes: start_page (1 when 0) to
 * start_page + LKD_CREATE_MAX_PAGES - 1.  Elsewhere 0 is not sent. */
typedef struct {
    const char *file_type;         /* "PDF", "PNG", ...: sent upper-case; required on lkeap */
    const char *file_url;          /* FileUrl, or NULL */
    const lkd_file_source_t *file; /* FileBase64 source, or NULL */
    uint32_t start_page;           /* FileStartPageNumber, 0: not sent */
    uint32_t end_page;             /* FileEndPageNumber, 0: the document's end (see above) */
    const char *table_result_type; /* Config.TableResultType "0" markdown, "1" HTML; NULL: "0" */
    const char *result_type;       /* Config.ResultType "0".."5"; NULL: "0" */
    int8_t ignore_failed_page;     /* Config.IgnoreFailedPage (LKD_CAP_IGNORE_FAILED_PAGE): -1 not sent, 0, 1 */
    int8_t return_page_format;     /* Config.ReturnPageFormat (LKD_CAP_RETURN_PAGE_FORMAT): -1 not sent, 0, 1 */
    const char *page_format;       /* Config.PageFormat (LKD_CAP_PAGE_FORMAT), or NULL */
} lkd_create_t;

/* Fill *p with no file, ResultType "0", TableResultType "0", lkeap extras unset. */
void lkd_create_default(lkd_create_t *p);

/* Start a task.  On LKD_OK *task_id views lkd_client_task_id: valid until
 * the next lkd_create, lkd_wait, lkd_download_result, lkd_get_result or
 * lkd_cancel_task, each of which stores the id it is given there.  The
 * service's limits are checked before anything is sent: FileBase64 at most
 * 8 MiB, the whole request at most 10 MiB.  The call's deadline is
 * settings.timeout_ms plus, for a file, its base64 body at
 * settings.upload_bytes_per_s (whole seconds, rounded down).
 * Create is not idempotent (a second one is a second, billed task): it is
 * repeated only when the answer proves the service did not process it (HTTP
 * 429, a RequestLimitExceeded* error, a connection that failed before the
 * whole request was sent).  Each attempt opens a connection of its own: a
 * kept-alive one the server closed while idle cannot be told from one it
 * dropped after creating the task.  With a credentials provider
 * (lkd_client.h) it is also repeated once, with the provider's new
 * credentials, after AuthFailure.TokenFailure: the service checks the token
 * before it acts, so that answer settled the call with no task made (not
 * with a read-once file: LKD_ERR_API, the next call asks the provider
 * again).  Once the whole request was sent, anything
 * but an API error, an HTTP status of 300..499 (even when the rest of its
 * answer is cut) or the TaskId answer is LKD_ERR_OUTCOME_UNKNOWN: a 5xx,
 * another 2xx, a timeout, a reset or close, a cut or oversized answer, a TLS
 * error, and a complete 200 whose JSON carries no usable TaskId (the service
 * answered, so the task may exist, but its id is not known).  Never retried.
 * Errors, each with the argument named (lkd_client_arg_error):
 * LKD_ERR_ARG_NULL (params, task_id, file.read, no source, file_type on
 * lkeap), LKD_ERR_ARG_CONFLICT (both sources; end_page before start_page;
 * ignore_failed_page, return_page_format or page_format, the one named, set
 * while settings.caps lack its LKD_CAP_* bit),
 * LKD_ERR_ARG_EMPTY (file_url "", file.size 0, file_type ""),
 * LKD_ERR_ARG_TOO_LONG (file_type over 8), LKD_ERR_ARG_FORMAT (file_type not
 * letters and digits; file_url or page_format not UTF-8), LKD_ERR_ARG_RANGE
 * (table_result_type, result_type; file_type with file not one of
 * LKD_FILE_BASE64_TYPES: send it by file_url; end_page more than
 * LKD_CREATE_MAX_PAGES - 1 after start_page (1 when 0), on every endpoint;
 * start_page over UINT32_MAX - LKD_CREATE_MAX_PAGES + 1 with end_page 0
 * where LKD_CAP_END_PAGE_100 adds the range; file.size more than file.read gives;
 * file.read gave more bytes than it was asked for);
 * LKD_ERR_PAYLOAD_TOO_LARGE, LKD_ERR_OUTCOME_UNKNOWN (above), the reader's
 * errors, and those of lkd_get_result (network errors and LKD_ERR_MALFORMED
 * only before the whole request was sent). */
lkd_status_t lkd_create(lkd_client_t *client, const lkd_create_t *params, lkd_span_t *task_id);

/* Called after every poll of lkd_wait with the decoded answer. */
typedef void (*lkd_wait_progress_fn)(void *user, const lkd_result_t *result, uint32_t elapsed_ms, uint32_t polls);

typedef struct {
    uint32_t timeout_ms;        /* the whole wait (default LKD_WAIT_TIMEOUT_MS: 10 minutes) */
    uint32_t first_interval_ms; /* first pause between polls (default LKD_WAIT_FIRST_INTERVAL_MS: 1000) */
    uint32_t max_interval_ms;   /* pauses grow by LKD_WAIT_BACKOFF_PERCENT (1.5x) with +-20 % jitter
                                   up to this (default LKD_WAIT_MAX_INTERVAL_MS: 10000) */
    lkd_wait_progress_fn progress;
    void *user;
} lkd_wait_options_t;

void lkd_wait_options_default(lkd_wait_options_t *o);

/* Poll GetReconstructDocumentResult over the kept-alive connection until the
 * task ends.  LKD_OK: Success, *result has the URL.  Each poll is one API call
 * with its own deadline (settings.timeout_ms) and retries, within the wait's.
 * Errors: LKD_ERR_ARG_RANGE (opt->timeout_ms or first_interval_ms 0),
 * LKD_ERR_ARG_CONFLICT (max_interval_ms below first_interval_ms),
 * LKD_ERR_TASK_FAILED (*result has the task's Error and FailedPages),
 * LKD_ERR_TASK_PAUSED (lkeap Pause: it will not finish by waiting),
 * LKD_ERR_TIMEOUT (still running at the deadline; *result has the last
 * answer), and those of lkd_get_result. */
lkd_status_t lkd_wait(lkd_client_t *client, const char *task_id, size_t task_id_len, const lkd_wait_options_t *opt,
                      lkd_result_t *result);

/* Receives the archive in order; a non-LKD_OK return stops the download and
 * is returned unchanged, never retried (return LKD_ERR_WRITE when the data
 * cannot be stored: a full disk is not a network failure).  Bytes are never
 * handed over twice, even across resumes. */
typedef lkd_status_t (*lkd_sink_fn)(void *user, const uint8_t *data, size_t len);

/* Called as bytes arrive; total is 0 while unknown. */
typedef void (*lkd_download_progress_fn)(void *user, uint64_t done, uint64_t total);

/* The object changed on the server (412 to If-Match) and the download starts
 * again from byte 0: the sink must drop every byte it was given.  A non-LKD_OK
 * return ends the download with that status. */
typedef lkd_status_t (*lkd_download_restart_fn)(void *user);

/* CRC-64/XZ (ECMA-182 polynomial, reflected, init and final xor all ones),
 * the object store's x-cos-hash-crc64ecma: crc is the CRC-64 of the bytes
 * before data (0 for none), the result that of all of them, so pieces may be
 * fed in any split ("123456789" gives 0x995DC9BBDF1939FA).  An application
 * resuming from bytes it kept (lkd_download_state_t.crc) computes it with
 * this over those bytes. */
uint64_t lkd_crc64(uint64_t crc, const void *data, size_t len);

/* The longest ETag kept for If-Match, quotes included (the store's are 34 or
 * about 40 bytes); a longer one is not kept and resumes go without it. */
#define LKD_DOWNLOAD_ETAG_SIZE 48u

/* flags of lkd_download_state_t */
#define LKD_DOWNLOAD_HAS_TOTAL 1u /* total is the archive's length */
#define LKD_DOWNLOAD_HAS_CRC 2u   /* expected_crc is the store's x-cos-hash-crc64ecma */
#define LKD_DOWNLOAD_VERIFIED 4u  /* set with LKD_OK: the whole archive's CRC-64 matched it */

/* Where a download stands, as plain data an application may save and give
 * back, after a reboot, to continue: with delivered > 0 the next GET asks for
 * the bytes from there (Range) of the same object (If-Match with etag) and
 * the CRC goes on from crc.  It matches exactly the bytes the sink has been
 * given whenever progress is called and when lkd_download_result returns:
 * save it there (inside the sink it still describes the bytes before data,
 * so a copy taken in the sink is consistent only with what the sink held
 * before that call).  Set delivered to 0 (or memset) to start afresh; the
 * rest is then ignored and filled in. */
typedef struct {
    uint64_t delivered;    /* bytes handed to the sink */
    uint64_t crc;          /* lkd_crc64 of those bytes */
    uint64_t total;        /* with LKD_DOWNLOAD_HAS_TOTAL */
    uint64_t expected_crc; /* with LKD_DOWNLOAD_HAS_CRC */
    uint8_t flags;
    uint8_t etag_len;      /* 0: no ETag kept */
    char etag[LKD_DOWNLOAD_ETAG_SIZE]; /* the object's ETag as the store sent it, not NUL-terminated */
} lkd_download_state_t;

typedef struct {
    uint32_t timeout_ms; /* the whole download, resumes included
                            (default LKD_DOWNLOAD_TIMEOUT_MS: 10 minutes) */
    lkd_sink_fn sink;
    void *user;
    lkd_download_progress_fn progress;
    lkd_span_t url;      /* a URL already in hand (e.g. lkd_wait's result_url, even though it
                            points into the client): saves the first GetReconstructDocumentResult */
    lkd_download_state_t *state;     /* in/out, or NULL: from byte 0, the state kept inside the call */
    lkd_download_restart_fn restart; /* NULL: a changed object ends the download (HTTP status 412) */
} lkd_download_options_t;

void lkd_download_options_default(lkd_download_options_t *o);

/* Download a task's result: one GetReconstructDocumentResult for the URL
 * (unless opt->url gives it), checked against the result-host policy
 * (LKD_DEFAULT_RESULT_HOSTS, settings.result_hosts) before anything connects
 * to it, then a GET on the object-storage host over its own verified TLS connection,
 * with Accept-Encoding: identity (an answer with another Content-Encoding is
 * LKD_ERR_MALFORMED).  A body without a length ends only with the server's
 * TLS close_notify; a bare TCP close is a cut, resumed like any other.
 * A name that does not resolve, a dropped or refused connection, a TLS
 * failure (but a certificate or a fatal alert), a read that waits
 * settings.timeout_ms without a byte (the connection is dropped), or a 5xx
 * answer (503 SlowDown) is retried after a jittered back-off (lkd_call's:
 * doubling up to LKD_RETRY_MAX_MS, then at that pace; the store's answers
 * only, no Retry-After of the API's) with Range from the last byte delivered
 * and If-Match with the object's ETag, for as long as the deadline leaves
 * room for the pause; a 412 (the object changed), a resumed answer whose
 * ETag or CRC-64 is not the state's, or a 416 (fewer bytes than the state's),
 * starts over from byte 0 with a fresh URL, through opt->restart.  A URL whose resumed GET (Range and the longest
 * ETag) would not fit LKD_REQUEST_BUFFER_SIZE is refused before anything is
 * fetched (LKD_ERR_BUFFER_TOO_SMALL).  An expired URL (HTTP 403), or one whose q-key-time ends
 * within a minute, is replaced by a fresh one from the service, up to
 * LKD_DOWNLOAD_MAX_URL_REFRESHES times.  The archive's CRC-64 is computed as
 * it streams and compared with x-cos-hash-crc64ecma at the end; an answer
 * without it is accepted (logged; LKD_DOWNLOAD_VERIFIED stays clear).
 * *bytes (may be NULL) gets the count
 * delivered; LKD_OK only when it equals the archive's announced length.
 * Errors: LKD_ERR_INTEGRITY (the CRC-64 differs: the bytes must not be used),
 * LKD_ERR_TASK_NOT_READY (no URL: the task has not succeeded),
 * LKD_ERR_TASK_FAILED, LKD_ERR_URL_REFUSED (the URL's scheme, host or port is
 * not allowed: lkd_client_refused_host and lkd_client_refusal_reason say
 * which and why), LKD_ERR_ARG_NULL (opt or opt->sink), LKD_ERR_ARG_RANGE
 * (opt->timeout_ms 0; "opt.state": its etag_len over LKD_DOWNLOAD_ETAG_SIZE - 1,
 * an etag byte that is not visible ASCII, or delivered past its total); for an opt->url the application made that is not
 * https://host[:port][/path] (the scheme in any case; a host of letters,
 * digits, '-' and '.'; a path and query of printable ASCII without spaces; a
 * "#fragment" is dropped), with "opt.url" named: LKD_ERR_ARG_NULL (url.ptr
 * NULL), LKD_ERR_ARG_FORMAT (another scheme, no host, user info, an empty
 * port, a query without a path, a byte a request line cannot carry),
 * LKD_ERR_ARG_TOO_LONG (a host over 253 bytes; LKD_RESPONSE_BUFFER_SIZE bytes
 * or more in all), LKD_ERR_ARG_RANGE (port 0 or over 65535);
 * LKD_ERR_MALFORMED (a URL of the service's, fetched or passed back in
 * opt->url from lkd_wait's result, malformed), LKD_ERR_HTTP_STATUS (lkd_client_stats: http_status;
 * 412 when the object changed and opt->restart is NULL), LKD_ERR_MALFORMED (lengths or
 * ranges that do not add up; a malformed x-cos-hash-crc64ecma), network and TLS errors, LKD_ERR_TIMEOUT, the
 * sink's errors, and those of lkd_get_result. */
lkd_status_t lkd_download_result(lkd_client_t *client, const char *task_id, size_t task_id_len,
                                 const lkd_download_options_t *opt, uint64_t *bytes);

#ifdef __cplusplus
}
#endif

#endif /* LKD_JOB_H */
