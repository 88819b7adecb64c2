/* SPDX-License-Identifier: MIT */
/* The job (create, wait, download) over a real TLS session with an
 * in-process server (tls_loop.h): what is sent, what is repeated and what is
 * not, polling and its deadline, download resume offsets, URL refresh, and
 * the checks on lengths and ranges. */
#include "lkd_base64.h"
#include "lkd_job.h"
#include "unit.h"
#include "tls_loop.h"

/* The flash-small CRC-64 (the default) built here beside the host build's
 * fast one, so that both are checked; the knob is put back after it, since
 * lkd_client_init's configuration fingerprint reads it. */
#if LKD_CRC64_FAST
#define CRC64_FAST_OF_THE_BUILD 1
#else
#define CRC64_FAST_OF_THE_BUILD 0
#endif
#undef LKD_CRC64_FAST
#define LKD_CRC64_FAST 0
#define lkd_crc64 lkd_crc64_nibbles
#include "../../core/src/lkd_crc64.c"
#undef lkd_crc64
#undef LKD_CRC64_FAST
#define LKD_CRC64_FAST CRC64_FAST_OF_THE_BUILD

static lkd_client_t client;
static lkd_settings_t settings;
static lkd_port_t port;

static const char create_json[] = "{\"Response\":{\"TaskId\":\"task-42\",\"RequestId\":\"rid-c\"}}";
static const char processing_json[] = "{\"Response\":{\"Status\":\"Processing\",\"RequestId\":\"rid-p\"}}";
static const char success_json[] =
    "{\"Response\":{\"Status\":\"Success\",\"DocumentRecognizeResultUrl\":\"https://dl.test/r.zip?sig=1\","
    "\"RequestId\":\"rid-s\"}}";
static const char success2_json[] =
    "{\"Response\":{\"Status\":\"Success\",\"DocumentRecognizeResultUrl\":\"https://dl.test/r.zip?sig=2\","
    "\"RequestId\":\"rid-s2\"}}";
static const char failed_json[] =
    "{\"Response\":{\"Status\":\"Failed\",\"FailedPages\":[{\"PageNumber\":3}],\"RequestId\":\"rid-f\"}}";

static void fresh(void)
{
    lkd_client_free(&client);
    tl_reset();
    CHECK_EQ_INT(tl_client(&client, &settings, &port), LKD_OK);
}

/* ---- create ------------------------------------------------------------------------ */

/* A document of n bytes (a pattern), read through a source. */
static uint8_t doc[70000];
static size_t read_max;     /* > 0: at most this many bytes per read */
static int read_short;      /* the source ends early */
static lkd_status_t read_fail;
static int read_over;       /* the source claims more bytes than asked for */
static unsigned reads;

static lkd_status_t read_doc(void *user, uint64_t offset, uint8_t *buf, size_t len, size_t *got)
{
    (void)user;
    reads++;
    if (read_fail != LKD_OK) {
        return read_fail;
    }
    if (read_short && offset + len >= 1000) {
        *got = 0;
        return LKD_OK;
    }
    if (read_max > 0 && len > read_max) {
        len = read_max;
    }
    memcpy(buf, doc + offset, len);
    *got = read_over ? len + 1 : len;
    return LKD_OK;
}

static lkd_file_source_t source(size_t n, int unsigned_payload)
{
    lkd_file_source_t f;
    size_t i;
    for (i = 0; i < sizeof doc; i++) {
        doc[i] = (uint8_t)(i * 7u + i / 251u);
    }
    f.read = read_doc;
    f.user = NULL;
    f.size = n;
    f.unsigned_payload = (uint8_t)unsigned_payload;
    read_max = 0;
    read_short = 0;
    read_fail = LKD_OK;
    read_over = 0;
    reads = 0;
    return f;
}

static const char *body_of(unsigned n)
{
    const char *b = strstr(tl.reqs[n].head, "\r\n\r\n");
    return b == NULL ? "" : b + 4;
}

static void test_create_arguments(void)
{
    lkd_create_t p;
    lkd_span_t id;
    lkd_file_source_t f;
    int i;
    char long_url[5000];
    fresh();
    f = source(10, 0);
    CHECK_EQ_INT(lkd_create(&client, NULL, &id), LKD_ERR_ARG_NULL);
    lkd_create_default(&p);
    lkd_create_default(NULL);
    CHECK_EQ_INT(lkd_create(&client, &p, NULL), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_create(NULL, &p, &id), LKD_ERR_STATE);
    memset(long_url, 'u', sizeof long_url - 1);
    long_url[sizeof long_url - 1] = '\0';
    /* Each rule on its own, refused as what and named; none of them reaches the network. */
    static const struct {
        lkd_status_t st;
        const char *name;
    } refusals[16] = {
        {LKD_ERR_ARG_CONFLICT, "params.file_url"},        {LKD_ERR_ARG_NULL, "params.file_url"},
        {LKD_ERR_ARG_EMPTY, "params.file_url"},           {LKD_ERR_ARG_NULL, "params.file.read"},
        {LKD_ERR_ARG_EMPTY, "params.file.size"},          {LKD_ERR_ARG_NULL, "params.file_type"},
        {LKD_ERR_ARG_RANGE, "params.table_result_type"},  {LKD_ERR_ARG_RANGE, "params.table_result_type"},
        {LKD_ERR_ARG_RANGE, "params.result_type"},        {LKD_ERR_ARG_RANGE, "params.result_type"},
        {LKD_ERR_ARG_CONFLICT, "params.end_page"},        {LKD_ERR_ARG_EMPTY, "params.file_type"},
        {LKD_ERR_ARG_TOO_LONG, "params.file_type"},       {LKD_ERR_ARG_FORMAT, "params.file_type"},
        {LKD_ERR_BUFFER_TOO_SMALL, ""},                   {LKD_ERR_ARG_FORMAT, "params.file_url"},
    };
    for (i = 0; i < 16; i++) {
        lkd_file_source_t g = f;
        lkd_create_default(&p);
        p.file_type = "pdf";
        p.file_url = "https://example.com/a.pdf";
        switch (i) {
        case 0: p.file = &g; break;                        /* both sources */
        case 1: p.file_url = NULL; break;                  /* none */
        case 2: p.file_url = ""; break;
        case 3: p.file_url = NULL; g.read = NULL; p.file = &g; break;
        case 4: p.file_url = NULL; g.size = 0; p.file = &g; break;
        case 5: p.file_type = NULL; break;                 /* required on lkeap */
        case 6: p.table_result_type = "2"; break;
        case 7: p.table_result_type = "01"; break;
        case 8: p.result_type = "6"; break;
        case 9: p.result_type = ""; break;
        case 10: p.start_page = 5; p.end_page = 4; break;
        case 11: p.file_type = ""; break;
        case 12: p.file_type = "PDFPDFPDF"; break;
        case 13: p.file_type = "pd f"; break;
        case 14: p.file_url = long_url; break;             /* the body does not fit */
        default: p.file_url = "bad\xffurl"; break;        /* not UTF-8 */
        }
        id.ptr = "x";
        CHECK_EQ_INT(lkd_create(&client, &p, &id), refusals[i].st);
        CHECK(strcmp(lkd_client_arg_error(&client)->name, refusals[i].name) == 0);
        CHECK(id.ptr == NULL || i >= 5);
    }
    CHECK_EQ_INT(tl.connects, 0);
    /* A document over the service's limits: refused before anything is sent. */
    lkd_create_default(&p);
    p.file_type = "PDF";
    f = source(10, 0);
    f.size = 6u * 1024u * 1024u + 1u; /* 8 MiB + 4/3 of a byte in base64 */
    p.file = &f;
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_PAYLOAD_TOO_LARGE);
    CHECK_EQ_INT(reads, 0);
    CHECK_EQ_INT(tl.connects, 0);
}

static void test_create_url(void)
{
    lkd_create_t p;
    lkd_span_t id;
    fresh();
    lkd_create_default(&p);
    p.file_type = "pdf";
    p.file_url = "https://example.com/a.pdf";
    p.start_page = 2;
    p.end_page = 10;
    p.table_result_type = "1";
    p.result_type = "5";
    p.ignore_failed_page = 1;
    p.return_page_format = 0;
    p.page_format = "A4";
    tl_push_json(create_json, NULL);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
    CHECK_SPAN(id.ptr, id.len, "task-42");
    CHECK(id.ptr == client.internal.task_id);
    CHECK(tl_req_has(0, "X-TC-Action: CreateReconstructDocumentFlow\r\n"));
    CHECK(strcmp(body_of(0), "{\"FileType\":\"PDF\",\"FileUrl\":\"https://example.com/a.pdf\","
                             "\"FileStartPageNumber\":2,\"FileEndPageNumber\":10,"
                             "\"Config\":{\"TableResultType\":\"1\",\"ResultType\":\"5\","
                             "\"IgnoreFailedPage\":true,\"ReturnPageFormat\":false,\"PageFormat\":\"A4\"}}") == 0);
    /* The other values of the flags, no FileType (lke), one page bound. */
    lkd_client_free(&client);
    tl_reset();
    tl_port(&port);
    settings.service = "lke";
    CHECK_EQ_INT(lkd_client_init(&client, &settings, &port), LKD_OK);
    CHECK_EQ_INT(lkd_client_add_ca(&client, (const uint8_t *)test_ca_pem, sizeof test_ca_pem), LKD_OK);
    lkd_create_default(&p);
    p.file_url = "https://example.com/a.pdf";
    p.end_page = 3;
    p.ignore_failed_page = 0;
    p.return_page_format = 1;
    tl_push_json(create_json, NULL);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
    CHECK(strcmp(body_of(0), "{\"FileUrl\":\"https://example.com/a.pdf\",\"FileEndPageNumber\":3,"
                             "\"Config\":{\"TableResultType\":\"0\",\"ResultType\":\"0\","
                             "\"IgnoreFailedPage\":false,\"ReturnPageFormat\":true}}") == 0);
    /* Complete 200 answers that carry no usable TaskId: the service answered,
     * so the task may exist, but its id is unknown: never sent again. */
    tl_push_json("{\"Response\":{\"RequestId\":\"r\"}}", NULL);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_OUTCOME_UNKNOWN);
    {
        static char json[400];
        char long_id[200];
        memset(long_id, 't', sizeof long_id - 1);
        long_id[sizeof long_id - 1] = '\0';
        snprintf(json, sizeof json, "{\"Response\":{\"TaskId\":\"%s\",\"RequestId\":\"r\"}}", long_id);
        tl_push_json(json, NULL);
        CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_OUTCOME_UNKNOWN);
        tl_push_json("{\"Response\":{\"TaskId\":\"a\\u0000b\",\"RequestId\":\"r\"}}", NULL);
        CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_OUTCOME_UNKNOWN);
    }
    CHECK(id.ptr == NULL);
    CHECK_EQ_INT(tl.nreqs, 4);
    CHECK_EQ_INT(tl.unexpected, 0);
    settings.service = "lkeap";
}

