/* SPDX-License-Identifier: MIT */
/*
 * lkd_call.c - the machinery of one API call (see lkd_call.h): connection,
 * the signed request with a streamed body, the answer, retries, and the
 * client's diagnostics.
 *
 * Memory: the JSON body is first composed in the response buffer (free at
 * that moment), then the signed request is written to the request buffer;
 * a streamed file goes through the request buffer in base64 pieces; once the
 * request is sent, the request buffer receives the raw TLS plaintext that the
 * HTTP parser turns into the body inside the response buffer.
 */
#include "lkd_call.h"

#include <string.h>


#include "lkd_arg.h"
#include "lkd_base64.h"
#include "lkd_clock.h"
#include "lkd_creds.h"
#include "lkd_hash.h"
#include "lkd_request.h"
#include "lkd_text.h"
#include "lkd_json.h"
#include "lkd_pages.h"
#include "lkd_proxy.h"
#include "lkd_result.h"
#include "lkd_tls.h"

/* The service's limits: FileBase64 at most 8 MB after encoding, a signed POST at most 10 MB. */
#define MAX_BASE64_BYTES (8ull * 1024u * 1024u)
#define MAX_REQUEST_BYTES (10ull * 1024u * 1024u)

static size_t cstr_len(const char *s)
{
    return s == NULL ? 0 : strlen(s);
}

static lkd_span_t cspan(const char *s)
{
    lkd_span_t v;
    v.ptr = s;
    v.len = cstr_len(s);
    return v;
}

/* ---- diagnostics ---------------------------------------------------------- */

#if LKD_ENABLE_LOG

/* Only called once settings.log is known to be set.  Lines quote what
 * servers sent (error codes, hosts): every byte outside printable ASCII is
 * shown as '?', so no control byte reaches a log or a terminal. */
static void log_line(const lkd_client_t *c, char *line, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] > 0x7e) {
            line[i] = '?';
        }
    }
    c->internal.settings.log(c->internal.settings.log_user, line, len);
}

void lkd_call_log(const lkd_client_t *c, const char *a, const char *b)
{
    char line[160];
    size_t la = cstr_len(a), lb = cstr_len(b);
    if (c->internal.settings.log == NULL) {
        return;
    }
    if (la > sizeof line) {
        la = sizeof line;
    }
    if (lb > sizeof line - la) {
        lb = sizeof line - la;
    }
    /* memcpy from NULL is undefined even for 0 bytes (UBSan reports it). */
    if (la > 0) {
        memcpy(line, a, la);
    }
    if (lb > 0) {
        memcpy(line + la, b, lb);
    }
    log_line(c, line, la + lb);
}

void lkd_call_log_number(const lkd_client_t *c, const char *label, uint64_t v)
{
    char buf[LKD_TEXT_DEC_SIZE];
    lkd_call_log(c, label, lkd_text_format_dec(v, buf));
}

/* Log the request's header lines, hiding the signature and the token. */
static void log_request(const lkd_client_t *c, const char *req, size_t len)
{
    static const char sig_key[] = "Signature=";
    size_t pos = 0;
    if (c->internal.settings.log == NULL) {
        return;
    }
    while (pos < len) {
        char line[224];
        size_t end = pos, n;
        while (end < len && req[end] != '\r') {
            end++;
        }
        n = end - pos;
        if (n == 0) {
            break; /* the blank line: the body follows */
        }
        line[0] = '>';
        line[1] = ' ';
        if (n >= 14 && memcmp(req + pos, "Authorization:", 14) == 0) {
            size_t i = pos;
            while (i + sizeof sig_key - 1 <= end && memcmp(req + i, sig_key, sizeof sig_key - 1) != 0) {
                i++;
            }
            n = i - pos > 180 ? 180 : i - pos;
            memcpy(line + 2, req + pos, n);
            memcpy(line + 2 + n, "Signature=<hidden>", 18);
            n += 18;
        } else if (n >= 11 && memcmp(req + pos, "X-TC-Token:", 11) == 0) {
            memcpy(line + 2, "X-TC-Token: <hidden>", 20);
            n = 20;
        } else {
            if (n > sizeof line - 2) {
                n = sizeof line - 2;
            }
            memcpy(line + 2, req + pos, n);
        }
        log_line(c, line, n + 2);
        pos = end + 2;
    }
}
#else
#define log_request(c, req, len) ((void)0)
#endif

