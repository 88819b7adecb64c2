/* SPDX-License-Identifier: MIT */
/*
 * port_posix.c - lkedoc's port on POSIX sockets (see port_posix.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* glibc's getaddrinfo_a: a name lookup that can be given up on */
#endif
#include "port_posix.h"

#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#ifdef GAI_NOWAIT
#include <pthread.h>
#endif

/* A wall clock before this (2020-01-01) is a device that never set its clock. */
#define POSIX_EARLIEST_PLAUSIBLE_TIME 1577836800

static uint64_t posix_monotonic_ms(void *ctx)
{
    struct timespec ts;
    (void)ctx;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int64_t posix_wall_time(void *ctx)
{
    struct timespec ts;
    (void)ctx;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || ts.tv_sec < POSIX_EARLIEST_PLAUSIBLE_TIME) {
        return LKD_PORT_TIME_UNKNOWN;
    }
    return (int64_t)ts.tv_sec;
}

static void posix_sleep_ms(void *ctx, uint32_t ms)
{
    struct timespec ts;
    (void)ctx;
    ts.tv_sec = (time_t)(ms / 1000u);
    ts.tv_nsec = (long)(ms % 1000u) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static lkd_status_t posix_entropy(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    while (len > 0) {
        ssize_t n = getrandom(buf, len, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return LKD_ERR_ENTROPY;
        }
        buf += n;
        len -= (size_t)n;
    }
    return LKD_OK;
}

/* Wait for events on fd for at most timeout_ms; 1 ready, 0 timed out, -1 error. */
static int posix_wait(int fd, short events, uint32_t timeout_ms)
{
    struct pollfd pfd;
    int timeout = timeout_ms > (uint32_t)0x7fffffff ? 0x7fffffff : (int)timeout_ms;
    int rc;
    pfd.fd = fd;
    pfd.events = events;
    pfd.revents = 0;
    do {
        rc = poll(&pfd, 1, timeout);
    } while (rc < 0 && errno == EINTR); /* a signal restarts the full wait; the core's deadline still bounds the call */
    return rc;
}

/* A connect's wait on fd, cut into LKD_ABORT_POLL_MS slices with the abort
 * asked before each: 1 ready, 0 timed out, -1 error, -2 aborted. */
static int posix_wait_abortable(void *ctx, int fd, uint32_t timeout_ms, lkd_abort_fn abort, void *abort_user)
{
    uint64_t end = posix_monotonic_ms(ctx) + timeout_ms;
    for (;;) {
        uint64_t now = posix_monotonic_ms(ctx);
        uint64_t left = end > now ? end - now : 0;
        int rc;
        if (abort != NULL && abort(abort_user)) {
            return -2;
        }
        if (abort != NULL && left > LKD_ABORT_POLL_MS) {
            left = LKD_ABORT_POLL_MS;
        }
        rc = posix_wait(fd, POLLOUT, (uint32_t)left);
        if (rc != 0 || now >= end || abort == NULL) {
            return rc;
        }
    }
}

/* Try one address within timeout_ms; the non-blocking socket or -1. */
static int posix_connect_one(void *ctx, const struct addrinfo *ai, uint32_t timeout_ms, lkd_abort_fn abort,
                             void *abort_user, lkd_status_t *why)
{
    int err = 0;
    socklen_t errlen = sizeof err;
    int one = 1;
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
        *why = LKD_ERR_CONNECT;
        return -1;
    }
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
        close(fd);
        *why = LKD_ERR_CONNECT;
        return -1;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        int rc;
        if (errno != EINPROGRESS) {
            close(fd);
            *why = LKD_ERR_CONNECT;
            return -1;
        }
        rc = posix_wait_abortable(ctx, fd, timeout_ms, abort, abort_user);
        if (rc <= 0) {
            close(fd);
            *why = rc == 0 ? LKD_ERR_TIMEOUT : rc == -2 ? LKD_ERR_ABORTED : LKD_ERR_CONNECT;
            return -1;
        }
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) != 0 || err != 0) {
            close(fd);
            *why = LKD_ERR_CONNECT;
            return -1;
        }
    }
    /* Requests are written in one go and answered at once; Nagle would only add latency. */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* A numeric IPv4 (dotted quad) or IPv6 literal as one address in *ai (its
 * sockaddr in *sa); 0 when host is not one.  No resolver call and no
 * allocation: getaddrinfo mallocs its answer even for a literal. */
