/* SPDX-License-Identifier: MIT */
/*
 * lwipopts.h - lwIP for boards/lwip-raw-tap: the host CLI on lwIP built from
 * Debian's source with these options, bare metal as on a microcontroller
 * (NO_SYS 1, raw API driven by port/lwip-raw), IPv4 over Ethernet on a tap
 * device.  The same sizes as the mps2-an386 firmware where it matters (TCP
 * windows and buffers), so the host run exercises the port as the device
 * uses it.  Every byte lwIP uses is static: its heap (MEM_SIZE) and pools
 * are arrays in .bss, never the C library's malloc.
 */
#ifndef LWIP_RAW_TAP_LWIPOPTS_H
#define LWIP_RAW_TAP_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0 /* one thread; lwIP never runs from a signal handler */
#define LWIP_TIMERS 1          /* sys_check_timeouts(), run by the port while it waits */
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_NETIF_API 0

#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_UDP 1 /* DNS */
#define LWIP_TCP 1
#define LWIP_DNS 1 /* dns_gethostbyname: compiled from source (Debian's liblwip has none) */
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define IP_REASSEMBLY 0 /* MSS-sized TCP and small DNS answers never fragment */
#define IP_FRAG 0
#define LWIP_NETIF_HOSTNAME 0
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_STATS 0

/* Memory: a static lwIP heap and static pools.  The heap holds what TCP
 * copies in (tcp_write COPY: up to TCP_SND_BUF per connection), outgoing
 * headers, ARP and DNS packets; the pool holds received frames, one per
 * pbuf. */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0
#define MEM_ALIGNMENT 8 /* 64-bit host: pointers in pbufs and pool elements */
#define MEM_SIZE (32 * 1024)
#define MEMP_NUM_PBUF 16
#define MEMP_NUM_UDP_PCB 4
#define MEMP_NUM_TCP_PCB 6 /* the client's two, and closed ones in TIME_WAIT */
#define MEMP_NUM_TCP_PCB_LISTEN 1
#define MEMP_NUM_TCP_SEG 32 /* >= TCP_SND_QUEUELEN, shared by both connections and out-of-order segments */
#define MEMP_NUM_ARP_QUEUE 8
#define PBUF_POOL_SIZE 24
#define PBUF_POOL_BUFSIZE 1536 /* one whole Ethernet frame (1514 B) per pool pbuf */

/* TCP.  Full-size segments on a 1500-byte MTU.  A TLS record is up to 16 KiB;
 * the client's TLS buffer holds the whole record and recv hands it over piece
 * by piece, opening the window as it is read, so the window does not have to
 * hold a record: it sets how much is in flight per round trip and how many
 * pool pbufs one connection can hold (unread data stays in lwIP's pbufs).
 * 4 segments (5840 B) carry a record in 3 round trips, tens of MB/s on a
 * LAN, and two connections hold at most 8 of the 24 pool pbufs.  The send
 * buffer is the same size: send copies at most that much of a record and
 * returns the count, the next call goes on as ACKs free room, and two
 * connections pin at most 2 x 5840 B of the 32 KiB heap.  The mps2-an386
 * firmware uses these sizes too (its LAN9118 receive FIFO is 10 KiB). */
#define TCP_MSS 1460
#define TCP_WND (4 * TCP_MSS)
#define TCP_SND_BUF (4 * TCP_MSS)
#define TCP_SND_QUEUELEN ((4 * TCP_SND_BUF + TCP_MSS - 1) / TCP_MSS)
#define TCP_QUEUE_OOSEQ 1
#define TCP_LISTEN_BACKLOG 0
#define LWIP_TCP_KEEPALIVE 0

/* DNS: two servers (LKEDOC_LWIP_DNS "A[,B]"), names up to 255 bytes like the CLI's. */
#define DNS_TABLE_SIZE 4
#define DNS_MAX_SERVERS 2
#define DNS_MAX_NAME_LENGTH 256

/* Checksums: a tap device does no offloading, so lwIP makes and checks all of them. */
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_GEN_UDP 1
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_GEN_ICMP 1
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_UDP 1
#define CHECKSUM_CHECK_TCP 1
#define CHECKSUM_CHECK_ICMP 1
#define LWIP_CHECKSUM_ON_COPY 1 /* tcp_write COPY sums while copying */
#define LWIP_CHECKSUM_CTRL_PER_NETIF 0
#define ETH_PAD_SIZE 0

#endif
