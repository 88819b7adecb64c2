/* SPDX-License-Identifier: MIT */
/* Argument checks of the signing, request, status, time and URL modules, one
 * condition at a time (each operand of a || both ways). */
#include "lkd_request.h"
#include "lkd_sign.h"
#include "lkd_time.h"
#include "lkd_url.h"
#include "unit.h"

static lkd_span_t sp(const char *s)
{
    lkd_span_t v;
    v.ptr = s;
    v.len = s == NULL ? 0 : strlen(s);
    return v;
}

static void tc3_input(lkd_sign_input_t *in)
{
    memset(in, 0, sizeof *in);
    in->secret_id = sp("AKID");
    in->secret_key = sp("key");
    in->service = sp("lke");
    in->host = sp("lke.tencentcloudapi.com");
    in->content_type = sp("application/json; charset=utf-8");
    in->timestamp = 1795500000;
}

static void test_sign_arguments(void)
{
    lkd_sign_input_t in;
    char out[512], date[11] = "2026-11-23";
    size_t len;
    uint8_t d[32];
    int i;
    CHECK_EQ_INT(lkd_sign_sha256(NULL, 0, d), LKD_OK);
    CHECK_EQ_INT(lkd_sign_sha256("x", 1, NULL), LKD_ERR_ARG_NULL);
    /* The kind each refusal is, case by case. */
    static const lkd_status_t kinds[8] = {LKD_ERR_ARG_NULL,  LKD_ERR_ARG_EMPTY, LKD_ERR_ARG_EMPTY, LKD_ERR_ARG_NULL,
                                          LKD_ERR_ARG_EMPTY, LKD_ERR_ARG_NULL,  LKD_ERR_ARG_RANGE, LKD_ERR_ARG_RANGE};
    for (i = 0; i < 8; i++) {
        tc3_input(&in);
        switch (i) {
        case 0: in.secret_id.ptr = NULL; break;
        case 1: in.secret_key.len = 0; break;
        case 2: in.service = sp(""); break;
        case 3: in.host.ptr = NULL; break;
        case 4: in.content_type.len = 0; break;
        case 5: in.action.len = 3; break; /* NULL with a length */
        case 6: in.timestamp = -1; break;
        default: in.timestamp = 253402300800; break; /* year 10000 */
        }
        CHECK_EQ_INT(lkd_sign_tc3(&in, out, sizeof out, &len, NULL), kinds[i]);
        if (i < 6) {
            CHECK_EQ_INT(lkd_sign_canonical_request(&in, out, sizeof out, &len), kinds[i]);
        }
    }
    tc3_input(&in);
    CHECK_EQ_INT(lkd_sign_tc3(&in, NULL, sizeof out, &len, NULL), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_sign_tc3(&in, out, sizeof out, NULL, NULL), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_sign_tc3(&in, out, 0, &len, NULL), LKD_ERR_ARG_EMPTY);
    CHECK_EQ_INT(lkd_sign_tc3(&in, out, 10, &len, NULL), LKD_ERR_BUFFER_TOO_SMALL);
    CHECK_EQ_INT(out[0], '\0');
    CHECK_EQ_INT(lkd_sign_canonical_request(&in, NULL, sizeof out, &len), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_sign_canonical_request(&in, out, sizeof out, NULL), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_sign_canonical_request(&in, out, 10, &len), LKD_ERR_BUFFER_TOO_SMALL);
    CHECK_EQ_INT(lkd_sign_signing_key(sp(""), date, sp("lke"), d), LKD_ERR_ARG_EMPTY);
    CHECK_EQ_INT(lkd_sign_signing_key(sp("k"), NULL, sp("lke"), d), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_sign_signing_key(sp("k"), date, sp(""), d), LKD_ERR_ARG_EMPTY);
    CHECK_EQ_INT(lkd_sign_signing_key(sp("k"), date, sp("lke"), NULL), LKD_ERR_ARG_NULL);
    {
        /* A secret longer than the HMAC block is hashed first (RFC 2104). */
        char long_key[100];
        uint8_t a[32], b[32];
        memset(long_key, 'k', sizeof long_key);
        CHECK_EQ_INT(lkd_sign_signing_key(sp("k"), date, sp("lke"), a), LKD_OK);
        in.secret_key.ptr = long_key;
        in.secret_key.len = sizeof long_key;
        CHECK_EQ_INT(lkd_sign_signing_key(in.secret_key, date, sp("lke"), b), LKD_OK);
        CHECK(memcmp(a, b, 32) != 0);
    }
}

static void base_request(lkd_request_t *r)
{
    memset(r, 0, sizeof *r);
    r->host = sp("lke.tencentcloudapi.com");
    r->service = sp("lke");
    r->action = sp("GetReconstructDocumentResult");
    r->version = sp("2023-11-30");
    r->region = sp("ap-guangzhou");
    r->secret_id = sp("AKID");
    r->secret_key = sp("key");
    r->timestamp = 1795500000;
    r->body = "{}";
    r->body_len = 2;
}

