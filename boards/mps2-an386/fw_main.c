/* SPDX-License-Identifier: MIT */
/*
 * fw_main.c - the firmware application: the whole document job on the
 * board.  lwIP (NO_SYS) on the LAN9118, mbedTLS on a static pool, lkedoc's
 * core over port/lwip-raw, and the job: create (FileBase64 streamed from a
 * reader), wait, download (streamed into SHA-256).  One summary line at the
 * end; the exit status is 0 only when the archive arrived whole.
 *
 * Parameters come from the semihosting command line as key=value words
 * (QEMU: -semihosting-config enable=on,target=native,arg=lkedoc-fw,arg=K=V...):
 *   ca=PATH        PEM file of the CA(s) to trust (read through semihosting)
 *   doc=PATH       the document to send; type=PDF (default: the extension)
 *   id=, key=      SecretId / SecretKey
 *   seed=HEX       at least 32 hex digits of entropy (the emulated board has no
 *                  TRNG: a real board seeds from its own)
 *   host=NAME      API host (default lke.intl.tencentcloudapi.com), port=N (443)
 *   resolve=HOST:PORT:ADDR  as curl's --resolve, up to FW_MAX_RESOLVE times
 *   result_host=SUFFIX  a result host allowed besides the object-storage
 *                  defaults (".suffix" or one name), up to FW_MAX_RESOLVE times
 *   dns=ADDR       DNS server for names no resolve entry covers
 *   ip=, mask=, gw=  static IPv4 (default 10.0.2.15/24 via 10.0.2.2: QEMU's slirp)
 *   poll=MS        first pause between polls (default 500)
 *   abort_ms=MS    the client's abort callback says stop this long after
 *                  the client was set up (the call under way ends with
 *                  LKD_ERR_ABORTED, exit 130); without it, it never does
 * The board has no calendar clock: the client signs its first request with
 * LKD_TIME_FLOOR and learns the time from the service's Date header.
 */
#include <string.h>

#include "lwip/dns.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/stats.h"
#include "lwip/timeouts.h"
#include "mbedtls/memory_buffer_alloc.h"
#include "mbedtls/sha256.h"
#include "netif/ethernet.h"

#include "lkd_client.h"
#include "lkd_job.h"
#include "port_lwip_raw.h"

#include "../exit_status.h"
#include "fw_board.h"
#include "lan9118_netif.h"
#include "semihost.h"

#ifndef FW_TLS_POOL
#define FW_TLS_POOL 43008 /* board.mk says how it was sized */
#endif
#define FW_MAX_RESOLVE 4
#define FW_CA_MAX 16384
#define FW_TIMEOUT_MS 60000u

int fw_main(void);
u32_t sys_now(void);

/* Everything lives in .bss: the client, mbedTLS's pool, lwIP's heap and pools. */
static lkd_client_t client;
static unsigned char tls_pool[FW_TLS_POOL] __attribute__((aligned(8)));
static char cmdline[2048];
static char ca_pem[FW_CA_MAX + 1];
static struct netif nif;
static lan9118_t eth;
static lkd_port_lwip_raw_t net;

typedef struct {
    const char *ca, *doc, *type, *id, *key, *seed, *host, *dns, *ip, *mask, *gw;
    uint16_t port;
    uint32_t poll_ms;
    lkd_resolve_t resolve[FW_MAX_RESOLVE];
    size_t resolve_count;
    const char *result_hosts[FW_MAX_RESOLVE];
    size_t result_host_count;
    const char *task;  /* task=: download this task's result, no create or wait */
    const char *state; /* state=: host file of the download state, read at the start, written as it goes */
    uint32_t stop_at;  /* stop_at=: the power goes once this many bytes are stored (no return) */
    uint32_t abort_ms; /* abort_ms=: the abort says stop this long after the client's set-up (0: never) */
} fw_args_t;

/* What the abort callback saw: the watchdog a product feeds there would see
 * the same gaps.  A gap's busy part is its time less the board's idle (WFI)
 * time in it: the computation between two polls, with no wait in it. */
typedef struct {
    uint64_t stop_at;      /* fw_ms() from which it says stop (UINT64_MAX: never) */
    uint64_t stopped_at;   /* when it first said so, 0 before */
    uint64_t last, idle_at_last;
    uint64_t gap_max, busy_max; /* the longest gap between two polls, and its longest busy part */
    uint32_t polls;
} fw_abort_t;

static fw_abort_t ab;
static uint64_t idle_ms; /* time spent in WFI since boot */

