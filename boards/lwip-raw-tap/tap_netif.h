/* SPDX-License-Identifier: MIT */
/*
 * tap_netif.h - a minimal lwIP Ethernet netif on a Linux tap device, for
 * NO_SYS lwIP polled by its one thread (boards/lwip-raw-tap).
 *
 *     static tap_netif_t tap = { "tap0" };
 *     netif_add(&nif, &addr, &mask, &gw, &tap, tap_netif_init, ethernet_input);
 *     ...  tap_netif_poll(&nif);  tap_netif_wait(&nif, ms);  ...
 *
 * The device must exist and be up (ip tuntap add dev tap0 mode tap); the
 * netif attaches to it (IFF_TAP | IFF_NO_PI: the file carries bare Ethernet
 * frames).  MTU 1500; the Linux side's MTU may be anything up to that.
 */
#ifndef LWIP_RAW_TAP_NETIF_H
#define LWIP_RAW_TAP_NETIF_H

#include "lwip/err.h"
#include "lwip/netif.h"

typedef struct {
    const char *name;        /* the tap device (set before netif_add) */
    int fd;                  /* /dev/net/tun attached to it; tap_netif_init sets it */
    unsigned long rx_frames; /* handed to lwIP */
    unsigned long rx_dropped;/* too long, no pbuf, or refused by lwIP */
    unsigned long tx_frames;
    unsigned long tx_errors;
} tap_netif_t;

/* netif_add init function (netif->state is the tap_netif_t): opens the tap,
 * fills netif (Ethernet, ARP, MTU 1500, a fixed locally administered MAC
 * address).  ERR_IF, after printing why, when the device cannot be opened. */
err_t tap_netif_init(struct netif *netif);

/* Move every frame the tap has queued into lwIP (netif->input), without
 * blocking.  Returns how many. */
unsigned tap_netif_poll(struct netif *netif);

/* Wait at most ms for a frame to arrive (poll(2) on the tap). */
void tap_netif_wait(struct netif *netif, uint32_t ms);

/* Close the tap. */
void tap_netif_close(struct netif *netif);

#endif
