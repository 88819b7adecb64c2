/* SPDX-License-Identifier: MIT */
/*
 * lkd_client.h - the lkedoc client: one object that holds everything a call
 * needs (TLS contexts, request and response buffers, JSON tokens, connection
 * state), declared by the application, statically or on its own stack.  The
 * library never allocates.
 *
 *     static lkd_client_t client;
 *     lkd_settings_t s;
 *     lkd_settings_default(&s, LKD_PROFILE_LKE);
 *     s.secret_id = "AKID...";  s.secret_key = "...";
 *     lkd_client_init(&client, &s, &port);     // port: see lkd_port.h
 *     lkd_client_add_ca(&client, pem, pem_len_with_nul);
 *     lkd_result_t r;
 *     if (lkd_get_result(&client, id, strlen(id), &r) == LKD_OK) ... r.status ...
 *
 * One client serves one call at a time (it is not thread-safe); results point
 * into the client and stay valid until the next call on it.  Successive calls
 * reuse the TLS connection when the server keeps it open.  Built on mbedTLS
 * 3.x, PSA takes its random bytes from the client that was set up or began a
 * handshake last (PSA's callback carries no context; see lkd_port.h): two
 * clients must then not run calls at the same time in different threads.
 */
#ifndef LKD_CLIENT_H
#define LKD_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "lkd_config.h"
#include "lkd_internal.h"
#include "lkd_port.h"
#include "lkd_types.h"
#include "lkd_version.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    LKD_PROFILE_LKE = 0,   /* lke.intl.tencentcloudapi.com, lke, 2023-11-30, ap-guangzhou (default) */
    LKD_PROFILE_LKEAP,     /* lkeap.tencentcloudapi.com, lkeap, 2024-05-22, ap-guangzhou (China) */
    LKD_PROFILE_LKEAP_INTL /* lkeap.intl.tencentcloudapi.com, lkeap, 2024-05-22, ap-jakarta */
} lkd_profile_t;

/* What an endpoint serves: the bits of lkd_settings_t.caps.  lkd_settings_default
 * sets each profile's (lke: END_PAGE_100 only; lkeap China: all but END_PAGE_100;
 * lkeap international: none); an application with its own host states its
 * endpoint's.  A call that needs a capability the settings lack is refused
 * before anything is sent (LKD_ERR_ARG_CONFLICT).  TASK_ERROR, PAUSE and
 * FULL_USAGE describe answers only: what the application may expect. */
#define LKD_CAP_CANCEL_TASK 0x01u        /* the CancelTask action (lkd_cancel_task) */
#define LKD_CAP_TASK_ERROR 0x02u         /* a Failed task's answer says why (lkd_result_t.has_task_error) */
#define LKD_CAP_IGNORE_FAILED_PAGE 0x04u /* Config.IgnoreFailedPage (lkd_create_t.ignore_failed_page) */
#define LKD_CAP_RETURN_PAGE_FORMAT 0x08u /* Config.ReturnPageFormat (lkd_create_t.return_page_format) */
#define LKD_CAP_PAGE_FORMAT 0x10u        /* Config.PageFormat (lkd_create_t.page_format) */
#define LKD_CAP_PAUSE 0x20u              /* the Pause status */
#define LKD_CAP_FULL_USAGE 0x40u         /* Usage with every field (the international edition: PageNumber,
                                            TotalToken and TotalTokens only) */
#define LKD_CAP_END_PAGE_100 0x80u       /* without FileEndPageNumber the endpoint parses pages 1..100 only:
                                            lkd_create sends the range itself (lkd_job.h) */

/* The slowest upload rate settings.upload_bytes_per_s may name (B/s): it
 * bounds a Create's deadline, whose allowance then stays within 8 MiB of
 * base64 at this rate (8192 s). */
#define LKD_UPLOAD_RATE_MIN 1024u

/* One curl-style --resolve entry: connections to host:port go to address. */
typedef struct {
    const char *host;
    uint16_t port;
    const char *address;
} lkd_resolve_t;

/* One value of temporary credentials in a buffer of the application's:
 * the application sets ptr and size once, the provider writes at most size
 * bytes there and sets len to the value's whole length (no NUL needed). */
