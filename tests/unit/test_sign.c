/* SPDX-License-Identifier: MIT */
/* TC3-HMAC-SHA256 against the examples of Tencent Cloud's signature v3
 * documentation (CVM DescribeInstances, with and without x-tc-action signed). */
#include "lkd_sign.h"
#include "lkd_time.h"
#include "tc3_example.h"
#include "unit.h"

static void base_input(lkd_sign_input_t *in)
{
    memset(in, 0, sizeof *in);
    in->service = span("cvm");
    in->host = span("cvm.tencentcloudapi.com");
    in->content_type = span("application/json; charset=utf-8");
    in->timestamp = 1551113065;
    lkd_sign_sha256(body, strlen(body), in->payload_sha256);
}

static void test_payload_hash(void)
{
    uint8_t d[32];
    char h[65];
    CHECK_EQ_INT(strlen(body), 86);
    CHECK_EQ_INT(lkd_sign_sha256(body, strlen(body), d), LKD_OK);
    hex(d, 32, h);
    CHECK_SPAN(h, 64, "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
    CHECK_EQ_INT(lkd_sign_sha256(NULL, 1, d), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_sign_sha256("", 0, d), LKD_OK);
    hex(d, 32, h);
    CHECK_SPAN(h, 64, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_vector_a(void)
{
    lkd_sign_input_t in;
    char canon[512], auth[256], sig[65], date[11];
    size_t len = 0;
    uint8_t key[32];
    char keyhex[65];
    base_input(&in);
    in.secret_id = span("AKID********************************");
    in.secret_key = span("********************************");
    in.action = span("DescribeInstances");

    CHECK_EQ_INT(lkd_sign_canonical_request(&in, canon, sizeof canon, &len), LKD_OK);
    CHECK_SPAN(canon, len,
               "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n"
               "x-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n"
               "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
    CHECK_EQ_INT(lkd_sign_canonical_request(&in, canon, len - 1, &len), LKD_ERR_BUFFER_TOO_SMALL);

    CHECK_EQ_INT(lkd_time_format_date(in.timestamp, date), LKD_OK);
    CHECK_EQ_INT(lkd_sign_signing_key(in.secret_key, date, in.service, key), LKD_OK);
    hex(key, 32, keyhex);
    CHECK_SPAN(keyhex, 64, "b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af");

    CHECK_EQ_INT(lkd_sign_tc3(&in, auth, sizeof auth, &len, sig), LKD_OK);
    CHECK_SPAN(sig, strlen(sig), "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f");
    CHECK_SPAN(auth, len,
               "TC3-HMAC-SHA256 Credential=AKID********************************/2019-02-25/cvm/tc3_request, "
               "SignedHeaders=content-type;host;x-tc-action, "
               "Signature=10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f");
}

static void test_vector_c(void)
{
    lkd_sign_input_t in;
    char canon[512], auth[256], sig[65];
    size_t len = 0;
    uint8_t d[32];
    char h[65];
    base_input(&in);
    in.secret_id = span("AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******");
    in.secret_key = span("Gu5t9xGARNpq86cd98joQYCN3*******");

    CHECK_EQ_INT(lkd_sign_canonical_request(&in, canon, sizeof canon, &len), LKD_OK);
    CHECK_SPAN(canon, len,
               "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\n"
               "content-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
    lkd_sign_sha256(canon, len, d);
    hex(d, 32, h);
    CHECK_SPAN(h, 64, "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031");

    CHECK_EQ_INT(lkd_sign_tc3(&in, auth, sizeof auth, &len, sig), LKD_OK);
    CHECK_SPAN(auth, len,
               "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, "
               "SignedHeaders=content-type;host, "
               "Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c");
    CHECK_EQ_INT(auth[len], '\0');

    /* Exactly enough room (with the NUL) works; one byte less is an error. */
    CHECK_EQ_INT(lkd_sign_tc3(&in, auth, len + 1, &len, NULL), LKD_OK);
    CHECK_EQ_INT(lkd_sign_tc3(&in, auth, len, &len, NULL), LKD_ERR_BUFFER_TOO_SMALL);

    /* Upper-case host and content type are signed lower-cased. */
    in.host = span("CVM.TencentCloudAPI.com");
    in.content_type = span("Application/JSON; charset=UTF-8");
    CHECK_EQ_INT(lkd_sign_tc3(&in, auth, sizeof auth, &len, sig), LKD_OK);
    CHECK_SPAN(sig, 64, "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c");
}

/* Keys are binary: a secret with a zero byte inside and a secret longer than
 * the HMAC block must sign differently from their look-alikes. */
static void test_binary_and_long_keys(void)
{
    lkd_sign_input_t in;
    char a[256], b[256];
    size_t la, lb;
    static const char zero_key[] = {'a', 'b', '\0', 'c'};
    char long_key[100];
    base_input(&in);
    in.secret_id = span("AKIDx");
    in.secret_key.ptr = zero_key;
    in.secret_key.len = 4;
    CHECK_EQ_INT(lkd_sign_tc3(&in, a, sizeof a, &la, NULL), LKD_OK);
    in.secret_key.len = 2;
    CHECK_EQ_INT(lkd_sign_tc3(&in, b, sizeof b, &lb, NULL), LKD_OK);
    CHECK(la == lb && memcmp(a, b, la) != 0);

    memset(long_key, 'k', sizeof long_key);
    in.secret_key.ptr = long_key;
    in.secret_key.len = sizeof long_key;
    CHECK_EQ_INT(lkd_sign_tc3(&in, a, sizeof a, &la, NULL), LKD_OK);
    long_key[99] = 'j';
    CHECK_EQ_INT(lkd_sign_tc3(&in, b, sizeof b, &lb, NULL), LKD_OK);
    CHECK(memcmp(a, b, la) != 0);
}

static void test_bad_arguments(void)
{
    lkd_sign_input_t in;
    char out[256];
    size_t len;
    base_input(&in);
    in.secret_id = span("AKIDx");
    CHECK_EQ_INT(lkd_sign_tc3(&in, out, sizeof out, &len, NULL), LKD_ERR_ARG_EMPTY); /* no key */
    in.secret_key = span("k");
    in.timestamp = -1;
    CHECK_EQ_INT(lkd_sign_tc3(&in, out, sizeof out, &len, NULL), LKD_ERR_ARG_RANGE);
    in.timestamp = 253402300800LL; /* year 10000 */
    CHECK_EQ_INT(lkd_sign_tc3(&in, out, sizeof out, &len, NULL), LKD_ERR_ARG_RANGE);
    in.timestamp = 1;
    in.host.len = 0;
    CHECK_EQ_INT(lkd_sign_tc3(&in, out, sizeof out, &len, NULL), LKD_ERR_ARG_EMPTY);
    CHECK_EQ_INT(lkd_sign_tc3(NULL, out, sizeof out, &len, NULL), LKD_ERR_ARG_NULL);
}

int main(void)
{
    test_payload_hash();
    test_vector_a();
    test_vector_c();
    test_binary_and_long_keys();
    test_bad_arguments();
    return unit_report("sign");
}
