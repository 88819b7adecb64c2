/* SPDX-License-Identifier: MIT */
/*
 * main.c - the lkedoc host command-line tool (boards/posix): set-up of the
 * one static client from options, credentials and CA file, then a command
 * (commands.c).  `lkedoc --help` and the README list commands and exit codes.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sys/resource.h>
#include <sys/time.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <unistd.h>

#include "arg_message.h"
#include "cli.h"
#include "credentials.h"
#include "credentials_process.h"
#include "print_result.h"
#include "proxy_option.h"
#include "safe_text.h"

#define SYSTEM_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"
#define CA_FILE_MAX (4u * 1024u * 1024u)

static lkd_client_t client; /* everything the library needs, in one static object */
static credentials_t creds;
/* Temporary credentials from a process: the client's provider writes them
 * here and wipes them (lkd_credentials_t).  4 KiB of token: more than twice
 * the longest STS tokens (about 1.7 KB); the client sends it from here. */
static char tmp_id[128], tmp_key[128], tmp_token[4096]; /* the limits of credentials_t's */
static lkd_credentials_t tmp_creds;
static credentials_process_t process;
static unsigned char ca_pem[CA_FILE_MAX + 1];

/* The signal (SIGINT, SIGTERM) that asked the command to stop, 0 while none
 * did.  The library's abort callback reads it, so the call under way ends
 * within LKD_ABORT_POLL_MS and the command exits with EXIT_ABORTED (130).
 * SIGALRM is --total-timeout's: everything a stop signal ends (a call, the
 * credentials process, a write to a stalled reader) ends alike, and the
 * command exits with EXIT_TIMEOUT (a Create cut after it went out whole:
 * EXIT_OUTCOME_UNKNOWN, as when --timeout cuts it). */
static volatile sig_atomic_t stop_signal;

/* SIGINTs and SIGTERMs received: the second ends the process at once. */
static volatile sig_atomic_t user_stops;

/* The exit status cli_fail gave the stop, 0 while it gave none. */
static int stop_status;

/* What the command was doing, for the --total-timeout message. */
static char step[80] = "the set-up";

void cli_step(const char *what, int n, int of)
{
    if (of > 0) {
        snprintf(step, sizeof step, "%s %d of %d", what, n, of);
    } else {
        snprintf(step, sizeof step, "%s", what);
    }
}

/* A second SIGINT or SIGTERM ends the process at once: the state file is
 * only ever replaced whole (renamed over), and a resume recomputes from the
 * .part.  SIGALRM is never one of the two (the user did not ask twice), and
 * the first cause stays the one reported. */
static void on_stop_signal(int sig)
{
    if (sig != SIGALRM && user_stops++ > 0) {
        _exit(EXIT_ABORTED);
    }
    if (stop_signal == 0) {
        stop_signal = sig;
    }
}

int cli_stop_requested(void)
{
    return stop_signal != 0;
}

static int stop_requested(void *user)
{
    (void)user;
    return cli_stop_requested();
}

/* Without SA_RESTART, so a blocking write to a stalled reader returns
 * EINTR (output_write then ends it). */
static void catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask); /* each blocks the others while it runs */
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGALRM);
    (void)sigaction(SIGINT, &sa, NULL);
    (void)sigaction(SIGTERM, &sa, NULL);
    (void)sigaction(SIGALRM, &sa, NULL);
}

/* One SIGALRM when --total-timeout passes (0 s: none, or disarm it); 0, or
 * -1 after saying why. */
