/* SPDX-License-Identifier: MIT */
/*
 * lkd_client_info.c - what a client knows, read through functions so that
 * applications never depend on the layout of lkd_client_t (see lkd_client.h).
 */
#include "lkd_client.h"

#include <string.h>

#include "lkd_tls_policy.h"

static int usable(const lkd_client_t *client)
{
    return client != NULL && client->internal.initialised;
}

lkd_status_t lkd_client_stats(const lkd_client_t *client, lkd_client_stats_t *stats)
{
    if (stats == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    memset(stats, 0, sizeof *stats);
    if (client == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    if (!client->internal.initialised) {
        return LKD_ERR_STATE;
    }
    stats->requests_sent = client->internal.requests_sent;
    stats->retries = client->internal.retries;
    stats->tls_handshakes = client->internal.tls.handshakes;
    stats->tls_resumed = client->internal.tls.resumed;
    stats->clock_offset = client->internal.clock_offset;
    stats->http_status = client->internal.http_status;
    return LKD_OK;
}

lkd_status_t lkd_client_tls_detail(const lkd_client_t *client, lkd_client_tls_detail_t *detail)
{
    if (detail == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    memset(detail, 0, sizeof *detail);
    detail->policy = NULL;
    detail->alert = -1;
    if (client == NULL) {
        return LKD_ERR_ARG_NULL;
    }
    if (!client->internal.initialised) {
        return LKD_ERR_STATE;
    }
    detail->mbedtls_error = client->internal.tls.last_mbedtls_error;
    detail->verify_flags = client->internal.tls.verify_flags;
    detail->proxy_hop = client->internal.tls.proxy_hop;
    detail->alert = client->internal.tls.peer_alert;
    detail->server_version = client->internal.tls.server_version;
    detail->cert_requested = client->internal.tls.cert_requested;
    detail->refused = client->internal.tls.peer_refused;
    detail->policy = lkd_tls_policy_refusal(&client->internal.tls, detail->mbedtls_error, detail->sentence,
                                            sizeof detail->sentence);
    if (detail->policy == NULL) {
        detail->policy = lkd_tls_policy_describe(detail->mbedtls_error, detail->verify_flags);
    }
    return LKD_OK;
}

const char *lkd_client_task_id(const lkd_client_t *client)
{
    return usable(client) ? client->internal.task_id : "";
}

const lkd_settings_t *lkd_client_settings(const lkd_client_t *client)
{
    return usable(client) ? &client->internal.settings : NULL;
}

int lkd_client_outcome_unknown(const lkd_client_t *client)
{
    return usable(client) && client->internal.outcome_unknown;
}
