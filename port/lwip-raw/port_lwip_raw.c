/* SPDX-License-Identifier: MIT */
/*
 * port_lwip_raw.c - lkedoc's port on lwIP's raw API without an OS (see
 * port_lwip_raw.h).
 *
 * Everything runs in the caller's thread: lwIP's callbacks only fire inside
 * the port's own wait loops (board poll -> netif->input -> tcp_input), so the
 * state they update needs no locking.  A callback never frees anything the
 * port still uses: lwIP frees a PCB before calling the err callback, which
 * only forgets the pointer.
 */
#include "port_lwip_raw.h"

#include <string.h>

#include "lwip/opt.h"
#include "lwip/def.h"
#include "lwip/err.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#if LWIP_DNS
#include "lwip/dns.h"
#endif

#if !NO_SYS
#error "port_lwip_raw is for lwIP without an OS (NO_SYS 1); with an OS use port/lwip"
#endif
#if !LWIP_TCP || !LWIP_CALLBACK_API
#error "port_lwip_raw needs LWIP_TCP and LWIP_CALLBACK_API"
#endif
#if TCP_WND > 0xffff
#error "port_lwip_raw queues received data in one pbuf chain: TCP_WND must be at most 65535"
#endif

/* A slot's life. */
enum {
    CONN_FREE = 0,
    CONN_CONNECTING, /* tcp_connect sent, no answer yet */
    CONN_OPEN,
    CONN_PEER_CLOSED, /* FIN received: what is queued is all that will come */
    CONN_FAILED       /* reset or aborted; the PCB is gone (err holds why) */
};

/* ---- clocks and waiting ----------------------------------------------------------- */

static uint64_t raw_monotonic_ms(void *ctx)
{
    lkd_port_lwip_raw_t *st = (lkd_port_lwip_raw_t *)ctx;
    uint32_t now;
    if (st->board.monotonic_ms != NULL) {
        return st->board.monotonic_ms(st->board.ctx);
    }
    /* sys_now() wraps every 49.7 days; the client calls this far more often. */
    now = (uint32_t)sys_now();
    if (now < st->last_now) {
        st->wraps++;
    }
    st->last_now = now;
    return (st->wraps << 32) | (uint64_t)now;
}

/* Let the stack run once: received frames in, then lwIP's due timers. */
static void raw_service(lkd_port_lwip_raw_t *st)
{
    if (st->board.poll != NULL) {
        st->board.poll(st->board.ctx);
    }
#if LWIP_TIMERS
    sys_check_timeouts();
#endif
}

/* One more round of waiting for something that has not happened yet: 0 when
 * the deadline has passed, else 1 after idling (at most until the deadline or
 * lwIP's next timer) and servicing the stack. */
static int raw_wait(lkd_port_lwip_raw_t *st, uint64_t deadline)
{
    uint64_t now = raw_monotonic_ms(st);
    if (now >= deadline) {
        return 0;
    }
    if (st->board.idle != NULL) {
        uint64_t max = deadline - now;
#if LWIP_TIMERS
        uint32_t next = sys_timeouts_sleeptime();
        if (next < max) {
            max = next;
        }
#endif
        st->board.idle(st->board.ctx, max > 0xffffffffu ? 0xffffffffu : (uint32_t)max);
    }
    raw_service(st);
    return 1;
}

/* raw_wait for a connect: while it has an abort to ask, no idle longer than
 * LKD_ABORT_POLL_MS, the abort asked before each round; 0 also when it
 * says stop (st->abort is then cleared, which tells the connect). */
static int raw_wait_connect(lkd_port_lwip_raw_t *st, uint64_t deadline)
{
    uint64_t cap;
    if (st->abort == NULL) {
        return raw_wait(st, deadline);
    }
    if (st->abort(st->abort_user)) {
        st->abort = NULL;
        return 0;
    }
    cap = raw_monotonic_ms(st) + LKD_ABORT_POLL_MS;
    return raw_wait(st, cap < deadline ? cap : deadline);
}

static uint64_t raw_deadline(lkd_port_lwip_raw_t *st, uint32_t timeout_ms)
{
    return raw_monotonic_ms(st) + timeout_ms;
}

static void raw_sleep_ms(void *ctx, uint32_t ms)
{
    lkd_port_lwip_raw_t *st = (lkd_port_lwip_raw_t *)ctx;
    uint64_t deadline = raw_deadline(st, ms);
    raw_service(st);
    while (raw_wait(st, deadline)) {
    }
}

