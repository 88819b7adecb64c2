/* SPDX-License-Identifier: MIT */
/*
 * sts_json.c - a strict reader of STS-shaped credentials (see sts_json.h).
 * The CLI links only the public API, not the core's JSON tokenizer: this is
 * a small recursive-descent checker of the whole text that notes where the
 * four wanted values sit, then decodes the ones of the shape it found.
 */
#include "sts_json.h"

#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 32

/* Where a value may be taken from: the top object, Response, and the
 * Credentials object in either. */
enum { AT_TOP, AT_RESPONSE, AT_CREDS_TOP, AT_CREDS_RESPONSE, AT_COUNT, AT_NONE = -1 };
enum { K_ID, K_KEY, K_TOKEN, K_EXPIRED, K_RESPONSE, K_CREDENTIALS, K_COUNT };
static const char *const key_names[K_COUNT] = {"TmpSecretId", "TmpSecretKey", "Token", "ExpiredTime", "Response",
                                               "Credentials"};

typedef struct {
    const char *s;
    size_t len, pos;
    struct {
        const char *at[K_COUNT]; /* the value's first byte in s, NULL when absent */
        size_t n[K_COUNT];
    } slot[AT_COUNT];
    char *err;
    size_t err_len;
} reader_t;

static int fail(reader_t *r, const char *what)
{
    snprintf(r->err, r->err_len, "%s at byte %zu", what, r->pos);
    return -1;
}

static void skip_ws(reader_t *r)
{
    while (r->pos < r->len && (r->s[r->pos] == ' ' || r->s[r->pos] == '\t' || r->s[r->pos] == '\n' ||
                               r->s[r->pos] == '\r')) {
        r->pos++;
    }
}

static int hex4(const char *p, unsigned *v)
{
    int i;
    *v = 0;
    for (i = 0; i < 4; i++) {
        char c = p[i];
        *v <<= 4;
        if (c >= '0' && c <= '9') {
            *v |= (unsigned)(c - '0');
        } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
            *v |= (unsigned)((c | 0x20) - 'a' + 10);
        } else {
            return -1;
        }
    }
    return 0;
}

/* The length of the UTF-8 sequence at p (at most n bytes), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    size_t k, i;
    unsigned cp;
    if (p[0] < 0x80) {
        return 1;
    }
    k = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 && p[0] < 0xe0 ? 2 : 0;
    if (k == 0 || k > n) {
        return 0;
    }
    cp = p[0] & (0x7fu >> k);
    for (i = 1; i < k; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (p[i] & 0x3fu);
    }
    /* Overlong forms, surrogates and values past U+10FFFF. */
    if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp < 0xe000)) {
        return 0;
    }
    return k;
}

