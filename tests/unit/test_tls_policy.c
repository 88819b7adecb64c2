/* SPDX-License-Identifier: MIT */
/*
 * test_tls_policy.c - lkd_tls_policy_apply, lkd_tls_policy_describe and,
 * under mbedTLS 3.x, the source of PSA's random bytes (lkd_psa_rng.h).
 *
 * The lists are checked by what mbedTLS says of each entry (key exchange,
 * cipher, curve), not by comparing against a copy of them; the behaviour
 * against real servers is tests/integration/test_tls_policy.py.
 */
#include <string.h>

#include <mbedtls/cipher.h>
#include <mbedtls/ecp.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ciphersuites.h>
#include <mbedtls/x509.h>
#include <mbedtls/x509_crt.h>

#include "lkd_mbedtls.h"
#include "lkd_psa_rng.h"
#include "lkd_tls.h"
#include "lkd_tls_policy.h"
#include "lkd_tls_sniff.h"
#include "unit.h"

#if defined(MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG)
#include <psa/crypto.h>
#endif

static int is_aead(mbedtls_cipher_type_t c)
{
    return c == MBEDTLS_CIPHER_AES_128_GCM || c == MBEDTLS_CIPHER_AES_256_GCM || c == MBEDTLS_CIPHER_CHACHA20_POLY1305;
}

#if LKD_MBEDTLS3
/* 3.x: one suite list for every version (1.3's suites name no key
 * exchange), groups and signature algorithms by their TLS numbers. */
static void test_apply_suites_and_groups(void)
{
    mbedtls_ssl_config conf;
    const int *s;
    const uint16_t *g, *a;
    size_t n = 0, n13 = 0;
    int chacha = 0, pss = 0;
    mbedtls_ssl_config_init(&conf);
    CHECK_EQ_INT(mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                             MBEDTLS_SSL_PRESET_DEFAULT), 0);
    CHECK_EQ_INT(lkd_tls_policy_apply(&conf), LKD_OK);
    CHECK_EQ_INT(conf.MBEDTLS_PRIVATE(min_tls_version), MBEDTLS_SSL_VERSION_TLS1_2);
    for (s = conf.MBEDTLS_PRIVATE(ciphersuite_list); *s != 0; s++) {
        const mbedtls_ssl_ciphersuite_t *info = mbedtls_ssl_ciphersuite_from_id(*s);
        CHECK(info != NULL); /* compiled in: nothing listed that mbedTLS would skip */
        if (info == NULL) {
            continue;
        }
        if (info->MBEDTLS_PRIVATE(min_tls_version) == MBEDTLS_SSL_VERSION_TLS1_3) {
            CHECK_EQ_INT(info->MBEDTLS_PRIVATE(key_exchange), MBEDTLS_KEY_EXCHANGE_NONE);
            n13++;
        } else {
            CHECK(info->MBEDTLS_PRIVATE(key_exchange) == MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA ||
                  info->MBEDTLS_PRIVATE(key_exchange) == MBEDTLS_KEY_EXCHANGE_ECDHE_RSA);
            n++;
        }
        CHECK(is_aead((mbedtls_cipher_type_t)info->MBEDTLS_PRIVATE(cipher)));
        chacha |= info->MBEDTLS_PRIVATE(cipher) == MBEDTLS_CIPHER_CHACHA20_POLY1305;
    }
    CHECK_EQ_INT(n, 6); /* the project's 3.6 configuration has all six 1.2 suites */
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    CHECK_EQ_INT(n13, 3); /* and 1.3's three AEAD suites */
#else
    CHECK_EQ_INT(n13, 0);
#endif
    CHECK(chacha);
    n = 0;
    for (g = conf.MBEDTLS_PRIVATE(group_list); *g != MBEDTLS_SSL_IANA_TLS_GROUP_NONE; g++) {
        CHECK(*g == MBEDTLS_SSL_IANA_TLS_GROUP_X25519 || *g == MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1 ||
              *g == MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1);
        n++;
    }
    CHECK_EQ_INT(n, 3);
    CHECK_EQ_INT(conf.MBEDTLS_PRIVATE(group_list)[0], MBEDTLS_SSL_IANA_TLS_GROUP_X25519);
    n = 0;
    for (a = conf.MBEDTLS_PRIVATE(sig_algs); *a != MBEDTLS_TLS1_3_SIG_NONE; a++) {
        /* The hash is the high byte, except for RSA-PSS (0x08, hash). */
        unsigned hash = (*a >> 8) == 0x08 ? (*a & 0xffu) : (unsigned)(*a >> 8);
        CHECK(hash >= 4 && hash <= 6); /* SHA-256, SHA-384, SHA-512 */
        pss += *a == MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256;
        n++;
    }
    CHECK_EQ_INT(n, 9);
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_RSA_C)
    /* A 1.3 server with an RSA key can sign only with RSA-PSS, and mbedTLS
     * checks PSS as such only with MBEDTLS_X509_RSASSA_PSS_SUPPORT. */
    CHECK_EQ_INT(pss, 1);
