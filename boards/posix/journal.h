/* SPDX-License-Identifier: MIT */
/*
 * journal.h - parse's record of the task it creates, so that a run cut short
 * (kill -9, a power cut) never creates a second, billed task: Create has no
 * idempotency token, so only the client can know.
 *
 * The journal is "OUT.lkedoc-job" beside the output.  It holds the SHA-256
 * of what identifies the job (the input's canonical path, size and
 * modification time; the account's SecretId, never its key; the endpoint,
 * profile, version and region; every Create option), so any path fits, and
 * the job's state: "pending" is written before Create is sent, the task id
 * once it answers.  Each write goes to a temporary name created
 * O_EXCL|O_NOFOLLOW with mode 0600 and fstat-checked, fsync'ed and renamed
 * into place (owned_file.h), so a journal is whole or absent.
 *
 * A journal of this job with a task id is continued; a pending one means an
 * earlier run sent Create and never learnt its outcome: the task may exist,
 * so no new one is created until the user removes the journal; nor after a
 * journal of this job that holds anything else (cut, a TaskId that cannot be
 * used).  A journal of
 * another job is reported and replaced.  A symlink, a foreign or
 * multiply-linked file under the name is refused and never followed.
 *
 * The whole parse holds an exclusive flock on "OUT.lkedoc-lock" (created
 * alike, removed at the end): a second parse to the same output is refused.
 * The output "-" or a device has no journal and no lock.
 */
#ifndef LKEDOC_JOURNAL_H
#define LKEDOC_JOURNAL_H

#include <limits.h>
#include <stddef.h>

typedef struct {
    int dir_fd;              /* OUT's directory, -1 when the output has no journal */
    int lock_fd;             /* the flock'ed "OUT.lkedoc-lock", -1 when not held */
    char name[NAME_MAX + 1]; /* "OUT.lkedoc-job" within dir_fd */
    char lock[NAME_MAX + 1]; /* "OUT.lkedoc-lock" within dir_fd */
    char id[65];             /* the job's identity: SHA-256, hex */
} journal_t;

/* What journal_find saw. */
enum { JOURNAL_REFUSED = -1, JOURNAL_NONE = 0, JOURNAL_TASK = 1, JOURNAL_PENDING = 2, JOURNAL_UNUSABLE = 3 };

/* Prepare the journal of output out for the document at path and take the
 * output's lock.  fields are field_count strings, name then value (a value
 * may be NULL), each naming one thing that shapes the task.  0 (j->dir_fd -1
 * when out has no journal), 1 when another run holds the lock, -1 for any
 * other failure; err says why. */
int journal_open(journal_t *j, const char *out, const char *path, const char *const *fields, size_t field_count,
                 char *err, size_t err_len);

/* Look for the journal of this job: JOURNAL_TASK with its task id in task
 * (printable ASCII without spaces), JOURNAL_PENDING, JOURNAL_UNUSABLE when
 * this job's journal holds neither pending nor a usable task line (cut, an
 * over-long or non-ASCII TaskId: err says which), JOURNAL_NONE when there
 * is none of this job (err then says so when another job's is there, else
 * ""), JOURNAL_REFUSED when what is under the name must not be touched (err
 * says why). */
int journal_find(journal_t *j, char *task, size_t task_cap, char *err, size_t err_len);

/* Record that Create is about to be sent (task NULL) or its task id
 * (printable ASCII without spaces).  0, or -1 with the reason in err. */
int journal_write(journal_t *j, const char *task, char *err, size_t err_len);

/* The job is over, or no task was created: remove the journal. */
void journal_remove(journal_t *j);

/* Release the lock (removing its file) and the directory. */
void journal_close(journal_t *j);

#endif
