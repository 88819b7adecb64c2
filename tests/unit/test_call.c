/* SPDX-License-Identifier: MIT */
/* One API call over a real TLS session with an in-process server
 * (tls_loop.h): answers, retries and their backoff, clock correction,
 * kept-alive and stale connections, session resumption, certificates,
 * deadlines, and what the diagnostics show. */
#include "lkd_tls.h"
#include "lkd_call.h"
#include "lkd_client.h"
#include "lkd_time.h"
#include "unit.h"
#include "tls_loop.h"

static lkd_client_t client;
static lkd_settings_t settings;
static lkd_port_t port;

static const char success_json[] =
    "{\"Response\":{\"Status\":\"Success\",\"DocumentRecognizeResultUrl\":\"https://dl.test/r.zip?sig=1\","
    "\"FailedPages\":[],\"RequestId\":\"rid-1\"}}";
static const char processing_json[] = "{\"Response\":{\"Status\":\"Processing\",\"RequestId\":\"rid-p\"}}";

/* Diagnostics captured from settings.log. */
static char log_text[65536];
static size_t log_len;
static inline void capture_log(void *user, const char *line, size_t len)
{
    (void)user;
    if (len + 1 < sizeof log_text - log_len) {
        memcpy(log_text + log_len, line, len);
        log_len += len;
        log_text[log_len++] = '\n';
        log_text[log_len] = '\0';
    }
}

static void fresh(void)
{
    lkd_client_free(&client);
    tl_reset();
    CHECK_EQ_INT(tl_client(&client, &settings, &port), LKD_OK);
}

static void test_success_and_keep_alive(void)
{
    lkd_result_t r;
    char v[128];
    fresh();
    tl_push_json(success_json, "Mon, 23 Nov 2026 10:00:00 GMT");
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "task-1", 6, &r), LKD_OK);
    CHECK_EQ_INT(r.status, LKD_TASK_SUCCESS);
    CHECK_SPAN(r.result_url.ptr, r.result_url.len, "https://dl.test/r.zip?sig=1");
    CHECK_SPAN(r.request_id.ptr, r.request_id.len, "rid-1");
    CHECK_EQ_INT(client.internal.http_status, 200);
    CHECK_EQ_INT(tl.nreqs, 1);
    CHECK(tl_req_has(0, "POST / HTTP/1.1\r\n"));
    CHECK(tl_req_has(0, "X-TC-Action: GetReconstructDocumentResult\r\n"));
    CHECK(tl_req_has(0, "\r\n\r\n{\"TaskId\":\"task-1\"}"));
    CHECK(strcmp(tl.conn_host, "api.test") == 0);
    /* The server's Date set the clock the next request is signed with. */
    CHECK_EQ_INT(client.internal.server_date, 1795428000);
    CHECK_EQ_INT(lkd_client_now(&client), 1795428000);
    CHECK_EQ_INT(client.internal.clock_offset, 1795428000 - TL_NOW - 1);
    CHECK_EQ_INT(lkd_get_result(&client, "task-1", 6, &r), LKD_OK);
    CHECK_EQ_INT(r.status, LKD_TASK_PROCESSING);
    CHECK_EQ_INT(tl.connects, 1); /* kept alive */
    CHECK_EQ_INT(tl.nreqs, 2);
    CHECK_EQ_INT(tl.reqs[1].conn, 1);
    CHECK(strcmp(tl_req_header(1, "X-TC-Timestamp", v, sizeof v), "1795428000") == 0);
    CHECK_EQ_INT(client.internal.tls.handshakes, 1);
    /* A new connection resumes the TLS session. */
    lkd_client_close(&client);
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "task-1", 6, &r), LKD_OK);
    CHECK_EQ_INT(tl.connects, 2);
    CHECK_EQ_INT(client.internal.tls.handshakes, 2);
    CHECK_EQ_INT(client.internal.tls.resumed, 1);
    CHECK_EQ_INT(client.internal.requests_sent, 3);
    CHECK_EQ_INT(client.internal.retries, 0);
    CHECK_EQ_INT(tl.unexpected, 0);
}

static const char *push_status(int code, const char *headers)
{
    tl_push_http(code, headers, "<html>busy</html>", 17, TL_KEEP);
    return NULL;
}

