/* SPDX-License-Identifier: MIT */
/*
 * lkd_tls.h - one TLS client connection through mbedTLS over the port.
 *
 * Verification cannot be turned off: the peer's chain must lead to one of the
 * CA certificates given with lkd_tls_add_ca and name the host the caller
 * asked for (also sent as SNI).  A host that is an IP literal
 * (lkd_text_parse_ip) is sent as no SNI and must be an iPAddress
 * subjectAltName of the leaf, byte for byte; no DNS name or CN matches it.  TLS 1.2 is the minimum.  mbedTLS's I/O goes
 * through bio callbacks that call the port with the time left until the
 * call's deadline, so no handshake, write or read outlives it.  Nothing is
 * written to the connection before the handshake and verification succeed.
 *
 * Certificate validity periods are checked against the time the trusted_time
 * callback gives (the client's policy: README "The clock"), not mbedTLS's own
 * time source.  When that time is only a lower bound, a certificate that
 * expired before it is refused and the start of validity is not checked;
 * chain, signatures and host name are verified as always.
 *
 * Identity: a host is its exact name (ASCII letters compared lower-cased,
 * every other byte as is) and port, stored in full and compared byte for byte;
 * no hash decides it.  The open connection is reused only for the host:port it
 * was opened to.  The last session of up to LKD_TLS_SESSION_SLOTS hosts is kept
 * and offered only on the next connection to the same host:port (abbreviated
 * handshake, which checks no certificate).  A 1.2 session is kept when its
 * handshake ends, a 1.3 one from each ticket the server sends after it (read
 * by lkd_tls_read).  A handshake counts as resumed (tls->resumed) when it
 * verified no certificate.  A kept session expires after the server's ticket
 * lifetime and at most LKD_TLS_SESSION_MAX_S, and is dropped once the trusted
 * time passes the end of validity of the chain it was verified with, after a
 * handshake that offered it and failed or did not resume it, and, with a
 * static pool (MBEDTLS_MEMORY_BUFFER_ALLOC_C), when a connection to another
 * host begins: every handshake then has the pool the first one had.
 *
 * Memory: an allocation failure anywhere, also inside certificate
 * verification (which mbedTLS reports as an untrusted chain: the top
 * certificate's signature is checked again to tell), is LKD_ERR_NO_MEMORY.
 *
 * The TLS settings themselves (versions, suites, groups, certificate profile)
 * are those of lkd_tls_policy.h.
 */
#ifndef LKD_TLS_H
#define LKD_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "lkd_internal.h"
#include "lkd_port.h"
#include "lkd_status.h"


/* Initialise the contexts (under mbedTLS 3.x PSA too: psa_crypto_init), seed
 * the random generator from port->entropy, make it PSA's source
 * (lkd_psa_rng.h) and set up the client configuration.
 * Errors: LKD_ERR_ARG_NULL, LKD_ERR_NOT_PROVIDED (port->entropy answered it),
 * LKD_ERR_ENTROPY (it failed otherwise), LKD_ERR_NO_MEMORY (also PSA's
 * PSA_ERROR_INSUFFICIENT_MEMORY), LKD_ERR_TLS. */
lkd_status_t lkd_tls_init(lkd_tls_t *tls, const lkd_port_t *port, lkd_tls_time_fn trusted_time, void *time_ctx);

/* Add the CA certificates of a PEM text (one or several) or of one DER
 * certificate.  For PEM, len must count the terminating NUL (mbedTLS needs it).
 * Errors: LKD_ERR_ARG_NULL, LKD_ERR_ARG_EMPTY, LKD_ERR_STATE (not set up),
 * LKD_ERR_CERT (nothing parsed), LKD_ERR_NO_MEMORY (mbedTLS could not
 * allocate). */
lkd_status_t lkd_tls_add_ca(lkd_tls_t *tls, const uint8_t *data, size_t len);

