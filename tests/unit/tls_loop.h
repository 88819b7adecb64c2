/* SPDX-License-Identifier: MIT */
/*
 * tls_loop.h - a deterministic network for the unit tests: a fake port whose
 * send/recv talk to an mbedTLS TLS server running in the same thread over
 * memory buffers, and a fake monotonic clock that sleep_ms (and a port call
 * that times out) advances, so retries, backoff and deadlines run instantly.
 *
 * The server plays a script: each complete request it receives takes the next
 * step (an HTTP answer, possibly cut short, then keep the connection, close it,
 * drop it, reset it or hang); a step may instead make the next connect fail.
 * Every request is recorded for the test to check.  Included once by a test
 * program (header-only: the unit programs are built from one .c each).
 */
#ifndef TLS_LOOP_H
#define TLS_LOOP_H

#include <stdarg.h>
#include <stdlib.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_cache.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/x509_crt.h>

#include "lkd_client.h"
#include "tls_certs.h"

/* The servers speak TLS 1.2 (what most programs pin: session-ID and ticket
 * resumption, their lifetimes, is 1.2's) unless a test sets tl.tls13 (3.x
 * only): then 1.3, whose tickets arrive after the handshake. */
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_SSL_PROTO_TLS1_3)
#define TL_HAS_TLS13 1
#define TL_MAX_VERSION(conf)                                                                                  \
    mbedtls_ssl_conf_max_tls_version((conf), tl.tls13 ? MBEDTLS_SSL_VERSION_TLS1_3 : MBEDTLS_SSL_VERSION_TLS1_2)
#else
#define TL_HAS_TLS13 0
#define TL_MAX_VERSION(conf) ((void)(conf))
#endif

typedef enum {
    TL_KEEP = 0,   /* the connection stays open for the next request */
    TL_CLOSE,      /* close_notify, then EOF */
    TL_EOF,        /* EOF without close_notify */
    TL_RESET,      /* the next receive fails with LKD_ERR_IO */
    TL_HANG        /* nothing more: receives time out */
} tl_after_t;

typedef struct {
    lkd_status_t connect_status; /* != LKD_OK: the next connect fails with it (no request consumed) */
    const char *answer;          /* raw HTTP bytes; NULL: none */
    size_t answer_len;
    size_t cut;                  /* > 0: send only the first cut bytes */
    tl_after_t after;
    uint32_t delay_ms;           /* fake time the server takes before answering */
    int warning_alert;           /* a warning alert (no_renegotiation) goes out before the answer */
    int fatal_alert;             /* a fatal alert (internal_error) goes out instead of the answer */
    uint32_t alert_delay_ms;     /* fake time that passes once the client has read that alert */
} tl_step_t;

/* Server certificates: api.test + dl.test valid 2025-06..2045, expired before
 * LKD_TIME_FLOOR, not yet valid, expired 2026-06-01; and the impostor's
 * (*.evil.test only), served to every *.evil.test host. */
enum { TL_CERT_GOOD, TL_CERT_EXPIRED, TL_CERT_FUTURE, TL_CERT_STALE, TL_CERT_EVIL, TL_CERTS };

/* The lifetime hint of the ticket server (s). */
#define TL_TICKET_LIFETIME 600

#define TL_MAX_STEPS 64
#define TL_MAX_REQS 64
#define TL_REQ_KEEP 16384
#define TL_IO_BUF (1u << 20)
#define TL_POOL (1u << 20)

typedef struct {
    char head[TL_REQ_KEEP + 1]; /* the first bytes of the request, NUL-terminated */
    size_t len;                 /* the whole request's length */
    char host[64];              /* where the connection went */
    uint16_t port;
    int served_by;              /* the server certificate of that connection (TL_CERT_*) */
    unsigned conn;              /* connection number (1, 2, ...) */
} tl_req_t;

