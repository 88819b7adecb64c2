/* SPDX-License-Identifier: MIT */
/* lkd_pages_start / lkd_pages_put / lkd_pages_end (core/src/lkd_pages.c)
 * on arbitrary bytes, no prefix: the whole JSON grammar.
 *
 * Body: n unknown bytes, every n from 0 to BOUND (one analysis per n: split),
 * each any of the 256 values (as pages_bytes.h gives them).
 * Pieces: one byte per lkd_pages_put call, so every split point of the body
 * is a piece boundary; after each call the filter's state is split (one
 * analysis per grammar state, level, path, key and flags), so each byte is
 * read from a concrete state with only the byte unknown.  A call given
 * several unknown bytes is not analysed (its loop runs the same step once
 * per byte).
 * keep: room for KEEP page numbers at the end of an array, or NULL.
 * Output: a separate buffer of cap bytes at the end of its array, cap 0, 1,
 * n - 1 or n (so "buffer full" happens too), or in place (buf is the body).
 * Not covered: bodies longer than BOUND bytes (the counters and the 128-deep
 * bracket stack are not reached), put after an error (lkd_pages.h leaves the
 * state unspecified then). */
#include "__fc_builtin.h"
#include "lkd_pages.c"
#include "lkd_text.c"
#include "../pages_bytes.h"

#ifndef BOUND
#define BOUND 4
#endif
#define KEEP 2

int main(void)
{
    uint8_t body[BOUND];
    char out[BOUND];
    lkd_failed_page_t keep_room[KEEP];
    lkd_pages_t p;
    size_t n = Frama_C_size_t_interval(0, BOUND);
    size_t i, blen = 0, cap;
    int k = 0;
    char *buf;
    lkd_status_t st = LKD_OK;
    others();
    /*@ split n; */
    if (Frama_C_nondet(0, 1)) {
        buf = (char *)body; /* in place */
        cap = n;
    } else {
        /* none, one byte, one short of the body, all of it */
        int c = Frama_C_interval(0, 3);
        cap = c == 0 ? 0 : c == 1 ? 1 : c == 2 && n > 0 ? n - 1 : n;
        /*@ split cap; */
        buf = out + sizeof out - cap;
    }
    lkd_pages_start(&p, Frama_C_nondet(0, 1) ? keep_room : NULL, KEEP);
    for (i = 0; i < n && st == LKD_OK; i++) {
        /* one analysis per state of the filter the bytes so far led to */
        /*@ merge k; */
        /*@ split p.state; */
        /*@ split p.level; */
        /*@ split p.path; */
        /*@ split p.key; */
        /*@ split p.flags; */
        /* any byte (pages_bytes.h): one of spec, each on its own, or the rest */
        k = Frama_C_interval(0, NSPEC);
        /*@ split k; */
        body[i] = byte_of(k);
        st = lkd_pages_put(&p, body + i, 1, buf, cap, &blen);
    }
    //@ assert blen <= cap;
    //@ assert p.stored <= KEEP;
    /* each entry takes at least one byte */
    //@ assert p.total <= BOUND && p.unnumbered <= BOUND;
    st = lkd_pages_end(&p);
    return st == LKD_OK;
}
