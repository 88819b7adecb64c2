/* SPDX-License-Identifier: MIT */
/* lkd_url_policy_check and lkd_url_policy_entry_ok (core/src/lkd_url_policy.c)
 * on arbitrary text.
 *  - lkd_url_policy_check on: every length n <= BOUND of unknown bytes; and
 *    "https://" then m <= TAIL_BOUND unknown bytes (host_text, dns_shape,
 *    lkd_url_parse and the list on arbitrary host bytes).  Each with the
 *    default list (policy NULL) and with a policy of 1 or 2 application
 *    entries (NUL-terminated texts of bytes 1..127, every length <=
 *    ENTRY_BOUND each, split), replace 0 and 1.  On return *named_host lies
 *    inside the URL text (or is empty; for the arbitrary text: its start and
 *    its length each), and on LKD_OK so does the parsed host.
 *  - lkd_url_policy_entry_ok on an arbitrary NUL-terminated text (any byte
 *    but 0) of every length <= ENTRY_BOUND (split).
 * The texts sit at the END of their arrays (a read one past is an alarm).
 * Not covered: a host over 253 bytes (dns_shape's and the length's limits),
 * NULL url or out (checked first), policy entries with bytes 0x80..0xFF
 * (lkd_url_policy_entry_ok refuses them before any policy is used), more
 * than 2 entries or longer ones. */
#include "__fc_builtin.h"
#include "lkd_url_policy.c"
#include "lkd_url.c"
#include "lkd_text.c"

#define BOUND 12
#define TAIL_BOUND 12
#define ENTRY_BOUND 6
#define PREFIX "https://"
#define PREFIX_LEN (sizeof PREFIX - 1)

/* A NUL-terminated text of length len <= ENTRY_BOUND of arbitrary bytes
 * 1..127, at the end of buf (ENTRY_BOUND + 1 bytes); the caller splits len.
 * Not 0x80..0xFF: a policy's entries are the ones lkd_url_policy_entry_ok
 * took (lkd_settings.c checks them), letters, digits, '-' and '.'; and
 * "any byte but 0" is no interval, so strlen of such a text would be any
 * length up to len, unrelated to the host's. */
static const char *any_entry(char *buf, size_t len)
{
    size_t k;
    for (k = 0; k < ENTRY_BOUND; k++) {
        buf[k] = (char)Frama_C_interval(1, 127);
    }
    buf[ENTRY_BOUND] = '\0';
    return buf + ENTRY_BOUND - len;
}

/* An arbitrary NUL-terminated text (any byte but 0) of length len <=
 * ENTRY_BOUND, at the end of buf (ENTRY_BOUND + 1 bytes). */
static const char *any_text(char *buf, size_t len)
{
    size_t k;
    Frama_C_make_unknown(buf, ENTRY_BOUND);
    for (k = 0; k < ENTRY_BOUND; k++) {
        if (buf[k] == '\0') {
            buf[k] = '.';
        }
    }
    buf[ENTRY_BOUND] = '\0';
    return buf + ENTRY_BOUND - len;
}

/* https: the text starts with "https://" (the named host starts at url + 8). */
static void check(const char *url, size_t n, const lkd_url_policy_t *policy, int https)
{
    lkd_url_t u;
    lkd_span_t named;
    const char *reason;
    lkd_status_t st = lkd_url_policy_check(url, n, policy, &u, &named, &reason);
    if (https) {
        //@ assert named_inside: named.len == 0 || (url <= named.ptr && named.ptr + named.len <= url + n);
    } else {
        /* Its start and length, each inside the text: EVA joins host_text's
         * states (the host starts anywhere), so the sum is not related to n. */
        //@ assert named_bounds: named.len == 0 || (url <= named.ptr <= url + n && named.len <= n);
    }
    if (st == LKD_OK) {
        //@ assert host_inside: url <= u.host.ptr && u.host.ptr + u.host.len <= url + n;
    }
}

static void check_policies(const char *url, size_t n, int https)
{
    char e0[ENTRY_BOUND + 1], e1[ENTRY_BOUND + 1];
    const char *entries[2];
    lkd_url_policy_t p;
    size_t l0 = Frama_C_size_t_interval(0, ENTRY_BOUND);
    size_t l1 = Frama_C_size_t_interval(0, ENTRY_BOUND);
    check(url, n, NULL, https);
    /*@ split l0; */
    /*@ split l1; */
    entries[0] = any_entry(e0, l0);
    entries[1] = any_entry(e1, l1);
    p.extra = entries;
    p.extra_count = Frama_C_size_t_interval(1, 2);
    p.replace = (uint8_t)Frama_C_interval(0, 1);
    check(url, n, &p, https);
}

int main(void)
{
    char any[BOUND];
    char tail[PREFIX_LEN + TAIL_BOUND];
    char entry[ENTRY_BOUND + 1];
    size_t n = Frama_C_size_t_interval(0, BOUND);
    size_t m = Frama_C_size_t_interval(0, TAIL_BOUND);
    size_t l;
    int ok;

    Frama_C_make_unknown(any, BOUND);
    /*@ split n; */
    check_policies(any + BOUND - n, n, 0);
    /*@ merge n; */

    Frama_C_make_unknown(tail, sizeof tail);
    /*@ split m; */
    {
        char *url = tail + TAIL_BOUND - m;
        memcpy(url, PREFIX, PREFIX_LEN);
        check_policies(url, PREFIX_LEN + m, 1);
    }
    /*@ merge m; */

    l = Frama_C_size_t_interval(0, ENTRY_BOUND);
    /*@ split l; */
    ok = lkd_url_policy_entry_ok(any_text(entry, l));
    //@ assert entry_ok: ok == 0 || ok == 1;
    return 0;
}
