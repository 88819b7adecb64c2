/* SPDX-License-Identifier: MIT */
/* The template port, as a new board starts from it: every function answers
 * "not provided"; a client on it is refused at init with the template's
 * LKD_ERR_NOT_PROVIDED (its entropy is the first call), and once the
 * board has given it an entropy source, the first call ends with the
 * template's LKD_ERR_NOT_PROVIDED, from connect, without trying again. */
#include "lkd_client.h"
#include "port_template.h"
#include "tls_certs.h"
#include "unit.h"

static unsigned entropy_calls, sleeps;
static void (*template_sleep)(void *ctx, uint32_t ms);

/* A stand-in for the board's TRNG: the first function a board replaces. */
static lkd_status_t board_entropy(void *ctx, uint8_t *buf, size_t len)
{
    size_t i;
    (void)ctx;
    entropy_calls++;
    for (i = 0; i < len; i++) {
        buf[i] = (uint8_t)(i * 131u + entropy_calls * 7u + 1u);
    }
    return LKD_OK;
}

/* The template's sleep, counted: a retry would sleep first. */
static void counted_sleep(void *ctx, uint32_t ms)
{
    sleeps++;
    template_sleep(ctx, ms);
}

static void settings(lkd_settings_t *s)
{
    lkd_settings_default(s, LKD_PROFILE_LKE);
    s->secret_id = "AKIDTEMPLATE";
    s->secret_key = "template-secret";
}

static void test_every_function_answers_not_provided(void)
{
    lkd_port_t p;
    lkd_port_conn_t conn = 7;
    uint8_t buf[8] = {0};
    size_t n = 99;
    memset(&p, 0, sizeof p);
    lkd_port_template_init(&p);
    CHECK(p.ctx == NULL);
    CHECK(p.connect != NULL && p.send != NULL && p.recv != NULL && p.close != NULL && p.wall_time != NULL &&
          p.monotonic_ms != NULL && p.sleep_ms != NULL && p.entropy != NULL);
    CHECK_EQ_INT(p.connect(p.ctx, "lke.intl.tencentcloudapi.com", 443, 1000, NULL, NULL, &conn), LKD_ERR_NOT_PROVIDED);
    CHECK(conn == LKD_PORT_NO_CONN);
    CHECK_EQ_INT(p.send(p.ctx, 3, buf, sizeof buf, 1000, &n), LKD_ERR_NOT_PROVIDED);
    CHECK_EQ_INT(n, 0);
    n = 99;
    CHECK_EQ_INT(p.recv(p.ctx, 3, buf, sizeof buf, 1000, &n), LKD_ERR_NOT_PROVIDED);
    CHECK_EQ_INT(n, 0);
    CHECK_EQ_INT(p.entropy(p.ctx, buf, sizeof buf), LKD_ERR_NOT_PROVIDED);
    CHECK(p.wall_time(p.ctx) == LKD_PORT_TIME_UNKNOWN);
    CHECK(p.monotonic_ms(p.ctx) == 0);
    p.sleep_ms(p.ctx, 10);
    p.close(p.ctx, 3);
}

static lkd_client_t client;

static void test_client_on_the_template(void)
{
    lkd_settings_t s;
    lkd_port_t p;
    lkd_result_t r;
    settings(&s);
    lkd_port_template_init(&p);
    /* Without entropy there is no TLS random generator: refused, not weakened,
     * with the port's own answer. */
    CHECK_EQ_INT(lkd_client_init(&client, &s, &p), LKD_ERR_NOT_PROVIDED);
    CHECK_EQ_INT(lkd_get_result(&client, "task", 4, &r), LKD_ERR_STATE);

    p.entropy = board_entropy;
    template_sleep = p.sleep_ms;
    p.sleep_ms = counted_sleep;
    CHECK_EQ_INT(lkd_client_init(&client, &s, &p), LKD_OK);
    CHECK(entropy_calls > 0);
    CHECK_EQ_INT(lkd_client_add_ca(&client, (const uint8_t *)test_ca_pem, sizeof test_ca_pem), LKD_OK);
    /* The first call reaches the port's connect and says what is missing;
     * "not provided" is not a network failure, so it is not retried (a clock
     * stuck at 0 would otherwise never end the backoff). */
    CHECK_EQ_INT(lkd_get_result(&client, "task", 4, &r), LKD_ERR_NOT_PROVIDED);
    CHECK_EQ_INT(sleeps, 0);
    CHECK_EQ_INT(lkd_get_result(&client, "task", 4, &r), LKD_ERR_NOT_PROVIDED);
    lkd_client_free(&client);
}

int main(void)
{
    test_every_function_answers_not_provided();
    test_client_on_the_template();
    return unit_report("port_template");
}
