/* SPDX-License-Identifier: MIT */
/*
 * alt_user_config.h - Debian's default mbedTLS configuration with the
 * SHA-256 replaced (MBEDTLS_USER_CONFIG_FILE, read at the end of config.h):
 * mbedTLS's sha256.c then compiles none of its own context functions and
 * sha256.h takes the context from sha256_alt.h, as a board with a hardware
 * SHA-256 would.  See alt.mk.
 */
#define MBEDTLS_SHA256_ALT
