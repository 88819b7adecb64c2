/* SPDX-License-Identifier: MIT */
/*
 * lan9118_netif.c - polled LAN9118 driver for lwIP (see lan9118_netif.h),
 * written from the SMSC LAN9118 datasheet's register description: a
 * 32-bit slave interface whose data moves through FIFOs (RX data and
 * status, TX data and status) and whose MAC is reached indirectly through
 * MAC_CSR_CMD / MAC_CSR_DATA.  Frames go through one aligned bounce buffer
 * each way, so the FIFO code deals in whole 32-bit words only.
 */
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#include "fw_board.h"
#include "lan9118_netif.h"

/* System CSRs (byte offsets). */
#define RX_DATA_FIFO 0x00u
#define TX_DATA_FIFO 0x20u
#define RX_STATUS_FIFO 0x40u
#define TX_STATUS_FIFO 0x48u
#define ID_REV 0x50u
#define IRQ_CFG 0x54u
#define INT_STS 0x58u
#define INT_EN 0x5cu
#define BYTE_TEST 0x64u
#define RX_CFG 0x6cu
#define TX_CFG 0x70u
#define HW_CFG 0x74u
#define RX_FIFO_INF 0x7cu
#define TX_FIFO_INF 0x80u
#define PMT_CTRL 0x84u
#define MAC_CSR_CMD 0xa4u
#define MAC_CSR_DATA 0xa8u

#define BYTE_TEST_VALUE 0x87654321u
#define HW_CFG_SRST 0x00000001u
#define PMT_CTRL_READY 0x00000001u
#define TX_CFG_TX_ON 0x00000002u
#define TX_CFG_TXS_DUMP 0x00008000u
#define TX_CFG_TXD_DUMP 0x00004000u
#define RX_CFG_RX_DUMP 0x00008000u
#define CSR_BUSY 0x80000000u
#define CSR_READ 0x40000000u

/* MAC CSRs (indices through MAC_CSR_CMD). */
#define MAC_CR 1u
#define MAC_ADDRH 2u
#define MAC_ADDRL 3u
#define MAC_MII_ACC 6u
#define MAC_MII_DATA 7u
#define MAC_CR_FDPX 0x00100000u
#define MAC_CR_TXEN 0x00000008u
#define MAC_CR_RXEN 0x00000004u
#define MII_BUSY 0x00000001u
#define MII_WRITE 0x00000002u
#define PHY_ADDR 1u /* the internal PHY */
#define PHY_BCR 0u
#define PHY_BSR 1u
#define PHY_BCR_ANEG 0x1200u /* auto-negotiation enable + restart */
#define PHY_BSR_LINK 0x0004u

/* TX command words. */
#define TXA_FIRST 0x00002000u
#define TXA_LAST 0x00001000u
#define TX_STATUS_ES 0x00008000u
/* RX status word. */
#define RX_STATUS_ES 0x00008000u
#define RX_STATUS_FILTER_FAIL 0x40000000u

#define FRAME_MAX 1518u /* 1514 + VLAN tag; CRC not included */

static uint32_t frame_words[(FRAME_MAX + 4u + 3u) / 4u];

static uint32_t rd(const lan9118_t *e, uint32_t off)
{
    return *(volatile const uint32_t *)(e->base + off);
}

static void wr(const lan9118_t *e, uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)(e->base + off) = v;
}

/* Wait for a register bit to reach a value, at most ms milliseconds. */
static int wait_bits(const lan9118_t *e, uint32_t off, uint32_t mask, uint32_t want, uint32_t ms)
{
    uint64_t end = fw_ms() + ms;
    for (;;) {
        if ((rd(e, off) & mask) == want) {
            return 0;
        }
        if (fw_ms() > end) {
            return -1;
        }
    }
}

static int mac_read(const lan9118_t *e, uint32_t idx, uint32_t *v)
{
    if (wait_bits(e, MAC_CSR_CMD, CSR_BUSY, 0, 10) != 0) {
        return -1;
    }
    wr(e, MAC_CSR_CMD, CSR_BUSY | CSR_READ | idx);
    if (wait_bits(e, MAC_CSR_CMD, CSR_BUSY, 0, 10) != 0) {
        return -1;
    }
    *v = rd(e, MAC_CSR_DATA);
    return 0;
}

