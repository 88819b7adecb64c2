/* SPDX-License-Identifier: MIT */
/* The pages_* harnesses' unknown bytes.  class_of's memchr (lkd_pages.c)
 * does not tie its result to an unknown byte, so a harness gives each byte
 * as one of spec (a split: one analysis each) or as the exact set of all
 * the others (rest): spec holds every byte the filter tells apart from
 * another (its classes, the path's keys and the literals' letters, the
 * escapes, the hex digits); the others all behave alike, and as a set
 * (-eva-ilevel 256) every comparison with one of spec is exact. */
#ifndef PAGES_BYTES_H
#define PAGES_BYTES_H

#include <string.h>

static const char spec[] = "\t\n\r \"+,-./0123456789:ABCDEFNPR[\\]abcdefgilmnoprstu{}";
#define NSPEC ((int)sizeof spec - 1)
static unsigned char rest[256];
static size_t nrest;

/* rest = the 256 bytes not in spec (needs -eva-slevel-function others:600). */
static void others(void)
{
    unsigned v;
    for (v = 0; v < 256; v++) {
        if (memchr(spec, (int)v, NSPEC) == NULL) {
            rest[nrest++] = (unsigned char)v;
        }
    }
}

/* Byte k of 0..NSPEC: spec's k-th, or (NSPEC) any of the rest. */
static unsigned char byte_of(int k)
{
    return k < NSPEC ? (unsigned char)spec[k] : rest[Frama_C_size_t_interval(0, nrest - 1)];
}

#endif
