/* SPDX-License-Identifier: MIT */
/* The signed request writer: exact bytes, header validation, bounds. */
#include "lkd_request.h"
#include "lkd_sign.h"
#include "lkd_version.h"
#include "unit.h"

static lkd_span_t span(const char *s)
{
    lkd_span_t v;
    v.ptr = s;
    v.len = s ? strlen(s) : 0;
    return v;
}

static const char body[] = "{\"TaskId\":\"abc\"}";

static void base(lkd_request_t *r)
{
    memset(r, 0, sizeof *r);
    r->host = span("lke.intl.tencentcloudapi.com");
    r->service = span("lke");
    r->action = span("GetReconstructDocumentResult");
    r->version = span("2023-11-30");
    r->region = span("ap-guangzhou");
    r->secret_id = span("AKIDEXAMPLE");
    r->secret_key = span("secretexample");
    r->timestamp = 1715503711;
    r->body = body;
    r->body_len = strlen(body);
}

static void test_exact_request(void)
{
    lkd_request_t r;
    lkd_sign_input_t in;
    char out[1024], auth[300], expected[1200];
    size_t len = 0, auth_len = 0;
    base(&r);
    CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_OK);

    /* The signature must be the one lkd_sign_tc3 gives for the same inputs. */
    memset(&in, 0, sizeof in);
    in.secret_id = r.secret_id;
    in.secret_key = r.secret_key;
    in.service = r.service;
    in.host = r.host;
    in.content_type = span("application/json");
    in.timestamp = r.timestamp;
    lkd_sign_sha256(body, strlen(body), in.payload_sha256);
    CHECK_EQ_INT(lkd_sign_tc3(&in, auth, sizeof auth, &auth_len, NULL), LKD_OK);
    CHECK(strstr(auth, "Credential=AKIDEXAMPLE/2024-05-12/lke/tc3_request, SignedHeaders=content-type;host, ") != NULL);

    snprintf(expected, sizeof expected,
             "POST / HTTP/1.1\r\n"
             "Host: lke.intl.tencentcloudapi.com\r\n"
             "Content-Type: application/json\r\n"
             "X-TC-Action: GetReconstructDocumentResult\r\n"
             "X-TC-Version: 2023-11-30\r\n"
             "X-TC-Region: ap-guangzhou\r\n"
             "X-TC-Timestamp: 1715503711\r\n"
             "Authorization: %s\r\n"
             "User-Agent: lkedoc/" LKD_VERSION_STRING "\r\n"
             "X-TC-RequestClient: lkedoc/" LKD_VERSION_STRING "\r\n"
             "Content-Length: 16\r\n"
             "\r\n"
             "{\"TaskId\":\"abc\"}",
             auth);
    CHECK_SPAN(out, len, expected);

    /* Exactly enough room works, one byte less fails and leaves nothing. */
    CHECK_EQ_INT(lkd_request_write(&r, out, len, &len), LKD_OK);
    memset(out, 'x', sizeof out);
    CHECK_EQ_INT(lkd_request_write(&r, out, len - 1, &len), LKD_ERR_BUFFER_TOO_SMALL);
    CHECK(out[0] == 0 && out[len - 2] == 0);

    /* Every shorter buffer, including those that end inside the signed
     * Authorization value, fails the same way and keeps no byte of it. */
    {
        size_t full = len, cap, i, dirty = 0, wrong = 0;
        for (cap = 0; cap < full; cap++) {
            size_t got = 0;
            memset(out, 'x', sizeof out);
            if (lkd_request_write(&r, out, cap, &got) != LKD_ERR_BUFFER_TOO_SMALL) {
                wrong++;
            }
            for (i = 0; i < cap; i++) {
                dirty += out[i] != 0;
            }
        }
        CHECK(wrong == 0);
        CHECK(dirty == 0);
    }
}

static void test_optional_headers(void)
{
    lkd_request_t r;
    char out[2048];
    size_t len = 0;
    base(&r);
    r.language = span("zh-CN");
    r.token = span("tok/en+with=symbols");
    CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_OK);
    out[len] = '\0';
    CHECK(strstr(out, "\r\nX-TC-Language: zh-CN\r\n") != NULL);
    CHECK(strstr(out, "\r\nX-TC-Token: tok/en+with=symbols\r\n") != NULL);
    /* An empty body is legal and hashed as such. */
    r.body = NULL;
    r.body_len = 0;
    CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_OK);
    CHECK(len > 4 && memcmp(out + len - 4, "\r\n\r\n", 4) == 0);
}

/* A value that could end a header line or smuggle another is refused in every
 * field that becomes a header. */
