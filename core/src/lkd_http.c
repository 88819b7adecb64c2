/* SPDX-License-Identifier: MIT */
/*
 * lkd_http.c - incremental HTTP/1.1 response parser (see lkd_http.h).
 *
 * One flat state machine driven byte by byte for lines (status, headers,
 * chunk sizes, trailers) and run by run for body data, so the result never
 * depends on how the input was split.  Choices where HTTP leaves room:
 *
 * - A line ends with CRLF or a bare LF.  A CR not followed by LF is malformed
 *   (a bare CR inside a line is how request smuggling starts).  The same
 *   applies to the line end after each chunk's data.
 * - A line of up to LKD_HTTP_MAX_LINE bytes (line end excluded) fits.
 * - Content-Length may be a comma-separated list whose elements are all the
 *   same number ("5, 5"); an empty element, a sign or any other character is
 *   malformed (RFC 7230 3.3.2 lets a recipient accept such a list).
 * - Transfer-Encoding must be exactly one "chunked" (empty list elements
 *   aside) over all the Transfer-Encoding headers: any other coding, even
 *   before chunked ("gzip, chunked"), would hand the sink bytes we cannot
 *   decode, and chunked twice would be decoded only once.  A response with
 *   both Transfer-Encoding and Content-Length is malformed (RFC 9112 6.3).
 * - Header names must be tokens; values must not hold control characters
 *   other than HTAB.  1xx interim answers are checked the same way but their
 *   headers are neither counted, nor interpreted, nor shown to on_header.
 * - Trailers are shown to on_header and counted against
 *   LKD_HTTP_MAX_HEADERS, but never interpreted.
 * - The last Date header decides `date`.
 */
#include "lkd_http.h"

#include <string.h>

#include "lkd_text.h"
#include "lkd_time.h"

enum {
    ST_STATUS_LINE = 0,
    ST_HEADER_LINE,
    ST_BODY_LENGTH, /* `remaining` bytes of a Content-Length body */
    ST_BODY_CLOSE,  /* everything until the peer closes */
    ST_CHUNK_SIZE,
    ST_CHUNK_DATA, /* `remaining` bytes of the current chunk */
    ST_CHUNK_END,  /* the line end after a chunk's data */
    ST_TRAILER_LINE,
    ST_DONE,
    ST_FAILED /* the error is kept in `remaining` */
};

/* While the headers are read, keep_alive collects what Connection said; it
 * gets its final meaning when the headers end. */
#define CONN_SAW_CLOSE 1u
#define CONN_SAW_KEEP_ALIVE 2u

static lkd_status_t fail(lkd_http_parser_t *p, lkd_status_t status)
{
    p->state = ST_FAILED;
    p->remaining = (uint64_t)(unsigned)status;
    return status;
}

static lkd_status_t failed_status(const lkd_http_parser_t *p)
{
    return (lkd_status_t)(unsigned)p->remaining;
}

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* tchar of RFC 7230 3.2.6. */
static int is_token_char(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c)) {
        return 1;
    }
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Control characters other than HTAB; obs-text (0x80..0xFF) is allowed. */
static int is_forbidden_in_text(char c)
{
    unsigned char u = (unsigned char)c;
    return (u < 0x20u && u != '\t') || u == 0x7Fu;
}

static int is_token(const char *s, size_t n)
{
    size_t i;

    if (n == 0) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (!is_token_char(s[i])) {
            return 0;
        }
    }
    return 1;
}

/* Headers whose value the parser needs, in the order header_line reads
 * them: a line of one of these that does not fit the line buffer cannot be
 * skipped. */
#define READ_HEADERS 4u
static unsigned read_header_index(const char *name, size_t n)
{
    unsigned i = 0;
    while (i < READ_HEADERS &&
           !lkd_text_equals_nocase(name, n,
                                   lkd_text_nth("content-length\0" "transfer-encoding\0" "connection\0" "date\0", i, ""))) {
        i++;
    }
    return i;
}

/* The length of the line's header name (before its ':'); 0 when there is no
 * ':' or the name is not a token (a leading SP/HTAB of obsolete folding, a
 * space before ':'). */
static size_t header_name_len(const lkd_http_parser_t *p)
{
    size_t colon = 0;
    while (colon < p->line_len && p->line[colon] != ':') {
        colon++;
    }
    return colon < p->line_len && is_token(p->line, colon) ? colon : 0;
}

