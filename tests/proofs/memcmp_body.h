/* SPDX-License-Identifier: MIT */
/* A body for memcmp, for the harnesses whose proof needs its result exact:
 * Frama-C's libc gives memcmp a contract only, and EVA cannot evaluate the
 * contract's result (so a key comparison would come out "either"); with a
 * body EVA runs the comparison byte by byte, and still checks memcmp's
 * preconditions (both ranges readable) at every call. */
#ifndef MEMCMP_BODY_H
#define MEMCMP_BODY_H

#include <string.h>

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    size_t i;
    for (i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}

#endif
