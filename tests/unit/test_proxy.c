/* SPDX-License-Identifier: MIT */
/*
 * test_proxy.c - the CONNECT tunnel (lkd_proxy.h): the request, the answer's
 * head read without a byte past it, every status and cut, an abort, the no-proxy
 * matcher, and the proxy settings lkd_client_init refuses.
 */
#include <stdint.h>
#include <string.h>

#include "lkd_proxy.h"
#include "lkd_settings.h"
#include "offline_port.h"
#include "unit.h"

/* A scripted peer: recv hands out script[pos..len) at most `chunk` bytes at
 * a time, then EOF (or, silent, a timeout that moves the clock on); send
 * captures what was sent. */
static struct {
    const char *script;
    size_t len, pos, chunk, largest_ask;
    int silent;
    char sent[LKD_PROXY_REQUEST_MAX + 2]; /* NUL-terminated: one more byte than allowed is caught */
    size_t sent_len;
} peer;

static int peer_fail_send;

static lkd_status_t peer_send(void *ctx, lkd_port_conn_t c, const uint8_t *d, size_t n, uint32_t t, size_t *sent)
{
    (void)ctx, (void)c, (void)t;
    if (peer_fail_send) {
        return LKD_ERR_IO;
    }
    n = n > 100 ? 100 : n; /* partial sends: the tunnel must loop */
    if (peer.sent_len + n > sizeof peer.sent - 1) {
        return LKD_ERR_IO;
    }
    memcpy(peer.sent + peer.sent_len, d, n);
    peer.sent_len += n;
    *sent = n;
    return LKD_OK;
}

static lkd_status_t peer_recv(void *ctx, lkd_port_conn_t c, uint8_t *b, size_t n, uint32_t t, size_t *got)
{
    (void)ctx, (void)c;
    peer.largest_ask = n > peer.largest_ask ? n : peer.largest_ask;
    if (peer.silent) {
        offline_mono += t;
        return LKD_ERR_TIMEOUT;
    }
    if (peer.pos >= peer.len) {
        return LKD_ERR_CLOSED;
    }
    if (n > peer.chunk) {
        n = peer.chunk;
    }
    if (n > peer.len - peer.pos) {
        n = peer.len - peer.pos;
    }
    memcpy(b, peer.script + peer.pos, n);
    peer.pos += n;
    *got = n;
    return LKD_OK;
}

/* The application's abort: stop from abort_at on (fake ms). */
static uint64_t abort_at;

static int app_abort(void *user)
{
    (void)user;
    return offline_mono >= abort_at;
}

static lkd_port_t port;
static lkd_tls_t tls;
static lkd_http_parser_t http;
static lkd_proxy_t proxy;

/* Run the tunnel to host:to against an answer; the peer's script position
 * after it is peer.pos, what was sent peer.sent (NUL-terminated). */
static lkd_status_t tunnel_to(const char *host, uint16_t to, const char *answer, size_t len)
{
    memset(&peer, 0, sizeof peer);
    peer.script = answer;
    peer.len = len;
    peer.chunk = 4096;
    memset(&tls, 0, sizeof tls);
    tls.port = &port;
    tls.conn = 3;
    tls.proxy = &proxy;
    tls.deadline = offline_mono + 5000;
    return lkd_proxy_tunnel(&tls, &http, host, to);
}

static lkd_status_t tunnel(const char *answer, size_t len)
{
    return tunnel_to("lke.intl.tencentcloudapi.com", 443, answer, len);
}

#define TUNNEL(lit) tunnel(lit, sizeof lit - 1)
#define OK_ANSWER "HTTP/1.1 200 OK\r\n\r\n"

/* The request sent for host:to through proxy (the answer a 200). */
static const char *request_for(const char *host, uint16_t to)
{
    CHECK_EQ_INT(tunnel_to(host, to, OK_ANSWER, sizeof OK_ANSWER - 1), LKD_OK);
    return peer.sent;
}

