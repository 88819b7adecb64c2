/* SPDX-License-Identifier: MIT */
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
#include <mbedtls/oid.h>
#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/net_sockets.h>
#if defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif

#include "lkd_mbedtls.h"
#include "lkd_psa_rng.h"

#include "lkd_config.h"
#include "lkd_text.h"
#include "lkd_time.h"
#include "lkd_tls_policy.h"
#include "lkd_tls_sniff.h"

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

/* What one connect, send or receive may wait: the deadline's rest, and no
 * more than idle_ms when it is set (a download gives up on a silent or
 * unreachable store and resumes rather than waiting out its deadline). */
static uint32_t io_limit(const lkd_tls_t *tls)
{
    uint32_t left = time_left(tls);
    return tls->idle_ms > 0 && left > tls->idle_ms ? tls->idle_ms : left;
}

int lkd_tls_aborted(const lkd_tls_t *tls)
{
    return tls->abort != NULL && tls->abort(tls->abort_user) != 0;
}

lkd_status_t lkd_tls_port_wait(lkd_tls_t *tls, const uint8_t *out, uint8_t *in, size_t len, size_t *done,
                               uint64_t deadline)
{
    lkd_status_t st = LKD_ERR_TIMEOUT;
    uint64_t end;
    tls->deadline = deadline;
    end = tls->port->monotonic_ms(tls->port->ctx) + io_limit(tls); /* idle_ms bounds the wait, not a slice */
    for (;;) {
        uint64_t now = tls->port->monotonic_ms(tls->port->ctx), max = tls->abort != NULL ? LKD_ABORT_POLL_MS : UINT32_MAX;
        uint32_t slice;
        /* What the port did is said first: bytes it sent count, abort or not. */
        if (st != LKD_ERR_TIMEOUT) {
            return st;
        }
        if (lkd_tls_aborted(tls)) {
            return LKD_ERR_ABORTED;
        }
        if (now >= end) {
            return st; /* a slice that timed out is no failure, the wait's end is */
        }
        slice = (uint32_t)(end - now < max ? end - now : max);
        if (out != NULL) {
            st = tls->port->send(tls->port->ctx, tls->conn, out, len, slice, done);
        } else if (in != NULL) {
            st = tls->port->recv(tls->port->ctx, tls->conn, in, len, slice, done);
        } else {
            tls->port->sleep_ms(tls->port->ctx, slice);
        }
    }
}

/* A bio's I/O: a byte count for mbedTLS, or its code for what the port
 * said (an abort goes through NET_*_FAILED: map_error then takes
 * io_status).  mbedTLS's own timeout argument is ignored: the call's
 * deadline rules. */
static int bio_io(lkd_tls_t *tls, const uint8_t *out, uint8_t *in, size_t len)
{
    size_t n = 0;
    int failed = out != NULL ? MBEDTLS_ERR_NET_SEND_FAILED : MBEDTLS_ERR_NET_RECV_FAILED;
    tls->io_status = lkd_tls_port_wait(tls, out, in, len, &n, tls->deadline);
    if (tls->io_status == LKD_OK && !tls->open) {
        /* The handshake's plaintext, for the facts that explain a refusal. */
        lkd_tls_sniff(out != NULL ? &tls->sniff_out : &tls->sniff_in, out != NULL ? out : in, n);
    }
    switch (tls->io_status) {
    case LKD_OK: return (int)(n > 0x7fffffff ? 0x7fffffff : n);
    case LKD_ERR_CLOSED: return out != NULL ? failed : 0; /* EOF: mbedTLS reports MBEDTLS_ERR_SSL_CONN_EOF */
    case LKD_ERR_TIMEOUT: return MBEDTLS_ERR_SSL_TIMEOUT;
    default: return failed;
    }
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    return bio_io((lkd_tls_t *)ctx, buf, NULL, len);
}

static int bio_recv_timeout(void *ctx, unsigned char *buf, size_t len, uint32_t timeout)
{
    (void)timeout;
    return bio_io((lkd_tls_t *)ctx, NULL, buf, len);
}

