/*
 * fuzz_url.c - lkd_url_parse on an exact-size copy of the input.  On success
 * the host must be a non-empty span of DNS bytes inside the input right after
 * "https://", the path a span that starts with '/' (inside the input, or the
 * "/" the parser supplies for a URL without one) and holds no byte that could
 * break a request line, and a port the URL did not name must be 443.
 */
#include <string.h>

#include "fuzz_check.h"
#include "lkd_url.h"

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
    free(url);
    return 0;
}
