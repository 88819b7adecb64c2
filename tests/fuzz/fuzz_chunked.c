/* SPDX-License-Identifier: MIT */
/*
 * fuzz_chunked.c - the chunked decoder: a fixed 200 header announcing
 * Transfer-Encoding: chunked, then the fuzzed input as the body (chunk sizes,
 * extensions, data, line ends, trailers).  The input is fed whole and one
 * byte at a time; both must agree on status, consumed bytes and the de-chunked
 * body, which can never be longer than the input.
 */
#include <string.h>

#include "fuzz_check.h"
#include "lkd_http.h"

static const char head[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";

typedef struct {
    uint8_t *buf; /* the de-chunked body, at most the input's size */
    size_t cap;
    size_t len;
} body_t;

static lkd_status_t sink(void *user, const uint8_t *data, size_t len)
{
    body_t *b = user;
    FUZZ_CHECK(len <= b->cap - b->len);
    if (len > 0) {
        memcpy(b->buf + b->len, data, len);
        b->len += len;
    }
    return LKD_OK;
}

static lkd_status_t feed_head(lkd_http_parser_t *p)
{
    size_t used = 0;
    lkd_status_t st = lkd_http_parse(p, (const uint8_t *)head, sizeof head - 1, &used);
    FUZZ_CHECK(st == LKD_OK && used == sizeof head - 1);
    FUZZ_CHECK(p->status_code == 200 && p->chunked == 1 && p->has_content_length == 0 && p->until_close == 0);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lkd_http_parser_t a, b;
    body_t ba, bb;
    uint8_t *copy;
    lkd_status_t sa, sb = LKD_OK;
    size_t ua = 0, ub = 0;

    copy = malloc(size ? size : 1);
    ba.buf = malloc(size ? size : 1);
    bb.buf = malloc(size ? size : 1);
    FUZZ_CHECK(copy != NULL && ba.buf != NULL && bb.buf != NULL);
    memcpy(copy, data, size);
    ba.cap = bb.cap = size;
    ba.len = bb.len = 0;

    lkd_http_parser_init(&a, sink, NULL, &ba, 0);
    feed_head(&a);
    sa = lkd_http_parse(&a, copy, size, &ua);
    FUZZ_CHECK(ua <= size);
    FUZZ_CHECK(a.body_received == ba.len);

    lkd_http_parser_init(&b, sink, NULL, &bb, 0);
    feed_head(&b);
    while (ub < size && sb == LKD_OK && !lkd_http_is_complete(&b)) {
        size_t used = 0;
        sb = lkd_http_parse(&b, copy + ub, 1, &used);
        FUZZ_CHECK(used <= 1);
        ub += used;
    }

    FUZZ_CHECK(sa == sb);
    FUZZ_CHECK(ua == ub);
    FUZZ_CHECK(lkd_http_is_complete(&a) == lkd_http_is_complete(&b));
    FUZZ_CHECK(ba.len == bb.len && (ba.len == 0 || memcmp(ba.buf, bb.buf, ba.len) == 0));
    if (sa == LKD_OK && !lkd_http_is_complete(&a)) {
        /* A chunked body cut short by a close is never complete. */
        FUZZ_CHECK(lkd_http_finish_on_close(&a) == LKD_ERR_CLOSED);
    }
    if (sa == LKD_OK && lkd_http_is_complete(&a)) {
        FUZZ_CHECK(a.keep_alive == 1); /* HTTP/1.1 without Connection: close */
    }

    free(copy);
    free(ba.buf);
    free(bb.buf);
    return 0;
}