static int mac_write(const lan9118_t *e, uint32_t idx, uint32_t v)
{
    if (wait_bits(e, MAC_CSR_CMD, CSR_BUSY, 0, 10) != 0) {
        return -1;
    }
    wr(e, MAC_CSR_DATA, v);
    wr(e, MAC_CSR_CMD, CSR_BUSY | idx);
    return wait_bits(e, MAC_CSR_CMD, CSR_BUSY, 0, 10);
}

static int mii_wait(const lan9118_t *e)
{
    uint64_t end = fw_ms() + 10;
    uint32_t acc;
    do {
        if (mac_read(e, MAC_MII_ACC, &acc) != 0) {
            return -1;
        }
        if ((acc & MII_BUSY) == 0) {
            return 0;
        }
    } while (fw_ms() <= end);
    return -1;
}

static int phy_read(const lan9118_t *e, uint32_t reg, uint32_t *v)
{
    if (mii_wait(e) != 0 || mac_write(e, MAC_MII_ACC, (PHY_ADDR << 11) | (reg << 6) | MII_BUSY) != 0 ||
        mii_wait(e) != 0) {
        return -1;
    }
    return mac_read(e, MAC_MII_DATA, v);
}

static int phy_write(const lan9118_t *e, uint32_t reg, uint32_t v)
{
    if (mii_wait(e) != 0 || mac_write(e, MAC_MII_DATA, v) != 0 ||
        mac_write(e, MAC_MII_ACC, (PHY_ADDR << 11) | (reg << 6) | MII_WRITE | MII_BUSY) != 0) {
        return -1;
    }
    return mii_wait(e);
}

static void drain_tx_status(lan9118_t *e)
{
    uint32_t n = (rd(e, TX_FIFO_INF) >> 16) & 0xffu;
    while (n-- > 0) {
        if (rd(e, TX_STATUS_FIFO) & TX_STATUS_ES) {
            e->tx_errors++;
        }
    }
}

static err_t lan9118_linkoutput(struct netif *netif, struct pbuf *p)
{
    lan9118_t *e = (lan9118_t *)netif->state;
    uint32_t len = p->tot_len, words, i;
    uint64_t end;

    if (len > FRAME_MAX) {
        e->tx_errors++;
        return ERR_BUF;
    }
    if (pbuf_copy_partial(p, frame_words, (u16_t)len, 0) != len) {
        e->tx_errors++;
        return ERR_BUF;
    }
    words = (len + 3u) / 4u;
    /* Room for the two command words and the data (TX_FIFO_INF: free bytes). */
    end = fw_ms() + 50;
    while ((rd(e, TX_FIFO_INF) & 0xffffu) < words * 4u + 8u) {
        drain_tx_status(e);
        if (fw_ms() > end) {
            e->tx_errors++;
            return ERR_IF;
        }
    }
    /* Command A: one buffer that is the first and last segment, no data
     * offset, 4-byte end alignment; command B: tag (the frame count) and
     * packet length.  Then the data, little-endian words. */
    wr(e, TX_DATA_FIFO, TXA_FIRST | TXA_LAST | len);
    wr(e, TX_DATA_FIFO, ((e->tx_frames & 0xffffu) << 16) | len);
    for (i = 0; i < words; i++) {
        wr(e, TX_DATA_FIFO, frame_words[i]);
    }
    e->tx_frames++;
    drain_tx_status(e);
    return ERR_OK;
}

unsigned lan9118_poll(struct netif *netif)
{
    lan9118_t *e = (lan9118_t *)netif->state;
    unsigned got = 0;

    drain_tx_status(e);
    while ((rd(e, RX_FIFO_INF) >> 16) & 0xffu) {
        uint32_t status = rd(e, RX_STATUS_FIFO);
        uint32_t len = (status >> 16) & 0x3fffu; /* frame + 4 bytes of CRC */
        uint32_t words = (len + 3u) / 4u, i;
        struct pbuf *p;

        if (len < 14u + 4u || len > FRAME_MAX + 4u) {
            /* Not a frame lwIP can use: read its words out and drop it. */
            for (i = 0; i < words; i++) {
                (void)rd(e, RX_DATA_FIFO);
            }
            e->rx_dropped++;
            continue;
        }
        for (i = 0; i < words; i++) {
            frame_words[i] = rd(e, RX_DATA_FIFO);
        }
        if (status & (RX_STATUS_ES | RX_STATUS_FILTER_FAIL)) {
            e->rx_dropped++;
            continue;
        }
        p = pbuf_alloc(PBUF_RAW, (u16_t)(len - 4u), PBUF_POOL);
        if (p == NULL) {
            e->rx_dropped++;
            continue;
        }
        if (pbuf_take(p, frame_words, (u16_t)(len - 4u)) != ERR_OK || netif->input(p, netif) != ERR_OK) {
            pbuf_free(p);
            e->rx_dropped++;
            continue;
        }
        e->rx_frames++;
        got++;
    }
    return got;
}

