/* SPDX-License-Identifier: MIT */
/* lkd_crc64, the 16-entry table variant (LKD_CRC64_FAST=0, the firmware default):
 * any crc, any len <= BOUND bytes of unknown contents, fed in two pieces at
 * any split point a <= len (the CRC of a, then of the rest with the first
 * result, as a download streams it).  Each len and each a is analysed
 * separately, so the byte loop of each call reads
 * exactly inside the buffer (the buffer ends where the data ends: a read one
 * past is an alarm).  Not covered: lengths over BOUND (the loops do the same
 * per 8 bytes whatever the length), more than two pieces. */
#include "__fc_builtin.h"
/* run.py sets the host default 1: this harness proves the firmware's variant. */
#include "lkd_config.h"
#undef LKD_CRC64_FAST
#define LKD_CRC64_FAST 0
#include "lkd_crc64.c"

#define BOUND 16

int main(void)
{
    uint8_t buf[BOUND];
    size_t len = Frama_C_size_t_interval(0, BOUND);
    size_t a = Frama_C_size_t_interval(0, BOUND);
    uint64_t crc;
    Frama_C_make_unknown((char *)&crc, sizeof crc);
    Frama_C_make_unknown((char *)buf, BOUND);
    /*@ split len; */
    /*@ split a; */
    if (a <= len) { /* after the splits: both exact, so the test removes the rest */
        const uint8_t *data = buf + BOUND - len; /* the last len bytes of buf */
        /* a == len is the whole in one call (the second call gets 0 bytes). */
        crc = lkd_crc64(lkd_crc64(crc, data, a), data + a, len - a);
    }
    return 0;
}