/* ---- connection and response ------------------------------------------------ */

int lkd_call_proxy_gateway_failed(const lkd_client_t *c)
{
    return (unsigned)c->internal.http_status - 502u < 3u;
}

lkd_status_t lkd_call_connect(lkd_client_t *c, const char *host, uint16_t port, uint64_t deadline)
{
    const lkd_proxy_t *proxy = &c->internal.settings.proxy;
    const char *address = NULL, *name = host;
    uint16_t to = port;
    lkd_status_t st;
    size_t i;
    c->internal.conn_host = host; /* which host a failure is about (lkd_client_error_detail) */
    c->internal.conn_port = port;
    if (lkd_tls_is_open_to(&c->internal.tls, host, port)) {
        return LKD_OK;
    }
    c->internal.http.status_code = 0; /* no answer yet on this connection (lkd_client_error_detail) */
    if (proxy->host == NULL || lkd_proxy_bypassed(proxy->no_proxy, host, port)) {
        proxy = NULL;
    } else {
        /* As curl does: the name looked up (and --resolve'd) is the
         * proxy's; the origin's goes to the proxy as it is. */
        name = proxy->host;
        to = proxy->port;
    }
    c->internal.tls.proxy = proxy;
    for (i = 0; i < c->internal.settings.resolve_count; i++) {
        const lkd_resolve_t *r = &c->internal.settings.resolve[i];
        if (r->host != NULL && r->port == to && lkd_text_equals_nocase(name, strlen(name), r->host)) {
            address = r->address;
            break;
        }
    }
    lkd_call_log(c, "* connecting to ", host);
    if (proxy != NULL) {
        lkd_call_log(c, "*   through the proxy ", name);
    }
    if (address != NULL) {
        lkd_call_log(c, "*   via ", address);
    }
    if (proxy == NULL) {
        st = lkd_tls_connect(&c->internal.tls, host, address, port, deadline);
    } else {
        /* The tunnel between the TCP connection (to the proxy) and the
         * handshake (the origin's); its answer parsed where every answer is
         * (lkd_call_receive starts that parser again). */
        st = lkd_tls_open(&c->internal.tls, host, address, port, deadline);
        if (st == LKD_OK) {
            st = lkd_proxy_tunnel(&c->internal.tls, &c->internal.http, host, port);
        }
        if (st == LKD_OK) {
            st = lkd_tls_handshake(&c->internal.tls, host, port);
        } else {
            lkd_tls_close(&c->internal.tls);
        }
    }
    if (c->internal.tls.proxy_status != 0) {
        lkd_call_log_number(c, "* proxy CONNECT answer: HTTP ", (uint64_t)c->internal.tls.proxy_status);
    }
    if (st == LKD_ERR_PROXY || st == LKD_ERR_PROXY_AUTH) {
        c->internal.http_status = c->internal.tls.proxy_status; /* the refusal's status (0: not HTTP) */
    }
    lkd_call_log(c, "* TLS handshake: ", lkd_strerror(st));
    return st;
}

static lkd_status_t note_header(void *user, const char *name, size_t name_len, const char *value, size_t value_len)
{
    lkd_client_t *c = (lkd_client_t *)user;
    size_t i;
    if (lkd_text_equals_nocase(name, name_len, "retry-after")) { /* any case: proxies lower it */
        uint32_t secs = 0;
        for (i = 0; i < value_len && i < 6 && value[i] >= '0' && value[i] <= '9'; i++) {
            secs = secs * 10u + (uint32_t)(value[i] - '0');
        }
        c->internal.retry_after_ms = i == value_len ? secs * 1000u : 0; /* an HTTP-date form is ignored */
    }
    return LKD_OK;
}

