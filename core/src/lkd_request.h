/* SPDX-License-Identifier: MIT */
/*
 * lkd_request.h - writes one whole signed API request (HTTP/1.1 headers and
 * JSON body) into a caller-sized buffer.
 *
 * Every header value is checked before it is written: the fixed-format ones
 * (host, action, version, region, language, SecretId) against the characters
 * they may hold, the token against visible ASCII, so no CR/LF or other byte can
 * inject a header.  The output is either complete or not written at all.
 */
#ifndef LKD_REQUEST_H
#define LKD_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "lkd_text.h"
#include "lkd_types.h"

#define LKD_REQUEST_CONTENT_TYPE "application/json"

/* Bounds on what the Authorization value holds. */
#define LKD_REQUEST_MAX_SECRET_ID 128u
#define LKD_REQUEST_MAX_SERVICE 32u

/* The bytes a header value may hold: a host name (letters, digits, '-', '.'),
 * a token (those and '_'), visible ASCII (0x21..0x7e). */
typedef enum { LKD_REQUEST_CHARS_HOST, LKD_REQUEST_CHARS_TOKEN, LKD_REQUEST_CHARS_VISIBLE } lkd_request_chars_t;

/* LKD_OK when v may be sent as a header value of that class (an empty v only
 * when it is not required; for LKD_REQUEST_CHARS_HOST also a bare IPv6
 * literal, never a bracketed one or a port); else LKD_ERR_ARG_EMPTY,
 * LKD_ERR_ARG_NULL (ptr NULL with a length) or LKD_ERR_ARG_FORMAT (a byte
 * outside the class). */
lkd_status_t lkd_request_check_value(lkd_span_t v, lkd_request_chars_t cls, int required);

/* Write host (checked by lkd_request_check_value as LKD_REQUEST_CHARS_HOST)
 * as an authority: an IPv6 literal bracketed, then ":port" unless port is 443
 * or 0 (RFC 9110 7.2: the port goes in when it is not the default).  The one
 * rule for Host, API and download (a proxy's CONNECT brackets alike, and
 * always names the port). */
void lkd_request_put_authority(lkd_text_writer_t *w, lkd_span_t host, uint16_t port);

typedef struct {
    lkd_span_t host;       /* a DNS name or an IP literal (an IPv6 one bare): Host and signed host */
    uint16_t port;         /* in Host when not 443 (0: none); never signed, as the SDKs sign */
    lkd_span_t service;    /* credential scope, e.g. "lke" */
    lkd_span_t action;     /* X-TC-Action */
    lkd_span_t version;    /* X-TC-Version */
    lkd_span_t region;     /* X-TC-Region */
    lkd_span_t language;   /* X-TC-Language, empty to omit */
    lkd_span_t secret_id;
    lkd_span_t secret_key;
    lkd_span_t token;      /* X-TC-Token, empty to omit */
    int64_t timestamp;     /* X-TC-Timestamp */
    const char *body;      /* JSON body, sent and hashed exactly as given */
    size_t body_len;
    /* A streamed body: when set, only the headers are written; the caller
     * sends content_length body bytes whose SHA-256 is payload_sha256, or,
     * with unsigned_payload, signs "UNSIGNED-PAYLOAD" instead (which TC3 allows) and
     * adds the X-TC-Content-SHA256 header. */
    uint8_t streamed;
    uint8_t unsigned_payload;
    uint64_t content_length;
    uint8_t payload_sha256[32];
    /* NULL: the token is written in its header.  Else only "X-TC-Token: "
     * and "\r\n" are, and *token_at gets the offset between them (left as
     * it was without a token): the caller sends the token's bytes from where
     * they lie, so a long one costs no buffer (TC3 signs only content-type
     * and host; the value is still checked). */
    size_t *token_at;
} lkd_request_t;

/* Write the request into out[0..cap); *len gets its length.
 * Errors: LKD_ERR_ARG_NULL / LKD_ERR_ARG_EMPTY (a missing field),
 * LKD_ERR_ARG_FORMAT (a value with bytes its header may not carry),
 * LKD_ERR_ARG_TOO_LONG (SecretId over LKD_REQUEST_MAX_SECRET_ID, service over
 * LKD_REQUEST_MAX_SERVICE), LKD_ERR_ARG_RANGE (negative
 * timestamp), LKD_ERR_ARG_CONFLICT (unsigned_payload without streamed),
 * LKD_ERR_BUFFER_TOO_SMALL (nothing usable is left in out), LKD_ERR_CRYPTO (a
 * hardware SHA-256 failed, lkd_hash.h). */
lkd_status_t lkd_request_write(const lkd_request_t *req, char *out, size_t cap, size_t *len);

/* Write "GET path_query HTTP/1.1" with Host (lkd_request_put_authority),
 * Accept-Encoding: identity, and "Range: bytes=range_from-" when range_from > 0,
 * then with "If-Match: if_match" unless if_match is empty.  path_query must start
 * with '/' and hold only visible ASCII (lkd_url_parse guarantees both).
 * Errors: LKD_ERR_ARG_NULL, LKD_ERR_ARG_EMPTY, LKD_ERR_ARG_FORMAT (host,
 * path or if_match bytes, path not starting with '/'), LKD_ERR_ARG_RANGE (port 0),
 * LKD_ERR_BUFFER_TOO_SMALL. */
lkd_status_t lkd_request_write_get(lkd_span_t host, uint16_t port, lkd_span_t path_query, uint64_t range_from,
                                   lkd_span_t if_match, char *out, size_t cap, size_t *len);

#endif /* LKD_REQUEST_H */
