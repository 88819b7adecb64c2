/* SPDX-License-Identifier: MIT */
/*
 * output_file.c - the CLI's archive output (see output_file.h for the rules
 * and why each exists).
 */
#include "output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../exit_status.h"
#include "owned_file.h"

#define TASK_IN_NAME_MAX 64 /* bytes of the task id kept in the temporary file's name */
#define OPEN_TRIES 4        /* another run may rename or remove the name between our steps */

static void say(char *err, size_t len, const char *what, const char *name, int e)
{
    if (e != 0) {
        snprintf(err, len, "%s %s: %s", what, name, strerror(e));
    } else {
        snprintf(err, len, "%s %s", what, name);
    }
}

/* "OUT.<task>.part": the task id's bytes outside [A-Za-z0-9._-] become '_'
 * (a task id is the server's word: it must not add '/' or control bytes to a
 * path); when anything was changed or cut, an FNV-1a of the whole id keeps
 * two different ids apart (not a security boundary: O_EXCL, the checks and
 * the lock are). */
static int part_name(char *dst, size_t cap, const char *base, const char *task)
{
    char safe[TASK_IN_NAME_MAX + 10];
    size_t i, n = 0;
    int changed = 0;
    uint32_t h = 2166136261u;
    for (i = 0; task[i] != '\0'; i++) {
        unsigned char c = (unsigned char)task[i];
        h = (h ^ c) * 16777619u;
        if (n == TASK_IN_NAME_MAX) {
            changed = 1;
            continue;
        }
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            (c == '.' && n > 0)) {
            safe[n++] = (char)c;
        } else {
            safe[n++] = '_';
            changed = 1;
        }
    }
    safe[n] = '\0';
    if (changed) {
        snprintf(safe + n, sizeof safe - n, "-%08lx", (unsigned long)h);
    }
    return (size_t)snprintf(dst, cap, "%s.%s.part", base, safe) < cap ? 0 : -1;
}

/* "OUT.<task>.state" beside "OUT.<task>.part". */
static int state_name(char *dst, size_t cap, const char *part)
{
    size_t n = strlen(part) - strlen(".part");
    return (size_t)snprintf(dst, cap, "%.*s.state", (int)n, part) < cap ? 0 : -1;
}

/* Split OUT into its directory (opened) and base name. */
static int open_parent(output_file_t *f, const char *out, char *err, size_t err_len)
{
    char dir[4096];
    const char *slash = strrchr(out, '/');
    const char *base = slash != NULL ? slash + 1 : out;
    size_t dlen = slash == NULL ? 0 : (slash == out ? 1 : (size_t)(slash - out));
    if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        say(err, err_len, "output", out, 0);
        strncat(err, " names a directory, not a file", err_len - strlen(err) - 1);
        return EXIT_USAGE;
    }
    if (strlen(base) >= sizeof f->base || dlen >= sizeof dir) {
        say(err, err_len, "output path too long:", out, 0);
        return EXIT_USAGE;
    }
    strcpy(f->base, base);
    if (dlen == 0) {
        strcpy(dir, ".");
    } else {
        memcpy(dir, out, dlen);
        dir[dlen] = '\0';
    }
    f->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (f->dir_fd < 0) {
        say(err, err_len, "cannot open the directory", dir, errno);
        return EXIT_USAGE;
    }
    return 0;
}

/* The name f->part still names the file we hold. */
static int name_is_ours(const output_file_t *f)
{
    struct stat sb;
    return fstatat(f->dir_fd, f->part, &sb, AT_SYMLINK_NOFOLLOW) == 0 && sb.st_dev == f->dev &&
           sb.st_ino == f->ino;
}

