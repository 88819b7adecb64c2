/* SPDX-License-Identifier: MIT */
/*
 * lkd_error_detail.c - lkd_client_error_detail: the last failure as one line
 * a person can act on, built only from what the client already keeps (the
 * connection's host and port, the HTTP status, the TLS code and flags, the
 * clocks, the service's code and RequestId, the refused argument).  Nothing
 * a server sent goes in unfiltered: host names were filtered when kept, and
 * the service's code and RequestId are cut to the bytes such identifiers use.
 * With LKD_ENABLE_TEXTS 0 the same facts come as "key=value" numbers, whose
 * few keys cost less flash than the sentences.
 */
#include "lkd_client.h"

#include <string.h>

#include <mbedtls/x509_crt.h>

#include "lkd_clock.h"
#include "lkd_text.h"
#include "lkd_time.h"
#include "lkd_tls_policy.h"

/* The statuses that end on a connection, for which the host and port tell
 * where to look. */
#define BIT(s) ((uint64_t)1 << (s))
#define ON_A_CONNECTION                                                                                            \
    (BIT(LKD_ERR_DNS) | BIT(LKD_ERR_CONNECT) | BIT(LKD_ERR_TLS) | BIT(LKD_ERR_CERT) | BIT(LKD_ERR_TIMEOUT) |       \
     BIT(LKD_ERR_CLOSED) | BIT(LKD_ERR_IO) | BIT(LKD_ERR_HTTP_STATUS) | BIT(LKD_ERR_MALFORMED) |                   \
     BIT(LKD_ERR_RESPONSE_TOO_LARGE) | BIT(LKD_ERR_INTEGRITY) | BIT(LKD_ERR_PROXY) | BIT(LKD_ERR_PROXY_AUTH) |     \
     BIT(LKD_ERR_NO_MEMORY))
#define ON_CONNECTION(st) ((unsigned)(st) < 64u && (ON_A_CONNECTION & BIT(st)) != 0)

/* A clock further than this from the server's is named as the likely cause
 * of a certificate's time check failing. */
#define CLOCK_SKEW_S 300

/* Only the bytes a host name, a service code or a RequestId uses. */
static void put_safe(lkd_text_writer_t *w, const char *s)
{
    for (; *s != '\0'; s++) {
        char c = *s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == ':' || c == '[' || c == ']') {
            lkd_text_put(w, s, 1);
        }
    }
}

static void put_num(lkd_text_writer_t *w, int64_t v)
{
    if (v < 0) {
        lkd_text_put(w, "-", 1);
    }
    lkd_text_put_dec(w, v < 0 ? 0u - (uint64_t)v : (uint64_t)v); /* INT64_MIN too */
}

/* The host of the last connection and its port: the proxy's when the proxy
 * itself failed (before its tunnel opened). */
static const char *failed_host(const struct lkd_client_internal *in, uint16_t *port)
{
    if (in->tls.proxy_hop == LKD_PROXY_HOP_PROXY && in->settings.proxy.host != NULL) {
        *port = in->settings.proxy.port;
        return in->settings.proxy.host;
    }
    *port = in->conn_port;
    return in->conn_host;
}

/* The server's time now (its Date, kept on the monotonic clock), -1 unknown. */
static int64_t server_time(const lkd_client_t *c)
{
    return c->internal.clock_anchor_unix > 0 ? lkd_clock_sign_time(c) : -1;
}

/* A certificate's time checks failed, and nothing else but trust (an
 * expired CA's), while the device's clock and the server's disagree, or
 * while the server's is not known: the clock is the likely cause.  (A chain
 * mbedTLS refused for its hash or key comes with every flag it did not get
 * to check: not the clock's.) */
static int clock_suspect(lkd_status_t st, uint32_t flags, int64_t device, int64_t server)
{
    const uint32_t time = MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE;
    return st == LKD_ERR_CERT && (flags & time) != 0 && (flags & ~(time | MBEDTLS_X509_BADCERT_NOT_TRUSTED)) == 0 &&
           (server < 0 || device < 0 || device - server > CLOCK_SKEW_S || server - device > CLOCK_SKEW_S);
}

#if LKD_ENABLE_TEXTS
static void put_hex(lkd_text_writer_t *w, uint32_t v)
{
    char b[8];
    int n = 0;
    lkd_text_put(w, "0x", 2);
    do {
        b[n++] = lkd_text_hex_digit(v & 15u);
        v >>= 4;
    } while (v != 0 || n < 4);
    while (n > 0) {
        lkd_text_put(w, &b[--n], 1);
    }
}

