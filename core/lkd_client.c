/*
 * lkd_client.c - one signed API call over a kept-alive, verified TLS
 * connection, within one deadline (see lkd_client.h).
 *
 * Memory: the JSON body is first composed in the response buffer (free at
 * that moment), then the signed request is written to the request buffer;
 * once it is sent, the request buffer receives the raw TLS plaintext that the
 * HTTP parser turns into the body inside the response buffer.
 */
#include "lkd_client.h"

#include <string.h>

#include "lkd_decode.h"
#include "lkd_request.h"

static const char action_get_result[] = "GetReconstructDocumentResult";

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

void lkd_settings_default(lkd_settings_t *s, lkd_profile_t profile)
{
    if (s == NULL) {
        return;
    }
    memset(s, 0, sizeof *s);
    s->port = 443;
    s->timeout_ms = LKD_DEFAULT_TIMEOUT_MS;
    s->region = "ap-guangzhou";
    if (profile == LKD_PROFILE_LKEAP) {
        s->host = "lkeap.tencentcloudapi.com";
        s->service = "lkeap";
        s->version = "2024-05-22";
    } else {
        s->host = "lke.intl.tencentcloudapi.com";
        s->service = "lke";
        s->version = "2023-11-30";
    }
}

/* ---- diagnostics ---------------------------------------------------------- */

static void log_line(const lkd_client_t *c, const char *line, size_t len)
{
    if (c->settings.log != NULL) {
        c->settings.log(c->settings.log_user, line, len);
    }
}

static void log_text(const lkd_client_t *c, const char *a, const char *b)
{
    char line[160];
    size_t n = 0, la = cstr_len(a), lb = cstr_len(b);
    if (c->settings.log == NULL) {
        return;
    }
    if (la > sizeof line) {
        la = sizeof line;
    }
    memcpy(line, a, la);
    n = la;
    if (lb > sizeof line - n) {
        lb = sizeof line - n;
    }
    memcpy(line + n, b, lb);
    log_line(c, line, n + lb);
}

static void log_number(const lkd_client_t *c, const char *label, uint64_t v)
{
    char digits[21];
    size_t n = sizeof digits - 1;
    digits[n] = '\0';
    do {
        digits[--n] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v != 0);
    log_text(c, label, digits + n);
}

/* Log the request's header lines, hiding the signature and the token. */
static void log_request(const lkd_client_t *c, const char *req, size_t len)
{
    static const char sig_key[] = "Signature=";
    size_t pos = 0;
    if (c->settings.log == NULL) {
        return;
    }
    while (pos < len) {
        size_t end = pos, n;
        while (end < len && req[end] != '\r') {
            end++;
        }
        n = end - pos;
        if (n == 0) {
            break; /* the blank line: the body follows */
        }
        if (n >= 14 && memcmp(req + pos, "Authorization:", 14) == 0) {
            size_t i;
            for (i = pos; i + sizeof sig_key - 1 <= end; i++) {
                if (memcmp(req + i, sig_key, sizeof sig_key - 1) == 0) {
                    break;
                }
            }
            n = i - pos;
            if (n > 200) {
                n = 200;
            }
            {
                char line[200 + 20];
                memcpy(line, req + pos, n);
                memcpy(line + n, "Signature=<hidden>", 18);
                log_line(c, line, n + 18);
            }
        } else if (n >= 11 && memcmp(req + pos, "X-TC-Token:", 11) == 0) {
            log_text(c, "> X-TC-Token: <hidden>", NULL);
        } else {
            char line[160];
            line[0] = '>';
            line[1] = ' ';
            if (n > sizeof line - 2) {
                n = sizeof line - 2;
            }
            memcpy(line + 2, req + pos, n);
            log_line(c, line, n + 2);
        }
        pos = end + 2;
    }
}

/* ---- set-up --------------------------------------------------------------- */

static int port_complete(const lkd_port_t *p)
{
    return p != NULL && p->connect != NULL && p->send != NULL && p->recv != NULL && p->close != NULL &&
           p->wall_time != NULL && p->monotonic_ms != NULL && p->sleep_ms != NULL && p->entropy != NULL;
}

