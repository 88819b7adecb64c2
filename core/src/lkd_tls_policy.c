/* SPDX-License-Identifier: MIT */
/*
 * lkd_tls_policy.c - the client's TLS policy (see lkd_tls_policy.h).
 */
#include "lkd_tls_policy.h"

#include <stddef.h>
#include <string.h>

#include <mbedtls/ssl_ciphersuites.h>
#include <mbedtls/x509.h>
#include <mbedtls/x509_crt.h>

#include "lkd_text.h"
#include "lkd_tls_sniff.h"

#include "lkd_config.h"
#include "lkd_mbedtls.h"

/* Which AEADs and key exchanges this mbedTLS build has.  A suite outside
 * the build would only be skipped by mbedTLS; listing just the compiled ones
 * keeps the list honest and lets the check below catch an empty one. */
#if defined(MBEDTLS_AES_C) && defined(MBEDTLS_GCM_C)
#define HAVE_AES_GCM 1
#else
#define HAVE_AES_GCM 0
#endif
/* AES-256-GCM suites hash with SHA-384 (SHA512_C in 2.28, unless cut out; SHA384_C in 3.x). */
#if HAVE_AES_GCM && ((!LKD_MBEDTLS3 && defined(MBEDTLS_SHA512_C) && !defined(MBEDTLS_SHA512_NO_SHA384)) ||    \
                     (LKD_MBEDTLS3 && defined(MBEDTLS_SHA384_C)))
#define HAVE_AES256_GCM 1
#else
#define HAVE_AES256_GCM 0
#endif
#if defined(MBEDTLS_CHACHAPOLY_C) && defined(MBEDTLS_SHA256_C)
#define HAVE_CHACHAPOLY 1
#else
#define HAVE_CHACHAPOLY 0
#endif
#if defined(MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED)
#define HAVE_ECDSA 1
#else
#define HAVE_ECDSA 0
#endif
#if defined(MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED)
#define HAVE_ECRSA 1
#else
#define HAVE_ECRSA 0
#endif

#if !((HAVE_ECDSA || HAVE_ECRSA) && (HAVE_AES_GCM || HAVE_CHACHAPOLY))
#error "lkd_tls_policy: this mbedTLS configuration has no ECDHE suite with AES-GCM or ChaCha20-Poly1305"
#endif
#if !defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED) && !defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED) &&              \
    !defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED)
#error "lkd_tls_policy: this mbedTLS configuration has none of x25519, P-256, P-384"
#endif

/* Preference order: ECDSA before RSA (smaller certificates, cheaper
 * signatures), AES-128-GCM first (AES instructions on hosts; the board has
 * nothing else), ChaCha20-Poly1305 for servers that prefer it. */
static const int suites[] = {
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    /* TLS 1.3's suites name only the AEAD and hash: the key exchange and the
     * signature are negotiated apart (groups and signature algorithms below). */
#if HAVE_AES_GCM
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
#endif
#if HAVE_AES256_GCM
    MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
#endif
#if HAVE_CHACHAPOLY
    MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
#endif
#endif
#if HAVE_ECDSA && HAVE_AES_GCM
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
#endif
#if HAVE_ECRSA && HAVE_AES_GCM
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
#endif
#if HAVE_ECDSA && HAVE_AES256_GCM
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
#endif
#if HAVE_ECRSA && HAVE_AES256_GCM
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
#endif
#if HAVE_ECDSA && HAVE_CHACHAPOLY
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
#endif
#if HAVE_ECRSA && HAVE_CHACHAPOLY
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
#endif
    0
};

/* x25519 first: fastest and constant-time by construction.  A group this
 * build lacks must not appear (mbedTLS fails the ClientHello over it). */
#if LKD_MBEDTLS3
/* 3.x names groups by their TLS numbers (mbedtls_ssl_conf_groups). */
static const uint16_t groups[] = {
#if defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED)
    MBEDTLS_SSL_IANA_TLS_GROUP_X25519,
#endif
#if defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED)
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
#endif
#if defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED)
    MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1,
#endif
    MBEDTLS_SSL_IANA_TLS_GROUP_NONE
};
#else
static const mbedtls_ecp_group_id groups[] = {
#if defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED)
    MBEDTLS_ECP_DP_CURVE25519,
#endif
#if defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED)
    MBEDTLS_ECP_DP_SECP256R1,
#endif
#if defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED)
    MBEDTLS_ECP_DP_SECP384R1,
#endif
    MBEDTLS_ECP_DP_NONE
};
#endif