static void test_request_arguments(void)
{
    lkd_request_t r;
    char out[2048];
    size_t len;
    int i;
    char long_id[200];
    memset(long_id, 'A', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    /* The kind of each refusal (cases 15..19 are not refusals). */
    static const lkd_status_t kinds[22] = {
        LKD_ERR_ARG_NULL,   LKD_ERR_ARG_CONFLICT, LKD_ERR_ARG_FORMAT,   LKD_ERR_ARG_FORMAT, LKD_ERR_ARG_NULL,
        LKD_ERR_ARG_EMPTY,  LKD_ERR_ARG_FORMAT,   LKD_ERR_ARG_FORMAT,   LKD_ERR_ARG_TOO_LONG, LKD_ERR_ARG_FORMAT,
        LKD_ERR_ARG_NULL,   LKD_ERR_ARG_EMPTY,    LKD_ERR_ARG_RANGE,    LKD_ERR_ARG_TOO_LONG, LKD_ERR_ARG_RANGE,
        LKD_OK,             LKD_OK,               LKD_OK,               LKD_OK,             LKD_OK,
        LKD_ERR_ARG_NULL,   LKD_ERR_ARG_NULL};
    for (i = 0; i < 22; i++) {
        lkd_status_t want = kinds[i];
        base_request(&r);
        switch (i) {
        case 0: r.body = NULL; break;
        case 1: r.unsigned_payload = 1; break;          /* only for a streamed body */
        case 2: r.host = sp("lke_x.com"); break;
        case 3: r.service = sp("lk e"); break;
        case 4: r.action.ptr = NULL; break;           /* a length without bytes */
        case 5: r.version = sp(""); break;
        case 6: r.region = sp("ap/gz"); break;
        case 7: r.language = sp("en US"); break;
        case 8: r.secret_id = sp(long_id); break;
        case 9: r.token = sp("a b"); break;
        case 10: r.secret_key.ptr = NULL; break;
        case 11: r.secret_key.len = 0; break;
        case 12: r.timestamp = -5; break;
        case 13: r.service = sp("lkeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"); break;
        case 14: r.timestamp = 253402300800; break;    /* refused by the signer */
        case 15: r.region = sp("ap_x-1.a"); want = LKD_OK; break;
        case 16: r.language = sp("zh-CN"); r.token = sp("tok~!"); want = LKD_OK; break;
        case 17: r.body = NULL; r.body_len = 0; want = LKD_OK; break;
        case 18: r.streamed = 1; r.unsigned_payload = 1; r.content_length = 10; want = LKD_OK; break;
        case 19: want = LKD_ERR_BUFFER_TOO_SMALL; break;
        case 20: r.secret_id.ptr = NULL; break;
        default: r.host.ptr = NULL; break;
        }
        CHECK_EQ_INT(lkd_request_write(&r, out, i == 19 ? 100 : sizeof out, &len), want);
    }
    base_request(&r);
    CHECK_EQ_INT(lkd_request_write(NULL, out, sizeof out, &len), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_request_write(&r, NULL, sizeof out, &len), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, NULL), LKD_ERR_ARG_NULL);
    /* The GET of a download. */
    CHECK_EQ_INT(lkd_request_write_get(sp("dl.test"), 443, sp("/a"), 0, sp(""), out, sizeof out, &len), LKD_OK);
    CHECK_EQ_INT(lkd_request_write_get(sp("dl.test"), 8443, sp("/a"), 5, sp(""), out, sizeof out, &len), LKD_OK);
    out[len] = '\0';
    CHECK(strstr(out, "Host: dl.test:8443\r\nRange: bytes=5-\r\nAccept-Encoding: identity\r\n") != NULL);
    /* If-Match goes with a Range only, and is a header value like the others. */
    CHECK_EQ_INT(lkd_request_write_get(sp("dl.test"), 443, sp("/a"), 7, sp("\"ab-2\""), out, sizeof out, &len), LKD_OK);
    out[len] = '\0';
    CHECK(strstr(out, "Range: bytes=7-\r\nIf-Match: \"ab-2\"\r\nAccept-Encoding: identity\r\n") != NULL);
    CHECK_EQ_INT(lkd_request_write_get(sp("dl.test"), 443, sp("/a"), 0, sp("\"ab\""), out, sizeof out, &len), LKD_OK);
    out[len] = '\0';
    CHECK(strstr(out, "If-Match") == NULL && strstr(out, "Range") == NULL);
    CHECK_EQ_INT(lkd_request_write_get(sp("dl.test"), 443, sp("/a"), 7, sp("\"a\r\nX: y\""), out, sizeof out, &len),
                 LKD_ERR_ARG_FORMAT);
    CHECK_EQ_INT(lkd_request_write_get(sp("dl.test"), 443, sp("/a"), 0, sp(""), NULL, sizeof out, &len), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_request_write_get(sp("dl.test"), 443, sp("/a"), 0, sp(""), out, sizeof out, NULL), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_request_write_get(sp("dl test"), 443, sp("/a"), 0, sp(""), out, sizeof out, &len), LKD_ERR_ARG_FORMAT);
    CHECK_EQ_INT(lkd_request_write_get(sp("dl.test"), 0, sp("/a"), 0, sp(""), out, sizeof out, &len), LKD_ERR_ARG_RANGE);
    CHECK_EQ_INT(lkd_request_write_get(sp("dl.test"), 443, sp(NULL), 0, sp(""), out, sizeof out, &len), LKD_ERR_ARG_EMPTY);
    CHECK_EQ_INT(lkd_request_write_get(sp("dl.test"), 443, sp(""), 0, sp(""), out, sizeof out, &len), LKD_ERR_ARG_EMPTY);
    CHECK_EQ_INT(lkd_request_write_get(sp("dl.test"), 443, sp("a"), 0, sp(""), out, sizeof out, &len), LKD_ERR_ARG_FORMAT);
    CHECK_EQ_INT(lkd_request_write_get(sp("dl.test"), 443, sp("/a b"), 0, sp(""), out, sizeof out, &len), LKD_ERR_ARG_FORMAT);
    CHECK_EQ_INT(lkd_request_write_get(sp("dl.test"), 443, sp("/a"), 0, sp(""), out, 20, &len), LKD_ERR_BUFFER_TOO_SMALL);
}

