/* SPDX-License-Identifier: MIT */
/*
 * sha256_alt.c - mbedtls_sha256_* for MBEDTLS_SHA256_ALT (see sha256_alt.h):
 * FIPS 180-4 SHA-256 written here, counting every call.  At exit it prints
 * "sha256-alt: calls=N starts=N update=N finish=N blocks=N bad=N" on
 * stderr, which tests/integration/test_alt.py reads.
 */
#include <stdio.h>
#include <string.h>

#include <mbedtls/sha256.h>
#include <mbedtls/version.h>

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define ALT_STARTS mbedtls_sha256_starts
#define ALT_UPDATE mbedtls_sha256_update
#define ALT_FINISH mbedtls_sha256_finish
#define ALT_OUTPUT unsigned char *output
#else
#define ALT_STARTS mbedtls_sha256_starts_ret
#define ALT_UPDATE mbedtls_sha256_update_ret
#define ALT_FINISH mbedtls_sha256_finish_ret
#define ALT_OUTPUT unsigned char output[32]
#endif

#define SHA256_ALT_GUARD 0x5a17a17u
/* MBEDTLS_ERR_PLATFORM_HW_ACCEL_FAILED in 2.28 and 3.x alike. */
#define ALT_HW_FAILED (-0x0070)

sha256_alt_counts_t sha256_alt_counts;
unsigned long sha256_alt_fail_at;

static const uint32_t K[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

/* A call counts; the one sha256_alt_fail_at names fails; a context that was
 * not started (or was freed, or whose start failed) is counted as bad and
 * fails: the seam must not call on after a failure. */
static int enter(mbedtls_sha256_context *ctx, int need_started)
{
    sha256_alt_counts.calls++;
    if (need_started && (ctx == NULL || ctx->guard != SHA256_ALT_GUARD)) {
        sha256_alt_counts.bad_context++;
        return MBEDTLS_ERR_SHA256_BAD_INPUT_DATA;
    }
    if (sha256_alt_fail_at != 0 && sha256_alt_counts.calls == sha256_alt_fail_at) {
        return ALT_HW_FAILED;
    }
    return 0;
}

static void compress(mbedtls_sha256_context *ctx, const unsigned char *p)
{
    uint32_t w[64], a, b, c, d, e, f, g, h;
    int i;
    sha256_alt_counts.blocks++;
    for (i = 0; i < 16; i++) {
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    }
    for (i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = ctx->h[0]; b = ctx->h[1]; c = ctx->h[2]; d = ctx->h[3];
    e = ctx->h[4]; f = ctx->h[5]; g = ctx->h[6]; h = ctx->h[7];
    for (i = 0; i < 64; i++) {
        uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    ctx->h[0] += a; ctx->h[1] += b; ctx->h[2] += c; ctx->h[3] += d;
    ctx->h[4] += e; ctx->h[5] += f; ctx->h[6] += g; ctx->h[7] += h;
}

void mbedtls_sha256_init(mbedtls_sha256_context *ctx)
{
    sha256_alt_counts.init++;
    memset(ctx, 0, sizeof *ctx);
}

void mbedtls_sha256_free(mbedtls_sha256_context *ctx)
{
    if (ctx == NULL) {
        return;
    }
    sha256_alt_counts.free++;
    memset(ctx, 0, sizeof *ctx);
}

void mbedtls_sha256_clone(mbedtls_sha256_context *dst, const mbedtls_sha256_context *src)
{
    sha256_alt_counts.clone++;
    *dst = *src;
}

int ALT_STARTS(mbedtls_sha256_context *ctx, int is224)
{
    static const uint32_t h256[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                                     0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};
    static const uint32_t h224[8] = {0xc1059ed8u, 0x367cd507u, 0x3070dd17u, 0xf70e5939u,
                                     0xffc00b31u, 0x68581511u, 0x64f98fa7u, 0xbefa4fa4u};
    int ret = enter(ctx, 0);
    sha256_alt_counts.starts++;
    if (ret != 0) {
        return ret;
    }
    if (is224 != 0 && is224 != 1) {
        return MBEDTLS_ERR_SHA256_BAD_INPUT_DATA;
    }
    memcpy(ctx->h, is224 ? h224 : h256, sizeof ctx->h);
    ctx->total = 0;
    ctx->is224 = is224;
    ctx->guard = SHA256_ALT_GUARD;
    return 0;
}

int ALT_UPDATE(mbedtls_sha256_context *ctx, const unsigned char *input, size_t ilen)
{
    int ret = enter(ctx, 1);
    sha256_alt_counts.update++;
    if (ret != 0) {
        return ret;
    }
    while (ilen > 0) {
        size_t used = (size_t)(ctx->total % 64u);
        size_t n = 64u - used < ilen ? 64u - used : ilen;
        memcpy(ctx->block + used, input, n);
        ctx->total += n;
        input += n;
        ilen -= n;
        if (used + n == 64u) {
            compress(ctx, ctx->block);
        }
    }
    return 0;
}

int ALT_FINISH(mbedtls_sha256_context *ctx, ALT_OUTPUT)
{
    uint64_t bits;
    size_t used, i;
    int ret = enter(ctx, 1);
    sha256_alt_counts.finish++;
    if (ret != 0) {
        return ret;
    }
    bits = ctx->total * 8u;
    used = (size_t)(ctx->total % 64u);
    ctx->block[used++] = 0x80u;
    if (used > 56u) {
        memset(ctx->block + used, 0, 64u - used);
        compress(ctx, ctx->block);
        used = 0;
    }
    memset(ctx->block + used, 0, 56u - used);
    for (i = 0; i < 8; i++) {
        ctx->block[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
    }
    compress(ctx, ctx->block);
    for (i = 0; i < (ctx->is224 ? 7u : 8u); i++) {
        output[4 * i] = (unsigned char)(ctx->h[i] >> 24);
        output[4 * i + 1] = (unsigned char)(ctx->h[i] >> 16);
        output[4 * i + 2] = (unsigned char)(ctx->h[i] >> 8);
        output[4 * i + 3] = (unsigned char)ctx->h[i];
    }
    return 0;
}

int mbedtls_internal_sha256_process(mbedtls_sha256_context *ctx, const unsigned char data[64])
{
    int ret = enter(ctx, 1);
    if (ret == 0) {
        compress(ctx, data);
    }
    return ret;
}

#if MBEDTLS_VERSION_NUMBER < 0x03000000 && !defined(MBEDTLS_DEPRECATED_REMOVED)
void mbedtls_sha256_starts(mbedtls_sha256_context *ctx, int is224)
{
    (void)ALT_STARTS(ctx, is224);
}

void mbedtls_sha256_update(mbedtls_sha256_context *ctx, const unsigned char *input, size_t ilen)
{
    (void)ALT_UPDATE(ctx, input, ilen);
}

void mbedtls_sha256_finish(mbedtls_sha256_context *ctx, unsigned char output[32])
{
    (void)ALT_FINISH(ctx, output);
}

void mbedtls_sha256_process(mbedtls_sha256_context *ctx, const unsigned char data[64])
{
    (void)mbedtls_internal_sha256_process(ctx, data);
}
#endif

static void report(void) __attribute__((destructor));
static void report(void)
{
    fprintf(stderr, "sha256-alt: calls=%lu starts=%lu update=%lu finish=%lu blocks=%lu bad=%lu\n",
            sha256_alt_counts.calls, sha256_alt_counts.starts, sha256_alt_counts.update,
            sha256_alt_counts.finish, sha256_alt_counts.blocks, sha256_alt_counts.bad_context);
}
