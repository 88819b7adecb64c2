/* SPDX-License-Identifier: MIT */
/*
 * json_ref.h - a reference JSON checker for the fuzz targets: RFC 8259 by
 * recursive descent, written apart from the client's byte-by-byte grammar
 * (core/src/lkd_pages.c) so that each checks the other.  Like the client it
 * reads from left to right and stops at the first fault, so both report the
 * same one: a byte that cannot be there (LKD_ERR_MALFORMED), or a bracket
 * opening past max_depth open ones (LKD_ERR_RESPONSE_TOO_LARGE).  A bare
 * top-level number must be followed by white space, as jsmn wants and the
 * client says.  The recursion is at most max_depth deep.
 */
#ifndef JSON_REF_H
#define JSON_REF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lkd_status.h"

typedef struct {
    const uint8_t *s;
    size_t n, i;
    unsigned depth, max_depth;
    lkd_status_t fault;
} json_ref_t;

static int json_ref_fail(json_ref_t *r, lkd_status_t st)
{
    if (r->fault == LKD_OK) {
        r->fault = st;
    }
    return 0;
}

static int json_ref_peek(const json_ref_t *r)
{
    return r->i < r->n ? r->s[r->i] : -1;
}

static void json_ref_ws(json_ref_t *r)
{
    while (r->i < r->n && (r->s[r->i] == ' ' || r->s[r->i] == '\t' || r->s[r->i] == '\n' || r->s[r->i] == '\r')) {
        r->i++;
    }
}

static int json_ref_eat(json_ref_t *r, int c)
{
    if (json_ref_peek(r) != c) {
        return json_ref_fail(r, LKD_ERR_MALFORMED);
    }
    r->i++;
    return 1;
}

static int json_ref_is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int json_ref_digits(json_ref_t *r)
{
    if (!json_ref_is_digit(json_ref_peek(r))) {
        return json_ref_fail(r, LKD_ERR_MALFORMED);
    }
    while (json_ref_is_digit(json_ref_peek(r))) {
        r->i++;
    }
    return 1;
}

static int json_ref_string(json_ref_t *r)
{
    if (!json_ref_eat(r, '"')) {
        return 0;
    }
    for (;;) {
        int c = json_ref_peek(r), k;
        if (c < 0x20) { /* the end (-1) or a raw control character */
            return json_ref_fail(r, LKD_ERR_MALFORMED);
        }
        r->i++;
        if (c == '"') {
            return 1;
        }
        if (c != '\\') {
            continue;
        }
        c = json_ref_peek(r);
        if (c < 0 || strchr("\"\\/bfnrtu", c) == NULL || c == 0) {
            return json_ref_fail(r, LKD_ERR_MALFORMED);
        }
        r->i++;
        for (k = 0; c == 'u' && k < 4; k++) {
            int h = json_ref_peek(r);
            if (!json_ref_is_digit(h) && !((h | 0x20) >= 'a' && (h | 0x20) <= 'f')) {
                return json_ref_fail(r, LKD_ERR_MALFORMED);
            }
            r->i++;
        }
    }
}

static int json_ref_number(json_ref_t *r)
{
    if (json_ref_peek(r) == '-') {
        r->i++;
    }
    if (json_ref_peek(r) == '0') {
        r->i++;
    } else if (!json_ref_digits(r)) {
        return 0;
    }
    if (json_ref_peek(r) == '.') {
        r->i++;
        if (!json_ref_digits(r)) {
            return 0;
        }
    }
    if (json_ref_peek(r) == 'e' || json_ref_peek(r) == 'E') {
        r->i++;
        if (json_ref_peek(r) == '+' || json_ref_peek(r) == '-') {
            r->i++;
        }
        if (!json_ref_digits(r)) {
            return 0;
        }
    }
    return 1;
}

static int json_ref_value(json_ref_t *r);

/* An array or an object (close is ']' or '}'), its opening bracket next. */
static int json_ref_container(json_ref_t *r, int close)
{
    if (r->depth == r->max_depth) {
        return json_ref_fail(r, LKD_ERR_RESPONSE_TOO_LARGE);
    }
    r->depth++;
    r->i++;
    json_ref_ws(r);
    if (json_ref_peek(r) != close) {
        for (;;) {
            if (close == '}') {
                if (!json_ref_string(r)) {
                    return 0;
                }
                json_ref_ws(r);
                if (!json_ref_eat(r, ':')) {
                    return 0;
                }
            }
            if (!json_ref_value(r)) {
                return 0;
            }
            if (json_ref_peek(r) != ',') {
                break;
            }
            r->i++;
            json_ref_ws(r);
        }
    }
    r->depth--;
    return json_ref_eat(r, close);
}

/* A value with the white space around it. */
static int json_ref_value(json_ref_t *r)
{
    int c, ok;
    json_ref_ws(r);
    c = json_ref_peek(r);
    if (c == '{' || c == '[') {
        ok = json_ref_container(r, c == '{' ? '}' : ']');
    } else if (c == '"') {
        ok = json_ref_string(r);
    } else if (c == 't' || c == 'f' || c == 'n') {
        const char *lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
        size_t k;
        for (k = 0, ok = 1; lit[k] != '\0' && ok; k++) {
            ok = json_ref_eat(r, lit[k]);
        }
    } else {
        ok = json_ref_number(r);
        if (ok && r->depth == 0 && r->i == r->n) {
            return json_ref_fail(r, LKD_ERR_MALFORMED); /* a bare number needs white space after it */
        }
    }
    json_ref_ws(r);
    return ok;
}

/* LKD_OK when s[0..n) is exactly one JSON value (white space around it). */
static lkd_status_t json_ref_check(const uint8_t *s, size_t n, unsigned max_depth)
{
    json_ref_t r;
    memset(&r, 0, sizeof r);
    r.s = s;
    r.n = n;
    r.max_depth = max_depth;
    if (json_ref_value(&r) && r.i != n) {
        json_ref_fail(&r, LKD_ERR_MALFORMED);
    }
    return r.fault;
}

#endif /* JSON_REF_H */
