/* SPDX-License-Identifier: MIT */
/*
 * options.c - the CLI's command line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mbedtls/version.h>

#include "cli.h"
#include "lkd_version.h"
#include "proxy_option.h"

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("lkedoc: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n(lkedoc --help shows the options)\n", stderr);
    return EXIT_USAGE;
}

static int parse_port(const char *s, uint16_t *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 1 || v > 65535) {
        return -1;
    }
    *out = (uint16_t)v;
    return 0;
}

/* [https://]HOST[:PORT][/], HOST a name, an IPv4 address or a bracketed
 * IPv6 one (the core sends no SNI for an address and verifies it against
 * the certificate's iPAddress names).  A bare IPv6 address is refused: it
 * cannot be split from a port at its colons. */
static int set_endpoint(options_t *o, const char *s)
{
    const char *colon, *end;
    size_t n;
    struct in6_addr a6;
    if (strncasecmp(s, "https://", 8) == 0) {
        s += 8;
    }
    n = strlen(s);
    if (n > 0 && s[n - 1] == '/') {
        n--;
    }
    if (n >= sizeof o->host) {
        return -1;
    }
    memcpy(o->host, s, n);
    o->host[n] = '\0';
    if (o->host[0] == '[') {
        end = strchr(o->host, ']');
        if (end == NULL || (end[1] != '\0' && (end[1] != ':' || parse_port(end + 2, &o->port) != 0))) {
            return -1;
        }
        n = (size_t)(end - o->host) - 1;
        memmove(o->host, o->host + 1, n);
        o->host[n] = '\0';
        /* The core takes hex groups only: no dotted-quad tail, as the core's
         * rule for settings.host says. */
        return strchr(o->host, '.') == NULL && inet_pton(AF_INET6, o->host, &a6) == 1 ? 0 : -1;
    }
    colon = strrchr(o->host, ':');
    if (colon != NULL && (memchr(o->host, ':', (size_t)(colon - o->host)) != NULL || parse_port(colon + 1, &o->port) != 0)) {
        return -1;
    }
    if (colon != NULL) {
        o->host[colon - o->host] = '\0';
    }
    return o->host[0] == '\0' ? -1 : 0;
}

/* HOST:PORT:ADDR, ADDR possibly a bracketed IPv6 literal. */
static int set_resolve(options_t *o, const char *s)
{
    char *text, *c1, *c2, *addr;
    size_t n;
    int i = o->resolve_count;
    if (i >= CLI_MAX_RESOLVE || strlen(s) >= sizeof o->resolve_text[0]) {
        return -1;
    }
    text = o->resolve_text[i];
    strcpy(text, s);
    c1 = strchr(text, ':');
    c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
    if (c1 == NULL || c2 == NULL || c1 == text) {
        return -1;
    }
    *c1 = '\0';
    *c2 = '\0';
    if (parse_port(c1 + 1, &o->resolve[i].port) != 0) {
        return -1;
    }
    addr = c2 + 1;
    n = strlen(addr);
    if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']') {
        addr[n - 1] = '\0';
        addr++;
        n -= 2;
    }
    if (n == 0) {
        return -1;
    }
    o->resolve[i].host = text;
    o->resolve[i].address = addr;
    o->resolve_count++;
    return 0;
}

/* A host name or ".suffix" of DNS letters, digits, '-' and '.', whole labels
 * (no empty label, none over 63 bytes): the core compares it byte for byte,
 * so anything else could never match and is a typo worth saying. */
static int set_result_host(options_t *o, const char *s)
{
    size_t i, n = strlen(s), label = 0;
    const char *p = s[0] == '.' ? s + 1 : s;
    if (o->result_host_count >= CLI_MAX_RESULT_HOSTS || n == 0 || n > 253 || *p == '\0') {
        return -1;
    }
    for (i = 0; p[i] != '\0'; i++) {
        char c = p[i];
        if (c == '.') {
            if (label == 0) {
                return -1;
            }
            label = 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
            if (++label > 63) {
                return -1;
            }
        } else {
            return -1;
        }
    }
    if (label == 0) {
        return -1;
    }
    o->result_hosts[o->result_host_count++] = s;
    return 0;
}

