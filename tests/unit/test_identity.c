/* SPDX-License-Identifier: MIT */
/* Host identity, kept TLS sessions and the certificate clock, over a real TLS
 * session with the in-process server (tls_loop.h).
 *
 * An earlier version keyed the open connection and the saved sessions by a
 * 32-bit FNV-1a hash of host:port.  FNV-1a is invertible, so the first test
 * computes a name under *.evil.test (a result host an attacker can hold a
 * certificate for) whose old key equals api.test's, and the others check that
 * nothing of the API host (its connection, its session, its signed requests)
 * ever goes to that name or to a server holding only its certificate. */
#include "lkd_mbedtls.h"
#include "lkd_tls.h"
#include "lkd_job.h"
#include "unit.h"
#include "tls_loop.h"

static lkd_client_t client;
static lkd_settings_t settings;
static lkd_port_t port;

/* ---- the old key and its inverter ------------------------------------------------------ */

#define FNV_BASIS 2166136261u
#define FNV_PRIME 16777619u

static uint32_t fnv_step(uint32_t h, uint8_t b)
{
    return (h ^ b) * FNV_PRIME;
}

/* The key lkd_tls.c used to identify host:port by. */
static uint32_t old_key(const char *host, uint16_t port_no)
{
    uint32_t h = FNV_BASIS;
    for (; *host != '\0'; host++) {
        h = fnv_step(h, (uint8_t)*host);
    }
    h = fnv_step(h, (uint8_t)(port_no >> 8));
    h = fnv_step(h, (uint8_t)port_no);
    return h == 0 ? 1 : h;
}

static const char letters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
#define NL 36u
#define BACK_N (NL * NL * NL)

typedef struct {
    uint32_t state;
    uint32_t index;
} mid_t;

static mid_t back[BACK_N];

static int by_state(const void *a, const void *b)
{
    uint32_t x = ((const mid_t *)a)->state, y = ((const mid_t *)b)->state;
    return x < y ? -1 : x > y;
}

/* A name "<7 letters>.evil.test" with the state api.test reaches after its
 * last byte (the port bytes that follow are the same): meet in the middle,
 * 4 letters forward from the basis, 3 backward from the target. */
static int colliding_name(char out[32])
{
    static const char tail[] = ".evil.test";
    uint32_t inv = FNV_PRIME, target = FNV_BASIS, fwd;
    size_t i, k;
    const char *p;
    for (i = 0; i < 5; i++) {
        inv *= 2u - FNV_PRIME * inv; /* Newton: the inverse of the prime mod 2^32 */
    }
    for (p = "api.test"; *p != '\0'; p++) {
        target = fnv_step(target, (uint8_t)*p);
    }
    for (k = sizeof tail - 1; k-- > 0;) {
        target = (target * inv) ^ (uint8_t)tail[k];
    }
    for (i = 0; i < BACK_N; i++) {
        uint32_t s = target;
        s = (s * inv) ^ (uint8_t)letters[i % NL];
        s = (s * inv) ^ (uint8_t)letters[i / NL % NL];
        s = (s * inv) ^ (uint8_t)letters[i / NL / NL];
        back[i].state = s;
        back[i].index = (uint32_t)i;
    }
    qsort(back, BACK_N, sizeof back[0], by_state);
    for (i = 0; i < NL * NL * NL * NL; i++) {
        mid_t key, *hit;
        fwd = fnv_step(fnv_step(fnv_step(fnv_step(FNV_BASIS, (uint8_t)letters[i % NL]),
                                         (uint8_t)letters[i / NL % NL]),
                                (uint8_t)letters[i / NL / NL % NL]),
                       (uint8_t)letters[i / NL / NL / NL]);
        key.state = fwd;
        hit = bsearch(&key, back, BACK_N, sizeof back[0], by_state);
        if (hit != NULL) {
            uint32_t j = hit->index;
            out[0] = letters[i % NL];
            out[1] = letters[i / NL % NL];
            out[2] = letters[i / NL / NL % NL];
            out[3] = letters[i / NL / NL / NL];
            out[4] = letters[j / NL / NL];
            out[5] = letters[j / NL % NL];
            out[6] = letters[j % NL];
            memcpy(out + 7, tail, sizeof tail);
            return 1;
        }
    }
    return 0;
}