static void test_retries_and_backoff(void)
{
    lkd_result_t r;
    fresh();
    push_status(503, "");
    push_status(429, "Retry-After: 3\r\n");
    tl_push_api_error("RequestLimitExceeded");
    tl_push_json(success_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(tl.nreqs, 4);
    CHECK_EQ_INT(client.internal.retries, 3);
    CHECK_EQ_INT(tl.sleeps, 3);
    /* 250..500 ms, then the server's 3 s, then 1000..2000 ms. */
    CHECK(tl.slept_ms >= 250 + 3000 + 1000 && tl.slept_ms <= 500 + 3000 + 2000);
    /* A 5xx/429 is a gateway's answer: the next attempt reconnects; an API
     * error came from the service itself and keeps the connection. */
    CHECK_EQ_INT(tl.connects, 3);

    /* A Retry-After beyond the cap waits the cap; an HTTP-date one is ignored. */
    fresh();
    push_status(503, "retry-after: 99999\r\n");
    push_status(503, "Retry-After: Wed, 21 Oct 2026 07:28:00 GMT\r\n");
    tl_push_json(success_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK(tl.slept_ms >= LKD_RETRY_MAX_MS + 500 && tl.slept_ms <= LKD_RETRY_MAX_MS + 1000);

    /* Only whole seconds (at most 6 digits) in a header named exactly
     * Retry-After count: these leave the plain backoff. */
    fresh();
    push_status(503, "Retry-After: 1234567\r\nRetry: 9\r\nRetry-After-X: 9\r\n");
    push_status(503, "Retry-After: 1.5\r\n");
    tl_push_json(success_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(tl.sleeps, 2);
    CHECK(tl.slept_ms >= 250 + 500 && tl.slept_ms <= 500 + 1000);

    /* Every attempt failing: 1 + LKD_RETRY_COUNT requests, then the status. */
    fresh();
    {
        unsigned i;
        for (i = 0; i < 6; i++) {
            push_status(502, "");
        }
    }
    client.internal.settings.timeout_ms = 600000;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_HTTP_STATUS);
    CHECK_EQ_INT(client.internal.http_status, 502);
    CHECK_EQ_INT(tl.nreqs, 1 + LKD_RETRY_COUNT);
    CHECK_EQ_INT(client.internal.retries, LKD_RETRY_COUNT);

    /* The next backoff would pass the deadline: no sleep, the error now. */
    fresh();
    push_status(503, "Retry-After: 30\r\n");
    client.internal.settings.timeout_ms = 5000;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_HTTP_STATUS);
    CHECK_EQ_INT(tl.nreqs, 1);
    CHECK_EQ_INT(tl.sleeps, 0);

    /* Statuses that retrying cannot fix. */
    fresh();
    push_status(404, "");
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_HTTP_STATUS);
    CHECK_EQ_INT(client.internal.http_status, 404);
    CHECK_EQ_INT(tl.nreqs, 1);
    fresh();
    tl_push_api_error("AuthFailure.SignatureFailure");
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_API);
    CHECK_EQ_INT(tl.nreqs, 1);
    CHECK(strcmp(lkd_client_api_error(&client)->code, "AuthFailure.SignatureFailure") == 0);
    CHECK_EQ_INT(lkd_client_api_error(&client)->cls, LKD_API_CLASS_AUTH);
    CHECK(strcmp(client.internal.api_error.request_id, "rid-err") == 0);
    CHECK(lkd_client_api_error(NULL) == NULL);
    CHECK_EQ_INT(tl.connects, 1);
    /* An API error leaves the connection open for the next call. */
    tl_push_json(success_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(tl.connects, 1);
}

static void test_clock_correction(void)
{
    lkd_result_t r;
    char v[64];
    /* SignatureExpire with a Date: re-signed once with the server's time. */
    fresh();
    tl_push_api_error("AuthFailure.SignatureExpire")->answer = NULL;
    tl.nsteps--;
    {
        const char *json = "{\"Response\":{\"Error\":{\"Code\":\"AuthFailure.SignatureExpire\",\"Message\":\"m\"},"
                           "\"RequestId\":\"r\"}}";
        tl_push_json(json, "Tue, 01 Dec 2026 00:00:00 GMT");
        tl_push_json(json, "Tue, 01 Dec 2026 00:00:00 GMT");
        CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_API);
        CHECK_EQ_INT(tl.nreqs, 2);
        CHECK(strcmp(tl_req_header(0, "X-TC-Timestamp", v, sizeof v), "1795500001") == 0);
        CHECK(strcmp(tl_req_header(1, "X-TC-Timestamp", v, sizeof v), "1796083200") == 0);
        CHECK_EQ_INT(client.internal.api_error.cls, LKD_API_CLASS_CLOCK);
        CHECK_EQ_INT(client.internal.retries, 0);

        /* Without a Date there is nothing to correct with. */
        fresh();
        tl_push_json(json, NULL);
        CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_API);
        CHECK_EQ_INT(tl.nreqs, 1);

        /* A device that does not know the date signs with the floor; the
         * server's Date teaches it; certificates are checked against the floor. */
        fresh();
        tl.wall_base = LKD_PORT_TIME_UNKNOWN;
        tl_push_json(json, "Tue, 01 Dec 2026 00:00:00 GMT");
        tl_push_json(success_json, "Tue, 01 Dec 2026 00:00:00 GMT");
        CHECK_EQ_INT(lkd_client_now(&client), -1);
        CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
        CHECK(strcmp(tl_req_header(0, "X-TC-Timestamp", v, sizeof v), "1767225600") == 0);
        CHECK(strcmp(tl_req_header(1, "X-TC-Timestamp", v, sizeof v), "1796083200") == 0);
        CHECK_EQ_INT(client.internal.clock_offset, 0);
        CHECK_EQ_INT(lkd_client_now(&client), 1796083200);
        tl.mono += 5000;
        CHECK_EQ_INT(lkd_client_now(&client), 1796083205);
    }
    /* A Date before the floor is not believed. */
    fresh();
    tl_push_json(success_json, "Thu, 01 Jan 2015 00:00:00 GMT");
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(client.internal.clock_anchor_unix, 0);
    CHECK_EQ_INT(lkd_client_now(&client), TL_NOW + 1);
}