lkd_status_t lkd_call_receive(lkd_client_t *c, lkd_http_body_sink_t sink, lkd_http_header_cb_t on_header, void *user,
                              uint64_t deadline, int *got_any)
{
    lkd_status_t st;
    *got_any = 0;
    lkd_http_parser_init(&c->internal.http, sink, on_header, user, 0);
    while (!lkd_http_is_complete(&c->internal.http)) {
        size_t got = 0, used = 0;
        st = lkd_tls_read(&c->internal.tls, c->internal.request, sizeof c->internal.request, &got, deadline);
        if (st == LKD_ERR_CLOSED) {
            /* A body delimited by the close is complete only when TLS says
             * the peer ended it (close_notify): a bare TCP close may be a cut. */
            int clean = lkd_tls_peer_closed_cleanly(&c->internal.tls);
            lkd_tls_close(&c->internal.tls);
            if (!*got_any || (c->internal.http.until_close && !clean)) {
                return LKD_ERR_CLOSED;
            }
            return lkd_http_finish_on_close(&c->internal.http);
        }
        if (st != LKD_OK) {
            return st;
        }
        *got_any = 1;
        st = lkd_http_parse(&c->internal.http, c->internal.request, got, &used);
        if (st != LKD_OK) {
            return st;
        }
        if (used < got) {
            /* Bytes after a complete answer to a single request: the stream
             * cannot be trusted for another one. */
            lkd_tls_close(&c->internal.tls);
        }
    }
    if (!c->internal.http.keep_alive) {
        lkd_tls_close(&c->internal.tls);
    }
    return LKD_OK;
}

/* ---- one attempt of an API call --------------------------------------------- */

/* Body sink: the 200 answer's body goes through the filter (its JSON
 * grammar, and FailedPages) to the response buffer; any other status's body
 * is only counted (it is not the API's JSON, and an HTML error page must not
 * turn a clear HTTP error into "too large"). */
static lkd_status_t body_to_response(void *user, const uint8_t *data, size_t len)
{
    lkd_client_t *c = (lkd_client_t *)user;
    if (LKD_ENABLE_TEXTS && c->internal.http.status_code == 400) {
        /* Kept (what fits) for take_answer: a web server's 400 page may
         * explain a certificate request (in a sentence: texts only). */
        size_t room = LKD_RESPONSE_BUFFER_SIZE - c->internal.response_len, n = len < room ? len : room;
        memcpy(c->internal.response + c->internal.response_len, data, n);
        c->internal.response_len += n;
        return LKD_OK;
    }
    if (c->internal.http.status_code != 200) {
        return LKD_OK;
    }
    return lkd_pages_put(&c->internal.pages, data, len, c->internal.response, LKD_RESPONSE_BUFFER_SIZE,
                         &c->internal.response_len);
}

/* Read the file's bytes [offset, offset + n) into buf, looping over short reads. */
static lkd_status_t read_exactly(lkd_client_t *c, const lkd_file_source_t *f, uint64_t offset, uint8_t *buf,
                                 size_t n)
{
    while (n > 0) {
        size_t got = 0;
        lkd_status_t st = f->read(f->user, offset, buf, n, &got);
        if (st != LKD_OK) {
            return st;
        }
        if (got == 0) {
            return lkd_arg_fail(c, LKD_ERR_ARG_RANGE, "params.file.size", "is more than params.file.read gives");
        }
        if (got > n) {
            return lkd_arg_fail(c, LKD_ERR_ARG_RANGE, "params.file.read", "gave more bytes than it was asked for");
        }
        buf += got;
        n -= got;
        offset += got;
    }
    return LKD_OK;
}

/* Encode the whole file piece by piece; each piece goes to the SHA-256
 * context (sha != NULL) or to the connection.  The raw piece is read at the
 * end of the request buffer, its encoding (4/3 as long) written at the start:
 * lkd_config.h keeps LKD_UPLOAD_PIECE_SIZE within 3/7 of the buffer. */
