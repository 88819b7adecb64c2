/* SPDX-License-Identifier: MIT */
/* main.c - runs lkedoc's core unit programs on the emulated Cortex-M4 and
 * ends with "N passed, M failed" (the runner's closing-line format). */
#include <stdio.h>

/* M4_TESTS comes from boards/mps2-an386/board.mk: X(sign) X(time) ... */
#ifndef M4_TESTS
#error "build through boards/mps2-an386/board.mk (make test-m4)"
#endif

#define X(t) int test_##t##_main(void);
M4_TESTS
#undef X

static unsigned total_passed, total_failed;

int m4_report(const char *name, unsigned passed, unsigned failed)
{
    printf("%s: %u passed, %u failed\n", name, passed, failed);
    total_passed += passed;
    total_failed += failed;
    return failed ? 1 : 0;
}

int main(void)
{
    int rc = 0;
#define X(t) rc |= test_##t##_main();
    M4_TESTS
#undef X
    printf("%u passed, %u failed\n", total_passed, total_failed);
    fflush(stdout);
    return (rc || total_failed) ? 1 : 0;
}
