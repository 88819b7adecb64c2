/* SPDX-License-Identifier: MIT */
/*
 * lkd_url_policy.c - see lkd_url_policy.h.
 */
#include "lkd_url_policy.h"

#include <string.h>

#include "lkd_config.h"
#include "lkd_text.h"

static const char *const default_hosts[] = {LKD_DEFAULT_RESULT_HOSTS};

static int is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int lkd_url_policy_entry_ok(const char *entry)
{
    size_t i, n;
    if (entry == NULL) {
        return 0;
    }
    n = strlen(entry);
    if (n == 0 || n > 253 || (n == 1 && entry[0] == '.')) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (!is_letter(entry[i]) && !is_digit(entry[i]) && entry[i] != '-' && entry[i] != '.') {
            return 0;
        }
    }
    return 1;
}

int lkd_url_policy_defaults_ok(void)
{
    size_t i;
    for (i = 0; i < sizeof default_hosts / sizeof default_hosts[0]; i++) {
        if (!lkd_url_policy_entry_ok(default_hosts[i])) {
            return 0;
        }
    }
    return 1;
}

/* The authority's host text after "scheme://": up to ':', '/', '?', '#' or
 * the end; a bracketed literal up to its ']'. */
static lkd_span_t host_text(const char *url, size_t len)
{
    lkd_span_t h = {NULL, 0};
    size_t i, start;
    for (i = 0; i + 2 < len && url[i] != '/'; i++) {
        if (url[i] == ':' && url[i + 1] == '/' && url[i + 2] == '/') {
            break;
        }
    }
    if (i + 2 >= len || url[i] != ':') {
        return h;
    }
    start = i + 3;
    for (i = start; i < len && url[i] != '/' && url[i] != '?' && url[i] != '#'; i++) {
        if (url[i] == ':' && url[start] != '[') {
            break;
        }
        if (url[i] == ']') {
            i++;
            break;
        }
    }
    h.ptr = url + start;
    h.len = i - start;
    return h;
}

/* RFC 1123 host name: labels of 1..63 letters, digits and inner hyphens.
 * 0 = fine, else the reason. */
static const char *dns_shape(const char *h, size_t n)
{
    size_t i, label = 0, last = 0;
    for (i = 0; i <= n; i++) {
        if (i == n || h[i] == '.') {
            if (label == 0 || label > 63 || h[i - 1] == '-' || h[i - label] == '-') {
                return LKD_TEXT("not a DNS host name");
            }
            last = i - label;
            label = 0;
        } else {
            label++;
        }
    }
    /* inet_aton reads "127.1", "2130706433" and "0x7f000001" as addresses;
     * every part of such a name starts with a digit, no top-level domain does. */
    return is_letter(h[last]) ? NULL : LKD_TEXT("numeric host name");
}

static int under(const char *host, size_t n, const char *entry)
{
    size_t e = strlen(entry);
    if (entry[0] != '.') {
        return lkd_text_equals_nocase(host, n, entry);
    }
    return n > e && lkd_text_equals_nocase(host + n - e, e, entry);
}

/* 0: not allowed, 1: allowed at 443 only, 2: allowed at any port. */
static int allowed(const char *host, size_t n, const lkd_url_policy_t *p)
{
    size_t i;
    if (p != NULL && p->extra != NULL) {
        for (i = 0; i < p->extra_count; i++) {
            if (p->extra[i] != NULL && under(host, n, p->extra[i])) {
                return 2;
            }
        }
    }
    if (p != NULL && p->replace) {
        return 0;
    }
    for (i = 0; i < sizeof default_hosts / sizeof default_hosts[0]; i++) {
        if (under(host, n, default_hosts[i])) {
            return 1;
        }
    }
    return 0;
}

lkd_status_t lkd_url_policy_check(const char *url, size_t len, const lkd_url_policy_t *policy, lkd_url_t *out,
                                  lkd_span_t *named_host, const char **reason)
{
    static const char https[] = "https://";
    lkd_span_t h;
    const char *why;
    int level;
    lkd_status_t st;
    *reason = NULL;
    named_host->ptr = NULL;
    named_host->len = 0;
    if (url == NULL || out == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    h = host_text(url, len);
    *named_host = h;
    if (h.ptr == NULL) {
        return LKD_ERR_ARG_FORMAT;
    }
    if (len < sizeof https - 1 || h.ptr != url + (sizeof https - 1) ||
        !lkd_text_equals_nocase(url, sizeof https - 1, https)) {
        *reason = LKD_TEXT("scheme is not https");
        return LKD_ERR_URL_REFUSED;
    }
    if (h.len > 0 && h.ptr[0] == '[') {
        *reason = LKD_TEXT("IP address literal");
        return LKD_ERR_URL_REFUSED;
    }
    st = lkd_url_parse(url, len, out);
    if (st != LKD_OK) {
        return st;
    }
    why = dns_shape(out->host.ptr, out->host.len);
    if (why != NULL) {
        *reason = why;
        return LKD_ERR_URL_REFUSED;
    }
    level = allowed(out->host.ptr, out->host.len, policy);
    if (level == 0) {
        *reason = LKD_TEXT("host is not an allowed result host");
        return LKD_ERR_URL_REFUSED;
    }
    if (level == 1 && out->port != 443) {
        *reason = LKD_TEXT("port not allowed for this host");
        return LKD_ERR_URL_REFUSED;
    }
    return LKD_OK;
}
