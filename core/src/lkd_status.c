/* SPDX-License-Identifier: MIT */
/*
 * lkd_status.c - descriptions of client statuses and classification of the
 * service's error codes.
 */
#include "lkd_status.h"

#include <string.h>

#include "lkd_text.h"

/* The descriptions in the order of lkd_status_t, one string (lkd_text_nth):
 * an entry per status, from LKD_OK to LKD_ERR_ARG_CONFLICT. */
static const char status_text[] =
    /* LKD_OK */ "ok" "\0"
    /* LKD_ERR_ARG */ "invalid argument" "\0"
    /* LKD_ERR_BUFFER_TOO_SMALL */ "buffer too small" "\0"
    /* LKD_ERR_RESPONSE_TOO_LARGE */ "response too large for the client's buffers" "\0"
    /* LKD_ERR_DNS */ "host name did not resolve" "\0"
    /* LKD_ERR_CONNECT */ "could not connect" "\0"
    /* LKD_ERR_TLS */ "TLS failure" "\0"
    /* LKD_ERR_CERT */ "server certificate did not verify" "\0"
    /* LKD_ERR_TIMEOUT */ "deadline passed" "\0"
    /* LKD_ERR_CLOSED */ "connection closed before the response was complete" "\0"
    /* LKD_ERR_IO */ "network send/receive failed" "\0"
    /* LKD_ERR_HTTP_STATUS */ "unexpected HTTP status" "\0"
    /* LKD_ERR_MALFORMED */ "malformed response" "\0"
    /* LKD_ERR_API */ "service returned an error" "\0"
    /* LKD_ERR_TASK_FAILED */ "document task failed" "\0"
    /* LKD_ERR_TASK_PAUSED */ "document task is paused" "\0"
    /* LKD_ERR_TASK_NOT_READY */ "document task has no result yet" "\0"
    /* LKD_ERR_PAYLOAD_TOO_LARGE */ "document too large for the service (8 MB base64, 10 MB request)" "\0"
    /* LKD_ERR_CRYPTO */ "cryptographic failure" "\0"
    /* LKD_ERR_ENTROPY */ "no entropy" "\0"
    /* LKD_ERR_NOT_PROVIDED */ "not provided by this port" "\0"
    /* LKD_ERR_STATE */ "client not ready" "\0"
    /* LKD_ERR_NO_MEMORY */ "TLS memory exhausted (mbedTLS allocation failed)" "\0"
    /* LKD_ERR_URL_REFUSED */ "result URL refused by the result-host policy" "\0"
    /* LKD_ERR_WRITE */ "could not write the data" "\0"
    /* LKD_ERR_CONFIG */ "the application and the library were compiled with different lkd_config.h values" "\0"
    /* LKD_ERR_ARG_NULL */ "invalid argument: missing (NULL)" "\0"
    /* LKD_ERR_ARG_EMPTY */ "invalid argument: empty" "\0"
    /* LKD_ERR_ARG_TOO_LONG */ "invalid argument: too long" "\0"
    /* LKD_ERR_ARG_FORMAT */ "invalid argument: bytes or form not allowed" "\0"
    /* LKD_ERR_ARG_RANGE */ "invalid argument: out of range" "\0"
    /* LKD_ERR_ARG_CONFLICT */ "invalid arguments: they contradict each other" "\0";

const char *lkd_strerror(lkd_status_t status)
{
    return lkd_text_nth(status_text, (unsigned)status, "unknown status");
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
    return lkd_text_nth("unknown\0" "retryable\0" "clock\0" "auth\0" "quota\0" "parameter\0" "billing\0" "server\0",
                        (unsigned)cls, "unknown");
}