static int posix_literal(const char *host, uint16_t port, struct addrinfo *ai, struct sockaddr_storage *sa)
{
    struct sockaddr_in *in4 = (struct sockaddr_in *)(void *)sa;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)(void *)sa;
    memset(ai, 0, sizeof *ai);
    memset(sa, 0, sizeof *sa);
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        ai->ai_family = AF_INET;
        ai->ai_addrlen = sizeof *in4;
    } else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        ai->ai_family = AF_INET6;
        ai->ai_addrlen = sizeof *in6;
    } else {
        return 0; /* a name, or a literal inet_pton does not take (scope id, "127.1"): getaddrinfo */
    }
    ai->ai_socktype = SOCK_STREAM;
    ai->ai_protocol = IPPROTO_TCP;
    ai->ai_addr = (struct sockaddr *)(void *)sa;
    ai->ai_next = NULL;
    return 1;
}

#ifdef GAI_NOWAIT
/* glibc: the lookup runs in its thread while this one waits on it in
 * LKD_ABORT_POLL_MS slices (gai_suspend), and is given up on at an abort or
 * at the deadline.  gai_cancel cannot stop one already running
 * (EAI_NOTCANCELED), whose thread still writes into its request when it
 * ends: requests live in this table, not on a stack, and a slot so left is
 * taken back (its answer freed) by a later lookup once it has ended. */
#ifndef LKD_PORT_POSIX_LOOKUPS
#define LKD_PORT_POSIX_LOOKUPS 4
#endif
#if LKD_PORT_POSIX_LOOKUPS < 1 || LKD_PORT_POSIX_LOOKUPS > 64
#error "LKD_PORT_POSIX_LOOKUPS must be 1 to 64"
#endif
#define POSIX_LOOKUPS LKD_PORT_POSIX_LOOKUPS
static struct posix_lookup {
    struct gaicb cb;
    struct addrinfo hints;
    char host[256]; /* a DNS name is at most 253 characters */
    char service[8];
    int busy; /* 1 in use, 2 given up on while running */
} lookups[POSIX_LOOKUPS];
static pthread_mutex_t lookups_lock = PTHREAD_MUTEX_INITIALIZER;

/* Must be called with lookups_lock held. */
static struct posix_lookup *posix_lookup_slot(void)
{
    struct posix_lookup *free_slot = NULL;
    size_t i;
    for (i = 0; i < POSIX_LOOKUPS; i++) {
        struct posix_lookup *l = &lookups[i];
        if (l->busy == 2 && gai_error(&l->cb) != EAI_INPROGRESS) {
            if (l->cb.ar_result != NULL) {
                freeaddrinfo(l->cb.ar_result);
            }
            l->busy = 0;
        }
        if (!l->busy && free_slot == NULL) {
            free_slot = l;
        }
    }
    if (free_slot != NULL) {
        memset(free_slot, 0, sizeof *free_slot);
        free_slot->busy = 1;
    }
    return free_slot;
}

