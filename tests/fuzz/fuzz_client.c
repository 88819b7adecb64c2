/* SPDX-License-Identifier: MIT */
/*
 * fuzz_client.c - the client above TLS against a fuzzed server: the public
 * calls (lkd_get_result, lkd_wait, lkd_download_result, lkd_create,
 * lkd_cancel_task) run over stub_tls.c, whose scripted server answers with
 * the input's bytes as the plaintext a TLS connection would carry.  A fake
 * port gives a monotonic clock that moves only when the client sleeps, reads
 * or asks the time (so every deadline ends and every run is deterministic), a
 * fixed wall clock and constant entropy; its socket functions abort, since
 * nothing below TLS may be reached.
 *
 * Input: 4 header bytes, then records separated by "~~~\n" (stub_tls.h
 * describes a record: its first byte is ctl, the rest is what the server
 * sends for one exchange).
 *   byte 0, 1   up to four operations, one per nibble (byte 0 low first);
 *               0 ends the list: 1 get, 2 wait, 3 download (asks for the URL),
 *               4 download with the URL of the previous get/wait (or a fixed
 *               one), 5 create with FileUrl, 6 create with FileBase64 (hashed
 *               first), 7 create with a read-once FileBase64 (UNSIGNED-PAYLOAD),
 *               8 cancel, 9 close the connection, 10..15 get, wait, download,
 *               download-with-URL, create-with-file, wait
 *   byte 2      bit 0 wall clock unknown, bit 1 lkeap profile, bit 2 the sink
 *               refuses past 100 bytes (LKD_ERR_WRITE), bit 3 a session token,
 *               bit 4 the file reader returns short reads, bit 5 it fails
 *               half-way, bits 6-7 call timeout 30/5/12/60 s
 *   byte 3      bits 0-3 file size 1 + 150 * n bytes, bits 4-5 wait timeout
 *               600/20/5/60 s, bits 6-7 download timeout 600/8/30/120 s
 * A successful create's task id (a span into the client) is passed to the
 * calls that follow, and a get/wait's result URL to a download-with-URL, as
 * an application may do.
 *
 * Invariants (abort when broken): every call returns a status below
 * LKD_STATUS_COUNT and leaves the client idle; result spans lie in the
 * response buffer, NUL-terminated, valid UTF-8; API error copies are
 * NUL-terminated; every POST goes to the API host at 443 and every GET to a
 * result host (FUZZ_RESULT_POLICY) on a connection opened for the host its
 * Host header names (checked by the stub); a GET's Range is exactly the bytes
 * delivered so far; the sink never receives more than a length an answer
 * announced (Content-Length of a 200, the total of a 206's Content-Range, as
 * read by an independent parser below), and a download that returns LKD_OK
 * delivered exactly that length and reports what the sink received; the read-
 * once source is read once, in order; a download of the seeds' archive pattern
 * delivers that pattern, byte for byte (check_content); no log line holds the
 * secret key (nor, with FUZZ_CHECK_LOG_BYTES, a control character); with
 * FUZZ_CHECK_RANGE_LENGTH, a 206 delivers no more than its range.
 */
#include <string.h>

#include "lkd_tls.h"
#include "fuzz_check.h"
#include "lkd_client.h"
#include "lkd_job.h"
#include "stub_tls.h"

/* 1: core refuses result URLs outside settings.result_hosts, so every GET
 * must go to a host under FUZZ_RESULT_SUFFIX. */
#ifndef FUZZ_RESULT_POLICY
#define FUZZ_RESULT_POLICY 1
#endif
#define FUZZ_RESULT_SUFFIX ".lkedoc.test"

/* 1: no log line holds a control byte (nothing a server sends may reach a
 * log without escaping; corpus/client/regress-log-raw-api-code*). */
#ifndef FUZZ_CHECK_LOG_BYTES
#define FUZZ_CHECK_LOG_BYTES 1
#endif