typedef struct {
    char *ptr;
    size_t size;
    size_t len;
} lkd_credential_buf_t;

/* Temporary credentials (an STS token, a CVM role's) as a provider hands
 * them to the client, in the application's buffers: secret_id and
 * secret_key are required, token may be {NULL, 0} when its credentials
 * never carry one.  The client wipes all three in full before each call of
 * the provider, after a provider failure or unusable answer, and at
 * lkd_client_free.  A len over its size (or over 128 for secret_id) is
 * refused (LKD_ERR_CREDENTIALS), never cut.  The token is sent from its
 * buffer, not copied into the request buffer: its length is bounded by
 * token.size alone (STS tokens run from about 700 bytes to about 1.7 KB). */
typedef struct {
    lkd_credential_buf_t secret_id;  /* TmpSecretId: letters, digits, '-', '.', '_' */
    lkd_credential_buf_t secret_key; /* TmpSecretKey: any bytes, at least one */
    lkd_credential_buf_t token;      /* Token (X-TC-Token): visible ASCII; len 0 sends none */
    int64_t expires;                 /* ExpiredTime (Unix s), or LKD_CREDENTIALS_NO_EXPIRY */
    uint32_t time_left_ms;           /* set by the client before each call of the provider: what
                                        is left of the call's deadline, which the provider's own
                                        wait should not outlive */
} lkd_credentials_t;

#define LKD_CREDENTIALS_NO_EXPIRY (-1)

/* The default of settings.credentials_margin_s: as Tencent Cloud's Go SDK
 * renews a CVM role's credentials (300 s before ExpiredTime).  At most
 * LKD_CREDENTIALS_MARGIN_MAX_S. */
#define LKD_CREDENTIALS_MARGIN_S 300u
#define LKD_CREDENTIALS_MARGIN_MAX_S 86400u

/* Fill *creds with fresh credentials (see lkd_credentials_t), e.g. from the
 * vendor's backend or an STS call.  Called inside a call of the client,
 * which waits for it: it should bound its own time by creds->time_left_ms
 * and stop when settings.abort says so, returning LKD_ERR_ABORTED, which
 * ends the call as LKD_ERR_ABORTED.  Any other status than LKD_OK ends the
 * call with LKD_ERR_CREDENTIALS, nothing sent. */
typedef lkd_status_t (*lkd_credentials_fn)(void *user, lkd_credentials_t *creds);

/* Receives one line of diagnostics (no newline); secrets are never in it. */
typedef void (*lkd_log_fn)(void *user, const char *line, size_t len);

/* Settings of a client.  Every string is the application's, NUL-terminated,
 * and must stay valid as long as the client is used (nothing is copied). */
