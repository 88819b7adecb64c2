/* SPDX-License-Identifier: MIT */
/*
 * lkd_job.c - create, wait, download (see lkd_job.h).
 */
#include "lkd_job.h"

#include <string.h>

#include "lkd_arg.h"
#include "lkd_call.h"
#include "lkd_clock.h"
#include "lkd_decode.h"
#include "lkd_request.h"
#include "lkd_result.h"
#include "lkd_text.h"
#include "lkd_url.h"
#include "lkd_url_policy.h"
#include "lkd_tls.h"

/* ---- CreateReconstructDocumentFlow ------------------------------------------- */

void lkd_create_default(lkd_create_t *p)
{
    if (p != NULL) {
        memset(p, 0, sizeof *p);
        p->ignore_failed_page = -1;
        p->return_page_format = -1;
    }
}

/* Appends JSON to the response buffer, remembering, for a value the writer
 * refused, which parameter it was. */
typedef struct {
    lkd_text_writer_t w;
    lkd_status_t st;
    const char *refused;
} json_out_t;

static void put_raw(json_out_t *j, const char *s)
{
    lkd_text_put_str(&j->w, s);
}

static void put_string(json_out_t *j, const char *s, const char *name)
{
    if (j->st == LKD_OK && !j->w.overflow) {
        j->st = lkd_json_write_string(j->w.out, j->w.cap, &j->w.pos, s, strlen(s));
        j->refused = name;
    }
}

static int one_of(const char *v, const char *first, const char *last)
{
    return v != NULL && strlen(v) == 1 && v[0] >= first[0] && v[0] <= last[0];
}

/* FileType: 1..8 letters or digits, sent upper-case as the service lists them ("PDF", "DOCX"). */
#define FILE_TYPE_MAX 8u
static lkd_status_t file_type_upper(const char *in, char out[FILE_TYPE_MAX + 1])
{
    size_t i, n = strlen(in);
    if (n == 0) {
        return LKD_ERR_ARG_EMPTY;
    }
    if (n > FILE_TYPE_MAX) {
        return LKD_ERR_ARG_TOO_LONG;
    }
    for (i = 0; i < n; i++) {
        char ch = lkd_text_upper(in[i]);
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))) {
            return LKD_ERR_ARG_FORMAT;
        }
        out[i] = ch;
    }
    out[n] = '\0';
    return LKD_OK;
}

static lkd_status_t compose_create(lkd_client_t *c, void *ctx, lkd_call_body_t *body)
{
    const lkd_create_t *p = (const lkd_create_t *)ctx;
    json_out_t j;
    char type[FILE_TYPE_MAX + 1];
    const char *sep = "{";
    uint32_t start, end;

    j.w.out = c->internal.response;
    j.w.cap = LKD_RESPONSE_BUFFER_SIZE;
    j.w.pos = 0;
    j.w.overflow = 0;
    j.st = LKD_OK;
    j.refused = NULL;
    if (p->file_type != NULL) {
        j.st = file_type_upper(p->file_type, type); /* checked by check_create: cannot fail */
        put_raw(&j, "{\"FileType\":");
        put_string(&j, type, LKD_TEXT("params.file_type"));
        sep = ",";
    }
    if (p->file_url != NULL) {
        put_raw(&j, sep);
        put_raw(&j, "\"FileUrl\":");
        put_string(&j, p->file_url, LKD_TEXT("params.file_url"));
        sep = ",";
    }
    if (p->file != NULL) {
        /* The file goes between the prefix and the rest of the object. */
        put_raw(&j, sep);
        put_raw(&j, "\"FileBase64\":\"");
        body->prefix_len = j.w.pos;
        body->file = p->file;
        put_raw(&j, "\"");
        sep = ",";
    }
    start = p->start_page;
    end = p->end_page;
    if (end == 0 && (c->internal.settings.caps & LKD_CAP_END_PAGE_100)) {
        /* Without an end the endpoint stops at page 100: ask for what the
         * user meant, the whole document (from start) as far as one task goes. */
        start = start > 0 ? start : 1;
        end = start + (LKD_CREATE_MAX_PAGES - 1);
    }
    if (start > 0) {
        put_raw(&j, ",\"FileStartPageNumber\":");
        lkd_text_put_dec(&j.w, start);
    }
    if (end > 0) {
        put_raw(&j, ",\"FileEndPageNumber\":");
        lkd_text_put_dec(&j.w, end);
    }
    put_raw(&j, ",\"Config\":{\"TableResultType\":");
    put_string(&j, p->table_result_type != NULL ? p->table_result_type : "0",
               LKD_TEXT("params.table_result_type"));
    put_raw(&j, ",\"ResultType\":");
    put_string(&j, p->result_type != NULL ? p->result_type : "0", LKD_TEXT("params.result_type"));
    if (p->ignore_failed_page >= 0) {
        put_raw(&j, p->ignore_failed_page ? ",\"IgnoreFailedPage\":true" : ",\"IgnoreFailedPage\":false");
    }
    if (p->return_page_format >= 0) {
        put_raw(&j, p->return_page_format ? ",\"ReturnPageFormat\":true" : ",\"ReturnPageFormat\":false");
    }
    if (p->page_format != NULL) {
        put_raw(&j, ",\"PageFormat\":");
        put_string(&j, p->page_format, LKD_TEXT("params.page_format"));
    }
    put_raw(&j, "}}");
    if (j.st == LKD_ERR_ARG_FORMAT) {
        return lkd_arg_fail(c, j.st, j.refused, "must be UTF-8");
    }
    if (j.st != LKD_OK) {
        return j.st;
    }
    if (j.w.overflow) {
        return LKD_ERR_BUFFER_TOO_SMALL;
    }
    if (p->file != NULL) {
        body->suffix_off = body->prefix_len;
        body->suffix_len = j.w.pos - body->prefix_len;
    } else {
        body->prefix_len = j.w.pos;
    }
    return LKD_OK;
}

