/* SPDX-License-Identifier: MIT */
/*
 * credentials.c - environment first, then the INI profile file (see
 * credentials.h for the rules).  The file is read with read(2) into one
 * static buffer that is wiped after parsing: no stdio buffer, freed but not
 * cleared, keeps a copy of the secret in the process.
 */
#include "credentials.h"

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

static int copy_span(char *dst, size_t cap, const char *src, size_t n, const char *what, char *err, size_t err_len)
{
    if (n == 0 || n >= cap) {
        snprintf(err, err_len, "%s is %s", what, n == 0 ? "empty" : "too long");
        return -1;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
    return 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
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

int credentials_parse(credentials_t *c, const char *buf, size_t len, const char *name, char *err, size_t err_len)
{
    size_t pos = 0, line_no = 0;
    int in_default = 0;
    if (memchr(buf, '\0', len) != NULL) {
        snprintf(err, err_len, "%s holds a NUL byte: not a credentials file", name);
        return -1;
    }
    while (pos < len) {
        const char *line = buf + pos, *nl = memchr(line, '\n', len - pos), *s, *eq, *key, *val;
        size_t n = nl != NULL ? (size_t)(nl - line) : len - pos, kn, vn;
        pos += n + (nl != NULL);
        line_no++;
        if (n > CREDENTIALS_LINE_MAX) {
            snprintf(err, err_len, "%s: line %zu is longer than %u bytes", name, line_no, CREDENTIALS_LINE_MAX);
            return -1;
        }
        s = trim(line, &n);
        if (n == 0 || s[0] == '#' || s[0] == ';') {
            continue;
        }
        if (s[0] == '[') {
            in_default = span_is(s, n, "[default]");
            continue;
        }
        eq = memchr(s, '=', n);
        if (!in_default || eq == NULL) {
            continue;
        }
        kn = (size_t)(eq - s);
        key = trim(s, &kn);
        vn = n - (size_t)(eq + 1 - s);
        val = trim(eq + 1, &vn);
        if (span_is(key, kn, "secret_id") &&
            copy_span(c->secret_id, sizeof c->secret_id, val, vn, "secret_id", err, err_len) != 0) {
            return -1;
        }
        if (span_is(key, kn, "secret_key") &&
            copy_span(c->secret_key, sizeof c->secret_key, val, vn, "secret_key", err, err_len) != 0) {
            return -1;
        }
        if (span_is(key, kn, "token") && copy_span(c->token, sizeof c->token, val, vn, "token", err, err_len) != 0) {
            return -1;
        }
        if (span_is(key, kn, "credentials_process") &&
            copy_span(c->process, sizeof c->process, val, vn, "credentials_process", err, err_len) != 0) {
            return -1;
        }
    }
    if (c->process[0] != '\0') {
        if (c->secret_id[0] != '\0' || c->secret_key[0] != '\0' || c->token[0] != '\0') {
            /* Which one the user meant is a guess either way. */
            snprintf(err, err_len, "%s has both credentials_process and secret_id/secret_key/token in [default]",
                     name);
            return -1;
        }
        return 0;
    }
    if (c->secret_id[0] == '\0' || c->secret_key[0] == '\0') {
        snprintf(err, err_len, "%s has no secret_id and secret_key in its [default] section", name);
        return -1;
    }
    return 0;
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
        snprintf(err, err_len, "%s is not a regular file", path);
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
        if (copy_span(c->secret_id, sizeof c->secret_id, id, strlen(id), "TENCENTCLOUD_SECRET_ID", err,
                      err_len) != 0 ||
            copy_span(c->secret_key, sizeof c->secret_key, key, strlen(key), "TENCENTCLOUD_SECRET_KEY", err,
                      err_len) != 0 ||
            (token != NULL && *token &&
             copy_span(c->token, sizeof c->token, token, strlen(token), "TENCENTCLOUD_TOKEN", err, err_len) != 0)) {
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
