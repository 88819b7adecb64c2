/* SPDX-License-Identifier: MIT */
/*
 * test_json.c - the jsmn helpers (lkd_json.h): strict parsing as the client
 * runs it (the filter's grammar, lkd_pages.h, then jsmn),
 * key look-up, subtree skipping, in-place string decoding, integer reading and
 * the JSON string writer.
 */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "lkd_json.h"
#include "lkd_pages.h"
#include "unit.h"

#define MAX_TOKENS 512u

static char buf[8192];
static lkd_json_token_t toks[MAX_TOKENS];
static lkd_json_doc_t doc;

/* Copy text (n bytes) into buf and tokenize it with max tokens, nothing
 * more: for valid JSON only (lkd_json.h). */
static lkd_status_t tokenize_n(const char *text, size_t n, unsigned max)
{
    memcpy(buf, text, n);
    buf[n] = '\0';
    return lkd_json_parse(&doc, buf, n, toks, max);
}

/* Copy text (n bytes) into buf and parse it as the client parses an answer:
 * the grammar byte by byte (the filter, lkd_pages.h, following no path),
 * then jsmn with max tokens on what passed. */
static lkd_status_t parse_n(const char *text, size_t n, unsigned max)
{
    lkd_pages_t pages;
    size_t len = 0;
    lkd_status_t st;
    memset(&doc, 0, sizeof doc);
    memcpy(buf, text, n);
    lkd_pages_start(&pages, NULL, 0);
    st = lkd_pages_put(&pages, (const uint8_t *)buf, n, buf, sizeof buf - 1, &len);
    if (st == LKD_OK) {
        st = lkd_pages_end(&pages);
    }
    if (st != LKD_OK) {
        return st;
    }
    CHECK_EQ_INT(len, n); /* the filter passes every byte of such an answer */
    buf[len] = '\0';
    return lkd_json_parse(&doc, buf, len, toks, max);
}

static lkd_status_t parse(const char *text)
{
    return parse_n(text, strlen(text), MAX_TOKENS);
}

static void test_parse_valid(void)
{
    static const char *const ok[] = {
        "{}",
        "[]",
        "\"x\"",
        "1 ",
        "{\"a\":1}",
        "  \t\r\n{ \"a\" : [ 1 , 2 ] }  \n\r\t ",
        "{\"a\":-0,\"b\":1.5e+10,\"c\":-1.25E-3,\"d\":0.0,\"e\":123456789}",
        "{\"a\":true,\"b\":false,\"c\":null}",
        "{\"a\":[],\"b\":{},\"c\":[{}],\"d\":[[[]]]}",
        "{\"a\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\ud83d\\ude00\"}",
        "{\"\":\"\"}",
        "[1,\"two\",{\"three\":3},[4],true,false,null]",
        "{\"a\":\"\xe4\xb8\xad\"}",
    };
    size_t i;
    for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        lkd_status_t st = parse(ok[i]);
        if (st != LKD_OK) {
            fprintf(stderr, "valid JSON #%u rejected: %s\n", (unsigned)i, ok[i]);
        }
        CHECK_EQ_INT(st, LKD_OK);
    }
    CHECK_EQ_INT(parse("{\"a\":[1,{\"b\":2}]}"), LKD_OK);
    CHECK_EQ_INT(doc.count, 7);
    CHECK_EQ_INT(toks[0].type, LKD_JSON_OBJECT);
    CHECK_EQ_INT(toks[2].type, LKD_JSON_ARRAY);
    CHECK_EQ_INT(toks[2].size, 2);
    CHECK(doc.json == buf && doc.len == strlen("{\"a\":[1,{\"b\":2}]}") && doc.tokens == toks);
}