static lkd_status_t decode_create(lkd_client_t *c, void *ctx)
{
    lkd_span_t task_id, request_id;
    lkd_status_t st = lkd_decode_simple(c->internal.response, c->internal.response_len, c->internal.tokens,
                                        LKD_JSON_MAX_TOKENS, &c->internal.pages, "TaskId", &task_id, &request_id,
                                        &c->internal.api_error);
    (void)ctx;
    if (st != LKD_OK) {
        return st;
    }
    if (lkd_call_set_task(c, task_id.ptr, task_id.len) != LKD_OK) {
        lkd_arg_clear(c); /* the service's TaskId, not the caller's */
        return LKD_ERR_MALFORMED;
    }
    return LKD_OK;
}

/* Exactly one source, and a usable one. */
static lkd_status_t check_source(lkd_client_t *c, const lkd_create_t *p)
{
    if (p->file_url == NULL && p->file == NULL) {
        return lkd_arg_fail(c, LKD_ERR_ARG_NULL, "params.file_url", "or params.file is required");
    }
    if (p->file_url != NULL && p->file != NULL) {
        return lkd_arg_fail(c, LKD_ERR_ARG_CONFLICT, "params.file_url", "and params.file exclude each other");
    }
    if (p->file_url != NULL && p->file_url[0] == '\0') {
        return lkd_arg_fail(c, LKD_ERR_ARG_EMPTY, "params.file_url", NULL);
    }
    if (p->file != NULL && p->file->read == NULL) {
        return lkd_arg_fail(c, LKD_ERR_ARG_NULL, "params.file.read", NULL);
    }
    if (p->file != NULL && p->file->size == 0) {
        return lkd_arg_fail(c, LKD_ERR_ARG_EMPTY, "params.file.size", "is 0");
    }
    return LKD_OK;
}

/* Whether type is one of LKD_FILE_BASE64_TYPES (never empty: the first is
 * compared before the end is looked for). */
static int base64_type(const char *type)
{
    const char *t = LKD_FILE_BASE64_TYPES;
    do {
        if (strcmp(t, type) == 0) {
            return 1;
        }
        t += strlen(t) + 1;
    } while (*t != '\0');
    return 0;
}

/* Each Config key beyond the two every profile knows needs its capability:
 * the service answers UnknownParameter to a key its edition lacks. */
static lkd_status_t check_config_caps(lkd_client_t *c, const lkd_create_t *p)
{
    unsigned caps = c->internal.settings.caps;
    if (p->ignore_failed_page >= 0 && !(caps & LKD_CAP_IGNORE_FAILED_PAGE)) {
        return lkd_arg_fail(c, LKD_ERR_ARG_CONFLICT, "params.ignore_failed_page", "is not in settings.caps");
    }
    if (p->return_page_format >= 0 && !(caps & LKD_CAP_RETURN_PAGE_FORMAT)) {
        return lkd_arg_fail(c, LKD_ERR_ARG_CONFLICT, "params.return_page_format", "is not in settings.caps");
    }
    if (p->page_format != NULL && !(caps & LKD_CAP_PAGE_FORMAT)) {
        return lkd_arg_fail(c, LKD_ERR_ARG_CONFLICT, "params.page_format", "is not in settings.caps");
    }
    return LKD_OK;
}

static lkd_status_t check_create(lkd_client_t *c, const lkd_create_t *p)
{
    char type[FILE_TYPE_MAX + 1];
    uint32_t first = p->start_page > 0 ? p->start_page : 1, last;
    lkd_status_t st = check_source(c, p);
    if (st != LKD_OK) {
        return st;
    }
    if (p->file_type == NULL && strcmp(c->internal.settings.service, "lkeap") == 0) {
        return lkd_arg_fail(c, LKD_ERR_ARG_NULL, "params.file_type", "is required on lkeap");
    }
    st = p->file_type != NULL ? file_type_upper(p->file_type, type) : LKD_OK;
    if (st == LKD_ERR_ARG_TOO_LONG) {
        return lkd_arg_too_long(c, "params.file_type", strlen(p->file_type), FILE_TYPE_MAX);
    }
    if (st != LKD_OK) {
        return lkd_arg_fail(c, st, "params.file_type", "must be 1 to 8 letters or digits (PDF, PNG, JPG, ...)");
    }
    if (p->table_result_type != NULL && !one_of(p->table_result_type, "0", "1")) {
        return lkd_arg_fail(c, LKD_ERR_ARG_RANGE, "params.table_result_type", "must be \"0\" or \"1\"");
    }
    if (p->result_type != NULL && !one_of(p->result_type, "0", "5")) {
        return lkd_arg_fail(c, LKD_ERR_ARG_RANGE, "params.result_type", "must be \"0\" to \"5\"");
    }
    /* The last page the task is asked for: the one given, or the one
     * compose_create adds where the endpoint would stop at page 100 (which
     * wraps when no page can follow the start). */
    last = p->end_page > 0 ? p->end_page
           : (c->internal.settings.caps & LKD_CAP_END_PAGE_100) ? first + (LKD_CREATE_MAX_PAGES - 1)
                                                                 : first;
    /* An end before the start, one that wrapped, or a range over the
     * service's limit, which is checked on every endpoint so that no task is
     * asked for what it refuses. */
    if (last < first || last - first >= LKD_CREATE_MAX_PAGES) {
        if (last < first && p->end_page > 0) {
            return lkd_arg_fail(c, LKD_ERR_ARG_CONFLICT, "params.end_page", "is before params.start_page");
        }
        return p->end_page > 0 ? lkd_arg_fail(c, LKD_ERR_ARG_RANGE, "params.end_page", "makes a range over 1000 pages")
                               : lkd_arg_fail(c, LKD_ERR_ARG_RANGE, "params.start_page", NULL);
    }
    if (p->file != NULL && p->file_type != NULL && !base64_type(type)) {
        return lkd_arg_fail(c, LKD_ERR_ARG_RANGE, "params.file_type", "is not in LKD_FILE_BASE64_TYPES: use file_url");
    }
    return check_config_caps(c, p);
}

