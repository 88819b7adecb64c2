/* SPDX-License-Identifier: MIT */
/*
 * bench_common.h - what the bench drivers share: a client pointed at the mock
 * (API host resolved to 127.0.0.1, the mock's CA), timers and JSON output.
 * Header-only: each driver is one .c file linked with build/liblkedoc.a.
 *
 * Environment: TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY (default: the
 * mock's default credential).
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lkd_client.h"
#include "lkd_job.h"
#include "port_posix.h"

#define BENCH_API_HOST "lke.intl.tencentcloudapi.com"
#define BENCH_DL_HOST "mock.lkedoc.test"
#define BENCH_MOCK_ID "AKIDLKEDOCMOCK0000000000000000000000"
#define BENCH_MOCK_KEY "lkedoc-mock-secret-key-0000000000"

static lkd_client_t bench_client;
static unsigned char bench_ca[64 * 1024];
static lkd_resolve_t bench_resolve[2];

static const char *bench_env(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return (v != NULL && v[0] != '\0') ? v : dflt;
}

static uint16_t bench_port(const char *text)
{
    long v = strtol(text, NULL, 10);
    if (v <= 0 || v > 65535) {
        fprintf(stderr, "bad port '%s'\n", text);
        exit(2);
    }
    return (uint16_t)v;
}

static const char *const bench_result_hosts[] = {BENCH_DL_HOST};

/* Set up bench_client for the mock's API port (and its download port, 0: none). */
static void bench_client_setup(uint16_t api_port, uint16_t dl_port, const char *ca_file)
{
    static lkd_port_t port;
    lkd_settings_t s;
    size_t n;
    lkd_status_t st;
    FILE *f = fopen(ca_file, "rb");
    if (f == NULL) {
        perror(ca_file);
        exit(2);
    }
    n = fread(bench_ca, 1, sizeof bench_ca - 1, f);
    fclose(f);
    bench_ca[n] = '\0';

    lkd_settings_default(&s, LKD_PROFILE_LKE);
    s.port = api_port;
    bench_resolve[0].host = BENCH_API_HOST;
    bench_resolve[0].port = api_port;
    bench_resolve[0].address = "127.0.0.1";
    bench_resolve[1].host = BENCH_DL_HOST;
    bench_resolve[1].port = dl_port;
    bench_resolve[1].address = "127.0.0.1";
    s.resolve = bench_resolve;
    s.resolve_count = dl_port != 0 ? 2 : 1;
    s.result_hosts = bench_result_hosts; /* the mock's storage host, besides the service's */
    s.result_host_count = 1;
    s.secret_id = bench_env("TENCENTCLOUD_SECRET_ID", BENCH_MOCK_ID);
    s.secret_key = bench_env("TENCENTCLOUD_SECRET_KEY", BENCH_MOCK_KEY);
    lkd_port_posix_init(&port);
    st = lkd_client_init(&bench_client, &s, &port);
    if (st == LKD_OK) {
        st = lkd_client_add_ca(&bench_client, bench_ca, n + 1);
    }
    if (st != LKD_OK) {
        fprintf(stderr, "client set-up: %s\n", lkd_strerror(st));
        exit(1);
    }
}

static void bench_check(lkd_status_t st, const char *what)
{
    if (st != LKD_OK) {
        fprintf(stderr, "%s: %s", what, lkd_strerror(st));
        if (st == LKD_ERR_API) {
            fprintf(stderr, " (%s)", lkd_client_api_error(&bench_client)->code);
        }
        fprintf(stderr, "\n");
        exit(1);
    }
}

static uint64_t bench_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif /* BENCH_COMMON_H */