typedef struct {
    /* Clocks. */
    uint64_t mono;
    int64_t wall_base;          /* wall time at mono == 0; LKD_PORT_TIME_UNKNOWN: unknown */
    uint64_t slept_ms;
    unsigned sleeps;
    /* Script and record. */
    tl_step_t steps[TL_MAX_STEPS];
    unsigned nsteps, next_step;
    tl_req_t reqs[TL_MAX_REQS];
    unsigned nreqs;
    unsigned connects, closes, unexpected;
    char last_connect_host[64];
    /* Behaviour of the whole test. */
    int cert;                   /* TL_CERT_GOOD, _EXPIRED, _FUTURE, _STALE: what api.test/dl.test present */
    int impostor_on_api;        /* connections to api.test reach the impostor (TL_CERT_EVIL) */
    int tickets;                /* the good server resumes by session tickets (TL_TICKET_LIFETIME) */
    int tls13;                  /* the servers speak TLS 1.3 (TL_HAS_TLS13 only) */
    unsigned tickets_taken;     /* tickets the server accepted back (its count of resumptions) */
    uint8_t hello[1024];        /* the first bytes the client sent on the last connection */
    size_t hello_len;
    int conn_cert;              /* the certificate of the current connection */
    int hang_handshake;         /* the server never answers the ClientHello */
    int connect_hang;           /* connects never complete (they wait out their timeout) */
    lkd_status_t send_status;   /* != LKD_OK: every send fails with it */
    size_t send_max;            /* > 0: sends accept at most this many bytes */
    size_t recv_max;            /* > 0: receives give at most this many bytes */
    int drop_armed;             /* the connection drops (sends fail with LKD_ERR_IO) once the */
    size_t drop_after;          /* handshake is done and the server has read this many data bytes */
    unsigned drop_conn;         /* 0: every connection drops so; N: only the one of the Nth connect */
    uint32_t send_bytes_per_s;  /* > 0: each send costs its bytes at this rate in fake time (a slow link) */
    int entropy_fails;          /* 1: the entropy source fails (LKD_ERR_ENTROPY), 2: it is not there (NOT_PROVIDED) */
    uint8_t entropy_salt;       /* mixed into the entropy bytes: another value, another generator state */
    /* The current connection. */
    int open;
    unsigned conn_no;
    char conn_host[64];
    uint16_t conn_port;
    mbedtls_ssl_context ssl;
    int ssl_ready, hs_done, eof, reset, hang;
    uint8_t c2s[TL_IO_BUF];
    size_t c2s_len, c2s_off;
    uint8_t s2c[TL_IO_BUF];
    size_t s2c_len, s2c_off;
    const uint8_t *out;
    size_t out_len;
    tl_after_t out_after;
    size_t req_len;             /* bytes of the current request so far */
    size_t req_need;            /* its full length once the head is known, else 0 */
    size_t app_in;              /* application data bytes the server has read on this connection */
    uint32_t alert_delay_ms;    /* pending: added to the clock when s2c_off reaches alert_end */
    size_t alert_end;
    /* Server TLS. */
    mbedtls_ssl_config conf[TL_CERTS];
    mbedtls_x509_crt crt[TL_CERTS], ca;
    mbedtls_pk_context key[TL_CERTS];
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ssl_cache_context cache;
    mbedtls_ssl_cache_context evil_cache; /* the impostor knows only its own sessions */
    mbedtls_ssl_config conf_ticket;       /* the good certificate, resuming by tickets */
    mbedtls_ssl_ticket_context ticket;
    int tls_ready;
    /* Storage for answers built by tl_push_*. */
    char pool[TL_POOL];
    size_t pool_len;
} tl_t;

static tl_t tl;

/* ---- the server ------------------------------------------------------------------ */

static inline int tl_bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    (void)ctx;
    if (len > TL_IO_BUF - tl.s2c_len) {
        len = TL_IO_BUF - tl.s2c_len;
    }
    if (len == 0) {
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    }
    memcpy(tl.s2c + tl.s2c_len, buf, len);
    tl.s2c_len += len;
    return (int)len;
}

static inline int tl_bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    size_t n = tl.c2s_len - tl.c2s_off;
    (void)ctx;
    if (n == 0) {
        return MBEDTLS_ERR_SSL_WANT_READ;
    }
    if (n > len) {
        n = len;
    }
    memcpy(buf, tl.c2s + tl.c2s_off, n);
    tl.c2s_off += n;
    if (tl.c2s_off == tl.c2s_len) {
        tl.c2s_off = tl.c2s_len = 0;
    }
    return (int)n;
}

static inline int tl_fixed_entropy(void *ctx, unsigned char *buf, size_t len)
{
    size_t i;
    (void)ctx;
    for (i = 0; i < len; i++) {
        buf[i] = (unsigned char)(i * 7u + 3u);
    }
    return 0;
}