#if LKD_MBEDTLS3
/* RSA-PSS in the handshake takes both: without MBEDTLS_X509_RSASSA_PSS_SUPPORT
 * mbedTLS 3.6 checks a PSS signature as PKCS#1 v1.5, so offering PSS would
 * make every RSA server that picks it fail the handshake. */
#if defined(MBEDTLS_PKCS1_V21) && defined(MBEDTLS_X509_RSASSA_PSS_SUPPORT)
#define HAVE_RSA_PSS 1
#else
#define HAVE_RSA_PSS 0
#endif
/* A 1.3 server with an RSA key signs with RSA-PSS only. */
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) && defined(MBEDTLS_RSA_C) && !HAVE_RSA_PSS
#error "lkd_tls_policy: TLS 1.3 with RSA needs MBEDTLS_PKCS1_V21 and MBEDTLS_X509_RSASSA_PSS_SUPPORT"
#endif

/* 3.x lists signature algorithms as TLS 1.3 names them (hash and
 * signature), for 1.2's ServerKeyExchange as for 1.3's CertificateVerify:
 * the same SHA-2 hashes as 2.28's list, ECDSA and RSA (PKCS#1 v1.5 for 1.2,
 * RSA-PSS, which 1.3 requires of RSA keys). */
static const uint16_t sig_algs[] = {
#if defined(MBEDTLS_ECDSA_C)
#if defined(MBEDTLS_SHA512_C)
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP521R1_SHA512,
#endif
#if defined(MBEDTLS_SHA384_C)
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP384R1_SHA384,
#endif
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256,
#endif
#if HAVE_RSA_PSS
#if defined(MBEDTLS_SHA512_C)
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA512,
#endif
#if defined(MBEDTLS_SHA384_C)
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA384,
#endif
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256,
#endif
#if defined(MBEDTLS_PKCS1_V15)
#if defined(MBEDTLS_SHA512_C)
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA512,
#endif
#if defined(MBEDTLS_SHA384_C)
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA384,
#endif
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256,
#endif
    MBEDTLS_TLS1_3_SIG_NONE
};
#else
#if defined(MBEDTLS_KEY_EXCHANGE_WITH_CERT_ENABLED)
/* Hashes the server may sign its ECDHE parameters with (mbedTLS's default
 * adds SHA-224, and SHA-1 in builds that allow it). */
static const int sig_hashes[] = {
#if defined(MBEDTLS_SHA512_C)
    MBEDTLS_MD_SHA512,
#if !defined(MBEDTLS_SHA512_NO_SHA384)
    MBEDTLS_MD_SHA384,
#endif
#endif
    MBEDTLS_MD_SHA256,
    MBEDTLS_MD_NONE
};
#endif
#endif

/* mbedTLS's default profile allows SHA-224 and keys on any curve.  mbedTLS
 * checks allowed_pks against each certificate's signature algorithm (RSA,
 * RSASSA-PSS, ECDSA) and against the leaf's key type, which for an EC key
 * (id-ecPublicKey) is PK_ECKEY: both must be listed.  The key size and curve
 * are checked for the leaf and for every issuer, trust anchor included. */
static const mbedtls_x509_crt_profile profile = {
    MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA256) | MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA384) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA512),
    MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_RSA) | MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_RSASSA_PSS) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_ECDSA) | MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_ECKEY),
    MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP256R1) | MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP384R1),
    2048,
};

lkd_status_t lkd_tls_policy_apply(mbedtls_ssl_config *conf)
{
    if (conf == NULL) {
        return LKD_ERR_ARG_NULL;
    }
#if LKD_MBEDTLS3
    mbedtls_ssl_conf_min_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
    mbedtls_ssl_conf_ciphersuites(conf, suites);
    mbedtls_ssl_conf_groups(conf, groups);
    mbedtls_ssl_conf_sig_algs(conf, sig_algs);
#else
    mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_ciphersuites(conf, suites);
    mbedtls_ssl_conf_curves(conf, groups);
#if defined(MBEDTLS_KEY_EXCHANGE_WITH_CERT_ENABLED)
    mbedtls_ssl_conf_sig_hashes(conf, sig_hashes);
#endif
#endif
    mbedtls_ssl_conf_cert_profile(conf, &profile);
    return LKD_OK;
}

