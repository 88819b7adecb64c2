/* SPDX-License-Identifier: MIT */
/*
 * commands.c - the CLI's commands on top of the library's calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "journal.h"
#include "output_file.h"
#include "print_result.h"
#include "safe_text.h"

/* ---- live progress on a terminal ------------------------------------------- */

typedef struct {
    int on;                  /* stderr is a terminal */
    struct timespec start;
    double last_print;
} progress_t;

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void progress_start(progress_t *p)
{
    p->on = isatty(STDERR_FILENO);
    p->last_print = -1;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
}

static void progress_end(progress_t *p)
{
    if (p->on && p->last_print >= 0) {
        fputs("\n", stderr);
    }
}

static void on_poll(void *user, const lkd_result_t *r, uint32_t elapsed_ms, uint32_t polls)
{
    progress_t *p = (progress_t *)user;
    if (!p->on) {
        return;
    }
    fprintf(stderr, "\r\033[Kstatus %s  elapsed %.1f s  polls %u", lkd_task_status_name(r->status),
            elapsed_ms / 1000.0, (unsigned)polls);
    p->last_print = elapsed_ms / 1000.0;
}

typedef struct {
    output_file_t out;
    progress_t *progress;
    lkd_download_state_t state; /* the library keeps it current */
    lkd_download_state_t saved; /* what the state file says (flags 0, no ETag: nothing yet) */
    int stream_changed;         /* the object changed while written to a stream */
} file_sink_t;

/* The state file names the object (length, CRC-64, ETag) the .part holds
 * bytes of: 1 when it says what the library knows now. */
static int state_current(const file_sink_t *f)
{
    const lkd_download_state_t *a = &f->state, *b = &f->saved;
    return a->flags == b->flags && a->total == b->total && a->expected_crc == b->expected_crc &&
           a->etag_len == b->etag_len && memcmp(a->etag, b->etag, a->etag_len) == 0;
}

static void on_bytes(void *user, uint64_t done, uint64_t total)
{
    progress_t *p = ((file_sink_t *)user)->progress;
    double t = seconds_since(&p->start);
    if (!p->on || (t - p->last_print < 0.1 && done != total)) {
        return;
    }
    p->last_print = t;
    fprintf(stderr, "\r\033[Kdownloading %.2f", done / 1e6);
    if (total > 0) {
        fprintf(stderr, " / %.2f MB (%.0f %%)", total / 1e6, 100.0 * (double)done / (double)total);
    } else {
        fputs(" MB", stderr);
    }
    fprintf(stderr, "  elapsed %.1f s  %.2f MB/s", t, t > 0 ? done / 1e6 / t : 0.0);
}

/* ---- status ------------------------------------------------------------------ */

int cmd_status(lkd_client_t *c, const options_t *o)
{
    lkd_result_t r;
    int i, rc = EXIT_OK;
    /* Each task is asked for in turn; the exit status is the first failure's
     * (a stop's wins: main says it, one seen between tasks too). */
    for (i = 0; i < o->arg_count; i++) {
        lkd_status_t st;
        int one = EXIT_OK;
        cli_step("task", i + 1, o->arg_count);
        if (cli_stop_requested()) {
            break;
        }
        st = lkd_get_result(c, o->args[i], strlen(o->args[i]), &r);
        if (i > 0 && !o->json) {
            fputc('\n', stdout);
        }
        if (st == LKD_OK) {
            if (o->json) {
                print_result_json(stdout, &r);
            } else {
                print_result_human(stdout, o->args[i], &r);
            }
        } else {
            one = cli_fail(c, o, st);
        }
        if (rc == EXIT_OK) {
            rc = one;
        }
    }
    return rc;
}