static void test_network_failures(void)
{
    lkd_result_t r;
    uint64_t start;
    /* Connect failures are retried (nothing was sent). */
    fresh();
    tl_push_connect_failure(LKD_ERR_DNS);
    tl_push_connect_failure(LKD_ERR_CONNECT);
    tl_push_json(success_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(tl.connects, 3);
    CHECK_EQ_INT(client.internal.retries, 2);

    /* An answer cut short by EOF, then one cut by a reset: Get is repeated. */
    fresh();
    tl_push_json(success_json, NULL)->cut = 40;
    tl.steps[tl.nsteps - 1].after = TL_EOF;
    tl_push_json(success_json, NULL)->cut = 120;
    tl.steps[tl.nsteps - 1].after = TL_RESET;
    tl_push_json(success_json, NULL)->cut = 10;
    tl.steps[tl.nsteps - 1].after = TL_CLOSE;
    tl_push_json(success_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(tl.nreqs, 4);
    CHECK_EQ_INT(client.internal.retries, 3);
    CHECK_EQ_INT(tl.connects, 4);

    /* A server that never answers: the call ends at its deadline, not retried. */
    fresh();
    tl_push_raw(NULL, 0, TL_HANG);
    start = tl.mono;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_TIMEOUT);
    CHECK_EQ_INT(tl.mono, start + settings.timeout_ms);
    CHECK_EQ_INT(tl.nreqs, 1);

    /* An answer that comes after the deadline is not waited for. */
    fresh();
    tl_push_json(success_json, NULL)->delay_ms = 25000;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_TIMEOUT);

    /* A handshake that never completes. */
    fresh();
    tl.hang_handshake = 1;
    start = tl.mono;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_TIMEOUT);
    CHECK_EQ_INT(tl.mono, start + settings.timeout_ms);
    CHECK_EQ_INT(tl.connects, 1);

    /* Sends that fail: during the handshake nothing was sent, so retried. */
    fresh();
    tl.send_status = LKD_ERR_IO;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_IO);
    CHECK_EQ_INT(tl.connects, 1 + LKD_RETRY_COUNT);
    fresh();
    tl.send_status = LKD_ERR_TIMEOUT;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_TIMEOUT);
    CHECK_EQ_INT(tl.connects, 1);

    /* Short sends and receives (a byte at a time) change nothing. */
    fresh();
    tl.send_max = 97;
    tl.recv_max = 1;
    tl_push_json(success_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(r.status, LKD_TASK_SUCCESS);
}

