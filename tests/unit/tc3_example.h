/* SPDX-License-Identifier: MIT */
/*
 * tc3_example.h - the request body of Tencent Cloud's signature v3 example
 * (CVM DescribeInstances) and the helpers its checks use, shared by the
 * signer's unit program and the crypto-seam program of tests/alt.
 */
#ifndef TC3_EXAMPLE_H
#define TC3_EXAMPLE_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lkd_types.h"

static const char body[] =
    "{\"Limit\": 1, \"Filters\": [{\"Values\": [\"\\u672a\\u547d\\u540d\"], \"Name\": \"instance-name\"}]}";

static lkd_span_t span(const char *s)
{
    lkd_span_t v;
    v.ptr = s;
    v.len = strlen(s);
    return v;
}

/* out gets 2 * n lowercase hex digits and a NUL. */
static void hex(const uint8_t *in, size_t n, char *out)
{
    size_t i;
    for (i = 0; i < n; i++) {
        sprintf(out + 2 * i, "%02x", in[i]);
    }
}

#endif /* TC3_EXAMPLE_H */
