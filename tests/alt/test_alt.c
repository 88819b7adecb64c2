/* SPDX-License-Identifier: MIT */
/*
 * test_alt.c - the crypto seam with MBEDTLS_SHA256_ALT (tests/alt): the core
 * reaches SHA-256 only through lkd_hash.c, so sha256_alt.c's counters move
 * for every digest the signer and the request make, the TC3 and RFC 4231
 * vectors still come out, and a hardware failure at any step of any digest
 * is LKD_ERR_CRYPTO with no header, key or digest produced.
 */
#include <mbedtls/sha256.h>

#include "lkd_hash.h"
#include "lkd_request.h"
#include "lkd_sign.h"
#include "lkd_time.h"
#include "tc3_example.h"
#include "unit.h"

#if !defined(MBEDTLS_SHA256_ALT) || !LKD_HASH_CAN_FAIL
#error "tests/alt builds with MBEDTLS_SHA256_ALT (alt_user_config.h)"
#endif

static int all_zero(const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (p[i] != 0) {
            return 0;
        }
    }
    return 1;
}

/* Tencent Cloud's signature v3 example (vector A of tests/unit/test_sign.c). */
static void vector_a(lkd_sign_input_t *in)
{
    memset(in, 0, sizeof *in);
    in->service = span("cvm");
    in->host = span("cvm.tencentcloudapi.com");
    in->content_type = span("application/json; charset=utf-8");
    in->timestamp = 1551113065;
    in->secret_id = span("AKID********************************");
    in->secret_key = span("********************************");
    in->action = span("DescribeInstances");
    CHECK_EQ_INT(lkd_sign_sha256(body, strlen(body), in->payload_sha256), LKD_OK);
}

