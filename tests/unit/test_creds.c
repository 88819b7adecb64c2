/* SPDX-License-Identifier: MIT */
/* Credentials from a provider (lkd_credentials_fn) over a real TLS session
 * with the in-process server (tls_loop.h): when the client asks, what it
 * sends, the one repeat after AuthFailure.TokenFailure, refused answers, and
 * the wiping of the application's buffers. */
#include "lkd_client.h"
#include "lkd_job.h"
#include "unit.h"
#include "tls_loop.h"

static lkd_client_t client;
static lkd_settings_t settings;
static lkd_port_t port;

static const char processing_json[] = "{\"Response\":{\"Status\":\"Processing\",\"RequestId\":\"rid-p\"}}";
static const char create_json[] = "{\"Response\":{\"TaskId\":\"task-7\",\"RequestId\":\"rid-c\"}}";

/* The application's buffers, and what the fake provider does. */
static char id_buf[32], key_buf[32], token_buf[64];
static lkd_credentials_t creds;

typedef enum { GIVE_GOOD, GIVE_FAIL, GIVE_LONG_TOKEN, GIVE_CRLF_TOKEN, GIVE_EMPTY_ID, GIVE_PAST, GIVE_NEGATIVE,
               GIVE_BAD_ID, GIVE_ABORTED } give_t;

static struct {
    unsigned calls;
    give_t give;
    int64_t lifetime;       /* expires = the fake wall clock + this; LKD_CREDENTIALS_NO_EXPIRY: none */
    unsigned found_dirty;   /* calls that found a byte of the buffers not wiped */
    uint32_t time_left_ms;  /* what the last call was told */
} prov;

static int all_zero(const char *p, size_t n)
{
    while (n-- > 0) {
        if (*p++ != 0) {
            return 0;
        }
    }
    return 1;
}

static int buffers_wiped(void)
{
    return all_zero(id_buf, sizeof id_buf) && all_zero(key_buf, sizeof key_buf) &&
           all_zero(token_buf, sizeof token_buf) && creds.secret_id.len == 0 && creds.token.len == 0;
}

static lkd_status_t fake_provider(void *user, lkd_credentials_t *k)
{
    int n;
    CHECK(user == &prov);
    prov.calls++;
    prov.time_left_ms = k->time_left_ms;
    if (prov.give == GIVE_ABORTED) {
        return LKD_ERR_ABORTED;
    }
    if (!buffers_wiped()) {
        prov.found_dirty++;
    }
    if (prov.give == GIVE_FAIL) {
        memcpy(k->secret_id.ptr, "HALF", 4); /* a provider that fails midway: the client wipes it */
        return LKD_ERR_IO;
    }
    n = snprintf(k->secret_id.ptr, k->secret_id.size, "TMPID%u", prov.calls);
    k->secret_id.len = (size_t)n;
    n = snprintf(k->secret_key.ptr, k->secret_key.size, "tmp-key-%u", prov.calls);
    k->secret_key.len = (size_t)n;
    n = snprintf(k->token.ptr, k->token.size, "token-%u", prov.calls);
    k->token.len = (size_t)n;
    k->expires = prov.lifetime == LKD_CREDENTIALS_NO_EXPIRY ? LKD_CREDENTIALS_NO_EXPIRY
                                                            : lkd_client_now(&client) + prov.lifetime;
    switch (prov.give) {
    case GIVE_LONG_TOKEN: k->token.len = k->token.size + 1; break; /* what did not fit */
    case GIVE_CRLF_TOKEN: k->token.ptr[2] = '\r'; break;
    case GIVE_EMPTY_ID: k->secret_id.len = 0; break;
    case GIVE_BAD_ID: k->secret_id.ptr[0] = ' '; break;
    case GIVE_PAST: k->expires = lkd_client_now(&client) - 1; break;
    case GIVE_NEGATIVE: k->expires = -2; break;
    default: break;
    }
    return LKD_OK;
}

