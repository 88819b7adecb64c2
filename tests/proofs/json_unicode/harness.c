/* SPDX-License-Identifier: MIT */
/* lkd_json_decode_string, in place, on the \uXXXX escapes json_unescape's
 * bound does not reach: the string's content is "\u" + 4 unknown bytes +
 * "\u" + 4 unknown bytes, cut after n bytes, every n from 6 to 12 (a whole
 * escape, a pair cut anywhere, a whole pair).  The 8 unknown bytes are any
 * of the 256 values: hex digits or not, so \u0000, every code point below
 * U+10000, a low surrogate first, a high surrogate alone or followed by
 * any \uXXXX, every pair.  The text ends where its array ends (a read or
 * write past its closing quote is an alarm), quotes around it; the token is {STRING, start
 * 1, end n + 1}, as jsmn makes it.  Bound: n <= 12 content bytes, the two
 * backslashes and u's known.
 * Checks: a decoded span starts at the token's text, no longer than it.
 * Not covered: other bytes than "\u" at offsets 0, 1, 6, 7 (json_unescape
 * has any bytes up to its bound), text after the escapes. */
#include "__fc_builtin.h"
#include "lkd_json.c"
#include "lkd_text.c"

static char text[14];

int main(void)
{
    lkd_json_doc_t doc;
    lkd_json_token_t tok;
    lkd_span_t a;
    lkd_status_t st;
    size_t n = Frama_C_size_t_interval(6, 12);
    char *json;
    /*@ split n; */
    json = text + 12 - n;
    Frama_C_make_unknown(json, n + 2);
    json[0] = '"';
    json[n + 1] = '"'; /* not a NUL: the "already decoded" path is json_unescape's */
    json[1] = '\\';
    json[2] = 'u';
    if (n >= 8) {
        json[7] = '\\';
        json[8] = 'u';
    }
    tok.type = LKD_JSON_STRING;
    tok.start = 1;
    tok.end = (int)n + 1;
    tok.size = 0;
    tok.parent = -1;
    doc.json = json;
    doc.len = n + 2;
    doc.tokens = &tok;
    doc.count = 1;
    st = lkd_json_decode_string(&doc, 0, &a);
    if (st == LKD_OK) {
        //@ assert a.ptr == json + 1 && a.len <= n;
    }
    return 0;
}
