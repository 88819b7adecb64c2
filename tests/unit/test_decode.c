/* SPDX-License-Identifier: MIT */
/*
 * test_decode.c - typed decoding of the service's answers (lkd_decode.h):
 * realistic lke and lkeap bodies, API errors and their classification, every
 * wrong type of every field the client reads, truncated and concatenated
 * bodies, token limits.  GetReconstructDocumentResult bodies go through the
 * FailedPages filter first, in place, as the client's do (test_pages.c tests
 * the filter itself).
 */
#include <stdint.h>
#include <string.h>

#include "lkd_decode.h"
#include "unit.h"

#define MAX_TOKENS 512u

static char buf[16384];
static lkd_json_token_t toks[MAX_TOKENS];
static lkd_result_t res;
static lkd_api_error_t aerr;
static lkd_pages_t pages;

static lkd_status_t get_result_n(const char *body, size_t n, unsigned max_tokens)
{
    size_t len = 0;
    lkd_status_t st;
    memcpy(buf, body, n);
    lkd_pages_start(&pages, res.failed_pages, LKD_MAX_FAILED_PAGES);
    st = lkd_pages_put(&pages, (const uint8_t *)buf, n, buf, sizeof buf - 1, &len);
    if (st != LKD_OK) {
        return st;
    }
    buf[len] = '\0';
    return lkd_decode_get_result(buf, len, toks, max_tokens, &pages, &res, &aerr);
}

/* With the client's default token budget, so the realistic bodies are known
 * to fit it. */
static lkd_status_t get_result(const char *body)
{
    return get_result_n(body, strlen(body), LKD_JSON_MAX_TOKENS);
}

static void check_span_nul(lkd_span_t s, int line)
{
    if (s.ptr == NULL ? s.len == 0 : s.ptr[s.len] == '\0') {
        unit_passed++;
    } else {
        unit_failed++;
        fprintf(stderr, "test_decode.c:%d: span not NUL-terminated\n", line);
    }
}

#define CHECK_EMPTY(s) CHECK((s).ptr == NULL && (s).len == 0)

/* The state *res must be in after any failure: nothing half-filled. */
static void check_result_reset(int line)
{
    int ok = res.status == LKD_TASK_UNKNOWN && res.status_raw.ptr == NULL && res.result_url.ptr == NULL
             && res.failed_pages_stored == 0 && res.failed_pages_total == 0 && res.failed_pages_truncated == 0
             && res.has_usage == 0 && res.usage.page_number == -1 && res.usage.total_tokens == -1
             && res.usage.success_page_num == -1 && res.usage.fail_page_num == -1 && res.usage.file_size == -1
             && res.has_task_error == 0 && res.task_error_code.ptr == NULL && res.task_error_message.ptr == NULL
             && res.request_id.ptr == NULL;
    if (ok) {
        unit_passed++;
    } else {
        unit_failed++;
        fprintf(stderr, "test_decode.c:%d: result not reset after failure\n", line);
    }
}

static const char lke_success[] =
    "{\"Response\":{\"Status\":\"Success\","
    "\"DocumentRecognizeResultUrl\":\"https:\\/\\/document-restruction-1258344699.cos.ap-guangzhou.myqcloud.com"
    "\\/2024\\/05\\/12\\/task-8f3c\\/result.zip?q-sign-algorithm=sha1\\u0026q-ak=AKIDexample"
    "\\u0026q-sign-time=1715503711%3B1715504311\\u0026q-key-time=1715503711%3B1715504311"
    "\\u0026q-header-list=host\\u0026q-url-param-list=\\u0026q-signature=5b0f1c2d3e4f\","
    "\"FailedPages\":[],"
    "\"RequestId\":\"3c140219-cfe9-470e-b241-907877d6fb03\"}}";

static const char lke_url[] =
    "https://document-restruction-1258344699.cos.ap-guangzhou.myqcloud.com"
    "/2024/05/12/task-8f3c/result.zip?q-sign-algorithm=sha1&q-ak=AKIDexample"
    "&q-sign-time=1715503711%3B1715504311&q-key-time=1715503711%3B1715504311"
    "&q-header-list=host&q-url-param-list=&q-signature=5b0f1c2d3e4f";

static const char lkeap_success[] =
    "{\n  \"Response\": {\n    \"Status\": \"Success\",\n"
    "    \"DocumentRecognizeResultUrl\": \"https://lkeap-result-1300000000.cos.ap-guangzhou.myqcloud.com/r.zip"
    "?sign=q\\u0026t=1\",\n"
    "    \"FailedPages\": [],\n"
    "    \"Usage\": {\"PageNumber\": 12, \"TotalToken\": 34000, \"TotalTokens\": 34567, \"SplitTokens\": 567,"
    " \"MllmTokens\": 34000, \"SuccessPageNum\": 11, \"FailPageNum\": 1,"
    " \"FileSize\": 1048576, \"NewCounter\": {\"x\": [1, 2]}, \"Ratio\": 0.5},\n"
    "    \"Error\": null,\n"
    "    \"RequestId\": \"a1b2c3d4-0000-1111-2222-333344445555\"\n  }\n}\n";

static const char lkeap_failed[] =
    "{\"Response\":{\"Status\":\"Failed\",\"DocumentRecognizeResultUrl\":\"\","
    "\"FailedPages\":[{\"PageNumber\":3},{\"PageNumber\":null},{},{\"PageNumber\":7,\"Reason\":\"x\"}],"
    "\"Usage\":{\"PageNumber\":4,\"TotalTokens\":null},"
    "\"Error\":{\"Code\":\"FailedOperation.FileParseError\",\"Message\":\"file parse error: page \\u00e9\"},"
    "\"RequestId\":\"req-failed\"}}";