/* A client of the loop on a profile's settings (its service and caps). */
static void fresh_profile(lkd_profile_t profile)
{
    lkd_settings_t d;
    lkd_client_free(&client);
    tl_reset();
    tl_port(&port);
    lkd_settings_default(&d, profile);
    settings.service = d.service;
    settings.caps = d.caps;
    CHECK_EQ_INT(lkd_client_init(&client, &settings, &port), LKD_OK);
    CHECK_EQ_INT(lkd_client_add_ca(&client, (const uint8_t *)test_ca_pem, sizeof test_ca_pem), LKD_OK);
}

/* What a profile lacks is refused before anything connects; the refusal
 * names the parameter and says which profile has it. */
static void test_capabilities(void)
{
    static const lkd_profile_t lacking[] = {LKD_PROFILE_LKE, LKD_PROFILE_LKEAP_INTL};
    lkd_create_t p;
    lkd_span_t id;
    size_t i, k;
    for (i = 0; i < 2; i++) {
        fresh_profile(lacking[i]);
        for (k = 0; k < 3; k++) {
            lkd_create_default(&p);
            p.file_type = "PDF";
            p.file_url = "https://example.com/a.pdf";
            p.ignore_failed_page = k == 0 ? 0 : -1;
            p.return_page_format = k == 1 ? 1 : -1;
            p.page_format = k == 2 ? "A4" : NULL;
            tl_push_json(create_json, NULL);
            CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_ARG_CONFLICT);
            CHECK(strcmp(lkd_client_arg_error(&client)->name,
                         k == 0 ? "params.ignore_failed_page"
                                : k == 1 ? "params.return_page_format" : "params.page_format") == 0);
            CHECK(strcmp(lkd_client_arg_error(&client)->rule, "is not in settings.caps") == 0);
        }
        CHECK_EQ_INT(lkd_cancel_task(&client, "t", 1), LKD_ERR_ARG_CONFLICT);
        CHECK(strcmp(lkd_client_arg_error(&client)->name, "settings.caps") == 0);
        CHECK(strstr(lkd_client_arg_error(&client)->rule, "LKD_CAP_CANCEL_TASK") != NULL);
        CHECK_EQ_INT(tl.connects, 0);
        CHECK_EQ_INT(tl.nreqs, 0);
    }
    /* An application's own endpoint that states the capability gets it sent. */
    settings.caps = LKD_CAP_PAGE_FORMAT;
    lkd_client_free(&client);
    tl_reset();
    CHECK_EQ_INT(lkd_client_init(&client, &settings, &port), LKD_OK);
    CHECK_EQ_INT(lkd_client_add_ca(&client, (const uint8_t *)test_ca_pem, sizeof test_ca_pem), LKD_OK);
    lkd_create_default(&p);
    p.file_type = "PDF";
    p.file_url = "https://example.com/a.pdf";
    p.page_format = "A4";
    tl_push_json(create_json, NULL);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
    CHECK(strstr(body_of(0), ",\"PageFormat\":\"A4\"}}") != NULL);
    fresh_profile(LKD_PROFILE_LKEAP);
}

/* lke stops at page 100 without an end: the whole range is sent instead;
 * elsewhere nothing is added. */
static void test_page_range(void)
{
    static const struct {
        lkd_profile_t profile;
        uint32_t start, end;
        const char *sent; /* the body between FileUrl and Config */
    } cases[] = {
        {LKD_PROFILE_LKE, 0, 0, ",\"FileStartPageNumber\":1,\"FileEndPageNumber\":1000,"},
        {LKD_PROFILE_LKE, 7, 0, ",\"FileStartPageNumber\":7,\"FileEndPageNumber\":1006,"},
        {LKD_PROFILE_LKE, 0, 150, ",\"FileEndPageNumber\":150,"},
        {LKD_PROFILE_LKE, 3, 4, ",\"FileStartPageNumber\":3,\"FileEndPageNumber\":4,"},
        {LKD_PROFILE_LKEAP, 0, 0, ","},
        {LKD_PROFILE_LKEAP_INTL, 0, 0, ","},
        {LKD_PROFILE_LKEAP, 7, 0, ",\"FileStartPageNumber\":7,"},
    };
    char want[300];
    lkd_create_t p;
    lkd_span_t id;
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fresh_profile(cases[i].profile);
        lkd_create_default(&p);
        p.file_type = "PDF";
        p.file_url = "https://example.com/a.pdf";
        p.start_page = cases[i].start;
        p.end_page = cases[i].end;
        tl_push_json(create_json, NULL);
        CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
        snprintf(want, sizeof want, "{\"FileType\":\"PDF\",\"FileUrl\":\"https://example.com/a.pdf\"%s"
                 "\"Config\":{\"TableResultType\":\"0\",\"ResultType\":\"0\"}}", cases[i].sent);
        CHECK(strcmp(body_of(0), want) == 0);
    }
    /* Where lke's range is added, a start no end can follow is refused, not
     * wrapped; elsewhere nothing is added and it is sent as given. */
    fresh_profile(LKD_PROFILE_LKE);
    p.start_page = 0xFFFFFFFFu;
    p.end_page = 0;
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_ARG_RANGE);
    CHECK(strcmp(lkd_client_arg_error(&client)->name, "params.start_page") == 0);
    p.start_page = 0xFFFFFFFFu - (LKD_CREATE_MAX_PAGES - 1); /* the last start that leaves room */
    tl_push_json(create_json, NULL);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
    CHECK(strstr(body_of(0), ",\"FileStartPageNumber\":4294966296,\"FileEndPageNumber\":4294967295,") != NULL);
    for (i = LKD_PROFILE_LKEAP; i <= LKD_PROFILE_LKEAP_INTL; i++) {
        fresh_profile((lkd_profile_t)i);
        p.start_page = 0xFFFFFFFFu;
        p.end_page = 0;
        tl_push_json(create_json, NULL);
        CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
        CHECK(strstr(body_of(0), ",\"FileStartPageNumber\":4294967295,\"Config\"") != NULL);
    }
    /* At most LKD_CREATE_MAX_PAGES pages, on every profile: one more is
     * refused before anything connects. */
    for (i = LKD_PROFILE_LKE; i <= LKD_PROFILE_LKEAP_INTL; i++) {
        static const struct {
            uint32_t start, end;
            lkd_status_t st;
        } ranges[] = {
            {0, 1000, LKD_OK},           {1, 1000, LKD_OK},           {7, 1006, LKD_OK},
            {0xFFFFFC18u, 0xFFFFFFFFu, LKD_OK},                        {0xFFFFFFFFu, 0xFFFFFFFFu, LKD_OK},
            {0, 1001, LKD_ERR_ARG_RANGE}, {1, 1001, LKD_ERR_ARG_RANGE}, {7, 1007, LKD_ERR_ARG_RANGE},
            {1, 5000, LKD_ERR_ARG_RANGE}, {0xFFFFFC17u, 0xFFFFFFFFu, LKD_ERR_ARG_RANGE},
            {1, 0xFFFFFFFFu, LKD_ERR_ARG_RANGE},
        };
        size_t k;
        fresh_profile((lkd_profile_t)i);
        for (k = 0; k < sizeof ranges / sizeof ranges[0]; k++) {
            p.start_page = ranges[k].start;
            p.end_page = ranges[k].end;
            if (ranges[k].st == LKD_OK) {
                tl_push_json(create_json, NULL);
            }
            CHECK_EQ_INT(lkd_create(&client, &p, &id), ranges[k].st);
            if (ranges[k].st != LKD_OK) {
                CHECK(strcmp(lkd_client_arg_error(&client)->name, "params.end_page") == 0);
            }
        }
        CHECK_EQ_INT(tl.nreqs, 5);
        CHECK_EQ_INT(tl.connects, 5); /* each Create its own; the refused ones none */
    }
    fresh_profile(LKD_PROFILE_LKEAP);
}

/* The request buffer holds a FileUrl Create's headers and JSON body: with
 * the defaults (lke's host, to which its page range is added, a SecretId of
 * the 36 bytes the service issues, FileType PDF, Config's two keys, no token
 * or language) the longest FileUrl the README states fits, and one byte more
 * is LKD_ERR_BUFFER_TOO_SMALL before anything connects. */
#define LONGEST_FILE_URL 1408u
static void test_longest_file_url(void)
{
    static char url[LONGEST_FILE_URL + 2];
    lkd_settings_t s;
    lkd_create_t p;
    lkd_span_t id;
    size_t n;
    for (n = LONGEST_FILE_URL; n <= LONGEST_FILE_URL + 1; n++) {
        lkd_client_free(&client);
        tl_reset();
        tl_port(&port);
        lkd_settings_default(&s, LKD_PROFILE_LKE);
        s.secret_id = "AKIDLKEDOCMOCK0000000000000000000000";
        s.secret_key = "longest-url-key";
        CHECK_EQ_INT(lkd_client_init(&client, &s, &port), LKD_OK);
        CHECK_EQ_INT(lkd_client_add_ca(&client, (const uint8_t *)test_ca_pem, sizeof test_ca_pem), LKD_OK);
        lkd_create_default(&p);
        p.file_type = "PDF";
        memset(url, 'a', n);
        memcpy(url, "https://docs.example.com/", 25);
        memcpy(url + n - 4, ".pdf", 5);
        p.file_url = url;
        /* The loop's certificate names api.test, not lke's host: a request
         * that fits is written and then connects, which is all this asks. */
        if (n == LONGEST_FILE_URL) {
            CHECK(lkd_create(&client, &p, &id) != LKD_ERR_BUFFER_TOO_SMALL);
            CHECK_EQ_INT(tl.connects, 1);
            CHECK(strcmp(tl.last_connect_host, "lke.intl.tencentcloudapi.com") == 0);
        } else {
            CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_BUFFER_TOO_SMALL);
            CHECK_EQ_INT(tl.connects, 0);
        }
    }
    fresh();
}

/* FileBase64 takes seven types; any other is refused before the file is
 * read, and the refusal points at FileUrl.  By URL any type goes. */
