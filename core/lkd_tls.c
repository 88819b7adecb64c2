/*
 * lkd_tls.c - mbedTLS over the port (see lkd_tls.h).
 */
#include "lkd_tls.h"

#include <string.h>

#include <mbedtls/asn1.h>
#include <mbedtls/bignum.h>
#include <mbedtls/cipher.h>
#include <mbedtls/ecp.h>
#include <mbedtls/error.h>
#include <mbedtls/md.h>
#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/net_sockets.h>

#include "lkd_config.h"
#include "lkd_time.h"
#include "lkd_tls_policy.h"

/* Time the best-effort close_notify may take. */
#define CLOSE_NOTIFY_MS 100u

static uint32_t time_left(const lkd_tls_t *tls)
{
    uint64_t now = tls->port->monotonic_ms(tls->port->ctx);
    uint64_t left;
    if (now >= tls->deadline) {
        return 0;
    }
    left = tls->deadline - now;
    return left > 0xffffffffu ? 0xffffffffu : (uint32_t)left;
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    lkd_tls_t *tls = (lkd_tls_t *)ctx;
    size_t sent = 0;
    uint32_t left = time_left(tls);
    if (left == 0) {
        tls->io_status = LKD_ERR_TIMEOUT;
        return MBEDTLS_ERR_SSL_TIMEOUT;
    }
    tls->io_status = tls->port->send(tls->port->ctx, tls->conn, buf, len, left, &sent);
    if (tls->io_status == LKD_OK) {
        return (int)(sent > 0x7fffffff ? 0x7fffffff : sent);
    }
    return tls->io_status == LKD_ERR_TIMEOUT ? MBEDTLS_ERR_SSL_TIMEOUT : MBEDTLS_ERR_NET_SEND_FAILED;
}

/* mbedTLS's own timeout argument is ignored: the call's deadline rules. */
static int bio_recv_timeout(void *ctx, unsigned char *buf, size_t len, uint32_t timeout)
{
    lkd_tls_t *tls = (lkd_tls_t *)ctx;
    size_t got = 0;
    uint32_t left = time_left(tls);
    (void)timeout;
    if (left == 0) {
        tls->io_status = LKD_ERR_TIMEOUT;
        return MBEDTLS_ERR_SSL_TIMEOUT;
    }
    tls->io_status = tls->port->recv(tls->port->ctx, tls->conn, buf, len, left, &got);
    switch (tls->io_status) {
    case LKD_OK: return (int)(got > 0x7fffffff ? 0x7fffffff : got);
    case LKD_ERR_CLOSED: return 0; /* EOF: mbedTLS reports MBEDTLS_ERR_SSL_CONN_EOF */
    case LKD_ERR_TIMEOUT: return MBEDTLS_ERR_SSL_TIMEOUT;
    default: return MBEDTLS_ERR_NET_RECV_FAILED;
    }
}

static int drbg_entropy(void *ctx, unsigned char *buf, size_t len)
{
    const lkd_port_t *port = (const lkd_port_t *)ctx;
    return port->entropy(port->ctx, buf, len) == LKD_OK ? 0 : MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
}

/* The codes by which mbedTLS modules say an allocation failed.  On a board
 * this means its static pool is too small, which must not read as a protocol
 * failure. */
static const int alloc_failures[] = {
    MBEDTLS_ERR_SSL_ALLOC_FAILED, MBEDTLS_ERR_X509_ALLOC_FAILED, MBEDTLS_ERR_PK_ALLOC_FAILED,
    MBEDTLS_ERR_ECP_ALLOC_FAILED, MBEDTLS_ERR_CIPHER_ALLOC_FAILED, MBEDTLS_ERR_MD_ALLOC_FAILED,
    MBEDTLS_ERR_PEM_ALLOC_FAILED, MBEDTLS_ERR_MPI_ALLOC_FAILED, MBEDTLS_ERR_ASN1_ALLOC_FAILED,
};

/* rc (< 0) names an allocation failure in its high-level part (bits 7..14)
 * or its low-level part (bits 0..6). */
static int is_alloc_failure(int rc)
{
    int high = -((-rc) & 0x7F80), low = -((-rc) & 0x7F);
    size_t i;
    for (i = 0; i < sizeof alloc_failures / sizeof alloc_failures[0]; i++) {
        if (alloc_failures[i] == high || alloc_failures[i] == low) {
            return 1;
        }
    }
    return 0;
}

