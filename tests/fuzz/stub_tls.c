/* SPDX-License-Identifier: MIT */
/*
 * stub_tls.c - core/src/lkd_tls.h implemented over the scripted server of
 * stub_tls.h, for fuzz_client (linked with every core object but lkd_tls.o).
 *
 * Implements exactly: lkd_tls_init, lkd_tls_add_ca, lkd_tls_connect (and its
 * two steps lkd_tls_open and lkd_tls_handshake, which only a proxy's tunnel
 * uses apart, and no fuzz target sets a proxy),
 * lkd_tls_is_open_to, lkd_tls_peer_closed_cleanly, lkd_tls_write_all, lkd_tls_read, lkd_tls_close,
 * lkd_tls_free, lkd_tls_aborted, lkd_tls_port_wait (pauses only).  Of lkd_tls_t it uses only port, conn, drbg, trusted_time, abort,
 * time_ctx, has_ca, ready and open; the connection's host:port is kept
 * here, by exact name.  The DRBG is seeded from the port's entropy (the fuzz
 * port's is constant), because core/src/lkd_call.c draws its jitter from
 * tls->drbg directly.
 */
#include "stub_tls.h"
#include "lkd_text.h"

#include <string.h>

#include "fuzz_check.h"
#include "lkd_tls.h"

fuzz_server_t fuzz_server;

static const size_t FUZZ_PIECES[8] = {0, 1, 2, 3, 7, 64, 512, 1500};
static const lkd_status_t CONNECT_ERRORS[8] = {LKD_ERR_CONNECT, LKD_ERR_DNS,     LKD_ERR_TLS,    LKD_ERR_CERT,
                                               LKD_ERR_TIMEOUT, LKD_ERR_IO,      LKD_ERR_CLOSED, LKD_ERR_NO_MEMORY};
static const lkd_status_t WRITE_ERRORS[8] = {LKD_ERR_CLOSED,  LKD_ERR_IO,     LKD_ERR_TLS, LKD_ERR_TIMEOUT,
                                             LKD_ERR_CLOSED,  LKD_ERR_IO,     LKD_ERR_CLOSED, LKD_ERR_NO_MEMORY};

#define CTL_END(c) ((c) & 3u)
#define CTL_K(c) (((c) >> 2) & 7u)
#define CTL_DELAY(c) (((c) >> 5) & 1u)
#define CTL_KIND(c) (((c) >> 6) & 3u)
#define KIND_ANSWER 0u
#define KIND_REFUSE 1u
#define KIND_CUT_UPLOAD 2u
#define KIND_TRICKLE 3u

/* What a new connection starts with: nothing streamed, no request under way. */
static void fresh_stream(fuzz_server_t *s)
{
    s->stream_rd = s->stream_wr = 0;
    s->ctl = 1;
    s->delay_pending = 0;
    s->in_request = 0;
    s->writes_in_request = 0;
    s->closed_cleanly = 0;
}

void fuzz_server_reset(void)
{
    fuzz_server_t *s = &fuzz_server;
    s->next_record = 0;
    s->request_count = 0;
    s->requests_overflow = 0;
    s->connects = 0;
    s->connect_calls = 0;
    s->served_used = 0;
    s->open = 0;
    s->host[0] = '\0';
    s->port = 0;
    s->conn_id = 0;
    s->head_len = 0;
    fresh_stream(s);
}

static uint64_t now_ms(const lkd_tls_t *tls)
{
    return tls->port->monotonic_ms(tls->port->ctx);
}

/* Wait (on the fake clock) until the deadline, as a real read or connect
 * that times out would. */
static lkd_status_t time_out(const lkd_tls_t *tls, uint64_t deadline)
{
    uint64_t now = now_ms(tls);
    if (now < deadline) {
        tls->port->sleep_ms(tls->port->ctx, (uint32_t)(deadline - now > 0xFFFFFFFFu ? 0xFFFFFFFFu : deadline - now));
    }
    return LKD_ERR_TIMEOUT;
}

static const fuzz_record_t *peek_record(void)
{
    fuzz_server_t *s = &fuzz_server;
    return s->next_record < s->record_count ? &s->records[s->next_record] : NULL;
}