static void test_base64_types(void)
{
    static const char *const ok[] = {"png", "JPG", "jpeg", "PDF", "gif", "bmp", "TIFF"};
    static const char *const refused[] = {"DOCX", "TXT", "JPE", "TIF", "HEIC", "PDFA"};
    lkd_file_source_t f;
    lkd_create_t p;
    lkd_span_t id;
    size_t i;
    fresh_profile(LKD_PROFILE_LKEAP);
    f = source(30, 0);
    for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        lkd_create_default(&p);
        p.file_type = refused[i];
        p.file = &f;
        reads = 0;
        CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_ARG_RANGE);
        CHECK(strcmp(lkd_client_arg_error(&client)->name, "params.file_type") == 0);
        CHECK(strstr(lkd_client_arg_error(&client)->rule, "LKD_FILE_BASE64_TYPES") != NULL);
        CHECK(strstr(lkd_client_arg_error(&client)->rule, "file_url") != NULL);
        CHECK_EQ_INT(reads, 0);
        p.file = NULL;
        p.file_url = "https://example.com/a.docx";
        tl_push_json(create_json, NULL);
        CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
    }
    CHECK_EQ_INT(tl.nreqs, sizeof refused / sizeof refused[0]);
    for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        lkd_create_default(&p);
        p.file_type = ok[i];
        p.file = &f;
        tl_push_json(create_json, NULL);
        CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
    }
}

static void test_create_file(void)
{
    lkd_create_t p;
    lkd_span_t id;
    lkd_file_source_t f;
    static char expect[100000];
    size_t n = 2500, pos;
    fresh();
    f = source(n, 0);
    read_max = 100; /* short reads are looped over */
    lkd_create_default(&p);
    p.file_type = "png";
    p.file = &f;
    tl_push_json(create_json, NULL);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
    CHECK_SPAN(id.ptr, id.len, "task-42");
    pos = (size_t)snprintf(expect, sizeof expect, "{\"FileType\":\"PNG\",\"FileBase64\":\"");
    lkd_base64_encode(doc, n, expect + pos);
    pos += (size_t)lkd_base64_len(n);
    snprintf(expect + pos, sizeof expect - pos, "\",\"Config\":{\"TableResultType\":\"0\",\"ResultType\":\"0\"}}");
    CHECK(strcmp(body_of(0), expect) == 0);
    CHECK(!tl_req_has(0, "UNSIGNED-PAYLOAD"));
    /* Read twice: once to hash, once to send. */
    CHECK(reads >= 2 * (n / 100));

    /* A read-once source: signed as UNSIGNED-PAYLOAD and read once. */
    fresh();
    f = source(n, 1);
    p.file = &f;
    tl_push_json(create_json, NULL);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
    CHECK(tl_req_has(0, "X-TC-Content-SHA256: UNSIGNED-PAYLOAD\r\n"));
    CHECK(strcmp(body_of(0), expect) == 0);
    CHECK_EQ_INT(reads, (n + 875) / 876);
    /* ... and never sent twice, even after an answer that proves it was
     * not processed. */
    fresh();
    f = source(n, 1);
    tl_push_http(429, "", "", 0, TL_KEEP);
    tl_push_json(create_json, NULL);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_HTTP_STATUS);
    CHECK_EQ_INT(tl.nreqs, 1);
    fresh();
    f = source(n, 1);
    tl_push_http(503, "", "", 0, TL_KEEP);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_OUTCOME_UNKNOWN);
    CHECK_EQ_INT(tl.nreqs, 1);

    /* The source failing or ending early. */
    fresh();
    f = source(n, 0);
    read_fail = LKD_ERR_NOT_PROVIDED;
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_NOT_PROVIDED);
    f = source(n, 0);
    read_short = 1;
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_ARG_RANGE);
    CHECK_EQ_INT(tl.connects, 0); /* found out while hashing, before connecting */
    f = source(n, 1);
    read_short = 1;
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_ARG_RANGE);
    CHECK_EQ_INT(tl.connects, 1);
    /* A source that claims to have read more than it was asked for. */
    fresh();
    f = source(n, 0);
    read_over = 1;
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_ARG_RANGE);
    CHECK_EQ_INT(tl.connects, 0);

    /* The connection dropping during the upload: right after the request's
     * head, and in the middle of the streamed file.  A request that did not
     * go out whole cannot have been processed: Create is sent again. */
    fresh();
    f = source(n, 0);
    tl.drop_armed = 1;
    tl.drop_after = 1;
    tl.drop_conn = 1;
    tl_push_json(create_json, NULL);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
    CHECK_EQ_INT(tl.connects, 2);
    CHECK_EQ_INT(tl.nreqs, 2);
    CHECK(tl.reqs[0].len < 2000); /* the head only */
    CHECK(tl.reqs[1].len > 3000); /* then the whole request */
    CHECK_EQ_INT(client.internal.retries, 1);
    fresh();
    f = source(60000, 0);
    tl.drop_armed = 1;
    tl.drop_after = 20000;
    tl.drop_conn = 1;
    tl_push_json(create_json, NULL);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
    CHECK_EQ_INT(tl.connects, 2);
    CHECK(tl.reqs[0].len >= 20000 && tl.reqs[0].len < 30000);
    CHECK(tl.reqs[1].len > 80000);
    /* Every connection dropping so: retried until the retries run out, and
     * the failure is the network's (no request went out whole). */
    fresh();
    f = source(60000, 0);
    tl.drop_armed = 1;
    tl.drop_after = 20000;
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_IO);
    CHECK_EQ_INT(tl.connects, 1 + LKD_RETRY_COUNT);
    /* A read-once source cut mid-upload cannot be sent again. */
    fresh();
    f = source(60000, 1);
    tl.drop_armed = 1;
    tl.drop_after = 20000;
    tl.drop_conn = 1;
    tl_push_json(create_json, NULL);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_IO);
    CHECK_EQ_INT(tl.connects, 1);
    CHECK_EQ_INT(tl.unexpected, 0);
}

/* The upload's deadline grows with its body: settings.timeout_ms plus the
 * base64 body at settings.upload_bytes_per_s. */
static void test_create_upload_deadline(void)
{
    lkd_create_t p;
    lkd_span_t id;
    lkd_file_source_t f;
    uint64_t start;
    lkd_create_default(&p);
    p.file_type = "PDF";
    p.file = &f;
    /* 80 000 bytes of base64 over a 10 000 B/s link: about 8 s; the
     * allowance is 58 KiB * 1366 / 10 000 = 7 s (whole seconds). */
    fresh();
    f = source(60000, 0);
    client.internal.settings.timeout_ms = 2000;
    client.internal.settings.upload_bytes_per_s = 10000; /* 2 s + 7 s */
    tl.send_bytes_per_s = 10000;
    tl_push_json(create_json, NULL);
    start = tl.mono;
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
    CHECK(tl.mono - start >= 8000 && tl.mono - start < 9000);
    CHECK_EQ_INT(tl.nreqs, 1);
    /* The default rate, 65536 B/s: 2 s + 1 s, cut mid-upload at that
     * deadline; the request did not go out whole, the time is up: the
     * deadline, not an unknown outcome. */
    fresh();
    f = source(60000, 0);
    CHECK_EQ_INT(client.internal.settings.upload_bytes_per_s, 65536);
    client.internal.settings.timeout_ms = 2000;
    tl.send_bytes_per_s = 10000;
    tl_push_json(create_json, NULL);
    start = tl.mono;
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_TIMEOUT);
    CHECK(tl.mono - start >= 3000 && tl.mono - start < 3500);
    CHECK_EQ_INT(tl.nreqs, 1);
    CHECK(tl.reqs[0].len < 40000);
    /* 0: the call's timeout alone. */
    fresh();
    f = source(60000, 0);
    client.internal.settings.timeout_ms = 2000;
    client.internal.settings.upload_bytes_per_s = 0;
    tl.send_bytes_per_s = 10000;
    tl_push_json(create_json, NULL);
    start = tl.mono;
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_TIMEOUT);
    CHECK(tl.mono - start >= 2000 && tl.mono - start < 2500);
    /* The grown deadline bounds the wait for the answer too: a server that
     * never answers a whole upload ends the call at it, outcome unknown. */
    fresh();
    f = source(60000, 0);
    client.internal.settings.timeout_ms = 2000;
    client.internal.settings.upload_bytes_per_s = 10000;
    tl_push_raw(NULL, 0, TL_HANG);
    start = tl.mono;
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_OUTCOME_UNKNOWN);
    CHECK_EQ_INT(tl.mono - start, 2000 + 7000);
    CHECK_EQ_INT(tl.nreqs, 1);
    /* A URL source gets no allowance. */
    fresh();
    p.file = NULL;
    p.file_url = "https://example.com/a.pdf";
    client.internal.settings.timeout_ms = 2000;
    tl_push_raw(NULL, 0, TL_HANG);
    start = tl.mono;
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_OUTCOME_UNKNOWN);
    CHECK_EQ_INT(tl.mono - start, 2000);
}

