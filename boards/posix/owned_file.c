/* SPDX-License-Identifier: MIT */
/*
 * owned_file.c - the CLI's checked, durable files (see owned_file.h).
 */
#include "owned_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

int owned_file_is_ours(const struct stat *sb)
{
    return S_ISREG(sb->st_mode) && sb->st_uid == geteuid() && sb->st_nlink == 1;
}

int owned_file_commit(int dir_fd, int fd, const char *tmp, const char *name)
{
    if (fsync(fd) != 0) {
        return -1;
    }
    if (renameat(dir_fd, tmp, dir_fd, name) != 0) {
        return -2;
    }
    (void)fsync(dir_fd);
    return 0;
}

int owned_file_replace(int dir_fd, const char *name, const void *data, size_t len)
{
    char tmp[NAME_MAX + 1];
    struct stat sb;
    int fd, e = 0;
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.%ld.tmp", name, (long)getpid()) >= sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    (void)unlinkat(dir_fd, tmp, 0); /* a leftover of a cut run that had our pid */
    fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
    if (fd < 0) {
        return -1;
    }
    errno = 0;
    if (fstat(fd, &sb) != 0 || !owned_file_is_ours(&sb)) {
        e = errno != 0 ? errno : EPERM;
    } else if (write(fd, data, len) != (ssize_t)len) {
        e = errno != 0 ? errno : ENOSPC; /* a short write to a regular file: the disk is full */
    } else if (owned_file_commit(dir_fd, fd, tmp, name) != 0) {
        e = errno;
    }
    if (close(fd) != 0 && e == 0) {
        e = errno;
    }
    if (e != 0) {
        (void)unlinkat(dir_fd, tmp, 0);
        errno = e;
        return -1;
    }
    return 0;
}

int owned_file_read(int dir_fd, const char *name, char *buf, size_t cap, size_t *len)
{
    struct stat sb;
    ssize_t n;
    int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    *len = 0;
    buf[0] = '\0';
    if (fd < 0) {
        return errno == ENOENT ? 1 : errno == ELOOP ? -2 : -1;
    }
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return -1;
    }
    if (!owned_file_is_ours(&sb)) {
        close(fd);
        return -2;
    }
    while (*len < cap - 1 && (n = read(fd, buf + *len, cap - 1 - *len)) != 0) {
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        *len += (size_t)n;
    }
    close(fd);
    buf[*len] = '\0';
    return 0;
}