static int parse_seconds(const char *v, double *out)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end != '\0' || !(d > 0) || d > 86400) {
        return -1;
    }
    *out = d;
    return 0;
}

static int set_pages(options_t *o, const char *v)
{
    char *end;
    unsigned long a, b;
    errno = 0;
    a = strtoul(v, &end, 10);
    if (errno != 0 || end == v || a < 1 || a > 100000) {
        return -1;
    }
    if (*end == '\0') {
        b = a;
    } else if (*end == '-') {
        const char *s = end + 1;
        b = strtoul(s, &end, 10);
        if (errno != 0 || end == s || *end != '\0' || b < a || b > 100000) {
            return -1;
        }
    } else {
        return -1;
    }
    o->start_page = (uint32_t)a;
    o->end_page = (uint32_t)b;
    return 0;
}

/* ---- the options ---------------------------------------------------------------- */

static int set_help(options_t *o, const char *v);

/* The version of lkedoc and of the mbedTLS it runs with, and the one it was
 * compiled against when they differ (a shared library updated since). */
static int set_version(options_t *o, const char *v)
{
    char run[18] = MBEDTLS_VERSION_STRING;
    (void)o;
    (void)v;
#if defined(MBEDTLS_VERSION_C)
    mbedtls_version_get_string(run);
#endif
    printf("lkedoc %s (mbedTLS %s", lkd_version(), run);
    if (strcmp(run, MBEDTLS_VERSION_STRING) != 0) {
        printf(", built with %s", MBEDTLS_VERSION_STRING);
    }
    puts(")");
    exit(fflush(stdout) == 0 ? EXIT_OK : EXIT_OTHER);
}

/* *out = v when v is a or b; -1 otherwise. */
static int one_of(const char **out, const char *v, const char *a, const char *b)
{
    if (strcmp(v, a) != 0 && strcmp(v, b) != 0) {
        return -1;
    }
    *out = v;
    return 0;
}

const char *const cli_services[CLI_PROFILES] = {"lke", "lkeap", "lkeap-intl"};

static int set_service(options_t *o, const char *v)
{
    int i;
    for (i = 0; i < CLI_PROFILES; i++) {
        if (strcmp(v, cli_services[i]) == 0) {
            o->service = cli_services[i];
            return 0;
        }
    }
    return -1;
}

/* yes|no for a boolean Config key: 1 or 0 in *out. */
static int set_bool(int8_t *out, const char *v)
{
    if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
        return -1;
    }
    *out = (int8_t)(v[0] == 'y');
    return 0;
}

static int set_ignore_failed_page(options_t *o, const char *v)
{
    return set_bool(&o->ignore_failed_page, v);
}

static int set_return_page_format(options_t *o, const char *v)
{
    return set_bool(&o->return_page_format, v);
}

static int set_language(options_t *o, const char *v)
{
    return one_of(&o->language, v, "en-US", "zh-CN");
}

static int set_timeout(options_t *o, const char *v)
{
    return parse_seconds(v, &o->timeout_s);
}

static int set_job_timeout(options_t *o, const char *v)
{
    return parse_seconds(v, &o->job_timeout_s);
}

static int set_total_timeout(options_t *o, const char *v)
{
    return parse_seconds(v, &o->total_timeout_s);
}

static int set_credentials_timeout(options_t *o, const char *v)
{
    return parse_seconds(v, &o->credentials_timeout_s);
}

static int set_credentials_margin(options_t *o, const char *v)
{
    char *end;
    unsigned long r;
    errno = 0;
    r = strtoul(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || v[0] == '-' || r > 86400ul) {
        return -1;
    }
    o->credentials_margin_s = (uint32_t)r;
    return 0;
}

