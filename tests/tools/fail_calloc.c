/* SPDX-License-Identifier: MIT */
/*
 * fail_calloc.c - an LD_PRELOAD library for fault injection: calloc (which is
 * how mbedTLS allocates on the host) succeeds LKEDOC_FAIL_CALLOC_AFTER times,
 * then fails.  test_cli sweeps the count over a whole call to show that every
 * allocation failure inside mbedTLS ends in a clear error, never a crash or a
 * wrong success.  Without the variable calloc is untouched.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdlib.h>

static void *(*real_calloc)(size_t, size_t);
static long budget = -2; /* -2: not read yet, -1: unlimited */
static int resolving;

void *calloc(size_t n, size_t size)
{
    if (real_calloc == NULL) {
        if (resolving) {
            return NULL; /* dlsym asking for memory while we look calloc up: it copes */
        }
        resolving = 1;
        *(void **)&real_calloc = dlsym(RTLD_NEXT, "calloc"); /* POSIX's way round C's rule */
        resolving = 0;
    }
    if (budget == -2) {
        const char *e = getenv("LKEDOC_FAIL_CALLOC_AFTER");
        budget = e != NULL ? atol(e) : -1;
    }
    if (budget == 0) {
        return NULL;
    }
    if (budget > 0) {
        budget--;
    }
    return real_calloc(n, size);
}
