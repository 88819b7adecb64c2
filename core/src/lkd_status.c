/* SPDX-License-Identifier: MIT */
/*
 * lkd_status.c - descriptions of client statuses and classification of the
 * service's error codes.
 */
#include "lkd_status.h"

#include <string.h>

static const char *const status_text[LKD_STATUS_COUNT] = {
    [LKD_OK] = "ok",
    [LKD_ERR_ARG] = "invalid argument",
    [LKD_ERR_BUFFER_TOO_SMALL] = "buffer too small",
    [LKD_ERR_RESPONSE_TOO_LARGE] = "response too large for the client's buffers",
    [LKD_ERR_DNS] = "host name did not resolve",
    [LKD_ERR_CONNECT] = "could not connect",
    [LKD_ERR_TLS] = "TLS failure",
    [LKD_ERR_CERT] = "server certificate did not verify",
    [LKD_ERR_TIMEOUT] = "deadline passed",
    [LKD_ERR_CLOSED] = "connection closed before the response was complete",
    [LKD_ERR_IO] = "network send/receive failed",
    [LKD_ERR_HTTP_STATUS] = "unexpected HTTP status",
    [LKD_ERR_MALFORMED] = "malformed response",
    [LKD_ERR_API] = "service returned an error",
    [LKD_ERR_TASK_FAILED] = "document task failed",
    [LKD_ERR_TASK_PAUSED] = "document task is paused",
    [LKD_ERR_TASK_NOT_READY] = "document task has no result yet",
    [LKD_ERR_PAYLOAD_TOO_LARGE] = "document too large for the service (8 MB base64, 10 MB request)",
    [LKD_ERR_CRYPTO] = "cryptographic failure",
    [LKD_ERR_ENTROPY] = "no entropy",
    [LKD_ERR_NOT_PROVIDED] = "not provided by this port",
    [LKD_ERR_STATE] = "client not ready",
    [LKD_ERR_NO_MEMORY] = "TLS memory exhausted (mbedTLS allocation failed)",
    [LKD_ERR_URL_REFUSED] = "result URL refused by the result-host policy",
    [LKD_ERR_WRITE] = "could not write the data",
    [LKD_ERR_CONFIG] = "the application and the library were compiled with different lkd_config.h values",
    [LKD_ERR_ARG_NULL] = "invalid argument: missing (NULL)",
    [LKD_ERR_ARG_EMPTY] = "invalid argument: empty",
    [LKD_ERR_ARG_TOO_LONG] = "invalid argument: too long",
    [LKD_ERR_ARG_FORMAT] = "invalid argument: bytes or form not allowed",
    [LKD_ERR_ARG_RANGE] = "invalid argument: out of range",
    [LKD_ERR_ARG_CONFLICT] = "invalid arguments: they contradict each other",
};

const char *lkd_strerror(lkd_status_t status)
{
    if ((unsigned)status >= LKD_STATUS_COUNT || status_text[status] == NULL) {
        return "unknown status";
    }
    return status_text[status];
}

int lkd_status_is_arg(lkd_status_t status)
{
    return status == LKD_ERR_ARG || (status >= LKD_ERR_ARG_NULL && status <= LKD_ERR_ARG_CONFLICT);
}

/* The codes of each class, NUL-separated, in the order of lkd_api_class_t
 * from LKD_API_CLASS_RETRYABLE on (one string per class keeps pointers and
 * padding out of flash).  A code matches an entry equal to it, or one that
 * it starts with followed by '.', so "LimitExceeded" covers
 * "LimitExceeded.TooLargeFileError" but not "LimitExceededX".  The longest
 * match wins: "AuthFailure.SignatureExpire" beats "AuthFailure". */
static const char *const api_codes[] = {
    /* RETRYABLE */ "RequestLimitExceeded\0",
    /* CLOCK */ "AuthFailure.SignatureExpire\0",
    /* AUTH */ "AuthFailure\0UnauthorizedOperation\0IpInBlacklist\0IpNotInWhitelist\0"
               "FailedOperation.UnOpenError\0",
    /* QUOTA */ "LimitExceeded\0RequestSizeLimitExceeded\0ResponseSizeLimitExceeded\0ResourceInsufficient\0",
    /* PARAMETER */ "InvalidParameter\0InvalidParameterValue\0MissingParameter\0UnknownParameter\0"
                    "InvalidAction\0ActionOffline\0InvalidRequest\0NoSuchProduct\0NoSuchVersion\0"
                    "UnsupportedOperation\0UnsupportedProtocol\0UnsupportedRegion\0ResourceNotFound\0",
    /* BILLING */ "ResourceUnavailable.InArrears\0ResourceUnavailable.ResourcePackageRunOut\0ResourcesSoldOut\0",
    /* SERVER */ "FailedOperation\0InternalError\0ServiceUnavailable\0ResourceUnavailable\0ResourceInUse\0",
};

lkd_api_class_t lkd_api_classify(const char *code, size_t len)
{
    lkd_api_class_t best = LKD_API_CLASS_UNKNOWN;
    size_t best_len = 0, k;
    if (code == NULL) {
        return LKD_API_CLASS_UNKNOWN;
    }
    for (k = 0; k < sizeof api_codes / sizeof api_codes[0]; k++) {
        const char *e;
        for (e = api_codes[k]; *e != '\0'; e += strlen(e) + 1) {
            size_t n = strlen(e);
            if (n > best_len && len >= n && memcmp(code, e, n) == 0 && (len == n || code[n] == '.')) {
                best = (lkd_api_class_t)(k + 1);
                best_len = n;
            }
        }
    }
    return best;
}

const char *lkd_api_class_name(lkd_api_class_t cls)
{
    switch (cls) {
    case LKD_API_CLASS_RETRYABLE: return "retryable";
    case LKD_API_CLASS_CLOCK: return "clock";
    case LKD_API_CLASS_AUTH: return "auth";
    case LKD_API_CLASS_QUOTA: return "quota";
    case LKD_API_CLASS_PARAMETER: return "parameter";
    case LKD_API_CLASS_BILLING: return "billing";
    case LKD_API_CLASS_SERVER: return "server";
    case LKD_API_CLASS_UNKNOWN: break;
    }
    return "unknown";
}
