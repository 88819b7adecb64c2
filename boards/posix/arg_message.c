/* SPDX-License-Identifier: MIT */
/*
 * arg_message.c - see arg_message.h.
 */
#include "arg_message.h"

#include <string.h>

/* The CLI's option or variable for each setting or parameter it fills. */
static const struct {
    const char *name;
    const char *option;
} options[] = {
    {"file_type", "--type"},          {"file_url", "--url"},           {"language", "--language"},
    {"region", "--region"},           {"version", "--api-version"},    {"host", "--endpoint"},
    {"port", "--endpoint"},           {"result_type", "--result-type"}, {"table_result_type", "--table"},
    {"start_page", "--pages"},        {"end_page", "--pages"},         {"result_hosts", "--result-host"},
    {"secret_id", "TENCENTCLOUD_SECRET_ID"}, {"secret_key", "TENCENTCLOUD_SECRET_KEY"},
    {"token", "TENCENTCLOUD_TOKEN"},  {"timeout_ms", "--timeout or --job-timeout"},
    {"caps", "--service lkeap"},           {"ignore_failed_page", "--ignore-failed-page"},
    {"return_page_format", "--return-page-format"}, {"page_format", "--page-format"},
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

void arg_message_print(FILE *out, const lkd_arg_error_t *e, lkd_status_t st)
{
    const char *field;
    size_t i;
    fputs("lkedoc: ", out);
    if (e == NULL || e->status != st || e->name == NULL || e->name[0] == '\0') {
        fprintf(out, "%s\n", lkd_strerror(st));
        return;
    }
    field = field_of(e->name);
    put_words(out, field);
    if (st == LKD_ERR_ARG_TOO_LONG) {
        fprintf(out, " is %lu bytes; at most %lu", (unsigned long)e->length, (unsigned long)e->limit);
    } else {
        fprintf(out, " %s", e->rule);
    }
    for (i = 0; i < sizeof options / sizeof options[0]; i++) {
        if (strcmp(field, options[i].name) == 0) {
            fprintf(out, " (set with %s)", options[i].option);
            break;
        }
    }
    fputc('\n', out);
}
