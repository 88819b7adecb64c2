/* SPDX-License-Identifier: MIT */
/*
 * lkd_clock.h - internal: the client's clocks.  Not for applications.
 *
 * Three times: the port's monotonic milliseconds (deadlines, pauses); the
 * time requests are signed with (the server's clock once a Date was seen,
 * else the device's); and the time certificate validity is checked against
 * (the device's clock when it is known, never moved backwards by a server).
 */
#ifndef LKD_CLOCK_H
#define LKD_CLOCK_H

#include <stdint.h>

#include "lkd_client.h"

/* Monotonic ms now, and now + ms without overflow. */
uint64_t lkd_call_now_ms(const lkd_client_t *c);
uint64_t lkd_call_deadline(const lkd_client_t *c, uint32_t ms);

/* Learn the server's clock from a Date header value (Unix s). */
void lkd_call_learn_clock(lkd_client_t *c, int64_t server_date);

/* lkd_tls_time_fn over the client ctx. */
int64_t lkd_clock_trusted_time(void *ctx, int *lower_bound_only);

#endif /* LKD_CLOCK_H */
