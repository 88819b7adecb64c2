/* SPDX-License-Identifier: MIT */
/*
 * fuzz_decode.c - the in-place JSON decoding of both actions' answers:
 * lkd_decode_get_result (GetReconstructDocumentResult, after the FailedPages
 * filter, lkd_pages.h) and lkd_decode_simple with field "TaskId"
 * (CreateReconstructDocumentFlow) and without a field (CancelTask), each on
 * its own exact-size copy of the input with the client's token count.  The
 * filter must give the same status, output and counts in place at once and
 * in pieces into another buffer (the piece size from the input's first
 * byte), and agree with the token tree of the whole input: the same
 * entries, numbered alike, and an output that is JSON exactly when the input
 * is.  The filter's grammar must find what a reference checker
 * (json_ref.h) finds, for both actions.  On success every span must lie inside the buffer, be NUL-terminated
 * there, hold no NUL and be valid UTF-8; the failed-page counts must be
 * consistent; an API error's copies must be NUL-terminated UTF-8 in their
 * arrays; any other failure must leave an empty result.
 */
#include <string.h>

#include "fuzz_check.h"
#include "json_ref.h"
#include "lkd_decode.h"
#include "lkd_pages.h"

static lkd_json_token_t tokens[LKD_JSON_MAX_TOKENS];

static void check_api_error(const lkd_api_error_t *e)
{
    fuzz_check_copied_string(e->code, sizeof e->code);
    fuzz_check_copied_string(e->message, sizeof e->message);
    fuzz_check_copied_string(e->request_id, sizeof e->request_id);
    FUZZ_CHECK(e->truncated <= 1);
    FUZZ_CHECK((int)e->cls >= (int)LKD_API_CLASS_UNKNOWN && (int)e->cls <= (int)LKD_API_CLASS_SERVER);
}

static int span_empty(lkd_span_t s)
{
    return s.ptr == NULL && s.len == 0;
}

static int ieq(lkd_span_t s, const char *lit)
{
    size_t i, n = strlen(lit);
    if (s.len != n) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (fuzz_lower((unsigned char)s.ptr[i]) != (unsigned char)lit[i]) {
            return 0;
        }
    }
    return 1;
}

/* The filter in pieces of piece bytes into out[cap]: as lkd_pages_put says,
 * *len bytes of output. */
static lkd_status_t filter_pieces(lkd_pages_t *p, lkd_failed_page_t *keep, const uint8_t *data, size_t size,
                                  size_t piece, char *out, size_t cap, size_t *len)
{
    lkd_status_t st = LKD_OK;
    size_t i;
    lkd_pages_start(p, keep, LKD_MAX_FAILED_PAGES);
    *len = 0;
    for (i = 0; i < size && st == LKD_OK; i += piece) {
        st = lkd_pages_put(p, data + i, size - i < piece ? size - i : piece, out, cap, len);
    }
    return st;
}

/* 1 when data[0..size) is JSON (no deeper than the client reads), by the
 * reference checker. */
static int is_json(const void *data, size_t size)
{
    return json_ref_check(data, size, LKD_PAGES_MAX_DEPTH) == LKD_OK;
}

/* The whole input tokenized with room for any count: LKD_OK when it is JSON
 * (jsmn's tokens are only the text's tree then). */
static lkd_status_t parse_all(lkd_json_doc_t *doc, char *copy, const void *data, size_t size, lkd_json_token_t **toks)
{
    memcpy(copy, data, size);
    *toks = malloc((size + 1) * sizeof **toks);
    FUZZ_CHECK(*toks != NULL);
    if (!is_json(data, size)) {
        return LKD_ERR_MALFORMED;
    }
    return lkd_json_parse(doc, copy, size, *toks, (unsigned)(size + 1));
}

/* What the filter found must be what the token tree of the whole input
 * holds at Response.FailedPages (an input that is JSON). */
