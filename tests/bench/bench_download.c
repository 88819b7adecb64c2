/* SPDX-License-Identifier: MIT */
/*
 * bench_download.c - one timed download of a task's result archive through
 * lkd_download_result (the client's fixed buffers) into a sink that only
 * counts the bytes.
 *
 *     bench_download API_PORT DOWNLOAD_PORT CA_FILE TASK_ID
 *
 * One GetReconstructDocumentResult first fetches a fresh URL (not timed);
 * the timed part is lkd_download_result given that URL: connect, TLS
 * handshake with the storage host, GET, every body byte.  Prints
 *     {"bytes":N,"wall_ns":N,"cpu_ns":N,"tls":"TLSv1.2","suite":"..."}
 * (the protocol and cipher suite of the download connection).
 */
#include "bench_common.h"

static const char *suite = "?";
static const char *tls_version = "?";

static lkd_status_t discard(void *user, const uint8_t *data, size_t len)
{
    uint64_t *total = user;
    (void)data;
    if (*total == 0) {
        suite = mbedtls_ssl_get_ciphersuite(&bench_client.internal.tls.ssl);
        tls_version = mbedtls_ssl_get_version(&bench_client.internal.tls.ssl);
    }
    *total += len;
    return LKD_OK;
}

int main(int argc, char **argv)
{
    const char *task;
    lkd_result_t r;
    lkd_download_options_t d;
    uint64_t sunk = 0, bytes = 0, w0, c0, wall, cpu;
    lkd_status_t st;

    if (argc != 5) {
        fprintf(stderr, "usage: bench_download API_PORT DOWNLOAD_PORT CA_FILE TASK_ID\n");
        return 2;
    }
    task = argv[4];
    bench_client_setup(bench_port(argv[1]), bench_port(argv[2]), argv[3]);
    bench_check(lkd_get_result(&bench_client, task, strlen(task), &r), "GetReconstructDocumentResult");
    if (r.status != LKD_TASK_SUCCESS || r.result_url.len == 0) {
        fprintf(stderr, "task %s is %s, no URL\n", task, lkd_task_status_name(r.status));
        return 1;
    }
    lkd_download_options_default(&d);
    d.sink = discard;
    d.user = &sunk;
    d.url = r.result_url;

    w0 = bench_ns(CLOCK_MONOTONIC);
    c0 = bench_ns(CLOCK_PROCESS_CPUTIME_ID);
    st = lkd_download_result(&bench_client, task, strlen(task), &d, &bytes);
    cpu = bench_ns(CLOCK_PROCESS_CPUTIME_ID) - c0;
    wall = bench_ns(CLOCK_MONOTONIC) - w0;
    bench_check(st, "download");
    if (bytes != sunk) {
        fprintf(stderr, "download: %llu bytes reported, %llu delivered\n", (unsigned long long)bytes,
                (unsigned long long)sunk);
        return 1;
    }
    printf("{\"bytes\":%llu,\"wall_ns\":%llu,\"cpu_ns\":%llu,\"tls\":\"%s\",\"suite\":\"%s\"}\n",
           (unsigned long long)bytes, (unsigned long long)wall, (unsigned long long)cpu, tls_version,
           suite != NULL ? suite : "?");
    lkd_client_free(&bench_client);
    return 0;
}
