/* SPDX-License-Identifier: MIT */
/*
 * test_http.c - the incremental HTTP/1.1 response parser (lkd_http.h).
 *
 * Every valid response is parsed whole, one byte at a time, split in two at
 * every byte boundary and cut in random pieces; all runs must agree with the
 * expected status, flags, body, headers and date.  Every malformed response
 * must fail the same way under the same splits and stay failed.
 */
#include <stdint.h>
#include <string.h>

#include "lkd_http.h"
#include "unit.h"

#define BODY_CAP 16384u
#define HEADERS_CAP 16384u

typedef struct {
    uint8_t body[BODY_CAP]; /* the first BODY_CAP body bytes */
    uint64_t body_total;
    uint64_t body_hash; /* FNV-1a of the whole body */
    unsigned sink_calls;
    size_t largest_run;
    char headers[HEADERS_CAP]; /* "name=value\n" per on_header call, possibly cut */
    size_t headers_len;
    unsigned header_calls;
    /* Failure injection. */
    uint64_t sink_fail_after;   /* fail once more than this many bytes arrived (0: never) */
    lkd_status_t sink_error;
    unsigned header_fail_at;    /* fail on this on_header call, 1-based (0: never) */
    lkd_status_t header_error;
} capture_t;

typedef struct {
    lkd_status_t status;  /* of the last parse / finish call */
    lkd_status_t again;   /* of one more parse call after the end */
    size_t again_consumed;
    int complete;
    size_t consumed; /* total bytes consumed */
    int status_code, http_minor, keep_alive, chunked, has_content_length, until_close;
    uint64_t content_length, body_received;
    int64_t date;
    capture_t cap;
} outcome_t;

static uint64_t fnv1a(uint64_t h, const uint8_t *data, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= data[i];
        h *= UINT64_C(1099511628211);
    }
    return h;
}

#define FNV_START UINT64_C(14695981039346656037)

static lkd_status_t sink(void *user, const uint8_t *data, size_t len)
{
    capture_t *c = user;

    if (len == 0) {
        fprintf(stderr, "sink called with 0 bytes\n");
        unit_failed++;
    }
    c->sink_calls++;
    if (len > c->largest_run) {
        c->largest_run = len;
    }
    if (c->body_total < BODY_CAP) {
        size_t room = (size_t)(BODY_CAP - c->body_total);
        memcpy(c->body + c->body_total, data, len < room ? len : room);
    }
    c->body_total += len;
    c->body_hash = fnv1a(c->body_hash, data, len);
    if (c->sink_fail_after != 0 && c->body_total > c->sink_fail_after) {
        return c->sink_error;
    }
    return LKD_OK;
}

static void append(capture_t *c, const char *s, size_t n)
{
    if (n > HEADERS_CAP - c->headers_len) {
        n = HEADERS_CAP - c->headers_len;
    }
    memcpy(c->headers + c->headers_len, s, n);
    c->headers_len += n;
}

static lkd_status_t on_header(void *user, const char *name, size_t name_len, const char *value, size_t value_len)
{
    capture_t *c = user;

    c->header_calls++;
    append(c, name, name_len);
    append(c, "=", 1);
    append(c, value, value_len);
    append(c, "\n", 1);
    if (c->header_fail_at != 0 && c->header_calls == c->header_fail_at) {
        return c->header_error;
    }
    return LKD_OK;
}

/* Piece sizes: 0 = whole, 1 = bytes, 2 = two pieces cut at `cut`, 3 = random. */
typedef struct {
    int mode;
    size_t cut;
    uint32_t seed;
    size_t max_piece;
} splitter_t;

static size_t next_piece(splitter_t *s, size_t offset, size_t left)
{
    size_t n;

    switch (s->mode) {
    case 1:
        return 1;
    case 2:
        return offset < s->cut ? s->cut - offset : left;
    case 3:
        s->seed = s->seed * 1103515245u + 12345u;
        n = 1 + (size_t)((s->seed >> 8) % s->max_piece);
        return n < left ? n : left;
    default:
        return left;
    }
}

/* Feeds raw[0..len) in the splitter's pieces, closes the connection when the
 * data runs out before the response completes, and records everything. */
static void run(const uint8_t *raw, size_t len, int head, splitter_t *split, const capture_t *setup, outcome_t *o)
{
    lkd_http_parser_t p;
    size_t off = 0;

    memset(o, 0, sizeof *o);
    if (setup != NULL) {
        o->cap = *setup;
    }
    o->cap.body_hash = FNV_START;
    lkd_http_parser_init(&p, sink, on_header, &o->cap, head);
    o->status = LKD_OK;
    while (off < len) {
        size_t want = next_piece(split, off, len - off), used = 12345;
        if (want == 0) {
            /* An empty piece (cut at 0) must be harmless. */
            o->status = lkd_http_parse(&p, raw + off, 0, &used);
            if (o->status != LKD_OK || used != 0) {
                break;
            }
            want = len - off;
            split->cut = (size_t)-1;
            split->mode = 0;
        }
        o->status = lkd_http_parse(&p, raw + off, want, &used);
        if (used > want) {
            fprintf(stderr, "consumed %zu of %zu\n", used, want);
            unit_failed++;
            break;
        }
        off += used;
        if (o->status != LKD_OK) {
            break;
        }
        if (used < want) {
            if (!lkd_http_is_complete(&p)) {
                fprintf(stderr, "stopped early without completing\n");
                unit_failed++;
            }
            break;
        }
    }
    if (o->status == LKD_OK && !lkd_http_is_complete(&p)) {
        o->status = lkd_http_finish_on_close(&p);
    }
    o->consumed = off;
    o->again_consumed = 12345;
    o->again = lkd_http_parse(&p, raw + off, len - off, &o->again_consumed);
    o->complete = lkd_http_is_complete(&p);
    o->status_code = p.status_code;
    o->http_minor = p.http_minor;
    o->keep_alive = p.keep_alive;
    o->chunked = p.chunked;
    o->has_content_length = p.has_content_length;
    o->until_close = p.until_close;
    o->content_length = p.content_length;
    o->body_received = p.body_received;
    o->date = p.date;
}