/* mbedTLS's ticket parser, counting the tickets it takes back. */
static inline int tl_ticket_parse(void *p, mbedtls_ssl_session *session, unsigned char *buf, size_t len)
{
    int rc = mbedtls_ssl_ticket_parse(p, session, buf, len);
    if (rc == 0) {
        tl.tickets_taken++;
    }
    return rc;
}

static inline void tl_tls_setup(void)
{
    static const char *const pems[TL_CERTS][2] = {{test_srv_pem, test_srv_key_pem},
                                                  {test_old_pem, test_old_key_pem},
                                                  {test_future_pem, test_future_key_pem},
                                                  {test_stale_pem, test_stale_key_pem},
                                                  {test_evil_pem, test_evil_key_pem}};
    int i;
    if (tl.tls_ready) {
        return;
    }
    mbedtls_ctr_drbg_init(&tl.drbg);
    mbedtls_ctr_drbg_seed(&tl.drbg, tl_fixed_entropy, NULL, NULL, 0);
    mbedtls_ssl_cache_init(&tl.cache);
    mbedtls_ssl_cache_init(&tl.evil_cache);
    mbedtls_x509_crt_init(&tl.ca);
    mbedtls_x509_crt_parse(&tl.ca, (const unsigned char *)test_ca_pem, sizeof test_ca_pem);
    for (i = 0; i < TL_CERTS; i++) {
        mbedtls_ssl_cache_context *cache = i == TL_CERT_EVIL ? &tl.evil_cache : &tl.cache;
        mbedtls_x509_crt_init(&tl.crt[i]);
        mbedtls_pk_init(&tl.key[i]);
        mbedtls_ssl_config_init(&tl.conf[i]);
        if (mbedtls_x509_crt_parse(&tl.crt[i], (const unsigned char *)pems[i][0], strlen(pems[i][0]) + 1) != 0 ||
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
            mbedtls_pk_parse_key(&tl.key[i], (const unsigned char *)pems[i][1], strlen(pems[i][1]) + 1, NULL, 0,
                                 mbedtls_ctr_drbg_random, &tl.drbg) != 0 ||
#else
            mbedtls_pk_parse_key(&tl.key[i], (const unsigned char *)pems[i][1], strlen(pems[i][1]) + 1, NULL,
                                 0) != 0 ||
#endif
            mbedtls_ssl_config_defaults(&tl.conf[i], MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                        MBEDTLS_SSL_PRESET_DEFAULT) != 0) {
            fprintf(stderr, "tls_loop: server set-up failed\n");
            exit(2);
        }
        mbedtls_ssl_conf_rng(&tl.conf[i], mbedtls_ctr_drbg_random, &tl.drbg);
        mbedtls_ssl_conf_own_cert(&tl.conf[i], &tl.crt[i], &tl.key[i]);
        mbedtls_ssl_conf_session_cache(&tl.conf[i], cache, mbedtls_ssl_cache_get, mbedtls_ssl_cache_set);
    }
    mbedtls_ssl_config_init(&tl.conf_ticket);
    mbedtls_ssl_ticket_init(&tl.ticket);
    if (mbedtls_ssl_config_defaults(&tl.conf_ticket, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT) != 0 ||
        mbedtls_ssl_ticket_setup(&tl.ticket, mbedtls_ctr_drbg_random, &tl.drbg, MBEDTLS_CIPHER_AES_256_GCM,
                                 TL_TICKET_LIFETIME) != 0) {
        fprintf(stderr, "tls_loop: ticket server set-up failed\n");
        exit(2);
    }
    mbedtls_ssl_conf_rng(&tl.conf_ticket, mbedtls_ctr_drbg_random, &tl.drbg);
    mbedtls_ssl_conf_own_cert(&tl.conf_ticket, &tl.crt[TL_CERT_GOOD], &tl.key[TL_CERT_GOOD]);
    mbedtls_ssl_conf_session_tickets_cb(&tl.conf_ticket, mbedtls_ssl_ticket_write, tl_ticket_parse, &tl.ticket);
    tl.tls_ready = 1;
}

