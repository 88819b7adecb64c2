/* SPDX-License-Identifier: MIT */
/* Stopping a call (settings.abort) at each of its waits, over the in-process
 * TLS server of tls_loop.h and its fake clock: a blackholed connect, a stalled
 * handshake, a send that cannot go out, an answer that never comes, the sleep
 * between polls, the back-off before a retry, a download stalled mid-body.
 * Each ends with LKD_ERR_ABORTED at the first poll after the abort (so within
 * LKD_ABORT_POLL_MS of it), no wait went longer than that without a poll, and
 * the client's next call works; a stopped download resumes from its state, and
 * a stopped Create says whether its request had gone out. */
#include "lkd_job.h"
#include "unit.h"
#include "tls_loop.h"

static lkd_client_t client;
static lkd_settings_t settings;
static lkd_port_t port;

static const char processing_json[] = "{\"Response\":{\"Status\":\"Processing\",\"RequestId\":\"rid-p\"}}";
static const char success_json[] =
    "{\"Response\":{\"Status\":\"Success\",\"DocumentRecognizeResultUrl\":\"https://dl.test/r.zip?sig=1\","
    "\"RequestId\":\"rid-s\"}}";

/* The application's callback: stop from abort_at on (fake ms). */
static uint64_t abort_at;
static uint64_t stopped_at; /* when it first said stop, 0 before */
static uint64_t last_ask, longest_gap;
static unsigned asks;

static int app_abort(void *user)
{
    (void)user;
    if (asks > 0 && tl.mono - last_ask > longest_gap) {
        longest_gap = tl.mono - last_ask;
    }
    asks++;
    last_ask = tl.mono;
    if (tl.mono >= abort_at) {
        if (stopped_at == 0) {
            stopped_at = tl.mono;
        }
        return 1;
    }
    return 0;
}

static void fresh(void)
{
    lkd_client_free(&client);
    tl_reset();
    tl_port(&port);
    CHECK_EQ_INT(tl_client(&client, &settings, &port), LKD_OK);
    /* tl_client filled the settings: set the abort and make the client again. */
    lkd_client_free(&client);
    settings.abort = app_abort;
    settings.abort_user = NULL;
    CHECK_EQ_INT(lkd_client_init(&client, &settings, &port), LKD_OK);
    CHECK_EQ_INT(lkd_client_add_ca(&client, (const uint8_t *)test_ca_pem, sizeof test_ca_pem), LKD_OK);
    abort_at = UINT64_MAX;
}

/* Arm the abort `after` fake ms from now. */
static void arm(uint64_t after)
{
    abort_at = tl.mono + after;
    stopped_at = 0;
    asks = 0;
    longest_gap = 0;
}

/* The call that returned st was stopped at the first poll after the abort,
 * and waited no longer than LKD_ABORT_POLL_MS between polls. */
static void check_stopped(lkd_status_t st)
{
    CHECK_EQ_INT(st, LKD_ERR_ABORTED);
    CHECK(stopped_at >= abort_at);
    CHECK(stopped_at - abort_at <= LKD_ABORT_POLL_MS);
    CHECK_EQ_INT(tl.mono, stopped_at); /* nothing waited after the poll that said stop */
    CHECK(longest_gap <= LKD_ABORT_POLL_MS);
    CHECK(asks > 1);
}

/* The client works again once the abort no longer says stop. */
static void check_usable(void)
{
    lkd_result_t r;
    abort_at = UINT64_MAX;
    tl.connect_hang = 0;
    tl.hang_handshake = 0;
    tl.send_status = LKD_OK;
    tl_push_json(success_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "task-42", 7, &r), LKD_OK);
    CHECK_EQ_INT(r.status, LKD_TASK_SUCCESS);
}

static void test_connect_and_handshake(void)
{
    lkd_result_t r;
    /* A blackhole: the port's connect asks the abort (tls_loop's does as a port must). */
    fresh();
    tl.connect_hang = 1;
    arm(2550);
    check_stopped(lkd_get_result(&client, "task-42", 7, &r));
    CHECK_EQ_INT(tl.connects, 1); /* not retried */
    check_usable();
    /* A server that accepts and never answers the ClientHello. */
    fresh();
    tl.hang_handshake = 1;
    arm(1234);
    check_stopped(lkd_get_result(&client, "task-42", 7, &r));
    check_usable();
    /* A send that never goes out (the handshake's first). */
    fresh();
    tl.send_status = LKD_ERR_TIMEOUT;
    arm(777);
    check_stopped(lkd_get_result(&client, "task-42", 7, &r));
    check_usable();
    /* Already stopped: the call does not start (not even a connect). */
    fresh();
    arm(0);
    CHECK_EQ_INT(lkd_get_result(&client, "task-42", 7, &r), LKD_ERR_ABORTED);
    CHECK_EQ_INT(tl.connects, 0);
    CHECK_EQ_INT(tl.nreqs, 0);
    check_usable();
}

