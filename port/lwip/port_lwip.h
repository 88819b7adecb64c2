/* SPDX-License-Identifier: MIT */
/*
 * port_lwip.h - the lkedoc port on lwIP's socket API (an RTOS, or the host
 * with Debian's liblwip: boards/lwip-tap).
 *
 * connect: the name is resolved through lwIP (lwip_getaddrinfo when the stack
 * is built with LWIP_DNS; otherwise this port's own small A-record query sent
 * over an lwIP UDP socket to the server set with lkd_port_lwip_set_dns), and
 * every address is tried in turn with a non-blocking lwip_connect and
 * lwip_poll, sharing the time left; the connect's abort callback is asked
 * at least every LKD_ABORT_POLL_MS of the port's own query's and of each
 * lwip_poll's waits (lwip_getaddrinfo blocks until lwIP's resolver answers or
 * gives up: a name is best in its cache); send/recv: lwip_send/lwip_recv on a
 * blocking socket bounded by SO_SNDTIMEO/SO_RCVTIMEO; monotonic_ms: sys_now()
 * widened to 64 bits; sleep_ms: sys_msleep(); wall_time and entropy: the
 * board's functions (lwIP has neither a calendar clock nor a random source).
 *
 * lwIP options it needs: LWIP_SOCKET, LWIP_SO_RCVTIMEO, LWIP_SO_SNDTIMEO,
 * LWIP_SOCKET_POLL (lwip_poll, for the connect timeout), LWIP_TCP, LWIP_UDP,
 * and LWIP_DNS with LWIP_DNS_API (or, without them, LWIP_UDP for the port's
 * own query).  The port calls lwIP from the client's one thread; it must not
 * be the tcpip thread.
 */
#ifndef LKD_PORT_LWIP_H
#define LKD_PORT_LWIP_H

#include <stdint.h>

#include "lkd_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The names these had before the port prefix: a build that still defines
 * one was written for them and would otherwise go on without a word. */
#ifdef LKD_LWIP_DNS_SERVERS
#error "renamed: use LKD_PORT_LWIP_DNS_SERVERS"
#endif
#ifdef LKD_LWIP_MAX_ADDRS
#error "renamed: use LKD_PORT_LWIP_MAX_ADDRS"
#endif

/* How many DNS servers the port's own resolver asks, in order. */
#define LKD_PORT_LWIP_DNS_SERVERS 2
/* How many addresses of one name it keeps and tries. */
#define LKD_PORT_LWIP_MAX_ADDRS 4

typedef struct lkd_port_lwip {
    /* The board's randomness (required): fill buf, LKD_OK or LKD_ERR_ENTROPY. */
    lkd_status_t (*entropy)(void *user, uint8_t *buf, size_t len);
    /* The board's calendar clock, or NULL when the device does not know the date. */
    int64_t (*wall_time)(void *user);
    void *user;
    /* The rest is the port's own state; lkd_port_lwip_init sets it. */
    uint32_t dns_server[LKD_PORT_LWIP_DNS_SERVERS]; /* IPv4, network byte order; 0 = unset */
    uint32_t last_now;                         /* sys_now() at the last monotonic_ms */
    uint64_t wraps;                            /* 2^32 ms periods seen */
    uint16_t dns_id;
    lkd_abort_fn abort;                        /* the connect under way's, or NULL */
    void *abort_user;
} lkd_port_lwip_t;

/* Fill *port with the lwIP functions, ctx = state.  Set state->entropy,
 * wall_time and user first; state must outlive the client.  lwIP must be up
 * (tcpip_init done, a netif up) before the first connect. */
void lkd_port_lwip_init(lkd_port_t *port, lkd_port_lwip_t *state);

/* Set DNS server number index (0 or 1) to a dotted IPv4 address: with
 * LWIP_DNS this is lwIP's own dns_setserver, otherwise the port's resolver's.
 * Returns 0, or -1 for a bad index or address. */
int lkd_port_lwip_set_dns(lkd_port_lwip_t *state, unsigned index, const char *ipv4);

#ifdef __cplusplus
}
#endif

#endif /* LKD_PORT_LWIP_H */