/* Once the head of the request is in, its full length. */
static inline void tl_request_length(tl_req_t *r)
{
    const char *end = strstr(r->head, "\r\n\r\n");
    const char *cl;
    if (end == NULL || tl.req_need != 0) {
        return;
    }
    tl.req_need = (size_t)(end + 4 - r->head);
    cl = strstr(r->head, "Content-Length: ");
    if (cl != NULL && cl < end) {
        tl.req_need += (size_t)strtoul(cl + 16, NULL, 10);
    }
}

static inline void tl_after(tl_after_t a)
{
    switch (a) {
    case TL_CLOSE:
        (void)mbedtls_ssl_close_notify(&tl.ssl);
        tl.eof = 1;
        break;
    case TL_EOF: tl.eof = 1; break;
    case TL_RESET: tl.reset = 1; break;
    case TL_HANG: tl.hang = 1; break;
    default: break;
    }
}

static inline void tl_answer(void)
{
    tl_step_t *s;
    if (tl.next_step >= tl.nsteps || tl.steps[tl.next_step].connect_status != LKD_OK) {
        tl.unexpected++;
        tl.hang = 1;
        return;
    }
    s = &tl.steps[tl.next_step++];
    tl.mono += s->delay_ms;
    tl.out = (const uint8_t *)s->answer;
    tl.out_len = s->answer == NULL ? 0 : s->cut > 0 && s->cut < s->answer_len ? s->cut : s->answer_len;
    tl.out_after = s->after;
    if (s->fatal_alert) {
        (void)mbedtls_ssl_send_alert_message(&tl.ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
                                             MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR);
        tl.out_len = 0;
        tl.eof = 1;
        return;
    }
    if (s->warning_alert) {
        (void)mbedtls_ssl_send_alert_message(&tl.ssl, MBEDTLS_SSL_ALERT_LEVEL_WARNING,
                                             MBEDTLS_SSL_ALERT_MSG_NO_RENEGOTIATION);
        tl.alert_end = tl.s2c_len;
        tl.alert_delay_ms = s->alert_delay_ms;
    }
    if (tl.out_len == 0) {
        tl_after(s->after);
    }
}

static inline void tl_pump(void)
{
    unsigned char buf[4096];
    if (!tl.open || tl.eof || tl.reset || tl.hang_handshake) {
        return;
    }
    for (;;) {
        int rc;
        if (!tl.hs_done) {
            rc = mbedtls_ssl_handshake(&tl.ssl);
            if (rc != 0) {
                if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE) {
                    tl.eof = 1; /* a failed handshake: the server hangs up */
                }
                return;
            }
            tl.hs_done = 1;
        }
        if (tl.out_len > 0) {
            rc = mbedtls_ssl_write(&tl.ssl, tl.out, tl.out_len);
            if (rc <= 0) {
                return;
            }
            tl.out += rc;
            tl.out_len -= (size_t)rc;
            if (tl.out_len == 0) {
                tl_after(tl.out_after);
                tl.out_after = TL_KEEP;
            }
            continue;
        }
        if (tl.eof || tl.reset || tl.hang) {
            return;
        }
        rc = mbedtls_ssl_read(&tl.ssl, buf, sizeof buf);
        if (rc <= 0) {
            if (rc != MBEDTLS_ERR_SSL_WANT_READ) {
                tl.eof = 1;
            }
            return;
        }
        tl.app_in += (size_t)rc;
        {
            size_t n = (size_t)rc, used = n;
            tl_req_t *r;
            if (tl.req_len == 0) {
                if (tl.nreqs >= TL_MAX_REQS) {
                    fprintf(stderr, "tls_loop: too many requests\n");
                    exit(2);
                }
                r = &tl.reqs[tl.nreqs++];
                memset(r, 0, sizeof *r);
                memcpy(r->host, tl.conn_host, sizeof r->host);
                r->served_by = tl.conn_cert;
                r->port = tl.conn_port;
                r->conn = tl.conn_no;
            }
            r = &tl.reqs[tl.nreqs - 1];
            if (tl.req_need > 0 && used > tl.req_need - tl.req_len) {
                used = tl.req_need - tl.req_len; /* pipelined bytes are not expected */
            }
            if (tl.req_len < TL_REQ_KEEP) {
                size_t k = used < TL_REQ_KEEP - tl.req_len ? used : TL_REQ_KEEP - tl.req_len;
                memcpy(r->head + tl.req_len, buf, k);
                r->head[tl.req_len + k] = '\0';
            }
            tl.req_len += used;
            r->len = tl.req_len;
            tl_request_length(r);
            if (tl.req_need > 0 && tl.req_len >= tl.req_need) {
                tl.req_len = 0;
                tl.req_need = 0;
                tl_answer();
            }
        }
    }
}

