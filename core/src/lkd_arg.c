/* SPDX-License-Identifier: MIT */
/*
 * lkd_arg.c - the record of the argument a call refused (see lkd_arg.h and
 * lkd_client_arg_error in lkd_client.h).
 */
#include "lkd_arg.h"

#include "lkd_text.h"

#if LKD_ENABLE_TEXTS
/* The phrase of each kind, in the order of lkd_status_t from LKD_ERR_ARG_NULL. */
static const char *kind_rule(lkd_status_t kind)
{
    return lkd_text_nth("is missing (NULL)\0" "is empty\0" "is too long\0" "has bytes or a form it may not have\0"
                        "is out of range\0" "contradicts another argument\0",
                        (unsigned)kind - (unsigned)LKD_ERR_ARG_NULL, "");
}
#endif

lkd_status_t lkd_arg_note_(lkd_arg_error_t *e, lkd_status_t kind, size_t length, size_t limit LKD_ARG_TEXT_PARAMS_)
{
    e->status = kind;
#if LKD_ENABLE_TEXTS
    e->name = name != NULL ? name : "";
    e->rule = rule != NULL ? rule : kind_rule(kind);
#else
    e->name = "";
    e->rule = "";
#endif
    e->length = length;
    e->limit = limit;
    return kind;
}

lkd_status_t lkd_arg_fail_(lkd_client_t *c, lkd_status_t kind LKD_ARG_TEXT_PARAMS_)
{
    if (c != NULL && c->internal.initialised) {
        (void)lkd_arg_note(&c->internal.arg_error, kind, name, rule, 0, 0);
    }
    return kind;
}

lkd_status_t lkd_arg_too_long_(lkd_client_t *c, size_t length, size_t limit LKD_ARG_TEXT_PARAMS_)
{
    if (c != NULL && c->internal.initialised) {
        (void)lkd_arg_note(&c->internal.arg_error, LKD_ERR_ARG_TOO_LONG, name, rule, length, limit);
    }
    return LKD_ERR_ARG_TOO_LONG;
}

void lkd_arg_clear(lkd_client_t *c)
{
    if (c != NULL && c->internal.initialised) {
        (void)lkd_arg_note(&c->internal.arg_error, LKD_OK, "", "", 0, 0);
    }
}

const lkd_arg_error_t *lkd_client_arg_error(const lkd_client_t *client)
{
    static const lkd_arg_error_t none = {LKD_OK, "", "", 0, 0};
    if (client == NULL || client->internal.arg_error.name == NULL) {
        return &none;
    }
    return &client->internal.arg_error;
}
