/* SPDX-License-Identifier: MIT */
/*
 * journal.h - parse's record of the task it created, so that a run cut short
 * (kill -9, a power cut) continues that task instead of creating a second,
 * billed one: Create has no idempotency token, so only the client can know.
 *
 * The journal is "OUT.lkedoc-job" beside the output: what identifies the
 * input (its canonical path, size and modification time) and the request
 * (API host, FileType, pages, Config), then the task id.  It is written
 * right after Create answered, into a temporary name created
 * O_EXCL|O_NOFOLLOW with mode 0600 and fstat-checked (a regular file of ours
 * with one link), fsync'ed and renamed into place, so a journal is whole or
 * absent.  A journal is used only when every identifying byte matches: one
 * for another input or other options is reported and left to be replaced.
 * A symlink, a foreign or multiply-linked file under the name is refused and
 * never followed.  The output "-" or a device has no journal.
 */
#ifndef LKEDOC_JOURNAL_H
#define LKEDOC_JOURNAL_H

#include <stddef.h>

#define JOURNAL_ID_MAX 1536 /* the identity block: a path up to PATH_MAX would not fit, and is refused */

typedef struct {
    int dir_fd;            /* OUT's directory, -1 when the output has no journal */
    char name[300];        /* "OUT.lkedoc-job" within dir_fd */
    char id[JOURNAL_ID_MAX]; /* the identity block, as written */
    size_t id_len;
} journal_t;

/* Prepare the journal of output out for the document at path, request being
 * the request's own identifying text (one line, no newline).  0 (j->dir_fd
 * -1 when out has no journal), or -1 with the reason in err. */
int journal_open(journal_t *j, const char *out, const char *path, const char *request, char *err, size_t err_len);

/* Look for a journal of this input: 1 with its task id in task (printable
 * ASCII without spaces), 0 when there is none usable (err then says why when
 * one is there but is not this input's or cannot be read, else ""), -1 when
 * what is under the name must not be touched (err says why). */
int journal_find(journal_t *j, char *task, size_t task_cap, char *err, size_t err_len);

/* Record task (printable ASCII without spaces).  0, or -1 with the reason in err. */
int journal_write(journal_t *j, const char *task, char *err, size_t err_len);

/* The job is over (done, or its task can never finish): remove the journal. */
void journal_remove(journal_t *j);

void journal_close(journal_t *j);

#endif
