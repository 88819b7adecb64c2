/* SPDX-License-Identifier: MIT */
/*
 * board_lwip_raw_tap.c - the host CLI on lwIP without an OS: lwIP compiled
 * from Debian's source with this board's lwipopts.h (NO_SYS 1), driven
 * through port/lwip-raw exactly as a microcontroller drives it, with a tap
 * device as its Ethernet (tap_netif.c).  There is no stack thread: lwIP runs
 * only when the port polls it from the client's calls.
 *
 * Settings come from the environment, the same as boards/lwip-tap's (see
 * README, "lwIP"):
 *   LKEDOC_LWIP_TAP      tap device to attach (default: $PRECONFIGURED_TAPIF, else tap0);
 *                        it must exist and be up (ip tuntap add ... mode tap)
 *   LKEDOC_LWIP_ADDR     lwIP's IPv4 address      (default 192.0.2.2)
 *   LKEDOC_LWIP_NETMASK  its netmask              (default 255.255.255.0)
 *   LKEDOC_LWIP_GW       its gateway              (default 192.0.2.1)
 *   LKEDOC_LWIP_DNS      DNS server(s), "A[,B]"   (default: the gateway)
 *   LKEDOC_LWIP_CLOCK    "host" (default) or "unknown": whether the device
 *                        knows the date, or must learn it from the server
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lwip/opt.h"
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#include "../host_entropy.h"
#include "cli.h"
#include "port_lwip_raw.h"
#include "tap_netif.h"

static struct netif tap_nif;
static tap_netif_t tap_dev;
static lkd_port_lwip_raw_t raw_port;

/* ---- what lwIP needs from the platform (arch/cc.h, NO_SYS) ---------------------------- */

static uint64_t host_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

u32_t sys_now(void)
{
    return (u32_t)host_ms();
}

uint32_t lwip_raw_tap_rand(void)
{
    uint32_t r = 0;
    if (host_entropy(NULL, (uint8_t *)&r, sizeof r) != LKD_OK) {
        abort(); /* predictable DNS ids and sequence numbers are not an option */
    }
    return r;
}

void lwip_raw_tap_diag(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    vfprintf(stderr, format, ap);
    va_end(ap);
}

/* ---- the port's board hooks ----------------------------------------------------------- */

static void hook_poll(void *ctx)
{
    (void)tap_netif_poll((struct netif *)ctx);
}

static void hook_idle(void *ctx, uint32_t max_ms)
{
    tap_netif_wait((struct netif *)ctx, max_ms);
}

static uint64_t hook_monotonic_ms(void *ctx)
{
    (void)ctx;
    return host_ms();
}

static int64_t hook_wall_time(void *ctx)
{
    (void)ctx;
    return (int64_t)time(NULL);
}

/* ---- the CLI's board ------------------------------------------------------------------ */

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v != NULL && *v != '\0' ? v : dflt;
}

static int parse_ip4(const char *what, const char *text, ip4_addr_t *out)
{
    if (!ip4addr_aton(text, out)) {
        fprintf(stderr, "lkedoc: %s=%s is not an IPv4 address\n", what, text);
        return -1;
    }
    return 0;
}

/* LKEDOC_LWIP_DNS: "A" or "A,B" into lwIP's resolver. */
static int set_dns(const char *list)
{
    const char *comma = strchr(list, ',');
    char first[64];
    ip_addr_t a;
    snprintf(first, sizeof first, "%.*s", comma != NULL ? (int)(comma - list) : (int)strlen(list), list);
    if (!ipaddr_aton(first, &a)) {
        return -1;
    }
    dns_setserver(0, &a);
    if (comma != NULL) {
        if (!ipaddr_aton(comma + 1, &a)) {
            return -1;
        }
        dns_setserver(1, &a);
    }
    return 0;
}

