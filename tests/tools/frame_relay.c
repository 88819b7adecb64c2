/* SPDX-License-Identifier: MIT */
/*
 * frame_relay.c - a bad link between two interfaces, for tests/integration/test_badlink.py.
 *
 *   frame_relay IF_A IF_B [--delay MS] [--jitter MS] [--loss PCT] [--dup PCT] [--reorder PCT]
 *               [--reorder-ms MS] [--seed N] [--down-after BYTES] [--down-ms MS]
 *
 * Bridges every Ethernet frame between two interfaces through AF_PACKET raw sockets (ARP and
 * IPv6 neighbour discovery too: the hosts on either side resolve each other through it), and on
 * the way, in both directions: delays each frame by --delay ms plus a uniform jitter of
 * +-(--jitter) ms (frames then pass each other, as on a radio link), drops --loss percent of
 * them, sends --dup percent twice, holds --reorder percent --reorder-ms ms longer than the rest,
 * and, once --down-after bytes have been forwarded, takes the link down for --down-ms ms (every
 * frame that arrives or falls due meanwhile is lost; neither side sees a carrier change, as when
 * a Wi-Fi client walks out of range).  The random draws come from --seed, so a run's fate is the
 * seed's given the same frames.  The machines' kernels have no netem; a rate limit is tbf's, on
 * the egress of these interfaces (what the relay sends goes through their qdiscs).
 *
 * Prints "ready" once both sockets are bound, "down at S s after N bytes" and "up at S s" as the
 * link goes and comes back, and its counts on SIGTERM or SIGINT, then exits 0; it prints them and
 * exits 1 when an interface goes away (its namespace deleted), and it gets SIGTERM when the
 * process that started it dies, so a killed test leaves no relay spinning.  The interfaces
 * must have segmentation and checksum offloads off (ethtool -K), or a frame would arrive as a
 * 64 KB super-frame or with its checksum unfilled; those are counted as "oversize".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MAX 1536 /* 1500 MTU + Ethernet and VLAN headers */
#define SLOTS 8192     /* frames in flight; more is a full queue: dropped and counted */
#define RX_BURST 64    /* frames read from one socket before the queue is served again */

typedef struct {
    uint64_t due_ns;
    uint64_t seq; /* the order of arrival: equal due times leave in it */
    uint16_t len;
    uint8_t out;  /* index of the socket it leaves through */
    uint8_t data[FRAME_MAX];
} frame_t;

static frame_t pool[SLOTS];
static uint16_t free_slots[SLOTS];
static unsigned free_count;
static uint16_t heap[SLOTS]; /* min-heap of pool indices by (due_ns, seq) */
static unsigned heap_count;
static uint64_t next_seq;

static volatile sig_atomic_t stopping;

typedef struct {
    double delay_ms, jitter_ms, loss, dup, reorder, reorder_ms, down_ms;
    uint64_t down_after;
} params_t;

static struct {
    uint64_t forwarded[2], bytes, lost, duplicated, reordered, down_dropped, tx_dropped, queue_full, oversize;
} count;

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    /* splitmix64: tiny, and any seed (0 included) gives a full-period stream */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A uniform draw in [0, 1). */
static double rng_unit(void)
{
    return (double)(rng_next() >> 11) * (1.0 / 9007199254740992.0);
}

