/* SPDX-License-Identifier: MIT */
/*
 * lkd_types.h - the values the core hands back to the application.
 *
 * Strings are spans: a pointer and a length, never NUL-assumed on input.  Spans
 * in a result point into the client's response buffer, are NUL-terminated
 * there as a convenience (ptr[len] == '\0'), and stay valid until the next
 * call on the same client.
 */
#ifndef LKD_TYPES_H
#define LKD_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include "lkd_config.h"
#include "lkd_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const char *ptr; /* NULL with len 0 when the field was absent */
    size_t len;
} lkd_span_t;

/* Task status of GetReconstructDocumentResult, compared case-insensitively
 * ("success" and "Success" are the same); anything else is UNKNOWN and the
 * raw text stays available in lkd_result_t.status_raw. */
typedef enum {
    LKD_TASK_UNKNOWN = 0,
    LKD_TASK_WAIT_EXECUTE,
    LKD_TASK_PROCESSING,
    LKD_TASK_SUCCESS,
    LKD_TASK_FAILED,
    LKD_TASK_PAUSE
} lkd_task_status_t;

/* "WaitExecute", "Processing", "Success", "Failed", "Pause", "Unknown". */
const char *lkd_task_status_name(lkd_task_status_t status);

/* A numbered entry of FailedPages: its PageNumber as the service sent it. */
typedef struct {
    int64_t page_number;
} lkd_failed_page_t;

/* Usage (lkeap; the international edition carries PageNumber, TotalToken
 * and TotalTokens only).  A field the answer does not carry, or carries as
 * null, is -1. */
typedef struct {
    int64_t page_number;      /* PageNumber */
    int64_t total_token;      /* TotalToken (deprecated by the service for TotalTokens) */
    int64_t total_tokens;     /* TotalTokens */
    int64_t split_tokens;     /* SplitTokens */
    int64_t mllm_tokens;      /* MllmTokens */
    int64_t success_page_num; /* SuccessPageNum */
    int64_t fail_page_num;    /* FailPageNum */
    int64_t file_size;        /* FileSize (bytes) */
} lkd_usage_t;

/* A decoded GetReconstructDocumentResult answer. */
typedef struct {
    lkd_task_status_t status;
    lkd_span_t status_raw;          /* Status exactly as sent (escapes decoded) */
    lkd_span_t result_url;          /* DocumentRecognizeResultUrl, unescaped; empty until Success */
    /* FailedPages, which may list an entry per page even on Success: read as
     * the answer arrives (lkd_pages.c), so its length never fails a result.
     * An entry is numbered when it is an object whose first PageNumber is
     * an integer int64_t holds; any other (null, no PageNumber, PageNumber
     * null, "3", 2.5, 1e3, too large, an array) is counted as unnumbered. */
    size_t failed_pages_stored;     /* numbered entries kept in failed_pages, in the answer's order:
                                       the first LKD_MAX_FAILED_PAGES */
    size_t failed_pages_total;      /* entries the answer listed, exactly, unnumbered ones included */
    size_t failed_pages_unnumbered; /* entries without a usable PageNumber */
    uint8_t failed_pages_truncated; /* 1 when numbered entries were left out:
                                       total - unnumbered > stored */
    uint8_t has_usage;
    lkd_usage_t usage;
    uint8_t has_task_error;         /* the task failed and the answer says why (lkeap) */
    lkd_span_t task_error_code;
    lkd_span_t task_error_message;
    lkd_span_t request_id;
    /* Last, so that the decoder can clear the rest while the filter's
     * entries stay; those past failed_pages_stored are unspecified. */
    lkd_failed_page_t failed_pages[LKD_MAX_FAILED_PAGES > 0 ? LKD_MAX_FAILED_PAGES : 1];
} lkd_result_t;

/* Read up to len bytes at offset into buf; *got >= 1 unless offset is at the
 * end.  Errors: whatever the application returns (passed through). */
typedef lkd_status_t (*lkd_read_fn)(void *user, uint64_t offset, uint8_t *buf, size_t len, size_t *got);

