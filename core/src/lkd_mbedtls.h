/* SPDX-License-Identifier: MIT */
/*
 * lkd_mbedtls.h - the few places where mbedTLS 2.28 and 3.x differ, named
 * once so the core reads the same against both generations (SHA-256's
 * names are lkd_hash.c's).
 *
 * mbedtls/version.h pulls in each generation's configuration (2.28:
 * mbedtls/config.h or MBEDTLS_CONFIG_FILE; 3.x: mbedtls/build_info.h, which
 * reads MBEDTLS_CONFIG_FILE), so MBEDTLS_VERSION_NUMBER and the MBEDTLS_*_C
 * options are known after it.
 */
#ifndef LKD_MBEDTLS_H
#define LKD_MBEDTLS_H

#include <mbedtls/version.h>

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define LKD_MBEDTLS3 1
/* 3.x made most structure fields private; those without an accessor yet
 * (the session's master secret and ticket) are reached through 3.x's own
 * macro until TLS 1.3's public API replaces them (issue 13, item 2). */
#define LKD_MBEDTLS_PRIV(field) MBEDTLS_PRIVATE(field)
/* A 1.3 session has no 1.2 master secret (it stays zero), so comparing it
 * would call every 1.3 handshake a resumption: resumption is counted for
 * 1.2 only until 1.3's tickets are taken (issue 13, item 2). */
#define LKD_MBEDTLS_IS_TLS12(ssl) (mbedtls_ssl_get_version_number(ssl) == MBEDTLS_SSL_VERSION_TLS1_2)
#else
#define LKD_MBEDTLS3 0
#define LKD_MBEDTLS_PRIV(field) field
#define LKD_MBEDTLS_IS_TLS12(ssl) 1 /* 2.28's client speaks nothing else (its minimum is 1.2) */
#endif

#endif /* LKD_MBEDTLS_H */