/* Create is repeated only when the service cannot have acted on it. */
static void test_create_not_repeated(void)
{
    lkd_create_t p;
    lkd_span_t id;
    lkd_create_default(&p);
    p.file_type = "PDF";
    p.file_url = "https://example.com/a.pdf";
    /* The answer was lost, cut or not the service's after the whole request
     * went out: the outcome is unknown, and Create is not repeated. */
    fresh();
    tl_push_json(create_json, NULL)->cut = 20;
    tl.steps[0].after = TL_EOF;
    tl_push_json(create_json, NULL);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_OUTCOME_UNKNOWN);
    CHECK_EQ_INT(tl.nreqs, 1);
    CHECK_EQ_INT(client.internal.retries, 0);
    CHECK(id.ptr == NULL);
    fresh();
    tl_push_raw(NULL, 0, TL_RESET);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_OUTCOME_UNKNOWN);
    CHECK_EQ_INT(tl.nreqs, 1);
    fresh();
    tl_push_raw(NULL, 0, TL_CLOSE);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_OUTCOME_UNKNOWN);
    CHECK_EQ_INT(tl.nreqs, 1);
    {
        /* Every 5xx: a gateway's upstream may have created the task. */
        static const int codes[] = {500, 502, 503, 504};
        unsigned i;
        for (i = 0; i < 4; i++) {
            fresh();
            tl_push_http(codes[i], "Retry-After: 1\r\n", "<html>bad gateway</html>", 24, TL_KEEP);
            tl_push_json(create_json, NULL);
            CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_OUTCOME_UNKNOWN);
            CHECK_EQ_INT(tl.nreqs, 1);
            CHECK_EQ_INT(client.internal.http_status, codes[i]);
            CHECK_EQ_INT(tl.sleeps, 0);
        }
    }
    /* A timeout once the request was sent whole. */
    fresh();
    {
        uint64_t start = tl.mono;
        tl_push_raw(NULL, 0, TL_HANG);
        CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_OUTCOME_UNKNOWN);
        CHECK_EQ_INT(tl.mono, start + settings.timeout_ms);
        CHECK_EQ_INT(tl.nreqs, 1);
    }
    /* A TLS failure once the request went out whole (a fatal alert instead
     * of the answer); GetReconstructDocumentResult meets the same alert on
     * the established connection, which is no refusal of the handshake's
     * parameters: it is retried, and the next answer taken. */
    fresh();
    tl_push_json(create_json, NULL)->fatal_alert = 1;
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_OUTCOME_UNKNOWN);
    CHECK_EQ_INT(client.internal.tls.last_mbedtls_error, MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE);
    CHECK_EQ_INT(tl.nreqs, 1);
    {
        lkd_client_tls_detail_t d;
        CHECK_EQ_INT(lkd_client_tls_detail(&client, &d), LKD_OK);
        CHECK(d.alert == 80 && d.refused == 0 && d.policy != NULL &&
              strcmp(d.policy, "the server ended the established connection with the TLS alert internal_error") == 0);
    }
    fresh();
    tl_push_json(processing_json, NULL)->fatal_alert = 1;
    tl_push_json(processing_json, NULL);
    {
        lkd_result_t r;
        CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
        CHECK_EQ_INT(tl.nreqs, 2);
    }
    /* A 200 answer too large for the buffer. */
    fresh();
    {
        static char big[LKD_RESPONSE_BUFFER_SIZE + 10];
        memset(big, ' ', sizeof big);
        tl_push_http(200, "", big, sizeof big, TL_KEEP);
        CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_OUTCOME_UNKNOWN);
        CHECK_EQ_INT(tl.nreqs, 1);
    }
    /* A complete answer that settles it: an API error (nothing was created,
     * not retried unless RETRYABLE), a gateway's 4xx other than 429. */
    fresh();
    tl_push_api_error("InternalError");
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_API);
    CHECK_EQ_INT(tl.nreqs, 1);
    tl_push_http(404, "", "", 0, TL_KEEP);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_HTTP_STATUS);
    CHECK_EQ_INT(tl.nreqs, 2);
    /* 429 proves it was not processed: repeated, one task. */
    fresh();
    tl_push_http(429, "", "", 0, TL_KEEP);
    tl_push_api_error("RequestLimitExceeded");
    tl_push_json(create_json, NULL);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
    CHECK_EQ_INT(tl.nreqs, 3);
    CHECK_EQ_INT(client.internal.retries, 2);
    CHECK_SPAN(id.ptr, id.len, "task-42");
    CHECK_EQ_INT(tl.unexpected, 0);
    /* Nothing was sent (connect failed), or the service refused it: repeated. */
    fresh();
    tl_push_connect_failure(LKD_ERR_CONNECT);
    tl_push_api_error("RequestLimitExceeded.UinLimitExceeded");
    tl_push_json(create_json, NULL);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
    CHECK_EQ_INT(tl.nreqs, 2);
    CHECK_EQ_INT(client.internal.retries, 2);
    /* A kept-alive connection the server had closed while idle: a Create
     * opens its own, so the request goes out once, on the new one. */
    tl_push_json(create_json, NULL);
    (void)mbedtls_ssl_close_notify(&tl.ssl);
    tl.eof = 1;
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
    CHECK_EQ_INT(tl.nreqs, 3);
    CHECK(tl.reqs[2].conn != tl.reqs[1].conn);
    CHECK_EQ_INT(client.internal.retries, 2);
    /* ... and every attempt does: after answers whose connections the server
     * closed (the close_notify already waiting), each repetition is sent
     * once, on a connection of its own, and the third succeeds. */
    fresh();
    tl_push_api_error("RequestLimitExceeded")->after = TL_CLOSE;
    tl_push_api_error("RequestLimitExceeded")->after = TL_CLOSE;
    tl_push_json(create_json, NULL);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
    CHECK_EQ_INT(tl.nreqs, 3);
    CHECK_EQ_INT(tl.connects, 3);
    CHECK_EQ_INT(client.internal.requests_sent, 3);
    CHECK_EQ_INT(tl.unexpected, 0);
}

/* A Create after a call that kept its connection: the server may have
 * created the task and dropped the connection (a reset, or EOF without
 * close_notify) before any answer byte.  The Create went out once, on a
 * connection of its own, so that is an unknown outcome, not a stale
 * connection to retry on: one Create at the server. */
static void test_create_after_a_kept_connection(void)
{
    static const tl_after_t drops[] = {TL_RESET, TL_EOF};
    lkd_create_t p;
    lkd_span_t id;
    lkd_result_t r;
    unsigned i, k, creates;
    lkd_create_default(&p);
    p.file_type = "PDF";
    p.file_url = "https://example.com/a.pdf";
    for (i = 0; i < 2; i++) {
        fresh();
        tl_push_json(processing_json, NULL);
        CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
        CHECK(client.internal.tls.open); /* kept alive */
        tl_push_raw(NULL, 0, drops[i]);
        tl_push_json(create_json, NULL);
        CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_OUTCOME_UNKNOWN);
        for (k = 0, creates = 0; k < tl.nreqs; k++) {
            creates += tl_req_has(k, "CreateReconstructDocumentFlow") ? 1u : 0u;
        }
        CHECK_EQ_INT(creates, 1);
        CHECK_EQ_INT(tl.nreqs, 2);
        CHECK(tl.reqs[1].conn != tl.reqs[0].conn);
        CHECK_EQ_INT(client.internal.retries, 0);
    }
}

/* A status line of 300..499 settles a Create whose answer was then cut:
 * a 429 is retried as a 429, another 4xx is that status; a cut 5xx or 200
 * stays unknown. */
static void test_create_cut_after_its_status(void)
{
    lkd_create_t p;
    lkd_span_t id;
    lkd_create_default(&p);
    p.file_type = "PDF";
    p.file_url = "https://example.com/a.pdf";
    fresh();
    tl_push_http(429, "Retry-After: 2\r\n", "{\"too\":\"many\"}", 14, TL_EOF)->cut = 60;
    tl_push_json(create_json, NULL);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
    CHECK_EQ_INT(tl.nreqs, 2);
    CHECK_EQ_INT(client.internal.retries, 1);
    CHECK(tl.slept_ms >= 2000);
    CHECK_SPAN(id.ptr, id.len, "task-42");
    /* Cut in its head (the status line whole), with a reset. */
    fresh();
    tl_push_http(404, "", "not found", 9, TL_RESET)->cut = 17;
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_HTTP_STATUS);
    CHECK_EQ_INT(client.internal.http_status, 404);
    CHECK_EQ_INT(tl.nreqs, 1);
    fresh();
    tl_push_http(502, "", "<html>bad gateway</html>", 24, TL_EOF)->cut = 50;
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_OUTCOME_UNKNOWN);
    CHECK_EQ_INT(tl.nreqs, 1);
    /* A complete 2xx other than 200 may mean the task was accepted. */
    fresh();
    tl_push_http(202, "", "", 0, TL_KEEP);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_OUTCOME_UNKNOWN);
    CHECK_EQ_INT(tl.nreqs, 1);
    /* GetReconstructDocumentResult: a cut 404 is the 404, not retried. */
    fresh();
    tl_push_http(404, "", "not found", 9, TL_EOF)->cut = 20;
    {
        lkd_result_t r;
        CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_ERR_HTTP_STATUS);
        CHECK_EQ_INT(client.internal.http_status, 404);
        CHECK_EQ_INT(tl.nreqs, 1);
    }
    fresh();
    {
        static const char interim[] = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 4";
        tl_push_raw(interim, sizeof interim - 1, TL_EOF);
    }
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_OUTCOME_UNKNOWN);
    CHECK_EQ_INT(tl.nreqs, 1);
}

/* ---- wait ------------------------------------------------------------------------- */

static unsigned progress_calls;
static uint32_t progress_polls;
static void on_progress(void *user, const lkd_result_t *r, uint32_t elapsed_ms, uint32_t polls)
{
    (void)user; (void)r; (void)elapsed_ms;
    progress_calls++;
    progress_polls = polls;
}

static void test_wait(void)
{
    lkd_wait_options_t o;
    lkd_result_t r;
    uint64_t start;
    fresh();
    lkd_wait_options_default(&o);
    lkd_wait_options_default(NULL);
    o.progress = on_progress;
    progress_calls = 0;
    tl_push_json(processing_json, NULL);
    tl_push_json(processing_json, NULL);
    tl_push_json(success_json, NULL);
    CHECK_EQ_INT(lkd_wait(&client, "task-42", 7, &o, &r), LKD_OK);
    CHECK_EQ_INT(r.status, LKD_TASK_SUCCESS);
    CHECK_SPAN(r.result_url.ptr, r.result_url.len, "https://dl.test/r.zip?sig=1");
    CHECK_EQ_INT(progress_calls, 3);
    CHECK_EQ_INT(progress_polls, 3);
    CHECK_EQ_INT(tl.sleeps, 2);
    /* 1000 +-20 %, then 1500 +-20 % */
    CHECK(tl.slept_ms >= 800 + 1200 && tl.slept_ms <= 1200 + 1800);
    CHECK_EQ_INT(tl.connects, 1); /* one kept-alive connection */
    CHECK(tl_req_has(2, "{\"TaskId\":\"task-42\"}"));

    /* The task failed, or is paused. */
    tl_push_json(failed_json, NULL);
    CHECK_EQ_INT(lkd_wait(&client, "task-42", 7, NULL, &r), LKD_ERR_TASK_FAILED);
    CHECK_EQ_INT(r.failed_pages_total, 1);
    tl_push_json("{\"Response\":{\"Status\":\"Pause\",\"RequestId\":\"r\"}}", NULL);
    CHECK_EQ_INT(lkd_wait(&client, "task-42", 7, NULL, &r), LKD_ERR_TASK_PAUSED);
    /* A poll's own error ends the wait. */
    tl_push_api_error("ResourceNotFound.TaskNotExist");
    CHECK_EQ_INT(lkd_wait(&client, "task-42", 7, NULL, &r), LKD_ERR_API);

    /* Still running at the deadline: the whole wait is used, then TIMEOUT. */
    fresh();
    lkd_wait_options_default(&o);
    o.timeout_ms = 5000;
    o.first_interval_ms = 1000;
    o.max_interval_ms = 1000;
    {
        int i;
        for (i = 0; i < 10; i++) {
            tl_push_json(processing_json, NULL);
        }
    }
    start = tl.mono;
    CHECK_EQ_INT(lkd_wait(&client, "task-42", 7, &o, &r), LKD_ERR_TIMEOUT);
    CHECK_EQ_INT(tl.mono, start + 5000);
    CHECK_EQ_INT(r.status, LKD_TASK_PROCESSING);
    CHECK(tl.nreqs >= 4 && tl.nreqs <= 6);

    /* Arguments. */
    lkd_wait_options_default(&o);
    CHECK_EQ_INT(lkd_wait(&client, "t", 1, &o, NULL), LKD_ERR_ARG_NULL);
    o.timeout_ms = 0;
    CHECK_EQ_INT(lkd_wait(&client, "t", 1, &o, &r), LKD_ERR_ARG_RANGE);
    lkd_wait_options_default(&o);
    o.first_interval_ms = 0;
    CHECK_EQ_INT(lkd_wait(&client, "t", 1, &o, &r), LKD_ERR_ARG_RANGE);
    lkd_wait_options_default(&o);
    o.max_interval_ms = 10;
    CHECK_EQ_INT(lkd_wait(&client, "t", 1, &o, &r), LKD_ERR_ARG_CONFLICT);
    CHECK_EQ_INT(lkd_wait(NULL, "t", 1, NULL, &r), LKD_ERR_STATE);
    CHECK_EQ_INT(lkd_wait(&client, NULL, 1, NULL, &r), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_wait(&client, "t", 0, NULL, &r), LKD_ERR_ARG_EMPTY);
}

