/* SPDX-License-Identifier: MIT */
/*
 * lkd_sign.h - TC3-HMAC-SHA256 request signing (Tencent Cloud API 3.0's
 * signature v3: a canonical request, hashed into a string to sign, signed
 * with a key derived from the secret key, the date and the service).
 *
 * SHA-256 and HMAC come from lkd_hash.h (mbedTLS's SHA-256 API, so a board
 * may bring a hardware one; HMAC on top of it, so that no context is
 * allocated).  LKD_ERR_CRYPTO, below, only from a SHA-256 that can fail (an
 * ALT): no header or digest is then produced.  The canonical request
 * and the string to sign are streamed into the hash, never stored.  Keys are
 * binary and may hold zero bytes: they are always handled with lengths.
 * Every derived key and HMAC state is wiped before returning.
 */
#ifndef LKD_SIGN_H
#define LKD_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "lkd_types.h"

#define LKD_SIGN_SHA256_LEN 32u

/* Everything one signature covers. */
typedef struct {
    lkd_span_t secret_id;
    lkd_span_t secret_key;
    lkd_span_t service;       /* credential scope service, e.g. "lke" */
    lkd_span_t host;          /* Host header value (signed lower-cased) */
    lkd_span_t content_type;  /* Content-Type exactly as sent (signed lower-cased) */
    lkd_span_t action;        /* NULL span: SignedHeaders "content-type;host" (what the SDKs send);
                                 set: also "x-tc-action" with the value lower-cased (vector A) */
    int64_t timestamp;        /* X-TC-Timestamp, Unix seconds */
    uint8_t payload_sha256[LKD_SIGN_SHA256_LEN]; /* SHA-256 of the body, or of "UNSIGNED-PAYLOAD" */
} lkd_sign_input_t;

/* SHA-256 of data (any length).  Errors: LKD_ERR_ARG_NULL (NULL out, or NULL
 * data with len > 0), LKD_ERR_CRYPTO. */
lkd_status_t lkd_sign_sha256(const void *data, size_t len, uint8_t out[LKD_SIGN_SHA256_LEN]);

/* Write the canonical request text (no trailing newline) to out[0..cap) and
 * its length to *len.  Only for inspection and tests; signing streams it.
 * Errors: LKD_ERR_ARG_NULL (NULL pointers), LKD_ERR_ARG_EMPTY (a required
 * field of in empty), LKD_ERR_BUFFER_TOO_SMALL. */
lkd_status_t lkd_sign_canonical_request(const lkd_sign_input_t *in, char *out, size_t cap, size_t *len);

/* SecretSigning = HMAC chain of "TC3"+secret_key over date, service and
 * "tc3_request" (date "YYYY-MM-DD").  Errors: LKD_ERR_ARG_EMPTY (no key or
 * service), LKD_ERR_ARG_NULL, LKD_ERR_CRYPTO. */
lkd_status_t lkd_sign_signing_key(lkd_span_t secret_key, const char date[11], lkd_span_t service,
                                  uint8_t out[LKD_SIGN_SHA256_LEN]);

/* Compute the signature and write the whole Authorization header value
 * ("TC3-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=<64 hex>")
 * NUL-terminated into out[0..cap), its length (without NUL) in *len.  The
 * 64 hex digits alone are also written to signature_hex (65 bytes) when it is
 * not NULL.
 * Errors: LKD_ERR_ARG_NULL, LKD_ERR_ARG_EMPTY (empty secret, service or host;
 * cap 0), LKD_ERR_ARG_RANGE (a timestamp outside 1970..9999),
 * LKD_ERR_BUFFER_TOO_SMALL, LKD_ERR_CRYPTO (out is then ""). */
lkd_status_t lkd_sign_tc3(const lkd_sign_input_t *in, char *out, size_t cap, size_t *len, char *signature_hex);

#endif /* LKD_SIGN_H */
