/* SPDX-License-Identifier: MIT */
/*
 * exit_status.h - the exit statuses of lkedoc's programs (the host CLI and
 * the firmware, which reports through semihosting), and which client status
 * ends in which.  Shared by the boards so that scripts read them alike.
 */
#ifndef LKEDOC_EXIT_STATUS_H
#define LKEDOC_EXIT_STATUS_H

#include "lkd_status.h"

enum {
    EXIT_OK = 0,
    EXIT_OTHER = 1,
    EXIT_USAGE = 2,    /* usage, configuration, input too large */
    EXIT_API = 3,      /* the service answered with an error */
    EXIT_NETWORK = 4,  /* DNS, connection, TLS, certificate, TLS memory */
    EXIT_TIMEOUT = 5,  /* a deadline passed */
    EXIT_RESPONSE = 6, /* bad HTTP status, malformed, too large or corrupted answer */
    EXIT_TASK = 7,     /* the task failed, is paused or has no result yet */
    EXIT_OUTCOME_UNKNOWN = 8, /* Create went out whole and no answer says whether the task exists */
    EXIT_ABORTED = 130 /* stopped (SIGINT/SIGTERM, or the firmware's abort): 128 + SIGINT, as shells report it */
};

static inline int exit_status_for(lkd_status_t st)
{
    switch (st) {
    case LKD_OK: return EXIT_OK;
    case LKD_ERR_API: return EXIT_API;
    case LKD_ERR_TIMEOUT: return EXIT_TIMEOUT;
    case LKD_ERR_DNS:
    case LKD_ERR_CONNECT:
    case LKD_ERR_TLS:
    case LKD_ERR_NO_MEMORY:
    case LKD_ERR_CERT:
    case LKD_ERR_IO:
    case LKD_ERR_PROXY:
    case LKD_ERR_PROXY_AUTH:
    case LKD_ERR_CLOSED: return EXIT_NETWORK;
    case LKD_ERR_ABORTED: return EXIT_ABORTED;
    case LKD_ERR_URL_REFUSED:
    case LKD_ERR_HTTP_STATUS:
    case LKD_ERR_MALFORMED:
    case LKD_ERR_INTEGRITY:
    case LKD_ERR_RESPONSE_TOO_LARGE: return EXIT_RESPONSE;
    case LKD_ERR_TASK_FAILED:
    case LKD_ERR_TASK_PAUSED:
    case LKD_ERR_TASK_NOT_READY: return EXIT_TASK;
    case LKD_ERR_OUTCOME_UNKNOWN: return EXIT_OUTCOME_UNKNOWN;
    case LKD_ERR_ARG:
    case LKD_ERR_ARG_NULL:
    case LKD_ERR_ARG_EMPTY:
    case LKD_ERR_ARG_TOO_LONG:
    case LKD_ERR_ARG_FORMAT:
    case LKD_ERR_ARG_RANGE:
    case LKD_ERR_ARG_CONFLICT:
    case LKD_ERR_CONFIG:
    case LKD_ERR_CREDENTIALS:
    case LKD_ERR_PAYLOAD_TOO_LARGE:
    case LKD_ERR_BUFFER_TOO_SMALL: return EXIT_USAGE;
    default: return EXIT_OTHER;
    }
}

#endif /* LKEDOC_EXIT_STATUS_H */
