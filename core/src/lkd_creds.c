/* SPDX-License-Identifier: MIT */
/*
 * lkd_creds.c - credentials from the application's provider: when to ask it,
 * what it may hand back, and wiping what it wrote (see lkd_creds.h).
 */
#include "lkd_creds.h"

#include <string.h>

#include <mbedtls/platform_util.h>

#include "lkd_arg.h"
#include "lkd_clock.h"
#include "lkd_request.h"
#include "lkd_text.h"

/* The three buffers, in the order of lkd_credentials_t. */
static lkd_credential_buf_t *buf_at(lkd_credentials_t *k, unsigned i)
{
    return i == 0 ? &k->secret_id : i == 1 ? &k->secret_key : &k->token;
}

void lkd_creds_wipe(lkd_client_t *c)
{
    lkd_credentials_t *k = c->internal.settings.credentials;
    unsigned i;
    c->internal.creds_held = 0;
    for (i = 0; c->internal.settings.credentials_provider != NULL && i < 3; i++) {
        lkd_credential_buf_t *b = buf_at(k, i);
        /* A store the compiler may not drop; NULL with size 0 is a no-op. */
        mbedtls_platform_zeroize(b->ptr, b->ptr != NULL ? b->size : 0);
        b->len = 0;
    }
}

/* What the service will take: each value within its buffer (secret_id
 * within the signature's 128 bytes too) and of the bytes its header may
 * carry (the key is only hashed: any), id and key not empty; an expiry not
 * yet past.  The refused field is named in the argument record. */
static lkd_status_t check_answer(lkd_client_t *c, lkd_credentials_t *k, int64_t now)
{
    static const uint8_t cls[3] = {LKD_REQUEST_CHARS_TOKEN, LKD_REQUEST_CHARS_VISIBLE, LKD_REQUEST_CHARS_VISIBLE};
    unsigned i;
    for (i = 0; i < 3; i++) {
        const lkd_credential_buf_t *b = buf_at(k, i);
        size_t max = b->ptr == NULL ? 0 : i == 0 && b->size > LKD_REQUEST_MAX_SECRET_ID ? LKD_REQUEST_MAX_SECRET_ID
                                                                                          : b->size;
        lkd_span_t v;
        lkd_status_t st;
        v.ptr = b->ptr;
        v.len = b->len;
        st = b->len > max ? LKD_ERR_ARG_TOO_LONG
                          : lkd_request_check_value(v, (lkd_request_chars_t)cls[i], i < 2);
        if (i == 1 && st == LKD_ERR_ARG_FORMAT) {
            st = LKD_OK;
        }
        if (st != LKD_OK) {
            (void)lkd_arg_note(&c->internal.arg_error, st,
                               lkd_text_nth("credentials.secret_id\0credentials.secret_key\0credentials.token\0", i,
                                            ""),
                               NULL, st == LKD_ERR_ARG_TOO_LONG ? b->len : 0, st == LKD_ERR_ARG_TOO_LONG ? max : 0);
            return LKD_ERR_CREDENTIALS;
        }
    }
    if (k->expires < LKD_CREDENTIALS_NO_EXPIRY || (k->expires != LKD_CREDENTIALS_NO_EXPIRY && now >= 0 &&
                                                   k->expires <= now)) {
        (void)lkd_arg_note(&c->internal.arg_error, LKD_ERR_ARG_RANGE, "credentials.expires",
                           "is in the past or negative", 0, 0);
        return LKD_ERR_CREDENTIALS;
    }
    return LKD_OK;
}

lkd_status_t lkd_creds_ensure(lkd_client_t *c, uint64_t deadline)
{
    lkd_credentials_t *k = c->internal.settings.credentials;
    int64_t now = lkd_clock_sign_time(c);
    uint64_t now_ms = lkd_clock_now_ms(c);
    lkd_status_t st;
    if (c->internal.settings.credentials_provider == NULL) {
        return LKD_OK;
    }
    /* A clock not known yet cannot judge the expiry: the service's answer will. */
    if (c->internal.creds_held && (k->expires == LKD_CREDENTIALS_NO_EXPIRY || now < 0 ||
                                   now + (int64_t)c->internal.creds_margin_s < k->expires)) {
        return LKD_OK;
    }
    lkd_creds_wipe(c);
    k->time_left_ms = deadline <= now_ms ? 0 : deadline - now_ms > UINT32_MAX ? UINT32_MAX
                                                                               : (uint32_t)(deadline - now_ms);
    st = c->internal.settings.credentials_provider(c->internal.settings.credentials_user, k);
    /* A provider stopped by the application's abort says so. */
    st = st == LKD_ERR_ABORTED ? st : st != LKD_OK ? LKD_ERR_CREDENTIALS : check_answer(c, k, now);
    if (st != LKD_OK) {
        lkd_creds_wipe(c);
        return st;
    }
    /* Renewed at most half their life before they end: credentials issued
     * for less than twice the margin would otherwise be renewed before
     * every call. */
    c->internal.creds_margin_s = c->internal.settings.credentials_margin_s;
    if (k->expires != LKD_CREDENTIALS_NO_EXPIRY && now >= 0 &&
        (uint64_t)(k->expires - now) / 2u < c->internal.creds_margin_s) {
        c->internal.creds_margin_s = (uint32_t)((uint64_t)(k->expires - now) / 2u);
    }
    c->internal.creds_held = 1;
    return LKD_OK;
}

void lkd_creds_spans(const lkd_client_t *c, lkd_span_t v[3])
{
    const lkd_settings_t *s = &c->internal.settings;
    unsigned i;
    for (i = 0; i < 3; i++) {
        if (s->credentials_provider != NULL) {
            const lkd_credential_buf_t *b = buf_at(s->credentials, i);
            v[i].ptr = b->ptr;
            v[i].len = b->len;
        } else {
            v[i].ptr = i == 0 ? s->secret_id : i == 1 ? s->secret_key : s->token;
            v[i].len = v[i].ptr != NULL ? strlen(v[i].ptr) : 0;
        }
    }
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
    /* Refused values are of no use to anyone: not kept in the buffers. */
    lkd_creds_wipe(c);
    return 1;
}
