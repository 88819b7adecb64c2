/* SPDX-License-Identifier: MIT */
/*
 * lkd_psa_rng.c - PSA's random bytes from a client's CTR-DRBG (see
 * lkd_psa_rng.h).
 */
#include "lkd_psa_rng.h"

#include <stddef.h>

#include "lkd_mbedtls.h"

/* PSA must not seed itself from the platform behind the port's back: on the
 * host and on a board alike it draws from the client
 * (MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG, below); its own DRBG and entropy
 * collector are not built. */
#if LKD_MBEDTLS3 && defined(MBEDTLS_PSA_CRYPTO_C) && !defined(MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG)
#error "lkedoc: PSA's random bytes must come from the port: build mbedTLS with MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG"
#endif

#if defined(MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG)
#include <psa/crypto.h>

/* PSA's callback has no context of ours: the one piece of global state. */
static mbedtls_ctr_drbg_context *psa_source;

void lkd_psa_rng_use(mbedtls_ctr_drbg_context *drbg)
{
    psa_source = drbg;
}

void lkd_psa_rng_release(const mbedtls_ctr_drbg_context *drbg)
{
    if (psa_source == drbg) {
        psa_source = NULL;
    }
}

psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *context, uint8_t *output,
                                             size_t output_size, size_t *output_length)
{
    size_t done = 0;
    (void)context;
    *output_length = 0;
    if (psa_source == NULL) {
        return PSA_ERROR_INSUFFICIENT_ENTROPY;
    }
    /* The DRBG gives at most MBEDTLS_CTR_DRBG_MAX_REQUEST bytes a call. */
    while (done < output_size) {
        size_t n = output_size - done;
        if (n > MBEDTLS_CTR_DRBG_MAX_REQUEST) {
            n = MBEDTLS_CTR_DRBG_MAX_REQUEST;
        }
        if (mbedtls_ctr_drbg_random(psa_source, output + done, n) != 0) {
            return PSA_ERROR_INSUFFICIENT_ENTROPY; /* its reseed from the port failed */
        }
        done += n;
    }
    *output_length = output_size;
    return PSA_SUCCESS;
}
#else
void lkd_psa_rng_use(mbedtls_ctr_drbg_context *drbg)
{
    (void)drbg;
}

void lkd_psa_rng_release(const mbedtls_ctr_drbg_context *drbg)
{
    (void)drbg;
}
#endif