/* ---- the fake port ----------------------------------------------------------------- */

static inline lkd_status_t tl_connect(void *ctx, const char *host, uint16_t port, uint32_t t, lkd_abort_fn abort,
                                      void *abort_user, lkd_port_conn_t *conn)
{
    (void)ctx;
    tl.connects++;
    if (tl.connect_hang) {
        /* A blackhole, as a port must wait on one: the abort asked every
         * LKD_ABORT_POLL_MS until the timeout. */
        uint64_t end = tl.mono + t;
        while (tl.mono < end) {
            if (abort != NULL && abort(abort_user)) {
                return LKD_ERR_ABORTED;
            }
            tl.mono += abort != NULL && end - tl.mono > LKD_ABORT_POLL_MS ? LKD_ABORT_POLL_MS : end - tl.mono;
        }
        return LKD_ERR_TIMEOUT;
    }
    snprintf(tl.last_connect_host, sizeof tl.last_connect_host, "%s", host);
    if (tl.next_step < tl.nsteps && tl.steps[tl.next_step].connect_status != LKD_OK) {
        return tl.steps[tl.next_step++].connect_status;
    }
    tl_tls_setup();
    if (tl.ssl_ready) {
        mbedtls_ssl_free(&tl.ssl);
    }
    mbedtls_ssl_init(&tl.ssl);
    {
        size_t n = strlen(host);
        int evil = (n > 10 && strcmp(host + n - 10, ".evil.test") == 0) ||
                   (tl.impostor_on_api && strcmp(host, "api.test") == 0);
        tl.conn_cert = evil ? TL_CERT_EVIL : tl.cert;
    }
    {
        mbedtls_ssl_config *c = tl.tickets && tl.conn_cert == TL_CERT_GOOD ? &tl.conf_ticket : &tl.conf[tl.conn_cert];
        TL_MAX_VERSION(c);
        mbedtls_ssl_setup(&tl.ssl, c);
    }
    tl.hello_len = 0;
    mbedtls_ssl_set_bio(&tl.ssl, NULL, tl_bio_send, tl_bio_recv, NULL);
    tl.ssl_ready = 1;
    tl.open = 1;
    tl.hs_done = tl.eof = tl.reset = tl.hang = 0;
    tl.c2s_len = tl.c2s_off = tl.s2c_len = tl.s2c_off = 0;
    tl.out_len = 0;
    tl.req_len = tl.req_need = 0;
    tl.app_in = 0;
    tl.alert_delay_ms = 0;
    tl.conn_no++;
    snprintf(tl.conn_host, sizeof tl.conn_host, "%s", host);
    tl.conn_port = port;
    *conn = (lkd_port_conn_t)tl.conn_no;
    return LKD_OK;
}

static inline lkd_status_t tl_send(void *ctx, lkd_port_conn_t c, const uint8_t *d, size_t n, uint32_t t, size_t *sent)
{
    (void)ctx; (void)c; (void)t;
    if (tl.send_status != LKD_OK) {
        if (tl.send_status == LKD_ERR_TIMEOUT) {
            tl.mono += t;
        }
        return tl.send_status;
    }
    if (tl.reset || (tl.drop_armed && (tl.drop_conn == 0 || tl.drop_conn == tl.connects) && tl.hs_done &&
                     tl.app_in >= tl.drop_after)) {
        return LKD_ERR_IO;
    }
    if (tl.send_max > 0 && n > tl.send_max) {
        n = tl.send_max;
    }
    if (tl.send_bytes_per_s > 0) {
        tl.mono += (uint64_t)n * 1000u / tl.send_bytes_per_s;
    }
    if (!tl.eof) { /* after the server closed, bytes go nowhere (as with TCP) */
        if (n > TL_IO_BUF - tl.c2s_len) {
            n = TL_IO_BUF - tl.c2s_len;
        }
        memcpy(tl.c2s + tl.c2s_len, d, n);
        tl.c2s_len += n;
        if (tl.hello_len < sizeof tl.hello) {
            size_t k = n < sizeof tl.hello - tl.hello_len ? n : sizeof tl.hello - tl.hello_len;
            memcpy(tl.hello + tl.hello_len, d, k);
            tl.hello_len += k;
        }
        tl_pump();
    }
    *sent = n;
    return LKD_OK;
}

