/* SPDX-License-Identifier: MIT */
/*
 * lkd_json.c - bounded helpers over jsmn tokens, and the one copy of jsmn.
 *
 * jsmn is a tokenizer, not a validator: even with JSMN_STRICT it accepts
 * "[1 2]", "[1,,2]", "{"a":1,}", "{"a" "b"}", "{"a":}", primitives such as
 * "tru", "01" or "1.", several top-level values, and it stops silently at a
 * NUL byte.  So lkd_json_parse runs jsmn and then walks the text once more
 * beside the tokens with a strict JSON grammar (RFC 8259).  Only a document
 * that passes both gets through, which means its token tree is the one jsmn
 * builds for valid JSON and every helper below can trust sizes and parent
 * links.  The walk uses the tokens' parent links as its stack: no recursion,
 * any nesting depth the token budget allows.
 */

/* The implementation of jsmn lives here and only here: JSMN_STATIC makes its
 * functions static, so the library exports no jsmn symbol and an application
 * may link its own jsmn, built however it likes. */
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#define JSMN_STATIC
#include <jsmn.h>

#include "lkd_json.h"

#include <limits.h>
#include <stddef.h>
#include <string.h>

#ifndef JSMN_PARENT_LINKS
#error "lkd_json.c needs jsmn built with JSMN_PARENT_LINKS"
#endif

/* lkd_json_token_t must be jsmntok_t's layout: the client's token array is
 * handed to jsmn_parse as it is.  Each line fails to compile when not. */
#define LKD_JSON_SAME(what, a, b) typedef char lkd_json_layout_##what[(a) == (b) ? 1 : -1]
LKD_JSON_SAME(size, sizeof(lkd_json_token_t), sizeof(jsmntok_t));
LKD_JSON_SAME(type, offsetof(lkd_json_token_t, type), offsetof(jsmntok_t, type));
LKD_JSON_SAME(type_size, sizeof(((lkd_json_token_t *)0)->type), sizeof(((jsmntok_t *)0)->type));
LKD_JSON_SAME(start, offsetof(lkd_json_token_t, start), offsetof(jsmntok_t, start));
LKD_JSON_SAME(end, offsetof(lkd_json_token_t, end), offsetof(jsmntok_t, end));
LKD_JSON_SAME(count, offsetof(lkd_json_token_t, size), offsetof(jsmntok_t, size));
LKD_JSON_SAME(parent, offsetof(lkd_json_token_t, parent), offsetof(jsmntok_t, parent));
LKD_JSON_SAME(undefined, (int)LKD_JSON_UNDEFINED, (int)JSMN_UNDEFINED);
LKD_JSON_SAME(object, (int)LKD_JSON_OBJECT, (int)JSMN_OBJECT);
LKD_JSON_SAME(array, (int)LKD_JSON_ARRAY, (int)JSMN_ARRAY);
LKD_JSON_SAME(string, (int)LKD_JSON_STRING, (int)JSMN_STRING);
LKD_JSON_SAME(primitive, (int)LKD_JSON_PRIMITIVE, (int)JSMN_PRIMITIVE);

/* This file reads and writes the tokens as jsmn's type only, other files as
 * lkd_json_token_t only: no function sees the same token through both. */
static jsmntok_t *jsmn_tokens(const lkd_json_doc_t *doc)
{
    return (jsmntok_t *)doc->tokens;
}

/* ------------------------------------------------------------------------ */
/* Character classes and UTF-8                                               */

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Four hex digits at s (n bytes available) as a code unit, or -1. */
static long hex4(const char *s, size_t n)
{
    long v = 0;
    size_t i;
    if (n < 4) {
        return -1;
    }
    for (i = 0; i < 4; i++) {
        int h = hex_value(s[i]);
        if (h < 0) {
            return -1;
        }
        v = v * 16 + h;
    }
    return v;
}

/* Length of the well-formed UTF-8 sequence at s (n > 0 bytes available), or 0
 * when it is not one: no overlong forms, no surrogates, nothing above
 * U+10FFFF, no truncated sequence (Unicode table 3-7). */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t len, i;
    if (c < 0x80) {
        return 1;
    }
    if (c < 0xC2) {
        return 0; /* continuation byte, or overlong C0/C1 lead */
    }
    if (c < 0xE0) {
        len = 2;
    } else if (c < 0xF0) {
        len = 3;
        if (c == 0xE0) {
            lo = 0xA0; /* overlong */
        } else if (c == 0xED) {
            hi = 0x9F; /* surrogates */
        }
    } else if (c < 0xF5) {
        len = 4;
        if (c == 0xF0) {
            lo = 0x90; /* overlong */
        } else if (c == 0xF4) {
            hi = 0x8F; /* above U+10FFFF */
        }
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi) {
        return 0;
    }
    for (i = 2; i < len; i++) {
        if (s[i] < 0x80 || s[i] > 0xBF) {
            return 0;
        }
    }
    return len;
}

