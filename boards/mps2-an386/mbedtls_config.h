/* SPDX-License-Identifier: MIT */
/*
 * mbedtls_config.h - the board's mbedTLS (Debian's 2.28 source): a TLS 1.2
 * client and nothing else.  X.509 verification (key usage and extended key
 * usage included), ECDHE key exchange with RSA or ECDSA certificates,
 * AES-GCM, SHA-256/384 and a CTR-DRBG; no file system, sockets, threads or
 * OS clock.  Memory comes from a static pool
 * (MEMORY_BUFFER_ALLOC_C) the firmware hands to
 * mbedtls_memory_buffer_alloc_init(); PLATFORM_NO_STD_FUNCTIONS keeps libc's
 * calloc/free out of the link, so the firmware has no system heap at all.
 *
 * `make cross`, `make footprint` and the Cortex-M4 builds compile core/
 * against this file, and the host zero-malloc run links a host build of
 * mbedTLS made with it.
 */
#ifndef LKD_BOARD_MBEDTLS_CONFIG_H
#define LKD_BOARD_MBEDTLS_CONFIG_H

#define MBEDTLS_HAVE_ASM
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C

/* TLS 1.2 client only. */
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_ENCRYPT_THEN_MAC
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
/* The suites the service's endpoints and storage answer with: mbedTLS's
 * default list.  What the client offers is core/src/lkd_tls_policy.c's list,
 * of which this build has these four (no ChaCha20-Poly1305, no x25519). */
#define MBEDTLS_SSL_CIPHERSUITES                          \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,      \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,        \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,      \
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384

#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
/* The server's certificate must be meant for a TLS server, as on the host
 * (Debian's build checks both): its extended key usage, when present, must
 * include serverAuth, and its key usage must allow the key exchange
 * (digitalSignature for ECDHE).  Without these a certificate issued for TLS
 * clients only, by any CA the board trusts, would be accepted. */
#define MBEDTLS_X509_CHECK_KEY_USAGE
#define MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE
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
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_BIGNUM_C

#define MBEDTLS_AES_C
/* AES tables in flash, not built in RAM at start-up: 8 KiB of RAM saved. */
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_NO_PLATFORM_ENTROPY

/* The service does not negotiate a smaller record size, so a whole 16 KiB
 * record must fit; requests are written in pieces, so 4 KiB out is enough. */
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096

#include "mbedtls/check_config.h"

#endif