static void test_connection_reuse(void)
{
    lkd_result_t r;
    /* The server closed the kept-alive connection while it idled: one
     * reconnection, not counted as a retry. */
    fresh();
    tl_push_json(processing_json, NULL);
    tl_push_json(success_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    (void)mbedtls_ssl_close_notify(&tl.ssl);
    tl.eof = 1;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(r.status, LKD_TASK_SUCCESS);
    CHECK_EQ_INT(tl.connects, 2);
    CHECK_EQ_INT(client.internal.retries, 0);
    CHECK_EQ_INT(client.internal.requests_sent, 3);

    /* Connection: close, and bytes after a complete answer, end the connection. */
    fresh();
    tl_push_http(200, "Connection: close\r\n", processing_json, strlen(processing_json), TL_KEEP);
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(tl.connects, 2);
    fresh();
    {
        static char twice[1024];
        size_t n = (size_t)snprintf(twice, sizeof twice,
                                    "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n%sHTTP/1.1 200 OK\r\n",
                                    strlen(processing_json), processing_json);
        tl_push_raw(twice, n, TL_KEEP);
    }
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(tl.connects, 2);

    /* A body that ends with the connection (no length) is complete at EOF. */
    fresh();
    {
        static char until_close[512];
        size_t n = (size_t)snprintf(until_close, sizeof until_close, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n%s",
                                    processing_json);
        tl_push_raw(until_close, n, TL_CLOSE);
    }
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(r.status, LKD_TASK_PROCESSING);
}

static void test_answers(void)
{
    lkd_result_t r;
    static char big[LKD_RESPONSE_BUFFER_SIZE + 100];
    /* A 200 body larger than the response buffer. */
    fresh();
    memset(big, ' ', sizeof big);
    tl_push_http(200, "", big, sizeof big, TL_KEEP);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_RESPONSE_TOO_LARGE);
    CHECK_EQ_INT(tl.nreqs, 1);
    /* An error page of any size is only counted. */
    fresh();
    tl_push_http(400, "", big, sizeof big, TL_KEEP);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_HTTP_STATUS);
    CHECK_EQ_INT(client.internal.http_status, 400);
    /* Not HTTP at all. */
    fresh();
    tl_push_raw("SSH-2.0-OpenSSH\r\n\r\n", 19, TL_KEEP);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_MALFORMED);
    /* Not the JSON of the action. */
    fresh();
    tl_push_json("{\"Response\":[]}", NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(tl.nreqs, 1);

    /* CancelTask: a RequestId-only answer, and its errors. */
    fresh();
    tl_push_json("{\"Response\":{\"RequestId\":\"rid-c\"}}", NULL);
    tl_push_api_error("InvalidAction");
    CHECK_EQ_INT(lkd_cancel_task(&client, "task-9", 6), LKD_OK);
    CHECK(tl_req_has(0, "X-TC-Action: CancelTask\r\n"));
    CHECK(tl_req_has(0, "{\"TaskId\":\"task-9\"}"));
    CHECK_EQ_INT(lkd_cancel_task(&client, "task-9", 6), LKD_ERR_API);
    CHECK_EQ_INT(client.internal.api_error.cls, LKD_API_CLASS_PARAMETER);
    /* CancelTask may be repeated: a 502 and a lost answer are retried. */
    tl_push_http(502, "", "", 0, TL_KEEP);
    tl_push_raw(NULL, 0, TL_RESET);
    tl_push_json("{\"Response\":{\"RequestId\":\"rid-c\"}}", NULL);
    CHECK_EQ_INT(lkd_cancel_task(&client, "task-9", 6), LKD_OK);
    CHECK_EQ_INT(tl.nreqs, 5);
    CHECK_EQ_INT(lkd_cancel_task(&client, NULL, 6), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_cancel_task(&client, "x", 0), LKD_ERR_ARG_EMPTY);
    CHECK_EQ_INT(lkd_cancel_task(&client, "a\0b", 3), LKD_ERR_ARG_FORMAT);
}

static void test_certificates(void)
{
    lkd_result_t r;
    /* Expired, and not yet valid, by the client's clock. */
    fresh();
    tl.cert = 1;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);
    CHECK(client.internal.tls.verify_flags & MBEDTLS_X509_BADCERT_EXPIRED);
    CHECK_EQ_INT(tl.connects, 1); /* a certificate is not retried */
    CHECK_EQ_INT(tl.nreqs, 0);
    fresh();
    tl.cert = 2;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);
    CHECK(client.internal.tls.verify_flags & MBEDTLS_X509_BADCERT_FUTURE);
    /* With the clock unknown only the floor applies: the expired one is still
     * refused, the future one is accepted (nothing says it is early yet). */
    fresh();
    tl.wall_base = LKD_PORT_TIME_UNKNOWN;
    tl.cert = 1;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);
    CHECK(client.internal.tls.verify_flags & MBEDTLS_X509_BADCERT_EXPIRED);
    fresh();
    tl.wall_base = LKD_PORT_TIME_UNKNOWN;
    tl.cert = 2;
    tl_push_json(success_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    /* A name the certificate does not carry. */
    fresh();
    client.internal.settings.host = "other.test";
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);
    CHECK(client.internal.tls.verify_flags & MBEDTLS_X509_BADCERT_CN_MISMATCH);
    /* A CA that did not sign it. */
    lkd_client_free(&client);
    tl_reset();
    tl_port(&port);
    CHECK_EQ_INT(lkd_client_init(&client, &settings, &port), LKD_OK);
    CHECK_EQ_INT(lkd_client_add_ca(&client, (const uint8_t *)test_srv_pem, sizeof test_srv_pem), LKD_OK);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);
    CHECK(client.internal.tls.verify_flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED);
}

