/* SPDX-License-Identifier: MIT */
/*
 * lkd_pages.c - the FailedPages filter (see lkd_pages.h).  One byte at a
 * time, so that the result cannot depend on where the body was split: the
 * whole answer goes through the JSON grammar (RFC 8259, the one
 * lkd_json_parse checks), whose state also follows the path
 * Response.FailedPages[*].PageNumber.  An entry leaves nothing behind but
 * its count and its PageNumber, so no entry needs room or tokens, and the
 * bytes that pass are judged once more by jsmn in the buffer.
 */
#include "lkd_pages.h"

#include <string.h>

#include "lkd_text.h"

enum {
    /* between tokens: what may come next */
    G_VALUE, G_KEY, G_COLON, G_VALUE_OR_CLOSE, G_KEY_OR_CLOSE, G_AFTER,
    /* inside a token */
    G_STR, G_ESC, G_HEX1, G_HEX2, G_HEX3, G_HEX4, G_LITERAL,
    /* a number: those before G_ZERO need more bytes, those from it may end */
    G_MINUS, G_DOT, G_EXP_MARK, G_EXP_SIGN, G_ZERO, G_INT, G_FRAC, G_EXP
};

#define F_KEY 1u     /* the string being read is a key */
#define F_ARMED 2u   /* the key that just went by is the path's: the next value is its */
#define F_DIGITS 4u  /* the value being read is the entry's PageNumber, an integer so far */
#define F_INT 8u     /* the entry's PageNumber was an integer, whose magnitude is kept */
#define F_NEG 16u    /* ... with a minus sign */
#define F_SEEN0 32u  /* << level: that level's key on the path went by (the first one counts) */
#define F_SEEN_PAGE_NUMBER (F_SEEN0 << 4)

/* The path's keys by level (1, 2, 4: level 3 is the array), then the
 * literals' letters after their first, then a byte no string byte is
 * compared with (a string's quote ends it first): NO_MATCH. */
static const char names[] = "Response\0FailedPages\0PageNumber\0rue\0alse\0ull\0\"";
#define NO_MATCH 45u
static const uint8_t name_at[] = {0, 0, 9, 0, 21};

/* Number states from G_MINUS, by the byte: '0', 1-9, '.', e or E, + or -;
 * 0: the byte is not part of the number. */
static const uint8_t number_next[8][5] = {
    {G_ZERO, G_INT, 0, 0, 0},             /* G_MINUS */
    {G_FRAC, G_FRAC, 0, 0, 0},            /* G_DOT */
    {G_EXP, G_EXP, 0, 0, G_EXP_SIGN},     /* G_EXP_MARK */
    {G_EXP, G_EXP, 0, 0, 0},              /* G_EXP_SIGN */
    {0, 0, G_DOT, G_EXP_MARK, 0},         /* G_ZERO */
    {G_INT, G_INT, G_DOT, G_EXP_MARK, 0}, /* G_INT */
    {G_FRAC, G_FRAC, 0, G_EXP_MARK, 0},   /* G_FRAC */
    {G_EXP, G_EXP, 0, 0, 0},              /* G_EXP */
};

void lkd_pages_start(lkd_pages_t *p, lkd_failed_page_t *keep, size_t cap)
{
    memset(p, 0, sizeof *p);
    p->keep = keep;
    p->cap = cap;
}

/* An entry ended: count it, keep its number. */
static lkd_status_t take_entry(lkd_pages_t *p)
{
    unsigned neg = (p->flags & F_NEG) != 0;
    uint64_t m = p->magnitude;
    if (p->total == (size_t)-1) {
        return LKD_ERR_MALFORMED;
    }
    p->total++;
    if (!(p->flags & F_INT) || m > (uint64_t)INT64_MAX + neg) {
        p->unnumbered++;
    } else if (p->stored < p->cap) {
        /* -(m - 1) - 1: -2^63 is no int64_t's negation */
        p->keep[p->stored++].page_number = neg && m > 0 ? -(int64_t)(m - 1u) - 1 : (int64_t)m;
    }
    p->flags &= ~(F_SEEN_PAGE_NUMBER | F_INT | F_NEG);
    return LKD_OK;
}

