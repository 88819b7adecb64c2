/* SPDX-License-Identifier: MIT */
/* Bad caller input names what is wrong: each argument check of the public
 * functions answers its LKD_ERR_ARG_* kind, and lkd_client_arg_error says
 * which argument, what is wrong with it and, for a string too long, how long
 * it is and may be.  No network: every refusal comes before a connection. */
#include <stdint.h>
#include <string.h>

#include "lkd_client.h"
#include "lkd_job.h"
#include "offline_port.h"
#include "unit.h"

static void settings(lkd_settings_t *s, lkd_profile_t profile)
{
    lkd_settings_default(s, profile);
    s->secret_id = "AKIDARGS";
    s->secret_key = "args-test-key";
}

static lkd_client_t client;

static void fresh(lkd_profile_t profile)
{
    lkd_settings_t s;
    lkd_port_t p;
    lkd_client_free(&client);
    settings(&s, profile);
    offline_port(&p);
    CHECK_EQ_INT(lkd_client_init(&client, &s, &p), LKD_OK);
}

/* The client's record says kind, name and (when rule is not NULL) rule. */
static void check_named(lkd_status_t got, lkd_status_t kind, const char *name, const char *rule, int line)
{
    const lkd_arg_error_t *e = lkd_client_arg_error(&client);
    if (got == kind && e->status == kind && strcmp(e->name, name) == 0 && (rule == NULL || strcmp(e->rule, rule) == 0) &&
        e->rule[0] != '\0') {
        unit_passed++;
    } else {
        unit_failed++;
        fprintf(stderr, "test_args.c:%d: got %d, recorded %d \"%s\" \"%s\"; expected %d \"%s\" \"%s\"\n", line, (int)got,
                (int)e->status, e->name, e->rule, (int)kind, name, rule != NULL ? rule : "(any)");
    }
}
#define CHECK_NAMED(call, kind, name, rule) check_named((call), (kind), (name), (rule), __LINE__)

static void test_statuses(void)
{
    static const lkd_status_t kinds[] = {LKD_ERR_ARG,       LKD_ERR_ARG_NULL,  LKD_ERR_ARG_EMPTY,   LKD_ERR_ARG_TOO_LONG,
                                         LKD_ERR_ARG_FORMAT, LKD_ERR_ARG_RANGE, LKD_ERR_ARG_CONFLICT};
    size_t i, j;
    for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        CHECK(lkd_status_is_arg(kinds[i]));
        CHECK(strstr(lkd_strerror(kinds[i]), "argument") != NULL);
        for (j = 0; j < i; j++) {
            CHECK(strcmp(lkd_strerror(kinds[i]), lkd_strerror(kinds[j])) != 0);
        }
    }
    CHECK(!lkd_status_is_arg(LKD_OK));
    CHECK(!lkd_status_is_arg(LKD_ERR_CONFIG));
    CHECK(!lkd_status_is_arg(LKD_ERR_MALFORMED));
    CHECK(!lkd_status_is_arg(LKD_STATUS_COUNT));
    /* Never NULL, and empty when nothing was recorded. */
    CHECK_EQ_INT(lkd_client_arg_error(NULL)->status, LKD_OK);
    CHECK(strcmp(lkd_client_arg_error(NULL)->name, "") == 0);
    memset(&client, 0, sizeof client);
    CHECK(strcmp(lkd_client_arg_error(&client)->name, "") == 0);
}

