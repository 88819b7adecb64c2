/* SPDX-License-Identifier: MIT */
/* lkd_client_error_detail over real calls to the in-process TLS server
 * (tls_loop.h): the host and port of the connection that failed, the HTTP
 * status, the certificate's flags in words and, when its time checks failed,
 * the device's clock against the server's; the service's code and RequestId,
 * the refused argument; a short buffer cut and still terminated; NULL and
 * clients not initialised refused. */
#include <mbedtls/x509.h>

#include "lkd_client.h"
#include "lkd_job.h"
#include "lkd_clock.h"
#include "unit.h"
#include "tls_loop.h"

static lkd_client_t client;
static lkd_settings_t settings;
static lkd_port_t port;
static char line[LKD_ERROR_DETAIL_SIZE];

static const char success_json[] =
    "{\"Response\":{\"Status\":\"Success\",\"DocumentRecognizeResultUrl\":\"https://dl.test/r.zip?sig=1\","
    "\"FailedPages\":[],\"RequestId\":\"rid-1\"}}";

static void fresh(void)
{
    lkd_client_free(&client);
    tl_reset();
    CHECK_EQ_INT(tl_client(&client, &settings, &port), LKD_OK);
}

/* The detail of st has want in it. */
static void has(lkd_status_t st, const char *want)
{
    CHECK_EQ_INT(lkd_client_error_detail(&client, st, line, sizeof line), LKD_OK);
    if (strstr(line, want) == NULL) {
        fprintf(stderr, "  detail \"%s\" lacks \"%s\"\n", line, want);
        CHECK(0);
    }
}

static void lacks(const char *text)
{
    if (strstr(line, text) != NULL) {
        fprintf(stderr, "  detail \"%s\" has \"%s\"\n", line, text);
        CHECK(0);
    }
}

static void test_refusals(void)
{
    static lkd_client_t never; /* zeroed: never initialised */
    char b[8] = "x";
    CHECK_EQ_INT(lkd_client_error_detail(NULL, LKD_ERR_DNS, b, sizeof b), LKD_ERR_ARG_NULL);
    CHECK(b[0] == '\0');
    CHECK_EQ_INT(lkd_client_error_detail(&client, LKD_ERR_DNS, NULL, 8), LKD_ERR_ARG_NULL);
    b[0] = 'x';
    CHECK_EQ_INT(lkd_client_error_detail(&client, LKD_ERR_DNS, b, 0), LKD_ERR_ARG_NULL);
    CHECK(b[0] == 'x'); /* size 0: nothing written */
    CHECK_EQ_INT(lkd_client_error_detail(&never, LKD_ERR_DNS, b, sizeof b), LKD_ERR_STATE);
    CHECK(b[0] == '\0');
}

static void test_hosts_named(void)
{
    lkd_result_t r;
    char small[24];
    /* The API host, refused at connect: its name and port. */
    fresh();
    tl_push_connect_failure(LKD_ERR_CONNECT);
    tl_push_connect_failure(LKD_ERR_CONNECT);
    tl_push_connect_failure(LKD_ERR_CONNECT);
    tl_push_connect_failure(LKD_ERR_CONNECT);
    tl_push_connect_failure(LKD_ERR_CONNECT);
    client.internal.settings.timeout_ms = 1000;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CONNECT);
    has(LKD_ERR_CONNECT, "could not connect (host api.test, port 443)");
    /* Cut: terminated, after its last whole part, and said. */
    CHECK_EQ_INT(lkd_client_error_detail(&client, LKD_ERR_CONNECT, small, sizeof small), LKD_ERR_BUFFER_TOO_SMALL);
    CHECK(strcmp(small, "could not connect") == 0);
    /* A body cut short: how much of it came. */
    fresh();
    for (int i = 0; i < 6; i++) {
        static const char cut[] = "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n{\"Response\":";
        tl_push_raw(cut, sizeof cut - 1, TL_CLOSE);
    }
    client.internal.settings.timeout_ms = 1000;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CLOSED);
    has(LKD_ERR_CLOSED, "(host api.test, port 443); 12 of 5000 body bytes had arrived");
    /* An HTTP status names the host that answered it. */
    fresh();
    tl_push_http(503, "", "busy", 4, TL_KEEP);
    tl_push_http(503, "", "busy", 4, TL_KEEP);
    tl_push_http(503, "", "busy", 4, TL_KEEP);
    tl_push_http(503, "", "busy", 4, TL_KEEP);
    tl_push_http(503, "", "busy", 4, TL_KEEP);
    tl_push_http(503, "", "busy", 4, TL_KEEP);
    client.internal.settings.timeout_ms = 1000;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_HTTP_STATUS);
    has(LKD_ERR_HTTP_STATUS, "unexpected HTTP status 503 (host api.test, port 443)");
}

static void test_api_and_argument(void)
{
    lkd_result_t r;
    char id[300];
    fresh();
    tl_push_api_error("ResourceNotFound.TaskNotExist");
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_API);
    has(LKD_ERR_API, ": ResourceNotFound.TaskNotExist [RequestId rid-err]");
    lacks("host"); /* the service answered: no connection to look at */
    memset(id, 'a', sizeof id);
    CHECK_EQ_INT(lkd_get_result(&client, id, sizeof id, &r), LKD_ERR_ARG_TOO_LONG);
    has(LKD_ERR_ARG_TOO_LONG, "task_id is too long (300 bytes; the limit is 127)");
}

static void test_clock(void)
{
    lkd_result_t r;
    /* An expired certificate by a clock that agrees with nobody to ask:
     * the server's time is not known yet. */
    fresh();
    tl.cert = 1;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);
    has(LKD_ERR_CERT, "server certificate did not verify (host api.test, port 443): The certificate validity has "
                      "expired");
    has(LKD_ERR_CERT, "; the device clock says 2026-11-24 06:00:");
    has(LKD_ERR_CERT, "; the server's time is not known yet: check the device clock");
    /* The server's Date came with an answer, and agrees with the device:
     * the certificate really expired, the clock is not named. */
    fresh();
    lkd_clock_learn(&client, TL_NOW + 60); /* as a Date header a minute ahead would */
    tl.cert = 1;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);
    has(LKD_ERR_CERT, "The certificate validity has expired");
    lacks("clock");
    /* The device clock jumps to 2046, past the good certificate's end: the
     * server's Date said otherwise, and both times are shown. */
    fresh();
    tl_push_json(success_json, "Tue, 24 Nov 2026 06:00:00 GMT");
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    lkd_client_close(&client);
    tl.wall_base = 2398377600 - (int64_t)(tl.mono / 1000u); /* 2046-01-01 00:00:00 now */
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);
    has(LKD_ERR_CERT, "The certificate validity has expired; the device clock says 2046-01-01 00:00:00 UTC; "
                      "the server's clock (its Date header) says 2026-11-24 06:00:00 UTC");
}

int main(void)
{
    test_refusals();
    test_hosts_named();
    test_api_and_argument();
    test_clock();
    lkd_client_free(&client);
    return unit_report("test_error_detail");
}