static int set_proxy(options_t *o, const char *v)
{
    (void)o;
    /* The argument is argv's, which the program may write (C99 5.1.2.2.1):
     * its password is overwritten there. */
    return proxy_option_set((char *)v);
}

static int set_upload_rate(options_t *o, const char *v)
{
    char *end;
    unsigned long r;
    errno = 0;
    r = strtoul(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || v[0] == '-' || r > 1000000000ul ||
        (r > 0 && r < LKD_UPLOAD_RATE_MIN)) {
        return -1;
    }
    o->upload_rate = (uint32_t)r;
    return 0;
}

static int set_poll_interval(options_t *o, const char *v)
{
    return parse_seconds(v, &o->poll_s) != 0 || o->poll_s > 10 ? -1 : 0;
}

static int set_task_id(options_t *o, const char *v)
{
    if (o->arg_count > 0) {
        return -1;
    }
    o->args[o->arg_count++] = v;
    return 0;
}

static int set_table(options_t *o, const char *v)
{
    if (strcmp(v, "md") != 0 && strcmp(v, "html") != 0) {
        return -1;
    }
    o->table = strcmp(v, "md") == 0 ? "0" : "1";
    return 0;
}

static int set_result_type(options_t *o, const char *v)
{
    if (strlen(v) != 1 || v[0] < '0' || v[0] > '5') {
        return -1;
    }
    o->result_type = v;
    return 0;
}

typedef struct {
    const char *name;    /* "--service" */
    const char *alias;   /* a short spelling ("-v"), or NULL */
    const char *value;   /* what it takes, as --help shows it; NULL: a flag */
    const char *help;    /* --help's text; each '\n' starts an indented line */
    int (*set)(options_t *o, const char *v); /* 0, or -1 when v is wrong; NULL: field */
    size_t field;        /* without set: the int a flag sets to 1, or the text that keeps v */
    const char *refusal; /* usage_error's format when set refuses v (%s: v) */
    int of_commands;     /* listed with the commands' options */
} cli_option_t;

/* The set, field and refusal columns of an option kept in a member as it is
 * (a text; a flag: 1), or of one a function checks. */
#define FIELD(member) NULL, offsetof(options_t, member), NULL
#define CHECKED(fn, refusal) fn, 0, refusal