lkd_status_t lkd_client_init(lkd_client_t *client, const lkd_settings_t *settings, const lkd_port_t *port)
{
    const lkd_settings_t *s = settings;
    lkd_status_t st;
    if (client == NULL || s == NULL || !port_complete(port) || cstr_len(s->host) == 0 ||
        cstr_len(s->host) >= 254 || cstr_len(s->service) == 0 || cstr_len(s->version) == 0 ||
        cstr_len(s->region) == 0 || cstr_len(s->secret_id) == 0 || cstr_len(s->secret_key) == 0 ||
        s->port == 0 || s->timeout_ms == 0) {
        return LKD_ERR_ARG;
    }
    if (s->language != NULL && strcmp(s->language, "en-US") != 0 && strcmp(s->language, "zh-CN") != 0) {
        return LKD_ERR_ARG;
    }
    memset(client, 0, sizeof *client);
    client->settings = *s;
    client->port = *port;
    client->server_date = -1;
    st = lkd_tls_init(&client->tls, &client->port);
    if (st != LKD_OK) {
        return st;
    }
    client->initialised = 1;
    return LKD_OK;
}

lkd_status_t lkd_client_add_ca(lkd_client_t *client, const uint8_t *ca, size_t len)
{
    if (client == NULL || !client->initialised) {
        return LKD_ERR_ARG;
    }
    return lkd_tls_add_ca(&client->tls, ca, len);
}

const lkd_api_error_t *lkd_client_api_error(const lkd_client_t *client)
{
    return client == NULL ? NULL : &client->api_error;
}

void lkd_client_close(lkd_client_t *client)
{
    if (client != NULL && client->initialised) {
        lkd_tls_close(&client->tls);
    }
}

void lkd_client_free(lkd_client_t *client)
{
    if (client != NULL && client->initialised) {
        lkd_tls_free(&client->tls);
        client->initialised = 0;
    }
}

/* ---- one call --------------------------------------------------------------- */

/* Body sink: the 200 answer's body goes to the response buffer; any other
 * status's body is only counted (it is not the API's JSON, and an HTML error
 * page must not turn a clear HTTP error into "too large"). */
static lkd_status_t body_to_response(void *user, const uint8_t *data, size_t len)
{
    lkd_client_t *c = (lkd_client_t *)user;
    if (c->http.status_code != 200) {
        return LKD_OK;
    }
    if (len > LKD_RESPONSE_BUFFER_SIZE - c->response_len) {
        return LKD_ERR_RESPONSE_TOO_LARGE;
    }
    memcpy(c->response + c->response_len, data, len);
    c->response_len += len;
    return LKD_OK;
}

static lkd_status_t connect_if_needed(lkd_client_t *c, uint64_t deadline)
{
    lkd_status_t st;
    if (c->tls.open) {
        return LKD_OK;
    }
    log_text(c, "* connecting to ", c->settings.connect_host != NULL ? c->settings.connect_host : c->settings.host);
    st = lkd_tls_connect(&c->tls, c->settings.host, c->settings.connect_host, c->settings.port, deadline);
    log_text(c, "* TLS handshake: ", lkd_strerror(st));
    return st;
}

/* Receive and parse one response by the deadline.  *got_any tells whether a
 * single byte arrived (a reused connection that the server had closed gives
 * none, and the request may then be sent again on a new one). */
static lkd_status_t receive_response(lkd_client_t *c, uint64_t deadline, int *got_any)
{
    lkd_status_t st;
    *got_any = 0;
    c->response_len = 0;
    lkd_http_parser_init(&c->http, body_to_response, NULL, c, 0);
    while (!lkd_http_is_complete(&c->http)) {
        size_t got = 0, used = 0;
        st = lkd_tls_read(&c->tls, c->request, sizeof c->request, &got, deadline);
        if (st == LKD_ERR_CLOSED) {
            lkd_tls_close(&c->tls);
            return *got_any ? lkd_http_finish_on_close(&c->http) : LKD_ERR_CLOSED;
        }
        if (st != LKD_OK) {
            return st;
        }
        *got_any = 1;
        st = lkd_http_parse(&c->http, c->request, got, &used);
        if (st != LKD_OK) {
            return st;
        }
        if (used < got) {
            /* Bytes after a complete answer to a single request: the stream
             * cannot be trusted for another one. */
            lkd_tls_close(&c->tls);
        }
    }
    if (!c->http.keep_alive) {
        lkd_tls_close(&c->tls);
    }
    return LKD_OK;
}

/* Send the request in c->request[0..len) and receive the answer, on the open
 * connection or a new one; one retry on a fresh connection when a reused one
 * turns out to be closed before any byte of the answer. */
