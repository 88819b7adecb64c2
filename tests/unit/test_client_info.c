/* SPDX-License-Identifier: MIT */
/* The accessors of lkd_client.h (lkd_client_stats, lkd_client_tls_detail,
 * lkd_client_task_id, lkd_client_settings) over real calls to the in-process
 * TLS server (tls_loop.h): they report what the calls did, and refuse NULL
 * and clients that are not initialised. */
#include <string.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509.h>

#include "lkd_client.h"
#include "lkd_job.h"
#include "lkd_tls_policy.h"
#include "unit.h"
#include "tls_loop.h"

static lkd_client_t client;
static lkd_settings_t settings;
static lkd_port_t port;

static const char success_json[] =
    "{\"Response\":{\"Status\":\"Success\",\"DocumentRecognizeResultUrl\":\"https://dl.test/r.zip?sig=1\","
    "\"FailedPages\":[],\"RequestId\":\"rid-1\"}}";

static void fresh(void)
{
    lkd_client_free(&client);
    tl_reset();
    CHECK_EQ_INT(tl_client(&client, &settings, &port), LKD_OK);
}

static int stats_zero(const lkd_client_stats_t *s)
{
    return s->requests_sent == 0 && s->retries == 0 && s->tls_handshakes == 0 && s->tls_resumed == 0 &&
           s->clock_offset == 0 && s->http_status == 0;
}

static void test_refusals(void)
{
    lkd_client_stats_t s;
    lkd_client_tls_detail_t d;
    memset(&s, 0x5a, sizeof s);
    CHECK_EQ_INT(lkd_client_stats(NULL, &s), LKD_ERR_ARG_NULL);
    CHECK(stats_zero(&s));
    CHECK_EQ_INT(lkd_client_stats(&client, NULL), LKD_ERR_ARG_NULL);
    memset(&d, 0x5a, sizeof d);
    CHECK_EQ_INT(lkd_client_tls_detail(NULL, &d), LKD_ERR_ARG_NULL);
    CHECK(d.mbedtls_error == 0 && d.verify_flags == 0 && d.policy == NULL);
    CHECK_EQ_INT(lkd_client_tls_detail(&client, NULL), LKD_ERR_ARG_NULL);
    CHECK(strcmp(lkd_client_task_id(NULL), "") == 0);
    CHECK(lkd_client_settings(NULL) == NULL);

    /* A client that was never initialised (static, all zero). */
    memset(&s, 0x5a, sizeof s);
    CHECK_EQ_INT(lkd_client_stats(&client, &s), LKD_ERR_STATE);
    CHECK(stats_zero(&s));
    memset(&d, 0x5a, sizeof d);
    CHECK_EQ_INT(lkd_client_tls_detail(&client, &d), LKD_ERR_STATE);
    CHECK(d.mbedtls_error == 0 && d.verify_flags == 0 && d.policy == NULL);
    CHECK(strcmp(lkd_client_task_id(&client), "") == 0);
    CHECK(lkd_client_settings(&client) == NULL);
}

static void test_counters(void)
{
    lkd_client_stats_t s;
    lkd_result_t r;
    fresh();
    CHECK_EQ_INT(lkd_client_stats(&client, &s), LKD_OK);
    CHECK(stats_zero(&s));
    /* A 503 is retried once, on a new connection that resumes the session;
     * then the answer's Date sets the clock. */
    tl_push_http(503, "", "busy", 4, TL_KEEP);
    tl_push_json(success_json, "Mon, 23 Nov 2026 10:00:00 GMT");
    CHECK_EQ_INT(lkd_get_result(&client, "task-1", 6, &r), LKD_OK);
    CHECK_EQ_INT(lkd_client_stats(&client, &s), LKD_OK);
    CHECK_EQ_INT(s.requests_sent, 2);
    CHECK_EQ_INT(s.retries, 1);
    CHECK_EQ_INT(s.tls_handshakes, 2);
    CHECK_EQ_INT(s.tls_resumed, 1);
    CHECK_EQ_INT(s.http_status, 200);
    CHECK(s.clock_offset != 0);
    CHECK_EQ_INT(s.clock_offset, client.internal.clock_offset);
    /* The server closes; the next call resumes the session again. */
    tl_push_http(404, "Connection: close\r\n", "no", 2, TL_CLOSE);
    CHECK_EQ_INT(lkd_get_result(&client, "task-1", 6, &r), LKD_ERR_HTTP_STATUS);
    tl_push_json(success_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "task-1", 6, &r), LKD_OK);
    CHECK_EQ_INT(lkd_client_stats(&client, &s), LKD_OK);
    CHECK_EQ_INT(s.requests_sent, 4);
    CHECK_EQ_INT(s.tls_handshakes, 3);
    CHECK_EQ_INT(s.tls_resumed, 2);
    CHECK_EQ_INT(s.http_status, 200);
    tl_push_http(404, "", "no", 2, TL_KEEP);
    CHECK_EQ_INT(lkd_get_result(&client, "task-1", 6, &r), LKD_ERR_HTTP_STATUS);
    CHECK_EQ_INT(lkd_client_stats(&client, &s), LKD_OK);
    CHECK_EQ_INT(s.http_status, 404);
    /* After lkd_client_free the client has nothing to report. */
    lkd_client_free(&client);
    CHECK_EQ_INT(lkd_client_stats(&client, &s), LKD_ERR_STATE);
    CHECK(stats_zero(&s));
}

