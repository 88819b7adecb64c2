/* SPDX-License-Identifier: MIT */
/* lkd_url_policy_check and lkd_url_policy_entry_ok (core/src/lkd_url_policy.c)
 * on arbitrary text.
 *  - lkd_url_policy_check on: every length n <= BOUND of unknown bytes; and
 *    "https://" then m <= TAIL_BOUND unknown bytes (host_text, dns_shape,
 *    lkd_url_parse and the list on arbitrary host bytes).  Each with the
 *    default list (policy NULL) and with a policy of 1 or 2 application
 *    entries (arbitrary NUL-terminated texts of every length <= ENTRY_BOUND),
 *    replace 0 and 1.  On return *named_host lies inside the URL text (or is
 *    empty), and on LKD_OK so does the parsed host.
 *  - lkd_url_policy_entry_ok on an arbitrary NUL-terminated text of every
 *    length <= ENTRY_BOUND + ... (see main).
 * The texts sit at the END of their arrays (a read one past is an alarm).
 * Not covered: a host over 253 bytes (dns_shape's and the length's limits),
 * NULL url or out (checked first). */
#include "__fc_builtin.h"
#include "lkd_url_policy.c"
#include "lkd_url.c"
#include "lkd_text.c"

#define BOUND 12
#define TAIL_BOUND 12
#define ENTRY_BOUND 6
#define PREFIX "https://"
#define PREFIX_LEN (sizeof PREFIX - 1)

/* An arbitrary NUL-terminated text of any length <= ENTRY_BOUND, at the end
 * of buf (ENTRY_BOUND + 1 bytes). */
static const char *any_entry(char *buf)
{
    size_t k, len = Frama_C_size_t_interval(0, ENTRY_BOUND);
    Frama_C_make_unknown(buf, ENTRY_BOUND);
    for (k = 0; k < ENTRY_BOUND; k++) {
        if (buf[k] == '\0') {
            buf[k] = '.';
        }
    }
    buf[ENTRY_BOUND] = '\0';
    return buf + ENTRY_BOUND - len;
}

static void check(const char *url, size_t n, const lkd_url_policy_t *policy)
{
    lkd_url_t u;
    lkd_span_t named;
    const char *reason;
    lkd_status_t st = lkd_url_policy_check(url, n, policy, &u, &named, &reason);
    //@ assert named_inside: named.len == 0 || (url <= named.ptr && named.ptr + named.len <= url + n);
    if (st == LKD_OK) {
        //@ assert host_inside: url <= u.host.ptr && u.host.ptr + u.host.len <= url + n;
    }
}

static void check_policies(const char *url, size_t n)
{
    char e0[ENTRY_BOUND + 1], e1[ENTRY_BOUND + 1];
    const char *entries[2];
    lkd_url_policy_t p;
    check(url, n, NULL);
    entries[0] = any_entry(e0);
    entries[1] = any_entry(e1);
    p.extra = entries;
    p.extra_count = Frama_C_size_t_interval(1, 2);
    p.replace = (uint8_t)Frama_C_interval(0, 1);
    check(url, n, &p);
}

int main(void)
{
    char any[BOUND];
    char tail[PREFIX_LEN + TAIL_BOUND];
    char entry[ENTRY_BOUND + 1];
    size_t n = Frama_C_size_t_interval(0, BOUND);
    size_t m = Frama_C_size_t_interval(0, TAIL_BOUND);
    int ok;

    Frama_C_make_unknown(any, BOUND);
    /*@ split n; */
    check_policies(any + BOUND - n, n);
    /*@ merge n; */

    Frama_C_make_unknown(tail, sizeof tail);
    /*@ split m; */
    {
        char *url = tail + TAIL_BOUND - m;
        memcpy(url, PREFIX, PREFIX_LEN);
        check_policies(url, PREFIX_LEN + m);
    }
    /*@ merge m; */

    ok = lkd_url_policy_entry_ok(any_entry(entry));
    //@ assert entry_ok: ok == 0 || ok == 1;
    return 0;
}
