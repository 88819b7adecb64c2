/* SPDX-License-Identifier: MIT */
/*
 * lkd_psa_rng.h - PSA's random bytes from a client's CTR-DRBG.
 *
 * Under mbedTLS 3.x the TLS stack draws random bytes in two places: the
 * generator given to mbedtls_ssl_conf_rng (the client's CTR-DRBG, seeded from
 * the port's entropy function) and PSA, which makes TLS 1.3's (and, with
 * MBEDTLS_USE_PSA_CRYPTO, 1.2's) ephemeral ECDHE keys.  Built with
 * MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG, PSA calls mbedtls_psa_external_get_random,
 * defined here, which draws from the DRBG registered with lkd_psa_rng_use:
 * every random byte then comes from the port.  A 3.x configuration with PSA
 * must have that option (the host's and the board's both do); without it PSA
 * would seed its own DRBG from the platform outside the port, so it does not
 * compile.
 *
 * PSA's generator is process-wide and its callback carries no pointer of
 * ours, so one static pointer names the DRBG in use: the client that was set
 * up or began a handshake last.  Several clients may live side by side and be
 * used one after the other; calls of different clients must not run at the
 * same time in different threads.  With no DRBG registered (every client
 * freed) PSA's draws fail (PSA_ERROR_INSUFFICIENT_ENTROPY) rather than fall
 * back to anything else.
 *
 * Under 2.28 (no PSA in the TLS stack) both functions do nothing.
 */
#ifndef LKD_PSA_RNG_H
#define LKD_PSA_RNG_H

#include <mbedtls/ctr_drbg.h>

/* Make drbg the source of PSA's random bytes (NULL: none). */
void lkd_psa_rng_use(mbedtls_ctr_drbg_context *drbg);

/* Stop drawing from drbg if it is the source (before it is freed). */
void lkd_psa_rng_release(const mbedtls_ctr_drbg_context *drbg);

#endif /* LKD_PSA_RNG_H */
