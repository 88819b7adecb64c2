/*
 * lkd_status.c - descriptions of client statuses and classification of the
 * service's error codes (API.md "Errors").
 */
#include "lkd_status.h"

#include <string.h>

static const char *const status_text[LKD_STATUS_COUNT] = {
    [LKD_OK] = "ok",
    [LKD_ERR_ARG] = "invalid argument",
    [LKD_ERR_BUFFER_TOO_SMALL] = "buffer too small",
    [LKD_ERR_RESPONSE_TOO_LARGE] = "response too large for the client's buffers",
    [LKD_ERR_CLOCK] = "wall clock unknown",
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
};

const char *lkd_strerror(lkd_status_t status)
{
    if ((unsigned)status >= LKD_STATUS_COUNT || status_text[status] == NULL) {
        return "unknown status";
    }
    return status_text[status];
}

/* A rule matches a code equal to `prefix`, or starting with `prefix` followed
 * by '.', so "LimitExceeded" covers "LimitExceeded.TooLargeFileError" but not
 * "LimitExceededX".  The first matching rule wins, so specific sub-codes come
 * before their group. */
typedef struct {
    const char *prefix;
    lkd_api_class_t cls;
} api_rule_t;

static const api_rule_t api_rules[] = {
    {"AuthFailure.SignatureExpire", LKD_API_CLASS_CLOCK},
    {"AuthFailure", LKD_API_CLASS_AUTH},
    {"UnauthorizedOperation", LKD_API_CLASS_AUTH},
    {"IpInBlacklist", LKD_API_CLASS_AUTH},
    {"IpNotInWhitelist", LKD_API_CLASS_AUTH},
    {"FailedOperation.UnOpenError", LKD_API_CLASS_AUTH},
    {"RequestLimitExceeded", LKD_API_CLASS_RETRYABLE},
    {"LimitExceeded", LKD_API_CLASS_QUOTA},
    {"RequestSizeLimitExceeded", LKD_API_CLASS_QUOTA},
    {"ResponseSizeLimitExceeded", LKD_API_CLASS_QUOTA},
    {"ResourceInsufficient", LKD_API_CLASS_QUOTA},
    {"ResourceUnavailable.InArrears", LKD_API_CLASS_BILLING},
    {"ResourceUnavailable.ResourcePackageRunOut", LKD_API_CLASS_BILLING},
    {"ResourcesSoldOut", LKD_API_CLASS_BILLING},
    {"InvalidParameter", LKD_API_CLASS_PARAMETER},
    {"InvalidParameterValue", LKD_API_CLASS_PARAMETER},
    {"MissingParameter", LKD_API_CLASS_PARAMETER},
    {"UnknownParameter", LKD_API_CLASS_PARAMETER},
    {"InvalidAction", LKD_API_CLASS_PARAMETER},
    {"ActionOffline", LKD_API_CLASS_PARAMETER},
    {"InvalidRequest", LKD_API_CLASS_PARAMETER},
    {"NoSuchProduct", LKD_API_CLASS_PARAMETER},
    {"NoSuchVersion", LKD_API_CLASS_PARAMETER},
    {"UnsupportedOperation", LKD_API_CLASS_PARAMETER},
    {"UnsupportedProtocol", LKD_API_CLASS_PARAMETER},
    {"UnsupportedRegion", LKD_API_CLASS_PARAMETER},
    {"ResourceNotFound", LKD_API_CLASS_PARAMETER},
    {"FailedOperation", LKD_API_CLASS_SERVER},
    {"InternalError", LKD_API_CLASS_SERVER},
    {"ServiceUnavailable", LKD_API_CLASS_SERVER},
    {"ResourceUnavailable", LKD_API_CLASS_SERVER},
    {"ResourceInUse", LKD_API_CLASS_SERVER},
};

lkd_api_class_t lkd_api_classify(const char *code, size_t len)
{
    size_t i;
    if (code == NULL) {
        return LKD_API_CLASS_UNKNOWN;
    }
    for (i = 0; i < sizeof api_rules / sizeof api_rules[0]; i++) {
        size_t n = strlen(api_rules[i].prefix);
        if (len >= n && memcmp(code, api_rules[i].prefix, n) == 0 && (len == n || code[n] == '.')) {
            return api_rules[i].cls;
        }
    }
    return LKD_API_CLASS_UNKNOWN;
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