#if !defined(MBEDTLS_X509_RSASSA_PSS_SUPPORT)
    CHECK(0);
#endif
#endif
    mbedtls_ssl_config_free(&conf);
}
#else
static void test_apply_suites_and_groups(void)
{
    mbedtls_ssl_config conf;
    const int *s;
    const mbedtls_ecp_group_id *g;
    size_t n = 0, v;
    int chacha = 0;
    mbedtls_ssl_config_init(&conf);
    CHECK_EQ_INT(mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                             MBEDTLS_SSL_PRESET_DEFAULT), 0);
    CHECK_EQ_INT(lkd_tls_policy_apply(&conf), LKD_OK);
    CHECK_EQ_INT(conf.min_major_ver, MBEDTLS_SSL_MAJOR_VERSION_3);
    CHECK_EQ_INT(conf.min_minor_ver, MBEDTLS_SSL_MINOR_VERSION_3);
    /* Every version's list is the policy's: a lower version never brings the defaults back. */
    for (v = 0; v < 4; v++) {
        CHECK(conf.ciphersuite_list[v] == conf.ciphersuite_list[MBEDTLS_SSL_MINOR_VERSION_3]);
    }
    for (s = conf.ciphersuite_list[MBEDTLS_SSL_MINOR_VERSION_3]; *s != 0; s++) {
        const mbedtls_ssl_ciphersuite_t *info = mbedtls_ssl_ciphersuite_from_id(*s);
        CHECK(info != NULL); /* compiled in: nothing listed that mbedTLS would skip */
        if (info == NULL) {
            continue;
        }
        CHECK(info->key_exchange == MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA ||
              info->key_exchange == MBEDTLS_KEY_EXCHANGE_ECDHE_RSA);
        CHECK(is_aead(info->cipher));
        chacha |= info->cipher == MBEDTLS_CIPHER_CHACHA20_POLY1305;
        n++;
    }
    CHECK_EQ_INT(n, 6); /* Debian's mbedTLS has all six */
    CHECK(chacha);
    n = 0;
    for (g = conf.curve_list; *g != MBEDTLS_ECP_DP_NONE; g++) {
        CHECK(*g == MBEDTLS_ECP_DP_CURVE25519 || *g == MBEDTLS_ECP_DP_SECP256R1 || *g == MBEDTLS_ECP_DP_SECP384R1);
        CHECK(mbedtls_ecp_curve_info_from_grp_id(*g) != NULL);
        n++;
    }
    CHECK_EQ_INT(n, 3);
    CHECK_EQ_INT(conf.curve_list[0], MBEDTLS_ECP_DP_CURVE25519);
    for (s = conf.sig_hashes; *s != MBEDTLS_MD_NONE; s++) {
        CHECK(*s == MBEDTLS_MD_SHA256 || *s == MBEDTLS_MD_SHA384 || *s == MBEDTLS_MD_SHA512);
    }
    mbedtls_ssl_config_free(&conf);
}
#endif

/* The configuration's profile (a private field under 3.x: tests may look). */
#if LKD_MBEDTLS3
#define CONF_PROFILE(c) ((c).MBEDTLS_PRIVATE(cert_profile))
#else
#define CONF_PROFILE(c) ((c).cert_profile)
#endif

