/* SPDX-License-Identifier: MIT */
/* Presigned-URL parsing and base64 encoding. */
#include "lkd_base64.h"
#include "lkd_url.h"
#include "lkd_url_policy.h"
#include "unit.h"

static lkd_status_t parse(const char *s, lkd_url_t *u)
{
    return lkd_url_parse(s, strlen(s), u);
}

static void test_presigned_url(void)
{
    lkd_url_t u;
    const char *url = "https://document-restruction-1258344699.cos.ap-guangzhou.myqcloud.com/a/b%20c.zip"
                      "?q-sign-algorithm=sha1&q-ak=AKID&q-sign-time=1%3B2&q-signature=abc#frag";
    CHECK_EQ_INT(parse(url, &u), LKD_OK);
    CHECK_SPAN(u.host.ptr, u.host.len, "document-restruction-1258344699.cos.ap-guangzhou.myqcloud.com");
    CHECK_EQ_INT(u.port, 443);
    CHECK_EQ_INT(u.port_given, 0);
    CHECK_SPAN(u.path_query.ptr, u.path_query.len,
               "/a/b%20c.zip?q-sign-algorithm=sha1&q-ak=AKID&q-sign-time=1%3B2&q-signature=abc");

    CHECK_EQ_INT(parse("HTTPS://Mock.lkedoc.test:8443/r.zip", &u), LKD_OK);
    CHECK_SPAN(u.host.ptr, u.host.len, "Mock.lkedoc.test");
    CHECK_EQ_INT(u.port, 8443);
    CHECK_EQ_INT(u.port_given, 1);
    CHECK_SPAN(u.path_query.ptr, u.path_query.len, "/r.zip");

    CHECK_EQ_INT(parse("https://host.test", &u), LKD_OK);
    CHECK_SPAN(u.path_query.ptr, u.path_query.len, "/");
    CHECK_EQ_INT(parse("https://host.test:65535/", &u), LKD_OK);
    CHECK_EQ_INT(u.port, 65535);
}

static void test_refused_urls(void)
{
    static const char *bad[] = {
        "http://host.test/a",          /* not https */
        "ftp://host.test/a",
        "https:/host.test/a",
        "https://",                    /* no host */
        "https:///a",
        "https://user@host.test/a",    /* user info */
        "https://[::1]/a",             /* IP literal */
        "https://host.test:0/a",       /* ports */
        "https://host.test:65536/a",
        "https://host.test:/a",
        "https://host.test:12345678/a",
        "https://host.test?x=1",       /* query without path */
        "https://host.test/a b",       /* bytes a request line cannot carry */
        "https://host.test/a\r\nX: y",
        "https://host.test/\xc3\xa9",
        "https://host_test/a",
    };
    size_t i;
    lkd_url_t u;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (!lkd_status_is_arg(parse(bad[i], &u))) {
            fprintf(stderr, "accepted: %s\n", bad[i]);
            unit_failed++;
        } else {
            unit_passed++;
        }
    }
    CHECK_EQ_INT(lkd_url_parse(NULL, 5, &u), LKD_ERR_ARG_NULL);
}

/* The result-host policy: each refusal, named, and the label boundary. */
static const char *policy_check(const char *url, const lkd_url_policy_t *p, lkd_span_t *host)
{
    lkd_url_t u;
    const char *reason = NULL;
    lkd_status_t st = lkd_url_policy_check(url, strlen(url), p, &u, host, &reason);
    if (st == LKD_OK) {
        return "ok";
    }
    return st == LKD_ERR_URL_REFUSED ? reason : "malformed";
}