/* A byte of a number; 1 when it ended the number and must be read again. */
static int number_byte(lkd_pages_t *p, unsigned c, lkd_status_t *st)
{
    unsigned s = p->state;
    unsigned k = c == '0' ? 0u : c - '1' < 9u ? 1u : c == '.' ? 2u : (c | 0x20u) == 'e' ? 3u : c == '+' || c == '-' ? 4u : 5u;
    unsigned next = k < 5u ? number_next[s - G_MINUS][k] : 0u;
    *st = LKD_OK;
    if (next == 0) {
        if (s < G_ZERO) {
            *st = LKD_ERR_MALFORMED;
            return 0;
        }
        if (p->flags & F_DIGITS) {
            p->flags |= F_INT;
        }
        p->flags &= ~F_DIGITS;
        p->state = G_AFTER;
        return 1;
    }
    if (next - G_ZERO >= 2u || p->magnitude > (uint64_t)INT64_MAX / 10u) {
        p->flags &= ~F_DIGITS; /* a fraction, an exponent, or too large: unnumbered */
    }
    p->magnitude = p->magnitude * 10u + (c - '0'); /* meaningful only while F_DIGITS */
    p->state = (uint8_t)next;
    return 0;
}

/* A byte inside a string or a literal. */
static lkd_status_t token_byte(lkd_pages_t *p, unsigned c)
{
    unsigned s = p->state;
    if (s == G_STR) {
        if (c < 0x20u) {
            return LKD_ERR_MALFORMED;
        }
        if (c == '"') {
            if (names[p->key] == '\0') {
                p->flags |= F_ARMED | (F_SEEN0 << p->level);
            }
            p->state = (p->flags & F_KEY) ? G_COLON : G_AFTER;
        } else {
            /* raw, as lkd_json_find_key compares: an escaped letter never matches */
            p->key = (uint8_t)((unsigned char)names[p->key] == c ? p->key + 1u : NO_MATCH);
            p->state = c == '\\' ? G_ESC : G_STR;
        }
    } else if (s == G_ESC) {
        const char *e = memchr("\"\\/bfnrtu", (int)c, 9);
        if (e == NULL) {
            return LKD_ERR_MALFORMED;
        }
        p->state = *e == 'u' ? G_HEX1 : G_STR;
    } else if (s == G_LITERAL) {
        if ((unsigned char)names[p->key] != c) {
            return LKD_ERR_MALFORMED;
        }
        if (names[++p->key] == '\0') {
            p->state = G_AFTER;
        }
    } else {
        if (lkd_text_hex_value((char)c) < 0) {
            return LKD_ERR_MALFORMED;
        }
        p->state = (uint8_t)(s == G_HEX4 ? G_STR : s + 1u);
    }
    return LKD_OK;
}

/* The first byte of a value; a digit is then read again, in G_MINUS. */
static lkd_status_t value_start(lkd_pages_t *p, unsigned c)
{
    unsigned level = p->level;
    int on = p->path == level && (level == 0 || level == 3 || (p->flags & F_ARMED));
    p->flags &= ~(F_ARMED | F_KEY);
    p->key = NO_MATCH;
    if (c == '{' || c == '[') {
        uint8_t *w = &p->stack[level >> 3], bit = (uint8_t)(1u << (level & 7u));
        if (level == LKD_PAGES_MAX_DEPTH) {
            return LKD_ERR_RESPONSE_TOO_LARGE;
        }
        if (on && level != 4 && c == (level == 2 ? '[' : '{')) {
            p->path++;
        }
        *w = (uint8_t)(c == '{' ? *w | bit : *w & ~bit);
        p->level++;
        p->state = c == '{' ? G_KEY_OR_CLOSE : G_VALUE_OR_CLOSE;
    } else if (c == '"') {
        p->state = G_STR;
    } else if (c == 't' || c == 'f' || c == 'n') {
        p->key = c == 't' ? 32u : c == 'f' ? 36u : 41u;
        p->state = G_LITERAL;
    } else if (c == '-' || c - '0' < 10u) {
        if (on && level == 4) {
            p->flags |= F_DIGITS | (c == '-' ? F_NEG : 0u);
        }
        p->magnitude = 0;
        p->state = G_MINUS;
    } else {
        return LKD_ERR_MALFORMED;
    }
    return LKD_OK;
}