/* host's addresses in *list (freeaddrinfo it), waiting until end at most. */
static lkd_status_t posix_lookup(void *ctx, const char *host, const char *service, int flags, uint64_t end,
                                 lkd_abort_fn abort, void *abort_user, struct addrinfo **list)
{
    struct posix_lookup *l;
    struct gaicb *one;
    lkd_status_t st = LKD_ERR_DNS;
    int rc, running = 0;
    if (strlen(host) >= sizeof l->host) {
        return LKD_ERR_DNS;
    }
    /* Every slot may hold a lookup given up on whose resolver is only slow:
     * wait for one to end, in slices, rather than fail as if the name did
     * not resolve. */
    for (;;) {
        uint64_t now = posix_monotonic_ms(ctx);
        struct timespec ts;
        (void)pthread_mutex_lock(&lookups_lock);
        l = posix_lookup_slot();
        (void)pthread_mutex_unlock(&lookups_lock);
        if (l != NULL) {
            break;
        }
        if (abort != NULL && abort(abort_user)) {
            return LKD_ERR_ABORTED;
        }
        if (now >= end) {
            return LKD_ERR_TIMEOUT;
        }
        ts.tv_sec = 0;
        ts.tv_nsec = (long)(end - now < LKD_ABORT_POLL_MS ? end - now : LKD_ABORT_POLL_MS) * 1000000L;
        (void)nanosleep(&ts, NULL);
    }
    strcpy(l->host, host);
    strcpy(l->service, service);
    l->hints.ai_family = AF_UNSPEC;
    l->hints.ai_socktype = SOCK_STREAM;
    l->hints.ai_flags = flags;
    l->cb.ar_name = l->host;
    l->cb.ar_service = l->service;
    l->cb.ar_request = &l->hints;
    one = &l->cb;
    /* getaddrinfo_a returns 0 or a failure, never EAI_INPROGRESS: rc is
     * EAI_INPROGRESS after the loop only when an abort or the end broke it. */
    rc = getaddrinfo_a(GAI_NOWAIT, &one, 1, NULL) == 0 ? EAI_INPROGRESS : EAI_SYSTEM;
    while (rc == EAI_INPROGRESS && (rc = gai_error(&l->cb)) == EAI_INPROGRESS) {
        uint64_t now = posix_monotonic_ms(ctx);
        uint64_t left = end > now ? end - now : 0;
        struct timespec ts;
        if (abort != NULL && abort(abort_user)) {
            st = LKD_ERR_ABORTED;
            break;
        }
        if (left == 0) {
            st = LKD_ERR_TIMEOUT;
            break;
        }
        left = left < LKD_ABORT_POLL_MS ? left : LKD_ABORT_POLL_MS;
        ts.tv_sec = 0;
        ts.tv_nsec = (long)left * 1000000L;
        (void)gai_suspend((const struct gaicb *const *)&one, 1, &ts); /* ended, timed out or EINTR: asked again */
    }
    if (rc == 0 && l->cb.ar_result != NULL) {
        *list = l->cb.ar_result;
        st = LKD_OK;
    } else if (rc == EAI_INPROGRESS && gai_cancel(&l->cb) == EAI_NOTCANCELED) {
        running = 1; /* the slot is taken back once it ends */
    } else if (l->cb.ar_result != NULL) {
        freeaddrinfo(l->cb.ar_result); /* ended while being given up on */
    }
    (void)pthread_mutex_lock(&lookups_lock);
    l->busy = running ? 2 : 0;
    (void)pthread_mutex_unlock(&lookups_lock);
    return st;
}
#else
/* Elsewhere the lookup blocks: its limit is the resolver's own. */
static lkd_status_t posix_lookup(void *ctx, const char *host, const char *service, int flags, uint64_t end,
                                 lkd_abort_fn abort, void *abort_user, struct addrinfo **list)
{
    struct addrinfo hints;
    (void)ctx;
    (void)end;
    (void)abort;
    (void)abort_user;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags;
    return getaddrinfo(host, service, &hints, list) == 0 && *list != NULL ? LKD_OK : LKD_ERR_DNS;
}
#endif

/* A name is looked up with the abort asked and within the deadline (glibc;
 * elsewhere getaddrinfo blocks for the resolver's own limit); the waits for
 * each address after it ask it too. */