static int chance(double percent)
{
    return percent > 0 && rng_unit() * 100.0 < percent;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int earlier(unsigned a, unsigned b)
{
    const frame_t *x = &pool[heap[a]], *y = &pool[heap[b]];
    return x->due_ns < y->due_ns || (x->due_ns == y->due_ns && x->seq < y->seq);
}

static void heap_swap(unsigned a, unsigned b)
{
    uint16_t t = heap[a];
    heap[a] = heap[b];
    heap[b] = t;
}

static void heap_push(uint16_t slot)
{
    unsigned i = heap_count++;
    heap[i] = slot;
    while (i > 0 && earlier(i, (i - 1) / 2)) {
        heap_swap(i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static uint16_t heap_pop(void)
{
    uint16_t top = heap[0];
    unsigned i = 0;
    heap[0] = heap[--heap_count];
    for (;;) {
        unsigned l = 2 * i + 1, r = l + 1, m = i;
        if (l < heap_count && earlier(l, m)) {
            m = l;
        }
        if (r < heap_count && earlier(r, m)) {
            m = r;
        }
        if (m == i) {
            return top;
        }
        heap_swap(i, m);
        i = m;
    }
}

/* Queue a copy of the frame to leave through socket out at due_ns. */
static void enqueue(const uint8_t *data, size_t len, unsigned out, uint64_t due_ns)
{
    frame_t *f;
    uint16_t slot;
    if (free_count == 0) {
        count.queue_full++;
        return;
    }
    slot = free_slots[--free_count];
    f = &pool[slot];
    f->due_ns = due_ns;
    f->seq = next_seq++;
    f->len = (uint16_t)len;
    f->out = (uint8_t)out;
    memcpy(f->data, data, len);
    heap_push(slot);
}

static uint64_t start_ns, down_until_ns;
static int went_down;

static double since_start(uint64_t t)
{
    return (double)(t - start_ns) / 1e9;
}

static int link_down(uint64_t t)
{
    if (down_until_ns != 0 && t >= down_until_ns) {
        printf("up at %.3f s\n", since_start(t));
        fflush(stdout);
        down_until_ns = 0;
    }
    return down_until_ns != 0;
}

static void arrived(const params_t *p, const uint8_t *data, size_t len, unsigned out)
{
    uint64_t t = now_ns();
    double delay = p->delay_ms;
    if (link_down(t)) {
        count.down_dropped++;
        return;
    }
    if (chance(p->loss)) {
        count.lost++;
        return;
    }
    if (p->jitter_ms > 0) {
        delay += (rng_unit() * 2.0 - 1.0) * p->jitter_ms;
    }
    if (chance(p->reorder)) {
        delay += p->reorder_ms;
        count.reordered++;
    }
    if (delay < 0) {
        delay = 0;
    }
    enqueue(data, len, out, t + (uint64_t)(delay * 1e6));
    if (chance(p->dup)) {
        enqueue(data, len, out, t + (uint64_t)(delay * 1e6));
        count.duplicated++;
    }
}

static void depart(const params_t *p, const int fds[2], uint64_t t)
{
    while (heap_count > 0 && pool[heap[0]].due_ns <= t) {
        uint16_t slot = heap_pop();
        frame_t *f = &pool[slot];
        free_slots[free_count++] = slot;
        if (link_down(t)) {
            count.down_dropped++;
            continue;
        }
        /* A full tbf queue or socket buffer is a router's tail drop. */
        if (send(fds[f->out], f->data, f->len, MSG_DONTWAIT) != (ssize_t)f->len) {
            count.tx_dropped++;
            continue;
        }
        count.forwarded[f->out]++;
        count.bytes += f->len;
        if (p->down_after > 0 && !went_down && count.bytes >= p->down_after) {
            went_down = 1;
            down_until_ns = t + (uint64_t)(p->down_ms * 1e6);
            printf("down at %.3f s after %llu bytes\n", since_start(t), (unsigned long long)count.bytes);
            fflush(stdout);
        }
    }
}

static int open_port(const char *name, int *ifindex)
{
    struct sockaddr_ll sll;
    struct packet_mreq mr;
    int one = 1, size = 4 << 20;
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd < 0) {
        perror("frame_relay: socket(AF_PACKET)");
        return -1;
    }
    *ifindex = (int)if_nametoindex(name);
    if (*ifindex == 0) {
        fprintf(stderr, "frame_relay: no interface %s\n", name);
        close(fd);
        return -1;
    }
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = *ifindex;
    memset(&mr, 0, sizeof mr);
    mr.mr_ifindex = *ifindex;
    mr.mr_type = PACKET_MR_PROMISC;
    if (bind(fd, (struct sockaddr *)&sll, sizeof sll) != 0 ||
        setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) != 0) {
        fprintf(stderr, "frame_relay: %s: %s\n", name, strerror(errno));
        close(fd);
        return -1;
    }
    /* Best effort: what it sends is also filtered by packet type below. */
    (void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size);
    return fd;
}

/* Read what socket in has waiting (at most a burst) and queue it for the other one. */
static void receive(const params_t *p, const int fds[2], const int ifindex[2], unsigned in)
{
    static uint8_t buf[FRAME_MAX];
    int i;
    for (i = 0; i < RX_BURST; i++) {
        struct sockaddr_ll from;
        socklen_t fromlen = sizeof from;
        ssize_t n = recvfrom(fds[in], buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&from, &fromlen);
        if (n < 0) {
            return;
        }
        /* Frames queued between socket() and bind() may be another interface's. */
        if (from.sll_pkttype == PACKET_OUTGOING || from.sll_ifindex != ifindex[in]) {
            continue;
        }
        if ((size_t)n > sizeof buf) {
            count.oversize++;
            continue;
        }
        arrived(p, buf, (size_t)n, 1u - in);
    }
}

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static int number(const char *s, double max, double *out)
{
    char *end;
    double v;
    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v >= 0 && v <= max)) {
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, params_t *p)
{
    static const struct {
        const char *name;
        double max;
        size_t off;
    } opts[] = {
        {"--delay", 60000, offsetof(params_t, delay_ms)},     {"--jitter", 60000, offsetof(params_t, jitter_ms)},
        {"--loss", 100, offsetof(params_t, loss)},            {"--dup", 100, offsetof(params_t, dup)},
        {"--reorder", 100, offsetof(params_t, reorder)},      {"--reorder-ms", 60000, offsetof(params_t, reorder_ms)},
        {"--down-ms", 3600000, offsetof(params_t, down_ms)},
    };
    int i;
    memset(p, 0, sizeof *p);
    rng_state = 1;
    for (i = 3; i < argc; i += 2) {
        size_t k;
        double v;
        if (i + 1 >= argc || number(argv[i + 1], 1e15, &v) != 0) {
            return -1;
        }
        if (strcmp(argv[i], "--seed") == 0) {
            rng_state = (uint64_t)v;
            continue;
        }
        if (strcmp(argv[i], "--down-after") == 0) {
            p->down_after = (uint64_t)v;
            continue;
        }
        for (k = 0; k < sizeof opts / sizeof opts[0]; k++) {
            if (strcmp(argv[i], opts[k].name) == 0) {
                if (v > opts[k].max) {
                    return -1;
                }
                *(double *)(void *)((char *)p + opts[k].off) = v;
                break;
            }
        }
        if (k == sizeof opts / sizeof opts[0]) {
            return -1;
        }
    }
    return argc >= 3 ? 0 : -1;
}

int main(int argc, char **argv)
{
    params_t p;
    int fds[2], ifindex[2];
    unsigned i;
    int status = 0;
    pid_t parent = getppid();
    struct sigaction sa;

    if (parse_args(argc, argv, &p) != 0) {
        fputs("usage: frame_relay IF_A IF_B [--delay MS] [--jitter MS] [--loss PCT] [--dup PCT] [--reorder PCT]\n"
              "                   [--reorder-ms MS] [--seed N] [--down-after BYTES] [--down-ms MS]\n",
              stderr);
        return 2;
    }
    for (i = 0; i < SLOTS; i++) {
        free_slots[i] = (uint16_t)(SLOTS - 1 - i);
    }
    free_count = SLOTS;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    /* The parent may have died before prctl: then the signal never comes, and getppid says so. */
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent || parent == 1) {
        fputs("frame_relay: the process that started it is gone\n", stderr);
        return 1;
    }
    fds[0] = open_port(argv[1], &ifindex[0]);
    fds[1] = fds[0] < 0 ? -1 : open_port(argv[2], &ifindex[1]);
    if (fds[1] < 0) {
        return 1;
    }
    start_ns = now_ns();
    puts("ready");
    fflush(stdout);

    while (!stopping) {
        struct pollfd pfd[2];
        uint64_t t = now_ns();
        int wait_ms = 1000;
        depart(&p, fds, t);
        (void)link_down(t);
        if (heap_count > 0) {
            uint64_t due = pool[heap[0]].due_ns;
            wait_ms = due <= t ? 0 : (int)((due - t + 999999) / 1000000);
            wait_ms = wait_ms > 1000 ? 1000 : wait_ms;
        }
        if (down_until_ns != 0) { /* say "up" when it comes back, not at the next frame */
            int up_ms = down_until_ns <= t ? 0 : (int)((down_until_ns - t + 999999) / 1000000);
            wait_ms = up_ms < wait_ms ? up_ms : wait_ms;
        }
        pfd[0].fd = fds[0];
        pfd[1].fd = fds[1];
        pfd[0].events = pfd[1].events = POLLIN;
        if (poll(pfd, 2, wait_ms) <= 0) {
            continue;
        }
        for (i = 0; i < 2; i++) {
            /* An interface that went away leaves an error that poll reports forever. */
            if (pfd[i].revents & (POLLERR | POLLHUP | POLLNVAL)) {
                fprintf(stderr, "frame_relay: %s is gone\n", argv[1 + i]);
                stopping = 1;
                status = 1;
            } else if (pfd[i].revents & POLLIN) {
                receive(&p, fds, ifindex, i);
            }
        }
    }
    (void)link_down(now_ns());
    printf("forwarded %llu to %s, %llu to %s (%llu bytes); lost %llu, duplicated %llu, reordered %llu, "
           "down %llu, tx dropped %llu, queue full %llu, oversize %llu\n",
           (unsigned long long)count.forwarded[1], argv[2], (unsigned long long)count.forwarded[0], argv[1],
           (unsigned long long)count.bytes, (unsigned long long)count.lost, (unsigned long long)count.duplicated,
           (unsigned long long)count.reordered, (unsigned long long)count.down_dropped,
           (unsigned long long)count.tx_dropped, (unsigned long long)count.queue_full,
           (unsigned long long)count.oversize);
    return status;
}
