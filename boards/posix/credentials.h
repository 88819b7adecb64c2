/*
 * credentials.h - where the host CLI finds its Tencent Cloud credentials, in
 * the order the official tools use: TENCENTCLOUD_SECRET_ID /
 * TENCENTCLOUD_SECRET_KEY (+ optional TENCENTCLOUD_TOKEN) from the
 * environment, else the [default] section of ~/.tencentcloud/credentials
 * (or the file named by TENCENTCLOUD_CREDENTIALS_FILE): keys secret_id,
 * secret_key and optionally token.
 */
#ifndef LKEDOC_CREDENTIALS_H
#define LKEDOC_CREDENTIALS_H

#include <stddef.h>

typedef struct {
    char secret_id[128];
    char secret_key[128];
    char token[2048];
    char source[300]; /* "environment" or the file's path, for messages */
} credentials_t;

/* 0 when both a SecretId and a SecretKey were found; -1 with a message in
 * err (NUL-terminated) otherwise.  A credentials file that other users may
 * read is refused. */
int credentials_load(credentials_t *creds, char *err, size_t err_len);

/* Overwrite every secret in *creds. */
void credentials_wipe(credentials_t *creds);

#endif
