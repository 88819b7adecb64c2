/* SPDX-License-Identifier: MIT */
/*
 * main.c - the smallest firmware application on lkedoc: one static client,
 * its settings, port/lwip-raw over lwIP (NO_SYS) and mbedTLS on a static
 * pool, as boards/cmake-m4/CMakeLists.txt builds it.  It shows what a board
 * provides; every hook below is a placeholder for the board's own:
 *   - for port/lwip-raw: poll (frames from the network driver into lwIP) and
 *     entropy (the TRNG: every random byte, PSA's too, comes from it through
 *     the client's generator);
 *   - for lwIP without an OS: sys_now() (a millisecond tick);
 *   - for the borrowed boards/mps2-an386/arch/cc.h: fw_rand32() (LWIP_RAND)
 *     and fw_lwip_assert().
 * Without a TRNG the entropy hook refuses, so lkd_client_init answers
 * LKD_ERR_ENTROPY: a client never runs TLS on predictable keys.
 */
#include <stddef.h>
#include <stdint.h>

#include "lwip/init.h"
#include "mbedtls/memory_buffer_alloc.h"

#include "lkd_client.h"
#include "port_lwip_raw.h"

u32_t sys_now(void);
uint32_t fw_rand32(void);
void fw_lwip_assert(const char *msg, const char *file, int line);

static lkd_client_t client;
static lkd_port_lwip_raw_t net;
/* mbedTLS allocates from here only (MBEDTLS_MEMORY_BUFFER_ALLOC_C); the
 * size boards/mps2-an386 measured for a whole job (its board.mk). */
static unsigned char tls_pool[42 * 1024] __attribute__((aligned(8)));
static volatile uint32_t ticks; /* a real board counts milliseconds in its SysTick handler */

u32_t sys_now(void)
{
    return ticks;
}

uint32_t fw_rand32(void)
{
    return ticks * 2654435761u; /* the board's TRNG */
}

void fw_lwip_assert(const char *msg, const char *file, int line)
{
    (void)msg; (void)file; (void)line;
    for (;;) {
    }
}

static void board_poll(void *ctx)
{
    (void)ctx; /* move the driver's received frames into netif->input */
}

static lkd_status_t board_entropy(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx; (void)buf; (void)len;
    return LKD_ERR_ENTROPY; /* fill buf from the TRNG and return LKD_OK */
}

int main(void)
{
    static const lkd_port_lwip_raw_board_t hooks = {board_poll, NULL, NULL, NULL, board_entropy, NULL};
    lkd_settings_t settings;
    lkd_port_t port;

    mbedtls_memory_buffer_alloc_init(tls_pool, sizeof tls_pool);
    lwip_init(); /* then the board's netif_add, netif_set_default, netif_set_up, dns_setserver */
    lkd_port_lwip_raw_init(&port, &net, &hooks);

    lkd_settings_default(&settings, LKD_PROFILE_LKE);
    settings.secret_id = "AKID...";
    settings.secret_key = "...";
    return lkd_client_init(&client, &settings, &port) == LKD_OK ? 0 : 1;
}
