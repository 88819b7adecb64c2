/* SPDX-License-Identifier: MIT */
/* The core as a product ships it (lkd_config.h's defaults: LKD_ENABLE_TEXTS
 * 0): lkd_strerror gives each status's number, an argument refusal keeps its
 * kind, length and limit with name and rule "", the TLS detail has no policy
 * sentence and a refused result URL no phrase, while every status is what it
 * is with the texts on. */
#include <stdint.h>
#include <string.h>

#include <mbedtls/ssl.h>
#include <mbedtls/x509.h>

#include "lkd_client.h"
#include "lkd_job.h"
#include "lkd_tls_policy.h"
#include "lkd_url_policy.h"
#include "offline_port.h"
#include "tls_certs.h"
#include "unit.h"

typedef char texts_are_off[LKD_ENABLE_TEXTS == 0 ? 1 : -1];

static lkd_client_t client;

static void settings(lkd_settings_t *s)
{
    lkd_settings_default(s, LKD_PROFILE_LKE);
    s->secret_id = "AKIDNOTEXTS";
    s->secret_key = "notexts-test-key";
}

static void test_strerror_gives_numbers(void)
{
    char want[4];
    int i;
    CHECK(strcmp(lkd_strerror(LKD_OK), "0") == 0);
    CHECK(strcmp(lkd_strerror(LKD_ERR_CERT), "7") == 0);
    CHECK(strcmp(lkd_strerror(LKD_ERR_TIMEOUT), "8") == 0);
    CHECK(strcmp(lkd_strerror(LKD_ERR_CONFIG), "25") == 0);
    CHECK(strcmp(lkd_strerror(LKD_ERR_ARG_CONFLICT), "31") == 0);
    CHECK(strcmp(lkd_strerror(LKD_STATUS_COUNT), "unknown status") == 0);
    CHECK(strcmp(lkd_strerror((lkd_status_t)-1), "unknown status") == 0);
    /* Every status, each its own value. */
    for (i = 0; i < LKD_STATUS_COUNT; i++) {
        snprintf(want, sizeof want, "%d", i);
        CHECK(strcmp(lkd_strerror((lkd_status_t)i), want) == 0);
    }
}

static void check_record(lkd_status_t got, lkd_status_t kind, size_t length, size_t limit, int line)
{
    const lkd_arg_error_t *e = lkd_client_arg_error(&client);
    if (got == kind && e->status == kind && e->name != NULL && e->name[0] == '\0' && e->rule != NULL &&
        e->rule[0] == '\0' && e->length == length && e->limit == limit) {
        unit_passed++;
    } else {
        unit_failed++;
        fprintf(stderr, "test_notexts.c:%d: got %d, recorded %d \"%s\" \"%s\" %zu %zu; expected %d \"\" \"\" %zu %zu\n",
                line, (int)got, (int)e->status, e->name != NULL ? e->name : "(NULL)",
                e->rule != NULL ? e->rule : "(NULL)", e->length, e->limit, (int)kind, length, limit);
    }
}
#define CHECK_RECORD(got, kind, length, limit) check_record((got), (kind), (length), (limit), __LINE__)