static void test_status_time_url(void)
{
    int64_t t;
    lkd_url_t u;
    CHECK(strcmp(lkd_strerror((lkd_status_t)-1), "unknown status") == 0);
    CHECK(strcmp(lkd_api_class_name(LKD_API_CLASS_CLOCK), "clock") == 0);
    CHECK(strcmp(lkd_api_class_name(LKD_API_CLASS_AUTH), "auth") == 0);
    CHECK(strcmp(lkd_api_class_name(LKD_API_CLASS_QUOTA), "quota") == 0);
    CHECK(strcmp(lkd_api_class_name(LKD_API_CLASS_PARAMETER), "parameter") == 0);
    CHECK(strcmp(lkd_api_class_name(LKD_API_CLASS_BILLING), "billing") == 0);
    CHECK(strcmp(lkd_api_class_name(LKD_API_CLASS_SERVER), "server") == 0);
    CHECK(strcmp(lkd_api_class_name(LKD_API_CLASS_UNKNOWN), "unknown") == 0);
    /* Each fixed separator of an IMF-fixdate on its own. */
    {
        static const char good[] = "Sun, 06 Nov 1994 08:49:37 GMT";
        static const int at[] = {3, 4, 7, 11, 16, 19, 22, 25, 26, 27, 28};
        size_t i;
        char d[sizeof good];
        CHECK_EQ_INT(lkd_time_parse_http_date(good, 29, &t), LKD_OK);
        for (i = 0; i < sizeof at / sizeof at[0]; i++) {
            memcpy(d, good, sizeof good);
            d[at[i]] = 'X';
            CHECK_EQ_INT(lkd_time_parse_http_date(d, 29, &t), LKD_ERR_MALFORMED);
        }
        CHECK_EQ_INT(lkd_time_parse_http_date("Sun, 06 Nov 1994 24:49:37 GMT", 29, &t), LKD_ERR_MALFORMED);
        CHECK_EQ_INT(lkd_time_parse_http_date("Sun, 06 Nov 1994 08:60:37 GMT", 29, &t), LKD_ERR_MALFORMED);
        CHECK_EQ_INT(lkd_time_parse_http_date("Sun, 06 Nov 1994 08:49:61 GMT", 29, &t), LKD_ERR_MALFORMED);
        CHECK_EQ_INT(lkd_time_parse_http_date("Sun, 00 Nov 1994 08:49:37 GMT", 29, &t), LKD_ERR_MALFORMED);
    }
    CHECK_EQ_INT(lkd_url_parse(NULL, 10, &u), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_url_parse("https://a/", 10, NULL), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_url_parse("https://a:1234567/", 18, &u), LKD_ERR_ARG_RANGE);
    CHECK_EQ_INT(lkd_url_parse("https://a_b/", 12, &u), LKD_ERR_ARG_FORMAT);
    CHECK_EQ_INT(lkd_url_parse("https://Z9-.x/", 14, &u), LKD_OK);
}

int main(void)
{
    test_sign_arguments();
    test_request_arguments();
    test_status_time_url();
    return unit_report("edges");
}
