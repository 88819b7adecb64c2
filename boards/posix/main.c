/*
 * main.c - the lkedoc host command-line tool (boards/posix).
 *
 *   lkedoc [options] status TASK_ID...
 *   lkedoc [options] GetReconstructDocumentResult --TaskId TASK_ID
 *
 * Exit status (also in --help and the README):
 *   0 the call succeeded (whatever the task's status)   4 network or TLS failure
 *   2 usage, credentials or configuration error          5 deadline passed
 *   3 the service answered with an API error             6 unexpected HTTP status or malformed answer
 *   1 anything else
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <mbedtls/x509.h>

#include "credentials.h"
#include "lkd_client.h"
#include "port_posix.h"
#include "print_result.h"

enum {
    EXIT_OK = 0,
    EXIT_OTHER = 1,
    EXIT_USAGE = 2,
    EXIT_API = 3,
    EXIT_NETWORK = 4,
    EXIT_TIMEOUT = 5,
    EXIT_RESPONSE = 6
};

#define SYSTEM_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"
#define CA_FILE_MAX (4u * 1024u * 1024u)
#define MAX_TASKS 256

static const char usage_text[] =
    "usage: lkedoc [options] status TASK_ID...\n"
    "       lkedoc [options] GetReconstructDocumentResult --TaskId TASK_ID\n"
    "\n"
    "Asks Tencent Cloud's document-parsing service for a task's status and result URL\n"
    "(several tasks: one call each, over one kept-alive connection).\n"
    "\n"
    "options:\n"
    "  --service lke|lkeap       API profile (default lke: lke.intl.tencentcloudapi.com, 2023-11-30;\n"
    "                            lkeap: lkeap.tencentcloudapi.com, 2024-05-22)\n"
    "  --endpoint HOST[:PORT]    API host (and port, default 443)\n"
    "  --resolve HOST:PORT:ADDR  connect to ADDR for HOST:PORT; TLS still verifies HOST\n"
    "  --region REGION           X-TC-Region (default ap-guangzhou, or TENCENTCLOUD_REGION)\n"
    "  --api-version VERSION     X-TC-Version (default: the profile's)\n"
    "  --ca-file PEM             trust these CA certificates instead of " SYSTEM_CA_BUNDLE "\n"
    "  --language en-US|zh-CN    language of error messages\n"
    "  --timeout SECONDS         deadline of the whole call (default 30)\n"
    "  --json                    print the Response object as JSON\n"
    "  --verbose                 diagnostics on stderr (secrets are never shown)\n"
    "  --help                    this text\n"
    "\n"
    "credentials: TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, optional TENCENTCLOUD_TOKEN,\n"
    "  else [default] secret_id/secret_key in ~/.tencentcloud/credentials\n"
    "  (or the file named by TENCENTCLOUD_CREDENTIALS_FILE; it must not be readable by others)\n"
    "\n"
    "exit status: 0 call succeeded (whatever the task status), 1 other failure,\n"
    "  2 usage/credentials/configuration, 3 API error, 4 network or TLS failure,\n"
    "  5 deadline passed, 6 unexpected HTTP status or malformed answer\n";

typedef struct {
    const char *service;
    char host[256];
    uint16_t port;
    const char *resolve;
    char connect_addr[256];
    const char *region;
    const char *version;
    const char *ca_file;
    const char *language;
    const char *task_ids[MAX_TASKS];
    int task_count;
    const char *command;
    double timeout_s;
    int json;
    int verbose;
} options_t;

static lkd_client_t client; /* everything the library needs, in one static object */
static credentials_t creds;
static unsigned char ca_pem[CA_FILE_MAX + 1];

