/* bring-up: lwIP + LAN9118, TCP connect to 10.0.2.100:443, send, receive */
#include <string.h>

#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#include "fw_board.h"
#include "lan9118_netif.h"
#include "semihost.h"

u32_t sys_now(void);
u32_t sys_now(void)
{
    return (u32_t)fw_ms();
}

void fw_lwip_assert(const char *msg, const char *file, int line)
{
    out_str("lwip assert: ");
    out_str(msg);
    out_str(" ");
    out_str(file);
    out_str(":");
    out_i32(line);
    out_end();
    sh_exit(97);
}

static struct netif nif;
static lan9118_t eth = {LAN9118_BASE_MPS2, 0, 0, 0, 0, 0};
static int connected, got, closed;

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg;
    (void)err;
    if (p == NULL) {
        closed = 1;
        return ERR_OK;
    }
    got += p->tot_len;
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    (void)pcb;
    connected = err == ERR_OK ? 1 : -1;
    return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    (void)arg;
    connected = -2;
    out_str("tcp err ");
    out_i32(err);
    out_end();
}

int fw_main(void);
int fw_main(void)
{
    ip4_addr_t a, m, g, dst;
    struct tcp_pcb *pcb;
    uint64_t end;
    fw_clock_init();
    lwip_init();
    IP4_ADDR(&a, 10, 0, 2, 15);
    IP4_ADDR(&m, 255, 255, 255, 0);
    IP4_ADDR(&g, 10, 0, 2, 2);
    if (netif_add(&nif, &a, &m, &g, &eth, lan9118_netif_init, ethernet_input) == NULL) {
        fw_fatal("no LAN9118", 2);
    }
    netif_set_default(&nif);
    netif_set_up(&nif);
    out_str("lan9118 id ");
    out_hex32(eth.id_rev);
    out_str(" mac ");
    out_hexbytes(nif.hwaddr, 6);
    out_end();
    pcb = tcp_new();
    tcp_err(pcb, on_err);
    tcp_recv(pcb, on_recv);
    IP4_ADDR(&dst, 10, 0, 2, 100);
    tcp_connect(pcb, &dst, 443, on_connected);
    end = fw_ms() + 5000;
    while (connected == 0 && fw_ms() < end) {
        lan9118_poll(&nif);
        sys_check_timeouts();
    }
    out_str("connected ");
    out_i32(connected);
    out_str(" at ");
    out_u64(fw_ms());
    out_end();
    if (connected != 1) {
        return 1;
    }
    tcp_write(pcb, "hello\n", 6, TCP_WRITE_FLAG_COPY);
    tcp_output(pcb);
    end = fw_ms() + 3000;
    while (!closed && got < 6 && fw_ms() < end) {
        lan9118_poll(&nif);
        sys_check_timeouts();
    }
    out_str("got ");
    out_i32(got);
    out_str(" rx ");
    out_u64(eth.rx_frames);
    out_str(" tx ");
    out_u64(eth.tx_frames);
    out_str(" drop ");
    out_u64(eth.rx_dropped);
    out_end();
    return got >= 6 ? 0 : 1;
}
