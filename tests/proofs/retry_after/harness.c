/* SPDX-License-Identifier: MIT */
/* note_header (lkd_call.c, static: the header callback of every API answer,
 * which keeps Retry-After's seconds): the name "Retry-After" with any value
 * of any len <= BOUND bytes (unknown contents), and an unknown name of any
 * length <= NAME_BOUND with any value.  Each length separately.  The
 * result is checked: retry_after_ms stays at most 999 999 000 (at most six
 * digits are kept, and 999 999 s * 1000 fits 32 bits), so the multiply
 * cannot wrap.  Not covered: values over BOUND bytes (the loop stops at the
 * 7th byte whatever the length). */
#include "__fc_builtin.h"
#include "lkd_call.c"
#include "lkd_text.c"

#define BOUND 12
#define NAME_BOUND 16

static lkd_client_t client;

int main(void)
{
    char value[BOUND], name[NAME_BOUND];
    size_t n = Frama_C_size_t_interval(0, BOUND);
    size_t nn = Frama_C_size_t_interval(0, NAME_BOUND);
    lkd_status_t st;
    Frama_C_make_unknown(value, BOUND);
    Frama_C_make_unknown(name, NAME_BOUND);
    client.internal.retry_after_ms = 7;
    /*@ split n; */
    st = note_header(&client, "Retry-After", 11, value + BOUND - n, n);
    //@ assert st == LKD_OK;
    //@ assert client.internal.retry_after_ms <= 999999000u;
    /*@ split nn; */
    st = note_header(&client, name + NAME_BOUND - nn, nn, value + BOUND - n, n);
    //@ assert st == LKD_OK;
    //@ assert client.internal.retry_after_ms <= 999999000u;
    return 0;
}
