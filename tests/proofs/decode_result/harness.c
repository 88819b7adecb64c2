/* SPDX-License-Identifier: MIT */
/* lkd_decode_get_result on arbitrary answers, through the path the client
 * takes: lkd_pages_start with keep = result.failed_pages (cap
 * LKD_MAX_FAILED_PAGES), lkd_pages_put of the whole body in place (pages_any and
 * pages_failed cover pieces), then the decoder on what passed
 * (lkd_pages_end, jsmn in lkd_json.c, the field decoders, copy_out).
 *
 * Body: one of the templates below, prefix + n unknown bytes + suffix, with
 * 0 <= n <= BOUND = 1 (one analysis per template, per n and per value
 * of the byte: split).  The
 * prefixes are chosen so that each branch of the decoder is reached with
 * the unknown bytes where it reads:
 *   0 {"Response":{"Status":"  U  "}}                         Status text, escapes, UTF-8
 *   1 {"Response":{"Status":"Success","Usage":{"PageNumber":  U  },"RequestId":"r"}}
 *                                                              Usage integers of any form
 *   2 {"Response":{"Status":"Failed","Error":{"Code":  U  }}}     the task's Error
 *   3 {"Response":{"Status":"Success","FailedPages":[  U  ]}}     filtered FailedPages
 *   4 {"Response":{"Error":{"Code":"  U  "},"RequestId":"r"}}     API error
 *   5 {"Response":{"Error":{"Code":"A..A (FILL)  U  ","Message":"m..m (254)\xC3\xA9"},
 *      "RequestId":"r..r (61)\xE2\x82\xAC"}}                    copy_out cuts all three,
 *                                                              inside a UTF-8 sequence
 *   6 {"Response":  U  }                                       Response of any type
 *   7 U                                                        anything at all
 * Tokens: an array of exactly max_tokens (end of a larger one), max_tokens
 * either TOKENS_SMALL (too few for every template: jsmn's NOMEM) or TOKENS.
 * The body is exactly its bytes (no NUL after it): a read past it is an alarm.
 * Checked: every span of the result lies in the body, the failed pages kept
 * are at most LKD_MAX_FAILED_PAGES, api_err's strings are NUL-terminated.
 * Not covered: unknown bytes longer than BOUND, unknown bytes in more than
 * one place of a body, bodies deeper or larger than these templates. */
#include "__fc_builtin.h"
#include "lkd_decode.c"
#include "lkd_json.c"
#include "lkd_pages.c"
#include "lkd_status.c"
#include "lkd_text.c"

#ifndef BOUND
#define BOUND 1
#endif
#define TOKENS 16
#define TOKENS_SMALL 3

/* Template 5's Code: FILL known bytes then the n unknown ones, so that
 * with n = BOUND it is one byte longer than api_err.code holds. */
#define FILL (LKD_API_CODE_SIZE - BOUND)
#define M50 "mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm"
#define R10 "rrrrrrrrrr"
static const char *const prefixes[] = {
    "{\"Response\":{\"Status\":\"",
    "{\"Response\":{\"Status\":\"Success\",\"Usage\":{\"PageNumber\":",
    "{\"Response\":{\"Status\":\"Failed\",\"Error\":{\"Code\":",
    "{\"Response\":{\"Status\":\"Success\",\"FailedPages\":[",
    "{\"Response\":{\"Error\":{\"Code\":\"",
    "{\"Response\":{\"Error\":{\"Code\":\"", /* then FILL bytes 'A' */
    "{\"Response\":",
    "",
};
static const char *const suffixes[] = {
    "\"}}",
    "},\"RequestId\":\"r\"}}",
    "}}}",
    "]}}",
    "\"},\"RequestId\":\"r\"}}",
    "\",\"Message\":\"" M50 M50 M50 M50 M50 "mmmm\xC3\xA9\"},\"RequestId\":\"" R10 R10 R10 R10 R10 R10
    "r\xE2\x82\xAC\"}}",
    "}",
    "",
};
#define TEMPLATES (sizeof prefixes / sizeof prefixes[0])
#define ROOM 512

/* s lies inside json[0..len), or is the empty span. */
#define IN_BODY(s) ((s).ptr == NULL ? (s).len == 0 : (s).ptr >= json && (s).len <= (size_t)(json + len - (s).ptr))

int main(void)
{
    char body[ROOM], exact[ROOM];
    lkd_json_token_t room[TOKENS];
    lkd_pages_t pages;
    lkd_result_t result;
    lkd_api_error_t api_err;
    size_t t = Frama_C_size_t_interval(0, TEMPLATES - 1);
    size_t n = Frama_C_size_t_interval(0, BOUND);
    unsigned max_tokens = Frama_C_nondet(0, 1) ? TOKENS : TOKENS_SMALL;
    size_t plen, slen, fill, len, blen = 0;
    char *json;
    lkd_status_t st;
    /*@ split t; */
    /*@ split n; */
    plen = strlen(prefixes[t]);
    slen = strlen(suffixes[t]);
    fill = t == 5 ? FILL : 0;
    memcpy(body, prefixes[t], plen);
    memset(body + plen, 'A', fill);
    if (n == 1) {
        /* the hole's byte: one analysis per value (all 256), so that jsmn,
         * the filter and the decoder each run on concrete bytes */
        body[plen + fill] = (char)Frama_C_unsigned_char_interval(0, 255);
        /*@ split body[plen + fill]; */
    }
    memcpy(body + plen + fill + n, suffixes[t], slen);
    len = plen + fill + n + slen;

    lkd_pages_start(&pages, result.failed_pages, LKD_MAX_FAILED_PAGES);
    st = lkd_pages_put(&pages, (const uint8_t *)body, len, body, len, &blen);
    //@ assert blen <= len;
    /* The decoder's body: exactly the bytes that passed. */
    json = exact + sizeof exact - blen;
    memmove(json, body, blen);
    len = blen;
    if (st == LKD_OK) {
        st = lkd_decode_get_result(json, len, room + TOKENS - max_tokens, max_tokens, &pages, &result, &api_err);
        if (st == LKD_OK) {
            //@ assert IN_BODY(result.status_raw);
            //@ assert IN_BODY(result.result_url);
            //@ assert IN_BODY(result.task_error_code);
            //@ assert IN_BODY(result.task_error_message);
            //@ assert IN_BODY(result.request_id);
            //@ assert result.failed_pages_stored <= LKD_MAX_FAILED_PAGES;
            //@ assert result.failed_pages_unnumbered <= result.failed_pages_total;
        } else if (st == LKD_ERR_API) {
            /* copy_out writes at most size - 1 bytes after the memset: the last stays NUL */
            //@ assert api_err.code[LKD_API_CODE_SIZE - 1] == '\0';
            //@ assert api_err.message[LKD_API_MESSAGE_SIZE - 1] == '\0';
            //@ assert api_err.request_id[LKD_API_REQUEST_ID_SIZE - 1] == '\0';
            //@ assert t == 5 && n == BOUND ==> api_err.truncated == 1;
        }
    }
    return st == LKD_OK;
}
