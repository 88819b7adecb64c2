/* SPDX-License-Identifier: MIT */
/*
 * test_pages.c - the FailedPages filter (lkd_pages.h): the same output and
 * counts for every split of small answers and for 1-byte pieces, 100 000
 * entries through a 4 KiB buffer, the exact path (Response.FailedPages and
 * no other), odd entries counted, bad grammar and cut-off arrays refused,
 * entries of any size and key order after a long URL, the depth bound, the
 * PageNumbers int64_t holds, in-place filtering, answers of other actions
 * passed untouched.
 */
#include <stdint.h>
#include <string.h>

#include "lkd_decode.h"
#include "lkd_pages.h"
#include "unit.h"

#define KEEP 4u

static lkd_json_token_t toks[LKD_JSON_MAX_TOKENS];
static lkd_failed_page_t kept[KEEP];
static lkd_pages_t pg;
static char out[8192];
static size_t out_len;

/* Filter body in pieces of `piece` bytes (0: whole) into out; LKD_OK only
 * when every put and the end succeed. */
static lkd_status_t filter(const char *body, size_t n, size_t piece, size_t cap)
{
    size_t i = 0;
    lkd_status_t st = LKD_OK;
    lkd_pages_start(&pg, kept, KEEP);
    out_len = 0;
    while (st == LKD_OK && i < n) {
        size_t k = piece == 0 || n - i < piece ? n - i : piece;
        st = lkd_pages_put(&pg, (const uint8_t *)body + i, k, out, cap, &out_len);
        i += k;
    }
    return st == LKD_OK ? lkd_pages_end(&pg) : st;
}

static lkd_status_t filter_str(const char *body)
{
    return filter(body, strlen(body), 0, sizeof out);
}

/* body gives exactly `want` (NULL: the body itself) with these counts. */
static void check_filter(const char *body, const char *want, size_t total, size_t unnumbered, int line)
{
    lkd_status_t st = filter_str(body);
    if (want == NULL) {
        want = body;
    }
    if (st == LKD_OK && out_len == strlen(want) && memcmp(out, want, out_len) == 0 && pg.total == total &&
        pg.unnumbered == unnumbered) {
        unit_passed++;
    } else {
        unit_failed++;
        fprintf(stderr, "test_pages.c:%d: %s -> %d \"%.*s\" total %u unnumbered %u\n", line, body, (int)st,
                (int)out_len, out, (unsigned)pg.total, (unsigned)pg.unnumbered);
    }
}
#define CHECK_FILTER(body, want, total, unnumbered) check_filter((body), (want), (total), (unnumbered), __LINE__)

static const char sample[] =
    "{\"Response\" : {\"Status\":\"Success\",\"Note\":\"FailedPages\",\"FailedPages\" :\n [ {\"PageNumber\":4},"
    " null ,{\"PageNumber\":\"]\\\"}\",\"x\":[{}]},{\"Reason\":\"\\u005d,\",\"PageNumber\":12}, [7],"
    "{\"PageNumber\":5},{\"PageNumber\":6},{\"PageNumber\":7e0},{\"PageNumber\":8}],"
    "\"DocumentRecognizeResultUrl\":\"https://x/r.zip?a=[1]\",\"Usage\":{\"FailedPages\":[1]}},"
    "\"FailedPages\":[2]}";
static const char sample_out[] =
    "{\"Response\" : {\"Status\":\"Success\",\"Note\":\"FailedPages\",\"FailedPages\" :\n []"
    ",\"DocumentRecognizeResultUrl\":\"https://x/r.zip?a=[1]\",\"Usage\":{\"FailedPages\":[1]}},"
    "\"FailedPages\":[2]}";

