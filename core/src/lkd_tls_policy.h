/* SPDX-License-Identifier: MIT */
/*
 * lkd_tls_policy.h - what lkedoc accepts from a TLS server.
 *
 * One place states the client's TLS policy, applied on top of mbedTLS's
 * defaults to the client configuration:
 *
 *   protocol       TLS 1.2 or later (mbedTLS 2.28: TLS 1.2 only).
 *   cipher suites  ECDHE key exchange with an AEAD cipher, nothing else:
 *                  ECDHE-ECDSA and ECDHE-RSA with AES-128-GCM, AES-256-GCM
 *                  and ChaCha20-Poly1305.  No static RSA (no forward
 *                  secrecy), no finite-field DHE (servers' 1024-bit groups),
 *                  no CBC (Lucky13-style padding oracles), no PSK.
 *   groups         x25519, P-256, P-384 (ECDHE, and the curve of an EC
 *                  server key: mbedTLS checks the leaf's curve against the
 *                  same list).
 *   ServerKeyExchange signatures   SHA-256, SHA-384, SHA-512.
 *   certificates   every certificate of the chain (not the trust anchor's
 *                  self-signature) signed with SHA-256, SHA-384 or SHA-512 by
 *                  RSA (PKCS#1 v1.5 or PSS) or ECDSA; RSA keys of 2048 bits or
 *                  more; EC keys on P-256 or P-384.  SHA-1, MD5 and SHA-224
 *                  signatures are refused.  P-521 is refused as the web PKI's
 *                  root programs (Mozilla, Chrome) do: no public chain needs
 *                  it, and the board does not compile it.
 *
 * Each suite and group is listed only when the mbedTLS configuration
 * compiles it (the board's lacks ChaCha20-Poly1305 and x25519).  That guard
 * is needed: mbedTLS 2.28 silently skips a suite it does not know, but a
 * group it does not know in the configured list fails every handshake
 * (MBEDTLS_ERR_SSL_BAD_CONFIG when writing the ClientHello).  A configuration
 * that would leave no suite or no group does not compile.
 *
 * All the lists and the profile are static const data: nothing is allocated,
 * and the configuration points at them for its whole life.
 */
#ifndef LKD_TLS_POLICY_H
#define LKD_TLS_POLICY_H

#include <stdint.h>

#include <mbedtls/ssl.h>

#include "lkd_internal.h"
#include "lkd_status.h"

/* Apply the policy to conf, a client configuration on which
 * mbedtls_ssl_config_defaults has been called (call it before
 * mbedtls_ssl_setup: the SSL context reads the configuration by pointer,
 * so later changes would apply too, but nothing should be connected under
 * an unfinished policy).  Replaces the cipher suites of every protocol
 * version, the group list, the signature hashes and the certificate profile,
 * and raises the minimum version to TLS 1.2.  Everything else
 * (authentication mode, CA chain, callbacks) is left as the caller set it.
 * Errors: LKD_ERR_ARG_NULL (conf is NULL). */
lkd_status_t lkd_tls_policy_apply(mbedtls_ssl_config *conf);

/* A sentence in English that explains a TLS failure this policy can cause,
 * for a person reading the error; NULL when the policy has nothing to add
 * (success, I/O errors, an untrusted CA, a wrong host name, an expired
 * certificate: mbedTLS's own messages say those).
 *   mbedtls_error  the last negative mbedTLS code of the failed connection
 *                  (lkd_tls_t.last_mbedtls_error), or 0;
 *   verify_flags   the MBEDTLS_X509_BADCERT_* flags of the failed
 *                  verification (lkd_tls_t.verify_flags), 0 or 0xffffffff
 *                  (mbedTLS's "no verification result") when none.
 * Certificate flags are explained first (the profile's hash, key or
 * algorithm refusals, then a key usage that does not allow a TLS server);
 * else a fatal alert from the server during the handshake, which under this
 * policy most often means the server offers no suite or group the client
 * allows; else a ServerKeyExchange the client refused (its group or
 * signature).  The text names the policy as compiled (no ChaCha20-Poly1305
 * or x25519 on a build without them).  It is a static string, never NULL
 * for those cases; no trailing period or newline.  With LKD_ENABLE_TEXTS 0
 * (the default) there are no sentences: always NULL. */
const char *lkd_tls_policy_describe(int mbedtls_error, uint32_t verify_flags);

/* A sentence in English for a connection the server refused, from the
 * facts lkd_tls kept in tls (peer_alert, alert_open, server_version,
 * cert_requested, bare_400, verify_flags, ip_len) and mbedtls_error, the
 * connection's last mbedTLS code.  In this order: an IP-literal host that no
 * iPAddress name of the certificate matches; (any other certificate flag:
 * NULL, lkd_tls_policy_describe says it); with no alert or protocol_version,
 * a version under TLS 1.2 ("the server accepts only TLS 1.1"); the alert
 * protocol_version; a client certificate required (lkd_tls_sniff_cert_refusal);
 * an HTTP 400 page about a certificate (bare_400) after a certificate
 * request with no alert (nginx's ssl_verify_client, in words of what is
 * known); 3.6's own
 * FATAL_ALERT_MESSAGE with no alert received (the server sent no
 * certificate); handshake_failure in the handshake (no suite or group in
 * common: a server says the same for both, so the sentence names both, with
 * what this client allows); any other alert by its name (or number), as
 * ending the handshake or the established connection: that sentence is
 * written into buf[0..cap), cap at least 96.  NULL when none of these
 * apply, and always with LKD_ENABLE_TEXTS 0.  No trailing period. */
const char *lkd_tls_policy_refusal(const lkd_tls_t *tls, int mbedtls_error, char *buf, size_t cap);

#endif /* LKD_TLS_POLICY_H */
