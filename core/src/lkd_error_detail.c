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
        if (lkd_text_is_name_byte(*s)) {
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

/* A part (a host, a number with its sign, a flag list) is written whole or
 * not at all: one the buffer cut is taken back, so that a cut line never
 * names a shorter host or a smaller number. */
static void whole(lkd_text_writer_t *w, size_t start)
{
    if (w->overflow) {
        w->pos = start;
    }
}

/* The statuses the TLS facts (the policy's sentence, the mbedTLS code, the
 * flags) are about; others leave them out even when a connection before
 * failed.  (The server's refusal is also said after LKD_ERR_HTTP_STATUS:
 * see describe.) */
static int tls_failure(lkd_status_t st)
{
    return st == LKD_ERR_TLS || st == LKD_ERR_CERT || st == LKD_ERR_NO_MEMORY;
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

/* The earliest time certificates are checked against (lkd_clock.c): the
 * floor, last_known_time, or a time already used. */
static int64_t time_floor(const struct lkd_client_internal *in)
{
    int64_t f = (int64_t)LKD_TIME_FLOOR;
    if (in->settings.last_known_time > f) {
        f = in->settings.last_known_time;
    }
    return f;
}

/* The device clock when certificates were checked against it (known and not
 * before the floor, as lkd_clock_validity_time decides); -1 otherwise. */
static int64_t device_used(const struct lkd_client_internal *in)
{
    int64_t wall = in->port.wall_time(in->port.ctx);
    return wall != LKD_PORT_TIME_UNKNOWN && wall >= time_floor(in) ? wall : -1;
}

/* A certificate's time checks failed, and nothing else but trust (an
 * expired CA's).  (A chain mbedTLS refused for its hash or key comes with
 * every flag it did not get to check: its time is not what failed.) */
static int time_failed(lkd_status_t st, uint32_t flags)
{
    const uint32_t time = MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE;
    return st == LKD_ERR_CERT && (flags & time) != 0 && (flags & ~(time | MBEDTLS_X509_BADCERT_NOT_TRUSTED)) == 0;
}

/* ... against the device's clock, while the server's disagrees or is not
 * known: the device clock is the likely cause. */
static int clock_suspect(lkd_status_t st, uint32_t flags, int64_t device, int64_t server)
{
    return time_failed(st, flags) && device >= 0 &&
           (server < 0 || device - server > CLOCK_SKEW_S || server - device > CLOCK_SKEW_S);
}

/* "0x0303": at least four digits. */
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

#if LKD_ENABLE_TEXTS

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
    if (host != in->conn_host && in->conn_host != NULL) {
        /* The proxy failed: and which origin the tunnel was for. */
        lkd_text_put_str(w, "; the tunnel was to ");
        put_safe(w, in->conn_host);
        lkd_text_put_str(w, ", port ");
        lkd_text_put_dec(w, in->conn_port);
    }
    lkd_text_put(w, ")", 1);
}

/* Which clock the certificate's time was checked against, and when the
 * device's was and is the likely cause, both clocks. */
static void put_clock(lkd_text_writer_t *w, const struct lkd_client_internal *in, int64_t server)
{
    int64_t device = device_used(in), wall = in->port.wall_time(in->port.ctx);
    if (device >= 0) {
        lkd_text_put_str(w, "; the device clock says ");
        put_time(w, device);
        if (server >= 0) {
            lkd_text_put_str(w, "; the server's clock (its Date header) says ");
            put_time(w, server);
        } else {
            lkd_text_put_str(w, "; the server's time is not known yet: check the device clock");
        }
        return;
    }
    lkd_text_put_str(w, (in->tls.verify_flags & MBEDTLS_X509_BADCERT_EXPIRED) != 0 ? "; expired by "
                                                                                    : "; not yet valid by ");
    if (server >= 0) {
        lkd_text_put_str(w, "the server's clock (its Date header) ");
        put_time(w, in->validity_high > server ? in->validity_high : server);
    } else {
        lkd_text_put_str(w, "the earliest time this client accepts ");
        put_time(w, in->validity_high > time_floor(in) ? in->validity_high : time_floor(in));
    }
    if (wall == LKD_PORT_TIME_UNKNOWN) {
        lkd_text_put_str(w, " (the device clock is not set)");
    } else {
        lkd_text_put_str(w, " (the device clock says ");
        put_time(w, wall);
        lkd_text_put_str(w, ", earlier than that)");
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
    int tls = tls_failure(status);
    uint32_t flags = tls ? in->tls.verify_flags : 0;
    char sentence[96];
    /* The server's refusal in words first (after an HTTP 400 too: a page
     * about a certificate it asked for), else the policy's. */
    const char *policy = tls || status == LKD_ERR_HTTP_STATUS
                             ? lkd_tls_policy_refusal(&in->tls, in->tls.last_mbedtls_error, sentence, sizeof sentence)
                             : NULL;
    size_t at;
    if (policy == NULL && tls) {
        policy = lkd_tls_policy_describe(in->tls.last_mbedtls_error, flags);
    }
    lkd_text_put_str(w, lkd_strerror(status));
    at = w->pos;
    if (status == LKD_ERR_HTTP_STATUS) {
        lkd_text_put(w, " ", 1);
        lkd_text_put_dec(w, (uint64_t)in->http_status);
    } else if ((status == LKD_ERR_PROXY || status == LKD_ERR_PROXY_AUTH) && in->http_status != 0) {
        lkd_text_put_str(w, " (HTTP ");
        lkd_text_put_dec(w, (uint64_t)in->http_status);
        lkd_text_put(w, ")", 1);
    }
    whole(w, at);
    at = w->pos;
    if (ON_CONNECTION(status) && in->conn_host != NULL) {
        put_host(w, in);
    }
    whole(w, at);
    at = w->pos;
    if (policy != NULL) {
        lkd_text_put_str(w, ": ");
        lkd_text_put_str(w, policy);
    }
    whole(w, at);
    at = w->pos;
    if (status == LKD_ERR_CERT && flags != 0 && flags != 0xffffffffu) {
        put_flags(w, flags); /* beside the policy's sentence: a wrong name beside a weak key is still said */
    } else if (policy == NULL && tls && in->tls.last_mbedtls_error != 0) {
        /* No words for it: the code is all there is. */
        lkd_text_put_str(w, " (mbedTLS -");
        put_hex(w, (uint32_t)-in->tls.last_mbedtls_error);
        lkd_text_put(w, ")", 1);
    }
    whole(w, at);
    at = w->pos;
    if (time_failed(status, flags) &&
        (device_used(in) < 0 || clock_suspect(status, flags, device_used(in), server_time(client)))) {
        put_clock(w, in, server_time(client));
    }
    whole(w, at);
    at = w->pos;
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
    whole(w, at);
}
#else
/* The same facts as numbers, each key always there (0 or -1 when it does
 * not apply), in this order. */
static const char keys[] = "err\0http\0tls\0flags\0alert\0tls_version\0cert_req\0refused\0port\0hop\0"
                           "device_time\0server_time\0clock\0body\0of\0len\0limit\0";

static void describe(lkd_text_writer_t *w, const lkd_client_t *client, lkd_status_t status)
{
    const struct lkd_client_internal *in = &client->internal;
    uint16_t port;
    const char *host = failed_host(in, &port);
    int tls = tls_failure(status);
    /* The server's refusal, as the sentences say it: after a TLS failure,
     * or after an HTTP 400 that is no service answer following a
     * certificate request (nginx's page). */
    int refusal = tls || (status == LKD_ERR_HTTP_STATUS && in->tls.peer_alert < 0 && in->tls.cert_requested &&
                          in->tls.bare_400);
    int64_t v[17];
    unsigned i;
    size_t at;
    v[0] = status;
    v[1] = in->http_status;
    v[2] = tls ? in->tls.last_mbedtls_error : 0;
    v[3] = tls ? in->tls.verify_flags : 0;
    v[4] = refusal ? in->tls.peer_alert : -1;
    v[5] = refusal ? in->tls.server_version : 0;
    v[6] = refusal ? in->tls.cert_requested : 0;
    v[7] = refusal ? in->tls.peer_refused : 0;
    v[8] = port;
    v[9] = in->tls.proxy_hop;
    v[10] = in->port.wall_time(in->port.ctx);
    v[11] = server_time(client);
    v[12] = clock_suspect(status, (uint32_t)v[3], device_used(in), v[11]);
    v[13] = (int64_t)in->http.body_received;
    v[14] = in->http.has_content_length ? (int64_t)in->http.content_length : -1;
    v[15] = (int64_t)in->arg_error.length;
    v[16] = (int64_t)in->arg_error.limit;
    for (i = 0; i < 17u; i++) {
        at = w->pos;
        lkd_text_put_str(w, i == 0 ? "" : " ");
        lkd_text_put_str(w, lkd_text_nth(keys, i, ""));
        lkd_text_put(w, "=", 1);
        if (i == 5 && v[i] != 0) {
            put_hex(w, (uint32_t)v[i]); /* as the RFCs write versions */
        } else {
            put_num(w, v[i]);
        }
        whole(w, at);
    }
    at = w->pos;
    if (ON_CONNECTION(status) && host != NULL) {
        lkd_text_put_str(w, " host=");
        put_safe(w, host);
    }
    whole(w, at);
    at = w->pos;
    if (status == LKD_ERR_API) {
        lkd_text_put_str(w, " api=");
        put_safe(w, in->api_error.code);
        lkd_text_put_str(w, " rid=");
        put_safe(w, in->api_error.request_id);
    }
    whole(w, at);
}
#endif

lkd_status_t lkd_client_error_detail(const lkd_client_t *client, lkd_status_t status, char *buf, size_t size)
{
    lkd_text_writer_t w;
    if (buf == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    if (size == 0) {
        return LKD_ERR_ARG_EMPTY; /* no room even for the NUL */
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
