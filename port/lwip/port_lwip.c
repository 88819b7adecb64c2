/* SPDX-License-Identifier: MIT */
/*
 * port_lwip.c - lkedoc's port on lwIP's socket API (see port_lwip.h).
 *
 * Only lwip_* socket calls here: the stack may be the only one on the device.
 * The structures (sockaddr_in, pollfd, timeval) are whatever lwIP's sockets.h
 * gives: its own on an RTOS, the C library's when lwIP is built with
 * LWIP_SOCKET_EXTERNAL_HEADERS (Debian's liblwip).
 */
#include "port_lwip.h"

#include <errno.h>
#include <string.h>

#include "lwip/opt.h"
#include "lwip/def.h"
#include "lwip/inet.h"
#include "lwip/sockets.h"
#include "lwip/sys.h"
#if LWIP_DNS
#include "lwip/dns.h"
#include "lwip/ip_addr.h"
#include "lwip/netdb.h"
#endif

#if !LWIP_SOCKET
#error "port_lwip needs LWIP_SOCKET"
#endif
#if !LWIP_SO_RCVTIMEO || !LWIP_SO_SNDTIMEO
#error "port_lwip needs LWIP_SO_RCVTIMEO and LWIP_SO_SNDTIMEO (receive and send deadlines)"
#endif

#define DNS_PORT 53
#define DNS_RETRY_MS 1000u /* resend a query this often until the deadline */
#define DNS_MSG_MAX 512

/* One address to try: enough room for IPv4 and IPv6. */
typedef struct {
    union {
        struct sockaddr sa;
        struct sockaddr_in in4;
#if LWIP_IPV6
        struct sockaddr_in6 in6;
#endif
    } u;
    socklen_t len;
} lwip_target_t;

static uint64_t lwip_monotonic_ms(void *ctx)
{
    lkd_port_lwip_t *st = (lkd_port_lwip_t *)ctx;
    uint32_t now = sys_now();
    /* sys_now() wraps every 49.7 days; the client calls this far more often. */
    if (now < st->last_now) {
        st->wraps++;
    }
    st->last_now = now;
    return (st->wraps << 32) | (uint64_t)now;
}

static int64_t lwip_wall_time(void *ctx)
{
    lkd_port_lwip_t *st = (lkd_port_lwip_t *)ctx;
    return st->wall_time != NULL ? st->wall_time(st->user) : LKD_PORT_TIME_UNKNOWN;
}

static void lwip_sleep_ms(void *ctx, uint32_t ms)
{
    (void)ctx;
    sys_msleep(ms);
}

static lkd_status_t lwip_entropy(void *ctx, uint8_t *buf, size_t len)
{
    lkd_port_lwip_t *st = (lkd_port_lwip_t *)ctx;
    return st->entropy != NULL ? st->entropy(st->user, buf, len) : LKD_ERR_ENTROPY;
}

/* SO_RCVTIMEO / SO_SNDTIMEO of ms; lwIP reads 0 as "forever", so never 0. */
static int lwip_set_timeout(int s, int opt, uint32_t ms)
{
#if LWIP_SO_SNDRCVTIMEO_NONSTANDARD
    int v = ms == 0 ? 1 : (ms > 0x7fffffffu ? 0x7fffffff : (int)ms);
#else
    struct timeval v;
    if (ms == 0) {
        ms = 1;
    }
    v.tv_sec = (long)(ms / 1000u);
    v.tv_usec = (long)(ms % 1000u) * 1000L;
#endif
    return lwip_setsockopt(s, SOL_SOCKET, opt, &v, sizeof v);
}

static uint32_t time_left(void *ctx, uint64_t deadline)
{
    uint64_t now = lwip_monotonic_ms(ctx);
    return now >= deadline ? 0 : (uint32_t)(deadline - now);
}

/* How long one wait of a connect may block (ms, of the wanted ms): at most
 * LKD_ABORT_POLL_MS while the connect has an abort to ask; 0 when it says
 * stop. */
static uint32_t lwip_slice(lkd_port_lwip_t *st, uint32_t ms)
{
    if (st->abort == NULL) {
        return ms;
    }
    if (st->abort(st->abort_user)) {
        return 0;
    }
    return ms > LKD_ABORT_POLL_MS ? LKD_ABORT_POLL_MS : ms;
}

/* ---- name resolution ------------------------------------------------------------ */

