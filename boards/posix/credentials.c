/* SPDX-License-Identifier: MIT */
/*
 * credentials.c - environment first, then the INI profile file (see
 * credentials.h for the rules).  The file is read with read(2) into one
 * static buffer that is wiped after parsing: no stdio buffer, freed but not
 * cleared, keeps a copy of the secret in the process.
 */
#include "credentials.h"
#include "safe_text.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char file_buf[CREDENTIALS_FILE_MAX + 1];

void credentials_wipe_bytes(void *p, size_t n)
{
    volatile unsigned char *v = (volatile unsigned char *)p;
    while (n-- > 0) {
        *v++ = 0;
    }
}

/* The length of the prefix of s[0..n) a SecretId may hold: letters,
 * digits, '-', '.' and '_' (what the library sends in its header). */
static size_t id_prefix(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '.' || s[i] == '_')) {
        i++;
    }
    return i;
}

static int is_quote(char c)
{
    return c == '"' || c == '\'';
}

/* Why v[0..n) cannot be kept in a cap-byte buffer, or NULL.  A secret
 * (kind 1, 2 for a SecretId) is more: real SecretIds, SecretKeys and tokens
 * are visible ASCII, so a space, a quote or a '#' after a blank is a
 * copy-and-paste mistake whose message says which (why is scratch for the
 * numbers).  The value itself never appears. */
static const char *value_problem(const char *v, size_t n, size_t cap, int kind, char *why, size_t why_len)
{
    size_t i;
    unsigned char b;
    if (n == 0) {
        return "is empty";
    }
    if (n >= cap) {
        snprintf(why, why_len, "is %zu bytes; the limit is %zu", n, cap - 1);
        return why;
    }
    if (kind == 0) {
        return NULL;
    }
    if (is_quote(v[0]) || is_quote(v[n - 1])) {
        return n >= 2 && v[n - 1] == v[0] ? "is quoted; write it without quotes"
                                          : "has an unmatched quote mark; write it without quotes";
    }
    for (i = 1; i < n; i++) {
        if ((v[i] == '#' || v[i] == ';') && (v[i - 1] == ' ' || v[i - 1] == '\t')) {
            return "is followed by a comment; put comments on a line of their own";
        }
    }
    i = kind == 2 ? id_prefix(v, n) : safe_text_visible_prefix(v, n);
    if (i == n) {
        return NULL;
    }
    b = (unsigned char)v[i];
    snprintf(why, why_len, "holds %s at byte %zu",
             b == ' '                 ? "a space"
             : b < ' ' || b == 0x7f   ? "a control character"
             : b > 0x7f               ? "a non-ASCII character"
                                      : "a character other than letters, digits, '-', '.' and '_'",
             i + 1);
    return why;
}

/* Copy v[0..n) into dst (cap bytes) after value_problem; -1 with err
 * "<where>the value of <what> <problem>" otherwise. */
