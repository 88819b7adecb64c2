/* SPDX-License-Identifier: MIT */
/* lkd_proxy_tunnel (core/src/lkd_proxy.c): the CONNECT request out, then the
 * proxy's answer read byte by byte into the HTTP parser (lkd_http.c,
 * head-only).  The network is lkd_tls_port_wait, the one call lkd_proxy_io
 * makes, defined here as a port may behave:
 *  - a send asserts its bytes are inside their object, then reports an
 *    error (LKD_ERR_TIMEOUT, _CLOSED, _IO, _ABORTED) or LKD_OK with done
 *    bytes sent.  In request() done is 1 or len (split), elsewhere len.
 *    1 or len reaches every state flush can be in with any done in 1..len:
 *    its state is (off, st) with the chunk's pos fixed, and steps of 1
 *    reach every off in 0..pos-1, each then sending pos - off (any 1..len,
 *    split, keeps ~pos^2 states per flush apart: far over the time budget);
 *  - a receive asserts it asks for one byte of a valid buffer, then gives
 *    the answer's next byte, or an error (LKD_ERR_CLOSED, _TIMEOUT, _IO,
 *    _ABORTED) at any point and always once the answer is used up: so every
 *    answer is also cut at every length up to its own.
 * Three parts:
 *  - request(): host "h.example", "192.0.2.1" or "::1" (bracketed), no
 *    credentials, user "u" without password, or "u"/"pw" (the longest
 *    request fills LKD_PROXY_SEND_CHUNK and is sent from the middle of a
 *    put), port 443 or 65535, each split; the answer a 200 head, cut
 *    anywhere;
 *  - answers(): the answer one of PREFIXES, then UNKNOWN arbitrary bytes
 *    (0..255 each), then one of SUFFIXES (bytes that can end a head, and
 *    "TLS" after one), split; with the cut anywhere that is every answer of
 *    a prefix and up to UNKNOWN + 5 more bytes; one request ("::1", "u",
 *    "pw", 443);
 *  - statuses(): a complete head of each of 12 status codes (100, 101,
 *    199, 200, 204, 299, 300, 400, 401, 407, 500, 999): the result.
 * The head limit: LKD_PROXY_HEAD_MAX (4096) is a plain #define, not a
 * configuration option, and far past the bound; it is lowered here (before
 * lkd_proxy.c sees lkd_proxy.h) to PREFIX_MAX + UNKNOWN = 24: after the
 * longest prefix, unknown bytes that end no head take the "head too long"
 * path (LKD_ERR_PROXY), and its heads that end in the suffix are too long.
 * Checked after each tunnel: no byte read past the answer; tls->proxy_status
 * 0 (and the result neither LKD_OK nor LKD_ERR_PROXY_AUTH) unless the head
 * is complete, then 100..999; in statuses() the status is the code and the
 * result is LKD_OK for 2xx, LKD_ERR_PROXY_AUTH for 401 and 407, else
 * LKD_ERR_PROXY; a 200 answer is read to its end and no further; "TLS"
 * after a head is never read.
 * Not covered: longer answers (a header line filling LKD_HTTP_MAX_LINE, the
 * header count: http_long_line and http_headers have those), the
 * result-status relation for unknown status digits (answers() checks only
 * the above), other hosts, ports or credentials (only their lengths move
 * the send buffer; their bytes are concrete), partial sends other than 1 or
 * all outside request(), an abort callback or deadline (lkd_tls_port_wait
 * itself). */
#include "__fc_builtin.h"

#include <string.h>

#ifndef UNKNOWN
#define UNKNOWN 8
#endif

#define PREFIXES "", "HTTP/1.1 ", "HTTP/1.0 407 x\r\n"
#define PREFIX_MAX 16u
#define SUFFIXES "", "\r\n\r\n", "\n\nTLS"
#define SUFFIX_MAX 5u
#define ANSWER_MAX (PREFIX_MAX + UNKNOWN + SUFFIX_MAX)

#include "lkd_proxy.h"
#undef LKD_PROXY_HEAD_MAX
#define LKD_PROXY_HEAD_MAX (PREFIX_MAX + UNKNOWN)

#include "lkd_base64.c"
#include "lkd_http.c"
/* Both define a static is_digit: one translation unit here. */
#define is_digit proxy_is_digit
#include "lkd_proxy.c"
#undef is_digit
#include "lkd_text.c"
#include "lkd_time.c"

#include "../memcmp_body.h" /* status_line compares a known status line exactly */

static const uint8_t *answer;
/* 1: a send may report 1 or len bytes done, else len (see the top). */
static int partial_sends;
static size_t answer_len, answer_pos;

static lkd_status_t any_error(void)
{
    static const lkd_status_t errors[] = {LKD_ERR_TIMEOUT, LKD_ERR_CLOSED, LKD_ERR_IO, LKD_ERR_ABORTED};
    return errors[Frama_C_interval(0, 3)];
}

lkd_status_t lkd_tls_port_wait(lkd_tls_t *tls, const uint8_t *out, uint8_t *in, size_t len, size_t *done,
                               uint64_t deadline)
{
    (void)tls;
    (void)deadline;
    //@ assert one_way: (out == \null) != (in == \null);
    //@ assert \valid(done);
    if (out != NULL) {
        int partial;
        //@ assert send_len: len >= 1;
        //@ assert \valid_read(out + (0 .. len - 1));
        if (Frama_C_interval(0, 1)) {
            return any_error();
        }
        partial = partial_sends && Frama_C_interval(0, 1);
        /*@ split partial; */
        *done = partial ? 1u : len;
        return LKD_OK;
    }
    //@ assert len == 1 && \valid(in);
    if (answer_pos == answer_len || Frama_C_interval(0, 1)) {
        return any_error();
    }
    *in = answer[answer_pos++];
    *done = 1;
    return LKD_OK;
}

