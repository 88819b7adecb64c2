/*
 * credentials.c - environment first, then the INI profile file.
 */
#include "credentials.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int copy_value(char *dst, size_t cap, const char *src, const char *what, char *err, size_t err_len)
{
    size_t n = strlen(src);
    if (n == 0 || n >= cap) {
        snprintf(err, err_len, "%s is %s", what, n == 0 ? "empty" : "too long");
        return -1;
    }
    memcpy(dst, src, n + 1);
    return 0;
}

static char *trim(char *s)
{
    char *end;
    while (isspace((unsigned char)*s)) {
        s++;
    }
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1])) {
        *--end = '\0';
    }
    return s;
}

static int load_file(credentials_t *c, const char *path, char *err, size_t err_len)
{
    char line[4096];
    int in_default = 0, rc = 0;
    struct stat st;
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, err_len, "no credentials: set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, or create %s (%s)",
                 path, strerror(errno));
        return -1;
    }
    if (fstat(fileno(f), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        fclose(f);
        snprintf(err, err_len, "%s can be read by other users; run: chmod 600 %s", path, path);
        return -1;
    }
    while (rc == 0 && fgets(line, sizeof line, f) != NULL) {
        char *s = trim(line), *eq, *key, *val;
        if (*s == '\0' || *s == '#' || *s == ';') {
            continue;
        }
        if (*s == '[') {
            in_default = strcmp(s, "[default]") == 0;
            continue;
        }
        eq = strchr(s, '=');
        if (!in_default || eq == NULL) {
            continue;
        }
        *eq = '\0';
        key = trim(s);
        val = trim(eq + 1);
        if (strcmp(key, "secret_id") == 0) {
            rc = copy_value(c->secret_id, sizeof c->secret_id, val, "secret_id", err, err_len);
        } else if (strcmp(key, "secret_key") == 0) {
            rc = copy_value(c->secret_key, sizeof c->secret_key, val, "secret_key", err, err_len);
        } else if (strcmp(key, "token") == 0) {
            rc = copy_value(c->token, sizeof c->token, val, "token", err, err_len);
        }
    }
    memset(line, 0, sizeof line);
    fclose(f);
    if (rc == 0 && (c->secret_id[0] == '\0' || c->secret_key[0] == '\0')) {
        snprintf(err, err_len, "%s has no secret_id and secret_key in its [default] section", path);
        rc = -1;
    }
    return rc;
}

int credentials_load(credentials_t *c, char *err, size_t err_len)
{
    const char *id = getenv("TENCENTCLOUD_SECRET_ID");
    const char *key = getenv("TENCENTCLOUD_SECRET_KEY");
    const char *token = getenv("TENCENTCLOUD_TOKEN");
    const char *file = getenv("TENCENTCLOUD_CREDENTIALS_FILE");
    const char *home = getenv("HOME");

    memset(c, 0, sizeof *c);
    if (id != NULL && *id && key != NULL && *key) {
        snprintf(c->source, sizeof c->source, "environment");
        if (copy_value(c->secret_id, sizeof c->secret_id, id, "TENCENTCLOUD_SECRET_ID", err, err_len) != 0 ||
            copy_value(c->secret_key, sizeof c->secret_key, key, "TENCENTCLOUD_SECRET_KEY", err, err_len) != 0 ||
            (token != NULL && *token &&
             copy_value(c->token, sizeof c->token, token, "TENCENTCLOUD_TOKEN", err, err_len) != 0)) {
            credentials_wipe(c);
            return -1;
        }
        return 0;
    }
    if (file != NULL && *file) {
        snprintf(c->source, sizeof c->source, "%s", file);
    } else {
        snprintf(c->source, sizeof c->source, "%s/.tencentcloud/credentials", home != NULL ? home : "");
    }
    if (load_file(c, c->source, err, err_len) != 0) {
        credentials_wipe(c);
        return -1;
    }
    return 0;
}

void credentials_wipe(credentials_t *c)
{
    volatile char *p = (volatile char *)c;
    size_t i;
    for (i = 0; i < offsetof(credentials_t, source); i++) {
        p[i] = 0;
    }
}