/* Map an mbedTLS failure to the client's error model. */
static lkd_status_t map_error(lkd_tls_t *tls, int rc)
{
    tls->last_mbedtls_error = rc;
    if (is_alloc_failure(rc)) {
        return LKD_ERR_NO_MEMORY;
    }
    switch (rc) {
    case MBEDTLS_ERR_SSL_TIMEOUT:
    case MBEDTLS_ERR_SSL_WANT_READ:  /* still wanted I/O when the deadline came (see again()) */
    case MBEDTLS_ERR_SSL_WANT_WRITE: return LKD_ERR_TIMEOUT;
    case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
    case MBEDTLS_ERR_SSL_CONN_EOF: return LKD_ERR_CLOSED;
    case MBEDTLS_ERR_X509_CERT_VERIFY_FAILED: return LKD_ERR_CERT;
    case MBEDTLS_ERR_NET_SEND_FAILED:
    case MBEDTLS_ERR_NET_RECV_FAILED:
        return tls->io_status != LKD_OK ? tls->io_status : LKD_ERR_IO;
    default: return LKD_ERR_TLS;
    }
}

/* mbedTLS asks to be called again: our bios never say WANT_READ/WANT_WRITE,
 * but mbedtls_ssl_read does after it refused a server's HelloRequest, and a
 * port may one day be non-blocking.  Retry while the deadline allows. */
static int again(const lkd_tls_t *tls, int rc)
{
    return (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) && time_left(tls) > 0;
}

static int64_t x509_unix(const mbedtls_x509_time *t)
{
    if (t->year < 1970 || t->mon < 1 || t->mon > 12) {
        return -1;
    }
    return (int64_t)lkd_time_days_from_civil((uint32_t)t->year, (unsigned)t->mon, (unsigned)t->day) * 86400 +
           t->hour * 3600 +
           t->min * 60 + t->sec;
}

/* Replace mbedTLS's validity-period check (which reads the system clock) by
 * one against the client's trusted time, or only the floor while it is
 * unknown.  Every other verification flag is left as mbedTLS set it. */
static int verify_validity(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    lkd_tls_t *tls = (lkd_tls_t *)ctx;
    int64_t now = tls->trusted_time != NULL ? tls->trusted_time(tls->time_ctx) : -1;
    int64_t from = x509_unix(&crt->valid_from), to = x509_unix(&crt->valid_to);
    (void)depth;
    *flags &= ~(uint32_t)(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE);
    if (now < 0) {
        if (to < (int64_t)LKD_TIME_FLOOR) {
            *flags |= MBEDTLS_X509_BADCERT_EXPIRED;
        }
        return 0;
    }
    if (to < now) {
        *flags |= MBEDTLS_X509_BADCERT_EXPIRED;
    }
    if (from > now) {
        *flags |= MBEDTLS_X509_BADCERT_FUTURE;
    }
    return 0;
}

/* FNV-1a of "host:port", never 0 (0 marks an empty slot). */
static uint32_t session_key(const char *host, uint16_t port)
{
    uint32_t h = 2166136261u;
    for (; *host != '\0'; host++) {
        h = (h ^ (uint8_t)*host) * 16777619u;
    }
    h = (h ^ (uint8_t)(port >> 8)) * 16777619u;
    h = (h ^ (uint8_t)port) * 16777619u;
    return h == 0 ? 1 : h;
}

