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
    CHECK_EQ_INT(lkd_client_error_detail(&client, LKD_ERR_DNS, b, 0), LKD_ERR_ARG_EMPTY);
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
    /* Cut: terminated, after its last whole part, and said; at every size,
     * never a part of the host ("(host api.t"). */
    CHECK_EQ_INT(lkd_client_error_detail(&client, LKD_ERR_CONNECT, small, sizeof small), LKD_ERR_BUFFER_TOO_SMALL);
    CHECK(strcmp(small, "could not connect") == 0);
    for (size_t n = 1; n <= strlen(line); n++) {
        CHECK_EQ_INT(lkd_client_error_detail(&client, LKD_ERR_CONNECT, line, n), LKD_ERR_BUFFER_TOO_SMALL);
        CHECK(strcmp(line, n > strlen("could not connect") ? "could not connect" : "") == 0);
    }
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

/* A certificate whose time failed, checked against another clock than the
 * device's: which one, and the device clock not blamed. */
static void test_clock_not_used(void)
{
    lkd_result_t r;
    /* No device clock, no server's Date: the floor. */
    fresh();
    tl.wall_base = LKD_PORT_TIME_UNKNOWN;
    tl.cert = TL_CERT_EXPIRED;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);
    has(LKD_ERR_CERT, "The certificate validity has expired; expired by the earliest time this client accepts "
                      "2026-01-01 00:00:00 UTC (the device clock is not set)");
    lacks("check the device clock");
    /* No device clock, the server's Date known: the server's clock. */
    fresh();
    tl.wall_base = LKD_PORT_TIME_UNKNOWN;
    lkd_clock_learn(&client, TL_NOW);
    tl.cert = TL_CERT_EXPIRED;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);
    has(LKD_ERR_CERT, "; expired by the server's clock (its Date header) 2026-11-24 06:0");
    has(LKD_ERR_CERT, " UTC (the device clock is not set)");
    lacks("device clock says");
    /* A device clock at 1970 (5 s): before the floor, so not used either. */
    fresh();
    tl.wall_base = 5 - (int64_t)(tl.mono / 1000u);
    tl.cert = TL_CERT_EXPIRED;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);
    has(LKD_ERR_CERT, "; expired by the earliest time this client accepts 2026-01-01 00:00:00 UTC (the device clock "
                      "says 1970-01-01 00:00:");
    has(LKD_ERR_CERT, " UTC, earlier than that)");
    lacks("check the device clock");
}

/* TLS facts only on TLS failures, and a call forgets the last one's. */
static void test_tls_facts(void)
{
    lkd_result_t r;
    fresh();
    tl.cert = TL_CERT_EXPIRED;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);
    /* A policy sentence, with mbedTLS's words for every flag beside it (a
     * wrong name beside a weak key is not hidden); no code: there are words. */
    client.internal.tls.verify_flags = MBEDTLS_X509_BADCERT_BAD_KEY | MBEDTLS_X509_BADCERT_CN_MISMATCH;
    client.internal.tls.last_mbedtls_error = MBEDTLS_ERR_X509_CERT_VERIFY_FAILED;
    has(LKD_ERR_CERT, "(host api.test, port 443): the server's certificate (or a CA certificate in its chain) has "
                      "an RSA key under 2048 bits");
    has(LKD_ERR_CERT, "P-384: The certificate Common Name (CN) does not match with the expected CN; The certificate "
                      "is signed with an unacceptable key");
    lacks("mbedTLS -");
    /* A code without words: the code. */
    client.internal.tls.verify_flags = 0;
    client.internal.tls.last_mbedtls_error = MBEDTLS_ERR_SSL_INTERNAL_ERROR;
    has(LKD_ERR_TLS, "TLS failure (host api.test, port 443) (mbedTLS -0x6c00)");
    /* The policy's words: no code. */
    client.internal.tls.last_mbedtls_error = MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE;
    client.internal.tls.peer_alert = 40; /* the server's alert, in the refusal's words */
    has(LKD_ERR_TLS, "TLS failure (host api.test, port 443): no cipher suite or key-exchange group in common");
    client.internal.tls.peer_alert = 113;
    has(LKD_ERR_TLS, "TLS failure (host api.test, port 443): the server ended the handshake with the TLS alert "
                     "bad_certificate_status_response");
    client.internal.tls.peer_alert = -1; /* none received: 3.6's own code */
    has(LKD_ERR_TLS, "TLS failure (host api.test, port 443): the server sent no certificate");
    lacks("mbedTLS -");
    /* Another failure after the TLS one: none of it. */
    has(LKD_ERR_TIMEOUT, "deadline passed (host api.test, port 443)");
    lacks("handshake");
    client.internal.tls.verify_flags = MBEDTLS_X509_BADCERT_BAD_KEY;
    has(LKD_ERR_CLOSED, "(host api.test, port 443)");
    lacks("RSA key");
    /* The next call starts with no connection and no TLS facts (host_buf,
     * which conn_host may point at, is rewritten). */
    CHECK_EQ_INT(lkd_get_result(&client, "", 0, &r), LKD_ERR_ARG_EMPTY);
    CHECK(client.internal.conn_host == NULL && client.internal.tls.verify_flags == 0 &&
          client.internal.tls.last_mbedtls_error == 0);
    has(LKD_ERR_TLS, "TLS failure");
    lacks("host");
    lacks("handshake");
}