static char evil[32];
static char evil_url_json[256];
static char get_evil[64];

static void test_collision_exists(void)
{
    CHECK(colliding_name(evil));
    CHECK(strcmp(evil, "api.test") != 0);
    CHECK_EQ_INT(old_key(evil, 443), old_key("api.test", 443));
    snprintf(evil_url_json, sizeof evil_url_json,
             "{\"Response\":{\"Status\":\"Success\",\"DocumentRecognizeResultUrl\":\"https://%s/r.zip?sig=1\","
             "\"RequestId\":\"rid-s\"}}",
             evil);
    snprintf(get_evil, sizeof get_evil, "Host: %s\r\n", evil);
    printf("identity: %s collides with api.test under the old key %08x\n", evil, (unsigned)old_key(evil, 443));
}

/* ---- helpers ------------------------------------------------------------------------- */

static const char processing_json[] = "{\"Response\":{\"Status\":\"Processing\",\"RequestId\":\"rid-p\"}}";
static const char create_json[] = "{\"Response\":{\"TaskId\":\"task-2\",\"RequestId\":\"rid-c\"}}";
static const char archive[] = "PK-the-archive";
static size_t sunk;

static lkd_status_t sink(void *user, const uint8_t *data, size_t len)
{
    (void)user;
    (void)data;
    sunk += len;
    return LKD_OK;
}

static void fresh(void)
{
    lkd_client_free(&client);
    tl_reset();
    sunk = 0;
    CHECK_EQ_INT(tl_client(&client, &settings, &port), LKD_OK);
}

/* Every signed API request went to api.test and was answered by the API's
 * own certificate; every GET went to the result host. */
static void check_no_api_request_reached(const char *what)
{
    unsigned i, api = 0;
    for (i = 0; i < tl.nreqs; i++) {
        int is_api = strncmp(tl.reqs[i].head, "POST ", 5) == 0;
        if (is_api) {
            api++;
        }
        if (is_api && (strcmp(tl.reqs[i].host, "api.test") != 0 || tl.reqs[i].served_by == TL_CERT_EVIL)) {
            fprintf(stderr, "%s: API request %u reached %s (certificate %d)\n", what, i, tl.reqs[i].host,
                    tl.reqs[i].served_by);
            unit_failed++;
            return;
        }
        if (!is_api && strcmp(tl.reqs[i].host, evil) != 0) {
            fprintf(stderr, "%s: GET %u went to %s\n", what, i, tl.reqs[i].host);
            unit_failed++;
            return;
        }
    }
    CHECK(api > 0);
    unit_passed++;
}

static void dl_options(lkd_download_options_t *o)
{
    lkd_download_options_default(o);
    o->sink = sink;
}

/* ---- 1. connections ---------------------------------------------------------------- */

/* The URL answer closes the API connection; the result host keeps its own
 * open after a 403, so the refresh of the URL must not go over it. */
static void test_kept_alive_result_connection_is_not_the_api(void)
{
    lkd_download_options_t o;
    uint64_t bytes = 0;
    fresh();
    dl_options(&o);
    tl_push_http(200, "Connection: close\r\n", evil_url_json, strlen(evil_url_json), TL_CLOSE);
    tl_push_http(403, "", "denied", 6, TL_KEEP);
    tl_push_json(evil_url_json, NULL);
    tl_push_http(200, "", archive, sizeof archive - 1, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "task-1", 6, &o, &bytes), LKD_OK);
    CHECK_EQ_INT(bytes, sizeof archive - 1);
    CHECK_EQ_INT(tl.nreqs, 4);
    CHECK(tl_req_has(1, get_evil));
    CHECK(tl_req_has(2, "X-TC-Action: GetReconstructDocumentResult"));
    check_no_api_request_reached("403 refresh");
    /* Three connections: API, result host, API again. */
    CHECK_EQ_INT(tl.connects, 4);
}