/* 1: a 206 answer must not deliver more bytes than its Content-Range names
 * (corpus/client/regress-206-body-longer-than-range*). */
#ifndef FUZZ_CHECK_RANGE_LENGTH
#define FUZZ_CHECK_RANGE_LENGTH 1
#endif

#define SECRET_KEY "fuzzSecretKeyNeverOnTheWire0123"
#define RESOLVED_ADDRESS "192.0.2.10"
#define FIXED_URL "https://dl.lkedoc.test/result/archive.zip?sign=fixed"
#define FIXED_TASK "task-fuzz-0001"
#define WALL_TIME ((int64_t)LKD_TIME_FLOOR + 40 * 86400)

static lkd_client_t client;
static fuzz_record_t records[FUZZ_MAX_RECORDS];

/* ---- the fake port ---------------------------------------------------------- */

static uint64_t mono_ms;
static int wall_unknown;

static lkd_status_t port_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms,
                                 lkd_abort_fn stop, void *stop_user, lkd_port_conn_t *conn)
{
    (void)stop;
    (void)stop_user;
    (void)ctx;
    (void)host;
    (void)port;
    (void)timeout_ms;
    (void)conn;
    FUZZ_CHECK(!"the port's connect is only for lkd_tls.c");
    return LKD_ERR_IO;
}

static lkd_status_t port_send(void *ctx, lkd_port_conn_t conn, const uint8_t *data, size_t len, uint32_t timeout_ms,
                              size_t *sent)
{
    (void)ctx;
    (void)conn;
    (void)data;
    (void)len;
    (void)timeout_ms;
    (void)sent;
    FUZZ_CHECK(!"the port's send is only for lkd_tls.c");
    return LKD_ERR_IO;
}

static lkd_status_t port_recv(void *ctx, lkd_port_conn_t conn, uint8_t *buf, size_t len, uint32_t timeout_ms,
                              size_t *received)
{
    (void)ctx;
    (void)conn;
    (void)buf;
    (void)len;
    (void)timeout_ms;
    (void)received;
    FUZZ_CHECK(!"the port's recv is only for lkd_tls.c");
    return LKD_ERR_IO;
}

static void port_close(void *ctx, lkd_port_conn_t conn)
{
    (void)ctx;
    (void)conn;
    FUZZ_CHECK(!"the port's close is only for lkd_tls.c");
}

static int64_t port_wall_time(void *ctx)
{
    (void)ctx;
    return wall_unknown ? LKD_PORT_TIME_UNKNOWN : WALL_TIME;
}

static uint64_t port_monotonic_ms(void *ctx)
{
    (void)ctx;
    return mono_ms++; /* every look at the clock costs a millisecond: loops end */
}

static void port_sleep_ms(void *ctx, uint32_t ms)
{
    (void)ctx;
    mono_ms += ms;
}

static lkd_status_t port_entropy(void *ctx, uint8_t *buf, size_t len)
{
    size_t i;
    (void)ctx;
    for (i = 0; i < len; i++) {
        buf[i] = (uint8_t)(0xA5u ^ (i * 29u));
    }
    return LKD_OK;
}

static const lkd_port_t fake_port = {NULL,           port_connect,      port_send,     port_recv, port_close,
                                     port_wall_time, port_monotonic_ms, port_sleep_ms, port_entropy};

/* ---- an independent reading of a download answer's announced length -------- */

static int ieq_n(const uint8_t *s, size_t n, const char *lit)
{
    size_t i;
    if (strlen(lit) != n) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (fuzz_lower(s[i]) != (uint8_t)lit[i]) {
            return 0;
        }
    }
    return 1;
}

static int digits_u64(const uint8_t *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    size_t i;
    if (n == 0 || n > 19) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
        v = v * 10u + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 1;
}