/* The whole-body result of sample, against which every split is compared. */
static void check_sample_result(const char *what, size_t a, size_t b)
{
    int ok = out_len == sizeof sample_out - 1 && memcmp(out, sample_out, out_len) == 0 && pg.total == 9 &&
             pg.unnumbered == 4 && pg.stored == KEEP && kept[0].page_number == 4 && kept[1].page_number == 12 &&
             kept[2].page_number == 5 && kept[3].page_number == 6;
    if (ok) {
        unit_passed++;
    } else {
        unit_failed++;
        fprintf(stderr, "test_pages.c: %s %u %u: \"%.*s\" total %u unnumbered %u stored %u\n", what, (unsigned)a,
                (unsigned)b, (int)out_len, out, (unsigned)pg.total, (unsigned)pg.unnumbered, (unsigned)pg.stored);
    }
}

static void test_whole_and_every_split(void)
{
    size_t n = sizeof sample - 1, a, b, piece;
    CHECK_EQ_INT(filter(sample, n, 0, sizeof out), LKD_OK);
    check_sample_result("whole", 0, 0);
    /* The decoder reads what is left, with the filter's counts. */
    {
        lkd_result_t r;
        lkd_api_error_t e;
        char doc[sizeof sample_out];
        memcpy(doc, out, out_len);
        doc[out_len] = '\0';
        CHECK_EQ_INT(lkd_decode_get_result(doc, out_len, toks, LKD_JSON_MAX_TOKENS, &pg, &r, &e), LKD_OK);
        CHECK_EQ_INT(r.failed_pages_total, 9);
        CHECK_EQ_INT(r.failed_pages_unnumbered, 4);
        CHECK_EQ_INT(r.failed_pages_stored, KEEP);
        CHECK_EQ_INT(r.failed_pages_truncated, 1); /* 8 was left out */
        CHECK_SPAN(r.result_url.ptr, r.result_url.len, "https://x/r.zip?a=[1]");
    }
    for (piece = 1; piece <= 7; piece++) {
        CHECK_EQ_INT(filter(sample, n, piece, sizeof out), LKD_OK);
        check_sample_result("pieces of", piece, 0);
    }
    /* Every split into three pieces (two split points, the pieces may be empty). */
    for (a = 0; a <= n; a++) {
        for (b = a; b <= n; b++) {
            lkd_status_t st;
            lkd_pages_start(&pg, kept, KEEP);
            out_len = 0;
            st = lkd_pages_put(&pg, (const uint8_t *)sample, a, out, sizeof out, &out_len);
            if (st == LKD_OK) {
                st = lkd_pages_put(&pg, (const uint8_t *)sample + a, b - a, out, sizeof out, &out_len);
            }
            if (st == LKD_OK) {
                st = lkd_pages_put(&pg, (const uint8_t *)sample + b, n - b, out, sizeof out, &out_len);
            }
            if (st == LKD_OK) {
                st = lkd_pages_end(&pg);
            }
            if (st != LKD_OK) {
                unit_failed++;
                fprintf(stderr, "test_pages.c: split %u %u: %d\n", (unsigned)a, (unsigned)b, (int)st);
                continue;
            }
            if (out_len != sizeof sample_out - 1 || memcmp(out, sample_out, out_len) != 0 || pg.total != 9 ||
                pg.unnumbered != 4 || kept[3].page_number != 6) {
                check_sample_result("split", a, b);
            }
        }
    }
    unit_passed++; /* the splits above report only what differs */
}

static void test_in_place(void)
{
    char body[sizeof sample];
    size_t len = 0;
    memcpy(body, sample, sizeof sample);
    lkd_pages_start(&pg, kept, KEEP);
    CHECK_EQ_INT(lkd_pages_put(&pg, (const uint8_t *)body, sizeof sample - 1, body, sizeof body, &len), LKD_OK);
    CHECK_EQ_INT(lkd_pages_end(&pg), LKD_OK);
    CHECK_EQ_INT(len, sizeof sample_out - 1);
    CHECK(memcmp(body, sample_out, len) == 0);
    CHECK_EQ_INT(pg.total, 9);
    CHECK_EQ_INT(kept[1].page_number, 12);
}

