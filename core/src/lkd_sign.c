/* SPDX-License-Identifier: MIT */
/*
 * lkd_sign.c - TC3-HMAC-SHA256 (see lkd_sign.h).
 */
#include "lkd_sign.h"

#include <string.h>

#include "lkd_hash.h"
#include "lkd_text.h"
#include "lkd_time.h"

static void to_hex(const uint8_t *in, size_t n, char *out)
{
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = lkd_text_hex_digit(in[i] >> 4);
        out[2 * i + 1] = lkd_text_hex_digit(in[i]);
    }
}

lkd_status_t lkd_sign_sha256(const void *data, size_t len, uint8_t out[LKD_SIGN_SHA256_LEN])
{
    lkd_hash_sha256_t h;
    if ((data == NULL && len > 0) || out == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    lkd_hash_sha256_start(&h);
    lkd_hash_sha256_put(&h, data, len);
    return lkd_hash_sha256_finish(&h, out);
}

/* ---- canonical request, produced piece by piece ------------------------------ */

/* Receives the canonical request in pieces: either a hash or a text buffer. */
typedef struct {
    lkd_hash_sha256_t *sha;
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
            lkd_hash_sha256_put(s->sha, tmp, n);
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

/* SignedHeaders: "content-type;host", and ";x-tc-action" when the action
 * is signed (one string for both). */
static void emit_signed_headers(const lkd_sign_input_t *in, sink_t *s)
{
    sink_put(s, "content-type;host;x-tc-action", in->action.len > 0 ? 29u : 17u, 0);
}

/* The credential scope, "DATE/SERVICE/tc3_request": in the string to sign
 * and in the header. */
static void emit_scope(const lkd_sign_input_t *in, const char *date, sink_t *s)
{
    sink_put(s, date, 10, 0);
    sink_lit(s, "/");
    sink_put(s, in->service.ptr, in->service.len, 0);
    sink_lit(s, "/tc3_request");
}

static void emit_canonical_request(const lkd_sign_input_t *in, sink_t *s)
{
    char payload_hex[2 * LKD_SIGN_SHA256_LEN];
    int v6;
    sink_lit(s, "POST\n/\n\ncontent-type:");
    sink_put(s, in->content_type.ptr, in->content_type.len, 1);
    sink_lit(s, "\nhost:");
    /* The Host header's value without its port (as the SDKs sign it): an
     * IPv6 literal, the one host with a ':', stays bracketed. */
    v6 = in->host.len > 0 && memchr(in->host.ptr, ':', in->host.len) != NULL;
    sink_put(s, "[", (size_t)v6, 0);
    sink_put(s, in->host.ptr, in->host.len, 1);
    sink_put(s, "]", (size_t)v6, 0);
    sink_lit(s, "\n");
    if (in->action.len > 0) {
        sink_lit(s, "x-tc-action:");
        sink_put(s, in->action.ptr, in->action.len, 1);
        sink_lit(s, "\n");
    }
    sink_lit(s, "\n");
    emit_signed_headers(in, s);
    sink_lit(s, "\n");
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
 * steps keeps the signing path's stack small).  LKD_ERR_CRYPTO only from a
 * SHA-256 that can fail (lkd_hash.h). */
static lkd_status_t signing_key(lkd_hash_hmac_t *h, lkd_span_t secret_key, const char *date, lkd_span_t service,
                                uint8_t out[LKD_SIGN_SHA256_LEN])
{
    lkd_status_t st;
    lkd_hash_hmac_start(h, "TC3", 3, (const uint8_t *)secret_key.ptr, secret_key.len);
    lkd_hash_hmac_put(h, date, 10);
    st = lkd_hash_hmac_finish(h, out);
    if (st == LKD_OK) {
        lkd_hash_hmac_start(h, NULL, 0, out, LKD_SIGN_SHA256_LEN);
        lkd_hash_hmac_put(h, service.ptr, service.len);
        st = lkd_hash_hmac_finish(h, out);
    }
    if (st == LKD_OK) {
        lkd_hash_hmac_start(h, NULL, 0, out, LKD_SIGN_SHA256_LEN);
        lkd_hash_hmac_put(h, "tc3_request", 11);
        st = lkd_hash_hmac_finish(h, out);
    }
    return st;
}

lkd_status_t lkd_sign_signing_key(lkd_span_t secret_key, const char date[11], lkd_span_t service,
                                  uint8_t out[LKD_SIGN_SHA256_LEN])
{
    lkd_hash_hmac_t h;
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
    return signing_key(&h, secret_key, date, service, out);
}

lkd_status_t lkd_sign_tc3(const lkd_sign_input_t *in, char *out, size_t cap, size_t *len, char *signature_hex)
{
    char date[11];
    char ts_buf[LKD_TEXT_DEC_SIZE];
    const char *ts;
    uint8_t digest[LKD_SIGN_SHA256_LEN];
    char digest_hex[2 * LKD_SIGN_SHA256_LEN];
    sink_t s;
    lkd_hash_hmac_t h;
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

    /* HashedCanonicalRequest, in the HMAC state's first context (the
     * signature needs it only after this hash is done). */
    memset(&s, 0, sizeof s);
    s.sha = &h.inner;
    lkd_hash_sha256_start(&h.inner);
    emit_canonical_request(in, &s);
    st = lkd_hash_sha256_finish(&h.inner, digest);
    to_hex(digest, sizeof digest, digest_hex);

    /* Signature = HMAC(SecretSigning, StringToSign), the string streamed in. */
    if (st == LKD_OK) {
        st = signing_key(&h, in->secret_key, date, in->service, digest);
    }
    if (st == LKD_OK) {
        /* The HMAC's message goes to its inner digest, through the sink. */
        lkd_hash_hmac_start(&h, NULL, 0, digest, sizeof digest);
        sink_lit(&s, "TC3-HMAC-SHA256\n");
        sink_put(&s, ts, strlen(ts), 0);
        sink_lit(&s, "\n");
        emit_scope(in, date, &s);
        sink_lit(&s, "\n");
        sink_put(&s, digest_hex, sizeof digest_hex, 0);
        st = lkd_hash_hmac_finish(&h, digest);
    }
    if (st != LKD_OK) {
        out[0] = '\0'; /* no header from a failed hash */
        return st;
    }
    to_hex(digest, sizeof digest, digest_hex);

    /* The header, through the same sink into out. */
    memset(&s, 0, sizeof s);
    s.out = out;
    s.cap = cap;
    sink_lit(&s, "TC3-HMAC-SHA256 Credential=");
    sink_put(&s, in->secret_id.ptr, in->secret_id.len, 0);
    sink_lit(&s, "/");
    emit_scope(in, date, &s);
    sink_lit(&s, ", SignedHeaders=");
    emit_signed_headers(in, &s);
    sink_lit(&s, ", Signature=");
    sink_put(&s, digest_hex, sizeof digest_hex, 0);
    sink_put(&s, "", 1, 0); /* the NUL */
    if (s.failed) {
        out[0] = '\0';
        return LKD_ERR_BUFFER_TOO_SMALL;
    }
    *len = s.len - 1;
    if (signature_hex != NULL) {
        memcpy(signature_hex, digest_hex, sizeof digest_hex);
        signature_hex[sizeof digest_hex] = '\0';
    }
    return LKD_OK;
}