typedef struct {
    const char *host;         /* API host: a name (also the TLS name), or an IP literal, IPv6 bare
                                 (no SNI; an iPAddress name of the certificate); Host is it with
                                 ":port" unless 443 (IPv6 bracketed), the signed host without */
    uint16_t port;            /* 443 */
    const lkd_resolve_t *resolve; /* NULL, or resolve_count overrides for any host the
                                     client connects to (API or download); TLS still
                                     verifies the host name */
    size_t resolve_count;
    const char *service;      /* credential scope service: first label of host */
    const char *version;      /* X-TC-Version */
    const char *region;       /* X-TC-Region */
    const char *language;     /* X-TC-Language: NULL, "en-US" or "zh-CN" */
    const char *secret_id;
    const char *secret_key;
    const char *token;        /* NULL, or the session token of temporary credentials (any
                                 length: sent from this string, not the request buffer) */
    /* Credentials that refresh themselves: with credentials_provider set,
     * secret_id, secret_key and token above are ignored (may be NULL).
     * Before a call, the client asks the provider when it holds none, or
     * when they expire within credentials_margin_s (but at most half the
     * life they had when the provider gave them) by lkd_client_now (while
     * that is -1 they are used until the service refuses them); and once
     * more when the service answers AuthFailure.TokenFailure, the call then
     * repeated once with the new ones (lkd_job.h says why a Create may be). */
    lkd_credentials_fn credentials_provider;
    void *credentials_user;
    lkd_credentials_t *credentials; /* the provider's buffers (required with a provider) */
    uint32_t credentials_margin_s;  /* LKD_CREDENTIALS_MARGIN_S by lkd_settings_default;
                                       at most LKD_CREDENTIALS_MARGIN_MAX_S */
    uint32_t timeout_ms;      /* deadline of one API call, its retries included */
    uint32_t upload_bytes_per_s; /* a Create that streams a file gets timeout_ms plus its
                                    base64 body at this rate, in whole seconds (65536 by
                                    default: an 8 MiB body adds 128 s); 0: timeout_ms alone;
                                    else at least LKD_UPLOAD_RATE_MIN */
    uint8_t caps;             /* LKD_CAP_* bits: what the endpoint serves.  An application that
                                 fills lkd_settings_t itself rather than from lkd_settings_default
                                 must set it: 0 (a zeroed struct) refuses every capability, and
                                 lke's range needs LKD_CAP_END_PAGE_100 */
    const char *const *result_hosts; /* NULL, or result_host_count hosts a result URL may name
                                        besides LKD_DEFAULT_RESULT_HOSTS: ".example.com" any name
                                        under it (whole labels), "cos.example.com" that name only;
                                        any port (the defaults: 443 only) */
    size_t result_host_count;
    uint8_t result_hosts_replace; /* 1: result_hosts replaces the defaults instead of adding to them */
    int64_t last_known_time;  /* 0, or a Unix time the application knows has passed (persisted
                                 from lkd_client_validity_time): certificate validity is never
                                 checked against an earlier time (see README "The clock") */
    lkd_log_fn log;           /* NULL: silent */
    void *log_user;
    lkd_abort_fn abort;       /* NULL, or asked about every LKD_ABORT_POLL_MS while a call waits
                                 (README "Stopping a call"): nonzero ends the call with
                                 LKD_ERR_ABORTED; also the place to feed a watchdog */
    void *abort_user;
    lkd_proxy_t proxy;        /* host NULL (lkd_settings_default): no proxy.  With one, settings.resolve
                                 applies to the proxy's host and port (its address is the one the client
                                 looks up); an origin's name goes to the proxy unresolved */
} lkd_settings_t;

/* A client.  Everything in it is private: the one member, `internal`, is
 * there so that the application can declare the object (statically or on its
 * own stack) and the library never allocates; its fields change between
 * versions.  Read what a client knows with the functions below
 * (lkd_client_stats, lkd_client_tls_detail, lkd_client_task_id, ...). */
typedef struct {
    struct lkd_client_internal {
        /* First, at offsets no knob moves: a client that lkd_client_init
         * refused with LKD_ERR_CONFIG stays as the application declared it,
         * so a static (zeroed) one answers LKD_ERR_STATE to every call; one
         * on the stack holds what was there, and may be given to none. */
        uint8_t initialised;
        uint8_t busy;
        lkd_arg_error_t arg_error;  /* the argument the last refused call named */
        lkd_settings_t settings;
        lkd_port_t port;
        lkd_tls_t tls;
        lkd_http_parser_t http;
        lkd_api_error_t api_error;  /* filled when a call returns LKD_ERR_API */
        int http_status;            /* status of the last response, 0 before any */
        int64_t server_date;        /* Date of the last response (Unix s), -1 when none */
        int64_t clock_offset;       /* server time - device time (s), once learned from a Date */
        int64_t clock_anchor_unix;  /* server time at clock_anchor_ms, 0 before any Date */
        uint64_t clock_anchor_ms;   /* monotonic ms when that Date arrived */
        uint32_t requests_sent;     /* requests written since init */
        uint32_t retries;           /* attempts repeated after retryable failures since init */
        uint32_t retry_after_ms;    /* Retry-After of the last answer, 0 when none */
        uint32_t creds_margin_s;    /* the held credentials' margin: the setting's, at most half their life */
        uint8_t creds_held;         /* the provider's credentials are in settings.credentials */
        uint8_t outcome_unknown;    /* the last call's Create went out whole, unanswered */
        char task_id[LKD_TASK_ID_SIZE]; /* the job's task (see lkd_job.h) */
        char host_buf[256];         /* the download host (or the refused one), NUL-terminated */
        const char *url_refusal;    /* why the last result URL was refused, NULL when it was not */
        const char *conn_host;      /* the host of the last connection (settings.host or host_buf), NULL before */
        uint16_t conn_port;         /* and its port */
        int64_t validity_high;      /* the latest time certificates were checked against */
        lkd_pages_t pages;          /* the filter GetReconstructDocumentResult's answer passes */
        size_t response_len;
        lkd_json_token_t tokens[LKD_JSON_MAX_TOKENS];
        uint8_t request[LKD_REQUEST_BUFFER_SIZE];
        char response[LKD_RESPONSE_BUFFER_SIZE + 1]; /* + 1: room for a NUL after the body */
    } internal;
} lkd_client_t;

