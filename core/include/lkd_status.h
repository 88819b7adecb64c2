/* SPDX-License-Identifier: MIT */
/*
 * lkd_status.h - the one error model of lkedoc.
 *
 * Every function of the core and of a port returns an lkd_status_t.  A call
 * either succeeds (LKD_OK) or ends in exactly one of these kinds; nothing is
 * silently truncated.  For LKD_ERR_API the service's Code, Message and
 * RequestId are kept in the client (see lkd_client.h) and classified with
 * lkd_api_classify().  For bad input (the LKD_ERR_ARG_* kinds) the client
 * keeps which argument and which limit (lkd_client_arg_error).
 */
#ifndef LKD_STATUS_H
#define LKD_STATUS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The values are stable: with LKD_ENABLE_TEXTS 0, lkd_strerror gives them. */
typedef enum {
    LKD_OK = 0,
    LKD_ERR_ARG = 1,                /* an argument is invalid: what a port or an application's callback may
                                       say; the core itself answers with one of the LKD_ERR_ARG_* kinds */
    LKD_ERR_BUFFER_TOO_SMALL = 2,   /* an output (request, copy) does not fit its buffer */
    LKD_ERR_RESPONSE_TOO_LARGE = 3, /* a response body or its JSON token count exceeds the client's buffers */
    LKD_ERR_DNS = 4,                /* the host name did not resolve */
    LKD_ERR_CONNECT = 5,            /* no address accepted a TCP connection */
    LKD_ERR_TLS = 6,                /* TLS handshake or record layer failure */
    LKD_ERR_CERT = 7,               /* the server's certificate chain or host name did not verify */
    LKD_ERR_TIMEOUT = 8,            /* the call's deadline passed */
    LKD_ERR_CLOSED = 9,             /* the peer closed the connection before the response was complete */
    LKD_ERR_IO = 10,                /* send or receive failed (reset, unreachable, ...) */
    LKD_ERR_HTTP_STATUS = 11,       /* a complete answer with an HTTP status other than 200 */
    LKD_ERR_MALFORMED = 12,         /* the response is not valid HTTP/1.1 or not the JSON the action returns */
    LKD_ERR_API = 13,               /* the service answered with Response.Error (lkd_client_api_error) */
    LKD_ERR_TASK_FAILED = 14,       /* the document task ended in Failed (job functions only) */
    LKD_ERR_TASK_PAUSED = 15,       /* the task is paused (lkeap Pause): waiting will not finish it */
    LKD_ERR_TASK_NOT_READY = 16,    /* a download was asked for a task that has not succeeded */
    LKD_ERR_PAYLOAD_TOO_LARGE = 17, /* FileBase64 over 8 MB or a request over 10 MB: nothing was sent */
    LKD_ERR_CRYPTO = 18,            /* a hardware SHA-256 (a board's MBEDTLS_SHA256_ALT) failed while signing or
                                       hashing the payload: nothing was sent (mbedTLS's software one cannot fail);
                                       or an application's reader or sink failed to hash or draw random bytes */
    LKD_ERR_ENTROPY = 19,           /* the port could not provide random bytes */
    LKD_ERR_NOT_PROVIDED = 20,      /* the port does not implement this function (template port) */
    LKD_ERR_STATE = 21,             /* the client is not initialised or is in use */
    LKD_ERR_NO_MEMORY = 22,         /* mbedTLS could not allocate (on a board: its static pool is too small) */
    LKD_ERR_URL_REFUSED = 23,       /* a result URL names a scheme, host or port the result-host policy refuses:
                                       nothing connected to it (lkd_client_refused_host, lkd_client_refusal_reason) */
    LKD_ERR_WRITE = 24,             /* the application's sink could not store the data (disk full, I/O error) */
    LKD_ERR_CONFIG = 25,            /* the application was compiled with other lkd_config.h values than the
                                       library (or the library's LKD_DEFAULT_RESULT_HOSTS is unusable):
                                       lkd_client_init wrote nothing to the client */
    /* Bad caller input, by kind (lkd_status_is_arg: these and LKD_ERR_ARG).
     * The client says which argument and which limit: lkd_client_arg_error. */
    LKD_ERR_ARG_NULL = 26,          /* a required pointer or function is NULL (or a required field unset) */
    LKD_ERR_ARG_EMPTY = 27,         /* a required string, buffer or size is empty or 0 */
    LKD_ERR_ARG_TOO_LONG = 28,      /* a string is longer than its limit */
    LKD_ERR_ARG_FORMAT = 29,        /* a string has bytes or a form it may not have (not UTF-8, a NUL byte,
                                       not a host name, not an https URL) */
    LKD_ERR_ARG_RANGE = 30,         /* a number outside its range, or a value not among those allowed */
    LKD_ERR_ARG_CONFLICT = 31,      /* two arguments contradict each other (both sources, end before start) */
    LKD_ERR_OUTCOME_UNKNOWN = 32,   /* CreateReconstructDocumentFlow was sent whole but no answer proves what
                                       became of it (a 5xx, a timeout, a reset or close, a cut, malformed or
                                       oversized answer, a TLS error): the task may have been created; check
                                       before sending again (it is never repeated: a second task is billed) */
    LKD_ERR_INTEGRITY = 33,         /* the downloaded archive's CRC-64 differs from the one the object store
                                       announced (x-cos-hash-crc64ecma): corrupted in transit, or a stale
                                       resume state; the bytes delivered must not be used */
    LKD_ERR_PROXY = 34,             /* the HTTP proxy refused the tunnel (CONNECT answered other than 2xx, or
                                       not HTTP): nothing reached the origin (lkd_client_stats: http_status) */
    LKD_ERR_PROXY_AUTH = 35,        /* the HTTP proxy asked for credentials it was not given or refused them
                                       (407 Proxy Authentication Required) */
    LKD_ERR_ABORTED = 36,           /* settings.abort asked the call to stop: the client stays usable, a
                                       download can be resumed (a Create may have been sent: see lkd_create) */
    LKD_ERR_CREDENTIALS = 37,       /* the application's credential provider failed or gave unusable
                                       credentials: nothing was sent with them */
    LKD_STATUS_COUNT
} lkd_status_t;