static void test_apply_profile(void)
{
    mbedtls_ssl_config conf;
    const mbedtls_x509_crt_profile *p;
    mbedtls_ssl_config_init(&conf);
    CHECK_EQ_INT(mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                             MBEDTLS_SSL_PRESET_DEFAULT), 0);
    CHECK_EQ_INT(lkd_tls_policy_apply(&conf), LKD_OK);
    p = CONF_PROFILE(conf);
    CHECK(p != NULL && p != &mbedtls_x509_crt_profile_default);
    if (p != NULL) {
        CHECK(!(p->allowed_mds & MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_MD5)));
        CHECK(!(p->allowed_mds & MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA1)));
        CHECK(!(p->allowed_mds & MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA224)));
        CHECK(p->allowed_mds & MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA256));
        CHECK(p->allowed_mds & MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA384));
        CHECK(p->allowed_mds & MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA512));
        /* An EC leaf's key type is PK_ECKEY: without it every EC certificate fails. */
        CHECK(p->allowed_pks & MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_ECKEY));
        CHECK(p->allowed_pks & MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_ECDSA));
        CHECK(p->allowed_pks & MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_RSA));
        CHECK(p->allowed_curves ==
              (MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP256R1) | MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP384R1)));
        CHECK_EQ_INT(p->rsa_min_bitlen, 2048);
    }
    mbedtls_ssl_config_free(&conf);
    CHECK_EQ_INT(lkd_tls_policy_apply(NULL), LKD_ERR_ARG_NULL);
}

static int has(const char *s, const char *part)
{
    return s != NULL && strstr(s, part) != NULL;
}

static void test_describe(void)
{
    const char *alert = lkd_tls_policy_describe(MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, 0);
    const char *cert = NULL;
    CHECK(has(alert, "offers no cipher suite or key-exchange group this client allows"));
    CHECK(has(alert, "TLS 1.2+, ECDHE with AES-GCM or ChaCha20-Poly1305; x25519, P-256, P-384)"));
    /* 0xffffffff is "no verification result", not every flag. */
    CHECK(lkd_tls_policy_describe(MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, 0xffffffffu) == alert);
#if defined(MBEDTLS_ERR_SSL_BAD_HS_SERVER_KEY_EXCHANGE) /* 2.28 only */
    CHECK(has(lkd_tls_policy_describe(MBEDTLS_ERR_SSL_BAD_HS_SERVER_KEY_EXCHANGE, 0), "key exchange"));
#endif
    cert = lkd_tls_policy_describe(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, MBEDTLS_X509_BADCERT_BAD_MD);
    CHECK(has(cert, "SHA-1") && has(cert, "MD5"));
    cert = lkd_tls_policy_describe(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, MBEDTLS_X509_BADCERT_BAD_KEY);
    CHECK(has(cert, "RSA key under 2048 bits") && has(cert, "P-256 or P-384"));
    CHECK(has(lkd_tls_policy_describe(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, MBEDTLS_X509_BADCERT_BAD_PK),
              "other than RSA or ECDSA"));
    CHECK(has(lkd_tls_policy_describe(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, MBEDTLS_X509_BADCERT_EXT_KEY_USAGE),
              "not issued for a TLS server"));
    CHECK(has(lkd_tls_policy_describe(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, MBEDTLS_X509_BADCERT_KEY_USAGE),
              "not issued for a TLS server"));
    /* A profile refusal is named even beside other flags (the hash first). */
    CHECK(has(lkd_tls_policy_describe(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, MBEDTLS_X509_BADCERT_NOT_TRUSTED |
                                                                              MBEDTLS_X509_BADCERT_BAD_MD |
                                                                              MBEDTLS_X509_BADCERT_BAD_KEY),
              "SHA-1"));
    /* Nothing to add: success, trust, name, validity, I/O, other TLS errors. */
    CHECK(lkd_tls_policy_describe(0, 0) == NULL);
    CHECK(lkd_tls_policy_describe(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, MBEDTLS_X509_BADCERT_NOT_TRUSTED) == NULL);
    CHECK(lkd_tls_policy_describe(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, MBEDTLS_X509_BADCERT_CN_MISMATCH) == NULL);
    CHECK(lkd_tls_policy_describe(MBEDTLS_ERR_X509_CERT_VERIFY_FAILED, MBEDTLS_X509_BADCERT_EXPIRED) == NULL);
    CHECK(lkd_tls_policy_describe(MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, MBEDTLS_X509_BADCERT_NOT_TRUSTED) == NULL);
    CHECK(lkd_tls_policy_describe(MBEDTLS_ERR_SSL_CONN_EOF, 0) == NULL);
    CHECK(lkd_tls_policy_describe(MBEDTLS_ERR_SSL_TIMEOUT, 0) == NULL);
}