static void test_resolve_and_log(void)
{
    lkd_result_t r;
    static const lkd_resolve_t resolve[] = {{"api.test", 8443, "127.0.0.8"},
                                            {NULL, 443, "127.0.0.7"},
                                            {"other.test", 443, "127.0.0.6"},
                                            {"api.test", 443, "127.0.0.9"}};
    lkd_client_free(&client);
    tl_reset();
    tl_port(&port);
    lkd_settings_default(&settings, LKD_PROFILE_LKE);
    settings.host = "api.test";
    settings.secret_id = "AKIDLOOP";
    settings.secret_key = "loop-secret-key";
    settings.token = "session-token-value";
    settings.resolve = resolve;
    settings.resolve_count = 4;
    settings.log = capture_log;
    log_len = 0;
    CHECK_EQ_INT(lkd_client_init(&client, &settings, &port), LKD_OK);
    CHECK_EQ_INT(lkd_client_add_ca(&client, (const uint8_t *)test_ca_pem, sizeof test_ca_pem), LKD_OK);
    push_status(503, "");
    tl_push_api_error("AuthFailure.SecretIdNotFound");
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_API);
    CHECK(strcmp(tl.last_connect_host, "127.0.0.9") == 0);
    CHECK(strcmp(tl.conn_host, "127.0.0.9") == 0);
    CHECK(tl_req_has(0, "Host: api.test\r\n"));
    CHECK(tl_req_has(0, "X-TC-Token: session-token-value\r\n"));
    CHECK(strstr(log_text, "* connecting to api.test\n") != NULL);
    CHECK(strstr(log_text, "*   via 127.0.0.9\n") != NULL);
    CHECK(strstr(log_text, "Signature=<hidden>\n") != NULL);
    CHECK(strstr(log_text, "> X-TC-Token: <hidden>\n") != NULL);
    CHECK(strstr(log_text, "> X-TC-Action: GetReconstructDocumentResult\n") != NULL);
    CHECK(strstr(log_text, "< HTTP status 503\n") != NULL);
    CHECK(strstr(log_text, "* retrying after: unexpected HTTP status\n") != NULL);
    CHECK(strstr(log_text, "* API error AuthFailure.SecretIdNotFound\n") != NULL);
    CHECK(strstr(log_text, "session-token-value") == NULL);
    CHECK(strstr(log_text, "loop-secret-key") == NULL);
    /* A service's error code with control bytes never reaches the log raw. */
    log_len = 0;
    tl_push_json("{\"Response\":{\"Error\":{\"Code\":\"Bad\\u001b]0;owned\\u0007\\u007f\\u00c2\",\"Message\":\"m\"},"
                 "\"RequestId\":\"r\"}}", NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_API);
    CHECK(strstr(log_text, "* API error Bad?]0;owned????\n") != NULL);
    {
        size_t i, bad = 0;
        for (i = 0; i < log_len; i++) {
            bad += (unsigned char)log_text[i] < 0x20 && log_text[i] != '\n';
            bad += (unsigned char)log_text[i] >= 0x7f;
        }
        CHECK_EQ_INT(bad, 0);
    }
    {
        /* Lines longer than the log's buffer are cut, not overrun. */
        char long_a[400];
        memset(long_a, 'a', sizeof long_a - 1);
        long_a[sizeof long_a - 1] = '\0';
        log_len = 0;
        lkd_call_log(&client, long_a, "b");
        CHECK_EQ_INT(log_len, 161);
        log_len = 0;
        lkd_call_log(&client, "x", long_a);
        CHECK_EQ_INT(log_len, 161);
        log_len = 0;
        lkd_call_log_number(&client, "n=", 18446744073709551615ull);
        CHECK(strcmp(log_text, "n=18446744073709551615\n") == 0);
        log_len = 0;
        lkd_call_log(&client, NULL, "only b");
        CHECK(strcmp(log_text, "only b\n") == 0);
    }
    {
        /* A session token four times the request buffer: sent from the
         * settings' string between its header's name and line end, the
         * bytes in order, the signature right after, and hidden in the log. */
        static char long_token[4001];
        static char want[4200];
        size_t i;
        for (i = 0; i < sizeof long_token - 1; i++) {
            long_token[i] = (char)('!' + i % 94);
        }
        lkd_client_free(&client);
        tl_reset();
        settings.token = long_token;
        log_len = 0;
        CHECK_EQ_INT(lkd_client_init(&client, &settings, &port), LKD_OK);
        CHECK_EQ_INT(lkd_client_add_ca(&client, (const uint8_t *)test_ca_pem, sizeof test_ca_pem), LKD_OK);
        tl_push_json(success_json, NULL);
        CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
        CHECK_EQ_INT(tl.nreqs, 1);
        (void)snprintf(want, sizeof want, "\r\nX-TC-Token: %s\r\nAuthorization: TC3-HMAC-SHA256 Credential=AKIDLOOP/",
                       long_token);
        CHECK(tl_req_has(0, want));
        CHECK(tl_req_has(0, "\r\n\r\n{\"TaskId\":\"t\"}"));
        CHECK(strstr(log_text, "X-TC-Token: <hidden>\n") != NULL);
        CHECK(strstr(log_text, "!\"#$%") == NULL);
        settings.token = NULL;
    }
}