static int64_t raw_wall_time(void *ctx)
{
    lkd_port_lwip_raw_t *st = (lkd_port_lwip_raw_t *)ctx;
    return st->board.wall_time != NULL ? st->board.wall_time(st->board.ctx) : LKD_PORT_TIME_UNKNOWN;
}

static lkd_status_t raw_entropy(void *ctx, uint8_t *buf, size_t len)
{
    lkd_port_lwip_raw_t *st = (lkd_port_lwip_raw_t *)ctx;
    return st->board.entropy != NULL ? st->board.entropy(st->board.ctx, buf, len) : LKD_ERR_ENTROPY;
}

/* ---- lwIP callbacks ------------------------------------------------------------------ */

static err_t raw_on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    lkd_port_lwip_raw_conn_t *c = (lkd_port_lwip_raw_conn_t *)arg;
    (void)pcb;
    (void)err; /* always ERR_OK: failures come through the err callback */
    if (c != NULL && c->state == CONN_CONNECTING) {
        c->state = CONN_OPEN;
    }
    return ERR_OK;
}

/* Data (p) or the peer's FIN (p == NULL).  The data joins the slot's queue and
 * is acknowledged to the window (tcp_recved) only as recv hands it out. */
static err_t raw_on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    lkd_port_lwip_raw_conn_t *c = (lkd_port_lwip_raw_conn_t *)arg;
    (void)err;
    if (c == NULL) { /* not ours any more: take it and drop it */
        if (p != NULL) {
            tcp_recved(pcb, p->tot_len);
            pbuf_free(p);
        }
        return ERR_OK;
    }
    if (p == NULL) {
        if (c->state == CONN_OPEN || c->state == CONN_CONNECTING) {
            c->state = CONN_PEER_CLOSED;
        }
        return ERR_OK;
    }
    if (c->rx == NULL) {
        c->rx = p;
    } else if ((uint32_t)c->rx->tot_len + p->tot_len > 0xffffu) {
        return ERR_MEM; /* lwIP keeps it and offers it again (cannot happen with TCP_WND <= 65535) */
    } else {
        pbuf_cat(c->rx, p);
    }
    return ERR_OK;
}

/* The PCB is already freed: forget it, remember why. */
static void raw_on_err(void *arg, err_t err)
{
    lkd_port_lwip_raw_conn_t *c = (lkd_port_lwip_raw_conn_t *)arg;
    if (c == NULL) {
        return;
    }
    c->pcb = NULL;
    c->err = (int8_t)err;
    if (c->state != CONN_PEER_CLOSED) {
        c->state = CONN_FAILED;
    }
}

/* ---- slots ------------------------------------------------------------------------------ */

static lkd_port_lwip_raw_conn_t *raw_slot(lkd_port_lwip_raw_t *st, lkd_port_conn_t conn)
{
    if (conn < 0 || conn >= LKD_PORT_LWIP_RAW_CONNS || st->conn[conn].state == CONN_FREE) {
        return NULL;
    }
    return &st->conn[conn];
}

/* Detach the slot's PCB from the port (no callback will reach the slot again),
 * hand lwIP back its window for unread data, and close it; abort when lwIP
 * cannot (out of memory for the FIN) or when told to.  Frees the slot. */
static void raw_release(lkd_port_lwip_raw_conn_t *c, int abort)
{
    struct tcp_pcb *pcb = c->pcb;
    if (pcb != NULL) {
        tcp_arg(pcb, NULL);
        tcp_recv(pcb, NULL);
        tcp_err(pcb, NULL);
        if (abort) {
            tcp_abort(pcb);
        } else {
            if (c->rx != NULL) {
                tcp_recved(pcb, c->rx->tot_len); /* else lwIP answers the close with a reset */
            }
            if (tcp_close(pcb) != ERR_OK) {
                tcp_abort(pcb);
            }
        }
    }
    if (c->rx != NULL) {
        pbuf_free(c->rx);
    }
    memset(c, 0, sizeof *c);
}

/* ---- connect ----------------------------------------------------------------------------- */

#if LWIP_DNS
/* lwIP's resolver answers here, inside a later poll.  An answer for an
 * earlier name (whose connect gave up) is not the one being waited for. */
static void raw_on_dns(const char *name, const ip_addr_t *ipaddr, void *arg)
{
    lkd_port_lwip_raw_t *st = (lkd_port_lwip_raw_t *)arg;
    if (st->dns_name == NULL || name == NULL || lwip_stricmp(name, st->dns_name) != 0) {
        return;
    }
    if (ipaddr != NULL) {
        ip_addr_copy(*(ip_addr_t *)st->dns_answer, *ipaddr);
        st->dns_done = 1;
    } else {
        st->dns_done = -1;
    }
}
#endif

