/* SPDX-License-Identifier: MIT */
/* The client object without a network: argument checks, the clock it signs
 * with, and that no secret survives a call in the client's memory. */
#include <mbedtls/md.h>

#include "lkd_client.h"
#include "lkd_job.h"
#include "lkd_request.h"
#include "lkd_sign.h"
#include "lkd_time.h"
#include "offline_port.h"
#include "unit.h"

static const char secret_key[] = "lkedoc-test-secret-key-0123456789";

static void settings(lkd_settings_t *s)
{
    lkd_settings_default(s, LKD_PROFILE_LKE);
    s->secret_id = "AKIDTEST";
    s->secret_key = secret_key;
    s->timeout_ms = 5000;
}

static int contains(const void *hay, size_t n, const void *needle, size_t m)
{
    const uint8_t *h = (const uint8_t *)hay;
    size_t i;
    for (i = 0; i + m <= n; i++) {
        if (memcmp(h + i, needle, m) == 0) {
            return 1;
        }
    }
    return 0;
}

static lkd_client_t client;

static void test_init_checks(void)
{
    lkd_settings_t s;
    lkd_port_t p;
    offline_port(&p);
    settings(&s);
    CHECK_EQ_INT(lkd_client_init(NULL, &s, &p), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_client_init(&client, NULL, &p), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_client_init(&client, &s, NULL), LKD_ERR_ARG_NULL);
    p.entropy = NULL;
    CHECK_EQ_INT(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_NULL);
    offline_port(&p);
    s.secret_key = "";
    CHECK_EQ_INT(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_EMPTY);
    settings(&s);
    s.language = "fr-FR";
    CHECK_EQ_INT(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_RANGE);
    settings(&s);
    s.resolve_count = 1;
    CHECK_EQ_INT(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_NULL);
    settings(&s);
    s.timeout_ms = 0;
    CHECK_EQ_INT(lkd_client_init(&client, &s, &p), LKD_ERR_ARG_RANGE);
    /* Calls on a client that was never initialised. */
    memset(&client, 0, sizeof client);
    {
        lkd_result_t r;
        CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_STATE);
        CHECK_EQ_INT(lkd_cancel_task(&client, "t", 1), LKD_ERR_STATE);
        CHECK_EQ_INT(lkd_client_now(&client), -1);
    }
    settings(&s);
    CHECK_EQ_INT(lkd_client_init(&client, &s, &p), LKD_OK);
    {
        lkd_result_t r;
        /* No CA yet: nothing can be verified, so nothing is connected to. */
        offline_connects = 0;
        CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_STATE);
        CHECK_EQ_INT(offline_connects, 0);
        CHECK_EQ_INT(lkd_get_result(&client, NULL, 1, &r), LKD_ERR_ARG_NULL);
        CHECK_EQ_INT(lkd_get_result(&client, "t", 0, &r), LKD_ERR_ARG_EMPTY);
        CHECK_EQ_INT(lkd_get_result(&client, "\xff", 1, &r), LKD_ERR_ARG_FORMAT); /* not UTF-8 */
    }
    CHECK_EQ_INT(lkd_client_add_ca(&client, (const uint8_t *)"not a certificate", 18), LKD_ERR_CERT);
    lkd_client_free(&client);
}

static void test_clock(void)
{
    lkd_settings_t s;
    lkd_port_t p;
    offline_port(&p);
    settings(&s);
    CHECK_EQ_INT(lkd_client_init(&client, &s, &p), LKD_OK);
    CHECK_EQ_INT(lkd_client_now(&client), offline_wall);
    offline_wall = 86400; /* a device that never set its clock */
    CHECK_EQ_INT(lkd_client_now(&client), -1);
    offline_wall = 1795500000;
    lkd_client_free(&client);
}

/* After a call that signed a request, the client holds neither the secret
 * key nor any key derived from it, nor the signature. */