/* "2038-01-19 03:14:07 UTC". */
static void put_time(lkd_text_writer_t *w, int64_t t)
{
    char d[11], hms[13];
    uint32_t s = (uint32_t)(t % 86400);
    if (lkd_time_format_date(t, d) != LKD_OK) {
        put_num(w, t);
        return;
    }
    hms[0] = ' ';
    hms[1] = (char)('0' + s / 36000u);
    hms[2] = (char)('0' + s / 3600u % 10u);
    hms[3] = ':';
    hms[4] = (char)('0' + s % 3600u / 600u);
    hms[5] = (char)('0' + s % 600u / 60u);
    hms[6] = ':';
    hms[7] = (char)('0' + s % 60u / 10u);
    hms[8] = (char)('0' + s % 10u);
    memcpy(hms + 9, " UTC", 4);
    lkd_text_put(w, d, 10);
    lkd_text_put(w, hms, sizeof hms);
}

static void put_host(lkd_text_writer_t *w, const struct lkd_client_internal *in)
{
    uint16_t port;
    const char *host = failed_host(in, &port);
    lkd_text_put_str(w, host != in->conn_host ? " (proxy " : host == in->host_buf ? " (result host " : " (host ");
    put_safe(w, host); /* settings are checked, host_buf filtered when kept: this drops nothing */
    lkd_text_put_str(w, ", port ");
    lkd_text_put_dec(w, port);
    lkd_text_put(w, ")", 1);
}

static void put_clock(lkd_text_writer_t *w, int64_t device, int64_t server)
{
    if (device >= 0) {
        lkd_text_put_str(w, "; the device clock says ");
        put_time(w, device);
    } else {
        lkd_text_put_str(w, "; the device clock is not set");
    }
    if (server >= 0) {
        lkd_text_put_str(w, "; the server's clock (its Date header) says ");
        put_time(w, server);
    } else {
        lkd_text_put_str(w, "; the server's time is not known yet: check the device clock");
    }
}

/* The flags in mbedTLS's words, its lines joined by ";". */
static void put_flags(lkd_text_writer_t *w, uint32_t flags)
{
#if !defined(MBEDTLS_X509_REMOVE_INFO)
    size_t room, i;
    int n;
    lkd_text_put(w, ":", 1);
    if (w->overflow) {
        return;
    }
    room = w->cap - w->pos;
    n = mbedtls_x509_crt_verify_info(w->out + w->pos, room + 1u, " ", flags);
    if (n <= 0 || (size_t)n > room) {
        w->overflow = n != 0;
        return;
    }
    for (i = 0; i < (size_t)n; i++) {
        if (w->out[w->pos + i] == '\n') {
            w->out[w->pos + i] = ';'; /* " A; B" */
        }
    }
    w->pos += (size_t)n - 1u; /* without the last line's end */
#else
    lkd_text_put_str(w, " (flags ");
    put_hex(w, flags);
    lkd_text_put(w, ")", 1);
#endif
}