lkd_status_t lkd_create(lkd_client_t *client, const lkd_create_t *params, lkd_span_t *task_id)
{
    lkd_status_t st;
    if (params == NULL || task_id == NULL) {
        if (client != NULL && client->internal.initialised) {
            client->internal.outcome_unknown = 0; /* about this call, not an earlier Create */
        }
        return lkd_arg_fail(client, LKD_ERR_ARG_NULL, params == NULL ? "params" : "task_id", NULL);
    }
    st = lkd_call_begin(client);
    if (st != LKD_OK) {
        return st;
    }
    task_id->ptr = NULL;
    task_id->len = 0;
    st = check_create(client, params);
    if (st == LKD_OK) {
        uint64_t deadline = lkd_clock_deadline(client, client->internal.settings.timeout_ms);
        uint32_t rate = client->internal.settings.upload_bytes_per_s;
        if (params->file != NULL && rate > 0) {
            /* A slow link must not cut a big upload at the call's timeout:
             * its base64 body (1366 bytes per KiB of file) at that rate, in
             * whole seconds, in 32 bits while the file is within the
             * service's 6 MiB (a larger one is refused before anything is
             * sent, whatever this sum says). */
            deadline += (uint64_t)((uint32_t)(params->file->size >> 10) * 1366u / rate) * 1000u;
        }
        /* Not idempotent: repeated only when the service cannot have acted on it. */
        st = lkd_call(client, "CreateReconstructDocumentFlow", compose_create, decode_create, (void *)params, 0,
                      deadline);
    }
    if (st == LKD_OK) {
        task_id->ptr = client->internal.task_id;
        task_id->len = strlen(client->internal.task_id);
    }
    return lkd_call_end(client, st);
}

/* ---- waiting ----------------------------------------------------------------- */

void lkd_wait_options_default(lkd_wait_options_t *o)
{
    if (o != NULL) {
        memset(o, 0, sizeof *o);
        o->timeout_ms = LKD_WAIT_TIMEOUT_MS;
        o->first_interval_ms = LKD_WAIT_FIRST_INTERVAL_MS;
        o->max_interval_ms = LKD_WAIT_MAX_INTERVAL_MS;
    }
}

/* One GetReconstructDocumentResult inside a job: its own deadline, capped by the job's. */
static lkd_status_t poll_once(lkd_client_t *c, lkd_result_t *result, uint64_t job_deadline)
{
    uint64_t deadline = lkd_clock_deadline(c, c->internal.settings.timeout_ms);
    return lkd_call(c, lkd_result_action, lkd_call_compose_task, lkd_result_decode, result, 1,
                    deadline < job_deadline ? deadline : job_deadline);
}

lkd_status_t lkd_wait(lkd_client_t *client, const char *task_id, size_t task_id_len, const lkd_wait_options_t *opt,
                      lkd_result_t *result)
{
    lkd_wait_options_t o;
    uint64_t start, deadline;
    uint32_t interval, polls = 0;
    lkd_status_t st;
    if (result == NULL) {
        return lkd_arg_fail(client, LKD_ERR_ARG_NULL, "result", NULL);
    }
    if (opt == NULL) {
        lkd_wait_options_default(&o);
    } else {
        o = *opt;
    }
    if (o.timeout_ms == 0 || o.first_interval_ms == 0) {
        return lkd_arg_fail(client, LKD_ERR_ARG_RANGE, o.timeout_ms == 0 ? "opt.timeout_ms" : "opt.first_interval_ms",
                            "must not be 0");
    }
    if (o.max_interval_ms < o.first_interval_ms) {
        return lkd_arg_fail(client, LKD_ERR_ARG_CONFLICT, "opt.max_interval_ms", "is less than opt.first_interval_ms");
    }
    st = lkd_call_begin(client);
    if (st != LKD_OK) {
        return st;
    }
    memset(result, 0, sizeof *result);
    st = lkd_call_set_task(client, task_id, task_id_len);
    start = lkd_clock_now_ms(client);
    deadline = start + o.timeout_ms;
    interval = o.first_interval_ms;
    while (st == LKD_OK) {
        uint32_t pause;
        st = poll_once(client, result, deadline);
        if (st != LKD_OK) {
            break;
        }
        polls++;
        if (o.progress != NULL) {
            o.progress(o.user, result, (uint32_t)(lkd_clock_now_ms(client) - start), polls);
        }
        if (result->status == LKD_TASK_SUCCESS) {
            break;
        }
        if (result->status == LKD_TASK_FAILED) {
            st = LKD_ERR_TASK_FAILED;
            break;
        }
        if (result->status == LKD_TASK_PAUSE) {
            st = LKD_ERR_TASK_PAUSED;
            break;
        }
        /* +-20 % jitter keeps a fleet of devices from polling in step. */
        pause = interval - interval / 5u + lkd_call_random(client, interval / 5u * 2u + 1u);
        st = lkd_call_sleep(client, pause, deadline, LKD_ERR_TIMEOUT);
        if (st == LKD_ERR_TIMEOUT) {
            /* No time for another poll: use what is left, then say so. */
            uint64_t now = lkd_clock_now_ms(client);
            if (now < deadline) {
                st = lkd_call_sleep(client, (uint32_t)(deadline - now), UINT64_MAX, st);
            }
            st = st == LKD_ERR_ABORTED ? st : LKD_ERR_TIMEOUT;
        }
        if (st != LKD_OK) {
            break;
        }
        {
            /* Rounded up, so that any percent over 100 makes it grow. */
            uint64_t next = (uint64_t)interval +
                            ((uint64_t)interval * (LKD_WAIT_BACKOFF_PERCENT - 100u) + 99u) / 100u;
            interval = next > o.max_interval_ms ? o.max_interval_ms : (uint32_t)next;
        }
    }
    return lkd_call_end(client, st);
}

