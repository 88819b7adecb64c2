/* SPDX-License-Identifier: MIT */
/*
 * port_template.c - the starting point of a new board's port.
 *
 * Copy this directory into port/<your-platform>/ and replace one function
 * at a time: the client compiles and links from the first minute and every
 * call answers LKD_ERR_NOT_PROVIDED until the function it needs exists (see
 * port_template.h).  What each function must do is documented in the port
 * contract, core/include/lkd_port.h.
 */
#include "port_template.h"

static lkd_status_t template_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms,
                                     lkd_abort_fn abort, void *abort_user, lkd_port_conn_t *conn)
{
    (void)ctx; (void)host; (void)port; (void)timeout_ms; (void)abort; (void)abort_user;
    *conn = LKD_PORT_NO_CONN;
    return LKD_ERR_NOT_PROVIDED;
}

static lkd_status_t template_send(void *ctx, lkd_port_conn_t conn, const uint8_t *data, size_t len,
                                  uint32_t timeout_ms, size_t *sent)
{
    (void)ctx; (void)conn; (void)data; (void)len; (void)timeout_ms;
    *sent = 0;
    return LKD_ERR_NOT_PROVIDED;
}

static lkd_status_t template_recv(void *ctx, lkd_port_conn_t conn, uint8_t *buf, size_t len,
                                  uint32_t timeout_ms, size_t *received)
{
    (void)ctx; (void)conn; (void)buf; (void)len; (void)timeout_ms;
    *received = 0;
    return LKD_ERR_NOT_PROVIDED;
}

static void template_close(void *ctx, lkd_port_conn_t conn)
{
    (void)ctx; (void)conn;
}

/* A board without a battery-backed clock answers "unknown". */
static int64_t template_wall_time(void *ctx)
{
    (void)ctx;
    return LKD_PORT_TIME_UNKNOWN;
}

/* Replace with the board's tick counter; 0 forever makes every deadline infinite. */
static uint64_t template_monotonic_ms(void *ctx)
{
    (void)ctx;
    return 0;
}

static void template_sleep_ms(void *ctx, uint32_t ms)
{
    (void)ctx; (void)ms;
}

/* Never return predictable bytes here: TLS keys come from them. */
static lkd_status_t template_entropy(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx; (void)buf; (void)len;
    return LKD_ERR_NOT_PROVIDED;
}

void lkd_port_template_init(lkd_port_t *port)
{
    port->ctx = NULL;
    port->connect = template_connect;
    port->send = template_send;
    port->recv = template_recv;
    port->close = template_close;
    port->wall_time = template_wall_time;
    port->monotonic_ms = template_monotonic_ms;
    port->sleep_ms = template_sleep_ms;
    port->entropy = template_entropy;
}
