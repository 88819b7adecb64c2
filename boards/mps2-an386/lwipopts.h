/* SPDX-License-Identifier: MIT */
/*
 * lwipopts.h - lwIP for the mps2-an386 firmware: bare metal (NO_SYS 1, the
 * raw API polled from the client's own loop through port/lwip-raw), IPv4
 * over Ethernet (the LAN9118), TCP for the API and the result download,
 * UDP for DNS.  Every byte lwIP uses is static: the lwIP heap (MEM_SIZE)
 * and the memp pools are arrays in .bss, never libc's malloc.
 */
#ifndef FW_LWIPOPTS_H
#define FW_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0 /* one thread, lwIP never called from an interrupt */
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_NETIF_API 0

#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DNS 1
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define IP_REASSEMBLY 0
#define IP_FRAG 0
#define LWIP_NETIF_HOSTNAME 0
/* Only the memory statistics: the firmware reports the heap's and the
 * pools' high-water marks (lwip_heap_peak=, pbuf_pool_peak=, ...), from
 * which MEM_SIZE and the pool sizes below are chosen. */
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 0
#define MEM_STATS 1
#define MEMP_STATS 1
#define LINK_STATS 0
#define ETHARP_STATS 0
#define IP_STATS 0
#define IPFRAG_STATS 0
#define ICMP_STATS 0
#define UDP_STATS 0
#define TCP_STATS 0
#define SYS_STATS 0

/* Memory: static lwIP heap and pools (no MEM_LIBC_MALLOC, no MEMP_MEM_MALLOC). */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0
#define MEM_ALIGNMENT 4
/* Sized from lwIP's statistics over the worst jobs measured (a 300 kB
 * upload, a 1 MB download cut once and resumed; see fw_main.c's summary):
 * the heap peaked at 2.6 to 3.9 KiB, the pool pbufs at 5, the ROM/REF
 * pbufs at 0, the TCP segments at 2, the TCP PCBs at 2.
 * The heap holds what TCP sends until it is acknowledged: the emulated
 * link acknowledges at once, a real one may leave the whole TCP_SND_BUF
 * outstanding: 4 segments of 1 538 B each with their pbuf, headers and
 * heap header (6 152 B), hence 7 KiB, 1 KiB beside them for ACKs, ARP and
 * DNS (when the heap is short, tcp_write says ERR_MEM and the port waits
 * for ACKs rather than failing).  Pool pbufs hold received frames until
 * the client reads them: a full window (TCP_WND, 4 segments) plus one ARP
 * or DNS answer, plus 1 spare (a frame that finds none free is dropped and
 * retransmitted by the peer, not lost). */
#define MEM_SIZE (7 * 1024)
#define MEMP_NUM_PBUF 4
#define MEMP_NUM_UDP_PCB 2
#define MEMP_NUM_TCP_PCB 4
#define MEMP_NUM_TCP_PCB_LISTEN 1
/* Segments: the send queue (TCP_SND_QUEUELEN) and a receive window held
 * out of order (TCP_WND / TCP_MSS). */
#define MEMP_NUM_TCP_SEG (TCP_SND_QUEUELEN + TCP_WND / TCP_MSS)
#define MEMP_NUM_ARP_QUEUE 4
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 2)
#define PBUF_POOL_SIZE 6
#define PBUF_POOL_BUFSIZE 1536 /* one whole Ethernet frame per pool pbuf */

/* TCP: full-size segments; a receive window of 4 segments stays below the
 * LAN9118's 10 KiB receive FIFO, so a burst never overruns it between two
 * polls.  TLS records (16 KiB) arrive in several windows. */
#define TCP_MSS 1460
#define TCP_WND (4 * TCP_MSS)
#define TCP_SND_BUF (4 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ 1
#define TCP_LISTEN_BACKLOG 0
#define LWIP_TCP_KEEPALIVE 0

#define DNS_TABLE_SIZE 2
#define DNS_MAX_SERVERS 2
#define DNS_MAX_NAME_LENGTH 128

#define LWIP_CHECKSUM_CTRL_PER_NETIF 0
#define ETH_PAD_SIZE 0
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_NETIF_STATUS_CALLBACK 0

#endif