typedef struct {
    mbedtls_sha256_context sha;
    uint64_t bytes;
    uint32_t stop_at;
    const char *state;
    uint64_t saved_at; /* delivered when the state was last written */
} fw_sink_t;

/* How often the download state is written as bytes arrive (a product's
 * flash page), and the exit status of the simulated power cut. */
#define FW_STATE_EVERY 65536u
#define FW_EXIT_POWER_CUT 9

/* Where the download stands: what a product keeps in flash across a reboot. */
static lkd_download_state_t dl_state;

u32_t sys_now(void)
{
    return (u32_t)fw_ms();
}

void fw_lwip_assert(const char *msg, const char *file, int line)
{
    out_str("lwip assert: ");
    out_str(msg);
    out_str(" at ");
    out_str(file);
    out_str(":");
    out_i32(line);
    out_end();
    sh_exit(97);
}

/* The port's board hooks.  poll: frames from the LAN9118 into lwIP (the
 * port runs lwIP's timers); idle: sleep until the next interrupt (the 1 ms
 * SysTick at the latest; the LAN9118 is polled, its interrupt is off). */
static void board_poll(void *ctx)
{
    (void)lan9118_poll((struct netif *)ctx);
}

static void board_idle(void *ctx, uint32_t max_ms)
{
    (void)ctx;
    if (max_ms > 0) {
        uint64_t t0 = fw_ms();
        fw_idle();
        idle_ms += fw_ms() - t0;
    }
}

/* The client's abort callback, asked at least every LKD_ABORT_POLL_MS while
 * a call waits (a product feeds its watchdog here). */
static int fw_abort(void *user)
{
    fw_abort_t *x = (fw_abort_t *)user;
    uint64_t now = fw_ms();
    if (x->polls++ > 0) {
        uint64_t gap = now - x->last, busy = gap - (idle_ms - x->idle_at_last);
        x->gap_max = gap > x->gap_max ? gap : x->gap_max;
        x->busy_max = busy > x->busy_max ? busy : x->busy_max;
    }
    x->last = now;
    x->idle_at_last = idle_ms;
    if (now >= x->stop_at) {
        if (x->stopped_at == 0) {
            x->stopped_at = now;
        }
        return 1;
    }
    return 0;
}

static uint64_t board_ms(void *ctx)
{
    (void)ctx;
    return fw_ms();
}

static lkd_status_t board_entropy(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    return fw_entropy(buf, len) == 0 ? LKD_OK : LKD_ERR_ENTROPY;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static int parse_u32(const char *s, uint32_t max, uint32_t *out)
{
    uint32_t v = 0;
    if (*s == '\0') {
        return -1;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (max - (uint32_t)(*s - '0')) / 10u) {
            return -1;
        }
        v = v * 10u + (uint32_t)(*s - '0');
    }
    *out = v;
    return 0;
}

/* HOST:PORT:ADDR, split in place. */
static int parse_resolve(char *v, lkd_resolve_t *r)
{
    char *c1 = strchr(v, ':'), *c2;
    uint32_t port;
    if (c1 == NULL || (c2 = strchr(c1 + 1, ':')) == NULL) {
        return -1;
    }
    *c1 = '\0';
    *c2 = '\0';
    if (parse_u32(c1 + 1, 65535u, &port) != 0 || port == 0 || *v == '\0' || c2[1] == '\0') {
        return -1;
    }
    r->host = v;
    r->port = (uint16_t)port;
    r->address = c2 + 1;
    return 0;
}

/* The download's arguments: result_host=, those of a job carried on across
 * runs (task=, state=, stop_at=), and abort_ms=; 0 when word is none of
 * them. */
static int parse_job_arg(fw_args_t *a, const char *word, const char *eq)
{
    uint32_t n;
    if (strcmp(word, "result_host") == 0 && a->result_host_count < FW_MAX_RESOLVE) {
        a->result_hosts[a->result_host_count++] = eq;
    } else if (strcmp(word, "task") == 0) {
        a->task = eq;
    } else if (strcmp(word, "state") == 0) {
        a->state = eq;
    } else if (strcmp(word, "stop_at") == 0 && parse_u32(eq, 0xffffffffu, &n) == 0) {
        a->stop_at = n;
    } else if (strcmp(word, "abort_ms") == 0 && parse_u32(eq, 0xffffffffu, &n) == 0) {
        a->abort_ms = n;
    } else {
        return 0;
    }
    return 1;
}