static int drbg_entropy(void *ctx, unsigned char *buf, size_t len)
{
    const lkd_port_t *port = (const lkd_port_t *)ctx;
    return port->entropy(port->ctx, buf, len) == LKD_OK ? 0 : -1;
}

lkd_status_t lkd_tls_init(lkd_tls_t *tls, const lkd_port_t *port, lkd_tls_time_fn trusted_time, void *time_ctx)
{
    static const unsigned char personalization[] = "lkedoc fuzz tls stub";
    if (tls == NULL || port == NULL || port->entropy == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    memset(tls, 0, sizeof *tls);
    tls->port = port;
    tls->conn = LKD_PORT_NO_CONN;
    tls->trusted_time = trusted_time;
    tls->time_ctx = time_ctx;
    mbedtls_ctr_drbg_init(&tls->drbg);
    if (mbedtls_ctr_drbg_seed(&tls->drbg, drbg_entropy, (void *)port, personalization, sizeof personalization - 1) !=
        0) {
        mbedtls_ctr_drbg_free(&tls->drbg);
        return LKD_ERR_ENTROPY;
    }
    tls->ready = 1;
    return LKD_OK;
}

int lkd_tls_aborted(const lkd_tls_t *tls)
{
    return tls->abort != NULL && tls->abort(tls->abort_user) != 0;
}

/* Only lkd_call_sleep's pauses (out and in NULL) come here: the stub's
 * connection is above TLS. */
lkd_status_t lkd_tls_port_wait(lkd_tls_t *tls, const uint8_t *out, uint8_t *in, size_t len, size_t *done,
                               uint64_t deadline)
{
    (void)len;
    (void)done;
    FUZZ_CHECK(out == NULL && in == NULL);
    return lkd_tls_aborted(tls) ? LKD_ERR_ABORTED : time_out(tls, deadline);
}

lkd_status_t lkd_tls_add_ca(lkd_tls_t *tls, const uint8_t *data, size_t len)
{
    if (tls == NULL || data == NULL || len == 0) {
        return tls == NULL || data == NULL ? LKD_ERR_ARG_NULL : LKD_ERR_ARG_EMPTY;
    }
    if (!tls->ready) {
        return LKD_ERR_STATE;
    }
    tls->has_ca = 1; /* nothing is verified here: the stub is the server */
    return LKD_OK;
}

lkd_status_t lkd_tls_connect(lkd_tls_t *tls, const char *host, const char *connect_host, uint16_t port,
                             uint64_t deadline)
{
    fuzz_server_t *s = &fuzz_server;
    const fuzz_record_t *r;
    size_t n;
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
    s->connect_calls++;
    /* settings.resolve applies to its host and port only. */
    if (s->resolve_host != NULL && port == 443 && strcmp(host, s->resolve_host) == 0) {
        FUZZ_CHECK(connect_host != NULL && strcmp(connect_host, s->resolve_address) == 0);
    } else {
        FUZZ_CHECK(connect_host == NULL);
    }
    n = strlen(host);
    FUZZ_CHECK(n < sizeof s->host);
    FUZZ_CHECK(port != 0);
    if (now_ms(tls) >= deadline) {
        return LKD_ERR_TIMEOUT;
    }
    r = peek_record();
    if (r == NULL) {
        return LKD_ERR_CONNECT; /* the server is gone */
    }
    if (CTL_KIND(r->ctl) == KIND_REFUSE) {
        lkd_status_t st = CONNECT_ERRORS[CTL_K(r->ctl)];
        s->next_record++;
        return st == LKD_ERR_TIMEOUT ? time_out(tls, deadline) : st;
    }
    memcpy(s->host, host, n + 1);
    s->port = port;
    s->open = 1;
    s->conn_id = ++s->connects;
    fresh_stream(s);
    tls->conn = (lkd_port_conn_t)s->conn_id;
    tls->open = 1;
    return LKD_OK;
}

lkd_status_t lkd_tls_open(lkd_tls_t *tls, const char *host, const char *connect_host, uint16_t port,
                          uint64_t deadline)
{
    return lkd_tls_connect(tls, host, connect_host, port, deadline);
}

lkd_status_t lkd_tls_handshake(lkd_tls_t *tls, const char *host, uint16_t port)
{
    (void)tls, (void)host, (void)port;
    return LKD_OK;
}

int lkd_tls_is_open_to(const lkd_tls_t *tls, const char *host, uint16_t port)
{
    const fuzz_server_t *s = &fuzz_server;
    return tls != NULL && tls->open && s->open && host != NULL && port == s->port && strcmp(host, s->host) == 0;
}

int lkd_tls_peer_closed_cleanly(const lkd_tls_t *tls)
{
    return tls != NULL && fuzz_server.closed_cleanly;
}

static const char *want_z(char *want, size_t n)
{
    want[n] = '\0';
    return want;
}

static const uint8_t *find(const uint8_t *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle), i;
    if (k == 0 || k > n) {
        return NULL;
    }
    for (i = 0; i + k <= n; i++) {
        if (memcmp(hay + i, needle, k) == 0) {
            return hay + i;
        }
    }
    return NULL;
}