/* Everything but the sink call pattern must be independent of the split. */
static int same_outcome(const outcome_t *a, const outcome_t *b, const char *name, const char *how)
{
    int same = a->status == b->status && a->again == b->again && a->again_consumed == b->again_consumed &&
               a->complete == b->complete && a->consumed == b->consumed && a->status_code == b->status_code &&
               a->http_minor == b->http_minor && a->keep_alive == b->keep_alive && a->chunked == b->chunked &&
               a->has_content_length == b->has_content_length && a->until_close == b->until_close &&
               a->content_length == b->content_length && a->body_received == b->body_received &&
               a->date == b->date && a->cap.body_total == b->cap.body_total &&
               a->cap.body_hash == b->cap.body_hash && a->cap.header_calls == b->cap.header_calls &&
               a->cap.headers_len == b->cap.headers_len &&
               memcmp(a->cap.headers, b->cap.headers, a->cap.headers_len) == 0;

    if (!same) {
        fprintf(stderr, "%s: %s differs from whole: status %d/%d consumed %zu/%zu body %llu/%llu code %d/%d\n",
                name, how, (int)b->status, (int)a->status, b->consumed, a->consumed,
                (unsigned long long)b->cap.body_total, (unsigned long long)a->cap.body_total, b->status_code,
                a->status_code);
    }
    return same;
}

/* Runs every split of one input and checks each against the whole parse. */
static void run_all_splits(const uint8_t *raw, size_t len, int head, const capture_t *setup, const char *name,
                           outcome_t *whole)
{
    static outcome_t other;
    splitter_t s;
    size_t cut;
    unsigned seed, bad = 0;

    memset(&s, 0, sizeof s);
    run(raw, len, head, &s, setup, whole);

    s.mode = 1;
    run(raw, len, head, &s, setup, &other);
    CHECK(same_outcome(whole, &other, name, "byte by byte"));

    for (cut = 0; cut <= len; cut++) {
        memset(&s, 0, sizeof s);
        s.mode = 2;
        s.cut = cut;
        run(raw, len, head, &s, setup, &other);
        if (!same_outcome(whole, &other, name, "two pieces")) {
            fprintf(stderr, "  cut at %zu\n", cut);
            bad++;
        }
    }
    CHECK_EQ_INT(bad, 0);

    for (seed = 1; seed <= 40; seed++) {
        memset(&s, 0, sizeof s);
        s.mode = 3;
        s.seed = seed;
        s.max_piece = 1 + seed % 23;
        run(raw, len, head, &s, setup, &other);
        if (!same_outcome(whole, &other, name, "random pieces")) {
            fprintf(stderr, "  seed %u\n", seed);
            bad++;
        }
    }
    CHECK_EQ_INT(bad, 0);
}

/* ---- valid responses ---------------------------------------------------- */

typedef struct {
    const char *name;
    const char *raw; /* NUL-terminated unless raw_len is set */
    size_t raw_len;
    int head;
    int status_code, http_minor, keep_alive, chunked, has_content_length, until_close;
    uint64_t content_length;
    const char *body;
    int64_t date;
    const char *headers; /* expected on_header calls, NULL: not checked */
    size_t extra;        /* bytes after the response that must not be consumed */
} valid_case_t;

static char many_chunks[8192];
static char long_lines[4096];
static char hundred_headers[4096];
static char big_expected_body[4096];