static void test_request(void)
{
    char host[LKD_TLS_HOST_MAX + 1], cred[LKD_PROXY_CREDENTIAL_MAX + 1];
    memset(&proxy, 0, sizeof proxy);
    proxy.host = "127.0.0.1";
    proxy.port = 3128;
    CHECK(strcmp(request_for("a.example.com", 8443),
                 "CONNECT a.example.com:8443 HTTP/1.1\r\nHost: a.example.com:8443\r\n\r\n") == 0);
    /* RFC 7617's example. */
    proxy.user = "Aladdin";
    proxy.password = "open sesame";
    CHECK(strcmp(request_for("h", 443), "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n"
                                        "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n") == 0);
    /* Every length of user:password ends its base64 right (padding). */
    proxy.user = "u";
    proxy.password = NULL;
    CHECK(strcmp(request_for("h", 1), "CONNECT h:1 HTTP/1.1\r\nHost: h:1\r\nProxy-Authorization: Basic dTo=\r\n\r\n") ==
          0);
    proxy.password = "p";
    CHECK(strcmp(request_for("h", 1), "CONNECT h:1 HTTP/1.1\r\nHost: h:1\r\nProxy-Authorization: Basic dTpw\r\n\r\n") ==
          0);
    /* The longest settings make a request of exactly the bound, sent in
     * pieces (the peer takes at most 100 bytes a send). */
    memset(host, 'h', sizeof host - 1);
    host[sizeof host - 1] = '\0';
    memset(cred, 'c', sizeof cred - 1);
    cred[sizeof cred - 1] = '\0';
    proxy.user = cred;
    proxy.password = cred;
    (void)request_for(host, 65535);
    CHECK_EQ_INT(peer.sent_len, LKD_PROXY_REQUEST_MAX);
    CHECK(memcmp(peer.sent + peer.sent_len - 4, "\r\n\r\n", 4) == 0);
    /* A send that fails ends it: no answer is read. */
    peer_fail_send = 1;
    CHECK_EQ_INT(tunnel_to("h", 443, OK_ANSWER, sizeof OK_ANSWER - 1), LKD_ERR_IO);
    CHECK_EQ_INT(peer.pos, 0);
    peer_fail_send = 0;
    memset(&proxy, 0, sizeof proxy);
}