static void test_result_host_policy(void)
{
    static const char *const extra[] = {".lkedoc.test", "cos.example.net"};
    static const struct {
        const char *url, *expect, *host;
    } v[] = {
        /* The defaults, at 443 only. */
        {"https://b-125.cos.ap-guangzhou.myqcloud.com/r.zip?sig=1", "ok", "b-125.cos.ap-guangzhou.myqcloud.com"},
        {"https://B.COS.AP-GUANGZHOU.MYQCLOUD.COM/r.zip", "ok", "B.COS.AP-GUANGZHOU.MYQCLOUD.COM"},
        {"https://x.tencentcos.cn/r", "ok", "x.tencentcos.cn"},
        {"https://x.tencentcos.com/r", "ok", "x.tencentcos.com"},
        {"https://x.myqcloud.com:443/r", "ok", "x.myqcloud.com"},
        {"https://x.myqcloud.com:8443/r", "port not allowed for this host", "x.myqcloud.com"},
        /* Label boundary: the suffix must be whole labels. */
        {"https://evilmyqcloud.com/r", "host is not an allowed result host", "evilmyqcloud.com"},
        {"https://myqcloud.com/r", "host is not an allowed result host", "myqcloud.com"},
        {"https://x.myqcloud.com.evil.example/r", "host is not an allowed result host",
         "x.myqcloud.com.evil.example"},
        {"https://x.tencentcos.co/r", "host is not an allowed result host", "x.tencentcos.co"},
        /* The application's entries, any port. */
        {"https://mock.lkedoc.test:30443/r", "ok", "mock.lkedoc.test"},
        {"https://cos.example.net:1/r", "ok", "cos.example.net"},
        {"https://a.cos.example.net/r", "host is not an allowed result host", "a.cos.example.net"},
        {"https://lkedoc.test/r", "host is not an allowed result host", "lkedoc.test"},
        {"https://xlkedoc.test/r", "host is not an allowed result host", "xlkedoc.test"},
        /* Schemes. */
        {"http://x.myqcloud.com/r", "scheme is not https", "x.myqcloud.com"},
        {"ftp://x.myqcloud.com/r", "scheme is not https", "x.myqcloud.com"},
        {"file://x.myqcloud.com/etc/passwd", "scheme is not https", "x.myqcloud.com"},
        /* Addresses and names getaddrinfo reads as addresses. */
        {"https://127.0.0.1/r", "numeric host name", "127.0.0.1"},
        {"https://2130706433/r", "numeric host name", "2130706433"},
        {"https://0x7f000001/r", "numeric host name", "0x7f000001"},
        {"https://127.1/r", "numeric host name", "127.1"},
        {"https://10.0.0.1.myqcloud.com/r", "ok", "10.0.0.1.myqcloud.com"},
        {"https://[::1]/r", "IP address literal", "[::1]"},
        {"https://[::ffff:127.0.0.1]:443/r", "IP address literal", "[::ffff:127.0.0.1]"},
        /* Not DNS names. */
        {"https://x..myqcloud.com/r", "not a DNS host name", "x..myqcloud.com"},
        {"https://x.myqcloud.com./r", "not a DNS host name", "x.myqcloud.com."},
        {"https://.myqcloud.com/r", "not a DNS host name", ".myqcloud.com"},
        {"https://-x.myqcloud.com/r", "not a DNS host name", "-x.myqcloud.com"},
        {"https://x-.myqcloud.com/r", "not a DNS host name", "x-.myqcloud.com"},
        {"https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.myqcloud.com/r",
         "not a DNS host name", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.myqcloud.com"},
        /* Malformed: the parser refuses it before any policy. */
        {"https://user@x.myqcloud.com/r", "malformed", "user@x.myqcloud.com"},
        {"https://x.myqcloud.com/a b", "malformed", "x.myqcloud.com"},
        {"nonsense", "malformed", ""},
        /* Exactly as long as "https://" (8 bytes) with a host: url + 9 is
         * past the text, not to be formed (the Frama-C harness url_policy). */
        {"ab://cde", "scheme is not https", "cde"},
        {"h://cdef", "scheme is not https", "cdef"},
    };
    lkd_url_policy_t p = {extra, 2, 0};
    lkd_url_policy_t only = {extra, 2, 1};
    lkd_span_t host;
    size_t i;
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        const char *got = policy_check(v[i].url, &p, &host);
        if (strcmp(got, v[i].expect) != 0 || host.len != strlen(v[i].host) ||
            (host.len > 0 && memcmp(host.ptr, v[i].host, host.len) != 0)) {
            fprintf(stderr, "policy: %s: got '%s' host '%.*s', expected '%s' host '%s'\n", v[i].url, got,
                    (int)host.len, host.ptr == NULL ? "" : host.ptr, v[i].expect, v[i].host);
            unit_failed++;
        } else {
            unit_passed++;
        }
    }
    /* With no application list, only the defaults; replacing drops them. */
    CHECK(strcmp(policy_check("https://x.myqcloud.com/r", NULL, &host), "ok") == 0);
    CHECK(strcmp(policy_check("https://mock.lkedoc.test/r", NULL, &host), "host is not an allowed result host") ==
          0);
    CHECK(strcmp(policy_check("https://x.myqcloud.com/r", &only, &host), "host is not an allowed result host") == 0);
    CHECK(strcmp(policy_check("https://mock.lkedoc.test/r", &only, &host), "ok") == 0);
    /* Entries an application may give. */
    CHECK(lkd_url_policy_entry_ok(".lkedoc.test"));
    CHECK(lkd_url_policy_entry_ok("cos.example.net"));
    CHECK(!lkd_url_policy_entry_ok(NULL));
    CHECK(!lkd_url_policy_entry_ok(""));
    CHECK(!lkd_url_policy_entry_ok("."));
    CHECK(!lkd_url_policy_entry_ok("*.lkedoc.test"));
    CHECK(!lkd_url_policy_entry_ok("host:443"));
}

static void test_base64(void)
{
    static const struct {
        const char *in, *out;
    } v[] = {{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="},
             {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}, {"\xff\xfe\xfd", "//79"}};
    char out[64];
    size_t i;
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        size_t n = strlen(v[i].in);
        CHECK_EQ_INT(lkd_base64_len(n), strlen(v[i].out));
        lkd_base64_encode((const uint8_t *)v[i].in, n, out);
        CHECK_SPAN(out, lkd_base64_len(n), v[i].out);
    }
    CHECK(lkd_base64_len(6000000) == 8000000);
    /* Encoding in pieces of whole groups equals encoding at once. */
    {
        uint8_t data[1000];
        char whole[1400], pieces[1400];
        size_t off = 0, piece = 300;
        for (i = 0; i < sizeof data; i++) {
            data[i] = (uint8_t)(i * 7 + 3);
        }
        lkd_base64_encode(data, sizeof data, whole);
        for (i = 0; off < sizeof data; i++) {
            size_t n = sizeof data - off < piece ? sizeof data - off : piece;
            lkd_base64_encode(data + off, n, pieces + off / 3 * 4);
            off += n;
        }
        CHECK(memcmp(whole, pieces, lkd_base64_len(sizeof data)) == 0);
    }
}

int main(void)
{
    test_presigned_url();
    test_refused_urls();
    test_result_host_policy();
    test_base64();
    return unit_report("url");
}