/* ------------------------------------------------------------------------ */
/* Grammar checks of single tokens                                          */

/* The raw text of a string token (between its quotes): no raw control
 * character, every escape one of JSON's.  Code point rules (surrogates,
 * \u0000) belong to lkd_json_decode_string, since they are valid JSON. */
static int string_syntax_ok(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20) {
            return 0;
        }
        if (c != '\\') {
            i++;
            continue;
        }
        if (i + 1 >= n) {
            return 0;
        }
        switch (s[i + 1]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            i += 2;
            break;
        case 'u':
            if (hex4(s + i + 2, n - (i + 2)) < 0) {
                return 0;
            }
            i += 6;
            break;
        default:
            return 0;
        }
    }
    return 1;
}

static int literal_is(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n == m && memcmp(s, lit, m) == 0;
}

/* true, false, null, or a number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int primitive_syntax_ok(const char *s, size_t n)
{
    size_t i = 0, d;
    if (literal_is(s, n, "true") || literal_is(s, n, "false") || literal_is(s, n, "null")) {
        return 1;
    }
    if (i < n && s[i] == '-') {
        i++;
    }
    if (i >= n || !is_digit(s[i])) {
        return 0;
    }
    if (s[i] == '0') {
        i++;
    } else {
        while (i < n && is_digit(s[i])) {
            i++;
        }
    }
    if (i < n && s[i] == '.') {
        i++;
        for (d = 0; i < n && is_digit(s[i]); d++) {
            i++;
        }
        if (d == 0) {
            return 0;
        }
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            i++;
        }
        for (d = 0; i < n && is_digit(s[i]); d++) {
            i++;
        }
        if (d == 0) {
            return 0;
        }
    }
    return i == n;
}

/* ------------------------------------------------------------------------ */
/* The grammar walk beside jsmn's tokens                                     */

typedef enum {
    W_VALUE,          /* a value must come */
    W_VALUE_OR_CLOSE, /* just after '[' */
    W_KEY,            /* after ',' inside an object */
    W_KEY_OR_CLOSE,   /* just after '{' */
    W_COLON,          /* after a key */
    W_AFTER           /* after a value: ',' or a closing bracket, or the end */
} walk_state_t;

/* 1 when doc->json[0..len) is exactly one JSON value followed only by
 * whitespace, and doc->tokens is the token list of exactly that value. */