/* host -> *addr: a numeric address at once, a name through lwIP's resolver
 * (its cache, or a query waited for until the deadline). */
static lkd_status_t raw_resolve(lkd_port_lwip_raw_t *st, const char *host, uint64_t deadline, ip_addr_t *addr)
{
#if LWIP_DNS
    lkd_status_t why = LKD_ERR_DNS;
    err_t e;
#endif
    if (ipaddr_aton(host, addr)) {
        return LKD_OK;
    }
#if LWIP_DNS
    st->dns_name = host;
    st->dns_answer = addr;
    st->dns_done = 0;
    e = dns_gethostbyname(host, addr, raw_on_dns, st);
    if (e == ERR_OK) {
        why = LKD_OK; /* cached */
    } else if (e == ERR_INPROGRESS) {
        raw_service(st);
        while (st->dns_done == 0 && raw_wait_connect(st, deadline)) {
        }
        why = st->dns_done > 0 ? LKD_OK : st->dns_done < 0 ? LKD_ERR_DNS : LKD_ERR_TIMEOUT;
    }
    st->dns_name = NULL;
    st->dns_answer = NULL;
    return why;
#else
    (void)st;
    (void)deadline;
    return LKD_ERR_DNS;
#endif
}

static lkd_status_t raw_connect_to(lkd_port_lwip_raw_t *st, const char *host, uint16_t port, uint32_t timeout_ms,
                                   lkd_port_conn_t *conn)
{
    uint64_t deadline = raw_deadline(st, timeout_ms);
    lkd_port_lwip_raw_conn_t *c = NULL;
    struct tcp_pcb *pcb;
    ip_addr_t addr;
    lkd_status_t why;
    int i;

    if (host == NULL || conn == NULL) {
        return LKD_ERR_CONNECT;
    }
    for (i = 0; i < LKD_PORT_LWIP_RAW_CONNS && c == NULL; i++) {
        if (st->conn[i].state == CONN_FREE) {
            c = &st->conn[i];
        }
    }
    if (c == NULL) {
        return LKD_ERR_CONNECT;
    }
    why = raw_resolve(st, host, deadline, &addr);
    if (why != LKD_OK) {
        return why;
    }
    pcb = tcp_new_ip_type(IP_GET_TYPE(&addr));
    if (pcb == NULL) {
        return LKD_ERR_CONNECT;
    }
    memset(c, 0, sizeof *c);
    c->pcb = pcb;
    c->state = CONN_CONNECTING;
    tcp_arg(pcb, c);
    tcp_recv(pcb, raw_on_recv);
    tcp_err(pcb, raw_on_err);
    tcp_nagle_disable(pcb);
    if (tcp_connect(pcb, &addr, port, raw_on_connected) != ERR_OK) {
        raw_release(c, 1);
        return LKD_ERR_CONNECT;
    }
    raw_service(st);
    while (c->state == CONN_CONNECTING && raw_wait_connect(st, deadline)) {
    }
    if (c->state == CONN_OPEN || c->state == CONN_PEER_CLOSED) {
        *conn = (lkd_port_conn_t)(c - st->conn);
        return LKD_OK;
    }
    why = c->state == CONN_CONNECTING ? LKD_ERR_TIMEOUT : LKD_ERR_CONNECT;
    raw_release(c, 1); /* a half-open PCB is aborted; a failed one is already gone */
    return why;
}

/* The abort is kept in the state for the waits of this connect only; one
 * that said stop was cleared by raw_wait_connect. */
static lkd_status_t raw_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms,
                                lkd_abort_fn abort, void *abort_user, lkd_port_conn_t *conn)
{
    lkd_port_lwip_raw_t *st = (lkd_port_lwip_raw_t *)ctx;
    lkd_status_t why;
    st->abort = abort;
    st->abort_user = abort_user;
    why = raw_connect_to(st, host, port, timeout_ms, conn);
    if (abort != NULL && st->abort == NULL && why != LKD_OK) {
        why = LKD_ERR_ABORTED;
    }
    st->abort = NULL;
    return why;
}

/* ---- send, recv, close ----------------------------------------------------------------- */

/* Why a slot whose PCB lwIP freed cannot carry data. */
static lkd_status_t raw_failure(const lkd_port_lwip_raw_conn_t *c)
{
    return c->err == ERR_CLSD ? LKD_ERR_CLOSED : LKD_ERR_IO;
}

