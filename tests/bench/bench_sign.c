/* SPDX-License-Identifier: MIT */
/*
 * bench_sign.c - the work of signing one GetReconstructDocumentResult request,
 * to be counted by valgrind's callgrind (tests/bench/bench.py runs it with
 * LD_BIND_NOW=1 so that no lazy symbol binding lands in the counted code).
 *
 *     bench_sign sign    K TASK_ID   K x bench_sign_once(): the body's SHA-256 and
 *                                    lkd_sign_tc3, exactly what lkd_request_write
 *                                    does to sign (count with --toggle-collect=bench_sign_once)
 *     bench_sign request K TASK_ID   K x bench_request_once(): the whole lkd_request_write
 *                                    (headers, body hash, signature)
 *     bench_sign floor   K TASK_ID   K x bench_floor_once(): mbedtls_internal_sha256_process
 *                                    on exactly as many 64-byte blocks as TC3 needs for the
 *                                    same request (count with
 *                                    --toggle-collect=mbedtls_internal_sha256_process)
 *
 * Every mode first prints the block accounting as one JSON object:
 *     {"body_len":..,"canonical_len":..,"string_to_sign_len":..,"blocks":{...},"total_blocks":N}
 *
 * The block count is computed from the message lengths, SHA-256 padding
 * included (a message of n bytes takes ceil((n + 9) / 64) compressions):
 *   payload hash        SHA-256(body)
 *   canonical request   SHA-256(CanonicalRequest)
 *   4 HMACs             kDate = HMAC("TC3" + SecretKey, date), kService = HMAC(kDate, service),
 *                       kSigning = HMAC(kService, "tc3_request"),
 *                       Signature = HMAC(kSigning, StringToSign); each HMAC is
 *                       SHA-256(K^ipad || msg) then SHA-256(K^opad || inner digest),
 *                       and a key over 64 bytes is hashed first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/sha256.h>

#include "lkd_mbedtls.h"
#include "lkd_request.h"
#include "lkd_sign.h"
#include "lkd_text.h"

#define BENCH_HOST "lke.intl.tencentcloudapi.com"
#define BENCH_ID "AKIDLKEDOCMOCK0000000000000000000000"
#define BENCH_KEY "lkedoc-mock-secret-key-0000000000"
#define BENCH_TIMESTAMP 1767225600 /* 2026-01-01T00:00:00Z */

static char body[512];
static size_t body_len;
static volatile unsigned sink_byte;

static lkd_span_t span(const char *s)
{
    lkd_span_t v;
    v.ptr = s;
    v.len = strlen(s);
    return v;
}

static void sig_input(lkd_sign_input_t *in)
{
    memset(in, 0, sizeof *in);
    in->secret_id = span(BENCH_ID);
    in->secret_key = span(BENCH_KEY);
    in->service = span("lke");
    in->host = span(BENCH_HOST);
    in->content_type = span(LKD_REQUEST_CONTENT_TYPE);
    in->timestamp = BENCH_TIMESTAMP;
}

/* What lkd_request_write does to sign a request with a body in hand. */
__attribute__((noinline)) void bench_sign_once(void)
{
    lkd_sign_input_t in;
    char auth[512];
    size_t len;
    sig_input(&in);
    (void)lkd_sign_sha256(body, body_len, in.payload_sha256);
    if (lkd_sign_tc3(&in, auth, sizeof auth, &len, NULL) != LKD_OK) {
        fprintf(stderr, "lkd_sign_tc3 failed\n");
        exit(1);
    }
    sink_byte ^= (unsigned char)auth[len - 1];
}

__attribute__((noinline)) void bench_request_once(void)
{
    lkd_request_t req;
    char out[2048];
    size_t len;
    memset(&req, 0, sizeof req);
    req.host = span(BENCH_HOST);
    req.service = span("lke");
    req.action = span("GetReconstructDocumentResult");
    req.version = span("2023-11-30");
    req.region = span("ap-guangzhou");
    req.secret_id = span(BENCH_ID);
    req.secret_key = span(BENCH_KEY);
    req.timestamp = BENCH_TIMESTAMP;
    req.body = body;
    req.body_len = body_len;
    if (lkd_request_write(&req, out, sizeof out, &len) != LKD_OK) {
        fprintf(stderr, "lkd_request_write failed\n");
        exit(1);
    }
    sink_byte ^= (unsigned char)out[len - 1];
}