/* Both connections kept alive: the GET must not ride the API's connection. */
static void test_api_connection_is_not_the_result_host(void)
{
    lkd_download_options_t o;
    uint64_t bytes = 0;
    fresh();
    dl_options(&o);
    tl_push_json(evil_url_json, NULL);
    tl_push_http(200, "", archive, sizeof archive - 1, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "task-1", 6, &o, &bytes), LKD_OK);
    CHECK_EQ_INT(tl.connects, 2);
    CHECK_EQ_INT(tl.reqs[1].served_by, TL_CERT_EVIL);
    check_no_api_request_reached("GET after the URL");
}

/* What a device runs: poll until Success, download, create the next task.
 * The Create (the whole scanned document) never reaches the result host. */
static void test_device_loop_create_never_reaches_the_result_host(void)
{
    lkd_wait_options_t w;
    lkd_download_options_t o;
    lkd_result_t r;
    lkd_create_t p;
    lkd_span_t task;
    uint64_t bytes = 0;
    fresh();
    lkd_wait_options_default(&w);
    dl_options(&o);
    tl_push_json(processing_json, NULL);
    tl_push_json(evil_url_json, NULL);
    tl_push_http(200, "", archive, sizeof archive - 1, TL_KEEP);
    tl_push_json(create_json, NULL);
    CHECK_EQ_INT(lkd_wait(&client, "task-1", 6, &w, &r), LKD_OK);
    o.url = r.result_url;
    CHECK_EQ_INT(lkd_download_result(&client, "task-1", 6, &o, &bytes), LKD_OK);
    lkd_create_default(&p);
    p.file_type = "PDF";
    p.file_url = "https://example.com/next.pdf";
    CHECK_EQ_INT(lkd_create(&client, &p, &task), LKD_OK);
    CHECK_SPAN(task.ptr, task.len, "task-2");
    CHECK(tl_req_has(3, "X-TC-Action: CreateReconstructDocumentFlow"));
    check_no_api_request_reached("device loop");
    CHECK_EQ_INT(tl.connects, 3);
}

/* Names differing only in letter case are the same host; anything else is not. */
static void test_exact_names(void)
{
    fresh();
    tl_push_json(processing_json, NULL);
    {
        lkd_result_t r;
        CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    }
    CHECK(lkd_tls_is_open_to(&client.internal.tls, "api.test", 443));
    CHECK(lkd_tls_is_open_to(&client.internal.tls, "API.Test", 443));
    CHECK(!lkd_tls_is_open_to(&client.internal.tls, evil, 443));
    CHECK(!lkd_tls_is_open_to(&client.internal.tls, "api.test", 444));
    CHECK(!lkd_tls_is_open_to(&client.internal.tls, "api.tes", 443));
    CHECK(!lkd_tls_is_open_to(&client.internal.tls, "api.testx", 443));
    CHECK(!lkd_tls_is_open_to(&client.internal.tls, "", 443));
}

/* ---- 1. sessions ------------------------------------------------------------------- */

/* The API's session is saved; the result host's (a colliding name) goes to
 * its own slot.  Then an impostor holding only the result host's certificate
 * (and its sessions) takes the API host's place: the client offers the API's
 * own session, which the impostor cannot resume, so the full handshake
 * checks the certificate and fails: nothing signed goes out. */
static void test_session_of_the_result_host_is_never_offered_to_the_api(void)
{
    lkd_download_options_t o;
    lkd_result_t r;
    uint64_t bytes = 0;
    uint32_t resumed;
    fresh();
    dl_options(&o);
    tl_push_http(200, "Connection: close\r\n", evil_url_json, strlen(evil_url_json), TL_CLOSE);
    tl_push_http(200, "Connection: close\r\n", archive, sizeof archive - 1, TL_CLOSE);
    CHECK_EQ_INT(lkd_download_result(&client, "task-1", 6, &o, &bytes), LKD_OK);
    CHECK_EQ_INT(client.internal.tls.resumed, 0); /* the API's session was not offered to the result host */
    resumed = client.internal.tls.resumed;
    tl.impostor_on_api = 1;
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "task-1", 6, &r), LKD_ERR_CERT);
    CHECK_EQ_INT(client.internal.tls.resumed, resumed);
    CHECK_EQ_INT(tl.nreqs, 2);
    check_no_api_request_reached("impostor");
    /* The real API host, once back, gets a full handshake: a session offered
     * in a failed handshake is never offered again. */
    tl.impostor_on_api = 0;
    CHECK_EQ_INT(lkd_get_result(&client, "task-1", 6, &r), LKD_OK);
    CHECK_EQ_INT(client.internal.tls.resumed, resumed);
    check_no_api_request_reached("after the impostor");
}

