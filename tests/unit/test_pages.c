/* SPDX-License-Identifier: MIT */
/*
 * test_pages.c - the FailedPages filter (lkd_pages.h): the same output and
 * counts for every split of small answers and for 1-byte pieces, 100 000
 * entries through a 4 KiB buffer, the exact path (Response.FailedPages and
 * no other), odd entries counted, bad grammar and cut-off arrays refused,
 * room and token limits, in-place filtering, answers of other actions
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
    /* Every prefix that ends inside the array is refused at the end; every
     * other prefix passes the filter (the decoder refuses it). */
    size_t n = sizeof sample - 1, cut, refused = 0;
    size_t open = (size_t)(strstr(sample, "[ {") - sample), close = (size_t)(strstr(sample, "8}]") - sample) + 2;
    for (cut = 0; cut <= n; cut++) {
        lkd_status_t st = filter(sample, cut, 0, sizeof out);
        int inside = cut > open && cut <= close;
        refused += st == LKD_ERR_MALFORMED;
        if (st != (inside ? LKD_ERR_MALFORMED : LKD_OK)) {
            unit_failed++;
            fprintf(stderr, "test_pages.c: prefix %u gave %d\n", (unsigned)cut, (int)st);
        }
    }
    CHECK_EQ_INT(refused, close - open);
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
    /* The output is 49 bytes; the entry (38) and a delimiter after it must
     * fit after the 28 that passed before it. */
    for (cap = 0; cap < 67; cap++) {
        CHECK_EQ_INT(filter(body, n, 0, cap), LKD_ERR_RESPONSE_TOO_LARGE);
    }
    CHECK_EQ_INT(filter(body, n, 0, 67), LKD_OK);
    CHECK_EQ_INT(out_len, 49);
    CHECK_EQ_INT(pg.total, 1);
    /* An entry needs its own tokens: 5 here. */
    lkd_pages_start(&pg, kept, KEEP);
    out_len = 0;
    CHECK_EQ_INT(lkd_pages_put(&pg, (const uint8_t *)body, n, out, sizeof out, &out_len), LKD_ERR_RESPONSE_TOO_LARGE);
    lkd_pages_start(&pg, kept, KEEP);
    out_len = 0;
    CHECK_EQ_INT(lkd_pages_put(&pg, (const uint8_t *)body, n, out, sizeof out, &out_len), LKD_OK);
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
    test_many();
    return unit_report("pages");
}