/* Cuts the next comma-separated element off the list (s, n), trimmed of OWS. */
static void next_element(const char **s, size_t *n, const char **elem, size_t *elem_len)
{
    size_t i = 0, start, end;

    while (i < *n && (*s)[i] != ',') {
        i++;
    }
    start = 0;
    end = i;
    while (start < end && is_ows((*s)[start])) {
        start++;
    }
    while (end > start && is_ows((*s)[end - 1])) {
        end--;
    }
    *elem = *s + start;
    *elem_len = end - start;
    if (i < *n) {
        i++; /* the comma */
    }
    *s += i;
    *n -= i;
}

/* One element of a list header: Content-Length (which 0) must be the same
 * number each time, Transfer-Encoding (1) exactly one "chunked" in all,
 * Connection (2) may say close or keep-alive; *count is the elements taken. */
static lkd_status_t read_element(lkd_http_parser_t *p, unsigned which, const char *e, size_t e_len, unsigned *count)
{
    uint64_t value = 0;
    if (which == 2) {
        p->keep_alive |= lkd_text_equals_nocase(e, e_len, "close") ? CONN_SAW_CLOSE : 0u;
        p->keep_alive |= lkd_text_equals_nocase(e, e_len, "keep-alive") ? CONN_SAW_KEEP_ALIVE : 0u;
        return LKD_OK;
    }
    if (which == 1) {
        if (!lkd_text_equals_nocase(e, e_len, "chunked") || p->chunked) {
            return LKD_ERR_MALFORMED;
        }
        p->chunked = 1;
    } else if (lkd_text_parse_u64(e, e_len, &value) != e_len || (p->has_content_length && p->content_length != value)) {
        return LKD_ERR_MALFORMED; /* a sign or another byte, over 64 bits, or another number */
    } else {
        p->has_content_length = 1;
        p->content_length = value;
    }
    (*count)++;
    return LKD_OK;
}

/* The value of a list header (which as in read_element); empty elements are
 * skipped except in Content-Length, where they are malformed. */
static lkd_status_t read_list(lkd_http_parser_t *p, unsigned which, const char *v, size_t n)
{
    unsigned count = 0;
    lkd_status_t st = LKD_OK;
    if (which == 0 && (n == 0 || v[n - 1] == ',')) {
        return LKD_ERR_MALFORMED; /* an empty last element */
    }
    while (n > 0 && st == LKD_OK) {
        const char *e;
        size_t e_len;
        next_element(&v, &n, &e, &e_len);
        if (e_len > 0) {
            st = read_element(p, which, e, e_len, &count);
        } else if (which == 0) {
            st = LKD_ERR_MALFORMED;
        }
    }
    return st == LKD_OK && which == 1 && count == 0 ? LKD_ERR_MALFORMED : st;
}

/* HTTP/1.x SSS[ reason] */
static lkd_status_t status_line(lkd_http_parser_t *p)
{
    const char *l = p->line;
    size_t i;
    int code;

    if (p->line_len < 12u || memcmp(l, "HTTP/1.", 7) != 0 || (l[7] != '0' && l[7] != '1') || l[8] != ' ' ||
        l[9] < '1' || l[9] > '9' || !is_digit(l[10]) || !is_digit(l[11])) {
        return LKD_ERR_MALFORMED;
    }
    if (p->line_len > 12u && l[12] != ' ') {
        return LKD_ERR_MALFORMED;
    }
    for (i = 13; i < p->line_len; i++) {
        if (is_forbidden_in_text(l[i])) {
            return LKD_ERR_MALFORMED;
        }
    }
    code = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
    if (code == 101) {
        return LKD_ERR_MALFORMED; /* we never ask to switch protocols */
    }
    p->status_code = code;
    p->http_minor = (uint8_t)(l[7] - '0');
    p->state = ST_HEADER_LINE;
    return LKD_OK;
}

static lkd_status_t headers_complete(lkd_http_parser_t *p)
{
    uint8_t conn = p->keep_alive;

    if (p->chunked && p->has_content_length) {
        return LKD_ERR_MALFORMED; /* RFC 9112 6.3: the framing is ambiguous (smuggling) */
    }

    if (p->http_minor == 1u) {
        p->keep_alive = (conn & CONN_SAW_CLOSE) ? 0u : 1u;
    } else {
        p->keep_alive = ((conn & CONN_SAW_KEEP_ALIVE) && !(conn & CONN_SAW_CLOSE)) ? 1u : 0u;
    }
    if (p->head_request || p->status_code == 204 || p->status_code == 304) {
        p->state = ST_DONE;
    } else if (p->chunked) {
        p->state = ST_CHUNK_SIZE;
    } else if (p->has_content_length) {
        p->remaining = p->content_length;
        p->state = p->remaining > 0u ? ST_BODY_LENGTH : ST_DONE;
    } else {
        p->until_close = 1;
        p->keep_alive = 0;
        p->state = ST_BODY_CLOSE;
    }
    return LKD_OK;
}