static void test_injection_refused(void)
{
    static const char *bad[] = {"a\r\nX-Evil: 1", "a\nb", "a\rb", "a b", "a\tb", "a\x7f", "\xc3\xa9"};
    size_t i;
    char out[2048];
    size_t len;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lkd_request_t r;
        base(&r); r.host = span(bad[i]);
        CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_ERR_ARG_FORMAT);
        base(&r); r.action = span(bad[i]);
        CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_ERR_ARG_FORMAT);
        base(&r); r.version = span(bad[i]);
        CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_ERR_ARG_FORMAT);
        base(&r); r.region = span(bad[i]);
        CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_ERR_ARG_FORMAT);
        base(&r); r.language = span(bad[i]);
        CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_ERR_ARG_FORMAT);
        base(&r); r.secret_id = span(bad[i]);
        CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_ERR_ARG_FORMAT);
        base(&r); r.token = span(bad[i]);
        CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_ERR_ARG_FORMAT);
    }
    {
        lkd_request_t r;
        char long_id[200];
        base(&r); r.host = span("");
        CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_ERR_ARG_EMPTY);
        base(&r); r.secret_key = span("");
        CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_ERR_ARG_EMPTY);
        base(&r); r.timestamp = -5;
        CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_ERR_ARG_RANGE);
        base(&r); r.body = NULL;
        CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_ERR_ARG_NULL);
        memset(long_id, 'A', sizeof long_id - 1);
        long_id[sizeof long_id - 1] = '\0';
        base(&r); r.secret_id = span(long_id);
        CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_ERR_ARG_TOO_LONG);
        CHECK_EQ_INT(lkd_request_write(NULL, out, sizeof out, &len), LKD_ERR_ARG_NULL);
    }
}

/* The longest headers the client writes: every setting lkd_client_init
 * bounds at its limit (host 253, service 32, SecretId 128 bytes), the longest
 * action, a region and version as long as the service's, a language, the
 * UNSIGNED-PAYLOAD header of a streamed upload (only the headers are in the
 * buffer then) and a 1000-byte session token, as long as temporary
 * credentials' tokens run: all of it fits the client's request buffer. */
static void test_longest_request_fits(void)
{
    static char host[254], service[33], id[129], token[1001], out[LKD_REQUEST_BUFFER_SIZE];
    lkd_request_t r;
    size_t len = 0, i;
    for (i = 0; i < 253; i++) {
        host[i] = i % 64 == 63 ? '.' : 'h';
    }
    memset(service, 's', 32);
    memset(id, 'A', 128);
    memset(token, 'T', 1000);
    base(&r);
    r.host = span(host);
    r.service = span(service);
    r.secret_id = span(id);
    r.token = span(token);
    r.action = span("CreateReconstructDocumentFlow");
    r.region = span("ap-shenzhen-fsi");
    r.version = span("2024-05-22");
    r.language = span("zh-CN");
    r.streamed = 1;
    r.unsigned_payload = 1;
    r.content_length = 10u * 1024u * 1024u;
    CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_OK);
    /* What the README states: 110 bytes to spare.  A body in the buffer
     * (a Create by FileUrl) has that room and what these limits leave. */
    CHECK_EQ_INT(sizeof out - len, 110);
    /* As the client writes it: the token's value left for the caller to
     * send at token_at, between its header's name and line end. */
    {
        size_t at = 0;
        r.token_at = &at;
        CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_OK);
        CHECK_EQ_INT(sizeof out - len, 1110);
        CHECK(at > 13 && memcmp(out + at - 13, "\nX-TC-Token: \r\nX-TC-Content-SHA256:", 35) == 0);
    }
}

/* One Host rule for every host: an IPv6 literal bracketed, the port when it
 * is not 443; a host that carries brackets or a port itself is refused. */
static void test_host_authority(void)
{
    static const struct {
        const char *host;
        uint16_t port;
        const char *line;
    } cases[] = {
        {"::1", 8443, "\r\nHost: [::1]:8443\r\n"},
        {"::1", 443, "\r\nHost: [::1]\r\n"},
        {"127.0.0.1", 8443, "\r\nHost: 127.0.0.1:8443\r\n"},
        {"localhost", 8443, "\r\nHost: localhost:8443\r\n"},
        {"localhost", 443, "\r\nHost: localhost\r\n"},
    };
    static const char *bad[] = {"[::1]", "[::1]:8443", "localhost:8443", "::ffff:127.0.0.1", "fe80::1%eth0"};
    char out[2048];
    size_t len, i;
    lkd_request_t r;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        base(&r);
        r.host = span(cases[i].host);
        r.port = cases[i].port;
        CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out - 1, &len), LKD_OK);
        out[len] = '\0';
        CHECK(strstr(out, cases[i].line) != NULL);
        CHECK_EQ_INT(lkd_request_write_get(span(cases[i].host), cases[i].port, span("/a"), 0, span(""), out,
                                           sizeof out - 1, &len), LKD_OK);
        out[len] = '\0';
        CHECK(strstr(out, cases[i].line) != NULL);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        base(&r);
        r.host = span(bad[i]);
        CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_ERR_ARG_FORMAT);
    }
}

int main(void)
{
    test_host_authority();
    test_longest_request_fits();
    test_exact_request();
    test_optional_headers();
    test_injection_refused();
    return unit_report("request");
}