static lkd_status_t read_once(void *user, uint64_t offset, uint8_t *buf, size_t len, size_t *got)
{
    const char *doc = (const char *)user;
    size_t n = strlen(doc);
    size_t left = offset < n ? n - (size_t)offset : 0;
    *got = len < left ? len : left;
    memcpy(buf, doc + offset, *got);
    return LKD_OK;
}

static void fresh(int64_t lifetime, uint32_t margin)
{
    lkd_client_free(&client);
    tl_reset();
    memset(&prov, 0, sizeof prov);
    prov.lifetime = lifetime;
    memset(&creds, 0, sizeof creds);
    creds.secret_id.ptr = id_buf;
    creds.secret_id.size = sizeof id_buf;
    creds.secret_key.ptr = key_buf;
    creds.secret_key.size = sizeof key_buf;
    creds.token.ptr = token_buf;
    creds.token.size = sizeof token_buf;
    tl_port(&port);
    lkd_settings_default(&settings, LKD_PROFILE_LKEAP);
    settings.host = "api.test";
    settings.timeout_ms = 20000;
    settings.credentials_provider = fake_provider;
    settings.credentials_user = &prov;
    settings.credentials = &creds;
    settings.credentials_margin_s = margin;
    CHECK_EQ_INT(lkd_client_init(&client, &settings, &port), LKD_OK);
    CHECK_EQ_INT(lkd_client_add_ca(&client, (const uint8_t *)test_ca_pem, sizeof test_ca_pem), LKD_OK);
}

/* The n-th request was signed with id TMPID<k> and carried token-<k>. */
static int signed_with(unsigned n, unsigned k)
{
    char want[64], v[256];
    snprintf(want, sizeof want, "Credential=TMPID%u/", k);
    if (!tl_req_has(n, want)) {
        return 0;
    }
    snprintf(want, sizeof want, "token-%u", k);
    return strcmp(tl_req_header(n, "X-TC-Token", v, sizeof v), want) == 0;
}