static lkd_status_t exchange(lkd_client_t *c, size_t len, uint64_t deadline)
{
    int attempt;
    lkd_status_t st = LKD_ERR_STATE;
    for (attempt = 0; attempt < 2; attempt++) {
        int reused = c->tls.open, got_any = 0;
        st = connect_if_needed(c, deadline);
        if (st != LKD_OK) {
            return st;
        }
        st = lkd_tls_write_all(&c->tls, c->request, len, deadline);
        if (st == LKD_OK) {
            c->requests_sent++;
            st = receive_response(c, deadline, &got_any);
        }
        if (st == LKD_OK) {
            return LKD_OK;
        }
        lkd_tls_close(&c->tls);
        if (!(reused && !got_any && (st == LKD_ERR_CLOSED || st == LKD_ERR_IO))) {
            return st;
        }
        log_text(c, "* kept-alive connection was closed by the server; reconnecting", NULL);
    }
    return st;
}

/* Sign and send action with the JSON body already in c->response[0..body_len),
 * and leave a 200 answer's body in c->response[0..response_len). */
static lkd_status_t call_action(lkd_client_t *c, const char *action, size_t body_len, uint64_t deadline)
{
    lkd_request_t req;
    size_t len = 0;
    int64_t now = c->port.wall_time(c->port.ctx);
    lkd_status_t st;

    if (now == LKD_PORT_TIME_UNKNOWN || now < 0) {
        return LKD_ERR_CLOCK;
    }
    memset(&req, 0, sizeof req);
    req.host = cspan(c->settings.host);
    req.service = cspan(c->settings.service);
    req.action = cspan(action);
    req.version = cspan(c->settings.version);
    req.region = cspan(c->settings.region);
    req.language = cspan(c->settings.language);
    req.secret_id = cspan(c->settings.secret_id);
    req.secret_key = cspan(c->settings.secret_key);
    req.token = cspan(c->settings.token);
    req.timestamp = now;
    req.body = c->response;
    req.body_len = body_len;
    st = lkd_request_write(&req, (char *)c->request, sizeof c->request, &len);
    if (st != LKD_OK) {
        return st;
    }
    log_request(c, (const char *)c->request, len);
    st = exchange(c, len, deadline);
    /* The request held the signature; it is overwritten by the answer on
     * success, but wipe what is left of it either way. */
    memset(c->request, 0, sizeof c->request);
    if (st != LKD_OK) {
        return st;
    }
    c->http_status = c->http.status_code;
    c->server_date = c->http.date;
    log_number(c, "< HTTP status ", (uint64_t)c->http_status);
    log_number(c, "< body bytes ", c->response_len);
    if (c->http_status != 200) {
        return LKD_ERR_HTTP_STATUS;
    }
    c->response[c->response_len] = '\0';
    return LKD_OK;
}

static lkd_status_t begin_call(lkd_client_t *c, uint64_t *deadline)
{
    if (c == NULL || !c->initialised) {
        return LKD_ERR_STATE;
    }
    if (c->busy) {
        return LKD_ERR_STATE;
    }
    c->busy = 1;
    c->http_status = 0;
    memset(&c->api_error, 0, sizeof c->api_error);
    *deadline = c->port.monotonic_ms(c->port.ctx) + c->settings.timeout_ms;
    return LKD_OK;
}

static lkd_status_t end_call(lkd_client_t *c, lkd_status_t st)
{
    if (st != LKD_OK && st != LKD_ERR_API) {
        /* After a failure mid-exchange the stream's position is unknown. */
        lkd_tls_close(&c->tls);
    }
    if (st == LKD_ERR_API) {
        log_text(c, "* API error ", c->api_error.code);
    }
    c->busy = 0;
    return st;
}

lkd_status_t lkd_get_result(lkd_client_t *client, const char *task_id, size_t task_id_len, lkd_result_t *result)
{
    uint64_t deadline;
    size_t pos = 0;
    lkd_status_t st;
    if (task_id == NULL || task_id_len == 0 || result == NULL) {
        return LKD_ERR_ARG;
    }
    st = begin_call(client, &deadline);
    if (st != LKD_OK) {
        return st;
    }
    memset(result, 0, sizeof *result);
    /* {"TaskId":"..."} */
    memcpy(client->response, "{\"TaskId\":", 10);
    pos = 10;
    st = lkd_json_write_string(client->response, LKD_RESPONSE_BUFFER_SIZE - 1, &pos, task_id, task_id_len);
    if (st == LKD_OK) {
        client->response[pos++] = '}';
        st = call_action(client, action_get_result, pos, deadline);
    }
    if (st == LKD_OK) {
        st = lkd_decode_get_result(client->response, client->response_len, client->tokens, LKD_JSON_MAX_TOKENS,
                                   result, &client->api_error);
    }
    return end_call(client, st);
}
