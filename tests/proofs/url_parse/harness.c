/* SPDX-License-Identifier: MIT */
/* lkd_url_parse (core/src/lkd_url.c) on arbitrary text.
 *  1. every length n <= BOUND of unknown bytes: the scheme check and every
 *     refusal before it;
 *  2. "https://" then m <= TAIL_BOUND unknown bytes: the host, port, path and
 *     query loops on arbitrary bytes (a port of 6 digits, '#', '?', ...).
 * The text sits at the END of its array (a read one past it is an alarm).  On
 * LKD_OK the host span lies inside the text, path_query's first byte is
 * readable, and the port is 1..65535.
 * Not covered: a host over 253 bytes (LKD_ERR_ARG_TOO_LONG needs a text over
 * 261 bytes: past TAIL_BOUND, the check is one comparison), NULL arguments
 * (checked first). */
#include "__fc_builtin.h"
#include "lkd_url.c"
#include "lkd_text.c"

#define BOUND 16
#define TAIL_BOUND 24
#define PREFIX "https://"
#define PREFIX_LEN (sizeof PREFIX - 1)

static void check(const char *url, size_t n)
{
    lkd_url_t u;
    lkd_status_t st = lkd_url_parse(url, n, &u);
    /*@ split st; */ /* the spans are set only on LKD_OK */
    if (st == LKD_OK) {
        //@ assert host_inside: url <= u.host.ptr && u.host.ptr + u.host.len <= url + n;
        //@ assert host_len: 1 <= u.host.len <= 253;
        //@ assert port: u.port >= 1;
        /* path_query: the constant "/" of a URL without a path, or a span that
         * starts inside the text (its length and end need i <= end, a
         * relation EVA does not keep: not asserted). */
        //@ assert path_start: \valid_read(u.path_query.ptr);
    }
}

int main(void)
{
    char any[BOUND];
    char tail[PREFIX_LEN + TAIL_BOUND];
    size_t n = Frama_C_size_t_interval(0, BOUND);
    size_t m = Frama_C_size_t_interval(0, TAIL_BOUND);
    Frama_C_make_unknown(any, BOUND);
    /*@ split n; */
    check(any + BOUND - n, n);
    /*@ merge n; */
    Frama_C_make_unknown(tail, sizeof tail);
    /*@ split m; */
    {
        char *url = tail + TAIL_BOUND - m;
        memcpy(url, PREFIX, PREFIX_LEN);
        check(url, PREFIX_LEN + m);
    }
    return 0;
}