static void parse_args(fw_args_t *a)
{
    char *p = cmdline, *word;
    uint32_t n;
    memset(a, 0, sizeof(*a));
    a->host = "lke.intl.tencentcloudapi.com";
    a->port = 443;
    a->poll_ms = 500;
    a->ip = "10.0.2.15";
    a->mask = "255.255.255.0";
    a->gw = "10.0.2.2";
    if (sh_cmdline(cmdline, sizeof(cmdline)) < 0) {
        fw_fatal("no semihosting command line", 2);
    }
    while (*p) {
        char *eq;
        while (*p == ' ') {
            p++;
        }
        if (*p == '\0') {
            break;
        }
        word = p;
        while (*p && *p != ' ') {
            p++;
        }
        if (*p) {
            *p++ = '\0';
        }
        eq = strchr(word, '=');
        if (eq == NULL) {
            continue; /* the program name */
        }
        *eq++ = '\0';
        if (strcmp(word, "ca") == 0) {
            a->ca = eq;
        } else if (strcmp(word, "doc") == 0) {
            a->doc = eq;
        } else if (strcmp(word, "type") == 0) {
            a->type = eq;
        } else if (strcmp(word, "id") == 0) {
            a->id = eq;
        } else if (strcmp(word, "key") == 0) {
            a->key = eq;
        } else if (strcmp(word, "seed") == 0) {
            a->seed = eq;
        } else if (strcmp(word, "host") == 0) {
            a->host = eq;
        } else if (strcmp(word, "dns") == 0) {
            a->dns = eq;
        } else if (strcmp(word, "ip") == 0) {
            a->ip = eq;
        } else if (strcmp(word, "mask") == 0) {
            a->mask = eq;
        } else if (strcmp(word, "gw") == 0) {
            a->gw = eq;
        } else if (strcmp(word, "port") == 0 && parse_u32(eq, 65535u, &n) == 0 && n > 0) {
            a->port = (uint16_t)n;
        } else if (strcmp(word, "poll") == 0 && parse_u32(eq, 600000u, &n) == 0) {
            a->poll_ms = n;
        } else if (strcmp(word, "resolve") == 0 && a->resolve_count < FW_MAX_RESOLVE &&
                   parse_resolve(eq, &a->resolve[a->resolve_count]) == 0) {
            a->resolve_count++;
        } else if (parse_job_arg(a, word, eq)) {
            continue;
        } else {
            out_str("fw: bad argument ");
            out_str(word);
            out_end();
            sh_exit(EXIT_USAGE);
        }
    }
    if (a->ca == NULL || a->doc == NULL || a->id == NULL || a->key == NULL || a->seed == NULL) {
        fw_fatal("need ca= doc= id= key= seed=", 2);
    }
    if (a->type == NULL) {
        const char *dot = strrchr(a->doc, '.');
        a->type = dot != NULL && dot[1] != '\0' ? dot + 1 : "PDF";
    }
}

static void seed_entropy(const char *hex)
{
    uint8_t seed[64];
    size_t n = 0;
    while (hex[0] && hex[1] && n < sizeof(seed)) {
        int hi = hexval(hex[0]), lo = hexval(hex[1]);
        if (hi < 0 || lo < 0) {
            fw_fatal("seed= is not hex", 2);
        }
        seed[n++] = (uint8_t)(hi * 16 + lo);
        hex += 2;
    }
    if (n < 16 || hex[0] != '\0') {
        fw_fatal("seed= needs 32 to 128 hex digits", 2);
    }
    fw_entropy_seed(seed, n);
    memset(seed, 0, sizeof(seed));
}

static size_t read_ca(const char *path)
{
    int h = sh_open_read(path);
    long len, got;
    if (h < 0) {
        fw_fatal("cannot open ca=", 2);
    }
    len = sh_flen(h);
    if (len <= 0 || len > FW_CA_MAX) {
        fw_fatal("ca= is empty or too large", 2);
    }
    got = sh_pread(h, 0, ca_pem, (size_t)len);
    sh_close(h);
    if (got != len) {
        fw_fatal("cannot read ca=", 2);
    }
    ca_pem[len] = '\0';
    return (size_t)len + 1; /* PEM: the NUL counts */
}