/* ---- downloading --------------------------------------------------------------- */

void lkd_download_options_default(lkd_download_options_t *o)
{
    if (o != NULL) {
        memset(o, 0, sizeof *o);
        o->timeout_ms = LKD_DOWNLOAD_TIMEOUT_MS;
    }
}

/* Seconds before a URL's q-key-time end at which a resume asks for a fresh one. */
#define URL_EXPIRY_MARGIN_S 60

typedef struct {
    lkd_client_t *c;
    const lkd_download_options_t *opt;
    lkd_download_state_t *s; /* the application's, or one inside the call */
    uint64_t skip;        /* bytes of this answer already delivered before (Range ignored) */
    uint64_t range_start, range_end, range_total;
    uint64_t range_left;  /* bytes this 206 may still deliver (up to its range's end) */
    uint8_t has_range;    /* this answer had a Content-Range */
    uint8_t checked;      /* this answer's headers were validated */
    uint8_t fresh;        /* the URL was just handed out: no need to check its expiry */
    uint8_t changed;      /* this answer's ETag or CRC-64 is not the state's: another object */
    unsigned fails;       /* tries in a row that delivered nothing */
    unsigned refreshes;   /* fresh URLs asked for */
} download_t;

/* Parse "bytes START-END/TOTAL" (no "*": that form only comes with 416). */
static lkd_status_t parse_content_range(download_t *d, const char *v, size_t n)
{
    uint64_t nums[3] = {0, 0, 0};
    size_t i = 6, k;
    if (n < 6 || memcmp(v, "bytes ", 6) != 0) {
        return LKD_ERR_MALFORMED;
    }
    for (k = 0; k < 3; k++) {
        size_t digits = lkd_text_parse_u64(v + i, n - i, &nums[k]);
        i += digits;
        if (digits == 0 || (k < 2 && (i >= n || v[i] != (k == 0 ? '-' : '/')))) {
            return LKD_ERR_MALFORMED;
        }
        i++;
    }
    if (i - 1 != n || nums[0] > nums[1] || nums[1] >= nums[2]) {
        return LKD_ERR_MALFORMED;
    }
    d->has_range = 1;
    d->range_start = nums[0];
    d->range_end = nums[1];
    d->range_total = nums[2];
    return LKD_OK;
}

/* The archive's own headers (an error page's are not looked at).  The
 * bytes delivered so far are of one object: an ETag or CRC-64 other than the
 * state's (a store that ignored If-Match, a state without an ETag) is
 * another object, handled as a 412; the first ones seen are the state's
 * from then on. */
static lkd_status_t download_header(void *user, const char *name, size_t name_len, const char *value,
                                    size_t value_len)
{
    download_t *d = (download_t *)user;
    lkd_download_state_t *s = d->s;
    int code = d->c->internal.http.status_code;
    if (code != 200 && code != 206) {
        return LKD_OK;
    }
    if (code == 206 && lkd_text_equals_nocase(name, name_len, "content-range")) {
        return parse_content_range(d, value, value_len);
    }
    if (lkd_text_equals_nocase(name, name_len, "x-cos-hash-crc64ecma")) {
        uint64_t crc;
        /* Strictly the decimal digits of a u64: anything else is no checksum. */
        if (value_len == 0 || lkd_text_parse_u64(value, value_len, &crc) != value_len) {
            return LKD_ERR_MALFORMED;
        }
        if ((s->flags & LKD_DOWNLOAD_HAS_CRC) && crc != s->expected_crc) {
            d->changed = 1;
            return LKD_ERR_MALFORMED;
        }
        s->expected_crc = crc;
        s->flags |= LKD_DOWNLOAD_HAS_CRC;
    } else if (lkd_text_equals_nocase(name, name_len, "etag")) {
        lkd_span_t v;
        v.ptr = value;
        v.len = value_len;
        if (s->etag_len > 0) {
            d->changed = value_len != s->etag_len || memcmp(value, s->etag, value_len) != 0;
            return d->changed ? LKD_ERR_MALFORMED : LKD_OK;
        }
        /* Kept only when it can be sent back as it came. */
        if (value_len < LKD_DOWNLOAD_ETAG_SIZE && lkd_request_check_value(v, LKD_REQUEST_CHARS_VISIBLE, 1) == LKD_OK) {
            memcpy(s->etag, value, value_len);
            s->etag_len = (uint8_t)value_len;
        }
    } else if (lkd_text_equals_nocase(name, name_len, "content-encoding") &&
               !lkd_text_equals_nocase(value, value_len, "identity")) {
        return LKD_ERR_MALFORMED; /* a gzip body is not the archive the CRC-64 names */
    }
    return LKD_OK;
}

