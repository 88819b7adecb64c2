/* SPDX-License-Identifier: MIT */
/*
 * lkd_pages.c - the FailedPages filter (see lkd_pages.h).  One byte at a
 * time through one state machine, so that the result cannot depend on where
 * the body was split.  Outside the array it only follows strings and
 * brackets to find the path (jsmn judges those bytes later); inside it checks
 * the whole grammar, because nothing else will see those bytes.
 */
#include "lkd_pages.h"

#include <string.h>

#include "lkd_text.h"

enum {
    /* Outside FailedPages: every byte passes. */
    O_JSON,
    O_STR,
    O_ESC,
    O_KEY,   /* a string that may be the key on the path */
    O_COLON, /* after that key */
    O_VALUE, /* after its colon */
    /* Inside: only the closing bracket passes.  I_FIRST..I_NEXT skip whitespace. */
    I_FIRST, /* after '[': a value or ']' */
    I_VALUE,
    I_KEY_FIRST, /* after '{': a key or '}' */
    I_KEY,
    I_COLON,
    I_NEXT, /* after a value: ',' or the closing bracket */
    I_STR,
    I_ESC,
    I_HEX,
    I_LIT,
    I_NUM
};

#define F_SEEN_RESPONSE 1u /* the top object's key "Response" went by */
#define F_IN_RESPONSE 2u   /* depth 2 is its object */
#define F_SEEN_PAGES 4u    /* its key "FailedPages" went by */
#define F_KEY_NEXT 8u      /* outside: a string here is a key (after '{' or ',') */
#define F_IS_KEY 16u       /* inside: the string being read is a key */
#define F_INTEGER 32u      /* inside: the number being read is an integer that fits, so far */

/* The current entry's PageNumber: none yet, its value comes next, is a
 * number being read, was a usable number, was anything else. */
enum { P_NONE, P_AWAIT, P_NUMBER, P_GOOD, P_BAD };

/* Parts of a number: before it, after '-', "0", more digits, '.', fraction,
 * 'e', exponent sign, exponent digits. */
enum { N_START, N_MINUS, N_ZERO, N_INT, N_DOT, N_FRAC, N_E, N_ESIGN, N_EXP };

/* What follows t, f and n (from 0, 4 and 9). */
static const char literal_tails[] = "rue\0alse\0ull";
static const char page_key[] = "PageNumber";

void lkd_pages_start(lkd_pages_t *p, lkd_failed_page_t *keep, size_t cap)
{
    memset(p, 0, sizeof *p);
    p->keep = keep;
    p->cap = keep != NULL ? cap : 0;
    p->flags = keep != NULL ? 0 : F_SEEN_RESPONSE; /* no path can match */
}

