/* SPDX-License-Identifier: MIT */
/*
 * sha256_alt.h - the MBEDTLS_SHA256_ALT of the seam test (tests/alt): a
 * context that is not mbedTLS's (other fields, other order, a guard word), so
 * that code reaching into mbedtls_sha256_context's fields does not compile or
 * fails its checks, and counters of every call, read by the test programs.
 * The hash itself is sha256_alt.c's own software SHA-256, independent of
 * mbedTLS's.
 */
#ifndef SHA256_ALT_H
#define SHA256_ALT_H

#include <stddef.h>
#include <stdint.h>

typedef struct mbedtls_sha256_context {
    uint32_t guard;          /* SHA256_ALT_GUARD between starts and free */
    unsigned char block[64];
    uint32_t h[8];
    uint64_t total;          /* bytes hashed */
    int is224;
} mbedtls_sha256_context;

/* What the ALT saw, for the tests; sha256_alt_fail_at makes the Nth call
 * (1-based, counted over starts, updates and finishes together) fail with
 * an error, as a hardware engine may. */
typedef struct {
    unsigned long init, starts, update, finish, free, clone, blocks, calls, bad_context;
} sha256_alt_counts_t;

extern sha256_alt_counts_t sha256_alt_counts;
extern unsigned long sha256_alt_fail_at; /* 0: never */

#endif /* SHA256_ALT_H */
