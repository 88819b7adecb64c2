/* SPDX-License-Identifier: MIT */
/*
 * lkd_json.h - bounded helpers over jsmn tokens, working in place.
 *
 * jsmn only tokenizes; these helpers find keys, skip subtrees, read integers
 * with overflow checks and decode strings (every JSON escape, \uXXXX and
 * surrogate pairs included) inside the same buffer.  jsmn is built with
 * JSMN_STRICT, JSMN_PARENT_LINKS and JSMN_STATIC inside lkd_json.c only: its
 * header reaches no other file, and the library exports no jsmn symbol.  The
 * tokens are lkd_json_token_t (lkd_internal.h), jsmn's layout.
 */
#ifndef LKD_JSON_H
#define LKD_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "lkd_internal.h"
#include "lkd_types.h"

typedef struct {
    char *json;          /* the text, decoded in place by lkd_json_decode_string */
    size_t len;
    lkd_json_token_t *tokens;
    int count;           /* tokens filled */
} lkd_json_doc_t;

/* Tokenize len bytes of json into tokens[max_tokens] with jsmn (jsmn_init
 * first), and nothing more: this is no validator.  jsmn accepts much that is
 * not JSON even in strict mode ("[1 2]", "{"a":1,}", "tru", "01", several
 * top-level values, a NUL byte ends its input...), and then the tokens are
 * not the text's tree.  So the caller must have run the very bytes through
 * the grammar first: lkd_pages_put then lkd_pages_end giving LKD_OK
 * (lkd_pages.h), as lkd_decode.c does for every answer.  What it checks
 * itself: the arguments, len against jsmn's int offsets, the token budget,
 * and jsmn's own errors (a bracket or string left open, a byte jsmn's strict
 * mode refuses where a token starts, nothing but white space).  On any text
 * the tokens stay inside json[0..len) and the helpers below stay inside the
 * text and the tokens.
 * Errors: LKD_ERR_ARG_NULL; LKD_ERR_RESPONSE_TOO_LARGE when max_tokens is not
 * enough or len does not fit jsmn's int offsets; LKD_ERR_MALFORMED for what
 * jsmn refuses (doc->count is 0 after any error). */
lkd_status_t lkd_json_parse(lkd_json_doc_t *doc, char *json, size_t len, lkd_json_token_t *tokens, unsigned max_tokens);

/* 1 when a member is absent (index < 0, as lkd_json_find_key says) or null,
 * which the service's answers use alike; 0 otherwise. */
int lkd_json_absent(const lkd_json_doc_t *doc, int index);

/* Index of the token after the subtree rooted at index (count when it is the
 * last, or when index is out of range).  An object key's subtree includes its
 * value. */
int lkd_json_skip(const lkd_json_doc_t *doc, int index);

/* Index of the value of key in the object at object_index, or -1 when the
 * token is not an object or has no such key.  Keys are compared byte for byte
 * against their raw (still escaped) text.  Only the object's own members are
 * looked at (values are skipped whole, so the cost is linear in the object's
 * tokens); of two equal keys the first wins. */
int lkd_json_find_key(const lkd_json_doc_t *doc, int object_index, const char *key);

/* Decode the string token at index in place and NUL-terminate it.  Decoding
 * twice is harmless: the token remembers it (its end moves to the decoded end,
 * where the NUL now stands instead of the closing quote).  The result is valid
 * UTF-8 without NUL.  On error the buffer is left untouched.
 * Errors: LKD_ERR_MALFORMED when the token is not a string or holds an invalid
 * escape, a lone surrogate, \u0000 (a NUL would cut C strings short), a raw
 * control character or invalid raw UTF-8. */
lkd_status_t lkd_json_decode_string(lkd_json_doc_t *doc, int index, lkd_span_t *out);

/* Read the integer token at index.  *is_null (may be NULL only when null is
 * not acceptable) is set to 1 for JSON null with *out = 0.
 * Errors: LKD_ERR_MALFORMED when it is not an integer (fraction, exponent,
 * string, ...) or does not fit int64_t. */
lkd_status_t lkd_json_get_int64(const lkd_json_doc_t *doc, int index, int64_t *out, uint8_t *is_null);

/* Append s[0..len) as a JSON string (quotes included) to out[*pos..cap),
 * escaping '"', '\\' and control characters; UTF-8 passes through unchanged
 * but must be valid.  *pos advances only on success.
 * Errors: LKD_ERR_BUFFER_TOO_SMALL; LKD_ERR_ARG_FORMAT for invalid UTF-8 or a
 * NUL byte; LKD_ERR_ARG_NULL; LKD_ERR_ARG_RANGE for *pos past cap. */
lkd_status_t lkd_json_write_string(char *out, size_t cap, size_t *pos, const char *s, size_t len);

#endif /* LKD_JSON_H */