/* Every option, in --help's order: the parser knows only these. */
static const cli_option_t options[] = {
    {"--service", NULL, "lke|lkeap|lkeap-intl",
     "API profile (default lke: lke.intl.tencentcloudapi.com, 2023-11-30;\n"
     "lkeap: lkeap.tencentcloudapi.com, 2024-05-22, China;\n"
     "lkeap-intl: lkeap.intl.tencentcloudapi.com, 2024-05-22, ap-jakarta)",
     CHECKED(set_service, "--service must be lke, lkeap or lkeap-intl, not '%s'"), 0},
    {"--endpoint", NULL, "HOST[:PORT]", "API host (and port, default 443): a name, an IPv4 address\n"
     "or a bracketed IPv6 one ([::1]:8443); https:// may lead",
     CHECKED(set_endpoint, "--endpoint wants HOST[:PORT], HOST a name, an IPv4 address or a bracketed IPv6 address "
                           "([ADDR]:PORT), not '%s'"), 0},
    {"--resolve", NULL, "HOST:PORT:ADDR",
     "connect to ADDR for HOST:PORT (repeatable; API and result hosts);\n"
     "TLS still verifies HOST",
     CHECKED(set_resolve, "--resolve wants HOST:PORT:ADDR (at most 8), not '%s'"), 0},
    {"--result-host", NULL, "SUFFIX",
     "also accept result URLs on this host (repeatable, at most 8): .example.com\n"
     "any name under it, cos.example.com that name only; any port\n"
     "(always accepted: .myqcloud.com .tencentcos.cn .tencentcos.com, port 443)",
     CHECKED(set_result_host, "--result-host wants HOST or .SUFFIX (DNS labels, at most 8), not '%s'"), 0},
    {"--proxy", NULL, "URL",
     "tunnel every connection through this HTTP proxy: http://[USER:PASSWORD@]HOST[:PORT]\n"
     "(default port 1080; default: HTTPS_PROXY; '' for none; NO_PROXY lists hosts\n"
     "reached directly; --resolve then applies to the proxy's name)",
     /* The refusal never quotes the value: it may hold the password. */
     CHECKED(set_proxy, "--proxy wants http://[USER:PASSWORD@]HOST[:PORT] (only http:// proxies)"), 0},
    {"--region", NULL, "REGION", "X-TC-Region (default ap-guangzhou, or TENCENTCLOUD_REGION)", FIELD(region), 0},
    {"--api-version", NULL, "VERSION", "X-TC-Version (default: the profile's)", FIELD(version), 0},
    {"--ca-file", NULL, "PEM", "trust these CA certificates instead of the system bundle", FIELD(ca_file), 0},
    {"--language", NULL, "en-US|zh-CN", "language of error messages",
     CHECKED(set_language, "--language must be en-US or zh-CN, not '%s'"), 0},
    {"--timeout", NULL, "SECONDS", "deadline of one API call, retries included (default 30)",
     CHECKED(set_timeout, "--timeout wants seconds (0 < s <= 86400), not '%s'"), 0},
    {"--job-timeout", NULL, "SECONDS", "deadline of a whole wait or download (default 600)",
     CHECKED(set_job_timeout, "--job-timeout wants seconds (0 < s <= 86400), not '%s'"), 0},
    {"--total-timeout", NULL, "SECONDS",
     "deadline of the whole command, every task, retry, wait and download\n"
     "included (default none); the first deadline to pass ends it",
     CHECKED(set_total_timeout, "--total-timeout wants seconds (0 < s <= 86400), not '%s'"), 0},
    {"--poll-interval", NULL, "SECONDS", "first pause between polls; grows 1.5x up to 10 s (default 1)",
     CHECKED(set_poll_interval, "--poll-interval wants seconds (0 < s <= 10), not '%s'"), 0},
    {"--credentials-process", NULL, "CMD",
     "temporary credentials from CMD's STS JSON on stdout (no shell: words,\n"
     "'...' and \"...\" quoting); run again when they near expiry",
     FIELD(credentials_process), 0},
    {"--credentials-margin", NULL, "SECONDS", "renew temporary credentials this long before they expire (default 300)",
     CHECKED(set_credentials_margin, "--credentials-margin wants seconds (0 to 86400), not '%s'"), 0},
    {"--credentials-timeout", NULL, "SECONDS", "limit of one run of the credentials process (default 30)",
     CHECKED(set_credentials_timeout, "--credentials-timeout wants seconds (0 < s <= 86400), not '%s'"), 0},
    {"--json", NULL, NULL, "machine output: JSON objects with the API's field names", FIELD(json), 0},
    {"--verbose", "-v", NULL, "diagnostics on stderr (secrets are never shown)", FIELD(verbose), 0},
    {"--help", "-h", NULL, "this text", CHECKED(set_help, NULL), 0},
    {"--version", "-V", NULL, "the version of lkedoc and of its TLS library", CHECKED(set_version, NULL), 0},
    {"--TaskId", NULL, "TASK_ID", "the task of GetReconstructDocumentResult (the API's spelling)",
     CHECKED(set_task_id, "--TaskId takes one task id"), 1},
    {"--file", NULL, "FILE", "create: the document to upload (sent as FileBase64)", FIELD(file), 1},
    {"--url", NULL, "URL", "create: the document's URL, fetched by the service (FileUrl)", FIELD(url), 1},
    {"--type", NULL, "TYPE", "FileType: PDF, PNG, JPG, ... (default: the file's or URL's extension)",
     FIELD(type), 1},
    {"--pages", NULL, "A-B", "only pages A to B (1-based; A alone: that page)",
     CHECKED(set_pages, "--pages wants A-B (1-based, A <= B), not '%s'"), 1},
    {"--table", NULL, "md|html", "tables in Markdown (default) or HTML",
     CHECKED(set_table, "--table must be md or html, not '%s'"), 1},
    {"--result-type", NULL, "N", "Config.ResultType, 0 to 5 (default 0)",
     CHECKED(set_result_type, "--result-type must be 0 to 5, not '%s'"), 1},
    {"--ignore-failed-page", NULL, "yes|no", "Config.IgnoreFailedPage (lkeap China)",
     CHECKED(set_ignore_failed_page, "--ignore-failed-page must be yes or no, not '%s'"), 1},
    {"--return-page-format", NULL, "yes|no", "Config.ReturnPageFormat (lkeap China)",
     CHECKED(set_return_page_format, "--return-page-format must be yes or no, not '%s'"), 1},
    {"--page-format", NULL, "FORMAT", "Config.PageFormat (lkeap China)", FIELD(page_format), 1},
    {"--upload-rate", NULL, "BYTES_PER_S",
     "create/parse --file: the call's deadline grows by the upload at this rate\n"
     "(default 65536: --timeout + 128 s for 8 MiB; at least 1024; 0: --timeout alone)",
     CHECKED(set_upload_rate, "--upload-rate wants bytes per second (0, or 1024 to 1000000000), not '%s'"), 1},
    {"--unsigned-payload", NULL, NULL,
     "sign the upload as UNSIGNED-PAYLOAD: the file is read once, not hashed first", FIELD(unsigned_payload), 1},
    {"--output", "-o", "OUT.zip", "where download and parse write the result archive (- : stdout)",
     FIELD(output), 1},
};