static int take_value(char *dst, size_t cap, int kind, const char *v, size_t n, const char *where,
                      const char *what, char *err, size_t err_len)
{
    char why[96];
    const char *bad = value_problem(v, n, cap, kind, why, sizeof why);
    if (bad != NULL) {
        snprintf(err, err_len, "%sthe value of %s %s", where, what, bad);
        return -1;
    }
    memcpy(dst, v, n);
    dst[n] = '\0';
    return 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Trim s[0..*n) in place of the view. */
static const char *trim(const char *s, size_t *n)
{
    while (*n > 0 && is_space(s[0])) {
        s++;
        (*n)--;
    }
    while (*n > 0 && is_space(s[*n - 1])) {
        (*n)--;
    }
    return s;
}

static int span_is(const char *s, size_t n, const char *word)
{
    size_t w = strlen(word);
    return n == w && memcmp(s, word, w) == 0;
}

#define UNKNOWN_MAX 3 /* unknown keys of [default] a message names */

/* Where credentials_parse is, and the first keys of [default] it does not read. */
typedef struct {
    const char *name;
    size_t line_no;
    int in_default;
    size_t unknowns;
    struct {
        const char *key;
        size_t len, line;
    } unknown[UNKNOWN_MAX];
} parse_state_t;

/* One trimmed line s[0..n), neither blank nor a comment.  As Python's
 * configparser (which Tencent's SDKs read the file with): a [section]
 * header may be followed by a comment, and a key ends at the first '=' or
 * ':'.  Another section's lines are not read, so only a line of [default]
 * must be a key and a value; a '[' line without its ']' is refused
 * anywhere, since it may be [default]'s own header. */
static int parse_line(credentials_t *c, parse_state_t *p, const char *s, size_t n, char *err, size_t err_len)
{
    static const char *const keys[] = {"secret_id", "secret_key", "token", "credentials_process"};
    static const unsigned char kinds[] = {2, 1, 1, 0}; /* credentials_process is a command line */
    char *const dst[] = {c->secret_id, c->secret_key, c->token, c->process};
    const size_t cap[] = {sizeof c->secret_id, sizeof c->secret_key, sizeof c->token, sizeof c->process};
    const char *close = s[0] == '[' ? memchr(s, ']', n) : NULL, *key, *val;
    size_t kn, vn, k, rest;
    char where[360];
    if (close != NULL) {
        rest = n - (size_t)(close + 1 - s);
        val = trim(close + 1, &rest);
        if (rest == 0 || val[0] == '#' || val[0] == ';') {
            p->in_default = span_is(s, (size_t)(close + 1 - s), "[default]");
            return 0;
        }
    }
    for (kn = 0; kn < n && s[kn] != '=' && s[kn] != ':'; kn++) {
    }
    if (s[0] == '[' || (p->in_default && (kn == n || kn == 0))) {
        /* A typo in [default] would otherwise be a key silently not read. */
        snprintf(err, err_len, "%s line %zu: not a key = value line, a [section] or a # comment", p->name,
                 p->line_no);
        return -1;
    }
    if (!p->in_default) {
        return 0;
    }
    vn = n - kn - 1;
    val = trim(s + kn + 1, &vn);
    key = trim(s, &kn);
    for (k = 0; k < 4 && !span_is(key, kn, keys[k]); k++) {
    }
    if (k == 4) {
        if (p->unknowns < UNKNOWN_MAX) {
            p->unknown[p->unknowns].key = key, p->unknown[p->unknowns].len = kn;
            p->unknown[p->unknowns++].line = p->line_no;
        }
        return 0;
    }
    snprintf(where, sizeof where, "%s line %zu: ", p->name, p->line_no);
    return take_value(dst[k], cap[k], kinds[k], val, vn, where, keys[k], err, err_len);
}

/* After the last line: a process alone, or both keys. */
static int check_found(const credentials_t *c, const parse_state_t *p, char *err, size_t err_len)
{
    size_t k, i;
    if (c->process[0] != '\0') {
        if (c->secret_id[0] != '\0' || c->secret_key[0] != '\0' || c->token[0] != '\0') {
            /* Which one the user meant is a guess either way. */
            snprintf(err, err_len, "%s has both credentials_process and secret_id/secret_key/token in [default]",
                     p->name);
            return -1;
        }
        return 0;
    }
    if (c->secret_id[0] != '\0' && c->secret_key[0] != '\0') {
        return 0;
    }
    k = (size_t)snprintf(err, err_len, "%s has no %s in its [default] section", p->name,
                         c->secret_id[0] != '\0'    ? "secret_key"
                         : c->secret_key[0] != '\0' ? "secret_id"
                                                    : "secret_id and secret_key");
    /* The likeliest cause: a misspelt key, named when it is safe to show (a
     * long one may be a secret pasted on the wrong side of the '='). */
    for (i = 0; i < p->unknowns && k < err_len; i++) {
        size_t n = p->unknown[i].len;
        int shown = n <= 20 && id_prefix(p->unknown[i].key, n) == n;
        k += (size_t)snprintf(err + k, err_len - k, "%sline %zu has ", i == 0 ? " (" : "; ", p->unknown[i].line);
        if (k < err_len) {
            k += (size_t)(shown ? snprintf(err + k, err_len - k, "the key %.*s", (int)n, p->unknown[i].key)
                          : n > 20 ? snprintf(err + k, err_len - k, "a key of %zu bytes", n)
                                   : snprintf(err + k, err_len - k, "a key that cannot be shown"));
        }
    }
    if (p->unknowns > 0 && k < err_len) {
        snprintf(err + k, err_len - k, ", which %s not read)", p->unknowns > 1 ? "are" : "is");
    }
    return -1;
}

int credentials_parse(credentials_t *c, const char *buf, size_t len, const char *name, char *err, size_t err_len)
{
    parse_state_t p;
    size_t pos = 0;
    memset(&p, 0, sizeof p);
    p.name = name;
    if (memchr(buf, '\0', len) != NULL) {
        snprintf(err, err_len, "%s holds a NUL byte: not a credentials file", name);
        return -1;
    }
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
        pos = 3; /* the UTF-8 byte order mark Windows editors write */
    }
    if (len == pos) {
        snprintf(err, err_len, "%s is empty; write secret_id = ... and secret_key = ... under [default]", name);
        return -1;
    }
    while (pos < len) {
        const char *line = buf + pos, *nl = memchr(line, '\n', len - pos), *s;
        size_t n = nl != NULL ? (size_t)(nl - line) : len - pos;
        pos += n + (nl != NULL);
        p.line_no++;
        if (n > CREDENTIALS_LINE_MAX) {
            snprintf(err, err_len, "%s: line %zu is longer than %u bytes", name, p.line_no, CREDENTIALS_LINE_MAX);
            return -1;
        }
        s = trim(line, &n);
        if (n > 0 && s[0] != '#' && s[0] != ';' && parse_line(c, &p, s, n, err, err_len) != 0) {
            return -1;
        }
    }
    return check_found(c, &p, err, err_len);
}