static void net_up(const fw_args_t *a)
{
    ip4_addr_t ip, mask, gw;
    if (!ip4addr_aton(a->ip, &ip) || !ip4addr_aton(a->mask, &mask) || !ip4addr_aton(a->gw, &gw)) {
        fw_fatal("bad ip=, mask= or gw=", 2);
    }
    lwip_init();
    eth.base = LAN9118_BASE_MPS2;
    if (netif_add(&nif, &ip, &mask, &gw, &eth, lan9118_netif_init, ethernet_input) == NULL) {
        fw_fatal("no LAN9118 at 0x40200000", 3);
    }
    netif_set_default(&nif);
    netif_set_up(&nif);
    if (a->dns != NULL) {
        ip_addr_t d;
        if (!ipaddr_aton(a->dns, &d)) {
            fw_fatal("bad dns=", 2);
        }
        dns_setserver(0, &d);
    }
    out_str("fw: lan9118 id ");
    out_hex32(eth.id_rev);
    out_str(" mac ");
    out_hexbytes(nif.hwaddr, 6);
    out_str(" ip ");
    out_str(a->ip);
    out_str(" link ");
    out_str(netif_is_link_up(&nif) ? "up" : "down");
    out_end();
}

static lkd_status_t read_doc(void *user, uint64_t offset, uint8_t *buf, size_t len, size_t *got)
{
    int h = *(const int *)user;
    long n;
    if (offset > 0xffffffffu) {
        return LKD_ERR_ARG;
    }
    n = sh_pread(h, (uint32_t)offset, buf, len);
    if (n < 0) {
        return LKD_ERR_IO;
    }
    *got = (size_t)n;
    return LKD_OK;
}

static lkd_status_t sink_sha(void *user, const uint8_t *data, size_t len)
{
    fw_sink_t *s = (fw_sink_t *)user;
    s->bytes += len;
    return mbedtls_sha256_update(&s->sha, data, len) == 0 ? LKD_OK : LKD_ERR_CRYPTO;
}

/* The download state of an earlier run (state=), when its file is there. */
static void load_state(const char *path)
{
    int h = path != NULL ? sh_open_read(path) : -1;
    if (h < 0) {
        return;
    }
    if (sh_flen(h) != (long)sizeof dl_state || sh_pread(h, 0, &dl_state, sizeof dl_state) != (long)sizeof dl_state) {
        memset(&dl_state, 0, sizeof dl_state);
    }
    sh_close(h);
}

static void save_state(const char *path)
{
    int h = path != NULL ? sh_open_write(path) : -1;
    if (h >= 0) {
        (void)sh_write(h, &dl_state, sizeof dl_state);
        sh_close(h);
    }
}

/* Progress: the state matches the stored bytes here (lkd_job.h), so it is
 * written every FW_STATE_EVERY bytes, as a product writes it to flash; at
 * stop_at the power goes, with no return from the download and nothing
 * written after the last such save. */
static void keep_state(void *user, uint64_t done, uint64_t total)
{
    fw_sink_t *s = (fw_sink_t *)user;
    (void)total;
    if (done - s->saved_at >= FW_STATE_EVERY) {
        save_state(s->state);
        s->saved_at = done;
    }
    if (s->stop_at > 0 && done >= s->stop_at) {
        out_str("fw: power cut at byte ");
        out_u64(done);
        out_str(" state_at=");
        out_u64(s->saved_at);
        out_end();
        sh_exit(FW_EXIT_POWER_CUT);
    }
}

static void on_poll(void *user, const lkd_result_t *r, uint32_t elapsed_ms, uint32_t polls)
{
    (void)user;
    out_str("fw: poll ");
    out_u64(polls);
    out_str(" ");
    out_str(lkd_task_status_name(r->status));
    out_str(" after ");
    out_u64(elapsed_ms);
    out_str(" ms");
    out_end();
}

/* The pool's high-water mark.  mbedtls_memory_buffer_alloc_init() writes its
 * first block header at the start of the pool; nothing past it is read
 * before it was handed out (zeroed by calloc) or became a block header, so a
 * pattern laid there after init shows the highest byte ever used. */
#define POOL_MARK 0xa5u
#define POOL_HEAD 64u

static void pool_mark(void)
{
    memset(tls_pool + POOL_HEAD, POOL_MARK, sizeof(tls_pool) - POOL_HEAD);
}

static size_t pool_peak(void)
{
    size_t n = sizeof(tls_pool);
    while (n > POOL_HEAD && tls_pool[n - 1] == POOL_MARK) {
        n--;
    }
    return n;
}

