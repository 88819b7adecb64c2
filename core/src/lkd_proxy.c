/* SPDX-License-Identifier: MIT */
/*
 * lkd_proxy.c - CONNECT through an HTTP proxy, and the no-proxy list (see
 * lkd_proxy.h).
 */
#include "lkd_proxy.h"

#include <string.h>

#include "lkd_base64.h"
#include "lkd_http.h"
#include "lkd_text.h"

static void put_host_port(lkd_text_writer_t *w, const char *host, uint16_t port)
{
    lkd_text_put_str(w, host);
    lkd_text_put(w, ":", 1);
    lkd_text_put_dec(w, port);
}

lkd_status_t lkd_proxy_request(const lkd_proxy_t *p, const char *host, uint16_t port, char *out, size_t cap,
                               size_t *len)
{
    lkd_text_writer_t w;
    w.out = out;
    w.cap = cap;
    w.pos = 0;
    w.overflow = 0;
    lkd_text_put_str(&w, "CONNECT ");
    put_host_port(&w, host, port);
    lkd_text_put_str(&w, " HTTP/1.1\r\nHost: ");
    put_host_port(&w, host, port);
    if (p->user != NULL) {
        /* base64 of user ':' password, three bytes at a time: the pair is
         * never joined in memory. */
        const char *pass = p->password != NULL ? p->password : "";
        size_t nu = strlen(p->user), n = nu + 1u + strlen(pass), i, k;
        lkd_text_put_str(&w, "\r\nProxy-Authorization: Basic ");
        for (i = 0; i < n; i += k) {
            uint8_t g[3];
            char enc[4];
            for (k = 0; k < 3u && i + k < n; k++) {
                size_t j = i + k;
                g[k] = (uint8_t)(j < nu ? p->user[j] : j == nu ? ':' : pass[j - nu - 1u]);
            }
            lkd_base64_encode(g, k, enc);
            lkd_text_put(&w, enc, 4);
            memset(g, 0, sizeof g);
            memset(enc, 0, sizeof enc);
        }
    }
    lkd_text_put_str(&w, "\r\n\r\n");
    *len = w.pos;
    return w.overflow ? LKD_ERR_BUFFER_TOO_SMALL : LKD_OK;
}

/* One entry e[0..n) of the list against host (hn bytes) and port. */
static int entry_matches(const char *e, size_t n, const char *host, size_t hn, uint16_t port)
{
    size_t i = n;
    uint64_t want = 0;
    while (i > 0 && e[i - 1u] >= '0' && e[i - 1u] <= '9') {
        i--;
    }
    if (i > 0 && i < n && e[i - 1u] == ':') {
        if (lkd_text_parse_u64(e + i, n - i, &want) != n - i || want != port) {
            return 0;
        }
        n = i - 1u;
    }
    if (n > 0 && e[0] == '.') {
        e++;
        n--;
    }
    if (n == 1 && e[0] == '*') {
        return 1;
    }
    if (n == 0 || n > hn || !lkd_text_equals_nocase(e, n, host + hn - n)) {
        return 0;
    }
    /* A suffix, by whole labels; never of an IPv4 address (a name whose
     * last label ends in a digit: no top-level domain does), which is only
     * itself. */
    return n == hn || (host[hn - n - 1u] == '.' && (host[hn - 1u] < '0' || host[hn - 1u] > '9'));
}

int lkd_proxy_bypassed(const char *list, const char *host, uint16_t port)
{
    size_t hn = strlen(host);
    while (list != NULL && *list != '\0') {
        size_t n = 0;
        while (*list == ',' || *list == ' ' || *list == '\t') {
            list++;
        }
        while (list[n] != '\0' && list[n] != ',' && list[n] != ' ' && list[n] != '\t') {
            n++;
        }
        if (n > 0 && entry_matches(list, n, host, hn, port)) {
            return 1;
        }
        list += n;
    }
    return 0;
}

lkd_status_t lkd_proxy_io(lkd_tls_t *tls, uint8_t *buf, size_t len, size_t *done, int sending)
{
    uint64_t now = tls->port->monotonic_ms(tls->port->ctx);
    uint64_t left = now < tls->deadline ? tls->deadline - now : 0;
    if (tls->idle_ms > 0 && left > tls->idle_ms) {
        left = tls->idle_ms;
    }
    if (left == 0) {
        return LKD_ERR_TIMEOUT;
    }
    left = left > 0xffffffffu ? 0xffffffffu : left;
    return sending ? tls->port->send(tls->port->ctx, tls->conn, buf, len, (uint32_t)left, done)
                   : tls->port->recv(tls->port->ctx, tls->conn, buf, len, (uint32_t)left, done);
}

lkd_status_t lkd_proxy_tunnel(lkd_tls_t *tls, const char *host, uint16_t port)
{
    /* The request, then the parser of the answer, in the same bytes. */
    union {
        char req[LKD_PROXY_REQUEST_MAX];
        lkd_http_parser_t http;
    } u;
    size_t len = 0, pos = 0, n = 0;
    uint8_t b = 0;
    lkd_status_t st = lkd_proxy_request(tls->proxy, host, port, u.req, sizeof u.req, &len);
    tls->proxy_status = 0;
    while (st == LKD_OK && pos < len) {
        st = lkd_proxy_io(tls, (uint8_t *)u.req + pos, len - pos, &n, 1);
        pos += st == LKD_OK ? n : 0u;
    }
    memset(&u, 0, sizeof u); /* the credentials */
    /* A head only: a CONNECT's 2xx has no body whatever it says, and
     * another status's is left unread (the connection is closed). */
    lkd_http_parser_init(&u.http, NULL, NULL, NULL, 1);
    for (pos = 0; st == LKD_OK && !lkd_http_is_complete(&u.http); pos++) {
        st = pos < LKD_PROXY_HEAD_MAX ? lkd_proxy_io(tls, &b, 1, &n, 0) : LKD_ERR_PROXY;
        if (st == LKD_OK) {
            st = lkd_http_parse(&u.http, &b, 1, NULL) == LKD_OK ? LKD_OK : LKD_ERR_PROXY;
        }
    }
    tls->proxy_status = u.http.status_code;
    if (st != LKD_OK) {
        return st;
    }
    /* A 401 to a CONNECT is the proxy's too (tinyproxy answers bad
     * credentials so): the origin never saw the request. */
    return u.http.status_code / 100 == 2                              ? LKD_OK
           : u.http.status_code == 407 || u.http.status_code == 401 ? LKD_ERR_PROXY_AUTH
                                                                     : LKD_ERR_PROXY;
}