static lkd_status_t stream_file(lkd_client_t *c, const lkd_file_source_t *f, lkd_hash_sha256_t *sha,
                                uint64_t deadline)
{
    uint8_t *raw = c->internal.request + sizeof c->internal.request - LKD_UPLOAD_PIECE_SIZE;
    char *enc = (char *)c->internal.request;
    uint64_t offset = 0;
    while (offset < f->size) {
        size_t n = f->size - offset < LKD_UPLOAD_PIECE_SIZE ? (size_t)(f->size - offset) : LKD_UPLOAD_PIECE_SIZE;
        size_t enc_len = (size_t)lkd_base64_len(n);
        /* Hashing a large file is long work without a wait: asked per piece
         * (sending waits, and asks it there). */
        lkd_status_t st = sha != NULL && lkd_tls_aborted(&c->internal.tls) ? LKD_ERR_ABORTED
                                                                            : read_exactly(c, f, offset, raw, n);
        if (st != LKD_OK) {
            return st;
        }
        lkd_base64_encode(raw, n, enc);
        if (sha != NULL) {
            lkd_hash_sha256_put(sha, enc, enc_len); /* a failure is reported by the finish */
        } else {
            st = lkd_tls_write_all(&c->internal.tls, c->internal.request, enc_len, deadline);
            if (st != LKD_OK) {
                return st;
            }
        }
        offset += n;
    }
    return LKD_OK;
}

static lkd_status_t hash_body(lkd_client_t *c, const lkd_call_body_t *body, uint8_t out[32], uint64_t deadline)
{
    /* The reader can fail, and a hardware SHA-256 (lkd_hash.h). */
    lkd_hash_sha256_t sha;
    lkd_status_t st;
    lkd_hash_sha256_start(&sha);
    lkd_hash_sha256_put(&sha, c->internal.response, body->prefix_len);
    st = stream_file(c, body->file, &sha, deadline);
    if (st != LKD_OK) {
        lkd_hash_sha256_discard(&sha);
        return st;
    }
    lkd_hash_sha256_put(&sha, c->internal.response + body->suffix_off, body->suffix_len);
    return lkd_hash_sha256_finish(&sha, out);
}

/* What one attempt got as far as, for the retry decision. */
typedef struct {
    uint8_t complete; /* the whole request, head and body, went to the connection */
    uint8_t stale;  /* a reused connection failed before any byte of the answer */
    uint8_t consumed_once; /* a read-once file source was (partly) sent */
} attempt_t;

/* The signed request's head into the request buffer (len[0] bytes, the
 * token's place at len[1], see lkd_request_t's token_at): the
 * settings, the action, the clock and the body's first part; a streamed
 * file's size is checked against the service's limits and, unless it is sent
 * unsigned, hashed here (read once in full before anything is sent). */
#if defined(__GNUC__)
/* Its frame (the request and signing state) must not stay on the stack
 * beneath the send and the receive, the deepest paths of a call. */
__attribute__((noinline))
#endif
static lkd_status_t build_request(lkd_client_t *c, const char *action, const lkd_call_body_t *body, uint64_t deadline,
                                  size_t len[2])
{
    lkd_request_t req;
    lkd_span_t cred[3];
    int64_t now = lkd_clock_sign_time(c);
    lkd_status_t st;

    memset(&req, 0, sizeof req);
    req.host = cspan(c->internal.settings.host);
    req.port = c->internal.settings.port;
    req.service = cspan(c->internal.settings.service);
    req.action = cspan(action);
    req.version = cspan(c->internal.settings.version);
    req.region = cspan(c->internal.settings.region);
    req.language = cspan(c->internal.settings.language);
    lkd_creds_spans(c, cred);
    req.secret_id = cred[0];
    req.secret_key = cred[1];
    req.token = cred[2];
    req.token_at = &len[1];
    /* An unknown clock signs with the floor: the service's SignatureExpire
     * answer then carries the Date that sets the clock (see lkd_call). */
    req.timestamp = now >= 0 ? now : (int64_t)LKD_TIME_FLOOR;
    req.body = c->internal.response;
    req.body_len = body->prefix_len;
    if (body->file != NULL) {
        uint64_t b64 = lkd_base64_len(body->file->size);
        req.streamed = 1;
        req.unsigned_payload = body->file->unsigned_payload;
        req.content_length = body->prefix_len + b64 + body->suffix_len;
        if (b64 > MAX_BASE64_BYTES || req.content_length > MAX_REQUEST_BYTES) {
            return LKD_ERR_PAYLOAD_TOO_LARGE;
        }
        if (!req.unsigned_payload) {
            st = hash_body(c, body, req.payload_sha256, deadline);
            if (st != LKD_OK) {
                return st;
            }
        }
    }
    st = lkd_request_write(&req, (char *)c->internal.request, sizeof c->internal.request, &len[0]);
    if (st == LKD_OK) {
        log_request(c, (const char *)c->internal.request, len[0]);
    }
    return st;
}

