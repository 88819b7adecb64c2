/* SPDX-License-Identifier: MIT */
/*
 * lkd_settings.c - the checks of lkd_client_init's settings and port (see
 * lkd_settings.h): each refusal names the field and what it must be.
 */
#include "lkd_settings.h"

#include <stddef.h>
#include <string.h>

#include "lkd_arg.h"
#include "lkd_request.h"
#include "lkd_text.h"
#include "lkd_url_policy.h"

/* The first function the port lacks, or NULL. */
static const char *missing_port_function(const lkd_port_t *p)
{
    if (p->connect == NULL) {
        return LKD_TEXT("port.connect");
    }
    if (p->send == NULL) {
        return LKD_TEXT("port.send");
    }
    if (p->recv == NULL) {
        return LKD_TEXT("port.recv");
    }
    if (p->close == NULL) {
        return LKD_TEXT("port.close");
    }
    if (p->wall_time == NULL) {
        return LKD_TEXT("port.wall_time");
    }
    if (p->monotonic_ms == NULL) {
        return LKD_TEXT("port.monotonic_ms");
    }
    if (p->sleep_ms == NULL) {
        return LKD_TEXT("port.sleep_ms");
    }
    return p->entropy == NULL ? LKD_TEXT("port.entropy") : NULL;
}

/* One string a request header carries: where it is in lkd_settings_t, its
 * bytes, and its limit.  A static table of offsets: nothing is built on the
 * stack at each init. */
typedef struct {
#if LKD_ENABLE_TEXTS
    const char *name;
    const char *rule; /* what LKD_ERR_ARG_FORMAT means for it */
#define SETTING_TEXTS_(name, rule) name, rule,
#else
#define SETTING_TEXTS_(name, rule)
#endif
    uint8_t offset;
    uint8_t cls;      /* lkd_request_chars_t */
    uint8_t required;
    uint8_t max;      /* bytes, or 0 for no limit of its own */
} text_setting_t;

/* The table keeps offsets and limits in bytes. */
typedef char lkd_settings_table_fits[(offsetof(lkd_settings_t, proxy.user) <= 255 && LKD_TLS_HOST_MAX <= 255 &&
                                      LKD_REQUEST_MAX_SECRET_ID <= 255) ? 1 : -1];

#define TOKEN_RULE "must be letters, digits, '-', '.' and '_'"

static const text_setting_t texts[] = {
    {SETTING_TEXTS_("settings.host",
                    "must be a host name (letters, digits, '-' and '.') or an IP address (IPv6 without brackets)")
         offsetof(lkd_settings_t, host), LKD_REQUEST_CHARS_HOST, 1, LKD_TLS_HOST_MAX},
    {SETTING_TEXTS_("settings.service", TOKEN_RULE) offsetof(lkd_settings_t, service), LKD_REQUEST_CHARS_TOKEN, 1,
     LKD_REQUEST_MAX_SERVICE},
    {SETTING_TEXTS_("settings.version", TOKEN_RULE) offsetof(lkd_settings_t, version), LKD_REQUEST_CHARS_TOKEN, 1, 0},
    {SETTING_TEXTS_("settings.region", TOKEN_RULE) offsetof(lkd_settings_t, region), LKD_REQUEST_CHARS_TOKEN, 1, 0},
    {SETTING_TEXTS_("settings.proxy.host", "must be visible ASCII") offsetof(lkd_settings_t, proxy.host),
     LKD_REQUEST_CHARS_VISIBLE, 0, LKD_TLS_HOST_MAX},
    {SETTING_TEXTS_("settings.proxy.user", "must be visible ASCII") offsetof(lkd_settings_t, proxy.user),
     LKD_REQUEST_CHARS_VISIBLE, 0, LKD_PROXY_CREDENTIAL_MAX},
    /* The static credentials last: with a provider check_texts skips them. */
    {SETTING_TEXTS_("settings.secret_id", TOKEN_RULE) offsetof(lkd_settings_t, secret_id), LKD_REQUEST_CHARS_TOKEN, 1,
     LKD_REQUEST_MAX_SECRET_ID},
    {SETTING_TEXTS_("settings.token", "must be visible ASCII") offsetof(lkd_settings_t, token),
     LKD_REQUEST_CHARS_VISIBLE, 0, 0},
};

static lkd_status_t check_text(const lkd_settings_t *s, const text_setting_t *t, lkd_arg_error_t *e)
{
    const char *value = *(const char *const *)(const void *)((const char *)s + t->offset);
    lkd_span_t span;
    lkd_status_t st;
    if (value == NULL) {
        return t->required ? lkd_arg_note(e, LKD_ERR_ARG_NULL, t->name, NULL, 0, 0) : LKD_OK;
    }
    span.ptr = value;
    span.len = strlen(value);
    if (t->max > 0 && span.len > t->max) {
        return lkd_arg_note(e, LKD_ERR_ARG_TOO_LONG, t->name, NULL, span.len, t->max);
    }
    st = lkd_request_check_value(span, (lkd_request_chars_t)t->cls, t->required);
    return st == LKD_OK ? LKD_OK : lkd_arg_note(e, st, t->name, st == LKD_ERR_ARG_FORMAT ? t->rule : NULL, 0, 0);
}

/* With a provider, its buffers instead of the static credentials (the
 * table's last two entries), whose values the provider's answer brings. */