static void test_init_and_arguments(void)
{
    lkd_settings_t s;
    lkd_port_t p;
    lkd_result_t r;
    int i;
    static const lkd_resolve_t one = {"api.test", 443, "127.0.0.1"};
    char long_host[300];
    lkd_client_free(&client);
    tl_reset();
    static const char *const port_names[8] = {"port.connect",   "port.send",         "port.recv",
                                              "port.close",     "port.wall_time",    "port.monotonic_ms",
                                              "port.sleep_ms",  "port.entropy"};
    /* What each setting case is refused as, and named. */
    static const struct {
        lkd_status_t st;
        const char *name;
    } refusals[11] = {
        {LKD_ERR_ARG_NULL, "settings.host"},         {LKD_ERR_ARG_TOO_LONG, "settings.host"},
        {LKD_ERR_ARG_EMPTY, "settings.service"},     {LKD_ERR_ARG_NULL, "settings.version"},
        {LKD_ERR_ARG_EMPTY, "settings.region"},      {LKD_ERR_ARG_NULL, "settings.secret_id"},
        {LKD_ERR_ARG_NULL, "settings.secret_key"},   {LKD_ERR_ARG_RANGE, "settings.port"},
        {LKD_ERR_ARG_RANGE, "settings.timeout_ms"},  {LKD_ERR_ARG_NULL, "settings.resolve"},
        {LKD_ERR_ARG_RANGE, "settings.language"},
    };
    /* Each missing port function on its own. */
    for (i = 0; i < 8; i++) {
        tl_port(&p);
        lkd_settings_default(&s, LKD_PROFILE_LKE);
        s.secret_id = "id";
        s.secret_key = "key";
        switch (i) {
        case 0: p.connect = NULL; break;
        case 1: p.send = NULL; break;
        case 2: p.recv = NULL; break;
        case 3: p.close = NULL; break;
        case 4: p.wall_time = NULL; break;
        case 5: p.monotonic_ms = NULL; break;
        case 6: p.sleep_ms = NULL; break;
        default: p.entropy = NULL; break;
        }
        CHECK_EQ_INT(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_NULL);
        CHECK(strcmp(lkd_client_arg_error(&client)->name, port_names[i]) == 0);
    }
    memset(long_host, 'h', sizeof long_host - 1);
    long_host[sizeof long_host - 1] = '\0';
    /* Each setting on its own. */
    for (i = 0; i < 13; i++) {
        tl_port(&p);
        lkd_settings_default(&s, LKD_PROFILE_LKE);
        s.secret_id = "id";
        s.secret_key = "key";
        switch (i) {
        case 0: s.host = NULL; break;
        case 1: s.host = long_host; break;
        case 2: s.service = ""; break;
        case 3: s.version = NULL; break;
        case 4: s.region = ""; break;
        case 5: s.secret_id = NULL; break;
        case 6: s.secret_key = NULL; break;
        case 7: s.port = 0; break;
        case 8: s.timeout_ms = 0; break;
        case 9: s.resolve_count = 1; break;
        case 10: s.language = "de-DE"; break;
        case 11: s.language = "zh-CN"; s.resolve = &one; s.resolve_count = 1; break;
        default: s.language = "en-US"; break;
        }
        CHECK_EQ_INT(lkd_client_init(&client, &s, &p), i >= 11 ? LKD_OK : refusals[i].st);
        if (i < 11) {
            CHECK_EQ_INT(lkd_client_arg_error(&client)->status, refusals[i].st);
            CHECK(strcmp(lkd_client_arg_error(&client)->name, refusals[i].name) == 0);
        }
        lkd_client_free(&client);
    }
    /* The entropy source failing. */
    tl_port(&p);
    lkd_settings_default(&s, LKD_PROFILE_LKE);
    s.secret_id = "id";
    s.secret_key = "key";
    tl.entropy_fails = 1;
    CHECK_EQ_INT(lkd_client_init(&client, &s, &p), LKD_ERR_ENTROPY);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_STATE);
    /* A source that is not there yet says so, through init. */
    tl.entropy_fails = 2;
    CHECK_EQ_INT(lkd_client_init(&client, &s, &p), LKD_ERR_NOT_PROVIDED);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_STATE);
    tl.entropy_fails = 0;
    lkd_settings_default(NULL, LKD_PROFILE_LKE);
    lkd_client_close(NULL);
    lkd_client_free(NULL);
    CHECK_EQ_INT(lkd_client_add_ca(NULL, (const uint8_t *)"x", 1), LKD_ERR_ARG_NULL);

    fresh();
    CHECK_EQ_INT(lkd_client_add_ca(&client, NULL, 1), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_client_add_ca(&client, (const uint8_t *)"x", 0), LKD_ERR_ARG_EMPTY);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, NULL), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_get_result(NULL, "t", 1, &r), LKD_ERR_STATE);
    client.internal.busy = 1;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_STATE);
    CHECK_EQ_INT(lkd_cancel_task(&client, "t", 1), LKD_ERR_STATE);
    client.internal.busy = 0;
    {
        char long_id[LKD_TASK_ID_SIZE + 1];
        memset(long_id, 'x', sizeof long_id);
        CHECK_EQ_INT(lkd_get_result(&client, long_id, sizeof long_id, &r), LKD_ERR_ARG_TOO_LONG);
    }
    /* The TLS layer's own checks. */
    {
        uint8_t b[4];
        size_t got;
        CHECK_EQ_INT(lkd_tls_init(NULL, &port, NULL, NULL), LKD_ERR_ARG_NULL);
        CHECK_EQ_INT(lkd_tls_init(&client.internal.tls, NULL, NULL, NULL), LKD_ERR_ARG_NULL);
        CHECK_EQ_INT(lkd_tls_add_ca(NULL, b, 1), LKD_ERR_ARG_NULL);
        CHECK_EQ_INT(lkd_tls_connect(NULL, "h", NULL, 443, 1), LKD_ERR_ARG_NULL);
        CHECK_EQ_INT(lkd_tls_connect(&client.internal.tls, NULL, NULL, 443, 1), LKD_ERR_ARG_NULL);
        CHECK_EQ_INT(lkd_tls_connect(&client.internal.tls, "", NULL, 443, 1), LKD_ERR_ARG_EMPTY);
        CHECK_EQ_INT(lkd_tls_connect(&client.internal.tls, "api.test", NULL, 443, 0), LKD_ERR_TIMEOUT);
        CHECK_EQ_INT(lkd_tls_write_all(NULL, b, 1, 1), LKD_ERR_STATE);
        CHECK_EQ_INT(lkd_tls_write_all(&client.internal.tls, b, 1, 1), LKD_ERR_STATE);
        CHECK_EQ_INT(lkd_tls_read(NULL, b, 1, &got, 1), LKD_ERR_ARG_NULL);
        CHECK_EQ_INT(lkd_tls_read(&client.internal.tls, b, 1, &got, 1), LKD_ERR_STATE);
        CHECK(!lkd_tls_is_open_to(NULL, "api.test", 443));
        tl_push_json(processing_json, NULL);
        CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
        CHECK(lkd_tls_is_open_to(&client.internal.tls, "api.test", 443));
        CHECK(!lkd_tls_is_open_to(&client.internal.tls, NULL, 443));
        CHECK(!lkd_tls_is_open_to(&client.internal.tls, "api.test", 444));
        CHECK_EQ_INT(lkd_tls_read(&client.internal.tls, NULL, 1, &got, 1), LKD_ERR_ARG_NULL);
        CHECK_EQ_INT(lkd_tls_read(&client.internal.tls, b, 1, NULL, 1), LKD_ERR_ARG_NULL);
        CHECK_EQ_INT(lkd_tls_read(&client.internal.tls, b, 0, &got, 1), LKD_ERR_ARG_EMPTY);
        /* The deadline already passed: reads and writes time out. */
        CHECK_EQ_INT(lkd_tls_read(&client.internal.tls, b, 1, &got, 1), LKD_ERR_TIMEOUT);
        CHECK_EQ_INT(lkd_tls_write_all(&client.internal.tls, b, 1, 1), LKD_ERR_TIMEOUT);
        lkd_tls_close(NULL);
        lkd_tls_free(NULL);
    }
    lkd_client_free(&client);
    lkd_client_close(&client); /* after free: nothing to do */
    CHECK_EQ_INT(lkd_tls_add_ca(&client.internal.tls, (const uint8_t *)"x", 1), LKD_ERR_STATE);
}

