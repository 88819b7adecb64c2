/* SPDX-License-Identifier: MIT */
/*
 * lkd_proxy.h - internal: the tunnel through an HTTP proxy (CONNECT), and
 * which hosts bypass it.  lkd_tls_connect opens the tunnel over the TCP
 * connection to the proxy before its handshake with the origin.  Not for
 * applications.
 */
#ifndef LKD_PROXY_H
#define LKD_PROXY_H

#include <stddef.h>
#include <stdint.h>

#include "lkd_internal.h"
#include "lkd_status.h"

/* The longest CONNECT request: the request line and Host for a 253-byte
 * name with its port, and Basic credentials of LKD_PROXY_CREDENTIAL_MAX
 * bytes each. */
#define LKD_PROXY_REQUEST_MAX                                                                                  \
    (2u * (LKD_TLS_HOST_MAX + 6u) + 8u + 19u + 29u + 4u * ((2u * LKD_PROXY_CREDENTIAL_MAX + 3u) / 3u) + 4u)

/* The most bytes a proxy's answer head may have (status line, headers and
 * the blank line): past it the answer is not one a proxy sends. */
#define LKD_PROXY_HEAD_MAX 4096u

/* Write the CONNECT request for host:port through p into out[0..cap): the
 * request line, Host, and Proxy-Authorization: Basic when p->user is set;
 * *len bytes.  Errors: LKD_ERR_BUFFER_TOO_SMALL (never for settings
 * lkd_client_init accepted and cap LKD_PROXY_REQUEST_MAX). */
lkd_status_t lkd_proxy_request(const lkd_proxy_t *p, const char *host, uint16_t port, char *out, size_t cap,
                               size_t *len);

/* 1 when the no_proxy list (NULL: none; lkd_proxy_t's rules) says host:port
 * is reached directly. */
int lkd_proxy_bypassed(const char *no_proxy, const char *host, uint16_t port);

/* The exchange's one wait on the network: send (sending 1) or receive up
 * to len bytes on tls->conn, *done of them, waiting no longer than the rest
 * of tls->deadline (and tls->idle_ms when set), as lkd_tls's own I/O does.
 * Errors: LKD_ERR_TIMEOUT (no time left, or the port's), the port's. */
lkd_status_t lkd_proxy_io(lkd_tls_t *tls, uint8_t *buf, size_t len, size_t *done, int sending);

/* Over tls->conn, open to the proxy tls->proxy: send the CONNECT for
 * host:port and read the answer's head byte by byte, so that not one byte
 * of what follows it (the origin's TLS) is taken, by tls->deadline (and
 * tls->idle_ms per wait).  tls->proxy_status is the answer's status (0 when
 * none was read).  The request, which holds the proxy's credentials, is
 * wiped.  Errors: LKD_ERR_PROXY_AUTH (407, or 401, which tinyproxy answers
 * for bad credentials), LKD_ERR_PROXY (another status
 * than 2xx, or an answer that is not HTTP or has a head over
 * LKD_PROXY_HEAD_MAX bytes), LKD_ERR_TIMEOUT, LKD_ERR_CLOSED (cut before
 * the head ended), LKD_ERR_IO, LKD_ERR_BUFFER_TOO_SMALL. */
lkd_status_t lkd_proxy_tunnel(lkd_tls_t *tls, const char *host, uint16_t port);

#endif /* LKD_PROXY_H */