static int usage_error(const char *fmt, const char *arg)
{
    fputs("lkedoc: ", stderr);
    fprintf(stderr, fmt, arg);
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

/* HOST[:PORT]; an IPv6 literal must be bracketed. */
static int parse_endpoint(const char *s, options_t *o)
{
    const char *colon = strrchr(s, ':');
    size_t n = colon != NULL ? (size_t)(colon - s) : strlen(s);
    if (colon != NULL && parse_port(colon + 1, &o->port) != 0) {
        return -1;
    }
    if (n == 0 || n >= sizeof o->host) {
        return -1;
    }
    memcpy(o->host, s, n);
    o->host[n] = '\0';
    return 0;
}

/* HOST:PORT:ADDR (ADDR may be a bracketed IPv6 literal).  Applies only when
 * HOST:PORT is the endpoint, as curl's --resolve does. */
static int apply_resolve(options_t *o)
{
    const char *s = o->resolve, *c1, *c2;
    char host[256];
    uint16_t port;
    char portbuf[8];
    size_t n;
    if (s == NULL) {
        return 0;
    }
    c1 = strchr(s, ':');
    c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
    if (c1 == NULL || c2 == NULL || (size_t)(c1 - s) >= sizeof host || (size_t)(c2 - c1 - 1) >= sizeof portbuf) {
        return -1;
    }
    memcpy(host, s, (size_t)(c1 - s));
    host[c1 - s] = '\0';
    memcpy(portbuf, c1 + 1, (size_t)(c2 - c1 - 1));
    portbuf[c2 - c1 - 1] = '\0';
    if (parse_port(portbuf, &port) != 0) {
        return -1;
    }
    s = c2 + 1;
    n = strlen(s);
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
        s++;
        n -= 2;
    }
    if (n == 0 || n >= sizeof o->connect_addr) {
        return -1;
    }
    if (strcasecmp(host, o->host) == 0 && port == o->port) {
        memcpy(o->connect_addr, s, n);
        o->connect_addr[n] = '\0';
    }
    return 0;
}

static int parse_args(int argc, char **argv, options_t *o)
{
    int i;
    memset(o, 0, sizeof *o);
    o->port = 443;
    o->timeout_s = LKD_DEFAULT_TIMEOUT_MS / 1000.0;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes_value = 1;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage_text, stdout);
            exit(EXIT_OK);
        } else if (strcmp(a, "--json") == 0) {
            o->json = 1;
            takes_value = 0;
        } else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
            o->verbose = 1;
            takes_value = 0;
        } else if (a[0] == '-' && a[1] == '-' && v == NULL) {
            return usage_error("option %s needs a value", a);
        } else if (strcmp(a, "--service") == 0) {
            if (strcmp(v, "lke") != 0 && strcmp(v, "lkeap") != 0) {
                return usage_error("--service must be lke or lkeap, not '%s'", v);
            }
            o->service = v;
        } else if (strcmp(a, "--endpoint") == 0) {
            if (parse_endpoint(v, o) != 0) {
                return usage_error("--endpoint wants HOST[:PORT], not '%s'", v);
            }
        } else if (strcmp(a, "--resolve") == 0) {
            o->resolve = v;
        } else if (strcmp(a, "--region") == 0) {
            o->region = v;
        } else if (strcmp(a, "--api-version") == 0) {
            o->version = v;
        } else if (strcmp(a, "--ca-file") == 0) {
            o->ca_file = v;
        } else if (strcmp(a, "--language") == 0) {
            if (strcmp(v, "en-US") != 0 && strcmp(v, "zh-CN") != 0) {
                return usage_error("--language must be en-US or zh-CN, not '%s'", v);
            }
            o->language = v;
        } else if (strcmp(a, "--timeout") == 0) {
            char *end;
            o->timeout_s = strtod(v, &end);
            if (end == v || *end != '\0' || !(o->timeout_s > 0) || o->timeout_s > 86400) {
                return usage_error("--timeout wants seconds (0 < s <= 86400), not '%s'", v);
            }
        } else if (strcmp(a, "--TaskId") == 0) {
            if (o->task_count > 0) {
                return usage_error("%s takes one task id", "--TaskId");
            }
            o->task_ids[o->task_count++] = v;
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option %s", a);
        } else if (o->command == NULL) {
            o->command = a;
            takes_value = 0;
        } else if (strcmp(o->command, "status") == 0 && o->task_count < MAX_TASKS) {
            o->task_ids[o->task_count++] = a;
            takes_value = 0;
        } else {
            return usage_error("unexpected argument '%s'", a);
        }
        if (takes_value) {
            i++;
        }
    }
    if (o->command == NULL) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    if (strcmp(o->command, "status") != 0 && strcmp(o->command, "GetReconstructDocumentResult") != 0) {
        return usage_error("unknown command '%s'", o->command);
    }
    if (o->task_count == 0) {
        return usage_error("%s needs a task id", o->command);
    }
    for (i = 0; i < o->task_count; i++) {
        if (o->task_ids[i][0] == '\0') {
            return usage_error("%s: a task id is empty", o->command);
        }
    }
    return -1; /* parsed: go on */
}