static void out_counters(void)
{
    lkd_client_stats_t stats;
    (void)lkd_client_stats(&client, &stats); /* all zero before init */
    out_str(" requests=");
    out_u64(stats.requests_sent);
    out_str(" retries=");
    out_u64(stats.retries);
    out_str(" handshakes=");
    out_u64(stats.tls_handshakes);
    out_str(" resumed=");
    out_u64(stats.tls_resumed);
    out_str(" rx_frames=");
    out_u64(eth.rx_frames);
    out_str(" tx_frames=");
    out_u64(eth.tx_frames);
    out_str(" rx_dropped=");
    out_u64(eth.rx_dropped);
    out_str(" ms=");
    out_u64(fw_ms());
    out_str(" abort_polls=");
    out_u64(ab.polls);
    out_str(" poll_gap_max_ms=");
    out_u64(ab.gap_max);
    out_str(" poll_gap_busy_max_ms=");
    out_u64(ab.busy_max);
    out_str(" abort_at=");
    out_u64(ab.stop_at == UINT64_MAX ? 0 : ab.stop_at);
    out_str(" stopped_at=");
    out_u64(ab.stopped_at);
    out_str(" tls_pool=");
    out_u64(sizeof(tls_pool));
    out_str(" tls_pool_peak=");
    out_u64(pool_peak());
    out_str(" stack_peak=");
    out_u64(fw_stack_peak());
    /* lwIP's own high-water marks (lwipopts.h sizes its heap and pools from them). */
    out_str(" lwip_heap=");
    out_u64(MEM_SIZE);
    out_str(" lwip_heap_peak=");
    out_u64(lwip_stats.mem.max);
    out_str(" pbuf_pool=");
    out_u64(PBUF_POOL_SIZE);
    out_str(" pbuf_pool_peak=");
    out_u64(lwip_stats.memp[MEMP_PBUF_POOL]->max);
    out_str(" pbuf_peak=");
    out_u64(lwip_stats.memp[MEMP_PBUF]->max);
    out_str(" tcp_seg_peak=");
    out_u64(lwip_stats.memp[MEMP_TCP_SEG]->max);
    out_str(" tcp_pcb_peak=");
    out_u64(lwip_stats.memp[MEMP_TCP_PCB]->max);
}

static int fail(const char *step, lkd_status_t st)
{
    lkd_client_stats_t stats;
    lkd_client_tls_detail_t tls;
    (void)lkd_client_stats(&client, &stats); /* both all zero before init */
    (void)lkd_client_tls_detail(&client, &tls);
    out_str("fw: FAILED step=");
    out_str(step);
    out_str(" error=");
    out_str(lkd_strerror(st));
    out_str(" http=");
    out_i32(stats.http_status);
    out_str(" verify_flags=");
    out_hex32(tls.verify_flags);
    out_str(" mbedtls=");
    out_i32(tls.mbedtls_error);
    out_str(" outcome_unknown=");
    out_u64((uint64_t)lkd_client_outcome_unknown(&client));
    if (st == LKD_ERR_API) {
        out_str(" api=");
        out_str(lkd_client_api_error(&client)->code);
    }
    out_counters();
    out_end();
    return exit_status_for(st);
}

/* Create the task from the document and wait for it; *step names what failed. */
static lkd_status_t create_and_wait(const fw_args_t *a, int *doc, long doc_len, lkd_span_t *task, lkd_result_t *r,
                                    const char **step)
{
    lkd_file_source_t src;
    lkd_create_t cp;
    lkd_wait_options_t w;
    lkd_status_t st;
    src.read = read_doc;
    src.user = doc;
    src.size = (uint64_t)doc_len;
    src.unsigned_payload = 0;
    lkd_create_default(&cp);
    cp.file_type = a->type;
    cp.file = &src;
    *step = "create";
    if ((st = lkd_create(&client, &cp, task)) != LKD_OK) {
        return st;
    }
    out_str("fw: created ");
    out_mem(task->ptr, task->len);
    out_str(" after ");
    out_u64(fw_ms());
    out_str(" ms");
    out_end();
    lkd_wait_options_default(&w);
    w.timeout_ms = 5u * FW_TIMEOUT_MS;
    w.first_interval_ms = a->poll_ms;
    w.progress = on_poll;
    *step = "wait";
    return lkd_wait(&client, task->ptr, task->len, &w, r);
}

