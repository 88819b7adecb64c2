/* SPDX-License-Identifier: MIT */
/*
 * lkd_client.c - the client object: settings, set-up, what it knows, and
 * the simple actions (see lkd_client.h; the call machinery is in lkd_call.c,
 * the clocks in lkd_clock.c).
 */
#include "lkd_client.h"

#include <string.h>

#include "lkd_arg.h"
#include "lkd_call.h"
#include "lkd_clock.h"
#include "lkd_creds.h"
#include "lkd_result.h"
#include "lkd_settings.h"
#include "lkd_url_policy.h"
#include "lkd_tls.h"

/* The profiles' strings, and per profile (in the order of lkd_profile_t)
 * where its host, service, version and region start, and its LKD_CAP_*:
 * byte offsets into one string take less flash than four pointers each. */
static const char profile_text[] = "lke.intl.tencentcloudapi.com\0" /* 0 */
                                   "lke\0"                          /* 29 */
                                   "2023-11-30\0"                   /* 33 */
                                   "ap-guangzhou\0"                 /* 44 */
                                   "lkeap.tencentcloudapi.com\0"    /* 57 */
                                   "lkeap\0"                        /* 83 */
                                   "2024-05-22\0"                   /* 89 */
                                   "lkeap.intl.tencentcloudapi.com\0" /* 100 */
                                   "ap-jakarta";                    /* 131 */
static const uint8_t profiles[][5] = {
    {0, 29, 33, 44, LKD_CAP_END_PAGE_100},
    {57, 83, 89, 44,
     LKD_CAP_CANCEL_TASK | LKD_CAP_TASK_ERROR | LKD_CAP_IGNORE_FAILED_PAGE | LKD_CAP_RETURN_PAGE_FORMAT |
         LKD_CAP_PAGE_FORMAT | LKD_CAP_PAUSE | LKD_CAP_FULL_USAGE},
    {100, 83, 89, 131, 0},
};

void lkd_settings_default(lkd_settings_t *s, lkd_profile_t profile)
{
    const uint8_t *p = profiles[(unsigned)profile < sizeof profiles / sizeof profiles[0] ? (unsigned)profile : 0];
    if (s == NULL) {
        return;
    }
    memset(s, 0, sizeof *s);
    s->port = 443;
    s->timeout_ms = LKD_DEFAULT_TIMEOUT_MS;
    s->host = profile_text + p[0];
    s->service = profile_text + p[1];
    s->version = profile_text + p[2];
    s->region = profile_text + p[3];
    s->caps = p[4];
    s->upload_bytes_per_s = 65536u;
    s->credentials_margin_s = LKD_CREDENTIALS_MARGIN_S;
}

/* ---- what the client knows ------------------------------------------------ */

int64_t lkd_client_now(const lkd_client_t *client)
{
    return client == NULL || !client->internal.initialised ? -1 : lkd_clock_sign_time(client);
}

int64_t lkd_client_validity_time(lkd_client_t *client)
{
    int bound_only = 0;
    int64_t t;
    if (client == NULL || !client->internal.initialised) {
        return -1;
    }
    t = lkd_clock_validity_time(client, &bound_only);
    return bound_only ? -1 : t;
}

const char *lkd_client_refused_host(const lkd_client_t *client)
{
    return client == NULL || client->internal.url_refusal == NULL ? "" : client->internal.host_buf;
}

const char *lkd_client_result_host(const lkd_client_t *client)
{
    return client == NULL ? "" : client->internal.host_buf;
}

const char *lkd_client_refusal_reason(const lkd_client_t *client)
{
    return client == NULL || client->internal.url_refusal == NULL ? "" : client->internal.url_refusal;
}

/* ---- set-up --------------------------------------------------------------- */

