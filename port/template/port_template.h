/* SPDX-License-Identifier: MIT */
/*
 * port_template.h - the starting point of a new board's port: every function
 * is there and answers "not provided", so a board links the client from the
 * first minute and replaces one function at a time (copy port/template/ to
 * port/<your-platform>/ and rename).
 *
 * What the functions answer until replaced:
 *   connect, send, recv  LKD_ERR_NOT_PROVIDED (no connection, nothing sent or
 *                        received)
 *   entropy              LKD_ERR_NOT_PROVIDED, and lkd_client_init() answers
 *                        it too: the TLS random generator cannot be seeded
 *                        without a real source
 *   wall_time            LKD_PORT_TIME_UNKNOWN (the client learns the date
 *                        from the service)
 *   monotonic_ms         0 forever (every deadline is then infinite)
 *   sleep_ms, close      return at once
 *
 * It uses no OS header: it builds for any target the core builds for.
 */
#ifndef LKD_PORT_TEMPLATE_H
#define LKD_PORT_TEMPLATE_H

#include "lkd_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Fill *port with the template's functions (ctx NULL).  Never fails; port
 * must not be NULL. */
void lkd_port_template_init(lkd_port_t *port);

#ifdef __cplusplus
}
#endif

#endif /* LKD_PORT_TEMPLATE_H */