#if LKD_ENABLE_TEXTS
/* The policy's words, as compiled. */
#if HAVE_AES_GCM && HAVE_CHACHAPOLY
#define SUITES_TEXT "ECDHE with AES-GCM or ChaCha20-Poly1305"
#elif HAVE_AES_GCM
#define SUITES_TEXT "ECDHE with AES-GCM"
#else
#define SUITES_TEXT "ECDHE with ChaCha20-Poly1305"
#endif
#if defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED)
#define G_X25519 "x25519"
#define G_SEP ", "
#else
#define G_X25519 ""
#define G_SEP ""
#endif
#if defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED) && defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED)
#define G_NIST G_SEP "P-256, P-384"
#elif defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED)
#define G_NIST G_SEP "P-256"
#elif defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED)
#define G_NIST G_SEP "P-384"
#else
#define G_NIST ""
#endif
#define GROUPS_TEXT G_X25519 G_NIST

const char *lkd_tls_policy_describe(int mbedtls_error, uint32_t verify_flags)
{
    /* 0xffffffff is mbedTLS's "no verification happened". */
    uint32_t flags = verify_flags == 0xffffffffu ? 0 : verify_flags;
    if (flags & MBEDTLS_X509_BADCERT_BAD_MD) {
        return "the server's certificate (or a CA certificate in its chain) is signed with SHA-1, MD5 or "
               "another hash this client refuses; it accepts SHA-256, SHA-384 and SHA-512";
    }
    if (flags & MBEDTLS_X509_BADCERT_BAD_KEY) {
        return "the server's certificate (or a CA certificate in its chain) has an RSA key under 2048 bits or "
               "an EC key on a curve other than P-256 or P-384";
    }
    if (flags & MBEDTLS_X509_BADCERT_BAD_PK) {
        return "the server's certificate (or a CA certificate in its chain) uses a signature algorithm or key type "
               "other than RSA or ECDSA";
    }
    if (flags & (MBEDTLS_X509_BADCERT_KEY_USAGE | MBEDTLS_X509_BADCERT_EXT_KEY_USAGE |
                 MBEDTLS_X509_BADCERT_NS_CERT_TYPE)) {
        return "the server's certificate is not issued for a TLS server: its key usage or extended key usage "
               "does not allow serverAuth";
    }
    if (flags != 0) {
        return NULL; /* trust, name or validity: mbedTLS's own text says it */
    }
    switch (mbedtls_error) {
    case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
        return "the server refused the handshake: most likely it offers no cipher suite or key-exchange group "
               "this client allows (TLS 1.2+, " SUITES_TEXT "; " GROUPS_TEXT ")";
#if defined(MBEDTLS_ERR_SSL_BAD_HS_SERVER_KEY_EXCHANGE) /* 2.28; 3.x says MBEDTLS_ERR_SSL_DECODE_ERROR etc. */
    case MBEDTLS_ERR_SSL_BAD_HS_SERVER_KEY_EXCHANGE:
        return "the server's key exchange is malformed or uses a group or signature hash this client refuses "
               "(groups " GROUPS_TEXT "; SHA-256, SHA-384, SHA-512)";
#endif
    default:
        return NULL;
    }
}

#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
#define VERSIONS_REFUSED "the server accepts neither TLS 1.2 nor TLS 1.3"
#else
#define VERSIONS_REFUSED "the server does not accept TLS 1.2, the only version this client speaks"
#endif
/* The alerts by their number (the entry's first byte), RFC 8446 6 and the
 * older ones a 1.2 server may send. */