static lkd_status_t download_body(void *user, const uint8_t *data, size_t len)
{
    download_t *d = (download_t *)user;
    lkd_download_state_t *s = d->s;
    lkd_status_t st;
    int code = d->c->internal.http.status_code;
    if (code != 200 && code != 206) {
        return LKD_OK; /* an error page: read and dropped */
    }
    if (code == 206) {
        if (len > d->range_left) {
            return LKD_ERR_MALFORMED; /* past the end of the range the answer named */
        }
        d->range_left -= len;
    }
    if (d->skip > 0) {
        size_t n = d->skip < len ? (size_t)d->skip : len;
        d->skip -= n;
        data += n;
        len -= n;
    }
    if (len == 0) {
        return LKD_OK;
    }
    if ((s->flags & LKD_DOWNLOAD_HAS_TOTAL) && len > s->total - s->delivered) {
        return LKD_ERR_MALFORMED; /* more than the archive's announced length */
    }
    st = d->opt->sink(d->opt->user, data, len);
    if (st != LKD_OK) {
        return st;
    }
    /* The state moves only once the sink holds the bytes, so that it can be
     * saved at any moment and matches what the application has. */
    s->crc = lkd_crc64(s->crc, data, len);
    s->delivered += len;
    if (d->opt->progress != NULL) {
        d->opt->progress(d->opt->user, s->delivered, (s->flags & LKD_DOWNLOAD_HAS_TOTAL) ? s->total : 0);
    }
    return LKD_OK;
}

/* Copy the host a URL named into host_buf, keeping only bytes a host may
 * hold (it is printed and logged: never raw server bytes). */
static void keep_host(lkd_client_t *c, lkd_span_t h)
{
    size_t i, n = 0;
    for (i = 0; i < h.len && n < sizeof c->internal.host_buf - 1; i++) {
        if (lkd_text_is_name_byte(h.ptr[i])) {
            c->internal.host_buf[n++] = lkd_text_lower(h.ptr[i]);
        }
    }
    c->internal.host_buf[n] = '\0';
}

/* A URL whose first GET fits the request buffer but whose resumes would not
 * is refused before anything is fetched: otherwise every cut would end the
 * download, and every rerun alike.  The longest resume: a 20-digit Range and
 * an ETag of the longest kept (any visible bytes: the path's own, when it is
 * shorter than that the request fits anyway). */
static lkd_status_t check_resumable(lkd_client_t *c, const lkd_url_t *url)
{
    lkd_span_t tag = url->path_query;
    size_t len = 0;
    lkd_status_t st;
    if (tag.len > LKD_DOWNLOAD_ETAG_SIZE - 1u) {
        tag.len = LKD_DOWNLOAD_ETAG_SIZE - 1u;
    }
    st = lkd_request_write_get(url->host, url->port, url->path_query, UINT64_MAX, tag, (char *)c->internal.request,
                               sizeof c->internal.request, &len);
    if (st == LKD_ERR_BUFFER_TOO_SMALL) {
        lkd_call_log(c, "* result URL too long for a resumed GET (LKD_REQUEST_BUFFER_SIZE)", NULL);
    }
    return st;
}

/* Keep the URL text at the start of the response buffer (the download's
 * body never goes there), NUL-terminated, parse it and check it against the
 * result-host policy (lkd_url_policy.h) before anything connects to it.
 * A URL lkd_url_parse refuses is an LKD_ERR_ARG_* kind (not recorded: the
 * caller says whose URL it was). */
static lkd_status_t use_url(lkd_client_t *c, lkd_span_t text, lkd_url_t *url)
{
    lkd_url_policy_t policy;
    lkd_span_t named;
    const char *reason = NULL;
    lkd_status_t st;
    c->internal.url_refusal = NULL;
    if (text.ptr == NULL || text.len == 0) {
        return text.ptr == NULL ? LKD_ERR_ARG_NULL : LKD_ERR_ARG_EMPTY;
    }
    if (text.len >= LKD_RESPONSE_BUFFER_SIZE) {
        return LKD_ERR_ARG_TOO_LONG;
    }
    memmove(c->internal.response, text.ptr, text.len);
    c->internal.response[text.len] = '\0';
    policy.extra = c->internal.settings.result_hosts;
    policy.extra_count = c->internal.settings.result_host_count;
    policy.replace = c->internal.settings.result_hosts_replace;
    st = lkd_url_policy_check(c->internal.response, text.len, &policy, url, &named, &reason);
    keep_host(c, named);
    if (st == LKD_ERR_URL_REFUSED) {
        c->internal.url_refusal = reason;
        lkd_call_log(c, "* result URL refused: ", reason);
        lkd_call_log(c, "*   host ", c->internal.host_buf);
        return st;
    }
    if (st != LKD_OK) {
        return st;
    }
    if (url->host.len >= sizeof c->internal.host_buf) {
        return LKD_ERR_ARG_TOO_LONG; /* lkd_url_parse allows 253 bytes: cannot happen */
    }
    lkd_call_log(c, "* result host ", c->internal.host_buf);
    return check_resumable(c, url);
}

