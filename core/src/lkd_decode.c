/* SPDX-License-Identifier: MIT */
/*
 * lkd_decode.c - typed decoding of the service's answers, in place.
 *
 * Every field the client reads is checked for its JSON type; a field of the
 * wrong type makes the whole answer LKD_ERR_MALFORMED rather than being
 * guessed at.  Keys the client does not know are skipped whatever they hold.
 */
#include "lkd_decode.h"

#include <stddef.h>
#include <string.h>

#include "lkd_text.h"

/* In the order of lkd_task_status_t, from LKD_TASK_UNKNOWN. */
static const char task_status_names[] = "Unknown\0" "WaitExecute\0" "Processing\0" "Success\0" "Failed\0" "Pause\0";

const char *lkd_task_status_name(lkd_task_status_t status)
{
    return lkd_text_nth(task_status_names, (unsigned)status, "Unknown");
}

static const lkd_span_t empty_span = {NULL, 0};

static int token_type(const lkd_json_doc_t *doc, int index)
{
    return doc->tokens[index].type;
}

/* An optional string member: absent or null gives the empty span, a string
 * its decoded text, anything else LKD_ERR_MALFORMED. */
static lkd_status_t optional_string(lkd_json_doc_t *doc, int object, const char *key, lkd_span_t *out)
{
    int v = lkd_json_find_key(doc, object, key);
    *out = empty_span;
    if (lkd_json_absent(doc, v)) {
        return LKD_OK;
    }
    return lkd_json_decode_string(doc, v, out); /* MALFORMED when not a string */
}

/* An optional integer member: absent or null gives -1. */
static lkd_status_t optional_int(const lkd_json_doc_t *doc, int object, const char *key, int64_t *out)
{
    int v = lkd_json_find_key(doc, object, key);
    uint8_t is_null = 0;
    lkd_status_t st;
    *out = -1;
    if (v < 0) {
        return LKD_OK;
    }
    st = lkd_json_get_int64(doc, v, out, &is_null);
    if (st == LKD_OK && is_null) {
        *out = -1;
    }
    return st;
}

/* The service's Status, any case (a name it does not document is Unknown). */
static lkd_task_status_t status_from_text(lkd_span_t s)
{
    unsigned i;
    for (i = LKD_TASK_WAIT_EXECUTE; i <= LKD_TASK_PAUSE; i++) {
        if (lkd_text_equals_nocase(s.ptr, s.len, lkd_text_nth(task_status_names, i, ""))) {
            return (lkd_task_status_t)i;
        }
    }
    return LKD_TASK_UNKNOWN;
}

/* Copy a decoded span into dst[cap] NUL-terminated.  A value too long is cut
 * at a character boundary (never inside a UTF-8 sequence) and *truncated set. */
static void copy_out(char *dst, size_t cap, lkd_span_t s, uint8_t *truncated)
{
    size_t n = s.len;
    if (cap == 0) {
        return;
    }
    if (n > cap - 1) {
        n = cap - 1;
        /* Back up over continuation bytes to the lead byte that starts the
         * sequence being cut, so the copy stays valid UTF-8. */
        while (n > 0 && ((unsigned char)s.ptr[n] & 0xC0) == 0x80) {
            n--;
        }
        *truncated = 1;
    }
    if (n > 0) {
        memcpy(dst, s.ptr, n);
    }
    dst[n] = '\0';
}

/* Response.Error of a call that failed (no Status): Code must be a string;
 * Message and Response.RequestId are optional strings. */
static lkd_status_t decode_api_error(lkd_json_doc_t *doc, int response, int error, lkd_api_error_t *api_err)
{
    lkd_span_t code, message, request_id;
    lkd_status_t st;
    int c;
    if (token_type(doc, error) != LKD_JSON_OBJECT) {
        return LKD_ERR_MALFORMED;
    }
    c = lkd_json_find_key(doc, error, "Code");
    if (c < 0) {
        return LKD_ERR_MALFORMED;
    }
    st = lkd_json_decode_string(doc, c, &code);
    if (st == LKD_OK) {
        st = optional_string(doc, error, "Message", &message);
    }
    if (st == LKD_OK) {
        st = optional_string(doc, response, "RequestId", &request_id);
    }
    if (st != LKD_OK) {
        return st;
    }
    memset(api_err, 0, sizeof *api_err);
    copy_out(api_err->code, sizeof api_err->code, code, &api_err->truncated);
    copy_out(api_err->message, sizeof api_err->message, message, &api_err->truncated);
    copy_out(api_err->request_id, sizeof api_err->request_id, request_id, &api_err->truncated);
    /* Classify the whole code, not the possibly cut copy. */
    api_err->cls = lkd_api_classify(code.ptr, code.len);
    return LKD_ERR_API;
}

