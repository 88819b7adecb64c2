/* SPDX-License-Identifier: MIT */
/*
 * lkd_url.c - see lkd_url.h.
 */
#include "lkd_url.h"

#include <string.h>

#include "lkd_text.h"

static int host_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

lkd_status_t lkd_url_parse(const char *url, size_t len, lkd_url_t *out)
{
    static const char scheme[] = "https://";
    size_t i, host_start, host_end, end = len;
    if (url == NULL || out == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    if (len < sizeof scheme) {
        return LKD_ERR_ARG_FORMAT;
    }
    memset(out, 0, sizeof *out);
    if (!lkd_text_equals_nocase(url, sizeof scheme - 1, scheme)) {
        return LKD_ERR_ARG_FORMAT;
    }
    for (i = 0; i < len; i++) {
        if (url[i] == '#') {
            end = i;
            break;
        }
    }
    host_start = sizeof scheme - 1;
    for (i = host_start; i < end && host_byte(url[i]); i++) {
    }
    host_end = i;
    if (host_end == host_start) {
        return LKD_ERR_ARG_FORMAT;
    }
    if (host_end - host_start > 253) {
        return LKD_ERR_ARG_TOO_LONG;
    }
    out->port = 443;
    if (i < end && url[i] == ':') {
        uint32_t port = 0;
        size_t digits = 0;
        for (i++; i < end && url[i] >= '0' && url[i] <= '9' && digits < 6; i++, digits++) {
            port = port * 10u + (uint32_t)(url[i] - '0');
        }
        if (digits == 0) {
            return LKD_ERR_ARG_FORMAT;
        }
        if (port == 0 || port > 65535u) {
            return LKD_ERR_ARG_RANGE;
        }
        out->port = (uint16_t)port;
        out->port_given = 1;
    }
    if (i < end && url[i] != '/' && url[i] != '?') {
        return LKD_ERR_ARG_FORMAT; /* user info, brackets, or anything else after the host */
    }
    out->host.ptr = url + host_start;
    out->host.len = host_end - host_start;
    if (i == end) {
        out->path_query.ptr = "/";
        out->path_query.len = 1;
        return LKD_OK;
    }
    if (url[i] == '?') {
        return LKD_ERR_ARG_FORMAT; /* "https://host?q" has no path: refuse rather than invent one */
    }
    out->path_query.ptr = url + i;
    out->path_query.len = end - i;
    for (; i < end; i++) {
        unsigned char c = (unsigned char)url[i];
        if (c <= 0x20 || c >= 0x7f) {
            return LKD_ERR_ARG_FORMAT;
        }
    }
    return LKD_OK;
}