static void test_parse_invalid(void)
{
    /* Most of these are accepted by jsmn itself, even in strict mode. */
    static const char *const bad[] = {
        "",
        "   \n",
        "{",
        "}",
        "]",
        "{\"a\":1",
        "{\"a\":1} {\"b\":2}",
        "{\"a\":1}{}",
        "{\"a\":1}x",
        "{\"a\":1},",
        "{\"a\":1}}",
        "{\"a\":1}]",
        "[1 2]",
        "[1,,2]",
        "[1,]",
        "[,1]",
        "{\"a\":1,}",
        "{,}",
        "{\"a\" \"b\"}",
        "{\"a\":}",
        "{\"a\"}",
        "{\"a\",\"b\":1}",
        "{\"a\"::1}",
        "{\"a\":1:2}",
        "{\"a\":\"x\" \"y\"}",
        "{\"a\":1 \"b\":2}",
        "[\"a\":1]",
        "{1:2}",
        "{\"a\":[}",
        "[{]}",
        "{\"a\":tru}",
        "{\"a\":truex}",
        "{\"a\":nul}",
        "{\"a\":nulls}",
        "{\"a\":fals}",
        "{\"a\":01}",
        "{\"a\":-}",
        "{\"a\":-a}",
        "{\"a\":1.}",
        "{\"a\":.5}",
        "{\"a\":1e}",
        "{\"a\":1e+}",
        "{\"a\":+1}",
        "{\"a\":0x10}",
        "{\"a\":1-2}",
        "{\"a\":NaN}",
        "{\"a\":'x'}",
        "{\"a\":\"x\ty\"}",
        "{\"a\":\"x\ny\"}",
        "{\"a\":\"\x01\"}",
        "{\"a\":\"\\x\"}",
        "{\"a\":\"\\u12g4\"}",
        "{\"a\":\"\\u12\"}",
        "{\"a\":\"abc}",
        "{\"a\":\"abc\\\"}",
        "{a:1}",
    };
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lkd_status_t st = parse(bad[i]);
        if (st != LKD_ERR_MALFORMED) {
            fprintf(stderr, "invalid JSON #%u gave %d: %s\n", (unsigned)i, (int)st, bad[i]);
        }
        CHECK_EQ_INT(st, LKD_ERR_MALFORMED);
        CHECK_EQ_INT(doc.count, 0);
    }
    /* jsmn stops at a NUL byte as if the text ended there. */
    CHECK_EQ_INT(parse_n("{\"a\":1}\0", 8, MAX_TOKENS), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(parse_n("{\"a\":1}\0{}", 10, MAX_TOKENS), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(parse_n("{\"a\":\"x\0y\"}", 11, MAX_TOKENS), LKD_ERR_MALFORMED);
    /* Only the len bytes count. */
    CHECK_EQ_INT(parse_n("{\"a\":1}xyz", 7, MAX_TOKENS), LKD_OK);
    CHECK_EQ_INT(parse_n("{\"a\":1}", 6, MAX_TOKENS), LKD_ERR_MALFORMED);
}

static void test_parse_limits(void)
{
    char deep[1200];
    size_t i, n = 0;

    CHECK_EQ_INT(parse_n("[1,2,3]", 7, 3), LKD_ERR_RESPONSE_TOO_LARGE);
    CHECK_EQ_INT(parse_n("[1,2,3]", 7, 4), LKD_OK);
    CHECK_EQ_INT(doc.count, 4);
    CHECK_EQ_INT(parse_n("{}", 2, 0), LKD_ERR_RESPONSE_TOO_LARGE);
    CHECK_EQ_INT(parse_n("{}", 2, 1), LKD_OK);
    /* len beyond jsmn's int offsets: refused before reading anything. */
    CHECK_EQ_INT(lkd_json_parse(&doc, buf, (size_t)INT_MAX + 1u, toks, MAX_TOKENS), LKD_ERR_RESPONSE_TOO_LARGE);

    CHECK_EQ_INT(lkd_json_parse(NULL, buf, 2, toks, MAX_TOKENS), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_json_parse(&doc, NULL, 2, toks, MAX_TOKENS), LKD_ERR_ARG_NULL);
    strcpy(buf, "{}");
    CHECK_EQ_INT(lkd_json_parse(&doc, buf, 2, NULL, MAX_TOKENS), LKD_ERR_ARG_NULL);

    /* 400 nested arrays: no recursion anywhere, only the token budget. */
    for (i = 0; i < 400; i++) {
        deep[n++] = '[';
    }
    for (i = 0; i < 400; i++) {
        deep[n++] = ']';
    }
    CHECK_EQ_INT(tokenize_n(deep, n, 400), LKD_OK);
    CHECK_EQ_INT(doc.count, 400);
    CHECK_EQ_INT(lkd_json_skip(&doc, 0), 400);
    CHECK_EQ_INT(lkd_json_skip(&doc, 399), 400);
    CHECK_EQ_INT(tokenize_n(deep, n, 399), LKD_ERR_RESPONSE_TOO_LARGE);
    CHECK_EQ_INT(tokenize_n(deep, n - 1, 400), LKD_ERR_MALFORMED);
    /* The client's grammar stops at its depth bound before jsmn could. */
    CHECK_EQ_INT(parse_n(deep, n, 400), LKD_ERR_RESPONSE_TOO_LARGE);

    /* 100 nested objects, each looked up through its key. */
    n = 0;
    for (i = 0; i < 100; i++) {
        memcpy(deep + n, "{\"k\":", 5);
        n += 5;
    }
    deep[n++] = '7';
    for (i = 0; i < 100; i++) {
        deep[n++] = '}';
    }
    CHECK_EQ_INT(parse_n(deep, n, MAX_TOKENS), LKD_OK);
    {
        int idx = 0;
        int64_t v = 0;
        for (i = 0; i < 100 && idx >= 0; i++) {
            idx = lkd_json_find_key(&doc, idx, "k");
        }
        CHECK(idx > 0);
        CHECK_EQ_INT(lkd_json_get_int64(&doc, idx, &v, NULL), LKD_OK);
        CHECK_EQ_INT(v, 7);
    }
}

static void test_skip(void)
{
    /* 0 {  1 "a"  2 [  3 1  4 {  5 "b"  6 2  7 "c"  8 3 */
    CHECK_EQ_INT(parse("{\"a\":[1,{\"b\":2}],\"c\":3}"), LKD_OK);
    CHECK_EQ_INT(doc.count, 9);
    CHECK_EQ_INT(lkd_json_skip(&doc, 0), 9);
    CHECK_EQ_INT(lkd_json_skip(&doc, 1), 7); /* a key carries its value */
    CHECK_EQ_INT(lkd_json_skip(&doc, 2), 7);
    CHECK_EQ_INT(lkd_json_skip(&doc, 3), 4);
    CHECK_EQ_INT(lkd_json_skip(&doc, 4), 7);
    CHECK_EQ_INT(lkd_json_skip(&doc, 5), 7);
    CHECK_EQ_INT(lkd_json_skip(&doc, 6), 7);
    CHECK_EQ_INT(lkd_json_skip(&doc, 7), 9);
    CHECK_EQ_INT(lkd_json_skip(&doc, 8), 9);
    CHECK_EQ_INT(lkd_json_skip(&doc, -1), 9);
    CHECK_EQ_INT(lkd_json_skip(&doc, 9), 9);
    CHECK_EQ_INT(lkd_json_skip(NULL, 0), 0);

    /* Still right after the strings were decoded (their ends moved). */
    CHECK_EQ_INT(parse("{\"a\\u0041\":[\"\\u00e9\\u00e9\",{\"b\":2}],\"c\":3}"), LKD_OK);
    {
        lkd_span_t s;
        CHECK_EQ_INT(lkd_json_decode_string(&doc, 1, &s), LKD_OK);
        CHECK_EQ_INT(lkd_json_decode_string(&doc, 3, &s), LKD_OK);
        CHECK_EQ_INT(lkd_json_skip(&doc, 1), 7);
        CHECK_EQ_INT(lkd_json_skip(&doc, 2), 7);
        CHECK_EQ_INT(lkd_json_skip(&doc, 3), 4);
        CHECK_EQ_INT(lkd_json_find_key(&doc, 0, "c"), 8);
    }
}

static void test_find_key(void)
{
    int v;
    int64_t n = 0;
    CHECK_EQ_INT(parse("{\"x\":{\"k\":1},\"list\":[{\"k\":3}],\"k\":2,\"k\":4,\"ke\":5,\"key\":6}"), LKD_OK);
    v = lkd_json_find_key(&doc, 0, "k");
    CHECK(v > 0);
    CHECK_EQ_INT(lkd_json_get_int64(&doc, v, &n, NULL), LKD_OK);
    CHECK_EQ_INT(n, 2); /* direct member, not the nested ones; the first of two */
    v = lkd_json_find_key(&doc, 0, "key");
    CHECK_EQ_INT(lkd_json_get_int64(&doc, v, &n, NULL), LKD_OK);
    CHECK_EQ_INT(n, 6);
    v = lkd_json_find_key(&doc, 0, "ke");
    CHECK_EQ_INT(lkd_json_get_int64(&doc, v, &n, NULL), LKD_OK);
    CHECK_EQ_INT(n, 5);
    v = lkd_json_find_key(&doc, 0, "x");
    CHECK(v > 0 && toks[v].type == LKD_JSON_OBJECT);
    CHECK_EQ_INT(lkd_json_get_int64(&doc, lkd_json_find_key(&doc, v, "k"), &n, NULL), LKD_OK);
    CHECK_EQ_INT(n, 1);
    CHECK_EQ_INT(lkd_json_find_key(&doc, 0, "missing"), -1);
    CHECK_EQ_INT(lkd_json_find_key(&doc, 0, ""), -1);
    CHECK_EQ_INT(lkd_json_find_key(&doc, 0, "K"), -1); /* case matters */
    CHECK_EQ_INT(lkd_json_find_key(&doc, 0, NULL), -1);
    CHECK_EQ_INT(lkd_json_find_key(&doc, lkd_json_find_key(&doc, 0, "list"), "k"), -1); /* an array */
    CHECK_EQ_INT(lkd_json_find_key(&doc, 1, "k"), -1);  /* a string */
    CHECK_EQ_INT(lkd_json_find_key(&doc, -1, "k"), -1);
    CHECK_EQ_INT(lkd_json_find_key(&doc, 999, "k"), -1);
    CHECK_EQ_INT(lkd_json_find_key(NULL, 0, "k"), -1);

    /* Keys are compared raw. */
    CHECK_EQ_INT(parse("{\"\\u0041\":1,\"\":2}"), LKD_OK);
    CHECK_EQ_INT(lkd_json_find_key(&doc, 0, "A"), -1);
    CHECK_EQ_INT(lkd_json_find_key(&doc, 0, "\\u0041"), 2);
    CHECK_EQ_INT(lkd_json_find_key(&doc, 0, ""), 4);

    CHECK_EQ_INT(parse("{}"), LKD_OK);
    CHECK_EQ_INT(lkd_json_find_key(&doc, 0, "a"), -1);
}

static void test_absent(void)
{
    CHECK_EQ_INT(parse("{\"n\":null,\"s\":\"null\",\"z\":0,\"f\":false,\"o\":{}}"), LKD_OK);
    CHECK_EQ_INT(lkd_json_absent(&doc, lkd_json_find_key(&doc, 0, "n")), 1);
    CHECK_EQ_INT(lkd_json_absent(&doc, lkd_json_find_key(&doc, 0, "missing")), 1);
    CHECK_EQ_INT(lkd_json_absent(&doc, lkd_json_find_key(&doc, 0, "s")), 0); /* the string "null" */
    CHECK_EQ_INT(lkd_json_absent(&doc, lkd_json_find_key(&doc, 0, "z")), 0);
    CHECK_EQ_INT(lkd_json_absent(&doc, lkd_json_find_key(&doc, 0, "f")), 0);
    CHECK_EQ_INT(lkd_json_absent(&doc, lkd_json_find_key(&doc, 0, "o")), 0);
    CHECK_EQ_INT(lkd_json_absent(&doc, 999), 0);
    CHECK_EQ_INT(lkd_json_absent(NULL, 0), 0);
}

/* One member whose value is the literal's string: decode it. */
static lkd_status_t decode_value(const char *json_text, lkd_span_t *s)
{
    lkd_status_t st = parse(json_text);
    if (st != LKD_OK) {
        return st;
    }
    return lkd_json_decode_string(&doc, lkd_json_find_key(&doc, 0, "a"), s);
}

static void check_decoded(const char *json_text, const char *expect, size_t expect_len, int line)
{
    lkd_span_t s = {NULL, 0}, again = {NULL, 0};
    lkd_status_t st = decode_value(json_text, &s);
    if (st != LKD_OK || s.len != expect_len || memcmp(s.ptr, expect, expect_len) != 0 || s.ptr[s.len] != '\0') {
        unit_failed++;
        fprintf(stderr, "test_json.c:%d: decoding %s failed (status %d, len %u)\n", line, json_text, (int)st,
                (unsigned)s.len);
        return;
    }
    unit_passed++;
    /* Twice is harmless: same bytes, same span. */
    CHECK_EQ_INT(lkd_json_decode_string(&doc, lkd_json_find_key(&doc, 0, "a"), &again), LKD_OK);
    CHECK(again.ptr == s.ptr && again.len == s.len && memcmp(again.ptr, expect, expect_len) == 0);
}
#define CHECK_DECODED(j, lit) check_decoded((j), (lit), sizeof(lit) - 1, __LINE__)

static void check_decode_fails(const char *json_text, int line)
{
    lkd_span_t s = {NULL, 0};
    char before[256];
    lkd_status_t st;
    size_t n = strlen(json_text);
    if (parse(json_text) != LKD_OK) {
        unit_failed++;
        fprintf(stderr, "test_json.c:%d: %s does not even parse\n", line, json_text);
        return;
    }
    memcpy(before, buf, n);
    st = lkd_json_decode_string(&doc, lkd_json_find_key(&doc, 0, "a"), &s);
    if (st == LKD_ERR_MALFORMED && memcmp(before, buf, n) == 0) {
        unit_passed++;
    } else {
        unit_failed++;
        fprintf(stderr, "test_json.c:%d: decoding %s gave %d (or touched the buffer)\n", line, json_text, (int)st);
    }
    /* And it stays failed. */
    CHECK_EQ_INT(lkd_json_decode_string(&doc, lkd_json_find_key(&doc, 0, "a"), &s), LKD_ERR_MALFORMED);
}
#define CHECK_DECODE_FAILS(j) check_decode_fails((j), __LINE__)

static void test_decode_string(void)
{
    lkd_span_t s;
    int idx;

    CHECK_DECODED("{\"a\":\"plain text\"}", "plain text");
    CHECK_DECODED("{\"a\":\"\"}", "");
    CHECK_DECODED("{\"a\":\"\\\"\"}", "\"");
    CHECK_DECODED("{\"a\":\"\\\\\"}", "\\");
    CHECK_DECODED("{\"a\":\"\\/\"}", "/");
    CHECK_DECODED("{\"a\":\"\\b\"}", "\b");
    CHECK_DECODED("{\"a\":\"\\f\"}", "\f");
    CHECK_DECODED("{\"a\":\"\\n\"}", "\n");
    CHECK_DECODED("{\"a\":\"\\r\"}", "\r");
    CHECK_DECODED("{\"a\":\"\\t\"}", "\t");
    CHECK_DECODED("{\"a\":\"x\\\"y\\\\z\\/w\\b\\f\\n\\r\\tv\"}", "x\"y\\z/w\b\f\n\r\tv");
    CHECK_DECODED("{\"a\":\"\\u0041\\u0026\\u002F\"}", "A&/");
    CHECK_DECODED("{\"a\":\"\\u0001\\u001f\\u007f\"}", "\x01\x1f\x7f");
    CHECK_DECODED("{\"a\":\"\\u00e9\"}", "\xc3\xa9");
    CHECK_DECODED("{\"a\":\"\\u00E9t\\u00e9\"}", "\xc3\xa9t\xc3\xa9");
    CHECK_DECODED("{\"a\":\"\\u0080\\u07ff\\u0800\"}", "\xc2\x80\xdf\xbf\xe0\xa0\x80");
    CHECK_DECODED("{\"a\":\"\\u4e2d\\u6587\"}", "\xe4\xb8\xad\xe6\x96\x87");
    CHECK_DECODED("{\"a\":\"\\uffff\\ue000\"}", "\xef\xbf\xbf\xee\x80\x80");
    CHECK_DECODED("{\"a\":\"\\ud83d\\ude00\"}", "\xf0\x9f\x98\x80");
    CHECK_DECODED("{\"a\":\"\\uD83D\\uDE00!\"}", "\xf0\x9f\x98\x80!");
    CHECK_DECODED("{\"a\":\"\\ud800\\udc00\\udbff\\udfff\"}", "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf");
    /* Raw UTF-8 is copied as it is. */
    CHECK_DECODED("{\"a\":\"\xe4\xb8\xad \xf0\x9f\x98\x80 \xc3\xa9\"}", "\xe4\xb8\xad \xf0\x9f\x98\x80 \xc3\xa9");
    /* An escaped backslash followed by "u0041" is text, and stays text when
     * decoded a second time (the token remembers it was decoded). */
    CHECK_DECODED("{\"a\":\"\\\\u0041\"}", "\\u0041");
    CHECK_DECODED("{\"a\":\"\\\\\\\\\"}", "\\\\");

    CHECK_DECODE_FAILS("{\"a\":\"\\ud83d\"}");          /* lone high surrogate */
    CHECK_DECODE_FAILS("{\"a\":\"\\ud83dx\"}");
    CHECK_DECODE_FAILS("{\"a\":\"\\ud83d\\n\"}");
    CHECK_DECODE_FAILS("{\"a\":\"\\ud83d\\u0041\"}");   /* high + non-surrogate */
    CHECK_DECODE_FAILS("{\"a\":\"\\ud83d\\ud83d\"}");   /* high + high */
    CHECK_DECODE_FAILS("{\"a\":\"\\ude00\"}");          /* lone low surrogate */
    CHECK_DECODE_FAILS("{\"a\":\"\\ude00\\ud83d\"}");   /* pair in the wrong order */
    CHECK_DECODE_FAILS("{\"a\":\"ok \\u0000 then\"}");  /* NUL would cut C strings */
    CHECK_DECODE_FAILS("{\"a\":\"\xc0\x80\"}");         /* raw overlong */
    CHECK_DECODE_FAILS("{\"a\":\"\x80\"}");             /* raw lone continuation */
    CHECK_DECODE_FAILS("{\"a\":\"\xed\xa0\x80\"}");     /* raw surrogate */
    CHECK_DECODE_FAILS("{\"a\":\"\xe4\xb8\"}");         /* raw truncated sequence */
    CHECK_DECODE_FAILS("{\"a\":\"\xff\"}");

    /* Errors jsmn or the parser catch first, checked again by the decoder:
     * bad hex and a raw control byte put into a parsed buffer. */
    CHECK_EQ_INT(parse("{\"a\":\"\\u12g4\"}"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(parse("{\"a\":\"\\u0041\"}"), LKD_OK);
    buf[10] = 'g';
    CHECK_EQ_INT(lkd_json_decode_string(&doc, 2, &s), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(parse("{\"a\":\"x\x01y\"}"), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(parse("{\"a\":\"xzy\"}"), LKD_OK);
    buf[7] = '\x1f';
    CHECK_EQ_INT(lkd_json_decode_string(&doc, 2, &s), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(parse("{\"a\":\"xyz\\\\\"}"), LKD_OK);
    buf[10] = 'q'; /* the escape now reads \q */
    CHECK_EQ_INT(lkd_json_decode_string(&doc, 2, &s), LKD_ERR_MALFORMED);

    /* Not a string. */
    CHECK_EQ_INT(parse("{\"a\":12,\"b\":{},\"c\":[],\"d\":null}"), LKD_OK);
    CHECK_EQ_INT(lkd_json_decode_string(&doc, lkd_json_find_key(&doc, 0, "a"), &s), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(lkd_json_decode_string(&doc, lkd_json_find_key(&doc, 0, "b"), &s), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(lkd_json_decode_string(&doc, lkd_json_find_key(&doc, 0, "c"), &s), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(lkd_json_decode_string(&doc, lkd_json_find_key(&doc, 0, "d"), &s), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(lkd_json_decode_string(&doc, 0, &s), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(lkd_json_decode_string(&doc, -1, &s), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(lkd_json_decode_string(&doc, 99, &s), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(lkd_json_decode_string(&doc, 1, NULL), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_json_decode_string(NULL, 1, &s), LKD_ERR_ARG_NULL);

    /* A decoded key: the span is right and look-ups still work. */
    CHECK_EQ_INT(parse("{\"k\\u00e9y\":\"v\",\"z\":1}"), LKD_OK);
    CHECK_EQ_INT(lkd_json_decode_string(&doc, 1, &s), LKD_OK);
    CHECK_SPAN(s.ptr, s.len, "k\xc3\xa9y");
    CHECK_EQ_INT(lkd_json_find_key(&doc, 0, "k\xc3\xa9y"), 2);
    CHECK_EQ_INT(lkd_json_find_key(&doc, 0, "z"), 4);
    idx = lkd_json_find_key(&doc, 0, "k\xc3\xa9y");
    CHECK_EQ_INT(lkd_json_decode_string(&doc, idx, &s), LKD_OK);
    CHECK_SPAN(s.ptr, s.len, "v");
}

static void test_get_int64(void)
{
    static const struct {
        const char *text;
        lkd_status_t st;
        int64_t value;
    } cases[] = {
        {"0", LKD_OK, 0},
        {"-0", LKD_OK, 0},
        {"7", LKD_OK, 7},
        {"-7", LKD_OK, -7},
        {"1048576", LKD_OK, 1048576},
        {"9223372036854775807", LKD_OK, INT64_MAX},
        {"-9223372036854775808", LKD_OK, INT64_MIN},
        {"9223372036854775808", LKD_ERR_MALFORMED, 0},
        {"-9223372036854775809", LKD_ERR_MALFORMED, 0},
        {"99999999999999999999", LKD_ERR_MALFORMED, 0},
        {"18446744073709551616", LKD_ERR_MALFORMED, 0},
        {"1.5", LKD_ERR_MALFORMED, 0},
        {"1.0", LKD_ERR_MALFORMED, 0},
        {"1e3", LKD_ERR_MALFORMED, 0},
        {"1E2", LKD_ERR_MALFORMED, 0},
        {"-1e-2", LKD_ERR_MALFORMED, 0},
        {"true", LKD_ERR_MALFORMED, 0},
        {"false", LKD_ERR_MALFORMED, 0},
        {"\"5\"", LKD_ERR_MALFORMED, 0},
        {"{}", LKD_ERR_MALFORMED, 0},
        {"[5]", LKD_ERR_MALFORMED, 0},
    };
    char text[64];
    size_t i;
    int64_t v;
    uint8_t is_null;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lkd_status_t st;
        strcpy(text, "{\"a\":");
        strcat(text, cases[i].text);
        strcat(text, "}");
        CHECK_EQ_INT(parse(text), LKD_OK);
        v = 12345;
        is_null = 9;
        st = lkd_json_get_int64(&doc, lkd_json_find_key(&doc, 0, "a"), &v, &is_null);
        if (st != cases[i].st) {
            fprintf(stderr, "get_int64(%s) gave %d\n", cases[i].text, (int)st);
        }
        CHECK_EQ_INT(st, cases[i].st);
        if (cases[i].st == LKD_OK) {
            CHECK(v == cases[i].value);
            CHECK_EQ_INT(is_null, 0);
        }
    }

    CHECK_EQ_INT(parse("{\"a\":null,\"b\":10,\"c\":12}"), LKD_OK);
    v = 5;
    is_null = 0;
    CHECK_EQ_INT(lkd_json_get_int64(&doc, 2, &v, &is_null), LKD_OK);
    CHECK_EQ_INT(is_null, 1);
    CHECK_EQ_INT(v, 0);
    CHECK_EQ_INT(lkd_json_get_int64(&doc, 2, &v, NULL), LKD_ERR_MALFORMED); /* null not acceptable */
    CHECK_EQ_INT(lkd_json_get_int64(&doc, -1, &v, NULL), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(lkd_json_get_int64(&doc, 99, &v, NULL), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(lkd_json_get_int64(&doc, 4, NULL, NULL), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_json_get_int64(NULL, 4, &v, NULL), LKD_ERR_ARG_NULL);
    /* Grammar the parser already refuses, put into a parsed buffer: the reader
     * checks on its own. */
    buf[14] = '0'; /* "10" -> "00" */
    CHECK_EQ_INT(lkd_json_get_int64(&doc, 4, &v, NULL), LKD_ERR_MALFORMED);
    buf[22] = '-'; /* "12" -> "1-" */
    CHECK_EQ_INT(lkd_json_get_int64(&doc, 6, &v, NULL), LKD_ERR_MALFORMED);
    buf[21] = '-'; /* "--" */
    CHECK_EQ_INT(lkd_json_get_int64(&doc, 6, &v, NULL), LKD_ERR_MALFORMED);
    CHECK_EQ_INT(parse("{\"a\":nul ,\"b\":-  }"), LKD_ERR_MALFORMED);
}

/* Write s[0..len) and compare the whole output with expect. */
static void check_written(const char *s, size_t len, const char *expect, int line)
{
    char out[256];
    size_t pos = 3;
    lkd_status_t st;
    memset(out, 'X', sizeof out);
    st = lkd_json_write_string(out, sizeof out, &pos, s, len);
    if (st == LKD_OK && pos == 3 + strlen(expect) && memcmp(out + 3, expect, strlen(expect)) == 0
        && memcmp(out, "XXX", 3) == 0 && out[pos] == 'X') {
        unit_passed++;
    } else {
        unit_failed++;
        fprintf(stderr, "test_json.c:%d: write_string gave %d: %.*s\n", line, (int)st, (int)(pos - 3), out + 3);
    }
}
#define CHECK_WRITTEN(lit, expect) check_written((lit), sizeof(lit) - 1, (expect), __LINE__)

static void check_write_refused(const char *s, size_t len, lkd_status_t expect, int line)
{
    char out[64];
    size_t pos = 2, i;
    lkd_status_t st;
    int untouched = 1;
    memset(out, 'X', sizeof out);
    st = lkd_json_write_string(out, sizeof out, &pos, s, len);
    for (i = 0; i < sizeof out; i++) {
        untouched &= out[i] == 'X';
    }
    if (st == expect && pos == 2 && untouched) {
        unit_passed++;
    } else {
        unit_failed++;
        fprintf(stderr, "test_json.c:%d: write_string gave %d, pos %u, untouched %d\n", line, (int)st,
                (unsigned)pos, untouched);
    }
}
#define CHECK_WRITE_REFUSED(lit) check_write_refused((lit), sizeof(lit) - 1, LKD_ERR_ARG_FORMAT, __LINE__)

static void test_write_string(void)
{
    char out[16];
    size_t pos;
    size_t i;
    static const char *const round_trip[] = {
        "", "plain", "quote \" backslash \\ slash /", "\b\f\n\r\t\x01\x1f\x7f",
        "\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf\xef\xbf\xbf\xee\x80\x80",
    };

    CHECK_WRITTEN("", "\"\"");
    CHECK_WRITTEN("abc", "\"abc\"");
    CHECK_WRITTEN("task-0123456789abcdef", "\"task-0123456789abcdef\"");
    CHECK_WRITTEN("a\"b\\c", "\"a\\\"b\\\\c\"");
    CHECK_WRITTEN("a/b", "\"a/b\"");
    CHECK_WRITTEN("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"");
    CHECK_WRITTEN("\x01\x1f\x0b", "\"\\u0001\\u001f\\u000b\"");
    CHECK_WRITTEN("\x7f", "\"\x7f\"");
    CHECK_WRITTEN("\xc3\xa9", "\"\xc3\xa9\"");
    CHECK_WRITTEN("\xe4\xb8\xad\xe6\x96\x87", "\"\xe4\xb8\xad\xe6\x96\x87\"");
    CHECK_WRITTEN("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
    CHECK_WRITTEN("\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
                  "\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"");
    check_written(NULL, 0, "\"\"", __LINE__);

    CHECK_WRITE_REFUSED("\xc0\x80");         /* overlong NUL */
    CHECK_WRITE_REFUSED("\xc1\xbf");         /* overlong */
    CHECK_WRITE_REFUSED("\xe0\x9f\xbf");     /* overlong 3-byte */
    CHECK_WRITE_REFUSED("\xf0\x8f\xbf\xbf"); /* overlong 4-byte */
    CHECK_WRITE_REFUSED("a\x80");            /* lone continuation */
    CHECK_WRITE_REFUSED("\xbf");
    CHECK_WRITE_REFUSED("\xed\xa0\x80");     /* surrogate U+D800 */
    CHECK_WRITE_REFUSED("\xed\xbf\xbf");     /* surrogate U+DFFF */
    CHECK_WRITE_REFUSED("\xf4\x90\x80\x80"); /* U+110000 */
    CHECK_WRITE_REFUSED("\xf5\x80\x80\x80");
    CHECK_WRITE_REFUSED("\xff");
    CHECK_WRITE_REFUSED("\xe4\xb8");         /* truncated at the end */
    CHECK_WRITE_REFUSED("\xe4\xb8x");        /* truncated in the middle */
    CHECK_WRITE_REFUSED("\xf0\x9f\x98");
    CHECK_WRITE_REFUSED("\xc3");
    CHECK_WRITE_REFUSED("ab\0cd");           /* NUL */
    /* Invalid input is reported as such even when it would not fit either. */
    check_write_refused("0123456789012345678901234567890123456789012345678901234567890123456789\xff", 71,
                        LKD_ERR_ARG_FORMAT, __LINE__);
    check_write_refused("0123456789012345678901234567890123456789012345678901234567890123456789", 70,
                        LKD_ERR_BUFFER_TOO_SMALL, __LINE__);

    /* Exact fit and one byte short. */
    memset(out, 'X', sizeof out);
    pos = 2;
    CHECK_EQ_INT(lkd_json_write_string(out, 2 + 6, &pos, "a\"b", 3), LKD_OK); /* "a\"b" is 6 */
    CHECK_EQ_INT(pos, 8);
    CHECK(memcmp(out + 2, "\"a\\\"b\"", 6) == 0 && out[8] == 'X');
    memset(out, 'X', sizeof out);
    pos = 2;
    CHECK_EQ_INT(lkd_json_write_string(out, 2 + 5, &pos, "a\"b", 3), LKD_ERR_BUFFER_TOO_SMALL);
    CHECK_EQ_INT(pos, 2);
    for (i = 0; i < sizeof out; i++) {
        CHECK(out[i] == 'X');
    }
    pos = 0;
    CHECK_EQ_INT(lkd_json_write_string(out, 8, &pos, "\x01", 1), LKD_OK); /* "\u0001" is 8 */
    CHECK_EQ_INT(pos, 8);
    pos = 0;
    CHECK_EQ_INT(lkd_json_write_string(out, 7, &pos, "\x01", 1), LKD_ERR_BUFFER_TOO_SMALL);
    CHECK_EQ_INT(pos, 0);
    pos = 0;
    CHECK_EQ_INT(lkd_json_write_string(out, 1, &pos, "", 0), LKD_ERR_BUFFER_TOO_SMALL);
    pos = 0;
    CHECK_EQ_INT(lkd_json_write_string(out, 0, &pos, "", 0), LKD_ERR_BUFFER_TOO_SMALL);
    pos = 5;
    CHECK_EQ_INT(lkd_json_write_string(out, 7, &pos, "", 0), LKD_OK);
    CHECK_EQ_INT(pos, 7);

    /* Arguments. */
    pos = 9;
    CHECK_EQ_INT(lkd_json_write_string(out, 8, &pos, "a", 1), LKD_ERR_ARG_RANGE); /* pos past cap */
    CHECK_EQ_INT(pos, 9);
    CHECK_EQ_INT(lkd_json_write_string(NULL, 8, &pos, "a", 1), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_json_write_string(out, 8, NULL, "a", 1), LKD_ERR_ARG_NULL);
    pos = 0;
    CHECK_EQ_INT(lkd_json_write_string(out, 8, &pos, NULL, 1), LKD_ERR_ARG_NULL);

    /* What the writer produces, the parser and decoder give back unchanged. */
    for (i = 0; i < sizeof round_trip / sizeof round_trip[0]; i++) {
        char text[128];
        lkd_span_t s;
        size_t n = strlen(round_trip[i]);
        pos = 5;
        memcpy(text, "{\"a\":", 5);
        CHECK_EQ_INT(lkd_json_write_string(text, sizeof text - 1, &pos, round_trip[i], n), LKD_OK);
        text[pos++] = '}';
        text[pos] = '\0';
        CHECK_EQ_INT(decode_value(text, &s), LKD_OK);
        CHECK(s.len == n && memcmp(s.ptr, round_trip[i], n) == 0);
    }
}

/* Text that jsmn and the grammar both accept but whose strings the decoder
 * must still refuse, and valid corners of the number and UTF-8 grammars. */
static void test_crafted(void)
{
    static const char *const ok[] = {
        "{\"a\":-0}", "{\"a\":-1.5e-3}", "{\"a\":1E+2}", "{\"a\":0.0e0}", "[true,false,null,-9]",
        "{\"a\":\"\\u00E9\\u00e9\\uABCD\\uabcd\"}", "[[],{},[{}],{\"a\":[]}]", " [ 1 , \"x\" ] ",
        "{\"a\":\"\xF4\x8F\xBF\xBF\"}", "{\"a\":\"\xF3\x80\x80\x80\"}",
    };
    static const char *const bad_decode[] = {
        "{\"a\":\"\xF4\x90\x80\x80\"}",     /* above U+10FFFF */
        "{\"a\":\"\xE4\xB8\x41\"}",         /* third byte not a continuation */
        "{\"a\":\"\xF0\x9F\x98\x41\"}",     /* fourth byte not a continuation */
        "{\"a\":\"\xE4\xB8\xFF\"}",         /* third byte above the continuation range */
        "{\"a\":\"\\uD800\\u0041\"}",       /* high surrogate, then no low one */
        "{\"a\":\"\\uD800\\uE000\"}",
        "{\"a\":\"\\uD800\\n\"}",
        "{\"a\":\"\\uD800x\"}",
        "{\"a\":\"\\uD800xyz\"}",
        "{\"a\":\"\\uD800\\\\u\"}",
    };
    static const char *const bad_parse[] = {"[1e5x]", "[1.5x]", "[-x]", "[0e]", "[1E-]"};
    size_t i;
    lkd_span_t sp;
    for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        lkd_status_t st = parse(ok[i]);
        if (st != LKD_OK) {
            fprintf(stderr, "valid JSON #%u gave %d: %s\n", (unsigned)i, (int)st, ok[i]);
        }
        CHECK_EQ_INT(st, LKD_OK);
    }
    for (i = 0; i < sizeof bad_parse / sizeof bad_parse[0]; i++) {
        CHECK_EQ_INT(parse(bad_parse[i]), LKD_ERR_MALFORMED);
    }
    CHECK_EQ_INT(decode_value("{\"a\":\"\xF3\x80\x80\x80\"}", &sp), LKD_OK);
    CHECK_SPAN(sp.ptr, sp.len, "\xF3\x80\x80\x80");
    CHECK_EQ_INT(decode_value("{\"a\":\"\xF4\x8F\xBF\xBF\"}", &sp), LKD_OK);
    CHECK_SPAN(sp.ptr, sp.len, "\xF4\x8F\xBF\xBF");
    CHECK_EQ_INT(decode_value("{\"a\":\"\\u00E9\\uABCD\\uabcd\"}", &sp), LKD_OK);
    CHECK_SPAN(sp.ptr, sp.len, "\xC3\xA9\xEA\xAF\x8D\xEA\xAF\x8D");
    for (i = 0; i < sizeof bad_decode / sizeof bad_decode[0]; i++) {
        CHECK_EQ_INT(decode_value(bad_decode[i], &sp), LKD_ERR_MALFORMED);
    }
    /* A token budget above INT_MAX is only capped (jsmn fills what it needs). */
    CHECK_EQ_INT(parse_n("[1]", 3, UINT_MAX), LKD_OK);
    CHECK_EQ_INT(doc.count, 2);
    {
        char o[4];
        size_t pos = 3;
        CHECK_EQ_INT(lkd_json_write_string(o, sizeof o, &pos, "\"", 1), LKD_ERR_BUFFER_TOO_SMALL);
        CHECK_EQ_INT(pos, 3);
    }
}

/* A document not made by lkd_json_parse (the struct is public): the helpers
 * still stay inside the text and refuse what they cannot trust. */
static void hand_doc(const char *text, lkd_json_type_t type, int start, int end, int size, int parent)
{
    strcpy(buf, text);
    doc.json = buf;
    doc.len = strlen(text);
    doc.tokens = toks;
    doc.count = 1;
    toks[0].type = type;
    toks[0].start = start;
    toks[0].end = end;
    toks[0].size = size;
    toks[0].parent = parent;
}

static void test_hand_made(void)
{
    static const char *const bad_escapes[] = {
        "\"\\u12\"", "\"ab\\\"", "\"\\u/000\"", "\"\\u:000\"", "\"\\u@000\"", "\"\\uG000\"", "\"\\u`000\"",
        "\"\\ug000\"", "\"\\uD800\\\"", "\"\\uD800\\u12\"",
    };
    size_t i;
    lkd_span_t sp;
    int64_t v = 0;

    for (i = 0; i < sizeof bad_escapes / sizeof bad_escapes[0]; i++) {
        const char *t = bad_escapes[i];
        hand_doc(t, LKD_JSON_STRING, 1, (int)strlen(t) - 1, 0, -1);
        CHECK_EQ_INT(lkd_json_decode_string(&doc, 0, &sp), LKD_ERR_MALFORMED);
    }
    /* Token bounds outside the text. */
    hand_doc("\"ab\"", LKD_JSON_STRING, -1, 2, 0, -1);
    CHECK_EQ_INT(lkd_json_decode_string(&doc, 0, &sp), LKD_ERR_MALFORMED);
    hand_doc("\"ab\"", LKD_JSON_STRING, 2, 1, 0, -1);
    CHECK_EQ_INT(lkd_json_decode_string(&doc, 0, &sp), LKD_ERR_MALFORMED);
    hand_doc("\"ab\"", LKD_JSON_STRING, 1, 4, 0, -1);
    CHECK_EQ_INT(lkd_json_decode_string(&doc, 0, &sp), LKD_ERR_MALFORMED);
    hand_doc("\"ab\"", LKD_JSON_STRING, 1, 3, 0, -1);
    CHECK_EQ_INT(lkd_json_decode_string(&doc, 0, NULL), LKD_ERR_ARG_NULL);
    doc.json = NULL;
    CHECK_EQ_INT(lkd_json_decode_string(&doc, 0, &sp), LKD_ERR_ARG_NULL);
    doc.json = buf;
    doc.tokens = NULL;
    CHECK_EQ_INT(lkd_json_decode_string(&doc, 0, &sp), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_json_get_int64(&doc, 0, &v, NULL), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_json_skip(&doc, 0), 1);
    CHECK_EQ_INT(lkd_json_find_key(&doc, 0, "k"), -1);

    /* Numbers the grammar would have refused. */
    hand_doc("-", LKD_JSON_PRIMITIVE, 0, 1, 0, -1);
    CHECK_EQ_INT(lkd_json_get_int64(&doc, 0, &v, NULL), LKD_ERR_MALFORMED);
    hand_doc("1", LKD_JSON_PRIMITIVE, 0, 0, 0, -1);
    CHECK_EQ_INT(lkd_json_get_int64(&doc, 0, &v, NULL), LKD_ERR_MALFORMED);
    hand_doc("1", LKD_JSON_PRIMITIVE, 0, 1, 0, -1);
    CHECK_EQ_INT(lkd_json_get_int64(&doc, 0, NULL, NULL), LKD_ERR_ARG_NULL);
    CHECK_EQ_INT(lkd_json_get_int64(&doc, -1, &v, NULL), LKD_ERR_MALFORMED);

    /* A key as the last token: skipping it ends the document. */
    hand_doc("\"k\"", LKD_JSON_STRING, 1, 2, 1, -1);
    CHECK_EQ_INT(lkd_json_skip(&doc, 0), 1);
    CHECK_EQ_INT(lkd_json_skip(&doc, -1), 1);

    /* An object whose member tokens do not hang under it, or are missing. */
    hand_doc("{\"k\":1}", LKD_JSON_OBJECT, 0, 7, 1, -1);
    doc.count = 3;
    toks[1].type = LKD_JSON_STRING; toks[1].start = 2; toks[1].end = 3; toks[1].size = 1; toks[1].parent = 0;
    toks[2].type = LKD_JSON_PRIMITIVE; toks[2].start = 5; toks[2].end = 6; toks[2].size = 0; toks[2].parent = 1;
    CHECK_EQ_INT(lkd_json_find_key(&doc, 0, "k"), 2);
    toks[1].parent = 5;
    CHECK_EQ_INT(lkd_json_find_key(&doc, 0, "k"), -1);
    toks[1].parent = 0;
    toks[1].type = LKD_JSON_PRIMITIVE;
    CHECK_EQ_INT(lkd_json_find_key(&doc, 0, "k"), -1);
    toks[1].type = LKD_JSON_STRING;
    toks[0].size = 2; /* claims a second member the tokens do not have */
    CHECK_EQ_INT(lkd_json_find_key(&doc, 0, "x"), -1);
    doc.count = 2;
    CHECK_EQ_INT(lkd_json_find_key(&doc, 0, "k"), -1);
}

int main(void)
{
    test_parse_valid();
    test_parse_invalid();
    test_parse_limits();
    test_skip();
    test_find_key();
    test_absent();
    test_decode_string();
    test_get_int64();
    test_write_string();
    test_crafted();
    test_hand_made();
    return unit_report("json");
}
