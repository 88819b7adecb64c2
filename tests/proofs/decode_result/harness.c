/* SPDX-License-Identifier: MIT */
/* lkd_decode_get_result (core/src/lkd_decode.c): the answer of
 * GetReconstructDocumentResult after the FailedPages filter (lkd_pages.c, keep given), jsmn and
 * the JSON helpers (lkd_json.c), as lkd_result_decode runs them.
 * Bound: the answers of templates[], their holes filled every way
 * (decode_harness.h): a Status of any 0..7 ASCII bytes, then each member the decoder reads holding each kind of
 * value (@) in turn, the others plain; a key of any 0..6 bytes before
 * Status; any 0..1 byte (every value) after the last member and after the
 * body.  Each fed one byte per call (every split point).  Tokens: 32
 * (LKD_JSON_MAX_TOKENS at its least), at the end of their array.
 * Not covered: answers longer than the templates, members in other orders
 * or combinations than listed, more than one hole of values at a time.
 * Checks: an answer decoded OK has a known Status or Unknown, and its
 * FailedPages counts are the filter's. */
#include "lkd_decode.c"
#include "lkd_json.c"
#include "lkd_pages.c"
#include "lkd_text.c"
#include "lkd_status.c"
#include "../decode_harness.h"

#define R "{\"Response\":{"
static const char *const templates[] = {
    R "\"Status\":\"???????\"}}",
    R "\"Status\":@}}",
    R "\"Status\":\"Processing\",\"DocumentRecognizeResultUrl\":@}}",
    R "\"Status\":\"waitEXECUTE\",\"DocumentRecognizeResultUrl\":\"??\",\"RequestId\":\"??\"}}",
    R "\"Status\":\"Success\",\"Usage\":@}}",
    R "\"Status\":\"Success\",\"Usage\":{\"PageNumber\":@,\"TotalToken\":1,\"TotalTokens\":2,\"SplitTokens\":3,"
      "\"MllmTokens\":4,\"SuccessPageNum\":5,\"FailPageNum\":6,\"FileSize\":7}}}",
    R "\"Status\":\"Failed\",\"Error\":@}}",
    R "\"Status\":\"Failed\",\"Error\":{\"Code\":@,\"Message\":\"??\"}}}",
    R "\"Status\":\"Failed\",\"Error\":{\"Code\":\"c\",\"Message\":@}}}",
    R "\"Status\":\"Pause\",\"RequestId\":@}}",
    "@",
    "{\"Response\":@}",
    R "\"??????\":1,\"Status\":\"S\"}}",
    R "\"Status\":\"Success\"#}}#",
};
#define TEMPLATES ((int)(sizeof templates / sizeof templates[0]))

int main(void)
{
    lkd_pages_t p;
    lkd_result_t result;
    lkd_status_t st;
    int t = Frama_C_interval(0, TEMPLATES - 1);
    hole_bytes();
    /*@ split t; */
    st = get_result(templates[t], &p, &result);
    //@ assert st != LKD_OK || (LKD_TASK_UNKNOWN <= result.status <= LKD_TASK_PAUSE);
    //@ assert st != LKD_OK || (result.failed_pages_total == p.total && result.failed_pages_stored == p.stored);
    return st;
}
