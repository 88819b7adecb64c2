/* SPDX-License-Identifier: MIT */
/*
 * lkd_arg.h - internal: recording which argument a call refused, for
 * lkd_client_arg_error.  Not for applications.
 */
#ifndef LKD_ARG_H
#define LKD_ARG_H

#include <stddef.h>

#include "lkd_client.h"

/* With LKD_ENABLE_TEXTS 0 the macros below drop the name and rule
 * arguments unevaluated, so that no call site's strings reach the image;
 * the record's name and rule are then "". */
#if LKD_ENABLE_TEXTS
#define LKD_ARG_TEXTS_(name, rule) , (name), (rule)
#define LKD_ARG_TEXT_PARAMS_ , const char *name, const char *rule
#else
#define LKD_ARG_TEXTS_(name, rule)
#define LKD_ARG_TEXT_PARAMS_
#endif

/* Fill *e: kind (an LKD_ERR_ARG_* status), the argument's name, and the rule
 * it broke (NULL: the kind's own phrase, "is empty", ...).  length and limit
 * count bytes for LKD_ERR_ARG_TOO_LONG (else 0).  Returns kind. */
#define lkd_arg_note(e, kind, name, rule, length, limit)                                                       \
    lkd_arg_note_((e), (kind), (length), (limit)LKD_ARG_TEXTS_(name, rule))
lkd_status_t lkd_arg_note_(lkd_arg_error_t *e, lkd_status_t kind, size_t length, size_t limit LKD_ARG_TEXT_PARAMS_);

/* lkd_arg_note into the client's record, when the client is initialised (a
 * client lkd_client_init has not accepted may not have the library's layout,
 * so nothing is written to it).  Returns kind either way. */
#define lkd_arg_fail(c, kind, name, rule) lkd_arg_fail_((c), (kind)LKD_ARG_TEXTS_(name, rule))
lkd_status_t lkd_arg_fail_(lkd_client_t *c, lkd_status_t kind LKD_ARG_TEXT_PARAMS_);
#define lkd_arg_too_long(c, name, length, limit) lkd_arg_too_long_((c), (length), (limit)LKD_ARG_TEXTS_(name, NULL))
lkd_status_t lkd_arg_too_long_(lkd_client_t *c, size_t length, size_t limit LKD_ARG_TEXT_PARAMS_);

/* Forget the record (a call that failed for another reason, or whose
 * argument check was about the service's data, not the caller's). */
void lkd_arg_clear(lkd_client_t *c);

#endif /* LKD_ARG_H */