/* Create or take over the temporary file.  0, or the exit status. */
static int open_part(output_file_t *f, const char *task_id, char *err, size_t err_len)
{
    int tries;
    if (part_name(f->part, sizeof f->part, f->base, task_id) != 0 ||
        state_name(f->state, sizeof f->state, f->part) != 0) {
        say(err, err_len, "output name too long for its temporary file:", f->base, 0);
        return EXIT_USAGE;
    }
    for (tries = 0; tries < OPEN_TRIES; tries++) {
        struct stat sb;
        int created = 1;
        /* O_NONBLOCK: a FIFO or device planted under the name must not hang
         * or wake anything up before fstat refuses it. */
        int fd = openat(f->dir_fd, f->part, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
        if (fd < 0 && errno == EEXIST) {
            created = 0;
            fd = openat(f->dir_fd, f->part, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
            if (fd < 0 && errno == ENOENT) {
                continue; /* removed meanwhile: create it again */
            }
        }
        if (fd < 0) {
            say(err, err_len, errno == ELOOP ? "refusing to follow the symbolic link" : "cannot create", f->part,
                errno == ELOOP ? 0 : errno);
            return EXIT_USAGE;
        }
        if (fstat(fd, &sb) != 0 || !owned_file_is_ours(&sb)) {
            int e = errno;
            close(fd);
            if (created) {
                say(err, err_len, "cannot check", f->part, e);
            } else {
                say(err, err_len, "refusing to reuse", f->part, 0);
                strncat(err, ": not a regular file of this user with a single link (remove it)",
                        err_len - strlen(err) - 1);
            }
            return EXIT_USAGE;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            close(fd);
            if (e == EWOULDBLOCK) {
                say(err, err_len, "another lkedoc run is writing", f->part, 0);
                strncat(err, " (the same task to the same output): refused", err_len - strlen(err) - 1);
                return EXIT_OTHER;
            }
            say(err, err_len, "cannot lock", f->part, e);
            return EXIT_OTHER;
        }
        f->fd = fd;
        f->dev = sb.st_dev;
        f->ino = sb.st_ino;
        /* The run we waited on may have renamed or removed it before we got
         * the lock: then this descriptor is someone's OUT, not a part. */
        if (!name_is_ours(f)) {
            close(fd);
            f->fd = -1;
            continue;
        }
        if (fcntl(fd, F_SETFL, 0) != 0) {
            say(err, err_len, "cannot prepare", f->part, errno);
            output_abort(f);
            return EXIT_OTHER;
        }
        /* Kept as it is: output_resume decides whether its bytes go on. */
        f->existing = (uint64_t)sb.st_size;
        return 0;
    }
    say(err, err_len, "the temporary file keeps changing under us:", f->part, 0);
    return EXIT_OTHER;
}

int output_open(output_file_t *f, const char *out, const char *task_id, char *err, size_t err_len)
{
    struct stat sb;
    int rc;
    memset(f, 0, sizeof *f);
    f->fd = -1;
    f->dir_fd = -1;
    if (strcmp(out, "-") == 0) {
        if (isatty(STDOUT_FILENO)) {
            /* An archive is binary: on a terminal it is a stream of control sequences. */
            snprintf(err, err_len, "refusing to write the archive to a terminal (redirect stdout, or -o FILE)");
            return EXIT_USAGE;
        }
        f->fd = STDOUT_FILENO;
        f->direct = 1;
        f->is_stdout = 1;
        return 0;
    }
    if (lstat(out, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        if (S_ISLNK(sb.st_mode)) {
            say(err, err_len, "output", out, 0);
            strncat(err, " is a symbolic link: name its target, or remove it", err_len - strlen(err) - 1);
            return EXIT_USAGE;
        }
        if (!S_ISCHR(sb.st_mode) && !S_ISBLK(sb.st_mode) && !S_ISFIFO(sb.st_mode)) {
            say(err, err_len, "output", out, 0);
            strncat(err, S_ISDIR(sb.st_mode) ? " is a directory" : " is not a file, device or FIFO",
                    err_len - strlen(err) - 1);
            return EXIT_USAGE;
        }
        /* A device or FIFO is written in place: renaming over it would
         * replace the node itself (as root, /dev/null). */
        f->fd = open(out, O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
        if (f->fd < 0 || fstat(f->fd, &sb) != 0 || S_ISREG(sb.st_mode) || S_ISDIR(sb.st_mode)) {
            say(err, err_len, "cannot write", out, f->fd < 0 ? errno : 0);
            if (f->fd >= 0) {
                close(f->fd);
                f->fd = -1;
            }
            return EXIT_USAGE;
        }
        f->direct = 1;
        return 0;
    }
    rc = open_parent(f, out, err, err_len);
    if (rc == 0) {
        rc = open_part(f, task_id, err, err_len);
    }
    if (rc != 0 && f->dir_fd >= 0) {
        close(f->dir_fd);
        f->dir_fd = -1;
    }
    return rc;
}

lkd_status_t output_write(output_file_t *f, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(f->fd, data, len);
        if ((n < 0 && errno == EINTR) || (n >= 0 && (size_t)n < len)) {
            /* Cut by a signal (a partial write is one too): ended if it asked to stop. */
            if (f->stop != NULL && f->stop()) {
                return LKD_ERR_ABORTED;
            }
            if (n < 0) {
                continue;
            }
        }
        if (n <= 0) {
            if (f->write_errno == 0) {
                f->write_errno = n < 0 ? errno : EIO;
            }
            return LKD_ERR_WRITE;
        }
        data += n;
        len -= (size_t)n;
    }
    return LKD_OK;
}

static void release(output_file_t *f)
{
    if (f->fd >= 0 && !f->is_stdout) {
        close(f->fd);
    }
    f->fd = -1;
    if (f->dir_fd >= 0) {
        close(f->dir_fd);
    }
    f->dir_fd = -1;
}

int output_commit(output_file_t *f, char *err, size_t err_len)
{
    struct stat sb;
    int rc;
    if (f->direct) {
        /* A device or pipe has no later error to wait for; stdout's is seen by main's fflush. */
        rc = 0;
        if (!f->is_stdout && close(f->fd) != 0) {
            f->write_errno = errno;
            snprintf(err, err_len, "cannot write the output: %s", strerror(errno));
            rc = -1;
        }
        f->fd = -1;
        return rc;
    }
    if (fstat(f->fd, &sb) != 0 || !owned_file_is_ours(&sb) || !name_is_ours(f)) {
        say(err, err_len, "the temporary file was replaced during the download:", f->part, 0);
        output_abort(f);
        return -1;
    }
    if (fstatat(f->dir_fd, f->base, &sb, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(sb.st_mode)) {
        say(err, err_len, "not replacing", f->base, 0);
        strncat(err, ": it is no longer a regular file", err_len - strlen(err) - 1);
        output_abort(f);
        return -1;
    }
    /* Renamed while we still hold the lock, so a waiting run sees the name gone. */
    rc = owned_file_commit(f->dir_fd, f->fd, f->part, f->base);
    if (rc != 0) {
        if (rc == -1) {
            f->write_errno = errno; /* full disks and I/O errors may only show at the fsync */
        }
        say(err, err_len, rc == -1 ? "cannot write" : "cannot rename", f->part, errno);
        output_abort(f);
        return -1;
    }
    unlinkat(f->dir_fd, f->state, 0);
    release(f);
    return 0;
}

void output_abort(output_file_t *f)
{
    if (!f->direct && f->fd >= 0 && f->dir_fd >= 0 && name_is_ours(f)) {
        unlinkat(f->dir_fd, f->state, 0);
        unlinkat(f->dir_fd, f->part, 0);
    }
    release(f);
}

int output_keep(output_file_t *f)
{
    struct stat sb;
    int kept = !f->direct && f->fd >= 0 && fstat(f->fd, &sb) == 0 && sb.st_size > 0;
    if (!kept) {
        output_abort(f);
        return 0;
    }
    (void)fsync(f->fd);
    release(f);
    return 1;
}

/* ---- the resume state beside the .part -------------------------------------------- */

/* One line: "lkedoc-download 1 TOTAL CRC ETAG\n", each field "-" when unknown.
 * The bytes delivered and their CRC are never taken from it: they are the
 * .part's own, re-read. */
#define STATE_MAGIC "lkedoc-download 1"
#define STATE_MAX 256

static int parse_field(const char *tok, uint64_t *v)
{
    char *end;
    if (strcmp(tok, "-") == 0) {
        return 0;
    }
    if (tok[0] < '0' || tok[0] > '9') {
        return -1;
    }
    errno = 0;
    *v = strtoull(tok, &end, 10);
    return *end != '\0' || errno != 0 ? -1 : 1;
}

/* Read and check the state file; 0 with *s filled (delivered 0 yet), 1 when
 * there is none, -1 when it is unusable. */
static int read_state(output_file_t *f, lkd_download_state_t *s)
{
    char buf[STATE_MAX + 2], *tok[5], *save = NULL, *p;
    size_t n;
    int i = owned_file_read(f->dir_fd, f->state, buf, sizeof buf, &n);
    if (i != 0) {
        return i == 1 ? 1 : -1;
    }
    /* One line of at most STATE_MAX bytes: anything longer is no state of ours. */
    if (n == 0 || n > STATE_MAX || buf[n - 1] != '\n') {
        return -1;
    }
    buf[n - 1] = '\0';
    if (strncmp(buf, STATE_MAGIC " ", sizeof STATE_MAGIC) != 0) {
        return -1;
    }
    p = buf + sizeof STATE_MAGIC;
    for (i = 0; i < 4; i++) {
        tok[i] = strtok_r(i == 0 ? p : NULL, " ", &save);
        if (tok[i] == NULL) {
            return -1;
        }
    }
    tok[4] = strtok_r(NULL, " ", &save);
    memset(s, 0, sizeof *s);
    if (tok[4] != NULL || (i = parse_field(tok[0], &s->total)) < 0) {
        return -1;
    }
    s->flags |= i > 0 ? LKD_DOWNLOAD_HAS_TOTAL : 0;
    if ((i = parse_field(tok[1], &s->expected_crc)) < 0) {
        return -1;
    }
    s->flags |= i > 0 ? LKD_DOWNLOAD_HAS_CRC : 0;
    if (strcmp(tok[2], "-") != 0) {
        /* Bounded here; its bytes are checked by lkd_download_result, as
         * any application's state is. */
        size_t len = strlen(tok[2]);
        if (len >= LKD_DOWNLOAD_ETAG_SIZE) {
            return -1;
        }
        memcpy(s->etag, tok[2], len);
        s->etag_len = (uint8_t)len;
    }
    return strcmp(tok[3], "end") == 0 ? 0 : -1;
}

/* Start the .part over: empty, no state. */
static int restart_part(output_file_t *f)
{
    unlinkat(f->dir_fd, f->state, 0);
    f->existing = 0;
    if (ftruncate(f->fd, 0) != 0 || lseek(f->fd, 0, SEEK_SET) != 0) {
        f->write_errno = errno;
        return -1;
    }
    return 0;
}

int output_resume(output_file_t *f, lkd_download_state_t *s)
{
    uint8_t buf[65536];
    uint64_t crc = 0, at = 0;
    int got;
    memset(s, 0, sizeof *s);
    if (f->direct) {
        return 0;
    }
    /* A .part without its state (a power cut before the state reached the
     * disk) goes on without If-Match: the resumed answer's CRC-64 then
     * checks the whole, bytes on disk included. */
    got = f->existing == 0 ? -1 : read_state(f, s);
    if (got < 0 && f->existing > 0) {
        /* A state that cannot be used (cut, not ours) is no reason to drop
         * the bytes: as without one, the CRC-64 decides. */
        memset(s, 0, sizeof *s);
        got = 1;
    }
    if (got < 0 || ((s->flags & LKD_DOWNLOAD_HAS_TOTAL) && f->existing > s->total)) {
        memset(s, 0, sizeof *s);
        return restart_part(f);
    }
    /* The CRC of what is on disk, read back: a power cut may have kept less
     * (or other bytes) than the last run handed over. */
    while (at < f->existing) {
        ssize_t n = pread(f->fd, buf, sizeof buf, (off_t)at);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            memset(s, 0, sizeof *s);
            return restart_part(f);
        }
        crc = lkd_crc64(crc, buf, (size_t)n);
        at += (uint64_t)n;
    }
    if (lseek(f->fd, (off_t)at, SEEK_SET) != (off_t)at) {
        f->write_errno = errno;
        return -1;
    }
    s->delivered = at;
    s->crc = crc;
    return 0;
}

int output_save_state(output_file_t *f, const lkd_download_state_t *s)
{
    char line[STATE_MAX + 1], total[24] = "-", crc[24] = "-";
    int n;
    if (f->direct) {
        return 0;
    }
    if (s->flags & LKD_DOWNLOAD_HAS_TOTAL) {
        snprintf(total, sizeof total, "%" PRIu64, s->total);
    }
    if (s->flags & LKD_DOWNLOAD_HAS_CRC) {
        snprintf(crc, sizeof crc, "%" PRIu64, s->expected_crc);
    }
    /* The bytes before the state that names their length and CRC: a state
     * never describes bytes a power cut may still take. */
    if (fsync(f->fd) != 0) {
        f->write_errno = errno;
        return -1;
    }
    n = snprintf(line, sizeof line, STATE_MAGIC " %s %s %.*s end\n", total, crc, s->etag_len > 0 ? (int)s->etag_len : 1,
                 s->etag_len > 0 ? s->etag : "-");
    /* Whole or not at all (a temporary file renamed over the name, the
     * directory fsynced): a power cut never leaves half a state. */
    if (owned_file_replace(f->dir_fd, f->state, line, (size_t)n) != 0) {
        f->write_errno = errno != 0 ? errno : EIO;
        return -1;
    }
    return 0;
}

int output_restart(output_file_t *f)
{
    if (f->direct) {
        return -1; /* bytes already written to a device or stdout cannot be taken back */
    }
    return restart_part(f);
}