typedef struct {
    int status;       /* 0: the header block is not (yet) complete or not plain */
    int has_length;   /* the answer announces the archive's length */
    uint64_t length;
    size_t body_off;  /* where the body starts in the answer */
    int plain_body;   /* not chunked: the body is the bytes from body_off on */
    int has_cl;
    uint64_t cl;
    uint64_t first;   /* the archive offset of the body's first byte (206: the range start) */
    uint64_t range_len; /* 206: END - START + 1 of its Content-Range, else 0 */
} announce_t;

/* Reads only plain header blocks: a status line "HTTP/1.x SSS", header lines
 * of at most LKD_HTTP_MAX_LINE bytes ended by CRLF or LF, no 1xx.  Anything
 * else gives status 0 (no claim), so this never claims a length the client
 * could read differently. */
static announce_t read_announce(const uint8_t *p, size_t n)
{
    announce_t a;
    size_t pos = 0, line_no = 0;
    int code = 0, te = 0, cl_count = 0, cr_count = 0, cr_ok = 0;
    uint64_t cl = 0, total = 0, first = 0, range_len = 0;
    memset(&a, 0, sizeof a);
    for (;;) {
        size_t start = pos, end, len, colon, vs, ve;
        while (pos < n && p[pos] != '\n') {
            pos++;
        }
        if (pos == n) {
            return a; /* incomplete */
        }
        end = pos;
        pos++;
        if (end > start && p[end - 1] == '\r') {
            end--;
        }
        len = end - start;
        if (memchr(p + start, '\r', len) != NULL || len > LKD_HTTP_MAX_LINE) {
            return a;
        }
        if (line_no++ == 0) {
            if (len < 12 || memcmp(p + start, "HTTP/1.", 7) != 0 || (p[start + 7] != '0' && p[start + 7] != '1') ||
                p[start + 8] != ' ' || (len > 12 && p[start + 12] != ' ')) {
                return a;
            }
            if (!digits_u64(p + start + 9, 3, &cl)) {
                return a;
            }
            code = (int)cl;
            cl = 0;
            if (code < 200) {
                return a;
            }
            continue;
        }
        if (len == 0) {
            break;
        }
        for (colon = start; colon < end && p[colon] != ':'; colon++) {
        }
        if (colon == end) {
            return a;
        }
        vs = colon + 1;
        ve = end;
        while (vs < ve && (p[vs] == ' ' || p[vs] == '\t')) {
            vs++;
        }
        while (ve > vs && (p[ve - 1] == ' ' || p[ve - 1] == '\t')) {
            ve--;
        }
        if (ieq_n(p + start, colon - start, "content-length")) {
            uint64_t v;
            if (!digits_u64(p + vs, ve - vs, &v) || (cl_count > 0 && v != cl)) {
                return a;
            }
            cl = v;
            cl_count++;
        } else if (ieq_n(p + start, colon - start, "transfer-encoding")) {
            te = 1;
        } else if (ieq_n(p + start, colon - start, "content-range")) {
            /* "bytes S-E/T" */
            const uint8_t *v = p + vs;
            size_t vn = ve - vs, i = 6, k;
            uint64_t num[3];
            cr_count++;
            cr_ok = 0;
            if (vn < 6 || memcmp(v, "bytes ", 6) != 0) {
                continue;
            }
            for (k = 0; k < 3; k++) {
                size_t d0 = i;
                while (i < vn && v[i] >= '0' && v[i] <= '9') {
                    i++;
                }
                if (!digits_u64(v + d0, i - d0, &num[k])) {
                    break;
                }
                if (k < 2) {
                    if (i >= vn || v[i] != (k == 0 ? '-' : '/')) {
                        break;
                    }
                    i++;
                }
            }
            if (k == 3 && i == vn && num[0] <= num[1] && num[1] < num[2]) {
                cr_ok = 1;
                total = num[2];
                first = num[0];
                range_len = num[1] - num[0] + 1u;
            }
        }
    }
    a.status = code;
    a.body_off = pos;
    a.plain_body = !te;
    a.has_cl = cl_count > 0;
    a.cl = cl;
    a.first = code == 206 && cr_count == 1 && cr_ok ? first : 0;
    a.range_len = code == 206 && cr_count == 1 && cr_ok ? range_len : 0;
    if (code == 200 && !te && cl_count > 0) {
        a.has_length = 1;
        a.length = cl;
    } else if (code == 206 && cr_count == 1 && cr_ok) {
        a.has_length = 1;
        a.length = total;
    }
    return a;
}

