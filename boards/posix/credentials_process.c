/* SPDX-License-Identifier: MIT */
/*
 * credentials_process.c - run the credentials command and hand its STS JSON
 * to the client (see credentials_process.h).  What it printed lives in one
 * static buffer, wiped after each run, like the credentials file's.
 */
#include "credentials_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "credentials.h"
#include "proxy_option.h"
#include "safe_text.h"
#include "sts_json.h"

static char out_buf[CREDENTIALS_PROCESS_OUTPUT_MAX + 1];
static sts_json_t parsed;

/* The words of line, split in place into words_buf (argv NULL-ended); the
 * count, or -1 with err. */
static int split(const char *line, char *words_buf, size_t cap, char **argv, char *err, size_t err_len)
{
    size_t n = 0;
    int argc = 0;
    const char *p = line;
    for (;;) {
        char quote = 0;
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (*p == '\0') {
            break;
        }
        if (argc >= CREDENTIALS_PROCESS_ARGS_MAX) {
            snprintf(err, err_len, "has more than %d words", CREDENTIALS_PROCESS_ARGS_MAX);
            return -1;
        }
        argv[argc++] = words_buf + n;
        while (*p != '\0' && (quote != 0 || (*p != ' ' && *p != '\t'))) {
            char c = *p++;
            if (quote == 0 && (c == '\'' || c == '"')) {
                quote = c;
                continue;
            }
            if (quote != 0 && c == quote) {
                quote = 0;
                continue;
            }
            if (c == '\\' && quote != '\'' && *p != '\0' && (quote == 0 || *p == '"' || *p == '\\')) {
                c = *p++;
            }
            if (n + 2 > cap) {
                snprintf(err, err_len, "is too long");
                return -1;
            }
            words_buf[n++] = c;
        }
        if (quote != 0) {
            snprintf(err, err_len, "has an unterminated %c quote", quote);
            return -1;
        }
        words_buf[n++] = '\0';
    }
    argv[argc] = NULL;
    if (argc == 0) {
        snprintf(err, err_len, "is empty");
        return -1;
    }
    return argc;
}

int credentials_process_check(const char *line, char *err, size_t err_len)
{
    static char words[CREDENTIALS_LINE_MAX * 2 + 2];
    char *argv[CREDENTIALS_PROCESS_ARGS_MAX + 1];
    return split(line, words, sizeof words, argv, err, err_len) < 0 ? -1 : 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Start argv with stdout into a pipe (*fd) in its own process group. */
static pid_t start(char **argv, int *fd)
{
    int p[2];
    pid_t pid;
    if (pipe(p) != 0) {
        return -1;
    }
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        (void)setpgid(0, 0);
        if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0) {
            _exit(127);
        }
        close(p[0]);
        close(p[1]);
        close(null);
        proxy_option_child_env();
        execvp(argv[0], argv);
        fprintf(stderr, "lkedoc: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return -1;
    }
    (void)fcntl(p[0], F_SETFD, FD_CLOEXEC);
    *fd = p[0];
    return pid;
}

/* One wait for the child's output: 1 to go on, 0 at its end (the pipe
 * closed), -1 with why. */
static int read_output(int fd, double left, size_t *n, char *why, size_t why_len)
{
    struct pollfd pfd;
    ssize_t got;
    int rc;
    pfd.fd = fd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    /* Sliced: a stop signal landing between the caller's check and poll
     * would otherwise wait out the whole limit. */
    rc = poll(&pfd, 1, left * 1000.0 < LKD_ABORT_POLL_MS ? (int)(left * 1000.0) + 1 : (int)LKD_ABORT_POLL_MS);
    if (rc <= 0) {
        if (rc < 0 && errno != EINTR) {
            snprintf(why, why_len, "cannot read its output: %s", strerror(errno));
            return -1;
        }
        return 1;
    }
    got = read(fd, out_buf + *n, sizeof out_buf - *n);
    if (got < 0) {
        if (errno == EINTR || errno == EAGAIN) {
            return 1;
        }
        snprintf(why, why_len, "cannot read its output: %s", strerror(errno));
        return -1;
    }
    *n += (size_t)got;
    if (*n > CREDENTIALS_PROCESS_OUTPUT_MAX) {
        snprintf(why, why_len, "printed more than %u bytes", CREDENTIALS_PROCESS_OUTPUT_MAX);
        return -1;
    }
    return got == 0 ? 0 : 1;
}

/* Past the run's limit, or the CLI asked to stop (why left empty): 1. */
static int over(const credentials_process_t *cp, double deadline, double limit_s, char *why, size_t why_len)
{
    if (cp->stop != NULL && *cp->stop) {
        why[0] = '\0';
        return 1;
    }
    if (now_s() < deadline) {
        return 0;
    }
    snprintf(why, why_len, "did not finish within %g s: stopped", limit_s);
    return 1;
}

