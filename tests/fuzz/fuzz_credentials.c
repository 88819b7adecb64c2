/* SPDX-License-Identifier: MIT */
/*
 * fuzz_credentials.c - the CLI's credentials parser (boards/posix/credentials.c)
 * on an exact-size copy of the input.  Whatever the input: the three fields
 * stay NUL-terminated inside their arrays; on success both keys are
 * non-empty (or, without any of them, a credentials_process command is), hold no NUL, newline or surrounding blank
 * (the three secrets: only visible ASCII, no quote mark at either end), and each one's value
 * appears in the input on a line no longer than the limit; an input with a
 * NUL byte or an over-long line is never accepted; a failure leaves a
 * NUL-terminated message.
 */
#include <string.h>

#include "credentials.h"
#include "fuzz_check.h"

static size_t bounded_len(const char *s, size_t cap)
{
    size_t n = 0;
    while (n < cap && s[n] != '\0') {
        n++;
    }
    FUZZ_CHECK(n < cap);
    return n;
}

static int has_long_line(const uint8_t *d, size_t n)
{
    size_t i, run = 0;
    for (i = 0; i < n; i++) {
        run = d[i] == '\n' ? 0 : run + 1;
        if (run > CREDENTIALS_LINE_MAX) {
            return 1;
        }
    }
    return 0;
}

/* secret: a SecretId, SecretKey or token, visible ASCII and unquoted. */
static void check_value(const char *v, size_t cap, const uint8_t *data, size_t size, int required, int secret)
{
    size_t n = bounded_len(v, cap), i;
    if (!required && n == 0) {
        return;
    }
    FUZZ_CHECK(n > 0);
    FUZZ_CHECK(v[0] != ' ' && v[0] != '\t' && v[n - 1] != ' ' && v[n - 1] != '\t' && v[n - 1] != '\r');
    for (i = 0; i < n; i++) {
        FUZZ_CHECK(v[i] != '\n');
        FUZZ_CHECK(!secret || (v[i] > ' ' && v[i] < 0x7f));
    }
    FUZZ_CHECK(!secret || (v[0] != '"' && v[0] != '\'' && v[n - 1] != '"' && v[n - 1] != '\''));
    /* The value is a copy of input bytes. */
    FUZZ_CHECK(n <= size);
    for (i = 0; i + n <= size; i++) {
        if (memcmp(data + i, v, n) == 0) {
            return;
        }
    }
    FUZZ_CHECK(!"value not found in the input");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static credentials_t c;
    char err[512];
    char *buf = malloc(size ? size : 1);
    int rc;
    FUZZ_CHECK(buf != NULL);
    memcpy(buf, data, size);
    memset(&c, 0, sizeof c);
    memset(err, 'x', sizeof err);
    rc = credentials_parse(&c, buf, size, "fuzz", err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == -1);
    bounded_len(c.secret_id, sizeof c.secret_id);
    bounded_len(c.secret_key, sizeof c.secret_key);
    bounded_len(c.token, sizeof c.token);
    bounded_len(c.process, sizeof c.process);
    if (rc == 0 && c.process[0] != '\0') {
        /* A credentials process instead of keys: then none of them. */
        FUZZ_CHECK(memchr(data, '\0', size) == NULL);
        FUZZ_CHECK(!has_long_line(data, size));
        check_value(c.process, sizeof c.process, data, size, 1, 0);
        FUZZ_CHECK(c.secret_id[0] == '\0' && c.secret_key[0] == '\0' && c.token[0] == '\0');
    } else if (rc == 0) {
        FUZZ_CHECK(memchr(data, '\0', size) == NULL);
        FUZZ_CHECK(!has_long_line(data, size));
        check_value(c.secret_id, sizeof c.secret_id, data, size, 1, 1);
        check_value(c.secret_key, sizeof c.secret_key, data, size, 1, 1);
        check_value(c.token, sizeof c.token, data, size, 0, 1);
    } else {
        bounded_len(err, sizeof err);
    }
    credentials_wipe(&c);
    FUZZ_CHECK(c.secret_key[0] == '\0' && c.secret_id[0] == '\0' && c.token[0] == '\0');
    free(buf);
    return 0;
}