int fw_main(void)
{
    fw_args_t a;
    lkd_settings_t s;
    lkd_port_t port;
    lkd_port_lwip_raw_board_t hooks;
    lkd_status_t st;
    lkd_span_t task;
    lkd_result_t r;
    lkd_download_options_t d;
    fw_sink_t sink;
    uint8_t digest[32];
    uint64_t bytes = 0, from;
    const char *step = "";
    size_t ca_len, i;
    long doc_len;
    int doc;

    fw_clock_init();
    parse_args(&a);
    seed_entropy(a.seed);
    net_up(&a);
    mbedtls_memory_buffer_alloc_init(tls_pool, sizeof(tls_pool));
    pool_mark();

    ca_len = read_ca(a.ca);
    doc = sh_open_read(a.doc);
    if (doc < 0 || (doc_len = sh_flen(doc)) < 0) {
        fw_fatal("cannot open doc=", 2);
    }

    hooks.poll = board_poll;
    hooks.idle = board_idle;
    hooks.monotonic_ms = board_ms;
    hooks.wall_time = NULL; /* no RTC: the client learns the date from the service */
    hooks.entropy = board_entropy;
    hooks.ctx = &nif;
    lkd_port_lwip_raw_init(&port, &net, &hooks);

    lkd_settings_default(&s, LKD_PROFILE_LKE);
    s.host = a.host;
    s.port = a.port;
    s.resolve = a.resolve_count ? a.resolve : NULL;
    s.resolve_count = a.resolve_count;
    s.result_hosts = a.result_host_count ? a.result_hosts : NULL;
    s.result_host_count = a.result_host_count;
    s.secret_id = a.id;
    s.secret_key = a.key;
    s.timeout_ms = FW_TIMEOUT_MS;
    s.abort = fw_abort;
    s.abort_user = &ab;
    ab.stop_at = UINT64_MAX;
    if ((st = lkd_client_init(&client, &s, &port)) != LKD_OK) {
        return fail("init", st);
    }
    if (a.abort_ms > 0) {
        ab.stop_at = fw_ms() + a.abort_ms;
    }
    if ((st = lkd_client_add_ca(&client, (const uint8_t *)ca_pem, ca_len)) != LKD_OK) {
        return fail("ca", st);
    }

    if (a.task != NULL) {
        task.ptr = a.task; /* a later run of the same job: its task is known */
        task.len = strlen(a.task);
        memset(&r, 0, sizeof r); /* no wait: no URL, no FailedPages */
    } else if ((st = create_and_wait(&a, &doc, doc_len, &task, &r, &step)) != LKD_OK) {
        return fail(step, st);
    }
    load_state(a.state);
    from = dl_state.delivered;

    mbedtls_sha256_init(&sink.sha);
    sink.bytes = 0;
    sink.stop_at = a.stop_at;
    sink.state = a.state;
    sink.saved_at = from;
    if (mbedtls_sha256_starts(&sink.sha, 0) != 0) {
        return fail("sha256", LKD_ERR_CRYPTO);
    }
    lkd_download_options_default(&d);
    d.timeout_ms = 5u * FW_TIMEOUT_MS;
    d.sink = sink_sha;
    d.user = &sink;
    d.progress = keep_state;
    d.url = r.result_url;
    d.state = &dl_state; /* given back by a later run, the download goes on from there */
    if ((st = lkd_download_result(&client, task.ptr, task.len, &d, &bytes)) != LKD_OK) {
        save_state(a.state);
        return fail("download", st);
    }
    /* sha256 covers this run's bytes; the CRC-64 (verified) the whole archive. */
    if (mbedtls_sha256_finish(&sink.sha, digest) != 0 || bytes != from + sink.bytes) {
        return fail("sha256", LKD_ERR_CRYPTO);
    }
    sh_close(doc);
    lkd_client_close(&client);

    out_str("fw: job ok task=");
    out_str(lkd_client_task_id(&client));
    out_str(" status=Success bytes=");
    out_u64(bytes);
    /* What the wait kept of FailedPages, however long the list was. */
    out_str(" url_len=");
    out_u64(r.result_url.len);
    out_str(" failed_total=");
    out_u64(r.failed_pages_total);
    out_str(" failed_unnumbered=");
    out_u64(r.failed_pages_unnumbered);
    out_str(" failed_truncated=");
    out_u64(r.failed_pages_truncated);
    out_str(" failed_first=");
    for (i = 0; i < r.failed_pages_stored; i++) {
        out_str(i ? "," : "");
        out_u64((uint64_t)r.failed_pages[i].page_number);
    }
    out_str(" sha256=");
    out_hexbytes(digest, sizeof(digest));
    out_str(" from=");
    out_u64(from);
    out_str(" crc64=");
    out_u64(dl_state.crc);
    out_str(" verified=");
    out_u64((dl_state.flags & LKD_DOWNLOAD_VERIFIED) != 0);
    out_counters();
    out_end();
    return 0;
}
