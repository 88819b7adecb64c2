/* SPDX-License-Identifier: MIT */
/*
 * bench_poll.c - GetReconstructDocumentResult calls of one task over one
 * client (its kept-alive TLS connection), each timed.
 *
 *     bench_poll API_PORT CA_FILE TASK_ID WARMUP CALLS
 *
 * The WARMUP calls (the first one makes the connection and the handshake)
 * are not timed; then CALLS calls, each with its process CPU time
 * (CLOCK_PROCESS_CPUTIME_ID: user + system of the whole process) and its wall
 * time.  Prints one JSON object:
 *     {"calls":N,"status":"Processing","requests_sent":N,"cpu_ns":[...],"wall_ns":[...]}
 */
#include "bench_common.h"

int main(int argc, char **argv)
{
    const char *task;
    long warmup, calls, i;
    uint64_t *cpu, *wall;
    lkd_result_t r;
    lkd_task_status_t last = LKD_TASK_UNKNOWN;

    if (argc != 6) {
        fprintf(stderr, "usage: bench_poll API_PORT CA_FILE TASK_ID WARMUP CALLS\n");
        return 2;
    }
    task = argv[3];
    warmup = strtol(argv[4], NULL, 10);
    calls = strtol(argv[5], NULL, 10);
    if (warmup < 0 || calls <= 0) {
        fprintf(stderr, "bad counts\n");
        return 2;
    }
    cpu = calloc((size_t)calls, sizeof *cpu);
    wall = calloc((size_t)calls, sizeof *wall);
    if (cpu == NULL || wall == NULL) {
        return 1;
    }
    bench_client_setup(bench_port(argv[1]), 0, argv[2]);

    for (i = 0; i < warmup; i++) {
        bench_check(lkd_get_result(&bench_client, task, strlen(task), &r), "warm-up call");
    }
    for (i = 0; i < calls; i++) {
        uint64_t c0 = bench_ns(CLOCK_PROCESS_CPUTIME_ID), w0 = bench_ns(CLOCK_MONOTONIC);
        lkd_status_t st = lkd_get_result(&bench_client, task, strlen(task), &r);
        wall[i] = bench_ns(CLOCK_MONOTONIC) - w0;
        cpu[i] = bench_ns(CLOCK_PROCESS_CPUTIME_ID) - c0;
        bench_check(st, "call");
        last = r.status;
    }

    printf("{\"calls\":%ld,\"status\":\"%s\",\"requests_sent\":%lu,\"retries\":%lu,\"cpu_ns\":[", calls,
           lkd_task_status_name(last), (unsigned long)bench_client.internal.requests_sent,
           (unsigned long)bench_client.internal.retries);
    for (i = 0; i < calls; i++) {
        printf("%s%llu", i ? "," : "", (unsigned long long)cpu[i]);
    }
    printf("],\"wall_ns\":[");
    for (i = 0; i < calls; i++) {
        printf("%s%llu", i ? "," : "", (unsigned long long)wall[i]);
    }
    printf("]}\n");
    lkd_client_free(&bench_client);
    free(cpu);
    free(wall);
    return 0;
}
