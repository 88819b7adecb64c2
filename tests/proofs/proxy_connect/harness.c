/* SPDX-License-Identifier: MIT */
/* The proxy's CONNECT (core/src/lkd_proxy.c): the request sent, the answer
 * read.  Three parts, each its own bounds (one part's variants do not
 * multiply another's):
 *  - request: send_request (CONNECT, Host, Proxy-Authorization: Basic and
 *    the base64 of user ':' password, through the 64-byte sender) for a
 *    host of every length <= HOST_BOUND, every port (split by its number of
 *    digits, 1..5), no user, or a user of every length <= CRED_BOUND and a
 *    password NULL or of every length <= CRED_BOUND (all lengths split).
 *    The port's send takes the whole piece or fails (timeout, closed, I/O);
 *    checked: every piece lies inside the sender's buffer.
 *  - partial sends: flush (the sender's loop over a short send) of a
 *    buffer filled 0..FILL_BOUND or full (64, put's flush), the port
 *    taking any count 1..len of each piece (split; kept apart through its
 *    return by -eva-interprocedural-splits) or failing.
 *  - answer: lkd_proxy_tunnel (host "h", port 443, no user) on an answer of
 *    "HTTP/1.1 " then PREFIXED unknown bytes, or of ANY unknown bytes from
 *    the first; every receive hands over the next byte or fails (closes,
 *    times out, fails, or the wait times out or is aborted), so every
 *    answer of these up to its length, cut at any byte, is read.  Checked:
 *    every receive asks for one byte into a one-byte buffer (not one byte
 *    past the head is taken: recv asserts len == 1); LKD_OK only with a
 *    complete head and a status >= 200 (2xx's upper bound: not checked,
 *    see below); the result one of lkd_proxy.h's (or the port's).
 * Texts' bytes (host, user, password) are arbitrary in 1..127 and sit at
 * the END of their arrays: "any byte but 0" is no interval for EVA (strlen
 * would be any length, unrelated to the array); the request only copies
 * them (strchr(host, ':') aside, an ASCII byte), base64 encodes any byte
 * (tests/proofs/base64).
 * lkd_tls_port_wait is stubbed (below): its source, lkd_tls.c, includes
 * mbedTLS; the stub is one wait of it: the port's send or recv, or a
 * timeout or abort (its clock and abort callback are not modelled).
 * Not covered: the head's 4096-byte limit (one comparison, lkd_proxy.c:203;
 * tests/unit/test_proxy.c reads a 4096-byte head to it); answers past the
 * bounds above (lkd_http_parse on longer ones: tests/proofs/http_*);
 * partial sends inside send_request's calls (flush alone has them);
 * longer hosts (lkd_tls_open refuses them past 253) or credentials; the
 * request's bytes themselves. */
#include "__fc_builtin.h"
/* lkd_proxy.c and lkd_http.c each have a static is_digit. */
#define is_digit proxy_is_digit
#include "lkd_proxy.c"
#undef is_digit
#include "lkd_http.c"
#include "lkd_text.c"
#include "lkd_time.c"
#include "lkd_base64.c"

#ifndef HOST_BOUND
#define HOST_BOUND 3
#endif
#ifndef CRED_BOUND
#define CRED_BOUND 2
#endif
#ifndef PREFIXED
#define PREFIXED 8
#endif
#ifndef ANY
#define ANY 8
#endif
#ifndef FILL_BOUND
#define FILL_BOUND 8
#endif
#define HTTP_PREFIX "HTTP/1.1 "
#define HTTP_PREFIX_LEN (sizeof HTTP_PREFIX - 1)
#define ANSWER_MAX (HTTP_PREFIX_LEN + PREFIXED)

static int partial;      /* the port's send may take fewer bytes than given */
static size_t sent_count; /* what it took (a global: split, kept apart) */
static uint8_t answer[ANSWER_MAX];
static size_t answer_len, answer_pos;

static lkd_status_t fail_status(void)
{
    switch (Frama_C_interval(0, 2)) {
    case 0: return LKD_ERR_TIMEOUT;
    case 1: return LKD_ERR_CLOSED;
    default: return LKD_ERR_IO;
    }
}

static lkd_status_t fake_send(void *ctx, lkd_port_conn_t conn, const uint8_t *data, size_t len,
                              uint32_t timeout_ms, size_t *sent)
{
    (void)ctx;
    (void)conn;
    (void)timeout_ms;
    //@ assert send_piece: 1 <= len <= LKD_PROXY_SEND_CHUNK && \valid_read(data + (0 .. len - 1));
    if (Frama_C_nondet(0, 1)) {
        return fail_status();
    }
    sent_count = partial ? Frama_C_size_t_interval(1, len) : len;
    /*@ split sent_count; */
    *sent = sent_count;
    return LKD_OK;
}