err_t lan9118_netif_init(struct netif *netif)
{
    lan9118_t *e = (lan9118_t *)netif->state;
    uint32_t lo = 0, hi = 0, bsr = 0;
    unsigned i, zero = 1, ones = 1;

    if (e == NULL || rd(e, BYTE_TEST) != BYTE_TEST_VALUE) {
        return ERR_IF;
    }
    e->id_rev = rd(e, ID_REV);
    /* Soft reset, then wait for the chip to come back. */
    wr(e, HW_CFG, HW_CFG_SRST);
    if (wait_bits(e, HW_CFG, HW_CFG_SRST, 0, 100) != 0 || wait_bits(e, PMT_CTRL, PMT_CTRL_READY, PMT_CTRL_READY, 100) != 0) {
        return ERR_IF;
    }
    wr(e, IRQ_CFG, 0);           /* polled: the interrupt pin stays off */
    wr(e, INT_EN, 0);
    wr(e, INT_STS, 0xffffffffu); /* clear whatever the reset left */

    if (mac_read(e, MAC_ADDRL, &lo) != 0 || mac_read(e, MAC_ADDRH, &hi) != 0) {
        return ERR_IF;
    }
    netif->hwaddr_len = ETH_HWADDR_LEN;
    netif->hwaddr[0] = (u8_t)lo;
    netif->hwaddr[1] = (u8_t)(lo >> 8);
    netif->hwaddr[2] = (u8_t)(lo >> 16);
    netif->hwaddr[3] = (u8_t)(lo >> 24);
    netif->hwaddr[4] = (u8_t)hi;
    netif->hwaddr[5] = (u8_t)(hi >> 8);
    for (i = 0; i < ETH_HWADDR_LEN; i++) {
        zero &= netif->hwaddr[i] == 0x00;
        ones &= netif->hwaddr[i] == 0xff;
    }
    if (zero || ones) {
        /* No EEPROM: a locally administered address. */
        static const u8_t fallback[ETH_HWADDR_LEN] = {0x02, 0x00, 0x6c, 0x6b, 0x65, 0x64};
        memcpy(netif->hwaddr, fallback, ETH_HWADDR_LEN);
        if (mac_write(e, MAC_ADDRL, (uint32_t)fallback[0] | ((uint32_t)fallback[1] << 8) |
                                        ((uint32_t)fallback[2] << 16) | ((uint32_t)fallback[3] << 24)) != 0 ||
            mac_write(e, MAC_ADDRH, (uint32_t)fallback[4] | ((uint32_t)fallback[5] << 8)) != 0) {
            return ERR_IF;
        }
    }

    /* PHY: auto-negotiate (QEMU completes it at once). */
    if (phy_write(e, PHY_BCR, PHY_BCR_ANEG) != 0) {
        return ERR_IF;
    }
    (void)phy_read(e, PHY_BSR, &bsr); /* latched-low link bit: the second read is current */
    if (phy_read(e, PHY_BSR, &bsr) != 0) {
        return ERR_IF;
    }

    /* Empty both FIFOs, then the MAC: full duplex, transmitter and receiver on,
     * perfect filtering on our address + broadcast (promiscuous off). */
    wr(e, RX_CFG, RX_CFG_RX_DUMP);
    wr(e, TX_CFG, TX_CFG_TXS_DUMP | TX_CFG_TXD_DUMP);
    if (mac_write(e, MAC_CR, MAC_CR_FDPX | MAC_CR_TXEN | MAC_CR_RXEN) != 0) {
        return ERR_IF;
    }
    wr(e, TX_CFG, TX_CFG_TX_ON);

    netif->name[0] = 'e';
    netif->name[1] = '0';
    netif->mtu = 1500;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    if (bsr & PHY_BSR_LINK) {
        netif->flags |= NETIF_FLAG_LINK_UP;
    }
    netif->output = etharp_output;
    netif->linkoutput = lan9118_linkoutput;
    return ERR_OK;
}