/* The value of header `name` ("\r\nName: value\r\n") inside head[0..n), or NULL. */
static const uint8_t *header_value(const uint8_t *head, size_t n, const char *name, size_t *len)
{
    char pat[64];
    const uint8_t *v, *e;
    size_t k = strlen(name);
    FUZZ_CHECK(k + 5 < sizeof pat);
    pat[0] = '\r';
    pat[1] = '\n';
    memcpy(pat + 2, name, k);
    pat[k + 2] = ':';
    pat[k + 3] = ' ';
    pat[k + 4] = '\0';
    v = find(head, n, pat);
    if (v == NULL) {
        return NULL;
    }
    v += k + 4;
    e = find(v, n - (size_t)(v - head), "\r\n");
    FUZZ_CHECK(e != NULL);
    *len = (size_t)(e - v);
    return v;
}

static uint64_t parse_u64(const uint8_t *v, size_t n, size_t *used)
{
    uint64_t x = 0;
    size_t i;
    for (i = 0; i < n && v[i] >= '0' && v[i] <= '9'; i++) {
        FUZZ_CHECK(x <= (UINT64_MAX - 9u) / 10u);
        x = x * 10u + (uint64_t)(v[i] - '0');
    }
    FUZZ_CHECK(i > 0);
    *used = i;
    return x;
}

static void check_post_body(void)
{
    fuzz_server_t *s = &fuzz_server;
    fuzz_request_t *q;
    if (s->request_count == 0 || s->requests_overflow) {
        return;
    }
    q = &s->requests[s->request_count - 1];
    if (q->conn_id == s->conn_id && strcmp(q->method, "POST") == 0 && !q->checked_body) {
        q->checked_body = 1;
        FUZZ_CHECK(q->body_written == q->content_length);
    }
}

