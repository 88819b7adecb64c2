/* SPDX-License-Identifier: MIT */
/* lkd_pages_start / lkd_pages_put / lkd_pages_end on arbitrary bytes.
 *
 * Template (chosen nondeterministically): a known prefix then n unknown
 * bytes, 0 <= n <= BOUND (one analysis per n: split):
 *   0: no prefix              (the whole grammar on unknown bytes)
 *   1: {"Response":{                  (the keys at level 2)
 *   2: {"Response":{"FailedPages":[   (the FailedPages path: entries,
 *      PageNumber, take_entry on unknown bytes)
 * keep: room for KEEP page numbers at the end of an array (a write past it is
 * an alarm), or NULL (the path is never followed).
 * Pieces: the body goes in as two pieces cut at any point 0..len (either may
 * be empty; one analysis per cut point); the second is not fed after an
 * error.
 * Output: a separate buffer of cap bytes, cap 0, 1, len - 1 or len (so
 * "buffer full" happens too), at the end of its array; or in place: buf is the very bytes
 * being filtered, cap = their length.
 * Not covered: bodies longer than the prefix + BOUND bytes (the state's
 * counters and the 128-deep bracket stack are not reached), put after an
 * error (its state is unspecified by lkd_pages.h). */
/* mbedTLS's bignum.h (reached through lkd_internal.h, for its types only)
 * declares a 128-bit type Frama-C cannot parse on x86_64 unless told not to. */
#define MBEDTLS_NO_UDBL_DIVISION
#include "__fc_builtin.h"
#include "lkd_pages.c"
#include "lkd_text.c"

#ifndef BOUND
#define BOUND 4
#endif
#define KEEP 2

static const char prefix1[] = "{\"Response\":{\"FailedPages\":[";
#define MAXP (sizeof prefix1 - 1)

int main(void)
{
    uint8_t body[MAXP + BOUND];
    char out[MAXP + BOUND];
    lkd_failed_page_t keep_room[KEEP];
    lkd_pages_t p;
    /* 0, the object Response opens, or the whole path */
    int which = Frama_C_interval(0, 2);
    size_t plen = which == 0 ? 0 : which == 1 ? 13 : MAXP;
    size_t n = Frama_C_size_t_interval(0, BOUND);
    size_t len, cut, blen = 0, cap;
    char *buf;
    lkd_status_t st = LKD_OK;
    int in_place = Frama_C_nondet(0, 1);
    /*@ split plen; */
    /*@ split n; */
    memcpy(body, prefix1, plen);
    Frama_C_make_unknown((char *)body + plen, n);
    len = plen + n;
    if (in_place) {
        buf = (char *)body;
        cap = len;
    } else {
        /* none, one byte, one short of the body, all of it */
        int c = Frama_C_interval(0, 3);
        cap = c == 0 ? 0 : c == 1 ? 1 : c == 2 && len > 0 ? len - 1 : len;
        /*@ split cap; */
        buf = out + sizeof out - cap;
    }
    lkd_pages_start(&p, Frama_C_nondet(0, 1) ? keep_room : NULL, KEEP);
    /* Two pieces, cut anywhere (one analysis per cut point). */
    cut = Frama_C_size_t_interval(0, len);
    /*@ split cut; */
    st = lkd_pages_put(&p, body, cut, buf, cap, &blen);
    if (st == LKD_OK) {
        st = lkd_pages_put(&p, body + cut, len - cut, buf, cap, &blen);
    }
    //@ assert blen <= cap;
    //@ assert p.stored <= KEEP;
    /* each entry takes at least one of the unknown bytes */
    //@ assert p.total <= BOUND && p.unnumbered <= BOUND;
    st = lkd_pages_end(&p);
    return st == LKD_OK;
}
