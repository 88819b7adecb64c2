/* SPDX-License-Identifier: MIT */
/*
 * lkd_json.c - bounded helpers over jsmn tokens, and the one copy of jsmn.
 *
 * jsmn is a tokenizer, not a validator: even with JSMN_STRICT it accepts
 * "[1 2]", "[1,,2]", "{"a":1,}", "{"a" "b"}", "{"a":}", primitives such as
 * "tru", "01" or "1.", several top-level values, and it stops silently at a
 * NUL byte.  The client checks the grammar once, as the body streams in
 * (lkd_pages.c), and runs jsmn only on a body that passed: its token tree is
 * then the one jsmn builds for valid JSON, and the helpers below can trust
 * sizes and parent links.  On other text they still stay inside the text
 * and the token array (every index and offset is checked), but what they
 * answer means nothing.
 */

/* The implementation of jsmn lives here and only here: JSMN_STATIC makes its
 * functions static, so the library exports no jsmn symbol and an application
 * may link its own jsmn, built however it likes. */
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#define JSMN_STATIC
#include <jsmn.h>

#include "lkd_json.h"
#include "lkd_text.h"

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

/* Four hex digits at s (n bytes available) as a code unit, or -1. */
static long hex4(const char *s, size_t n)
{
    long v = 0;
    size_t i;
    if (n < 4) {
        return -1;
    }
    for (i = 0; i < 4; i++) {
        int h = lkd_text_hex_value(s[i]);
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

static int literal_is(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return n == m && memcmp(s, lit, m) == 0;
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
    return LKD_OK;
}

int lkd_json_absent(const lkd_json_doc_t *doc, int index)
{
    const jsmntok_t *t;
    if (index < 0) {
        return 1;
    }
    if (doc == NULL || doc->tokens == NULL || index >= doc->count) {
        return 0;
    }
    t = &jsmn_tokens(doc)[index];
    return t->type == JSMN_PRIMITIVE && literal_is(doc->json + t->start, (size_t)(t->end - t->start), "null");
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
            return -1; /* cannot happen on JSON */
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

/* The character a one-letter escape (\" \\ \/ \b \f \n \r \t) stands for, or
 * 0 for any other letter. */
static char simple_escape(char e)
{
    switch (e) {
    case '"': return '"';
    case '\\': return '\\';
    case '/': return '/';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return 0;
    }
}

/* The code point of the \uXXXX escape at s[0..n), or of the surrogate pair
 * \uD8XX\uDCXX there, and in *used the bytes it takes; -1 for bad hex,
 * \u0000, a low surrogate first or a high surrogate alone. */
static long code_point_escape(const char *s, size_t n, size_t *used)
{
    long cp = hex4(s + 2, n - 2), lo;
    *used = 6;
    if (cp <= 0 || (cp >= 0xDC00 && cp <= 0xDFFF)) {
        return -1;
    }
    if (cp < 0xD800 || cp > 0xDBFF) {
        return cp;
    }
    if (n < 8 || s[6] != '\\' || s[7] != 'u') {
        return -1;
    }
    lo = hex4(s + 8, n - 8);
    if (lo < 0xDC00 || lo > 0xDFFF) {
        return -1;
    }
    *used = 12;
    return 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
}

/* The escape at s[0..n) (s[0] is its backslash, n >= 2): what it stands for
 * goes to out unless out is NULL, and in *used the bytes it takes.  Returns
 * the decoded length, 0 when the escape is invalid.  Everything is read
 * before out is written, so out may point into s before the escape. */
static size_t decode_escape(const char *s, size_t n, char *out, size_t *used)
{
    char scratch[4];
    char *o = out != NULL ? out : scratch;
    long cp;
    if (s[1] != 'u') {
        char c = simple_escape(s[1]);
        *used = 2;
        if (c == 0) {
            return 0;
        }
        o[0] = c;
        return 1;
    }
    cp = code_point_escape(s, n, used);
    return cp > 0 ? utf8_put(o, (unsigned long)cp) : 0;
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
        size_t used, len;
        if ((unsigned char)s[r] < 0x20 || (s[r] == '\\' && r + 1 >= n)) {
            return 0;
        }
        if (s[r] == '\\') {
            len = decode_escape(s + r, n - r, write ? s + w : NULL, &used);
        } else {
            len = used = utf8_seq_len((const unsigned char *)s + r, n - r);
            if (write) {
                memmove(s + w, s + r, len);
            }
        }
        if (len == 0) {
            return 0;
        }
        r += used;
        w += len;
    }
    if (out_len != NULL) {
        *out_len = w;
    }
    return 1;
}

/* The token remembers that it was decoded by its end: before decoding,
 * json[end] is the closing quote; after, end is moved to the end of the
 * decoded text and json[end] is the NUL written there.  A raw string never
 * holds a NUL (jsmn ends its input at one, and the grammar refuses it), so
 * the mark cannot be faked. */
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
    if (lkd_json_absent(doc, index)) {
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
    limit = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    /* Only digits (no fraction, exponent or garbage), no leading zero, and a
     * value int64_t holds. */
    if (i >= n || (s[i] == '0' && n - i > 1) || lkd_text_parse_u64(s + i, n - i, &mag) != n - i || mag > limit) {
        return LKD_ERR_MALFORMED;
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

/* The letter of c's two-byte JSON escape (\" \\ \b \f \n \r \t), or 0. */
static char escape_letter(unsigned char c)
{
    switch (c) {
    case '"': return '"';
    case '\\': return '\\';
    case '\b': return 'b';
    case '\f': return 'f';
    case '\n': return 'n';
    case '\r': return 'r';
    case '\t': return 't';
    default: return 0;
    }
}

/* The bytes the character at u[0..n) (n > 0) takes in a JSON string, and in
 * *step the bytes it is; 0 when it is a NUL or not well-formed UTF-8. */
static size_t escaped_char_len(const unsigned char *u, size_t n, size_t *step)
{
    *step = 1;
    if (u[0] == 0) {
        return 0;
    }
    if (escape_letter(u[0]) != 0) {
        return 2;
    }
    if (u[0] < 0x20) {
        return 6; /* \u00XX */
    }
    *step = utf8_seq_len(u, n);
    return *step;
}

/* Check all of u[0..len) and measure it quoted and escaped.  *fits says
 * whether that is at most room bytes (the sum stops growing past room, so it
 * cannot overflow).  Errors: LKD_ERR_ARG_FORMAT (a NUL, not UTF-8): whatever
 * room. */
static lkd_status_t measure_string(const unsigned char *u, size_t len, size_t room, int *fits)
{
    size_t i = 0, need = 2;
    *fits = need <= room;
    while (i < len) {
        size_t step, add = escaped_char_len(u + i, len - i, &step);
        if (add == 0) {
            return LKD_ERR_ARG_FORMAT;
        }
        if (*fits && (add > room || need > room - add)) {
            *fits = 0;
        }
        need += *fits ? add : 0;
        i += step;
    }
    return LKD_OK;
}

/* Byte c as JSON string content at out; returns how many bytes it took. */
static size_t put_escaped(char *out, unsigned char c)
{
    char e = escape_letter(c);
    if (e != 0) {
        out[0] = '\\';
        out[1] = e;
        return 2;
    }
    if (c < 0x20) {
        out[0] = '\\';
        out[1] = 'u';
        out[2] = '0';
        out[3] = '0';
        out[4] = lkd_text_hex_digit(c >> 4);
        out[5] = lkd_text_hex_digit(c);
        return 6;
    }
    out[0] = (char)c;
    return 1;
}

lkd_status_t lkd_json_write_string(char *out, size_t cap, size_t *pos, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i, w;
    int fits = 0;
    lkd_status_t st;
    if (out == NULL || pos == NULL || (s == NULL && len > 0)) {
        return LKD_ERR_ARG_NULL;
    }
    if (*pos > cap) {
        return LKD_ERR_ARG_RANGE;
    }
    /* First pass: check everything and measure, so nothing is written when
     * the input is invalid or the output does not fit. */
    st = measure_string(u, len, cap - *pos, &fits);
    if (st != LKD_OK) {
        return st;
    }
    if (!fits) {
        return LKD_ERR_BUFFER_TOO_SMALL;
    }
    w = *pos;
    out[w++] = '"';
    for (i = 0; i < len; i++) {
        w += put_escaped(out + w, u[i]);
    }
    out[w++] = '"';
    *pos = w;
    return LKD_OK;
}