/* The first write of a request: its whole header block. */
static lkd_status_t start_request(const uint8_t *data, size_t len)
{
    fuzz_server_t *s = &fuzz_server;
    const fuzz_record_t *r;
    const uint8_t *end, *v;
    size_t head_len, vlen, used, room;
    fuzz_request_t q;
    int post = memcmp(data, "POST ", 5) == 0;
    char want[300];
    size_t hn = strlen(s->host);

    memset(&q, 0, sizeof q);
    end = find(data, len, "\r\n\r\n");
    FUZZ_CHECK(end != NULL); /* the whole head (gathered from its pieces) */
    head_len = (size_t)(end - data) + 4;
    FUZZ_CHECK(find(data, head_len - 2, "\r\n\r\n") == NULL || find(data, head_len - 2, "\r\n\r\n") == end);

    /* The Host header names the host:port this connection was opened to. */
    v = header_value(data, head_len, "Host", &vlen);
    FUZZ_CHECK(v != NULL);
    memcpy(want, s->host, hn);
    if (s->port != 443) {
        char digits[8];
        int i = 7;
        unsigned p = s->port;
        digits[i] = '\0';
        do {
            digits[--i] = (char)('0' + p % 10u);
            p /= 10u;
        } while (p > 0);
        want[hn] = ':';
        memcpy(want + hn + 1, digits + i, (size_t)(7 - i));
        hn += 1 + (size_t)(7 - i);
    }
    /* Letter case is the URL's (a presigned URL's host is sent as written);
     * the connection's identity is lower-cased. */
    FUZZ_CHECK(vlen == hn && lkd_text_equals_nocase((const char *)v, vlen, want_z(want, hn)));

    memcpy(q.method, post ? "POST" : "GET", post ? 5 : 4);
    memcpy(q.host, s->host, strlen(s->host) + 1);
    q.port = s->port;
    q.conn_id = s->conn_id;
    q.range_from = -1;
    if (post) {
        /* The head of a POST holds nothing the server chose (a body may: the
         * TaskId of a create answer; a GET: the URL's host and path). */
        if (s->secret_key != NULL) {
            FUZZ_CHECK(find(data, head_len, s->secret_key) == NULL);
        }
        v = header_value(data, head_len, "Content-Length", &vlen);
        FUZZ_CHECK(v != NULL);
        q.content_length = parse_u64(v, vlen, &used);
        FUZZ_CHECK(used == vlen);
        q.body_written = len - head_len;
    } else {
        FUZZ_CHECK(len == head_len); /* a GET has no body */
        FUZZ_CHECK(header_value(data, head_len, "Content-Length", &vlen) == NULL);
        v = header_value(data, head_len, "Range", &vlen);
        if (v != NULL) {
            FUZZ_CHECK(vlen > 7 && memcmp(v, "bytes=", 6) == 0);
            q.range_from = (int64_t)parse_u64(v + 6, vlen - 6, &used);
            FUZZ_CHECK(used + 7 == vlen && v[6 + used] == '-');
            FUZZ_CHECK(q.range_from > 0);
        }
    }
    q.served_off = s->served_used;

    r = peek_record();
    if (r == NULL) {
        return LKD_ERR_CLOSED; /* the server closed the idle connection */
    }
    s->next_record++;
    if (CTL_KIND(r->ctl) == KIND_REFUSE) {
        return WRITE_ERRORS[CTL_K(r->ctl)];
    }
    /* Unread bytes of the previous answer stay in front of this one. */
    if (s->stream_rd > 0) {
        memmove(s->stream, s->stream + s->stream_rd, s->stream_wr - s->stream_rd);
        s->stream_wr -= s->stream_rd;
        s->stream_rd = 0;
    }
    room = sizeof s->stream - s->stream_wr;
    memcpy(s->stream + s->stream_wr, r->data, r->len < room ? r->len : room);
    s->stream_wr += r->len < room ? r->len : room;
    s->ctl = r->ctl;
    s->delay_pending = (uint8_t)CTL_DELAY(r->ctl);
    s->in_request = 1;
    s->writes_in_request = 1;

    if (s->request_count < FUZZ_MAX_REQUESTS) {
        s->requests[s->request_count++] = q;
    } else {
        s->requests_overflow = 1;
    }
    if (s->on_request != NULL) {
        s->on_request(s->user, &q);
    }
    return LKD_OK;
}