/* A streamed body: the JSON before the file, the file in base64, the JSON after it. */
static lkd_status_t send_streamed_body(lkd_client_t *c, const lkd_call_body_t *body, uint64_t deadline)
{
    lkd_status_t st = lkd_tls_write_all(&c->internal.tls, (const uint8_t *)c->internal.response, body->prefix_len,
                                        deadline);
    if (st == LKD_OK) {
        st = stream_file(c, body->file, NULL, deadline);
    }
    if (st == LKD_OK) {
        st = lkd_tls_write_all(&c->internal.tls, (const uint8_t *)c->internal.response + body->suffix_off,
                               body->suffix_len, deadline);
    }
    return st;
}

/* Connect to the API host (or keep the open connection to it) and send the
 * head_len bytes of the request buffer with the token (from the provider's
 * buffer or the settings) at token_at, then a streamed body. */
static lkd_status_t send_request(lkd_client_t *c, const lkd_call_body_t *body, size_t head_len, size_t token_at,
                                 uint64_t deadline, attempt_t *at)
{
    lkd_span_t part[3]; /* the head before the token, the token, the rest */
    unsigned i;
    lkd_status_t st = lkd_call_connect(c, c->internal.settings.host, c->internal.settings.port, deadline);
    lkd_creds_spans(c, part);
    part[1] = part[2];
    if (part[1].len == 0) {
        token_at = head_len; /* none: the head in one write (one TLS record) */
    }
    part[0].ptr = (const char *)c->internal.request;
    part[0].len = token_at;
    part[2].ptr = part[0].ptr + token_at;
    part[2].len = head_len - token_at;
    at->consumed_once = st == LKD_OK && body->file != NULL && body->file->unsigned_payload;
    for (i = 0; i < 3 && st == LKD_OK; i++) {
        st = lkd_tls_write_all(&c->internal.tls, (const uint8_t *)part[i].ptr, part[i].len, deadline);
    }
    if (st == LKD_OK && body->file != NULL) {
        st = send_streamed_body(c, body, deadline);
    }
    /* Only a whole request can have been acted on: the service parses the
     * JSON once its last byte is in, so one cut anywhere was not. */
    at->complete = st == LKD_OK;
    /* The request held the signature: wipe it before the answer reuses the buffer. */
    memset(c->internal.request, 0, sizeof c->internal.request);
    return st;
}

/* Receive the answer: its body lands in the response buffer, a
 * GetReconstructDocumentResult's with its FailedPages filtered into keep. */
static lkd_status_t receive_answer(lkd_client_t *c, lkd_failed_page_t *keep, uint64_t deadline, int *got_any)
{
    c->internal.requests_sent++;
    c->internal.response_len = 0;
    lkd_pages_start(&c->internal.pages, keep, LKD_MAX_FAILED_PAGES);
    c->internal.retry_after_ms = 0;
    return lkd_call_receive(c, body_to_response, note_header, c, deadline, got_any);
}

/* What a complete answer's head says: the status, and the server's clock.
 * LKD_ERR_HTTP_STATUS for a status other than 200; else the body is
 * NUL-terminated for the decoder. */
static lkd_status_t take_answer(lkd_client_t *c)
{
    c->internal.http_status = c->internal.http.status_code;
    c->internal.server_date = c->internal.http.date;
    lkd_clock_learn(c, c->internal.http.date);
    lkd_call_log_number(c, "< HTTP status ", (uint64_t)c->internal.http_status);
    lkd_call_log_number(c, "< body bytes ", c->internal.response_len);
    if (c->internal.http_status != 200) {
        /* A web server's own 400 page that speaks of a certificate (nginx:
         * "No required SSL certificate was sent") may explain a certificate
         * request; the service answers JSON (an object), and a 400 page of
         * another cause says nothing of one. */
        const char *b = c->internal.response;
        size_t i, n = c->internal.response_len, first = n;
        int cert = 0;
        for (i = LKD_ENABLE_TEXTS ? n : 0; i-- > 0;) {
            first = (unsigned char)b[i] > ' ' ? i : first;
            cert |= n - i >= 11u && lkd_text_equals_nocase(b + i, 11u, "certificate");
        }
        c->internal.tls.bare_400 = c->internal.http_status == 400 && cert && (first == n || b[first] != '{');
        /* A gateway's or proxy's answer: the next attempt starts afresh. */
        lkd_tls_close(&c->internal.tls);
        return LKD_ERR_HTTP_STATUS;
    }
    c->internal.response[c->internal.response_len] = '\0';
    return LKD_OK;
}