static const char alerts[] =
    "\x0a" "unexpected_message\0" "\x14" "bad_record_mac\0" "\x16" "record_overflow\0"
    "\x28" "handshake_failure\0" "\x2a" "bad_certificate\0" "\x2b" "unsupported_certificate\0"
    "\x2c" "certificate_revoked\0" "\x2d" "certificate_expired\0" "\x2e" "certificate_unknown\0"
    "\x2f" "illegal_parameter\0"
    "\x30" "unknown_ca\0" "\x31" "access_denied\0" "\x32" "decode_error\0" "\x33" "decrypt_error\0"
    "\x47" "insufficient_security\0" "\x50" "internal_error\0" "\x56" "inappropriate_fallback\0"
    "\x5a" "user_canceled\0" "\x6d" "missing_extension\0" "\x6e" "unsupported_extension\0"
    "\x70" "unrecognized_name\0" "\x71" "bad_certificate_status_response\0" "\x73" "unknown_psk_identity\0"
    "\x78" "no_application_protocol\0";

const char *lkd_tls_policy_refusal(const lkd_tls_t *tls, int mbedtls_error, char *buf, size_t cap)
{
    const char *a;
    int alert = tls->peer_alert;
    unsigned version = tls->server_version;
    lkd_text_writer_t w;
    if (tls->verify_flags != 0 && tls->verify_flags != 0xffffffffu) {
        return tls->ip_len != 0 && (tls->verify_flags & MBEDTLS_X509_BADCERT_CN_MISMATCH)
                   ? "the server's certificate does not name this IP address: an address matches only an "
                     "iPAddress subjectAltName, never a DNS name or the CN"
                   : NULL;
    }
    /* The alert first: only protocol_version (or none) leaves the version
     * lkd_tls kept as the server's choice. */
    if ((alert < 0 || alert == MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION) && version >= 0x0300 && version < 0x0303) {
        return version == 0x0300   ? "the server accepts only SSL 3.0; this client needs TLS 1.2 or later"
               : version == 0x0301 ? "the server accepts only TLS 1.0; this client needs TLS 1.2 or later"
                                   : "the server accepts only TLS 1.1; this client needs TLS 1.2 or later";
    }
    if (alert == MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION) {
        return VERSIONS_REFUSED;
    }
    if (lkd_tls_sniff_cert_refusal(alert, tls->cert_requested)) {
        return "the server requires a client certificate, and this client has none to send";
    }
    /* nginx's ssl_verify_client on: the handshake completes, the answer is
     * its own 400 page about the certificate.  ("optional" asks too, without
     * requiring, and its 400s of other causes, like the service's JSON, do
     * not speak of one.) */
    if (alert < 0 && tls->cert_requested && tls->bare_400) {
        return "the server asked for a client certificate during the handshake and refused the request "
               "(HTTP 400): it most likely requires one";
    }
    if (alert < 0) {
        /* 3.6 says FATAL_ALERT_MESSAGE itself for a 1.3 server's empty
         * Certificate (it sends the alert, none was received). */
        return mbedtls_error == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE ? "the server sent no certificate" : NULL;
    }
    if (alert == MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE && !tls->alert_open) {
        /* A server says the same for no common suite and no common group. */
        return "no cipher suite or key-exchange group in common with the server: this client allows "
               "TLS 1.2+, " SUITES_TEXT "; groups " GROUPS_TEXT;
    }
    for (a = alerts; *a != '\0' && (unsigned char)*a != (unsigned)alert; a += strlen(a) + 1) {
    }
    w.out = buf;
    w.cap = cap - 1u;
    w.pos = 0;
    w.overflow = 0;
    lkd_text_put_str(&w, tls->alert_open ? "the server ended the established connection with the TLS alert "
                                         : "the server ended the handshake with the TLS alert ");
    if (*a != '\0') {
        lkd_text_put_str(&w, a + 1);
    } else {
        lkd_text_put_dec(&w, (uint64_t)alert);
    }
    buf[w.overflow ? 0 : w.pos] = '\0'; /* never: cap holds the longest */
    return buf;
}
#else
/* Without texts the detail keeps mbedTLS's code and flags only. */
const char *lkd_tls_policy_refusal(const lkd_tls_t *tls, int mbedtls_error, char *buf, size_t cap)
{
    (void)tls;
    (void)mbedtls_error;
    (void)buf;
    (void)cap;
    return NULL;
}

const char *lkd_tls_policy_describe(int mbedtls_error, uint32_t verify_flags)
{
    (void)mbedtls_error;
    (void)verify_flags;
    return NULL;
}
#endif
