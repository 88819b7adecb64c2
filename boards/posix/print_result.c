/* SPDX-License-Identifier: MIT */
/*
 * print_result.c - summary and JSON output of the CLI.
 */
#include "print_result.h"

#include <inttypes.h>
#include <string.h>

#include "safe_text.h"

/* Every string here may come from the service: safe_json_write escapes what
 * a terminal would act on (DEL, C1, bidi controls) besides what JSON needs,
 * and writes null for a string that is not valid UTF-8. */
static void json_string(FILE *out, const char *s, size_t len)
{
    if (s == NULL) {
        s = "";
        len = 0;
    }
    safe_json_write(out, s, len);
}

static void json_span(FILE *out, lkd_span_t v)
{
    json_string(out, v.ptr, v.len);
}

static void json_int(FILE *out, int64_t v)
{
    if (v < 0) {
        fputs("null", out);
    } else {
        fprintf(out, "%" PRId64, v);
    }
}

void print_result_json(FILE *out, const lkd_result_t *r)
{
    size_t i;
    fputs("{\"Status\":", out);
    json_span(out, r->status_raw);
    fputs(",\"DocumentRecognizeResultUrl\":", out);
    json_span(out, r->result_url);
    /* The numbered entries kept, then what the list leaves out: the exact
     * count of entries, those without a usable PageNumber, and whether
     * numbered ones were dropped. */
    fputs(",\"FailedPages\":[", out);
    for (i = 0; i < r->failed_pages_stored; i++) {
        fprintf(out, "%s{\"PageNumber\":%" PRId64 "}", i ? "," : "", r->failed_pages[i].page_number);
    }
    fprintf(out, "],\"FailedPagesTotal\":%zu,\"FailedPagesUnnumbered\":%zu,\"FailedPagesTruncated\":%s",
            r->failed_pages_total, r->failed_pages_unnumbered, r->failed_pages_truncated ? "true" : "false");
    if (r->has_usage) {
        fputs(",\"Usage\":{\"PageNumber\":", out);
        json_int(out, r->usage.page_number);
        fputs(",\"TotalToken\":", out);
        json_int(out, r->usage.total_token);
        fputs(",\"TotalTokens\":", out);
        json_int(out, r->usage.total_tokens);
        fputs(",\"SplitTokens\":", out);
        json_int(out, r->usage.split_tokens);
        fputs(",\"MllmTokens\":", out);
        json_int(out, r->usage.mllm_tokens);
        fputs(",\"SuccessPageNum\":", out);
        json_int(out, r->usage.success_page_num);
        fputs(",\"FailPageNum\":", out);
        json_int(out, r->usage.fail_page_num);
        fputs(",\"FileSize\":", out);
        json_int(out, r->usage.file_size);
        fputs("}", out);
    }
    if (r->has_task_error) {
        fputs(",\"Error\":{\"Code\":", out);
        json_span(out, r->task_error_code);
        fputs(",\"Message\":", out);
        json_span(out, r->task_error_message);
        fputs("}", out);
    }
    fputs(",\"RequestId\":", out);
    json_span(out, r->request_id);
    fputs("}\n", out);
}

void print_api_error_json(FILE *out, const lkd_api_error_t *e)
{
    fputs("{\"Error\":{\"Code\":", out);
    json_string(out, e->code, strlen(e->code));
    fputs(",\"Message\":", out);
    json_string(out, e->message, strlen(e->message));
    fputs("},\"RequestId\":", out);
    json_string(out, e->request_id, strlen(e->request_id));
    fputs("}\n", out);
}

/* One part of the Usage line, when the answer carried it. */
static void usage_part(FILE *out, int *first, int64_t v, const char *unit)
{
    if (v >= 0) {
        fprintf(out, "%s %" PRId64 " %s", *first ? "" : ",", v, unit);
        *first = 0;
    }
}

/* "Usage:      3 pages, 3 ok, 0 failed, 1234 tokens, 200 split tokens, ...":
 * only what the answer carried (the international edition sends pages and
 * tokens only). */
static void print_usage_human(FILE *out, const lkd_usage_t *u)
{
    int first = 1;
    fputs("Usage:     ", out);
    usage_part(out, &first, u->page_number, "pages");
    usage_part(out, &first, u->success_page_num, "ok");
    usage_part(out, &first, u->fail_page_num, "failed");
    usage_part(out, &first, u->total_tokens >= 0 ? u->total_tokens : u->total_token, "tokens");
    usage_part(out, &first, u->split_tokens, "split tokens");
    usage_part(out, &first, u->mllm_tokens, "mllm tokens");
    usage_part(out, &first, u->file_size, "bytes");
    fputc('\n', out);
}

void print_result_human(FILE *out, const char *task_id, const lkd_result_t *r)
{
    size_t i;
    fputs("Task:       ", out);
    safe_text_puts(out, task_id);
    fputs("\nStatus:     ", out);
    safe_text_span(out, r->status_raw);
    if (r->status == LKD_TASK_UNKNOWN) {
        fputs(" (not a status this client knows)", out);
    }
    fputc('\n', out);
    if (r->result_url.len > 0) {
        fputs("Result URL: ", out);
        safe_text_span(out, r->result_url);
        fputc('\n', out);
    }
    if (r->failed_pages_total > 0) {
        fputs("Failed pages:", out);
        for (i = 0; i < r->failed_pages_stored; i++) {
            fprintf(out, " %" PRId64, r->failed_pages[i].page_number);
        }
        if (r->failed_pages_truncated) {
            fputs(" ...", out);
        }
        if (r->failed_pages_total > r->failed_pages_stored) {
            fprintf(out, " (%zu in all", r->failed_pages_total);
            if (r->failed_pages_unnumbered > 0) {
                fprintf(out, ", %zu unnumbered", r->failed_pages_unnumbered);
            }
            fputc(')', out);
        }
        fputc('\n', out);
    }
    if (r->has_usage) {
        print_usage_human(out, &r->usage);
    }
    if (r->has_task_error) {
        fputs("Task error: ", out);
        safe_text_span(out, r->task_error_code);
        fputs(": ", out);
        safe_text_span(out, r->task_error_message);
        fputc('\n', out);
    }
    fputs("RequestId:  ", out);
    safe_text_span(out, r->request_id);
    fputc('\n', out);
}

void print_json_string(FILE *out, const char *s)
{
    json_string(out, s, strlen(s));
}

void print_job_json(FILE *out, const char *task_id, const char *status, const char *output, uint64_t bytes)
{
    fputs("{\"TaskId\":", out);
    print_json_string(out, task_id);
    if (status != NULL) {
        fputs(",\"Status\":", out);
        print_json_string(out, status);
    }
    fputs(",\"Output\":", out);
    print_json_string(out, output);
    fprintf(out, ",\"Bytes\":%" PRIu64 "}\n", bytes);
}
