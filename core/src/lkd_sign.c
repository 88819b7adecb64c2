/* SPDX-License-Identifier: MIT */
/*
 * lkd_sign.c - TC3-HMAC-SHA256 (see lkd_sign.h).
 */
#include "lkd_sign.h"

#include <string.h>

#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>

#include "lkd_text.h"
#include "lkd_time.h"

/* mbedTLS's software SHA-256 cannot fail: its starts/update/finish return 0
 * for any valid context (the only error path is the block function, and the
 * software one always returns 0).  The code below therefore does not carry
 * error paths that no build could reach.  A hardware implementation can fail:
 * whoever enables one must bring those checks back. */
#if defined(MBEDTLS_SHA256_ALT) || defined(MBEDTLS_SHA256_PROCESS_ALT)
#error "lkd_sign.c and lkd_call.c assume mbedTLS's software SHA-256, which cannot fail"
#endif

#define SHA256_BLOCK 64u

static void to_hex(const uint8_t *in, size_t n, char *out)
{
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = lkd_text_hex_digit(in[i] >> 4);
        out[2 * i + 1] = lkd_text_hex_digit(in[i]);
    }
}

/* ---- SHA-256 and HMAC-SHA256 without allocation ---------------------------- */

typedef struct {
    mbedtls_sha256_context inner;
    mbedtls_sha256_context outer;
} hmac_t;

static void sha_put(mbedtls_sha256_context *ctx, const void *data, size_t len)
{
    (void)mbedtls_sha256_update_ret(ctx, (const unsigned char *)data, len);
}