static void test_path(void)
{
    /* Response.FailedPages only: the first Response key of the top object,
     * the first FailedPages key of its object, keys compared raw. */
    CHECK_FILTER("{\"Response\":{\"FailedPages\":[{\"PageNumber\":1}]}}", "{\"Response\":{\"FailedPages\":[]}}", 1,
                 0);
    CHECK_FILTER("{\"FailedPages\":[1],\"Response\":{\"FailedPages\":[2,3]}}",
                 "{\"FailedPages\":[1],\"Response\":{\"FailedPages\":[]}}", 2, 2);
    CHECK_FILTER("{\"Response\":{\"X\":{\"FailedPages\":[1]},\"Y\":[{\"FailedPages\":[1]}]}}", NULL, 0, 0);
    CHECK_FILTER("{\"Response\":{\"FailedPages\":null,\"FailedPages\":[1]}}", NULL, 0, 0);
    CHECK_FILTER("{\"Response\":{\"FailedPages\":[1],\"FailedPages\":[2]}}",
                 "{\"Response\":{\"FailedPages\":[],\"FailedPages\":[2]}}", 1, 1);
    CHECK_FILTER("{\"Response\":{\"Failed\\u0050ages\":[1]}}", NULL, 0, 0);
    CHECK_FILTER("{\"Response\":{\"failedpages\":[1],\"FailedPagesX\":[1],\"Failed\":[1]}}", NULL, 0, 0);
    CHECK_FILTER("{\"Response\":{\"A\":\"FailedPages\",\"B\":[\"FailedPages\",[1]],\"FailedPages\":[1]}}",
                 "{\"Response\":{\"A\":\"FailedPages\",\"B\":[\"FailedPages\",[1]],\"FailedPages\":[]}}", 1, 1);
    CHECK_FILTER("{\"Response\":[{\"FailedPages\":[1]}]}", NULL, 0, 0);
    CHECK_FILTER("{\"Response\":null,\"Response\":{\"FailedPages\":[1]}}", NULL, 0, 0);
    CHECK_FILTER("{\"Response\":{},\"Response\":{\"FailedPages\":[1]}}", NULL, 0, 0);
    CHECK_FILTER("{\"Respons\\u0065\":{\"FailedPages\":[1]}}", NULL, 0, 0);
    CHECK_FILTER("{\"Outer\":{\"Response\":{\"FailedPages\":[1]}}}", NULL, 0, 0);
    CHECK_FILTER("[{\"Response\":{\"FailedPages\":[1]}}]", NULL, 0, 0);
    CHECK_FILTER("{\"X\":\"Response\",\"Y\":{\"FailedPages\":[1]}}", NULL, 0, 0);
    CHECK_FILTER("{\"\\\"Response\":{\"FailedPages\":[1]}}", NULL, 0, 0);
    CHECK_FILTER("{\"A\":[],\"Response\":{\"B\":{},\"FailedPages\":[1]}}",
                 "{\"A\":[],\"Response\":{\"B\":{},\"FailedPages\":[]}}", 1, 1);
    CHECK_FILTER(" { \"Response\" \t:\r\n{ \"FailedPages\"\n:\n[ ] } } ",
                 " { \"Response\" \t:\r\n{ \"FailedPages\"\n:\n[] } } ", 0, 0);
    /* After Response's object closed, nothing matches any more. */
    CHECK_FILTER("{\"Response\":{\"A\":{}},\"FailedPages\":[1]}", NULL, 0, 0);
    /* Another action's answer: nothing is consumed, whatever it holds. */
    lkd_pages_start(&pg, NULL, 0);
    out_len = 0;
    CHECK_EQ_INT(lkd_pages_put(&pg, (const uint8_t *)sample, sizeof sample - 1, out, sizeof out, &out_len), LKD_OK);
    CHECK_EQ_INT(lkd_pages_end(&pg), LKD_OK);
    CHECK(out_len == sizeof sample - 1 && memcmp(out, sample, out_len) == 0);
    CHECK_EQ_INT(pg.total, 0);
    /* ... but the grammar still reads every byte of it. */
    lkd_pages_start(&pg, NULL, 0);
    out_len = 0;
    CHECK_EQ_INT(lkd_pages_put(&pg, (const uint8_t *)"{\"Response\":{\"FailedPages\":[1,]}}", 33, out, sizeof out,
                               &out_len), LKD_ERR_MALFORMED);
    lkd_pages_start(&pg, NULL, 0);
    out_len = 0;
    CHECK_EQ_INT(lkd_pages_put(&pg, (const uint8_t *)sample, sizeof sample - 2, out, sizeof out, &out_len), LKD_OK);
    CHECK_EQ_INT(lkd_pages_end(&pg), LKD_ERR_MALFORMED);
}

