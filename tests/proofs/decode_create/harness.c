/* SPDX-License-Identifier: MIT */
/* lkd_decode_simple as decode_create (lkd_job.c) calls it, field "TaskId",
 * on arbitrary answers, through the path the client takes: lkd_pages_start
 * without keep (CreateReconstructDocumentFlow's answer has no FailedPages to
 * keep), lkd_pages_put of the whole body in place (pages_any and
 * pages_failed cover pieces), then the decoder on what passed (lkd_pages_end, jsmn in
 * lkd_json.c, lkd_json_decode_string, decode_api_error and copy_out).
 *
 * Body: one of the templates below, prefix + n unknown bytes + suffix, with
 * 0 <= n <= BOUND = 1 (one analysis per template, per n and per value
 * of the byte: split):
 *   0 {"Response":{"TaskId":"  U  ","RequestId":"r"}}        TaskId's text
 *   1 {"Response":{"TaskId":  U  }}                          TaskId of any type
 *   2 {"Response":{"TaskId":"t","RequestId":  U  }}          RequestId of any type
 *   3 {"Response":{"Error":{"Code":"  U  ","Message":"m"}}}  API error
 *   4 {"Response":{"Error":  U  ,"RequestId":"r"}}           Error of any type
 *   5 {"Response":{"Error":{"Code":"x","Message":"m..m (FILL)  U  "},"RequestId":"r"}}
 *                                                            Message cut by copy_out
 *   6 {"Response":  U  }                                     Response of any type
 *   7 U                                                      anything at all
 * Tokens: an array of exactly max_tokens (end of a larger one), max_tokens
 * either TOKENS_SMALL (too few for every template: jsmn's NOMEM) or TOKENS.
 * The body is exactly its bytes (no NUL after it): a read past it is an alarm.
 * Checked: TaskId and RequestId lie in the body, api_err's strings are
 * NUL-terminated.
 * Not covered: unknown bytes longer than BOUND, unknown bytes in more than
 * one place of a body, bodies larger than these templates. */
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
/* Template 5's Message: FILL known bytes then the n unknown ones, so that
 * with n = BOUND it is one byte longer than api_err.message holds. */
#define FILL (LKD_API_MESSAGE_SIZE - BOUND)

static const char *const prefixes[] = {
    "{\"Response\":{\"TaskId\":\"",
    "{\"Response\":{\"TaskId\":",
    "{\"Response\":{\"TaskId\":\"t\",\"RequestId\":",
    "{\"Response\":{\"Error\":{\"Code\":\"",
    "{\"Response\":{\"Error\":",
    "{\"Response\":{\"Error\":{\"Code\":\"x\",\"Message\":\"", /* then FILL bytes 'm' */
    "{\"Response\":",
    "",
};
static const char *const suffixes[] = {
    "\",\"RequestId\":\"r\"}}",
    "}}",
    "}}",
    "\",\"Message\":\"m\"}}}",
    ",\"RequestId\":\"r\"}}",
    "\"},\"RequestId\":\"r\"}}",
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
    lkd_api_error_t api_err;
    lkd_span_t task_id, request_id;
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
    memset(body + plen, 'm', fill);
    if (n == 1) {
        /* the hole's byte: one analysis per value (all 256), so that jsmn,
         * the filter and the decoder each run on concrete bytes */
        body[plen + fill] = (char)Frama_C_unsigned_char_interval(0, 255);
        /*@ split body[plen + fill]; */
    }
    memcpy(body + plen + fill + n, suffixes[t], slen);
    len = plen + fill + n + slen;

    lkd_pages_start(&pages, NULL, 0);
    st = lkd_pages_put(&pages, (const uint8_t *)body, len, body, len, &blen);
    /* without keep every byte passes */
    //@ assert st == LKD_OK ==> blen == len;
    json = exact + sizeof exact - blen;
    memmove(json, body, blen);
    len = blen;
    if (st == LKD_OK) {
        st = lkd_decode_simple(json, len, room + TOKENS - max_tokens, max_tokens, &pages, "TaskId", &task_id,
                               &request_id, &api_err);
        if (st == LKD_OK) {
            //@ assert IN_BODY(task_id);
            //@ assert IN_BODY(request_id);
        } else if (st == LKD_ERR_API) {
            /* copy_out writes at most size - 1 bytes after the memset: the last stays NUL */
            //@ assert api_err.code[LKD_API_CODE_SIZE - 1] == '\0';
            //@ assert api_err.message[LKD_API_MESSAGE_SIZE - 1] == '\0';
            //@ assert api_err.request_id[LKD_API_REQUEST_ID_SIZE - 1] == '\0';
        }
    }
    return st == LKD_OK;
}
