/* SPDX-License-Identifier: MIT */
/*
 * lkd_pages.c - the FailedPages filter (see lkd_pages.h).  One byte at a
 * time, so that the result cannot depend on where the body was split: the
 * whole answer goes through the JSON grammar (RFC 8259), the client's only
 * check of it, whose state also follows the path
 * Response.FailedPages[*].PageNumber.  An entry leaves nothing behind but
 * its count and its PageNumber, so no entry needs room or tokens; jsmn then
 * tokenizes the bytes that passed, which are JSON since the original was.
 */
#include "lkd_pages.h"

#include <string.h>

#include "lkd_text.h"

enum {
    /* between tokens: what may come next */
    G_VALUE, G_KEY, G_COLON, G_VALUE_OR_CLOSE, G_KEY_OR_CLOSE, G_AFTER,
    /* a number: those before G_ZERO need more bytes, those from it may end */
    G_MINUS, G_DOT, G_EXP_MARK, G_EXP_SIGN, G_ZERO, G_INT, G_FRAC, G_EXP,
    /* inside a string or a literal */
    G_STR, G_ESC, G_HEX1, G_HEX2, G_HEX3, G_HEX4, G_LITERAL
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

/* The bytes that mean something between tokens and in numbers, by class
 * (their index; any other byte is C_OTHER). */
static const char classes[] = " \t\n\r\"{[}]:,tfn-0123456789.eE+";
enum { C_QUOTE = 4, C_OPEN_BRACE, C_OPEN_BRACKET, C_CLOSE_BRACE, C_CLOSE_BRACKET, C_COLON, C_COMMA, C_T,
       C_MINUS = 14, C_ZERO, C_DOT = 25, C_PLUS = 28, C_OTHER };
#define M_SPACE 0xFu
#define M_DIGITS (0x3FFu << C_ZERO)
#define M_EXP ((1u << (C_DOT + 1)) | (1u << (C_DOT + 2)))
#define M_VALUE (M_SPACE | 1u << C_QUOTE | 1u << C_OPEN_BRACE | 1u << C_OPEN_BRACKET | 7u << C_T | 1u << C_MINUS | M_DIGITS)

/* The classes each state below G_STR takes. */
static const uint32_t allowed[] = {
    M_VALUE,                                                                   /* G_VALUE */
    M_SPACE | 1u << C_QUOTE,                                                   /* G_KEY */
    M_SPACE | 1u << C_COLON,                                                   /* G_COLON */
    M_VALUE | 1u << C_CLOSE_BRACKET,                                           /* G_VALUE_OR_CLOSE */
    M_SPACE | 1u << C_QUOTE | 1u << C_CLOSE_BRACE,                             /* G_KEY_OR_CLOSE */
    M_SPACE | 1u << C_CLOSE_BRACE | 1u << C_CLOSE_BRACKET | 1u << C_COMMA,     /* G_AFTER */
    M_DIGITS,                                                                  /* G_MINUS */
    M_DIGITS,                                                                  /* G_DOT */
    M_DIGITS | 1u << C_MINUS | 1u << C_PLUS,                                   /* G_EXP_MARK */
    M_DIGITS,                                                                  /* G_EXP_SIGN */
    1u << C_DOT | M_EXP,                                                       /* G_ZERO */
    M_DIGITS | 1u << C_DOT | M_EXP,                                            /* G_INT */
    M_DIGITS | M_EXP,                                                          /* G_FRAC */
    M_DIGITS,                                                                  /* G_EXP */
};

void lkd_pages_start(lkd_pages_t *p, lkd_failed_page_t *keep, size_t cap)
{
    memset(p, 0, sizeof *p);
    p->keep = keep;
    p->cap = cap;
    /* Without keep, "Response" counts as seen: the path never starts, so
     * FailedPages passes like any member and keep is never written. */
    p->flags = keep == NULL ? F_SEEN0 << 1 : 0u;
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

/* 1 when the innermost open bracket (there is one) is '{'. */
static unsigned in_object(const lkd_pages_t *p)
{
    unsigned i = p->level - 1u;
    return (p->stack[i >> 3] >> (i & 7u)) & 1u;
}

/* ',' or a closing bracket, where the grammar takes it. */
static lkd_status_t separator(lkd_pages_t *p, unsigned i, unsigned s)
{
    unsigned level = p->level;
    if (s == G_AFTER) {
        if (level == 0) {
            return LKD_ERR_MALFORMED; /* after the top-level value */
        }
        if (level == 3 && p->path == 3 && take_entry(p) != LKD_OK) {
            return LKD_ERR_MALFORMED;
        }
    }
    if (i == C_COMMA) {
        p->state = in_object(p) ? G_KEY : G_VALUE;
        return LKD_OK;
    }
    if ((i == C_CLOSE_BRACE) != in_object(p)) {
        return LKD_ERR_MALFORMED;
    }
    if (p->path == level) {
        p->path--;
    }
    p->level--;
    p->state = G_AFTER;
    return LKD_OK;
}

/* A number in state s goes on with c, of class i. */
static void number_byte(lkd_pages_t *p, unsigned i, unsigned s, unsigned c)
{
    unsigned next = i == C_DOT ? G_DOT : i > C_DOT ? (i == C_PLUS ? G_EXP_SIGN : G_EXP_MARK)
                    : i == C_MINUS ? G_EXP_SIGN : s == G_MINUS ? (i == C_ZERO ? G_ZERO : G_INT)
                    : s == G_DOT ? G_FRAC : s <= G_EXP_SIGN ? G_EXP : s;
    if ((next != G_ZERO && next != G_INT) || p->magnitude > (uint64_t)INT64_MAX / 10u) {
        p->flags &= ~F_DIGITS; /* a fraction, an exponent, or too large: unnumbered */
    } else if (p->flags & F_DIGITS) {
        p->magnitude = p->magnitude * 10u + (c - '0');
    }
    p->state = (uint8_t)next;
}

/* A key starts: it may be the path's (the level is at most 4 where the path reaches it). */
static void key_start(lkd_pages_t *p)
{
    unsigned level = p->level;
    p->key = (uint8_t)(p->path == level && !(p->flags & (F_SEEN0 << level)) ? name_at[level] : NO_MATCH);
    p->flags |= F_KEY;
    p->state = G_STR;
}

/* A bracket opens, on the path when it is the value the path expects there. */
static lkd_status_t open_bracket(lkd_pages_t *p, unsigned i, int on)
{
    unsigned level = p->level;
    uint8_t *w = &p->stack[level >> 3], bit = (uint8_t)(1u << (level & 7u));
    if (level == LKD_PAGES_MAX_DEPTH) {
        return LKD_ERR_RESPONSE_TOO_LARGE;
    }
    if (on && level != 4 && i == (level == 2 ? C_OPEN_BRACKET : C_OPEN_BRACE)) {
        p->path++;
    }
    *w = (uint8_t)(i == C_OPEN_BRACE ? *w | bit : *w & ~bit);
    p->level++;
    p->state = i == C_OPEN_BRACE ? G_KEY_OR_CLOSE : G_VALUE_OR_CLOSE;
    return LKD_OK;
}

/* A value starts with c, of class i. */
static lkd_status_t value_start(lkd_pages_t *p, unsigned i, unsigned c)
{
    unsigned level = p->level;
    int on = p->path == level && (level == 0 || level == 3 || (p->flags & F_ARMED));
    p->flags &= ~(F_ARMED | F_KEY);
    p->key = NO_MATCH;
    if (i == C_OPEN_BRACE || i == C_OPEN_BRACKET) {
        return open_bracket(p, i, on);
    }
    if (i == C_QUOTE) {
        p->state = G_STR;
    } else if (i < C_MINUS) {
        p->key = (uint8_t)(i == C_T ? 32u : i == C_T + 1u ? 36u : 41u); /* the literal's second letter */
        p->state = G_LITERAL;
    } else {
        if (on && level == 4) {
            p->flags |= F_DIGITS | (i == C_MINUS ? F_NEG : 0u);
            p->magnitude = i == C_MINUS ? 0u : c - '0';
        }
        p->state = i == C_MINUS ? G_MINUS : i == C_ZERO ? G_ZERO : G_INT;
    }
    return LKD_OK;
}

/* The class of c (its index in classes, or C_OTHER). */
static unsigned class_of(unsigned c)
{
    const char *hit = memchr(classes, (int)c, sizeof classes - 1u);
    return hit != NULL ? (unsigned)(hit - classes) : C_OTHER;
}

static lkd_status_t grammar_byte(lkd_pages_t *p, unsigned c)
{
    unsigned s = p->state, i;
    if (s >= G_STR) {
        return token_byte(p, c);
    }
    i = class_of(c);
    while (!((allowed[s] >> i) & 1u)) {
        if (s < G_ZERO) {
            return LKD_ERR_MALFORMED;
        }
        if (p->flags & F_DIGITS) { /* the number ended */
            p->flags |= F_INT;
        }
        p->flags &= ~F_DIGITS;
        s = G_AFTER;
    }
    p->state = (uint8_t)s;
    if (i < C_QUOTE) {
        return LKD_OK; /* white space */
    }
    if (i == C_COLON) {
        p->state = G_VALUE;
    } else if (i == C_COMMA || i == C_CLOSE_BRACE || i == C_CLOSE_BRACKET) {
        return separator(p, i, s);
    } else if (s >= G_MINUS) {
        number_byte(p, i, s, c);
    } else if (s == G_KEY || s == G_KEY_OR_CLOSE) {
        key_start(p);
    } else {
        return value_start(p, i, c);
    }
    return LKD_OK;
}

lkd_status_t lkd_pages_put(lkd_pages_t *p, const uint8_t *in, size_t len, char *buf, size_t cap, size_t *buf_len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        unsigned c = in[i], before = p->path;
        lkd_status_t st = grammar_byte(p, c);
        if (st != LKD_OK) {
            return st;
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
    /* Outside every bracket, after the whole value (a bare number ends only
     * with white space after it, as jsmn wants; the API's answer is an object). */
    return p->level == 0 && p->state == G_AFTER ? LKD_OK : LKD_ERR_MALFORMED;
}
