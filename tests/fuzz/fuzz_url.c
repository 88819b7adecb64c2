/* SPDX-License-Identifier: MIT */
/*
 * fuzz_url.c - lkd_url_parse on an exact-size copy of the input.  On success
 * the host must be a non-empty span of DNS bytes inside the input right after
 * "https://", the path a span that starts with '/' (inside the input, or the
 * "/" the parser supplies for a URL without one) and holds no byte that could
 * break a request line, and a port the URL did not name must be 443.  Then the
 * result-host policy: a URL it allows parses the same, its host is a DNS name
 * under an allowed entry (whole labels) whose last label starts with a letter,
 * at 443 unless the entry is the application's; a refusal has a reason and
 * names a host inside the input.
 */
#include <string.h>

#include "fuzz_check.h"
#include "lkd_url.h"
#include "lkd_url_policy.h"

static int ends_with_label(const char *h, size_t n, const char *suffix)
{
    size_t e = strlen(suffix);
    size_t i;
    if (n <= e || h[n - e - 1] != '.') {
        return 0;
    }
    for (i = 0; i < e; i++) {
        if (fuzz_lower((unsigned char)h[n - e + i]) != (unsigned char)suffix[i]) {
            return 0;
        }
    }
    return 1;
}

static void check_policy(const char *url, size_t size)
{
    static const char *const extra[] = {".lkedoc.test"};
    lkd_url_policy_t p = {extra, 1, 0};
    lkd_url_t u, again;
    lkd_span_t named;
    const char *reason = NULL;
    size_t i, last = 0;
    lkd_status_t st = lkd_url_policy_check(url, size, &p, &u, &named, &reason);
    FUZZ_CHECK(named.len == 0 || (named.ptr >= url && named.ptr + named.len <= url + size));
    if (st == LKD_ERR_URL_REFUSED) {
        FUZZ_CHECK(reason != NULL && reason[0] != '\0');
        return;
    }
    FUZZ_CHECK(st == LKD_OK || lkd_status_is_arg(st));
    if (st != LKD_OK) {
        return;
    }
    FUZZ_CHECK(lkd_url_parse(url, size, &again) == LKD_OK && again.host.ptr == u.host.ptr);
    for (i = 0; i < u.host.len; i++) {
        if (u.host.ptr[i] == '.') {
            last = i + 1;
        }
    }
    FUZZ_CHECK(last < u.host.len);
    FUZZ_CHECK((u.host.ptr[last] >= 'a' && u.host.ptr[last] <= 'z') || (u.host.ptr[last] >= 'A' && u.host.ptr[last] <= 'Z'));
    if (ends_with_label(u.host.ptr, u.host.len, "lkedoc.test")) {
        return;
    }
    FUZZ_CHECK(u.port == 443);
    FUZZ_CHECK(ends_with_label(u.host.ptr, u.host.len, "myqcloud.com") ||
               ends_with_label(u.host.ptr, u.host.len, "tencentcos.cn") ||
               ends_with_label(u.host.ptr, u.host.len, "tencentcos.com"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *url = malloc(size ? size : 1);
    lkd_url_t u;
    size_t i;
    FUZZ_CHECK(url != NULL);
    memcpy(url, data, size);
    if (lkd_url_parse(url, size, &u) == LKD_OK) {
        FUZZ_CHECK(u.host.ptr == url + 8 && u.host.len > 0 && u.host.len <= 253);
        FUZZ_CHECK(u.host.len <= size - 8);
        for (i = 0; i < u.host.len; i++) {
            char c = u.host.ptr[i];
            FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                       c == '.');
        }
        FUZZ_CHECK(u.port >= 1);
        FUZZ_CHECK(u.port_given || u.port == 443);
        FUZZ_CHECK(u.path_query.ptr != NULL && u.path_query.len >= 1 && u.path_query.ptr[0] == '/');
        if (u.path_query.ptr >= url && u.path_query.ptr < url + size) {
            FUZZ_CHECK(u.path_query.ptr >= u.host.ptr + u.host.len);
            FUZZ_CHECK(u.path_query.len <= (size_t)(url + size - u.path_query.ptr));
            for (i = 0; i < u.path_query.len; i++) {
                unsigned char c = (unsigned char)u.path_query.ptr[i];
                FUZZ_CHECK(c > 0x20 && c < 0x7f && c != '#');
            }
        } else {
            FUZZ_CHECK(u.path_query.len == 1); /* the supplied "/" */
        }
    }
    check_policy(url, size);
    free(url);
    return 0;
}