/* Fill *s with a profile's host, service, version, region and capabilities
 * (LKD_CAP_*), port 443, the default timeout and upload rate (65536 B/s), and
 * no credentials.  A value that is not an lkd_profile_t gives LKD_PROFILE_LKE's. */
void lkd_settings_default(lkd_settings_t *s, lkd_profile_t profile);

/* Prepare a client (the settings struct is copied; its strings are not) and
 * seed its random generator from the port.  The object's old contents are
 * never read (it may be uninitialised memory): a client in use must be given
 * to lkd_client_free first, which wipes its provider's buffers.
 *
 * lkd_client_init is a macro: it also hands the library sizeof(lkd_client_t)
 * and LKD_CONFIG_FINGERPRINT as the application was compiled with them, and
 * the library compares them with its own before it touches *client.  An
 * application compiled with other lkd_config.h values (whose client object has
 * another size or layout than the library's) is refused with LKD_ERR_CONFIG,
 * and nothing is written to the object: after it no function may be given that
 * client.
 * Every string a request header will carry is checked here, so that a call
 * never refuses a setting.
 * Errors: LKD_ERR_CONFIG; with the setting named (lkd_client_arg_error, even
 * though the client is not initialised): LKD_ERR_ARG_NULL (client, settings,
 * port, a port function, a required string), LKD_ERR_ARG_EMPTY (host,
 * service, version, region, secret_id, secret_key, proxy.host),
 * LKD_ERR_ARG_TOO_LONG (proxy.host over 253, proxy.user or proxy.password
 * over LKD_PROXY_CREDENTIAL_MAX bytes; host
 * over 253, service over 32, secret_id over 128 bytes),
 * LKD_ERR_ARG_FORMAT (bytes a header may not carry; a result_hosts entry;
 * proxy.host or proxy.user not visible ASCII, a ':' in proxy.user),
 * LKD_ERR_ARG_NULL also for settings.credentials (or its secret_id or
 * secret_key buffer, sized 0 or NULL) when credentials_provider is set,
 * LKD_ERR_ARG_RANGE (port, timeout_ms, or proxy.port with a proxy.host, 0, a negative last_known_time,
 * credentials_margin_s over LKD_CREDENTIALS_MARGIN_MAX_S with a provider, a
 * language other than en-US / zh-CN, upload_bytes_per_s from 1 to
 * LKD_UPLOAD_RATE_MIN - 1); LKD_ERR_NOT_PROVIDED (the port's entropy
 * answered it: a port still on port/template's), LKD_ERR_ENTROPY (the entropy
 * source failed), LKD_ERR_NO_MEMORY (mbedTLS could not allocate the
 * connection's record buffers: on a board, its static pool is too small),
 * LKD_ERR_TLS. */
#define lkd_client_init(client, settings, port)                                                               \
    lkd_client_init_checked((client), (settings), (port), sizeof(lkd_client_t), LKD_CONFIG_FINGERPRINT)

/* What lkd_client_init calls; for bindings that cannot use the macro.
 * client_size and config_fingerprint must be the application's own
 * sizeof(lkd_client_t) and LKD_CONFIG_FINGERPRINT.  Errors: as lkd_client_init. */