static void test_lke_success(void)
{
    CHECK_EQ_INT(get_result(lke_success), LKD_OK);
    CHECK_EQ_INT(res.status, LKD_TASK_SUCCESS);
    CHECK_SPAN(res.status_raw.ptr, res.status_raw.len, "Success");
    CHECK_SPAN(res.result_url.ptr, res.result_url.len, lke_url);
    CHECK_EQ_INT(res.failed_pages_stored, 0);
    CHECK_EQ_INT(res.failed_pages_total, 0);
    CHECK_EQ_INT(res.failed_pages_truncated, 0);
    CHECK_EQ_INT(res.has_usage, 0);
    CHECK_EQ_INT(res.usage.page_number, -1);
    CHECK_EQ_INT(res.usage.total_token, -1);
    CHECK_EQ_INT(res.usage.total_tokens, -1);
    CHECK_EQ_INT(res.usage.split_tokens, -1);
    CHECK_EQ_INT(res.usage.mllm_tokens, -1);
    CHECK_EQ_INT(res.usage.success_page_num, -1);
    CHECK_EQ_INT(res.usage.fail_page_num, -1);
    CHECK_EQ_INT(res.usage.file_size, -1);
    CHECK_EQ_INT(res.has_task_error, 0);
    CHECK_EMPTY(res.task_error_code);
    CHECK_EMPTY(res.task_error_message);
    CHECK_SPAN(res.request_id.ptr, res.request_id.len, "3c140219-cfe9-470e-b241-907877d6fb03");
    /* Spans point into the body and are NUL-terminated there. */
    CHECK(res.result_url.ptr > buf && res.result_url.ptr < buf + sizeof lke_success);
    check_span_nul(res.status_raw, __LINE__);
    check_span_nul(res.result_url, __LINE__);
    check_span_nul(res.request_id, __LINE__);
    CHECK_EQ_INT(aerr.code[0], 0);
    CHECK_EQ_INT(aerr.cls, LKD_API_CLASS_UNKNOWN);
}

static void test_lkeap_success(void)
{
    CHECK_EQ_INT(get_result(lkeap_success), LKD_OK);
    CHECK_EQ_INT(res.status, LKD_TASK_SUCCESS);
    CHECK_SPAN(res.result_url.ptr, res.result_url.len,
               "https://lkeap-result-1300000000.cos.ap-guangzhou.myqcloud.com/r.zip?sign=q&t=1");
    CHECK_EQ_INT(res.has_usage, 1);
    CHECK_EQ_INT(res.usage.page_number, 12);
    CHECK_EQ_INT(res.usage.total_token, 34000);
    CHECK_EQ_INT(res.usage.total_tokens, 34567);
    CHECK_EQ_INT(res.usage.split_tokens, 567);
    CHECK_EQ_INT(res.usage.mllm_tokens, 34000);
    CHECK_EQ_INT(res.usage.success_page_num, 11);
    CHECK_EQ_INT(res.usage.fail_page_num, 1);
    CHECK_EQ_INT(res.usage.file_size, 1048576);
    CHECK_EQ_INT(res.has_task_error, 0); /* "Error": null */
    CHECK_EQ_INT(res.failed_pages_total, 0);
    CHECK_SPAN(res.request_id.ptr, res.request_id.len, "a1b2c3d4-0000-1111-2222-333344445555");
}

/* The international edition's Usage: three fields, the others stay -1. */
static void test_lkeap_intl_usage(void)
{
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\":\"Success\",\"DocumentRecognizeResultUrl\":\"\","
                            "\"Usage\":{\"PageNumber\":3,\"TotalToken\":99,\"TotalTokens\":100},"
                            "\"RequestId\":\"r\"}}"),
                 LKD_OK);
    CHECK_EQ_INT(res.has_usage, 1);
    CHECK_EQ_INT(res.usage.page_number, 3);
    CHECK_EQ_INT(res.usage.total_token, 99);
    CHECK_EQ_INT(res.usage.total_tokens, 100);
    CHECK_EQ_INT(res.usage.split_tokens, -1);
    CHECK_EQ_INT(res.usage.mllm_tokens, -1);
    CHECK_EQ_INT(res.usage.success_page_num, -1);
    CHECK_EQ_INT(res.usage.fail_page_num, -1);
    CHECK_EQ_INT(res.usage.file_size, -1);
    CHECK_EQ_INT(res.has_task_error, 0); /* no Error at all */
}

static void test_lkeap_failed(void)
{
    /* A task that failed is a successful call: LKD_OK with the reasons. */
    CHECK_EQ_INT(get_result(lkeap_failed), LKD_OK);
    CHECK_EQ_INT(res.status, LKD_TASK_FAILED);
    CHECK_SPAN(res.status_raw.ptr, res.status_raw.len, "Failed");
    CHECK(res.result_url.ptr != NULL && res.result_url.len == 0); /* "" is present, empty */
    /* 3, null, no PageNumber at all, 7 with an extra key. */
    CHECK_EQ_INT(res.failed_pages_total, 4);
    CHECK_EQ_INT(res.failed_pages_stored, 2);
    CHECK_EQ_INT(res.failed_pages_unnumbered, 2);
    CHECK_EQ_INT(res.failed_pages_truncated, 0);
    CHECK_EQ_INT(res.failed_pages[0].page_number, 3);
    CHECK_EQ_INT(res.failed_pages[1].page_number, 7);
    CHECK_EQ_INT(res.has_usage, 1);
    CHECK_EQ_INT(res.usage.page_number, 4);
    CHECK_EQ_INT(res.usage.total_tokens, -1); /* null */
    CHECK_EQ_INT(res.usage.file_size, -1);    /* absent */
    CHECK_EQ_INT(res.has_task_error, 1);
    CHECK_SPAN(res.task_error_code.ptr, res.task_error_code.len, "FailedOperation.FileParseError");
    CHECK_SPAN(res.task_error_message.ptr, res.task_error_message.len, "file parse error: page \xc3\xa9");
    check_span_nul(res.task_error_message, __LINE__);
    CHECK_SPAN(res.request_id.ptr, res.request_id.len, "req-failed");
    CHECK_EQ_INT(aerr.code[0], 0); /* not an API error */

    /* A task Error with only one of its fields, or null fields. */
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\":\"Failed\",\"Error\":{\"Code\":\"X\"}}}"), LKD_OK);
    CHECK_EQ_INT(res.has_task_error, 1);
    CHECK_SPAN(res.task_error_code.ptr, res.task_error_code.len, "X");
    CHECK_EMPTY(res.task_error_message);
    CHECK_EMPTY(res.request_id);
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\":\"Failed\",\"Error\":{\"Code\":null,\"Message\":\"m\"}}}"),
                 LKD_OK);
    CHECK_EQ_INT(res.has_task_error, 1);
    CHECK_EMPTY(res.task_error_code);
    CHECK_SPAN(res.task_error_message.ptr, res.task_error_message.len, "m");
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\":\"Failed\",\"Error\":{}}}"), LKD_OK);
    CHECK_EQ_INT(res.has_task_error, 1);
}

