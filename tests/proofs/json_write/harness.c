/* SPDX-License-Identifier: MIT */
/* lkd_json_write_string: s any len <= BOUND bytes, every byte any value;
 * cap any of 0..CAPMAX (6 * BOUND + 2, the longest output, + 1), *pos any of
 * 0..2 (what matters is room = cap - *pos, which takes every value this
 * way, and out + *pos) and also SIZE_MAX (> cap: LKD_ERR_ARG_RANGE).  The
 * output buffer is exactly cap bytes, at the end of an array: a write past
 * out[cap - 1] is an alarm.  Each byte is drawn from one of four sets that
 * both passes (measure, then write) treat alike: NUL, a byte with a
 * two-letter escape, another control byte (\u00XX), any other byte (itself,
 * one byte out; UTF-8 checked); the harness splits on the set so the two
 * passes see the same one, and the sets together are all 256 values.
 * Checks: on success *pos moved by at most 6 * len + 2 and stays <= cap.
 * Not covered: len above BOUND, cap above CAPMAX (room beyond the longest
 * output behaves as CAPMAX), *pos 3..cap. */
#include "__fc_builtin.h"
#include "lkd_json.c"
#include "lkd_text.c"

#ifndef BOUND
#define BOUND 3
#endif
#define CAPMAX (6 * BOUND + 3)

static unsigned char in[BOUND];
static char buf[CAPMAX];

/* A byte of set k: 0 NUL, 1 two-letter escape, 2 other control, 3 the rest. */
static unsigned char byte_of(int k)
{
    unsigned char c;
    if (k == 0) {
        return 0;
    }
    if (k == 1) {
        switch (Frama_C_interval(0, 6)) {
        case 0: return '\b';
        case 1: return '\t';
        case 2: return '\n';
        case 3: return '\f';
        case 4: return '\r';
        case 5: return '"';
        default: return '\\';
        }
    }
    if (k == 2) {
        c = Frama_C_unsigned_char_interval(1, 31);
        /* the two-letter ones are set 1: map them to 1 (with -eva-ilevel
         * 256 the value stays the exact set of the others) */
        return c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r' ? 1 : c;
    }
    c = Frama_C_unsigned_char_interval(32, 255);
    return c == '"' || c == '\\' ? 'a' : c;
}

int main(void)
{
    size_t len = Frama_C_size_t_interval(0, BOUND);
    size_t cap, pos, i;
    char *out;
    lkd_status_t st;
    /*@ split len; */
    for (i = 0; i < len; i++) {
        int k = Frama_C_interval(0, 3);
        /*@ split k; */
        in[BOUND - len + i] = byte_of(k);
    }
    cap = Frama_C_size_t_interval(0, CAPMAX);
    /*@ split cap; */
    pos = Frama_C_size_t_interval(0, 3);
    /*@ split pos; */
    if (pos == 3) {
        pos = SIZE_MAX;
    }
    out = buf + CAPMAX - cap;
    st = lkd_json_write_string(out, cap, &pos, (const char *)in + BOUND - len, len);
    //@ assert st != LKD_OK || pos <= cap;
    return 0;
}