static void test_defaults_and_init(void)
{
    lkd_settings_t s;
    lkd_client_t c;
    lkd_settings_default(&s, LKD_PROFILE_LKE);
    CHECK_EQ_INT(s.credentials_margin_s, 300);
    CHECK(s.credentials_provider == NULL && s.credentials == NULL);

    /* With a provider the static fields may be NULL, its buffers may not. */
    fresh(3600, 300);
    CHECK_EQ_INT(prov.calls, 0); /* asked at the first call, not at init */
    s = settings;
    s.credentials = NULL;
    CHECK_EQ_INT(lkd_client_init(&c, &s, &port), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(c.internal.arg_error.status, LKD_ERR_ARG_NULL);
    s.credentials = &creds;
    creds.secret_key.size = 0;
    CHECK_EQ_INT(lkd_client_init(&c, &s, &port), LKD_ERR_ARG_NULL);
    creds.secret_key.size = sizeof key_buf;
    s.credentials_margin_s = LKD_CREDENTIALS_MARGIN_MAX_S + 1; /* over a day */
    CHECK_EQ_INT(lkd_client_init(&c, &s, &port), LKD_ERR_ARG_RANGE);
#if LKD_ENABLE_TEXTS
    CHECK(strcmp(c.internal.arg_error.name, "settings.credentials_margin_s") == 0);
#endif
    s.credentials_margin_s = LKD_CREDENTIALS_MARGIN_MAX_S;
    CHECK_EQ_INT(lkd_client_init(&c, &s, &port), LKD_OK);
    lkd_client_free(&c);
    s.credentials_provider = NULL; /* static again: secret_id is required */
    CHECK_EQ_INT(lkd_client_init(&c, &s, &port), LKD_ERR_ARG_NULL);
}

static void test_asked_when_needed(void)
{
    lkd_result_t r;
    unsigned i;
    /* Valid for an hour: one provider call for several API calls. */
    fresh(3600, 300);
    for (i = 0; i < 3; i++) {
        tl_push_json(processing_json, NULL);
        CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
        tl.mono += 60000;
    }
    CHECK_EQ_INT(prov.calls, 1);
    CHECK_EQ_INT(tl.nreqs, 3);
    CHECK(signed_with(0, 1) && signed_with(2, 1));

    /* Within the margin: asked again before the call, which uses the new ones. */
    fresh(700, 300);
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK(prov.time_left_ms > 19000 && prov.time_left_ms <= 20000); /* the call's deadline, told */
    tl.mono += 390000; /* 310 s left of 700: not yet within 300 */
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(prov.calls, 1);
    tl.mono += 20000; /* 290 s left */
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(prov.calls, 2);
    CHECK(signed_with(1, 1) && signed_with(2, 2));
    CHECK_EQ_INT(prov.found_dirty, 0); /* the old ones were wiped before the provider was asked */

    /* Issued for less than twice the margin: renewed at half their life,
     * not before every call. */
    fresh(400, 300);
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    tl.mono += 190000; /* 210 s left: over half of 400 */
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(prov.calls, 1);
    tl.mono += 20000; /* 190 s left */
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(prov.calls, 2);
    fresh(3, 300); /* 3 s: renewed after 2 (half rounds down to 1 s) */
    for (i = 0; i < 4; i++) {
        tl_push_json(processing_json, NULL);
        CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
        tl.mono += 1000;
    }
    CHECK_EQ_INT(prov.calls, 2);

    /* No expiry: asked once, however long the client lives. */
    fresh(LKD_CREDENTIALS_NO_EXPIRY, 300);
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    tl.mono += 86400000u;
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(prov.calls, 1);

    /* The server's clock, once a Date was seen, is the one expiry is judged by. */
    fresh(3600, 300);
    tl_push_json(processing_json, "Tue, 24 Nov 2026 08:00:00 GMT"); /* TL_NOW + 2 h */
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(prov.calls, 2);
}

static void test_token_failure(void)
{
    lkd_result_t r;
    lkd_create_t p;
    lkd_span_t id;
    /* Refused once: asked again, the call repeated exactly once. */
    fresh(3600, 300);
    tl_push_api_error("AuthFailure.TokenFailure");
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(prov.calls, 2);
    CHECK_EQ_INT(tl.nreqs, 2);
    CHECK(signed_with(0, 1) && signed_with(1, 2));
    CHECK_EQ_INT(client.internal.retries, 0); /* a renewal, not a retry */
    CHECK_EQ_INT(prov.found_dirty, 0);

    /* Refused again: LKD_ERR_API, no loop; the next call asks once more. */
    fresh(3600, 300);
    tl_push_api_error("AuthFailure.TokenFailure");
    tl_push_api_error("AuthFailure.TokenFailure");
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_API);
    CHECK(strcmp(lkd_client_api_error(&client)->code, "AuthFailure.TokenFailure") == 0);
    CHECK_EQ_INT(tl.nreqs, 2);
    CHECK_EQ_INT(prov.calls, 2);
    CHECK(buffers_wiped()); /* the refused values are not kept */
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(prov.calls, 3);

    /* Other auth errors are not the provider's: no renewal. */
    fresh(3600, 300);
    tl_push_api_error("AuthFailure.SignatureFailure");
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_API);
    CHECK_EQ_INT(prov.calls, 1);
    CHECK_EQ_INT(tl.nreqs, 1);

    /* A Create refused for its token made no task: repeated once. */
    fresh(3600, 300);
    lkd_create_default(&p);
    p.file_type = "PDF";
    p.file_url = "https://example.com/a.pdf";
    tl_push_api_error("AuthFailure.TokenFailure");
    tl_push_json(create_json, NULL);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
    CHECK_SPAN(id.ptr, id.len, "task-7");
    CHECK_EQ_INT(tl.nreqs, 2);
    CHECK(signed_with(1, 2));

    /* A read-once (unsigned payload) file cannot be sent twice: the
     * refusal is the answer, the provider asked once. */
    fresh(3600, 300);
    {
        static const uint8_t doc[] = "%PDF-1.4 read once";
        static lkd_file_source_t f;
        f.read = read_once;
        f.user = (void *)doc;
        f.size = sizeof doc - 1;
        f.unsigned_payload = 1;
        lkd_create_default(&p);
        p.file_type = "PDF";
        p.file = &f;
        tl_push_api_error("AuthFailure.TokenFailure");
        tl_push_json(create_json, NULL);
        CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_API);
        CHECK(strcmp(lkd_client_api_error(&client)->code, "AuthFailure.TokenFailure") == 0);
        CHECK_EQ_INT(tl.nreqs, 1);
        CHECK_EQ_INT(prov.calls, 1);
        CHECK(tl_req_has(0, "X-TC-Content-SHA256: UNSIGNED-PAYLOAD\r\n"));
    }

    /* Static credentials: the code is the service's last word. */
    lkd_client_free(&client);
    tl_reset();
    CHECK_EQ_INT(tl_client(&client, &settings, &port), LKD_OK);
    tl_push_api_error("AuthFailure.TokenFailure");
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_API);
    CHECK_EQ_INT(tl.nreqs, 1);
}

