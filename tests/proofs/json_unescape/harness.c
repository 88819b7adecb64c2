/* SPDX-License-Identifier: MIT */
/* lkd_json_decode_string, in place, on a string token over unknown bytes:
 * the text is n + 2 bytes, n <= BOUND, all of them unknown (the quotes
 * included: json[end] being a NUL is the "already decoded" mark, so that
 * path is taken too), the token is {STRING, start 1, end n + 1}, as jsmn
 * makes it for '"' + n bytes + '"'.  The content is any bytes (escapes,
 * raw control bytes, invalid and cut UTF-8, a NUL), as far as BOUND
 * reaches (see below).  The text ends where its array ends, so a
 * read or write past json[n + 1] is an alarm.  Then the same token is
 * decoded a second time.  Checks: each span lies inside the token's raw
 * text and is NUL-terminated there; the second decoding gives the same span.
 * Not covered: n above BOUND.  BOUND 4 is what fits the time budget today
 * (about 6 s per model): it reaches the two-byte escapes, a cut \u, and
 * every UTF-8 form, but NOT a whole \uXXXX (6 bytes) nor a surrogate pair
 * (12): BOUND 8 ran over 10 min of CPU (json_unicode has those).  Also
 * not covered: a token whose start or end lies outside the text;
 * out-of-range indexes. */
#include "__fc_builtin.h"
#include "lkd_json.c"
#include "lkd_text.c"

#ifndef BOUND
#define BOUND 4
#endif

static char text[BOUND + 2];

int main(void)
{
    lkd_json_doc_t doc;
    lkd_json_token_t tok;
    lkd_span_t a, b;
    lkd_status_t st;
    size_t n = Frama_C_size_t_interval(0, BOUND);
    char *json;
    Frama_C_make_unknown(text, BOUND + 2);
    /*@ split n; */
    json = text + BOUND - n;
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
        //@ assert a.ptr == json + 1 && a.len <= n && a.ptr[a.len] == '\0';
        st = lkd_json_decode_string(&doc, 0, &b);
        //@ assert st == LKD_OK && b.ptr == a.ptr && b.len == a.len;
    }
    return 0;
}