static void test_failed_pages_truncated(void)
{
    char body[2048];
    size_t n, i;
    n = (size_t)sprintf(body, "{\"Response\":{\"Status\":\"Failed\",\"FailedPages\":[");
    for (i = 1; i <= 20; i++) {
        n += (size_t)sprintf(body + n, "%s{\"PageNumber\":%u}", i > 1 ? "," : "", (unsigned)i);
    }
    n += (size_t)sprintf(body + n, "],\"RequestId\":\"r20\"}}");
    CHECK_EQ_INT(get_result_n(body, n, LKD_JSON_MAX_TOKENS), LKD_OK);
    CHECK_EQ_INT(res.failed_pages_total, 20);
    CHECK_EQ_INT(res.failed_pages_stored, LKD_MAX_FAILED_PAGES);
    CHECK_EQ_INT(res.failed_pages_stored, 16);
    CHECK_EQ_INT(res.failed_pages_truncated, 1);
    for (i = 0; i < res.failed_pages_stored; i++) {
        CHECK_EQ_INT(res.failed_pages[i].page_number, (int64_t)i + 1);
    }
    CHECK_EQ_INT(res.failed_pages_unnumbered, 0);
    CHECK_SPAN(res.request_id.ptr, res.request_id.len, "r20");

    /* Exactly the limit: not truncated. */
    n = (size_t)sprintf(body, "{\"Response\":{\"Status\":\"Failed\",\"FailedPages\":[");
    for (i = 1; i <= 16; i++) {
        n += (size_t)sprintf(body + n, "%s{\"PageNumber\":%u}", i > 1 ? "," : "", (unsigned)i);
    }
    n += (size_t)sprintf(body + n, "]}}");
    CHECK_EQ_INT(get_result_n(body, n, LKD_JSON_MAX_TOKENS), LKD_OK);
    CHECK_EQ_INT(res.failed_pages_total, 16);
    CHECK_EQ_INT(res.failed_pages_stored, 16);
    CHECK_EQ_INT(res.failed_pages_truncated, 0);

    /* An odd entry after the stored ones is counted, not an error; only
     * numbered entries left out make the list truncated. */
    n = (size_t)sprintf(body, "{\"Response\":{\"Status\":\"Failed\",\"FailedPages\":[");
    for (i = 1; i <= 16; i++) {
        n += (size_t)sprintf(body + n, "{\"PageNumber\":%u},", (unsigned)i);
    }
    n += (size_t)sprintf(body + n, "{\"PageNumber\":\"17\"},null]}}");
    CHECK_EQ_INT(get_result_n(body, n, LKD_JSON_MAX_TOKENS), LKD_OK);
    CHECK_EQ_INT(res.failed_pages_total, 18);
    CHECK_EQ_INT(res.failed_pages_stored, 16);
    CHECK_EQ_INT(res.failed_pages_unnumbered, 2);
    CHECK_EQ_INT(res.failed_pages_truncated, 0);
    body[n - 7] = '1'; /* null -> 1ull: the entry is not JSON */
    CHECK_EQ_INT(get_result_n(body, n, LKD_JSON_MAX_TOKENS), LKD_ERR_MALFORMED);
    n = (size_t)sprintf(body, "{\"Response\":{\"Status\":\"Failed\",\"FailedPages\":[");
    for (i = 1; i <= 18; i++) {
        n += (size_t)sprintf(body + n, "{\"PageNumber\":%u},", (unsigned)i);
    }
    n += (size_t)sprintf(body + n, "{\"PageNumber\":\"19\"}]}}");
    CHECK_EQ_INT(get_result_n(body, n, LKD_JSON_MAX_TOKENS), LKD_OK);
    CHECK_EQ_INT(res.failed_pages_total, 19);
    CHECK_EQ_INT(res.failed_pages_unnumbered, 1);
    CHECK_EQ_INT(res.failed_pages_truncated, 1);
}

/* Entries that are odd but valid JSON: counted as unnumbered, never an
 * error, and the rest of the answer is still read. */
static void test_odd_entries(void)
{
    static const char *const odd[] = {
        "1", "null", "true", "\"3\"", "[1]", "[[{\"PageNumber\":1}]]", "{}", "{\"PageNumber\":null}",
        "{\"PageNumber\":\"3\"}", "{\"PageNumber\":1.5}", "{\"PageNumber\":1e2}", "{\"PageNumber\":-0.0}",
        "{\"PageNumber\":99999999999999999999}", "{\"PageNumber\":9223372036854775808}",
        "{\"PageNumber\":true}", "{\"PageNumber\":{}}", "{\"PageNumber\":[2]}", "{\"pagenumber\":2}",
        "{\"Page\\u004eumber\":2}", "{\"X\":{\"PageNumber\":2}}", "{\"PageNumber\":null,\"PageNumber\":2}",
    };
    char body[512];
    size_t i;
    for (i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        size_t n = (size_t)sprintf(body, "{\"Response\":{\"Status\":\"Success\",\"FailedPages\":[%s,"
                                         "{\"PageNumber\":5,\"Extra\":[null,{\"a\":\"]\"}]}],"
                                         "\"DocumentRecognizeResultUrl\":\"https://x/r.zip\"}}", odd[i]);
        lkd_status_t st = get_result_n(body, n, LKD_JSON_MAX_TOKENS);
        if (st != LKD_OK || res.failed_pages_unnumbered != 1) {
            fprintf(stderr, "odd entry #%u gave %d: %s\n", (unsigned)i, (int)st, odd[i]);
        }
        CHECK_EQ_INT(st, LKD_OK);
        CHECK_EQ_INT(res.failed_pages_total, 2);
        CHECK_EQ_INT(res.failed_pages_unnumbered, 1);
        CHECK_EQ_INT(res.failed_pages_stored, 1);
        CHECK_EQ_INT(res.failed_pages[0].page_number, 5);
        CHECK_SPAN(res.result_url.ptr, res.result_url.len, "https://x/r.zip");
    }
    /* The numbers that are page numbers: any int64_t, first PageNumber wins. */
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\":\"Failed\",\"FailedPages\":[{\"PageNumber\":0},"
                            "{\"PageNumber\":9223372036854775807},{\"PageNumber\":-1},"
                            "{\"PageNumber\":2,\"PageNumber\":null}, {\"Page\":1, \"PageNumber\" : 8 } ]}}"),
                 LKD_OK);
    CHECK_EQ_INT(res.failed_pages_total, 5);
    CHECK_EQ_INT(res.failed_pages_unnumbered, 0);
    CHECK_EQ_INT(res.failed_pages[0].page_number, 0);
    CHECK_EQ_INT(res.failed_pages[1].page_number, INT64_MAX);
    CHECK_EQ_INT(res.failed_pages[2].page_number, -1);
    CHECK_EQ_INT(res.failed_pages[3].page_number, 2);
    CHECK_EQ_INT(res.failed_pages[4].page_number, 8);
    /* Only unnumbered entries: nothing stored, nothing truncated. */
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\":\"Failed\",\"FailedPages\":[null,null,{}]}}"), LKD_OK);
    CHECK_EQ_INT(res.failed_pages_total, 3);
    CHECK_EQ_INT(res.failed_pages_unnumbered, 3);
    CHECK_EQ_INT(res.failed_pages_stored, 0);
    CHECK_EQ_INT(res.failed_pages_truncated, 0);
}