static void test_argument_records_keep_kind_and_numbers(void)
{
    char long_id[200];
    char long_task[LKD_TASK_ID_SIZE + 10];
    lkd_settings_t s;
    lkd_port_t p;
    lkd_result_t r;
    offline_port(&p);
    settings(&s);
    memset(long_id, 'A', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    s.secret_id = long_id;
    CHECK_RECORD(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_TOO_LONG, sizeof long_id - 1, 128);
    CHECK_RECORD(lkd_client_init(&client, NULL, &p), LKD_ERR_ARG_NULL, 0, 0);
    settings(&s);
    s.secret_id = "AKID NOTEXTS";
    CHECK_RECORD(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_FORMAT, 0, 0);
    settings(&s);
    s.port = 0;
    CHECK_RECORD(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_RANGE, 0, 0);
    settings(&s);
    p.entropy = NULL;
    CHECK_RECORD(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_NULL, 0, 0);

    offline_port(&p);
    settings(&s);
    CHECK_EQ_INT(lkd_client_init(&client, &s, &p), LKD_OK);
    memset(long_task, 'x', sizeof long_task - 1);
    long_task[sizeof long_task - 1] = '\0';
    CHECK_RECORD(lkd_get_result(&client, long_task, strlen(long_task), &r), LKD_ERR_ARG_TOO_LONG,
                 strlen(long_task), LKD_TASK_ID_SIZE - 1);
    CHECK_RECORD(lkd_get_result(&client, "", 0, &r), LKD_ERR_ARG_EMPTY, 0, 0);
    CHECK_RECORD(lkd_get_result(&client, "task\xff", 5, &r), LKD_ERR_ARG_FORMAT, 0, 0);
    CHECK_RECORD(lkd_get_result(&client, "task", 4, NULL), LKD_ERR_ARG_NULL, 0, 0);
    CHECK_EQ_INT(offline_connects, 0);
    lkd_client_free(&client);
    CHECK_EQ_INT(lkd_client_arg_error(&client)->status, LKD_OK);
}

static void test_no_policy_sentences_or_refusal_phrases(void)
{
    static const char *const none[] = {".lkedoc.test"};
    lkd_url_policy_t policy = {none, 1, 1};
    lkd_client_tls_detail_t d;
    lkd_span_t host;
    lkd_url_t u;
    const char *reason = NULL;
    static const char http[] = "http://cos.lkedoc.test/r.zip";
    static const char other[] = "https://cos.example.net/r.zip";
    CHECK(lkd_tls_policy_describe(MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, 0) == NULL);
    CHECK(lkd_tls_policy_describe(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, MBEDTLS_X509_BADCERT_BAD_MD) == NULL);
    CHECK(lkd_tls_policy_describe(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, MBEDTLS_X509_BADCERT_BAD_KEY) == NULL);
    CHECK_EQ_INT(lkd_client_tls_detail(&client, &d), LKD_ERR_STATE);
    CHECK(d.policy == NULL);
    /* Still refused, for the same reasons; the phrase is "", not NULL. */
    CHECK_EQ_INT(lkd_url_policy_check(http, sizeof http - 1, &policy, &u, &host, &reason), LKD_ERR_URL_REFUSED);
    CHECK(reason != NULL && reason[0] == '\0');
    reason = NULL;
    CHECK_EQ_INT(lkd_url_policy_check(other, sizeof other - 1, &policy, &u, &host, &reason), LKD_ERR_URL_REFUSED);
    CHECK(reason != NULL && reason[0] == '\0');
    CHECK(host.len == strlen("cos.example.net") && memcmp(host.ptr, "cos.example.net", host.len) == 0);
}

/* lkd_client_error_detail: the facts as numbers, every key in its place. */
static void test_error_detail_in_numbers(void)
{
    lkd_settings_t s;
    lkd_port_t p;
    lkd_result_t r;
    char line[LKD_ERROR_DETAIL_SIZE];
    settings(&s);
    s.timeout_ms = 1000;
    offline_port(&p);
    lkd_client_free(&client);
    CHECK_EQ_INT(lkd_client_init(&client, &s, &p), LKD_OK);
    CHECK_EQ_INT(lkd_client_add_ca(&client, (const uint8_t *)test_ca_pem, sizeof test_ca_pem), LKD_OK);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CONNECT);
    CHECK_EQ_INT(lkd_client_error_detail(&client, LKD_ERR_CONNECT, line, sizeof line), LKD_OK);
    CHECK(strcmp(line, "err=5 http=0 tls=0 flags=0 alert=-1 tls_version=0 cert_req=0 refused=0 port=443 hop=0 "
                       "device_time=1795500000 server_time=-1 clock=0 body=0 of=-1 len=0 limit=0 "
                       "host=lke.intl.tencentcloudapi.com") == 0);
    /* A TLS code and flags left from a handshake are facts of TLS failures only. */
    client.internal.tls.last_mbedtls_error = -0x7780;
    client.internal.tls.verify_flags = 8;
    CHECK_EQ_INT(lkd_client_error_detail(&client, LKD_ERR_CONNECT, line, sizeof line), LKD_OK);
    CHECK(strncmp(line, "err=5 http=0 tls=0 flags=0 ", 27) == 0);
    CHECK_EQ_INT(lkd_client_error_detail(&client, LKD_ERR_CERT, line, sizeof line), LKD_OK);
    CHECK(strncmp(line, "err=7 http=0 tls=-30592 flags=8 ", 32) == 0);
    /* The server's refusal: after a TLS failure, and after nginx's 400 to its
     * certificate request; another status leaves it out. */
    client.internal.tls.peer_alert = 70;
    client.internal.tls.server_version = 0x0302;
    client.internal.tls.cert_requested = 1;
    client.internal.tls.peer_refused = 1;
    CHECK_EQ_INT(lkd_client_error_detail(&client, LKD_ERR_TLS, line, sizeof line), LKD_OK);
    CHECK(strstr(line, " alert=70 tls_version=0x0302 cert_req=1 refused=1 port=443 ") != NULL);
    CHECK_EQ_INT(lkd_client_error_detail(&client, LKD_ERR_CONNECT, line, sizeof line), LKD_OK);
    CHECK(strstr(line, " alert=-1 tls_version=0 cert_req=0 refused=0 port=443 ") != NULL);
    client.internal.tls.peer_alert = -1;
    client.internal.tls.server_version = 0x0303;
    client.internal.tls.peer_refused = 0;
    client.internal.http_status = 400;
    CHECK_EQ_INT(lkd_client_error_detail(&client, LKD_ERR_HTTP_STATUS, line, sizeof line), LKD_OK);
    CHECK(strstr(line, "err=11 http=400 tls=0 flags=0 alert=-1 tls_version=0 cert_req=0 ") == line); /* no page */
    client.internal.tls.bare_400 = 1;
    CHECK_EQ_INT(lkd_client_error_detail(&client, LKD_ERR_HTTP_STATUS, line, sizeof line), LKD_OK);
    CHECK(strstr(line, "http=400 tls=0 flags=0 alert=-1 tls_version=0x0303 cert_req=1 refused=0 port=443 ") != NULL);
    client.internal.http_status = 0;
    /* Cut: after the last whole key=value, never a shorter number. */
    CHECK_EQ_INT(lkd_client_error_detail(&client, LKD_ERR_CERT, line, 22), LKD_ERR_BUFFER_TOO_SMALL);
    CHECK(strcmp(line, "err=7 http=0") == 0);
    lkd_client_free(&client);
}

int main(void)
{
    test_strerror_gives_numbers();
    test_argument_records_keep_kind_and_numbers();
    test_no_policy_sentences_or_refusal_phrases();
    test_error_detail_in_numbers(); /* last: it connects (the others count none) */
    return unit_report("test_notexts");
}
