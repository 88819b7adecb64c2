/* SPDX-License-Identifier: MIT */
/*
 * tap_netif.c - a minimal lwIP Ethernet netif on a Linux tap (see tap_netif.h).
 * Frames pass through one static buffer each way: a received frame is read
 * whole, then copied into a pbuf from lwIP's pool; an outgoing pbuf chain is
 * gathered into the buffer and written with one write(2).
 */
#include "tap_netif.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/if_tun.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#define TAP_MTU 1500
#define TAP_FRAME_MAX (TAP_MTU + SIZEOF_ETH_HDR + 4) /* + an 802.1Q tag */
#define TAP_POLL_BURST 64                           /* frames per poll, then lwIP's timers get a turn */

static uint8_t tap_rx_frame[TAP_FRAME_MAX + 1]; /* one byte more: a longer frame shows as too long */
static uint8_t tap_tx_frame[TAP_FRAME_MAX];

static err_t tap_linkoutput(struct netif *netif, struct pbuf *p)
{
    tap_netif_t *tap = (tap_netif_t *)netif->state;
    ssize_t n;
    if (p->tot_len > sizeof tap_tx_frame) {
        tap->tx_errors++;
        return ERR_BUF;
    }
    (void)pbuf_copy_partial(p, tap_tx_frame, p->tot_len, 0);
    do {
        n = write(tap->fd, tap_tx_frame, p->tot_len);
    } while (n < 0 && errno == EINTR);
    if (n != (ssize_t)p->tot_len) {
        tap->tx_errors++; /* the kernel's queue is full, or the device went away: TCP resends */
        return ERR_IF;
    }
    tap->tx_frames++;
    return ERR_OK;
}

err_t tap_netif_init(struct netif *netif)
{
    static const uint8_t mac[6] = {0x02, 0x6c, 0x6b, 0x64, 0x00, 0x02}; /* locally administered */
    tap_netif_t *tap = (tap_netif_t *)netif->state;
    struct ifreq ifr;

    tap->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (tap->fd < 0) {
        fprintf(stderr, "lkedoc: /dev/net/tun: %s\n", strerror(errno));
        return ERR_IF;
    }
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (strlen(tap->name) >= sizeof ifr.ifr_name) {
        fprintf(stderr, "lkedoc: tap device name %s is too long\n", tap->name);
        close(tap->fd);
        tap->fd = -1;
        return ERR_IF;
    }
    memcpy(ifr.ifr_name, tap->name, strlen(tap->name));
    if (ioctl(tap->fd, TUNSETIFF, (void *)&ifr) != 0) {
        fprintf(stderr, "lkedoc: tap device %s: %s\n", tap->name, strerror(errno));
        close(tap->fd);
        tap->fd = -1;
        return ERR_IF;
    }
    netif->name[0] = 't';
    netif->name[1] = 'p';
    netif->output = etharp_output;
    netif->linkoutput = tap_linkoutput;
    netif->mtu = TAP_MTU;
    netif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(netif->hwaddr, mac, sizeof mac);
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    return ERR_OK;
}

unsigned tap_netif_poll(struct netif *netif)
{
    tap_netif_t *tap = (tap_netif_t *)netif->state;
    unsigned frames = 0;
    while (frames < TAP_POLL_BURST) {
        struct pbuf *p;
        ssize_t n = read(tap->fd, tap_rx_frame, sizeof tap_rx_frame);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break; /* EAGAIN: nothing more queued */
        }
        frames++;
        if ((size_t)n > TAP_FRAME_MAX || n < SIZEOF_ETH_HDR) {
            tap->rx_dropped++;
            continue;
        }
        p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_POOL);
        if (p == NULL) {
            tap->rx_dropped++; /* pool empty: the peer resends */
            continue;
        }
        (void)pbuf_take(p, tap_rx_frame, (u16_t)n);
        if (netif->input(p, netif) != ERR_OK) {
            pbuf_free(p);
            tap->rx_dropped++;
            continue;
        }
        tap->rx_frames++;
    }
    return frames;
}

void tap_netif_wait(struct netif *netif, uint32_t ms)
{
    tap_netif_t *tap = (tap_netif_t *)netif->state;
    struct pollfd pfd;
    pfd.fd = tap->fd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    (void)poll(&pfd, 1, ms > 0x7fffffffu ? 0x7fffffff : (int)ms);
}

void tap_netif_close(struct netif *netif)
{
    tap_netif_t *tap = (tap_netif_t *)netif->state;
    if (tap->fd >= 0) {
        close(tap->fd);
        tap->fd = -1;
    }
}
