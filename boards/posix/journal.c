/* SPDX-License-Identifier: MIT */
/*
 * journal.c - parse's task journal (see journal.h for the rules).
 */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEADER "lkedoc-job 1\n"
#define FILE_MAX (JOURNAL_ID_MAX + 256) /* identity, "task ", an id, slack */

static int is_ours(const struct stat *sb)
{
    return S_ISREG(sb->st_mode) && sb->st_uid == geteuid() && sb->st_nlink == 1;
}

static int id_ok(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f) {
            return 0;
        }
    }
    return n > 0;
}

int journal_open(journal_t *j, const char *out, const char *path, const char *request, char *err, size_t err_len)
{
    char real[PATH_MAX], dir[PATH_MAX];
    const char *slash = strrchr(out, '/');
    const char *base = slash != NULL ? slash + 1 : out;
    struct stat sb;
    int n;
    memset(j, 0, sizeof *j);
    j->dir_fd = -1;
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
    n = snprintf(j->id, sizeof j->id, HEADER "input %s\nsize %lld\nmtime %lld.%09ld\nrequest %s\n", real,
                 (long long)sb.st_size, (long long)sb.st_mtim.tv_sec, (long)sb.st_mtim.tv_nsec, request);
    if (n < 0 || (size_t)n >= sizeof j->id ||
        (size_t)snprintf(j->name, sizeof j->name, "%s.lkedoc-job", base) >= sizeof j->name || *base == '\0') {
        snprintf(err, err_len, "the journal's record of %s does not fit", out);
        return -1;
    }
    j->id_len = (size_t)n;
    if (slash == NULL) {
        strcpy(dir, ".");
    } else {
        snprintf(dir, sizeof dir, "%.*s", slash == out ? 1 : (int)(slash - out), out);
    }
    j->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (j->dir_fd < 0) {
        snprintf(err, err_len, "cannot open the directory %s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

int journal_find(journal_t *j, char *task, size_t task_cap, char *err, size_t err_len)
{
    char buf[FILE_MAX + 1];
    struct stat sb;
    ssize_t n;
    size_t len = 0;
    int fd;
    err[0] = '\0';
    if (j->dir_fd < 0) {
        return 0;
    }
    /* O_NONBLOCK: a FIFO planted under the name must not hang us before fstat refuses it. */
    fd = openat(j->dir_fd, j->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        return 0;
    }
    if (fd < 0 || fstat(fd, &sb) != 0 || !is_ours(&sb)) {
        snprintf(err, err_len, "refusing to use the journal %s: %s", j->name,
                 fd < 0 && errno != ELOOP ? strerror(errno)
                                          : "not a regular file of this user with a single link (remove it)");
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    while (len < sizeof buf - 1 && (n = read(fd, buf + len, sizeof buf - 1 - len)) != 0) {
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            break;
        }
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    if (len < j->id_len || memcmp(buf, j->id, j->id_len) != 0) {
        snprintf(err, err_len, "the journal %s is for another input or other options: not used", j->name);
        return 0;
    }
    n = (ssize_t)(len - j->id_len);
    if (n < 7 || memcmp(buf + j->id_len, "task ", 5) != 0 || buf[len - 1] != '\n' ||
        !id_ok(buf + j->id_len + 5, (size_t)n - 6) || (size_t)n - 6 >= task_cap) {
        snprintf(err, err_len, "the journal %s cannot be read: not used", j->name);
        return 0;
    }
    memcpy(task, buf + j->id_len + 5, (size_t)n - 6);
    task[n - 6] = '\0';
    return 1;
}

int journal_write(journal_t *j, const char *task, char *err, size_t err_len)
{
    char tmp[sizeof j->name + 24];
    struct stat sb;
    int fd, ok;
    if (j->dir_fd < 0) {
        return 0;
    }
    if (!id_ok(task, strlen(task))) {
        snprintf(err, err_len, "the task id has bytes the journal does not keep");
        return -1;
    }
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", j->name, (long)getpid());
    (void)unlinkat(j->dir_fd, tmp, 0); /* a leftover of a run with our pid that was cut */
    fd = openat(j->dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, err_len, "cannot create %s: %s", tmp, strerror(errno));
        return -1;
    }
    ok = fstat(fd, &sb) == 0 && is_ours(&sb) && write(fd, j->id, j->id_len) == (ssize_t)j->id_len &&
         dprintf(fd, "task %s\n", task) > 0 && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    /* The rename replaces whatever is under the name (a symlink itself, not its target). */
    if (!ok || renameat(j->dir_fd, tmp, j->dir_fd, j->name) != 0) {
        snprintf(err, err_len, "cannot write %s: %s", j->name, strerror(errno != 0 ? errno : EIO));
        (void)unlinkat(j->dir_fd, tmp, 0);
        return -1;
    }
    (void)fsync(j->dir_fd); /* the rename itself survives a power cut */
    return 0;
}

void journal_remove(journal_t *j)
{
    struct stat sb;
    if (j->dir_fd >= 0 && fstatat(j->dir_fd, j->name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && is_ours(&sb)) {
        (void)unlinkat(j->dir_fd, j->name, 0);
        (void)fsync(j->dir_fd);
    }
}

void journal_close(journal_t *j)
{
    if (j->dir_fd >= 0) {
        close(j->dir_fd);
    }
    j->dir_fd = -1;
}