/* Parse the body and find Response, which must be an object.  jsmn runs
 * only once the filter's grammar accepted the whole body (lkd_json.h).  An
 * answer with an Error (not null) and no Status is an API error: it is
 * decoded into *api_err and LKD_ERR_API returned. */
static lkd_status_t open_response(lkd_json_doc_t *doc, char *json, size_t len, lkd_json_token_t *tokens,
                                  unsigned max_tokens, const lkd_pages_t *pages, int *response,
                                  lkd_api_error_t *api_err)
{
    int error;
    lkd_status_t st = lkd_pages_end(pages);
    if (st == LKD_OK) {
        st = lkd_json_parse(doc, json, len, tokens, max_tokens);
    }
    if (st != LKD_OK) {
        return st;
    }
    if (token_type(doc, 0) != LKD_JSON_OBJECT) {
        return LKD_ERR_MALFORMED;
    }
    *response = lkd_json_find_key(doc, 0, "Response");
    if (*response < 0 || token_type(doc, *response) != LKD_JSON_OBJECT) {
        return LKD_ERR_MALFORMED;
    }
    error = lkd_json_find_key(doc, *response, "Error");
    if (!lkd_json_absent(doc, error) && lkd_json_find_key(doc, *response, "Status") < 0) {
        return decode_api_error(doc, *response, error, api_err);
    }
    return LKD_OK;
}

/* FailedPages came through the filter: absent, null, or the `[]` it left
 * (anything else means the filter and the tokens disagree on the path). */
static lkd_status_t decode_failed_pages(lkd_json_doc_t *doc, int response, const lkd_pages_t *pages,
                                        lkd_result_t *result)
{
    int arr = lkd_json_find_key(doc, response, "FailedPages");
    if (!lkd_json_absent(doc, arr) && (token_type(doc, arr) != LKD_JSON_ARRAY || doc->tokens[arr].size != 0)) {
        return LKD_ERR_MALFORMED;
    }
    result->failed_pages_stored = pages->stored;
    result->failed_pages_total = pages->total;
    result->failed_pages_unnumbered = pages->unnumbered;
    result->failed_pages_truncated = pages->total - pages->unnumbered > pages->stored;
    return LKD_OK;
}

/* Usage's members, all integers: their keys and where each goes. */
static const char usage_keys[] = "PageNumber\0" "TotalToken\0" "TotalTokens\0" "SplitTokens\0" "MllmTokens\0"
                                 "SuccessPageNum\0" "FailPageNum\0" "FileSize\0";
static const uint8_t usage_fields[] = {
    offsetof(lkd_usage_t, page_number),      offsetof(lkd_usage_t, total_token),
    offsetof(lkd_usage_t, total_tokens),     offsetof(lkd_usage_t, split_tokens),
    offsetof(lkd_usage_t, mllm_tokens),      offsetof(lkd_usage_t, success_page_num),
    offsetof(lkd_usage_t, fail_page_num),    offsetof(lkd_usage_t, file_size),
};

static int64_t *usage_field(lkd_usage_t *u, unsigned i)
{
    return (int64_t *)(void *)((char *)u + usage_fields[i]);
}

static lkd_status_t decode_usage(lkd_json_doc_t *doc, int response, lkd_result_t *result)
{
    int u = lkd_json_find_key(doc, response, "Usage");
    lkd_status_t st = LKD_OK;
    unsigned i;
    if (lkd_json_absent(doc, u)) {
        return LKD_OK;
    }
    if (token_type(doc, u) != LKD_JSON_OBJECT) {
        return LKD_ERR_MALFORMED;
    }
    result->has_usage = 1;
    for (i = 0; i < sizeof usage_fields && st == LKD_OK; i++) {
        st = optional_int(doc, u, lkd_text_nth(usage_keys, i, ""), usage_field(&result->usage, i));
    }
    return st;
}