static int is_space(unsigned c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A value inside ended (-1: more entries than a size_t counts). */
static int value_done(lkd_pages_t *p)
{
    if (p->page == P_NUMBER) {
        p->page = P_BAD;
        if (p->flags & F_INTEGER) {
            p->page = P_GOOD;
            if (p->stored < p->cap) {
                p->keep[p->stored++].page_number = (int64_t)p->number;
            }
        }
    }
    p->state = I_NEXT;
    if (p->level == 1) { /* an entry of FailedPages */
        if (p->total == (size_t)-1) {
            return -1;
        }
        p->total++;
        p->unnumbered += p->page != P_GOOD;
        p->page = P_NONE;
    }
    return 0;
}

static int open_container(lkd_pages_t *p, unsigned c)
{
    if (p->level >= LKD_PAGES_MAX_DEPTH) {
        return -1;
    }
    p->objects = (p->objects << 1) | (c == '{');
    p->level++;
    p->state = c == '{' ? I_KEY_FIRST : I_FIRST;
    return 0;
}

/* 1 when it closed FailedPages itself: that bracket passes. */
static int close_container(lkd_pages_t *p, unsigned c)
{
    if ((c == '}') != (p->objects & 1u)) {
        return -1;
    }
    p->objects >>= 1;
    if (--p->level == 0) {
        p->state = O_JSON;
        return 1;
    }
    return value_done(p);
}

/* The byte after a number's integer or fraction part: an exponent, or the
 * end of the number (then c is reread: 1). */
static int number_tail(lkd_pages_t *p, unsigned c)
{
    if (c == 'e' || c == 'E') {
        p->sub = N_E;
        p->flags &= ~F_INTEGER;
        return 0;
    }
    return value_done(p) < 0 ? -1 : 1;
}

/* Inside a number: -1 bad grammar, 0 taken, 1 the number ended before c. */
static int number_byte(lkd_pages_t *p, unsigned c)
{
    unsigned d = c - '0';
    int digit = d <= 9;
    switch (p->sub) {
    case N_START:
        if (c == '-') {
            p->flags &= ~F_INTEGER; /* a negative page is no page */
            p->sub = N_MINUS;
            return 0;
        }
        /* fall through */
    case N_MINUS:
        if (!digit) {
            return -1;
        }
        p->sub = d == 0 ? N_ZERO : N_INT;
        p->number = d;
        return 0;
    case N_INT:
        if (digit) {
            if (p->number > (uint64_t)(INT64_MAX - d) / 10u) {
                p->flags &= ~F_INTEGER; /* too large */
            } else {
                p->number = p->number * 10u + d;
            }
            return 0;
        }
        /* fall through */
    case N_ZERO:
        if (c == '.') {
            p->sub = N_DOT;
            p->flags &= ~F_INTEGER;
            return 0;
        }
        return number_tail(p, c);
    case N_DOT:
    case N_ESIGN:
        if (!digit) {
            return -1;
        }
        p->sub = p->sub == N_DOT ? N_FRAC : N_EXP;
        return 0;
    case N_FRAC:
        return digit ? 0 : number_tail(p, c);
    case N_E:
        if (c == '+' || c == '-' || digit) {
            p->sub = digit ? N_EXP : N_ESIGN;
            return 0;
        }
        return -1;
    default: /* N_EXP */
        return digit ? 0 : (value_done(p) < 0 ? -1 : 1);
    }
}

/* Outside: 1 (every byte passes). */
static int outside_byte(lkd_pages_t *p, unsigned c)
{
    const char *key = (p->flags & F_IN_RESPONSE) ? "FailedPages" : "Response";
    switch (p->state) {
    case O_KEY:
        if (c == '"' && key[p->match] == '\0') {
            p->flags |= (p->flags & F_IN_RESPONSE) ? F_SEEN_PAGES : F_SEEN_RESPONSE;
            p->state = O_COLON;
            return 1;
        }
        if (key[p->match] != '\0' && c == (unsigned char)key[p->match]) {
            p->match++;
            return 1;
        }
        p->state = O_STR; /* not the key: an ordinary string from here */
        return outside_byte(p, c);
    case O_STR:
        p->state = c == '\\' ? O_ESC : c == '"' ? O_JSON : O_STR;
        return 1;
    case O_ESC:
        p->state = O_STR;
        return 1;
    case O_COLON:
    case O_VALUE:
        if (is_space(c)) {
            return 1;
        }
        if (p->state == O_COLON && c == ':') {
            p->state = O_VALUE;
            return 1;
        }
        if (p->state == O_VALUE && (p->flags & F_IN_RESPONSE) && c == '[') {
            p->state = I_FIRST;
            p->level = 1;
            p->objects = 0;
            p->page = P_NONE;
            return 1;
        }
        if (p->state == O_VALUE && !(p->flags & F_IN_RESPONSE) && c == '{') {
            p->flags |= F_IN_RESPONSE;
        }
        p->state = O_JSON;
        return outside_byte(p, c);
    default: /* O_JSON */
        if (c == '"') {
            p->state = O_STR;
            if ((p->flags & F_KEY_NEXT) &&
                ((p->depth == 1 && !(p->flags & F_SEEN_RESPONSE)) ||
                 (p->depth == 2 && (p->flags & (F_IN_RESPONSE | F_SEEN_PAGES)) == F_IN_RESPONSE))) {
                p->state = O_KEY;
                p->match = 0;
            }
        } else if (c == '{' || c == '[') {
            p->depth++;
        } else if ((c == '}' || c == ']') && p->depth > 0 && --p->depth < 2) {
            p->flags &= ~F_IN_RESPONSE;
        }
        if (!is_space(c)) {
            p->flags = (uint8_t)((p->flags & ~F_KEY_NEXT) | (c == '{' || c == ',' ? F_KEY_NEXT : 0));
        }
        return 1;
    }
}

/* Inside FailedPages: -1 bad grammar, 0 consumed, 1 passes (the last ']'). */
static int inside_byte(lkd_pages_t *p, unsigned c)
{
    int r;
    if (p->state <= I_NEXT && is_space(c)) {
        return 0;
    }
    switch (p->state) {
    case I_FIRST:
        if (c == ']') {
            return close_container(p, c);
        }
        /* fall through */
    case I_VALUE:
        if (p->page == P_AWAIT) {
            p->page = (c == '-' || c - '0' <= 9) ? P_NUMBER : P_BAD;
        }
        if (c == '{' || c == '[') {
            return open_container(p, c);
        }
        if (c == '"') {
            p->state = I_STR;
            p->flags &= ~F_IS_KEY;
            return 0;
        }
        if (c == 't' || c == 'f' || c == 'n') {
            p->state = I_LIT;
            p->sub = c == 't' ? 0 : c == 'f' ? 4 : 9;
            return 0;
        }
        p->state = I_NUM;
        p->sub = N_START;
        p->flags |= F_INTEGER;
        return number_byte(p, c) < 0 ? -1 : 0; /* it cannot end on its first byte */
    case I_KEY_FIRST:
        if (c == '}') {
            return close_container(p, c);
        }
        /* fall through */
    case I_KEY:
        if (c != '"') {
            return -1;
        }
        p->state = I_STR;
        p->flags |= F_IS_KEY;
        p->match = p->level == 2 && p->page == P_NONE ? 0 : 0xff; /* an entry's first PageNumber */
        return 0;
    case I_COLON:
        if (c != ':') {
            return -1;
        }
        p->state = I_VALUE;
        return 0;
    case I_NEXT:
        if (c == ',') {
            p->state = (p->objects & 1u) ? I_KEY : I_VALUE;
            return 0;
        }
        return c == '}' || c == ']' ? close_container(p, c) : -1;
    case I_STR:
        if (c == '"') {
            if (!(p->flags & F_IS_KEY)) {
                return value_done(p);
            }
            if (p->match == sizeof page_key - 1) {
                p->page = P_AWAIT;
            }
            p->state = I_COLON;
            return 0;
        }
        if (c < 0x20) {
            return -1;
        }
        if (c == '\\') {
            p->state = I_ESC;
        }
        if (p->match != 0xff) {
            p->match = p->match < sizeof page_key - 1 && c == (unsigned char)page_key[p->match] ? p->match + 1 : 0xff;
        }
        return 0;
    case I_ESC:
        if (c == 'u') {
            p->state = I_HEX;
            p->sub = 4;
            return 0;
        }
        p->state = I_STR;
        return memchr("\"\\/bfnrt", (int)c, 8) != NULL ? 0 : -1;
    case I_HEX:
        if (lkd_text_hex_value((char)c) < 0) {
            return -1;
        }
        if (--p->sub == 0) {
            p->state = I_STR;
        }
        return 0;
    case I_LIT:
        if (c != (unsigned char)literal_tails[p->sub]) {
            return -1;
        }
        return literal_tails[++p->sub] == '\0' ? value_done(p) : 0;
    default: /* I_NUM */
        r = number_byte(p, c);
        return r <= 0 ? r : inside_byte(p, c);
    }
}

lkd_status_t lkd_pages_put(lkd_pages_t *p, const uint8_t *in, size_t len, char *buf, size_t cap, size_t *buf_len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        unsigned c = in[i];
        int r = p->state >= I_FIRST ? inside_byte(p, c) : outside_byte(p, c);
        if (r < 0) {
            return LKD_ERR_MALFORMED;
        }
        if (r > 0) {
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
    return p->state >= I_FIRST ? LKD_ERR_MALFORMED : LKD_OK;
}
