/* SPDX-License-Identifier: MIT */
/*
 * unit.h - the smallest test harness that reports honestly.
 *
 * Each test program includes this once, calls CHECK* in its test functions and
 * ends main with `return unit_report("name");`, which prints
 * "name: N passed, M failed" and returns non-zero on any failure.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

static unsigned unit_passed, unit_failed;

#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (cond) {                                                                     \
            unit_passed++;                                                              \
        } else {                                                                        \
            unit_failed++;                                                              \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);    \
        }                                                                               \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                              \
    do {                                                                                \
        long long unit_a_ = (long long)(a), unit_b_ = (long long)(b);                   \
        if (unit_a_ == unit_b_) {                                                       \
            unit_passed++;                                                              \
        } else {                                                                        \
            unit_failed++;                                                              \
            fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__,       \
                    __LINE__, #a, unit_a_, #b, unit_b_);                                \
        }                                                                               \
    } while (0)

/* Compare a (pointer, length) against a C string literal. */
static inline void unit_check_span(const void *p, size_t n, const char *lit, const char *file, int line, const char *expr)
{
    if (p != NULL && n == strlen(lit) && memcmp(p, lit, n) == 0) {
        unit_passed++;
    } else {
        unit_failed++;
        fprintf(stderr, "%s:%d: %s = \"%.*s\", expected \"%s\"\n", file, line, expr, p ? (int)n : 0,
                p ? (const char *)p : "", lit);
    }
}
#define CHECK_SPAN(p, n, lit) unit_check_span((p), (size_t)(n), (lit), __FILE__, __LINE__, #p)

static int unit_report(const char *name)
{
    printf("%s: %u passed, %u failed\n", name, unit_passed, unit_failed);
    return unit_failed ? 1 : 0;
}

#endif /* UNIT_H */