/* Ask the service for the task's (fresh) URL. */
static lkd_status_t fetch_url(lkd_client_t *c, uint64_t deadline, lkd_url_t *url)
{
    lkd_result_t r;
    lkd_status_t st;
    c->internal.host_buf[0] = '\0'; /* a failure now is the API host's (lkd_client_result_host) */
    st = poll_once(c, &r, deadline);
    if (st != LKD_OK) {
        return st;
    }
    if (r.status == LKD_TASK_FAILED) {
        return LKD_ERR_TASK_FAILED;
    }
    if (r.status != LKD_TASK_SUCCESS || r.result_url.len == 0) {
        return LKD_ERR_TASK_NOT_READY;
    }
    st = use_url(c, r.result_url, url);
    /* The service's own answer named a URL the client cannot use (not https,
     * no host, bad port, host too long): a malformed answer, not a bad
     * argument of the caller's. */
    return lkd_status_is_arg(st) ? LKD_ERR_MALFORMED : st;
}

/* opt->url: the caller's argument, unless it points into the client's
 * response buffer, where only an earlier answer of the service can have put
 * it (lkd_wait's result_url): then a URL the client cannot use is, as in
 * fetch_url, a malformed answer. */
static lkd_status_t use_given_url(lkd_client_t *c, lkd_span_t text, lkd_url_t *url)
{
    uintptr_t p = (uintptr_t)text.ptr, buf = (uintptr_t)c->internal.response;
    lkd_status_t st = use_url(c, text, url);
    if (!lkd_status_is_arg(st)) {
        return st;
    }
    if (p >= buf && p < buf + sizeof c->internal.response) {
        return LKD_ERR_MALFORMED;
    }
    if (st == LKD_ERR_ARG_TOO_LONG && text.len >= LKD_RESPONSE_BUFFER_SIZE) {
        return lkd_arg_too_long(c, "opt.url", text.len, LKD_RESPONSE_BUFFER_SIZE - 1);
    }
    if (st == LKD_ERR_ARG_TOO_LONG) {
        return lkd_arg_fail(c, st, "opt.url", "its host name must be at most 253 bytes");
    }
    return lkd_arg_fail(c, st, "opt.url", "must be an https URL: https://host[:port]/path");
}

/* The answer's headers are complete once its first body byte arrives:
 * check them then, before anything reaches the app's sink. */
static lkd_status_t validate_answer(download_t *d)
{
    const lkd_http_parser_t *h = &d->c->internal.http;
    lkd_download_state_t *s = d->s;
    int known = (s->flags & LKD_DOWNLOAD_HAS_TOTAL) != 0;
    d->checked = 1;
    if (h->status_code != 200 && h->status_code != 206) {
        return LKD_OK; /* an error page: nothing of it reaches the sink */
    }
    if (h->status_code == 206) {
        if (!d->has_range || d->range_start != s->delivered || (known && d->range_total != s->total) ||
            (h->has_content_length && h->content_length != d->range_end - d->range_start + 1u)) {
            return LKD_ERR_MALFORMED;
        }
        d->range_left = d->range_end - d->range_start + 1u;
        s->total = d->range_total;
        s->flags |= LKD_DOWNLOAD_HAS_TOTAL;
    } else {
        if (h->has_content_length) {
            if ((known && h->content_length != s->total) || h->content_length < s->delivered) {
                return LKD_ERR_MALFORMED; /* a different object than before */
            }
            s->total = h->content_length;
            s->flags |= LKD_DOWNLOAD_HAS_TOTAL;
        }
        d->skip = s->delivered; /* Range ignored: drop what the app already has */
    }
    return LKD_OK;
}

static lkd_status_t download_checked_body(void *user, const uint8_t *data, size_t len)
{
    download_t *d = (download_t *)user;
    if (!d->checked) {
        lkd_status_t st = validate_answer(d);
        if (st != LKD_OK) {
            return st;
        }
    }
    return download_body(user, data, len);
}

/* One GET from the state's delivered on; LKD_OK when the answer was complete. */
static lkd_status_t get_once(download_t *d, const lkd_url_t *url, uint64_t deadline)
{
    lkd_client_t *c = d->c;
    lkd_download_state_t *s = d->s;
    lkd_span_t etag;
    size_t len = 0;
    int got_any = 0;
    lkd_status_t st;
    if (lkd_tls_aborted(&c->internal.tls)) {
        return LKD_ERR_ABORTED; /* before a GET: a resume after a pause has no wait that asked it */
    }
    if (s->delivered == 0) {
        /* Nothing delivered: whatever object answers is the archive, with
         * its own ETag, length and CRC (no If-Match, nothing compared). */
        memset(s, 0, sizeof *s);
    }
    etag.ptr = s->etag;
    etag.len = s->etag_len;
    st = lkd_request_write_get(url->host, url->port, url->path_query, s->delivered, etag,
                               (char *)c->internal.request, sizeof c->internal.request, &len);
    if (st != LKD_OK) {
        return st;
    }
    /* A store that stops sending is dropped after a call's timeout without
     * a byte, and resumed, rather than waited for until the deadline. */
    c->internal.tls.idle_ms = c->internal.settings.timeout_ms;
    c->internal.retry_after_ms = 0; /* only this answer's Retry-After counts */
    c->internal.http_status = 0; /* a proxy's refusal sets it */
    st = lkd_call_connect(c, c->internal.host_buf, url->port, deadline);
    if (st == LKD_OK) {
        lkd_call_log_number(c, "> GET from byte ", s->delivered);
        st = lkd_tls_write_all(&c->internal.tls, c->internal.request, len, deadline);
    }
    d->has_range = 0;
    d->skip = 0;
    d->checked = 0;
    c->internal.http.status_code = 0;
    if (st == LKD_OK) {
        st = lkd_call_receive(c, download_checked_body, download_header, d, deadline, &got_any);
        c->internal.http_status = c->internal.http.status_code;
    }
    c->internal.tls.idle_ms = 0;
    return st;
}