static void build_inputs(void)
{
    size_t n = 0, b = 0, i;
    unsigned k;
    char line[LKD_HTTP_MAX_LINE + 2];

    /* 60 chunks of 1..60 bytes, sizes in mixed-case hex with leading zeros. */
    n += (size_t)sprintf(many_chunks + n, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (k = 1; k <= 60; k++) {
        n += (size_t)sprintf(many_chunks + n, k % 3 == 0 ? "%04X\r\n" : (k % 3 == 1 ? "%x\r\n" : "%X;k=%u\r\n"), k,
                             k);
        for (i = 0; i < k; i++) {
            char c = (char)('a' + (k + i) % 26);
            many_chunks[n++] = c;
            big_expected_body[b++] = c;
        }
        n += (size_t)sprintf(many_chunks + n, "\r\n");
    }
    sprintf(many_chunks + n, "0\r\n\r\n");
    big_expected_body[b] = '\0';

    /* A header line of exactly LKD_HTTP_MAX_LINE bytes fits, one byte more is skipped. */
    n = (size_t)sprintf(long_lines, "HTTP/1.1 200 OK\r\n");
    memset(line, 'f', sizeof line);
    memcpy(line, "X-Fits: ", 8);
    line[LKD_HTTP_MAX_LINE] = '\0';
    n += (size_t)sprintf(long_lines + n, "%s\r\n", line);
    memcpy(line, "X-Long: ", 8);
    memset(line + 8, 'l', LKD_HTTP_MAX_LINE - 8);
    line[LKD_HTTP_MAX_LINE] = 'l';
    line[LKD_HTTP_MAX_LINE + 1] = '\0';
    n += (size_t)sprintf(long_lines + n, "%s\r\n", line);
    n += (size_t)sprintf(long_lines + n, "X-Longer:");
    for (i = 0; i < 1000; i++) {
        long_lines[n++] = (char)('0' + i % 10);
    }
    /* A Date line that just fits is read; its value is trimmed. */
    memset(line, ' ', sizeof line);
    memcpy(line, "Date:", 5);
    memcpy(line + LKD_HTTP_MAX_LINE - 29, "Sun, 06 Nov 1994 08:49:37 GMT", 29);
    line[LKD_HTTP_MAX_LINE] = '\0';
    n += (size_t)sprintf(long_lines + n, "\r\n%s\r\nContent-Length: 2\r\n\r\nok", line);

    n = (size_t)sprintf(hundred_headers, "HTTP/1.1 200 OK\r\n");
    for (k = 0; k < LKD_HTTP_MAX_HEADERS - 1; k++) {
        n += (size_t)sprintf(hundred_headers + n, "H%u: %u\r\n", k, k);
    }
    sprintf(hundred_headers + n, "Content-Length: 1\r\n\r\n!");
}

#define BINARY_RESPONSE "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n\0\r\n\xff\n\0"

static const valid_case_t valid_cases[] = {
    {"content-length",
     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\nhello, world!", 0, 0, 200,
     1, 1, 0, 1, 0, 13, "hello, world!", -1, "Content-Type=application/json\nContent-Length=13\n", 0},
    {"chunked, extensions, trailers",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nDate: Mon, 25 Feb 2019 16:44:25 GMT\r\n\r\n"
     "5;name=value\r\nhello\r\n7 ; x=\"y\"\r\n, world\r\n1\r\n!\r\n0;last\r\nX-Trailer: yes\r\n"
     "Content-Length: 999\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n",
     0, 0, 200, 1, 1, 1, 0, 0, 0, "hello, world!", 1551113065,
     "Transfer-Encoding=chunked\nDate=Mon, 25 Feb 2019 16:44:25 GMT\nX-Trailer=yes\nContent-Length=999\n"
     "Date=Sun, 06 Nov 1994 08:49:37 GMT\n",
     0},
    {"chunked, many chunks", many_chunks, 0, 0, 200, 1, 1, 1, 0, 0, 0, big_expected_body, -1,
     "Transfer-Encoding=chunked\n", 0},
    {"chunked, big hex",
     "HTTP/1.1 200 OK\r\nTRANSFER-ENCODING: Chunked\r\n\r\n00000000000000000A\r\n0123456789\r\n"
     "0\r\n\r\n",
     0, 0, 200, 1, 1, 1, 0, 0, 0, "0123456789", -1, NULL, 0},
    {"until close", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of this, until the close\r\n\r\n", 0, 0,
     200, 1, 0, 0, 0, 1, 0, "all of this, until the close\r\n\r\n", -1, NULL, 0},
    {"until close, empty body", "HTTP/1.1 500 Internal Server Error\r\nConnection: keep-alive\r\n\r\n", 0, 0, 500,
     1, 0, 0, 0, 1, 0, "", -1, NULL, 0},
    {"HTTP/1.0 keep-alive", "HTTP/1.0 200 OK\r\nconnection: Keep-Alive\r\nContent-Length: 3\r\n\r\nabc", 0, 0, 200,
     0, 1, 0, 1, 0, 3, "abc", -1, NULL, 0},
    {"HTTP/1.0 default close", "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nabc", 0, 0, 200, 0, 0, 0, 1, 0, 3,
     "abc", -1, NULL, 0},
    {"HTTP/1.0 close wins", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
     0, 0, 200, 0, 0, 0, 1, 0, 0, "", -1, NULL, 0},
    {"HTTP/1.1 close in a list", "HTTP/1.1 404 Not Found\r\nConnection: Upgrade, ,  CLOSE\t\r\nContent-Length: 0\r\n\r\n",
     0, 0, 404, 1, 0, 0, 1, 0, 0, "", -1, NULL, 0},
    {"204 no body", "HTTP/1.1 204 No Content\r\nDate: Tue, 29 Feb 2000 00:00:00 GMT\r\n\r\n", 0, 0, 204, 1, 1, 0, 0,
     0, 0, "", 951782400, NULL, 0},
    {"304 ignores Content-Length", "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n", 0, 0, 304, 1, 1, 0,
     1, 0, 100, "", -1, NULL, 0},
    {"HEAD ignores the body framing", "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n", 0, 1, 200, 1, 1, 0, 1, 0,
     5000, "", -1, NULL, 0},
    {"HEAD, chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 0, 1, 200, 1, 1, 1, 0, 0, 0, "", -1,
     NULL, 0},
    {"100 Continue and 103 before 200",
     "HTTP/1.1 100 Continue\r\nX-Interim: 1\r\nContent-Length: 77\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n"
     "HTTP/1.1 103 Early Hints\nLink: </style.css>; rel=preload\n\n"
     "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
     0, 0, 200, 1, 1, 0, 1, 0, 2, "ok", -1, "Content-Length=2\n", 0},
    {"Date header", "HTTP/1.1 200 OK\r\nDATE:Mon, 25 Feb 2019 16:44:25 GMT  \r\nContent-Length: 1\r\n\r\nx", 0, 0,
     200, 1, 1, 0, 1, 0, 1, "x", 1551113065, NULL, 0},
    {"invalid Date is not an error",
     "HTTP/1.1 200 OK\r\nDate: Mon, 25 Feb 2019 16:44:25 GMT\r\nDate: yesterday\r\nContent-Length: 0\r\n\r\n", 0, 0,
     200, 1, 1, 0, 1, 0, 0, "", -1, NULL, 0},
    {"LF-only lines", "HTTP/1.1 200 OK\nContent-Length: 4\nX-A: \t spaced  value \t\nX-Empty:\n\nbody", 0, 0, 200, 1, 1,
     0, 1, 0, 4, "body", -1, "Content-Length=4\nX-A=spaced  value\nX-Empty=\n", 0},
    {"LF-only chunked", "HTTP/1.1 201 Created\nTransfer-Encoding: chunked\n\n3\nabc\n2\r\nde\n0\nT: 1\n\n", 0, 0, 201,
     1, 1, 1, 0, 0, 0, "abcde", -1, "Transfer-Encoding=chunked\nT=1\n", 0},
    {"no reason phrase", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", 0, 0, 200, 1, 1, 0, 1, 0, 0, "", -1, NULL, 0},
    {"empty reason phrase", "HTTP/1.1 503 \r\nContent-Length: 1\r\n\r\n?", 0, 0, 503, 1, 1, 0, 1, 0, 1, "?", -1,
     NULL, 0},
    {"repeated and listed Content-Length",
     "HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\ncontent-length:3\r\nContent-Length: 003 \r\n\r\nxyz", 0, 0, 200, 1,
     1, 0, 1, 0, 3, "xyz", -1, NULL, 0},
    {"extra bytes after Content-Length body", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1 200 OK\r\n", 0, 0,
     200, 1, 1, 0, 1, 0, 2, "hi", -1, NULL, 17},
    {"extra bytes after chunked body", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nA\r\n0\r\n\r\nXYZ",
     0, 0, 200, 1, 1, 1, 0, 0, 0, "A", -1, NULL, 3},
    {"extra bytes after 204", "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", 0, 0, 204, 1, 1, 0, 0,
     0, 0, "", -1, NULL, 27},
    {"long lines", long_lines, 0, 0, 200, 1, 1, 0, 1, 0, 2, "ok", 784111777, NULL, 0},
    {"100 headers", hundred_headers, 0, 0, 200, 1, 1, 0, 1, 0, 1, "!", -1, NULL, 0},
    {"binary body", BINARY_RESPONSE, sizeof BINARY_RESPONSE - 1, 0, 200, 1, 1, 0, 1, 0, 6,
     NULL, -1, NULL, 0},
};

static void test_valid_responses(void)
{
    static outcome_t whole;
    size_t i;

    for (i = 0; i < sizeof valid_cases / sizeof valid_cases[0]; i++) {
        const valid_case_t *c = &valid_cases[i];
        size_t len = c->raw_len ? c->raw_len : strlen(c->raw);
        size_t body_len;
        unsigned before = unit_failed;

        run_all_splits((const uint8_t *)c->raw, len, c->head, NULL, c->name, &whole);
        CHECK_EQ_INT(whole.status, LKD_OK);
        CHECK_EQ_INT(whole.complete, 1);
        CHECK_EQ_INT(whole.consumed, len - c->extra);
        CHECK_EQ_INT(whole.again, LKD_OK);
        CHECK_EQ_INT(whole.again_consumed, 0);
        CHECK_EQ_INT(whole.status_code, c->status_code);
        CHECK_EQ_INT(whole.http_minor, c->http_minor);
        CHECK_EQ_INT(whole.keep_alive, c->keep_alive);
        CHECK_EQ_INT(whole.chunked, c->chunked);
        CHECK_EQ_INT(whole.has_content_length, c->has_content_length);
        CHECK_EQ_INT(whole.until_close, c->until_close);
        CHECK_EQ_INT(whole.content_length, c->content_length);
        CHECK_EQ_INT(whole.date, c->date);
        if (c->body != NULL) {
            body_len = strlen(c->body);
            CHECK_EQ_INT(whole.body_received, body_len);
            CHECK_SPAN(whole.cap.body, whole.cap.body_total, c->body);
        } else {
            CHECK_EQ_INT(whole.body_received, 6);
            CHECK(whole.cap.body_total == 6 && memcmp(whole.cap.body, "\0\r\n\xff\n\0", 6) == 0);
        }
        if (c->headers != NULL) {
            CHECK_SPAN(whole.cap.headers, whole.cap.headers_len, c->headers);
        }
        if (unit_failed != before) {
            fprintf(stderr, "  in case \"%s\"\n", c->name);
        }
    }
}

/* Details the table does not show. */
static void test_valid_details(void)
{
    static outcome_t o;
    splitter_t s;

    /* A Content-Length body given whole reaches the sink in one run. */
    memset(&s, 0, sizeof s);
    run((const uint8_t *)valid_cases[0].raw, strlen(valid_cases[0].raw), 0, &s, NULL, &o);
    CHECK_EQ_INT(o.cap.sink_calls, 1);
    CHECK_EQ_INT(o.cap.largest_run, 13);

    /* A chunked body given whole: one run per chunk. */
    memset(&s, 0, sizeof s);
    run((const uint8_t *)many_chunks, strlen(many_chunks), 0, &s, NULL, &o);
    CHECK_EQ_INT(o.cap.sink_calls, 60);
    CHECK_EQ_INT(o.cap.largest_run, 60);

    /* Until close: whatever arrives goes on in one run. */
    memset(&s, 0, sizeof s);
    run((const uint8_t *)valid_cases[4].raw, strlen(valid_cases[4].raw), 0, &s, NULL, &o);
    CHECK_EQ_INT(o.cap.sink_calls, 1);

    /* The long-lines response: the line of exactly LKD_HTTP_MAX_LINE bytes is shown, the longer ones are not. */
    memset(&s, 0, sizeof s);
    run((const uint8_t *)long_lines, strlen(long_lines), 0, &s, NULL, &o);
    CHECK_EQ_INT(o.cap.header_calls, 3);
    CHECK(o.cap.headers_len > 8 && memcmp(o.cap.headers, "X-Fits=ff", 9) == 0);
    CHECK(strstr(o.cap.headers, "X-Long") == NULL);
    CHECK(strstr(o.cap.headers, "\nDate=Sun, 06 Nov 1994 08:49:37 GMT\n") != NULL);
    CHECK(strstr(o.cap.headers, "\nContent-Length=2\n") != NULL);
    CHECK_EQ_INT(o.date, 784111777);
}

/* ---- malformed responses ------------------------------------------------ */

typedef struct {
    const char *name;
    const char *raw;
    int head;
    size_t raw_len; /* 0: NUL-terminated */
} bad_case_t;

static char too_many_headers[4096];
static char too_many_with_trailers[4096];
static char long_date[1024];
static char long_content_length[1024];
static char long_transfer_encoding[1024];
static char long_connection[1024];
static char long_name[1024];
static char long_status[1024];
static char long_chunk_size[1024];
static char long_trailer_no_colon[1024];

static size_t put_repeat(char *out, char c, size_t n)
{
    memset(out, c, n);
    return n;
}

static void build_bad_inputs(void)
{
    size_t n;
    unsigned k;

    n = (size_t)sprintf(too_many_headers, "HTTP/1.1 200 OK\r\n");
    for (k = 0; k < LKD_HTTP_MAX_HEADERS + 1; k++) {
        n += (size_t)sprintf(too_many_headers + n, "H%u: %u\r\n", k, k);
    }
    sprintf(too_many_headers + n, "Content-Length: 0\r\n\r\n");

    n = (size_t)sprintf(too_many_with_trailers, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n");
    for (k = 1; k < LKD_HTTP_MAX_HEADERS / 2; k++) {
        n += (size_t)sprintf(too_many_with_trailers + n, "H%u: %u\r\n", k, k);
    }
    n += (size_t)sprintf(too_many_with_trailers + n, "\r\n1\r\nx\r\n0\r\n");
    for (k = LKD_HTTP_MAX_HEADERS / 2; k <= LKD_HTTP_MAX_HEADERS; k++) {
        n += (size_t)sprintf(too_many_with_trailers + n, "T%u: %u\r\n", k, k);
    }
    sprintf(too_many_with_trailers + n, "\r\n");

    n = (size_t)sprintf(long_date, "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT");
    n += put_repeat(long_date + n, ' ', LKD_HTTP_MAX_LINE);
    sprintf(long_date + n, "\r\nContent-Length: 0\r\n\r\n");

    n = (size_t)sprintf(long_content_length, "HTTP/1.1 200 OK\r\ncontent-LENGTH: ");
    n += put_repeat(long_content_length + n, '0', LKD_HTTP_MAX_LINE);
    sprintf(long_content_length + n, "1\r\n\r\nx");

    n = (size_t)sprintf(long_transfer_encoding, "HTTP/1.1 200 OK\r\nTransfer-Encoding:");
    n += put_repeat(long_transfer_encoding + n, ' ', LKD_HTTP_MAX_LINE);
    sprintf(long_transfer_encoding + n, "chunked\r\n\r\n0\r\n\r\n");

    n = (size_t)sprintf(long_connection, "HTTP/1.1 200 OK\r\nConnection: ");
    n += put_repeat(long_connection + n, ',', LKD_HTTP_MAX_LINE);
    sprintf(long_connection + n, "close\r\nContent-Length: 0\r\n\r\n");

    n = (size_t)sprintf(long_name, "HTTP/1.1 200 OK\r\nX-");
    n += put_repeat(long_name + n, 'n', LKD_HTTP_MAX_LINE);
    sprintf(long_name + n, ": v\r\nContent-Length: 0\r\n\r\n");

    n = (size_t)sprintf(long_status, "HTTP/1.1 200 ");
    n += put_repeat(long_status + n, 'r', LKD_HTTP_MAX_LINE);
    sprintf(long_status + n, "\r\nContent-Length: 0\r\n\r\n");

    n = (size_t)sprintf(long_chunk_size, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;");
    n += put_repeat(long_chunk_size + n, 'e', LKD_HTTP_MAX_LINE);
    sprintf(long_chunk_size + n, "\r\nx\r\n0\r\n\r\n");

    n = (size_t)sprintf(long_trailer_no_colon, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT");
    n += put_repeat(long_trailer_no_colon + n, 't', LKD_HTTP_MAX_LINE);
    sprintf(long_trailer_no_colon + n, ": v\r\n\r\n");
}

#define NUL_IN_VALUE "HTTP/1.1 200 OK\r\nX-A: a\0z\r\nContent-Length: 0\r\n\r\n"

static const bad_case_t bad_cases[] = {
    {"garbage status line", "garbage\r\n\r\n", 0, 0},
    {"empty status line", "\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, 0},
    {"HTTP/2.0", "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n", 0, 0},
    {"HTTP/1.2", "HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n", 0, 0},
    {"HTTP/1.10", "HTTP/1.10 200 OK\r\nContent-Length: 0\r\n\r\n", 0, 0},
    {"lower-case protocol", "http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, 0},
    {"2-digit status", "HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n", 0, 0},
    {"4-digit status", "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n", 0, 0},
    {"status below 100", "HTTP/1.1 099 OK\r\nContent-Length: 0\r\n\r\n", 0, 0},
    {"non-digit status", "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n", 0, 0},
    {"two spaces before status", "HTTP/1.1  200 OK\r\nContent-Length: 0\r\n\r\n", 0, 0},
    {"tab before reason", "HTTP/1.1 200\tOK\r\nContent-Length: 0\r\n\r\n", 0, 0},
    {"control in reason", "HTTP/1.1 200 O\x01K\r\nContent-Length: 0\r\n\r\n", 0, 0},
    {"101 Switching Protocols", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n", 0, 0},
    {"bad status after 100", "HTTP/1.1 100 Continue\r\n\r\nHTTP/2 200\r\n\r\n", 0, 0},
    {"bare CR", "HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n", 0, 0},
    {"bare CR in a header", "HTTP/1.1 200 OK\r\nX: a\rb\r\nContent-Length: 0\r\n\r\n", 0, 0},
    {"CR CR LF", "HTTP/1.1 200 OK\r\r\nContent-Length: 0\r\n\r\n", 0, 0},
    {"conflicting Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 0, 0},
    {"Content-Length with chunked",
     "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 0, 0},
    {"chunked with Content-Length after it",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 0, 0},
    {"conflicting Content-Length list", "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello!", 0, 0},
    {"Content-Length list with a hole", "HTTP/1.1 200 OK\r\nContent-Length: 5,,5\r\n\r\nhello", 0, 0},
    {"Content-Length trailing comma", "HTTP/1.1 200 OK\r\nContent-Length: 5,\r\n\r\nhello", 0, 0},
    {"negative Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, 0},
    {"signed Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello", 0, 0},
    {"non-digit Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 5a\r\n\r\nhello", 0, 0},
    {"hex Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 0x5\r\n\r\nhello", 0, 0},
    {"spaced Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\nhello", 0, 0},
    {"empty Content-Length", "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n", 0, 0},
    {"20-digit Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", 0, 0},
    {"2^64 Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n", 0, 0},
    {"bad Content-Length in HEAD", "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", 1, 0},
    {"chunk size overflow",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF\r\nx\r\n0\r\n\r\n", 0, 0},
    {"chunk size overflow with zeros",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n010000000000000000\r\nx\r\n0\r\n\r\n", 0, 0},
    {"non-hex chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nx\r\n0\r\n\r\n", 0, 0},
    {"hex then junk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1g\r\nx\r\n0\r\n\r\n", 0, 0},
    {"negative chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nx\r\n0\r\n\r\n", 0, 0},
    {"0x chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x1\r\nx\r\n0\r\n\r\n", 0, 0},
    {"empty chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\nx\r\n0\r\n\r\n", 0, 0},
    {"extension without size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n;a\r\nx\r\n0\r\n\r\n", 0, 0},
    {"space before chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n 1\r\nx\r\n0\r\n\r\n", 0, 0},
    {"missing CRLF after chunk data",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n", 0, 0},
    {"CR without LF after chunk data",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\rX0\r\n\r\n", 0, 0},
    {"chunk longer than its size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n", 0, 0},
    {"gzip Transfer-Encoding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxyz", 0, 0},
    {"gzip before chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 0, 0},
    {"chunked twice", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
     0, 0},
    {"chunked then gzip", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n0\r\n\r\n",
     0, 0},
    {"identity Transfer-Encoding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\nxyz", 0, 0},
    {"empty Transfer-Encoding", "HTTP/1.1 200 OK\r\nTransfer-Encoding:  \r\n\r\nxyz", 0, 0},
    {"header without colon", "HTTP/1.1 200 OK\r\nNoColonHere\r\nContent-Length: 0\r\n\r\n", 0, 0},
    {"folded header", "HTTP/1.1 200 OK\r\nX-A: a\r\n  folded\r\nContent-Length: 0\r\n\r\n", 0, 0},
    {"tab-folded header", "HTTP/1.1 200 OK\r\nX-A: a\r\n\tfolded: x\r\nContent-Length: 0\r\n\r\n", 0, 0},
    {"empty header name", "HTTP/1.1 200 OK\r\n: value\r\nContent-Length: 0\r\n\r\n", 0, 0},
    {"space before colon", "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n", 0, 0},
    {"space inside name", "HTTP/1.1 200 OK\r\nX A: 1\r\nContent-Length: 0\r\n\r\n", 0, 0},
    {"control in value", "HTTP/1.1 200 OK\r\nX-A: a\x01z\r\nContent-Length: 0\r\n\r\n", 0, 0},
    {"NUL in value", NUL_IN_VALUE, 0, sizeof NUL_IN_VALUE - 1},
    {"bad header in 100 Continue", "HTTP/1.1 100 Continue\r\nbroken\r\n\r\nHTTP/1.1 200 OK\r\n\r\n", 0, 0},
    {"bad trailer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nno colon\r\n\r\n", 0, 0},
    {"too many headers", too_many_headers, 0, 0},
    {"too many headers with trailers", too_many_with_trailers, 0, 0},
    {"over-long Date line", long_date, 0, 0},
    {"over-long Content-Length line", long_content_length, 0, 0},
    {"over-long Transfer-Encoding line", long_transfer_encoding, 0, 0},
    {"over-long Connection line", long_connection, 0, 0},
    {"over-long header name", long_name, 0, 0},
    {"over-long status line", long_status, 0, 0},
    {"over-long chunk-size line", long_chunk_size, 0, 0},
    {"over-long trailer name", long_trailer_no_colon, 0, 0},
};

static void test_malformed_responses(void)
{
    static outcome_t whole;
    size_t i;

    for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const bad_case_t *c = &bad_cases[i];
        size_t len = c->raw_len ? c->raw_len : strlen(c->raw);
        unsigned before = unit_failed;

        run_all_splits((const uint8_t *)c->raw, len, c->head, NULL, c->name, &whole);
        CHECK_EQ_INT(whole.status, LKD_ERR_MALFORMED);
        CHECK_EQ_INT(whole.again, LKD_ERR_MALFORMED); /* stays failed */
        CHECK_EQ_INT(whole.again_consumed, 0);
        CHECK_EQ_INT(whole.complete, 0);
        CHECK(whole.consumed <= len);
        if (unit_failed != before) {
            fprintf(stderr, "  in case \"%s\"\n", c->name);
        }
    }
}

/* ---- callbacks, close, arguments ---------------------------------------- */

static void test_sink_error(void)
{
    static const char raw[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n4\r\nefgh\r\n0\r\n\r\n";
    static outcome_t whole;
    static capture_t setup;
    lkd_http_parser_t p;
    size_t used = 99;
    uint8_t byte = 'x';

    /* Failing when the first chunk is complete: a chunk boundary bounds every
     * sink run, so the failure point does not depend on the split. */
    memset(&setup, 0, sizeof setup);
    setup.sink_fail_after = 3;
    setup.sink_error = LKD_ERR_RESPONSE_TOO_LARGE;
    run_all_splits((const uint8_t *)raw, sizeof raw - 1, 0, &setup, "sink error", &whole);
    CHECK_EQ_INT(whole.status, LKD_ERR_RESPONSE_TOO_LARGE);
    CHECK_EQ_INT(whole.again, LKD_ERR_RESPONSE_TOO_LARGE);
    CHECK_EQ_INT(whole.complete, 0);
    CHECK_EQ_INT(whole.body_received, 4);
    CHECK_SPAN(whole.cap.body, whole.cap.body_total, "abcd");

    /* The error sticks for parse and finish_on_close alike. */
    memset(&setup, 0, sizeof setup);
    setup.sink_fail_after = 1;
    setup.sink_error = LKD_ERR_IO;
    setup.body_hash = FNV_START;
    lkd_http_parser_init(&p, sink, NULL, &setup, 0);
    CHECK_EQ_INT(lkd_http_parse(&p, (const uint8_t *)"HTTP/1.1 200 OK\r\n\r\nab", 21, &used), LKD_ERR_IO);
    CHECK_EQ_INT(used, 21);
    CHECK_EQ_INT(lkd_http_parse(&p, &byte, 1, &used), LKD_ERR_IO);
    CHECK_EQ_INT(used, 0);
    CHECK_EQ_INT(lkd_http_parse(&p, NULL, 0, &used), LKD_ERR_IO);
    CHECK_EQ_INT(lkd_http_finish_on_close(&p), LKD_ERR_IO);
    CHECK_EQ_INT(lkd_http_is_complete(&p), 0);
    CHECK_EQ_INT(setup.body_total, 2);
}

static void test_header_callback_error(void)
{
    static const char raw[] = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nContent-Length: 0\r\n\r\n";
    static const char trailers[] =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\nT1: a\r\nT2: b\r\n\r\n";
    static outcome_t whole;
    static capture_t setup;

    memset(&setup, 0, sizeof setup);
    setup.header_fail_at = 2;
    setup.header_error = LKD_ERR_STATE;
    run_all_splits((const uint8_t *)raw, sizeof raw - 1, 0, &setup, "header error", &whole);
    CHECK_EQ_INT(whole.status, LKD_ERR_STATE);
    CHECK_EQ_INT(whole.again, LKD_ERR_STATE);
    CHECK_EQ_INT(whole.cap.header_calls, 2);
    CHECK_SPAN(whole.cap.headers, whole.cap.headers_len, "A=1\nB=2\n");

    /* A trailer refused by the callback stops the parse too. */
    setup.header_fail_at = 3;
    setup.header_error = LKD_ERR_API;
    run_all_splits((const uint8_t *)trailers, sizeof trailers - 1, 0, &setup, "trailer error", &whole);
    CHECK_EQ_INT(whole.status, LKD_ERR_API);
    CHECK_EQ_INT(whole.again, LKD_ERR_API);
    CHECK_EQ_INT(whole.body_received, 1);
    CHECK_SPAN(whole.cap.headers, whole.cap.headers_len, "Transfer-Encoding=chunked\nT1=a\nT2=b\n");
}

static lkd_status_t feed(lkd_http_parser_t *p, const char *text)
{
    size_t used = 0;
    lkd_status_t st = lkd_http_parse(p, (const uint8_t *)text, strlen(text), &used);

    CHECK_EQ_INT(used, st == LKD_OK ? strlen(text) : used);
    return st;
}

static void test_finish_on_close(void)
{
    lkd_http_parser_t p;

    /* Nothing, part of a status line, part of the headers: incomplete. */
    lkd_http_parser_init(&p, NULL, NULL, NULL, 0);
    CHECK_EQ_INT(lkd_http_finish_on_close(&p), LKD_ERR_CLOSED);
    CHECK_EQ_INT(feed(&p, "HTTP/1.1 2"), LKD_OK);
    CHECK_EQ_INT(lkd_http_finish_on_close(&p), LKD_ERR_CLOSED);
    lkd_http_parser_init(&p, NULL, NULL, NULL, 0);
    CHECK_EQ_INT(feed(&p, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"), LKD_OK);
    CHECK_EQ_INT(lkd_http_finish_on_close(&p), LKD_ERR_CLOSED);

    /* A Content-Length body cut short. */
    lkd_http_parser_init(&p, NULL, NULL, NULL, 0);
    CHECK_EQ_INT(feed(&p, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc"), LKD_OK);
    CHECK_EQ_INT(p.body_received, 3); /* a NULL sink drops the bytes but counts them */
    CHECK_EQ_INT(lkd_http_is_complete(&p), 0);
    CHECK_EQ_INT(lkd_http_finish_on_close(&p), LKD_ERR_CLOSED);
    CHECK_EQ_INT(lkd_http_is_complete(&p), 0);

    /* A chunked body cut short, also right before the final empty line. */
    lkd_http_parser_init(&p, NULL, NULL, NULL, 0);
    CHECK_EQ_INT(feed(&p, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n"), LKD_OK);
    CHECK_EQ_INT(lkd_http_finish_on_close(&p), LKD_ERR_CLOSED);

    /* 100 Continue alone is not an answer. */
    lkd_http_parser_init(&p, NULL, NULL, NULL, 0);
    CHECK_EQ_INT(feed(&p, "HTTP/1.1 100 Continue\r\n\r\n"), LKD_OK);
    CHECK_EQ_INT(lkd_http_finish_on_close(&p), LKD_ERR_CLOSED);

    /* A body delimited by the close: the close completes it. */
    lkd_http_parser_init(&p, NULL, NULL, NULL, 0);
    CHECK_EQ_INT(feed(&p, "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nsome body"), LKD_OK);
    CHECK_EQ_INT(p.until_close, 1);
    CHECK_EQ_INT(p.keep_alive, 0);
    CHECK_EQ_INT(lkd_http_is_complete(&p), 0);
    CHECK_EQ_INT(lkd_http_finish_on_close(&p), LKD_OK);
    CHECK_EQ_INT(lkd_http_is_complete(&p), 1);
    CHECK_EQ_INT(p.body_received, 9);
    CHECK_EQ_INT(lkd_http_finish_on_close(&p), LKD_OK);
    CHECK_EQ_INT(feed(&p, ""), LKD_OK);

    /* Already complete. */
    lkd_http_parser_init(&p, NULL, NULL, NULL, 0);
    CHECK_EQ_INT(feed(&p, "HTTP/1.1 204 No Content\r\n\r\n"), LKD_OK);
    CHECK_EQ_INT(lkd_http_finish_on_close(&p), LKD_OK);
    CHECK_EQ_INT(lkd_http_is_complete(&p), 1);

    /* After an error, closing reports that error. */
    lkd_http_parser_init(&p, NULL, NULL, NULL, 0);
    CHECK_EQ_INT(feed(&p, "HTTP/9.9 200 OK\r\n"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(lkd_http_finish_on_close(&p), LKD_ERR_MALFORMED);
}

static void test_extra_bytes(void)
{
    static const char two[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nonexHTTP/1.1 200 OK\r\n";
    lkd_http_parser_t p;
    size_t used = 0;

    lkd_http_parser_init(&p, NULL, NULL, NULL, 0);
    CHECK_EQ_INT(lkd_http_parse(&p, (const uint8_t *)two, sizeof two - 1, &used), LKD_OK);
    CHECK_EQ_INT(used, sizeof two - 1 - 18);
    CHECK_EQ_INT(lkd_http_is_complete(&p), 1);
    used = 7;
    CHECK_EQ_INT(lkd_http_parse(&p, (const uint8_t *)two + 40, 5, &used), LKD_OK);
    CHECK_EQ_INT(used, 0);
    CHECK_EQ_INT(p.body_received, 3);
    /* consumed may be NULL. */
    CHECK_EQ_INT(lkd_http_parse(&p, (const uint8_t *)two, 3, NULL), LKD_OK);
}

static void test_arguments(void)
{
    lkd_http_parser_t p;
    size_t used = 5;

    lkd_http_parser_init(NULL, NULL, NULL, NULL, 0); /* harmless */
    CHECK_EQ_INT(lkd_http_parse(NULL, (const uint8_t *)"x", 1, &used), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(used, 0);
    lkd_http_parser_init(&p, NULL, NULL, NULL, 0);
    CHECK_EQ_INT(p.date, -1);
    CHECK_EQ_INT(p.status_code, 0);
    CHECK_EQ_INT(lkd_http_parse(&p, NULL, 1, &used), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_http_parse(&p, NULL, 0, &used), LKD_OK); /* an argument error does not fail the parser */
    CHECK_EQ_INT(used, 0);
    CHECK_EQ_INT(feed(&p, "HTTP/1.1 204 No Content\r\n\r\n"), LKD_OK);
    CHECK_EQ_INT(lkd_http_is_complete(&p), 1);
    CHECK_EQ_INT(lkd_http_is_complete(NULL), 0);
    CHECK_EQ_INT(lkd_http_finish_on_close(NULL), LKD_ERR_ARG_NULL);
}

/* Big bodies: the counters are 64-bit and the body is never buffered. */
static void test_large_bodies(void)
{
    static uint8_t chunk[65536];
    static capture_t cap;
    lkd_http_parser_t p;
    const char *head = "HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\n\r\n";
    uint64_t left = 5000000, expected_hash = FNV_START;
    uint32_t seed = 7;
    size_t i, used;
    lkd_status_t st = LKD_OK;

    for (i = 0; i < sizeof chunk; i++) {
        chunk[i] = (uint8_t)(i * 31u + 7u);
    }
    memset(&cap, 0, sizeof cap);
    cap.body_hash = FNV_START;
    lkd_http_parser_init(&p, sink, NULL, &cap, 0);
    CHECK_EQ_INT(feed(&p, head), LKD_OK);
    while (left > 0 && st == LKD_OK) {
        size_t n;
        seed = seed * 1103515245u + 12345u;
        n = 1 + (seed >> 8) % sizeof chunk;
        if (n > left) {
            n = (size_t)left;
        }
        expected_hash = fnv1a(expected_hash, chunk, n);
        st = lkd_http_parse(&p, chunk, n, &used);
        if (used != n) {
            st = LKD_ERR_STATE;
        }
        left -= n;
    }
    CHECK_EQ_INT(st, LKD_OK);
    CHECK_EQ_INT(lkd_http_is_complete(&p), 1);
    CHECK_EQ_INT(p.body_received, 5000000);
    CHECK_EQ_INT(cap.body_total, 5000000);
    CHECK(cap.body_hash == expected_hash);
    CHECK_EQ_INT(lkd_http_parse(&p, chunk, 10, &used), LKD_OK);
    CHECK_EQ_INT(used, 0);

    /* The largest Content-Length there is. */
    lkd_http_parser_init(&p, sink, NULL, &cap, 0);
    CHECK_EQ_INT(feed(&p, "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n"), LKD_OK);
    CHECK(p.content_length == UINT64_MAX);
    CHECK_EQ_INT(p.has_content_length, 1);
    CHECK_EQ_INT(lkd_http_parse(&p, chunk, sizeof chunk, &used), LKD_OK);
    CHECK_EQ_INT(used, sizeof chunk);
    CHECK_EQ_INT(lkd_http_is_complete(&p), 0);
    CHECK_EQ_INT(lkd_http_finish_on_close(&p), LKD_ERR_CLOSED);

    /* The largest chunk there is. */
    lkd_http_parser_init(&p, sink, NULL, &cap, 0);
    CHECK_EQ_INT(feed(&p, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffFFFFffffFFFF\r\n"), LKD_OK);
    CHECK_EQ_INT(lkd_http_parse(&p, chunk, sizeof chunk, &used), LKD_OK);
    CHECK_EQ_INT(used, sizeof chunk);
    CHECK_EQ_INT(p.body_received, sizeof chunk);
    CHECK_EQ_INT(lkd_http_finish_on_close(&p), LKD_ERR_CLOSED);

    /* Chunks of 64 KiB each reach the sink whole. */
    memset(&cap, 0, sizeof cap);
    lkd_http_parser_init(&p, sink, NULL, &cap, 0);
    CHECK_EQ_INT(feed(&p, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), LKD_OK);
    for (i = 0; i < 3; i++) {
        CHECK_EQ_INT(feed(&p, "10000\r\n"), LKD_OK);
        CHECK_EQ_INT(lkd_http_parse(&p, chunk, sizeof chunk, &used), LKD_OK);
        CHECK_EQ_INT(feed(&p, "\r\n"), LKD_OK);
    }
    CHECK_EQ_INT(feed(&p, "0\r\n\r\n"), LKD_OK);
    CHECK_EQ_INT(lkd_http_is_complete(&p), 1);
    CHECK_EQ_INT(p.body_received, 3 * 65536);
    CHECK_EQ_INT(cap.sink_calls, 3);
    CHECK_EQ_INT(cap.largest_run, 65536);
}

int main(void)
{
    build_inputs();
    build_bad_inputs();
    test_valid_responses();
    test_valid_details();
    test_malformed_responses();
    test_sink_error();
    test_header_callback_error();
    test_finish_on_close();
    test_extra_bytes();
    test_arguments();
    test_large_bodies();
    return unit_report("http");
}