static inline lkd_status_t tl_recv(void *ctx, lkd_port_conn_t c, uint8_t *b, size_t n, uint32_t t, size_t *got)
{
    size_t avail;
    (void)ctx; (void)c;
    tl_pump();
    avail = tl.s2c_len - tl.s2c_off;
    if (avail > 0) {
        if (n > avail) {
            n = avail;
        }
        if (tl.recv_max > 0 && n > tl.recv_max) {
            n = tl.recv_max;
        }
        memcpy(b, tl.s2c + tl.s2c_off, n);
        tl.s2c_off += n;
        if (tl.alert_delay_ms > 0 && tl.s2c_off >= tl.alert_end) {
            tl.mono += tl.alert_delay_ms;
            tl.alert_delay_ms = 0;
        }
        if (tl.s2c_off == tl.s2c_len) {
            tl.s2c_off = tl.s2c_len = 0;
        }
        *got = n;
        return LKD_OK;
    }
    if (tl.eof) {
        return LKD_ERR_CLOSED;
    }
    if (tl.reset) {
        return LKD_ERR_IO;
    }
    tl.mono += t; /* nothing will come: the whole timeout passes */
    return LKD_ERR_TIMEOUT;
}

static inline void tl_close(void *ctx, lkd_port_conn_t c)
{
    (void)ctx; (void)c;
    tl.closes++;
    tl.open = 0;
}

static inline int64_t tl_wall(void *ctx)
{
    (void)ctx;
    return tl.wall_base == LKD_PORT_TIME_UNKNOWN ? LKD_PORT_TIME_UNKNOWN : tl.wall_base + (int64_t)(tl.mono / 1000u);
}

static inline uint64_t tl_mono(void *ctx)
{
    (void)ctx;
    return tl.mono;
}

static inline void tl_sleep(void *ctx, uint32_t ms)
{
    (void)ctx;
    tl.mono += ms;
    tl.slept_ms += ms;
    tl.sleeps++;
}

static inline lkd_status_t tl_entropy(void *ctx, uint8_t *b, size_t n)
{
    size_t i;
    (void)ctx;
    if (tl.entropy_fails) {
        return tl.entropy_fails == 2 ? LKD_ERR_NOT_PROVIDED : LKD_ERR_ENTROPY;
    }
    for (i = 0; i < n; i++) {
        b[i] = (uint8_t)((i * 13u + 5u) ^ tl.entropy_salt);
    }
    return LKD_OK;
}

static inline void tl_port(lkd_port_t *p)
{
    p->ctx = NULL;
    p->connect = tl_connect;
    p->send = tl_send;
    p->recv = tl_recv;
    p->close = tl_close;
    p->wall_time = tl_wall;
    p->monotonic_ms = tl_mono;
    p->sleep_ms = tl_sleep;
    p->entropy = tl_entropy;
}

/* ---- test-facing helpers -------------------------------------------------------------- */

#define TL_NOW 1795500000 /* 2026-11-23: inside the good certificate's validity */

/* Forget the script, the record and any connection; the clock restarts at 1000 ms. */
static inline void tl_reset(void)
{
    tl.mono = 1000;
    tl.wall_base = TL_NOW;
    tl.slept_ms = 0;
    tl.sleeps = 0;
    tl.nsteps = tl.next_step = 0;
    tl.nreqs = 0;
    tl.connects = tl.closes = tl.unexpected = 0;
    tl.cert = 0;
    tl.impostor_on_api = 0;
    tl.tickets = 0;
    tl.tls13 = 0;
    tl.tickets_taken = 0;
    tl.hang_handshake = 0;
    tl.connect_hang = 0;
    tl.send_status = LKD_OK;
    tl.send_max = tl.recv_max = 0;
    tl.drop_armed = 0;
    tl.drop_after = 0;
    tl.drop_conn = 0;
    tl.send_bytes_per_s = 0;
    tl.entropy_fails = 0;
    tl.entropy_salt = 0;
    tl.open = 0;
    tl.pool_len = 0;
}

