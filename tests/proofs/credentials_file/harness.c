/* SPDX-License-Identifier: MIT */
/* credentials_parse (boards/posix/credentials.c: the host CLI's parser of a
 * credentials file, whose bytes are untrusted), with parse_line, trim,
 * take_value, value_problem and check_found under it.  Each case apart
 * (split annotations on the prefix, then on the length), on unknown bytes:
 * - any len <= 3 bytes alone: the header, comment, NUL, byte order mark and
 *   "not a key = value" paths;
 * - "[default]\n" then any len <= 3 bytes: the key = value lines of
 *   [default] (a key's name is unknown bytes, so unknown keys are recorded
 *   and check_found names them);
 * - "[default]\nsecret_id=" and "[default]\nsecret_key=" then any len <= 3
 *   bytes: take_value and value_problem on every short value of a known key
 *   (empty, quoted, a comment, a bad byte: "holds %s at byte %zu").
 * The split points: none (credentials_parse takes the whole file at once).
 * err is ERR_SIZE bytes, smaller than most messages, so the snprintf calls
 * into it truncate; it ends its object, so a write past it is an alarm.
 *
 * memchr is the C loop below, for the harness only: C11 7.24.5.1 says memchr
 * behaves as if it read the bytes in turn and stopped at the first match,
 * which the loop does, and EVA then keeps each position it may stop at apart
 * (Frama-C's builtin returns one interval of positions, and the line's start
 * and length come apart).
 *
 * Not covered: longer files (the bound is what keeps the analysis, whose
 * states multiply with each byte, in about a minute): a line over
 * CREDENTIALS_LINE_MAX, a value over its field (n >= cap), three unknown keys,
 * credentials_process; the text of the messages (Frama-C's snprintf
 * specification writes unknown bytes). */
#include "__fc_builtin.h"
#include <string.h>

static void *loop_memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;
    size_t i;
    for (i = 0; i < n; i++) {
        if (p[i] == (unsigned char)c) {
            return (void *)(p + i);
        }
    }
    return NULL;
}
#define memchr loop_memchr
#include "credentials.c"
#include "safe_text.c"

#define BOUND 3
#define PREFIX_MAX 21
#define ERR_SIZE 24

static const char *const prefixes[] = {"", "[default]\n", "[default]\nsecret_id=", "[default]\nsecret_key="};
static credentials_t creds;

int main(void)
{
    char buf[PREFIX_MAX + BOUND];
    char err[ERR_SIZE];
    int k = Frama_C_interval(0, 3);
    size_t n = Frama_C_size_t_interval(0, BOUND), plen, start;
    /*@ split k; */
    /*@ split n; */
    Frama_C_make_unknown(buf, sizeof buf);
    plen = strlen(prefixes[k]);
    start = sizeof buf - n - plen; /* the file ends where buf does */
    if (plen > 0) {
        memcpy(buf + start, prefixes[k], plen);
    }
    memset(&creds, 0, sizeof creds);
    if (credentials_parse(&creds, buf + start, plen + n, "creds", err, sizeof err) == 0) {
        //@ assert creds.process[0] != '\0' || (creds.secret_id[0] != '\0' && creds.secret_key[0] != '\0');
    }
    return 0;
}
