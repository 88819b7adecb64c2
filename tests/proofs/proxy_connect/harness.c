/* SPDX-License-Identifier: MIT */
/* The proxy's CONNECT answer, and the no_proxy list (core/src/lkd_proxy.c).
 *  - lkd_proxy_tunnel over a fake port: send takes 1..len bytes of each
 *    piece, or fails (timeout, closed, I/O); recv writes up to the length
 *    asked with unknown bytes and says any count 1..len, or closes, times
 *    out, fails.  So the answer is any byte string in any piece sizes, cut
 *    anywhere, up to and past LKD_PROXY_HEAD_MAX (4096) bytes: the whole
 *    head loop, lkd_http_parse in head-only (CONNECT) mode on every byte.
 *    The host is an arbitrary NUL-terminated text of every length <=
 *    HOST_BOUND (a ':' in it brackets it), with no user, or a user and a
 *    password (NULL or not) of every length <= CRED_BOUND arbitrary bytes.
 *    Checked: every receive asks for one byte into the one-byte buffer, so
 *    not one byte past the head is taken (recv asserts len == 1); no more
 *    than LKD_PROXY_HEAD_MAX bytes are read; LKD_OK only with a complete
 *    head and a 2xx status; the result is one of the statuses lkd_proxy.h
 *    names (or the port's).
 *  - lkd_proxy_bypassed: an arbitrary NUL-terminated no_proxy list of every
 *    length <= LIST_BOUND, an arbitrary host of every length <= BYPASS_HOST
 *    and any port.
 * lkd_tls_port_wait is stubbed (below): its source, lkd_tls.c, includes
 * mbedTLS (and PSA's headers, not on the proof's include path); the stub is
 * one slice of it: the port's send or recv, or a timeout or abort (the
 * clock and abort callback it polls are not modelled).
 * Not covered: hosts over HOST_BOUND (lkd_tls_open refuses them past 253),
 * credentials past CRED_BOUND; the bytes of the request sent (only that
 * every send stays inside the sender's buffer). */
#include "__fc_builtin.h"
/* lkd_proxy.c and lkd_http.c each have a static is_digit. */
#define is_digit proxy_is_digit
#include "lkd_proxy.c"
#undef is_digit
#include "lkd_http.c"
#include "lkd_text.c"
#include "lkd_time.c"
#include "lkd_base64.c"

#define HOST_BOUND 6
#define CRED_BOUND 4
#define LIST_BOUND 10
#define BYPASS_HOST 6

static size_t received; /* answer bytes handed to the client */

static lkd_status_t fake_send(void *ctx, lkd_port_conn_t conn, const uint8_t *data, size_t len,
                              uint32_t timeout_ms, size_t *sent)
{
    (void)ctx;
    (void)conn;
    (void)timeout_ms;
    //@ assert send_piece: 1 <= len <= LKD_PROXY_SEND_CHUNK && \valid_read(data + (0 .. len - 1));
    *sent = Frama_C_size_t_interval(1, len);
    switch (Frama_C_interval(0, 3)) {
    case 0: return LKD_OK;
    case 1: return LKD_ERR_TIMEOUT;
    case 2: return LKD_ERR_CLOSED;
    default: return LKD_ERR_IO;
    }
}

static lkd_status_t fake_recv(void *ctx, lkd_port_conn_t conn, uint8_t *buf, size_t len, uint32_t timeout_ms,
                              size_t *got)
{
    (void)ctx;
    (void)conn;
    (void)timeout_ms;
    /* the head is read byte by byte: nothing past it is taken */
    //@ assert one_byte: len == 1;
    switch (Frama_C_interval(0, 3)) {
    case 0:
        Frama_C_make_unknown((char *)buf, len);
        *got = Frama_C_size_t_interval(1, len);
        received += *got;
        return LKD_OK;
    case 1: return LKD_ERR_TIMEOUT;
    case 2: return LKD_ERR_CLOSED;
    default: return LKD_ERR_IO;
    }
}

/* The stub: one wait of lkd_tls_port_wait (lkd_tls.c). */
lkd_status_t lkd_tls_port_wait(lkd_tls_t *tls, const uint8_t *out, uint8_t *in, size_t len, size_t *done,
                               uint64_t deadline)
{
    tls->deadline = deadline;
    if (Frama_C_nondet(0, 1)) {
        return Frama_C_nondet(0, 1) ? LKD_ERR_TIMEOUT : LKD_ERR_ABORTED;
    }
    if (out != NULL) {
        return tls->port->send(tls->port->ctx, tls->conn, out, len, 1000, done);
    }
    return tls->port->recv(tls->port->ctx, tls->conn, in, len, 1000, done);
}

static lkd_port_t port;
static lkd_tls_t tls;
static lkd_http_parser_t http;

/* An arbitrary NUL-terminated text of any length <= bound, at the end of
 * buf (bound + 1 bytes). */
static const char *any_text(char *buf, size_t bound)
{
    size_t k, len = Frama_C_size_t_interval(0, bound);
    Frama_C_make_unknown(buf, bound);
    for (k = 0; k < bound; k++) {
        if (buf[k] == '\0') {
            buf[k] = 'x';
        }
    }
    buf[bound] = '\0';
    return buf + bound - len;
}

static void tunnel(void)
{
    char host[HOST_BOUND + 1], user[CRED_BOUND + 1], pass[CRED_BOUND + 1];
    lkd_proxy_t proxy;
    lkd_status_t st;
    const char *h = any_text(host, HOST_BOUND);
    memset(&proxy, 0, sizeof proxy);
    proxy.host = "proxy";
    proxy.port = 3128;
    if (Frama_C_nondet(0, 1)) {
        proxy.user = any_text(user, CRED_BOUND);
        proxy.password = Frama_C_nondet(0, 1) ? any_text(pass, CRED_BOUND) : NULL;
    }
    port.send = fake_send;
    port.recv = fake_recv;
    tls.port = &port;
    tls.conn = 3;
    tls.proxy = &proxy;
    received = 0;
    st = lkd_proxy_tunnel(&tls, &http, h, (uint16_t)Frama_C_interval(1, 65535));
    //@ assert head_max: received <= LKD_PROXY_HEAD_MAX;
    //@ assert status: st == LKD_OK || st == LKD_ERR_PROXY_AUTH || st == LKD_ERR_PROXY || st == LKD_ERR_TIMEOUT || st == LKD_ERR_CLOSED || st == LKD_ERR_IO || st == LKD_ERR_ABORTED;
    if (st == LKD_OK) {
        //@ assert complete: http.state == ST_DONE && 200 <= tls.proxy_status <= 299;
    }
}

static void bypass(void)
{
    char list[LIST_BOUND + 1], host[BYPASS_HOST + 1];
    int r = lkd_proxy_bypassed(Frama_C_nondet(0, 1) ? any_text(list, LIST_BOUND) : NULL,
                               any_text(host, BYPASS_HOST), (uint16_t)Frama_C_interval(0, 65535));
    //@ assert bypass_result: r == 0 || r == 1;
}

int main(void)
{
    tunnel();
    bypass();
    return 0;
}
