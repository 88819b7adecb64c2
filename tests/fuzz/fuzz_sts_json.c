/* SPDX-License-Identifier: MIT */
/*
 * fuzz_sts_json.c - the CLI's reader of a credentials process's output
 * (boards/posix/sts_json.c) on an exact-size copy of the input.  Whatever
 * the input: 0 or -1; on success the three values fit their arrays, id and
 * key were present (the token may be empty only if the input said so) and
 * the expiry is not negative; an input that is not one JSON object (a byte
 * after it) is never accepted; a failure leaves a NUL-terminated message.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "sts_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sts_json_t out;
    char err[200];
    char *buf = malloc(size ? size : 1);
    int rc;
    FUZZ_CHECK(buf != NULL);
    memcpy(buf, data, size);
    memset(err, 'x', sizeof err);
    rc = sts_json_parse(buf, size, &out, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc == 0) {
        size_t end = size;
        FUZZ_CHECK(out.secret_id_len <= STS_JSON_VALUE_MAX && out.secret_key_len <= STS_JSON_VALUE_MAX &&
                   out.token_len <= STS_JSON_VALUE_MAX);
        FUZZ_CHECK(out.expired_time >= 0);
        while (end > 0 && (data[end - 1] == ' ' || data[end - 1] == '\t' || data[end - 1] == '\n' ||
                           data[end - 1] == '\r')) {
            end--;
        }
        FUZZ_CHECK(end > 0 && data[end - 1] == '}');
    } else {
        FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
    }
    free(buf);
    return 0;
}