static void test_answers(void)
{
    static const char tls_bytes[] = "\x16\x03\x03\x00\x7a";
    char buf[6000];
    size_t head;
    memset(&proxy, 0, sizeof proxy);
    proxy.host = "127.0.0.1";
    proxy.port = 3128;

    /* 200, and the TLS server's first bytes right behind the head stay unread. */
    head = strlen("HTTP/1.1 200 Connection established\r\nProxy-agent: x\r\n\r\n");
    memcpy(buf, "HTTP/1.1 200 Connection established\r\nProxy-agent: x\r\n\r\n", head);
    memcpy(buf + head, tls_bytes, 5);
    CHECK_EQ_INT(tunnel(buf, head + 5), LKD_OK);
    CHECK_EQ_INT(tls.proxy_status, 200);
    CHECK_EQ_INT(peer.pos, head);
    CHECK_EQ_INT(peer.largest_ask, 1);
    CHECK(peer.sent_len > 0 && memcmp(peer.sent, "CONNECT lke.intl.tencentcloudapi.com:443 HTTP/1.1\r\n", 51) == 0);
    /* A 200 with a Content-Length has no body all the same: what follows is TLS. */
    CHECK_EQ_INT(TUNNEL("HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n\x16\x03\x03\x00\x7a"), LKD_OK);
    CHECK_EQ_INT(peer.len - peer.pos, 5);
    /* Interim answers are skipped. */
    CHECK_EQ_INT(TUNNEL("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"), LKD_OK);
    CHECK_EQ_INT(tls.proxy_status, 200);
    /* Refusals: the status is kept. */
    CHECK_EQ_INT(TUNNEL("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"x\"\r\n"
                        "Content-Length: 3\r\n\r\nabc"),
                 LKD_ERR_PROXY_AUTH);
    CHECK_EQ_INT(tls.proxy_status, 407);
    CHECK_EQ_INT(TUNNEL("HTTP/1.1 401 Unauthorized\r\n\r\n"), LKD_ERR_PROXY_AUTH);
    CHECK_EQ_INT(TUNNEL("HTTP/1.1 403 Access violation\r\nContent-Length: 0\r\n\r\n"), LKD_ERR_PROXY);
    CHECK_EQ_INT(tls.proxy_status, 403);
    CHECK_EQ_INT(TUNNEL("HTTP/1.1 503 Service Unavailable\r\n\r\n"), LKD_ERR_PROXY);
    CHECK_EQ_INT(tls.proxy_status, 503);
    /* Not HTTP: no status. */
    CHECK_EQ_INT(TUNNEL("SSH-2.0-OpenSSH_9.2\r\n"), LKD_ERR_PROXY);
    CHECK_EQ_INT(tls.proxy_status, 0);
    /* A 2xx's Transfer-Encoding and Content-Length are ignored (RFC 9110
     * 9.3.6), even ones that would be malformed elsewhere; another status's
     * are still read, and a conflict refused. */
    CHECK_EQ_INT(TUNNEL("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n\x16"), LKD_OK);
    CHECK_EQ_INT(peer.len - peer.pos, 1);
    CHECK_EQ_INT(TUNNEL("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"), LKD_OK);
    CHECK_EQ_INT(TUNNEL("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\n"), LKD_OK);
    CHECK_EQ_INT(TUNNEL("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), LKD_OK);
    CHECK_EQ_INT(TUNNEL("HTTP/1.1 403 No\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), LKD_ERR_PROXY);
    CHECK_EQ_INT(tls.proxy_status, 0);
    CHECK_EQ_INT(TUNNEL("HTTP/1.1 407 No\r\nTransfer-Encoding: identity\r\n\r\n"), LKD_ERR_PROXY);
    /* Cut before the head ends: never success. */
    CHECK_EQ_INT(TUNNEL("HTTP/1.1 200 OK\r\nProxy-agent: x\r\n"), LKD_ERR_CLOSED);
    CHECK_EQ_INT(TUNNEL(""), LKD_ERR_CLOSED);
    /* A status line read, the head cut: not the proxy's answer. */
    CHECK_EQ_INT(TUNNEL("HTTP/1.1 407 Proxy Authentication Required\r\n"), LKD_ERR_CLOSED);
    CHECK_EQ_INT(tls.proxy_status, 0);
    /* A giant header line (skipped by the parser) still ends at the head's bound. */
    memcpy(buf, "HTTP/1.1 200 OK\r\nX-Pad: ", 24);
    memset(buf + 24, 'a', sizeof buf - 24);
    CHECK_EQ_INT(tunnel(buf, sizeof buf), LKD_ERR_PROXY);
    CHECK_EQ_INT(peer.pos, LKD_PROXY_HEAD_MAX);
    /* Silent: the deadline ends it. */
    memset(&peer, 0, sizeof peer);
    tls.deadline = offline_mono + 2000;
    peer.silent = 1;
    CHECK_EQ_INT(lkd_proxy_tunnel(&tls, &http, "h", 443), LKD_ERR_TIMEOUT);
    CHECK(offline_mono >= tls.deadline);
    /* Silent, and the application stops the call 350 ms in: at the first
     * poll after it; an abort already set when the tunnel starts sends
     * nothing. */
    memset(&peer, 0, sizeof peer);
    tls.deadline = offline_mono + 5000;
    peer.silent = 1;
    abort_at = offline_mono + 350;
    tls.abort = app_abort;
    CHECK_EQ_INT(lkd_proxy_tunnel(&tls, &http, "h", 443), LKD_ERR_ABORTED);
    CHECK(peer.sent_len > 0);
    CHECK(offline_mono >= abort_at && offline_mono - abort_at <= LKD_ABORT_POLL_MS);
    memset(&peer, 0, sizeof peer);
    CHECK_EQ_INT(lkd_proxy_tunnel(&tls, &http, "h", 443), LKD_ERR_ABORTED);
    CHECK_EQ_INT(peer.sent_len, 0);
    tls.abort = NULL;
    /* Credentials go out in the request. */
    proxy.user = "Aladdin";
    proxy.password = "open sesame";
    CHECK_EQ_INT(TUNNEL("HTTP/1.1 200 OK\r\n\r\n"), LKD_OK);
    CHECK(strstr(peer.sent, "\r\nProxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n") != NULL);
}

static void test_no_proxy(void)
{
    static const struct {
        const char *list, *host;
        uint16_t port;
        int bypassed;
    } cases[] = {
        {NULL, "a.example.com", 443, 0},
        {"", "a.example.com", 443, 0},
        {"*", "a.example.com", 443, 1},
        {"example.com", "example.com", 443, 1},
        {"example.com", "a.example.com", 443, 1},
        {".example.com", "a.b.example.com", 443, 1},
        {".example.com", "example.com", 443, 1},
        {"EXAMPLE.com", "a.Example.COM", 443, 1},
        {"example.com", "notexample.com", 443, 0},
        {"ample.com", "example.com", 443, 0},
        {"a.example.com", "example.com", 443, 0},
        {"other.org, example.com", "x.example.com", 443, 1},
        {"other.org example.com", "x.example.com", 443, 1},
        {" ,,other.org,, ", "other.org", 443, 1},
        {"example.com:8443", "a.example.com", 8443, 1},
        {"example.com:8443", "a.example.com", 443, 0},
        {"example.com:", "example.com", 443, 0},
        {"127.0.0.1", "127.0.0.1", 443, 1},
        {"0.0.1", "127.0.0.1", 443, 0},
        {"0.1", "10.0.0.1", 443, 0},
        {"127.0.0.1:443", "127.0.0.1", 443, 1},
        {"localhost", "localhost", 1, 1},
        {"com", "example.com", 443, 1},
        {"example.com.evil", "example.com", 443, 0},
        /* A trailing dot on either side is the same name. */
        {"example.com.", "a.example.com", 443, 1},
        {"example.com", "a.example.com.", 443, 1},
        {".example.com.", "example.com.", 443, 1},
        {"example.com.", "notexample.com", 443, 0},
        {".", "example.com", 443, 0},
        /* IPv6: bracketed (a port may follow) or bare (no port), compared as written. */
        {"::1", "::1", 443, 1},
        {"::1", "::2", 443, 0},
        {"::1", "1", 443, 0},
        {"[::1]", "::1", 443, 1},
        {"[::1]:443", "::1", 443, 1},
        {"[::1]:443", "::1", 8443, 0},
        {"[::1]:", "::1", 443, 0},
        {"[::1]x", "::1", 443, 0},
        {"FE80::A", "fe80::a", 443, 1},
        {"fe80::a", "fe80::a:1", 443, 0},
        {"::a", "fe80::a", 443, 0},
        {"a", "fe80::a", 443, 0},
        {"2001:db8::1", "2001:db8::1", 443, 1},
        {"2001:db8::1, example.com", "x.example.com", 443, 1},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got = lkd_proxy_bypassed(cases[i].list, cases[i].host, cases[i].port);
        if (got != cases[i].bypassed) {
            fprintf(stderr, "no_proxy \"%s\" for %s:%u: %d\n", cases[i].list ? cases[i].list : "(null)",
                    cases[i].host, cases[i].port, got);
        }
        CHECK_EQ_INT(got, cases[i].bypassed);
    }
}

static void test_settings(void)
{
    lkd_settings_t s;
    lkd_arg_error_t e;
    char long_pass[LKD_PROXY_CREDENTIAL_MAX + 2];
    lkd_port_t p;
    offline_port(&p);
    lkd_settings_default(&s, LKD_PROFILE_LKE);
    s.secret_id = "AKID";
    s.secret_key = "key";
    CHECK_EQ_INT(lkd_settings_check(&s, &p, &e), LKD_OK);
    s.proxy.host = "proxy.example";
    s.proxy.port = 3128;
    s.proxy.user = "user";
    s.proxy.password = "any bytes \xe4\xbd\xa0";
    CHECK_EQ_INT(lkd_settings_check(&s, &p, &e), LKD_OK);
    s.proxy.port = 0;
    CHECK_EQ_INT(lkd_settings_check(&s, &p, &e), LKD_ERR_ARG_RANGE);
    s.proxy.port = 3128;
    s.proxy.host = "";
    CHECK_EQ_INT(lkd_settings_check(&s, &p, &e), LKD_ERR_ARG_EMPTY);
    s.proxy.host = "bad host";
    CHECK_EQ_INT(lkd_settings_check(&s, &p, &e), LKD_ERR_ARG_FORMAT);
    s.proxy.host = "proxy.example";
    s.proxy.user = "us:er";
    CHECK_EQ_INT(lkd_settings_check(&s, &p, &e), LKD_ERR_ARG_FORMAT);
    s.proxy.user = "us\ner";
    CHECK_EQ_INT(lkd_settings_check(&s, &p, &e), LKD_ERR_ARG_FORMAT);
    s.proxy.user = "user";
    memset(long_pass, 'p', sizeof long_pass - 1);
    long_pass[sizeof long_pass - 1] = '\0';
    s.proxy.password = long_pass;
    CHECK_EQ_INT(lkd_settings_check(&s, &p, &e), LKD_ERR_ARG_TOO_LONG);
    CHECK_EQ_INT(e.length, LKD_PROXY_CREDENTIAL_MAX + 1);
    CHECK_EQ_INT(e.limit, LKD_PROXY_CREDENTIAL_MAX);
#if LKD_ENABLE_TEXTS
    CHECK(strcmp(e.name, "settings.proxy.password") == 0);
#endif
    long_pass[LKD_PROXY_CREDENTIAL_MAX] = '\0';
    CHECK_EQ_INT(lkd_settings_check(&s, &p, &e), LKD_OK);
    /* No proxy host: the other fields are not looked at. */
    s.proxy.host = NULL;
    s.proxy.port = 0;
    CHECK_EQ_INT(lkd_settings_check(&s, &p, &e), LKD_OK);
}

int main(void)
{
    offline_port(&port);
    port.send = peer_send;
    port.recv = peer_recv;
    test_request();
    test_answers();
    test_no_proxy();
    test_settings();
    return unit_report("test_proxy");
}
