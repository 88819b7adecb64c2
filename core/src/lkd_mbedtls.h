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
/* 1.3 sessions arrive after the handshake (NewSessionTicket) and are saved
 * then; 1.2's are saved when the handshake ends. */
#define LKD_MBEDTLS_IS_TLS12(ssl) (mbedtls_ssl_get_version_number(ssl) == MBEDTLS_SSL_VERSION_TLS1_2)
/* The server's ticket lifetime hint (s, 0 when the session has no ticket).
 * 3.x keeps it private and gives a client no accessor; it is the one private
 * field the core reads, and only to offer a ticket no longer than its server
 * said (3.6 checks a 1.3 ticket's age itself, but only against its own
 * clock, and never a 1.2 ticket's). */
#define LKD_MBEDTLS_TICKET_LIFETIME(session) ((session)->MBEDTLS_PRIVATE(ticket_lifetime))
/* The record mbedTLS last read: after MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE it
 * is the alert (level, description; mbedTLS checked its length is 2).  No
 * accessor gives the description, and under TLS 1.3 the alert is encrypted,
 * so the bio cannot read it either; read only right after that error. */
#define LKD_MBEDTLS_IN_MSG(ssl) ((ssl)->MBEDTLS_PRIVATE(in_msg))
#define LKD_MBEDTLS_IN_MSGTYPE(ssl) ((ssl)->MBEDTLS_PRIVATE(in_msgtype))
#define LKD_MBEDTLS_VERSION_REFUSED MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION
#else
#define LKD_MBEDTLS3 0
#define LKD_MBEDTLS_IS_TLS12(ssl) 1 /* 2.28's client speaks nothing else (its minimum is 1.2) */
#define LKD_MBEDTLS_TICKET_LIFETIME(session) ((session)->ticket_lifetime)
#define LKD_MBEDTLS_IN_MSG(ssl) ((ssl)->in_msg)
#define LKD_MBEDTLS_IN_MSGTYPE(ssl) ((ssl)->in_msgtype)
#define LKD_MBEDTLS_VERSION_REFUSED MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION
#endif

#endif /* LKD_MBEDTLS_H */
