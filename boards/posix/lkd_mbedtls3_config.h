/* SPDX-License-Identifier: MIT */
/*
 * lkd_mbedtls3_config.h - the host's mbedTLS 3.6 configuration (the default
 * build, MBEDTLS=3: build/mbedtls3 from Debian's mbedtls source package,
 * unpacked by tests/tools/debian_source_newer.sh).  Passed as
 * MBEDTLS_CONFIG_FILE to the library's build and to everything that includes
 * its headers: both must see the same options, or structures differ in size.
 * Named so that 3.x's own mbedtls/mbedtls_config.h can never shadow it; `make
 * install` puts it in place of that file in the installed copy of 3.6's
 * headers, so an application compiling against them reads it without a -D.
 *
 * What it holds: a TLS 1.2 + 1.3 client that verifies X.509 chains, with the
 * suites and groups of core/src/lkd_tls_policy.c (ECDHE-ECDSA/ECDHE-RSA with
 * AES-GCM or ChaCha20-Poly1305; TLS 1.3's AES-GCM and ChaCha20-Poly1305;
 * x25519, P-256, P-384) and what PSA needs under 3.6 (TLS 1.3 computes its
 * keys and ECDHE through PSA).  Every random byte comes from the port's
 * entropy function: PSA draws through MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG from
 * the client's CTR-DRBG (core/src/lkd_psa_rng.c), which the port seeds, and
 * the library has no entropy module of its own (no MBEDTLS_ENTROPY_C), so no
 * byte can come from the platform behind the port's back.
 */
#ifndef LKD_MBEDTLS3_CONFIG_H
#define LKD_MBEDTLS3_CONFIG_H

/* System support: the host has a clock and /dev/urandom (getrandom). */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_AESNI_C
#define MBEDTLS_AESCE_C

/* Protocol: a TLS 1.2 + 1.3 client, SNI, verified peers. */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
/* Resumption by tickets under 1.2 and 1.3 (1.3 resumes by ticket only:
 * PSK with a fresh ECDHE, never PSK alone).  1.3 requires the peer's
 * certificate kept in the session. */
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_SSL_ENCRYPT_THEN_MAC
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_NET_C
/* The unit programs' loopback servers (tests/unit/tls_loop.h): a session
 * cache and tickets.  The client never uses them; a board's config leaves
 * them out. */
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_CACHE_C
#define MBEDTLS_SSL_TICKET_C
#define MBEDTLS_ERROR_C
#define MBEDTLS_VERSION_C
#define MBEDTLS_DEBUG_C

/* Certificates. */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
/* Without it the client still offers rsa_pss_rsae_* (MBEDTLS_PKCS1_V21) but
 * checks a 1.2 server's PSS signature as PKCS#1 v1.5 (it fails), and a 1.3
 * server, which must sign with PSS, is refused: no RSA server connects. */
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_BIGNUM_C

/* Ciphers and hashes. */
#define MBEDTLS_CIPHER_C
#define MBEDTLS_AES_C
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA224_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_HKDF_C
#define MBEDTLS_CTR_DRBG_C

/* PSA: TLS 1.3 needs it; the TLS stack uses it for every operation.  Its
 * random bytes are the client's (the core defines
 * mbedtls_psa_external_get_random), so it keeps no DRBG of its own. */
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_USE_PSA_CRYPTO
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG

#endif /* LKD_MBEDTLS3_CONFIG_H */