static announce_t request_announce(size_t i)
{
    const fuzz_request_t *q = &fuzz_server.requests[i];
    announce_t none;
    if (q->served_overflow) {
        memset(&none, 0, sizeof none);
        return none;
    }
    return read_announce(fuzz_server.served + q->served_off, q->served_len);
}

/* ---- what the application side sees ---------------------------------------- */

typedef struct {
    int active;
    size_t first_request;        /* fuzz_server.requests index where this download began */
    uint64_t delivered;
    uint64_t per_request[FUZZ_MAX_REQUESTS]; /* sink bytes while request i was answered */
    int refuse_past_100;
    uint64_t progress_done;
} download_state_t;

static download_state_t dl;
static int in_download_op;

static int under_result_suffix(const char *host)
{
    size_t n = strlen(host), k = strlen(FUZZ_RESULT_SUFFIX);
    return n > k && strcmp(host + n - k, FUZZ_RESULT_SUFFIX) == 0;
}

static void on_request(void *user, const fuzz_request_t *q)
{
    (void)user;
    if (strcmp(q->method, "POST") == 0) {
        FUZZ_CHECK(strcmp(q->host, client.internal.settings.host) == 0 && q->port == client.internal.settings.port);
        return;
    }
    FUZZ_CHECK(strcmp(q->method, "GET") == 0);
    FUZZ_CHECK(in_download_op && dl.active);
    if (FUZZ_RESULT_POLICY) {
        FUZZ_CHECK(under_result_suffix(q->host));
    }
    /* The Range asks for exactly what the application does not have yet. */
    FUZZ_CHECK(q->range_from == (dl.delivered > 0 ? (int64_t)dl.delivered : -1));
}

static void check_announced(int final_ok)
{
    size_t i, last_get = (size_t)-1;
    if (fuzz_server.requests_overflow) {
        return;
    }
    for (i = dl.first_request; i < fuzz_server.request_count; i++) {
        if (strcmp(fuzz_server.requests[i].method, "GET") == 0) {
            last_get = i;
        }
    }
    for (i = dl.first_request; i < fuzz_server.request_count; i++) {
        announce_t a;
        if (strcmp(fuzz_server.requests[i].method, "GET") != 0) {
            continue;
        }
        if (dl.per_request[i] == 0 && !(final_ok && i == last_get)) {
            /* An answer that delivered nothing binds nothing: the client may
             * have refused it for announcing another length, or lost it
             * before its first body byte. */
            continue;
        }
        a = request_announce(i);
        if (!a.has_length) {
            continue;
        }
        if (final_ok) {
            FUZZ_CHECK(dl.delivered == a.length);
        } else {
            FUZZ_CHECK(dl.delivered <= a.length);
        }
    }
    if (final_ok && last_get != (size_t)-1) {
        announce_t a = request_announce(last_get);
        FUZZ_CHECK(a.status == 0 || a.status == 200 || a.status == 206);
    }
}

/* The archive the seeds serve: byte i of it is archive_byte(i). */
static uint8_t archive_byte(uint64_t i)
{
    return (uint8_t)(i * 131u + 7u);
}

/* When the answer now being delivered is a plain (not chunked) 200, or a 206
 * with one Content-Range, whose body so far is the seed archive at the offsets
 * it claims, what reaches the sink must be the archive at the offsets the
 * application is at: nothing skipped, nothing twice, across resumes. */
