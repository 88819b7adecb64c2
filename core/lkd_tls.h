/*
 * lkd_tls.h - one TLS client connection through mbedTLS over the port.
 *
 * Verification cannot be turned off: the peer's chain must lead to one of the
 * CA certificates given with lkd_tls_set_ca_pem and name the host the caller
 * asked for (also sent as SNI).  TLS 1.2 is the minimum.  mbedTLS's I/O goes
 * through bio callbacks that call the port with the time left until the
 * call's deadline, so no handshake, write or read outlives it.  Nothing is
 * written to the connection before the handshake and verification succeed.
 *
 * Certificate validity periods are checked against the client's trusted time
 * (the trusted_time callback: the server-corrected clock, or the device clock),
 * not mbedTLS's own time source.  While that time is unknown (a device whose
 * clock was never set and that has not yet heard a server) only the lower
 * bound LKD_TIME_FLOOR applies: a certificate that expired before it is
 * refused; chain, signatures and host name are verified as always.
 *
 * The last session of up to LKD_TLS_SESSION_SLOTS hosts is kept and offered
 * on the next connection to the same host:port (abbreviated handshake).
 */
#ifndef LKD_TLS_H
#define LKD_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "lkd_status.h"
#include "port.h"

#define LKD_TLS_SESSION_SLOTS 2

/* Unix seconds the client trusts now, or -1 when it does not know. */
typedef int64_t (*lkd_tls_time_fn)(void *ctx);

typedef struct {
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt ca;
    mbedtls_ctr_drbg_context drbg;
    const lkd_port_t *port;
    lkd_port_conn_t conn;
    uint64_t deadline;        /* monotonic ms the current call must end by */
    lkd_status_t io_status;   /* what the port last reported (mapped from mbedTLS errors) */
    int last_mbedtls_error;   /* for diagnostics: the last negative mbedTLS code */
    uint32_t verify_flags;    /* MBEDTLS_X509_BADCERT_* of the last failed verification */
    uint32_t handshakes;      /* completed handshakes since init */
    uint32_t resumed;         /* of which abbreviated (session resumed) */
    lkd_tls_time_fn trusted_time;
    void *time_ctx;
    mbedtls_ssl_session sessions[LKD_TLS_SESSION_SLOTS];
    uint32_t session_key[LKD_TLS_SESSION_SLOTS]; /* hash of host:port, 0 = empty */
    uint8_t next_slot;
    uint32_t open_key;        /* session key of the host:port the open connection goes to */
    uint8_t ca_count;         /* CA certificates loaded */
    uint8_t ready;            /* setup done */
    uint8_t open;             /* a verified connection is up */
} lkd_tls_t;

/* Initialise the contexts, seed the random generator from port->entropy and
 * set up the client configuration.
 * Errors: LKD_ERR_ARG, LKD_ERR_ENTROPY, LKD_ERR_TLS. */
lkd_status_t lkd_tls_init(lkd_tls_t *tls, const lkd_port_t *port, lkd_tls_time_fn trusted_time, void *time_ctx);

/* Add the CA certificates of a PEM text (one or several) or of one DER
 * certificate.  For PEM, len must count the terminating NUL (mbedTLS needs it).
 * Errors: LKD_ERR_ARG (NULL/empty), LKD_ERR_CERT (nothing parsed). */
lkd_status_t lkd_tls_add_ca(lkd_tls_t *tls, const uint8_t *data, size_t len);

/* Connect to connect_host:port (a name or an address), do the handshake with
 * SNI and verification against host, by the monotonic deadline.
 * Errors: LKD_ERR_STATE (no CA loaded), LKD_ERR_DNS, LKD_ERR_CONNECT,
 * LKD_ERR_TIMEOUT, LKD_ERR_CERT, LKD_ERR_TLS, LKD_ERR_IO, LKD_ERR_CLOSED.
 * On error the connection is closed. */
lkd_status_t lkd_tls_connect(lkd_tls_t *tls, const char *host, const char *connect_host, uint16_t port,
                             uint64_t deadline);

/* 1 when a connection is open to host:port. */
int lkd_tls_is_open_to(const lkd_tls_t *tls, const char *host, uint16_t port);

/* Write all len bytes by the deadline.
 * Errors: LKD_ERR_STATE (not open), LKD_ERR_TIMEOUT, LKD_ERR_CLOSED, LKD_ERR_IO, LKD_ERR_TLS. */
lkd_status_t lkd_tls_write_all(lkd_tls_t *tls, const uint8_t *data, size_t len, uint64_t deadline);

/* Read what is available (at least one byte) by the deadline.
 * Errors: LKD_ERR_CLOSED (close_notify or EOF), LKD_ERR_TIMEOUT, LKD_ERR_IO, LKD_ERR_TLS. */
lkd_status_t lkd_tls_read(lkd_tls_t *tls, uint8_t *buf, size_t len, size_t *got, uint64_t deadline);

/* Close the connection (close_notify best effort, bounded by 100 ms); the
 * contexts stay ready for the next lkd_tls_connect. */
void lkd_tls_close(lkd_tls_t *tls);

/* Close and release everything mbedTLS holds. */
void lkd_tls_free(lkd_tls_t *tls);

#endif /* LKD_TLS_H */