static void test_answer_and_sleeps(void)
{
    lkd_result_t r;
    lkd_wait_options_t o;
    /* The answer never comes. */
    fresh();
    tl_push_raw(NULL, 0, TL_HANG);
    arm(5000);
    check_stopped(lkd_get_result(&client, "task-42", 7, &r));
    check_usable();
    /* The sleep between two polls of lkd_wait (1000 ms +-20 %). */
    fresh();
    lkd_wait_options_default(&o);
    tl_push_json(processing_json, NULL);
    tl_push_json(processing_json, NULL);
    arm(1300); /* in the second pause, whatever the jitter: the first ends by 1200, the second by 2000 at the earliest */
    check_stopped(lkd_wait(&client, "task-42", 7, &o, &r));
    CHECK_EQ_INT(tl.nreqs, 2);
    check_usable();
    /* A 404 whose body stalls: stopped, not taken for the status. */
    fresh();
    {
        tl_step_t *s = tl_push_http(404, "", "not found, and more to come", 27, TL_HANG);
        s->cut = s->answer_len - 20;
    }
    arm(2000);
    check_stopped(lkd_get_result(&client, "task-42", 7, &r));
    check_usable();
    /* The back-off before a retry. */
    fresh();
    tl_push_http(503, "", "", 0, TL_KEEP);
    arm(50);
    check_stopped(lkd_get_result(&client, "task-42", 7, &r));
    CHECK_EQ_INT(tl.nreqs, 1);
    CHECK(tl.slept_ms > 0);
    check_usable();
}

static void test_create(void)
{
    lkd_create_t p;
    lkd_span_t id;
    lkd_create_default(&p);
    p.file_url = "https://example.com/a.pdf";
    p.file_type = "PDF";
    /* Sent whole, then stopped waiting for the answer: the task may exist. */
    fresh();
    tl_push_raw(NULL, 0, TL_HANG);
    arm(3000);
    check_stopped(lkd_create(&client, &p, &id));
    CHECK_EQ_INT(tl.nreqs, 1);
    CHECK_EQ_INT(lkd_client_outcome_unknown(&client), 1);
    check_usable();
    CHECK_EQ_INT(lkd_client_outcome_unknown(&client), 0); /* the next call clears it */
    /* Stopped before its request went out: nothing was made. */
    fresh();
    tl.connect_hang = 1;
    arm(300);
    check_stopped(lkd_create(&client, &p, &id));
    CHECK_EQ_INT(lkd_client_outcome_unknown(&client), 0);
    CHECK_EQ_INT(tl.nreqs, 0);
    check_usable();
    CHECK_EQ_INT(lkd_client_outcome_unknown(NULL), 0);
}

/* A document read piece by piece: the abort says stop once two were read. */
static unsigned doc_reads, stop_reads_at;
static int stop_after_reads(void *user)
{
    (void)user;
    return doc_reads >= stop_reads_at;
}

static lkd_status_t read_doc(void *user, uint64_t offset, uint8_t *buf, size_t len, size_t *got)
{
    (void)user;
    (void)offset;
    memset(buf, 'x', len);
    *got = len;
    doc_reads++;
    return LKD_OK;
}

static void signed_upload(lkd_create_t *p, lkd_file_source_t *f, unsigned pieces)
{
    fresh();
    lkd_client_free(&client);
    settings.abort = stop_after_reads;
    CHECK_EQ_INT(lkd_client_init(&client, &settings, &port), LKD_OK);
    CHECK_EQ_INT(lkd_client_add_ca(&client, (const uint8_t *)test_ca_pem, sizeof test_ca_pem), LKD_OK);
    memset(f, 0, sizeof *f);
    f->read = read_doc;
    f->size = pieces * (uint64_t)LKD_UPLOAD_PIECE_SIZE;
    lkd_create_default(p);
    p->file = f;
    p->file_type = "PDF";
    doc_reads = 0;
}

static void test_create_hashing(void)
{
    lkd_create_t p;
    lkd_file_source_t f;
    lkd_span_t id;
    /* Hashing a signed upload is computation without a wait: the abort is
     * asked per piece, before anything is connected. */
    signed_upload(&p, &f, 10);
    stop_reads_at = 2;
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_ABORTED);
    CHECK_EQ_INT(doc_reads, 2);
    CHECK_EQ_INT(tl.connects, 0);
    CHECK_EQ_INT(lkd_client_outcome_unknown(&client), 0);
    /* Stopped in the middle of streaming it (hashed: 10 reads, then 3 pieces
     * sent): the request did not go out whole, so no task was made. */
    signed_upload(&p, &f, 10);
    stop_reads_at = 13;
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_ABORTED);
    CHECK_EQ_INT(doc_reads, 13);
    CHECK_EQ_INT(tl.connects, 1);
    CHECK_EQ_INT(lkd_client_outcome_unknown(&client), 0);
    stop_reads_at = UINT32_MAX;
    check_usable();
    /* An invalid Create after it says nothing of an earlier one. */
    signed_upload(&p, &f, 1);
    tl_push_raw(NULL, 0, TL_HANG);
    settings.abort = app_abort;
    lkd_client_free(&client);
    CHECK_EQ_INT(lkd_client_init(&client, &settings, &port), LKD_OK);
    CHECK_EQ_INT(lkd_client_add_ca(&client, (const uint8_t *)test_ca_pem, sizeof test_ca_pem), LKD_OK);
    arm(3000);
    check_stopped(lkd_create(&client, &p, &id));
    CHECK_EQ_INT(lkd_client_outcome_unknown(&client), 1);
    CHECK_EQ_INT(lkd_create(&client, NULL, &id), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_client_outcome_unknown(&client), 0);
}

