/* SPDX-License-Identifier: MIT */
/*
 * lkd_url_policy.h - which result URLs the client may fetch.
 *
 * DocumentRecognizeResultUrl comes from the network, so it decides nothing
 * about where the client connects beyond this policy: the scheme is https, the
 * host is a DNS name (no IPv4 or IPv6 literal, no name getaddrinfo would read
 * as a number: the last label must start with a letter), and it is allowed by
 * the list: LKD_DEFAULT_RESULT_HOSTS at port 443, and the application's own
 * entries at any port.  An entry ".example.com" allows any name ending in it
 * (whole labels: "evilexample.com" is not under it), an entry "example.com"
 * that name only.  Names are compared ASCII case-insensitively.
 */
#ifndef LKD_URL_POLICY_H
#define LKD_URL_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "lkd_types.h"
#include "lkd_url.h"

typedef struct {
    const char *const *extra; /* the application's entries (NUL-terminated), or NULL */
    size_t extra_count;
    uint8_t replace;          /* 1: only the application's entries count */
} lkd_url_policy_t;

/* 1 when entry is usable in a policy: 1..253 bytes of letters, digits, '-'
 * and '.', not "." alone. */
int lkd_url_policy_entry_ok(const char *entry);

/* 1 when every entry of LKD_DEFAULT_RESULT_HOSTS is usable (the preprocessor
 * cannot check strings: lkd_client_init does, once). */
int lkd_url_policy_defaults_ok(void);

/* Parse url[0..len) and check it against the policy.
 * On LKD_OK *out is the parsed URL (see lkd_url_parse).  *named_host always
 * gets the host text the URL names (possibly empty, not NUL-terminated,
 * inside url), so that a refusal can say which host it refused.
 * Errors: LKD_ERR_URL_REFUSED with *reason a constant English phrase ("scheme
 * is not https", "IP address literal", "numeric host name", "not a DNS host
 * name", "host is not an allowed result host", "port not allowed for this
 * host"; "" with LKD_ENABLE_TEXTS 0); the LKD_ERR_ARG_* kind of lkd_url_parse for a URL it refuses
 * otherwise (LKD_ERR_ARG_FORMAT when no host can be found at all). */
lkd_status_t lkd_url_policy_check(const char *url, size_t len, const lkd_url_policy_t *policy, lkd_url_t *out,
                                  lkd_span_t *named_host, const char **reason);

#endif /* LKD_URL_POLICY_H */
