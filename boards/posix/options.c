/* SPDX-License-Identifier: MIT */
/*
 * options.c - the CLI's command line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage_text[] =
    "usage: lkedoc [options] status TASK_ID...\n"
    "       lkedoc [options] GetReconstructDocumentResult --TaskId TASK_ID\n"
    "       lkedoc [options] create (--file FILE [--type PDF] | --url URL) [--pages A-B]\n"
    "                               [--table md|html] [--result-type N] [--unsigned-payload]\n"
    "       lkedoc [options] wait TASK_ID\n"
    "       lkedoc [options] download TASK_ID -o OUT.zip\n"
    "       lkedoc [options] parse FILE -o OUT.zip [create options]\n"
    "       lkedoc [options] cancel TASK_ID                 (lkeap)\n"
    "\n"
    "Tencent Cloud document parsing: status asks once per task (over one kept-alive\n"
    "connection); create starts a task and prints its TaskId; wait polls until it ends;\n"
    "download streams the result archive (resuming dropped connections); parse does\n"
    "create, wait and download.\n"
    "\n"
    "options:\n"
    "  --service lke|lkeap       API profile (default lke: lke.intl.tencentcloudapi.com, 2023-11-30;\n"
    "                            lkeap: lkeap.tencentcloudapi.com, 2024-05-22)\n"
    "  --endpoint HOST[:PORT]    API host (and port, default 443)\n"
    "  --resolve HOST:PORT:ADDR  connect to ADDR for HOST:PORT (repeatable; API and result hosts);\n"
    "                            TLS still verifies HOST\n"
    "  --result-host SUFFIX      also accept result URLs on this host (repeatable, at most 8): .example.com\n"
    "                            any name under it, cos.example.com that name only; any port\n"
    "                            (always accepted: .myqcloud.com .tencentcos.cn .tencentcos.com, port 443)\n"
    "  --region REGION           X-TC-Region (default ap-guangzhou, or TENCENTCLOUD_REGION)\n"
    "  --api-version VERSION     X-TC-Version (default: the profile's)\n"
    "  --ca-file PEM             trust these CA certificates instead of the system bundle\n"
    "  --language en-US|zh-CN    language of error messages\n"
    "  --timeout SECONDS         deadline of one API call, retries included (default 30)\n"
    "  --job-timeout SECONDS     deadline of a whole wait or download (default 600)\n"
    "  --poll-interval SECONDS   first pause between polls; grows 1.5x up to 10 s (default 1)\n"
    "  --json                    machine output: JSON objects with the API's field names\n"
    "  --verbose                 diagnostics on stderr (secrets are never shown)\n"
    "  --help                    this text\n"
    "\n"
    "credentials: TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, optional TENCENTCLOUD_TOKEN,\n"
    "  else [default] secret_id/secret_key in ~/.tencentcloud/credentials\n"
    "  (or the file named by TENCENTCLOUD_CREDENTIALS_FILE; it must not be readable by others)\n"
    "\n"
    "exit status: 0 success, 1 other failure, 2 usage/credentials/configuration,\n"
    "  3 API error, 4 network or TLS failure, 5 deadline passed,\n"
    "  6 unexpected HTTP status, malformed answer or refused result URL,\n"
    "  7 the task failed or is paused\n";

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

/* HOST[:PORT] */
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

/* HOST:PORT:ADDR, ADDR possibly a bracketed IPv6 literal. */
static int parse_resolve(const char *s, options_t *o)
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
static int parse_result_host(const char *s, options_t *o)
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

static int parse_pages(const char *v, options_t *o)
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

static const char *const commands[] = {"status", "GetReconstructDocumentResult", "create", "wait",
                                       "download", "parse", "cancel"};