/* Read the whole file into file_buf; its length, or -1 (err said). */
static long read_file(const char *path, char *err, size_t err_len)
{
    struct stat st;
    size_t n = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        snprintf(err, err_len,
                 "no credentials: set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or create %s (%s)", path,
                 strerror(errno));
        return -1;
    }
    /* Every check is made on the open file, and one that cannot be made refuses. */
    if (fstat(fd, &st) != 0) {
        snprintf(err, err_len, "cannot check %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, err_len, "%s is %s, not a credentials file (a regular file)", path,
                 S_ISDIR(st.st_mode)                            ? "a directory"
                 : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                 : S_ISFIFO(st.st_mode)                         ? "a pipe"
                                                                : "a socket or another special file");
        close(fd);
        return -1;
    }
    if (st.st_uid != geteuid()) {
        /* Root too: reading another user's secrets because we can is not consent. */
        snprintf(err, err_len, "%s is owned by uid %lu, not by this user (uid %lu): refused", path,
                 (unsigned long)st.st_uid, (unsigned long)geteuid());
        close(fd);
        return -1;
    }
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        snprintf(err, err_len, "%s can be read by other users; run: chmod 600 %s", path, path);
        close(fd);
        return -1;
    }
    for (;;) {
        ssize_t got = read(fd, file_buf + n, sizeof file_buf - n);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            snprintf(err, err_len, "cannot read %s: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
        if (got == 0) {
            break;
        }
        n += (size_t)got;
        if (n > CREDENTIALS_FILE_MAX) {
            snprintf(err, err_len, "%s is larger than %u bytes", path, CREDENTIALS_FILE_MAX);
            close(fd);
            return -1;
        }
    }
    close(fd);
    return (long)n;
}

static int load_file(credentials_t *c, const char *path, char *err, size_t err_len)
{
    long n = read_file(path, err, err_len);
    int rc = n < 0 ? -1 : credentials_parse(c, file_buf, (size_t)n, path, err, err_len);
    credentials_wipe_bytes(file_buf, sizeof file_buf);
    return rc;
}

/* Overwrite the value of an environment variable where it lives (the
 * process's initial environment is what /proc/PID/environ shows), then drop
 * it from environ so no child inherits it. */
static void wipe_env(const char *name)
{
    char *v = getenv(name);
    if (v != NULL) {
        credentials_wipe_bytes(v, strlen(v));
        unsetenv(name);
    }
}

/* A variable's value without the surrounding whitespace that $(cat file), echo
 * and secret stores add, through take_value. */
static int env_value(char *dst, size_t cap, int kind, const char *v, const char *name, char *err, size_t err_len)
{
    size_t n = strlen(v);
    v = trim(v, &n);
    return take_value(dst, cap, kind, v, n, "", name, err, err_len);
}

int credentials_load(credentials_t *c, char *err, size_t err_len)
{
    const char *id = getenv("TENCENTCLOUD_SECRET_ID");
    const char *key = getenv("TENCENTCLOUD_SECRET_KEY");
    const char *token = getenv("TENCENTCLOUD_TOKEN");
    const char *file = getenv("TENCENTCLOUD_CREDENTIALS_FILE");
    const char *home = getenv("HOME");
    int rc = 0;

    memset(c, 0, sizeof *c);
    if (id != NULL && *id && key != NULL && *key) {
        snprintf(c->source, sizeof c->source, "environment");
        if (env_value(c->secret_id, sizeof c->secret_id, 2, id, "TENCENTCLOUD_SECRET_ID", err, err_len) != 0 ||
            env_value(c->secret_key, sizeof c->secret_key, 1, key, "TENCENTCLOUD_SECRET_KEY", err, err_len) != 0 ||
            (token != NULL && *token &&
             env_value(c->token, sizeof c->token, 1, token, "TENCENTCLOUD_TOKEN", err, err_len) != 0)) {
            credentials_wipe(c);
            rc = -1;
        }
        wipe_env("TENCENTCLOUD_SECRET_KEY");
        wipe_env("TENCENTCLOUD_TOKEN");
        return rc;
    }
    if (file != NULL && *file) {
        snprintf(c->source, sizeof c->source, "%s", file);
    } else {
        snprintf(c->source, sizeof c->source, "%s/.tencentcloud/credentials", home != NULL ? home : "");
    }
    if (load_file(c, c->source, err, err_len) != 0) {
        credentials_wipe(c);
        return -1;
    }
    return 0;
}

void credentials_wipe(credentials_t *c)
{
    credentials_wipe_bytes(c, offsetof(credentials_t, source));
}
