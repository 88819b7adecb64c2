/* SPDX-License-Identifier: MIT */
/*
 * lan9118_netif.h - polled lwIP driver for the SMSC LAN9118 (LAN9220 on the
 * real MPS2 board, the same programming model), the Ethernet controller of
 * QEMU's mps2-an386 at 0x40200000.  No interrupt: the board's poll hook
 * calls lan9118_poll() whenever the client waits for the network.
 *
 *     static struct netif nif;
 *     static lan9118_t eth = { LAN9118_BASE_MPS2 };
 *     netif_add(&nif, &addr, &mask, &gw, &eth, lan9118_netif_init, ethernet_input);
 *     netif_set_default(&nif); netif_set_up(&nif);
 *     for (;;) { lan9118_poll(&nif); sys_check_timeouts(); ... }
 */
#ifndef FW_LAN9118_NETIF_H
#define FW_LAN9118_NETIF_H

#include <stdint.h>

#include "lwip/err.h"
#include "lwip/netif.h"

#define LAN9118_BASE_MPS2 0x40200000u

typedef struct {
    uintptr_t base;      /* register block (set before netif_add) */
    uint32_t id_rev;     /* ID_REV as read at init: 0x0118xxxx (QEMU), 0x9220xxxx (LAN9220) */
    uint32_t rx_frames;  /* frames handed to lwIP */
    uint32_t rx_dropped; /* errored, oversized, or no pbuf */
    uint32_t tx_frames;
    uint32_t tx_errors;  /* TX status words with the error bit, or FIFO never drained */
} lan9118_t;

/* netif_add init function: resets the chip, reads its MAC address (QEMU
 * loads the NIC's from its EEPROM image; an all-zero or broadcast address is
 * replaced by a locally administered one), enables the MAC's transmitter
 * and receiver (unicast to us + broadcast) and fills netif (Ethernet, ARP,
 * MTU 1500).  ERR_IF when no LAN9118 answers at the base address. */
err_t lan9118_netif_init(struct netif *netif);

/* Move every frame waiting in the receive FIFO into lwIP (netif->input) and
 * collect transmit statuses.  Returns the number of frames received. */
unsigned lan9118_poll(struct netif *netif);

#endif