static void check_content(size_t cur, const uint8_t *data, size_t len)
{
    const fuzz_request_t *q = &fuzz_server.requests[cur];
    const uint8_t *p = fuzz_server.served + q->served_off;
    announce_t a;
    size_t i, body_len;
    if (q->served_overflow) {
        return;
    }
    a = read_announce(p, q->served_len);
    if (!a.plain_body || !(a.status == 200 || (a.status == 206 && a.has_length))) {
        return;
    }
    body_len = q->served_len - a.body_off;
    if (a.has_cl && body_len > a.cl) {
        body_len = (size_t)a.cl; /* the rest is whatever follows the answer */
    }
    for (i = 0; i < body_len; i++) {
        if (p[a.body_off + i] != archive_byte(a.first + i)) {
            return;
        }
    }
    for (i = 0; i < len; i++) {
        FUZZ_CHECK(data[i] == archive_byte(dl.delivered + i));
    }
}

static lkd_status_t sink(void *user, const uint8_t *data, size_t len)
{
    size_t cur;
    (void)user;
    FUZZ_CHECK(dl.active);
    FUZZ_CHECK(data != NULL && len > 0);
    FUZZ_CHECK(fuzz_server.request_count > dl.first_request || fuzz_server.requests_overflow);
    if (dl.refuse_past_100 && dl.delivered + len > 100) {
        return LKD_ERR_WRITE;
    }
    if (!fuzz_server.requests_overflow) {
        cur = fuzz_server.request_count - 1;
        FUZZ_CHECK(strcmp(fuzz_server.requests[cur].method, "GET") == 0);
        check_content(cur, data, len);
        dl.per_request[cur] += len;
        if (FUZZ_CHECK_RANGE_LENGTH && !fuzz_server.requests[cur].served_overflow) {
            announce_t a = read_announce(fuzz_server.served + fuzz_server.requests[cur].served_off,
                                         fuzz_server.requests[cur].served_len);
            /* A 206 hands over no more than the range it names. */
            FUZZ_CHECK(a.status != 206 || a.range_len == 0 || dl.per_request[cur] <= a.range_len);
        }
    }
    dl.delivered += len;
    check_announced(0);
    return LKD_OK;
}

static void download_progress(void *user, uint64_t done, uint64_t total)
{
    (void)user;
    FUZZ_CHECK(done == dl.delivered);
    FUZZ_CHECK(total == 0 || done <= total);
    FUZZ_CHECK(done >= dl.progress_done);
    dl.progress_done = done;
}

static void check_api_error(const lkd_api_error_t *e)
{
    fuzz_check_copied_string(e->code, sizeof e->code);
    fuzz_check_copied_string(e->message, sizeof e->message);
    fuzz_check_copied_string(e->request_id, sizeof e->request_id);
    FUZZ_CHECK(e->truncated <= 1);
}

static void check_result(const lkd_result_t *r)
{
    size_t size = client.internal.response_len + 1;
    FUZZ_CHECK(size <= sizeof client.internal.response);
    fuzz_check_decoded_span(r->status_raw, client.internal.response, size);
    FUZZ_CHECK(r->status_raw.ptr != NULL);
    fuzz_check_decoded_span(r->result_url, client.internal.response, size);
    fuzz_check_decoded_span(r->task_error_code, client.internal.response, size);
    fuzz_check_decoded_span(r->task_error_message, client.internal.response, size);
    fuzz_check_decoded_span(r->request_id, client.internal.response, size);
    FUZZ_CHECK((int)r->status >= (int)LKD_TASK_UNKNOWN && (int)r->status <= (int)LKD_TASK_PAUSE);
    FUZZ_CHECK(r->failed_pages_stored <= LKD_MAX_FAILED_PAGES &&
               r->failed_pages_stored + r->failed_pages_unnumbered <= r->failed_pages_total);
    FUZZ_CHECK(r->failed_pages_truncated ==
               (r->failed_pages_total - r->failed_pages_unnumbered > r->failed_pages_stored));
}

