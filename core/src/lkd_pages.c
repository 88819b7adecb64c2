/* SPDX-License-Identifier: MIT */
/*
 * lkd_pages.c - the FailedPages filter (see lkd_pages.h).  One byte at a
 * time, so that the result cannot depend on where the body was split.  It
 * only follows strings and brackets: outside FailedPages to find the path
 * (jsmn judges those bytes later, in the buffer), inside to find where each
 * entry ends, which lkd_json_parse then judges on its own.
 */
#include "lkd_pages.h"

#include <string.h>

#include "lkd_json.h"

enum { S_JSON, S_STR, S_ESC };

#define F_INSIDE 1u        /* in FailedPages, which nothing passes but its brackets */
#define F_SEEN_RESPONSE 2u /* the top object's key "Response" went by */
#define F_IN_RESPONSE 4u   /* depth 2 is its object */
#define F_SEEN_PAGES 8u    /* its key "FailedPages" went by */
#define F_KEY_NEXT 16u     /* a string here is a key (after '{' or ',') */
#define F_CANDIDATE 32u    /* the string being read is a key that may be on the path */
#define F_ARMED 64u        /* it was: the next value is that key's */

void lkd_pages_start(lkd_pages_t *p, lkd_failed_page_t *keep, size_t cap, lkd_json_token_t *tokens,
                     unsigned max_tokens)
{
    memset(p, 0, sizeof *p);
    p->keep = keep;
    p->cap = cap;
    p->tokens = tokens;
    p->max_tokens = max_tokens;
    p->flags = keep != NULL ? 0 : F_SEEN_RESPONSE; /* then no path can match */
}

static int is_space(unsigned c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Judge and count the entry held at text. */
static lkd_status_t take_entry(lkd_pages_t *p, char *text)
{
    lkd_json_doc_t doc;
    int64_t page;
    uint8_t is_null = 1;
    lkd_status_t st;
    text[p->entry] = ' '; /* a bare number needs a delimiter after it (lkd_json.h) */
    st = lkd_json_parse(&doc, text, p->entry + 1u, p->tokens, p->max_tokens);
    if (st != LKD_OK) {
        return st;
    }
    if (p->total == (size_t)-1) {
        return LKD_ERR_MALFORMED;
    }
    p->total++;
    p->entry = 0;
    if (lkd_json_get_int64(&doc, lkd_json_find_key(&doc, 0, "PageNumber"), &page, &is_null) != LKD_OK || is_null) {
        p->unnumbered++;
    } else if (p->stored < p->cap) {
        p->keep[p->stored++].page_number = page;
    }
    return LKD_OK;
}

/* The candidate key whose closing quote is about to go to buf[len], against the path. */
static void check_key(lkd_pages_t *p, const char *buf, size_t len)
{
    unsigned in_response = p->flags & F_IN_RESPONSE;
    size_t n = len - p->key - 1u;
    p->flags &= ~F_CANDIDATE;
    if (n == (in_response ? 11u : 8u) && memcmp(buf + p->key + 1u, in_response ? "FailedPages" : "Response", n) == 0) {
        p->flags |= F_ARMED | (in_response ? F_SEEN_PAGES : F_SEEN_RESPONSE);
    }
}

static void outside_byte(lkd_pages_t *p, unsigned c, size_t len)
{
    unsigned armed = p->flags & (F_ARMED | F_IN_RESPONSE);
    if (c == '"') {
        p->state = S_STR;
        if ((p->flags & F_KEY_NEXT) &&
            ((p->depth == 1 && !(p->flags & F_SEEN_RESPONSE)) ||
             (p->depth == 2 && (p->flags & (F_IN_RESPONSE | F_SEEN_PAGES)) == F_IN_RESPONSE))) {
            p->flags |= F_CANDIDATE;
            p->key = (uint32_t)len;
        }
    } else if (c == '[' && armed == (F_ARMED | F_IN_RESPONSE)) {
        p->flags |= F_INSIDE; /* level and entry are 0 */
    } else if (c == '{' || c == '[') {
        if (c == '{' && armed == F_ARMED) {
            p->flags |= F_IN_RESPONSE;
        }
        p->depth++;
    } else if ((c == '}' || c == ']') && p->depth > 0 && --p->depth < 2) {
        p->flags &= ~F_IN_RESPONSE;
    }
    if (!is_space(c) && c != ':') { /* the first byte of a value disarms */
        p->flags &= ~(F_ARMED | F_KEY_NEXT);
        if (c == '{' || c == ',') {
            p->flags |= F_KEY_NEXT;
        }
    }
}

static lkd_status_t step(lkd_pages_t *p, unsigned c, char *buf, size_t cap, size_t *len)
{
    unsigned was_inside = p->flags & F_INSIDE;
    if (p->state != S_JSON) {
        p->state = p->state == S_ESC ? S_STR : c == '\\' ? S_ESC : c == '"' ? S_JSON : S_STR;
        if (p->state == S_JSON && (p->flags & F_CANDIDATE)) {
            check_key(p, buf, *len);
        }
    } else if (!was_inside) {
        outside_byte(p, c, *len);
    } else if (p->level == 0 && (c == ',' || c == ']')) {
        lkd_status_t st = p->entry > 0                   ? take_entry(p, buf + *len)
                          : c == ']' && p->total == 0 ? LKD_OK /* [] */
                                                      : LKD_ERR_MALFORMED;
        if (st != LKD_OK || c == ',') {
            return st;
        }
        p->flags &= ~F_INSIDE; /* FailedPages' ']' passes */
    } else if (p->level == 0 && p->entry == 0 && is_space(c)) {
        return LKD_OK;
    } else if (c == '"') {
        p->state = S_STR;
    } else if (c == '{' || c == '[') {
        p->level++;
    } else if (c == '}' || c == ']') {
        if (p->level == 0) {
            return LKD_ERR_MALFORMED;
        }
        p->level--;
    }
    if (was_inside && (p->flags & F_INSIDE)) {
        if (p->entry + 1u >= cap - *len) { /* room for the entry and the delimiter after it */
            return LKD_ERR_RESPONSE_TOO_LARGE;
        }
        buf[*len + p->entry++] = (char)c;
    } else {
        if (*len >= cap) {
            return LKD_ERR_RESPONSE_TOO_LARGE;
        }
        buf[(*len)++] = (char)c;
    }
    return LKD_OK;
}

lkd_status_t lkd_pages_put(lkd_pages_t *p, const uint8_t *in, size_t len, char *buf, size_t cap, size_t *buf_len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        lkd_status_t st = step(p, in[i], buf, cap, buf_len);
        if (st != LKD_OK) {
            return st;
        }
    }
    return LKD_OK;
}

lkd_status_t lkd_pages_end(const lkd_pages_t *p)
{
    return (p->flags & F_INSIDE) ? LKD_ERR_MALFORMED : LKD_OK;
}
