/* SPDX-License-Identifier: MIT */
/*
 * lkd_url.h - the parts of a presigned result URL the client needs.
 *
 * Only "https://host[:port]/path?query" is accepted: the scheme is compared
 * case-insensitively, the host must be a DNS name (letters, digits, '-', '.';
 * no user info, no IP literal in brackets), and the path and query are kept
 * byte for byte (they carry the signature), minus any "#fragment".
 */
#ifndef LKD_URL_H
#define LKD_URL_H

#include <stddef.h>
#include <stdint.h>

#include "lkd_types.h"

typedef struct {
    lkd_span_t host;       /* inside the URL text, not NUL-terminated */
    uint16_t port;         /* 443 unless given */
    uint8_t port_given;    /* 1 when the URL names a port */
    lkd_span_t path_query; /* "/..." up to the end or '#'; "/" when the URL has no path */
} lkd_url_t;

/* Parse url[0..len).
 * Errors: LKD_ERR_ARG_NULL; LKD_ERR_ARG_FORMAT for a scheme other than https,
 * an empty or invalid host, an empty port, user info, or a byte in the path
 * or query that cannot go into a request line (space, control, non-ASCII);
 * LKD_ERR_ARG_TOO_LONG for a host over 253 bytes; LKD_ERR_ARG_RANGE for a
 * port outside 1..65535. */
lkd_status_t lkd_url_parse(const char *url, size_t len, lkd_url_t *out);

#endif /* LKD_URL_H */