lkd_status_t lkd_tls_write_all(lkd_tls_t *tls, const uint8_t *data, size_t len, uint64_t deadline)
{
    fuzz_server_t *s = &fuzz_server;
    int starts;
    /* The client writes only on a connection it has just opened or kept. */
    FUZZ_CHECK(tls != NULL && tls->open && s->open);
    FUZZ_CHECK(data != NULL || len == 0);
    if (len == 0) {
        return LKD_OK;
    }
    if (now_ms(tls) >= deadline) {
        return LKD_ERR_TIMEOUT;
    }
    starts = (len >= 5 && memcmp(data, "POST ", 5) == 0) || (len >= 4 && memcmp(data, "GET ", 4) == 0);
    if (starts) {
        s->head_len = 0; /* a new request: no piece of an earlier, cut one */
    }
    if (starts || s->head_len > 0) {
        if (s->head_len == 0 && find(data, len, "\r\n\r\n") != NULL) {
            check_post_body();
            return start_request(data, len);
        }
        /* A piece of a head: kept until its blank line has come. */
        FUZZ_CHECK(len <= sizeof s->head - s->head_len);
        memcpy(s->head + s->head_len, data, len);
        s->head_len += len;
        if (find(s->head, s->head_len, "\r\n\r\n") == NULL) {
            return LKD_OK;
        }
        len = s->head_len;
        s->head_len = 0;
        check_post_body();
        return start_request(s->head, len);
    }
    /* The rest of a streamed POST body. */
    FUZZ_CHECK(s->in_request && s->request_count > 0 && !s->requests_overflow);
    FUZZ_CHECK(strcmp(s->requests[s->request_count - 1].method, "POST") == 0);
    s->writes_in_request++;
    if (CTL_KIND(s->ctl) == KIND_CUT_UPLOAD) {
        return WRITE_ERRORS[CTL_K(s->ctl)];
    }
    s->requests[s->request_count - 1].body_written += len;
    return LKD_OK;
}

lkd_status_t lkd_tls_read(lkd_tls_t *tls, uint8_t *buf, size_t len, size_t *got, uint64_t deadline)
{
    fuzz_server_t *s = &fuzz_server;
    size_t pending, n;
    if (tls == NULL || buf == NULL || got == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    if (!tls->open) {
        return LKD_ERR_STATE;
    }
    if (len == 0) {
        return LKD_ERR_ARG_EMPTY;
    }
    FUZZ_CHECK(s->open);
    if (s->in_request) {
        s->in_request = 0;
        check_post_body(); /* the client reads only once the whole request is out */
    }
    if (now_ms(tls) >= deadline) {
        return LKD_ERR_TIMEOUT;
    }
    if (s->delay_pending) {
        s->delay_pending = 0;
        tls->port->sleep_ms(tls->port->ctx, 1500);
    }
    if (CTL_KIND(s->ctl) == KIND_TRICKLE) {
        tls->port->sleep_ms(tls->port->ctx, 300);
    }
    if (now_ms(tls) >= deadline) {
        return LKD_ERR_TIMEOUT;
    }
    pending = s->stream_wr - s->stream_rd;
    if (pending == 0) {
        switch (CTL_END(s->ctl)) {
        case 0: return time_out(tls, deadline);
        case 1: s->closed_cleanly = 0; return LKD_ERR_CLOSED;
        case 2: s->closed_cleanly = 1; return LKD_ERR_CLOSED;
        default: return LKD_ERR_IO;
        }
    }
    n = FUZZ_PIECES[CTL_K(s->ctl)];
    if (n == 0 || n > pending) {
        n = pending;
    }
    if (n > len) {
        n = len;
    }
    memcpy(buf, s->stream + s->stream_rd, n);
    if (s->request_count > 0 && !s->requests_overflow && s->requests[s->request_count - 1].conn_id == s->conn_id) {
        fuzz_request_t *q = &s->requests[s->request_count - 1];
        size_t room = sizeof s->served - s->served_used;
        size_t k = n < room ? n : room;
        FUZZ_CHECK(q->served_off + q->served_len == s->served_used);
        memcpy(s->served + s->served_used, s->stream + s->stream_rd, k);
        s->served_used += k;
        q->served_len += k;
        if (k < n) {
            q->served_overflow = 1;
        }
    }
    s->stream_rd += n;
    *got = n;
    return LKD_OK;
}

void lkd_tls_close(lkd_tls_t *tls)
{
    if (tls == NULL || !tls->ready) {
        return;
    }
    fuzz_server.open = 0;
    fuzz_server.in_request = 0;
    fuzz_server.stream_rd = fuzz_server.stream_wr = 0;
    tls->conn = LKD_PORT_NO_CONN;
    tls->open = 0;
}

void lkd_tls_free(lkd_tls_t *tls)
{
    if (tls == NULL) {
        return;
    }
    lkd_tls_close(tls);
    if (tls->ready) {
        mbedtls_ctr_drbg_free(&tls->drbg);
    }
    tls->ready = 0;
}