/* The provider's answer is refused: LKD_ERR_CREDENTIALS, nothing sent,
 * the buffers wiped, and the argument record names what is wrong. */
static void refused(give_t give, lkd_status_t kind, size_t length, size_t limit)
{
    lkd_result_t r;
    const lkd_arg_error_t *e;
    fresh(3600, 300);
    prov.give = give;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_CREDENTIALS);
    CHECK_EQ_INT(tl.connects, 0);
    CHECK_EQ_INT(tl.nreqs, 0);
    CHECK(buffers_wiped());
    e = lkd_client_arg_error(&client);
    CHECK_EQ_INT(e->status, kind);
    CHECK_EQ_INT(e->length, length);
    CHECK_EQ_INT(e->limit, limit);
}

static void test_refused_answers(void)
{
    lkd_result_t r;
    refused(GIVE_FAIL, LKD_OK, 0, 0);
    refused(GIVE_LONG_TOKEN, LKD_ERR_ARG_TOO_LONG, sizeof token_buf + 1, sizeof token_buf);
#if LKD_ENABLE_TEXTS
    CHECK(strcmp(lkd_client_arg_error(&client)->name, "credentials.token") == 0);
#endif
    refused(GIVE_CRLF_TOKEN, LKD_ERR_ARG_FORMAT, 0, 0);
    refused(GIVE_EMPTY_ID, LKD_ERR_ARG_EMPTY, 0, 0);
    refused(GIVE_BAD_ID, LKD_ERR_ARG_FORMAT, 0, 0);
#if LKD_ENABLE_TEXTS
    CHECK(strcmp(lkd_client_arg_error(&client)->name, "credentials.secret_id") == 0);
#endif
    refused(GIVE_PAST, LKD_ERR_ARG_RANGE, 0, 0);
    refused(GIVE_NEGATIVE, LKD_ERR_ARG_RANGE, 0, 0);
    /* A provider the application's abort stopped: the call says stopped. */
    fresh(3600, 300);
    prov.give = GIVE_ABORTED;
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_ABORTED);
    CHECK_EQ_INT(tl.connects, 0);
    CHECK(buffers_wiped());

    /* A provider that recovers is asked again at the next call. */
    prov.give = GIVE_GOOD;
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK_EQ_INT(prov.calls, 2);
    CHECK_EQ_INT(lkd_client_arg_error(&client)->status, LKD_OK);
}

static void test_wiped_at_free(void)
{
    lkd_result_t r;
    fresh(3600, 300);
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
    CHECK(!buffers_wiped());
    lkd_client_free(&client);
    CHECK(buffers_wiped());
}

int main(void)
{
    test_defaults_and_init();
    test_asked_when_needed();
    test_token_failure();
    test_refused_answers();
    test_wiped_at_free();
    lkd_client_free(&client);
    return unit_report("creds");
}