static lkd_status_t fake_recv(void *ctx, lkd_port_conn_t conn, uint8_t *buf, size_t len, uint32_t timeout_ms,
                              size_t *got)
{
    (void)ctx;
    (void)conn;
    (void)timeout_ms;
    /* the head is read byte by byte: nothing past it is taken */
    //@ assert one_byte: len == 1 && \valid(buf);
    if (answer_pos == answer_len || Frama_C_nondet(0, 1)) {
        return fail_status();
    }
    buf[0] = answer[answer_pos++];
    *got = 1;
    return LKD_OK;
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
static lkd_proxy_t proxy;
static sender_t sender;

/* A NUL-terminated text of length len <= bound, bytes 1..127, at the end of
 * buf (bound + 1 bytes). */
static const char *any_text(char *buf, size_t bound, size_t len)
{
    size_t k;
    for (k = 0; k < bound; k++) {
        buf[k] = (char)Frama_C_interval(1, 127);
    }
    buf[bound] = '\0';
    return buf + bound - len;
}

static void request(void)
{
    static const uint16_t lo[5] = {1, 10, 100, 1000, 10000}, hi[5] = {9, 99, 999, 9999, 65535};
    char host[HOST_BOUND + 1], user[CRED_BOUND + 1], pass[CRED_BOUND + 1];
    size_t hn = Frama_C_size_t_interval(0, HOST_BOUND), un, pn;
    int digits = Frama_C_interval(0, 4), who = Frama_C_interval(0, 2);
    const char *h;
    /*@ split hn; */
    /*@ split digits; */
    h = any_text(host, HOST_BOUND, hn);
    memset(&proxy, 0, sizeof proxy);
    /*@ split who; */
    if (who > 0) { /* 1: a user, no password; 2: both */
        un = Frama_C_size_t_interval(0, CRED_BOUND);
        /*@ split un; */
        proxy.user = any_text(user, CRED_BOUND, un);
        if (who == 2) {
            pn = Frama_C_size_t_interval(0, CRED_BOUND);
            /*@ split pn; */
            proxy.password = any_text(pass, CRED_BOUND, pn);
        }
    }
    sender.tls = &tls;
    sender.st = LKD_OK;
    sender.pos = 0;
    send_request(&sender, &proxy, h, (uint16_t)Frama_C_interval(lo[digits], hi[digits]));
    //@ assert request_sent: sender.pos == 0;
}

static void partial_sends(void)
{
    /* 0..FILL_BOUND, or full (put's flush) */
    size_t fill = Frama_C_nondet(0, 1) ? LKD_PROXY_SEND_CHUNK : Frama_C_size_t_interval(0, FILL_BOUND);
    /*@ split fill; */
    Frama_C_make_unknown((char *)sender.buf, sizeof sender.buf);
    sender.tls = &tls;
    sender.st = LKD_OK;
    sender.pos = fill;
    partial = 1;
    flush(&sender);
    partial = 0;
    //@ merge sent_count;
    //@ assert flushed: sender.pos == 0;
}

static void tunnel(void)
{
    int kind = Frama_C_interval(0, 1);
    lkd_status_t st;
    /*@ split kind; */
    Frama_C_make_unknown((char *)answer, sizeof answer);
    if (kind == 0) {
        memcpy(answer, HTTP_PREFIX, HTTP_PREFIX_LEN);
        answer_len = ANSWER_MAX;
    } else {
        answer_len = ANY;
    }
    answer_pos = 0;
    memset(&proxy, 0, sizeof proxy);
    st = lkd_proxy_tunnel(&tls, &http, "h", 443);
    //@ assert status: st == LKD_OK || st == LKD_ERR_PROXY_AUTH || st == LKD_ERR_PROXY || st == LKD_ERR_TIMEOUT || st == LKD_ERR_CLOSED || st == LKD_ERR_IO || st == LKD_ERR_ABORTED;
    if (st == LKD_OK) {
        /* 2xx's upper bound not checked: EVA reduces status_code by
         * status_code / 100 == 2 (lkd_proxy.c:215) to >= 200 only. */
        //@ assert complete: http.state == ST_DONE && tls.proxy_status >= 200;
    }
}

int main(void)
{
    memset(&proxy, 0, sizeof proxy);
    proxy.host = "proxy";
    proxy.port = 3128;
    port.send = fake_send;
    port.recv = fake_recv;
    tls.port = &port;
    tls.conn = 3;
    tls.proxy = &proxy;
#ifndef PART /* PART: one part alone, to measure it */
#define PART 7
#endif
    if (PART & 1) {
        request();
    }
    if (PART & 2) {
        partial_sends();
    }
    if (PART & 4) {
        tunnel();
    }
    return 0;
}