static lkd_status_t raw_send(void *ctx, lkd_port_conn_t conn, const uint8_t *data, size_t len,
                             uint32_t timeout_ms, size_t *sent)
{
    lkd_port_lwip_raw_t *st = (lkd_port_lwip_raw_t *)ctx;
    lkd_port_lwip_raw_conn_t *c = raw_slot(st, conn);
    uint64_t deadline = raw_deadline(st, timeout_ms);

    if (c == NULL) {
        return LKD_ERR_IO;
    }
    if (data == NULL || len == 0) {
        return LKD_ERR_ARG;
    }
    raw_service(st);
    do {
        u16_t room, n;
        if (c->pcb == NULL) {
            return raw_failure(c);
        }
        room = tcp_sndbuf(c->pcb);
        if (room == 0 || tcp_sndqueuelen(c->pcb) >= TCP_SND_QUEUELEN) {
            continue; /* wait for ACKs to free send buffer */
        }
        n = len < room ? (u16_t)len : room;
        for (;;) {
            err_t e = tcp_write(c->pcb, data, n, TCP_WRITE_FLAG_COPY);
            if (e == ERR_OK) {
                (void)tcp_output(c->pcb);
                *sent = n;
                return LKD_OK;
            }
            if (e != ERR_MEM) {
                return e == ERR_CONN ? LKD_ERR_CLOSED : LKD_ERR_IO;
            }
            if (n <= TCP_MSS) {
                break; /* lwIP is short of segments or pbufs: wait for some to come back */
            }
            n = (u16_t)(n / 2u);
        }
        (void)tcp_output(c->pcb);
    } while (raw_wait(st, deadline));
    return LKD_ERR_TIMEOUT;
}

/* About to wait for data: acknowledge at once what lwIP holds back for its
 * delayed-ACK timer (up to 250 ms).  A peer with Nagle on waits for that ACK
 * before it sends the next small segment of an answer, and both would sit
 * idle until the timer fires. */
static void raw_ack_now(lkd_port_lwip_raw_conn_t *c)
{
    if (c->pcb != NULL && tcp_is_flag_set(c->pcb, TF_ACK_DELAY)) {
        tcp_set_flags(c->pcb, TF_ACK_NOW);
        (void)tcp_output(c->pcb);
    }
}

static lkd_status_t raw_recv(void *ctx, lkd_port_conn_t conn, uint8_t *buf, size_t len, uint32_t timeout_ms,
                             size_t *received)
{
    lkd_port_lwip_raw_t *st = (lkd_port_lwip_raw_t *)ctx;
    lkd_port_lwip_raw_conn_t *c = raw_slot(st, conn);
    uint64_t deadline = raw_deadline(st, timeout_ms);

    if (c == NULL) {
        return LKD_ERR_IO;
    }
    if (buf == NULL || len == 0) {
        return LKD_ERR_ARG;
    }
    raw_service(st);
    do {
        if (c->rx != NULL) {
            u16_t n = len < c->rx->tot_len ? (u16_t)len : c->rx->tot_len;
            (void)pbuf_copy_partial(c->rx, buf, n, 0);
            c->rx = pbuf_free_header(c->rx, n);
            if (c->pcb != NULL) {
                tcp_recved(c->pcb, n);
            }
            *received = n;
            return LKD_OK;
        }
        if (c->state == CONN_PEER_CLOSED) {
            return LKD_ERR_CLOSED;
        }
        if (c->state == CONN_FAILED) {
            return raw_failure(c);
        }
        raw_ack_now(c);
    } while (raw_wait(st, deadline));
    return LKD_ERR_TIMEOUT;
}

static void raw_close(void *ctx, lkd_port_conn_t conn)
{
    lkd_port_lwip_raw_t *st = (lkd_port_lwip_raw_t *)ctx;
    lkd_port_lwip_raw_conn_t *c = raw_slot(st, conn);
    if (c != NULL) {
        raw_release(c, 0);
        /* Let the FIN go out now rather than at the next wait. */
        raw_service(st);
    }
}

void lkd_port_lwip_raw_init(lkd_port_t *port, lkd_port_lwip_raw_t *state, const lkd_port_lwip_raw_board_t *board)
{
    memset(state, 0, sizeof *state);
    state->board = *board;
    state->last_now = (uint32_t)sys_now();
    port->ctx = state;
    port->connect = raw_connect;
    port->send = raw_send;
    port->recv = raw_recv;
    port->close = raw_close;
    port->wall_time = raw_wall_time;
    port->monotonic_ms = raw_monotonic_ms;
    port->sleep_ms = raw_sleep_ms;
    port->entropy = raw_entropy;
}