/* A connection in two steps, so that a proxy's tunnel (lkd_proxy.h) can
 * be opened between them by the caller: lkd_tls_open closes what was open
 * and makes the TCP connection to connect_host:port (a name or an address;
 * NULL or "": host), or with tls->proxy set to connect_host (or the proxy's
 * host) at the proxy's port, by the monotonic deadline; tls->proxy_hop is
 * then LKD_PROXY_HOP_PROXY (or _NONE without a proxy).  lkd_tls_handshake
 * then does the handshake over it with SNI and verification against host
 * (the identity, kept session and certificate are host's, through a tunnel
 * too; tls->proxy_hop becomes LKD_PROXY_HOP_TUNNEL with a proxy).
 * lkd_tls_open's errors: LKD_ERR_ARG_NULL, LKD_ERR_ARG_EMPTY,
 * LKD_ERR_ARG_TOO_LONG (host over LKD_TLS_HOST_MAX bytes), LKD_ERR_STATE
 * (not set up, or no CA loaded), LKD_ERR_DNS, LKD_ERR_CONNECT,
 * LKD_ERR_TIMEOUT, LKD_ERR_ABORTED (tls->abort said stop, asked by the
 * port's connect).  lkd_tls_handshake's: LKD_ERR_ARG_TOO_LONG, LKD_ERR_CERT,
 * LKD_ERR_TLS, LKD_ERR_IO, LKD_ERR_CLOSED, LKD_ERR_TIMEOUT,
 * LKD_ERR_NO_MEMORY, LKD_ERR_ENTROPY (the random generator's reseed from
 * the port failed), LKD_ERR_ABORTED (between the handshake's waits, not
 * inside its computations).  On error the connection is closed (after
 * lkd_tls_open's success and a failed tunnel: lkd_tls_close). */
lkd_status_t lkd_tls_open(lkd_tls_t *tls, const char *host, const char *connect_host, uint16_t port,
                          uint64_t deadline);
lkd_status_t lkd_tls_handshake(lkd_tls_t *tls, const char *host, uint16_t port);

/* Both steps, for a connection without a tunnel (tls->proxy NULL): their
 * errors. */
lkd_status_t lkd_tls_connect(lkd_tls_t *tls, const char *host, const char *connect_host, uint16_t port,
                             uint64_t deadline);

/* 1 when a connection is open to exactly host:port (name compared ASCII
 * case-insensitively, byte for byte). */
int lkd_tls_is_open_to(const lkd_tls_t *tls, const char *host, uint16_t port);

/* 1 when the last connection's peer ended it with a TLS close_notify (the
 * only end that proves a close-delimited body complete); 0 for a bare TCP
 * close or reset.  Valid after lkd_tls_read said LKD_ERR_CLOSED, until the
 * next lkd_tls_open. */
int lkd_tls_peer_closed_cleanly(const lkd_tls_t *tls);

/* Write all len bytes by the deadline.
 * Errors: LKD_ERR_STATE (not open), LKD_ERR_TIMEOUT, LKD_ERR_ABORTED, LKD_ERR_CLOSED, LKD_ERR_IO, LKD_ERR_TLS. */
lkd_status_t lkd_tls_write_all(lkd_tls_t *tls, const uint8_t *data, size_t len, uint64_t deadline);

/* Read what is available (at least one byte) by the deadline.  A TLS 1.3
 * ticket met on the way is kept (see above) and reading goes on.
 * Errors: LKD_ERR_CLOSED (close_notify or EOF), LKD_ERR_TIMEOUT, LKD_ERR_ABORTED, LKD_ERR_IO, LKD_ERR_TLS,
 * LKD_ERR_ARG_NULL, LKD_ERR_ARG_EMPTY (len 0), LKD_ERR_STATE (not open). */
lkd_status_t lkd_tls_read(lkd_tls_t *tls, uint8_t *buf, size_t len, size_t *got, uint64_t deadline);

/* 1 when the application's abort callback (tls->abort) says stop. */
int lkd_tls_aborted(const lkd_tls_t *tls);

/* The one place a wait on the port is cut for the abort: send len bytes of
 * out (out != NULL), or receive up to len into in (in != NULL), on the TCP
 * connection tls->conn, or else sleep, until the deadline (and within
 * tls->idle_ms when set).  With an abort callback the port is given slices
 * of at most LKD_ABORT_POLL_MS, the callback asked before each; a slice that
 * times out is no failure.  The bios use it under TLS, lkd_call_sleep for
 * its pauses, and an exchange in the clear on the same connection before the
 * handshake (a proxy's CONNECT) may too.  *done as the port's send or recv
 * says.  Errors: the port's (LKD_ERR_CLOSED, LKD_ERR_IO), LKD_ERR_TIMEOUT (a
 * sleep's normal end), LKD_ERR_ABORTED. */
lkd_status_t lkd_tls_port_wait(lkd_tls_t *tls, const uint8_t *out, uint8_t *in, size_t len, size_t *done,
                               uint64_t deadline);

/* Close the connection (close_notify best effort, bounded by
 * LKD_TLS_CLOSE_NOTIFY_MS); the
 * contexts stay ready for the next lkd_tls_open. */
void lkd_tls_close(lkd_tls_t *tls);

/* Close and release everything mbedTLS holds. */
void lkd_tls_free(lkd_tls_t *tls);

#endif /* LKD_TLS_H */
