/* SPDX-License-Identifier: MIT */
/*
 * stub_tls.h - a stand-in for core/src/lkd_tls.c in fuzz_client: the functions of
 * lkd_tls.h over a scripted in-memory "server" instead of mbedTLS and the
 * port's sockets.  What the connection carries is the plaintext a real TLS
 * layer would hand the client; the script decides it.
 *
 * The script is a list of records, one per exchange.  A record is taken by
 * the next lkd_tls_connect or request write that needs one (see ctl below);
 * an answer record's bytes are appended to the open connection's stream when
 * a request starts on it, so bytes the client left unread on a kept-alive
 * connection come before the next answer, as they would from a real server.
 *
 * ctl, the record's first byte:
 *   bits 0-1  after the stream is drained: 0 the server keeps the connection
 *             open and says nothing (a read waits until its deadline:
 *             LKD_ERR_TIMEOUT), 1 EOF without close_notify, 2 close_notify
 *             (both LKD_ERR_CLOSED), 3 reset (LKD_ERR_IO)
 *   bits 2-4  k: read size (FUZZ_PIECES[k], 0 = all that is pending), or the
 *             error of a fault (FUZZ_FAULT_ERRORS[k])
 *   bit  5    the first byte of the answer comes 1500 ms late
 *   bits 6-7  0 an answer; 1 a refusal: the lkd_tls_connect (or, on a
 *             connection already open, the request's first write) that takes
 *             it fails with FUZZ_FAULT_ERRORS[k]; 2 an answer, but the
 *             request's second and later writes fail (a streamed upload cut
 *             off); 3 an answer that trickles: every read costs 300 ms
 * When no record is left, a connect fails with LKD_ERR_CONNECT and a request
 * on an open connection with LKD_ERR_CLOSED.
 *
 * Every request is logged (method, the host:port the connection was opened
 * to, the Range it asked for) together with the answer bytes the client read
 * after it, and passed to on_request when it starts.  The stub itself aborts
 * when a request goes to a connection that is not open, when its Host header
 * is not the host:port that connection was opened to, when a POST's body is
 * not exactly its Content-Length, when the secret key appears in a POST's
 * header block (the only bytes written that hold nothing the server chose), or
 * when lkd_tls_connect's connect_host is not the expected one.
 */
#ifndef STUB_TLS_H
#define STUB_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "lkd_status.h"

#define FUZZ_MAX_RECORDS 128
#define FUZZ_MAX_REQUESTS 256
#define FUZZ_STREAM_SIZE 16384
#define FUZZ_SERVED_SIZE 65536

typedef struct {
    uint8_t ctl;
    const uint8_t *data;
    size_t len;
} fuzz_record_t;

typedef struct {
    char method[5];       /* "POST" or "GET" */
    char host[256];       /* host the connection was opened to (lkd_tls_connect's host) */
    uint16_t port;
    unsigned conn_id;     /* 1 for the first connection, and so on */
    int64_t range_from;   /* GET: the N of "Range: bytes=N-", -1 when absent */
    uint64_t content_length;  /* POST: what the request announced */
    uint64_t body_written;    /* POST: body bytes written after the header block */
    uint8_t checked_body;
    size_t served_off;    /* the answer bytes the client read after this request: */
    size_t served_len;    /*   fuzz_server.served[served_off .. +served_len) */
    uint8_t served_overflow; /* the log ran out of room: served_len is short */
} fuzz_request_t;

typedef struct {
    /* Set by the target before the client is initialised. */
    const fuzz_record_t *records;
    size_t record_count;
    const char *secret_key;   /* must never be in a request's head */
    const char *resolve_host; /* connections to resolve_host:443 must name resolve_address */
    const char *resolve_address;
    void (*on_request)(void *user, const fuzz_request_t *req);
    void *user;

    /* State and log, reset by fuzz_server_reset. */
    size_t next_record;
    fuzz_request_t requests[FUZZ_MAX_REQUESTS];
    size_t request_count;
    uint8_t requests_overflow;
    unsigned connects;        /* lkd_tls_connect calls that succeeded */
    unsigned connect_calls;   /* all lkd_tls_connect calls */
    uint8_t served[FUZZ_SERVED_SIZE];
    size_t served_used;

    /* The one connection (lkd_tls_t holds one). */
    uint8_t open;
    char host[256];
    uint16_t port;
    unsigned conn_id;
    uint8_t stream[FUZZ_STREAM_SIZE];
    size_t stream_rd, stream_wr;
    uint8_t ctl;              /* of the answer now on the stream */
    uint8_t delay_pending;
    uint8_t in_request;       /* a request started and the client has not read since */
    unsigned writes_in_request;
    uint8_t closed_cleanly;   /* the last close came with close_notify */
    /* A request head written in pieces (the session token is sent from
     * where it lies, between the head's parts): gathered until it ends. */
    uint8_t head[4096];
    size_t head_len;
} fuzz_server_t;

extern fuzz_server_t fuzz_server;

/* Clear the state and the log (keeps the fields set by the target). */
void fuzz_server_reset(void);

#endif /* STUB_TLS_H */
