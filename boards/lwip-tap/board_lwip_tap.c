/* SPDX-License-Identifier: MIT */
/*
 * board_lwip_tap.c - the host CLI on lwIP instead of the kernel's TCP/IP:
 * Debian's liblwip runs its stack in this process (tcpip_init) and talks
 * Ethernet through a tap device, so every packet of a call is lwIP's.
 *
 * Settings come from the environment (see README, "lwIP"):
 *   LKEDOC_LWIP_TAP      tap device to attach (default: $PRECONFIGURED_TAPIF, else tap0);
 *                        it must exist and be up (ip tuntap add ... mode tap)
 *   LKEDOC_LWIP_ADDR     lwIP's IPv4 address      (default 192.0.2.2)
 *   LKEDOC_LWIP_NETMASK  its netmask              (default 255.255.255.0)
 *   LKEDOC_LWIP_GW       its gateway              (default 192.0.2.1)
 *   LKEDOC_LWIP_DNS      DNS server(s), "A[,B]"   (default: the gateway)
 *   LKEDOC_LWIP_CLOCK    "host" (default) or "unknown": whether the device
 *                        knows the date, or must learn it from the server
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lwip/opt.h"
#include "lwip/init.h"
#include "lwip/inet.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"
#include "netif/tapif.h"

#include "../host_entropy.h"
#include "cli.h"
#include "port_lwip.h"

static struct netif tap_netif;
static lkd_port_lwip_t lwip_state;

static int64_t host_wall_time(void *user)
{
    (void)user;
    return (int64_t)time(NULL);
}

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v != NULL && *v != '\0' ? v : dflt;
}

static void tcpip_ready(void *arg)
{
    sys_sem_signal((sys_sem_t *)arg);
}

static int parse_ip4(const char *what, const char *text, ip4_addr_t *out)
{
    if (!ip4addr_aton(text, out)) {
        fprintf(stderr, "lkedoc: %s=%s is not an IPv4 address\n", what, text);
        return -1;
    }
    return 0;
}

int cli_board_init(lkd_port_t *port, const options_t *o)
{
    ip4_addr_t addr, mask, gw;
    sys_sem_t ready;
    const char *tap = env_or("LKEDOC_LWIP_TAP", env_or("PRECONFIGURED_TAPIF", "tap0"));
    const char *gw_text = env_or("LKEDOC_LWIP_GW", "192.0.2.1");
    const char *dns = env_or("LKEDOC_LWIP_DNS", gw_text);
    const char *clock = env_or("LKEDOC_LWIP_CLOCK", "host");
    char first[64];
    const char *comma;

    if (parse_ip4("LKEDOC_LWIP_ADDR", env_or("LKEDOC_LWIP_ADDR", "192.0.2.2"), &addr) != 0 ||
        parse_ip4("LKEDOC_LWIP_NETMASK", env_or("LKEDOC_LWIP_NETMASK", "255.255.255.0"), &mask) != 0 ||
        parse_ip4("LKEDOC_LWIP_GW", gw_text, &gw) != 0) {
        return -1;
    }
    /* tapif_init opens /dev/net/tun and attaches to the device this names. */
    if (setenv("PRECONFIGURED_TAPIF", tap, 1) != 0) {
        return -1;
    }

    if (sys_sem_new(&ready, 0) != ERR_OK) {
        fprintf(stderr, "lkedoc: lwIP: cannot create a semaphore\n");
        return -1;
    }
    tcpip_init(tcpip_ready, &ready);
    sys_sem_wait(&ready);
    sys_sem_free(&ready);

    LOCK_TCPIP_CORE();
    if (netif_add(&tap_netif, &addr, &mask, &gw, NULL, tapif_init, tcpip_input) == NULL) {
        UNLOCK_TCPIP_CORE();
        fprintf(stderr, "lkedoc: lwIP: cannot bring up tap device %s\n", tap);
        return -1;
    }
    netif_set_default(&tap_netif);
    netif_set_up(&tap_netif);
    netif_set_link_up(&tap_netif);
    UNLOCK_TCPIP_CORE();

    lwip_state.entropy = host_entropy;
    lwip_state.wall_time = strcmp(clock, "unknown") == 0 ? NULL : host_wall_time;
    lwip_state.user = NULL;
    lkd_port_lwip_init(port, &lwip_state);

    comma = strchr(dns, ',');
    snprintf(first, sizeof first, "%.*s", comma != NULL ? (int)(comma - dns) : (int)strlen(dns), dns);
    if (lkd_port_lwip_set_dns(&lwip_state, 0, first) != 0 ||
        (comma != NULL && lkd_port_lwip_set_dns(&lwip_state, 1, comma + 1) != 0)) {
        fprintf(stderr, "lkedoc: LKEDOC_LWIP_DNS=%s: expected one or two IPv4 addresses\n", dns);
        return -1;
    }
    if (o->verbose) {
        fprintf(stderr, "lkedoc: * lwIP %s on tap %s: %s", LWIP_VERSION_STRING, tap, ip4addr_ntoa(&addr));
        fprintf(stderr, "/%s", ip4addr_ntoa(&mask));
        fprintf(stderr, " gw %s, DNS %s, clock %s\n", ip4addr_ntoa(&gw), dns,
                lwip_state.wall_time != NULL ? "host" : "unknown");
    }
    return 0;
}