/* A warning alert from the server: mbedtls_ssl_read ignores it and says
 * WANT_READ, and the read goes on to the answer; when the deadline passes
 * meanwhile, the call times out. */
static void test_warning_alert(void)
{
    lkd_result_t r;
    tl_step_t *s;
    fresh();
    s = tl_push_json(processing_json, NULL);
    s->warning_alert = 1;
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(r.status, LKD_TASK_PROCESSING);
    CHECK_EQ_INT(client.internal.tls.handshakes, 1);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK); /* the connection still works */
    CHECK_EQ_INT(tl.connects, 1);
    CHECK_EQ_INT(tl.unexpected, 0);

    fresh();
    s = tl_push_json(processing_json, NULL);
    s->warning_alert = 1;
    s->alert_delay_ms = 60000; /* beyond the call's 20 s */
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_TIMEOUT);
    CHECK_EQ_INT(client.internal.tls.last_mbedtls_error, MBEDTLS_ERR_SSL_WANT_READ);
}

/* A proxy in front of the loop's server: the CONNECT request is taken, and
 * px.answer given back, before the server's own bytes. */
static struct {
    int in_request;
    const char *answer;
    size_t pos;
    char tail[4];
} px;

static lkd_status_t px_connect(void *ctx, const char *host, uint16_t p, uint32_t t, lkd_abort_fn abort,
                               void *abort_user, lkd_port_conn_t *conn)
{
    memset(px.tail, 0, sizeof px.tail);
    px.in_request = strcmp(host, "proxy.test") == 0; /* else direct: no answer of the proxy's */
    px.pos = px.in_request ? 0 : strlen(px.answer);
    return tl_connect(ctx, host, p, t, abort, abort_user, conn);
}

