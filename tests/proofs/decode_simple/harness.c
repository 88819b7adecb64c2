/* SPDX-License-Identifier: MIT */
/* lkd_decode_simple (core/src/lkd_decode.c) after the filter (lkd_pages.c,
 * no keep), jsmn and the JSON helpers (lkd_json.c), as its two callers run
 * it: CreateReconstructDocumentFlow's answer, field "TaskId"
 * (lkd_job.c's decode_create), and any action's, field NULL (RequestId
 * only, lkd_result_decode_request_id); and the API error path every
 * action shares (Response.Error, no Status: decode_api_error, copy_out,
 * lkd_api_classify in lkd_status.c).
 * Bound: the answers of templates[], their holes filled every way
 * (decode_harness.h): a TaskId of any 0..4 ASCII bytes, then of each kind of value (@); an Error's Code of any
 * 0..17 ASCII bytes (past LKD_API_CODE_SIZE, set to its least, 16: cut),
 * a known code with any 0..3 bytes after it (the classes' '.' rule), a
 * Message of 10..14 ASCII bytes then two escaped 3-byte characters (cut
 * at LKD_API_MESSAGE_SIZE 16 at every offset of them: copy_out backs over
 * UTF-8 continuation bytes), and Error, Code, Message, RequestId each
 * holding each kind of value in turn.
 * Each fed one byte per call (every split point); the field asked is
 * "TaskId" or NULL for every template.  Tokens: 32, at the end of their
 * array.
 * Not covered: answers longer than the templates, members in other orders
 * or combinations than listed, more than one hole of values at a time.
 * Checks: a decoded field lies inside the answer; an API error's texts are
 * NUL-terminated within their arrays. */
#include "lkd_decode.c"
#include "lkd_json.c"
#include "lkd_pages.c"
#include "lkd_text.c"
#include "lkd_status.c"
#include "../decode_harness.h"

#define R "{\"Response\":{"
static const char *const templates[] = {
    R "\"TaskId\":\"????\",\"RequestId\":\"r\"}}",
    R "\"TaskId\":@}}",
    R "\"RequestId\":@}}",
    R "\"Error\":@}}",
    R "\"Error\":{\"Code\":\"?????????????????\"}}}",
    R "\"Error\":{\"Code\":\"AuthFailure???\"}}}",
    R "\"Error\":{\"Code\":\"c\",\"Message\":\"aaaaaaaaaa????\\u20ac\\u20ac\"}}}",
    R "\"Error\":{\"Code\":@,\"Message\":\"m\"},\"RequestId\":\"r\"}}",
    R "\"Error\":{\"Code\":\"c\",\"Message\":@}}}",
    R "\"Error\":{\"Code\":\"c\"},\"RequestId\":@}}",
    R "\"Error\":{\"Code\":\"c\"},\"Status\":\"?\"}}",
};
#define TEMPLATES ((int)(sizeof templates / sizeof templates[0]))

int main(void)
{
    lkd_pages_t p;
    lkd_api_error_t api_err;
    lkd_span_t value, request_id;
    size_t len = 0;
    lkd_status_t st;
    char *json;
    int t = Frama_C_interval(0, TEMPLATES - 1), create = Frama_C_interval(0, 1);
    hole_bytes();
    /*@ split t; */
    /*@ split create; */
    lkd_pages_start(&p, NULL, 0);
    st = feed(&p, templates[t], &len);
    if (st != LKD_OK) {
        return st;
    }
    json = answer(len);
    st = lkd_decode_simple(json, len, toks, LKD_JSON_MAX_TOKENS, &p, create ? "TaskId" : NULL, &value,
                           &request_id, &api_err);
    if (st == LKD_OK) {
        //@ assert json <= value.ptr || value.ptr == \null;
        //@ assert value.ptr == \null || value.ptr + value.len <= json + len;
        //@ assert request_id.ptr == \null || (json <= request_id.ptr && request_id.ptr + request_id.len <= json + len);
    }
    if (st == LKD_ERR_API) {
        //@ assert api_err.code[LKD_API_CODE_SIZE - 1] == 0 && api_err.message[LKD_API_MESSAGE_SIZE - 1] == 0;
        //@ assert api_err.request_id[LKD_API_REQUEST_ID_SIZE - 1] == 0;
    }
    return st;
}
