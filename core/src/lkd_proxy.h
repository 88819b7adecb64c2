/* SPDX-License-Identifier: MIT */
/*
 * lkd_proxy.h - internal: the tunnel through an HTTP proxy (CONNECT), and
 * which hosts bypass it.  lkd_call_connect opens the tunnel over the TCP
 * connection to the proxy before its handshake with the origin.  Not for
 * applications.
 */
#ifndef LKD_PROXY_H
#define LKD_PROXY_H

#include <stddef.h>
#include <stdint.h>

#include "lkd_internal.h"
#include "lkd_status.h"

/* The longest CONNECT request: the request line ("CONNECT ", host:port,
 * " HTTP/1.1\r\n") and Host for a 253-byte name with a 5-digit port, Basic
 * credentials of LKD_PROXY_CREDENTIAL_MAX bytes each (base64 of user ':'
 * password), and the blank line. */
#define LKD_PROXY_REQUEST_MAX                                                                                  \
    (2u * (LKD_TLS_HOST_MAX + 6u) + 8u + 17u + 29u + 4u * ((2u * LKD_PROXY_CREDENTIAL_MAX + 3u) / 3u) + 4u)

/* The request goes out in pieces of this many bytes (a stack buffer). */
#define LKD_PROXY_SEND_CHUNK 64u

/* The most bytes a proxy's answer head may have (status line, headers and
 * the blank line): past it the answer is not one a proxy sends. */
#define LKD_PROXY_HEAD_MAX 4096u

/* 1 when the no_proxy list (NULL: none; lkd_proxy_t's rules) says host:port
 * is reached directly. */
int lkd_proxy_bypassed(const char *no_proxy, const char *host, uint16_t port);

/* The exchange's one wait on the network: send (sending 1) or receive up
 * to len bytes on tls->conn, *done of them, by tls->deadline (and
 * tls->idle_ms when set), the abort polled: lkd_tls_port_wait, as lkd_tls's
 * own I/O waits.
 * Errors: LKD_ERR_TIMEOUT (no time left), LKD_ERR_ABORTED, the port's. */
lkd_status_t lkd_proxy_io(lkd_tls_t *tls, uint8_t *buf, size_t len, size_t *done, int sending);

/* Over tls->conn, open to the proxy tls->proxy: send the CONNECT for
 * host:port (the request line, Host, and Proxy-Authorization: Basic when
 * tls->proxy->user is set) in pieces of LKD_PROXY_SEND_CHUNK bytes, and read
 * the answer's head into http (head-only) byte by byte, so that not one
 * byte of what follows it (the origin's TLS) is taken, by tls->deadline (and
 * tls->idle_ms per wait).  tls->proxy_status is the status of a complete
 * answer head (0 when none was read).  The buffer that held the
 * credentials is wiped.  Errors: LKD_ERR_PROXY_AUTH (407, or 401, which
 * tinyproxy answers for bad credentials), LKD_ERR_PROXY (another status
 * than 2xx, or an answer that is not HTTP or has a head over
 * LKD_PROXY_HEAD_MAX bytes), LKD_ERR_TIMEOUT, LKD_ERR_CLOSED (cut before
 * the head ended), LKD_ERR_IO, LKD_ERR_ABORTED. */
lkd_status_t lkd_proxy_tunnel(lkd_tls_t *tls, lkd_http_parser_t *http, const char *host, uint16_t port);

#endif /* LKD_PROXY_H */