/* The end (Unix s) of a COS URL's validity, from q-key-time=START;END (the
 * ';' may come as %3B); 0 when the URL does not say. */
static uint64_t url_expiry(lkd_span_t q)
{
    static const char key[] = "&q-key-time=";
    size_t i, n = sizeof key - 1u;
    for (i = 0; i + n <= q.len; i++) {
        /* '?' or '&' before it: compared from the name on. */
        if ((q.ptr[i] == '?' || q.ptr[i] == '&') && memcmp(q.ptr + i + 1u, key + 1u, n - 1u) == 0) {
            uint64_t v = 0;
            size_t j = i + n;
            j += lkd_text_parse_u64(q.ptr + j, q.len - j, &v);
            j += j < q.len && q.ptr[j] == '%' ? 3u : 1u; /* ';' or its "%3B" */
            return j < q.len && lkd_text_parse_u64(q.ptr + j, q.len - j, &v) > 0 ? v : 0;
        }
    }
    return 0;
}

/* What an outage or a restart of the store looks like (a link down fails
 * DNS, a half-open path TLS, a stalled read times out): worth a resume; past
 * the deadline, pause_to_resume ends it.  A certificate, a fatal alert (no
 * common suite), or an answer that does not add up will be the same next
 * time. */
static int transient(lkd_client_t *c, lkd_status_t st)
{
    if (st == LKD_ERR_HTTP_STATUS) {
        return c->internal.http_status >= 500;
    }
    if (st == LKD_ERR_PROXY) {
        return lkd_call_proxy_gateway_failed(c);
    }
    if (st == LKD_ERR_TLS) {
        return !c->internal.tls.peer_refused;
    }
    /* DNS, CONNECT, TIMEOUT, CLOSED and IO: the network kinds, numbered in a row. */
    return st >= LKD_ERR_DNS && st <= LKD_ERR_IO && st != LKD_ERR_CERT;
}

/* A fresh URL from the service: after a 403 (expired), a 412 (the object
 * changed: the sink is told to start over, and so is the state), or before
 * resuming on one about to expire (code 0). */
static lkd_status_t refresh_url(download_t *d, lkd_url_t *url, uint64_t deadline, int code)
{
    lkd_status_t st = LKD_OK;
    if (code == 412) {
        lkd_call_log(d->c, "* result changed on the server (412): starting over", NULL);
        st = d->opt->restart(d->opt->user);
        if (st == LKD_OK) {
            memset(d->s, 0, sizeof *d->s);
        }
    }
    d->refreshes++;
    d->fresh = 1;
    lkd_call_log_number(d->c, "* asking the service for a fresh result URL; HTTP ", (uint64_t)code);
    return st == LKD_OK ? fetch_url(d->c, deadline, url) : st;
}

/* An outage of the store (refused or dropped connections, 503 SlowDown):
 * wait longer each time nothing arrived, up to LKD_RETRY_MAX_MS, then resume
 * where the bytes stopped, for as long as the deadline leaves room for the
 * pause.  LKD_OK to go on, else st. */
static lkd_status_t pause_to_resume(download_t *d, uint64_t before, uint64_t deadline, lkd_status_t st)
{
    lkd_tls_close(&d->c->internal.tls);
    d->fails = d->s->delivered > before ? 0u : d->fails + 1u;
    if (d->fails > 0) {
        st = lkd_call_sleep(d->c, lkd_call_backoff_ms(d->c, d->fails - 1u), deadline, st);
        if (st != LKD_OK) {
            return st;
        }
    }
    lkd_call_log_number(d->c, "* download interrupted; resuming at byte ", d->s->delivered);
    return LKD_OK;
}

/* What one GET's outcome st means: *done once the archive is complete. */
static lkd_status_t after_get(download_t *d, lkd_url_t *url, uint64_t deadline, lkd_status_t st, uint64_t before,
                              int *done)
{
    int code = d->c->internal.http_status, body = code == 200 || code == 206;
    /* Another object than the state's bytes: an ETag or CRC-64 of its own,
     * or shorter than they are (416 to the Range). */
    if (d->changed || (st == LKD_OK && code == 416)) {
        /* Perhaps cut mid-answer: the connection cannot carry another request. */
        lkd_tls_close(&d->c->internal.tls);
        d->changed = 0;
        d->c->internal.http_status = code = 412;
        st = LKD_OK;
        body = 0;
    }
    if (st == LKD_OK && !d->checked && body) {
        st = validate_answer(d); /* an empty body never reached the sink */
    }
    if (st == LKD_OK && body) {
        *done = !(d->s->flags & LKD_DOWNLOAD_HAS_TOTAL) || d->s->delivered == d->s->total;
        if (*done) {
            return LKD_OK; /* a length-less answer ends with its connection */
        }
        st = LKD_ERR_CLOSED; /* the answer ended short of the archive */
    } else if (st == LKD_OK && (code == 403 || (code == 412 && d->opt->restart != NULL)) &&
               d->refreshes < LKD_DOWNLOAD_MAX_URL_REFRESHES) {
        return refresh_url(d, url, deadline, code);
    } else if (st == LKD_OK) {
        st = LKD_ERR_HTTP_STATUS;
    }
    return transient(d->c, st) ? pause_to_resume(d, before, deadline, st) : st;
}