/* The link is up once the gateway answers ARP.  Attaching gives the tap its
 * carrier, but Linux starts transmitting on it a few milliseconds later (its
 * link-watch work activates the queue): an answer it sends before then is
 * dropped, and lwIP asks again only on its 1 s ARP or DNS timer.  So, as a
 * driver waits for its PHY, ask every 10 ms until the gateway answers (at
 * most a second, then go on regardless). */
static void wait_for_gateway(const ip4_addr_t *gw)
{
    uint64_t now = host_ms(), end = now + 1000, next = now;
    if (ip4_addr_isany(gw) || !ip4_addr_netcmp(gw, netif_ip4_addr(&tap_nif), netif_ip4_netmask(&tap_nif))) {
        return;
    }
    for (;;) {
        struct eth_addr *eth;
        const ip4_addr_t *ip;
        if (etharp_find_addr(&tap_nif, gw, &eth, &ip) >= 0 || now >= end) {
            return;
        }
        if (now >= next) {
            (void)etharp_request(&tap_nif, gw);
            next = now + 10;
        }
        tap_netif_wait(&tap_nif, 2);
        (void)tap_netif_poll(&tap_nif);
        sys_check_timeouts();
        now = host_ms();
    }
}

int cli_board_init(lkd_port_t *port, const options_t *o)
{
    lkd_port_lwip_raw_board_t hooks;
    ip4_addr_t addr, mask, gw;
    const char *gw_text = env_or("LKEDOC_LWIP_GW", "192.0.2.1");
    const char *dns = env_or("LKEDOC_LWIP_DNS", gw_text);
    const char *clock = env_or("LKEDOC_LWIP_CLOCK", "host");

    tap_dev.name = env_or("LKEDOC_LWIP_TAP", env_or("PRECONFIGURED_TAPIF", "tap0"));
    tap_dev.fd = -1;
    if (parse_ip4("LKEDOC_LWIP_ADDR", env_or("LKEDOC_LWIP_ADDR", "192.0.2.2"), &addr) != 0 ||
        parse_ip4("LKEDOC_LWIP_NETMASK", env_or("LKEDOC_LWIP_NETMASK", "255.255.255.0"), &mask) != 0 ||
        parse_ip4("LKEDOC_LWIP_GW", gw_text, &gw) != 0) {
        return -1;
    }

    lwip_init();
    if (set_dns(dns) != 0) {
        fprintf(stderr, "lkedoc: LKEDOC_LWIP_DNS=%s: expected one or two IPv4 addresses\n", dns);
        return -1;
    }
    if (netif_add(&tap_nif, &addr, &mask, &gw, &tap_dev, tap_netif_init, ethernet_input) == NULL) {
        fprintf(stderr, "lkedoc: lwIP: cannot bring up tap device %s\n", tap_dev.name);
        return -1;
    }
    netif_set_default(&tap_nif);
    netif_set_up(&tap_nif);
    netif_set_link_up(&tap_nif);
    wait_for_gateway(&gw);

    memset(&hooks, 0, sizeof hooks);
    hooks.poll = hook_poll;
    hooks.idle = hook_idle;
    hooks.monotonic_ms = hook_monotonic_ms;
    hooks.wall_time = strcmp(clock, "unknown") == 0 ? NULL : hook_wall_time;
    hooks.entropy = host_entropy;
    hooks.ctx = &tap_nif;
    lkd_port_lwip_raw_init(port, &raw_port, &hooks);

    if (o->verbose) {
        fprintf(stderr, "lkedoc: * lwIP %s raw API (NO_SYS) on tap %s: %s", LWIP_VERSION_STRING, tap_dev.name,
                ip4addr_ntoa(&addr));
        fprintf(stderr, "/%s", ip4addr_ntoa(&mask));
        fprintf(stderr, " gw %s, DNS %s, clock %s\n", ip4addr_ntoa(&gw), dns,
                hooks.wall_time != NULL ? "host" : "unknown");
    }
    return 0;
}