static void check_against_tokens(const uint8_t *data, size_t size, const lkd_pages_t *p, const lkd_failed_page_t *keep)
{
    char *copy = malloc(size + 1);
    lkd_json_token_t *toks;
    lkd_json_doc_t doc;
    int resp, arr, el, n;
    size_t numbered = 0, unnumbered = 0;
    FUZZ_CHECK(copy != NULL);
    if (parse_all(&doc, copy, data, size, &toks) == LKD_OK) {
        resp = lkd_json_find_key(&doc, 0, "Response");
        arr = resp >= 0 && doc.tokens[resp].type == LKD_JSON_OBJECT ? lkd_json_find_key(&doc, resp, "FailedPages") : -1;
        if (arr >= 0 && doc.tokens[arr].type == LKD_JSON_ARRAY) {
            el = arr + 1;
            for (n = 0; n < doc.tokens[arr].size; n++) {
                int64_t page = 0;
                uint8_t is_null = 1;
                if (lkd_json_get_int64(&doc, lkd_json_find_key(&doc, el, "PageNumber"), &page, &is_null) == LKD_OK &&
                    !is_null) {
                    FUZZ_CHECK(numbered >= p->stored || keep[numbered].page_number == page);
                    numbered++;
                } else {
                    unnumbered++;
                }
                el = lkd_json_skip(&doc, el);
            }
            FUZZ_CHECK(p->total == (size_t)doc.tokens[arr].size);
        } else {
            FUZZ_CHECK(p->total == 0);
        }
        FUZZ_CHECK(p->unnumbered == unnumbered);
        FUZZ_CHECK(p->stored == (numbered < LKD_MAX_FAILED_PAGES ? numbered : LKD_MAX_FAILED_PAGES));
    }
    free(toks);
    free(copy);
}

static void fuzz_get_result(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1), *other = malloc(size + 1);
    lkd_result_t r;
    lkd_api_error_t e;
    lkd_pages_t pages, split;
    lkd_failed_page_t keep[LKD_MAX_FAILED_PAGES > 0 ? LKD_MAX_FAILED_PAGES : 1];
    lkd_status_t st, st2;
    size_t i, len = 0, len2 = 0;
    FUZZ_CHECK(buf != NULL && other != NULL);
    memcpy(buf, data, size);
    lkd_pages_start(&pages, r.failed_pages, LKD_MAX_FAILED_PAGES);
    st = lkd_pages_put(&pages, (const uint8_t *)buf, size, buf, size, &len);
    /* Pieces go to another buffer, whose room is the same. */
    st2 = filter_pieces(&split, keep, data, size, size > 0 ? data[0] % 13u + 1u : 1u, other, size, &len2);
    FUZZ_CHECK(st == st2);
    /* The grammar is the reference's, fault for fault (the output is never
     * longer, so the buffer never fills). */
    FUZZ_CHECK((st == LKD_OK ? lkd_pages_end(&pages) : st) == json_ref_check(data, size, LKD_PAGES_MAX_DEPTH));
    if (st == LKD_OK) {
        /* Emptying FailedPages keeps the answer JSON, or not JSON. */
        FUZZ_CHECK(is_json(other, len2) == is_json(data, size));
        check_against_tokens(data, size, &split, keep);
        FUZZ_CHECK(len == len2 && memcmp(buf, other, len) == 0);
        FUZZ_CHECK(pages.total == split.total && pages.unnumbered == split.unnumbered &&
                   pages.stored == split.stored);
        FUZZ_CHECK(memcmp(r.failed_pages, keep, pages.stored * sizeof keep[0]) == 0);
        FUZZ_CHECK(pages.stored <= LKD_MAX_FAILED_PAGES && pages.stored + pages.unnumbered <= pages.total);
        FUZZ_CHECK(lkd_pages_end(&pages) == lkd_pages_end(&split));
        buf[len] = '\0';
        st = lkd_decode_get_result(buf, len, tokens, LKD_JSON_MAX_TOKENS, &pages, &r, &e);
    } else {
        /* The answer never reaches the decoder. */
        FUZZ_CHECK(st == LKD_ERR_MALFORMED || st == LKD_ERR_RESPONSE_TOO_LARGE);
        free(buf);
        free(other);
        return;
    }
    if (st == LKD_OK) {
        fuzz_check_decoded_span(r.status_raw, buf, size);
        FUZZ_CHECK(r.status_raw.ptr != NULL); /* Status is required */
        fuzz_check_decoded_span(r.result_url, buf, size);
        fuzz_check_decoded_span(r.task_error_code, buf, size);
        fuzz_check_decoded_span(r.task_error_message, buf, size);
        fuzz_check_decoded_span(r.request_id, buf, size);
        FUZZ_CHECK(r.failed_pages_stored <= LKD_MAX_FAILED_PAGES);
        FUZZ_CHECK(r.failed_pages_stored + r.failed_pages_unnumbered <= r.failed_pages_total);
        FUZZ_CHECK(r.failed_pages_truncated ==
                   (r.failed_pages_total - r.failed_pages_unnumbered > r.failed_pages_stored));
        FUZZ_CHECK(r.failed_pages_total == pages.total);
        for (i = 0; i < r.failed_pages_stored; i++) {
            FUZZ_CHECK(r.failed_pages[i].page_number == keep[i].page_number);
        }
        FUZZ_CHECK(r.has_usage <= 1 && r.has_task_error <= 1);
        if (!r.has_usage) {
            FUZZ_CHECK(r.usage.page_number == -1 && r.usage.total_tokens == -1 && r.usage.file_size == -1);
        }
        if (!r.has_task_error) {
            FUZZ_CHECK(span_empty(r.task_error_code) && span_empty(r.task_error_message));
        }
        switch (r.status) {
        case LKD_TASK_WAIT_EXECUTE: FUZZ_CHECK(ieq(r.status_raw, "waitexecute")); break;
        case LKD_TASK_PROCESSING: FUZZ_CHECK(ieq(r.status_raw, "processing")); break;
        case LKD_TASK_SUCCESS: FUZZ_CHECK(ieq(r.status_raw, "success")); break;
        case LKD_TASK_FAILED: FUZZ_CHECK(ieq(r.status_raw, "failed")); break;
        case LKD_TASK_PAUSE: FUZZ_CHECK(ieq(r.status_raw, "pause")); break;
        case LKD_TASK_UNKNOWN: break;
        default: FUZZ_CHECK(!"status out of range");
        }
        FUZZ_CHECK(e.code[0] == '\0');
    } else {
        /* Never half a result. */
        FUZZ_CHECK(r.status == LKD_TASK_UNKNOWN && span_empty(r.status_raw) && span_empty(r.result_url));
        FUZZ_CHECK(span_empty(r.request_id) && r.failed_pages_stored == 0 && r.failed_pages_total == 0);
        FUZZ_CHECK(r.has_usage == 0 && r.has_task_error == 0);
        FUZZ_CHECK(st == LKD_ERR_API || st == LKD_ERR_MALFORMED || st == LKD_ERR_RESPONSE_TOO_LARGE);
        check_api_error(&e);
        if (st != LKD_ERR_API) {
            FUZZ_CHECK(e.code[0] == '\0' && e.message[0] == '\0' && e.request_id[0] == '\0');
        }
    }
    free(buf);
    free(other);
}