lkd_status_t lkd_client_init_checked(lkd_client_t *client, const lkd_settings_t *settings, const lkd_port_t *port,
                                     size_t client_size, unsigned long config_fingerprint);

/* Trust the CA certificates in a PEM text (len counts the terminating NUL) or
 * one DER certificate.  At least one CA is required before the first call.
 * Errors: LKD_ERR_ARG_NULL (client or ca NULL), LKD_ERR_ARG_EMPTY (len 0),
 * LKD_ERR_STATE (not initialised), LKD_ERR_CERT (nothing parsed),
 * LKD_ERR_NO_MEMORY (mbedTLS could not allocate). */
lkd_status_t lkd_client_add_ca(lkd_client_t *client, const uint8_t *ca, size_t len);

/* GetReconstructDocumentResult for one task: a signed call within the
 * client's deadline, the answer decoded into *result (spans into the client).
 * LKD_OK means the call succeeded, whatever the task's status.  A clock the
 * client does not know yet is no error: the request is signed with
 * LKD_TIME_FLOOR, and the service's AuthFailure.SignatureExpire answer carries
 * the Date that sets the clock for the one re-signed attempt that follows.
 * The task id, once checked, replaces the client's (lkd_client_task_id).
 * Errors: LKD_ERR_ARG_NULL (task_id or result NULL), LKD_ERR_ARG_EMPTY,
 * LKD_ERR_ARG_TOO_LONG (over LKD_TASK_ID_SIZE - 1 bytes), LKD_ERR_ARG_FORMAT
 * (not UTF-8, or a NUL inside), each with the argument named
 * (lkd_client_arg_error), LKD_ERR_BUFFER_TOO_SMALL (the request does not fit
 * LKD_REQUEST_BUFFER_SIZE), network and TLS errors (LKD_ERR_DNS,
 * LKD_ERR_CONNECT, LKD_ERR_CERT, LKD_ERR_TLS, LKD_ERR_IO, LKD_ERR_CLOSED,
 * LKD_ERR_TIMEOUT, LKD_ERR_NO_MEMORY; through settings.proxy, DNS and
 * CONNECT are the proxy's), LKD_ERR_PROXY_AUTH (the proxy answered CONNECT
 * 407 or 401), LKD_ERR_PROXY (another status than 2xx, kept as
 * lkd_client_stats' http_status, or not HTTP: 0), LKD_ERR_HTTP_STATUS
 * (lkd_client_stats: http_status), LKD_ERR_MALFORMED,
 * LKD_ERR_RESPONSE_TOO_LARGE, LKD_ERR_API (see lkd_client_api_error),
 * LKD_ERR_STATE (client not initialised or already in a call).
 * With a credentials provider (every call that signs, lkd_job.h's too):
 * LKD_ERR_CREDENTIALS, nothing sent, when the provider failed or gave values
 * that cannot be sent (lkd_client_arg_error then names the field:
 * "credentials.secret_id", ".secret_key", ".token" as LKD_ERR_ARG_EMPTY,
 * LKD_ERR_ARG_TOO_LONG with length and limit, or LKD_ERR_ARG_FORMAT;
 * "credentials.expires" as LKD_ERR_ARG_RANGE when negative other than
 * LKD_CREDENTIALS_NO_EXPIRY, or already past by lkd_client_now); and
 * LKD_ERR_API AuthFailure.TokenFailure when the service refused the fresh
 * credentials too (never a loop: the next call asks the provider again). */
lkd_status_t lkd_get_result(lkd_client_t *client, const char *task_id, size_t task_id_len, lkd_result_t *result);

/* After LKD_ERR_URL_REFUSED: the host the refused URL named (NUL-terminated,
 * only letters, digits and "-.:[]" copied, at most 255 bytes; "" when it named
 * none) and why, as a constant English phrase ("scheme is not https", ...;
 * "" with LKD_ENABLE_TEXTS 0, the default).  Valid until the next call. */
const char *lkd_client_refused_host(const lkd_client_t *client);
const char *lkd_client_refusal_reason(const lkd_client_t *client);

/* The result host (as lkd_client_refused_host copies it) the last
 * lkd_download_result was talking to when it returned: "" when it ended
 * while asking the service (the API host), or before any download.  Valid
 * until the next call. */
