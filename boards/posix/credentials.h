/* SPDX-License-Identifier: MIT */
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

#define CREDENTIALS_LINE_MAX 4096u        /* bytes of one line, its newline excluded */
#define CREDENTIALS_FILE_MAX (64u * 1024u) /* a larger file is refused */

typedef struct {
    /* 128 bytes of id (the longest the library sends) and of key, 4096 of
     * token: what a credentials process may give too. */
    char secret_id[129];
    char secret_key[129];
    char token[4097];
    char source[300]; /* "environment" or the file's path, for messages */
    char process[CREDENTIALS_LINE_MAX + 1]; /* credentials_process = CMD, or "" */
} credentials_t;

/* 0 when both a SecretId and a SecretKey were found, or (in the file's
 * section, without them) a credentials_process command; -1 with a message in
 * err (NUL-terminated, never holding a secret) otherwise.  A credentials
 * file is refused unless it is a regular file owned by the caller (root
 * included) that nobody else may read or write; every check that cannot be
 * made is a refusal.  Surrounding spaces, tabs, CR and LF are dropped
 * from the three variables' values; a value still empty, too long, with a
 * quote mark at either end, or holding a space, a control or a non-ASCII
 * byte (a SecretId: any byte but letters, digits, '-', '.' and '_') is
 * refused, err naming the variable (or the file, line and key) and the
 * byte, never the value.  A file that is a directory, a device or a pipe,
 * or empty, is refused as that.  The secret key and token taken from the
 * environment are wiped from it (their bytes overwritten, the variables unset), so
 * /proc/PID/environ and child processes do not see them. */
int credentials_load(credentials_t *creds, char *err, size_t err_len);

/* Parse the INI text buf[0..len) (a credentials file's contents) into
 * *creds, which the caller zeroed.  "name" is used in messages.  A line
 * longer than CREDENTIALS_LINE_MAX or a NUL byte anywhere is an error: a cut
 * line's tail must never be read as a key of its own.  A leading UTF-8 byte
 * order mark is skipped and CR LF line ends read; keys and values are
 * trimmed, and a key ends at the first '=' or ':' (as Python's configparser
 * reads the file).  A [section] header may be followed by a comment; other
 * sections' lines are not read.  A line of [default] that is not blank, a
 * comment or key = value, and a '[' line without ']' anywhere, is an error
 * (with its number); so is a secret's value refused as the variables' are,
 * or followed by a "# comment".  0 or -1 (with err), as credentials_load;
 * the missing-key check is included, and names up to three keys of
 * [default] that are not read when one is missing (a key over 20 bytes or
 * of other bytes than a SecretId's is described, never shown). */
int credentials_parse(credentials_t *creds, const char *buf, size_t len, const char *name, char *err,
                      size_t err_len);

/* Overwrite every secret in *creds. */
void credentials_wipe(credentials_t *creds);

/* Overwrite n bytes at p in a way the compiler may not drop. */
void credentials_wipe_bytes(void *p, size_t n);

#endif
