/* SPDX-License-Identifier: MIT */
/*
 * offline_port.h - a port for unit programs that must never reach a network:
 * every connect is refused (and counted), the clocks are variables the test
 * sets and sleeping advances, and the entropy is a fixed pattern.
 *
 *     lkd_port_t p;
 *     offline_port(&p);
 *     ... offline_connects == 0 proves nothing tried to connect ...
 */
#ifndef OFFLINE_PORT_H
#define OFFLINE_PORT_H

#include <stdint.h>
#include <string.h>

#include "lkd_port.h"

static int64_t offline_wall = 1795500000; /* 2026-11-23 */
static uint64_t offline_mono = 1000;
static int offline_connects;

static lkd_status_t offline_connect(void *ctx, const char *host, uint16_t port, uint32_t t, lkd_abort_fn abort,
                                    void *abort_user, lkd_port_conn_t *conn)
{
    (void)ctx; (void)host; (void)port; (void)t; (void)abort; (void)abort_user; (void)conn;
    offline_connects++;
    return LKD_ERR_CONNECT;
}
static lkd_status_t offline_send(void *ctx, lkd_port_conn_t c, const uint8_t *d, size_t n, uint32_t t, size_t *sent)
{
    (void)ctx; (void)c; (void)d; (void)t;
    *sent = n;
    return LKD_OK;
}
static lkd_status_t offline_recv(void *ctx, lkd_port_conn_t c, uint8_t *b, size_t n, uint32_t t, size_t *got)
{
    (void)ctx; (void)c; (void)b; (void)n; (void)t; (void)got;
    return LKD_ERR_CLOSED;
}
static void offline_close(void *ctx, lkd_port_conn_t c)
{
    (void)ctx; (void)c;
}
static int64_t offline_wall_time(void *ctx)
{
    (void)ctx;
    return offline_wall;
}
static uint64_t offline_monotonic_ms(void *ctx)
{
    (void)ctx;
    return offline_mono;
}
static void offline_sleep(void *ctx, uint32_t ms)
{
    (void)ctx;
    offline_mono += ms;
}
static lkd_status_t offline_entropy(void *ctx, uint8_t *b, size_t n)
{
    size_t i;
    (void)ctx;
    for (i = 0; i < n; i++) {
        b[i] = (uint8_t)(i * 31u + 7u);
    }
    return LKD_OK;
}

static void offline_port(lkd_port_t *p)
{
    p->ctx = NULL;
    p->connect = offline_connect;
    p->send = offline_send;
    p->recv = offline_recv;
    p->close = offline_close;
    p->wall_time = offline_wall_time;
    p->monotonic_ms = offline_monotonic_ms;
    p->sleep_ms = offline_sleep;
    p->entropy = offline_entropy;
}

#endif /* OFFLINE_PORT_H */