/* A numeric address needs no resolver. */
static int lwip_parse_numeric(const char *host, uint16_t port, lwip_target_t *t)
{
    memset(t, 0, sizeof *t);
    if (lwip_inet_pton(AF_INET, host, &t->u.in4.sin_addr) == 1) {
        t->u.in4.sin_family = AF_INET;
        t->u.in4.sin_port = lwip_htons(port);
        t->len = sizeof t->u.in4;
        return 1;
    }
#if LWIP_IPV6
    if (lwip_inet_pton(AF_INET6, host, &t->u.in6.sin6_addr) == 1) {
        t->u.in6.sin6_family = AF_INET6;
        t->u.in6.sin6_port = lwip_htons(port);
        t->len = sizeof t->u.in6;
        return 1;
    }
#endif
    return 0;
}

#if LWIP_DNS
/* lwIP's own resolver (dns.c, servers from dns_setserver).  It has its own
 * timeouts (DNS_MAX_RETRIES x DNS_TMR_INTERVAL) and cannot be given ours. */
static lkd_status_t lwip_resolve(void *ctx, const char *host, uint16_t port, uint64_t deadline,
                                 lwip_target_t *out, unsigned *count)
{
    struct addrinfo hints, *list = NULL, *ai;
    char service[8];
    unsigned n = 0;
    (void)ctx;
    (void)deadline;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    lwip_itoa(service, sizeof service, port);
    if (lwip_getaddrinfo(host, service, &hints, &list) != 0 || list == NULL) {
        return LKD_ERR_DNS;
    }
    for (ai = list; ai != NULL && n < LKD_PORT_LWIP_MAX_ADDRS; ai = ai->ai_next) {
        if ((size_t)ai->ai_addrlen <= sizeof out[n].u) {
            memset(&out[n], 0, sizeof out[n]);
            memcpy(&out[n].u, ai->ai_addr, ai->ai_addrlen);
            out[n].len = (socklen_t)ai->ai_addrlen;
            n++;
        }
    }
    lwip_freeaddrinfo(list);
    *count = n;
    return n > 0 ? LKD_OK : LKD_ERR_DNS;
}
#else
/* No LWIP_DNS (Debian's liblwip is built without it): ask the configured
 * server for A records ourselves, over an lwIP UDP socket. */

static size_t dns_build_query(uint8_t *q, size_t cap, uint16_t id, const char *host)
{
    size_t n = 12, i = 0;
    if (cap < 12 + strlen(host) + 2 + 4 || host[0] == '\0') {
        return 0;
    }
    memset(q, 0, 12);
    q[0] = (uint8_t)(id >> 8);
    q[1] = (uint8_t)id;
    q[2] = 0x01; /* RD */
    q[5] = 1;    /* QDCOUNT */
    while (host[i] != '\0') {
        size_t start = i, len;
        while (host[i] != '\0' && host[i] != '.') {
            i++;
        }
        len = i - start;
        if (len == 0 || len > 63) {
            return 0;
        }
        q[n++] = (uint8_t)len;
        memcpy(q + n, host + start, len);
        n += len;
        if (host[i] == '.') {
            i++;
        }
    }
    q[n++] = 0;
    q[n++] = 0;
    q[n++] = 1; /* QTYPE A */
    q[n++] = 0;
    q[n++] = 1; /* QCLASS IN */
    return n;
}

/* Skip a (possibly compressed) name at *pos; 0 on success. */
static int dns_skip_name(const uint8_t *m, size_t len, size_t *pos)
{
    size_t p = *pos;
    while (p < len) {
        uint8_t l = m[p];
        if ((l & 0xc0) == 0xc0) {
            if (p + 2 > len) {
                return -1;
            }
            *pos = p + 2;
            return 0;
        }
        if (l & 0xc0) {
            return -1;
        }
        p += 1u + l;
        if (l == 0) {
            *pos = p;
            return 0;
        }
    }
    return -1;
}

/* The A records of an answer to query id; -1 malformed or not ours, -2 the
 * name does not exist (or the server failed), else how many. */
