/* SPDX-License-Identifier: MIT */
/* The FailedPages path: the filter (lkd_pages.c) consuming
 * Response.FailedPages as the answer arrives, keeping the first page
 * numbers, then lkd_decode_get_result (core/src/lkd_decode.c) reading the
 * `[]` it left and the filter's counts, as lkd_result_decode runs them.
 * LKD_MAX_FAILED_PAGES is 2 here, so that three numbered entries overflow
 * the room kept.
 * Bound: the answers of templates[], their holes filled every way
 * (decode_harness.h): FailedPages holding each kind of value (@), an array of one entry of each kind, an entry
 * whose PageNumber is of each kind, after other keys of any 0..4 bytes;
 * PageNumber's last digit any byte at int64_t's edges (both signs); a third
 * entry ending in any byte after two numbered ones; FailedPages before
 * Status, twice, off the path (inside Usage, under another key), and an
 * answer cut inside it.  Each fed one byte per call (every split point).
 * Tokens: 32, at the end of their array.
 * Not covered: arrays of more than three entries, entries nested deeper
 * than their PageNumber's value, more than one hole of values at a time
 * (pages_any has the filter on any bytes, every state, no prefix).
 * Checks: the counts decoded are the filter's, stored <= the room, and a
 * result is truncated exactly when numbered entries were left out. */
#include "lkd_decode.c"
#include "lkd_json.c"
#include "lkd_pages.c"
#include "lkd_text.c"
#include "lkd_status.c"
#include "../decode_harness.h"

#define R "{\"Response\":{\"Status\":\"Success\","
#define P "{\"PageNumber\":"
static const char *const templates[] = {
    R "\"FailedPages\":@}}",
    R "\"FailedPages\":[@]}}",
    R "\"FailedPages\":[" P "@}]}}",
    R "\"FailedPages\":[{\"????\":[1],\"PageNumber\":7,\"PageNumber\":8}]}}",
    R "\"FailedPages\":[" P "922337203685477580#}]}}",
    R "\"FailedPages\":[" P "-922337203685477580#}]}}",
    R "\"FailedPages\":[" P "1}," P "-2}," P "#}]}}",
    "{\"Response\":{\"FailedPages\":[" P "1}],\"Status\":\"Failed\",\"FailedPages\":[" P "2}]}}",
    R "\"Usage\":{\"FailedPages\":[" P "1}]},\"X\":{\"FailedPages\":[2]}}}",
    R "\"FailedPages\":[" P "1}#",
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
    //@ assert p.stored <= LKD_MAX_FAILED_PAGES && p.unnumbered <= p.total;
    if (st == LKD_OK) {
        //@ assert result.failed_pages_total == p.total && result.failed_pages_stored == p.stored;
        //@ assert result.failed_pages_unnumbered == p.unnumbered;
        //@ assert result.failed_pages_truncated == (p.total - p.unnumbered > p.stored);
    }
    return st;
}