/* One attempt: compose the body, build the signed request, send it, receive
 * and decode the answer. */
static lkd_status_t attempt_call(lkd_client_t *c, const char *action, lkd_call_compose_fn compose,
                                 lkd_call_decode_fn decode, void *ctx, uint64_t deadline, attempt_t *at)
{
    lkd_call_body_t body;
    size_t len[2] = {0, 0};
    int reused, got_any = 0;
    lkd_status_t st;

    memset(&body, 0, sizeof body);
    st = compose(c, ctx, &body);
    if (st == LKD_OK) {
        st = build_request(c, action, &body, deadline, len);
    }
    if (st != LKD_OK) {
        return st;
    }
    /* Open to another host (the result store's), it is replaced: a failure
     * then is taken for a stale connection at most once per call, which
     * costs one retry that is not counted. */
    reused = c->internal.tls.open;
    st = send_request(c, &body, len[0], len[1], deadline, at);
    if (st == LKD_OK) {
        /* Only GetReconstructDocumentResult's answer lists FailedPages; its ctx is the caller's result. */
        st = receive_answer(c, decode == lkd_result_decode ? ((lkd_result_t *)ctx)->failed_pages : NULL, deadline,
                            &got_any);
        /* A cut answer whose status line said 300..499 is that status (a
         * 429 is retried as a 429), not a network failure; a stop stays one. */
        if (st != LKD_OK && st != LKD_ERR_ABORTED && (unsigned)c->internal.http.status_code - 300u < 200u) {
            c->internal.http_status = c->internal.http.status_code;
            st = LKD_ERR_HTTP_STATUS;
        }
    }
    if (st != LKD_OK) {
        at->stale = reused && !got_any && (st == LKD_ERR_CLOSED || st == LKD_ERR_IO);
        lkd_tls_close(&c->internal.tls);
        return st;
    }
    st = take_answer(c);
    return st == LKD_OK ? decode(c, ctx) : st;
}

/* ---- retries ------------------------------------------------------------------ */

uint32_t lkd_call_random(lkd_client_t *c, uint32_t n)
{
    uint8_t b[4];
    uint32_t v;
    if (n == 0 || mbedtls_ctr_drbg_random(&c->internal.tls.drbg, b, sizeof b) != 0) {
        return 0;
    }
    v = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
    return v % n;
}

lkd_status_t lkd_call_sleep(lkd_client_t *c, uint32_t ms, uint64_t deadline, lkd_status_t otherwise)
{
    uint64_t end = lkd_clock_now_ms(c) + ms;
    if (end >= deadline) {
        return otherwise;
    }
    return lkd_tls_port_wait(&c->internal.tls, NULL, NULL, 0, NULL, end) == LKD_ERR_ABORTED ? LKD_ERR_ABORTED
                                                                                          : LKD_OK;
}

static int retryable(const lkd_client_t *c, lkd_status_t st)
{
    switch (st) {
    case LKD_ERR_API: /* the service refused it: nothing was done */
        return c->internal.api_error.cls == LKD_API_CLASS_RETRYABLE;
    case LKD_ERR_HTTP_STATUS: /* a gateway or overload answer */
        return c->internal.http_status == 429 || c->internal.http_status >= 500;
    case LKD_ERR_PROXY: /* the proxy's gateway failure: nothing reached the origin (a refusal stays one) */
        return lkd_call_proxy_gateway_failed(c);
    /* Network failures: a Create that went out whole never gets here (lkd_call). */
    case LKD_ERR_TLS:
        /* A refusal over the peer's parameters (a fatal alert: no common
         * suite, group or version, a client certificate required; a version
         * this client refuses) will happen again. */
        return !c->internal.tls.peer_refused;
    case LKD_ERR_DNS:
    case LKD_ERR_CONNECT:
    case LKD_ERR_IO:
    case LKD_ERR_CLOSED:
        return 1;
    default: /* timeouts (no time left), bad input, malformed answers, certificates */
        return 0;
    }
}

