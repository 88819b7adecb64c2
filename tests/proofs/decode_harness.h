/* SPDX-License-Identifier: MIT */
/* The decode_* harnesses' answers.  A template is fed to the filter
 * (lkd_pages_put) one byte per call, as the client's body arrives, into a
 * response buffer; the bytes that passed are then moved to the end of an
 * array (answer(): a read or write past them is an alarm) for the decoder.
 * In a template:
 *   '#' x k  any 0..k bytes: each byte the filter tells apart (pages_bytes.h's
 *            spec) on its own, the others as one set (the grammar turns most
 *            of them down: those paths end at the filter);
 *   '?' x k  0..k bytes of a string, each any ASCII byte but '"', '\' and
 *            the controls, as one set (what the decoder does with them
 *            differs by ranges only, which the analysis keeps apart itself);
 *   '@'      one JSON value of each kind (values[]: the types the decoder
 *            checks, integers at int64_t's edges, an escape, a surrogate
 *            pair, nesting);
 * every other character stands for itself.  Each length and each choice
 * is analysed on its own (split), and after each byte the filter's state
 * too, so every byte is read from a concrete state. */
#ifndef DECODE_HARNESS_H
#define DECODE_HARNESS_H

#include "__fc_builtin.h"
#include "memcmp_body.h"
#include "pages_bytes.h"

static const char *const values[] = {
    "\"\"", "\"x\"", "\"\\u00e9\\n\"", "\"\\ud83d\\ude00\"", "null", "true", "false", "0", "-1", "2.5", "1e3",
    "9223372036854775807", "-9223372036854775808", "9223372036854775808", "{}", "[]", "[0,{}]",
    "{\"Code\":\"c\",\"PageNumber\":1}",
};
#define VALUES ((int)(sizeof values / sizeof values[0]))

#ifndef RESPONSE_MAX
#define RESPONSE_MAX 200
#endif
static char response[RESPONSE_MAX];
static char answer_room[RESPONSE_MAX];

/* The string bytes '?' gives: 0x20..0x7E but '"' and '\' (ASCII: a UTF-8
 * sequence of any bytes is json_unescape's proof, and as sets they made
 * the analysis split on every sequence length of every byte). */
static unsigned char plain[256];
static size_t nplain;

/* Call first: fills plain (and pages_bytes.h's rest). */
static void hole_bytes(void)
{
    unsigned v;
    others();
    for (v = 0x20; v < 0x7F; v++) {
        if (v != '"' && v != '\\') {
            plain[nplain++] = (unsigned char)v;
        }
    }
}

static lkd_status_t put_byte(lkd_pages_t *p, uint8_t in, size_t *len)
{
    lkd_status_t st = lkd_pages_put(p, &in, 1, response, sizeof response, len);
    /* one analysis per state of the filter the bytes so far led to */
    /*@ split p->state; */
    /*@ split p->level; */
    /*@ split p->path; */
    /*@ split p->key; */
    /*@ split p->flags; */
    return st;
}

/* Feed tmpl, its holes filled, to the filter; *len: the bytes that passed. */
static lkd_status_t feed(lkd_pages_t *p, const char *tmpl, size_t *len)
{
    lkd_status_t st = LKD_OK;
    *len = 0;
    while (*tmpl != '\0' && st == LKD_OK) {
        char t = *tmpl;
        size_t run = 1, n, i;
        const char *v;
        if (t == '@') {
            int k = Frama_C_interval(0, VALUES - 1);
            /*@ split k; */
            for (v = values[k]; *v != '\0' && st == LKD_OK; v++) {
                st = put_byte(p, (uint8_t)*v, len);
            }
            tmpl++;
            continue;
        }
        if (t != '#' && t != '?') {
            st = put_byte(p, (uint8_t)t, len);
            tmpl++;
            continue;
        }
        while (tmpl[run] == t) {
            run++;
        }
        tmpl += run;
        n = Frama_C_size_t_interval(0, run);
        /*@ split n; */
        for (i = 0; i < n && st == LKD_OK; i++) {
            uint8_t b;
            if (t == '#') {
                int k = Frama_C_interval(0, NSPEC);
                /*@ split k; */
                b = byte_of(k);
            } else {
                b = plain[Frama_C_size_t_interval(0, nplain - 1)];
            }
            st = put_byte(p, b, len);
        }
    }
    /* The response buffer holds every answer the templates give: no path
     * ends here for want of room (nor nests past LKD_PAGES_MAX_DEPTH). */
    //@ assert st != LKD_ERR_RESPONSE_TOO_LARGE;
    return st;
}

/* The len bytes that passed, moved to the end of an array. */
static char *answer(size_t len)
{
    char *json = answer_room + sizeof answer_room - len;
    memcpy(json, response, len);
    return json;
}

/* The decoder's tokens: LKD_JSON_MAX_TOKENS (options: 32, its least), at
 * the end of their array. */
static lkd_json_token_t toks[LKD_JSON_MAX_TOKENS];

/* A GetReconstructDocumentResult answer, tmpl, as lkd_result_decode meets
 * it: through the filter keeping page numbers in result->failed_pages,
 * then, when the filter took it whole, decoded. */
static lkd_status_t get_result(const char *tmpl, lkd_pages_t *p, lkd_result_t *result)
{
    lkd_api_error_t api_err;
    size_t len = 0;
    lkd_status_t st;
    lkd_pages_start(p, result->failed_pages, LKD_MAX_FAILED_PAGES);
    st = feed(p, tmpl, &len);
    if (st == LKD_OK) {
        st = lkd_decode_get_result(answer(len), len, toks, LKD_JSON_MAX_TOKENS, p, result, &api_err);
    }
    return st;
}

#endif
