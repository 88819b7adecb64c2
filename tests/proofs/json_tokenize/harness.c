/* SPDX-License-Identifier: MIT */
/* lkd_json_parse (jsmn_parse inside it) on fully unknown bytes: every length
 * len <= BOUND, every byte any of the 256 values (so also a NUL, where jsmn
 * stops).  The token array is max_tokens long, max_tokens 1 (too small for
 * most texts: LKD_ERR_RESPONSE_TOO_LARGE from the second token) or len
 * (enough for any text: each token starts at its own byte), placed at the
 * end of an array so a write past it is an alarm.  Then, on whatever tokens
 * came out, the helpers on every index -1..count: lkd_json_skip,
 * lkd_json_find_key (a key of length 0 and 1), lkd_json_absent,
 * lkd_json_get_int64 (is_null given and not).  Checks: the tokens lie inside
 * json[0..len) (what the helpers trust), skip answers an index in
 * index+1..count.
 * BOUND 3: about 25 s of CPU per model (BOUND 4 not tried in the budget).
 * Not covered: lengths above BOUND (so no nesting deeper than 1 with a
 * member, no "null", no \u escape), other max_tokens, a parser resumed with
 * more text (lkd_json_parse always starts afresh), lkd_json_decode_string
 * (json_unescape). */
#include "__fc_builtin.h"
#include "lkd_json.c"
#include "lkd_text.c"

#ifndef BOUND
#define BOUND 3
#endif

static char text[BOUND];
static lkd_json_token_t toks[BOUND + 1];

int main(void)
{
    lkd_json_doc_t doc;
    size_t len = Frama_C_size_t_interval(0, BOUND);
    unsigned max_tokens;
    char *json;
    lkd_json_token_t *tokens;
    lkd_status_t st;
    int i;
    Frama_C_make_unknown(text, BOUND);
    /*@ split len; */
    /* 1: too few for most texts (LKD_ERR_RESPONSE_TOO_LARGE at the second
     * token); len: enough for any text (each token starts at its own byte). */
    max_tokens = Frama_C_nondet(1, (unsigned)len);
    /*@ split max_tokens; */
    /* Both end where their arrays end: json[len] and tokens[max_tokens] are outside. */
    json = text + BOUND - len;
    tokens = toks + (BOUND + 1) - max_tokens;
    st = lkd_json_parse(&doc, json, len, tokens, max_tokens);
    //@ assert st == LKD_OK || doc.count == 0;
    //@ assert 0 <= doc.count <= max_tokens;
    for (i = 0; i < doc.count; i++) {
        //@ assert 0 <= tokens[i].start <= tokens[i].end <= len;
    }
    for (i = -1; i <= doc.count; i++) {
        int64_t v;
        uint8_t is_null;
        int j = lkd_json_skip(&doc, i);
        //@ assert i < 0 || i >= doc.count || (i < j <= doc.count);
        (void)lkd_json_find_key(&doc, i, "");
        (void)lkd_json_find_key(&doc, i, "a");
        (void)lkd_json_absent(&doc, i);
        (void)lkd_json_get_int64(&doc, i, &v, &is_null);
        (void)lkd_json_get_int64(&doc, i, &v, NULL);
    }
    return 0;
}