static void log_to_stderr(void *user, const char *line, size_t len)
{
    (void)user;
    fprintf(stderr, "lkedoc: %.*s\n", (int)len, line);
}

static int load_ca(const char *path)
{
    size_t n;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "lkedoc: cannot open CA file %s: %s\n", path, strerror(errno));
        return -1;
    }
    n = fread(ca_pem, 1, CA_FILE_MAX + 1, f);
    fclose(f);
    if (n > CA_FILE_MAX) {
        fprintf(stderr, "lkedoc: CA file %s is larger than %u bytes\n", path, CA_FILE_MAX);
        return -1;
    }
    ca_pem[n] = '\0';
    /* PEM needs its NUL counted; DER must not have one. */
    if (lkd_client_add_ca(&client, ca_pem, strstr((const char *)ca_pem, "-----BEGIN") ? n + 1 : n) != LKD_OK) {
        fprintf(stderr, "lkedoc: no usable CA certificate in %s\n", path);
        return -1;
    }
    return 0;
}

static int exit_code_for(lkd_status_t st)
{
    switch (st) {
    case LKD_OK: return EXIT_OK;
    case LKD_ERR_API: return EXIT_API;
    case LKD_ERR_TIMEOUT: return EXIT_TIMEOUT;
    case LKD_ERR_DNS:
    case LKD_ERR_CONNECT:
    case LKD_ERR_TLS:
    case LKD_ERR_CERT:
    case LKD_ERR_IO:
    case LKD_ERR_CLOSED: return EXIT_NETWORK;
    case LKD_ERR_HTTP_STATUS:
    case LKD_ERR_MALFORMED:
    case LKD_ERR_RESPONSE_TOO_LARGE: return EXIT_RESPONSE;
    case LKD_ERR_ARG:
    case LKD_ERR_CLOCK:
    case LKD_ERR_BUFFER_TOO_SMALL: return EXIT_USAGE;
    default: return EXIT_OTHER;
    }
}

static void report_failure(lkd_status_t st, const options_t *o)
{
    const lkd_api_error_t *e = lkd_client_api_error(&client);
    if (st == LKD_ERR_API) {
        if (o->json) {
            print_api_error_json(stdout, e);
        }
        fprintf(stderr, "lkedoc: API error %s (%s): %s [RequestId %s]\n", e->code, lkd_api_class_name(e->cls),
                e->message, e->request_id);
        return;
    }
    fprintf(stderr, "lkedoc: %s", lkd_strerror(st));
    if (st == LKD_ERR_HTTP_STATUS) {
        fprintf(stderr, " %d", client.http_status);
    }
    if (st == LKD_ERR_CERT && client.tls.verify_flags != 0) {
        char info[512];
        if (mbedtls_x509_crt_verify_info(info, sizeof info, " ", client.tls.verify_flags) > 0) {
            fprintf(stderr, ":\n%s", info);
        }
    } else if (st == LKD_ERR_TLS && client.tls.last_mbedtls_error != 0) {
        fprintf(stderr, " (mbedTLS -0x%04x)", (unsigned)-client.tls.last_mbedtls_error);
    }
    if (st == LKD_ERR_DNS || st == LKD_ERR_CONNECT || st == LKD_ERR_CERT) {
        fprintf(stderr, "%s(host %s, port %u)", st == LKD_ERR_CERT ? "" : " ", o->host, (unsigned)o->port);
    }
    fputc('\n', stderr);
}