static uint32_t last_polls;

static void wait_progress(void *user, const lkd_result_t *r, uint32_t elapsed_ms, uint32_t polls)
{
    (void)user;
    (void)elapsed_ms;
    check_result(r);
    FUZZ_CHECK(polls == last_polls + 1);
    last_polls = polls;
}

static void log_line(void *user, const char *line, size_t len)
{
    size_t i;
    (void)user;
    FUZZ_CHECK(line != NULL && len <= 256);
    for (i = 0; FUZZ_CHECK_LOG_BYTES && i < len; i++) {
        unsigned char c = (unsigned char)line[i];
        FUZZ_CHECK(c >= 0x20 && c != 0x7f); /* nothing raw from the server reaches a log */
    }
    /* Lines that quote the server (its error code, a result host) may say
     * whatever it sent; the others must not hold the secret key. */
    if ((len >= 12 && memcmp(line, "* API error ", 12) == 0) ||
        (len >= 18 && memcmp(line, "* retrying after: ", 18) == 0) ||
        (len >= 14 && memcmp(line, "* result host ", 14) == 0) ||
        (len >= 16 && memcmp(line, "* connecting to ", 16) == 0)) {
        return;
    }
    for (i = 0; i + sizeof SECRET_KEY - 1 <= len; i++) {
        FUZZ_CHECK(memcmp(line + i, SECRET_KEY, sizeof SECRET_KEY - 1) != 0);
    }
}

/* ---- the document the creates send ------------------------------------------ */

typedef struct {
    uint64_t size;
    int short_reads, fail_half, once;
    uint64_t next; /* read-once: the offset the next read must start at */
} file_t;

static file_t file;

static lkd_status_t file_read(void *user, uint64_t offset, uint8_t *buf, size_t len, size_t *got)
{
    file_t *f = (file_t *)user;
    size_t i, n;
    FUZZ_CHECK(buf != NULL && got != NULL && len > 0);
    FUZZ_CHECK(offset < f->size && len <= f->size - offset);
    if (f->once) {
        FUZZ_CHECK(offset == f->next); /* read once, in order */
    }
    if (f->fail_half && offset + len > f->size / 2) {
        return LKD_ERR_IO;
    }
    n = f->short_reads && len > 100 ? 100 : len;
    for (i = 0; i < n; i++) {
        buf[i] = archive_byte(offset + i);
    }
    *got = n;
    f->next = offset + n;
    return LKD_OK;
}

/* ---- the run ----------------------------------------------------------------- */

enum {
    OP_END = 0,
    OP_GET,
    OP_WAIT,
    OP_DOWNLOAD,
    OP_DOWNLOAD_URL,
    OP_CREATE_URL,
    OP_CREATE_FILE,
    OP_CREATE_ONCE,
    OP_CANCEL,
    OP_CLOSE
};
static const int OP_HIGH[6] = {OP_GET, OP_WAIT, OP_DOWNLOAD, OP_DOWNLOAD_URL, OP_CREATE_FILE, OP_WAIT};

static size_t split_records(const uint8_t *data, size_t size)
{
    static const char sep[] = "~~~\n";
    size_t n = 0, pos = 0;
    while (pos < size && n < FUZZ_MAX_RECORDS) {
        size_t end = pos;
        while (end < size && !(size - end >= 4 && memcmp(data + end, sep, 4) == 0)) {
            end++;
        }
        if (end > pos) {
            records[n].ctl = data[pos];
            records[n].data = data + pos + 1;
            records[n].len = end - pos - 1;
            n++;
        }
        pos = end + 4;
    }
    return n;
}

/* FUZZ_CLIENT_TRACE=1 in the environment: one line per operation on stderr
 * (to see what a seed or a crash input does). */
static int trace;