static void test_no_secret_left_behind(void)
{
    lkd_settings_t s;
    lkd_port_t p;
    lkd_result_t r;
    uint8_t key[32];
    char date[11];
    lkd_span_t sk = {secret_key, sizeof secret_key - 1}, service = {"lke", 3};
    lkd_request_t req;
    char request[2048], *sig;
    size_t len;

    offline_port(&p);
    settings(&s);
    CHECK_EQ_INT(lkd_client_init(&client, &s, &p), LKD_OK);
    client.internal.tls.has_ca = 1; /* pretend a CA was loaded: the connect fails before it matters */
    offline_connects = 0;
    CHECK_EQ_INT(lkd_get_result(&client, "task-secret", 11, &r), LKD_ERR_CONNECT);
    CHECK(offline_connects >= 2); /* a connect failure is retried (nothing was sent) */
    CHECK(client.internal.requests_sent == 0);

    /* What the request carried: compute it independently. */
    memset(&req, 0, sizeof req);
    req.host.ptr = s.host; req.host.len = strlen(s.host);
    req.service = service;
    req.action.ptr = "GetReconstructDocumentResult"; req.action.len = 28;
    req.version.ptr = s.version; req.version.len = strlen(s.version);
    req.region.ptr = s.region; req.region.len = strlen(s.region);
    req.secret_id.ptr = s.secret_id; req.secret_id.len = strlen(s.secret_id);
    req.secret_key = sk;
    req.timestamp = offline_wall;
    req.body = "{\"TaskId\":\"task-secret\"}";
    req.body_len = strlen(req.body);
    CHECK_EQ_INT(lkd_request_write(&req, request, sizeof request, &len), LKD_OK);
    request[len] = '\0';
    sig = strstr(request, "Signature=");
    CHECK(sig != NULL);
    if (sig != NULL) {
        sig += 10;
        CHECK(!contains(&client, sizeof client, sig, 64));
    }
    CHECK(!contains(&client, sizeof client, "Authorization", 13));
    CHECK_EQ_INT(lkd_time_format_date(offline_wall, date), LKD_OK);
    CHECK_EQ_INT(lkd_sign_signing_key(sk, date, service, key), LKD_OK);
    CHECK(!contains(&client, sizeof client, key, sizeof key));
    CHECK(!contains(&client, sizeof client, secret_key, sizeof secret_key - 1));
    {
        /* SecretDate, the first derived key, computed with mbedTLS's own HMAC. */
        uint8_t k1[32];
        char tc3key[64];
        memcpy(tc3key, "TC3", 3);
        memcpy(tc3key + 3, secret_key, sizeof secret_key - 1);
        mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), (const unsigned char *)tc3key,
                        3 + sizeof secret_key - 1, (const unsigned char *)date, 10, k1);
        CHECK(!contains(&client, sizeof client, k1, sizeof k1));
    }
    lkd_client_free(&client);
}

/* Every code lkd_status.c knows, in the clear (the library keeps them
 * front-coded): each gives its class alone and with a sub-code, and one more
 * letter makes it another code (a sub-code of its parent, for a dotted one). */
static void test_every_code_class(void)
{
    static const struct {
        const char *code;
        lkd_api_class_t cls;
    } codes[] = {
        {"ActionOffline", LKD_API_CLASS_PARAMETER},
        {"AuthFailure", LKD_API_CLASS_AUTH},
        {"AuthFailure.SignatureExpire", LKD_API_CLASS_CLOCK},
        {"FailedOperation", LKD_API_CLASS_SERVER},
        {"FailedOperation.UnOpenError", LKD_API_CLASS_AUTH},
        {"InternalError", LKD_API_CLASS_SERVER},
        {"InvalidAction", LKD_API_CLASS_PARAMETER},
        {"InvalidParameter", LKD_API_CLASS_PARAMETER},
        {"InvalidParameterValue", LKD_API_CLASS_PARAMETER},
        {"InvalidRequest", LKD_API_CLASS_PARAMETER},
        {"IpInBlacklist", LKD_API_CLASS_AUTH},
        {"IpNotInWhitelist", LKD_API_CLASS_AUTH},
        {"LimitExceeded", LKD_API_CLASS_QUOTA},
        {"MissingParameter", LKD_API_CLASS_PARAMETER},
        {"NoSuchProduct", LKD_API_CLASS_PARAMETER},
        {"NoSuchVersion", LKD_API_CLASS_PARAMETER},
        {"RequestLimitExceeded", LKD_API_CLASS_RETRYABLE},
        {"RequestSizeLimitExceeded", LKD_API_CLASS_QUOTA},
        {"ResourceInUse", LKD_API_CLASS_SERVER},
        {"ResourceInsufficient", LKD_API_CLASS_QUOTA},
        {"ResourceNotFound", LKD_API_CLASS_PARAMETER},
        {"ResourceUnavailable", LKD_API_CLASS_SERVER},
        {"ResourceUnavailable.InArrears", LKD_API_CLASS_BILLING},
        {"ResourceUnavailable.ResourcePackageRunOut", LKD_API_CLASS_BILLING},
        {"ResourcesSoldOut", LKD_API_CLASS_BILLING},
        {"ResponseSizeLimitExceeded", LKD_API_CLASS_QUOTA},
        {"ServiceUnavailable", LKD_API_CLASS_SERVER},
        {"UnauthorizedOperation", LKD_API_CLASS_AUTH},
        {"UnknownParameter", LKD_API_CLASS_PARAMETER},
        {"UnsupportedOperation", LKD_API_CLASS_PARAMETER},
        {"UnsupportedProtocol", LKD_API_CLASS_PARAMETER},
        {"UnsupportedRegion", LKD_API_CLASS_PARAMETER},
    };
    size_t i;
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        char longer[64];
        const char *dot;
        size_t n = strlen(codes[i].code);
        CHECK_EQ_INT(lkd_api_classify(codes[i].code, n), codes[i].cls);
        memcpy(longer, codes[i].code, n);
        memcpy(longer + n, ".Sub", 4);
        CHECK_EQ_INT(lkd_api_classify(longer, n + 4), codes[i].cls);
        /* One more letter: another code, unless it has a dot and so is a
         * sub-code of the part before it. */
        dot = strchr(codes[i].code, '.');
        longer[n] = 'X';
        CHECK_EQ_INT(lkd_api_classify(longer, n + 1),
                     dot == NULL ? LKD_API_CLASS_UNKNOWN : lkd_api_classify(codes[i].code, (size_t)(dot - codes[i].code)));
    }
}