int main(int argc, char **argv)
{
    options_t o;
    lkd_settings_t s;
    lkd_port_t port;
    lkd_result_t result;
    char err[512];
    int rc = parse_args(argc, argv, &o);
    int i;
    lkd_status_t st = LKD_OK;
    const char *env_region = getenv("TENCENTCLOUD_REGION");

    if (rc >= 0) {
        return rc;
    }
    /* The profile: --service, else the endpoint's first label, else lke. */
    if (o.service == NULL && o.host[0] != '\0') {
        o.service = strncmp(o.host, "lkeap.", 6) == 0 ? "lkeap" : "lke";
    }
    lkd_settings_default(&s, o.service != NULL && strcmp(o.service, "lkeap") == 0 ? LKD_PROFILE_LKEAP
                                                                               : LKD_PROFILE_LKE);
    if (o.host[0] == '\0') {
        snprintf(o.host, sizeof o.host, "%s", s.host);
    } else if (strcmp(o.host, "lkeap.intl.tencentcloudapi.com") == 0) {
        s.region = "ap-jakarta";
    }
    if (apply_resolve(&o) != 0) {
        return usage_error("--resolve wants HOST:PORT:ADDR, not '%s'", o.resolve);
    }
    s.host = o.host;
    s.port = o.port;
    s.connect_host = o.connect_addr[0] ? o.connect_addr : NULL;
    if (env_region != NULL && *env_region) {
        s.region = env_region;
    }
    if (o.region != NULL) {
        s.region = o.region;
    }
    if (o.version != NULL) {
        s.version = o.version;
    }
    s.language = o.language;
    s.timeout_ms = (uint32_t)(o.timeout_s * 1000.0 + 0.5);
    if (s.timeout_ms == 0) {
        s.timeout_ms = 1;
    }
    if (o.verbose) {
        s.log = log_to_stderr;
    }
    if (credentials_load(&creds, err, sizeof err) != 0) {
        fprintf(stderr, "lkedoc: %s\n", err);
        return EXIT_USAGE;
    }
    if (o.verbose) {
        fprintf(stderr, "lkedoc: * credentials from %s, SecretId %.8s...\n", creds.source, creds.secret_id);
    }
    s.secret_id = creds.secret_id;
    s.secret_key = creds.secret_key;
    s.token = creds.token[0] ? creds.token : NULL;

    lkd_port_posix_init(&port);
    st = lkd_client_init(&client, &s, &port);
    if (st != LKD_OK) {
        fprintf(stderr, "lkedoc: cannot set up the client: %s\n", lkd_strerror(st));
        credentials_wipe(&creds);
        return st == LKD_ERR_ARG ? EXIT_USAGE : EXIT_OTHER;
    }
    if (load_ca(o.ca_file != NULL ? o.ca_file : SYSTEM_CA_BUNDLE) != 0) {
        lkd_client_free(&client);
        credentials_wipe(&creds);
        return EXIT_USAGE;
    }

    /* Each task is asked for in turn; the exit status is the first failure's. */
    for (i = 0; i < o.task_count; i++) {
        lkd_status_t one = lkd_get_result(&client, o.task_ids[i], strlen(o.task_ids[i]), &result);
        if (i > 0 && !o.json) {
            fputc('\n', stdout);
        }
        if (one == LKD_OK) {
            if (o.json) {
                print_result_json(stdout, &result);
            } else {
                print_result_human(stdout, o.task_ids[i], &result);
            }
        } else {
            report_failure(one, &o);
        }
        if (st == LKD_OK) {
            st = one;
        }
    }
    if (o.verbose) {
        fprintf(stderr, "lkedoc: * %u request(s) over %u TLS handshake(s)\n", (unsigned)client.requests_sent,
                (unsigned)client.tls.handshakes);
    }
    lkd_client_free(&client);
    credentials_wipe(&creds);
    if (fflush(stdout) != 0) {
        return EXIT_OTHER;
    }
    return exit_code_for(st);
}
