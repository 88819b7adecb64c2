/* SPDX-License-Identifier: MIT */
/*
 * lkd_internal.h - the layout of the private part of lkd_client_t.
 *
 * Not for applications: lkd_client.h includes it only so that the client
 * object has a size the application can declare (the library never
 * allocates).  The types and fields here change between versions without
 * notice; read what the client knows through the functions of lkd_client.h.
 */
#ifndef LKD_INTERNAL_H
#define LKD_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "lkd_config.h"
#include "lkd_port.h"
#include "lkd_status.h"
#include "lkd_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- TLS connection (core/src/lkd_tls.c) ---- */

/* Longest host name (RFC 1035: 253 bytes in text form). */
#define LKD_TLS_HOST_MAX 253u

/* Longest a kept session is offered again, whatever the server says (s). */
#define LKD_TLS_SESSION_MAX_S 7200u

/* The time certificate validity is checked against (Unix seconds), or -1 when
 * the client knows none.  *lower_bound_only is set to 1 when the time is only
 * a bound the real time is known to be past (then only expiry is checked). */
typedef int64_t (*lkd_tls_time_fn)(void *ctx, int *lower_bound_only);

/* A host's identity: its name lower-cased, NUL-terminated ("" = none), and port. */
typedef struct {
    char name[LKD_TLS_HOST_MAX + 1];
    uint16_t port;
} lkd_tls_peer_t;

/* One kept session and the host it was made with. */
typedef struct {
    lkd_tls_peer_t peer;      /* name "" = empty slot */
    uint64_t expires_ms;      /* monotonic ms after which it is not offered */
    int64_t not_after;        /* end of validity of the chain it was verified with (Unix s) */
    mbedtls_ssl_session session;
} lkd_tls_saved_t;

/* What a TLS stream said in the clear (lkd_tls_sniff.h): the record layer
 * and handshake framing followed across the bio's reads and writes. */
typedef struct {
    uint8_t hdr[5];     /* the record header being read */
    uint8_t hdr_got;
    uint8_t type;       /* the current record's content type */
    uint8_t sealed;     /* protected records began (or the framing broke): nothing more is read */
    uint16_t rec_left;  /* bytes of the current record still to come */
    uint8_t hs[6];      /* the handshake message header, and for a ServerHello its version */
    uint8_t hs_got;
    uint32_t hs_left;   /* bytes of the current handshake message still to skip */
    uint16_t record_version;  /* the version field of the first record, 0 before one */
    uint16_t hello_version;   /* the ServerHello's (legacy) version, 0 before one */
    uint8_t cert_requested;   /* a CertificateRequest went by */
    uint8_t protected_records; /* records of type application_data seen (at most 255) */
} lkd_tls_sniff_t;

typedef struct {
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt ca;
    mbedtls_ctr_drbg_context drbg;
    const lkd_port_t *port;
    lkd_port_conn_t conn;
    uint64_t deadline;        /* monotonic ms the current call must end by */
    uint32_t idle_ms;         /* 0, or the longest wait of one connect, send or receive (a stalled peer) */
    lkd_status_t io_status;   /* what the port last reported (mapped from mbedTLS errors) */
    lkd_status_t entropy_status; /* what the port's entropy last answered (mbedTLS sees only a failure) */
    int last_mbedtls_error;   /* for diagnostics: the last negative mbedTLS code */
    uint32_t verify_flags;    /* MBEDTLS_X509_BADCERT_* of the last failed verification */
    uint32_t handshakes;      /* completed handshakes since init */
    uint32_t resumed;         /* of which abbreviated (session resumed) */
    lkd_tls_time_fn trusted_time;
    void *time_ctx;
    lkd_abort_fn abort;       /* settings.abort, asked between the port's waits */
    void *abort_user;
    lkd_tls_saved_t saved[LKD_TLS_SESSION_SLOTS];
    uint8_t next_slot;
    lkd_tls_peer_t open_peer; /* where the open connection goes */
    uint8_t open_slot;        /* its kept session's slot (LKD_TLS_SESSION_SLOTS: none yet) */
    uint8_t open_resumed;     /* it resumed a kept session */
    int64_t chain_not_after;  /* earliest end of validity in the chain being verified */
    uint32_t chain_checked;   /* certificates verified in this handshake (0: it resumed a session) */
    uint8_t verify_no_memory; /* the chain was refused because a signature check ran out of memory */
    uint8_t has_ca;           /* 1 once a CA certificate is loaded */
    uint8_t ready;            /* setup done */
    uint8_t open;             /* a verified connection is up */
    uint8_t close_notify;     /* the peer ended the connection with a TLS close_notify */
    const lkd_proxy_t *proxy; /* NULL, or the proxy lkd_tls_open connects to (lkd_call_connect then tunnels) */
    int proxy_status;         /* the status of the last connect's CONNECT answer, 0 when none */
    uint8_t proxy_hop;        /* LKD_PROXY_HOP_* of the last connect */
    lkd_tls_sniff_t sniff_in;  /* what the server sent in the clear during the last handshake */
    lkd_tls_sniff_t sniff_out; /* what this client sent (to count its protected handshake records) */
    /* What the server's refusal said, kept per connection (reset by
     * lkd_tls_open) for lkd_client_tls_detail: server_version from its
     * ServerHello or first record, or the negotiated one; bare_400 set by the
     * call layer; peer_refused after its fatal alert in the handshake, a
     * certificate refusal after it, or a version this client refuses. */
    int16_t peer_alert;        /* the fatal alert the server sent on the last connection, -1 when none */
    uint16_t server_version;   /* the version the server chose (0x0303 = TLS 1.2), 0 when not known */
    uint8_t cert_requested;    /* the server asked for a client certificate on the last connection */
    uint8_t peer_refused;      /* the last handshake failed on the peer's parameters: never retried */
    uint8_t alert_open;        /* peer_alert came on the established connection, not in the handshake */
    uint8_t bare_400;          /* HTTP 400 whose body is no service answer (not JSON) and speaks of a certificate */
    uint8_t ip_len;            /* 4 or 16 when the host is an IP literal (no SNI, iPAddress SAN), else 0 */
    uint8_t ip[16];            /* its address */
} lkd_tls_t;