const char *lkd_client_result_host(const lkd_client_t *client);

/* The time certificate validity is checked against (Unix s), or -1 while only
 * the floor is known.  It never moves backwards; an application may persist it
 * and give it back as settings.last_known_time after a reboot. */
int64_t lkd_client_validity_time(lkd_client_t *client);

/* The service error of the last call that returned LKD_ERR_API.
 * The official SDKs removed CreateReconstructDocumentFlow and
 * GetReconstructDocumentResult from lke (2025-2026): on that profile a code
 * InvalidAction, ActionOffline or UnsupportedOperation to them means the
 * endpoint no longer serves the action.  Firmware should log that plainly
 * ("the action is no longer served on lke") and how to switch: the settings of
 * lkd_settings_default(LKD_PROFILE_LKEAP) (China) or LKD_PROFILE_LKEAP_INTL,
 * whose credentials are the same account's. */
const lkd_api_error_t *lkd_client_api_error(const lkd_client_t *client);

/* After a call returned one of the LKD_ERR_ARG_* kinds: which argument (or
 * field of a struct argument) it refused and why, e.g. status
 * LKD_ERR_ARG_TOO_LONG, name "task_id", rule "is too long", length 300,
 * limit 127.  Valid until the next call on the client; status LKD_OK (name and
 * rule "") when that call named none, for a NULL client, for a static (zeroed)
 * client never initialised, and after lkd_client_free.  A refusal by
 * lkd_client_init is recorded although the client is not initialised, and
 * stays until the next lkd_client_init (a client not initialised records
 * nothing).  Never NULL.  With LKD_ENABLE_TEXTS 0 (the default) name and rule
 * are always "": status, length and limit say what was refused. */
const lkd_arg_error_t *lkd_client_arg_error(const lkd_client_t *client);

/* CancelTask (lkeap China only).  The task id replaces the client's, as with
 * lkd_get_result.  Errors: LKD_ERR_ARG_CONFLICT ("settings.caps" named:
 * without LKD_CAP_CANCEL_TASK nothing is sent), and those of lkd_get_result. */
lkd_status_t lkd_cancel_task(lkd_client_t *client, const char *task_id, size_t task_id_len);

/* The time the client signs with: the server's clock once a Date header was
 * seen (kept as an anchor on the monotonic clock, so a device clock that is
 * unset or hours off does not matter), else the port's wall clock; -1 when
 * neither is known. */
int64_t lkd_client_now(const lkd_client_t *client);

/* 1 when the last call was an lkd_create whose whole request went out
 * without an answer that settles it: after LKD_ERR_OUTCOME_UNKNOWN, and after
 * LKD_ERR_ABORTED once the request was sent (the task may exist and be
 * billed; its id is not known).  0 otherwise, and for a NULL client. */
int lkd_client_outcome_unknown(const lkd_client_t *client);

/* ---- What a client knows (the application never reads client.internal) ---- */

/* What a client has counted since lkd_client_init. */
typedef struct {
    uint32_t requests_sent;  /* requests written (each retry is one more) */
    uint32_t retries;        /* attempts repeated after retryable failures */
    uint32_t tls_handshakes; /* TLS handshakes completed */
    uint32_t tls_resumed;    /* of which abbreviated: a kept session was resumed */
    int64_t clock_offset;    /* server time - device time (s) at the last Date seen; 0 before
                                any, and while the device does not know the time */
    int http_status;         /* HTTP status of the last response, 0 before any (the one
                                LKD_ERR_HTTP_STATUS refers to) */
} lkd_client_stats_t;

/* Copy the client's counters into *stats.
 * Errors: LKD_ERR_ARG_NULL (client or stats NULL), LKD_ERR_STATE (the client is
 * not initialised, or was freed): *stats is then all zero when not NULL. */
lkd_status_t lkd_client_stats(const lkd_client_t *client, lkd_client_stats_t *stats);

/* Why the last TLS connection failed, for a person reading the error after
 * LKD_ERR_TLS, LKD_ERR_CERT or LKD_ERR_NO_MEMORY; and after any network
 * error, which host it was (proxy_hop). */