static int is_interim(const lkd_http_parser_t *p)
{
    return p->state == ST_HEADER_LINE && p->status_code < 200;
}

static lkd_status_t count_header(lkd_http_parser_t *p)
{
    if (p->header_count >= LKD_HTTP_MAX_HEADERS) {
        return LKD_ERR_MALFORMED;
    }
    p->header_count++;
    return LKD_OK;
}

/* The value of header `which` of read_header_index (READ_HEADERS: one the
 * parser does not read). */
static lkd_status_t read_header(lkd_http_parser_t *p, unsigned which, const char *v, size_t n)
{
    if (which < 2 && p->head_request == 2u && p->status_code / 100 == 2) {
        return LKD_OK; /* a tunnel's bytes follow, whatever these say */
    }
    if (which < 3) {
        return read_list(p, which, v, n);
    }
    if (which == 3 && lkd_time_parse_http_date(v, n, &p->date) != LKD_OK) {
        p->date = -1;
    }
    return LKD_OK;
}

/* A whole header or trailer line (no line end) is in the buffer. */
static lkd_status_t header_line(lkd_http_parser_t *p)
{
    const char *l = p->line;
    size_t n = p->line_len, colon = 0, vs, ve, i;
    lkd_status_t st;

    if (n == 0) {
        if (p->state == ST_TRAILER_LINE) {
            p->state = ST_DONE;
        } else if (is_interim(p)) {
            p->status_code = 0;
            p->http_minor = 0;
            p->state = ST_STATUS_LINE;
        } else {
            return headers_complete(p);
        }
        return LKD_OK;
    }
    colon = header_name_len(p);
    if (colon == 0) {
        return LKD_ERR_MALFORMED;
    }
    vs = colon + 1;
    ve = n;
    while (vs < ve && is_ows(l[vs])) {
        vs++;
    }
    while (ve > vs && is_ows(l[ve - 1])) {
        ve--;
    }
    for (i = vs; i < ve; i++) {
        if (is_forbidden_in_text(l[i])) {
            return LKD_ERR_MALFORMED;
        }
    }
    if (is_interim(p)) {
        return LKD_OK;
    }
    st = count_header(p);
    if (st == LKD_OK && p->state == ST_HEADER_LINE) {
        st = read_header(p, read_header_index(l, colon), l + vs, ve - vs);
    }
    if (st == LKD_OK && p->on_header != NULL) {
        st = p->on_header(p->user, l, colon, l + vs, ve - vs);
    }
    return st;
}

/* HEXDIG+ OWS [";" extension] */
static lkd_status_t chunk_size_line(lkd_http_parser_t *p)
{
    const char *l = p->line;
    size_t n = p->line_len, i = 0;
    uint64_t size = 0;

    for (; i < n; i++) {
        int d = lkd_text_hex_value(l[i]);
        if (d < 0) {
            break;
        }
        if (size > (UINT64_MAX >> 4)) {
            return LKD_ERR_MALFORMED;
        }
        size = (size << 4) | (unsigned)d;
    }
    if (i == 0) {
        return LKD_ERR_MALFORMED;
    }
    while (i < n && is_ows(l[i])) {
        i++;
    }
    if (i < n && l[i] != ';') {
        return LKD_ERR_MALFORMED;
    }
    if (size == 0) {
        p->state = ST_TRAILER_LINE;
    } else {
        p->remaining = size;
        p->state = ST_CHUNK_DATA;
    }
    return LKD_OK;
}

static lkd_status_t end_of_line(lkd_http_parser_t *p)
{
    lkd_status_t st = LKD_OK;

    if (p->line_overflow) {
        p->line_overflow = 0; /* the end of a skipped header line */
    } else if (p->state == ST_STATUS_LINE) {
        st = status_line(p);
    } else if (p->state == ST_CHUNK_SIZE) {
        st = chunk_size_line(p);
    } else {
        st = header_line(p);
    }
    p->line_len = 0;
    return st;
}