static int dns_parse_answer(const uint8_t *m, size_t len, uint16_t id, uint16_t port, lwip_target_t *out,
                            unsigned max)
{
    size_t pos = 12;
    unsigned qd, an, i, n = 0;
    if (len < 12 || ((unsigned)m[0] << 8 | m[1]) != id || !(m[2] & 0x80)) {
        return -1;
    }
    if ((m[3] & 0x0f) != 0) {
        return -2;
    }
    qd = (unsigned)m[4] << 8 | m[5];
    an = (unsigned)m[6] << 8 | m[7];
    for (i = 0; i < qd; i++) {
        if (dns_skip_name(m, len, &pos) != 0 || pos + 4 > len) {
            return -1;
        }
        pos += 4;
    }
    for (i = 0; i < an; i++) {
        unsigned type, cls, rdlen;
        if (dns_skip_name(m, len, &pos) != 0 || pos + 10 > len) {
            return -1;
        }
        type = (unsigned)m[pos] << 8 | m[pos + 1];
        cls = (unsigned)m[pos + 2] << 8 | m[pos + 3];
        rdlen = (unsigned)m[pos + 8] << 8 | m[pos + 9];
        pos += 10;
        if (pos + rdlen > len) {
            return -1;
        }
        if (type == 1 && cls == 1 && rdlen == 4 && n < max) { /* CNAMEs are skipped: their A records follow */
            memset(&out[n], 0, sizeof out[n]);
            out[n].u.in4.sin_family = AF_INET;
            out[n].u.in4.sin_port = lwip_htons(port);
            memcpy(&out[n].u.in4.sin_addr, m + pos, 4);
            out[n].len = sizeof out[n].u.in4;
            n++;
        }
        pos += rdlen;
    }
    return n > 0 ? (int)n : -2;
}

/* A fresh, unguessable query id (when the board gives entropy) and the query
 * for host's A records with it; 0 when host cannot be asked for. */
static size_t dns_new_query(void *ctx, const char *host, uint8_t *q, size_t cap)
{
    lkd_port_lwip_t *st = (lkd_port_lwip_t *)ctx;
    st->dns_id = (uint16_t)(st->dns_id * 31u + (uint16_t)lwip_monotonic_ms(ctx) + 1u);
    if (st->entropy != NULL) {
        (void)st->entropy(st->user, (uint8_t *)&st->dns_id, sizeof st->dns_id);
    }
    return dns_build_query(q, cap, st->dns_id, host);
}

static int dns_have_server(const lkd_port_lwip_t *st)
{
    unsigned i;
    for (i = 0; i < LKD_PORT_LWIP_DNS_SERVERS; i++) {
        if (st->dns_server[i] != 0) {
            return 1;
        }
    }
    return 0;
}

/* Send the query to the next configured server, round robin (*tries counts
 * the sends); 0, or -1 when the socket refused it. */
static int dns_send(const lkd_port_lwip_t *st, int s, const uint8_t *q, size_t qlen, unsigned *tries)
{
    struct sockaddr_in srv;
    memset(&srv, 0, sizeof srv);
    srv.sin_family = AF_INET;
    srv.sin_port = lwip_htons(DNS_PORT);
    do {
        srv.sin_addr.s_addr = st->dns_server[(*tries)++ % LKD_PORT_LWIP_DNS_SERVERS];
    } while (srv.sin_addr.s_addr == 0);
    return lwip_sendto(s, q, qlen, 0, (struct sockaddr *)&srv, sizeof srv) == (int)qlen ? 0 : -1;
}

/* Wait until the monotonic time until for the answer to the last query.
 * LKD_OK with the addresses in out[0..*count), LKD_ERR_DNS when the name does
 * not exist, LKD_ERR_TIMEOUT when no answer came by then or the socket
 * failed (the caller asks again).  Stray or malformed datagrams are skipped. */
static lkd_status_t dns_await(void *ctx, int s, uint64_t until, uint16_t port, lwip_target_t *out, unsigned *count)
{
    lkd_port_lwip_t *st = (lkd_port_lwip_t *)ctx;
    uint8_t a[DNS_MSG_MAX];
    for (;;) {
        uint32_t wait = time_left(ctx, until);
        int n, r;
        if (wait == 0) {
            return LKD_ERR_TIMEOUT;
        }
        wait = lwip_slice(st, wait);
        if (wait == 0) {
            return LKD_ERR_ABORTED;
        }
        lwip_set_timeout(s, SO_RCVTIMEO, wait);
        n = lwip_recvfrom(s, a, sizeof a, 0, NULL, NULL);
        if (n < 0 && errno != EWOULDBLOCK && errno != EAGAIN && errno != EINTR) {
            return LKD_ERR_TIMEOUT;
        }
        r = n < 0 ? -1 : dns_parse_answer(a, (size_t)n, st->dns_id, port, out, LKD_PORT_LWIP_MAX_ADDRS);
        if (r == -2) {
            return LKD_ERR_DNS;
        }
        if (r > 0) {
            *count = (unsigned)r;
            return LKD_OK;
        }
    }
}