static void describe(lkd_text_writer_t *w, const lkd_client_t *client, lkd_status_t status)
{
    const struct lkd_client_internal *in = &client->internal;
    const char *policy = lkd_tls_policy_describe(in->tls.last_mbedtls_error, in->tls.verify_flags);
    int64_t device = in->port.wall_time(in->port.ctx), server = server_time(client);
    lkd_text_put_str(w, lkd_strerror(status));
    if (status == LKD_ERR_HTTP_STATUS) {
        lkd_text_put(w, " ", 1);
        lkd_text_put_dec(w, (uint64_t)in->http_status);
    } else if ((status == LKD_ERR_PROXY || status == LKD_ERR_PROXY_AUTH) && in->http_status != 0) {
        lkd_text_put_str(w, " (HTTP ");
        lkd_text_put_dec(w, (uint64_t)in->http_status);
        lkd_text_put(w, ")", 1);
    }
    if ((status == LKD_ERR_TLS || status == LKD_ERR_NO_MEMORY) && in->tls.last_mbedtls_error != 0) {
        lkd_text_put_str(w, " (mbedTLS -");
        put_hex(w, (uint32_t)-in->tls.last_mbedtls_error);
        lkd_text_put(w, ")", 1);
    }
    if (ON_CONNECTION(status) && in->conn_host != NULL) {
        put_host(w, in);
    }
    if (policy != NULL) {
        /* It says more than mbedTLS's flags, which then list every check
         * mbedTLS did not get to as failed. */
        lkd_text_put_str(w, ": ");
        lkd_text_put_str(w, policy);
    } else if (status == LKD_ERR_CERT && in->tls.verify_flags != 0) {
        put_flags(w, in->tls.verify_flags);
    }
    if (clock_suspect(status, in->tls.verify_flags, device, server)) {
        put_clock(w, device, server);
    }
    if ((status == LKD_ERR_CLOSED || status == LKD_ERR_IO || status == LKD_ERR_TIMEOUT) &&
        in->http.status_code != 0 && in->http.has_content_length && in->http.body_received < in->http.content_length) {
        lkd_text_put_str(w, "; ");
        lkd_text_put_dec(w, in->http.body_received);
        lkd_text_put_str(w, " of ");
        lkd_text_put_dec(w, in->http.content_length);
        lkd_text_put_str(w, " body bytes had arrived");
    }
    if (status == LKD_ERR_API) {
        lkd_text_put_str(w, ": ");
        put_safe(w, in->api_error.code);
        lkd_text_put_str(w, " [RequestId ");
        put_safe(w, in->api_error.request_id);
        lkd_text_put(w, "]", 1);
    }
    if (lkd_status_is_arg(status) && in->arg_error.status == status) {
        lkd_text_put_str(w, ": ");
        lkd_text_put_str(w, in->arg_error.name);
        lkd_text_put(w, " ", 1);
        lkd_text_put_str(w, in->arg_error.rule);
        if (in->arg_error.limit != 0) {
            lkd_text_put_str(w, " (");
            lkd_text_put_dec(w, in->arg_error.length);
            lkd_text_put_str(w, " bytes; the limit is ");
            lkd_text_put_dec(w, in->arg_error.limit);
            lkd_text_put(w, ")", 1);
        }
    }
}
#else
/* The same facts as numbers, each key always there (0 or -1 when it does
 * not apply), in this order. */
static const char keys[] = "err\0http\0tls\0flags\0port\0hop\0device_time\0server_time\0clock\0body\0of\0len\0limit\0";

static void describe(lkd_text_writer_t *w, const lkd_client_t *client, lkd_status_t status)
{
    const struct lkd_client_internal *in = &client->internal;
    uint16_t port;
    const char *host = failed_host(in, &port);
    int64_t v[13];
    unsigned i;
    v[0] = status;
    v[1] = in->http_status;
    v[2] = in->tls.last_mbedtls_error;
    v[3] = in->tls.verify_flags;
    v[4] = port;
    v[5] = in->tls.proxy_hop;
    v[6] = in->port.wall_time(in->port.ctx);
    v[7] = server_time(client);
    v[8] = clock_suspect(status, in->tls.verify_flags, v[6], v[7]);
    v[9] = (int64_t)in->http.body_received;
    v[10] = in->http.has_content_length ? (int64_t)in->http.content_length : -1;
    v[11] = (int64_t)in->arg_error.length;
    v[12] = (int64_t)in->arg_error.limit;
    for (i = 0; i < 13u; i++) {
        lkd_text_put_str(w, i == 0 ? "" : " ");
        lkd_text_put_str(w, lkd_text_nth(keys, i, ""));
        lkd_text_put(w, "=", 1);
        put_num(w, v[i]);
    }
    if (ON_CONNECTION(status) && host != NULL) {
        lkd_text_put_str(w, " host=");
        put_safe(w, host);
    }
    if (status == LKD_ERR_API) {
        lkd_text_put_str(w, " api=");
        put_safe(w, in->api_error.code);
        lkd_text_put_str(w, " rid=");
        put_safe(w, in->api_error.request_id);
    }
}
#endif

lkd_status_t lkd_client_error_detail(const lkd_client_t *client, lkd_status_t status, char *buf, size_t size)
{
    lkd_text_writer_t w;
    if (buf == NULL || size == 0) {
        return LKD_ERR_ARG_NULL;
    }
    buf[0] = '\0';
    if (client == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    if (!client->internal.initialised) {
        return LKD_ERR_STATE;
    }
    w.out = buf;
    w.cap = size - 1u; /* room for the NUL */
    w.pos = 0;
    w.overflow = 0;
    describe(&w, client, status);
    buf[w.pos] = '\0';
    return w.overflow ? LKD_ERR_BUFFER_TOO_SMALL : LKD_OK;
}
