/* SPDX-License-Identifier: MIT */
/*
 * lkd_base64.c - see lkd_base64.h.
 */
#include "lkd_base64.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

uint64_t lkd_base64_len(uint64_t n)
{
    return (n / 3u + (n % 3u != 0)) * 4u;
}

void lkd_base64_encode(const uint8_t *in, size_t n, char *out)
{
    size_t i = 0;
#ifdef LKD_WP /* Frama-C WP's loop invariant (tests/proofs/wp_base64_len) */
    /*@ loop invariant 0 <= i <= n && i % 3 == 0 && out == \at(out, Pre) + i / 3 * 4;
        loop assigns i, out, \at(out, Pre)[0 .. n / 3 * 4 - 1];
        loop variant n - i; */
#endif
    for (; i + 3 <= n; i += 3) {
        uint32_t v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) | in[i + 2];
        *out++ = alphabet[(v >> 18) & 63u];
        *out++ = alphabet[(v >> 12) & 63u];
        *out++ = alphabet[(v >> 6) & 63u];
        *out++ = alphabet[v & 63u];
    }
    if (i < n) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n) {
            v |= (uint32_t)in[i + 1] << 8;
        }
        *out++ = alphabet[(v >> 18) & 63u];
        *out++ = alphabet[(v >> 12) & 63u];
        *out++ = i + 1 < n ? alphabet[(v >> 6) & 63u] : '=';
        *out = '=';
    }
}