/* ---- download ---------------------------------------------------------------------- */

static uint8_t archive[3000];
static uint8_t got_bytes[10000];
static size_t got_len;
static lkd_status_t sink_status;
static unsigned progress_dl;
static uint64_t progress_total;

static lkd_status_t sink(void *user, const uint8_t *data, size_t len)
{
    (void)user;
    if (sink_status != LKD_OK) {
        return sink_status;
    }
    if (len <= sizeof got_bytes - got_len) {
        memcpy(got_bytes + got_len, data, len);
    }
    got_len += len;
    return LKD_OK;
}

static void on_download(void *user, uint64_t done, uint64_t total)
{
    (void)user; (void)done;
    progress_dl++;
    progress_total = total;
}

static void dl_options(lkd_download_options_t *o, int with_url)
{
    size_t i;
    for (i = 0; i < sizeof archive; i++) {
        archive[i] = (uint8_t)(i * 31u + 7u);
    }
    lkd_download_options_default(o);
    lkd_download_options_default(NULL);
    o->sink = sink;
    o->progress = on_download;
    if (with_url) {
        o->url.ptr = "https://dl.test/r.zip?sig=1";
        o->url.len = strlen(o->url.ptr);
    }
    got_len = 0;
    sink_status = LKD_OK;
    progress_dl = 0;
    progress_total = 0;
}

/* 200 with the whole archive (or its first `cut` body bytes, then `after`). */
static void push_archive(size_t cut, tl_after_t after)
{
    tl_step_t *s = tl_push_http(200, "Content-Type: application/zip\r\n", (const char *)archive, sizeof archive,
                                cut ? after : TL_KEEP);
    if (cut > 0) {
        s->cut = s->answer_len - sizeof archive + cut;
    }
}

/* An answer with no length (the body ends with the connection): the head
 * line and headers, the first n archive bytes, then `after`. */
static void push_until_close(const char *head, size_t n, tl_after_t after)
{
    size_t h = strlen(head);
    char *p = tl_alloc(h + n);
    memcpy(p, head, h);
    memcpy(p + h, archive, n);
    tl_push_raw(p, h + n, after);
}

/* 206 for archive[from..to] with the given Content-Range text (NULL: the right one). */
static void push_range(size_t from, size_t to, const char *range)
{
    char h[128];
    if (range == NULL) {
        snprintf(h, sizeof h, "Content-Range: bytes %zu-%zu/%zu\r\n", from, to, sizeof archive);
    } else {
        snprintf(h, sizeof h, "Content-Range: %s\r\n", range);
    }
    tl_push_http(206, h, (const char *)archive + from, to + 1 - from, TL_KEEP);
}

static int got_archive(void)
{
    return got_len == sizeof archive && memcmp(got_bytes, archive, sizeof archive) == 0;
}

static void test_download(void)
{
    lkd_download_options_t o;
    uint64_t bytes = 0;
    unsigned i;
    char v[64];
    /* The URL from GetReconstructDocumentResult, then the GET on its host. */
    fresh();
    dl_options(&o, 0);
    tl_push_json(success_json, NULL);
    push_archive(0, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "task-42", 7, &o, &bytes), LKD_OK);
    CHECK_EQ_INT(bytes, sizeof archive);
    CHECK(got_archive());
    CHECK_EQ_INT(tl.connects, 2);
    CHECK(strcmp(tl.reqs[1].host, "dl.test") == 0);
    CHECK(tl_req_has(1, "GET /r.zip?sig=1 HTTP/1.1\r\nHost: dl.test\r\n"));
    CHECK(!tl_req_has(1, "Range:"));
    CHECK(progress_dl >= 1);
    CHECK_EQ_INT(progress_total, sizeof archive);

    /* Dropped twice mid-body: resumed with Range from the last byte delivered,
     * the server first answering 206, then ignoring the Range (200). */
    fresh();
    dl_options(&o, 1);
    push_archive(1000, TL_EOF);
    push_range(1000, 1999, NULL); /* a part: the rest is asked for */
    tl_push_http(206, "Content-Range: bytes 2000-2999/3000\r\n", (const char *)archive + 2000, 1000, TL_RESET)->cut =
        80; /* headers and a few bytes, then a reset */
    push_archive(0, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "task-42", 7, &o, &bytes), LKD_OK);
    CHECK(got_archive());
    CHECK_EQ_INT(tl.nreqs, 4);
    CHECK(strcmp(tl_req_header(1, "Range", v, sizeof v), "bytes=1000-") == 0);
    CHECK(strcmp(tl_req_header(2, "Range", v, sizeof v), "bytes=2000-") == 0);
    CHECK(tl_req_has(3, "Range: bytes="));
    CHECK_EQ_INT(tl.unexpected, 0);

    /* An expired URL (403): one fresh URL from the service, then the archive. */
    fresh();
    dl_options(&o, 1);
    tl_push_http(403, "", "<Error>AccessDenied</Error>", 27, TL_KEEP);
    tl_push_json(success2_json, NULL);
    push_archive(0, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "task-42", 7, &o, &bytes), LKD_OK);
    CHECK(got_archive());
    CHECK(tl_req_has(1, "X-TC-Action: GetReconstructDocumentResult"));
    CHECK(tl_req_has(2, "GET /r.zip?sig=2 "));
    /* ... up to LKD_DOWNLOAD_MAX_URL_REFRESHES times. */
    fresh();
    dl_options(&o, 1);
    for (i = 0; i < LKD_DOWNLOAD_MAX_URL_REFRESHES; i++) {
        tl_push_http(403, "", "", 0, TL_KEEP);
        tl_push_json(success2_json, NULL);
    }
    tl_push_http(403, "", "", 0, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "task-42", 7, &o, &bytes), LKD_ERR_HTTP_STATUS);
    CHECK_EQ_INT(tl.unexpected, 0);
    CHECK_EQ_INT(client.internal.http_status, 403);
    CHECK_EQ_INT(bytes, 0);
    fresh();
    dl_options(&o, 1);
    tl_push_http(404, "", "", 0, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "task-42", 7, &o, NULL), LKD_ERR_HTTP_STATUS);
    CHECK_EQ_INT(client.internal.http_status, 404);

    /* No usable URL from the service. */
    fresh();
    dl_options(&o, 0);
    tl_push_json(processing_json, NULL);
    CHECK_EQ_INT(lkd_download_result(&client, "task-42", 7, &o, &bytes), LKD_ERR_TASK_NOT_READY);
    tl_push_json(failed_json, NULL);
    CHECK_EQ_INT(lkd_download_result(&client, "task-42", 7, &o, &bytes), LKD_ERR_TASK_FAILED);
    tl_push_api_error("InternalError");
    CHECK_EQ_INT(lkd_download_result(&client, "task-42", 7, &o, &bytes), LKD_ERR_API);
    tl_push_json("{\"Response\":{\"Status\":\"Success\",\"DocumentRecognizeResultUrl\":\"http://dl.test/x\","
                 "\"RequestId\":\"r\"}}", NULL);
    CHECK(lkd_download_result(&client, "task-42", 7, &o, &bytes) != LKD_OK);
    CHECK_EQ_INT(tl.connects, 1);

    /* Arguments. */
    dl_options(&o, 1);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, NULL, &bytes), LKD_ERR_ARG_NULL);
    o.sink = NULL;
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_ARG_NULL);
    dl_options(&o, 1);
    o.timeout_ms = 0;
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_ARG_RANGE);
    dl_options(&o, 1);
    CHECK_EQ_INT(lkd_download_result(NULL, "t", 1, &o, &bytes), LKD_ERR_STATE);
    CHECK_EQ_INT(lkd_download_result(&client, "", 0, &o, &bytes), LKD_ERR_ARG_EMPTY);
    o.url.ptr = "http://dl.test/r.zip";
    o.url.len = strlen(o.url.ptr);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_URL_REFUSED);
    CHECK(strcmp(lkd_client_refused_host(&client), "dl.test") == 0);
    CHECK(strcmp(lkd_client_refusal_reason(&client), "scheme is not https") == 0);
    {
        static char url[LKD_RESPONSE_BUFFER_SIZE + 10];
        memcpy(url, "https://", 8);
        memset(url + 8, 'h', 300);
        memcpy(url + 308, "/x", 3);
        o.url.ptr = url;
        o.url.len = 310;
        CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_ARG_TOO_LONG);
        memset(url + 8, 'h', sizeof url - 8);
        o.url.len = sizeof url;
        CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_ARG_TOO_LONG);
    }
    CHECK_EQ_INT(tl.connects, 1);
    /* URLs from the service that the result-host policy refuses: nothing
     * connects to them, and the refusal names the host. */
    {
        size_t i;
        static const char *const refused[][2] = {
            {"https://127.0.0.1/r.zip", "127.0.0.1"},
            {"https://2130706433/r.zip", "2130706433"},
            {"https://[::1]:443/r.zip", "[::1]"},
            {"https://other.example/r.zip", "other.example"},
            {"https://xdl.test/r.zip", "xdl.test"},
            {"http://dl.test/r.zip", "dl.test"},
        };
        for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
            char json[256];
            fresh();
            dl_options(&o, 0);
            snprintf(json, sizeof json,
                     "{\"Response\":{\"Status\":\"Success\",\"DocumentRecognizeResultUrl\":\"%s\",\"RequestId\":\"r\"}}",
                     refused[i][0]);
            tl_push_json(json, NULL);
            CHECK_EQ_INT(lkd_download_result(&client, "task-42", 7, &o, &bytes), LKD_ERR_URL_REFUSED);
            CHECK_EQ_INT(tl.connects, 1);
            CHECK(strcmp(lkd_client_refused_host(&client), refused[i][1]) == 0);
            CHECK(lkd_client_refusal_reason(&client)[0] != '\0');
        }
        /* The next call clears it. */
        tl_push_json("{\"Response\":{\"Status\":\"Processing\",\"RequestId\":\"r\"}}", NULL);
        {
            lkd_result_t r;
            CHECK_EQ_INT(lkd_get_result(&client, "t", 1, &r), LKD_OK);
        }
        CHECK(lkd_client_refused_host(&client)[0] == '\0');
    }
    /* A URL the service called ready but did not give. */
    fresh();
    dl_options(&o, 0);
    tl_push_json("{\"Response\":{\"Status\":\"Success\",\"RequestId\":\"r\"}}", NULL);
    CHECK_EQ_INT(lkd_download_result(&client, "task-42", 7, &o, &bytes), LKD_ERR_TASK_NOT_READY);
    CHECK_EQ_INT(tl.connects, 1);
}