static lkd_status_t px_send(void *ctx, lkd_port_conn_t c, const uint8_t *d, size_t n, uint32_t t, size_t *sent)
{
    size_t i;
    if (!px.in_request) {
        return tl_send(ctx, c, d, n, t, sent);
    }
    for (i = 0; i < n && px.in_request; i++) {
        memmove(px.tail, px.tail + 1, 3);
        px.tail[3] = (char)d[i];
        px.in_request = memcmp(px.tail, "\r\n\r\n", 4) != 0;
    }
    *sent = i;
    return LKD_OK;
}

static lkd_status_t px_recv(void *ctx, lkd_port_conn_t c, uint8_t *b, size_t n, uint32_t t, size_t *got)
{
    if (px.answer[px.pos] != '\0') {
        *b = (uint8_t)px.answer[px.pos++]; /* the tunnel reads its answer byte by byte */
        *got = 1;
        return LKD_OK;
    }
    return tl_recv(ctx, c, b, n, t, got);
}

/* http_status is a proxy's only when it refused; which hop failed is told. */
static void test_through_a_proxy(void)
{
    lkd_result_t r;
    lkd_client_stats_t stats;
    lkd_client_tls_detail_t d;
    fresh();
    client.internal.settings.proxy.host = "proxy.test";
    client.internal.settings.proxy.port = 3128;
    client.internal.port.connect = px_connect; /* the client's copy of the port */
    client.internal.port.send = px_send;
    client.internal.port.recv = px_recv;
    /* The tunnel opens (200), the origin's certificate fails: not an HTTP status. */
    tl.cert = TL_CERT_EXPIRED;
    px.answer = "HTTP/1.1 200 Connection established\r\n\r\n";
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);
    CHECK(strcmp(tl.last_connect_host, "proxy.test") == 0);
    CHECK_EQ_INT(lkd_client_stats(&client, &stats), LKD_OK);
    CHECK_EQ_INT(stats.http_status, 0);
    CHECK_EQ_INT(client.internal.http_status, 0);
    CHECK_EQ_INT(lkd_client_tls_detail(&client, &d), LKD_OK);
    CHECK_EQ_INT(d.proxy_hop, LKD_PROXY_HOP_TUNNEL);
    /* The proxy refuses: its status, its hop. */
    tl.cert = TL_CERT_GOOD;
    px.answer = "HTTP/1.1 403 Forbidden\r\n\r\n";
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_PROXY);
    CHECK_EQ_INT(lkd_client_stats(&client, &stats), LKD_OK);
    CHECK_EQ_INT(stats.http_status, 403);
    CHECK_EQ_INT(lkd_client_tls_detail(&client, &d), LKD_OK);
    CHECK_EQ_INT(d.proxy_hop, LKD_PROXY_HOP_PROXY);
    /* Cut inside its status line: no status. */
    px.answer = "HTTP/1.1 50";
    tl.eof = 1;
    CHECK(lkd_get_result(&client, "t", 1, &r) != LKD_OK);
    CHECK_EQ_INT(client.internal.http_status, 0);
    CHECK_EQ_INT(client.internal.tls.proxy_status, 0);
    tl.eof = 0;
    /* Through the tunnel, an answer. */
    px.answer = "HTTP/1.1 200 OK\r\n\r\n";
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(client.internal.http_status, 200);
    CHECK_EQ_INT(lkd_client_tls_detail(&client, &d), LKD_OK);
    CHECK_EQ_INT(d.proxy_hop, LKD_PROXY_HOP_TUNNEL);
    /* no_proxy names the host: direct. */
    client.internal.settings.proxy.no_proxy = "api.test";
    lkd_client_close(&client);
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK(strcmp(tl.last_connect_host, "api.test") == 0);
    CHECK_EQ_INT(lkd_client_tls_detail(&client, &d), LKD_OK);
    CHECK_EQ_INT(d.proxy_hop, LKD_PROXY_HOP_NONE);
    memset(&client.internal.settings.proxy, 0, sizeof client.internal.settings.proxy);
}

int main(void)
{
    test_success_and_keep_alive();
    test_retries_and_backoff();
    test_clock_correction();
    test_network_failures();
    test_connection_reuse();
    test_answers();
    test_certificates();
    test_resolve_and_log();
    test_init_and_arguments();
    test_warning_alert();
    test_through_a_proxy();
    lkd_client_free(&client);
    return unit_report("call");
}