/* The UTF-8 form of cp in buf; its length. */
static size_t put_utf8(unsigned cp, char *buf)
{
    if (cp < 0x80) {
        buf[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (char)(0xc0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        buf[0] = (char)(0xe0 | (cp >> 12));
        buf[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        buf[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    buf[0] = (char)(0xf0 | (cp >> 18));
    buf[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    buf[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    buf[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* A \uXXXX at r->pos: its value in *cp, r->pos past it; -1 when there is none. */
static int u_escape(reader_t *r, unsigned *cp)
{
    if (r->pos + 6 > r->len || r->s[r->pos] != '\\' || r->s[r->pos + 1] != 'u' || hex4(r->s + r->pos + 2, cp) != 0) {
        return -1;
    }
    r->pos += 6;
    return 0;
}

/* The escape at r->pos (its backslash), decoded into buf: its length, 0 after fail(). */
static size_t escape(reader_t *r, char *buf)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *e = r->pos + 1 < r->len ? memchr(from, r->s[r->pos + 1], sizeof from - 1) : NULL;
    unsigned cp, lo;
    if (e != NULL) {
        buf[0] = to[e - from];
        r->pos += 2;
        return 1;
    }
    if (u_escape(r, &cp) != 0) {
        return (size_t)(fail(r, "bad escape") + 1);
    }
    if (cp >= 0xdc00 && cp < 0xe000) {
        return (size_t)(fail(r, "unpaired surrogate") + 1);
    }
    if (cp >= 0xd800 && cp < 0xdc00) {
        if (u_escape(r, &lo) != 0 || lo < 0xdc00 || lo >= 0xe000) {
            return (size_t)(fail(r, "unpaired surrogate") + 1);
        }
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
    }
    return put_utf8(cp, buf);
}

/* The character at r->pos, decoded into buf: its length, 0 after fail(). */
static size_t next_char(reader_t *r, char *buf)
{
    unsigned char c = (unsigned char)r->s[r->pos];
    size_t k;
    if (c < 0x20) {
        return (size_t)(fail(r, "control character in a string") + 1);
    }
    if (c == '\\') {
        return escape(r, buf);
    }
    k = utf8_len((const unsigned char *)r->s + r->pos, r->len - r->pos);
    if (k == 0) {
        return (size_t)(fail(r, "not UTF-8") + 1);
    }
    memcpy(buf, r->s + r->pos, k);
    r->pos += k;
    return k;
}

/* Check a string at r->pos (its opening quote) and step past it; with out,
 * decode it there too (at most cap bytes, *out_len its length). */
static int string_value(reader_t *r, char *out, size_t cap, size_t *out_len)
{
    size_t n = 0;
    r->pos++;
    while (r->pos < r->len && r->s[r->pos] != '"') {
        char buf[4];
        size_t k = next_char(r, buf);
        if (k == 0) {
            return -1;
        }
        if (out != NULL) {
            if (n + k > cap) {
                return fail(r, "value too long");
            }
            memcpy(out + n, buf, k);
        }
        n += k;
    }
    if (r->pos >= r->len) {
        return fail(r, "unterminated string");
    }
    r->pos++;
    if (out_len != NULL) {
        *out_len = n;
    }
    return 0;
}

static int number_value(reader_t *r)
{
    size_t start = r->pos;
    const char *s = r->s;
#define DIGIT(i) ((i) < r->len && s[i] >= '0' && s[i] <= '9')
    if (r->pos < r->len && s[r->pos] == '-') {
        r->pos++;
    }
    if (!DIGIT(r->pos)) {
        return fail(r, "not JSON");
    }
    if (s[r->pos] == '0') {
        r->pos++;
    } else {
        while (DIGIT(r->pos)) {
            r->pos++;
        }
    }
    if (r->pos < r->len && s[r->pos] == '.') {
        r->pos++;
        if (!DIGIT(r->pos)) {
            return fail(r, "not JSON");
        }
        while (DIGIT(r->pos)) {
            r->pos++;
        }
    }
    if (r->pos < r->len && (s[r->pos] == 'e' || s[r->pos] == 'E')) {
        r->pos++;
        if (r->pos < r->len && (s[r->pos] == '+' || s[r->pos] == '-')) {
            r->pos++;
        }
        if (!DIGIT(r->pos)) {
            return fail(r, "not JSON");
        }
        while (DIGIT(r->pos)) {
            r->pos++;
        }
    }
#undef DIGIT
    return r->pos > start ? 0 : -1;
}

static int value(reader_t *r, int at, int depth);

/* An object whose members are noted in slot `at` (AT_NONE: nowhere). */
static int object_value(reader_t *r, int at, int depth)
{
    r->pos++;
    skip_ws(r);
    if (r->pos < r->len && r->s[r->pos] == '}') {
        r->pos++;
        return 0;
    }
    for (;;) {
        size_t key_at, key_len;
        int k, inner = AT_NONE;
        skip_ws(r);
        if (r->pos >= r->len || r->s[r->pos] != '"') {
            return fail(r, "expected a key");
        }
        key_at = r->pos + 1;
        if (string_value(r, NULL, 0, NULL) != 0) {
            return -1;
        }
        key_len = r->pos - 1 - key_at; /* raw: an escaped key matches none */
        skip_ws(r);
        if (r->pos >= r->len || r->s[r->pos] != ':') {
            return fail(r, "expected ':'");
        }
        r->pos++;
        skip_ws(r);
        for (k = 0; at != AT_NONE && k < K_COUNT; k++) {
            if (strlen(key_names[k]) == key_len && memcmp(r->s + key_at, key_names[k], key_len) == 0) {
                if (r->slot[at].at[k] != NULL) {
                    snprintf(r->err, r->err_len, "%s appears twice", key_names[k]);
                    return -1;
                }
                r->slot[at].at[k] = r->s + r->pos;
                break;
            }
        }
        if (k == K_RESPONSE && at == AT_TOP) {
            inner = AT_RESPONSE;
        } else if (k == K_CREDENTIALS && (at == AT_TOP || at == AT_RESPONSE)) {
            inner = at == AT_TOP ? AT_CREDS_TOP : AT_CREDS_RESPONSE;
        }
        if (value(r, inner, depth + 1) != 0) {
            return -1;
        }
        if (k < K_COUNT && at != AT_NONE) {
            r->slot[at].n[k] = (size_t)(r->s + r->pos - r->slot[at].at[k]);
        }
        skip_ws(r);
        if (r->pos < r->len && r->s[r->pos] == ',') {
            r->pos++;
            continue;
        }
        if (r->pos < r->len && r->s[r->pos] == '}') {
            r->pos++;
            return 0;
        }
        return fail(r, "expected ',' or '}'");
    }
}

static int value(reader_t *r, int at, int depth)
{
    char c;
    if (depth > MAX_DEPTH) {
        return fail(r, "nested too deeply");
    }
    skip_ws(r);
    if (r->pos >= r->len) {
        return fail(r, "cut short");
    }
    c = r->s[r->pos];
    if (c == '{') {
        return object_value(r, at, depth);
    }
    if (c == '[') {
        r->pos++;
        skip_ws(r);
        if (r->pos < r->len && r->s[r->pos] == ']') {
            r->pos++;
            return 0;
        }
        for (;;) {
            if (value(r, AT_NONE, depth + 1) != 0) {
                return -1;
            }
            skip_ws(r);
            if (r->pos < r->len && r->s[r->pos] == ',') {
                r->pos++;
                continue;
            }
            if (r->pos < r->len && r->s[r->pos] == ']') {
                r->pos++;
                return 0;
            }
            return fail(r, "expected ',' or ']'");
        }
    }
    if (c == '"') {
        return string_value(r, NULL, 0, NULL);
    }
    if (r->len - r->pos >= 4 && (memcmp(r->s + r->pos, "true", 4) == 0 || memcmp(r->s + r->pos, "null", 4) == 0)) {
        r->pos += 4;
        return 0;
    }
    if (r->len - r->pos >= 5 && memcmp(r->s + r->pos, "false", 5) == 0) {
        r->pos += 5;
        return 0;
    }
    return number_value(r);
}

/* Decode the string value of key k in slot at into out. */
static int take_string(reader_t *r, int at, int k, const char *prefix, char *out, size_t *out_len)
{
    const char *v = r->slot[at].at[k];
    if (v == NULL) {
        snprintf(r->err, r->err_len, "no %s%s", prefix, key_names[k]);
        return -1;
    }
    if (*v != '"') {
        snprintf(r->err, r->err_len, "%s%s is not a string", prefix, key_names[k]);
        return -1;
    }
    r->pos = (size_t)(v - r->s);
    if (string_value(r, out, STS_JSON_VALUE_MAX, out_len) != 0) {
        snprintf(r->err, r->err_len, "%s%s is longer than %u bytes", prefix, key_names[k], STS_JSON_VALUE_MAX);
        return -1;
    }
    return 0;
}

int sts_json_parse(const char *text, size_t len, sts_json_t *out, char *err, size_t err_len)
{
    static reader_t r; /* a few hundred bytes off the stack; one parse at a time */
    int root, creds;
    const char *v;
    size_t i, n;
    int64_t t = 0;
    char prefix[32];

    memset(out, 0, sizeof *out);
    memset(&r, 0, sizeof r);
    r.s = text;
    r.len = len;
    r.err = err;
    r.err_len = err_len;
    skip_ws(&r);
    if (r.pos >= r.len || r.s[r.pos] != '{') {
        return fail(&r, "not a JSON object");
    }
    if (value(&r, AT_TOP, 0) != 0) {
        return -1;
    }
    skip_ws(&r);
    if (r.pos != r.len) {
        return fail(&r, "bytes after the JSON object");
    }
    v = r.slot[AT_TOP].at[K_RESPONSE];
    if (v != NULL && *v != '{') {
        snprintf(err, err_len, "Response is not an object");
        return -1;
    }
    root = v != NULL ? AT_RESPONSE : AT_TOP;
    v = r.slot[root].at[K_CREDENTIALS];
    if (v != NULL && *v != '{') {
        snprintf(err, err_len, "%sCredentials is not an object", root == AT_RESPONSE ? "Response." : "");
        return -1;
    }
    creds = v == NULL ? root : root == AT_TOP ? AT_CREDS_TOP : AT_CREDS_RESPONSE;
    snprintf(prefix, sizeof prefix, "%s%s", root == AT_RESPONSE ? "Response." : "",
             creds != root ? "Credentials." : "");
    if (take_string(&r, creds, K_ID, prefix, out->secret_id, &out->secret_id_len) != 0 ||
        take_string(&r, creds, K_KEY, prefix, out->secret_key, &out->secret_key_len) != 0 ||
        take_string(&r, creds, K_TOKEN, prefix, out->token, &out->token_len) != 0) {
        return -1;
    }
    prefix[root == AT_RESPONSE ? 9 : 0] = '\0'; /* ExpiredTime sits beside Credentials */
    v = r.slot[root].at[K_EXPIRED];
    n = r.slot[root].n[K_EXPIRED];
    if (v == NULL) {
        snprintf(err, err_len, "no %sExpiredTime", prefix);
        return -1;
    }
    /* Whole seconds: digits only, and a time a 64-bit second count keeps (about year 33658). */
    for (i = 0; i < n && i < 13 && v[i] >= '0' && v[i] <= '9'; i++) {
        t = t * 10 + (v[i] - '0');
    }
    if (i != n || n == 0 || n > 12) {
        snprintf(err, err_len, "%sExpiredTime is not a whole number of seconds", prefix);
        return -1;
    }
    out->expired_time = t;
    return 0;
}