lkd_status_t lkd_client_init_checked(lkd_client_t *client, const lkd_settings_t *settings, const lkd_port_t *port,
                                     size_t client_size, unsigned long config_fingerprint)
{
    lkd_status_t st;
    /* Before anything else, and before any byte of *client is written: an
     * application compiled with other knobs has an object of another size
     * or layout than the one this library would fill. */
    if (client_size != sizeof(lkd_client_t) || config_fingerprint != LKD_CONFIG_FINGERPRINT ||
        !lkd_url_policy_defaults_ok()) {
        return LKD_ERR_CONFIG;
    }
    if (client == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    /* The size is the library's: the record of a refused setting fits. */
    st = lkd_settings_check(settings, port, &client->internal.arg_error);
    if (st != LKD_OK) {
        return st;
    }
    memset(client, 0, sizeof *client);
    client->internal.settings = *settings;
    client->internal.port = *port;
    client->internal.server_date = -1;
    st = lkd_tls_init(&client->internal.tls, &client->internal.port, lkd_clock_trusted_time, client);
    if (st != LKD_OK) {
        return st;
    }
    client->internal.tls.abort = settings->abort;
    client->internal.tls.abort_user = settings->abort_user;
    client->internal.initialised = 1;
    lkd_arg_clear(client);
    return LKD_OK;
}

lkd_status_t lkd_client_add_ca(lkd_client_t *client, const uint8_t *ca, size_t len)
{
    if (client == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    if (!client->internal.initialised) {
        return LKD_ERR_STATE;
    }
    if (ca == NULL || len == 0) {
        return lkd_arg_fail(client, ca == NULL ? LKD_ERR_ARG_NULL : LKD_ERR_ARG_EMPTY, "ca", NULL);
    }
    lkd_arg_clear(client);
    return lkd_tls_add_ca(&client->internal.tls, ca, len);
}

const lkd_api_error_t *lkd_client_api_error(const lkd_client_t *client)
{
    return client == NULL ? NULL : &client->internal.api_error;
}

void lkd_client_close(lkd_client_t *client)
{
    if (client != NULL && client->internal.initialised) {
        lkd_tls_close(&client->internal.tls);
    }
}

void lkd_client_free(lkd_client_t *client)
{
    if (client != NULL && client->internal.initialised) {
        lkd_tls_free(&client->internal.tls);
        lkd_creds_wipe(client);
        lkd_arg_clear(client); /* no stale refusal for lkd_client_arg_error */
        client->internal.initialised = 0;
    }
}

/* ---- the simple actions ------------------------------------------------------ */

/* A call that takes only the TaskId: GetReconstructDocumentResult into
 * *result, or, result NULL, CancelTask, which the settings' caps must have
 * (refused before anything is sent). */
static lkd_status_t task_call(lkd_client_t *client, lkd_result_t *result, const char *task_id, size_t task_id_len)
{
    lkd_status_t st = lkd_call_begin(client);
    if (st != LKD_OK) {
        return st;
    }
    st = result == NULL && !(client->internal.settings.caps & LKD_CAP_CANCEL_TASK)
             ? lkd_arg_fail(client, LKD_ERR_ARG_CONFLICT, "settings.caps", "lack LKD_CAP_CANCEL_TASK")
             : lkd_call_set_task(client, task_id, task_id_len);
    if (st == LKD_OK) {
        st = lkd_call(client, result != NULL ? lkd_result_action : "CancelTask", lkd_call_compose_task,
                      result != NULL ? lkd_result_decode : lkd_result_decode_request_id, result, 1,
                      lkd_clock_deadline(client, client->internal.settings.timeout_ms));
    }
    return lkd_call_end(client, st);
}

lkd_status_t lkd_get_result(lkd_client_t *client, const char *task_id, size_t task_id_len, lkd_result_t *result)
{
    if (result == NULL) {
        return lkd_arg_fail(client, LKD_ERR_ARG_NULL, "result", NULL);
    }
    memset(result, 0, sizeof *result);
    return task_call(client, result, task_id, task_id_len);
}

lkd_status_t lkd_cancel_task(lkd_client_t *client, const char *task_id, size_t task_id_len)
{
    return task_call(client, NULL, task_id, task_id_len);
}
