/* SPDX-License-Identifier: MIT */
/*
 * lkd_hash.c - SHA-256 through mbedTLS's API, HMAC-SHA256 on top (see
 * lkd_hash.h).  The only file of core/ that names mbedtls_sha256_*: it calls
 * the API only, never the context's fields, so an ALT context of any shape
 * works.
 */
#include "lkd_hash.h"

#include <string.h>

#include <mbedtls/platform_util.h>
#include <mbedtls/version.h>

/* 3.x dropped the _ret suffix (the void 2.x names are gone). */
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define SHA256_STARTS mbedtls_sha256_starts
#define SHA256_UPDATE mbedtls_sha256_update
#define SHA256_FINISH mbedtls_sha256_finish
#else
#define SHA256_STARTS mbedtls_sha256_starts_ret
#define SHA256_UPDATE mbedtls_sha256_update_ret
#define SHA256_FINISH mbedtls_sha256_finish_ret
#endif

/* After a failure the digest is lost: no further call reaches the engine
 * (a hardware one may not expect them), only the free. */
#if LKD_HASH_CAN_FAIL
#define NOTE(h, call) ((h)->failed = (h)->failed || (call) != 0)
#else
#define NOTE(h, call) ((void)(call))
#endif

void lkd_hash_sha256_start(lkd_hash_sha256_t *h)
{
    mbedtls_sha256_init(&h->ctx);
#if LKD_HASH_CAN_FAIL
    h->failed = 0;
#endif
    NOTE(h, SHA256_STARTS(&h->ctx, 0));
}

void lkd_hash_sha256_put(lkd_hash_sha256_t *h, const void *data, size_t len)
{
    NOTE(h, SHA256_UPDATE(&h->ctx, (const unsigned char *)data, len));
}

void lkd_hash_sha256_discard(lkd_hash_sha256_t *h)
{
    mbedtls_sha256_free(&h->ctx);
}

#if LKD_HASH_CAN_FAIL
lkd_status_t lkd_hash_sha256_finish(lkd_hash_sha256_t *h, uint8_t out[LKD_HASH_SHA256_LEN])
{
    NOTE(h, SHA256_FINISH(&h->ctx, out));
    mbedtls_sha256_free(&h->ctx);
    if (h->failed) {
        mbedtls_platform_zeroize(out, LKD_HASH_SHA256_LEN);
        return LKD_ERR_CRYPTO;
    }
    return LKD_OK;
}
#else
void lkd_hash_sha256_finish_unchecked(lkd_hash_sha256_t *h, uint8_t out[LKD_HASH_SHA256_LEN])
{
    (void)SHA256_FINISH(&h->ctx, out);
    mbedtls_sha256_free(&h->ctx);
}
#endif

/* The key block is turned into the inner pad and then, in place, into the
 * outer pad, and a key longer than a block is hashed in h->outer before that
 * context is started: this sits on the deepest stack path of every call. */
void lkd_hash_hmac_start(lkd_hash_hmac_t *h, const char *prefix, size_t prefix_len, const uint8_t *key, size_t key_len)
{
    uint8_t block[LKD_HASH_SHA256_BLOCK];
    size_t i;
#if LKD_HASH_CAN_FAIL
    int key_failed = 0;
#endif

    memset(block, 0, sizeof block);
    if (prefix_len + key_len > LKD_HASH_SHA256_BLOCK) {
        lkd_hash_sha256_start(&h->outer);
        lkd_hash_sha256_put(&h->outer, prefix, prefix_len);
        lkd_hash_sha256_put(&h->outer, key, key_len);
#if LKD_HASH_CAN_FAIL
        key_failed = lkd_hash_sha256_finish(&h->outer, block) != LKD_OK;
#else
        (void)lkd_hash_sha256_finish(&h->outer, block);
#endif
    } else {
        if (prefix_len > 0) {
            memcpy(block, prefix, prefix_len);
        }
        if (key_len > 0) {
            memcpy(block + prefix_len, key, key_len);
        }
    }
    for (i = 0; i < LKD_HASH_SHA256_BLOCK; i++) {
        block[i] ^= 0x36u;
    }
    lkd_hash_sha256_start(&h->inner);
    lkd_hash_sha256_put(&h->inner, block, LKD_HASH_SHA256_BLOCK);
#if LKD_HASH_CAN_FAIL
    h->inner.failed |= key_failed; /* reported by lkd_hash_hmac_finish */
#endif
    for (i = 0; i < LKD_HASH_SHA256_BLOCK; i++) {
        block[i] ^= 0x36u ^ 0x5cu;
    }
    lkd_hash_sha256_start(&h->outer);
    lkd_hash_sha256_put(&h->outer, block, LKD_HASH_SHA256_BLOCK);
    mbedtls_platform_zeroize(block, sizeof block);
}

void lkd_hash_hmac_put(lkd_hash_hmac_t *h, const void *data, size_t len)
{
    lkd_hash_sha256_put(&h->inner, data, len);
}

#if LKD_HASH_CAN_FAIL
lkd_status_t lkd_hash_hmac_finish(lkd_hash_hmac_t *h, uint8_t out[LKD_HASH_SHA256_LEN])
{
    lkd_status_t st = lkd_hash_sha256_finish(&h->inner, out);
    lkd_hash_sha256_put(&h->outer, out, LKD_HASH_SHA256_LEN);
    if (lkd_hash_sha256_finish(&h->outer, out) != LKD_OK || st != LKD_OK) {
        st = LKD_ERR_CRYPTO;
        mbedtls_platform_zeroize(out, LKD_HASH_SHA256_LEN);
    }
    mbedtls_platform_zeroize(h, sizeof *h);
    return st;
}
#else
void lkd_hash_hmac_finish_unchecked(lkd_hash_hmac_t *h, uint8_t out[LKD_HASH_SHA256_LEN])
{
    lkd_hash_sha256_finish_unchecked(&h->inner, out);
    lkd_hash_sha256_put(&h->outer, out, LKD_HASH_SHA256_LEN);
    lkd_hash_sha256_finish_unchecked(&h->outer, out);
    mbedtls_platform_zeroize(h, sizeof *h);
}
#endif