#define OPTION_COUNT (sizeof options / sizeof options[0])

/* ---- the commands ------------------------------------------------------------- */

typedef enum {
    ARGS_SOURCE, /* no argument: exactly one of --file and --url */
    ARGS_ONE,    /* one non-empty argument */
    ARGS_MANY    /* one or more non-empty arguments */
} cli_args_t;

typedef struct {
    const char *name;
    const char *synopsis; /* after "lkedoc [options] " in --help */
    cli_command_fn run;
    cli_args_t args;
    int needs_output;     /* -o is required */
} cli_command_t;

/* Every command, in --help's order: the parser knows only these. */
static const cli_command_t commands[] = {
    {"status", "status TASK_ID...", cmd_status, ARGS_MANY, 0},
    {"GetReconstructDocumentResult", "GetReconstructDocumentResult --TaskId TASK_ID", cmd_status, ARGS_ONE, 0},
    {"create",
     "create (--file FILE [--type PDF] | --url URL) [--pages A-B]\n"
     "                               [--table md|html] [--result-type N] [--unsigned-payload]\n"
     "                               [--ignore-failed-page yes|no] [--return-page-format yes|no]\n"
     "                               [--page-format FORMAT]",
     cmd_create, ARGS_SOURCE, 0},
    {"wait", "wait TASK_ID", cmd_wait, ARGS_ONE, 0},
    {"download", "download TASK_ID -o OUT.zip", cmd_download, ARGS_ONE, 1},
    {"parse", "parse FILE -o OUT.zip [create options]", cmd_parse, ARGS_ONE, 1},
    {"cancel", "cancel TASK_ID                 (lkeap China)", cmd_cancel, ARGS_ONE, 0},
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

/* ---- --help ------------------------------------------------------------------- */

static const char about_text[] =
    "\n"
    "Tencent Cloud document parsing: status asks once per task (over one kept-alive\n"
    "connection); create starts a task and prints its TaskId; wait polls until it ends;\n"
    "download streams the result archive (resuming dropped connections); parse does\n"
    "create, wait and download.\n";

static const char footer_text[] =
    "\n"
    "credentials: TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, optional TENCENTCLOUD_TOKEN,\n"
    "  else [default] secret_id/secret_key in ~/.tencentcloud/credentials\n"
    "  (or the file named by TENCENTCLOUD_CREDENTIALS_FILE; it must not be readable by others),\n"
    "  or temporary ones: --credentials-process CMD, or credentials_process = CMD there\n"
    "\n"
    "exit status: 0 success, 1 other failure, 2 usage/credentials/configuration,\n"
    "  3 API error, 4 network or TLS failure, 5 deadline passed,\n"
    "  6 unexpected HTTP status, malformed answer or refused result URL,\n"
    "  7 the task failed or is paused, 8 Create sent but whether the task exists is unknown,\n"
    "  130 stopped by SIGINT/SIGTERM\n";

/* One line per option, starting with its name: "  --name[, -x] [VALUE]  help",
 * the help's further lines indented below it. */
static void print_option(FILE *f, const cli_option_t *opt)
{
    char head[64];
    const char *h = opt->help, *nl;
    snprintf(head, sizeof head, "%s%s%s%s%s", opt->name, opt->alias != NULL ? ", " : "",
             opt->alias != NULL ? opt->alias : "", opt->value != NULL ? " " : "",
             opt->value != NULL ? opt->value : "");
    if (strlen(head) > 24) {
        fprintf(f, "  %s\n%28s", head, ""); /* no room for the two spaces before the help */
    } else {
        fprintf(f, "  %-25s ", head);
    }
    while ((nl = strchr(h, '\n')) != NULL) {
        fprintf(f, "%.*s\n%28s", (int)(nl - h), h, "");
        h = nl + 1;
    }
    fprintf(f, "%s\n", h);
}

static void print_help(FILE *f)
{
    size_t k;
    for (k = 0; k < COMMAND_COUNT; k++) {
        fprintf(f, "%s lkedoc [options] %s\n", k == 0 ? "usage:" : "      ", commands[k].synopsis);
    }
    fputs(about_text, f);
    fputs("\noptions:\n", f);
    for (k = 0; k < OPTION_COUNT; k++) {
        if (!options[k].of_commands) {
            print_option(f, &options[k]);
        }
    }
    fputs("\noptions of the commands:\n", f);
    for (k = 0; k < OPTION_COUNT; k++) {
        if (options[k].of_commands) {
            print_option(f, &options[k]);
        }
    }
    fputs(footer_text, f);
}

static int set_help(options_t *o, const char *v)
{
    (void)o;
    (void)v;
    print_help(stdout);
    exit(EXIT_OK);
}

/* ---- the parser --------------------------------------------------------------- */

/* The option whose name or alias is a[0..n). */
static const cli_option_t *find_option(const char *a, size_t n)
{
    size_t k;
    for (k = 0; k < OPTION_COUNT; k++) {
        const char *alias = options[k].alias;
        if ((strncmp(a, options[k].name, n) == 0 && options[k].name[n] == '\0') ||
            (alias != NULL && strncmp(a, alias, n) == 0 && alias[n] == '\0')) {
            return &options[k];
        }
    }
    return NULL;
}

static const cli_command_t *find_command(const char *name)
{
    size_t k;
    for (k = 0; k < COMMAND_COUNT; k++) {
        if (strcmp(name, commands[k].name) == 0) {
            return &commands[k];
        }
    }
    return NULL;
}

/* Take v (NULL for a flag) for the option: 0, or -1 when it is refused. */
static int apply(const cli_option_t *opt, options_t *o, const char *v)
{
    char *field = (char *)o + opt->field;
    if (opt->set != NULL) {
        return opt->set(o, v);
    }
    if (opt->value == NULL) {
        *(int *)(void *)field = 1;
    } else {
        *(const char **)(void *)field = v;
    }
    return 0;
}

/* "-" alone is an argument (a file name), not an option. */
static int is_option(const char *a)
{
    return a[0] == '-' && a[1] != '\0';
}

/* The command, then its arguments; -1 to go on, or an exit status. */
static int add_argument(options_t *o, const char *a)
{
    if (o->command == NULL) {
        o->command = a;
    } else if (o->arg_count < CLI_MAX_TASKS) {
        o->args[o->arg_count++] = a;
    } else {
        return usage_error("too many arguments (%s)", a);
    }
    return -1;
}

/* What the command needs, once every option is read. */
static int check_command(options_t *o)
{
    const cli_command_t *cmd;
    int i;
    if (o->command == NULL) {
        print_help(stderr);
        return EXIT_USAGE;
    }
    cmd = find_command(o->command);
    if (cmd == NULL && strchr(o->command, '@') != NULL && strstr(o->command, "://") != NULL) {
        /* A URL with a user and maybe a password: never echoed. */
        return usage_error("unknown command (a URL: did an option before it miss its value?)");
    }
    if (cmd == NULL) {
        return usage_error("unknown command '%s'", o->command);
    }
    o->run = cmd->run;
    if (cmd->args == ARGS_SOURCE) {
        if ((o->file == NULL) == (o->url == NULL) || o->arg_count > 0) {
            return usage_error("%s needs exactly one of --file FILE and --url URL", o->command);
        }
        return -1;
    }
    if (o->arg_count == 0) {
        return usage_error("%s needs an argument", o->command);
    }
    for (i = 0; i < o->arg_count; i++) {
        if (o->args[i][0] == '\0') {
            return usage_error("%s: an argument is empty", o->command);
        }
    }
    if (cmd->args == ARGS_ONE && o->arg_count > 1) {
        return usage_error("%s takes one argument", o->command);
    }
    if (cmd->needs_output && o->output == NULL) {
        return usage_error("%s needs -o OUT.zip", o->command);
    }
    return -1;
}

int cli_parse(int argc, char **argv, options_t *o)
{
    int i, ended = 0;
    memset(o, 0, sizeof *o);
    o->port = 443;
    o->timeout_s = LKD_DEFAULT_TIMEOUT_MS / 1000.0;
    o->job_timeout_s = 600;
    o->poll_s = 1;
    o->ignore_failed_page = -1;
    o->return_page_format = -1;
    o->upload_rate = 65536;
    o->credentials_margin_s = LKD_CREDENTIALS_MARGIN_S;
    o->credentials_timeout_s = 30;
    /* As GNU tools: options anywhere among the command and its arguments,
     * --name=value or --name value, and "--" ends the options.  argv is
     * never reordered: --proxy overwrites its password where it stands. */
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        const char *eq = strchr(a, '='); /* -x=v too: a typo's value is never echoed */
        size_t n = eq != NULL ? (size_t)(eq - a) : strlen(a);
        const cli_option_t *opt;
        if (ended || !is_option(a)) {
            int rc = add_argument(o, a);
            if (rc >= 0) {
                return rc;
            }
            continue;
        }
        if (strcmp(a, "--") == 0) {
            ended = 1;
            continue;
        }
        opt = find_option(a, n);
        if (opt == NULL) {
            /* Its name only: what follows '=' may be a secret. */
            return usage_error("unknown option %.*s", (int)n, a);
        }
        if (eq != NULL) {
            if (opt->value == NULL) {
                return usage_error("option %s takes no value", opt->name);
            }
            v = eq + 1;
        } else if (opt->value != NULL) {
            if (i + 1 >= argc) {
                return usage_error("option %s needs a value", a);
            }
            v = argv[++i];
        }
        if (apply(opt, o, v) != 0) {
            return usage_error(opt->refusal, v);
        }
    }
    return check_command(o);
}
