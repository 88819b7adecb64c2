/* SPDX-License-Identifier: MIT */
/*
 * san_options.c - default sanitizer options compiled into the sanitizer
 * builds (build/san), so they hold even when a test runs the program with a
 * clean environment: every report aborts (a test cannot mistake it for an
 * ordinary failure exit), leaks are reported, and faketime's LD_PRELOAD may
 * come before the ASan runtime.  ASAN_OPTIONS / UBSAN_OPTIONS still override.
 */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);

const char *__asan_default_options(void)
{
    return "detect_leaks=1:abort_on_error=1:verify_asan_link_order=0";
}

const char *__ubsan_default_options(void)
{
    return "print_stacktrace=1:halt_on_error=1:abort_on_error=1";
}