int cli_parse(int argc, char **argv, options_t *o)
{
    int i;
    size_t k;
    memset(o, 0, sizeof *o);
    o->port = 443;
    o->timeout_s = LKD_DEFAULT_TIMEOUT_MS / 1000.0;
    o->job_timeout_s = 600;
    o->poll_s = 1;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int flag = 1; /* an option without a value */
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage_text, stdout);
            exit(EXIT_OK);
        } else if (strcmp(a, "--json") == 0) {
            o->json = 1;
        } else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
            o->verbose = 1;
        } else if (strcmp(a, "--unsigned-payload") == 0) {
            o->unsigned_payload = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            flag = 0;
            if (v == NULL) {
                return usage_error("option %s needs a value", a);
            }
        }
        if (flag && a[0] == '-' && a[1] != '\0') {
            continue;
        }
        if (a[0] != '-' || a[1] == '\0') {
            if (o->command == NULL) {
                o->command = a;
            } else if (o->arg_count < CLI_MAX_TASKS) {
                o->args[o->arg_count++] = a;
            } else {
                return usage_error("too many arguments (%s)", a);
            }
            continue;
        }
        i++;
        if (strcmp(a, "--service") == 0) {
            if (strcmp(v, "lke") != 0 && strcmp(v, "lkeap") != 0) {
                return usage_error("--service must be lke or lkeap, not '%s'", v);
            }
            o->service = v;
        } else if (strcmp(a, "--endpoint") == 0) {
            if (parse_endpoint(v, o) != 0) {
                return usage_error("--endpoint wants HOST[:PORT], not '%s'", v);
            }
        } else if (strcmp(a, "--resolve") == 0) {
            if (parse_resolve(v, o) != 0) {
                return usage_error("--resolve wants HOST:PORT:ADDR (at most 8), not '%s'", v);
            }
        } else if (strcmp(a, "--result-host") == 0) {
            if (parse_result_host(v, o) != 0) {
                return usage_error("--result-host wants HOST or .SUFFIX (DNS labels, at most 8), not '%s'", v);
            }
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
            if (parse_seconds(v, &o->timeout_s) != 0) {
                return usage_error("--timeout wants seconds (0 < s <= 86400), not '%s'", v);
            }
        } else if (strcmp(a, "--job-timeout") == 0) {
            if (parse_seconds(v, &o->job_timeout_s) != 0) {
                return usage_error("--job-timeout wants seconds (0 < s <= 86400), not '%s'", v);
            }
        } else if (strcmp(a, "--poll-interval") == 0) {
            if (parse_seconds(v, &o->poll_s) != 0 || o->poll_s > 10) {
                return usage_error("--poll-interval wants seconds (0 < s <= 10), not '%s'", v);
            }
        } else if (strcmp(a, "--TaskId") == 0) {
            if (o->arg_count > 0) {
                return usage_error("%s takes one task id", a);
            }
            o->args[o->arg_count++] = v;
        } else if (strcmp(a, "--file") == 0) {
            o->file = v;
        } else if (strcmp(a, "--url") == 0) {
            o->url = v;
        } else if (strcmp(a, "--type") == 0) {
            o->type = v;
        } else if (strcmp(a, "--pages") == 0) {
            if (parse_pages(v, o) != 0) {
                return usage_error("--pages wants A-B (1-based, A <= B), not '%s'", v);
            }
        } else if (strcmp(a, "--table") == 0) {
            if (strcmp(v, "md") != 0 && strcmp(v, "html") != 0) {
                return usage_error("--table must be md or html, not '%s'", v);
            }
            o->table = strcmp(v, "md") == 0 ? "0" : "1";
        } else if (strcmp(a, "--result-type") == 0) {
            if (strlen(v) != 1 || v[0] < '0' || v[0] > '5') {
                return usage_error("--result-type must be 0 to 5, not '%s'", v);
            }
            o->result_type = v;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            o->output = v;
        } else {
            return usage_error("unknown option %s", a);
        }
    }
    if (o->command == NULL) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    for (k = 0; k < sizeof commands / sizeof commands[0] && strcmp(o->command, commands[k]) != 0; k++) {
    }
    if (k == sizeof commands / sizeof commands[0]) {
        return usage_error("unknown command '%s'", o->command);
    }
    if (strcmp(o->command, "create") == 0) {
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
    if (strcmp(o->command, "status") != 0 && o->arg_count > 1) {
        return usage_error("%s takes one argument", o->command);
    }
    if ((strcmp(o->command, "download") == 0 || strcmp(o->command, "parse") == 0) && o->output == NULL) {
        return usage_error("%s needs -o OUT.zip", o->command);
    }
    return -1;
}