/* 1 when a resume is due on a URL whose q-key-time ends within the margin
 * (the store would refuse it before the bytes end). */
static int url_running_out(download_t *d, const lkd_url_t *url)
{
    uint64_t ends = url_expiry(url->path_query);
    int64_t now = lkd_client_now(d->c);
    return !d->fresh && ends > 0 && now >= 0 && (uint64_t)now + URL_EXPIRY_MARGIN_S >= ends &&
           d->refreshes < LKD_DOWNLOAD_MAX_URL_REFRESHES;
}

static lkd_status_t download_loop(download_t *d, lkd_url_t *url, uint64_t deadline)
{
    lkd_download_state_t *s = d->s;
    lkd_status_t st = LKD_OK;
    int done = 0;
    /* A state that holds the whole archive has only the check left. */
    while (st == LKD_OK && !done && !((s->flags & LKD_DOWNLOAD_HAS_TOTAL) && s->delivered == s->total)) {
        if (url_running_out(d, url)) {
            lkd_call_log(d->c, "* result URL about to expire", NULL);
            st = refresh_url(d, url, deadline, 0);
        } else {
            uint64_t before = s->delivered;
            d->fresh = 0;
            st = after_get(d, url, deadline, get_once(d, url, deadline), before, &done);
        }
    }
    return st;
}

/* The archive is complete: its CRC-64 against the store's, when it sent one. */
static lkd_status_t verify(lkd_client_t *c, lkd_download_state_t *s)
{
    (void)c; /* only the log lines use it */
    if (!(s->flags & LKD_DOWNLOAD_HAS_CRC)) {
        lkd_call_log(c, "* no x-cos-hash-crc64ecma: the archive was not verified", NULL);
        return LKD_OK;
    }
    if (s->crc != s->expected_crc) {
        lkd_call_log(c, "* CRC-64 of the archive differs from x-cos-hash-crc64ecma", NULL);
        return LKD_ERR_INTEGRITY;
    }
    s->flags |= LKD_DOWNLOAD_VERIFIED;
    lkd_call_log(c, "* CRC-64 of the archive matches x-cos-hash-crc64ecma", NULL);
    return LKD_OK;
}

/* The application's options, and its state when it gives one. */
static lkd_status_t check_download(lkd_client_t *c, const lkd_download_options_t *opt, lkd_download_state_t *s)
{
    if (opt == NULL || opt->sink == NULL) {
        return lkd_arg_fail(c, LKD_ERR_ARG_NULL, opt == NULL ? "opt" : "opt.sink", NULL);
    }
    if (opt->timeout_ms == 0) {
        return lkd_arg_fail(c, LKD_ERR_ARG_RANGE, "opt.timeout_ms", "must not be 0");
    }
    if (s->delivered == 0) {
        memset(s, 0, sizeof *s);
    } else {
        lkd_span_t etag;
        etag.ptr = s->etag;
        etag.len = s->etag_len;
        /* Saved by the application, perhaps across a power cut: it goes
         * back into a header, so it is checked as a header value. */
        if (s->etag_len >= LKD_DOWNLOAD_ETAG_SIZE || ((s->flags & LKD_DOWNLOAD_HAS_TOTAL) && s->delivered > s->total) ||
            lkd_request_check_value(etag, LKD_REQUEST_CHARS_VISIBLE, 0) != LKD_OK) {
            return lkd_arg_fail(c, LKD_ERR_ARG_RANGE, "opt.state",
                                "etag_len under LKD_DOWNLOAD_ETAG_SIZE, etag visible ASCII, delivered at most total");
        }
    }
    s->flags &= (uint8_t)~LKD_DOWNLOAD_VERIFIED;
    return LKD_OK;
}

lkd_status_t lkd_download_result(lkd_client_t *client, const char *task_id, size_t task_id_len,
                                 const lkd_download_options_t *opt, uint64_t *bytes)
{
    download_t d;
    lkd_download_state_t own;
    lkd_url_t url;
    uint64_t deadline;
    lkd_status_t st;
    memset(&d, 0, sizeof d);
    memset(&own, 0, sizeof own);
    d.s = opt != NULL && opt->state != NULL ? opt->state : &own;
    st = check_download(client, opt, d.s);
    if (st != LKD_OK) {
        return st;
    }
    st = lkd_call_begin(client);
    if (st != LKD_OK) {
        return st;
    }
    d.c = client;
    d.opt = opt;
    client->internal.retry_after_ms = 0;
    deadline = lkd_clock_deadline(client, opt->timeout_ms);
    st = lkd_call_set_task(client, task_id, task_id_len);
    if (st == LKD_OK) {
        d.fresh = opt->url.len == 0;
        st = d.fresh ? fetch_url(client, deadline, &url) : use_given_url(client, opt->url, &url);
    }
    if (st == LKD_OK) {
        st = download_loop(&d, &url, deadline);
    }
    if (st == LKD_OK) {
        st = verify(client, d.s);
    }
    if (bytes != NULL) {
        *bytes = d.s->delivered;
    }
    return lkd_call_end(client, st);
}