/* The GET itself failing: too long for the request buffer, no connection to
 * the download host, the connection dropping as the request goes out. */
static void test_download_failures(void)
{
    lkd_download_options_t o;
    uint64_t bytes = 0;
    unsigned i;
    static char url[3000];
    fresh();
    dl_options(&o, 1);
    memcpy(url, "https://dl.test/r.zip?sig=", 26);
    memset(url + 26, 'q', sizeof url - 26);
    o.url.ptr = url;
    o.url.len = sizeof url;
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_BUFFER_TOO_SMALL);
    CHECK_EQ_INT(tl.connects, 0);
    /* A URL whose first GET fits but whose resume (a 20-digit Range, the
     * longest ETag kept) would not is refused before anything is fetched:
     * every URL taken can be resumed, up to the last byte of the buffer. */
    {
        lkd_download_state_t st;
        size_t n, last = 0, refused = 0;
        for (n = sizeof client.internal.request - 200u; n < sizeof client.internal.request - 100u; n++) {
            lkd_status_t r;
            fresh();
            dl_options(&o, 1);
            o.url.ptr = url;
            o.url.len = n;
            memset(&st, 0, sizeof st);
            st.delivered = 10000000000000000000ull;
            st.etag_len = LKD_DOWNLOAD_ETAG_SIZE - 1u;
            memset(st.etag, 'e', st.etag_len);
            o.state = &st;
            tl_push_http(404, "", "", 0, TL_KEEP);
            r = lkd_download_result(&client, "t", 1, &o, &bytes);
            if (r == LKD_ERR_BUFFER_TOO_SMALL) {
                refused++;
                CHECK_EQ_INT(tl.connects, 0);
            } else {
                CHECK_EQ_INT(r, LKD_ERR_HTTP_STATUS);
                CHECK(refused == 0 && tl_req_has(0, "If-Match: eee"));
                last = tl.reqs[0].len;
            }
        }
        CHECK(refused > 0);
        CHECK_EQ_INT(last, sizeof client.internal.request);
    }
    fresh();
    dl_options(&o, 1);
    tl_push_connect_failure(LKD_ERR_CONNECT);
    push_archive(0, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK_EQ_INT(tl.connects, 2);
    CHECK(strcmp(tl.last_connect_host, "dl.test") == 0);
    CHECK(got_archive());
    /* An outage of a minute: refused connections, names that do not resolve
     * (a link down), TLS failing half-way: each tried again after a back-off
     * that grows to LKD_RETRY_MAX_MS and stays there, until it ends. */
    fresh();
    dl_options(&o, 1);
    for (i = 0; i < 20; i++) {
        tl_push_connect_failure(i % 3 == 0 ? LKD_ERR_DNS : i % 3 == 1 ? LKD_ERR_CONNECT : LKD_ERR_TLS);
    }
    push_archive(0, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK(got_archive());
    CHECK_EQ_INT(tl.connects, 21);
    CHECK_EQ_INT(tl.sleeps, 20);
    CHECK(tl.slept_ms >= 60000 && tl.slept_ms <= 20u * LKD_RETRY_MAX_MS);
    CHECK_EQ_INT(tl.unexpected, 0);
    /* ... until the deadline, the host named. */
    fresh();
    dl_options(&o, 1);
    o.timeout_ms = 120000;
    for (i = 0; i < 40; i++) {
        tl_push_connect_failure(LKD_ERR_CONNECT);
    }
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_CONNECT);
    CHECK(tl.connects > 14 && tl.connects < 40);
    CHECK(tl.mono <= 1000 + 120000);
    CHECK(strcmp(lkd_client_result_host(&client), "dl.test") == 0);
    CHECK_EQ_INT(bytes, 0);
    fresh();
    dl_options(&o, 1);
    o.timeout_ms = 2000;
    for (i = 0; i < 9; i++) {
        tl_push_connect_failure(LKD_ERR_CONNECT);
    }
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_CONNECT);
    CHECK(tl.connects < 9);
    CHECK(tl.mono <= 1000 + 2000);
    /* A certificate refused is not an outage: never tried again. */
    fresh();
    dl_options(&o, 1);
    tl.cert = TL_CERT_EXPIRED;
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_CERT);
    CHECK_EQ_INT(tl.connects, 1);

    /* Each drop is resumed, until the deadline. */
    fresh();
    dl_options(&o, 1);
    o.timeout_ms = 60000;
    tl.drop_armed = 1;
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_IO);
    CHECK(tl.connects > 9);
    CHECK(tl.mono <= 1000 + 60000);
    CHECK_EQ_INT(tl.nreqs, 0);
    CHECK_EQ_INT(got_len, 0);

    /* A store that stops sending mid-body is dropped after the call timeout
     * without a byte (not the download's deadline) and resumed. */
    fresh();
    dl_options(&o, 1);
    push_archive(1000, TL_HANG);
    push_range(1000, 2999, NULL);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK(got_archive());
    CHECK_EQ_INT(tl.connects, 2);
    CHECK(tl.mono >= 1000 + client.internal.settings.timeout_ms && tl.mono < 1000 + 2u * client.internal.settings.timeout_ms);
    CHECK_EQ_INT(tl.unexpected, 0);

    /* Without a progress callback. */
    fresh();
    dl_options(&o, 1);
    o.progress = NULL;
    push_archive(0, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK(got_archive());
    CHECK_EQ_INT(progress_dl, 0);
}