/* base * 2^attempt, capped, with the upper half jittered ("equal jitter"),
 * or the server's Retry-After when it asked for longer. */
uint32_t lkd_call_backoff_ms(lkd_client_t *c, unsigned attempt)
{
    uint32_t d = LKD_RETRY_BASE_MS;
    unsigned i;
    for (i = 0; i < attempt && d < LKD_RETRY_MAX_MS; i++) {
        d *= 2u;
    }
    if (d > LKD_RETRY_MAX_MS) {
        d = LKD_RETRY_MAX_MS;
    }
    d = d / 2u + lkd_call_random(c, d / 2u + 1u);
    if (c->internal.retry_after_ms > d) {
        d = c->internal.retry_after_ms > LKD_RETRY_MAX_MS ? LKD_RETRY_MAX_MS : c->internal.retry_after_ms;
    }
    return d;
}

lkd_status_t lkd_call(lkd_client_t *c, const char *action, lkd_call_compose_fn compose, lkd_call_decode_fn decode,
                      void *ctx, int idempotent, uint64_t deadline)
{
    unsigned retries = 0;
    int resigned_for_clock = 0, stale_retried = 0, renewed_credentials = 0;
    for (;;) {
        attempt_t at;
        /* Asked before each attempt: one that follows a clock, stale or
         * credential retry has no wait of its own to ask it first. */
        lkd_status_t st = lkd_tls_aborted(&c->internal.tls) ? LKD_ERR_ABORTED : lkd_creds_ensure(c, deadline);
        if (st != LKD_OK) {
            return st;
        }
        memset(&at, 0, sizeof at);
        memset(&c->internal.api_error, 0, sizeof c->internal.api_error);
        c->internal.http_status = 0;
        if (!idempotent) {
            /* A kept-alive connection the server closed while idle cannot be
             * told from one it dropped after acting on the request, so a
             * request that must not be repeated opens its own (resuming the
             * kept TLS session: an abbreviated handshake).  Checking the kept
             * one first would not do: the close may come after the check. */
            lkd_tls_close(&c->internal.tls);
        }
        st = attempt_call(c, action, compose, decode, ctx, deadline, &at);
        if (st == LKD_OK) {
            return LKD_OK;
        }
        at.stale = at.stale && !stale_retried;
        /* A request that is not idempotent and went out whole has a known
         * outcome only when the service answered in full with an API error
         * (nothing was created), or when a status of 300..499 arrived (it
         * never reached the API; the rest of the answer does not matter).
         * A 5xx may come from a gateway whose upstream already created the
         * task, another 2xx may mean it was accepted, and a lost, cut or
         * undecodable answer says nothing: sending it again could bill a
         * second task.  A complete 200 whose JSON is not Create's answer is
         * one of these: the task may exist, its id is not known. */
        if (!idempotent && at.complete && st != LKD_ERR_API &&
            !((unsigned)c->internal.http.status_code - 300u < 200u)) {
            /* Stopped too (LKD_ERR_ABORTED, which is then kept). */
            c->internal.outcome_unknown = 1;
            lkd_call_log(c, "* outcome unknown after: ", lkd_strerror(st));
            return st == LKD_ERR_ABORTED ? st : LKD_ERR_OUTCOME_UNKNOWN;
        }
        if (st == LKD_ERR_API && lkd_creds_rejected(c) && !renewed_credentials && !at.consumed_once) {
            /* The service refused the token before acting on the request
             * (a Create then made no task): once with the provider's new ones. */
            renewed_credentials = 1;
            lkd_call_log(c, "* credentials refused: asking the provider again", NULL);
            continue;
        }
        if (at.consumed_once) {
            return st; /* a read-once source cannot be sent again */
        }
        if (st == LKD_ERR_API && c->internal.api_error.cls == LKD_API_CLASS_CLOCK && !resigned_for_clock &&
            c->internal.http.date >= (int64_t)LKD_TIME_FLOOR) {
            /* The device clock is off; this answer's Date has corrected it. */
            resigned_for_clock = 1;
            lkd_call_log(c, "* signature expired: re-signing with the server's clock", NULL);
            continue;
        }
        if (at.stale) {
            /* The server had closed the kept-alive connection while it idled,
             * so it cannot have acted on the request (never a Create's: it
             * opens its own connection). */
            stale_retried = 1;
            lkd_call_log(c, "* kept-alive connection was closed by the server; reconnecting", NULL);
            continue;
        }
        if (retries >= LKD_RETRY_COUNT) {
            return st;
        }
        /* An abort is not retryable: it ends the call here. */
        if (!retryable(c, st)) {
            return st;
        }
        {
            lkd_status_t slept = lkd_call_sleep(c, lkd_call_backoff_ms(c, retries), deadline, st);
            if (slept != LKD_OK) {
                return slept; /* st when there is no room for the pause */
            }
        }
        retries++;
        c->internal.retries++;
        lkd_call_log(c, "* retrying after: ", st == LKD_ERR_API ? c->internal.api_error.code : lkd_strerror(st));
    }
}