static void fuzz_simple(const uint8_t *data, size_t size, const char *field)
{
    char *buf = malloc(size ? size : 1);
    lkd_span_t value = {"stale", 5}, rid = {"stale", 5};
    lkd_api_error_t e;
    lkd_pages_t pages;
    lkd_status_t st;
    size_t len = 0;
    FUZZ_CHECK(buf != NULL);
    memcpy(buf, data, size);
    /* As the client: the grammar in place (following no path), then the decoder. */
    lkd_pages_start(&pages, NULL, 0);
    st = lkd_pages_put(&pages, (const uint8_t *)buf, size, buf, size, &len);
    FUZZ_CHECK((st == LKD_OK ? lkd_pages_end(&pages) : st) == json_ref_check(data, size, LKD_PAGES_MAX_DEPTH));
    if (st != LKD_OK) {
        FUZZ_CHECK(st == LKD_ERR_MALFORMED || st == LKD_ERR_RESPONSE_TOO_LARGE);
        free(buf);
        return;
    }
    FUZZ_CHECK(len == size && memcmp(buf, data, size) == 0); /* every byte passes, unchanged */
    st = lkd_decode_simple(buf, len, tokens, LKD_JSON_MAX_TOKENS, &pages, field, field ? &value : NULL, &rid, &e);
    if (st == LKD_OK) {
        if (field != NULL) {
            fuzz_check_decoded_span(value, buf, size);
            FUZZ_CHECK(value.ptr != NULL); /* a required field is never absent on success */
        }
        fuzz_check_decoded_span(rid, buf, size);
        FUZZ_CHECK(e.code[0] == '\0');
    } else {
        FUZZ_CHECK(st == LKD_ERR_API || st == LKD_ERR_MALFORMED || st == LKD_ERR_RESPONSE_TOO_LARGE);
        FUZZ_CHECK(span_empty(rid));
        if (field != NULL) {
            FUZZ_CHECK(span_empty(value));
        }
        check_api_error(&e);
    }
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_get_result(data, size);
    fuzz_simple(data, size, "TaskId");
    fuzz_simple(data, size, NULL);
    return 0;
}
