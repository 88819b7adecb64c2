/* SPDX-License-Identifier: MIT */
/*
 * port_posix.h - the lkedoc port for POSIX systems (Linux, BSDs, macOS).
 *
 * connect: a numeric IPv4 or IPv6 literal is used as it is (inet_pton: no
 * resolver call, no allocation), a name goes through getaddrinfo (AF_UNSPEC,
 * so "localhost" gives ::1 then 127.0.0.1); every address is tried in order
 * with a non-blocking connect and poll until the timeout, the poll cut into
 * LKD_ABORT_POLL_MS slices with the abort callback asked between them; on
 * glibc the lookup too (getaddrinfo_a waited on in such slices, given up
 * on at an abort or the deadline; glibc before 2.34 links it with -lanl,
 * which the Makefile adds only there), elsewhere getaddrinfo blocks for the
 * resolver's own timeout.  A lookup given up on keeps one of
 * LKD_PORT_POSIX_LOOKUPS slots (a compile-time setting, default 4, 1 to 64)
 * until the resolver ends it; when all are kept, a lookup waits for one (the
 * abort and its deadline honoured) rather than fail;
 * send/recv: poll then send/recv (MSG_NOSIGNAL, no SIGPIPE);
 * wall_time: clock_gettime(CLOCK_REALTIME), "unknown" before 2020;
 * monotonic_ms: CLOCK_MONOTONIC; entropy: getrandom().
 */
#ifndef LKD_PORT_POSIX_H
#define LKD_PORT_POSIX_H

#include "lkd_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Fill *port with the POSIX functions (ctx NULL). */
void lkd_port_posix_init(lkd_port_t *port);

#ifdef __cplusplus
}
#endif

#endif /* LKD_PORT_POSIX_H */