static int arm_total_timeout(double seconds)
{
    struct itimerval t;
    memset(&t, 0, sizeof t); /* it_interval zero: it fires once */
    if (seconds <= 0) {
        return setitimer(ITIMER_REAL, &t, NULL) == 0 ? 0 : -1;
    }
    t.it_value.tv_sec = (time_t)seconds;
    t.it_value.tv_usec = (suseconds_t)((seconds - (double)t.it_value.tv_sec) * 1e6) + 1; /* never 0: disarmed */
    if (t.it_value.tv_usec >= 1000000) {
        t.it_value.tv_sec++;
        t.it_value.tv_usec -= 1000000;
    }
    if (setitimer(ITIMER_REAL, &t, NULL) != 0) {
        fprintf(stderr, "lkedoc: cannot set --total-timeout: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

static void log_to_stderr(void *user, const char *line, size_t len)
{
    (void)user;
    /* The library's lines quote what servers sent (headers, answers). */
    fputs("lkedoc: ", stderr);
    safe_text_write(stderr, line, len);
    fputc('\n', stderr);
}

/* 0, or the exit status of the failure (said on stderr). */
static int load_ca(const char *path)
{
    size_t n;
    lkd_status_t st;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "lkedoc: cannot open CA file %s: %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    n = fread(ca_pem, 1, CA_FILE_MAX + 1, f);
    fclose(f);
    if (n > CA_FILE_MAX) {
        fprintf(stderr, "lkedoc: CA file %s is larger than %u bytes\n", path, CA_FILE_MAX);
        return EXIT_USAGE;
    }
    ca_pem[n] = '\0';
    /* PEM needs its NUL counted; DER must not have one. */
    st = lkd_client_add_ca(&client, ca_pem, strstr((const char *)ca_pem, "-----BEGIN") ? n + 1 : n);
    if (st == LKD_ERR_CERT) {
        fprintf(stderr, "lkedoc: no usable CA certificate in %s\n", path);
        return EXIT_USAGE;
    }
    if (st != LKD_OK) {
        fprintf(stderr, "lkedoc: cannot load the CA certificates of %s: %s\n", path,
                lkd_status_is_arg(st) && n == 0 ? "the file is empty" : lkd_strerror(st));
        return exit_status_for(st);
    }
    return 0;
}

/* The service's answer named a result URL the policy refuses (nothing
 * connected to it): say which host and why, and how to allow one. */
static int refused_url(lkd_client_t *c)
{
    const char *host = lkd_client_refused_host(c);
    const char *why = lkd_client_refusal_reason(c);
    fputs("lkedoc: result URL refused: host ", stderr);
    if (host != NULL && host[0] != '\0') {
        safe_text_puts(stderr, host);
    } else {
        fputs("(none)", stderr);
    }
    fputs(": ", stderr);
    safe_text_puts(stderr, why != NULL && why[0] != '\0' ? why : lkd_strerror(LKD_ERR_URL_REFUSED));
    fputc('\n', stderr);
    if (strncmp(why, "host is not", 11) == 0 || strncmp(why, "port", 4) == 0) {
        fputs("(--result-host HOST accepts result URLs on another host, at any port)\n", stderr);
    }
    return exit_status_for(LKD_ERR_URL_REFUSED);
}

/* The official SDKs removed the document actions from lke: its service may
 * answer them so.  Say it plainly, and how to switch. */
static void offline_hint(lkd_client_t *c, const char *code)
{
    const lkd_settings_t *s = lkd_client_settings(c);
    if (s != NULL && strcmp(s->service, "lke") == 0 &&
        (strcmp(code, "InvalidAction") == 0 || strcmp(code, "ActionOffline") == 0 ||
         strcmp(code, "UnsupportedOperation") == 0)) {
        lkd_settings_t cn, intl;
        lkd_settings_default(&cn, LKD_PROFILE_LKEAP);
        lkd_settings_default(&intl, LKD_PROFILE_LKEAP_INTL);
        fprintf(stderr,
                "lkedoc: this action is no longer served on lke (the official SDKs removed it there);\n"
                "  switch to lkeap: --service %s (China, %s) or\n"
                "  --service %s (international, %s), same credentials\n",
                cli_services[LKD_PROFILE_LKEAP], cn.host, cli_services[LKD_PROFILE_LKEAP_INTL], intl.host);
    }
}

int cli_fail(lkd_client_t *c, const options_t *o, lkd_status_t st)
{
    const lkd_api_error_t *e = lkd_client_api_error(c);
    lkd_client_stats_t stats;
    lkd_client_tls_detail_t tls;
    char detail[LKD_ERROR_DETAIL_SIZE];
    int total = st == LKD_ERR_ABORTED && stop_signal == SIGALRM;
    if (total) {
        fprintf(stderr, "lkedoc: --total-timeout %g s passed during %s\n", o->total_timeout_s, step);
    }
    if (st == LKD_ERR_API) {
        if (o->json) {
            print_api_error_json(stdout, e);
        }
        fputs("lkedoc: API error ", stderr);
        safe_text_puts(stderr, e->code);
        fprintf(stderr, " (%s): ", lkd_api_class_name(e->cls));
        safe_text_puts(stderr, e->message);
        fputs(" [RequestId ", stderr);
        safe_text_puts(stderr, e->request_id);
        fputs("]\n", stderr);
        offline_hint(c, e->code);
        return EXIT_API;
    }
    if (st == LKD_ERR_URL_REFUSED) {
        return refused_url(c);
    }
    if (st == LKD_ERR_OUTCOME_UNKNOWN || (st == LKD_ERR_ABORTED && lkd_client_outcome_unknown(c))) {
        /* No id came back, so status cannot look it up: only the account can tell. */
        fputs(st == LKD_ERR_ABORTED ? "lkedoc: stopped after the request to create the task went out whole"
                                    : "lkedoc: the request to create the task went out whole, but no answer says "
                                      "what became of it",
              stderr);
        (void)lkd_client_stats(c, &stats);
        if (stats.http_status >= 500) {
            fprintf(stderr, " (HTTP %d)", stats.http_status);
        }
        fputs(":\nlkedoc: the task may have been created (and billed), its id is not known; check the\n"
              "lkedoc: console or the account's usage before sending the document again\n", stderr);
        /* Cut by a deadline, --timeout's or --total-timeout's: alike. */
        st = total ? LKD_ERR_OUTCOME_UNKNOWN : st;
        stop_status = st == LKD_ERR_ABORTED || total ? exit_status_for(st) : 0;
        return exit_status_for(st);
    }
    if (total) {
        return stop_status = EXIT_TIMEOUT;
    }
    if (st == LKD_ERR_ABORTED) {
        fprintf(stderr, "lkedoc: stopped by %s\n", stop_signal == SIGTERM ? "SIGTERM" : "SIGINT");
        return stop_status = EXIT_ABORTED;
    }
    if (lkd_status_is_arg(st)) {
        arg_message_print(stderr, lkd_client_arg_error(c), st);
        return exit_status_for(st);
    }
    if (st == LKD_ERR_CREDENTIALS && lkd_client_arg_error(c)->status != LKD_OK) {
        /* The provider's values: which one could not be sent (never the value). */
        arg_message_print(stderr, lkd_client_arg_error(c), lkd_client_arg_error(c)->status);
    }
    /* The core's sentence (what firmware logs too), then the CLI's own hints. */
    (void)lkd_client_error_detail(c, st, detail, sizeof detail); /* a cut line is still a line */
    fputs("lkedoc: ", stderr);
    safe_text_puts(stderr, detail);
    (void)lkd_client_tls_detail(c, &tls); /* zero if it fails */
    proxy_option_explain(c, st, tls.proxy_hop);
    if (st == LKD_ERR_BUFFER_TOO_SMALL) {
        /* The session token is sent beside the buffer: the headers and a body in it are what did not fit. */
        fprintf(stderr, ": the request does not fit the %u-byte request buffer (LKD_REQUEST_BUFFER_SIZE)",
                (unsigned)LKD_REQUEST_BUFFER_SIZE);
    }
    fputc('\n', stderr);
    if (o->verbose && (st == LKD_ERR_TLS || st == LKD_ERR_CERT || st == LKD_ERR_NO_MEMORY) && tls.mbedtls_error != 0 &&
        strstr(detail, "(mbedTLS -0x") == NULL) {
        /* The sentence carries the code only when it has no words for it:
         * else the code is this line's, once. */
        fprintf(stderr, "lkedoc: mbedTLS error -0x%04x\n", (unsigned)-tls.mbedtls_error);
    }
    return exit_status_for(st);
}

/* The process holds a cloud secret: no core file may carry it to disk, and
 * (not dumpable) other processes of the same user may not ptrace it or read
 * its /proc memory.  Done before the secret is read. */
static void no_core_dumps(void)
{
    struct rlimit none = {0, 0};
    (void)setrlimit(RLIMIT_CORE, &none);
#ifdef __linux__
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

/* The profile whose host host is (names compare in any case), or -1. */
static int profile_of_host(const char *host)
{
    lkd_settings_t d;
    int p;
    for (p = 0; p < CLI_PROFILES; p++) {
        lkd_settings_default(&d, (lkd_profile_t)p);
        if (strcasecmp(d.host, host) == 0) {
            return p;
        }
    }
    return -1;
}

/* The profile: --service, else the endpoint's, else lke.  The host of a
 * profile picks that profile; --service lkeap names the service both lkeap
 * editions share, so the international host makes it the international one.
 * Any other --service that the host contradicts is refused: its region and
 * capabilities would be sent to the other edition's host.  -1 after saying
 * why. */
static int choose_profile(const options_t *o)
{
    int i, service = -1, host = o->host[0] != '\0' ? profile_of_host(o->host) : -1;
    for (i = 0; i < CLI_PROFILES && o->service != NULL; i++) {
        if (strcmp(cli_services[i], o->service) == 0) {
            service = i;
        }
    }
    if (host >= 0 && service >= 0 && host != service &&
        !(service == LKD_PROFILE_LKEAP && host == LKD_PROFILE_LKEAP_INTL)) {
        fprintf(stderr, "lkedoc: --endpoint %s is the host of --service %s, not of --service %s\n", o->host,
                cli_services[host], o->service);
        return -1;
    }
    if (host >= 0) {
        return host;
    }
    if (service >= 0) {
        return service;
    }
    return strncasecmp(o->host, "lkeap.", 6) == 0 ? LKD_PROFILE_LKEAP : LKD_PROFILE_LKE;
}

/* Fill the settings from the options: profile, endpoint, overrides.
 * Returns 0, or an exit status after saying why. */
static int settings_from_options(lkd_settings_t *s, options_t *o)
{
    const char *env_region = getenv("TENCENTCLOUD_REGION");
    int profile = choose_profile(o);
    if (profile < 0) {
        return EXIT_USAGE;
    }
    lkd_settings_default(s, (lkd_profile_t)profile);
    if (o->host[0] == '\0') {
        snprintf(o->host, sizeof o->host, "%s", s->host);
    }
    s->host = o->host;
    s->port = o->port;
    s->resolve = o->resolve;
    s->resolve_count = (size_t)o->resolve_count;
    s->result_hosts = o->result_host_count > 0 ? o->result_hosts : NULL;
    s->result_host_count = (size_t)o->result_host_count;
    s->result_hosts_replace = 0; /* the CLI only ever adds to the object-storage defaults */
    if (env_region != NULL && *env_region) {
        s->region = env_region;
    }
    if (o->region != NULL) {
        s->region = o->region;
    }
    if (o->version != NULL) {
        s->version = o->version;
    }
    s->language = o->language;
    s->timeout_ms = (uint32_t)(o->timeout_s * 1000.0 + 0.5);
    if (s->timeout_ms == 0) {
        s->timeout_ms = 1;
    }
    s->upload_bytes_per_s = o->upload_rate;
    if (o->verbose) {
        s->log = log_to_stderr;
    }
    return proxy_option_settings(s, o->verbose) == 0 ? 0 : EXIT_USAGE;
}

/* The credentials: --credentials-process, else the environment's or the
 * file's (whose section may name a process instead).  0, or an exit status
 * after saying why. */
static int use_credentials(lkd_settings_t *s, options_t *o)
{
    char err[512];
    if (o->credentials_process == NULL) {
        if (credentials_load(&creds, err, sizeof err) != 0) {
            fprintf(stderr, "lkedoc: %s\n", err);
            return EXIT_USAGE;
        }
        if (creds.process[0] == '\0') {
            if (o->verbose) {
                fprintf(stderr, "lkedoc: * credentials from %s, SecretId %.8s...\n", creds.source, creds.secret_id);
            }
            s->secret_id = creds.secret_id;
            s->secret_key = creds.secret_key;
            s->token = creds.token[0] ? creds.token : NULL;
            return 0;
        }
        o->credentials_process = creds.process;
    }
    if (credentials_process_check(o->credentials_process, err, sizeof err) != 0) {
        fputs("lkedoc: the credentials process '", stderr);
        safe_text_puts(stderr, o->credentials_process);
        fprintf(stderr, "' %s\n", err);
        return EXIT_USAGE;
    }
    if (o->verbose) {
        fputs("lkedoc: * credentials from the process '", stderr);
        safe_text_puts(stderr, o->credentials_process);
        fprintf(stderr, "', renewed %u s before they expire\n", (unsigned)o->credentials_margin_s);
    }
    process.command = o->credentials_process;
    process.timeout_s = o->credentials_timeout_s;
    process.verbose = o->verbose;
    process.stop = &stop_signal;
    tmp_creds.secret_id.ptr = tmp_id;
    tmp_creds.secret_id.size = sizeof tmp_id;
    tmp_creds.secret_key.ptr = tmp_key;
    tmp_creds.secret_key.size = sizeof tmp_key;
    tmp_creds.token.ptr = tmp_token;
    tmp_creds.token.size = sizeof tmp_token;
    s->credentials_provider = credentials_process_provide;
    s->credentials_user = &process;
    s->credentials = &tmp_creds;
    s->credentials_margin_s = o->credentials_margin_s;
    return 0;
}

int main(int argc, char **argv)
{
    options_t o;
    lkd_settings_t s;
    lkd_port_t port;
    lkd_client_stats_t stats;
    int rc = cli_parse(argc, argv, &o);
    lkd_status_t st;

    if (rc >= 0) {
        return rc;
    }
    arg_message_task_ids(o.args, o.run == cmd_parse ? 0 : o.arg_count); /* parse's is a file */
    rc = settings_from_options(&s, &o);
    if (rc != 0) {
        return rc;
    }
    no_core_dumps();
    rc = use_credentials(&s, &o);
    if (rc != 0) {
        return rc;
    }
    s.abort = stop_requested;
    catch_stop_signals();
    if (arm_total_timeout(o.total_timeout_s) != 0) {
        credentials_wipe(&creds);
        return EXIT_OTHER;
    }

    if (cli_board_init(&port, &o) != 0) {
        credentials_wipe(&creds);
        return EXIT_NETWORK;
    }
    st = lkd_client_init(&client, &s, &port);
    if (st != LKD_OK) {
        if (lkd_status_is_arg(st)) {
            arg_message_print(stderr, lkd_client_arg_error(&client), st);
        } else {
            fprintf(stderr, "lkedoc: cannot set up the client: %s\n", lkd_strerror(st));
        }
        credentials_wipe(&creds);
        return exit_status_for(st);
    }
    rc = load_ca(o.ca_file != NULL ? o.ca_file : SYSTEM_CA_BUNDLE);
    if (rc != 0 && !cli_stop_requested()) { /* else the stop cut it (a FIFO's open): said below */
        lkd_client_free(&client);
        credentials_wipe(&creds);
        return rc;
    }
    /* A stop wins over what the command did before it, and one no call saw
     * (in the set-up, between tasks, while printing) fails it alike. */
    rc = cli_stop_requested() ? EXIT_OK : o.run(&client, &o);
    (void)arm_total_timeout(0); /* a late SIGALRM must not cut the last writes */
    if (cli_stop_requested()) {
        rc = stop_status != 0 ? stop_status : cli_fail(&client, &o, LKD_ERR_ABORTED);
    }
    if (o.verbose && lkd_client_stats(&client, &stats) == LKD_OK) {
        fprintf(stderr, "lkedoc: * %u request(s), %u retried, %u TLS handshake(s) (%u resumed), clock offset %lld s\n",
                (unsigned)stats.requests_sent, (unsigned)stats.retries, (unsigned)stats.tls_handshakes,
                (unsigned)stats.tls_resumed, (long long)stats.clock_offset);
    }
    lkd_client_free(&client);
    credentials_wipe(&creds);
    if (fflush(stdout) != 0 && rc == EXIT_OK) {
        return EXIT_OTHER;
    }
    return rc;
}