/* Reap the child by the deadline: 0, or -1 with why. */
static int reap(const credentials_process_t *cp, pid_t pid, int *status, double deadline, double limit_s,
                char *why, size_t why_len)
{
    for (;;) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        pid_t done = waitpid(pid, status, WNOHANG);
        if (done == pid) {
            return 0;
        }
        if (done < 0 && errno != EINTR) {
            snprintf(why, why_len, "cannot wait for it: %s", strerror(errno));
            return -1;
        }
        if (over(cp, deadline, limit_s, why, why_len)) {
            return -1;
        }
        nanosleep(&ts, NULL);
    }
}

/* Read the child's stdout until it closes, then reap it, both by the
 * deadline.  The byte count, or -1 with why (the child killed and reaped). */
static long run(const credentials_process_t *cp, char **argv, double limit_s, int *status, char *why,
                size_t why_len)
{
    double deadline = now_s() + limit_s;
    size_t n = 0;
    int fd = -1, more = 1;
    pid_t pid = start(argv, &fd);
    if (pid < 0) {
        snprintf(why, why_len, "cannot start: %s", strerror(errno));
        return -1;
    }
    while (more == 1) {
        /* A stop signal interrupts poll (no SA_RESTART): seen here at once. */
        more = over(cp, deadline, limit_s, why, why_len) ? -1 : read_output(fd, deadline - now_s(), &n, why, why_len);
    }
    close(fd);
    if (more == 0 && reap(cp, pid, status, deadline, limit_s, why, why_len) == 0) {
        return (long)n;
    }
    /* Its whole process group: a shell's children too. */
    (void)kill(-pid, SIGKILL);
    (void)kill(pid, SIGKILL);
    while (waitpid(pid, status, 0) < 0 && errno == EINTR) {
    }
    return -1;
}

/* Copy a value into its buffer: at most size bytes, len the whole (the
 * client refuses one longer than its buffer, naming it). */
static void put(lkd_credential_buf_t *b, const char *v, size_t n)
{
    memcpy(b->ptr, v, n < b->size ? n : b->size);
    b->len = n;
}

/* Say why (cp NULL: silently), wipe what was read. */
static lkd_status_t fail(const credentials_process_t *cp, const char *why)
{
    if (cp != NULL) {
        fputs("lkedoc: credentials process '", stderr);
        safe_text_puts(stderr, cp->command);
        fprintf(stderr, "' %s\n", why);
    }
    credentials_wipe_bytes(out_buf, sizeof out_buf);
    credentials_wipe_bytes(&parsed, sizeof parsed);
    return LKD_ERR_CREDENTIALS;
}

lkd_status_t credentials_process_provide(void *user, lkd_credentials_t *creds)
{
    static char words[CREDENTIALS_LINE_MAX * 2 + 2];
    credentials_process_t *cp = (credentials_process_t *)user;
    char *argv[CREDENTIALS_PROCESS_ARGS_MAX + 1];
    char why[300], err[200];
    int status = 0;
    long n;
    /* No longer than the call that asks has left. */
    double limit_s = creds->time_left_ms / 1000.0 < cp->timeout_s ? creds->time_left_ms / 1000.0 : cp->timeout_s;

    if (split(cp->command, words, sizeof words, argv, err, sizeof err) < 0) {
        snprintf(why, sizeof why, "cannot be run: it %s", err);
        return fail(cp, why);
    }
    cp->runs++;
    if (cp->verbose) {
        fputs("lkedoc: * running the credentials process '", stderr);
        safe_text_puts(stderr, cp->command);
        fprintf(stderr, "' (run %u)\n", cp->runs);
    }
    n = run(cp, argv, limit_s, &status, why, sizeof why);
    if (n < 0 && why[0] == '\0') {
        (void)fail(NULL, why);
        return LKD_ERR_ABORTED;
    }
    if (n < 0) {
        return fail(cp, why);
    }
    if (WIFSIGNALED(status)) {
        snprintf(why, sizeof why, "was killed by signal %d", WTERMSIG(status));
        return fail(cp, why);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(why, sizeof why, "exited with status %d", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return fail(cp, why);
    }
    if (sts_json_parse(out_buf, (size_t)n, &parsed, err, sizeof err) != 0) {
        snprintf(why, sizeof why, "printed no usable credentials: %s", err);
        return fail(cp, why);
    }
    put(&creds->secret_id, parsed.secret_id, parsed.secret_id_len);
    put(&creds->secret_key, parsed.secret_key, parsed.secret_key_len);
    put(&creds->token, parsed.token, parsed.token_len);
    creds->expires = parsed.expired_time;
    if (cp->verbose) {
        fprintf(stderr, "lkedoc: * the credentials process gave temporary credentials that expire at %lld\n",
                (long long)parsed.expired_time);
    }
    credentials_wipe_bytes(out_buf, sizeof out_buf);
    credentials_wipe_bytes(&parsed, sizeof parsed);
    return LKD_OK;
}