/* A session is resumed only with the host that made it, and on it. */
static void test_session_resumes_with_its_own_host(void)
{
    lkd_result_t r;
    fresh();
    tl_push_http(200, "Connection: close\r\n", processing_json, strlen(processing_json), TL_CLOSE);
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(client.internal.tls.handshakes, 2);
    CHECK_EQ_INT(client.internal.tls.resumed, 1);
    CHECK(strcmp(client.internal.tls.saved[0].peer.name, "api.test") == 0);
    CHECK_EQ_INT(client.internal.tls.saved[0].peer.port, 443);
}

/* Kept sessions expire: after LKD_TLS_SESSION_MAX_S, and once the chain they
 * were verified with is no longer valid (then the full handshake refuses it). */
static void test_session_expiry(void)
{
    lkd_result_t r;
    fresh();
    tl_push_http(200, "Connection: close\r\n", processing_json, strlen(processing_json), TL_CLOSE);
    tl_push_http(200, "Connection: close\r\n", processing_json, strlen(processing_json), TL_CLOSE);
    tl_push_http(200, "Connection: close\r\n", processing_json, strlen(processing_json), TL_CLOSE);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    tl.mono += (uint64_t)LKD_TLS_SESSION_MAX_S * 1000u - 5000u; /* just inside: resumed */
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(client.internal.tls.resumed, 1);
    tl.mono += 6000u; /* the first handshake is now over two hours ago: resuming never extended it */
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(client.internal.tls.resumed, 1);
    CHECK_EQ_INT(client.internal.tls.handshakes, 3);

    /* A server that resumes by tickets says how long its ticket lives: the
     * client offers it no longer than that, even though this server would
     * still take it. */
    fresh();
    tl.tickets = 1;
    tl_push_http(200, "Connection: close\r\n", processing_json, strlen(processing_json), TL_CLOSE);
    tl_push_http(200, "Connection: close\r\n", processing_json, strlen(processing_json), TL_CLOSE);
    tl_push_http(200, "Connection: close\r\n", processing_json, strlen(processing_json), TL_CLOSE);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK(client.internal.tls.saved[0].expires_ms == tl.mono + TL_TICKET_LIFETIME * 1000u);
    tl.mono += (TL_TICKET_LIFETIME - 10) * 1000u;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(client.internal.tls.resumed, 1);
    tl.mono += 20000u;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(client.internal.tls.resumed, 1);
    CHECK_EQ_INT(client.internal.tls.handshakes, 3);

    /* Ten minutes later the device clock reads 2046: the saved chain expired
     * in 2045, so the session is dropped and the full handshake refuses it. */
    fresh();
    tl_push_http(200, "Connection: close\r\n", processing_json, strlen(processing_json), TL_CLOSE);
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    tl.mono += 600000u;
    tl.wall_base = 2335219200; /* 2044-01-01 at mono 0: still valid, resumed */
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(client.internal.tls.resumed, 1);
    lkd_client_close(&client);
    tl.wall_base = 2398291200; /* 2046-01-01 */
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);
    CHECK_EQ_INT(client.internal.tls.resumed, 1);
    CHECK_EQ_INT(tl.nreqs, 2);
}

/* ---- 6. the certificate clock ----------------------------------------------------------- */

#define DATE_2026_03 "Sun, 01 Mar 2026 00:00:00 GMT"
#define DATE_2026_09 "Tue, 01 Sep 2026 00:00:00 GMT"
#define UNIX_2026_08 1785542400 /* 2026-08-01 */

/* One poll answered with a Date, over a connection that then closes, so the
 * next call makes a full handshake with whatever certificate tl.cert says. */
