/* SPDX-License-Identifier: MIT */
/* lkd_json_parse (jsmn_parse inside it) on fully unknown bytes: every length
 * len <= BOUND, every byte any of the 256 values.  The token array is
 * max_tokens long, max_tokens any of 0..len+1 (0 and 1 are too small for
 * most texts, so LKD_ERR_RESPONSE_TOO_LARGE is reached; len is enough for
 * any text: each token starts at its own byte), placed at the end of an
 * array so a write past it is an alarm.  Then, on whatever tokens came out,
 * the helpers on every index -1..count: lkd_json_skip, lkd_json_find_key
 * (a key of length 0 and 1), lkd_json_absent, lkd_json_get_int64 (is_null
 * given and not).  Checks: the tokens lie inside json[0..len) (what the
 * helpers trust), skip answers an index in index+1..count.
 * Not covered: lengths above BOUND (see json_tokenize_alpha for longer texts
 * over an alphabet), a parser resumed with more text (lkd_json_parse always
 * starts afresh), lkd_json_decode_string (json_unescape). */
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
    max_tokens = Frama_C_unsigned_int_interval(0, (unsigned)len + 1);
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
