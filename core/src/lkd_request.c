/* SPDX-License-Identifier: MIT */
/*
 * lkd_request.c - the signed API request (see lkd_request.h).
 */
#include "lkd_request.h"

#include <stddef.h>
#include <string.h>

#include "lkd_hash.h"
#include "lkd_sign.h"
#include "lkd_text.h"
#include "lkd_version.h"

static int byte_allowed(unsigned char c, lkd_request_chars_t cls)
{
    int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    switch (cls) {
    case LKD_REQUEST_CHARS_HOST: return alnum || c == '-' || c == '.';
    case LKD_REQUEST_CHARS_TOKEN: return alnum || c == '-' || c == '.' || c == '_';
    default: return c > 0x20 && c < 0x7f;
    }
}

lkd_status_t lkd_request_check_value(lkd_span_t v, lkd_request_chars_t cls, int required)
{
    size_t i;
    uint8_t ip[16];
    if (v.len == 0) {
        return required ? LKD_ERR_ARG_EMPTY : LKD_OK;
    }
    if (v.ptr == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    if (cls == LKD_REQUEST_CHARS_HOST && lkd_text_parse_ip(v.ptr, v.len, ip) == 16) {
        return LKD_OK; /* a bare IPv6 literal: the request brackets it */
    }
    for (i = 0; i < v.len; i++) {
        if (!byte_allowed((unsigned char)v.ptr[i], cls)) {
            return LKD_ERR_ARG_FORMAT;
        }
    }
    return LKD_OK;
}

/* "host" or "host:port" (port unless 443, or 0 for none), an IPv6 literal
 * bracketed (RFC 9110 7.2, RFC 3986 3.2.2). */
void lkd_request_put_authority(lkd_text_writer_t *w, lkd_span_t host, uint16_t port)
{
    /* host passed lkd_request_check_value: a ':' is an IPv6 literal's. */
    int v6 = host.len > 0 && memchr(host.ptr, ':', host.len) != NULL;
    lkd_text_put(w, "[", (size_t)v6);
    lkd_text_put(w, host.ptr, host.len);
    lkd_text_put(w, "]", (size_t)v6);
    if (port != 443 && port != 0) {
        lkd_text_put_str(w, ":");
        lkd_text_put_dec(w, port);
    }
}

/* check_request's table keeps offsets and limits in bytes. */
typedef char lkd_request_table_fits[(offsetof(lkd_request_t, token) <= 255 && LKD_REQUEST_MAX_SECRET_ID <= 255 &&
                                     LKD_REQUEST_MAX_SERVICE <= 255) ? 1 : -1];

/* The first field of req that cannot be sent, as the kind of argument
 * error; LKD_OK when all can. */
static lkd_status_t check_request(const lkd_request_t *req)
{
    /* A table of offsets rather than of spans: nothing is copied to the
     * stack, and each entry is four bytes of flash. */
    static const struct {
        uint8_t offset;
        uint8_t cls;
        uint8_t required;
        uint8_t max; /* 0: no limit of its own */
    } fields[] = {
        {offsetof(lkd_request_t, host), LKD_REQUEST_CHARS_HOST, 1, 0},
        {offsetof(lkd_request_t, service), LKD_REQUEST_CHARS_TOKEN, 1, LKD_REQUEST_MAX_SERVICE},
        {offsetof(lkd_request_t, action), LKD_REQUEST_CHARS_TOKEN, 1, 0},
        {offsetof(lkd_request_t, version), LKD_REQUEST_CHARS_TOKEN, 1, 0},
        {offsetof(lkd_request_t, region), LKD_REQUEST_CHARS_TOKEN, 1, 0},
        {offsetof(lkd_request_t, language), LKD_REQUEST_CHARS_TOKEN, 0, 0},
        {offsetof(lkd_request_t, secret_id), LKD_REQUEST_CHARS_TOKEN, 1, LKD_REQUEST_MAX_SECRET_ID},
        {offsetof(lkd_request_t, token), LKD_REQUEST_CHARS_VISIBLE, 0, 0},
    };
    size_t i;
    for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const lkd_span_t *v = (const lkd_span_t *)(const void *)((const char *)req + fields[i].offset);
        lkd_status_t st = lkd_request_check_value(*v, (lkd_request_chars_t)fields[i].cls, fields[i].required);
        if (st != LKD_OK) {
            return st;
        }
        if (fields[i].max > 0 && v->len > fields[i].max) {
            return LKD_ERR_ARG_TOO_LONG;
        }
    }
    if (req->secret_key.len == 0) {
        return LKD_ERR_ARG_EMPTY;
    }
    if (req->secret_key.ptr == NULL || (req->body == NULL && req->body_len > 0)) {
        return LKD_ERR_ARG_NULL;
    }
    if (req->timestamp < 0) {
        return LKD_ERR_ARG_RANGE;
    }
    return req->unsigned_payload && !req->streamed ? LKD_ERR_ARG_CONFLICT : LKD_OK;
}

