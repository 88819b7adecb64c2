/* SPDX-License-Identifier: MIT */
/*
 * lkd_base64_encode (core/src/lkd_base64.c) on unknown bytes.
 * Bound: every n from 0 to 64 input bytes, each analysed on its own (split).
 * The output buffer ends exactly lkd_base64_len(n) bytes after where the
 * encoding starts, so a write past that length is an alarm.
 */
#include "__fc_builtin.h"
#include "lkd_base64.c"

#define BOUND 64

int main(void)
{
    uint8_t in[BOUND];
    char out[4 * ((BOUND + 2) / 3)];
    size_t n = Frama_C_size_t_interval(0, BOUND);
    Frama_C_make_unknown((char *)in, BOUND);
    /*@ split n; */
    lkd_base64_encode(in, n, out + sizeof out - (size_t)lkd_base64_len(n));
    return 0;
}
