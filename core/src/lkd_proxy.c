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
#include "lkd_tls.h"

/* The request goes out through a small buffer, sent whenever it fills: the
 * longest one (LKD_PROXY_REQUEST_MAX) is never on the stack whole. */
typedef struct {
    lkd_tls_t *tls;
    lkd_status_t st;
    size_t pos;
    uint8_t buf[LKD_PROXY_SEND_CHUNK];
} sender_t;

static void flush(sender_t *s)
{
    size_t off = 0, n;
    while (s->st == LKD_OK && off < s->pos) {
        n = 0;
        s->st = lkd_proxy_io(s->tls, s->buf + off, s->pos - off, &n, 1);
        off += n;
    }
    s->pos = 0;
}

static void put(sender_t *s, const char *d, size_t n)
{
    while (n-- > 0) {
        s->buf[s->pos++] = (uint8_t)*d++;
        if (s->pos == sizeof s->buf) {
            flush(s);
        }
    }
}

static void put_str(sender_t *s, const char *str)
{
    put(s, str, strlen(str));
}

static void put_host_port(sender_t *s, const char *host, uint16_t port)
{
    char d[6];
    lkd_text_writer_t w;
    size_t v6;
    w.out = d;
    w.cap = sizeof d;
    w.pos = 0;
    w.overflow = 0;
    lkd_text_put_dec(&w, port);
    /* authority-form (RFC 9110 9.3.6), the port always; an IPv6 literal,
     * the one host with a ':', bracketed (RFC 3986 3.2.2). */
    v6 = strchr(host, ':') != NULL;
    put(s, "[", v6);
    put_str(s, host);
    put(s, &"]:"[!v6], 1u + v6);
    put(s, d, w.pos);
}

/* CONNECT host:port, Host, and Proxy-Authorization: Basic when p->user is
 * set. */
static void send_request(sender_t *s, const lkd_proxy_t *p, const char *host, uint16_t port)
{
    put_str(s, "CONNECT ");
    put_host_port(s, host, port);
    put_str(s, " HTTP/1.1\r\nHost: ");
    put_host_port(s, host, port);
    if (p->user != NULL) {
        /* base64 of user ':' password, three bytes at a time: the pair is
         * never joined in memory. */
        const char *pass = p->password != NULL ? p->password : "";
        size_t nu = strlen(p->user), n = nu + 1u + strlen(pass), i, k;
        put_str(s, "\r\nProxy-Authorization: Basic ");
        for (i = 0; i < n; i += k) {
            uint8_t g[3];
            char enc[4];
            for (k = 0; k < 3u && i + k < n; k++) {
                size_t j = i + k;
                g[k] = (uint8_t)(j < nu ? p->user[j] : j == nu ? ':' : pass[j - nu - 1u]);
            }
            lkd_base64_encode(g, k, enc);
            put(s, enc, 4);
            memset(g, 0, sizeof g);
            memset(enc, 0, sizeof enc);
        }
    }
    put_str(s, "\r\n\r\n");
    flush(s);
    memset(s->buf, 0, sizeof s->buf); /* the credentials */
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* a[0..n) and b[0..n) the same, letters in any case. */
static int same_nocase(const char *a, const char *b, size_t n)
{
    while (n-- > 0) {
        if (lkd_text_lower(*a++) != lkd_text_lower(*b++)) {
            return 0;
        }
    }
    return 1;
}

/* One entry e[0..n) of the list against host (hn bytes, no trailing dot)
 * and port. */
static int entry_matches(const char *e, size_t n, const char *host, size_t hn, uint16_t port)
{
    size_t i, colons = 0;
    uint64_t want = 0;
    for (i = 0; i < n; i++) {
        colons += e[i] == ':';
    }
    if (colons > 1u && e[0] != '[') {
        /* A bare IPv6 address: all of it is the address (no port). */
        return n == hn && same_nocase(e, host, n);
    }
    i = n;
    while (i > 0 && is_digit(e[i - 1u])) {
        i--;
    }
    if (i > 0 && i < n && e[i - 1u] == ':') {
        if (lkd_text_parse_u64(e + i, n - i, &want) != n - i || want != port) {
            return 0;
        }
        n = i - 1u;
    }
    if (n >= 2u && e[0] == '[' && e[n - 1u] == ']') {
        /* [IPv6]: the address inside, as written. */
        return n - 2u == hn && same_nocase(e + 1, host, hn);
    }
    if (n > 0 && e[0] == '.') {
        e++;
        n--;
    }
    if (n > 0 && e[n - 1u] == '.') {
        n--; /* a name's trailing dot (the root) changes nothing */
    }
    if (n == 1 && e[0] == '*') {
        return 1;
    }
    if (n == 0 || n > hn || !same_nocase(e, host + hn - n, n)) {
        return 0;
    }
    /* A suffix, by whole labels; never of an IPv4 address (a name whose
     * last label ends in a digit: no top-level domain does), which is only
     * itself. */
    return n == hn || (host[hn - n - 1u] == '.' && !is_digit(host[hn - 1u]));
}

int lkd_proxy_bypassed(const char *list, const char *host, uint16_t port)
{
    size_t hn = strlen(host);
    hn -= hn > 0 && host[hn - 1u] == '.';
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
    return lkd_tls_port_wait(tls, sending ? buf : NULL, sending ? NULL : buf, len, done, tls->deadline);
}

lkd_status_t lkd_proxy_tunnel(lkd_tls_t *tls, lkd_http_parser_t *http, const char *host, uint16_t port)
{
    sender_t s;
    size_t pos, n = 0;
    uint8_t b = 0;
    s.tls = tls;
    s.st = LKD_OK;
    s.pos = 0;
    tls->proxy_status = 0;
    send_request(&s, tls->proxy, host, port);
    /* A head only: a CONNECT's 2xx has no body whatever it says (its
     * framing headers are not read), and another status's is left unread
     * (the connection is closed). */
    lkd_http_parser_init(http, NULL, NULL, NULL, 2);
    for (pos = 0; s.st == LKD_OK && !lkd_http_is_complete(http); pos++) {
        s.st = pos < LKD_PROXY_HEAD_MAX ? lkd_proxy_io(tls, &b, 1, &n, 0) : LKD_ERR_PROXY;
        if (s.st == LKD_OK) {
            s.st = lkd_http_parse(http, &b, 1, NULL) == LKD_OK ? LKD_OK : LKD_ERR_PROXY;
        }
    }
    if (s.st != LKD_OK) {
        return s.st;
    }
    /* Only a complete head's status is the proxy's answer. */
    tls->proxy_status = http->status_code;
    /* A 401 to a CONNECT is the proxy's too (tinyproxy answers bad
     * credentials so): the origin never saw the request. */
    return http->status_code / 100 == 2                           ? LKD_OK
           : http->status_code == 407 || http->status_code == 401 ? LKD_ERR_PROXY_AUTH
                                                                   : LKD_ERR_PROXY;
}