#if defined(MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG)
static int entropy_fails;

static int fixed_entropy(void *ctx, unsigned char *buf, size_t len)
{
    (void)ctx;
    memset(buf, 0x3c, len);
    return entropy_fails ? MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED : 0;
}

/* PSA's bytes are the registered DRBG's, in requests of at most
 * MBEDTLS_CTR_DRBG_MAX_REQUEST; with none registered, or one whose reseed
 * fails, PSA gets nothing rather than another source's bytes. */
static void test_psa_draws_from_the_client_drbg(void)
{
    mbedtls_ctr_drbg_context a, b;
    static uint8_t x[MBEDTLS_CTR_DRBG_MAX_REQUEST + 100], y[sizeof x];
    CHECK_EQ_INT(psa_crypto_init(), PSA_SUCCESS);
    lkd_psa_rng_use(NULL);
    CHECK_EQ_INT(psa_generate_random(x, 16), PSA_ERROR_INSUFFICIENT_ENTROPY);
    mbedtls_ctr_drbg_init(&a);
    mbedtls_ctr_drbg_init(&b);
    CHECK_EQ_INT(mbedtls_ctr_drbg_seed(&a, fixed_entropy, NULL, NULL, 0), 0);
    CHECK_EQ_INT(mbedtls_ctr_drbg_seed(&b, fixed_entropy, NULL, NULL, 0), 0);
    lkd_psa_rng_use(&a);
    CHECK_EQ_INT(psa_generate_random(x, sizeof x), PSA_SUCCESS);
    CHECK_EQ_INT(mbedtls_ctr_drbg_random(&b, y, MBEDTLS_CTR_DRBG_MAX_REQUEST), 0);
    CHECK_EQ_INT(mbedtls_ctr_drbg_random(&b, y + MBEDTLS_CTR_DRBG_MAX_REQUEST, 100), 0);
    CHECK(memcmp(x, y, sizeof x) == 0);
    lkd_psa_rng_release(&b); /* not the source: nothing changes */
    CHECK_EQ_INT(psa_generate_random(x, 16), PSA_SUCCESS);
    mbedtls_ctr_drbg_set_prediction_resistance(&a, MBEDTLS_CTR_DRBG_PR_ON);
    entropy_fails = 1;
    CHECK_EQ_INT(psa_generate_random(x, 16), PSA_ERROR_INSUFFICIENT_ENTROPY);
    entropy_fails = 0;
    lkd_psa_rng_release(&a);
    CHECK_EQ_INT(psa_generate_random(x, 16), PSA_ERROR_INSUFFICIENT_ENTROPY);
    mbedtls_ctr_drbg_free(&a);
    mbedtls_ctr_drbg_free(&b);
}
#endif

/* The server's refusal from the facts lkd_tls keeps, branch by branch. */
static lkd_tls_t t;
static char sentence[96];
#define REFUSAL(err) lkd_tls_policy_refusal(&t, (err), sentence, sizeof sentence)
#define R REFUSAL(0)