static uint8_t archive[3000];
static uint8_t got[sizeof archive];
static size_t got_len;

static lkd_status_t sink(void *user, const uint8_t *data, size_t len)
{
    (void)user;
    if (len > sizeof got - got_len) {
        return LKD_ERR_WRITE;
    }
    memcpy(got + got_len, data, len);
    got_len += len;
    return LKD_OK;
}

static void test_download(void)
{
    lkd_download_options_t o;
    lkd_download_state_t st;
    uint64_t bytes = 0;
    char h[160], v[64];
    size_t i;
    tl_step_t *s;
    for (i = 0; i < sizeof archive; i++) {
        archive[i] = (uint8_t)(i * 29u + 3u);
    }
    fresh();
    lkd_download_options_default(&o);
    o.sink = sink;
    o.url.ptr = "https://dl.test/r.zip?sig=1";
    o.url.len = strlen(o.url.ptr);
    memset(&st, 0, sizeof st);
    o.state = &st;
    got_len = 0;
    snprintf(h, sizeof h, "ETag: \"e-1\"\r\nx-cos-hash-crc64ecma: %llu\r\n",
             (unsigned long long)lkd_crc64(0, archive, sizeof archive));
    /* 1200 body bytes, then the store stalls. */
    s = tl_push_http(200, h, (const char *)archive, sizeof archive, TL_HANG);
    s->cut = s->answer_len - sizeof archive + 1200;
    arm(4000);
    check_stopped(lkd_download_result(&client, "task-42", 7, &o, &bytes));
    /* The state describes exactly what the sink holds. */
    CHECK_EQ_INT(got_len, 1200);
    CHECK_EQ_INT(bytes, 1200);
    CHECK_EQ_INT(st.delivered, 1200);
    CHECK(st.crc == lkd_crc64(0, got, got_len));
    CHECK(st.etag_len == 5 && memcmp(st.etag, "\"e-1\"", 5) == 0);
    CHECK(st.flags & LKD_DOWNLOAD_HAS_TOTAL);
    CHECK(!(st.flags & LKD_DOWNLOAD_VERIFIED));
    /* The next run resumes from it. */
    abort_at = UINT64_MAX;
    snprintf(h, sizeof h, "ETag: \"e-1\"\r\nx-cos-hash-crc64ecma: %llu\r\nContent-Range: bytes 1200-2999/3000\r\n",
             (unsigned long long)lkd_crc64(0, archive, sizeof archive));
    tl_push_http(206, h, (const char *)archive + 1200, sizeof archive - 1200, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "task-42", 7, &o, &bytes), LKD_OK);
    CHECK_EQ_INT(bytes, sizeof archive);
    CHECK(got_len == sizeof archive && memcmp(got, archive, sizeof archive) == 0);
    CHECK(strcmp(tl_req_header(tl.nreqs - 1, "Range", v, sizeof v), "bytes=1200-") == 0);
    CHECK(st.flags & LKD_DOWNLOAD_VERIFIED);
    check_usable();
    /* Already stopped: no GET starts. */
    memset(&st, 0, sizeof st);
    got_len = 0;
    arm(0);
    i = tl.connects;
    CHECK_EQ_INT(lkd_download_result(&client, "task-42", 7, &o, &bytes), LKD_ERR_ABORTED);
    CHECK_EQ_INT(tl.connects, i);
    /* Stopped in the pause after the store's 503, before resuming. */
    fresh();
    tl_push_http(503, "", "", 0, TL_KEEP);
    arm(50);
    check_stopped(lkd_download_result(&client, "task-42", 7, &o, &bytes));
    CHECK_EQ_INT(tl.nreqs, 1);
    CHECK(tl.slept_ms > 0);
    CHECK_EQ_INT(got_len, 0);
    check_usable();
}

int main(void)
{
    test_connect_and_handshake();
    test_answer_and_sleeps();
    test_create();
    test_create_hashing();
    test_download();
    lkd_client_free(&client);
    return unit_report("abort");
}
