/* SPDX-License-Identifier: MIT */
/*
 * config_app.c - an application that may be compiled with other lkd_config.h
 * values than the library it links (tests/integration/test_config.py builds
 * it both ways).  It declares its client between two guard areas, fills all
 * of it with one byte, calls lkd_client_init and prints what came back and
 * how many bytes changed before, inside and after the object:
 *
 *     status=N config=C size=S before=B inside=I after=A
 *
 * C is the value of LKD_ERR_CONFIG.  A library that refuses the client must leave all three counts at 0.
 */
#include <stdio.h>
#include <string.h>

#include "lkd_client.h"
#include "port_posix.h"

#define GUARD 65536
#define FILL 0xA5

static struct {
    unsigned char before[GUARD];
    lkd_client_t client;
    unsigned char after[GUARD];
} mem;

static size_t changed(const unsigned char *p, size_t n)
{
    size_t i, k = 0;
    for (i = 0; i < n; i++) {
        k += p[i] != FILL;
    }
    return k;
}

int main(void)
{
    lkd_settings_t s;
    lkd_port_t port;
    lkd_status_t st;
    size_t inside;
    memset(&mem, FILL, sizeof mem);
    lkd_settings_default(&s, LKD_PROFILE_LKE);
    s.secret_id = "AKIDCONFIGTEST";
    s.secret_key = "config-test-key";
    lkd_port_posix_init(&port);
    st = lkd_client_init(&mem.client, &s, &port);
    inside = changed((const unsigned char *)&mem.client, sizeof mem.client);
    printf("status=%d config=%d size=%lu before=%lu inside=%lu after=%lu\n", (int)st, (int)LKD_ERR_CONFIG,
           (unsigned long)sizeof(lkd_client_t), (unsigned long)changed(mem.before, sizeof mem.before),
           (unsigned long)inside, (unsigned long)changed(mem.after, sizeof mem.after));
    if (st == LKD_OK) {
        lkd_client_free(&mem.client);
    }
    return 0;
}