static void test_download_checks(void)
{
    lkd_download_options_t o;
    uint64_t bytes = 0;
    static const char *const bad_ranges[] = {
        "bytes 1000-2999/4000",     /* another object's total */
        "bytes 900-2999/3000",      /* not where the client asked */
        "bytes */3000",             /* unsatisfiable form */
        "items 1000-2999/3000",
        "bytes 1000-2999",
        "bytes 1000-2999/3000x",
        "bytes 2999-1000/3000",
        "bytes 1000-3000/3000",
        "bytes 1000x2999/3000",
        "bytes 99999999999999999999-2999/3000",
        "bytes",
    };
    size_t i;
    /* Resumed answers that do not fit what the client has. */
    for (i = 0; i < sizeof bad_ranges / sizeof bad_ranges[0]; i++) {
        fresh();
        dl_options(&o, 1);
        push_archive(1000, TL_EOF);
        push_range(1000, 2999, bad_ranges[i]);
        CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_MALFORMED);
        CHECK_EQ_INT(bytes, 1000);
    }
    /* An empty 206 that does not start where the client asked. */
    fresh();
    dl_options(&o, 1);
    push_archive(1000, TL_EOF);
    tl_push_http(206, "Content-Range: bytes 900-2999/3000\r\n", "", 0, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(bytes, 1000);
    /* A 206 without Content-Range, and a 200 of another length. */
    fresh();
    dl_options(&o, 1);
    push_archive(1000, TL_EOF);
    tl_push_http(206, "", (const char *)archive + 1000, 2000, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_MALFORMED);
    fresh();
    dl_options(&o, 1);
    push_archive(1000, TL_EOF);
    tl_push_http(200, "", (const char *)archive, 2000, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_MALFORMED);
    /* More body than the range announced. */
    fresh();
    dl_options(&o, 1);
    tl_push_http(206, "Content-Range: bytes 0-9/10\r\n", (const char *)archive, 20, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_MALFORMED);
    /* The sink says stop. */
    fresh();
    dl_options(&o, 1);
    sink_status = LKD_ERR_NOT_PROVIDED;
    push_archive(0, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_NOT_PROVIDED);
    /* An empty archive, and one whose length comes only from the close. */
    fresh();
    dl_options(&o, 1);
    tl_push_http(200, "", "", 0, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK_EQ_INT(bytes, 0);
    fresh();
    dl_options(&o, 1);
    push_until_close("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", sizeof archive, TL_CLOSE);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK(got_archive());
    CHECK_EQ_INT(progress_total, 0);
    /* The same answer ended by a bare TCP close (no close_notify) is not known
     * to be complete: each attempt is a cut, never LKD_OK. */
    fresh();
    dl_options(&o, 1);
    for (i = 0; i < 10; i++) {
        push_until_close("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", sizeof archive, TL_EOF);
    }
    tl_push_http(404, "", "", 0, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_HTTP_STATUS);
    CHECK_EQ_INT(tl.nreqs, 11);
    CHECK_EQ_INT(bytes, sizeof archive); /* delivered once, never twice */
    CHECK_EQ_INT(tl.unexpected, 0);
    /* A 206 carrying more than the range it names: refused before the extra
     * bytes reach the sink (with a Content-Length that disagrees, and with
     * the body delimited by the close). */
    fresh();
    dl_options(&o, 1);
    tl_push_http(206, "Content-Range: bytes 0-9/3000\r\n", (const char *)archive, 100, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(bytes, 0);
    fresh();
    dl_options(&o, 1);
    push_until_close("HTTP/1.1 206 X\r\nContent-Range: bytes 0-9/3000\r\n\r\n", 11, TL_CLOSE);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_MALFORMED);
    CHECK(bytes <= 10);
    /* A length-less answer cut by a bare close, then a whole answer shorter
     * than what was delivered: a different object, refused. */
    fresh();
    dl_options(&o, 1);
    push_until_close("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", 2000, TL_EOF);
    tl_push_http(200, "", (const char *)archive, 1000, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(bytes, 2000);
    /* Transfer-Encoding with Content-Length: refused, and the connection is
     * not used again (the next GET opens a new one). */
    fresh();
    dl_options(&o, 1);
    tl_push_raw("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n",
                strlen("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n"),
                TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(bytes, 0);
    CHECK(!client.internal.tls.open);
    /* Dropped ten times, each time after some bytes: no pause. */
    fresh();
    dl_options(&o, 1);
    push_archive(100, TL_EOF);
    for (i = 0; i < 10u; i++) {
        char h[128];
        size_t from = 100 + i * 100;
        snprintf(h, sizeof h, "Content-Range: bytes %zu-2999/3000\r\n", from);
        tl_push_http(206, h, (const char *)archive + from, 3000 - from, TL_EOF)->cut =
            strlen("HTTP/1.1 206 X\r\n") + strlen(h) + strlen("Content-Length: 2900\r\n\r\n") + 100;
    }
    push_range(100 * 11u, 2999, NULL);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK_EQ_INT(tl.nreqs, 12);
    CHECK(got_archive());
    CHECK_EQ_INT(tl.slept_ms, 0); /* each retry came after progress: no pause */
    CHECK_EQ_INT(tl.unexpected, 0);
    /* The download's deadline. */
    fresh();
    dl_options(&o, 1);
    o.timeout_ms = 3000;
    tl_push_raw(NULL, 0, TL_HANG);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_TIMEOUT);
    CHECK_EQ_INT(tl.mono, 1000 + 3000);
}

/* ---- integrity and resume ------------------------------------------------------------ */

static unsigned restarts;
static lkd_status_t restart_status;

static lkd_status_t on_restart(void *user)
{
    (void)user;
    restarts++;
    got_len = 0;
    return restart_status;
}

static void test_crc64(void)
{
    static const char check[] = "123456789";
    uint64_t whole, split = 0;
    size_t i;
    CHECK(lkd_crc64(0, check, 9) == 0x995DC9BBDF1939FAull);
    CHECK(lkd_crc64(0, "", 0) == 0);
    CHECK(lkd_crc64(0, NULL, 0) == 0);
    /* Fed in pieces of every size, the CRC is the one of the whole. */
    for (i = 0; i < sizeof archive; i++) {
        archive[i] = (uint8_t)(i * 31u + 7u);
    }
    whole = lkd_crc64(0, archive, sizeof archive);
    for (i = 0; i < sizeof archive; i += 1u + i % 37u) {
        size_t n = 1u + i % 37u;
        split = lkd_crc64(split, archive + i, n < sizeof archive - i ? n : sizeof archive - i);
    }
    CHECK(split == whole);
    CHECK(lkd_crc64(lkd_crc64(0, check, 4), check + 4, 5) == 0x995DC9BBDF1939FAull);
    /* The other table: the same values, in any split, from any alignment. */
    CHECK(lkd_crc64_nibbles(0, check, 9) == 0x995DC9BBDF1939FAull);
    CHECK(lkd_crc64_nibbles(0, archive, sizeof archive) == whole);
    CHECK(lkd_crc64_nibbles(lkd_crc64(0, archive, 1001), archive + 1001, sizeof archive - 1001) == whole);
    for (i = 0; i < 16; i++) {
        CHECK(lkd_crc64(0, archive + i, 100 + i) == lkd_crc64_nibbles(0, archive + i, 100 + i));
    }
    /* Every entry of the eight slices: byte b at position k of a word, the
     * others the init's 0xff, meets slice 7 - k at entry b ^ 0xff. */
    {
        unsigned b, k, bad = 0;
        for (k = 0; k < 8; k++) {
            for (b = 0; b < 256; b++) {
                uint8_t w[8] = {0};
                w[k] = (uint8_t)b;
                bad += lkd_crc64(0, w, 8) != lkd_crc64_nibbles(0, w, 8);
            }
        }
        CHECK_EQ_INT(bad, 0);
    }
}

/* A 200 of the whole archive with these headers (cut after `cut` body bytes when > 0). */
static tl_step_t *push_archive_with(const char *headers, size_t cut)
{
    tl_step_t *s = tl_push_http(200, headers, (const char *)archive, sizeof archive, cut ? TL_EOF : TL_KEEP);
    if (cut > 0) {
        s->cut = s->answer_len - sizeof archive + cut;
    }
    return s;
}

static void test_download_integrity(void)
{
    lkd_download_options_t o;
    lkd_download_state_t st;
    uint64_t bytes = 0, crc;
    char h[256], v[64];
    size_t i;
    static const char *const bad_crc[] = {"", "12a", "-1", "+5", "1 2", "18446744073709551616", "0x10"};
    dl_options(&o, 1);
    crc = lkd_crc64(0, archive, sizeof archive);
    /* The store's CRC-64 matches: verified, and said so in the state. */
    fresh();
    dl_options(&o, 1);
    o.state = &st;
    memset(&st, 0, sizeof st);
    snprintf(h, sizeof h, "ETag: \"abc-3\"\r\nx-cos-hash-crc64ecma: %llu\r\n", (unsigned long long)crc);
    push_archive_with(h, 0);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK(got_archive());
    CHECK(tl_req_has(0, "Accept-Encoding: identity\r\n"));
    CHECK(st.flags & LKD_DOWNLOAD_VERIFIED);
    CHECK(st.crc == crc && st.expected_crc == crc && st.delivered == sizeof archive && st.total == sizeof archive);
    CHECK(st.etag_len == 7 && memcmp(st.etag, "\"abc-3\"", 7) == 0);
    /* One byte corrupted in transit: the same header, another CRC. */
    fresh();
    dl_options(&o, 1);
    archive[1234] ^= 0x10;
    push_archive_with(h, 0);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_INTEGRITY);
    CHECK_EQ_INT(bytes, sizeof archive);
    archive[1234] ^= 0x10;
    /* No header: accepted, not verified. */
    fresh();
    dl_options(&o, 1);
    o.state = &st;
    memset(&st, 0, sizeof st);
    push_archive_with("ETag: \"e\"\r\n", 0);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK(!(st.flags & (LKD_DOWNLOAD_VERIFIED | LKD_DOWNLOAD_HAS_CRC)));
    CHECK(st.crc == crc);
    /* A checksum that is not a plain decimal u64 is a malformed answer. */
    for (i = 0; i < sizeof bad_crc / sizeof bad_crc[0]; i++) {
        fresh();
        dl_options(&o, 1);
        snprintf(h, sizeof h, "x-cos-hash-crc64ecma: %s\r\n", bad_crc[i]);
        push_archive_with(h, 0);
        CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_MALFORMED);
        CHECK_EQ_INT(got_len, 0);
    }
    /* A transfer coding is refused before a byte reaches the sink; identity is fine. */
    fresh();
    dl_options(&o, 1);
    push_archive_with("Content-Encoding: gzip\r\n", 0);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(got_len, 0);
    fresh();
    dl_options(&o, 1);
    push_archive_with("Content-Encoding: Identity\r\n", 0);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    /* A resume sends If-Match with the ETag; the CRC spans both answers. */
    fresh();
    dl_options(&o, 1);
    o.state = &st;
    memset(&st, 0, sizeof st);
    snprintf(h, sizeof h, "ETag: \"abc-3\"\r\nx-cos-hash-crc64ecma: %llu\r\n", (unsigned long long)crc);
    push_archive_with(h, 1000);
    snprintf(h, sizeof h, "ETag: \"abc-3\"\r\nx-cos-hash-crc64ecma: %llu\r\nContent-Range: bytes 1000-2999/3000\r\n",
             (unsigned long long)crc);
    tl_push_http(206, h, (const char *)archive + 1000, 2000, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK(got_archive());
    CHECK(strcmp(tl_req_header(1, "If-Match", v, sizeof v), "\"abc-3\"") == 0);
    CHECK(strcmp(tl_req_header(1, "Range", v, sizeof v), "bytes=1000-") == 0);
    CHECK(st.flags & LKD_DOWNLOAD_VERIFIED);
    /* A resumed answer of another ETag or CRC (If-Match ignored, or no ETag
     * to send) is another object: as a 412, it ends the download without a
     * restart callback and starts it over from byte 0 with one. */
    for (i = 0; i < 4; i++) {
        fresh();
        dl_options(&o, 1);
        o.restart = i < 2 ? NULL : on_restart;
        restarts = 0;
        restart_status = LKD_OK;
        snprintf(h, sizeof h, "%sx-cos-hash-crc64ecma: %llu\r\n", i == 3 ? "" : "ETag: \"abc-3\"\r\n",
                 (unsigned long long)crc);
        push_archive_with(h, 1000);
        snprintf(h, sizeof h, "ETag: \"%s\"\r\nx-cos-hash-crc64ecma: %llu\r\nContent-Range: bytes 1000-2999/3000\r\n",
                 i % 2 == 0 ? "xyz-3" : "abc-3", (unsigned long long)(i % 2 == 0 ? crc : crc + 1u));
        tl_push_http(206, h, (const char *)archive + 1000, 2000, TL_KEEP);
        if (i < 2) {
            CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_HTTP_STATUS);
            CHECK_EQ_INT(client.internal.http_status, 412);
            CHECK_EQ_INT(bytes, 1000);
            continue;
        }
        tl_push_json(success2_json, NULL);
        push_archive_with("ETag: \"new\"\r\n", 0);
        CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
        CHECK_EQ_INT(restarts, 1);
        CHECK(got_archive());
        CHECK(tl_req_has(3, "GET /r.zip?sig=2 ") && !tl_req_has(3, "Range:"));
        CHECK_EQ_INT(tl.unexpected, 0);
    }
    /* An ETag too long to keep, or with bytes a header cannot carry, is not sent back. */
    fresh();
    dl_options(&o, 1);
    memset(v, 'e', sizeof v);
    snprintf(h, sizeof h, "ETag: \"%.*s\"\r\n", (int)LKD_DOWNLOAD_ETAG_SIZE, v);
    push_archive_with(h, 1000);
    push_range(1000, 2999, NULL);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK(!tl_req_has(1, "If-Match"));
    /* 412: the object changed; the sink is told, a fresh URL gives the new one from byte 0. */
    fresh();
    dl_options(&o, 1);
    o.state = &st;
    o.restart = on_restart;
    memset(&st, 0, sizeof st);
    restarts = 0;
    restart_status = LKD_OK;
    push_archive_with("ETag: \"old\"\r\nx-cos-hash-crc64ecma: 1\r\n", 1000);
    tl_push_http(412, "Content-Type: application/xml\r\n", "<Error><Code>PreconditionFailed</Code></Error>", 46,
                 TL_KEEP);
    tl_push_json(success2_json, NULL);
    snprintf(h, sizeof h, "ETag: \"new\"\r\nx-cos-hash-crc64ecma: %llu\r\n", (unsigned long long)crc);
    push_archive_with(h, 0);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK_EQ_INT(restarts, 1);
    CHECK(got_archive());
    CHECK(tl_req_has(3, "GET /r.zip?sig=2 "));
    CHECK(!tl_req_has(3, "Range:") && !tl_req_has(3, "If-Match:"));
    CHECK(st.etag_len == 5 && memcmp(st.etag, "\"new\"", 5) == 0 && (st.flags & LKD_DOWNLOAD_VERIFIED));
    /* ... without a restart callback it ends, 412 said; a failing one ends it with its status. */
    for (i = 0; i < 2; i++) {
        fresh();
        dl_options(&o, 1);
        o.restart = i == 0 ? NULL : on_restart;
        restart_status = LKD_ERR_WRITE;
        push_archive_with("ETag: \"old\"\r\n", 1000);
        tl_push_http(412, "", "", 0, TL_KEEP);
        CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), i == 0 ? LKD_ERR_HTTP_STATUS : LKD_ERR_WRITE);
        CHECK_EQ_INT(client.internal.http_status, 412);
        CHECK_EQ_INT(bytes, 1000);
        CHECK_EQ_INT(tl.unexpected, 0);
    }
    /* An answer cut before its first byte gave nothing to compare with: the
     * next one's ETag and CRC are the archive's. */
    fresh();
    dl_options(&o, 1);
    o.state = &st;
    memset(&st, 0, sizeof st);
    push_archive_with("ETag: \"gone\"\r\nx-cos-hash-crc64ecma: 1\r\n", 0);
    tl.steps[tl.nsteps - 1].cut = tl.steps[tl.nsteps - 1].answer_len - sizeof archive;
    tl.steps[tl.nsteps - 1].after = TL_EOF;
    snprintf(h, sizeof h, "ETag: \"new\"\r\nx-cos-hash-crc64ecma: %llu\r\n", (unsigned long long)crc);
    push_archive_with(h, 0);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK(got_archive() && (st.flags & LKD_DOWNLOAD_VERIFIED));
    CHECK(st.etag_len == 5 && memcmp(st.etag, "\"new\"", 5) == 0);
    CHECK(!tl_req_has(1, "If-Match:") && !tl_req_has(1, "Range:"));
    /* The API's Retry-After (8 s on the answer that gave the URL) is not the
     * store's: a 503 of the store pauses by the back-off alone. */
    fresh();
    dl_options(&o, 0);
    tl_push_http(200, "Content-Type: application/json\r\nRetry-After: 8\r\n", success_json, strlen(success_json),
                 TL_KEEP);
    push_archive(1000, TL_EOF);
    tl_push_http(503, "", "<Error><Code>SlowDown</Code></Error>", 36, TL_KEEP);
    push_range(1000, 2999, NULL);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK(got_archive());
    CHECK(tl.slept_ms >= LKD_RETRY_BASE_MS / 2u && tl.slept_ms <= LKD_RETRY_BASE_MS);
    /* A 416 to a resume: the bytes kept are more than the object holds, so
     * they are not of it: started over as for a 412. */
    fresh();
    dl_options(&o, 1);
    o.state = &st;
    o.restart = on_restart;
    memset(&st, 0, sizeof st);
    st.delivered = 5000;
    restarts = 0;
    restart_status = LKD_OK;
    tl_push_http(416, "Content-Range: bytes */3000\r\nContent-Type: application/xml\r\n", "<Error/>", 8, TL_KEEP);
    tl_push_json(success2_json, NULL);
    push_archive(0, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK_EQ_INT(restarts, 1);
    CHECK(got_archive() && bytes == sizeof archive);
    CHECK(tl_req_has(0, "Range: bytes=5000-") && !tl_req_has(2, "Range:"));
    /* 503 SlowDown: a pause, then the rest. */
    fresh();
    dl_options(&o, 1);
    push_archive(1000, TL_EOF);
    tl_push_http(503, "", "<Error><Code>SlowDown</Code></Error>", 36, TL_KEEP);
    push_range(1000, 2999, NULL);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK(got_archive());
    CHECK(tl.slept_ms >= LKD_RETRY_BASE_MS / 2u);
}

