/* SPDX-License-Identifier: MIT */
/*
 * lkd_board_mbedtls_config.h - the board's mbedTLS 3.6 (Debian's source
 * package, build/src/mbedtls3): a TLS 1.2 + 1.3 client and nothing else.
 * Named so that 3.x's own mbedtls/mbedtls_config.h, found first on any
 * include path that has mbedTLS's headers, can never shadow it.
 *
 * X.509 verification (key usage and extended key usage included), the
 * suites and groups core/src/lkd_tls_policy.c offers (1.2: ECDHE with RSA
 * or ECDSA certificates, AES-GCM or ChaCha20-Poly1305; 1.3: AES-GCM and
 * ChaCha20-Poly1305; x25519, P-256, P-384), SHA-256/384, a CTR-DRBG; no file
 * system, sockets, threads or OS clock.  Memory comes from a static pool
 * (MEMORY_BUFFER_ALLOC_C) the firmware hands to
 * mbedtls_memory_buffer_alloc_init(); PLATFORM_NO_STD_FUNCTIONS keeps libc's
 * calloc/free out of the link, so the firmware has no system heap at all.
 *
 * LKD_BOARD_TLS13 (default 1) 0 builds the same board as a TLS 1.2 client
 * only: `make footprint` measures both.
 *
 * `make cross`, `make footprint`, the Cortex-M4 builds and boards/cmake-m4
 * compile against this file, and the host zero-malloc run (tests/pool)
 * links a host build of mbedTLS made with it.
 */
#ifndef LKD_BOARD_MBEDTLS_CONFIG_H
#define LKD_BOARD_MBEDTLS_CONFIG_H

#ifndef LKD_BOARD_TLS13
#define LKD_BOARD_TLS13 1
#endif

#define MBEDTLS_HAVE_ASM
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C

/* The client.  TLS 1.3 in 3.6 keeps the peer's certificate in the session
 * (it verifies CertificateVerify against it), so KEEP_PEER_CERTIFICATE
 * comes with it; 1.3's resumption is PSK + ECDHE, never PSK alone, which
 * would give up forward secrecy. */
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#if LKD_BOARD_TLS13
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#endif
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_SSL_SESSION_TICKETS
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_ENCRYPT_THEN_MAC
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED

#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
/* Nothing on the board prints certificates: no text descriptions (they
 * would also need snprintf, which PLATFORM_NO_STD_FUNCTIONS leaves out). */
#define MBEDTLS_X509_REMOVE_INFO
/* The server's certificate must be meant for a TLS server, as on the host:
 * its extended key usage, when present, must include serverAuth, and its
 * key usage must allow the key exchange (digitalSignature for ECDHE and for
 * 1.3's CertificateVerify).  Without these a certificate issued for TLS
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
/* RSA-PSS: a TLS 1.3 server signs its CertificateVerify with it whatever
 * its RSA certificate says; without X509_RSASSA_PSS_SUPPORT mbedTLS has no
 * PSS options to verify it with and refuses every RSA server on 1.3. */
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_BIGNUM_C

#define MBEDTLS_CIPHER_C
#define MBEDTLS_AES_C
/* AES tables in flash, not built in RAM at start-up: 8 KiB of RAM saved. */
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_HKDF_C
/* The client's generator, seeded from the port's entropy function.  No
 * MBEDTLS_ENTROPY_C: nothing in the library gathers entropy of its own. */
#define MBEDTLS_CTR_DRBG_C

/* PSA: 3.6's TLS 1.3 computes its key schedule, ECDHE and AEAD through it,
 * and USE_PSA_CRYPTO puts 1.2 on the same code.  Its random bytes are the
 * client's, as on the host (EXTERNAL_RNG: the core defines
 * mbedtls_psa_external_get_random over the client's CTR-DRBG), so PSA keeps
 * no DRBG or entropy collector and the board provides no
 * mbedtls_hardware_poll.  Key material lives in the static pool; a TLS
 * connection holds a few keys at a time, so 8 slots instead of 32 (each
 * slot is static RAM). */
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_USE_PSA_CRYPTO
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG
#define MBEDTLS_PSA_KEY_SLOT_COUNT 8
/* PSA copies every input and output buffer into the pool before using it
 * (against a caller sharing the memory across a trust boundary): for a
 * 16 KiB record that is 32 KiB more pool at each decryption.  The board has
 * one address space and PSA's callers are mbedTLS's own TLS code, so the
 * buffers are PSA's alone during a call.  The record is then decrypted in
 * place, which the built-in AES-GCM and ChaCha20-Poly1305 support. */
#define MBEDTLS_PSA_ASSUME_EXCLUSIVE_BUFFERS

/* The service does not negotiate a smaller record size, so a whole 16 KiB
 * record must fit; requests are written in pieces, so 4 KiB out is enough. */
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096

#endif
