/* SPDX-License-Identifier: MIT */
/*
 * arg_message.h - how the CLI says which argument the library refused, from
 * lkd_client_arg_error: "TaskId is 300 bytes; the limit is 127", "TaskId is
 * not valid UTF-8 (byte 5)", "file type is required on lkeap (set with
 * --type)".
 */
#ifndef LKEDOC_ARG_MESSAGE_H
#define LKEDOC_ARG_MESSAGE_H

#include <stdio.h>

#include "lkd_types.h"

/* One line for st (an argument status) on out, "lkedoc: " first: the argument
 * in words (the struct's name dropped, '_' and '.' as spaces;
 * task_id as the API spells it, TaskId), what is wrong
 * with it, and the option or variable that sets it when there is one; the
 * status's own text when e does not describe st.  A refused TaskId among
 * several is said with its place ("TaskId 2 of 3 is ..."); a value a
 * credentials process printed with its JSON key ("the credentials process
 * printed a Token that must be visible ASCII").  What the endpoint does not
 * serve is said as what was asked for and the --service that serves it
 * ("--page-format is not served on this endpoint; use --service lkeap"). */
void arg_message_print(FILE *out, const lkd_arg_error_t *e, lkd_status_t st);

/* The task ids of the command line (kept, not copied), so that a refused
 * TaskId is said with its place and, not UTF-8, its first bad byte's. */
void arg_message_task_ids(const char *const *ids, int count);

#endif
