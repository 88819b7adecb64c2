/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what the parts of the host CLI share: the parsed command line,
 * exit statuses, and the one static client.
 */
#ifndef LKEDOC_CLI_H
#define LKEDOC_CLI_H

#include <stdint.h>

#include "../exit_status.h"
#include "lkd_client.h"
#include "lkd_job.h"

#define CLI_MAX_TASKS 256
#define CLI_MAX_RESOLVE 8
#define CLI_MAX_RESULT_HOSTS 8

typedef struct options options_t;

/* The --service names, indexed by lkd_profile_t (options.c). */
#define CLI_PROFILES 3
extern const char *const cli_services[CLI_PROFILES];

/* A command: returns the process's exit status. */
typedef int (*cli_command_fn)(lkd_client_t *c, const options_t *o);

struct options {
    const char *command;
    cli_command_fn run;             /* the command's function (cli_parse sets it) */
    const char *args[CLI_MAX_TASKS]; /* task ids, or the file for parse */
    int arg_count;
    const char *service;
    char host[256];
    uint16_t port;
    lkd_resolve_t resolve[CLI_MAX_RESOLVE];
    char resolve_text[CLI_MAX_RESOLVE][300];
    int resolve_count;
    const char *result_hosts[CLI_MAX_RESULT_HOSTS]; /* --result-host: added to the default allowlist */
    int result_host_count;
    const char *region;
    const char *version;
    const char *ca_file;
    const char *language;
    double timeout_s;       /* one API call */
    double job_timeout_s;   /* a whole wait or download */
    double total_timeout_s; /* the whole command; 0: none */
    double poll_s;          /* first pause between polls */
    const char *file;       /* create --file */
    const char *url;        /* create --url */
    const char *type;       /* --type */
    uint32_t start_page, end_page;
    const char *table;      /* "0" or "1" */
    const char *result_type;
    int unsigned_payload;
    int8_t ignore_failed_page; /* -1: not sent */
    int8_t return_page_format; /* -1: not sent */
    const char *page_format;
    uint32_t upload_rate;   /* --upload-rate: bytes per second a Create's upload adds to its deadline */
    const char *credentials_process; /* --credentials-process, or the credentials file's */
    uint32_t credentials_margin_s;   /* --credentials-margin: renew this long before expiry */
    double credentials_timeout_s;    /* --credentials-timeout: one run of the process */
    const char *output;     /* -o */
    int json;
    int verbose;
};

/* Parse argv against the one table of commands and options (options.c),
 * which --help prints; returns -1 to go on, or an exit status (usage printed). */
int cli_parse(int argc, char **argv, options_t *o);

/* The commands; each returns the process's exit status. */
int cmd_status(lkd_client_t *c, const options_t *o);
int cmd_create(lkd_client_t *c, const options_t *o);
int cmd_wait(lkd_client_t *c, const options_t *o);
int cmd_download(lkd_client_t *c, const options_t *o);
int cmd_parse(lkd_client_t *c, const options_t *o);
int cmd_cancel(lkd_client_t *c, const options_t *o);

/* The board's network: fill *port (and bring up whatever stack it needs).
 * Returns 0, or -1 after printing why.  boards/posix/board_posix.c gives the
 * POSIX sockets port; other boards (lwip-tap) link their own. */
int cli_board_init(lkd_port_t *port, const options_t *o);

/* 1 once SIGINT or SIGTERM asked the command to stop, or --total-timeout
 * passed. */
int cli_stop_requested(void);

/* What the command is doing, for the message when --total-timeout passes
 * ("during <what> <n> of <of>", or "during <what>" when of is 0). */
void cli_step(const char *what, int n, int of);

/* Print why st happened on stderr (and the API error as JSON on stdout with
 * --json); returns the exit status for it. */
int cli_fail(lkd_client_t *c, const options_t *o, lkd_status_t st);

#endif