/* A byte between tokens, or one that starts a token. */
/* 1 when the innermost open bracket (there is one) is '{'. */
static unsigned in_object(const lkd_pages_t *p)
{
    unsigned i = p->level - 1u;
    return (p->stack[i >> 3] >> (i & 7u)) & 1u;
}

static lkd_status_t structure_byte(lkd_pages_t *p, unsigned c)
{
    unsigned s = p->state, closes = c == '}' || c == ']';
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        return LKD_OK;
    }
    if (s == G_COLON) {
        p->state = G_VALUE;
        return c == ':' ? LKD_OK : LKD_ERR_MALFORMED;
    }
    if (s == G_AFTER && (closes || c == ',')) {
        if (p->level == 0) {
            return LKD_ERR_MALFORMED; /* after the top-level value */
        }
        if (p->level == 3 && p->path == 3 && take_entry(p) != LKD_OK) {
            return LKD_ERR_MALFORMED;
        }
        if (c == ',') {
            p->state = in_object(p) ? G_KEY : G_VALUE;
            return LKD_OK;
        }
    }
    if (closes && s >= G_VALUE_OR_CLOSE) {
        if (c != (in_object(p) ? '}' : ']')) {
            return LKD_ERR_MALFORMED;
        }
        if (p->path == p->level) {
            p->path--;
        }
        p->level--;
        p->state = G_AFTER;
        return LKD_OK;
    }
    if (s == G_KEY || s == G_KEY_OR_CLOSE) {
        /* the level is at most 4 where the path reaches it */
        p->key = (uint8_t)(p->path == p->level && !(p->flags & (F_SEEN0 << p->level)) ? name_at[p->level] : NO_MATCH);
        p->flags |= F_KEY;
        p->state = G_STR;
        return c == '"' ? LKD_OK : LKD_ERR_MALFORMED;
    }
    if (s == G_AFTER) {
        return LKD_ERR_MALFORMED;
    }
    return value_start(p, c);
}

static lkd_status_t grammar_byte(lkd_pages_t *p, unsigned c)
{
    for (;;) {
        lkd_status_t st;
        if (p->state >= G_MINUS) {
            if (number_byte(p, c, &st)) {
                continue;
            }
            return st;
        }
        if (p->state >= G_STR) {
            return token_byte(p, c);
        }
        st = structure_byte(p, c);
        if (st != LKD_OK || p->state != G_MINUS || c == '-') {
            return st;
        }
    }
}

lkd_status_t lkd_pages_put(lkd_pages_t *p, const uint8_t *in, size_t len, char *buf, size_t cap, size_t *buf_len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        unsigned c = in[i], before = p->path;
        if (p->keep != NULL) {
            lkd_status_t st = grammar_byte(p, c);
            if (st != LKD_OK) {
                return st;
            }
        }
        if (before < 3 || p->path < 3) { /* FailedPages' content does not pass, its brackets do */
            if (*buf_len >= cap) {
                return LKD_ERR_RESPONSE_TOO_LARGE;
            }
            buf[(*buf_len)++] = (char)c;
        }
    }
    return LKD_OK;
}

lkd_status_t lkd_pages_end(const lkd_pages_t *p)
{
    return p->path >= 3 ? LKD_ERR_MALFORMED : LKD_OK;
}