static unsigned long sha_blocks(size_t n)
{
    return (unsigned long)((n + 9 + 63) / 64);
}

static unsigned long hmac_blocks(size_t key_len, size_t msg_len)
{
    unsigned long key = key_len > 64 ? sha_blocks(key_len) : 0;
    return key + sha_blocks(64 + msg_len) + sha_blocks(64 + 32);
}

static unsigned long floor_blocks;

__attribute__((noinline)) void bench_floor_once(void)
{
    mbedtls_sha256_context ctx;
    unsigned char block[64];
    unsigned long i;
    memset(block, 0x5a, sizeof block);
    mbedtls_sha256_init(&ctx);
#if LKD_MBEDTLS3
    (void)mbedtls_sha256_starts(&ctx, 0); /* 3.x dropped the _ret names */
#else
    (void)mbedtls_sha256_starts_ret(&ctx, 0);
#endif
    for (i = 0; i < floor_blocks; i++) {
        (void)mbedtls_internal_sha256_process(&ctx, block);
    }
#if LKD_MBEDTLS3
    sink_byte ^= (unsigned)(ctx.MBEDTLS_PRIVATE(state)[0] & 0xffu); /* a benchmark may look inside */
#else
    sink_byte ^= (unsigned)(ctx.state[0] & 0xffu);
#endif
    mbedtls_sha256_free(&ctx);
}

int main(int argc, char **argv)
{
    lkd_sign_input_t in;
    char canonical[1024];
    char ts_buf[LKD_TEXT_DEC_SIZE];
    size_t canonical_len, sts_len, service_len = 3;
    unsigned long b_payload, b_canonical, b_date, b_service, b_request, b_signature;
    long k, i;
    void (*fn)(void);

    if (argc != 4) {
        fprintf(stderr, "usage: bench_sign sign|request|floor K TASK_ID\n");
        return 2;
    }
    k = strtol(argv[2], NULL, 10);
    if (k <= 0 || strlen(argv[3]) > 200) {
        return 2;
    }
    /* The body lkd_get_result sends (core/src/lkd_call.c): {"TaskId":"..."}. */
    body_len = (size_t)snprintf(body, sizeof body, "{\"TaskId\":\"%s\"}", argv[3]);

    /* The canonical request's length does not depend on the payload hash's
     * value (64 hex digits), so none is computed here: outside the counted
     * functions, this program compresses no SHA-256 block at all. */
    sig_input(&in);
    if (lkd_sign_canonical_request(&in, canonical, sizeof canonical, &canonical_len) != LKD_OK) {
        return 1;
    }
    /* StringToSign = "TC3-HMAC-SHA256\n" ts "\n" date "/" service "/tc3_request\n" hex(hash) */
    sts_len = 16 + strlen(lkd_text_format_dec(BENCH_TIMESTAMP, ts_buf)) + 1 + 10 + 1 + service_len + 13 + 64;
    b_payload = sha_blocks(body_len);
    b_canonical = sha_blocks(canonical_len);
    b_date = hmac_blocks(3 + strlen(BENCH_KEY), 10);
    b_service = hmac_blocks(32, service_len);
    b_request = hmac_blocks(32, 11);
    b_signature = hmac_blocks(32, sts_len);
    floor_blocks = b_payload + b_canonical + b_date + b_service + b_request + b_signature;
    printf("{\"body_len\":%lu,\"canonical_len\":%lu,\"string_to_sign_len\":%lu,\"blocks\":{\"payload\":%lu,"
           "\"canonical_request\":%lu,\"hmac_date\":%lu,\"hmac_service\":%lu,\"hmac_tc3_request\":%lu,"
           "\"hmac_signature\":%lu},\"total_blocks\":%lu,\"k\":%ld}\n",
           (unsigned long)body_len, (unsigned long)canonical_len, (unsigned long)sts_len, b_payload, b_canonical,
           b_date, b_service, b_request, b_signature, floor_blocks, k);
    fflush(stdout);

    if (strcmp(argv[1], "sign") == 0) {
        fn = bench_sign_once;
    } else if (strcmp(argv[1], "request") == 0) {
        fn = bench_request_once;
    } else if (strcmp(argv[1], "floor") == 0) {
        fn = bench_floor_once;
    } else {
        fprintf(stderr, "unknown mode %s\n", argv[1]);
        return 2;
    }
    for (i = 0; i < k; i++) {
        fn();
    }
    return 0;
}