static void poll_with_date(const char *date, lkd_status_t expect)
{
    lkd_result_t r;
    char headers[128];
    snprintf(headers, sizeof headers, "Connection: close\r\nDate: %s\r\n", date);
    tl_push_http(200, headers, processing_json, strlen(processing_json), TL_CLOSE);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), expect);
}

static void forget_sessions(void)
{
    size_t i;
    for (i = 0; i < LKD_TLS_SESSION_SLOTS; i++) {
        client.internal.tls.saved[i].expires_ms = 0;
    }
}

static void test_clock_policy(void)
{
    lkd_result_t r;
    /* A right device clock (2026-11): a server Date of March does not make a
     * certificate that expired in June acceptable. */
    fresh();
    poll_with_date(DATE_2026_03, LKD_OK);
    CHECK_EQ_INT(client.internal.clock_anchor_unix, 1772323200);
    tl.cert = TL_CERT_STALE;
    forget_sessions();
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);
    CHECK_EQ_INT(lkd_client_validity_time(&client), TL_NOW + (int64_t)(tl.mono / 1000u));

    /* No device clock: the server's September Date is used; a later answer
     * dated March does not move the validity time back. */
    fresh();
    tl.wall_base = LKD_PORT_TIME_UNKNOWN;
    CHECK_EQ_INT(lkd_client_validity_time(&client), -1);
    poll_with_date(DATE_2026_09, LKD_OK);
    CHECK(lkd_client_validity_time(&client) >= 1788220800);
    poll_with_date(DATE_2026_03, LKD_OK);
    CHECK_EQ_INT(client.internal.clock_anchor_unix, 1772323200); /* signing follows the server */
    CHECK(lkd_client_validity_time(&client) >= 1788220800);
    tl.cert = TL_CERT_STALE;
    forget_sessions();
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);

    /* No device clock and no answer yet: the floor is a lower bound only, so
     * the June certificate passes (it expired after the floor) and one that
     * expired before the floor does not... */
    fresh();
    tl.wall_base = LKD_PORT_TIME_UNKNOWN;
    tl.cert = TL_CERT_STALE;
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    fresh();
    tl.wall_base = LKD_PORT_TIME_UNKNOWN;
    tl.cert = TL_CERT_EXPIRED;
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);
    /* ...unless the application gives a persisted later time, which raises it. */
    lkd_client_free(&client);
    tl_reset();
    tl_port(&port);
    tl.wall_base = LKD_PORT_TIME_UNKNOWN;
    settings.last_known_time = UNIX_2026_08;
    CHECK_EQ_INT(lkd_client_init(&client, &settings, &port), LKD_OK);
    CHECK_EQ_INT(lkd_client_add_ca(&client, (const uint8_t *)test_ca_pem, sizeof test_ca_pem), LKD_OK);
    tl.cert = TL_CERT_STALE;
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);
    /* A device clock behind that time is not believed either. */
    lkd_client_free(&client);
    tl_reset();
    tl_port(&port);
    tl.wall_base = 1775000000; /* 2026-04: after the build floor, before the persisted time */
    CHECK_EQ_INT(lkd_client_init(&client, &settings, &port), LKD_OK);
    CHECK_EQ_INT(lkd_client_add_ca(&client, (const uint8_t *)test_ca_pem, sizeof test_ca_pem), LKD_OK);
    tl.cert = TL_CERT_STALE;
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CERT);
    settings.last_known_time = -1;
    CHECK_EQ_INT(lkd_client_init(&client, &settings, &port), LKD_ERR_ARG_RANGE);
    settings.last_known_time = 0;
}

int main(void)
{
    test_collision_exists();
    test_kept_alive_result_connection_is_not_the_api();
    test_api_connection_is_not_the_result_host();
    test_device_loop_create_never_reaches_the_result_host();
    test_exact_names();
    test_session_of_the_result_host_is_never_offered_to_the_api();
    test_session_resumes_with_its_own_host();
    test_session_expiry();
    test_clock_policy();
    lkd_client_free(&client);
    return unit_report("identity");
}
