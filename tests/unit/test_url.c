/* Presigned-URL parsing and base64 encoding. */
#include "lkd_base64.h"
#include "lkd_url.h"
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
        if (parse(bad[i], &u) != LKD_ERR_ARG) {
            fprintf(stderr, "accepted: %s\n", bad[i]);
            unit_failed++;
        } else {
            unit_passed++;
        }
    }
    CHECK_EQ_INT(lkd_url_parse(NULL, 5, &u), LKD_ERR_ARG);
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
    test_base64();
    return unit_report("url");
}