/* A document the client sends as FileBase64. */
typedef struct {
    lkd_read_fn read;
    void *user;
    uint64_t size;            /* exact byte count: Content-Length is computed from it */
    uint8_t unsigned_payload; /* the source can be read only once, in order: sign the
                                 body as UNSIGNED-PAYLOAD (which TC3 allows) instead of hashing
                                 it in a first pass; such a call is never repeated */
} lkd_file_source_t;

/* A service error (Response.Error), copied out of the response buffer so it
 * survives the next call.  Strings are NUL-terminated; a value longer than its
 * array is cut and flagged in `truncated`. */
typedef struct {
    char code[LKD_API_CODE_SIZE];
    char message[LKD_API_MESSAGE_SIZE];
    char request_id[LKD_API_REQUEST_ID_SIZE];
    lkd_api_class_t cls;
    uint8_t truncated;
} lkd_api_error_t;

/* Which argument a call refused, and why (lkd_client_arg_error).  The
 * strings are constant, never NULL; name and rule together read as a
 * sentence: "task_id" "is too long", "settings.language" "must be en-US or
 * zh-CN".  With LKD_ENABLE_TEXTS 0 (the default) they are not compiled in:
 * name and rule are always "", status, length and limit as with them. */
typedef struct {
    lkd_status_t status; /* the LKD_ERR_ARG_* kind, LKD_OK when none was recorded */
    const char *name;    /* the parameter, or parameter.field, as the header names it:
                            "task_id", "settings.secret_id", "params.file.size", "opt.url"; "" for none */
    const char *rule;    /* what is wrong or what it must be: "is empty", "must be UTF-8 without
                            NUL bytes", "is before params.start_page"; "" for none */
    size_t length;       /* LKD_ERR_ARG_TOO_LONG: the bytes the argument has, else 0 */
    size_t limit;        /* LKD_ERR_ARG_TOO_LONG: the most bytes it may have, else 0 */
} lkd_arg_error_t;

/* Longest proxy user name and password (bytes each): the CONNECT request
 * that carries them in Basic form fits LKD_PROXY_REQUEST_MAX. */
#define LKD_PROXY_CREDENTIAL_MAX 64u

/* An HTTP proxy (lkd_settings_t.proxy): every connection the client makes
 * (API host and result host) is a tunnel through it, `CONNECT host:port
 * HTTP/1.1`, unless no_proxy names the host; TLS then runs with the origin
 * (SNI, certificate and kept session of the origin, never the proxy's).
 * Strings are the application's, NUL-terminated, never copied. */
typedef struct lkd_proxy {
    const char *host;     /* NULL: every connection is direct; else a name or an IP address, at most 253
                             visible ASCII bytes (the port connects to it, or to its settings.resolve entry) */
    uint16_t port;        /* the proxy's port, not 0 when host is set */
    const char *user;     /* NULL: no Proxy-Authorization; else Basic with password: at most
                             LKD_PROXY_CREDENTIAL_MAX visible ASCII bytes, no ':' */
    const char *password; /* with user (NULL is ""): at most LKD_PROXY_CREDENTIAL_MAX bytes, any but NUL */
    const char *no_proxy; /* NULL, or the hosts reached directly, as curl's NO_PROXY: entries separated by
                             ',' or spaces; "*" is every host; "example.com" (a leading '.' optional) is
                             that name and every name under it, by whole labels, letters in any case; an
                             IP address only itself, compared as text; ":443" after an entry limits it
                             to that port */
} lkd_proxy_t;

/* Which hop the client's last connection failed on (lkd_client_tls_detail's
 * proxy_hop), so that an error names the host that failed. */
#define LKD_PROXY_HOP_NONE 0   /* direct: no proxy, or no_proxy named the host */
#define LKD_PROXY_HOP_PROXY 1  /* through the proxy, not past it: reaching the proxy (its DNS, TCP
                                  connect) or its CONNECT answer (a refusal, a cut, a timeout) */
#define LKD_PROXY_HOP_TUNNEL 2 /* the proxy's tunnel was open: what failed is the origin's (or beyond) */

#ifdef __cplusplus
}
#endif

#endif /* LKD_TYPES_H */
