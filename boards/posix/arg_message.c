/* SPDX-License-Identifier: MIT */
/*
 * arg_message.c - see arg_message.h.
 */
#include "arg_message.h"

#include <string.h>

#include "cli.h"
#include "lkd_job.h"
#include "safe_text.h"

/* The task ids the command line gave, for a UTF-8 refusal to point at the byte. */
static const char *const *task_ids;
static int task_id_count;

void arg_message_task_ids(const char *const *ids, int count)
{
    task_ids = ids;
    task_id_count = count;
}

/* Which task id of the command line the library refused (it takes them in
 * order): the first of e->length bytes when too long, the first that is not
 * valid UTF-8 (*bad: 1 + the offset of its first bad byte) otherwise; -1
 * when none fits. */
static int refused_task(const lkd_arg_error_t *e, lkd_status_t st, size_t *bad)
{
    int i;
    *bad = 0;
    for (i = 0; i < task_id_count; i++) {
        size_t n = strlen(task_ids[i]), ok = safe_text_utf8_prefix(task_ids[i], n);
        if (st == LKD_ERR_ARG_TOO_LONG ? n == e->length : st == LKD_ERR_ARG_FORMAT && ok < n) {
            *bad = st == LKD_ERR_ARG_FORMAT ? ok + 1 : 0;
            return i;
        }
    }
    return -1;
}

/* The values a credentials process printed, by the JSON key it printed them
 * under, and the rule a refused one broke (NULL: the library's). */
static const struct {
    const char *name;
    const char *key;
    const char *rule;
} provided[] = {
    {"credentials.secret_id", "a TmpSecretId", "must be letters, digits, '-', '.' and '_'"},
    {"credentials.secret_key", "a TmpSecretKey", NULL},
    {"credentials.token", "a Token", "must be visible ASCII"},
    {"credentials.expires", "an ExpiredTime", NULL},
};

/* The CLI's option or variable for each setting or parameter it fills. */
static const struct {
    const char *name;
    const char *option;
} options[] = {
    {"file_type", "--type"},
    {"file_url", "--url"},
    {"language", "--language"},
    {"region", "--region or TENCENTCLOUD_REGION"},
    {"version", "--api-version"},
    {"host", "--endpoint"},
    {"port", "--endpoint"},
    {"result_type", "--result-type"},
    {"table_result_type", "--table"},
    {"start_page", "--pages"},
    {"end_page", "--pages"},
    {"result_hosts", "--result-host"},
    {"secret_id", "TENCENTCLOUD_SECRET_ID"},
    {"secret_key", "TENCENTCLOUD_SECRET_KEY"},
    {"token", "TENCENTCLOUD_TOKEN"},
    {"timeout_ms", "--timeout or --job-timeout"},
};

/* What an endpoint may lack (the argument the library names when it refuses
 * it, LKD_ERR_ARG_CONFLICT; lkd_cancel_task names settings.caps) and what the
 * user asked for. */
static const struct {
    const char *name;
    const char *asked;
    unsigned cap;
} gated[] = {
    {"ignore_failed_page", "--ignore-failed-page", LKD_CAP_IGNORE_FAILED_PAGE},
    {"return_page_format", "--return-page-format", LKD_CAP_RETURN_PAGE_FORMAT},
    {"page_format", "--page-format", LKD_CAP_PAGE_FORMAT},
    {"caps", "cancel", LKD_CAP_CANCEL_TASK},
};

/* name without the struct it is a field of ("settings.", "params.", "opt."). */
static const char *field_of(const char *name)
{
    static const char *const structs[] = {"settings.", "params.", "opt."};
    size_t i;
    for (i = 0; i < sizeof structs / sizeof structs[0]; i++) {
        size_t n = strlen(structs[i]);
        if (strncmp(name, structs[i], n) == 0) {
            return name + n;
        }
    }
    return name;
}

static void put_words(FILE *out, const char *s)
{
    for (; *s != '\0'; s++) {
        fputc(*s == '_' || *s == '.' ? ' ' : *s, out);
    }
}

/* A capability refusal says what the user asked for and the fix: the
 * profiles whose capabilities (the library's table) have it.  0 when st on
 * field is no such refusal. */
static int print_gated(FILE *out, const char *field, lkd_status_t st)
{
    lkd_settings_t d;
    const char *sep = "; use";
    size_t i;
    int p;
    for (i = 0; st == LKD_ERR_ARG_CONFLICT && i < sizeof gated / sizeof gated[0]; i++) {
        if (strcmp(field, gated[i].name) != 0) {
            continue;
        }
        fprintf(out, "%s is not served on this endpoint", gated[i].asked);
        for (p = 0; p < CLI_PROFILES; p++) {
            lkd_settings_default(&d, (lkd_profile_t)p);
            if (d.caps & gated[i].cap) {
                fprintf(out, "%s --service %s", sep, cli_services[p]);
                sep = " or";
            }
        }
        fputc('\n', out);
        return 1;
    }
    return 0;
}

/* " must be PNG, JPG, ... or TIFF for --file; ...": LKD_FILE_BASE64_TYPES in words. */
static void print_base64_rule(FILE *out)
{
    static const char types[] = LKD_FILE_BASE64_TYPES;
    const char *t;
    fputs(" must be", out);
    for (t = types; *t != '\0'; t += strlen(t) + 1) {
        fprintf(out, "%s %s", t == types ? "" : t[strlen(t) + 1] == '\0' ? " or" : ",", t);
    }
    fputs(" to be sent with --file; send other types with --url", out);
}

void arg_message_print(FILE *out, const lkd_arg_error_t *e, lkd_status_t st)
{
    const char *field, *rule;
    size_t i, bad = 0;
    int task;
    fputs("lkedoc: ", out);
    if (e == NULL || e->status != st || e->name == NULL || e->name[0] == '\0') {
        fprintf(out, "%s\n", lkd_strerror(st));
        return;
    }
    field = field_of(e->name);
    if (print_gated(out, field, st)) {
        return;
    }
    rule = e->rule;
    for (i = 0; i < sizeof provided / sizeof provided[0]; i++) {
        if (strcmp(field, provided[i].name) == 0) {
            fprintf(out, "the credentials process printed %s that", provided[i].key);
            rule = provided[i].rule != NULL && st == LKD_ERR_ARG_FORMAT ? provided[i].rule : rule;
            field = "";
        }
    }
    /* The API's spelling, as --TaskId, the journal and create's output have it. */
    task = strcmp(field, "task_id") == 0 ? refused_task(e, st, &bad) : -1;
    if (strcmp(field, "task_id") == 0) {
        fputs("TaskId", out);
    } else {
        put_words(out, field);
    }
    if (task >= 0 && task_id_count > 1) {
        fprintf(out, " %d of %d", task + 1, task_id_count);
    }
    if (st == LKD_ERR_ARG_TOO_LONG) {
        fprintf(out, " is %lu bytes; the limit is %lu", (unsigned long)e->length, (unsigned long)e->limit);
    } else if (bad > 0) {
        fprintf(out, " is not valid UTF-8 (byte %lu)", (unsigned long)bad);
    } else if (st == LKD_ERR_ARG_RANGE && strcmp(field, "file_type") == 0) {
        /* The one range a FileType can break (the library's rule names its macro). */
        print_base64_rule(out);
    } else {
        fprintf(out, " %s", rule);
    }
    for (i = 0; i < sizeof options / sizeof options[0]; i++) {
        if (strcmp(field, options[i].name) == 0) {
            fprintf(out, " (set with %s)", options[i].option);
            break;
        }
    }
    fputc('\n', out);
}