static int grammar_ok(const lkd_json_doc_t *doc)
{
    const char *js = doc->json;
    const jsmntok_t *tok = jsmn_tokens(doc);
    size_t p = 0;
    int next = 0;  /* the token the text must meet next */
    int cur = -1;  /* the innermost open container */
    walk_state_t st = W_VALUE;

    for (;;) {
        char c;
        while (p < doc->len && is_ws(js[p])) {
            p++;
        }
        if (p == doc->len) {
            break;
        }
        c = js[p];
        switch (st) {
        case W_KEY_OR_CLOSE:
        case W_KEY:
            if (c == '}' && st == W_KEY_OR_CLOSE) {
                goto close;
            }
            if (c != '"' || next >= doc->count) {
                return 0;
            }
            {
                const jsmntok_t *t = &tok[next];
                if (t->type != JSMN_STRING || t->start != (int)p + 1 || t->size != 1 || t->parent != cur
                    || js[t->end] != '"' || !string_syntax_ok(js + t->start, (size_t)(t->end - t->start))) {
                    return 0;
                }
                p = (size_t)t->end + 1;
            }
            next++;
            st = W_COLON;
            break;
        case W_COLON:
            if (c != ':') {
                return 0;
            }
            p++;
            st = W_VALUE;
            break;
        case W_VALUE_OR_CLOSE:
        case W_VALUE:
            if (c == ']' && st == W_VALUE_OR_CLOSE) {
                goto close;
            }
            if (next >= doc->count) {
                return 0;
            }
            {
                const jsmntok_t *t = &tok[next];
                /* An object member's value hangs under its key, the token
                 * just before it. */
                int parent = (cur >= 0 && tok[cur].type == JSMN_OBJECT) ? next - 1 : cur;
                if (t->parent != parent) {
                    return 0;
                }
                if (c == '{' || c == '[') {
                    if (t->type != (c == '{' ? JSMN_OBJECT : JSMN_ARRAY) || t->start != (int)p) {
                        return 0;
                    }
                    cur = next;
                    p++;
                    st = (c == '{') ? W_KEY_OR_CLOSE : W_VALUE_OR_CLOSE;
                } else if (c == '"') {
                    if (t->type != JSMN_STRING || t->start != (int)p + 1 || t->size != 0 || js[t->end] != '"'
                        || !string_syntax_ok(js + t->start, (size_t)(t->end - t->start))) {
                        return 0;
                    }
                    p = (size_t)t->end + 1;
                    st = W_AFTER;
                } else {
                    if (t->type != JSMN_PRIMITIVE || t->start != (int)p || t->size != 0
                        || !primitive_syntax_ok(js + t->start, (size_t)(t->end - t->start))) {
                        return 0;
                    }
                    p = (size_t)t->end;
                    st = W_AFTER;
                }
            }
            next++;
            break;
        case W_AFTER:
        default: /* st holds no other value */
            if (cur < 0) {
                return 0; /* something after the top-level value */
            }
            if (c == ',') {
                p++;
                st = (tok[cur].type == JSMN_OBJECT) ? W_KEY : W_VALUE;
                break;
            }
            if (c == '}' || c == ']') {
                goto close;
            }
            return 0;
        }
        continue;

    close:
        if (cur < 0 || tok[cur].type != (c == '}' ? JSMN_OBJECT : JSMN_ARRAY) || tok[cur].end != (int)p + 1) {
            return 0;
        }
        p++;
        cur = tok[cur].parent;
        if (cur >= 0 && tok[cur].type == JSMN_STRING) {
            cur = tok[cur].parent; /* from the member's key to its object */
        }
        st = W_AFTER;
    }
    return st == W_AFTER && cur == -1 && next == doc->count;
}

/* ------------------------------------------------------------------------ */
/* Public helpers                                                            */