/* The longest line fits LKD_ERROR_DETAIL_SIZE: a 253-byte result host at
 * port 65535, a certificate that expired, starts in the future and is not
 * trusted, checked by the floor against a device clock that is wrong. */
static void test_longest(void)
{
    static char origin[254];
    lkd_result_t r;
    size_t i;
    fresh();
    tl.cert = TL_CERT_EXPIRED;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);
    for (i = 0; i < 253; i++) {
        client.internal.host_buf[i] = i % 64 == 63 ? '.' : 'h';
    }
    client.internal.host_buf[253] = '\0';
    client.internal.conn_host = client.internal.host_buf;
    client.internal.conn_port = 65535;
    client.internal.tls.verify_flags =
        MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE | MBEDTLS_X509_BADCERT_NOT_TRUSTED;
    client.internal.settings.last_known_time = 253402300799; /* 9999-12-31 23:59:59 */
    tl.wall_base = 253402300000 - (int64_t)(tl.mono / 1000u);
    has(LKD_ERR_CERT, ", port 65535): The certificate validity has expired; The certificate is not correctly signed by "
                      "the trusted CA; The certificate validity starts in the future; expired by the earliest time "
                      "this client accepts 9999-12-31 23:59:59 UTC");
    has(LKD_ERR_CERT, " (the device clock says 9999-12-31 23:");
    CHECK_EQ_INT((int)strlen(line), 598); /* as lkd_client.h computes it */
    /* The proxy, on the way to that host: the other long line. */
    client.internal.tls.proxy_hop = LKD_PROXY_HOP_PROXY;
    client.internal.settings.proxy.host = client.internal.host_buf;
    client.internal.settings.proxy.port = 65535;
    client.internal.http_status = 502;
    memcpy(origin, client.internal.host_buf, sizeof origin);
    client.internal.conn_host = origin;
    has(LKD_ERR_PROXY, "(HTTP 502) (proxy hhh");
    has(LKD_ERR_PROXY, "hhh, port 65535; the tunnel was to hhh");
    CHECK_EQ_INT((int)strlen(line), 629);
    client.internal.settings.proxy.host = NULL;
    client.internal.tls.proxy_hop = LKD_PROXY_HOP_NONE;
}

int main(void)
{
    test_refusals();
    test_hosts_named();
    test_api_and_argument();
    test_clock();
    test_clock_not_used();
    test_tls_facts();
    test_longest();
    lkd_client_free(&client);
    return unit_report("test_error_detail");
}