static lkd_status_t check_provider(const lkd_settings_t *s, lkd_arg_error_t *e)
{
    const lkd_credentials_t *k = s->credentials;
    if (k == NULL || k->secret_id.ptr == NULL || k->secret_id.size == 0 || k->secret_key.ptr == NULL ||
        k->secret_key.size == 0) {
        return lkd_arg_note(e, LKD_ERR_ARG_NULL, "settings.credentials",
                            "needs secret_id and secret_key buffers with a provider", 0, 0);
    }
    return s->credentials_margin_s > LKD_CREDENTIALS_MARGIN_MAX_S
               ? lkd_arg_note(e, LKD_ERR_ARG_RANGE, "settings.credentials_margin_s", "is over a day", 0, 0)
               : LKD_OK;
}

static lkd_status_t check_texts(const lkd_settings_t *s, lkd_arg_error_t *e)
{
    lkd_status_t st = LKD_OK;
    size_t i, n = sizeof texts / sizeof texts[0] - (s->credentials_provider != NULL ? 2u : 0u);
    for (i = 0; i < n && st == LKD_OK; i++) {
        st = check_text(s, &texts[i], e);
    }
    if (st == LKD_OK && s->credentials_provider != NULL) {
        st = check_provider(s, e);
    } else if (st == LKD_OK && (s->secret_key == NULL || s->secret_key[0] == '\0')) {
        /* The secret key is only hashed: any bytes will do, but some. */
        st = lkd_arg_note(e, s->secret_key == NULL ? LKD_ERR_ARG_NULL : LKD_ERR_ARG_EMPTY, "settings.secret_key",
                          NULL, 0, 0);
    }
    if (st == LKD_OK && s->language != NULL && strcmp(s->language, "en-US") != 0 &&
        strcmp(s->language, "zh-CN") != 0) {
        st = lkd_arg_note(e, LKD_ERR_ARG_RANGE, "settings.language", "must be en-US or zh-CN", 0, 0);
    }
    return st;
}

/* The lists: a count with no array, and the result hosts' entries. */
static lkd_status_t check_lists(const lkd_settings_t *s, lkd_arg_error_t *e)
{
    size_t i;
    if (s->resolve == NULL && s->resolve_count > 0) {
        return lkd_arg_note(e, LKD_ERR_ARG_NULL, "settings.resolve", "is NULL but resolve_count is not 0", 0, 0);
    }
    if (s->result_hosts == NULL && s->result_host_count > 0) {
        return lkd_arg_note(e, LKD_ERR_ARG_NULL, "settings.result_hosts", "is NULL but result_host_count is not 0",
                            0, 0);
    }
    for (i = 0; i < s->result_host_count; i++) {
        if (!lkd_url_policy_entry_ok(s->result_hosts[i])) {
            return lkd_arg_note(e, LKD_ERR_ARG_FORMAT, "settings.result_hosts",
                                "entries must be 1 to 253 bytes of letters, digits, '-' and '.'", 0, 0);
        }
    }
    return LKD_OK;
}

/* What the table leaves: a proxy host needs a port, Basic's user no ':'
 * (it ends the user), the password (any bytes: it is only encoded) a bound. */
static lkd_status_t check_proxy(const lkd_proxy_t *p, lkd_arg_error_t *e)
{
    size_t n = p->password != NULL ? strlen(p->password) : 0;
    if (p->host == NULL) {
        return LKD_OK;
    }
    if (p->host[0] == '\0') {
        return lkd_arg_note(e, LKD_ERR_ARG_EMPTY, "settings.proxy.host", NULL, 0, 0);
    }
    if (p->port == 0) {
        return lkd_arg_note(e, LKD_ERR_ARG_RANGE, "settings.proxy.port", "must not be 0", 0, 0);
    }
    if (p->user != NULL && strchr(p->user, ':') != NULL) {
        return lkd_arg_note(e, LKD_ERR_ARG_FORMAT, "settings.proxy.user", "must not hold ':'", 0, 0);
    }
    return n > LKD_PROXY_CREDENTIAL_MAX
               ? lkd_arg_note(e, LKD_ERR_ARG_TOO_LONG, "settings.proxy.password", NULL, n, LKD_PROXY_CREDENTIAL_MAX)
               : LKD_OK;
}

static lkd_status_t check_numbers(const lkd_settings_t *s, lkd_arg_error_t *e)
{
    if (s->port == 0) {
        return lkd_arg_note(e, LKD_ERR_ARG_RANGE, "settings.port", "must not be 0", 0, 0);
    }
    if (s->timeout_ms == 0) {
        return lkd_arg_note(e, LKD_ERR_ARG_RANGE, "settings.timeout_ms", "must not be 0", 0, 0);
    }
    if (s->upload_bytes_per_s - 1u < LKD_UPLOAD_RATE_MIN - 1u) {
        return lkd_arg_note(e, LKD_ERR_ARG_RANGE, "settings.upload_bytes_per_s", "must be 0 or at least 1024", 0, 0);
    }
    if (s->last_known_time < 0) {
        return lkd_arg_note(e, LKD_ERR_ARG_RANGE, "settings.last_known_time", "must not be negative", 0, 0);
    }
    return LKD_OK;
}

lkd_status_t lkd_settings_check(const lkd_settings_t *s, const lkd_port_t *port, lkd_arg_error_t *e)
{
    const char *missing;
    lkd_status_t st;
    if (s == NULL || port == NULL) {
        return lkd_arg_note(e, LKD_ERR_ARG_NULL, s == NULL ? "settings" : "port", NULL, 0, 0);
    }
    missing = missing_port_function(port);
    if (missing != NULL) {
        return lkd_arg_note(e, LKD_ERR_ARG_NULL, missing, NULL, 0, 0);
    }
    st = check_texts(s, e);
    if (st == LKD_OK) {
        st = check_numbers(s, e);
    }
    if (st == LKD_OK) {
        st = check_proxy(&s->proxy, e);
    }
    return st == LKD_OK ? check_lists(s, e) : st;
}
