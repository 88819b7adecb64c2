/* SPDX-License-Identifier: MIT */
/*
 * lkd_arg.h - internal: recording which argument a call refused, for
 * lkd_client_arg_error.  Not for applications.
 */
#ifndef LKD_ARG_H
#define LKD_ARG_H

#include <stddef.h>

#include "lkd_client.h"

/* Fill *e: kind (an LKD_ERR_ARG_* status), the argument's name, and the rule
 * it broke (NULL: the kind's own phrase, "is empty", ...).  length and limit
 * count bytes for LKD_ERR_ARG_TOO_LONG (else 0).  Returns kind. */
lkd_status_t lkd_arg_note(lkd_arg_error_t *e, lkd_status_t kind, const char *name, const char *rule, size_t length,
                          size_t limit);

/* lkd_arg_note into the client's record, when the client is initialised (a
 * client lkd_client_init has not accepted may not have the library's layout,
 * so nothing is written to it).  Returns kind either way. */
lkd_status_t lkd_arg_fail(lkd_client_t *c, lkd_status_t kind, const char *name, const char *rule);
lkd_status_t lkd_arg_too_long(lkd_client_t *c, const char *name, size_t length, size_t limit);

/* Forget the record (a call that failed for another reason, or whose
 * argument check was about the service's data, not the caller's). */
void lkd_arg_clear(lkd_client_t *c);

#endif /* LKD_ARG_H */