static lkd_status_t posix_connect(void *ctx, const char *host, uint16_t port, uint32_t timeout_ms,
                                  lkd_abort_fn abort, void *abort_user, lkd_port_conn_t *conn)
{
    struct addrinfo literal, *list = NULL, *ai;
    struct sockaddr_storage literal_addr;
    char service[8];
    uint64_t deadline = posix_monotonic_ms(ctx) + timeout_ms;
    lkd_status_t why = LKD_ERR_CONNECT;
    unsigned left = 0;
    int fd = -1;

    if (posix_literal(host, port, &literal, &literal_addr)) {
        list = &literal;
    } else {
        lkd_status_t st;
        snprintf(service, sizeof service, "%u", (unsigned)port);
        st = posix_lookup(ctx, host, service, AI_ADDRCONFIG, deadline, abort, abort_user, &list);
        if (st == LKD_ERR_DNS) {
            /* AI_ADDRCONFIG hides ::1/127.0.0.1 on hosts with only loopback */
            st = posix_lookup(ctx, host, service, 0, deadline, abort, abort_user, &list);
        }
        if (st != LKD_OK) {
            return st;
        }
    }
    for (ai = list; ai != NULL; ai = ai->ai_next) {
        left++;
    }
    for (ai = list; ai != NULL && fd < 0; ai = ai->ai_next, left--) {
        uint64_t now = posix_monotonic_ms(ctx);
        uint32_t share;
        if (now >= deadline) {
            why = LKD_ERR_TIMEOUT;
            break;
        }
        /* Share the remaining time among the addresses not tried yet, so one
         * address that drops packets cannot starve the others. */
        share = (uint32_t)((deadline - now) / left);
        fd = posix_connect_one(ctx, ai, share > 0 ? share : 1, abort, abort_user, &why);
        if (why == LKD_ERR_ABORTED) {
            break;
        }
    }
    if (list != &literal) {
        freeaddrinfo(list);
    }
    if (fd < 0) {
        return why;
    }
    *conn = (lkd_port_conn_t)fd;
    return LKD_OK;
}

static lkd_status_t posix_send(void *ctx, lkd_port_conn_t conn, const uint8_t *data, size_t len,
                               uint32_t timeout_ms, size_t *sent)
{
    int fd = (int)conn;
    (void)ctx;
    for (;;) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n > 0) {
            *sent = (size_t)n;
            return LKD_OK;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int rc = posix_wait(fd, POLLOUT, timeout_ms);
            if (rc == 0) {
                return LKD_ERR_TIMEOUT;
            }
            if (rc < 0) {
                return LKD_ERR_IO;
            }
            timeout_ms = 0; /* ready now; a second EAGAIN means the deadline is what matters */
            continue;
        }
        return (n < 0 && errno == EPIPE) ? LKD_ERR_CLOSED : LKD_ERR_IO;
    }
}

static lkd_status_t posix_recv(void *ctx, lkd_port_conn_t conn, uint8_t *buf, size_t len, uint32_t timeout_ms,
                               size_t *received)
{
    int fd = (int)conn;
    int rc;
    (void)ctx;
    rc = posix_wait(fd, POLLIN, timeout_ms);
    if (rc == 0) {
        return LKD_ERR_TIMEOUT;
    }
    if (rc < 0) {
        return LKD_ERR_IO;
    }
    for (;;) {
        ssize_t n = recv(fd, buf, len, 0);
        if (n > 0) {
            *received = (size_t)n;
            return LKD_OK;
        }
        if (n == 0) {
            return LKD_ERR_CLOSED;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return LKD_ERR_TIMEOUT; /* poll said readable but nothing came: treat as no data in time */
        }
        return LKD_ERR_IO;
    }
}

static void posix_close(void *ctx, lkd_port_conn_t conn)
{
    (void)ctx;
    if (conn != LKD_PORT_NO_CONN) {
        close((int)conn);
    }
}

void lkd_port_posix_init(lkd_port_t *port)
{
    port->ctx = NULL;
    port->connect = posix_connect;
    port->send = posix_send;
    port->recv = posix_recv;
    port->close = posix_close;
    port->wall_time = posix_wall_time;
    port->monotonic_ms = posix_monotonic_ms;
    port->sleep_ms = posix_sleep_ms;
    port->entropy = posix_entropy;
}
