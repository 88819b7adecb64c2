/* SPDX-License-Identifier: MIT */
/*
 * port_lwip_raw.h - the lkedoc port on lwIP's raw API, bare metal (NO_SYS 1):
 * no RTOS, no threads, no sockets.  The port drives lwIP's tcp_* callbacks and
 * polls the stack itself whenever the client waits for the network.
 *
 * How it waits.  lwIP without an OS only moves when someone feeds it frames
 * and runs its timers.  Every wait of the port (connect, DNS, a full send
 * buffer, an empty receive queue, sleep_ms) is a loop of
 *
 *     board->poll(board->ctx);            frames from the driver into netif->input
 *     sys_check_timeouts();               lwIP's TCP, ARP and DNS timers (the port calls it)
 *     condition met?  deadline passed?    (board->monotonic_ms, deadline = now + timeout_ms)
 *     board->idle(board->ctx, max_ms);    optional: sleep until something may have happened
 *
 * so every call ends by its timeout_ms; the board never needs its own loop.
 *
 * The contract (lkd_port.h) on lwIP:
 *   connect  host is a numeric IPv4/IPv6 address (ipaddr_aton) or a DNS name
 *            resolved by lwIP's own resolver (dns_gethostbyname, servers set
 *            by the board with dns_setserver; needs LWIP_DNS 1).  lwIP's
 *            resolver keeps one address per name (the first A/AAAA record),
 *            so that is the address tried.  Then tcp_new_ip_type, tcp_connect,
 *            Nagle off (a request goes out in one piece, the answer comes at
 *            once).
 *              LKD_ERR_DNS      the name does not exist, the server failed, the
 *                               name is too long, or LWIP_DNS is 0 and host is
 *                               not numeric
 *              LKD_ERR_CONNECT  refused (RST), no route, lwIP out of PCBs or
 *                               memory, or every connection slot in use
 *              LKD_ERR_TIMEOUT  timeout_ms passed resolving or connecting (the
 *                               half-open PCB is aborted)
 *              LKD_ERR_ABORTED  the abort callback, asked at least every
 *                               LKD_ABORT_POLL_MS of those waits (each
 *                               board->idle at most that long), said stop
 *   send     copies up to tcp_sndbuf() bytes into lwIP (tcp_write, COPY) and
 *            sends (tcp_output); when the send buffer is full it polls until
 *            ACKs free space.  *sent >= 1 on LKD_OK.
 *              LKD_ERR_TIMEOUT  no space freed in time, or lwIP short of
 *                               segments/pbufs until the deadline (nothing sent)
 *              LKD_ERR_CLOSED   the connection is closed (lwIP ERR_CLSD, ERR_CONN)
 *              LKD_ERR_IO       reset or aborted by lwIP
 *              LKD_ERR_ARG      data NULL or len 0
 *   recv     copies from the connection's queue of received pbufs (filled by
 *            the tcp_recv callback) and opens the window by as much
 *            (tcp_recved).  *received >= 1 on LKD_OK.  Before it waits for
 *            data it sends at once any ACK lwIP holds for its delayed-ACK
 *            timer (a peer with Nagle on would otherwise stall up to 250 ms).
 *              LKD_ERR_TIMEOUT  nothing arrived in time
 *              LKD_ERR_CLOSED   the peer sent FIN and every byte before it was read
 *              LKD_ERR_IO       the connection was reset or aborted (after the
 *                               bytes queued before that were read)
 *              LKD_ERR_ARG      buf NULL or len 0
 *            send and recv on a handle that is not open: LKD_ERR_IO.
 *   close    acknowledges and drops unread data, clears the callbacks,
 *            tcp_close (tcp_abort when lwIP cannot close); never fails.
 *   wall_time, entropy    the board's hooks.
 *   monotonic_ms          the board's hook, or sys_now() widened to 64 bits.
 *   sleep_ms              polls the stack until the time has passed (a
 *                         connection kept alive keeps being served).
 *
 * Memory: no heap.  Connections live in a table inside lkd_port_lwip_raw_t,
 * which the application provides (normally a static variable); received data
 * stays in lwIP's pbufs until read.  lwIP itself must be built with static
 * memory (MEM_LIBC_MALLOC 0, MEMP_MEM_MALLOC 0).
 *
 * lwIP options it needs: NO_SYS 1, LWIP_TCP 1, LWIP_CALLBACK_API 1 (the
 * default), TCP_WND <= 65535 (the receive queue is one pbuf chain),
 * LWIP_TIMERS 1 (the default; with 0 the board's poll must run lwIP's timers),
 * and LWIP_DNS 1 with LWIP_UDP 1 to resolve names.  Only lwIP headers are used
 * here: the port builds for any target lwIP builds for.
 *
 * Use (one thread; lwIP, the port and the client all run in it):
 *
 *     static lkd_port_lwip_raw_t lwip_port;
 *     static const lkd_port_lwip_raw_board_t hooks = {
 *         .poll = my_poll,   .idle = my_idle,  .monotonic_ms = my_ms,
 *         .wall_time = NULL, .entropy = my_trng, .ctx = &my_board };
 *     lwip_init();  netif_add(...);  netif_set_default(...);  netif_set_up(...);
 *     dns_setserver(0, &dns);
 *     lkd_port_lwip_raw_init(&port, &lwip_port, &hooks);
 *     lkd_client_init(&client, &settings, &port);
 */