static inline char *tl_alloc(size_t n)
{
    char *p;
    if (n > TL_POOL - tl.pool_len) {
        fprintf(stderr, "tls_loop: answer pool exhausted\n");
        exit(2);
    }
    p = tl.pool + tl.pool_len;
    tl.pool_len += n;
    return p;
}

static inline tl_step_t *tl_push_raw(const char *bytes, size_t len, tl_after_t after)
{
    tl_step_t *s;
    if (tl.nsteps >= TL_MAX_STEPS) {
        fprintf(stderr, "tls_loop: too many steps\n");
        exit(2);
    }
    s = &tl.steps[tl.nsteps++];
    memset(s, 0, sizeof *s);
    s->answer = bytes;
    s->answer_len = len;
    s->after = after;
    return s;
}

static inline void tl_push_connect_failure(lkd_status_t st)
{
    tl_step_t *s = tl_push_raw(NULL, 0, TL_KEEP);
    s->connect_status = st;
}

/* An HTTP/1.1 answer: status line, the extra header lines (each ending in
 * \r\n, may be ""), Content-Length and the body. */
static inline tl_step_t *tl_push_http(int status, const char *headers, const char *body, size_t body_len,
                               tl_after_t after)
{
    char head[1024];
    int n = snprintf(head, sizeof head, "HTTP/1.1 %d X\r\n%sContent-Length: %zu\r\n\r\n", status, headers, body_len);
    char *p = tl_alloc((size_t)n + body_len);
    memcpy(p, head, (size_t)n);
    memcpy(p + n, body, body_len);
    return tl_push_raw(p, (size_t)n + body_len, after);
}

/* A 200 JSON answer with the given Date header ("" for none). */
static inline tl_step_t *tl_push_json(const char *json, const char *date)
{
    char headers[128];
    if (date != NULL && date[0] != '\0') {
        snprintf(headers, sizeof headers, "Content-Type: application/json\r\nDate: %s\r\n", date);
    } else {
        snprintf(headers, sizeof headers, "Content-Type: application/json\r\n");
    }
    return tl_push_http(200, headers, json, strlen(json), TL_KEEP);
}

/* A service error answer (HTTP 200, Response.Error). */
static inline tl_step_t *tl_push_api_error(const char *code)
{
    char json[256];
    snprintf(json, sizeof json,
             "{\"Response\":{\"Error\":{\"Code\":\"%s\",\"Message\":\"m\"},\"RequestId\":\"rid-err\"}}", code);
    return tl_push_json(json, NULL);
}

/* The n-th recorded request has this text somewhere in its first bytes. */
static inline int tl_req_has(unsigned n, const char *text)
{
    return n < tl.nreqs && strstr(tl.reqs[n].head, text) != NULL;
}

/* The value of a request header (up to the line end) copied into out. */
static inline const char *tl_req_header(unsigned n, const char *name, char *out, size_t cap)
{
    const char *p, *e;
    size_t k;
    out[0] = '\0';
    if (n >= tl.nreqs || (p = strstr(tl.reqs[n].head, name)) == NULL) {
        return out;
    }
    p += strlen(name);
    while (*p == ' ' || *p == ':') {
        p++;
    }
    e = strstr(p, "\r\n");
    k = e == NULL ? strlen(p) : (size_t)(e - p);
    if (k >= cap) {
        k = cap - 1;
    }
    memcpy(out, p, k);
    out[k] = '\0';
    return out;
}

/* Result hosts the loop's clients may download from. */
static const char *const tl_result_hosts[] = {"dl.test", ".evil.test"};

/* A client over the loop with the test CA, host api.test. */
static inline lkd_status_t tl_client(lkd_client_t *c, lkd_settings_t *s, lkd_port_t *p)
{
    lkd_status_t st;
    tl_port(p);
    lkd_settings_default(s, LKD_PROFILE_LKEAP);
    s->host = "api.test";
    s->secret_id = "AKIDLOOP";
    s->secret_key = "loop-secret-key";
    s->timeout_ms = 20000;
    s->result_hosts = tl_result_hosts;
    s->result_host_count = sizeof tl_result_hosts / sizeof tl_result_hosts[0];
    st = lkd_client_init(c, s, p);
    if (st == LKD_OK) {
        st = lkd_client_add_ca(c, (const uint8_t *)test_ca_pem, sizeof test_ca_pem);
    }
    return st;
}

#endif /* TLS_LOOP_H */