static lkd_status_t lwip_resolve(void *ctx, const char *host, uint16_t port, uint64_t deadline,
                                 lwip_target_t *out, unsigned *count)
{
    lkd_port_lwip_t *st = (lkd_port_lwip_t *)ctx;
    uint8_t q[DNS_MSG_MAX];
    size_t qlen = dns_new_query(ctx, host, q, sizeof q);
    unsigned tries = 0;
    lkd_status_t why;
    int s;

    if (!dns_have_server(st) || qlen == 0) {
        return LKD_ERR_DNS;
    }
    s = lwip_socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0) {
        return LKD_ERR_DNS;
    }
    for (;;) {
        uint64_t resend_at;
        if (time_left(ctx, deadline) == 0) {
            why = LKD_ERR_TIMEOUT;
            break;
        }
        if (dns_send(st, s, q, qlen, &tries) != 0) {
            why = LKD_ERR_DNS;
            break;
        }
        resend_at = lwip_monotonic_ms(ctx) + DNS_RETRY_MS;
        why = dns_await(ctx, s, resend_at < deadline ? resend_at : deadline, port, out, count);
        if (why != LKD_ERR_TIMEOUT) {
            break;
        }
    }
    lwip_close(s);
    return why;
}
#endif /* LWIP_DNS */

int lkd_port_lwip_set_dns(lkd_port_lwip_t *state, unsigned index, const char *ipv4)
{
    struct in_addr a;
    if (index >= LKD_PORT_LWIP_DNS_SERVERS || ipv4 == NULL || lwip_inet_pton(AF_INET, ipv4, &a) != 1) {
        return -1;
    }
    state->dns_server[index] = a.s_addr;
#if LWIP_DNS
    {
        ip_addr_t ip;
        if (!ipaddr_aton(ipv4, &ip)) {
            return -1;
        }
        dns_setserver((u8_t)index, &ip);
    }
#endif
    return 0;
}

/* ---- TCP ------------------------------------------------------------------------ */

/* Try one address within timeout_ms; the blocking socket, or -1 and why. */
static int lwip_connect_one(lkd_port_lwip_t *st, const lwip_target_t *t, uint32_t timeout_ms, lkd_status_t *why)
{
    uint64_t end = lwip_monotonic_ms(st) + timeout_ms;
    struct pollfd pfd;
    int err = 0;
    socklen_t errlen = sizeof err;
    int s = lwip_socket(t->u.sa.sa_family, SOCK_STREAM, 0);
    if (s < 0) {
        *why = LKD_ERR_CONNECT;
        return -1;
    }
    /* lwIP's blocking connect has no timeout of its own: connect without
     * blocking, wait with lwip_poll, then block again (send/recv use SO_*TIMEO). */
    if (lwip_fcntl(s, F_SETFL, O_NONBLOCK) != 0) {
        lwip_close(s);
        *why = LKD_ERR_CONNECT;
        return -1;
    }
    if (lwip_connect(s, &t->u.sa, t->len) != 0) {
        int rc;
        if (errno != EINPROGRESS) {
            lwip_close(s);
            *why = LKD_ERR_CONNECT;
            return -1;
        }
        do {
            uint32_t left = time_left(st, end), wait = lwip_slice(st, left);
            if (left > 0 && wait == 0) {
                lwip_close(s);
                *why = LKD_ERR_ABORTED;
                return -1;
            }
            pfd.fd = s;
            pfd.events = POLLOUT;
            pfd.revents = 0;
            rc = lwip_poll(&pfd, 1, wait > 0x7fffffffu ? 0x7fffffff : (int)wait);
        } while (rc == 0 && time_left(st, end) > 0);
        if (rc <= 0) {
            lwip_close(s);
            *why = rc == 0 ? LKD_ERR_TIMEOUT : LKD_ERR_CONNECT;
            return -1;
        }
        if (lwip_getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &errlen) != 0 || err != 0) {
            lwip_close(s);
            *why = LKD_ERR_CONNECT;
            return -1;
        }
    }
    if (lwip_fcntl(s, F_SETFL, 0) != 0) {
        lwip_close(s);
        *why = LKD_ERR_CONNECT;
        return -1;
    }
#ifdef TCP_NODELAY
    {
        int one = 1; /* requests go out in one piece and are answered at once: Nagle only adds latency */
        (void)lwip_setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
#endif
    return s;
}

