/* SPDX-License-Identifier: MIT */
/* lkd_json_write_string: s any len <= BOUND bytes, every byte any value.
 * Each byte is drawn from one of four sets that both passes (measure, then
 * write) treat alike: NUL, a byte with a two-letter escape, another control
 * byte (\u00XX), any other byte (itself, one byte out; UTF-8 checked); the
 * harness splits on the set, and the sets together are all 256 values.
 * From the sets the harness knows need, the output's length when the input
 * is valid (2 + 2, 6 or 1 per byte), and tries the capacities around it:
 * cap - *pos = need - 1 (LKD_ERR_BUFFER_TOO_SMALL, the last check that can
 * fail), need (fits exactly), and cap 0; *pos 0, 1 (output not at the
 * buffer's start), or SIZE_MAX (> cap: LKD_ERR_ARG_RANGE).  The output
 * buffer is exactly cap bytes, at the end of an array: a write past
 * out[cap - 1] is an alarm.
 * Checks: on success *pos moved by exactly need and stays <= cap; with room
 * need - 1 the answer is never LKD_OK.
 * BOUND 3: about 30 s of CPU per model.
 * Not covered: len above BOUND, other capacities (room is only compared
 * with the running sum: need - 1 and need are its two sides). */
#include "__fc_builtin.h"
#include "lkd_json.c"
#include "lkd_text.c"

#ifndef BOUND
#define BOUND 3
#endif
#define CAPMAX (6 * BOUND + 3)

static unsigned char in[BOUND];
static char buf[CAPMAX];

/* The bytes of each set but NUL: the two-letter escapes, the other control
 * bytes, and every byte from 0x20 but '"' and '\\'.  Filled by main; a byte
 * of set k is set[k][i] for an unknown i, one analysis state holding all
 * of the set's values (with -eva-ilevel 256), not one state per value. */
static unsigned char set[4][256];
static int set_size[4];

static void fill_sets(void)
{
    int c;
    for (c = 1; c < 256; c++) {
        int k = escape_letter((unsigned char)c) != 0 ? 1 : c < 0x20 ? 2 : 3;
        set[k][set_size[k]++] = (unsigned char)c;
    }
    set_size[0] = 1; /* set[0][0] is NUL */
}

/* Output bytes of a byte of set k (set 0 is refused whatever the room). */
static const size_t width[4] = {0, 2, 6, 1};

int main(void)
{
    size_t len = Frama_C_size_t_interval(0, BOUND);
    size_t need = 2, cap, pos, pos0, i;
    int which;
    char *out;
    lkd_status_t st;
    fill_sets();
    /*@ split len; */
    for (i = 0; i < len; i++) {
        int k = Frama_C_interval(0, 3);
        /*@ split k; */
        in[BOUND - len + i] = set[k][Frama_C_interval(0, set_size[k] - 1)];
        need += width[k];
    }
    which = Frama_C_interval(0, 4);
    /*@ split which; */
    switch (which) {
    case 0: pos = 0; cap = need - 1; break;
    case 1: pos = 0; cap = need; break;
    case 2: pos = 1; cap = need; break; /* room need - 1 */
    case 3: pos = 1; cap = need + 1; break;
    default: pos = SIZE_MAX; cap = 0; break;
    }
    pos0 = pos;
    out = buf + CAPMAX - cap;
    st = lkd_json_write_string(out, cap, &pos, (const char *)in + BOUND - len, len);
    //@ assert st != LKD_OK || (pos == pos0 + need && pos <= cap);
    //@ assert cap - pos0 != need - 1 || st != LKD_OK;
    return 0;
}