static void test_names(void)
{
    int i;
    for (i = 0; i < LKD_STATUS_COUNT; i++) {
        CHECK(strcmp(lkd_strerror((lkd_status_t)i), "unknown status") != 0);
    }
    CHECK(strcmp(lkd_strerror(LKD_STATUS_COUNT), "unknown status") == 0);
    /* The texts are one string walked by index: each lands on its own status. */
    CHECK(strcmp(lkd_strerror(LKD_OK), "ok") == 0);
    CHECK(strcmp(lkd_strerror(LKD_ERR_TIMEOUT), "deadline passed") == 0);
    CHECK(strcmp(lkd_strerror(LKD_ERR_CONFIG),
                 "the application and the library were compiled with different lkd_config.h values") == 0);
    CHECK(strcmp(lkd_strerror(LKD_ERR_ARG_CONFLICT), "invalid arguments: they contradict each other") == 0);
    CHECK(strcmp(lkd_api_class_name(LKD_API_CLASS_RETRYABLE), "retryable") == 0);
    CHECK(strcmp(lkd_api_class_name((lkd_api_class_t)99), "unknown") == 0);
    test_every_code_class();
    CHECK_EQ_INT(lkd_api_classify("AuthFailure.SignatureExpire", 27), LKD_API_CLASS_CLOCK);
    CHECK_EQ_INT(lkd_api_classify("AuthFailure.SignatureFailure", 28), LKD_API_CLASS_AUTH);
    CHECK_EQ_INT(lkd_api_classify("RequestLimitExceeded.IPLimitExceeded", 36), LKD_API_CLASS_RETRYABLE);
    CHECK_EQ_INT(lkd_api_classify("LimitExceeded.TooLargeFileError", 31), LKD_API_CLASS_QUOTA);
    CHECK_EQ_INT(lkd_api_classify("ResourceUnavailable.InArrears", 29), LKD_API_CLASS_BILLING);
    CHECK_EQ_INT(lkd_api_classify("ResourceUnavailable", 19), LKD_API_CLASS_SERVER);
    CHECK_EQ_INT(lkd_api_classify("InvalidParameterValue.X", 23), LKD_API_CLASS_PARAMETER);
    CHECK_EQ_INT(lkd_api_classify("LimitExceededX", 14), LKD_API_CLASS_UNKNOWN);
    CHECK_EQ_INT(lkd_api_classify(NULL, 0), LKD_API_CLASS_UNKNOWN);
}

/* Each profile's settings, from the one table. */
static void test_profiles(void)
{
    static const struct {
        lkd_profile_t profile;
        const char *host, *service, *version, *region;
        unsigned caps;
    } want[] = {
        {LKD_PROFILE_LKE, "lke.intl.tencentcloudapi.com", "lke", "2023-11-30", "ap-guangzhou", LKD_CAP_END_PAGE_100},
        {LKD_PROFILE_LKEAP, "lkeap.tencentcloudapi.com", "lkeap", "2024-05-22", "ap-guangzhou",
         LKD_CAP_CANCEL_TASK | LKD_CAP_TASK_ERROR | LKD_CAP_IGNORE_FAILED_PAGE | LKD_CAP_RETURN_PAGE_FORMAT |
             LKD_CAP_PAGE_FORMAT | LKD_CAP_PAUSE | LKD_CAP_FULL_USAGE},
        {LKD_PROFILE_LKEAP_INTL, "lkeap.intl.tencentcloudapi.com", "lkeap", "2024-05-22", "ap-jakarta", 0},
        {(lkd_profile_t)7, "lke.intl.tencentcloudapi.com", "lke", "2023-11-30", "ap-guangzhou", LKD_CAP_END_PAGE_100},
    };
    size_t i;
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        lkd_settings_t s;
        memset(&s, 0x5a, sizeof s);
        lkd_settings_default(&s, want[i].profile);
        CHECK(strcmp(s.host, want[i].host) == 0);
        CHECK(strcmp(s.service, want[i].service) == 0);
        CHECK(strcmp(s.version, want[i].version) == 0);
        CHECK(strcmp(s.region, want[i].region) == 0);
        CHECK_EQ_INT(s.caps, want[i].caps);
        CHECK_EQ_INT(s.port, 443);
        CHECK(s.secret_id == NULL && s.token == NULL && s.language == NULL);
    }
    lkd_settings_default(NULL, LKD_PROFILE_LKE); /* no crash */
}

int main(void)
{
    test_profiles();
    test_init_checks();
    test_clock();
    test_no_secret_left_behind();
    test_names();
    return unit_report("client");
}