static void test_status_values(void)
{
    static const struct {
        const char *text;
        lkd_task_status_t status;
    } cases[] = {
        {"WaitExecute", LKD_TASK_WAIT_EXECUTE}, {"waitexecute", LKD_TASK_WAIT_EXECUTE},
        {"Processing", LKD_TASK_PROCESSING},    {"processing", LKD_TASK_PROCESSING},
        {"PROCESSING", LKD_TASK_PROCESSING},    {"Success", LKD_TASK_SUCCESS},
        {"success", LKD_TASK_SUCCESS},          {"SUCCESS", LKD_TASK_SUCCESS},
        {"Failed", LKD_TASK_FAILED},            {"failed", LKD_TASK_FAILED},
        {"Pause", LKD_TASK_PAUSE},              {"pause", LKD_TASK_PAUSE},
        {"Queued", LKD_TASK_UNKNOWN},           {"", LKD_TASK_UNKNOWN},
        {"Success ", LKD_TASK_UNKNOWN},         {"Succes", LKD_TASK_UNKNOWN},
        {"Successful", LKD_TASK_UNKNOWN},       {"Wait Execute", LKD_TASK_UNKNOWN},
        {"\\u0053uccess", LKD_TASK_SUCCESS}, /* compared after decoding */
    };
    char body[256];
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sprintf(body, "{\"Response\":{\"Status\":\"%s\",\"RequestId\":\"r\"}}", cases[i].text);
        CHECK_EQ_INT(get_result(body), LKD_OK);
        CHECK_EQ_INT(res.status, cases[i].status);
        CHECK(res.status_raw.ptr != NULL);
        if (strchr(cases[i].text, '\\') == NULL) {
            CHECK_SPAN(res.status_raw.ptr, res.status_raw.len, cases[i].text);
        }
        CHECK_EMPTY(res.result_url); /* absent */
    }
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\":\"Queued\"}}"), LKD_OK);
    CHECK_EQ_INT(res.status, LKD_TASK_UNKNOWN);
    CHECK_SPAN(res.status_raw.ptr, res.status_raw.len, "Queued");

    CHECK(strcmp(lkd_task_status_name(LKD_TASK_WAIT_EXECUTE), "WaitExecute") == 0);
    CHECK(strcmp(lkd_task_status_name(LKD_TASK_PROCESSING), "Processing") == 0);
    CHECK(strcmp(lkd_task_status_name(LKD_TASK_SUCCESS), "Success") == 0);
    CHECK(strcmp(lkd_task_status_name(LKD_TASK_FAILED), "Failed") == 0);
    CHECK(strcmp(lkd_task_status_name(LKD_TASK_PAUSE), "Pause") == 0);
    CHECK(strcmp(lkd_task_status_name(LKD_TASK_UNKNOWN), "Unknown") == 0);
    CHECK(strcmp(lkd_task_status_name((lkd_task_status_t)99), "Unknown") == 0);
}

