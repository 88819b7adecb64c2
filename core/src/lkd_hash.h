/* SPDX-License-Identifier: MIT */
/*
 * lkd_hash.h - the core's one door to SHA-256, and HMAC-SHA256 built on it.
 *
 * The signer (lkd_sign.c) and the streamed payload hash (lkd_call.c) reach
 * SHA-256 only through these functions, so that a board may replace mbedTLS's
 * software SHA-256 with a hardware one (MBEDTLS_SHA256_ALT or
 * MBEDTLS_SHA256_PROCESS_ALT: an STM32 HASH, an ESP32 SHA) without touching
 * the core.  Contexts are the caller's (no allocation: mbedtls_md_setup would
 * calloc); HMAC needs two of them.  The mbedTLS generation's names (2.28's
 * mbedtls_sha256_starts_ret, 3.x's mbedtls_sha256_starts) are resolved in
 * lkd_hash.c only.
 *
 * Errors are sticky: start and put record a failure in the context and
 * finish reports it, so a caller checks once per digest.  mbedTLS's software
 * SHA-256 cannot fail (its only error path is the block function, which
 * returns 0), so without an ALT the failure paths compile away
 * (LKD_HASH_CAN_FAIL 0: finish is an inline that returns LKD_OK) and cost no
 * flash; with one, every step is checked and a failure is LKD_ERR_CRYPTO.
 * A build may force the checks with -DLKD_HASH_CHECKED=1.
 */
#ifndef LKD_HASH_H
#define LKD_HASH_H

#include <stddef.h>
#include <stdint.h>

#include <mbedtls/sha256.h>

#include "lkd_status.h"

#define LKD_HASH_SHA256_LEN 32u
#define LKD_HASH_SHA256_BLOCK 64u

#if defined(MBEDTLS_SHA256_ALT) || defined(MBEDTLS_SHA256_PROCESS_ALT) || \
    (defined(LKD_HASH_CHECKED) && LKD_HASH_CHECKED)
#define LKD_HASH_CAN_FAIL 1
#else
#define LKD_HASH_CAN_FAIL 0
#endif

typedef struct {
    mbedtls_sha256_context ctx;
#if LKD_HASH_CAN_FAIL
    int failed; /* a step of this digest returned an error */
#endif
} lkd_hash_sha256_t;

typedef struct {
    lkd_hash_sha256_t inner;
    lkd_hash_sha256_t outer;
} lkd_hash_hmac_t;

/* Initialise and start a SHA-256 digest. */
void lkd_hash_sha256_start(lkd_hash_sha256_t *h);

/* Hash len bytes of data (data may be NULL when len is 0). */
void lkd_hash_sha256_put(lkd_hash_sha256_t *h, const void *data, size_t len);

/* Release the context without a digest (a caller's own error path). */
void lkd_hash_sha256_discard(lkd_hash_sha256_t *h);

/* Write the digest to out and release the context.  Errors: LKD_ERR_CRYPTO
 * (start, a put or the finish failed: out holds no digest), only when
 * LKD_HASH_CAN_FAIL. */
#if LKD_HASH_CAN_FAIL
lkd_status_t lkd_hash_sha256_finish(lkd_hash_sha256_t *h, uint8_t out[LKD_HASH_SHA256_LEN]);
#else
void lkd_hash_sha256_finish_unchecked(lkd_hash_sha256_t *h, uint8_t out[LKD_HASH_SHA256_LEN]);
static inline lkd_status_t lkd_hash_sha256_finish(lkd_hash_sha256_t *h, uint8_t out[LKD_HASH_SHA256_LEN])
{
    lkd_hash_sha256_finish_unchecked(h, out);
    return LKD_OK;
}
#endif

/* Start an HMAC-SHA256 whose key is prefix || key (TC3's first key is
 * "TC3" + SecretKey; every other key has an empty prefix).  A key longer than
 * the block is replaced by its hash (RFC 2104). */
void lkd_hash_hmac_start(lkd_hash_hmac_t *h, const char *prefix, size_t prefix_len, const uint8_t *key, size_t key_len);

/* Authenticate len more bytes of the message. */
void lkd_hash_hmac_put(lkd_hash_hmac_t *h, const void *data, size_t len);

/* Write the MAC to out (which may be the key the HMAC was started with) and
 * wipe the state.  Errors: LKD_ERR_CRYPTO (any step failed, the key's hash
 * included: out holds no MAC), only when LKD_HASH_CAN_FAIL. */
#if LKD_HASH_CAN_FAIL
lkd_status_t lkd_hash_hmac_finish(lkd_hash_hmac_t *h, uint8_t out[LKD_HASH_SHA256_LEN]);
#else
void lkd_hash_hmac_finish_unchecked(lkd_hash_hmac_t *h, uint8_t out[LKD_HASH_SHA256_LEN]);
static inline lkd_status_t lkd_hash_hmac_finish(lkd_hash_hmac_t *h, uint8_t out[LKD_HASH_SHA256_LEN])
{
    lkd_hash_hmac_finish_unchecked(h, out);
    return LKD_OK;
}
#endif

#endif /* LKD_HASH_H */