static lkd_status_t lwip_port_connect_to(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms,
                                         lkd_port_conn_t *conn)
{
    lwip_target_t targets[LKD_PORT_LWIP_MAX_ADDRS];
    unsigned count = 0, i;
    uint64_t deadline = lwip_monotonic_ms(ctx) + timeout_ms;
    lkd_status_t why = LKD_ERR_CONNECT;
    int s = -1;

    if (lwip_parse_numeric(host, port, &targets[0])) {
        count = 1;
    } else {
        lkd_status_t st = lwip_resolve(ctx, host, port, deadline, targets, &count);
        if (st != LKD_OK) {
            return st;
        }
    }
    for (i = 0; i < count && s < 0; i++) {
        uint32_t left = time_left(ctx, deadline), share;
        if (left == 0) {
            why = LKD_ERR_TIMEOUT;
            break;
        }
        /* Share the time left among the addresses not tried yet. */
        share = left / (count - i);
        s = lwip_connect_one((lkd_port_lwip_t *)ctx, &targets[i], share > 0 ? share : 1, &why);
        if (why == LKD_ERR_ABORTED) {
            break;
        }
    }
    if (s < 0) {
        return why;
    }
    *conn = (lkd_port_conn_t)s;
    return LKD_OK;
}

/* The abort is kept in the state for the waits of this connect only. */
static lkd_status_t lwip_port_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms,
                                      lkd_abort_fn abort, void *abort_user, lkd_port_conn_t *conn)
{
    lkd_port_lwip_t *st = (lkd_port_lwip_t *)ctx;
    lkd_status_t why;
    st->abort = abort;
    st->abort_user = abort_user;
    why = lwip_port_connect_to(ctx, host, port, timeout_ms, conn);
    st->abort = NULL;
    return why;
}

static lkd_status_t lwip_port_send(void *ctx, lkd_port_conn_t conn, const uint8_t *data, size_t len,
                                   uint32_t timeout_ms, size_t *sent)
{
    int s = (int)conn;
    int n;
    (void)ctx;
    if (lwip_set_timeout(s, SO_SNDTIMEO, timeout_ms) != 0) {
        return LKD_ERR_IO;
    }
    n = lwip_send(s, data, len, 0);
    if (n > 0) {
        *sent = (size_t)n;
        return LKD_OK;
    }
    if (n < 0 && (errno == EWOULDBLOCK || errno == EAGAIN)) {
        return LKD_ERR_TIMEOUT;
    }
    return (n < 0 && (errno == EPIPE || errno == ENOTCONN)) ? LKD_ERR_CLOSED : LKD_ERR_IO;
}

static lkd_status_t lwip_port_recv(void *ctx, lkd_port_conn_t conn, uint8_t *buf, size_t len, uint32_t timeout_ms,
                                   size_t *received)
{
    int s = (int)conn;
    int n;
    (void)ctx;
    if (lwip_set_timeout(s, SO_RCVTIMEO, timeout_ms) != 0) {
        return LKD_ERR_IO;
    }
    n = lwip_recv(s, buf, len, 0);
    if (n > 0) {
        *received = (size_t)n;
        return LKD_OK;
    }
    if (n == 0) {
        return LKD_ERR_CLOSED;
    }
    if (errno == EWOULDBLOCK || errno == EAGAIN) { /* lwIP's SO_RCVTIMEO expiry */
        return LKD_ERR_TIMEOUT;
    }
    return errno == ENOTCONN ? LKD_ERR_CLOSED : LKD_ERR_IO;
}

static void lwip_port_close(void *ctx, lkd_port_conn_t conn)
{
    (void)ctx;
    if (conn != LKD_PORT_NO_CONN) {
        lwip_close((int)conn);
    }
}

void lkd_port_lwip_init(lkd_port_t *port, lkd_port_lwip_t *state)
{
    memset(state->dns_server, 0, sizeof state->dns_server);
    state->last_now = sys_now();
    state->wraps = 0;
    state->dns_id = (uint16_t)state->last_now;
    state->abort = NULL;
    port->ctx = state;
    port->connect = lwip_port_connect;
    port->send = lwip_port_send;
    port->recv = lwip_port_recv;
    port->close = lwip_port_close;
    port->wall_time = lwip_wall_time;
    port->monotonic_ms = lwip_monotonic_ms;
    port->sleep_ms = lwip_sleep_ms;
    port->entropy = lwip_entropy;
}