lkd_status_t lkd_json_parse(lkd_json_doc_t *doc, char *json, size_t len, lkd_json_token_t *tokens, unsigned max_tokens)
{
    jsmn_parser parser;
    int r;
    if (doc == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    doc->json = json;
    doc->len = len;
    doc->tokens = tokens;
    doc->count = 0;
    /* jsmn counts tokens instead of filling them when given NULL; that mode
     * checks even less, so it is never used. */
    if (json == NULL || tokens == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    if (len > (size_t)INT_MAX) {
        return LKD_ERR_RESPONSE_TOO_LARGE; /* token offsets are ints */
    }
    if (max_tokens > (unsigned)INT_MAX) {
        max_tokens = (unsigned)INT_MAX;
    }
    jsmn_init(&parser);
    r = jsmn_parse(&parser, json, len, (jsmntok_t *)tokens, max_tokens);
    if (r == JSMN_ERROR_NOMEM) {
        return LKD_ERR_RESPONSE_TOO_LARGE;
    }
    if (r <= 0) {
        return LKD_ERR_MALFORMED; /* INVAL, PART, or nothing but whitespace */
    }
    doc->count = (int)parser.toknext;
    if (!grammar_ok(doc)) {
        doc->count = 0;
        return LKD_ERR_MALFORMED;
    }
    return LKD_OK;
}

/* A string token with size 1 is an object key; its subtree is its value.  A
 * container's descendants are exactly the tokens that start before its end
 * (tokens are in document order).  Decoding a string moves its end only
 * backwards inside its own text, so this stays true after decoding. */
int lkd_json_skip(const lkd_json_doc_t *doc, int index)
{
    const jsmntok_t *t;
    int j;
    if (doc == NULL || doc->tokens == NULL || index < 0 || index >= doc->count) {
        return doc != NULL ? doc->count : 0;
    }
    t = &jsmn_tokens(doc)[index];
    if (t->type == JSMN_STRING && t->size == 1) {
        if (index + 1 >= doc->count) {
            return doc->count;
        }
        index++;
        t = &jsmn_tokens(doc)[index];
    }
    j = index + 1;
    if (t->type == JSMN_OBJECT || t->type == JSMN_ARRAY) {
        while (j < doc->count && jsmn_tokens(doc)[j].start < t->end) {
            j++;
        }
    }
    return j;
}

/* Walks only the object's own members, jumping over each value's subtree, so
 * one look-up costs at most the object's token count.  When a key appears
 * twice the first one wins. */
int lkd_json_find_key(const lkd_json_doc_t *doc, int object_index, const char *key)
{
    const jsmntok_t *obj;
    size_t klen;
    int k, n;
    if (doc == NULL || doc->tokens == NULL || key == NULL || object_index < 0 || object_index >= doc->count) {
        return -1;
    }
    obj = &jsmn_tokens(doc)[object_index];
    if (obj->type != JSMN_OBJECT) {
        return -1;
    }
    klen = strlen(key);
    k = object_index + 1;
    for (n = 0; n < obj->size && k + 1 < doc->count; n++) {
        const jsmntok_t *kt = &jsmn_tokens(doc)[k];
        if (kt->type != JSMN_STRING || kt->parent != object_index) {
            return -1; /* cannot happen after lkd_json_parse */
        }
        if ((size_t)(kt->end - kt->start) == klen && memcmp(doc->json + kt->start, key, klen) == 0) {
            return k + 1;
        }
        k = lkd_json_skip(doc, k);
    }
    return -1;
}

/* UTF-8 of code point cp (valid, not a surrogate) at out; returns its length. */
static size_t utf8_put(char *out, unsigned long cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* One pass over s[0..n): with write == 0 it only checks, with write == 1 it
 * decodes into s itself (the output never overtakes the input: an escape is
 * never shorter than what it stands for) and returns the decoded length in
 * *out_len.  Returns 0 on anything invalid; the checking pass runs first so a
 * failure leaves the buffer untouched. */
static int unescape(char *s, size_t n, int write, size_t *out_len)
{
    size_t r = 0, w = 0;
    while (r < n) {
        unsigned char c = (unsigned char)s[r];
        if (c < 0x20) {
            return 0;
        }
        if (c == '\\') {
            char e;
            if (r + 1 >= n) {
                return 0;
            }
            e = s[r + 1];
            if (e == 'u') {
                long cp = hex4(s + r + 2, n - (r + 2));
                r += 6;
                if (cp <= 0) {
                    return 0; /* bad hex, or \u0000 */
                }
                if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    return 0; /* low surrogate first */
                }
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    long lo;
                    if (r + 1 >= n || s[r] != '\\' || s[r + 1] != 'u') {
                        return 0; /* high surrogate alone */
                    }
                    lo = hex4(s + r + 2, n - (r + 2));
                    if (lo < 0xDC00 || lo > 0xDFFF) {
                        return 0;
                    }
                    r += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
                if (write) {
                    w += utf8_put(s + w, (unsigned long)cp);
                } else {
                    w += 1; /* the length is only needed from the writing pass */
                }
                continue;
            }
            switch (e) {
            case '"': c = '"'; break;
            case '\\': c = '\\'; break;
            case '/': c = '/'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            default: return 0;
            }
            if (write) {
                s[w] = (char)c;
            }
            w++;
            r += 2;
            continue;
        }
        {
            size_t len = utf8_seq_len((const unsigned char *)s + r, n - r);
            size_t i;
            if (len == 0) {
                return 0;
            }
            for (i = 0; i < len; i++) {
                if (write) {
                    s[w] = s[r];
                }
                w++;
                r++;
            }
        }
    }
    if (out_len != NULL) {
        *out_len = w;
    }
    return 1;
}

/* The token remembers that it was decoded by its end: before decoding,
 * json[end] is the closing quote; after, end is moved to the end of the
 * decoded text and json[end] is the NUL written there.  A raw string never
 * holds a NUL (lkd_json_parse rejects it), so the mark cannot be faked. */
lkd_status_t lkd_json_decode_string(lkd_json_doc_t *doc, int index, lkd_span_t *out)
{
    jsmntok_t *t;
    char *s;
    size_t n, w = 0;
    if (doc == NULL || doc->tokens == NULL || doc->json == NULL || out == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    if (index < 0 || index >= doc->count || jsmn_tokens(doc)[index].type != JSMN_STRING) {
        return LKD_ERR_MALFORMED;
    }
    t = &jsmn_tokens(doc)[index];
    if (t->start < 0 || t->end < t->start || (size_t)t->end >= doc->len) {
        return LKD_ERR_MALFORMED;
    }
    s = doc->json + t->start;
    n = (size_t)(t->end - t->start);
    if (doc->json[t->end] != '\0') {
        if (!unescape(s, n, 0, NULL)) {
            return LKD_ERR_MALFORMED;
        }
        (void)unescape(s, n, 1, &w);
        s[w] = '\0';
        t->end = t->start + (int)w;
    }
    out->ptr = s;
    out->len = (size_t)(t->end - t->start);
    return LKD_OK;
}

lkd_status_t lkd_json_get_int64(const lkd_json_doc_t *doc, int index, int64_t *out, uint8_t *is_null)
{
    const jsmntok_t *t;
    const char *s;
    size_t n, i = 0;
    int neg = 0;
    uint64_t mag = 0, limit;
    if (doc == NULL || doc->tokens == NULL || out == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    if (index < 0 || index >= doc->count) {
        return LKD_ERR_MALFORMED;
    }
    t = &jsmn_tokens(doc)[index];
    if (t->type != JSMN_PRIMITIVE) {
        return LKD_ERR_MALFORMED;
    }
    s = doc->json + t->start;
    n = (size_t)(t->end - t->start);
    if (literal_is(s, n, "null")) {
        if (is_null == NULL) {
            return LKD_ERR_MALFORMED;
        }
        *is_null = 1;
        *out = 0;
        return LKD_OK;
    }
    if (n > 0 && s[0] == '-') {
        neg = 1;
        i = 1;
    }
    if (i >= n || !is_digit(s[i]) || (s[i] == '0' && n - i > 1)) {
        return LKD_ERR_MALFORMED;
    }
    limit = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        unsigned d;
        if (!is_digit(s[i])) {
            return LKD_ERR_MALFORMED; /* fraction, exponent, garbage */
        }
        d = (unsigned)(s[i] - '0');
        if (mag > (limit - d) / 10u) {
            return LKD_ERR_MALFORMED; /* does not fit int64_t */
        }
        mag = mag * 10u + d;
    }
    if (neg) {
        *out = (mag == (uint64_t)INT64_MAX + 1u) ? INT64_MIN : -(int64_t)mag;
    } else {
        *out = (int64_t)mag;
    }
    if (is_null != NULL) {
        *is_null = 0;
    }
    return LKD_OK;
}

static const char hex_digits[] = "0123456789abcdef";

lkd_status_t lkd_json_write_string(char *out, size_t cap, size_t *pos, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t need = 2, room, i, w;
    int too_small = 0;
    if (out == NULL || pos == NULL || (s == NULL && len > 0)) {
        return LKD_ERR_ARG_NULL;
    }
    if (*pos > cap) {
        return LKD_ERR_ARG_RANGE;
    }
    room = cap - *pos;
    /* First pass: check everything and measure, so nothing is written when
     * the input is invalid or the output does not fit. */
    for (i = 0; i < len;) {
        size_t add, step = 1;
        unsigned char c = u[i];
        if (c == 0) {
            return LKD_ERR_ARG_FORMAT;
        }
        if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
            add = 2;
        } else if (c < 0x20) {
            add = 6;
        } else {
            step = utf8_seq_len(u + i, len - i);
            if (step == 0) {
                return LKD_ERR_ARG_FORMAT;
            }
            add = step;
        }
        i += step;
        if (!too_small) {
            if (add > room || need > room - add) {
                too_small = 1;
            } else {
                need += add;
            }
        }
    }
    if (too_small || need > room) {
        return LKD_ERR_BUFFER_TOO_SMALL;
    }
    w = *pos;
    out[w++] = '"';
    for (i = 0; i < len; i++) {
        unsigned char c = u[i];
        char e = 0;
        switch (c) {
        case '"': e = '"'; break;
        case '\\': e = '\\'; break;
        case '\b': e = 'b'; break;
        case '\f': e = 'f'; break;
        case '\n': e = 'n'; break;
        case '\r': e = 'r'; break;
        case '\t': e = 't'; break;
        default: break;
        }
        if (e != 0) {
            out[w++] = '\\';
            out[w++] = e;
        } else if (c < 0x20) {
            out[w++] = '\\';
            out[w++] = 'u';
            out[w++] = '0';
            out[w++] = '0';
            out[w++] = hex_digits[c >> 4];
            out[w++] = hex_digits[c & 0x0F];
        } else {
            out[w++] = (char)c;
        }
    }
    out[w++] = '"';
    *pos = w;
    return LKD_OK;
}