static void test_init(void)
{
    lkd_settings_t s;
    lkd_port_t p;
    char long_id[200];
    const char *bad_hosts[1] = {"has space"};
    memset(long_id, 'A', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    offline_port(&p);
    lkd_client_free(&client);
    memset(&client, 0, sizeof client);
    CHECK_EQ_INT(lkd_client_init(NULL, NULL, &p), LKD_ERR_ARG_NULL);
    CHECK_NAMED(lkd_client_init(&client, NULL, &p), LKD_ERR_ARG_NULL, "settings", "is missing (NULL)");
    settings(&s, LKD_PROFILE_LKE);
    CHECK_NAMED(lkd_client_init(&client, &s, NULL), LKD_ERR_ARG_NULL, "port", NULL);
    s.secret_id = long_id;
    CHECK_NAMED(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_TOO_LONG, "settings.secret_id", "is too long");
    CHECK_EQ_INT(lkd_client_arg_error(&client)->length, 199);
    CHECK_EQ_INT(lkd_client_arg_error(&client)->limit, 128);
    s.secret_id = "AKID ARGS";
    CHECK_NAMED(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_FORMAT, "settings.secret_id",
                "must be letters, digits, '-', '.' and '_'");
    settings(&s, LKD_PROFILE_LKE);
    s.region = "ap-guangzhou\r\nX-Evil: 1"; /* refused before any request could carry it */
    CHECK_NAMED(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_FORMAT, "settings.region", NULL);
    settings(&s, LKD_PROFILE_LKE);
    s.host = "lke test";
    CHECK_NAMED(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_FORMAT, "settings.host",
                "must be a host name (letters, digits, '-' and '.') or an IP address (IPv6 without brackets)");
    /* The bracketed form (with a port inside or not) is the request's to
     * write: taken here it would go out as SNI and be signed as the host. */
    s.host = "[::1]:8443";
    CHECK_NAMED(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_FORMAT, "settings.host", NULL);
    s.host = "[::1]";
    CHECK_NAMED(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_FORMAT, "settings.host", NULL);
    s.host = "::ffff:127.0.0.1"; /* a dotted-quad tail: lkd_text_parse_ip refuses it */
    CHECK_NAMED(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_FORMAT, "settings.host", NULL);
    settings(&s, LKD_PROFILE_LKE);
    s.token = "tok en";
    CHECK_NAMED(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_FORMAT, "settings.token", "must be visible ASCII");
    settings(&s, LKD_PROFILE_LKE);
    s.secret_key = "";
    CHECK_NAMED(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_EMPTY, "settings.secret_key", "is empty");
    settings(&s, LKD_PROFILE_LKE);
    s.language = "";
    CHECK_NAMED(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_RANGE, "settings.language", "must be en-US or zh-CN");
    settings(&s, LKD_PROFILE_LKE);
    s.last_known_time = -1;
    CHECK_NAMED(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_RANGE, "settings.last_known_time", NULL);
    /* An upload rate of 1 B/s would let a 6 MiB file hold a Create for weeks. */
    {
        static const uint32_t rates[] = {1, LKD_UPLOAD_RATE_MIN - 1};
        size_t i;
        for (i = 0; i < 2; i++) {
            settings(&s, LKD_PROFILE_LKE);
            s.upload_bytes_per_s = rates[i];
            CHECK_NAMED(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_RANGE, "settings.upload_bytes_per_s",
                        "must be 0 or at least 1024");
        }
        s.upload_bytes_per_s = LKD_UPLOAD_RATE_MIN;
        CHECK_EQ_INT(lkd_client_init(&client, &s, &p), LKD_OK);
        lkd_client_free(&client);
        s.upload_bytes_per_s = 0;
        CHECK_EQ_INT(lkd_client_init(&client, &s, &p), LKD_OK);
        lkd_client_free(&client);
    }
    settings(&s, LKD_PROFILE_LKE);
    s.result_host_count = 1;
    CHECK_NAMED(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_NULL, "settings.result_hosts", NULL);
    s.result_hosts = bad_hosts;
    CHECK_NAMED(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_FORMAT, "settings.result_hosts", NULL);
    /* A refused init leaves the client not initialised: calls say so. */
    CHECK_EQ_INT(lkd_cancel_task(&client, "t", 1), LKD_ERR_STATE);
    settings(&s, LKD_PROFILE_LKE);
    s.secret_id = "AKID-ARGS_0.9"; /* every byte a token may hold */
    CHECK_EQ_INT(lkd_client_init(&client, &s, &p), LKD_OK);
    lkd_client_free(&client);
}

static void test_task_id(void)
{
    char long_id[300];
    lkd_result_t r;
    const lkd_arg_error_t *e;
    fresh(LKD_PROFILE_LKE);
    e = lkd_client_arg_error(&client);
    memset(long_id, 't', sizeof long_id);
    CHECK_NAMED(lkd_get_result(&client, long_id, sizeof long_id, &r), LKD_ERR_ARG_TOO_LONG, "task_id", NULL);
    CHECK_EQ_INT(e->length, 300);
    CHECK_EQ_INT(e->limit, LKD_TASK_ID_SIZE - 1);
    /* Just at the limit it is taken (the call then fails for want of a CA). */
    CHECK_EQ_INT(lkd_get_result(&client, long_id, LKD_TASK_ID_SIZE - 1, &r), LKD_ERR_STATE);
    CHECK_EQ_INT(e->status, LKD_OK); /* the next call cleared the record */
    CHECK_NAMED(lkd_get_result(&client, NULL, 1, &r), LKD_ERR_ARG_NULL, "task_id", NULL);
    CHECK_NAMED(lkd_get_result(&client, "t", 0, &r), LKD_ERR_ARG_EMPTY, "task_id", NULL);
    CHECK_NAMED(lkd_get_result(&client, "a\0b", 3, &r), LKD_ERR_ARG_FORMAT, "task_id", "must be UTF-8 without NUL bytes");
    CHECK_NAMED(lkd_get_result(&client, "\xc3(", 2, &r), LKD_ERR_ARG_FORMAT, "task_id", "must be UTF-8 without NUL bytes");
    CHECK_NAMED(lkd_get_result(&client, "t", 1, NULL), LKD_ERR_ARG_NULL, "result", NULL);
    /* lke serves no CancelTask: refused whatever the task id. */
    CHECK_NAMED(lkd_cancel_task(&client, "t", 1), LKD_ERR_ARG_CONFLICT, "settings.caps", "lack LKD_CAP_CANCEL_TASK");
    CHECK_NAMED(lkd_wait(&client, "", 0, NULL, &r), LKD_ERR_ARG_EMPTY, "task_id", NULL);
    fresh(LKD_PROFILE_LKEAP);
    e = lkd_client_arg_error(&client);
    CHECK_NAMED(lkd_cancel_task(&client, long_id, 200), LKD_ERR_ARG_TOO_LONG, "task_id", NULL);
    fresh(LKD_PROFILE_LKEAP_INTL);
    e = lkd_client_arg_error(&client);
    CHECK_NAMED(lkd_cancel_task(&client, "t", 1), LKD_ERR_ARG_CONFLICT, "settings.caps", NULL);
    CHECK_EQ_INT(offline_connects, 0);
    /* The CA arguments. */
    CHECK_EQ_INT(lkd_client_add_ca(NULL, (const uint8_t *)"x", 1), LKD_ERR_ARG_NULL);
    CHECK_NAMED(lkd_client_add_ca(&client, NULL, 1), LKD_ERR_ARG_NULL, "ca", NULL);
    CHECK_NAMED(lkd_client_add_ca(&client, (const uint8_t *)"x", 0), LKD_ERR_ARG_EMPTY, "ca", NULL);
    CHECK_EQ_INT(lkd_client_add_ca(&client, (const uint8_t *)"x", 1), LKD_ERR_CERT);
    CHECK_EQ_INT(e->status, LKD_OK);
}

static int reads;
static lkd_status_t short_read(void *user, uint64_t offset, uint8_t *buf, size_t len, size_t *got)
{
    (void)user;
    reads++;
    if (offset >= 10) {
        *got = 0; /* announced 100 bytes, has 10 */
        return LKD_OK;
    }
    memset(buf, 'x', len);
    *got = len < 10 - offset ? len : (size_t)(10 - offset);
    return LKD_OK;
}

/* Claims one byte more than it was asked for (and writes none past len). */
static lkd_status_t over_read(void *user, uint64_t offset, uint8_t *buf, size_t len, size_t *got)
{
    (void)user; (void)offset;
    memset(buf, 'x', len);
    *got = len + 1;
    return LKD_OK;
}

static void test_create(void)
{
    lkd_create_t p;
    lkd_file_source_t f;
    lkd_span_t id;
    fresh(LKD_PROFILE_LKE);
    lkd_create_default(&p);
    CHECK_NAMED(lkd_create(&client, NULL, &id), LKD_ERR_ARG_NULL, "params", NULL);
    CHECK_NAMED(lkd_create(&client, &p, NULL), LKD_ERR_ARG_NULL, "task_id", NULL);
    CHECK_NAMED(lkd_create(&client, &p, &id), LKD_ERR_ARG_NULL, "params.file_url", "or params.file is required");
    p.file_url = "https://docs.example.test/a.pdf";
    p.page_format = "\xff";
    /* lke knows no PageFormat: refused before its bytes are looked at. */
    CHECK_NAMED(lkd_create(&client, &p, &id), LKD_ERR_ARG_CONFLICT, "params.page_format", "is not in settings.caps");
    fresh(LKD_PROFILE_LKEAP);
    p.file_type = "PDF";
    CHECK_NAMED(lkd_create(&client, &p, &id), LKD_ERR_ARG_FORMAT, "params.page_format", "must be UTF-8");
    fresh(LKD_PROFILE_LKE);
    p.file_type = NULL;
    p.page_format = NULL;
    p.file_type = "PDFXPDFXP";
    CHECK_NAMED(lkd_create(&client, &p, &id), LKD_ERR_ARG_TOO_LONG, "params.file_type", "is too long");
    CHECK_EQ_INT(lkd_client_arg_error(&client)->length, 9);
    CHECK_EQ_INT(lkd_client_arg_error(&client)->limit, 8);
    p.file_type = "pd.f";
    CHECK_NAMED(lkd_create(&client, &p, &id), LKD_ERR_ARG_FORMAT, "params.file_type",
                "must be 1 to 8 letters or digits (PDF, PNG, JPG, ...)");
    p.file_type = "pdf";
    p.result_type = "9";
    CHECK_NAMED(lkd_create(&client, &p, &id), LKD_ERR_ARG_RANGE, "params.result_type", "must be \"0\" to \"5\"");
    p.result_type = NULL;
    p.start_page = 3;
    p.end_page = 2;
    CHECK_NAMED(lkd_create(&client, &p, &id), LKD_ERR_ARG_CONFLICT, "params.end_page", "is before params.start_page");
    p.start_page = 2;
    p.end_page = 1002; /* 1001 pages */
    CHECK_NAMED(lkd_create(&client, &p, &id), LKD_ERR_ARG_RANGE, "params.end_page", "makes a range over 1000 pages");
    p.start_page = 0xFFFFFFFFu; /* lke would be sent the 999 pages after it */
    p.end_page = 0;
    CHECK_NAMED(lkd_create(&client, &p, &id), LKD_ERR_ARG_RANGE, "params.start_page", NULL);
    p.start_page = 0;
    /* The file source: shorter than it said, found while hashing it. */
    lkd_create_default(&p);
    f.read = short_read;
    f.user = NULL;
    f.size = 100;
    f.unsigned_payload = 0;
    p.file = &f;
    CHECK_NAMED(lkd_create(&client, &p, &id), LKD_ERR_ARG_RANGE, "params.file.size",
                "is more than params.file.read gives");
    CHECK(reads > 0);
    /* A reader that says it gave more than it was asked for. */
    f.read = over_read;
    CHECK_NAMED(lkd_create(&client, &p, &id), LKD_ERR_ARG_RANGE, "params.file.read",
                "gave more bytes than it was asked for");
    f.read = short_read;
    CHECK_EQ_INT(offline_connects, 0);
    /* FileType is required on lkeap. */
    fresh(LKD_PROFILE_LKEAP);
    CHECK_NAMED(lkd_create(&client, &p, &id), LKD_ERR_ARG_NULL, "params.file_type", "is required on lkeap");
}

static lkd_status_t sink(void *user, const uint8_t *data, size_t len)
{
    (void)user; (void)data; (void)len;
    return LKD_OK;
}

static void test_wait_and_download(void)
{
    lkd_wait_options_t w;
    lkd_download_options_t d;
    lkd_result_t r;
    uint64_t bytes;
    fresh(LKD_PROFILE_LKE);
    lkd_wait_options_default(&w);
    CHECK_EQ_INT(w.timeout_ms, LKD_WAIT_TIMEOUT_MS);
    CHECK_EQ_INT(w.first_interval_ms, LKD_WAIT_FIRST_INTERVAL_MS);
    CHECK_EQ_INT(w.max_interval_ms, LKD_WAIT_MAX_INTERVAL_MS);
    CHECK_NAMED(lkd_wait(&client, "t", 1, &w, NULL), LKD_ERR_ARG_NULL, "result", NULL);
    w.first_interval_ms = 0;
    CHECK_NAMED(lkd_wait(&client, "t", 1, &w, &r), LKD_ERR_ARG_RANGE, "opt.first_interval_ms", "must not be 0");
    w.first_interval_ms = 20000;
    CHECK_NAMED(lkd_wait(&client, "t", 1, &w, &r), LKD_ERR_ARG_CONFLICT, "opt.max_interval_ms",
                "is less than opt.first_interval_ms");
    lkd_download_options_default(&d);
    CHECK_EQ_INT(d.timeout_ms, LKD_DOWNLOAD_TIMEOUT_MS);
    CHECK_NAMED(lkd_download_result(&client, "t", 1, NULL, &bytes), LKD_ERR_ARG_NULL, "opt", NULL);
    CHECK_NAMED(lkd_download_result(&client, "t", 1, &d, &bytes), LKD_ERR_ARG_NULL, "opt.sink", NULL);
    d.sink = sink;
    d.timeout_ms = 0;
    CHECK_NAMED(lkd_download_result(&client, "t", 1, &d, &bytes), LKD_ERR_ARG_RANGE, "opt.timeout_ms", NULL);
    d.timeout_ms = 1000;
    {
        /* A saved state the client cannot use, named before anything is sent. */
        lkd_download_state_t st;
        memset(&st, 0, sizeof st);
        st.delivered = 10;
        st.etag_len = LKD_DOWNLOAD_ETAG_SIZE;
        d.state = &st;
        CHECK_NAMED(lkd_download_result(&client, "t", 1, &d, &bytes), LKD_ERR_ARG_RANGE, "opt.state", NULL);
        st.etag_len = 0;
        st.total = 9;
        st.flags = LKD_DOWNLOAD_HAS_TOTAL;
        CHECK_NAMED(lkd_download_result(&client, "t", 1, &d, &bytes), LKD_ERR_ARG_RANGE, "opt.state", NULL);
        d.state = NULL;
    }
    /* The application's own URL: its argument, named. */
    d.url.ptr = "https://cos.example.test:99999/r.zip";
    d.url.len = strlen(d.url.ptr);
    CHECK_NAMED(lkd_download_result(&client, "t", 1, &d, &bytes), LKD_ERR_ARG_RANGE, "opt.url", NULL);
    d.url.ptr = "https://cos.example.test?x";
    d.url.len = strlen(d.url.ptr);
    CHECK_NAMED(lkd_download_result(&client, "t", 1, &d, &bytes), LKD_ERR_ARG_FORMAT, "opt.url",
                "must be an https URL: https://host[:port]/path");
    {
        /* A URL that fits the buffer but names a host over 253 bytes: the
         * limit said is the host's, not the buffer's. */
        static char long_host[300];
        memcpy(long_host, "https://", 8);
        memset(long_host + 8, 'a', 260);
        memcpy(long_host + 268, ".test/r.zip", 12);
        d.url.ptr = long_host;
        d.url.len = strlen(long_host);
        CHECK_NAMED(lkd_download_result(&client, "t", 1, &d, &bytes), LKD_ERR_ARG_TOO_LONG, "opt.url",
                    "its host name must be at most 253 bytes");
    }
    /* A URL inside the client's response buffer came from the service (lkd_wait's
     * result_url passed back): a bad one is a malformed answer, nobody's argument. */
    memcpy(client.internal.response, "https://cos.myqcloud.com?x", 26);
    d.url.ptr = client.internal.response;
    d.url.len = 26;
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &d, &bytes), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(lkd_client_arg_error(&client)->status, LKD_OK);
    CHECK_EQ_INT(offline_connects, 0);
    /* Freed, the client keeps no record of its last refusal. */
    d.url.ptr = "https://cos.example.test?x";
    d.url.len = strlen(d.url.ptr);
    CHECK_NAMED(lkd_download_result(&client, "t", 1, &d, &bytes), LKD_ERR_ARG_FORMAT, "opt.url", NULL);
    lkd_client_free(&client);
    CHECK_EQ_INT(lkd_client_arg_error(&client)->status, LKD_OK);
    CHECK(strcmp(lkd_client_arg_error(&client)->name, "") == 0);
}

int main(void)
{
    test_statuses();
    test_init();
    test_task_id();
    test_create();
    test_wait_and_download();
    return unit_report("args");
}