/* The port's own answer is kept: mbedTLS turns every failure into one code. */
static int drbg_entropy(void *ctx, unsigned char *buf, size_t len)
{
    lkd_tls_t *tls = (lkd_tls_t *)ctx;
    tls->entropy_status = tls->port->entropy(tls->port->ctx, buf, len);
    return tls->entropy_status == LKD_OK ? 0 : MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
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
    /* A reseed from the port that failed during this call (the DRBG's own
     * draw or PSA's through it), whatever code mbedTLS made of it. */
    if (tls->entropy_status != LKD_OK) {
        return LKD_ERR_ENTROPY;
    }
    if (is_alloc_failure(rc)) {
        return LKD_ERR_NO_MEMORY;
    }
    /* The peer's parameters, which the next attempt would meet again: its
     * fatal alert (no common version, suite or group, a certificate it
     * requires), or the version it chose, which this client refuses.  (Not
     * 3.6's MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE: it also says a PSA operation
     * failed, out of memory among others.) */
    /* 3.6 also returns FATAL_ALERT_MESSAGE for a 1.3 server's empty
     * Certificate, no alert read: in_msg is then a handshake message. */
    if (rc == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE && LKD_MBEDTLS_IN_MSGTYPE(&tls->ssl) == MBEDTLS_SSL_MSG_ALERT) {
        tls->peer_alert = LKD_MBEDTLS_IN_MSG(&tls->ssl)[1];
        tls->alert_open = tls->open;
    }
    /* After the handshake only a certificate refusal (1.3's server decides
     * on the client's Certificate after the client's Finished) is one. */
    if ((rc == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE || rc == LKD_MBEDTLS_VERSION_REFUSED) &&
        (!tls->open || lkd_tls_sniff_cert_refusal(tls->peer_alert, tls->cert_requested))) {
        tls->peer_refused = 1;
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

/* The signature of a certificate (its signatureValue BIT STRING), read from
 * its DER with the public ASN.1 API (3.x keeps the parsed one private). */
static int cert_signature(const mbedtls_x509_crt *crt, mbedtls_asn1_bitstring *sig)
{
    unsigned char *p = crt->raw.p, *end = crt->raw.p + crt->raw.len;
    size_t len;
    const int seq = MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE;
    if (mbedtls_asn1_get_tag(&p, end, &len, seq) != 0) {
        return -1;
    }
    end = p + len;
    if (mbedtls_asn1_get_tag(&p, end, &len, seq) != 0) { /* tbsCertificate */
        return -1;
    }
    p += len;
    if (mbedtls_asn1_get_tag(&p, end, &len, seq) != 0) { /* signatureAlgorithm */
        return -1;
    }
    p += len;
    return mbedtls_asn1_get_bitstring(&p, end, sig) == 0 && sig->unused_bits == 0 ? 0 : -1;
}

/* mbedTLS discards the result of a signature check that ran out of memory
 * and reports the chain as untrusted.  Check the signature of the chain's
 * top certificate again with each certificate named as its issuer, among the
 * CAs and the certificates the server sent after it, from the same pool: if
 * that check too ends in an allocation failure, verification failed for
 * memory.  A check that succeeds proves nothing (mbedTLS may have refused
 * that issuer for another reason: not a CA, path length) and leaves the
 * verdict as it was.  (RSASSA-PSS signatures, whose parameters 3.x keeps
 * private, are not checked again.) */
static int verification_ran_out(mbedtls_x509_crt *top, mbedtls_x509_crt *cas)
{
    mbedtls_md_type_t md;
    mbedtls_pk_type_t pk;
    const mbedtls_md_info_t *info;
    unsigned char hash[MBEDTLS_MD_MAX_SIZE];
    mbedtls_asn1_bitstring sig;
    mbedtls_x509_crt *lists[2], *c;
    size_t i;
    if (mbedtls_oid_get_sig_alg(&top->sig_oid, &md, &pk) != 0 || pk == MBEDTLS_PK_RSASSA_PSS ||
        (info = mbedtls_md_info_from_type(md)) == NULL || cert_signature(top, &sig) != 0) {
        return 0;
    }
    if (mbedtls_md(info, top->tbs.p, top->tbs.len, hash) != 0) {
        return 0;
    }
    lists[0] = cas;
    lists[1] = top->next;
    for (i = 0; i < 2; i++) {
        for (c = lists[i]; c != NULL && c->raw.len > 0; c = c->next) {
            int rc;
            if (c->subject_raw.len != top->issuer_raw.len ||
                memcmp(c->subject_raw.p, top->issuer_raw.p, top->issuer_raw.len) != 0) {
                continue;
            }
            rc = mbedtls_pk_verify(&c->pk, md, hash, mbedtls_md_get_size(info), sig.p, sig.len);
            if (rc < 0 && is_alloc_failure(rc)) {
                return 1;
            }
        }
    }
    return 0;
}

/* An IP-literal host matches only an iPAddress SAN of exactly its 4 or 16
 * bytes (RFC 6125 6.2.1): never a dNSName or the CN written as text, which
 * mbedTLS (3.6, and 2.28 for a dNSName) would compare with the string. */
static int ip_san_matches(const mbedtls_x509_crt *crt, const uint8_t *ip, size_t len)
{
    const mbedtls_x509_sequence *cur;
    for (cur = &crt->subject_alt_names; cur != NULL; cur = cur->next) {
        if ((cur->buf.tag & MBEDTLS_ASN1_TAG_VALUE_MASK) == MBEDTLS_X509_SAN_IP_ADDRESS && cur->buf.len == len &&
            cur->buf.p != NULL && memcmp(cur->buf.p, ip, len) == 0) {
            return 1;
        }
    }
    return 0;
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
 * one against the client's trusted time, or only its lower bound.  Every
 * other verification flag is left as mbedTLS set it.  Also notes the earliest
 * end of validity in the chain: a session saved from this handshake is not
 * offered after it.  mbedTLS calls it for every certificate of a full
 * handshake (verification is required) and never in a resumed one, under
 * 1.2 and 1.3 alike: the count of its calls tells the two apart through the
 * public API. */
static int verify_validity(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    lkd_tls_t *tls = (lkd_tls_t *)ctx;
    int bound_only = 0;
    int64_t now = tls->trusted_time != NULL ? tls->trusted_time(tls->time_ctx, &bound_only) : -1;
    int64_t from = x509_unix(&crt->valid_from), to = x509_unix(&crt->valid_to);
    tls->chain_checked++;
    /* mbedTLS calls this for the chain's top certificate first, and that is
     * where an untrusted chain is flagged. */
    if ((*flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) && !tls->verify_no_memory) {
        tls->verify_no_memory = (uint8_t)verification_ran_out(crt, &tls->ca);
    }
    if (to < tls->chain_not_after) {
        tls->chain_not_after = to;
    }
    if (depth == 0 && tls->ip_len != 0 && !ip_san_matches(crt, tls->ip, tls->ip_len)) {
        *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH; /* mbedTLS checked no name: none was set */
    }
    *flags &= ~(uint32_t)(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE);
    if (now < 0) {
        now = (int64_t)LKD_TIME_FLOOR;
        bound_only = 1;
    }
    if (to < now) {
        *flags |= MBEDTLS_X509_BADCERT_EXPIRED;
    }
    if (!bound_only && from > now) {
        *flags |= MBEDTLS_X509_BADCERT_FUTURE;
    }
    return 0;
}

/* ---- host identity and kept sessions ------------------------------------------- */

/* Store host:port as an identity; LKD_ERR_ARG_EMPTY or LKD_ERR_ARG_TOO_LONG
 * when the name is empty or too long. */
static lkd_status_t peer_set(lkd_tls_peer_t *p, const char *host, uint16_t port)
{
    size_t i, n = strlen(host);
    if (n == 0 || n > LKD_TLS_HOST_MAX) {
        return n == 0 ? LKD_ERR_ARG_EMPTY : LKD_ERR_ARG_TOO_LONG;
    }
    for (i = 0; i < n; i++) {
        p->name[i] = lkd_text_lower(host[i]);
    }
    p->name[n] = '\0';
    p->port = port;
    return LKD_OK;
}

/* Exact comparison: every byte of the name (letters lower-cased) and the port. */
static int peer_is(const lkd_tls_peer_t *p, const char *host, uint16_t port)
{
    size_t i;
    if (p->name[0] == '\0' || p->port != port) {
        return 0;
    }
    for (i = 0; p->name[i] != '\0' && host[i] != '\0'; i++) {
        if (p->name[i] != lkd_text_lower(host[i])) {
            return 0;
        }
    }
    return p->name[i] == '\0' && host[i] == '\0';
}

static void forget_slot(lkd_tls_saved_t *s)
{
    mbedtls_ssl_session_free(&s->session); /* leaves it as mbedtls_ssl_session_init does (2.28 and 3.x) */
    memset(&s->peer, 0, sizeof s->peer);
    s->expires_ms = 0;
    s->not_after = 0;
}

/* The slot kept for host:port, or LKD_TLS_SESSION_SLOTS.  A session past its
 * lifetime, or whose chain's validity has ended by the trusted time, is
 * forgotten here rather than offered. */
static size_t find_slot(lkd_tls_t *tls, const char *host, uint16_t port)
{
    size_t i;
    for (i = 0; i < LKD_TLS_SESSION_SLOTS; i++) {
        lkd_tls_saved_t *s = &tls->saved[i];
        if (peer_is(&s->peer, host, port)) {
            int bound_only = 0;
            int64_t now = tls->trusted_time != NULL ? tls->trusted_time(tls->time_ctx, &bound_only) : -1;
            if (tls->port->monotonic_ms(tls->port->ctx) >= s->expires_ms || (now >= 0 && now > s->not_after)) {
                forget_slot(s);
                return LKD_TLS_SESSION_SLOTS;
            }
            return i;
        }
    }
    return LKD_TLS_SESSION_SLOTS;
}

/* How long the session just negotiated may be offered again (ms): the
 * server's ticket lifetime hint when it gave one, never over the maximum. */
static uint64_t session_lifetime_ms(const mbedtls_ssl_session *s)
{
    uint64_t secs = LKD_TLS_SESSION_MAX_S;
#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_CLI_C)
    /* Only a NewSessionTicket sets it: a session-ID session says 0. */
    if (LKD_MBEDTLS_TICKET_LIFETIME(s) > 0 && LKD_MBEDTLS_TICKET_LIFETIME(s) < secs) {
        secs = LKD_MBEDTLS_TICKET_LIFETIME(s);
    }
#else
    (void)s;
#endif
    return secs * 1000u;
}

/* Keep the session of the open connection (a 1.2 session when its handshake
 * ends, each 1.3 ticket as it arrives) in the connection's slot, or a new
 * one.  A resumed session keeps its original limits: resuming never extends
 * them. */
static void save_session(lkd_tls_t *tls)
{
    lkd_tls_saved_t *s;
    uint64_t now = tls->port->monotonic_ms(tls->port->ctx);
    int64_t not_after = tls->chain_not_after;
    uint64_t limit = UINT64_MAX;
    if (tls->open_slot >= LKD_TLS_SESSION_SLOTS) {
        tls->open_slot = tls->next_slot;
        tls->next_slot = (uint8_t)((tls->next_slot + 1u) % LKD_TLS_SESSION_SLOTS);
    }
    s = &tls->saved[tls->open_slot];
    if (tls->open_resumed && peer_is(&s->peer, tls->open_peer.name, tls->open_peer.port)) {
        limit = s->expires_ms;
        not_after = s->not_after;
    }
    forget_slot(s);
    if (mbedtls_ssl_get_session(&tls->ssl, &s->session) == 0) {
        uint64_t expires = now + session_lifetime_ms(&s->session);
        s->peer = tls->open_peer;
        s->expires_ms = expires < limit ? expires : limit;
        s->not_after = not_after;
    }
}

lkd_status_t lkd_tls_init(lkd_tls_t *tls, const lkd_port_t *port, lkd_tls_time_fn trusted_time, void *time_ctx)
{
    size_t i;
    int rc;
    static const unsigned char personalization[] = "lkedoc tls";
    if (tls == NULL || port == NULL || port->entropy == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    memset(tls, 0, sizeof *tls);
    tls->peer_alert = -1;
#if defined(MBEDTLS_PSA_CRYPTO_C)
    /* 3.x's TLS stack (all of 1.3, and 1.2 with USE_PSA_CRYPTO) computes
     * through PSA, which must be up before the first handshake.  Calling it
     * again is harmless; it fails only for memory or for its own entropy. */
    {
        psa_status_t ps = psa_crypto_init();
        if (ps != PSA_SUCCESS) {
            return ps == PSA_ERROR_INSUFFICIENT_MEMORY    ? LKD_ERR_NO_MEMORY
                   : ps == PSA_ERROR_INSUFFICIENT_ENTROPY ? LKD_ERR_ENTROPY
                                                          : LKD_ERR_TLS;
        }
    }
#endif
    tls->port = port;
    tls->conn = LKD_PORT_NO_CONN;
    tls->trusted_time = trusted_time;
    tls->time_ctx = time_ctx;
    for (i = 0; i < LKD_TLS_SESSION_SLOTS; i++) {
        mbedtls_ssl_session_init(&tls->saved[i].session);
    }
    mbedtls_ssl_init(&tls->ssl);
    mbedtls_ssl_config_init(&tls->conf);
    mbedtls_x509_crt_init(&tls->ca);
    mbedtls_ctr_drbg_init(&tls->drbg);
    if (mbedtls_ctr_drbg_seed(&tls->drbg, drbg_entropy, tls, personalization, sizeof personalization - 1) != 0) {
        lkd_tls_free(tls);
        /* A port whose entropy is still the template's says so; any other
         * failure is a source that gave none. */
        return tls->entropy_status == LKD_ERR_NOT_PROVIDED ? LKD_ERR_NOT_PROVIDED : LKD_ERR_ENTROPY;
    }
    lkd_psa_rng_use(&tls->drbg);
    rc = mbedtls_ssl_config_defaults(&tls->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                     MBEDTLS_SSL_PRESET_DEFAULT);
    if (rc != 0) {
        lkd_tls_free(tls);
        return map_error(tls, rc);
    }
    (void)lkd_tls_policy_apply(&tls->conf); /* fails only for a NULL configuration */
    mbedtls_ssl_conf_authmode(&tls->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_rng(&tls->conf, mbedtls_ctr_drbg_random, &tls->drbg);
    mbedtls_ssl_conf_ca_chain(&tls->conf, &tls->ca, NULL);
    mbedtls_ssl_conf_verify(&tls->conf, verify_validity, tls);
#if defined(MBEDTLS_SSL_SESSION_TICKETS)
    mbedtls_ssl_conf_session_tickets(&tls->conf, MBEDTLS_SSL_SESSION_TICKETS_ENABLED);
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && MBEDTLS_VERSION_NUMBER >= 0x03060100
    /* 3.6.1+ drops 1.3 tickets unless asked to hand them over (then
     * mbedtls_ssl_read says MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET). */
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(&tls->conf,
                                                             MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
#endif
#endif
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
    if (tls == NULL || data == NULL || len == 0) {
        return tls == NULL || data == NULL ? LKD_ERR_ARG_NULL : LKD_ERR_ARG_EMPTY;
    }
    if (!tls->ready) {
        return LKD_ERR_STATE;
    }
    rc = mbedtls_x509_crt_parse(&tls->ca, data, len);
    /* A positive rc counts certificates of a bundle that failed to parse:
     * system bundles hold a few mbedTLS cannot read, the rest are usable. */
    if (rc < 0 || tls->ca.version == 0) {
        tls->last_mbedtls_error = rc;
        return rc < 0 && is_alloc_failure(rc) ? LKD_ERR_NO_MEMORY : LKD_ERR_CERT;
    }
    tls->has_ca = 1;
    return LKD_OK;
}

lkd_status_t lkd_tls_open(lkd_tls_t *tls, const char *host, const char *connect_host, uint16_t port,
                          uint64_t deadline)
{
    lkd_status_t st;
    if (tls == NULL || host == NULL || host[0] == '\0') {
        return tls == NULL || host == NULL ? LKD_ERR_ARG_NULL : LKD_ERR_ARG_EMPTY;
    }
    if (!tls->ready) {
        return LKD_ERR_STATE;
    }
    if (!tls->has_ca) {
        return LKD_ERR_STATE;
    }
    lkd_tls_close(tls);
    memset(&tls->open_peer, 0, sizeof tls->open_peer);
    st = peer_set(&tls->open_peer, host, port);
    if (st != LKD_OK) {
        return st;
    }
    tls->deadline = deadline;
    tls->io_status = LKD_OK;
    tls->entropy_status = LKD_OK;
    tls->verify_flags = 0;
    tls->last_mbedtls_error = 0;
    tls->close_notify = 0;
    tls->chain_not_after = INT64_MAX;
    tls->chain_checked = 0;
    tls->verify_no_memory = 0;
    tls->open_slot = LKD_TLS_SESSION_SLOTS;
    tls->open_resumed = 0;
    tls->proxy_status = 0;
    tls->proxy_hop = tls->proxy != NULL ? LKD_PROXY_HOP_PROXY : LKD_PROXY_HOP_NONE;
    memset(&tls->sniff_in, 0, sizeof tls->sniff_in);
    memset(&tls->sniff_out, 0, sizeof tls->sniff_out);
    tls->peer_alert = -1;
    tls->server_version = 0;
    tls->cert_requested = 0;
    tls->peer_refused = 0;
    tls->alert_open = 0;
    tls->bare_400 = 0;
    if (time_left(tls) == 0) {
        return LKD_ERR_TIMEOUT;
    }
#if defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C)
    /* A static pool: the sessions kept for other hosts (a ticket, with 1.3
     * the server's certificate) are let go before the handshake, so every
     * handshake has the room the first one had, and a pool that completed a
     * job's first connection completes its download.  Before anything else
     * of this connection is allocated (the host name), so that what they
     * held is one free block again. */
    {
        size_t i, slot = find_slot(tls, host, port);
        for (i = 0; i < LKD_TLS_SESSION_SLOTS; i++) {
            if (i != slot) {
                forget_slot(&tls->saved[i]);
            }
        }
    }
#endif
    /* Through a proxy the TCP connection goes to it (the caller then opens
     * the tunnel to host:port, before the handshake, which is the origin's). */
    st = tls->port->connect(tls->port->ctx,
                            connect_host != NULL && connect_host[0] ? connect_host
                            : tls->proxy != NULL                    ? tls->proxy->host
                                                                    : host,
                            tls->proxy != NULL ? tls->proxy->port : port, io_limit(tls), tls->abort,
                            tls->abort_user, &tls->conn);
    if (st != LKD_OK) {
        tls->conn = LKD_PORT_NO_CONN;
    }
    return st;
}

lkd_status_t lkd_tls_handshake(lkd_tls_t *tls, const char *host, uint16_t port)
{
    lkd_status_t st;
    int rc, resumed = 0, offered = 0;
    size_t slot = find_slot(tls, host, port);
    if (tls->proxy != NULL) {
        tls->proxy_hop = LKD_PROXY_HOP_TUNNEL; /* the tunnel is open: what fails from here is the origin's */
    }
    /* An IP literal is sent as no SNI (RFC 6066 3 allows only DNS names) and
     * checked against the iPAddress SANs by verify_validity. */
    tls->ip_len = (uint8_t)lkd_text_parse_ip(host, strlen(host), tls->ip);
    rc = mbedtls_ssl_set_hostname(&tls->ssl, tls->ip_len != 0 ? NULL : host);
    if (rc != 0) {
        lkd_tls_close(tls);
        /* mbedTLS refuses only a name over its own limit (or runs out of memory). */
        return map_error(tls, rc) == LKD_ERR_NO_MEMORY ? LKD_ERR_NO_MEMORY : LKD_ERR_ARG_TOO_LONG;
    }
    if (slot < LKD_TLS_SESSION_SLOTS) {
        if (mbedtls_ssl_set_session(&tls->ssl, &tls->saved[slot].session) != 0) {
            forget_slot(&tls->saved[slot]); /* unusable (or handed over already): one slot per host */
        } else {
            offered = 1;
#if defined(MBEDTLS_MEMORY_BUFFER_ALLOC_C)
            /* The connection holds its own copy now.  With a static pool
             * the slot's (with 1.3 the server's certificate) is let go too,
             * so that a full handshake after a refused session has the room
             * the first one had; the slot keeps its host and limits for
             * save_session. */
            mbedtls_ssl_session_free(&tls->saved[slot].session);
#endif
        }
    }
    lkd_psa_rng_use(&tls->drbg); /* this handshake's ECDHE keys are drawn from this client */
    do {
        rc = mbedtls_ssl_handshake(&tls->ssl);
    } while (again(tls, rc));
    tls->cert_requested = tls->sniff_in.cert_requested;
    if (rc != 0) {
        st = map_error(tls, rc);
        tls->server_version = (uint16_t)lkd_tls_sniff_version(&tls->sniff_in, tls->peer_alert);
        tls->verify_flags = mbedtls_ssl_get_verify_result(&tls->ssl);
        if (tls->verify_flags != 0 && tls->verify_flags != (uint32_t)-1) {
            /* Memory only when running out is all that went wrong: a chain
             * that is also expired or misnamed is a certificate error. */
            st = tls->verify_no_memory && tls->verify_flags == MBEDTLS_X509_BADCERT_NOT_TRUSTED ? LKD_ERR_NO_MEMORY
                                                                                              : LKD_ERR_CERT;
        }
        if (offered) {
            forget_slot(&tls->saved[slot]); /* never offer it again after a failure */
        }
        tls->port->close(tls->port->ctx, tls->conn);
        tls->conn = LKD_PORT_NO_CONN;
        mbedtls_ssl_session_reset(&tls->ssl);
        return st;
    }
    tls->open = 1;
    tls->handshakes++;
    tls->server_version = tls->sniff_in.hello_version; /* 2.28: 1.2, the one it speaks */
#if LKD_MBEDTLS3
    tls->server_version = (uint16_t)mbedtls_ssl_get_version_number(&tls->ssl);
    /* 1.3 encrypts the CertificateRequest: a client asked for a certificate
     * sends an (empty) Certificate before its Finished, two protected
     * handshake records where it otherwise sends one. */
    if (tls->server_version == MBEDTLS_SSL_VERSION_TLS1_3 && tls->sniff_out.protected_records >= 2) {
        tls->cert_requested = 1;
    }
#endif
    /* A full handshake verified the chain (also after a refused session);
     * a resumed one verified nothing. */
    if (offered && tls->chain_checked == 0) {
        resumed = 1;
        tls->resumed++;
    }
    tls->open_resumed = (uint8_t)resumed;
    if (offered) {
        tls->open_slot = (uint8_t)slot; /* this host's next session goes there */
        if (!resumed) {
            forget_slot(&tls->saved[slot]); /* refused: never offered again */
        }
    }
    if (LKD_MBEDTLS_IS_TLS12(&tls->ssl)) {
        save_session(tls);
    }
    return LKD_OK;
}

lkd_status_t lkd_tls_connect(lkd_tls_t *tls, const char *host, const char *connect_host, uint16_t port,
                             uint64_t deadline)
{
    lkd_status_t st = lkd_tls_open(tls, host, connect_host, port, deadline);
    return st == LKD_OK ? lkd_tls_handshake(tls, host, port) : st;
}

int lkd_tls_is_open_to(const lkd_tls_t *tls, const char *host, uint16_t port)
{
    return tls != NULL && tls->open && host != NULL && peer_is(&tls->open_peer, host, port);
}

int lkd_tls_peer_closed_cleanly(const lkd_tls_t *tls)
{
    return tls != NULL && tls->close_notify;
}

lkd_status_t lkd_tls_write_all(lkd_tls_t *tls, const uint8_t *data, size_t len, uint64_t deadline)
{
    if (tls == NULL || !tls->open) {
        return LKD_ERR_STATE;
    }
    tls->deadline = deadline;
    tls->entropy_status = LKD_OK;
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
    if (tls == NULL || buf == NULL || got == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    if (!tls->open) {
        return LKD_ERR_STATE;
    }
    if (len == 0) {
        return LKD_ERR_ARG_EMPTY;
    }
    tls->deadline = deadline;
    tls->entropy_status = LKD_OK;
    for (;;) {
        int rc = mbedtls_ssl_read(&tls->ssl, buf, len);
        if (rc > 0) {
            *got = (size_t)rc;
            return LKD_OK;
        }
        if (rc == 0) {
            return LKD_ERR_CLOSED;
        }
        if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
            tls->close_notify = 1;
        }
#if defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
        /* A 1.3 server sends its tickets after the handshake: keep the
         * newest (each replaces the last), then read on. */
        if (rc == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
            save_session(tls);
            continue;
        }
#endif
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
        tls->deadline = tls->port->monotonic_ms(tls->port->ctx) + LKD_TLS_CLOSE_NOTIFY_MS;
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
        forget_slot(&tls->saved[i]);
    }
    mbedtls_ssl_free(&tls->ssl);
    mbedtls_ssl_config_free(&tls->conf);
    mbedtls_x509_crt_free(&tls->ca);
    lkd_psa_rng_release(&tls->drbg);
    mbedtls_ctr_drbg_free(&tls->drbg);
    tls->ready = 0;
}
