/* SPDX-License-Identifier: MIT */
/* lkd_tls_sniff: any n <= BOUND bytes of unknown contents, fed from a zeroed
 * state in pieces of any sizes (every split point: each piece is 1 .. the
 * bytes left), then lkd_tls_sniff_version with any alert and
 * lkd_tls_sniff_cert_refusal with any alert.  The analysis is partitioned
 * by the total, the offset and the piece size, so each call sees an exact
 * pointer and length (a read one past the piece is an alarm: the buffer
 * ends where the bytes end); the state after the pieces before is the union
 * over every way of cutting them.  Not covered: more than BOUND bytes (a
 * record or handshake message longer than what is left is only counted
 * down: its length field is unknown, up to 2^24). */
#include "__fc_builtin.h"
#include "lkd_tls_sniff.c"

#include <string.h>

#define BOUND 10

int main(void)
{
    uint8_t buf[BOUND];
    lkd_tls_sniff_t s;
    size_t n = Frama_C_size_t_interval(0, BOUND), off = 0;
    const uint8_t *data;
    unsigned v;
    int alert = Frama_C_interval(INT32_MIN, INT32_MAX);
    Frama_C_make_unknown((char *)buf, BOUND);
    memset(&s, 0, sizeof s);
    /*@ split n; */
    data = buf + BOUND - n; /* the last n bytes of buf */
    /*@ loop unroll BOUND; */ /* each piece apart: no widening of off */
    while (off < n) {
        size_t k = Frama_C_size_t_interval(1, n - off);
        /*@ split k; */
        lkd_tls_sniff(&s, data + off, k);
        off += k;
        /*@ split off; */
    }
    //@ assert s.hdr_got <= 5 && s.hs_got <= 6 && s.sealed <= 3;
    v = lkd_tls_sniff_version(&s, alert);
    //@ assert v <= 0xffff;
    (void)lkd_tls_sniff_cert_refusal(alert, s.cert_requested);
    return 0;
}