static void test_api_error(void)
{
    char body[1024];
    size_t i, n;

    CHECK_EQ_INT(get_result("{\"Response\":{\"Error\":{\"Code\":\"AuthFailure.SignatureExpire\","
                            "\"Message\":\"Signature expired. Timestamp is 1715503711, server time is "
                            "1715504111.\"},\"RequestId\":\"0f7e0c3a-5b2d-4c1e-9a8b-7c6d5e4f3a2b\"}}"),
                 LKD_ERR_API);
    CHECK(strcmp(aerr.code, "AuthFailure.SignatureExpire") == 0);
    CHECK(strcmp(aerr.message, "Signature expired. Timestamp is 1715503711, server time is 1715504111.") == 0);
    CHECK(strcmp(aerr.request_id, "0f7e0c3a-5b2d-4c1e-9a8b-7c6d5e4f3a2b") == 0);
    CHECK_EQ_INT(aerr.cls, LKD_API_CLASS_CLOCK);
    CHECK_EQ_INT(aerr.truncated, 0);
    check_result_reset(__LINE__);

    CHECK_EQ_INT(get_result("{\"Response\":{\"RequestId\":\"r2\",\"Error\":{\"Message\":\"slow down\","
                            "\"Code\":\"RequestLimitExceeded.UinLimitExceeded\"}}}"),
                 LKD_ERR_API);
    CHECK(strcmp(aerr.code, "RequestLimitExceeded.UinLimitExceeded") == 0);
    CHECK_EQ_INT(aerr.cls, LKD_API_CLASS_RETRYABLE);
    CHECK(strcmp(aerr.request_id, "r2") == 0);

    CHECK_EQ_INT(get_result("{\"Response\":{\"Error\":{\"Code\":\"ResourceUnavailable.InArrears\","
                            "\"Message\":\"\\u8d26\\u6237\\u6b20\\u8d39 \\\"x\\\"\"}}}"),
                 LKD_ERR_API);
    CHECK_EQ_INT(aerr.cls, LKD_API_CLASS_BILLING);
    CHECK(strcmp(aerr.message, "\xe8\xb4\xa6\xe6\x88\xb7\xe6\xac\xa0\xe8\xb4\xb9 \"x\"") == 0);
    CHECK_EQ_INT(aerr.request_id[0], 0); /* no RequestId */

    CHECK_EQ_INT(get_result("{\"Response\":{\"Error\":{\"Code\":\"SomethingNew.Sub\"},\"RequestId\":null}}"),
                 LKD_ERR_API);
    CHECK_EQ_INT(aerr.cls, LKD_API_CLASS_UNKNOWN);
    CHECK_EQ_INT(aerr.message[0], 0);

    /* Too long: cut, NUL-terminated, flagged. */
    n = (size_t)sprintf(body, "{\"Response\":{\"Error\":{\"Code\":\"InternalError\",\"Message\":\"");
    for (i = 0; i < 300; i++) {
        body[n++] = (char)('a' + i % 26);
    }
    n += (size_t)sprintf(body + n, "\"},\"RequestId\":\"r3\"}}");
    CHECK_EQ_INT(get_result_n(body, n, LKD_JSON_MAX_TOKENS), LKD_ERR_API);
    CHECK_EQ_INT(strlen(aerr.message), LKD_API_MESSAGE_SIZE - 1);
    CHECK(aerr.message[0] == 'a' && aerr.message[LKD_API_MESSAGE_SIZE - 2] == (char)('a' + (LKD_API_MESSAGE_SIZE - 2) % 26));
    CHECK_EQ_INT(aerr.truncated, 1);
    CHECK_EQ_INT(aerr.cls, LKD_API_CLASS_SERVER);
    CHECK(strcmp(aerr.code, "InternalError") == 0);
    CHECK(strcmp(aerr.request_id, "r3") == 0);

    /* Cut at a character boundary: 254 ASCII bytes then a 2-byte character
     * that would straddle the last byte. */
    n = (size_t)sprintf(body, "{\"Response\":{\"Error\":{\"Code\":\"InternalError\",\"Message\":\"");
    for (i = 0; i < LKD_API_MESSAGE_SIZE - 2; i++) {
        body[n++] = 'm';
    }
    n += (size_t)sprintf(body + n, "\\u00e9tail\"}}}");
    CHECK_EQ_INT(get_result_n(body, n, LKD_JSON_MAX_TOKENS), LKD_ERR_API);
    CHECK_EQ_INT(strlen(aerr.message), LKD_API_MESSAGE_SIZE - 2);
    CHECK_EQ_INT(aerr.truncated, 1);

    /* A code that fills its array exactly fits; one more byte is cut, and the
     * class still comes from the whole code. */
    n = (size_t)sprintf(body, "{\"Response\":{\"Error\":{\"Code\":\"InvalidParameter.");
    for (i = strlen("InvalidParameter."); i < LKD_API_CODE_SIZE - 1; i++) {
        body[n++] = 'X';
    }
    n += (size_t)sprintf(body + n, "\",\"Message\":\"m\"}}}");
    CHECK_EQ_INT(get_result_n(body, n, LKD_JSON_MAX_TOKENS), LKD_ERR_API);
    CHECK_EQ_INT(strlen(aerr.code), LKD_API_CODE_SIZE - 1);
    CHECK_EQ_INT(aerr.truncated, 0);
    CHECK_EQ_INT(aerr.cls, LKD_API_CLASS_PARAMETER);
    n = (size_t)sprintf(body, "{\"Response\":{\"Error\":{\"Code\":\"AuthFailure.SignatureExpire.");
    for (i = strlen("AuthFailure.SignatureExpire."); i < LKD_API_CODE_SIZE + 10; i++) {
        body[n++] = 'Y';
    }
    n += (size_t)sprintf(body + n, "\"}}}");
    CHECK_EQ_INT(get_result_n(body, n, LKD_JSON_MAX_TOKENS), LKD_ERR_API);
    CHECK_EQ_INT(strlen(aerr.code), LKD_API_CODE_SIZE - 1);
    CHECK_EQ_INT(aerr.truncated, 1);
    CHECK_EQ_INT(aerr.cls, LKD_API_CLASS_CLOCK);

    /* A long RequestId is cut too. */
    n = (size_t)sprintf(body, "{\"Response\":{\"Error\":{\"Code\":\"InternalError\"},\"RequestId\":\"");
    for (i = 0; i < LKD_API_REQUEST_ID_SIZE; i++) {
        body[n++] = 'r';
    }
    n += (size_t)sprintf(body + n, "\"}}");
    CHECK_EQ_INT(get_result_n(body, n, LKD_JSON_MAX_TOKENS), LKD_ERR_API);
    CHECK_EQ_INT(strlen(aerr.request_id), LKD_API_REQUEST_ID_SIZE - 1);
    CHECK_EQ_INT(aerr.truncated, 1);

    /* Status wins: Error beside Status is the task's, not the call's. */
    CHECK_EQ_INT(get_result("{\"Response\":{\"Error\":{\"Code\":\"FailedOperation.OcrFailed\",\"Message\":\"m\"},"
                            "\"Status\":\"Failed\"}}"),
                 LKD_OK);
    CHECK_EQ_INT(res.has_task_error, 1);
    CHECK_SPAN(res.task_error_code.ptr, res.task_error_code.len, "FailedOperation.OcrFailed");
    CHECK_EQ_INT(aerr.code[0], 0);

    /* A broken Error is a broken answer, not an API error. */
    CHECK_EQ_INT(get_result("{\"Response\":{\"Error\":{\"Message\":\"no code\"}}}"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(get_result("{\"Response\":{\"Error\":{\"Code\":5,\"Message\":\"m\"}}}"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(get_result("{\"Response\":{\"Error\":{\"Code\":null}}}"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(get_result("{\"Response\":{\"Error\":{\"Code\":\"X\",\"Message\":[]}}}"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(get_result("{\"Response\":{\"Error\":{\"Code\":\"X\"},\"RequestId\":7}}"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(get_result("{\"Response\":{\"Error\":\"AuthFailure\"}}"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(get_result("{\"Response\":{\"Error\":null}}"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(get_result("{\"Response\":{\"Error\":{\"Code\":\"\\ud800\"}}}"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(aerr.code[0], 0);
    CHECK_EQ_INT(aerr.truncated, 0);
}

static void test_wrong_types(void)
{
    static const char *const bad[] = {
        /* Root and Response. */
        "[]",
        "[{\"Response\":{\"Status\":\"Success\"}}]",
        "\"Response\"",
        "{}",
        "{\"response\":{\"Status\":\"Success\"}}",
        "{\"Response\":[]}",
        "{\"Response\":[{\"Status\":\"Success\"}]}",
        "{\"Response\":\"Success\"}",
        "{\"Response\":null}",
        "{\"Response\":{}}",
        "{\"Response\":{\"RequestId\":\"r\"}}",
        "{\"Outer\":{\"Response\":{\"Status\":\"Success\"}}}",
        /* Status. */
        "{\"Response\":{\"Status\":1}}",
        "{\"Response\":{\"Status\":null}}",
        "{\"Response\":{\"Status\":true}}",
        "{\"Response\":{\"Status\":{}}}",
        "{\"Response\":{\"Status\":[\"Success\"]}}",
        "{\"Response\":{\"Status\":\"\\u0000\"}}",
        "{\"Response\":{\"Status\":\"\\udc00\"}}",
        /* DocumentRecognizeResultUrl. */
        "{\"Response\":{\"Status\":\"Success\",\"DocumentRecognizeResultUrl\":1}}",
        "{\"Response\":{\"Status\":\"Success\",\"DocumentRecognizeResultUrl\":{}}}",
        "{\"Response\":{\"Status\":\"Success\",\"DocumentRecognizeResultUrl\":[\"https://x\"]}}",
        "{\"Response\":{\"Status\":\"Success\",\"DocumentRecognizeResultUrl\":false}}",
        "{\"Response\":{\"Status\":\"Success\",\"DocumentRecognizeResultUrl\":\"https://x/\\ud83d\"}}",
        /* FailedPages. */
        "{\"Response\":{\"Status\":\"Failed\",\"FailedPages\":{}}}",
        "{\"Response\":{\"Status\":\"Failed\",\"FailedPages\":{\"PageNumber\":1}}}",
        "{\"Response\":{\"Status\":\"Failed\",\"FailedPages\":\"1,2\"}}",
        "{\"Response\":{\"Status\":\"Failed\",\"FailedPages\":3}}",
        "{\"Response\":{\"Status\":\"Failed\",\"FailedPages\":true}}",
        /* Usage. */
        "{\"Response\":{\"Status\":\"Success\",\"Usage\":\"12 pages\"}}",
        "{\"Response\":{\"Status\":\"Success\",\"Usage\":[]}}",
        "{\"Response\":{\"Status\":\"Success\",\"Usage\":5}}",
        "{\"Response\":{\"Status\":\"Success\",\"Usage\":{\"PageNumber\":\"12\"}}}",
        "{\"Response\":{\"Status\":\"Success\",\"Usage\":{\"TotalTokens\":1.5}}}",
        "{\"Response\":{\"Status\":\"Success\",\"Usage\":{\"SuccessPageNum\":[]}}}",
        "{\"Response\":{\"Status\":\"Success\",\"Usage\":{\"FailPageNum\":false}}}",
        "{\"Response\":{\"Status\":\"Success\",\"Usage\":{\"FileSize\":1e6}}}",
        "{\"Response\":{\"Status\":\"Success\",\"Usage\":{\"TotalToken\":\"5\"}}}",
        "{\"Response\":{\"Status\":\"Success\",\"Usage\":{\"SplitTokens\":-0.5}}}",
        "{\"Response\":{\"Status\":\"Success\",\"Usage\":{\"MllmTokens\":99999999999999999999}}}",
        /* Task Error. */
        "{\"Response\":{\"Status\":\"Failed\",\"Error\":\"FailedOperation\"}}",
        "{\"Response\":{\"Status\":\"Failed\",\"Error\":[]}}",
        "{\"Response\":{\"Status\":\"Failed\",\"Error\":0}}",
        "{\"Response\":{\"Status\":\"Failed\",\"Error\":{\"Code\":1}}}",
        "{\"Response\":{\"Status\":\"Failed\",\"Error\":{\"Message\":{}}}}",
        /* RequestId. */
        "{\"Response\":{\"Status\":\"Success\",\"RequestId\":12}}",
        "{\"Response\":{\"Status\":\"Success\",\"RequestId\":{}}}",
        "{\"Response\":{\"Status\":\"Success\",\"RequestId\":\"\\u0000\"}}",
    };
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lkd_status_t st = get_result(bad[i]);
        if (st != LKD_ERR_MALFORMED) {
            fprintf(stderr, "wrong-type body #%u gave %d: %s\n", (unsigned)i, (int)st, bad[i]);
        }
        CHECK_EQ_INT(st, LKD_ERR_MALFORMED);
        check_result_reset(__LINE__);
        CHECK_EQ_INT(aerr.code[0], 0);
    }

    /* Nulls and absences that are fine. */
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\":\"Processing\",\"DocumentRecognizeResultUrl\":null,"
                            "\"FailedPages\":null,\"Usage\":null,\"Error\":null,\"RequestId\":null}}"),
                 LKD_OK);
    CHECK_EQ_INT(res.status, LKD_TASK_PROCESSING);
    CHECK_EMPTY(res.result_url);
    CHECK_EMPTY(res.request_id);
    CHECK_EQ_INT(res.failed_pages_total, 0);
    CHECK_EQ_INT(res.has_usage, 0);
    CHECK_EQ_INT(res.usage.page_number, -1);
    CHECK_EQ_INT(res.has_task_error, 0);
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\":\"Success\",\"Usage\":{}}}"), LKD_OK);
    CHECK_EQ_INT(res.has_usage, 1);
    CHECK_EQ_INT(res.usage.page_number, -1);
    CHECK_EQ_INT(res.usage.file_size, -1);
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\":\"Success\",\"Usage\":{\"PageNumber\":0,\"FileSize\":-5}}}"),
                 LKD_OK);
    CHECK_EQ_INT(res.usage.page_number, 0);
    CHECK_EQ_INT(res.usage.file_size, -5);
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\":\"Failed\",\"FailedPages\":[{\"PageNumber\":-1},"
                            "{\"PageNumber\":9223372036854775807}]}}"),
                 LKD_OK);
    CHECK_EQ_INT(res.failed_pages[0].page_number, -1);
    CHECK(res.failed_pages[1].page_number == INT64_MAX);
}

static void test_unknown_keys(void)
{
    /* Unknown keys are skipped whatever they hold, including keys the client
     * reads at the Response level; only Response's own members count, and the
     * first of two equal keys wins. */
    CHECK_EQ_INT(get_result("{\"Meta\":{\"Response\":1},\"Response\":{"
                            "\"Extra\":{\"Status\":\"Failed\",\"Error\":{\"Code\":\"X\"},\"FailedPages\":[1,2,3],"
                            "\"Deep\":[[[[{\"Usage\":\"bad\"}]]]]},"
                            "\"Numbers\":[1.5,-2e10,true,false,null,\"\\ud800 ignored\"],"
                            "\"Status\":\"Processing\",\"Status\":\"Success\","
                            "\"RequestId\":\"r-unknown\",\"Tail\":{}},\"After\":[]}"),
                 LKD_OK);
    CHECK_EQ_INT(res.status, LKD_TASK_PROCESSING);
    CHECK_EQ_INT(res.failed_pages_total, 0);
    CHECK_EQ_INT(res.has_usage, 0);
    CHECK_EQ_INT(res.has_task_error, 0);
    CHECK_SPAN(res.request_id.ptr, res.request_id.len, "r-unknown");

    /* Deep nesting inside an unknown key, within the token budget. */
    {
        char body[1024];
        size_t n = 0, i;
        n += (size_t)sprintf(body, "{\"Response\":{\"Nest\":");
        for (i = 0; i < 100; i++) {
            body[n++] = '[';
        }
        for (i = 0; i < 100; i++) {
            body[n++] = ']';
        }
        n += (size_t)sprintf(body + n, ",\"Status\":\"Pause\"}}");
        CHECK_EQ_INT(get_result_n(body, n, 106), LKD_OK);
        CHECK_EQ_INT(res.status, LKD_TASK_PAUSE);
        CHECK_EQ_INT(get_result_n(body, n, 105), LKD_ERR_RESPONSE_TOO_LARGE);
    }
}

static void test_structure(void)
{
    size_t len = strlen(lkeap_failed), cut;
    unsigned ok = 0, malformed = 0, min_tokens;

    CHECK_EQ_INT(get_result(""), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(get_result("   "), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(get_result("null"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(get_result("<html>502 Bad Gateway</html>"), LKD_ERR_MALFORMED);

    /* Every proper prefix of valid bodies fails, as MALFORMED. */
    for (cut = 0; cut < len; cut++) {
        lkd_status_t st = get_result_n(lkeap_failed, cut, MAX_TOKENS);
        ok += st == LKD_OK;
        malformed += st == LKD_ERR_MALFORMED;
        if (st != LKD_ERR_MALFORMED) {
            fprintf(stderr, "prefix of %u bytes gave %d\n", (unsigned)cut, (int)st);
        }
    }
    CHECK_EQ_INT(ok, 0);
    CHECK_EQ_INT(malformed, len);
    len = strlen(lke_success);
    ok = malformed = 0;
    for (cut = 0; cut < len; cut++) {
        lkd_status_t st = get_result_n(lke_success, cut, MAX_TOKENS);
        ok += st == LKD_OK;
        malformed += st == LKD_ERR_MALFORMED;
    }
    CHECK_EQ_INT(ok, 0);
    CHECK_EQ_INT(malformed, len);
    /* lkeap_success ends with a newline: only the whole and the whole less
     * that newline succeed. */
    len = strlen(lkeap_success);
    ok = malformed = 0;
    for (cut = 0; cut <= len; cut++) {
        lkd_status_t st = get_result_n(lkeap_success, cut, MAX_TOKENS);
        ok += st == LKD_OK;
        malformed += st == LKD_ERR_MALFORMED;
    }
    CHECK_EQ_INT(ok, 2);
    CHECK_EQ_INT(malformed, len - 1);

    /* Whitespace after the body is fine; anything else is not. */
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\":\"Success\"}} \r\n\t "), LKD_OK);
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\":\"Success\"}}x"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\":\"Success\"}}}"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\":\"Success\"}},"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\":\"Success\"}}{\"Response\":{\"Status\":\"Failed\"}}"),
                 LKD_ERR_MALFORMED);
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\":\"Success\"}} {\"a\":1}"), LKD_ERR_MALFORMED);
    {
        static const char nul_after[] = "{\"Response\":{\"Status\":\"Success\"}}\0";
        CHECK_EQ_INT(get_result_n(nul_after, sizeof nul_after - 1, MAX_TOKENS), LKD_ERR_MALFORMED);
        CHECK_EQ_INT(get_result_n(nul_after, sizeof nul_after - 2, MAX_TOKENS), LKD_OK);
    }
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\":\"Success\",}}"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\" \"Success\"}}"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\":\"Success\" \"RequestId\":\"r\"}}"), LKD_ERR_MALFORMED);

    /* Token budget: find the smallest that works; one less is too large. */
    for (min_tokens = 1; min_tokens < MAX_TOKENS; min_tokens++) {
        if (get_result_n(lkeap_failed, strlen(lkeap_failed), min_tokens) == LKD_OK) {
            break;
        }
    }
    CHECK(min_tokens < MAX_TOKENS);
    CHECK_EQ_INT(get_result_n(lkeap_failed, strlen(lkeap_failed), min_tokens - 1), LKD_ERR_RESPONSE_TOO_LARGE);
    check_result_reset(__LINE__);
    CHECK_EQ_INT(get_result_n(lkeap_failed, strlen(lkeap_failed), 0), LKD_ERR_RESPONSE_TOO_LARGE);

    /* Arguments. */
    strcpy(buf, "{\"Response\":{\"Status\":\"Success\"}}");
    CHECK_EQ_INT(lkd_decode_get_result(NULL, 10, toks, MAX_TOKENS, &pages, &res, &aerr), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_decode_get_result(buf, strlen(buf), NULL, MAX_TOKENS, &pages, &res, &aerr), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_decode_get_result(buf, strlen(buf), toks, MAX_TOKENS, &pages, NULL, &aerr), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_decode_get_result(buf, strlen(buf), toks, MAX_TOKENS, &pages, &res, NULL), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_decode_get_result(buf, strlen(buf), toks, MAX_TOKENS, NULL, &res, &aerr), LKD_ERR_ARG_NULL);

    /* *result is initialised whatever it held before. */
    memset(&res, 0x5a, sizeof res);
    CHECK_EQ_INT(get_result("{\"Response\":{\"Status\":\"Success\"}}"), LKD_OK);
    CHECK_EQ_INT(res.usage.total_tokens, -1);
    CHECK_EQ_INT(res.failed_pages_total, 0);
    CHECK_EQ_INT(res.has_task_error, 0);
    CHECK_EMPTY(res.request_id);
    CHECK_EMPTY(res.task_error_message);
    memset(&res, 0x5a, sizeof res);
    CHECK_EQ_INT(get_result("{"), LKD_ERR_MALFORMED);
    check_result_reset(__LINE__);
}

static lkd_status_t simple(const char *body, const char *field, lkd_span_t *value, lkd_span_t *request_id)
{
    size_t n = strlen(body), len = 0;
    lkd_status_t st;
    memcpy(buf, body, n + 1);
    /* As the client does: the grammar first (no FailedPages path), then the decoder. */
    lkd_pages_start(&pages, NULL, 0);
    st = lkd_pages_put(&pages, (const uint8_t *)buf, n, buf, sizeof buf - 1, &len);
    if (st != LKD_OK) {
        return st;
    }
    buf[len] = '\0';
    return lkd_decode_simple(buf, len, toks, LKD_JSON_MAX_TOKENS, &pages, field, value, request_id, &aerr);
}

static void test_simple(void)
{
    lkd_span_t v, rid;

    CHECK_EQ_INT(simple("{\"Response\":{\"TaskId\":\"a1b2c3d4-e5f6-7890-abcd-ef0123456789\","
                        "\"RequestId\":\"6f1e2d3c\"}}",
                        "TaskId", &v, &rid),
                 LKD_OK);
    CHECK_SPAN(v.ptr, v.len, "a1b2c3d4-e5f6-7890-abcd-ef0123456789");
    CHECK_SPAN(rid.ptr, rid.len, "6f1e2d3c");
    check_span_nul(v, __LINE__);
    CHECK_EQ_INT(simple("{\"Response\":{\"TaskId\":\"t\\/1\\u0026\"}}", "TaskId", &v, NULL), LKD_OK);
    CHECK_SPAN(v.ptr, v.len, "t/1&");
    CHECK_EQ_INT(simple("{\"Response\":{\"TaskId\":\"t\",\"Error\":null}}", "TaskId", &v, &rid), LKD_OK);
    CHECK_EMPTY(rid);

    /* CancelTask: only RequestId. */
    CHECK_EQ_INT(simple("{\"Response\":{\"RequestId\":\"c-1\"}}", NULL, NULL, &rid), LKD_OK);
    CHECK_SPAN(rid.ptr, rid.len, "c-1");
    CHECK_EQ_INT(simple("{\"Response\":{}}", NULL, NULL, NULL), LKD_OK);
    CHECK_EQ_INT(simple("{\"Response\":{\"RequestId\":\"c-1\"}}", NULL, &v, &rid), LKD_OK);
    CHECK_EMPTY(v);

    /* The field must be there, as a string. */
    CHECK_EQ_INT(simple("{\"Response\":{\"RequestId\":\"r\"}}", "TaskId", &v, &rid), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(simple("{\"Response\":{\"TaskId\":null}}", "TaskId", &v, &rid), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(simple("{\"Response\":{\"TaskId\":12}}", "TaskId", &v, &rid), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(simple("{\"Response\":{\"TaskId\":{\"Id\":\"x\"}}}", "TaskId", &v, &rid), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(simple("{\"Response\":{\"Inner\":{\"TaskId\":\"x\"}}}", "TaskId", &v, &rid), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(simple("{\"Response\":{\"TaskId\":\"t\",\"RequestId\":5}}", "TaskId", &v, &rid),
                 LKD_ERR_MALFORMED);
    CHECK_EQ_INT(simple("{\"Response\":{\"TaskId\":\"t\"}} x", "TaskId", &v, &rid), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(simple("{\"Response\":{\"TaskId\":\"t\"}", "TaskId", &v, &rid), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(simple("{\"Response\":[]}", NULL, NULL, NULL), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(simple("[]", NULL, NULL, NULL), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(simple("", NULL, NULL, NULL), LKD_ERR_MALFORMED);

    /* API errors. */
    CHECK_EQ_INT(simple("{\"Response\":{\"Error\":{\"Code\":\"FailedOperation.UnOpenError\","
                        "\"Message\":\"service not opened\"},\"RequestId\":\"e-1\"}}",
                        "TaskId", &v, &rid),
                 LKD_ERR_API);
    CHECK(strcmp(aerr.code, "FailedOperation.UnOpenError") == 0);
    CHECK(strcmp(aerr.message, "service not opened") == 0);
    CHECK(strcmp(aerr.request_id, "e-1") == 0);
    CHECK_EQ_INT(aerr.cls, LKD_API_CLASS_AUTH);
    CHECK_EMPTY(v);
    CHECK_EMPTY(rid);
    CHECK_EQ_INT(simple("{\"Response\":{\"Error\":{\"Code\":\"ResourceNotFound\"}}}", NULL, NULL, NULL),
                 LKD_ERR_API);
    CHECK_EQ_INT(aerr.cls, LKD_API_CLASS_PARAMETER);
    CHECK_EQ_INT(simple("{\"Response\":{\"Error\":{\"Code\":7}}}", NULL, NULL, NULL), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(simple("{\"Response\":{\"Error\":\"x\"}}", NULL, NULL, NULL), LKD_ERR_MALFORMED);

    /* Arguments. */
    CHECK_EQ_INT(simple("{\"Response\":{\"TaskId\":\"t\"}}", "TaskId", NULL, NULL), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_decode_simple(buf, 2, toks, 8, &pages, NULL, NULL, NULL, NULL), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_decode_simple(NULL, 2, toks, 8, &pages, NULL, NULL, NULL, &aerr), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_decode_simple(buf, 2, NULL, 8, &pages, NULL, NULL, NULL, &aerr), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_decode_simple(buf, 2, toks, 8, NULL, NULL, NULL, NULL, &aerr), LKD_ERR_ARG_NULL);
    /* The decoder refuses a body whose grammar the filter did not accept whole. */
    lkd_pages_start(&pages, NULL, 0);
    strcpy(buf, "{\"Response\":{\"TaskId\":\"t\"}}");
    CHECK_EQ_INT(lkd_decode_simple(buf, strlen(buf), toks, 8, &pages, NULL, NULL, NULL, &aerr), LKD_ERR_MALFORMED);
}

int main(void)
{
    test_lke_success();
    test_lkeap_success();
    test_lkeap_intl_usage();
    test_lkeap_failed();
    test_failed_pages_truncated();
    test_odd_entries();
    test_status_values();
    test_api_error();
    test_wrong_types();
    test_unknown_keys();
    test_structure();
    test_simple();
    return unit_report("decode");
}