int cmd_cancel(lkd_client_t *c, const options_t *o)
{
    lkd_status_t st;
    cli_step("the cancel", 0, 0);
    st = lkd_cancel_task(c, o->args[0], strlen(o->args[0]));
    if (st != LKD_OK) {
        return cli_fail(c, o, st);
    }
    if (o->json) {
        fputs("{\"TaskId\":", stdout);
        print_json_string(stdout, o->args[0]);
        fputs(",\"Cancelled\":true}\n", stdout);
    } else {
        fputs("cancelled ", stdout);
        safe_text_puts(stdout, o->args[0]);
        fputc('\n', stdout);
    }
    return EXIT_OK;
}

/* ---- create ------------------------------------------------------------------ */

typedef struct {
    int fd;
} file_reader_t;

static lkd_status_t read_file(void *user, uint64_t offset, uint8_t *buf, size_t len, size_t *got)
{
    file_reader_t *f = (file_reader_t *)user;
    ssize_t n;
    do {
        n = pread(f->fd, buf, len, (off_t)offset);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return LKD_ERR_IO;
    }
    *got = (size_t)n;
    return LKD_OK;
}

/* The FileType from the file's extension when --type is not given. */
static const char *type_for(const options_t *o, const char *file)
{
    const char *path = file != NULL ? file : o->url;
    const char *dot, *slash;
    if (o->type != NULL || path == NULL) {
        return o->type;
    }
    dot = strrchr(path, '.');
    slash = strrchr(path, '/');
    if (dot == NULL || (slash != NULL && slash > dot) || strlen(dot + 1) > 8 || dot[1] == '\0') {
        return NULL;
    }
    return dot + 1; /* the library sends it upper-case */
}

