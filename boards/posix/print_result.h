/* SPDX-License-Identifier: MIT */
/*
 * print_result.h - how the CLI shows a decoded answer: a short human summary
 * or the Response object as JSON with the API's own field names.
 */
#ifndef LKEDOC_PRINT_RESULT_H
#define LKEDOC_PRINT_RESULT_H

#include <stdio.h>

#include "lkd_types.h"

void print_result_human(FILE *out, const char *task_id, const lkd_result_t *r);
void print_result_json(FILE *out, const lkd_result_t *r);
void print_api_error_json(FILE *out, const lkd_api_error_t *e);

/* s as a JSON string (null when it is not valid UTF-8). */
void print_json_string(FILE *out, const char *s);

/* {"TaskId":..,["Status":..,]"Output":..,"Bytes":N} */
void print_job_json(FILE *out, const char *task_id, const char *status, const char *output, uint64_t bytes);

#endif
