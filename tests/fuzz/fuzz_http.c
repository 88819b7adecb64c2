/* SPDX-License-Identifier: MIT */
/*
 * fuzz_http.c - the HTTP response parser fed in pieces, checked against itself
 * fed whole.
 *
 * Input: 4 control bytes, then the response.  Control byte 0 bit 0 makes it
 * the answer to a HEAD request; bytes 1..3, used in turn, give the piece
 * sizes (1..32, or a multiple of 17 when the top bit is set; a 0 byte also
 * makes an empty call first).  The parser promises that the result never
 * depends on the split: status, flags, Date, the body bytes, the headers seen,
 * the bytes consumed and the error must all be the same, and so must what
 * lkd_http_finish_on_close says afterwards.  Any difference aborts.
 */
#include <string.h>

#include "fuzz_check.h"
#include "lkd_http.h"

typedef struct {
    uint64_t body_len;
    uint64_t body_hash;
    uint64_t header_hash;
    unsigned headers;
} seen_t;

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t i;
    for (i = 0; i < len; i++) {
        h = (h ^ p[i]) * 0x100000001b3ull;
    }
    return h;
}

static lkd_status_t sink(void *user, const uint8_t *data, size_t len)
{
    seen_t *s = user;
    FUZZ_CHECK(data != NULL || len == 0);
    s->body_len += len;
    s->body_hash = fnv(s->body_hash, data, len);
    return LKD_OK;
}

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static lkd_status_t on_header(void *user, const char *name, size_t name_len, const char *value, size_t value_len)
{
    seen_t *s = user;
    size_t i;
    FUZZ_CHECK(name != NULL && name_len > 0 && name_len <= LKD_HTTP_MAX_LINE);
    FUZZ_CHECK(value != NULL || value_len == 0);
    FUZZ_CHECK(value_len <= LKD_HTTP_MAX_LINE);
    for (i = 0; i < name_len; i++) {
        FUZZ_CHECK(name[i] > 0x20 && name[i] < 0x7f && name[i] != ':');
    }
    if (value_len > 0) {
        FUZZ_CHECK(!is_ows(value[0]) && !is_ows(value[value_len - 1]));
    }
    s->headers++;
    s->header_hash = fnv(s->header_hash, name, name_len);
    s->header_hash = fnv(s->header_hash, ":", 1);
    s->header_hash = fnv(s->header_hash, value, value_len);
    s->header_hash = fnv(s->header_hash, "\n", 1);
    /* A callback that refuses must stop the parse the same way however the bytes came. */
    if (name_len == 6 && memcmp(name, "X-Stop", 6) == 0) {
        return LKD_ERR_STATE;
    }
    return LKD_OK;
}

typedef struct {
    lkd_status_t st;
    size_t consumed;
    int complete;
    lkd_status_t on_close;
    seen_t seen;
    lkd_http_parser_t p;
} outcome_t;

static void start(outcome_t *o, int head)
{
    memset(o, 0, sizeof *o);
    o->seen.body_hash = o->seen.header_hash = 0xcbf29ce484222325ull;
    lkd_http_parser_init(&o->p, sink, on_header, &o->seen, head);
}

static void end(outcome_t *o)
{
    o->complete = lkd_http_is_complete(&o->p);
    FUZZ_CHECK(o->p.body_received == o->seen.body_len);
    if (o->st == LKD_OK && o->complete) {
        /* Once complete a call consumes nothing and still succeeds. */
        size_t used = 1;
        FUZZ_CHECK(lkd_http_parse(&o->p, (const uint8_t *)"x", 1, &used) == LKD_OK && used == 0);
    }
    if (o->st != LKD_OK) {
        /* A failed parser stays failed with the same status. */
        size_t used = 1;
        FUZZ_CHECK(lkd_http_parse(&o->p, (const uint8_t *)"x", 1, &used) == o->st);
    }
    o->on_close = lkd_http_finish_on_close(&o->p);
    if (o->st == LKD_OK && o->complete) {
        FUZZ_CHECK(o->on_close == LKD_OK);
    }
}

static void same(const outcome_t *a, const outcome_t *b)
{
    FUZZ_CHECK(a->st == b->st);
    FUZZ_CHECK(a->consumed == b->consumed);
    FUZZ_CHECK(a->complete == b->complete);
    FUZZ_CHECK(a->on_close == b->on_close);
    FUZZ_CHECK(a->seen.body_len == b->seen.body_len && a->seen.body_hash == b->seen.body_hash);
    FUZZ_CHECK(a->seen.headers == b->seen.headers && a->seen.header_hash == b->seen.header_hash);
    FUZZ_CHECK(a->p.body_received == b->p.body_received);
    if (a->st == LKD_OK && a->complete) {
        FUZZ_CHECK(a->p.status_code == b->p.status_code);
        FUZZ_CHECK(a->p.http_minor == b->p.http_minor);
        FUZZ_CHECK(a->p.keep_alive == b->p.keep_alive);
        FUZZ_CHECK(a->p.chunked == b->p.chunked);
        FUZZ_CHECK(a->p.has_content_length == b->p.has_content_length);
        FUZZ_CHECK(a->p.until_close == b->p.until_close);
        FUZZ_CHECK(a->p.content_length == b->p.content_length);
        FUZZ_CHECK(a->p.date == b->p.date);
    }
}

static outcome_t whole, split;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *resp;
    uint8_t *copy;
    size_t len, pos = 0, k = 0;
    int head;

    if (size < 4) {
        return 0;
    }
    head = data[0] & 1;
    resp = data + 4;
    len = size - 4;
    /* An exact-size heap copy so ASan sees any read past the end. */
    copy = malloc(len ? len : 1);
    FUZZ_CHECK(copy != NULL);
    memcpy(copy, resp, len);

    start(&whole, head);
    whole.st = lkd_http_parse(&whole.p, copy, len, &whole.consumed);
    FUZZ_CHECK(whole.consumed <= len);
    FUZZ_CHECK(whole.st != LKD_OK || whole.consumed == len || lkd_http_is_complete(&whole.p));
    end(&whole);

    start(&split, head);
    while (pos < len && split.st == LKD_OK && !lkd_http_is_complete(&split.p)) {
        uint8_t b = data[1 + k++ % 3];
        size_t piece = (b & 0x80) ? (size_t)(b & 0x7f) * 17u + 1u : (size_t)(b % 32u) + 1u;
        size_t used = 0;
        if (b == 0) {
            FUZZ_CHECK(lkd_http_parse(&split.p, copy + pos, 0, &used) == LKD_OK && used == 0);
        }
        if (piece > len - pos) {
            piece = len - pos;
        }
        split.st = lkd_http_parse(&split.p, copy + pos, piece, &used);
        FUZZ_CHECK(used <= piece);
        /* Fewer bytes used than given only on completion or error. */
        FUZZ_CHECK(used == piece || split.st != LKD_OK || lkd_http_is_complete(&split.p));
        pos += used;
        split.consumed = pos;
    }
    end(&split);

    same(&whole, &split);
    free(copy);
    return 0;
}