/* Create the task; its id is then lkd_client_task_id(c). */
static int create_task(lkd_client_t *c, const options_t *o, const char *file)
{
    lkd_create_t p;
    lkd_file_source_t src;
    file_reader_t reader;
    lkd_span_t task;
    lkd_status_t st;
    struct stat sb;
    int rc = EXIT_OK;

    lkd_create_default(&p);
    p.file_type = type_for(o, file);
    p.file_url = file == NULL ? o->url : NULL;
    p.start_page = o->start_page;
    p.end_page = o->end_page;
    p.table_result_type = o->table;
    p.result_type = o->result_type;
    p.ignore_failed_page = o->ignore_failed_page;
    p.return_page_format = o->return_page_format;
    p.page_format = o->page_format;
    reader.fd = -1;
    if (file != NULL) {
        reader.fd = open(file, O_RDONLY | O_CLOEXEC);
        if (reader.fd < 0 || fstat(reader.fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            fprintf(stderr, "lkedoc: cannot read %s: %s\n", file, reader.fd < 0 ? strerror(errno) : "not a file");
            if (reader.fd >= 0) {
                close(reader.fd);
            }
            return EXIT_USAGE;
        }
        src.read = read_file;
        src.user = &reader;
        src.size = (uint64_t)sb.st_size;
        src.unsigned_payload = (uint8_t)o->unsigned_payload;
        p.file = &src;
    }
    cli_step("the Create request", 0, 0);
    st = lkd_create(c, &p, &task);
    if (reader.fd >= 0) {
        close(reader.fd);
    }
    if (st != LKD_OK) {
        rc = cli_fail(c, o, st);
    }
    return rc;
}

int cmd_create(lkd_client_t *c, const options_t *o)
{
    int rc = create_task(c, o, o->file);
    if (rc != EXIT_OK) {
        return rc;
    }
    if (o->json) {
        fputs("{\"TaskId\":", stdout);
        print_json_string(stdout, lkd_client_task_id(c));
        fputs("}\n", stdout);
    } else {
        safe_text_puts(stdout, lkd_client_task_id(c)); /* the service chose it */
        fputc('\n', stdout);
    }
    return EXIT_OK;
}

/* ---- wait --------------------------------------------------------------------- */

static int wait_task(lkd_client_t *c, const options_t *o, const char *task_id, lkd_result_t *r, int print)
{
    lkd_wait_options_t w;
    progress_t p;
    lkd_status_t st;
    lkd_wait_options_default(&w);
    w.timeout_ms = (uint32_t)(o->job_timeout_s * 1000.0 + 0.5);
    w.first_interval_ms = (uint32_t)(o->poll_s * 1000.0 + 0.5);
    if (w.first_interval_ms == 0) {
        w.first_interval_ms = 1;
    }
    if (w.max_interval_ms < w.first_interval_ms) {
        w.max_interval_ms = w.first_interval_ms;
    }
    cli_step("the wait for the task", 0, 0);
    progress_start(&p);
    w.progress = on_poll;
    w.user = &p;
    st = lkd_wait(c, task_id, strlen(task_id), &w, r);
    progress_end(&p);
    if (print && (st == LKD_OK || st == LKD_ERR_TASK_FAILED || st == LKD_ERR_TASK_PAUSED)) {
        if (o->json) {
            print_result_json(stdout, r);
        } else {
            print_result_human(stdout, task_id, r);
        }
    }
    if (st == LKD_ERR_TASK_FAILED) {
        fputs("lkedoc: task ", stderr);
        safe_text_puts(stderr, task_id);
        fputs(" failed: ", stderr);
        if (r->task_error_code.ptr != NULL) {
            safe_text_span(stderr, r->task_error_code);
        } else {
            fputs("(no code)", stderr);
        }
        fputs(": ", stderr);
        safe_text_span(stderr, r->task_error_message);
        fputc('\n', stderr);
        return EXIT_TASK;
    }
    if (st == LKD_ERR_TASK_PAUSED) {
        fputs("lkedoc: task ", stderr);
        safe_text_puts(stderr, task_id);
        fputs(" is paused\n", stderr);
        return EXIT_TASK;
    }
    return st == LKD_OK ? EXIT_OK : cli_fail(c, o, st);
}

int cmd_wait(lkd_client_t *c, const options_t *o)
{
    lkd_result_t r;
    return wait_task(c, o, o->args[0], &r, 1);
}

/* ---- download ------------------------------------------------------------------ */

/* Before the bytes of an object reach the .part, the state file says which
 * object they are of, and says it again when the library learns more of it
 * (a resume of a .part whose state was lost), so that a later run can go on. */
static lkd_status_t write_file(void *user, const uint8_t *data, size_t len)
{
    file_sink_t *f = (file_sink_t *)user;
    if (!state_current(f)) {
        if (output_save_state(&f->out, &f->state) != 0) {
            return LKD_ERR_WRITE;
        }
        f->saved = f->state;
    }
    return output_write(&f->out, data, len);
}

static lkd_status_t restart_file(void *user)
{
    file_sink_t *f = (file_sink_t *)user;
    memset(&f->saved, 0, sizeof f->saved);
    if (f->out.direct) {
        f->stream_changed = 1; /* its bytes are gone: nothing to take back */
        return LKD_ERR_WRITE;
    }
    return output_restart(&f->out) == 0 ? LKD_OK : LKD_ERR_WRITE;
}

/* A later run can go on from a kept .part: the failure was the network's or
 * the time's, not the answer's. */
static int may_go_on(lkd_status_t st)
{
    return st == LKD_ERR_TIMEOUT || st == LKD_ERR_CLOSED || st == LKD_ERR_IO || st == LKD_ERR_CONNECT ||
           st == LKD_ERR_DNS || st == LKD_ERR_TLS || st == LKD_ERR_HTTP_STATUS || st == LKD_ERR_API ||
           st == LKD_ERR_WRITE || st == LKD_ERR_ABORTED;
}

/* Stream the archive through output_file (a temporary file of this task,
 * renamed to OUT only when complete, or a device / stdout written in place),
 * so a failed download never leaves a file that looks whole. */
static int download_task(lkd_client_t *c, const options_t *o, const char *task_id, lkd_span_t url, uint64_t *bytes)
{
    lkd_download_options_t d;
    progress_t p;
    file_sink_t sink;
    char why[600];
    lkd_status_t st;
    int rc = output_open(&sink.out, o->output, task_id, why, sizeof why);
    if (rc != 0) {
        fputs("lkedoc: ", stderr);
        safe_text_puts(stderr, why);
        fputc('\n', stderr);
        return rc;
    }
    sink.out.stop = cli_stop_requested;
    if (output_resume(&sink.out, &sink.state) != 0) {
        fputs("lkedoc: cannot read back ", stderr);
        safe_text_puts(stderr, sink.out.part);
        fprintf(stderr, ": %s\n", strerror(sink.out.write_errno));
        output_keep(&sink.out);
        return EXIT_OTHER;
    }
    sink.saved = sink.state;
    sink.stream_changed = 0;
    if (sink.state.delivered > 0 && o->verbose) {
        fprintf(stderr, "* resuming from byte %" PRIu64 " of ", sink.state.delivered);
        safe_text_puts(stderr, sink.out.part);
        fputc('\n', stderr);
    }
    cli_step("the download", 0, 0);
    progress_start(&p);
    sink.progress = &p;
    lkd_download_options_default(&d);
    d.timeout_ms = (uint32_t)(o->job_timeout_s * 1000.0 + 0.5);
    d.sink = write_file;
    d.user = &sink;
    d.progress = on_bytes;
    d.url = url;
    d.state = &sink.state;
    d.restart = restart_file;
    st = lkd_download_result(c, task_id, strlen(task_id), &d, bytes);
    progress_end(&p);
    if (st == LKD_OK && o->verbose) {
        fputs((sink.state.flags & LKD_DOWNLOAD_VERIFIED)
                  ? "* archive verified: its CRC-64 matches the store's x-cos-hash-crc64ecma\n"
                  : "* archive NOT verified: the store sent no x-cos-hash-crc64ecma\n",
              stderr);
    }
    if (st == LKD_OK && output_commit(&sink.out, why, sizeof why) != 0) {
        fputs("lkedoc: ", stderr);
        safe_text_puts(stderr, why);
        fputc('\n', stderr);
        return EXIT_OTHER;
    }
    if (st == LKD_OK) {
        return EXIT_OK;
    }
    if (st == LKD_ERR_ARG_RANGE && sink.state.delivered > 0) {
        /* The library refused the state file's ETag (no header value): the
         * .part cannot be tied to an object, so it goes with its state. */
        output_abort(&sink.out);
        fputs("lkedoc: unusable state file: removed with its .part; the same command again starts over\n", stderr);
        return EXIT_OTHER;
    }
    if (st == LKD_ERR_INTEGRITY) {
        /* Those bytes are not the archive: nothing of them is kept. */
        output_abort(&sink.out);
    } else if (output_keep(&sink.out)) {
        fprintf(stderr, "lkedoc: kept %" PRIu64 " bytes in ", sink.state.delivered);
        safe_text_puts(stderr, sink.out.part);
        fputs(may_go_on(st) ? ": the same command again goes on from there\n" : "\n", stderr);
    }
    if (sink.stream_changed) {
        fputs("lkedoc: the result changed on the server while it was written to a stream, which cannot be "
              "started over: download it again\n",
              stderr);
        return EXIT_OTHER;
    }
    if (st == LKD_ERR_WRITE) {
        /* The disk's failure, not the network's: said as such, never retried. */
        fputs("lkedoc: cannot write ", stderr);
        safe_text_puts(stderr, o->output);
        fprintf(stderr, ": %s\n", strerror(sink.out.write_errno != 0 ? sink.out.write_errno : EIO));
        return EXIT_OTHER;
    }
    if (st == LKD_ERR_TASK_NOT_READY) {
        fputs("lkedoc: task ", stderr);
        safe_text_puts(stderr, task_id);
        fputs(" has no result to download yet\n", stderr);
        return EXIT_TASK;
    }
    return cli_fail(c, o, st);
}

/* With -o - the archive is stdout: the summary goes to stderr instead. */
static FILE *info_stream(const options_t *o)
{
    return strcmp(o->output, "-") == 0 ? stderr : stdout;
}

static void print_written(const options_t *o, const char *task, const char *status, uint64_t bytes)
{
    FILE *out = info_stream(o);
    if (o->json) {
        print_job_json(out, task, status, o->output, bytes);
    } else {
        fprintf(out, "wrote %" PRIu64 " bytes to ", bytes);
        safe_text_puts(out, o->output);
        fputc('\n', out);
    }
}

int cmd_download(lkd_client_t *c, const options_t *o)
{
    uint64_t bytes = 0;
    lkd_span_t no_url = {NULL, 0};
    int rc = download_task(c, o, o->args[0], no_url, &bytes);
    if (rc != EXIT_OK) {
        return rc;
    }
    print_written(o, o->args[0], NULL, bytes);
    return EXIT_OK;
}

/* ---- the whole job --------------------------------------------------------------- */

/* Wait for the task and download its archive. */
static int parse_task(lkd_client_t *c, const options_t *o, const char *task, lkd_result_t *r, uint64_t *bytes)
{
    int rc;
    if (!o->json) {
        fputs("TaskId ", info_stream(o));
        safe_text_puts(info_stream(o), task);
        fputc('\n', info_stream(o));
        fflush(info_stream(o));
    }
    r->status = LKD_TASK_UNKNOWN;
    rc = wait_task(c, o, task, r, 0);
    if (rc != EXIT_OK) {
        return rc;
    }
    rc = download_task(c, o, task, r->result_url, bytes); /* the URL the wait ended with */
    if (rc != EXIT_OK) {
        return rc;
    }
    print_written(o, task, "Success", *bytes);
    return EXIT_OK;
}

static void say_journal(const char *text)
{
    fputs("lkedoc: ", stderr);
    safe_text_puts(stderr, text);
    fputc('\n', stderr);
}

/* Everything besides the input that shapes the task, as journal_open's
 * name/value pairs: a journal of the same file for another account,
 * endpoint or options is not this job.  The account is its SecretId, never
 * its key (with a credentials process, whose ids change, its command). */
#define REQUEST_FIELDS 26
static void request_fields(const lkd_client_t *c, const options_t *o, const char **f, char num[4][24])
{
    const lkd_settings_t *s = lkd_client_settings(c);
    snprintf(num[0], sizeof num[0], "%u", (unsigned)s->port);
    snprintf(num[1], sizeof num[1], "%u-%u", (unsigned)o->start_page, (unsigned)o->end_page);
    snprintf(num[2], sizeof num[2], "%d", (int)o->ignore_failed_page);
    snprintf(num[3], sizeof num[3], "%d", (int)o->return_page_format);
    f[0] = "host", f[1] = s->host, f[2] = "port", f[3] = num[0], f[4] = "service", f[5] = s->service;
    f[6] = "version", f[7] = s->version, f[8] = "region", f[9] = s->region, f[10] = "account";
    f[11] = s->credentials_provider != NULL ? o->credentials_process : s->secret_id; /* a process: its command */
    f[12] = "type", f[13] = type_for(o, o->args[0]), f[14] = "pages", f[15] = num[1];
    f[16] = "table", f[17] = o->table, f[18] = "result", f[19] = o->result_type;
    f[20] = "ignore-failed-page", f[21] = num[2], f[22] = "return-page-format", f[23] = num[3];
    f[24] = "page-format", f[25] = o->page_format;
}

/* The task of an interrupted run from the journal (1), or a new one (0; 2
 * when the journal could not record it); else the exit status (as a
 * negative number). */
static int journal_task(lkd_client_t *c, const options_t *o, journal_t *j, char *task, size_t cap)
{
    char why[600];
    int found = journal_find(j, task, cap, why, sizeof why), rc;
    if (found == JOURNAL_REFUSED) {
        say_journal(why);
        return -EXIT_USAGE;
    }
    if (found == JOURNAL_UNUSABLE) {
        say_journal(why); /* as pending: an earlier run may have created a task */
        return -EXIT_OUTCOME_UNKNOWN;
    }
    if (found == JOURNAL_PENDING) {
        /* An earlier run sent Create and was cut before it learnt the outcome. */
        fputs("lkedoc: an earlier run sent this document to create a task and never learnt the outcome: the task "
              "may have been created; check the account before sending the document again (to send it anyway, "
              "remove ", stderr);
        safe_text_puts(stderr, o->output);
        fputs(".lkedoc-job)\n", stderr);
        return -EXIT_OUTCOME_UNKNOWN;
    }
    if (why[0] != '\0') {
        say_journal(why); /* another job's: this job's journal replaces it */
    }
    if (found == JOURNAL_TASK) {
        fputs("lkedoc: continuing task ", stderr);
        safe_text_puts(stderr, task);
        fputs(" of an interrupted run (its journal is ", stderr);
        safe_text_puts(stderr, j->name);
        fputs("): no new task is created\n", stderr);
        return 1;
    }
    /* Pending before anything is sent: a run cut from here on leaves it, and
     * the next one does not create blindly. */
    if (journal_write(j, NULL, why, sizeof why) != 0) {
        say_journal(why);
        return -EXIT_OTHER;
    }
    rc = create_task(c, o, o->args[0]);
    if ((rc == EXIT_OUTCOME_UNKNOWN || lkd_client_outcome_unknown(c)) && j->dir_fd >= 0) {
        fputs("lkedoc: ", stderr);
        safe_text_puts(stderr, j->name);
        fputs(" keeps that fact: the same command refuses to create again until it is removed\n", stderr);
    } else if (rc != EXIT_OK) {
        journal_remove(j); /* the answer proved no task was created */
    }
    if (rc != EXIT_OK) {
        return -rc;
    }
    snprintf(task, cap, "%s", lkd_client_task_id(c));
    if (journal_write(j, task, why, sizeof why) != 0) {
        /* Still pending: a rerun refuses to create, and is told the id here. */
        say_journal(why);
        fputs("lkedoc: the job goes on, but an interrupted run cannot continue task ", stderr);
        safe_text_puts(stderr, task);
        fputs(" by itself (lkedoc download continues it)\n", stderr);
        return 2;
    }
    return 0;
}

int cmd_parse(lkd_client_t *c, const options_t *o)
{
    char task[LKD_TASK_ID_SIZE], why[600], num[4][24];
    const char *fields[REQUEST_FIELDS];
    lkd_result_t r;
    journal_t j;
    uint64_t bytes = 0;
    int rc, recorded;
    request_fields(c, o, fields, num);
    rc = journal_open(&j, o->output, o->args[0], fields, REQUEST_FIELDS, why, sizeof why);
    if (rc != 0) {
        say_journal(why);
        journal_close(&j);
        return EXIT_USAGE;
    }
    rc = journal_task(c, o, &j, task, sizeof task);
    if (rc < 0) {
        journal_close(&j);
        return -rc;
    }
    recorded = rc != 2;
    rc = parse_task(c, o, task, &r, &bytes);
    if (rc == EXIT_OK || (rc == EXIT_TASK && r.status == LKD_TASK_FAILED) ||
        (rc == EXIT_API && strncmp(lkd_client_api_error(c)->code, "ResourceNotFound", 16) == 0)) {
        journal_remove(&j); /* done, or a task that can never finish: the next run starts afresh */
    } else if (j.dir_fd >= 0 && recorded) {
        fputs("lkedoc: task ", stderr);
        safe_text_puts(stderr, task);
        fputs(" is kept in ", stderr);
        safe_text_puts(stderr, j.name);
        fputs(": the same command continues it\n", stderr);
    }
    journal_close(&j);
    return rc;
}