static const char *const prefixes[] = {PREFIXES};
static const char *const suffixes[] = {SUFFIXES};
static const char *const hosts[] = {"h.example", "192.0.2.1", "::1"};

/* The answer ends where the array ends: a read past it is an alarm. */
static uint8_t buf[ANSWER_MAX];

/* Puts text[0..n) at the end of buf: the answer. */
static void set_answer(const char *text, size_t n)
{
    answer = buf + ANSWER_MAX - n;
    answer_len = n;
    answer_pos = 0;
    if (n > 0) {
        memcpy(buf + ANSWER_MAX - n, text, n);
    }
}

/* lkd_proxy_tunnel through the proxy, host and port given, its result
 * checked against tls->proxy_status. */
static lkd_status_t tunnel(const lkd_proxy_t *proxy, const char *host, uint16_t port, lkd_tls_t *tls,
                           lkd_http_parser_t *http)
{
    lkd_status_t r;
    memset(tls, 0, sizeof *tls);
    tls->proxy = proxy;
    tls->proxy_status = -1; /* the tunnel sets it */
    r = lkd_proxy_tunnel(tls, http, host, port);
    //@ assert read_in_answer: answer_pos <= answer_len;
    if (tls->proxy_status == 0) {
        //@ assert no_status: r != LKD_OK && r != LKD_ERR_PROXY_AUTH;
    } else {
        //@ assert status: http->state == ST_DONE && 100 <= tls->proxy_status <= 999;
    }
    return r;
}

/* The request: every host and credentials choice, a 3- and a 5-digit port,
 * sends cut (partial sends on); the answer a 200 cut anywhere. */
static void request(void)
{
    static const char ok[] = "HTTP/1.1 200 OK\r\n\r\n";
    lkd_tls_t tls;
    lkd_http_parser_t http;
    lkd_proxy_t proxy;
    int h = Frama_C_interval(0, 2), creds = Frama_C_interval(0, 2), port = Frama_C_nondet(443, 65535);
    lkd_status_t r;
    /*@ split h; */
    /*@ split creds; */
    /*@ split port; */
    memset(&proxy, 0, sizeof proxy);
    proxy.user = creds == 0 ? NULL : "u";
    proxy.password = creds == 2 ? "pw" : NULL;
    set_answer(ok, sizeof ok - 1);
    partial_sends = 1;
    r = tunnel(&proxy, hosts[h], (uint16_t)port, &tls, &http);
    partial_sends = 0;
    //@ assert ok_read: r == LKD_OK ==> answer_pos == answer_len;
}

/* The answer: every prefix, UNKNOWN arbitrary bytes, every suffix; one
 * request (the longest: IPv6, user and password), sent whole. */
static void answers(void)
{
    lkd_tls_t tls;
    lkd_http_parser_t http;
    lkd_proxy_t proxy;
    char text[ANSWER_MAX + 1];
    size_t plen, slen;
    int p = Frama_C_interval(0, 2), s = Frama_C_interval(0, 2);
    /*@ split p; */
    /*@ split s; */
    plen = strlen(prefixes[p]);
    slen = strlen(suffixes[s]);
    memcpy(text, prefixes[p], plen);
    Frama_C_make_unknown((char *)text + plen, UNKNOWN);
    memcpy(text + plen + UNKNOWN, suffixes[s], slen + 1u); /* with its NUL */
    set_answer(text, plen + UNKNOWN + slen);
    memset(&proxy, 0, sizeof proxy);
    proxy.user = "u";
    proxy.password = "pw";
    (void)tunnel(&proxy, "::1", 443, &tls, &http);
    if (tls.proxy_status != 0 && s == 2) {
        /* a head ends at an LF: "TLS" (the origin's) is left unread */
        //@ assert tunnel_untouched: answer_pos <= answer_len - 3;
    }
}

/* Every status code of a complete head: the result it gives. */
static void statuses(void)
{
    char text[] = "HTTP/1.1 000\r\n\r\n";
    lkd_tls_t tls;
    lkd_http_parser_t http;
    lkd_proxy_t proxy;
    static const int codes[] = {100, 101, 199, 200, 204, 299, 300, 400, 401, 407, 500, 999};
    lkd_status_t r;
    int code = codes[Frama_C_interval(0, (int)(sizeof codes / sizeof codes[0]) - 1)];
    /*@ split code; */
    text[9] = (char)('0' + code / 100);
    text[10] = (char)('0' + code / 10 % 10);
    text[11] = (char)('0' + code % 10);
    set_answer(text, sizeof text - 1);
    memset(&proxy, 0, sizeof proxy);
    r = tunnel(&proxy, "h.example", 443, &tls, &http);
    if (tls.proxy_status != 0) {
        //@ assert status_code: tls.proxy_status == code;
        //@ assert result: r == (code / 100 == 2 ? LKD_OK : code == 401 || code == 407 ? LKD_ERR_PROXY_AUTH : LKD_ERR_PROXY);
    }
}

int main(void)
{
    request();
    answers();
    statuses();
    return 0;
}
