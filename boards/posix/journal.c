/* SPDX-License-Identifier: MIT */
/*
 * journal.c - parse's task journal and the output's lock (see journal.h for
 * the rules).
 */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <mbedtls/md.h>

#include "owned_file.h"
#include "safe_text.h"

#define HEADER "lkedoc-job 2\nid "
#define FILE_MAX 512   /* header, identity, "task ", an id: a longer file is not ours */
#define UNUSABLE ": a task may exist; remove the file to create again"
#define LOCK_TRIES 4   /* the run that held the lock may remove its name between our steps */

static int id_ok(const char *s, size_t n)
{
    return n > 0 && safe_text_visible_prefix(s, n) == n;
}

/* One field of the identity, length-prefixed so that no value can pass for
 * two fields ("-1" for an absent one). */
static int put_field(mbedtls_md_context_t *md, const char *name, const char *value)
{
    char head[96];
    int n = snprintf(head, sizeof head, "%s %ld:", name, value != NULL ? (long)strlen(value) : -1L);
    if (n < 0 || (size_t)n >= sizeof head || mbedtls_md_update(md, (const unsigned char *)head, (size_t)n) != 0) {
        return -1;
    }
    return value == NULL ? 0 : mbedtls_md_update(md, (const unsigned char *)value, strlen(value));
}

/* j->id: the SHA-256 of the input (real is its canonical path, sb its stat) and fields. */
static int digest(journal_t *j, const char *real, const struct stat *sb, const char *const *fields, size_t count)
{
    static const char hex[] = "0123456789abcdef";
    const mbedtls_md_info_t *info = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
    mbedtls_md_context_t md;
    unsigned char h[32];
    char file[64];
    size_t i;
    int rc;
    snprintf(file, sizeof file, "%lld %lld.%09ld", (long long)sb->st_size, (long long)sb->st_mtim.tv_sec,
             (long)sb->st_mtim.tv_nsec);
    mbedtls_md_init(&md);
    rc = info == NULL || mbedtls_md_setup(&md, info, 0) != 0 || mbedtls_md_starts(&md) != 0 ||
         put_field(&md, "input", real) != 0 || put_field(&md, "file", file) != 0;
    for (i = 0; i + 1 < count && rc == 0; i += 2) {
        rc = put_field(&md, fields[i], fields[i + 1]) != 0;
    }
    rc = rc || mbedtls_md_finish(&md, h) != 0;
    mbedtls_md_free(&md);
    for (i = 0; i < sizeof h; i++) {
        j->id[2 * i] = hex[h[i] >> 4];
        j->id[2 * i + 1] = hex[h[i] & 15];
    }
    j->id[64] = '\0';
    return rc ? -1 : 0;
}

/* Take the exclusive lock on j->lock (created when absent).  0, 1 when
 * another run holds it, -1 otherwise; err says why. */
static int take_lock(journal_t *j, const char *out, char *err, size_t err_len)
{
    int tries;
    for (tries = 0; tries < LOCK_TRIES; tries++) {
        struct stat sb, now;
        /* O_NONBLOCK: a FIFO planted under the name must not hang us before fstat refuses it. */
        int fd = openat(j->dir_fd, j->lock, O_RDONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0600);
        if (fd < 0 || fstat(fd, &sb) != 0 || !owned_file_is_ours(&sb)) {
            snprintf(err, err_len, "refusing to use the lock %s: %s", j->lock,
                     fd < 0 && errno != ELOOP ? strerror(errno)
                                              : "not a regular file of this user with a single link (remove it)");
            if (fd >= 0) {
                close(fd);
            }
            return -1;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            close(fd);
            if (e == EWOULDBLOCK) {
                snprintf(err, err_len, "another lkedoc parse is writing %s (it holds %s): refused", out, j->lock);
                return 1;
            }
            snprintf(err, err_len, "cannot lock %s: %s", j->lock, strerror(e));
            return -1;
        }
        /* The run we met may have removed the name before we got the lock:
         * then this file is no one's lock and the name must be taken anew. */
        if (fstatat(j->dir_fd, j->lock, &now, AT_SYMLINK_NOFOLLOW) == 0 && now.st_dev == sb.st_dev &&
            now.st_ino == sb.st_ino) {
            j->lock_fd = fd;
            return 0;
        }
        close(fd);
    }
    snprintf(err, err_len, "the lock %s keeps changing under us", j->lock);
    return -1;
}

