/* SPDX-License-Identifier: MIT */
/* credentials_parse (boards/posix/credentials.c: the host CLI's parser of a
 * credentials file, whose bytes are untrusted), each length separately:
 * - any len <= BOUND unknown bytes;
 * - "[default]\n" followed by any len <= BOUND unknown bytes, so the
 *   key = value lines of [default] are reached (a key's name is unknown
 *   bytes: the known keys are only matched when the bytes spell one);
 * - "[default]\nsecret_id=" and "[default]\nsecret_key=" followed by any
 *   len <= BOUND unknown bytes, so take_value and value_problem see every
 *   value of a known key.
 * err is ERR_SIZE bytes, smaller than most messages, so every snprintf into
 * it truncates (check_found's appends reach its end), at the end of an
 * array: a write past it is an alarm.  Not covered: files over BOUND bytes
 * (a line over CREDENTIALS_LINE_MAX is refused; more lines repeat
 * parse_line), and the text of the messages (Frama-C's snprintf
 * specification writes unknown bytes up to the size given). */
#include "__fc_builtin.h"
#include "credentials.c"
#include "safe_text.c"

#define BOUND 12
#define ERR_SIZE 24

static credentials_t creds;

static void parse(const char *prefix, size_t plen)
{
    char buf[32 + BOUND];
    char err[ERR_SIZE];
    size_t n = Frama_C_size_t_interval(0, BOUND);
    Frama_C_make_unknown(buf, sizeof buf);
    memset(&creds, 0, sizeof creds);
    /*@ split n; */
    memcpy(buf + sizeof buf - n - plen, prefix, plen);
    if (credentials_parse(&creds, buf + sizeof buf - n - plen, n + plen, "creds", err, sizeof err) == 0) {
        //@ assert creds.process[0] != '\0' || (creds.secret_id[0] != '\0' && creds.secret_key[0] != '\0');
    }
}

int main(void)
{
    parse("", 0);
    parse("[default]\n", 10);
    parse("[default]\nsecret_id=", 20);
    parse("[default]\nsecret_key=", 21);
    return 0;
}