#ifndef LKD_PORT_LWIP_RAW_H
#define LKD_PORT_LWIP_RAW_H

#include <stddef.h>
#include <stdint.h>

#include "lkd_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How many TCP connections may be open at once (the client keeps two: the
 * API's and the result download's).  Override with
 * -DLKD_PORT_LWIP_RAW_CONNS=n, 1 .. 127; lwIP needs MEMP_NUM_TCP_PCB at least
 * this (plus PCBs still closing). */
#ifdef LKD_LWIP_RAW_CONNS
#error "renamed: use LKD_PORT_LWIP_RAW_CONNS"
#endif
#ifndef LKD_PORT_LWIP_RAW_CONNS
#define LKD_PORT_LWIP_RAW_CONNS 2
#endif
#if LKD_PORT_LWIP_RAW_CONNS < 1 || LKD_PORT_LWIP_RAW_CONNS > 127
#error "LKD_PORT_LWIP_RAW_CONNS must be 1..127"
#endif

/* What the board provides.  poll and entropy are required; NULL elsewhere
 * picks the stated fallback.  The port copies the struct at init. */
typedef struct lkd_port_lwip_raw_board {
    /* Move every frame the network driver has received into lwIP
     * (netif->input) and return without blocking.  The port runs
     * sys_check_timeouts() itself after each call. */
    void (*poll)(void *ctx);
    /* Optional: wait at most max_ms (0: return at once) or until a frame may
     * have arrived, whichever is first: select/poll on a host, WFI on a
     * microcontroller.  NULL: the port polls without pause. */
    void (*idle)(void *ctx, uint32_t max_ms);
    /* Optional: milliseconds that never go back.  NULL: sys_now() (which the
     * board provides to lwIP anyway) widened to 64 bits. */
    uint64_t (*monotonic_ms)(void *ctx);
    /* Optional: seconds since 1970-01-01 UTC.  NULL: the device does not know
     * the date (LKD_PORT_TIME_UNKNOWN; the client learns it from the server). */
    int64_t (*wall_time)(void *ctx);
    /* Fill buf with len cryptographically strong random bytes: LKD_OK, or
     * LKD_ERR_ENTROPY.  NULL: every call fails with LKD_ERR_ENTROPY. */
    lkd_status_t (*entropy)(void *ctx, uint8_t *buf, size_t len);
    /* Passed to every hook. */
    void *ctx;
} lkd_port_lwip_raw_board_t;

/* lwIP's types, named only through pointers here. */
struct tcp_pcb;
struct pbuf;

/* One connection slot: the port's own, not to be touched by the application. */
typedef struct lkd_port_lwip_raw_conn {
    struct tcp_pcb *pcb;  /* NULL once lwIP has freed it (reset, abort) */
    struct pbuf *rx;      /* received and not yet read, one chain */
    uint8_t state;        /* free, connecting, open, peer closed (FIN), failed */
    int8_t err;           /* the lwIP err_t that failed the connection */
} lkd_port_lwip_raw_conn_t;

/* The port's state: the board's hooks and the connection table.  Give it
 * storage that outlives the client (a static variable); init fills it. */
typedef struct lkd_port_lwip_raw {
    lkd_port_lwip_raw_board_t board;
    lkd_port_lwip_raw_conn_t conn[LKD_PORT_LWIP_RAW_CONNS];
    const char *dns_name; /* the name connect is resolving, NULL otherwise */
    void *dns_answer;     /* connect's ip_addr_t for the answer, while dns_name is set */
    int8_t dns_done;      /* 0 waiting, 1 resolved, -1 failed */
    lkd_abort_fn abort;   /* the connect under way's, or NULL */
    void *abort_user;
    uint32_t last_now;    /* sys_now() at the last monotonic_ms (no board clock) */
    uint64_t wraps;       /* 2^32 ms periods of sys_now() seen */
} lkd_port_lwip_raw_t;

/* Fill *port with the raw-API functions (port->ctx = state) and reset state
 * (every slot free); board is copied.  lwIP must be initialised (lwip_init)
 * and a netif up before the first connect; DNS servers are the board's to
 * set (dns_setserver).  Calling it again while connections are open leaks
 * their PCBs: close them first. */
void lkd_port_lwip_raw_init(lkd_port_t *port, lkd_port_lwip_raw_t *state, const lkd_port_lwip_raw_board_t *board);

#ifdef __cplusplus
}
#endif

#endif /* LKD_PORT_LWIP_RAW_H */
