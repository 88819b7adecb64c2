/* SPDX-License-Identifier: MIT */
/*
 * The body of the lkd_http_parse harnesses (tests/proofs/http_*): each
 * harness.c defines
 *   PREFIX   the known first bytes of the response ("" for none),
 *            or PREFIXES, a comma-separated list of them: each is analysed
 *            apart (split), with the same UNKNOWN bytes after it;
 *   UNKNOWN  how many arbitrary bytes follow it,
 *   PIECES   how many lkd_http_parse calls the bytes are fed in,
 * optionally PREFIX_HOOK(bytes, len, which), a statement run on the copy of
 * prefix number `which` before it is parsed (to make some of its bytes
 * unknown within a range: it must leave a prefix the parser takes whole
 * with LKD_OK), and PREFIX_MAX (default 200) >= the longest prefix,
 * and includes this file.  PREFIX is fed in one call first (cutting the
 * known bytes too would multiply the analysis by every cut; http_pieces cuts
 * status lines anywhere); then the UNKNOWN unknown bytes are cut at arbitrary
 * points: each call gets the next n bytes, n anything from 0 to what is left,
 * so every input of PREFIX and up to UNKNOWN more bytes is fed in every way
 * of cutting the unknown part into PIECES pieces.  After the
 * calls the peer "closes" (lkd_http_finish_on_close).  The request kind is
 * arbitrary (head_request 0, 1 = HEAD, 2 = CONNECT); the sink and the header
 * callback check the bytes they get are readable and may fail.
 *
 * Checked after every call (what a caller relies on):
 * - *consumed <= the length given;
 * - LKD_OK with fewer bytes consumed only when the response is complete;
 * - after an error the parser is failed: the next call returns the same
 *   status and consumes nothing;
 * - once complete, a call consumes nothing and returns LKD_OK;
 * - lkd_http_finish_on_close completes a close-delimited body and otherwise
 *   says LKD_OK exactly when the response was complete.
 */
#include "__fc_builtin.h"
#include "lkd_text.c"
#include "lkd_time.c"
#include "lkd_http.c"

#include "memcmp_body.h" /* status_line compares a known status line exactly */

/* 0 while the known prefix is parsed: the callbacks fail only on the
 * unknown bytes, so the prefix always gets through. */
static int may_fail;

static lkd_status_t sink(void *user, const uint8_t *data, size_t len)
{
    (void)user;
    //@ assert len > 0 && \valid_read(data + (0 .. len - 1));
    return may_fail && Frama_C_nondet(0, 1) ? LKD_ERR_WRITE : LKD_OK;
}

static lkd_status_t on_header(void *user, const char *name, size_t name_len, const char *value, size_t value_len)
{
    (void)user;
    //@ assert name_len > 0 && \valid_read(name + (0 .. name_len - 1));
    if (value_len > 0) { /* tested in C: a joined 0 would make value_len - 1 huge */
        //@ assert \valid_read(value + (0 .. value_len - 1));
    }
    return may_fail && Frama_C_nondet(0, 1) ? LKD_ERR_ARG : LKD_OK;
}

#ifndef PREFIXES
#define PREFIXES PREFIX
#endif
#ifndef PREFIX_MAX
#define PREFIX_MAX 200u
#endif
static const char *const prefixes[] = {PREFIXES};
#define NPREFIXES ((int)(sizeof prefixes / sizeof prefixes[0]))

int main(void)
{
    /* The chosen prefix and the unknown bytes end where the array ends, so
     * a read past the last byte given is an alarm. */
    uint8_t buf[PREFIX_MAX + UNKNOWN], *in;
    lkd_http_parser_t p;
    size_t off = 0, consumed, again, prefix_len, total;
    lkd_status_t st = LKD_OK, st2;
    int k, which = Frama_C_interval(0, NPREFIXES - 1);

    /*@ split which; */
    prefix_len = strlen(prefixes[which]);
    //@ assert prefix_len <= PREFIX_MAX;
    total = prefix_len + UNKNOWN;
    in = buf + (PREFIX_MAX - prefix_len);
    memcpy(in, prefixes[which], prefix_len);
    Frama_C_make_unknown((char *)in + prefix_len, UNKNOWN);
#ifdef PREFIX_HOOK
    PREFIX_HOOK(in, prefix_len, which);
#endif
    lkd_http_parser_init(&p, sink, on_header, NULL, Frama_C_interval(0, 2));
    if (prefix_len > 0) {
        st = lkd_http_parse(&p, in, prefix_len, &off);
        /* a HEAD answer ends with the headers, before the prefix does */
        //@ assert st == LKD_OK && (off == prefix_len || p.state == ST_DONE);
    }
    may_fail = 1;
    for (k = 0; k < PIECES; k++) {
        /*@ split off; */
        size_t n = Frama_C_size_t_interval(0, total - off);
        /*@ split n; */ /* one analysis per piece length: the parser keeps i <= n */
        st = lkd_http_parse(&p, in + off, n, &consumed);
        //@ assert consumed <= n;
        /*@ split p.state; */
        if (st != LKD_OK) {
            //@ assert p.state == ST_FAILED;
            st2 = lkd_http_parse(&p, in + off + consumed, n - consumed, &again);
            //@ assert st2 == st && again == 0;
            break;
        }
        //@ assert consumed == n || p.state == ST_DONE;
        off += consumed;
        if (p.state == ST_DONE) {
            st2 = lkd_http_parse(&p, in + off, total - off, &again);
            //@ assert st2 == LKD_OK && again == 0;
            break;
        }
    }
    if (st == LKD_OK) {
        int close_delimited = p.state == ST_BODY_CLOSE, done = p.state == ST_DONE;
        st = lkd_http_finish_on_close(&p);
        //@ assert close_delimited || done ? st == LKD_OK && p.state == ST_DONE : st == LKD_ERR_CLOSED;
    }
    return 0;
}
