/* SPDX-License-Identifier: MIT */
/* lkd_base64_encode: any n <= 64 input bytes (unknown contents), the output
 * buffer exactly lkd_base64_len(n) bytes: every write stays inside it. */
#include "__fc_builtin.h"
#include "lkd_base64.c"

#define BOUND 64

int main(void)
{
    uint8_t in[BOUND];
    size_t n = Frama_C_size_t_interval(0, BOUND);
    Frama_C_make_unknown((char *)in, BOUND);
    /*@ split n; */ /* one analysis per length: exact, not an interval */
    char out[4 * ((BOUND + 2) / 3)];
    /* out is exactly as long as lkd_base64_len says: a write past it is an alarm. */
    char *exact = out + sizeof out - (size_t)lkd_base64_len(n);
    lkd_base64_encode(in, n, exact);
    return 0;
}