static void w_header(lkd_text_writer_t *w, const char *name, lkd_span_t value)
{
    lkd_text_put_str(w, name);
    lkd_text_put_str(w, ": ");
    lkd_text_put(w, value.ptr, value.len);
    lkd_text_put_str(w, "\r\n");
}

lkd_status_t lkd_request_write(const lkd_request_t *req, char *out, size_t cap, size_t *len)
{
    lkd_sign_input_t sig;
    lkd_text_writer_t w;
    size_t auth_len = 0;
    lkd_status_t st;

    if (req == NULL || out == NULL || len == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    st = check_request(req);
    if (st != LKD_OK) {
        return st;
    }

    memset(&sig, 0, sizeof sig);
    sig.secret_id = req->secret_id;
    sig.secret_key = req->secret_key;
    sig.service = req->service;
    sig.host = req->host;
    sig.content_type.ptr = LKD_REQUEST_CONTENT_TYPE;
    sig.content_type.len = sizeof LKD_REQUEST_CONTENT_TYPE - 1;
    sig.timestamp = req->timestamp;
    /* lkd_sign_sha256 refuses NULL data with a length (excluded above): it
     * fails only with a SHA-256 that can (LKD_ERR_CRYPTO, lkd_hash.h), and
     * the check compiles away without one. */
    if (req->unsigned_payload) {
        st = lkd_sign_sha256("UNSIGNED-PAYLOAD", 16, sig.payload_sha256);
    } else if (req->streamed) {
        memcpy(sig.payload_sha256, req->payload_sha256, sizeof sig.payload_sha256);
    } else {
        st = lkd_sign_sha256(req->body != NULL ? req->body : "", req->body_len, sig.payload_sha256);
    }
    if (LKD_HASH_CAN_FAIL && st != LKD_OK) {
        return st;
    }
    w.out = out;
    w.cap = cap;
    w.pos = 0;
    w.overflow = 0;
    lkd_text_put_str(&w, "POST / HTTP/1.1\r\n");
    lkd_text_put_str(&w, "Host: ");
    lkd_request_put_authority(&w, req->host, req->port);
    lkd_text_put_str(&w, "\r\n");
    lkd_text_put_str(&w, "Content-Type: " LKD_REQUEST_CONTENT_TYPE "\r\n");
    w_header(&w, "X-TC-Action", req->action);
    w_header(&w, "X-TC-Version", req->version);
    w_header(&w, "X-TC-Region", req->region);
    lkd_text_put_str(&w, "X-TC-Timestamp: ");
    lkd_text_put_dec(&w, (uint64_t)req->timestamp);
    lkd_text_put_str(&w, "\r\n");
    if (req->language.len > 0) {
        w_header(&w, "X-TC-Language", req->language);
    }
    if (req->token.len > 0) {
        lkd_span_t left_out = {NULL, 0};
        if (req->token_at != NULL) {
            *req->token_at = w.pos + sizeof "X-TC-Token: " - 1;
        }
        w_header(&w, "X-TC-Token", req->token_at != NULL ? left_out : req->token);
    }
    if (req->unsigned_payload) {
        lkd_text_put_str(&w, "X-TC-Content-SHA256: UNSIGNED-PAYLOAD\r\n");
    }
    /* The Authorization value is signed straight into the output. */
    lkd_text_put_str(&w, "Authorization: ");
    if (w.pos == w.cap) {
        w.overflow = 1;
    }
    if (!w.overflow) {
        st = lkd_sign_tc3(&sig, out + w.pos, w.cap - w.pos, &auth_len, NULL);
        if (st == LKD_ERR_BUFFER_TOO_SMALL) {
            w.overflow = 1;
        } else if (st != LKD_OK) {
            memset(out, 0, cap);
            return st;
        }
        w.pos += auth_len;
    }
    /* X-TC-RequestClient unsigned, as every official SDK sends its own name:
     * the service's logs tell the client apart.  One string, one call. */
    lkd_text_put_str(&w, "\r\nUser-Agent: lkedoc/" LKD_VERSION_STRING "\r\nX-TC-RequestClient: lkedoc/" LKD_VERSION_STRING
                         "\r\nContent-Length: ");
    lkd_text_put_dec(&w, req->streamed ? req->content_length : (uint64_t)req->body_len);
    lkd_text_put_str(&w, "\r\n\r\n");
    if (!req->streamed) {
        lkd_text_put(&w, req->body, req->body_len);
    }
    if (w.overflow) {
        memset(out, 0, cap); /* nothing half-written, and no signature left behind */
        return LKD_ERR_BUFFER_TOO_SMALL;
    }
    *len = w.pos;
    return LKD_OK;
}

lkd_status_t lkd_request_write_get(lkd_span_t host, uint16_t port, lkd_span_t path_query, uint64_t range_from,
                                   lkd_span_t if_match, char *out, size_t cap, size_t *len)
{
    lkd_text_writer_t w;
    lkd_status_t st;
    if (out == NULL || len == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    st = lkd_request_check_value(host, LKD_REQUEST_CHARS_HOST, 1);
    if (st == LKD_OK) {
        st = lkd_request_check_value(path_query, LKD_REQUEST_CHARS_VISIBLE, 1);
    }
    if (st == LKD_OK) {
        st = lkd_request_check_value(if_match, LKD_REQUEST_CHARS_VISIBLE, 0);
    }
    if (st != LKD_OK) {
        return st;
    }
    if (port == 0) {
        return LKD_ERR_ARG_RANGE;
    }
    if (path_query.ptr[0] != '/') {
        return LKD_ERR_ARG_FORMAT;
    }
    w.out = out;
    w.cap = cap;
    w.pos = 0;
    w.overflow = 0;
    lkd_text_put_str(&w, "GET ");
    lkd_text_put(&w, path_query.ptr, path_query.len);
    lkd_text_put_str(&w, " HTTP/1.1\r\nHost: ");
    lkd_request_put_authority(&w, host, port);
    lkd_text_put_str(&w, "\r\n");
    if (range_from > 0) {
        lkd_text_put_str(&w, "Range: bytes=");
        lkd_text_put_dec(&w, range_from);
        lkd_text_put_str(&w, "-\r\n");
        if (if_match.len > 0) {
            lkd_text_put_str(&w, "If-Match: ");
            lkd_text_put(&w, if_match.ptr, if_match.len);
            lkd_text_put_str(&w, "\r\n");
        }
    }
    /* The archive's CRC-64 is that of the stored bytes: no transfer coding. */
    lkd_text_put_str(&w, "Accept-Encoding: identity\r\nUser-Agent: lkedoc/" LKD_VERSION_STRING "\r\n\r\n");
    if (w.overflow) {
        return LKD_ERR_BUFFER_TOO_SMALL;
    }
    *len = w.pos;
    return LKD_OK;
}