lkd_status_t lkd_tls_init(lkd_tls_t *tls, const lkd_port_t *port, lkd_tls_time_fn trusted_time, void *time_ctx)
{
    size_t i;
    int rc;
    static const unsigned char personalization[] = "lkedoc tls";
    if (tls == NULL || port == NULL || port->entropy == NULL) {
        return LKD_ERR_ARG;
    }
    memset(tls, 0, sizeof *tls);
    tls->port = port;
    tls->conn = LKD_PORT_NO_CONN;
    tls->trusted_time = trusted_time;
    tls->time_ctx = time_ctx;
    for (i = 0; i < LKD_TLS_SESSION_SLOTS; i++) {
        mbedtls_ssl_session_init(&tls->sessions[i]);
    }
    mbedtls_ssl_init(&tls->ssl);
    mbedtls_ssl_config_init(&tls->conf);
    mbedtls_x509_crt_init(&tls->ca);
    mbedtls_ctr_drbg_init(&tls->drbg);
    if (mbedtls_ctr_drbg_seed(&tls->drbg, drbg_entropy, (void *)port, personalization,
                              sizeof personalization - 1) != 0) {
        lkd_tls_free(tls);
        return LKD_ERR_ENTROPY;
    }
    rc = mbedtls_ssl_config_defaults(&tls->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                     MBEDTLS_SSL_PRESET_DEFAULT);
    if (rc != 0) {
        lkd_tls_free(tls);
        return map_error(tls, rc);
    }
    (void)lkd_tls_policy_apply(&tls->conf); /* fails only for a NULL configuration */
    mbedtls_ssl_conf_authmode(&tls->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_min_version(&tls->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_rng(&tls->conf, mbedtls_ctr_drbg_random, &tls->drbg);
    mbedtls_ssl_conf_ca_chain(&tls->conf, &tls->ca, NULL);
    mbedtls_ssl_conf_verify(&tls->conf, verify_validity, tls);
    rc = mbedtls_ssl_setup(&tls->ssl, &tls->conf);
    if (rc != 0) {
        lkd_tls_free(tls);
        return map_error(tls, rc);
    }
    mbedtls_ssl_set_bio(&tls->ssl, tls, bio_send, NULL, bio_recv_timeout);
    tls->ready = 1;
    return LKD_OK;
}

lkd_status_t lkd_tls_add_ca(lkd_tls_t *tls, const uint8_t *data, size_t len)
{
    int rc;
    if (tls == NULL || !tls->ready || data == NULL || len == 0) {
        return LKD_ERR_ARG;
    }
    rc = mbedtls_x509_crt_parse(&tls->ca, data, len);
    /* A positive rc counts certificates of a bundle that failed to parse:
     * system bundles hold a few mbedTLS cannot read, the rest are usable. */
    if (rc < 0 || tls->ca.version == 0) {
        tls->last_mbedtls_error = rc;
        return rc < 0 && is_alloc_failure(rc) ? LKD_ERR_NO_MEMORY : LKD_ERR_CERT;
    }
    tls->ca_count = 1;
    return LKD_OK;
}

lkd_status_t lkd_tls_connect(lkd_tls_t *tls, const char *host, const char *connect_host, uint16_t port,
                             uint64_t deadline)
{
    lkd_status_t st;
    int rc;
    uint32_t key;
    size_t slot;
    unsigned char offered_master[48];
    int offered = 0;
    if (tls == NULL || !tls->ready || host == NULL || host[0] == '\0') {
        return LKD_ERR_ARG;
    }
    if (tls->ca_count == 0) {
        return LKD_ERR_STATE;
    }
    lkd_tls_close(tls);
    tls->deadline = deadline;
    tls->io_status = LKD_OK;
    tls->verify_flags = 0;
    tls->last_mbedtls_error = 0;
    if (time_left(tls) == 0) {
        return LKD_ERR_TIMEOUT;
    }
    st = tls->port->connect(tls->port->ctx, connect_host != NULL && connect_host[0] ? connect_host : host, port,
                            time_left(tls), &tls->conn);
    if (st != LKD_OK) {
        tls->conn = LKD_PORT_NO_CONN;
        return st;
    }
    rc = mbedtls_ssl_set_hostname(&tls->ssl, host);
    if (rc != 0) {
        lkd_tls_close(tls);
        return map_error(tls, rc) == LKD_ERR_NO_MEMORY ? LKD_ERR_NO_MEMORY : LKD_ERR_ARG;
    }
    key = session_key(host, port);
    for (slot = 0; slot < LKD_TLS_SESSION_SLOTS && tls->session_key[slot] != key; slot++) {
    }
    if (slot < LKD_TLS_SESSION_SLOTS && mbedtls_ssl_set_session(&tls->ssl, &tls->sessions[slot]) == 0) {
        memcpy(offered_master, tls->sessions[slot].master, sizeof offered_master);
        offered = 1;
    }
    do {
        rc = mbedtls_ssl_handshake(&tls->ssl);
    } while (again(tls, rc));
    if (rc != 0) {
        st = map_error(tls, rc);
        tls->verify_flags = mbedtls_ssl_get_verify_result(&tls->ssl);
        if (tls->verify_flags != 0 && tls->verify_flags != (uint32_t)-1) {
            st = LKD_ERR_CERT;
        }
        tls->port->close(tls->port->ctx, tls->conn);
        tls->conn = LKD_PORT_NO_CONN;
        mbedtls_ssl_session_reset(&tls->ssl);
        return st;
    }
    tls->open = 1;
    tls->open_key = key;
    tls->handshakes++;
    /* A resumed session keeps the master secret of the one offered; a full
     * handshake (also after a refused ticket) makes a new random one. */
    if (offered && tls->ssl.session != NULL &&
        memcmp(tls->ssl.session->master, offered_master, sizeof offered_master) == 0) {
        tls->resumed++;
    }
    mbedtls_platform_zeroize(offered_master, sizeof offered_master);
    if (slot == LKD_TLS_SESSION_SLOTS) {
        slot = tls->next_slot;
        tls->next_slot = (uint8_t)((tls->next_slot + 1u) % LKD_TLS_SESSION_SLOTS);
    }
    mbedtls_ssl_session_free(&tls->sessions[slot]);
    mbedtls_ssl_session_init(&tls->sessions[slot]);
    tls->session_key[slot] = mbedtls_ssl_get_session(&tls->ssl, &tls->sessions[slot]) == 0 ? key : 0;
    return LKD_OK;
}

int lkd_tls_is_open_to(const lkd_tls_t *tls, const char *host, uint16_t port)
{
    return tls != NULL && tls->open && host != NULL && tls->open_key == session_key(host, port);
}

lkd_status_t lkd_tls_write_all(lkd_tls_t *tls, const uint8_t *data, size_t len, uint64_t deadline)
{
    if (tls == NULL || !tls->open) {
        return LKD_ERR_STATE;
    }
    tls->deadline = deadline;
    while (len > 0) {
        int rc = mbedtls_ssl_write(&tls->ssl, data, len);
        if (rc > 0) {
            data += rc;
            len -= (size_t)rc;
            continue;
        }
        /* After WANT_WRITE the same data must be offered again: the loop does.
         * (mbedtls_ssl_write never returns 0 for len > 0.) */
        if (again(tls, rc)) {
            continue;
        }
        return map_error(tls, rc);
    }
    return LKD_OK;
}

lkd_status_t lkd_tls_read(lkd_tls_t *tls, uint8_t *buf, size_t len, size_t *got, uint64_t deadline)
{
    if (tls == NULL || !tls->open || buf == NULL || got == NULL || len == 0) {
        return tls != NULL && !tls->open ? LKD_ERR_STATE : LKD_ERR_ARG;
    }
    tls->deadline = deadline;
    for (;;) {
        int rc = mbedtls_ssl_read(&tls->ssl, buf, len);
        if (rc > 0) {
            *got = (size_t)rc;
            return LKD_OK;
        }
        if (rc == 0) {
            return LKD_ERR_CLOSED;
        }
        if (again(tls, rc)) {
            continue;
        }
        return map_error(tls, rc);
    }
}

void lkd_tls_close(lkd_tls_t *tls)
{
    if (tls == NULL || !tls->ready) {
        return;
    }
    if (tls->open) {
        tls->deadline = tls->port->monotonic_ms(tls->port->ctx) + CLOSE_NOTIFY_MS;
        (void)mbedtls_ssl_close_notify(&tls->ssl);
    }
    if (tls->conn != LKD_PORT_NO_CONN) {
        tls->port->close(tls->port->ctx, tls->conn);
        tls->conn = LKD_PORT_NO_CONN;
    }
    if (tls->open) {
        mbedtls_ssl_session_reset(&tls->ssl);
        tls->open = 0;
    }
}

void lkd_tls_free(lkd_tls_t *tls)
{
    size_t i;
    if (tls == NULL) {
        return;
    }
    lkd_tls_close(tls);
    for (i = 0; i < LKD_TLS_SESSION_SLOTS; i++) {
        mbedtls_ssl_session_free(&tls->sessions[i]);
        tls->session_key[i] = 0;
    }
    mbedtls_ssl_free(&tls->ssl);
    mbedtls_ssl_config_free(&tls->conf);
    mbedtls_x509_crt_free(&tls->ca);
    mbedtls_ctr_drbg_free(&tls->drbg);
    tls->ready = 0;
}