static void test_task_and_settings(void)
{
    lkd_wait_options_t w;
    lkd_result_t r;
    const lkd_settings_t *kept;
    fresh();
    kept = lkd_client_settings(&client);
    CHECK(kept != NULL && kept != &settings);
    CHECK(kept != NULL && strcmp(kept->host, "api.test") == 0 && strcmp(kept->service, "lkeap") == 0);
    CHECK(strcmp(lkd_client_task_id(&client), "") == 0);
    lkd_wait_options_default(&w);
    tl_push_json(success_json, NULL);
    CHECK_EQ_INT(lkd_wait(&client, "task-42", 7, &w, &r), LKD_OK);
    CHECK(strcmp(lkd_client_task_id(&client), "task-42") == 0);
}

static void test_tls_detail(void)
{
    lkd_client_tls_detail_t d;
    lkd_result_t r;
    fresh();
    CHECK_EQ_INT(lkd_client_tls_detail(&client, &d), LKD_OK);
    CHECK(d.mbedtls_error == 0 && d.verify_flags == 0 && d.policy == NULL);
    /* Trusting the server's own certificate as the CA: not trusted, which
     * mbedTLS's own message says (no policy sentence). */
    lkd_client_free(&client);
    tl_reset();
    tl_port(&port);
    CHECK_EQ_INT(lkd_client_init(&client, &settings, &port), LKD_OK);
    CHECK_EQ_INT(lkd_client_add_ca(&client, (const uint8_t *)test_srv_pem, sizeof test_srv_pem), LKD_OK);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);
    CHECK_EQ_INT(lkd_client_tls_detail(&client, &d), LKD_OK);
    CHECK(d.verify_flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED);
    CHECK_EQ_INT(d.verify_flags, client.internal.tls.verify_flags);
    CHECK(d.mbedtls_error < 0);
    CHECK_EQ_INT(d.mbedtls_error, client.internal.tls.last_mbedtls_error);
    CHECK(d.policy == NULL);
    /* A server's fatal alert in the handshake is one the policy explains. */
    client.internal.tls.last_mbedtls_error = MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE;
    client.internal.tls.verify_flags = 0;
    CHECK_EQ_INT(lkd_client_tls_detail(&client, &d), LKD_OK);
    /* none received: 3.6's own code for a 1.3 server's empty Certificate */
    CHECK(d.policy != NULL && strcmp(d.policy, "the server sent no certificate") == 0);
    CHECK_EQ_INT(d.alert, -1);
    client.internal.tls.peer_alert = 40;
    CHECK_EQ_INT(lkd_client_tls_detail(&client, &d), LKD_OK);
    CHECK(d.policy != NULL && strstr(d.policy, "no cipher suite or key-exchange group in common") != NULL);
    lkd_client_free(&client);
    CHECK_EQ_INT(lkd_client_tls_detail(&client, &d), LKD_ERR_STATE);
    CHECK(d.policy == NULL);
}

int main(void)
{
    test_refusals();
    test_counters();
    test_task_and_settings();
    test_tls_detail();
    tl_reset();
    return unit_report("client_info");
}
