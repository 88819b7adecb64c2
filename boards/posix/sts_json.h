/* SPDX-License-Identifier: MIT */
/*
 * sts_json.h - the temporary credentials a credentials process prints, in
 * the shapes of Tencent Cloud's STS answers:
 *     {"Credentials":{"TmpSecretId","TmpSecretKey","Token"},"ExpiredTime":N}
 *     the same inside {"Response":{...}}
 *     {"TmpSecretId","TmpSecretKey","Token","ExpiredTime"}      (flat)
 * Strict JSON (RFC 8259: one value, no trailing bytes, no duplicate keys in
 * the objects read); other keys are ignored.
 */
#ifndef LKEDOC_STS_JSON_H
#define LKEDOC_STS_JSON_H

#include <stddef.h>
#include <stdint.h>

#define STS_JSON_VALUE_MAX 4096u /* bytes of one decoded value */

typedef struct {
    char secret_id[STS_JSON_VALUE_MAX];
    char secret_key[STS_JSON_VALUE_MAX];
    char token[STS_JSON_VALUE_MAX];
    size_t secret_id_len, secret_key_len, token_len;
    int64_t expired_time;
} sts_json_t;

/* Parse text[0..len) into *out (zeroed first).  0, or -1 with a message in
 * err that quotes no value of the text (only key names and byte offsets):
 * "not JSON at byte 12", "no Credentials.TmpSecretId", "ExpiredTime is not
 * an integer".  The caller wipes *out after use. */
int sts_json_parse(const char *text, size_t len, sts_json_t *out, char *err, size_t err_len);

#endif
