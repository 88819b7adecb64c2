/* SPDX-License-Identifier: MIT */
/* lkd_proxy_bypassed (core/src/lkd_proxy.c): the no_proxy list against a
 * host and port.  Two parts:
 *  - entry_matches (one entry against the host) on ENTRY bytes of every
 *    length 1..ENTRY_BOUND (the list's scan gives it none empty) and a
 *    host of every length 0..ENTRY_HOST, all bytes arbitrary (0..255),
 *    lengths split, any port;
 *  - lkd_proxy_bypassed: the list NULL, or a NUL-terminated text of every
 *    length <= LIST_BOUND; the host a NUL-terminated text of every length
 *    <= HOST_BOUND (both split); any port.  The texts' bytes are arbitrary
 *    in 1..127: "any byte but 0" is no interval for EVA, so strlen of such
 *    a text would be any length, unrelated to the array; the scan compares
 *    bytes with ',', ' ', '\t' and 0 only, so a byte 0x80..0xFF takes the
 *    path of any other byte of an entry (and entry_matches has them all in
 *    the first part).
 * Every text sits at the END of its array (a read past it is an alarm).
 * The list's bound is small: every byte of it is an entry's or one of three
 * separators, and the analysis keeps each of these paths apart (the entry's
 * start and length one value each), 4^LIST_BOUND of them.
 * Not covered: longer lists, entries or hosts. */
#include "__fc_builtin.h"
#include "lkd_proxy.c"
#include "lkd_text.c"

#ifndef ENTRY_BOUND
#define ENTRY_BOUND 6
#endif
#ifndef ENTRY_HOST
#define ENTRY_HOST 5
#endif
#ifndef LIST_BOUND
#define LIST_BOUND 4
#endif
#ifndef HOST_BOUND
#define HOST_BOUND 3
#endif

/* A NUL-terminated text of length len <= bound, bytes 1..127, at the end of
 * buf (bound + 1 bytes). */
static const char *any_text(char *buf, size_t bound, size_t len)
{
    size_t k;
    for (k = 0; k < bound; k++) {
        buf[k] = (char)Frama_C_interval(1, 127);
    }
    buf[bound] = '\0';
    return buf + bound - len;
}

static void entry(void)
{
    char e[ENTRY_BOUND], host[ENTRY_HOST];
    size_t n = Frama_C_size_t_interval(1, ENTRY_BOUND);
    size_t hn = Frama_C_size_t_interval(0, ENTRY_HOST);
    int r;
    Frama_C_make_unknown(e, sizeof e);
    Frama_C_make_unknown(host, sizeof host);
    /*@ split n; */
    /*@ split hn; */
    r = entry_matches(e + ENTRY_BOUND - n, n, host + ENTRY_HOST - hn, hn, (uint16_t)Frama_C_interval(0, 65535));
    //@ assert entry_result: r == 0 || r == 1;
}

static void list_scan(void)
{
    char list[LIST_BOUND + 1], host[HOST_BOUND + 1];
    size_t ln = Frama_C_size_t_interval(0, LIST_BOUND);
    size_t hn = Frama_C_size_t_interval(0, HOST_BOUND);
    int none = Frama_C_interval(0, 1), r;
    /*@ split none; */
    /*@ split ln; */
    /*@ split hn; */
    r = lkd_proxy_bypassed(none ? NULL : any_text(list, LIST_BOUND, ln), any_text(host, HOST_BOUND, hn),
                           (uint16_t)Frama_C_interval(0, 65535));
    //@ assert bypass_result: r == 0 || r == 1;
    if (none || ln == 0) {
        //@ assert empty_list: r == 0;
    }
}

int main(void)
{
    entry();
    list_scan();
    return 0;
}