static void test_refusal(void)
{
    static const uint8_t alert_40_in_0301[] = {0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x28};
    static const uint8_t alert_70_in_0302[] = {0x15, 0x03, 0x02, 0x00, 0x02, 0x02, 0x46};
    lkd_tls_sniff_t s;
    memset(&t, 0, sizeof t);
    t.peer_alert = -1;
    CHECK(R == NULL);
    t.bare_400 = 1;
    CHECK(R == NULL); /* a 400 without a certificate request */
    t.bare_400 = 0;
    t.server_version = 0x0303;
    CHECK(R == NULL);
    t.server_version = 0x0302;
    CHECK(has(R, "accepts only TLS 1.1; this client needs TLS 1.2 or later"));
    t.server_version = 0x0301;
    CHECK(has(R, "accepts only TLS 1.0"));
    t.server_version = 0x0300;
    t.peer_alert = MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION;
    CHECK(has(R, "accepts only SSL 3.0"));
    /* handshake_failure in a 0x0301 record: the record's version is no
     * choice (many servers frame an early alert so), and lkd_tls keeps none. */
    memset(&s, 0, sizeof s);
    lkd_tls_sniff(&s, alert_40_in_0301, sizeof alert_40_in_0301);
    CHECK_EQ_INT(lkd_tls_sniff_version(&s, MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE), 0);
    t.server_version = 0x0301; /* and were it kept, the alert speaks first */
    t.peer_alert = MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE;
    CHECK(has(R, "no cipher suite or key-exchange group in common"));
    CHECK(!has(R, "accepts only"));
    CHECK(has(R, "groups x25519, P-256, P-384"));
    /* protocol_version in a 0x0302 record: a TLS 1.1 server's refusal. */
    memset(&s, 0, sizeof s);
    lkd_tls_sniff(&s, alert_70_in_0302, sizeof alert_70_in_0302);
    t.server_version = lkd_tls_sniff_version(&s, MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION);
    CHECK_EQ_INT(t.server_version, 0x0302);
    t.peer_alert = MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION;
    CHECK(has(R, "accepts only TLS 1.1"));
    CHECK_EQ_INT(lkd_tls_sniff_version(&s, -1), 0x0302);
    t.server_version = 0x0303;
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    CHECK(has(R, "accepts neither TLS 1.2 nor TLS 1.3"));
#else
    CHECK(has(R, "does not accept TLS 1.2, the only version"));
#endif
    t.peer_alert = 116; /* certificate_required */
    CHECK(has(R, "requires a client certificate"));
    CHECK(lkd_tls_sniff_cert_refusal(t.peer_alert, t.cert_requested));
    t.peer_alert = MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE;
    CHECK(!lkd_tls_sniff_cert_refusal(t.peer_alert, t.cert_requested));
    t.cert_requested = 1;
    CHECK(lkd_tls_sniff_cert_refusal(t.peer_alert, t.cert_requested));
    CHECK(has(R, "requires a client certificate, and this client has none"));
    t.peer_alert = MBEDTLS_SSL_ALERT_MSG_BAD_CERT;
    CHECK(has(R, "requires a client certificate"));
    /* A 400 after a request for a certificate: only a web server's own page
     * (ssl_verify_client optional asks, and the service's 400 is JSON). */
    t.peer_alert = -1;
    CHECK(R == NULL);
    t.bare_400 = 1;
    CHECK(has(R, "the server asked for a client certificate during the handshake and refused the request "
                 "(HTTP 400): it most likely requires one"));
    t.bare_400 = 0;
    t.cert_requested = 0;
    /* 3.6's own FATAL_ALERT_MESSAGE, no alert received. */
    CHECK(has(REFUSAL(MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE), "the server sent no certificate"));
    t.peer_alert = 48;
    CHECK(has(R, "the server ended the handshake with the TLS alert unknown_ca"));
    t.peer_alert = 120;
    CHECK(has(R, "with the TLS alert no_application_protocol"));
    t.peer_alert = 10;
    CHECK(has(R, "with the TLS alert unexpected_message"));
    t.peer_alert = 0;
    CHECK(has(R, "with the TLS alert 0"));
    t.peer_alert = 255;
    CHECK(has(R, "with the TLS alert 255"));
    /* After the handshake: the connection, not the handshake, and no suite
     * talk for handshake_failure. */
    t.alert_open = 1;
    t.peer_alert = 20;
    CHECK(has(R, "the server ended the established connection with the TLS alert bad_record_mac"));
    t.peer_alert = 113;
    CHECK(strlen(R) < sizeof sentence && has(R, "bad_certificate_status_response"));
    t.peer_alert = MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE;
    CHECK(has(R, "the server ended the established connection with the TLS alert handshake_failure"));
    t.alert_open = 0;
    /* A certificate flag: the IP sentence for an address, else the profile's (NULL here). */
    t.verify_flags = MBEDTLS_X509_BADCERT_CN_MISMATCH;
    CHECK(R == NULL);
    t.ip_len = 4;
    CHECK(has(R, "does not name this IP address"));
    t.verify_flags = MBEDTLS_X509_BADCERT_EXPIRED;
    CHECK(R == NULL);
    t.verify_flags = 0xffffffffu; /* no verification result: the alert speaks */
    t.peer_alert = 48;
    CHECK(has(R, "unknown_ca"));
}

int main(void)
{
    test_apply_suites_and_groups();
    test_apply_profile();
    test_describe();
    test_refusal();
#if defined(MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG)
    test_psa_draws_from_the_client_drbg();
#else
    lkd_psa_rng_use(NULL); /* a no-op without PSA in the TLS stack */
#endif
    return unit_report("tls_policy");
}