/* One more byte of a line that already fills the buffer. */
static lkd_status_t line_too_long(lkd_http_parser_t *p)
{
    size_t colon;

    if (p->state == ST_STATUS_LINE || p->state == ST_CHUNK_SIZE) {
        return LKD_ERR_MALFORMED;
    }
    colon = header_name_len(p);
    if (colon == 0 || read_header_index(p->line, colon) < READ_HEADERS) {
        return LKD_ERR_MALFORMED;
    }
    if (!is_interim(p) && count_header(p) != LKD_OK) {
        return LKD_ERR_MALFORMED;
    }
    p->line_overflow = 1;
    return LKD_OK;
}

static lkd_status_t line_byte(lkd_http_parser_t *p, char c)
{
    if (p->saw_cr) {
        if (c != '\n') {
            return LKD_ERR_MALFORMED;
        }
        p->saw_cr = 0;
        return end_of_line(p);
    }
    if (c == '\r') {
        p->saw_cr = 1;
        return LKD_OK;
    }
    if (c == '\n') {
        return end_of_line(p);
    }
    if (p->line_overflow) {
        return LKD_OK;
    }
    if (p->line_len < sizeof p->line) {
        p->line[p->line_len++] = c;
        return LKD_OK;
    }
    return line_too_long(p);
}

static lkd_status_t chunk_end_byte(lkd_http_parser_t *p, uint8_t c)
{
    if (c == '\r' && !p->saw_cr) {
        p->saw_cr = 1;
        return LKD_OK;
    }
    if (c != '\n') {
        return LKD_ERR_MALFORMED;
    }
    p->saw_cr = 0;
    p->line_len = 0;
    p->state = ST_CHUNK_SIZE;
    return LKD_OK;
}

static lkd_status_t deliver(lkd_http_parser_t *p, const uint8_t *data, size_t len)
{
    p->body_received += len;
    if (p->sink == NULL) {
        return LKD_OK;
    }
    return p->sink(p->user, data, len);
}

/* Hands up to `avail` bytes of a counted body part to the sink; the number
 * used goes to *used. */
static lkd_status_t deliver_counted(lkd_http_parser_t *p, const uint8_t *data, size_t avail, size_t *used)
{
    size_t n = avail;

    if ((uint64_t)n > p->remaining) {
        n = (size_t)p->remaining;
    }
    p->remaining -= n;
    *used = n;
    return deliver(p, data, n);
}

void lkd_http_parser_init(lkd_http_parser_t *p, lkd_http_body_sink_t sink, lkd_http_header_cb_t on_header,
                          void *user, int head_request)
{
    if (p == NULL) {
        return;
    }
    memset(p, 0, sizeof *p);
    p->date = -1;
    p->sink = sink;
    p->on_header = on_header;
    p->user = user;
    p->head_request = (uint8_t)(head_request == 2 ? 2u : head_request ? 1u : 0u);
    p->state = ST_STATUS_LINE;
}

lkd_status_t lkd_http_parse(lkd_http_parser_t *p, const uint8_t *data, size_t len, size_t *consumed)
{
    size_t i = 0;
    lkd_status_t st = LKD_OK;

    if (consumed != NULL) {
        *consumed = 0;
    }
    if (p == NULL || (data == NULL && len > 0)) {
        return LKD_ERR_ARG_NULL;
    }
    if (p->state == ST_FAILED) {
        return failed_status(p);
    }
    while (i < len && p->state != ST_DONE && st == LKD_OK) {
        size_t used = 1;

        switch (p->state) {
        case ST_BODY_LENGTH:
            st = deliver_counted(p, data + i, len - i, &used);
            if (p->remaining == 0u) {
                p->state = ST_DONE;
            }
            break;
        case ST_CHUNK_DATA:
            st = deliver_counted(p, data + i, len - i, &used);
            if (p->remaining == 0u) {
                p->state = ST_CHUNK_END;
            }
            break;
        case ST_BODY_CLOSE:
            used = len - i;
            st = deliver(p, data + i, used);
            break;
        case ST_CHUNK_END:
            st = chunk_end_byte(p, data[i]);
            break;
        default:
            st = line_byte(p, (char)data[i]);
            break;
        }
        i += used;
    }
    if (st != LKD_OK) {
        fail(p, st);
    }
    if (consumed != NULL) {
        *consumed = i;
    }
    return st;
}

int lkd_http_is_complete(const lkd_http_parser_t *p)
{
    return p != NULL && p->state == ST_DONE;
}

lkd_status_t lkd_http_finish_on_close(lkd_http_parser_t *p)
{
    if (p == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    if (p->state == ST_FAILED) {
        return failed_status(p);
    }
    if (p->state == ST_BODY_CLOSE) {
        p->state = ST_DONE;
    }
    return p->state == ST_DONE ? LKD_OK : LKD_ERR_CLOSED;
}