/* ---- HTTP/1.1 response parser (core/src/lkd_http.c) ---- */

/* Receives body bytes in order.  Returning anything but LKD_OK stops the
 * parse and lkd_http_parse returns that status. */
typedef lkd_status_t (*lkd_http_body_sink_t)(void *user, const uint8_t *data, size_t len);

/* Sees each header (and trailer) that fits in the line buffer; name and value
 * are trimmed, not NUL-terminated.  A non-LKD_OK return stops the parse. */
typedef lkd_status_t (*lkd_http_header_cb_t)(void *user, const char *name, size_t name_len,
                                             const char *value, size_t value_len);

typedef struct {
    /* Results, valid once the headers are complete. */
    int status_code;            /* 100..999 */
    uint8_t http_minor;         /* 0 for HTTP/1.0, 1 for HTTP/1.1 */
    uint8_t keep_alive;         /* 1 when the connection may carry another request */
    uint8_t chunked;            /* 1 for Transfer-Encoding: chunked */
    uint8_t has_content_length;
    uint8_t until_close;        /* 1 when the body ends only when the peer closes */
    uint64_t content_length;
    int64_t date;               /* Date header in Unix seconds, or -1 when absent/invalid */
    uint64_t body_received;     /* body bytes handed to the sink so far */

    /* Private state. */
    lkd_http_body_sink_t sink;
    lkd_http_header_cb_t on_header;
    void *user;
    uint8_t head_request;
    uint8_t state;
    uint8_t line_overflow;
    uint8_t saw_cr;
    uint16_t header_count;
    uint64_t remaining;         /* bytes left in the current body part or chunk */
    size_t line_len;
    char line[LKD_HTTP_MAX_LINE];
} lkd_http_parser_t;

/* ---- JSON tokens (core/src/lkd_json.c) ----
 * The same layout as jsmn's jsmntok_t with parent links (type, start, end,
 * size, parent), so that jsmn's header stays out of the application: jsmn is
 * compiled inside the library only, and lkd_json.c checks at compile time that
 * the two layouts agree.  The type is an enum with jsmntype_t's values, so it
 * has jsmntype_t's size under any enum-size rule (e.g. -fshort-enums). */
typedef enum {
    LKD_JSON_UNDEFINED = 0,
    LKD_JSON_OBJECT = 1,
    LKD_JSON_ARRAY = 2,
    LKD_JSON_STRING = 3,
    LKD_JSON_PRIMITIVE = 4
} lkd_json_type_t;

typedef struct {
    lkd_json_type_t type;
    int start;
    int end;
    int size;
    int parent;
} lkd_json_token_t;

/* ---- FailedPages filter (core/src/lkd_pages.c) ---- */
typedef struct {
    uint8_t state;           /* where the JSON grammar stands */
    uint8_t path;            /* how many open brackets, from the outermost, are on the path
                                Response.FailedPages[*] */
    uint8_t key;             /* how much of the path's key a key matched, or a literal's next letter */
    uint8_t stack[LKD_JSON_MAX_TOKENS / 8 + 1]; /* bit i set when open bracket i (from 0, the outermost) is '{' */
    unsigned flags;
    unsigned level;          /* open brackets, at most LKD_JSON_MAX_TOKENS (a deeper answer needs more tokens) */
    lkd_failed_page_t *keep; /* the first page numbers go here; NULL: the filter passes all */
    size_t cap;              /* room in keep */
    size_t stored, total, unnumbered;
    uint64_t magnitude;      /* the current entry's PageNumber without its sign */
} lkd_pages_t;

#ifdef __cplusplus
}
#endif

#endif /* LKD_INTERNAL_H */