static void test_vectors_through_the_alt(void)
{
    lkd_sign_input_t in;
    char auth[256], sig[65], h[65];
    size_t len = 0;
    uint8_t d[32];
    sha256_alt_counts_t before = sha256_alt_counts;

    CHECK_EQ_INT(lkd_sign_sha256(body, strlen(body), d), LKD_OK);
    hex(d, 32, h);
    CHECK_SPAN(h, 64, "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
    CHECK_EQ_INT(sha256_alt_counts.starts, before.starts + 1);
    CHECK_EQ_INT(sha256_alt_counts.finish, before.finish + 1);
    CHECK_EQ_INT(sha256_alt_counts.free, before.free + 1);

    before = sha256_alt_counts;
    vector_a(&in);
    CHECK_EQ_INT(lkd_sign_tc3(&in, auth, sizeof auth, &len, sig), LKD_OK);
    CHECK_SPAN(sig, strlen(sig), "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f");
    /* payload, canonical request, 4 HMACs of 2 digests each */
    CHECK_EQ_INT(sha256_alt_counts.starts - before.starts, 1 + 1 + 8);
    CHECK_EQ_INT(sha256_alt_counts.finish - before.finish, 1 + 1 + 8);
    CHECK_EQ_INT(sha256_alt_counts.free - before.free, sha256_alt_counts.starts - before.starts);
    CHECK(sha256_alt_counts.update > before.update);
    CHECK_EQ_INT(sha256_alt_counts.bad_context, 0);
}

/* RFC 4231 cases 2 (short key) and 6 (a key longer than the block, hashed
 * first: the outer context's extra digest). */
static void test_hmac_rfc4231(void)
{
    lkd_hash_hmac_t m;
    uint8_t key[131], mac[32];
    char h[65];
    const char *msg6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    unsigned long starts = sha256_alt_counts.starts;

    lkd_hash_hmac_start(&m, NULL, 0, (const uint8_t *)"Jefe", 4);
    lkd_hash_hmac_put(&m, "what do ya want for nothing?", 28);
    CHECK_EQ_INT(lkd_hash_hmac_finish(&m, mac), LKD_OK);
    hex(mac, 32, h);
    CHECK_SPAN(h, 64, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK_EQ_INT(sha256_alt_counts.starts - starts, 2);

    memset(key, 0xaa, sizeof key);
    starts = sha256_alt_counts.starts;
    lkd_hash_hmac_start(&m, "\xaa\xaa\xaa", 3, key, sizeof key - 3);
    lkd_hash_hmac_put(&m, msg6, strlen(msg6));
    CHECK_EQ_INT(lkd_hash_hmac_finish(&m, mac), LKD_OK);
    hex(mac, 32, h);
    CHECK_SPAN(h, 64, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    CHECK_EQ_INT(sha256_alt_counts.starts - starts, 3);
    CHECK(all_zero((const uint8_t *)&m, sizeof m)); /* wiped */

    /* a failure while hashing the long key is reported by the finish */
    sha256_alt_fail_at = sha256_alt_counts.calls + 2; /* the key's first update */
    lkd_hash_hmac_start(&m, "\xaa\xaa\xaa", 3, key, sizeof key - 3);
    lkd_hash_hmac_put(&m, msg6, strlen(msg6));
    CHECK_EQ_INT(lkd_hash_hmac_finish(&m, mac), LKD_ERR_CRYPTO);
    CHECK(all_zero(mac, sizeof mac));
    sha256_alt_fail_at = 0;
}

/* Every call the ALT sees during one signature fails once, in turn: each is
 * LKD_ERR_CRYPTO with out "" and no signature; the next signature is whole. */
static void test_every_step_can_fail(void)
{
    lkd_sign_input_t in;
    char auth[256], sig[65];
    size_t len, k, steps;
    unsigned long first;
    uint8_t key[32];
    char date[11];

    vector_a(&in);
    first = sha256_alt_counts.calls;
    CHECK_EQ_INT(lkd_sign_tc3(&in, auth, sizeof auth, &len, sig), LKD_OK);
    steps = (size_t)(sha256_alt_counts.calls - first);
    CHECK(steps > 20);
    for (k = 1; k <= steps; k++) {
        int ok;
        memset(auth, 'x', sizeof auth);
        memset(sig, 'x', sizeof sig);
        len = 12345;
        sha256_alt_fail_at = sha256_alt_counts.calls + k;
        ok = lkd_sign_tc3(&in, auth, sizeof auth, &len, sig) == LKD_ERR_CRYPTO && auth[0] == '\0' && len == 12345 &&
             sig[0] == 'x';
        if (!ok) {
            fprintf(stderr, "step %zu of %zu did not fail the signature\n", k, steps);
        }
        CHECK(ok);
    }
    sha256_alt_fail_at = 0;
    CHECK_EQ_INT(lkd_sign_tc3(&in, auth, sizeof auth, &len, sig), LKD_OK);
    CHECK_SPAN(sig, strlen(sig), "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f");

    CHECK_EQ_INT(lkd_time_format_date(in.timestamp, date), LKD_OK);
    first = sha256_alt_counts.calls;
    CHECK_EQ_INT(lkd_sign_signing_key(in.secret_key, date, in.service, key), LKD_OK);
    steps = (size_t)(sha256_alt_counts.calls - first);
    for (k = 1; k <= steps; k++) {
        sha256_alt_fail_at = sha256_alt_counts.calls + k;
        CHECK_EQ_INT(lkd_sign_signing_key(in.secret_key, date, in.service, key), LKD_ERR_CRYPTO);
        CHECK(all_zero(key, sizeof key));
    }
    sha256_alt_fail_at = sha256_alt_counts.calls + 3; /* the finish of a one-shot digest */
    CHECK_EQ_INT(lkd_sign_sha256("abc", 3, key), LKD_ERR_CRYPTO);
    CHECK(all_zero(key, sizeof key));
    sha256_alt_fail_at = 0;
}

/* The request's own payload digest (the first digest lkd_request_write
 * makes) fails: nothing is written, the error is the crypto one. */
static void test_request_payload_hash_fails(void)
{
    lkd_request_t r;
    char out[1024];
    size_t len = 0;

    memset(&r, 0, sizeof r);
    r.host = span("lke.intl.tencentcloudapi.com");
    r.service = span("lke");
    r.action = span("GetReconstructDocumentResult");
    r.version = span("2023-11-30");
    r.region = span("ap-guangzhou");
    r.secret_id = span("AKIDEXAMPLE");
    r.secret_key = span("secret");
    r.timestamp = 1700000000;
    r.body = "{\"TaskId\":\"t\"}";
    r.body_len = strlen(r.body);
    CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_OK);
    CHECK(strstr(out, "Signature=") != NULL);

    sha256_alt_fail_at = sha256_alt_counts.calls + 2; /* the body's update */
    len = 0;
    CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_ERR_CRYPTO);
    CHECK_EQ_INT(len, 0);
    sha256_alt_fail_at = sha256_alt_counts.calls + 7; /* inside the signature */
    CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_ERR_CRYPTO);
    CHECK(out[0] == '\0');
    sha256_alt_fail_at = 0;
    CHECK_EQ_INT(lkd_request_write(&r, out, sizeof out, &len), LKD_OK);
}

int main(void)
{
    test_vectors_through_the_alt();
    test_hmac_rfc4231();
    test_every_step_can_fail();
    test_request_payload_hash_fails();
    CHECK_EQ_INT(sha256_alt_counts.bad_context, 0);
    return unit_report("alt");
}