/* ---- call bracket and the simple actions --------------------------------------- */

lkd_status_t lkd_call_begin(lkd_client_t *c)
{
    if (c == NULL || !c->internal.initialised || c->internal.busy) {
        return LKD_ERR_STATE;
    }
    c->internal.busy = 1;
    c->internal.http_status = 0;
    c->internal.outcome_unknown = 0;
    c->internal.url_refusal = NULL;
    c->internal.host_buf[0] = '\0';
    /* The last call's connection and TLS facts are not this call's failure's
     * (conn_host may point at host_buf, just emptied). */
    c->internal.conn_host = NULL;
    c->internal.conn_port = 0;
    c->internal.tls.last_mbedtls_error = 0;
    c->internal.tls.verify_flags = 0;
    c->internal.tls.proxy_hop = LKD_PROXY_HOP_NONE;
    memset(&c->internal.api_error, 0, sizeof c->internal.api_error);
    lkd_arg_clear(c);
    return LKD_OK;
}

lkd_status_t lkd_call_end(lkd_client_t *c, lkd_status_t st)
{
    if (st != LKD_OK && st != LKD_ERR_API && st != LKD_ERR_TASK_FAILED && st != LKD_ERR_TASK_PAUSED &&
        st != LKD_ERR_TASK_NOT_READY) {
        /* After a failure mid-exchange the stream's position is unknown. */
        lkd_tls_close(&c->internal.tls);
    }
    if (st == LKD_ERR_API) {
        lkd_call_log(c, "* API error ", c->internal.api_error.code);
    }
    c->internal.busy = 0;
    return st;
}

lkd_status_t lkd_call_set_task(lkd_client_t *c, const char *s, size_t len)
{
    if (s == NULL || len == 0) {
        return lkd_arg_fail(c, s == NULL ? LKD_ERR_ARG_NULL : LKD_ERR_ARG_EMPTY, "task_id", NULL);
    }
    if (len >= sizeof c->internal.task_id) {
        return lkd_arg_too_long(c, "task_id", len, sizeof c->internal.task_id - 1);
    }
    if (memchr(s, '\0', len) != NULL) {
        return lkd_arg_fail(c, LKD_ERR_ARG_FORMAT, "task_id", "must be UTF-8 without NUL bytes");
    }
    memmove(c->internal.task_id, s, len); /* s may be the client's own task_id */
    c->internal.task_id[len] = '\0';
    return LKD_OK;
}

lkd_status_t lkd_call_compose_task(lkd_client_t *c, void *ctx, lkd_call_body_t *body)
{
    size_t pos = 10;
    lkd_status_t st;
    (void)ctx;
    memcpy(c->internal.response, "{\"TaskId\":", 10);
    st = lkd_json_write_string(c->internal.response, LKD_RESPONSE_BUFFER_SIZE - 1, &pos, c->internal.task_id, strlen(c->internal.task_id));
    if (st == LKD_ERR_ARG_FORMAT) {
        return lkd_arg_fail(c, st, "task_id", "must be UTF-8 without NUL bytes");
    }
    if (st != LKD_OK) {
        return st;
    }
    c->internal.response[pos++] = '}';
    body->prefix_len = pos;
    return LKD_OK;
}