/* An application that saves the state from progress, as lkd_job.h says. */
static lkd_download_state_t saved_state;
static uint64_t saved_at_sink;

static void save_state(void *user, uint64_t done, uint64_t total)
{
    (void)total;
    saved_state = *(const lkd_download_state_t *)user;
    saved_at_sink = got_len;
    CHECK_EQ_INT(done, saved_state.delivered);
}

static void test_download_state(void)
{
    lkd_download_options_t o;
    lkd_download_state_t st;
    uint64_t bytes = 0, crc;
    char h[256], v[64];
    dl_options(&o, 1);
    crc = lkd_crc64(0, archive, sizeof archive);
    /* A state saved after 1000 bytes (a reboot since): Range and If-Match from
     * it, the CRC going on from its value, only the rest handed to the sink. */
    fresh();
    dl_options(&o, 1);
    memset(&st, 0, sizeof st);
    st.delivered = 1000;
    st.crc = lkd_crc64(0, archive, 1000);
    memcpy(st.etag, "\"abc-3\"", 7);
    st.etag_len = 7;
    o.state = &st;
    snprintf(h, sizeof h, "ETag: \"abc-3\"\r\nx-cos-hash-crc64ecma: %llu\r\nContent-Range: bytes 1000-2999/3000\r\n",
             (unsigned long long)crc);
    tl_push_http(206, h, (const char *)archive + 1000, 2000, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK_EQ_INT(bytes, sizeof archive);
    CHECK_EQ_INT(got_len, 2000);
    CHECK(memcmp(got_bytes, archive + 1000, 2000) == 0);
    CHECK(strcmp(tl_req_header(0, "If-Match", v, sizeof v), "\"abc-3\"") == 0);
    CHECK(strcmp(tl_req_header(0, "Range", v, sizeof v), "bytes=1000-") == 0);
    CHECK(st.flags & LKD_DOWNLOAD_VERIFIED);
    /* Saved from progress during a run that then failed (a power cut), the
     * state matches the sink's bytes and a second run completes from it. */
    fresh();
    dl_options(&o, 1);
    memset(&st, 0, sizeof st);
    memset(&saved_state, 0, sizeof saved_state);
    o.state = &st;
    o.user = &st;
    o.progress = save_state;
    snprintf(h, sizeof h, "ETag: \"abc-3\"\r\nx-cos-hash-crc64ecma: %llu\r\n", (unsigned long long)crc);
    push_archive_with(h, 1234);
    tl_push_http(404, "", "", 0, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_HTTP_STATUS);
    CHECK(saved_state.delivered == 1234 && saved_at_sink == 1234);
    CHECK(saved_state.crc == lkd_crc64(0, archive, 1234));
    fresh();
    got_len = 0;
    st = saved_state;
    snprintf(h, sizeof h, "ETag: \"abc-3\"\r\nx-cos-hash-crc64ecma: %llu\r\nContent-Range: bytes 1234-2999/3000\r\n",
             (unsigned long long)crc);
    tl_push_http(206, h, (const char *)archive + 1234, 3000 - 1234, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK(st.flags & LKD_DOWNLOAD_VERIFIED);
    CHECK(got_len == 3000 - 1234 && memcmp(got_bytes, archive + 1234, got_len) == 0);
    CHECK(strcmp(tl_req_header(0, "Range", v, sizeof v), "bytes=1234-") == 0);
    o.user = NULL;
    o.progress = on_download;
    snprintf(h, sizeof h, "ETag: \"abc-3\"\r\nx-cos-hash-crc64ecma: %llu\r\nContent-Range: bytes 1000-2999/3000\r\n",
             (unsigned long long)crc);
    /* A state whose bytes were not those of the archive: the CRC says so. */
    fresh();
    dl_options(&o, 1);
    memset(&st, 0, sizeof st);
    st.delivered = 1000;
    st.crc = 12345;
    o.state = &st;
    tl_push_http(206, h, (const char *)archive + 1000, 2000, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_INTEGRITY);
    /* A state that holds the whole archive: checked, nothing fetched. */
    fresh();
    dl_options(&o, 1);
    memset(&st, 0, sizeof st);
    st.delivered = st.total = sizeof archive;
    st.crc = st.expected_crc = crc;
    st.flags = LKD_DOWNLOAD_HAS_TOTAL | LKD_DOWNLOAD_HAS_CRC;
    o.state = &st;
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK_EQ_INT(tl.nreqs, 0);
    CHECK(st.flags & LKD_DOWNLOAD_VERIFIED);
    /* A state the client cannot use. */
    st.etag_len = LKD_DOWNLOAD_ETAG_SIZE;
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_ARG_RANGE);
    st.etag_len = 3;
    memcpy(st.etag, "a\nb", 3);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_ARG_RANGE);
    st.etag_len = 0;
    st.delivered = st.total + 1u;
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_ERR_ARG_RANGE);
    /* delivered 0: whatever else it holds is a fresh start. */
    fresh();
    dl_options(&o, 1);
    memset(&st, 0x5a, sizeof st);
    st.delivered = 0;
    o.state = &st;
    push_archive(0, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK(got_archive() && st.crc == crc && st.etag_len == 0 && !tl_req_has(0, "Range:"));
    /* Resuming late: a URL whose q-key-time ends within the minute is replaced first. */
    fresh();
    dl_options(&o, 1);
    snprintf(h, sizeof h, "https://dl.test/r.zip?q-sign-time=1;%lld&q-key-time=1%%3B%lld&sig=1",
             (long long)TL_NOW + 30, (long long)TL_NOW + 30);
    o.url.ptr = h;
    o.url.len = strlen(h);
    tl_push_json(success2_json, NULL);
    push_archive(0, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK(tl_req_has(0, "X-TC-Action: GetReconstructDocumentResult"));
    CHECK(tl_req_has(1, "GET /r.zip?sig=2 "));
    /* ... one that is still good for long is used as it is. */
    fresh();
    dl_options(&o, 1);
    snprintf(h, sizeof h, "https://dl.test/r.zip?q-key-time=1;%lld&sig=1", (long long)TL_NOW + 600);
    o.url.ptr = h;
    o.url.len = strlen(h);
    push_archive(0, TL_KEEP);
    CHECK_EQ_INT(lkd_download_result(&client, "t", 1, &o, &bytes), LKD_OK);
    CHECK_EQ_INT(tl.nreqs, 1);
    CHECK(strcmp(lkd_client_result_host(&client), "dl.test") == 0);
    /* A failure while asking the service names no result host. */
    fresh();
    dl_options(&o, 0);
    tl_push_connect_failure(LKD_ERR_CONNECT);
    CHECK(lkd_download_result(&client, "t", 1, &o, &bytes) != LKD_OK);
    CHECK(lkd_client_result_host(&client)[0] == '\0');
}

int main(void)
{
    test_create_arguments();
    test_create_url();
    test_capabilities();
    test_page_range();
    test_base64_types();
    test_longest_file_url();
    test_create_file();
    test_create_not_repeated();
    test_create_after_a_kept_connection();
    test_create_cut_after_its_status();
    test_create_upload_deadline();
    test_wait();
    test_download();
    test_download_failures();
    test_download_checks();
    test_crc64();
    test_download_integrity();
    test_download_state();
    lkd_client_free(&client);
    return unit_report("job");
}