typedef struct {
    int mbedtls_error;     /* the last negative mbedTLS code (mbedtls_strerror can name it), 0 when none */
    uint32_t verify_flags; /* MBEDTLS_X509_BADCERT_* of the last failed certificate verification
                              (mbedtls_x509_crt_verify_info can describe them), 0 when none,
                              0xffffffff when mbedTLS had no verification result */
    const char *policy;    /* an English sentence when the client's own TLS policy explains the
                              failure (a refused hash, key, group or suite; a server alert in the
                              handshake), static, no trailing period; NULL when it has nothing to
                              add to mbedTLS's own messages (I/O, an untrusted CA, a wrong name,
                              an expired certificate), and always NULL with LKD_ENABLE_TEXTS 0
                              (the default): mbedtls_error and verify_flags are then the detail */
    int proxy_hop;         /* LKD_PROXY_HOP_* of the last connection: whether it went through
                              settings.proxy, and if so, whether the proxy or the origin failed */
    int alert;             /* the fatal TLS alert the server sent on the last connection (RFC 8446
                              6: 40 handshake_failure, 70 protocol_version, 116
                              certificate_required, ...), -1 when none */
    unsigned server_version; /* the TLS version the server chose, as on the wire: 0x0302 TLS 1.1,
                              0x0303 TLS 1.2, 0x0304 TLS 1.3 (from its ServerHello, else the version
                              field of its first record, which is how a server that picked TLS 1.1
                              sends its refusal); 0 when it sent nothing */
    int cert_requested;    /* 1 when the server asked for a client certificate in the last
                              handshake (this client never has one to send), else 0 */
    int refused;           /* 1 when the last connection failed over the server's parameters
                              (its fatal alert in the handshake, a client certificate it requires,
                              or a version it chose that this client refuses): no layer retried
                              it, and a retry by the application fails the same; 0 for another
                              alert on an established connection */
    char sentence[96];     /* where policy is written when it names an alert */
} lkd_client_tls_detail_t;

/* Fill *detail from the client's last connection (API or download).  With
 * LKD_ENABLE_TEXTS 1, policy is also the sentence for a refusal by the server
 * (its alert, version or client-certificate request in words: "the server
 * accepts only TLS 1.1", "the server requires a client certificate", "the
 * server ended the established connection with the TLS alert ...", ...;
 * after LKD_ERR_HTTP_STATUS too, for a 400 that is no service answer after a
 * certificate request), else the policy's own explanation; it may point into
 * detail->sentence, so it lives as long as *detail.
 * Errors: LKD_ERR_ARG_NULL (client or detail NULL), LKD_ERR_STATE (the client is
 * not initialised, or was freed): *detail is then zero, policy NULL, alert -1. */
lkd_status_t lkd_client_tls_detail(const lkd_client_t *client, lkd_client_tls_detail_t *detail);

/* Room for lkd_client_error_detail's longest lines (hosts of 253 bytes,
 * port 65535, times of 23 bytes) and their NUL:
 *   the proxy failing, before its tunnel: 59 (the status's text) + 11
 *   (" (HTTP 502)") + 8 (" (proxy ") + 253 + 12 (", port 65535") + 20
 *   ("; the tunnel was to ") + 253 + 12 + 1 = 629;
 *   a certificate's time and trust failing on the result host: 33 + 14
 *   (" (result host ") + 253 + 13 + 144 (mbedTLS's three lines for
 *   expired, future, not trusted) + 141 (expired by the floor, the device
 *   clock before it) = 598;
 *   the service's error: 25 + 2 + 79 (code) + 12 + 63 (RequestId) + 1;
 *   the HTTP 400 refusal (on the origin: a proxy's own failure is
 *   LKD_ERR_PROXY): 22 + 4 (" 400") + 14 + 253 + 13 + 2 + 126 (its
 *   sentence) + 1 = 435;
 *   with LKD_ENABLE_TEXTS 0, every number at its widest (20 digits for
 *   the clocks, body and argument sizes) takes 286, " host=" 6 + 253, + 1
 *   = 546.
 * Every other flag set comes with no clock, and a line that does not fit
 * is cut after its last whole part. */