/* Short, constant text of a status.  With LKD_ENABLE_TEXTS 1 (host builds)
 * an English description ("ok", "server certificate did not verify", ...);
 * with 0 (the default) the status's value above in decimal ("0", "7" for
 * LKD_ERR_CERT, ...), the one text whose table fits the firmware's flash
 * budget.  Never NULL; an out-of-range value gives "unknown status" in both. */
const char *lkd_strerror(lkd_status_t status);

/* 1 when status says the caller's input was bad: LKD_ERR_ARG or one of the
 * LKD_ERR_ARG_* kinds; 0 otherwise. */
int lkd_status_is_arg(lkd_status_t status);

/* What kind of failure a service error Code (e.g. "AuthFailure.SignatureExpire")
 * is, from the codes the service documents for these actions (its common
 * errors and the actions' own).  Matching is on the codes' prefix groups, so
 * a new sub-code of a known group is still classified. */
typedef enum {
    LKD_API_CLASS_UNKNOWN = 0, /* a code in none of the groups below */
    LKD_API_CLASS_RETRYABLE,   /* RequestLimitExceeded*: retry later with a fresh signature */
    LKD_API_CLASS_CLOCK,       /* AuthFailure.SignatureExpire: the device clock is off */
    LKD_API_CLASS_AUTH,        /* other AuthFailure.*, UnauthorizedOperation, IP lists, service not activated */
    LKD_API_CLASS_QUOTA,       /* LimitExceeded*, size limits, ResourceInsufficient */
    LKD_API_CLASS_PARAMETER,   /* bad request: parameters, action, version, region, unknown task */
    LKD_API_CLASS_BILLING,     /* account in arrears, resource package used up, charge status */
    LKD_API_CLASS_SERVER       /* the service failed: InternalError, FailedOperation*, unavailable */
} lkd_api_class_t;

/* Classify a service error code of len bytes (no NUL needed). */
lkd_api_class_t lkd_api_classify(const char *code, size_t len);

/* "retryable", "clock", "auth", "quota", "parameter", "billing", "server", "unknown". */
const char *lkd_api_class_name(lkd_api_class_t cls);

#ifdef __cplusplus
}
#endif

#endif /* LKD_STATUS_H */
