/* SPDX-License-Identifier: MIT */
/*
 * lkd_port.h - everything the lkedoc core needs from a platform.
 *
 * A port is a table of functions the application hands to lkd_client_init().
 * Keep it small: a TCP connection with timeouts, two clocks, a sleep and an
 * entropy source.  Nothing else of the platform reaches core/.
 *
 * Ports in this tree: port/posix (Linux/BSD sockets), port/lwip (lwIP's
 * socket API under an RTOS), port/lwip-raw (lwIP's raw API without an OS,
 * NO_SYS 1), port/template (every function answers LKD_ERR_NOT_PROVIDED:
 * copy it to start a new board).
 *
 * Timeouts are in milliseconds and are the time left until the call's
 * deadline; a port must not block longer than it is given.
 *
 * Stopping a call: the core cuts every send, receive and sleep into waits of
 * at most LKD_ABORT_POLL_MS and asks the application's abort callback
 * (lkd_settings_t.abort) between them.  Only connect (a name lookup and a
 * TCP handshake, seconds on a bad network) is one port call it cannot cut:
 * the port is handed the callback and must ask it itself.
 */
#ifndef LKD_PORT_H
#define LKD_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "lkd_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A connection handle the port chooses (a file descriptor, a socket number,
 * an index into the port's own table).  LKD_PORT_NO_CONN means none. */
typedef intptr_t lkd_port_conn_t;
#define LKD_PORT_NO_CONN ((lkd_port_conn_t)-1)

/* Returned by wall_time when the device does not know the date. */
#define LKD_PORT_TIME_UNKNOWN ((int64_t)-1)

/* The longest a waiting call goes without asking its abort callback (ms):
 * the core between its waits, a port's connect inside its own. */
#define LKD_ABORT_POLL_MS 100u

/* Nonzero: stop the call (it ends with LKD_ERR_ABORTED). */
typedef int (*lkd_abort_fn)(void *user);

typedef struct lkd_port {
    /* Opaque pointer passed back to every function (may be NULL). */
    void *ctx;

    /* Open a TCP connection to host:port.  host is a DNS name or a numeric
     * address, NUL-terminated.  A port should try every address the name
     * resolves to until one connects.  abort is NULL, or the application's
     * callback (with abort_user): while abort is set, the port calls it at
     * least every LKD_ABORT_POLL_MS of its waits (the name lookup's and each
     * address's) and, when it answers nonzero, gives up, leaving nothing
     * open, with LKD_ERR_ABORTED.  A step the platform cannot cut (a
     * blocking resolver) is documented by its port.
     * Errors: LKD_ERR_DNS, LKD_ERR_CONNECT, LKD_ERR_TIMEOUT, LKD_ERR_ABORTED. */
    lkd_status_t (*connect)(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms, lkd_abort_fn abort,
                            void *abort_user, lkd_port_conn_t *conn);

    /* Send up to len bytes; *sent (>= 1 on LKD_OK) says how many left.
     * Errors: LKD_ERR_TIMEOUT (nothing could be sent in time), LKD_ERR_CLOSED,
     * LKD_ERR_IO. */
    lkd_status_t (*send)(void *ctx, lkd_port_conn_t conn, const uint8_t *data, size_t len, uint32_t timeout_ms,
                         size_t *sent);

    /* Receive up to len bytes, waiting at most timeout_ms for the first one.
     * *received >= 1 on LKD_OK.
     * Errors: LKD_ERR_TIMEOUT (nothing arrived in time), LKD_ERR_CLOSED (the
     * peer closed cleanly), LKD_ERR_IO (reset or other failure). */
    lkd_status_t (*recv)(void *ctx, lkd_port_conn_t conn, uint8_t *buf, size_t len, uint32_t timeout_ms,
                         size_t *received);

    /* Close the connection; never fails. */
    void (*close)(void *ctx, lkd_port_conn_t conn);

    /* Seconds since 1970-01-01 UTC, or LKD_PORT_TIME_UNKNOWN. */
    int64_t (*wall_time)(void *ctx);

    /* A millisecond counter that never goes back (wrap-around after 2^64 ms
     * is not a concern). */
    uint64_t (*monotonic_ms)(void *ctx);

    /* Sleep about ms milliseconds. */
    void (*sleep_ms)(void *ctx, uint32_t ms);

    /* Fill buf with len bytes of cryptographically strong randomness; these
     * seed the client's CTR-DRBG, and every random byte the TLS stack uses is
     * drawn from that generator: the handshake's randoms and, with mbedTLS
     * 3.x, PSA's (TLS 1.3's ephemeral ECDHE keys), which the client feeds
     * through MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG: a 3.x build with PSA must
     * define it, and then needs no MBEDTLS_ENTROPY_C, platform source or
     * mbedtls_hardware_poll.  Called at lkd_client_init (seed) and whenever
     * the generator reseeds.  PSA's generator is process-wide: under 3.x it
     * draws from the client that was set up or began a handshake last, so
     * clients may be used one after another but not at the same time from
     * different threads.  Errors: LKD_ERR_ENTROPY (a handshake whose reseed
     * fails ends with it too), or LKD_ERR_NOT_PROVIDED while the board has no
     * source yet (port/template), which lkd_client_init then answers. */
    lkd_status_t (*entropy)(void *ctx, uint8_t *buf, size_t len);
} lkd_port_t;

#ifdef __cplusplus
}
#endif

#endif /* LKD_PORT_H */