lkd_status_t lkd_sign_sha256(const void *data, size_t len, uint8_t out[LKD_SIGN_SHA256_LEN])
{
    mbedtls_sha256_context ctx;
    if ((data == NULL && len > 0) || out == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    mbedtls_sha256_init(&ctx);
    (void)mbedtls_sha256_starts_ret(&ctx, 0);
    sha_put(&ctx, data, len);
    (void)mbedtls_sha256_finish_ret(&ctx, out);
    mbedtls_sha256_free(&ctx);
    return LKD_OK;
}

/* Start an HMAC whose key is prefix || key (the "TC3" + SecretKey case needs
 * the concatenation; every other key has an empty prefix).  The key block is
 * turned into the inner pad and then, in place, into the outer pad, and a key
 * longer than a block is hashed in h->outer before that context is started:
 * this sits on the deepest stack path of every call. */
static void hmac_start(hmac_t *h, const char *prefix, size_t prefix_len, const uint8_t *key, size_t key_len)
{
    uint8_t block[SHA256_BLOCK];
    size_t i;

    memset(block, 0, sizeof block);
    mbedtls_sha256_init(&h->inner);
    mbedtls_sha256_init(&h->outer);
    if (prefix_len + key_len > SHA256_BLOCK) {
        /* RFC 2104: a key longer than the block is replaced by its hash. */
        (void)mbedtls_sha256_starts_ret(&h->outer, 0);
        sha_put(&h->outer, prefix, prefix_len);
        sha_put(&h->outer, key, key_len);
        (void)mbedtls_sha256_finish_ret(&h->outer, block);
    } else {
        if (prefix_len > 0) {
            memcpy(block, prefix, prefix_len);
        }
        if (key_len > 0) {
            memcpy(block + prefix_len, key, key_len);
        }
    }
    for (i = 0; i < SHA256_BLOCK; i++) {
        block[i] ^= 0x36u;
    }
    (void)mbedtls_sha256_starts_ret(&h->inner, 0);
    sha_put(&h->inner, block, SHA256_BLOCK);
    for (i = 0; i < SHA256_BLOCK; i++) {
        block[i] ^= 0x36u ^ 0x5cu;
    }
    (void)mbedtls_sha256_starts_ret(&h->outer, 0);
    sha_put(&h->outer, block, SHA256_BLOCK);
    mbedtls_platform_zeroize(block, sizeof block);
}

static void hmac_put(hmac_t *h, const void *data, size_t len)
{
    sha_put(&h->inner, data, len);
}

/* Finish into out (which may be the key the HMAC was started with) and wipe
 * the state. */
static void hmac_finish(hmac_t *h, uint8_t out[LKD_SIGN_SHA256_LEN])
{
    (void)mbedtls_sha256_finish_ret(&h->inner, out);
    sha_put(&h->outer, out, LKD_SIGN_SHA256_LEN);
    (void)mbedtls_sha256_finish_ret(&h->outer, out);
    mbedtls_sha256_free(&h->inner);
    mbedtls_sha256_free(&h->outer);
    mbedtls_platform_zeroize(h, sizeof *h);
}

/* ---- canonical request, produced piece by piece ------------------------------ */

/* Receives the canonical request in pieces: either a hash or a text buffer. */
typedef struct {
    mbedtls_sha256_context *sha;
    int failed; /* the text did not fit */
    char *out;
    size_t cap;
    size_t len;
} sink_t;

static void sink_put(sink_t *s, const char *data, size_t len, int lower)
{
    char tmp[32];
    while (len > 0) {
        size_t n = len < sizeof tmp ? len : sizeof tmp;
        size_t i;
        for (i = 0; i < n; i++) {
            tmp[i] = lower ? lkd_text_lower(data[i]) : data[i];
        }
        if (s->sha != NULL) {
            sha_put(s->sha, tmp, n);
        } else if (s->len + n <= s->cap) {
            memcpy(s->out + s->len, tmp, n);
            s->len += n;
        } else {
            s->failed = 1;
            s->len += n;
        }
        data += n;
        len -= n;
    }
}

static void sink_lit(sink_t *s, const char *text)
{
    sink_put(s, text, strlen(text), 0);
}

/* A required span: LKD_ERR_ARG_EMPTY without bytes, LKD_ERR_ARG_NULL with a
 * length but no pointer. */
static lkd_status_t span_status(lkd_span_t v)
{
    if (v.len == 0) {
        return LKD_ERR_ARG_EMPTY;
    }
    return v.ptr == NULL ? LKD_ERR_ARG_NULL : LKD_OK;
}

static lkd_status_t input_status(const lkd_sign_input_t *in)
{
    const lkd_span_t *required[5];
    size_t i;
    if (in == NULL || (in->action.ptr == NULL && in->action.len > 0)) {
        return LKD_ERR_ARG_NULL;
    }
    required[0] = &in->secret_id;
    required[1] = &in->secret_key;
    required[2] = &in->service;
    required[3] = &in->host;
    required[4] = &in->content_type;
    for (i = 0; i < sizeof required / sizeof required[0]; i++) {
        lkd_status_t st = span_status(*required[i]);
        if (st != LKD_OK) {
            return st;
        }
    }
    return LKD_OK;
}

static void emit_canonical_request(const lkd_sign_input_t *in, sink_t *s)
{
    char payload_hex[2 * LKD_SIGN_SHA256_LEN];
    sink_lit(s, "POST\n/\n\ncontent-type:");
    sink_put(s, in->content_type.ptr, in->content_type.len, 1);
    sink_lit(s, "\nhost:");
    sink_put(s, in->host.ptr, in->host.len, 1);
    sink_lit(s, "\n");
    if (in->action.len > 0) {
        sink_lit(s, "x-tc-action:");
        sink_put(s, in->action.ptr, in->action.len, 1);
        sink_lit(s, "\n\ncontent-type;host;x-tc-action\n");
    } else {
        sink_lit(s, "\ncontent-type;host\n");
    }
    to_hex(in->payload_sha256, LKD_SIGN_SHA256_LEN, payload_hex);
    sink_put(s, payload_hex, sizeof payload_hex, 0);
}

lkd_status_t lkd_sign_canonical_request(const lkd_sign_input_t *in, char *out, size_t cap, size_t *len)
{
    sink_t s;
    lkd_status_t st = input_status(in);
    if (st != LKD_OK) {
        return st;
    }
    if (out == NULL || len == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    memset(&s, 0, sizeof s);
    s.out = out;
    s.cap = cap;
    emit_canonical_request(in, &s);
    if (s.failed) {
        return LKD_ERR_BUFFER_TOO_SMALL;
    }
    *len = s.len;
    return LKD_OK;
}

/* The signing-key chain in the caller's HMAC state (one state for the three
 * steps keeps the signing path's stack small). */
static void signing_key(hmac_t *h, lkd_span_t secret_key, const char *date, lkd_span_t service,
                        uint8_t out[LKD_SIGN_SHA256_LEN])
{
    hmac_start(h, "TC3", 3, (const uint8_t *)secret_key.ptr, secret_key.len);
    hmac_put(h, date, 10);
    hmac_finish(h, out);
    hmac_start(h, NULL, 0, out, LKD_SIGN_SHA256_LEN);
    hmac_put(h, service.ptr, service.len);
    hmac_finish(h, out);
    hmac_start(h, NULL, 0, out, LKD_SIGN_SHA256_LEN);
    hmac_put(h, "tc3_request", 11);
    hmac_finish(h, out);
}

lkd_status_t lkd_sign_signing_key(lkd_span_t secret_key, const char date[11], lkd_span_t service,
                                  uint8_t out[LKD_SIGN_SHA256_LEN])
{
    hmac_t h;
    lkd_status_t st = span_status(secret_key);
    if (st == LKD_OK) {
        st = span_status(service);
    }
    if (st != LKD_OK) {
        return st;
    }
    if (date == NULL || out == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    signing_key(&h, secret_key, date, service, out);
    return LKD_OK;
}

/* Append to out[*pos..cap); sets *overflow instead of writing past cap. */
static void put(char *out, size_t cap, size_t *pos, const char *s, size_t n, int *overflow)
{
    if (*overflow || n > cap - *pos) {
        *overflow = 1;
        return;
    }
    memcpy(out + *pos, s, n);
    *pos += n;
}

lkd_status_t lkd_sign_tc3(const lkd_sign_input_t *in, char *out, size_t cap, size_t *len, char *signature_hex)
{
    char date[11];
    char ts_buf[LKD_TEXT_DEC_SIZE];
    const char *ts;
    size_t ts_len;
    uint8_t digest[LKD_SIGN_SHA256_LEN];
    char digest_hex[2 * LKD_SIGN_SHA256_LEN];
    sink_t s;
    hmac_t h;
    size_t pos = 0;
    int overflow = 0;
    lkd_status_t st = input_status(in);

    if (st != LKD_OK) {
        return st;
    }
    if (out == NULL || len == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    /* cap == 0 is refused here: the overflow path below writes out[0]. */
    if (cap == 0) {
        return LKD_ERR_ARG_EMPTY;
    }
    /* LKD_ERR_ARG_RANGE for a timestamp outside 1970..9999. */
    st = lkd_time_format_date(in->timestamp, date);
    if (st != LKD_OK) {
        return st;
    }
    ts = lkd_text_format_dec((uint64_t)in->timestamp, ts_buf);
    ts_len = strlen(ts);

    /* HashedCanonicalRequest, in the HMAC state's first context (the
     * signature needs it only after this hash is done). */
    mbedtls_sha256_init(&h.inner);
    memset(&s, 0, sizeof s);
    s.sha = &h.inner;
    (void)mbedtls_sha256_starts_ret(&h.inner, 0);
    emit_canonical_request(in, &s);
    (void)mbedtls_sha256_finish_ret(&h.inner, digest);
    mbedtls_sha256_free(&h.inner);
    to_hex(digest, sizeof digest, digest_hex);

    /* Signature = HMAC(SecretSigning, StringToSign), the string streamed in. */
    signing_key(&h, in->secret_key, date, in->service, digest);
    hmac_start(&h, NULL, 0, digest, sizeof digest);
    hmac_put(&h, "TC3-HMAC-SHA256\n", 16);
    hmac_put(&h, ts, ts_len);
    hmac_put(&h, "\n", 1);
    hmac_put(&h, date, 10);
    hmac_put(&h, "/", 1);
    hmac_put(&h, in->service.ptr, in->service.len);
    hmac_put(&h, "/tc3_request\n", 13);
    hmac_put(&h, digest_hex, sizeof digest_hex);
    hmac_finish(&h, digest);
    to_hex(digest, sizeof digest, digest_hex);

    put(out, cap, &pos, "TC3-HMAC-SHA256 Credential=", 27, &overflow);
    put(out, cap, &pos, in->secret_id.ptr, in->secret_id.len, &overflow);
    put(out, cap, &pos, "/", 1, &overflow);
    put(out, cap, &pos, date, 10, &overflow);
    put(out, cap, &pos, "/", 1, &overflow);
    put(out, cap, &pos, in->service.ptr, in->service.len, &overflow);
    put(out, cap, &pos, "/tc3_request, SignedHeaders=", 28, &overflow);
    if (in->action.len > 0) {
        put(out, cap, &pos, "content-type;host;x-tc-action", 29, &overflow);
    } else {
        put(out, cap, &pos, "content-type;host", 17, &overflow);
    }
    put(out, cap, &pos, ", Signature=", 12, &overflow);
    put(out, cap, &pos, digest_hex, sizeof digest_hex, &overflow);
    put(out, cap, &pos, "", 1, &overflow); /* the NUL */
    if (overflow) {
        out[0] = '\0';
        return LKD_ERR_BUFFER_TOO_SMALL;
    }
    *len = pos - 1;
    if (signature_hex != NULL) {
        memcpy(signature_hex, digest_hex, sizeof digest_hex);
        signature_hex[sizeof digest_hex] = '\0';
    }
    return LKD_OK;
}