static void test_bad_grammar(void)
{
    static const char *const bad[] = {
        "[1,]", "[,1]", "[,]", "[1 2]", "[1}", "[{]", "[{}}", "[{\"a\":1]}", "[[1}]", "[{\"a\":}]", "[{\"a\" 1}]",
        "[{\"a\":1,}]", "[{1:2}]", "[tru]", "[nul]", "[True]", "[01]", "[1.]", "[.5]", "[-]", "[1e]", "[+1]",
        "[0x1]", "[\"\x01\"]", "[\"\\q\"]", "[\"\\u12G4\"]", "[\"\\u12\"]", "[{\"PageNumber\":1}{\"PageNumber\":2}]",
        "[{\"PageNumber\":1}:]", "[\"a\":1]", "[undefined]", "[NaN]", "[1]]", "[]]",
    };
    char body[128];
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lkd_status_t st;
        sprintf(body, "{\"Response\":{\"FailedPages\":%s}}", bad[i]);
        st = filter_str(body);
        if (st == LKD_OK) {
            /* The array ended early ("[1]]"): what is left is the decoder's to refuse. */
            lkd_result_t r;
            lkd_api_error_t e;
            out[out_len] = '\0';
            st = lkd_decode_get_result(out, out_len, toks, LKD_JSON_MAX_TOKENS, &pg, &r, &e);
        }
        if (st != LKD_ERR_MALFORMED) {
            fprintf(stderr, "bad array #%u gave %d: %s\n", (unsigned)i, (int)st, bad[i]);
        }
        CHECK_EQ_INT(st, LKD_ERR_MALFORMED);
    }
}