int journal_open(journal_t *j, const char *out, const char *path, const char *const *fields, size_t field_count,
                 char *err, size_t err_len)
{
    char real[PATH_MAX], dir[PATH_MAX];
    const char *slash = strrchr(out, '/');
    const char *base = slash != NULL ? slash + 1 : out;
    struct stat sb;
    memset(j, 0, sizeof *j);
    j->dir_fd = -1;
    j->lock_fd = -1;
    err[0] = '\0';
    /* Only an output that is a regular file (or absent) gets the archive by
     * rename, and only there does a journal beside it make sense. */
    if (strcmp(out, "-") == 0 || (lstat(out, &sb) == 0 && !S_ISREG(sb.st_mode))) {
        return 0;
    }
    if (realpath(path, real) == NULL || stat(real, &sb) != 0) {
        snprintf(err, err_len, "cannot identify %s for the journal: %s", path, strerror(errno));
        return -1;
    }
    if (*base == '\0' || (size_t)snprintf(j->name, sizeof j->name, "%s.lkedoc-job", base) >= sizeof j->name ||
        (size_t)snprintf(j->lock, sizeof j->lock, "%s.lkedoc-lock", base) >= sizeof j->lock ||
        (size_t)snprintf(dir, sizeof dir, "%.*s", slash == NULL ? 1 : slash == out ? 1 : (int)(slash - out),
                         slash == NULL ? "." : out) >= sizeof dir) {
        snprintf(err, err_len, "the output name %s leaves no room for its journal's name", out);
        return -1;
    }
    if (digest(j, real, &sb, fields, field_count) != 0) {
        snprintf(err, err_len, "cannot compute the journal's identity of %s", path);
        return -1;
    }
    j->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (j->dir_fd < 0) {
        snprintf(err, err_len, "cannot open the directory %s: %s", dir, strerror(errno));
        return -1;
    }
    return take_lock(j, out, err, err_len);
}

int journal_find(journal_t *j, char *task, size_t task_cap, char *err, size_t err_len)
{
    char buf[FILE_MAX + 1];
    const size_t head = sizeof HEADER - 1 + 64 + 1; /* HEADER, the identity, "\n" */
    size_t len = 0, k;
    int got;
    err[0] = '\0';
    if (j->dir_fd < 0) {
        return JOURNAL_NONE;
    }
    got = owned_file_read(j->dir_fd, j->name, buf, sizeof buf, &len);
    if (got == 1) {
        return JOURNAL_NONE;
    }
    if (got < 0) {
        snprintf(err, err_len, "refusing to use the journal %s: %s", j->name,
                 got == -1 ? strerror(errno) : "not a regular file of this user with a single link (remove it)");
        return JOURNAL_REFUSED;
    }
    if (len < head || memcmp(buf, HEADER, sizeof HEADER - 1) != 0 ||
        memcmp(buf + sizeof HEADER - 1, j->id, 64) != 0 || buf[head - 1] != '\n') {
        snprintf(err, err_len, "the journal %s is for another input or other options: not used", j->name);
        return JOURNAL_NONE;
    }
    if (strcmp(buf + head, "pending\n") == 0) {
        return JOURNAL_PENDING;
    }
    /* This job's journal with anything but pending or a task id: an earlier
     * run sent Create, so a task may exist, and creating again could bill twice. */
    k = len - head;
    if (k < 7 || memcmp(buf + head, "task ", 5) != 0 || buf[len - 1] != '\n') {
        snprintf(err, err_len, "the job file %s holds neither pending nor a whole task line" UNUSABLE, j->name);
        return JOURNAL_UNUSABLE;
    }
    if (k - 6 >= task_cap) {
        snprintf(err, err_len, "the job file %s holds an unusable TaskId (%zu bytes; the limit is %zu)" UNUSABLE,
                 j->name, k - 6, task_cap - 1);
        return JOURNAL_UNUSABLE;
    }
    if (!id_ok(buf + head + 5, k - 6)) {
        snprintf(err, err_len, "the job file %s holds an unusable TaskId (byte %zu is not visible ASCII)" UNUSABLE,
                 j->name, safe_text_visible_prefix(buf + head + 5, k - 6) + 1);
        return JOURNAL_UNUSABLE;
    }
    memcpy(task, buf + head + 5, k - 6);
    task[k - 6] = '\0';
    return JOURNAL_TASK;
}

int journal_write(journal_t *j, const char *task, char *err, size_t err_len)
{
    char buf[FILE_MAX + 1];
    int n;
    if (j->dir_fd < 0) {
        return 0;
    }
    if (task != NULL && !id_ok(task, strlen(task))) {
        snprintf(err, err_len, "the task id has bytes the journal does not keep");
        return -1;
    }
    n = snprintf(buf, sizeof buf, HEADER "%s\n%s%s\n", j->id, task != NULL ? "task " : "pending",
                 task != NULL ? task : "");
    if (n < 0 || (size_t)n >= sizeof buf) {
        snprintf(err, err_len, "the task id does not fit the journal");
        return -1;
    }
    if (owned_file_replace(j->dir_fd, j->name, buf, (size_t)n) != 0) {
        snprintf(err, err_len, "cannot write %s: %s", j->name, strerror(errno));
        return -1;
    }
    return 0;
}

void journal_remove(journal_t *j)
{
    struct stat sb;
    if (j->dir_fd >= 0 && fstatat(j->dir_fd, j->name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && owned_file_is_ours(&sb)) {
        (void)unlinkat(j->dir_fd, j->name, 0);
        (void)fsync(j->dir_fd);
    }
}

void journal_close(journal_t *j)
{
    struct stat held, now;
    if (j->lock_fd >= 0) {
        /* Removed while still held: a run that opened it meanwhile finds the
         * name gone once it gets the lock, and takes the name anew. */
        if (fstat(j->lock_fd, &held) == 0 && fstatat(j->dir_fd, j->lock, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
            held.st_dev == now.st_dev && held.st_ino == now.st_ino) {
            (void)unlinkat(j->dir_fd, j->lock, 0);
        }
        close(j->lock_fd);
        j->lock_fd = -1;
    }
    if (j->dir_fd >= 0) {
        close(j->dir_fd);
    }
    j->dir_fd = -1;
}
