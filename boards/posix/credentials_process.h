/* SPDX-License-Identifier: MIT */
/*
 * credentials_process.h - temporary credentials from a command, as the AWS
 * CLI's credential_process runs one: no shell, the command line split into
 * words (blanks separate them; '...' keeps everything literally, "..." keeps
 * all but \" and \\, a backslash outside quotes keeps the next byte), the
 * program looked up in PATH, stdin /dev/null, stderr passed through, stdout
 * captured (at most CREDENTIALS_PROCESS_OUTPUT_MAX bytes) and read as STS
 * JSON (sts_json.h).  Exit status 0 and the JSON within the time limit, or
 * an error that names the command and never shows what it printed.
 */
#ifndef LKEDOC_CREDENTIALS_PROCESS_H
#define LKEDOC_CREDENTIALS_PROCESS_H

#include <signal.h>
#include <stddef.h>

#include "lkd_client.h"

#define CREDENTIALS_PROCESS_OUTPUT_MAX (64u * 1024u)
#define CREDENTIALS_PROCESS_ARGS_MAX 64

typedef struct {
    const char *command;  /* the command line, for messages */
    double timeout_s;     /* each run's limit (or the call's time left, if less):
                             killed (its process group) after it */
    const volatile sig_atomic_t *stop; /* NULL, or nonzero once the CLI is asked to stop (SIGINT,
                                          SIGTERM): the run's process group is killed, LKD_ERR_ABORTED.
                                          It runs in a group of its own, out of the terminal's
                                          reach, so a Ctrl-C reaches it only this way */
    int verbose;          /* say when it runs and the expiry (never a value) */
    unsigned runs;        /* runs so far */
} credentials_process_t;

/* 0 when line splits into 1 .. CREDENTIALS_PROCESS_ARGS_MAX words; -1 with
 * the reason in err otherwise (an unterminated quote, nothing to run). */
int credentials_process_check(const char *line, char *err, size_t err_len);

/* lkd_credentials_fn for settings.credentials_provider (user: a
 * credentials_process_t).  Prints why on stderr and returns
 * LKD_ERR_CREDENTIALS when the run or its output fails; LKD_ERR_ABORTED,
 * silently, when *stop was set. */
lkd_status_t credentials_process_provide(void *user, lkd_credentials_t *creds);

#endif