static void test_cut_off(void)
{
    /* Every prefix passes lkd_pages_put (none shows a wrong byte) and is
     * refused at the end, inside the array or not: only the whole value is
     * JSON. */
    size_t n = sizeof sample - 1, cut, refused = 0;
    for (cut = 0; cut <= n; cut++) {
        lkd_status_t st = filter(sample, cut, 0, sizeof out);
        refused += st == LKD_ERR_MALFORMED;
        if (st != (cut < n ? LKD_ERR_MALFORMED : LKD_OK)) {
            unit_failed++;
            fprintf(stderr, "test_pages.c: prefix %u gave %d\n", (unsigned)cut, (int)st);
        }
    }
    CHECK_EQ_INT(refused, n);
    /* White space after the value; a bare number ends only with one. */
    CHECK_EQ_INT(filter_str("{} \r\n\t"), LKD_OK);
    CHECK_EQ_INT(filter_str("\"x\""), LKD_OK);
    CHECK_EQ_INT(filter_str("12 "), LKD_OK);
    CHECK_EQ_INT(filter_str("12"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(filter_str("tru"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(filter_str("\"x"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(filter_str(" "), LKD_ERR_MALFORMED);
    /* A string or entry left open. */
    CHECK_EQ_INT(filter_str("{\"Response\":{\"FailedPages\":[\"]}}"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(filter_str("{\"Response\":{\"FailedPages\":[{\"PageNumber\":1}"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(filter_str("{\"Response\":{\"FailedPages\":[[]"), LKD_ERR_MALFORMED);
}

static void test_limits(void)
{
    static const char body[] = "{\"Response\":{\"FailedPages\":[{\"PageNumber\":1,\"Reason\":\"abcdefghij\"}],"
                               "\"Status\":\"Failed\"}}";
    size_t n = sizeof body - 1, cap;
    /* Only what passes needs room: the output's 49 bytes, whatever the entry. */
    for (cap = 0; cap < 49; cap++) {
        CHECK_EQ_INT(filter(body, n, 0, cap), LKD_ERR_RESPONSE_TOO_LARGE);
    }
    CHECK_EQ_INT(filter(body, n, 0, 49), LKD_OK);
    CHECK_EQ_INT(out_len, 49);
    CHECK_EQ_INT(pg.total, 1);
    CHECK_EQ_INT(kept[0].page_number, 1);
    /* No keep room: counted, nothing stored. */
    lkd_pages_start(&pg, kept, 0);
    out_len = 0;
    CHECK_EQ_INT(lkd_pages_put(&pg, (const uint8_t *)body, n, out, sizeof out, &out_len), LKD_OK);
    CHECK_EQ_INT(pg.total, 1);
    CHECK_EQ_INT(pg.stored, 0);
    /* The count never wraps. */
    CHECK_EQ_INT(filter_str("{\"Response\":{\"FailedPages\":[1"), LKD_ERR_MALFORMED);
    pg.total = (size_t)-1;
    CHECK_EQ_INT(lkd_pages_put(&pg, (const uint8_t *)"]", 1, out, sizeof out, &out_len), LKD_ERR_MALFORMED);
}

static char big[300000];
static size_t big_len;

static void big_put(const char *s)
{
    size_t n = strlen(s);
    memcpy(big + big_len, s, n);
    big_len += n;
}

static void big_fill(char c, size_t n)
{
    memset(big + big_len, c, n);
    big_len += n;
}

/* An answer with a url-byte URL before FailedPages and one entry whose
 * Reason (reason bytes) comes before or after its PageNumber, through a
 * 4 KiB buffer: the result is the same whatever the sizes and the order. */
static size_t big_want; /* the length of its output */

static void check_big_entry(size_t url, size_t reason, int reason_first, int line)
{
    size_t want_len;
    lkd_status_t st;
    big_len = 0;
    big_put("{\"Response\":{\"Status\":\"Success\",\"DocumentRecognizeResultUrl\":\"https://x/");
    big_fill('u', url);
    big_put("\",\"FailedPages\":[");
    want_len = big_len + 19; /* "]" and what follows it */
    big_want = want_len;
    big_put("{");
    if (!reason_first) {
        big_put("\"PageNumber\":2,");
    }
    big_put("\"Reason\":\"\\u00e9\\\"");
    big_fill('r', reason);
    big_put("\",\"x\":[0");
    {
        size_t i;
        for (i = 0; i < 130; i++) {
            big_put(",0");
        }
    }
    big_put("]");
    big_fill(' ', 1000);
    if (reason_first) {
        big_put(",\"PageNumber\":2");
    }
    big_put("},null],\"RequestId\":\"r\"}}");
    st = filter(big, big_len, 0, 4096);
    if (st == LKD_OK && out_len == want_len && pg.total == 2 && pg.unnumbered == 1 && pg.stored == 1 &&
        kept[0].page_number == 2 && memcmp(out + out_len - 20, "[],\"RequestId\":\"r\"}}", 20) == 0) {
        unit_passed++;
    } else {
        unit_failed++;
        fprintf(stderr, "test_pages.c:%d: url %u reason %u: %d, %u bytes, total %u unnumbered %u stored %u\n", line,
                (unsigned)url, (unsigned)reason, (int)st, (unsigned)out_len, (unsigned)pg.total,
                (unsigned)pg.unnumbered, (unsigned)pg.stored);
    }
}

static void test_big_entries(void)
{
    size_t a, n;
    lkd_status_t st;
    /* Entries with extra keys always yield the result, whatever the key order
     * and however long the URL before them (the answer without them fits). */
    check_big_entry(100, 0, 0, __LINE__);
    check_big_entry(100, 2000, 0, __LINE__);
    check_big_entry(100, 2000, 1, __LINE__);
    check_big_entry(2500, 2000, 0, __LINE__);
    check_big_entry(2500, 2000, 1, __LINE__);
    check_big_entry(3900, 200000, 1, __LINE__);
    /* Every split into two pieces of an answer with a 2 KB entry. */
    check_big_entry(2500, 2000, 1, __LINE__);
    n = big_len;
    for (a = 0; a <= n; a++) {
        lkd_pages_start(&pg, kept, KEEP);
        out_len = 0;
        st = lkd_pages_put(&pg, (const uint8_t *)big, a, out, 4096, &out_len);
        if (st == LKD_OK) {
            st = lkd_pages_put(&pg, (const uint8_t *)big + a, n - a, out, 4096, &out_len);
        }
        if (st != LKD_OK || lkd_pages_end(&pg) != LKD_OK || pg.total != 2 || pg.stored != 1 ||
            kept[0].page_number != 2 || out_len != big_want) {
            unit_failed++;
            fprintf(stderr, "test_pages.c: big entry split at %u: %d\n", (unsigned)a, (int)st);
            break;
        }
    }
    CHECK_EQ_INT(a, n + 1);
    /* The URL itself is what must fit: 4 KiB of it does not. */
    big_len = 0;
    big_put("{\"Response\":{\"DocumentRecognizeResultUrl\":\"");
    big_fill('u', 4096);
    big_put("\",\"FailedPages\":[]}}");
    CHECK_EQ_INT(filter(big, big_len, 0, 4096), LKD_ERR_RESPONSE_TOO_LARGE);
}

/* depth brackets nested at FailedPages' entry (in_entry) or under another key. */
static lkd_status_t deep(size_t depth, int in_entry)
{
    big_len = 0;
    big_put(in_entry ? "{\"Response\":{\"FailedPages\":[" : "{\"Response\":{\"X\":");
    big_fill('[', depth);
    big_fill(']', depth);
    big_put(in_entry ? "]}}" : "}}");
    return filter(big, big_len, 1, sizeof out);
}

static void test_depth(void)
{
    /* The answer may nest LKD_PAGES_MAX_DEPTH brackets (the top object, Response's and FailedPages' included),
     * no more: a deeper one would need more tokens than jsmn has. */
    CHECK_EQ_INT(deep(LKD_PAGES_MAX_DEPTH - 3u, 1), LKD_OK);
    CHECK_EQ_INT(pg.total, 1);
    CHECK_EQ_INT(pg.unnumbered, 1);
    CHECK_EQ_INT(out_len, strlen("{\"Response\":{\"FailedPages\":[]}}"));
    CHECK_EQ_INT(deep(LKD_PAGES_MAX_DEPTH - 2u, 1), LKD_ERR_RESPONSE_TOO_LARGE);
    CHECK_EQ_INT(deep(5000, 1), LKD_ERR_RESPONSE_TOO_LARGE);
    CHECK_EQ_INT(deep(LKD_PAGES_MAX_DEPTH - 2u, 0), LKD_OK);
    CHECK_EQ_INT(out_len, big_len);
    CHECK_EQ_INT(deep(LKD_PAGES_MAX_DEPTH - 1u, 0), LKD_ERR_RESPONSE_TOO_LARGE);
    /* Deep and well-formed, bracket kinds mixed: an entry at the bound. */
    big_len = 0;
    big_put("{\"Response\":{\"FailedPages\":[{\"PageNumber\":7,\"a\":");
    {
        size_t i, d = LKD_PAGES_MAX_DEPTH - 4u;
        for (i = 0; i < d; i++) {
            big_put(i % 2 ? "[" : "{\"k\":");
        }
        big_put("0");
        for (i = d; i-- > 0;) {
            big_put(i % 2 ? "]" : "}");
        }
    }
    big_put("}]}}");
    CHECK_EQ_INT(filter(big, big_len, 3, sizeof out), LKD_OK);
    CHECK_EQ_INT(pg.stored, 1);
    CHECK_EQ_INT(kept[0].page_number, 7);
}

/* body's only entry is numbered `page`, or unnumbered when numbered is 0. */
static void check_entry(const char *entry, int numbered, int64_t page, int line)
{
    char body[256];
    lkd_status_t st;
    sprintf(body, "{\"Response\":{\"FailedPages\":[%s]}}", entry);
    st = filter_str(body);
    if (st == LKD_OK && pg.total == 1 && pg.stored == (numbered ? 1u : 0u) && pg.unnumbered == (numbered ? 0u : 1u) &&
        (!numbered || kept[0].page_number == page)) {
        unit_passed++;
    } else {
        unit_failed++;
        fprintf(stderr, "test_pages.c:%d: %s: %d stored %u unnumbered %u\n", line, entry, (int)st,
                (unsigned)pg.stored, (unsigned)pg.unnumbered);
    }
}
#define CHECK_ENTRY(entry, numbered, page) check_entry((entry), (numbered), (page), __LINE__)

static void test_page_numbers(void)
{
    CHECK_ENTRY("{\"PageNumber\":9223372036854775807}", 1, INT64_MAX);
    CHECK_ENTRY("{\"PageNumber\":-9223372036854775808}", 1, INT64_MIN);
    CHECK_ENTRY("{\"PageNumber\":9223372036854775808}", 0, 0);
    CHECK_ENTRY("{\"PageNumber\":-9223372036854775809}", 0, 0);
    CHECK_ENTRY("{\"PageNumber\":99999999999999999999999999}", 0, 0);
    CHECK_ENTRY("{\"PageNumber\":-0}", 1, 0);
    CHECK_ENTRY("{\"PageNumber\":0}", 1, 0);
    CHECK_ENTRY("{\"PageNumber\":-12 }", 1, -12);
    CHECK_ENTRY("{\"PageNumber\":1.0}", 0, 0);
    CHECK_ENTRY("{\"PageNumber\":1e3}", 0, 0);
    CHECK_ENTRY("{\"PageNumber\":1E+3}", 0, 0);
    CHECK_ENTRY("{\"PageNumber\":true}", 0, 0);
    CHECK_ENTRY("{\"PageNumber\":{\"PageNumber\":3}}", 0, 0);
    CHECK_ENTRY("{\"PageNumber\":[3]}", 0, 0);
    CHECK_ENTRY("{\"a\":{\"PageNumber\":3}}", 0, 0);
    CHECK_ENTRY("[{\"PageNumber\":3}]", 0, 0);
    CHECK_ENTRY("3", 0, 0);
    CHECK_ENTRY("{}", 0, 0);
    /* The first PageNumber counts, compared raw; other numbers do not touch it. */
    CHECK_ENTRY("{\"PageNumber\":\"x\",\"PageNumber\":5}", 0, 0);
    CHECK_ENTRY("{\"PageNumber\":5,\"PageNumber\":\"x\",\"n\":66}", 1, 5);
    CHECK_ENTRY("{\"n\":66,\"PageNumber\":5,\"m\":-77e1}", 1, 5);
    CHECK_ENTRY("{\"Page\\u004eumber\":5}", 0, 0);
    CHECK_ENTRY("{\"PageNumberX\":5}", 0, 0);
    CHECK_ENTRY("{\"PageNumbe\":5}", 0, 0);
    CHECK_ENTRY("{\"pagenumber\":5}", 0, 0);
    CHECK_ENTRY("{\"x\":\"PageNumber\",\"y\":5}", 0, 0);
    /* Each entry starts afresh. */
    CHECK_FILTER("{\"Response\":{\"FailedPages\":[{\"PageNumber\":-1},{\"x\":2},{\"PageNumber\":3}]}}",
                 "{\"Response\":{\"FailedPages\":[]}}", 3, 1);
    CHECK_EQ_INT(kept[0].page_number, -1);
    CHECK_EQ_INT(kept[1].page_number, 3);
}

static void test_grammar_outside(void)
{
    /* The whole answer is read by the grammar: what is not JSON is refused at once. */
    static const char *const bad[] = {
        "<html>", "{\"Response\":{\"A\":1,}}", "{\"Response\" {}}", "{\"Response\":{}}}", "{\"Response\":{}} x",
        "{\"Response\":[}", "{\"a\":\"\x01\"}", "{\"a\":\"\\x\"}", "{\"Response\":{\"FailedPages\":[]]}}",
    };
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lkd_status_t st = filter_str(bad[i]);
        if (st != LKD_ERR_MALFORMED) {
            fprintf(stderr, "bad answer #%u gave %d: %s\n", (unsigned)i, (int)st, bad[i]);
        }
        CHECK_EQ_INT(st, LKD_ERR_MALFORMED);
    }
    /* Whitespace after the answer is JSON's. */
    CHECK_FILTER("{\"Response\":{}} \r\n", NULL, 0, 0);
}

/* 100 000 entries, every seventh odd, through a 4 KiB buffer in pieces of
 * `piece` bytes: the output is the answer without them. */
static void many(size_t piece)
{
    char chunk[96];
    size_t i, n, fed = 0, unnumbered = 0;
    lkd_status_t st = LKD_OK;
    const char *head = "{\"Response\":{\"Status\":\"Success\",\"FailedPages\":[";
    const char *tail = "],\"DocumentRecognizeResultUrl\":\"https://x/r.zip\",\"RequestId\":\"r\"}}";
    lkd_pages_start(&pg, kept, KEEP);
    out_len = 0;
    for (i = 0; i <= 100001 && st == LKD_OK; i++) {
        size_t k;
        if (i == 0) {
            n = (size_t)sprintf(chunk, "%s", head);
        } else if (i == 100001) {
            n = (size_t)sprintf(chunk, "%s", tail);
        } else if (i % 7 == 0) {
            n = (size_t)sprintf(chunk, "%s{\"PageNumber\":null,\"i\":%u}", i > 1 ? "," : "", (unsigned)i);
            unnumbered++;
        } else {
            n = (size_t)sprintf(chunk, "%s{\"PageNumber\":%u}", i > 1 ? "," : "", (unsigned)i);
        }
        for (k = 0; k < n && st == LKD_OK; k += piece) {
            st = lkd_pages_put(&pg, (const uint8_t *)chunk + k, n - k < piece ? n - k : piece, out, 4096, &out_len);
        }
        fed += n;
    }
    CHECK_EQ_INT(st, LKD_OK);
    CHECK_EQ_INT(lkd_pages_end(&pg), LKD_OK);
    CHECK(fed > 1900000);
    CHECK_EQ_INT(out_len, strlen(head) + strlen(tail)); /* its '[' and ']' */
    CHECK_EQ_INT(pg.total, 100000);
    CHECK_EQ_INT(pg.unnumbered, unnumbered);
    CHECK_EQ_INT(pg.stored, KEEP);
    CHECK_EQ_INT(kept[0].page_number, 1);
    CHECK_EQ_INT(kept[3].page_number, 4);
    {
        lkd_result_t r;
        lkd_api_error_t e;
        out[out_len] = '\0';
        CHECK_EQ_INT(lkd_decode_get_result(out, out_len, toks, LKD_JSON_MAX_TOKENS, &pg, &r, &e), LKD_OK);
        CHECK_SPAN(r.result_url.ptr, r.result_url.len, "https://x/r.zip");
        CHECK_EQ_INT(r.failed_pages_total, 100000);
        CHECK_EQ_INT(r.failed_pages_unnumbered, unnumbered);
        CHECK_EQ_INT(r.failed_pages_truncated, 1);
    }
}

static void test_many(void)
{
    many(4096);
    many(1);
}

int main(void)
{
    test_whole_and_every_split();
    test_in_place();
    test_path();
    test_bad_grammar();
    test_cut_off();
    test_limits();
    test_big_entries();
    test_depth();
    test_page_numbers();
    test_grammar_outside();
    test_many();
    return unit_report("pages");
}