#define LKD_ERROR_DETAIL_SIZE 640

/* The last failure as one line for a log, the same the CLI prints: status is
 * what the call returned (the client does not keep it).  With LKD_ENABLE_TEXTS
 * 1, an English sentence: lkd_strerror's text, the HTTP status, the host and
 * port the failing connection was to ("(result host H, port P)", "(proxy H,
 * port P; the tunnel was to H2, port P2)" when the proxy itself failed,
 * "(host H, port P)" for the API host); for LKD_ERR_TLS, LKD_ERR_CERT and
 * LKD_ERR_NO_MEMORY only, the TLS policy's sentence and the certificate's
 * flags in mbedTLS's words, or the mbedTLS code when neither has words;
 * after LKD_ERR_HTTP_STATUS too, the refusal sentence when the server asked
 * for a client certificate and answered a 400 that is no service answer
 * (nginx's); for
 * a certificate whose time checks (and trust alone) failed, the clock they
 * were checked against: the device's when it was used and disagrees with the
 * server's Date by over five minutes or no Date is known (both times), else
 * the server's Date or the earliest time accepted ("the device clock is not
 * set" is not blamed); how many of the announced body bytes arrived,
 * the service's code and RequestId (LKD_ERR_API), the refused argument's name,
 * rule, length and limit.  With LKD_ENABLE_TEXTS 0 (the default) the same
 * facts as numbers, every key always there in this order: "err=5 http=0
 * tls=0 flags=0 alert=-1 tls_version=0 cert_req=0 refused=0 port=443 hop=0
 * device_time=1795500000 server_time=-1 clock=0 body=0 of=-1 len=0 limit=0"
 * (the status, HTTP status, mbedTLS code and verification flags (0 but for
 * the three TLS statuses), lkd_client_tls_detail's alert, server_version
 * (hex, "0x0303"), cert_requested and refused (-1, 0, 0, 0 but for the three
 * TLS statuses and the 400 refusal above), port, LKD_PROXY_HOP_*, both clocks
 * in Unix s (-1: unknown), 1 when the clock is the likely cause, body bytes received and
 * announced (-1: none), a refused argument's length and limit), then
 * " host=H" after a failure on a connection, " api=CODE rid=ID" after
 * LKD_ERR_API.  A server's bytes never go in
 * raw: hosts, code and RequestId keep only letters, digits and "-._:[]".
 * NUL-terminated whenever size > 0.
 * Errors: LKD_ERR_ARG_NULL (client or buf NULL: buf is then untouched, or
 * "" when only client is NULL), LKD_ERR_ARG_EMPTY (size 0: nothing is
 * written), LKD_ERR_STATE (not initialised; buf is ""),
 * LKD_ERR_BUFFER_TOO_SMALL (the line was cut after its last whole part). */
lkd_status_t lkd_client_error_detail(const lkd_client_t *client, lkd_status_t status, char *buf, size_t size);

/* The task id of the job: the one the last lkd_create made, or the last
 * lkd_wait, lkd_download_result, lkd_get_result or lkd_cancel_task was given
 * (NUL-terminated, at most LKD_TASK_ID_SIZE - 1 bytes): each of these calls
 * stores the id it is given (once it has checked it) in the same place, so a
 * lkd_get_result on another task replaces the job's.  "" before any, and for
 * a NULL or not initialised client.  Never NULL; valid until the next of
 * these calls. */
const char *lkd_client_task_id(const lkd_client_t *client);

/* The client's copy of its settings (lkd_client_init copied the struct; the
 * strings are still the application's).  NULL for a NULL or not initialised
 * client. */
const lkd_settings_t *lkd_client_settings(const lkd_client_t *client);

/* Close the connection, if any; the client stays usable. */
void lkd_client_close(lkd_client_t *client);

/* Close and release what mbedTLS holds (on hosts where it allocates), and
 * wipe the credentials buffers of settings.credentials. */
void lkd_client_free(lkd_client_t *client);

#ifdef __cplusplus
}
#endif

#endif /* LKD_CLIENT_H */
