/* SPDX-License-Identifier: MIT */
/*
 * app_jsmn.c - an application with its own jsmn next to lkedoc's: the
 * library compiles its jsmn privately (JSMN_STATIC), so this program links
 * and both parsers work, each with its own options (this one: jsmn's
 * defaults, no parent links, so even jsmntok_t differs from the library's).
 *
 * Built two ways by tests/integration/test_api.py:
 *   default         jsmn's implementation is in this file (non-static);
 *   -DAPP_JSMN_HEADER  this file sees only the declarations (JSMN_HEADER)
 *                   and app_jsmn_impl.c holds the implementation.
 *
 *   app_jsmn                                  the own-jsmn check only
 *   app_jsmn HOST PORT CA SECRET_ID SECRET_KEY  then one lkedoc call to the mock
 *                                             for a finished task: its status and
 *                                             URL, decoded by lkedoc's jsmn
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lkd_client.h"
#include "port_posix.h"

#ifdef APP_JSMN_HEADER
#define JSMN_HEADER
#endif
#include <jsmn.h>

static lkd_client_t client;

static char *read_file(const char *path, size_t *len)
{
    static char buf[1 << 16];
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    *len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[*len] = '\0';
    *len += 1; /* PEM: the length counts the NUL */
    return buf;
}

static int own_jsmn(void)
{
    static const char doc[] = "{\"app\":[1,true,\"x\"]}";
    jsmn_parser p;
    jsmntok_t tok[8];
    int n;
    jsmn_init(&p);
    n = jsmn_parse(&p, doc, strlen(doc), tok, 8);
    printf("own jsmn: %d tokens, first key %.*s\n", n, tok[1].end - tok[1].start, doc + tok[1].start);
    return n == 6 && tok[2].type == JSMN_ARRAY && tok[2].size == 3 ? 0 : 1;
}

static int lkedoc_call(char **argv)
{
    static lkd_resolve_t resolve;
    lkd_settings_t s;
    lkd_port_t port;
    lkd_result_t r;
    size_t ca_len = 0;
    const char *ca = read_file(argv[3], &ca_len);
    lkd_status_t st;
    lkd_settings_default(&s, LKD_PROFILE_LKE);
    s.host = argv[1];
    s.port = (uint16_t)atoi(argv[2]);
    resolve.host = argv[1];
    resolve.port = s.port;
    resolve.address = "127.0.0.1";
    s.resolve = &resolve;
    s.resolve_count = 1;
    s.secret_id = argv[4];
    s.secret_key = argv[5];
    lkd_port_posix_init(&port);
    if (ca == NULL || lkd_client_init(&client, &s, &port) != LKD_OK ||
        lkd_client_add_ca(&client, (const uint8_t *)ca, ca_len) != LKD_OK) {
        fputs("lkedoc: set-up failed\n", stderr);
        return 1;
    }
    st = lkd_get_result(&client, "done-api", 8, &r);
    if (st == LKD_OK) {
        printf("lkedoc: %s, result %.8s\n", lkd_task_status_name(r.status), r.result_url.ptr);
    } else {
        printf("lkedoc: %s\n", lkd_strerror(st));
    }
    lkd_client_free(&client);
    return st == LKD_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (own_jsmn() != 0) {
        return 1;
    }
    return argc == 6 ? lkedoc_call(argv) : 0;
}
