/* SPDX-License-Identifier: MIT */
/*
 * lkd_status.c - descriptions of client statuses and classification of the
 * service's error codes.
 */
#include "lkd_status.h"

#include <string.h>

#include "lkd_config.h"
#include "lkd_text.h"

#if LKD_ENABLE_TEXTS
/* The descriptions in the order of lkd_status_t, one string (lkd_text_nth):
 * an entry per status, from LKD_OK to LKD_ERR_CREDENTIALS. */
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
    /* LKD_ERR_ARG_CONFLICT */ "invalid arguments: they contradict each other" "\0"
    /* LKD_ERR_OUTCOME_UNKNOWN */ "the task may have been created; check before sending again" "\0"
    /* LKD_ERR_INTEGRITY */ "archive corrupted in transit (CRC-64 mismatch)" "\0"
    /* LKD_ERR_PROXY */ "the HTTP proxy refused the tunnel or did not answer as HTTP" "\0"
    /* LKD_ERR_PROXY_AUTH */ "the HTTP proxy requires authentication (407)" "\0"
    /* LKD_ERR_ABORTED */ "stopped by the application" "\0"
    /* LKD_ERR_CREDENTIALS */ "the credential provider failed" "\0";
#else
/* Without texts, each status's value in decimal: 92 bytes where the names
 * ("LKD_ERR_CERT") took 552, which the core's flash target could not carry;
 * lkd_status.h gives each status its number. */
static const char status_text[] =
    "0\0" "1\0" "2\0" "3\0" "4\0" "5\0" "6\0" "7\0"
    "8\0" "9\0" "10\0" "11\0" "12\0" "13\0" "14\0" "15\0"
    "16\0" "17\0" "18\0" "19\0" "20\0" "21\0" "22\0" "23\0"
    "24\0" "25\0" "26\0" "27\0" "28\0" "29\0" "30\0" "31\0"
    "32\0" "33\0" "34\0" "35\0" "36\0" "37\0";
/* An entry for every status and no more (ten of one digit, then two). */
typedef char lkd_status_numbers_fit[sizeof status_text == 10 * 2 + (LKD_STATUS_COUNT - 10) * 3 + 1 ? 1 : -1];
#endif

const char *lkd_strerror(lkd_status_t status)
{
    return lkd_text_nth(status_text, (unsigned)status, "unknown status");
}

int lkd_status_is_arg(lkd_status_t status)
{
    return status == LKD_ERR_ARG || (status >= LKD_ERR_ARG_NULL && status <= LKD_ERR_ARG_CONFLICT);
}

/* The codes the service documents, in byte order, front-coded: each entry
 * is a head byte, 0x80 | shared << 3 | class (an lkd_api_class_t), then the
 * bytes that follow the first `shared` (at most 15) bytes of the entry
 * before it.  Codes are ASCII letters and '.', so a head byte (>= 0x80)
 * ends the entry before it.  This keeps 32 codes in 451 bytes where one
 * string per code took 627; tests/unit/test_client.c lists every code with
 * its class in the clear.  A code matches an entry equal to it, or one that
 * it starts with followed by '.', so "LimitExceeded" covers
 * "LimitExceeded.TooLargeFileError" but not "LimitExceededX".  The longest
 * match wins: "AuthFailure.SignatureExpire" beats "AuthFailure". */
static const char api_codes[] =
    "\x85" "ActionOffline" /* parameter: ActionOffline */
    "\x8B" "uthFailure" /* auth: AuthFailure */
    "\xDA" ".SignatureExpire" /* clock: AuthFailure.SignatureExpire */
    "\x87" "FailedOperation" /* server: FailedOperation */
    "\xFB" ".UnOpenError" /* auth: FailedOperation.UnOpenError */
    "\x87" "InternalError" /* server: InternalError */
    "\x95" "validAction" /* parameter: InvalidAction */
    "\xBD" "Parameter" /* parameter: InvalidParameter */
    "\xFD" "rValue" /* parameter: InvalidParameterValue */
    "\xBD" "Request" /* parameter: InvalidRequest */
    "\x8B" "pInBlacklist" /* auth: IpInBlacklist */
    "\x93" "NotInWhitelist" /* auth: IpNotInWhitelist */
    "\x84" "LimitExceeded" /* quota: LimitExceeded */
    "\x85" "MissingParameter" /* parameter: MissingParameter */
    "\x85" "NoSuchProduct" /* parameter: NoSuchProduct */
    "\xB5" "Version" /* parameter: NoSuchVersion */
    "\x81" "RequestLimitExceeded" /* retryable: RequestLimitExceeded */
    "\xBC" "SizeLimitExceeded" /* quota: RequestSizeLimitExceeded */
    "\x97" "sourceInUse" /* server: ResourceInUse */
    "\xD4" "sufficient" /* quota: ResourceInsufficient */
    "\xC5" "NotFound" /* parameter: ResourceNotFound */
    "\xC7" "Unavailable" /* server: ResourceUnavailable */
    "\xFE" "able.InArrears" /* billing: ResourceUnavailable.InArrears */
    "\xFE" "able.ResourcePackageRunOut" /* billing: ResourceUnavailable.ResourcePackageRunOut */
    "\xC6" "sSoldOut" /* billing: ResourcesSoldOut */
    "\x9C" "ponseSizeLimitExceeded" /* quota: ResponseSizeLimitExceeded */
    "\x87" "ServiceUnavailable" /* server: ServiceUnavailable */
    "\x83" "UnauthorizedOperation" /* auth: UnauthorizedOperation */
    "\x95" "knownParameter" /* parameter: UnknownParameter */
    "\x95" "supportedOperation" /* parameter: UnsupportedOperation */
    "\xDD" "Protocol" /* parameter: UnsupportedProtocol */
    "\xDD" "Region" /* parameter: UnsupportedRegion */;

lkd_api_class_t lkd_api_classify(const char *code, size_t len)
{
    const unsigned char *e = (const unsigned char *)api_codes;
    char entry[48]; /* the longest code is 41 bytes */
    lkd_api_class_t best = LKD_API_CLASS_UNKNOWN;
    size_t best_len = 0;
    if (code == NULL) {
        return LKD_API_CLASS_UNKNOWN;
    }
    while (*e != 0) {
        unsigned head = *e++;
        size_t n = (head >> 3) & 15u;
        while (*e != 0 && *e < 0x80 && n < sizeof entry) {
            entry[n++] = (char)*e++;
        }
        if (n > best_len && len >= n && memcmp(code, entry, n) == 0 && (len == n || code[n] == '.')) {
            best = (lkd_api_class_t)(head & 7u);
            best_len = n;
        }
    }
    return best;
}

const char *lkd_api_class_name(lkd_api_class_t cls)
{
    return lkd_text_nth("unknown\0" "retryable\0" "clock\0" "auth\0" "quota\0" "parameter\0" "billing\0" "server\0",
                        (unsigned)cls, "unknown");
}
