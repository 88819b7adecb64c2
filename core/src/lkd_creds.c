/* SPDX-License-Identifier: MIT */
/*
 * lkd_creds.c - credentials from the application's provider: when to ask it,
 * what it may hand back, and wiping what it wrote (see lkd_creds.h).
 */
#include "lkd_creds.h"

#include <string.h>

#include <mbedtls/platform_util.h>

#include "lkd_arg.h"
#include "lkd_call.h"
#include "lkd_clock.h"
#include "lkd_request.h"

void lkd_creds_wipe(lkd_client_t *c)
{
    lkd_credentials_t *k = c->internal.settings.credentials;
    c->internal.creds_held = 0;
    if (c->internal.settings.credentials_provider == NULL || k == NULL) {
        return;
    }
    /* mbedtls_platform_zeroize: a store the compiler may not drop. */
    mbedtls_platform_zeroize(k->secret_id, k->secret_id_size);
    mbedtls_platform_zeroize(k->secret_key, k->secret_key_size);
    if (k->token != NULL) {
        mbedtls_platform_zeroize(k->token, k->token_size);
    }
    k->secret_id_len = k->secret_key_len = k->token_len = 0;
}

/* Any bytes: the secret key is only hashed. */
#define ANY_BYTES (-1)

/* One value the provider wrote: within its buffer (and max, when not 0),
 * of the bytes its header may carry (cls, or ANY_BYTES); an unusable one is
 * noted by name. */
static lkd_status_t check_value(lkd_client_t *c, const char *ptr, size_t len, size_t size, size_t max, int cls,
                                int required LKD_ARG_TEXT_PARAMS_)
{
    lkd_span_t v;
    lkd_status_t st;
    if (max == 0 || max > size) {
        max = size;
    }
    if (len > max) {
        (void)lkd_arg_note(&c->internal.arg_error, LKD_ERR_ARG_TOO_LONG, name, rule, len, max);
        return LKD_ERR_CREDENTIALS;
    }
    v.ptr = ptr;
    v.len = len;
    st = cls == ANY_BYTES ? (len == 0 ? LKD_ERR_ARG_EMPTY : LKD_OK)
                          : lkd_request_check_value(v, (lkd_request_chars_t)cls, required);
    if (st != LKD_OK) {
        (void)lkd_arg_note(&c->internal.arg_error, st, name, st == LKD_ERR_ARG_FORMAT ? rule : NULL, 0, 0);
        return LKD_ERR_CREDENTIALS;
    }
    return LKD_OK;
}

static lkd_status_t check_answer(lkd_client_t *c, const lkd_credentials_t *k, int64_t now)
{
    lkd_status_t st = check_value(c, k->secret_id, k->secret_id_len, k->secret_id_size, LKD_REQUEST_MAX_SECRET_ID,
                                  LKD_REQUEST_CHARS_TOKEN, 1 LKD_ARG_TEXTS_("credentials.secret_id",
                                                                         "must be letters, digits, '-', '.' and '_'"));
    if (st == LKD_OK) {
        st = check_value(c, k->secret_key, k->secret_key_len, k->secret_key_size, 0, ANY_BYTES, 1
                         LKD_ARG_TEXTS_("credentials.secret_key", NULL));
    }
    if (st == LKD_OK) {
        st = check_value(c, k->token, k->token_len, k->token != NULL ? k->token_size : 0, 0,
                         LKD_REQUEST_CHARS_VISIBLE, 0 LKD_ARG_TEXTS_("credentials.token", "must be visible ASCII"));
    }
    if (st == LKD_OK && (k->expires < LKD_CREDENTIALS_NO_EXPIRY ||
                         (k->expires != LKD_CREDENTIALS_NO_EXPIRY && now >= 0 && k->expires <= now))) {
        (void)lkd_arg_note(&c->internal.arg_error, LKD_ERR_ARG_RANGE, "credentials.expires",
                           "is in the past or negative", 0, 0);
        st = LKD_ERR_CREDENTIALS;
    }
    return st;
}

lkd_status_t lkd_creds_ensure(lkd_client_t *c)
{
    lkd_credentials_t *k = c->internal.settings.credentials;
    int64_t now = lkd_clock_sign_time(c);
    lkd_status_t st;
    if (c->internal.settings.credentials_provider == NULL) {
        return LKD_OK;
    }
    /* A clock not known yet cannot judge the expiry: the service's answer will. */
    if (c->internal.creds_held && (k->expires == LKD_CREDENTIALS_NO_EXPIRY || now < 0 ||
                                   now + (int64_t)c->internal.settings.credentials_margin_s < k->expires)) {
        return LKD_OK;
    }
    lkd_creds_wipe(c);
    lkd_call_log(c, "* asking the credentials provider", NULL);
    st = c->internal.settings.credentials_provider(c->internal.settings.credentials_user, k);
    st = st != LKD_OK ? LKD_ERR_CREDENTIALS : check_answer(c, k, now);
    if (st != LKD_OK) {
        lkd_creds_wipe(c);
        return st;
    }
    if (k->expires >= 0) {
        lkd_call_log_number(c, "* credentials expire at ", (uint64_t)k->expires);
    }
    c->internal.creds_held = 1;
    return LKD_OK;
}

static lkd_span_t span_of(const char *p, size_t n)
{
    lkd_span_t v;
    v.ptr = p;
    v.len = p == NULL ? 0 : n;
    return v;
}

void lkd_creds_spans(const lkd_client_t *c, lkd_span_t *id, lkd_span_t *key, lkd_span_t *token)
{
    const lkd_settings_t *s = &c->internal.settings;
    if (s->credentials_provider != NULL) {
        *id = span_of(s->credentials->secret_id, s->credentials->secret_id_len);
        *key = span_of(s->credentials->secret_key, s->credentials->secret_key_len);
        *token = span_of(s->credentials->token, s->credentials->token_len);
        return;
    }
    *id = span_of(s->secret_id, s->secret_id != NULL ? strlen(s->secret_id) : 0);
    *key = span_of(s->secret_key, s->secret_key != NULL ? strlen(s->secret_key) : 0);
    *token = span_of(s->token, s->token != NULL ? strlen(s->token) : 0);
}

int lkd_creds_rejected(lkd_client_t *c)
{
    /* What the service answers for an expired, revoked or mistyped session
     * token.  The official SDKs renew only by ExpiredTime and react to no
     * code; this one is the service's word that only new credentials help. */
    static const char code[] = "AuthFailure.TokenFailure";
    if (c->internal.settings.credentials_provider == NULL || strcmp(c->internal.api_error.code, code) != 0) {
        return 0;
    }
    c->internal.creds_held = 0;
    return 1;
}