static void trace_op(int op, lkd_status_t st, uint64_t bytes)
{
    if (trace) {
        fprintf(stderr, "op %d: %s, %llu bytes, %zu requests, %zu/%zu records, %u connects, http %d\n", op,
                lkd_strerror(st), (unsigned long long)bytes, fuzz_server.request_count, fuzz_server.next_record,
                fuzz_server.record_count, fuzz_server.connects, client.internal.http_status);
    }
}

static void after_call(lkd_status_t st)
{
    FUZZ_CHECK((unsigned)st < (unsigned)LKD_STATUS_COUNT);
    FUZZ_CHECK(lkd_strerror(st) != NULL);
    FUZZ_CHECK(!client.internal.busy);
    FUZZ_CHECK(client.internal.initialised);
    FUZZ_CHECK(client.internal.response_len <= LKD_RESPONSE_BUFFER_SIZE);
    check_api_error(&client.internal.api_error);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const result_hosts[] = {FUZZ_RESULT_SUFFIX};
    static const uint32_t call_timeouts[4] = {30000u, 5000u, 12000u, 60000u};
    static const uint32_t wait_timeouts[4] = {600000u, 20000u, 5000u, 60000u};
    static const uint32_t dl_timeouts[4] = {600000u, 8000u, 30000u, 120000u};
    lkd_settings_t s;
    lkd_resolve_t resolve;
    lkd_file_source_t source;
    lkd_span_t task = {FIXED_TASK, sizeof FIXED_TASK - 1}, last_url = {NULL, 0};
    uint8_t ops[4], flags, sizes;
    lkd_status_t st;
    int i;

    if (size < 4) {
        return 0;
    }
    trace = getenv("FUZZ_CLIENT_TRACE") != NULL;
    ops[0] = data[0] & 15u;
    ops[1] = data[0] >> 4;
    ops[2] = data[1] & 15u;
    ops[3] = data[1] >> 4;
    flags = data[2];
    sizes = data[3];

    mono_ms = 1000000u;
    wall_unknown = flags & 1u;
    memset(&fuzz_server, 0, sizeof fuzz_server);
    fuzz_server.records = records;
    fuzz_server.record_count = split_records(data + 4, size - 4);
    fuzz_server.secret_key = SECRET_KEY;
    fuzz_server.resolve_address = RESOLVED_ADDRESS;
    fuzz_server.on_request = on_request;
    fuzz_server_reset();

    lkd_settings_default(&s, (flags & 2u) ? LKD_PROFILE_LKEAP : LKD_PROFILE_LKE);
    s.secret_id = "AKIDfuzz0000000000000000000000000000";
    s.secret_key = SECRET_KEY;
    s.token = (flags & 8u) ? "fuzz-session-token" : NULL;
    s.timeout_ms = call_timeouts[flags >> 6];
    s.result_hosts = result_hosts;
    s.result_host_count = 1;
    s.result_hosts_replace = 1;
    resolve.host = s.host;
    resolve.port = 443;
    resolve.address = RESOLVED_ADDRESS;
    s.resolve = &resolve;
    s.resolve_count = 1;
    s.log = log_line;
    fuzz_server.resolve_host = s.host;

    FUZZ_CHECK(lkd_client_init(&client, &s, &fake_port) == LKD_OK);
    FUZZ_CHECK(lkd_client_add_ca(&client, (const uint8_t *)"stub", 5) == LKD_OK);

    memset(&file, 0, sizeof file);
    file.size = 1u + 150u * (sizes & 15u);
    file.short_reads = (flags >> 4) & 1u;
    file.fail_half = (flags >> 5) & 1u;
    memset(&source, 0, sizeof source);
    source.read = file_read;
    source.user = &file;
    source.size = file.size;

    for (i = 0; i < 4 && ops[i] != OP_END; i++) {
        int op = ops[i] <= OP_CLOSE ? ops[i] : OP_HIGH[ops[i] - OP_CLOSE - 1];
        lkd_span_t url = last_url;
        last_url.ptr = NULL;
        last_url.len = 0;
        switch (op) {
        case OP_GET: {
            lkd_result_t r;
            st = lkd_get_result(&client, task.ptr, task.len, &r);
            after_call(st);
            trace_op(op, st, 0);
            if (st == LKD_OK) {
                check_result(&r);
                last_url = r.result_url;
            }
            break;
        }
        case OP_WAIT: {
            lkd_wait_options_t o;
            lkd_result_t r;
            lkd_wait_options_default(&o);
            o.timeout_ms = wait_timeouts[(sizes >> 4) & 3u];
            o.progress = wait_progress;
            last_polls = 0;
            st = lkd_wait(&client, task.ptr, task.len, &o, &r);
            after_call(st);
            trace_op(op, st, 0);
            if (st == LKD_OK) {
                check_result(&r);
                FUZZ_CHECK(r.status == LKD_TASK_SUCCESS);
                last_url = r.result_url;
            } else if (st == LKD_ERR_TASK_FAILED) {
                check_result(&r);
                FUZZ_CHECK(r.status == LKD_TASK_FAILED);
            } else if (st == LKD_ERR_TASK_PAUSED) {
                check_result(&r);
                FUZZ_CHECK(r.status == LKD_TASK_PAUSE);
            }
            break;
        }
        case OP_DOWNLOAD:
        case OP_DOWNLOAD_URL: {
            lkd_download_options_t o;
            uint64_t bytes = 12345;
            lkd_download_options_default(&o);
            o.timeout_ms = dl_timeouts[sizes >> 6];
            o.sink = sink;
            o.progress = download_progress;
            if (op == OP_DOWNLOAD_URL) {
                if (url.len > 0) {
                    o.url = url;
                } else {
                    o.url.ptr = FIXED_URL;
                    o.url.len = sizeof FIXED_URL - 1;
                }
            }
            memset(&dl, 0, sizeof dl);
            dl.active = 1;
            dl.first_request = fuzz_server.request_count;
            dl.refuse_past_100 = (flags >> 2) & 1u;
            in_download_op = 1;
            st = lkd_download_result(&client, task.ptr, task.len, &o, &bytes);
            in_download_op = 0;
            after_call(st);
            trace_op(op, st, bytes);
            FUZZ_CHECK(bytes == dl.delivered);
            check_announced(st == LKD_OK);
            dl.active = 0;
            break;
        }
        case OP_CREATE_URL:
        case OP_CREATE_FILE:
        case OP_CREATE_ONCE: {
            lkd_create_t p;
            lkd_span_t id = {"stale", 5};
            lkd_create_default(&p);
            if (op == OP_CREATE_URL) {
                p.file_type = "PDF";
                p.file_url = "https://in.lkedoc.test/scan/page-1.pdf";
            } else {
                p.file_type = "png";
                source.unsigned_payload = op == OP_CREATE_ONCE;
                file.once = op == OP_CREATE_ONCE;
                file.next = 0;
                p.file = &source;
            }
            st = lkd_create(&client, &p, &id);
            after_call(st);
            trace_op(op, st, 0);
            if (st == LKD_OK) {
                FUZZ_CHECK(id.ptr == client.internal.task_id && id.len == strlen(client.internal.task_id) && id.len > 0);
                task = id;
            } else {
                FUZZ_CHECK(id.ptr == NULL && id.len == 0);
            }
            break;
        }
        case OP_CANCEL:
            st = lkd_cancel_task(&client, task.ptr, task.len);
            after_call(st);
            trace_op(op, st, 0);
            break;
        case OP_CLOSE:
            lkd_client_close(&client);
            FUZZ_CHECK(!lkd_tls_is_open_to(&client.internal.tls, client.internal.settings.host, client.internal.settings.port));
            break;
        default:
            FUZZ_CHECK(!"unknown op");
        }
    }
    lkd_client_free(&client);
    return 0;
}
