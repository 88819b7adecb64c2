/* SPDX-License-Identifier: MIT */
/*
 * output_file.h - where the CLI writes a downloaded archive (-o OUT) without
 * ever being turned against the files of its user or of the system.
 *
 * OUT is "-" (stdout), a character/block device or a FIFO: written in place,
 * nothing created or renamed.  Otherwise the archive goes into a temporary
 * file in OUT's directory named for OUT and the task ("OUT.<task>.part"),
 * created O_EXCL|O_NOFOLLOW with mode 0600, checked with fstat (a regular
 * file of ours with one link) and held under an exclusive flock while in
 * use; when complete it is fsync'ed and renamed over OUT, which must then be
 * a regular file or absent.  An existing temporary file is reused only when
 * it passes the same checks and is not locked by another run; a symlink, a
 * foreign or multiply-linked file, or one another run holds is refused.
 * Its bytes go on (output_resume) when the state file beside it
 * ("OUT.<task>.state", created alike: O_EXCL|O_NOFOLLOW, 0600, fstat-checked)
 * names the object they are of; the CRC-64 of the bytes is always re-read from
 * the .part itself.  Every step is
 * relative to one open directory descriptor, so a directory swapped after
 * the start cannot redirect the writes or the rename.
 */
#ifndef LKEDOC_OUTPUT_FILE_H
#define LKEDOC_OUTPUT_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lkd_job.h"
#include "lkd_status.h"

#define OUTPUT_NAME_MAX 255 /* NAME_MAX of the Linux file systems */

typedef struct {
    int fd;           /* where the archive is written */
    int dir_fd;       /* OUT's directory (-1 when direct) */
    int direct;       /* 1: stdout, a device or a FIFO, written in place */
    int is_stdout;
    int write_errno;  /* errno of the first failed write, 0 if none */
    int (*stop)(void); /* NULL, or 1 once asked to stop: a write a signal cut then ends */
    dev_t dev;        /* the temporary file's identity, checked before the rename */
    ino_t ino;
    char base[OUTPUT_NAME_MAX + 1]; /* OUT's name within dir_fd */
    char part[OUTPUT_NAME_MAX + 1]; /* the temporary file's name within dir_fd */
    char state[OUTPUT_NAME_MAX + 1]; /* the resume state's name within dir_fd */
    uint64_t existing; /* bytes the temporary file held when it was opened */
} output_file_t;

/* Open OUT for task_id.  0, or the exit status with the reason in err
 * (NUL-terminated): EXIT_USAGE for an OUT that cannot be used safely,
 * EXIT_OTHER when another run holds the temporary file or the system failed. */
int output_open(output_file_t *f, const char *out, const char *task_id, char *err, size_t err_len);

/* Write all of data; LKD_ERR_WRITE (errno kept in write_errno) on any
 * failure, so the library stops and does not retry it as a network error;
 * LKD_ERR_ABORTED when a signal cut a write (a reader that stalls) and
 * f->stop says stop. */
lkd_status_t output_write(output_file_t *f, const uint8_t *data, size_t len);

/* The archive is complete: flush it to disk and put it in place.  0, or -1
 * with the reason in err; the temporary file is removed on failure. */
int output_commit(output_file_t *f, char *err, size_t err_len);

/* The download failed for good (a corrupted archive): remove the temporary
 * file and its state (when still ours) and release them. */
void output_abort(output_file_t *f);

/* The download failed but may go on in a later run: keep the temporary file
 * and its state when it holds bytes (1), else remove it as output_abort (0). */
int output_keep(output_file_t *f);

/* Fill *s for lkd_download_result: the .part's size and the CRC-64 of its
 * bytes (read back) with the ETag, total and expected CRC of the state file;
 * without a state file, the size and CRC alone (no If-Match); with an
 * unusable one (or a .part longer than its total) the .part is emptied and
 * *s starts from 0.  A direct output always starts from 0.  0, or -1 (errno
 * in write_errno). */
int output_resume(output_file_t *f, lkd_download_state_t *s);

/* Write the state file for the object being downloaded (replacing any),
 * after the .part's bytes reached the disk, and the directory entry with it.
 * 0, or -1 (errno in write_errno).  Nothing for a direct output. */
int output_save_state(output_file_t *f, const lkd_download_state_t *s);

/* The object changed: empty the .part and drop its state.  -1 (nothing
 * done) for a direct output, whose bytes cannot be taken back. */
int output_restart(output_file_t *f);

#endif