/* Error beside Status (lkeap) says why the task failed; the call itself
 * succeeded (an API error is an Error without a Status). */
static lkd_status_t decode_task_error(lkd_json_doc_t *doc, int error, lkd_result_t *result)
{
    lkd_status_t st;
    if (lkd_json_absent(doc, error)) {
        return LKD_OK;
    }
    if (token_type(doc, error) != LKD_JSON_OBJECT) {
        return LKD_ERR_MALFORMED;
    }
    result->has_task_error = 1;
    st = optional_string(doc, error, "Code", &result->task_error_code);
    if (st == LKD_OK) {
        st = optional_string(doc, error, "Message", &result->task_error_message);
    }
    return st;
}

static void result_init(lkd_result_t *result)
{
    memset(result, 0, offsetof(lkd_result_t, failed_pages));
    result->status = LKD_TASK_UNKNOWN;
    result->status_raw = empty_span;
    result->result_url = empty_span;
    result->task_error_code = empty_span;
    result->task_error_message = empty_span;
    result->request_id = empty_span;
    /* Every Usage field -1: int64_t is two's complement, all ones is -1. */
    memset(&result->usage, 0xff, sizeof result->usage);
}

lkd_status_t lkd_decode_get_result(char *json, size_t len, lkd_json_token_t *tokens, unsigned max_tokens,
                                   const lkd_pages_t *pages, lkd_result_t *result, lkd_api_error_t *api_err)
{
    lkd_json_doc_t doc;
    lkd_status_t st;
    int response, status, error;
    if (result == NULL || api_err == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    result_init(result);
    memset(api_err, 0, sizeof *api_err);
    if (json == NULL || tokens == NULL || pages == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    st = open_response(&doc, json, len, tokens, max_tokens, pages, &response, api_err);
    if (st != LKD_OK) {
        return st;
    }
    status = lkd_json_find_key(&doc, response, "Status");
    error = lkd_json_find_key(&doc, response, "Error");
    /* No Status and no Error, or a null one: no answer of this action. */
    st = status < 0 ? LKD_ERR_MALFORMED : lkd_json_decode_string(&doc, status, &result->status_raw);
    if (st == LKD_OK) {
        result->status = status_from_text(result->status_raw);
        st = optional_string(&doc, response, "DocumentRecognizeResultUrl", &result->result_url);
    }
    if (st == LKD_OK) {
        st = decode_failed_pages(&doc, response, pages, result);
    }
    if (st == LKD_OK) {
        st = decode_usage(&doc, response, result);
    }
    if (st == LKD_OK) {
        st = decode_task_error(&doc, error, result);
    }
    if (st == LKD_OK) {
        st = optional_string(&doc, response, "RequestId", &result->request_id);
    }
    if (st != LKD_OK) {
        /* Never hand back half a result. */
        result_init(result);
    }
    return st;
}

lkd_status_t lkd_decode_simple(char *json, size_t len, lkd_json_token_t *tokens, unsigned max_tokens,
                               const lkd_pages_t *pages, const char *field, lkd_span_t *value,
                               lkd_span_t *request_id, lkd_api_error_t *api_err)
{
    lkd_json_doc_t doc;
    lkd_status_t st;
    lkd_span_t v = empty_span, rid = empty_span;
    int response;
    if (api_err == NULL || (field != NULL && value == NULL)) {
        return LKD_ERR_ARG_NULL;
    }
    memset(api_err, 0, sizeof *api_err);
    if (value != NULL) {
        *value = empty_span;
    }
    if (request_id != NULL) {
        *request_id = empty_span;
    }
    if (json == NULL || tokens == NULL || pages == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    st = open_response(&doc, json, len, tokens, max_tokens, pages, &response, api_err);
    if (st != LKD_OK) {
        return st;
    }
    if (field != NULL) {
        int f = lkd_json_find_key(&doc, response, field);
        if (f < 0) {
            return LKD_ERR_MALFORMED;
        }
        st = lkd_json_decode_string(&doc, f, &v);
        if (st != LKD_OK) {
            return st;
        }
    }
    st = optional_string(&doc, response, "RequestId", &rid);
    if (st != LKD_OK) {
        return st;
    }
    if (value != NULL) {
        *value = v;
    }
    if (request_id != NULL) {
        *request_id = rid;
    }
    return LKD_OK;
}
