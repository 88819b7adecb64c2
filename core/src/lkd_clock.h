/* SPDX-License-Identifier: MIT */
/*
 * lkd_clock.h - internal: the client's clocks.  Not for applications.
 *
 * Three times: the port's monotonic milliseconds (deadlines, pauses); the
 * time requests are signed with (the server's clock once a Date was seen,
 * kept as an anchor on the monotonic clock, else the device's wall clock);
 * and the time certificate validity is checked against (the device's clock
 * when it is known; a server's Date never moves it backwards).
 * Every function takes an initialised client.
 */
#ifndef LKD_CLOCK_H
#define LKD_CLOCK_H

#include <stdint.h>

#include "lkd_client.h"

/* Monotonic ms now, and now + ms. */
uint64_t lkd_clock_now_ms(const lkd_client_t *c);
uint64_t lkd_clock_deadline(const lkd_client_t *c, uint32_t ms);

/* The time requests are signed with (Unix s), or -1 when neither the
 * server's nor the device's clock is known. */
int64_t lkd_clock_sign_time(const lkd_client_t *c);

/* Learn the server's clock from a Date header value (Unix s); a value before
 * LKD_TIME_FLOOR (absent, invalid, older than the client) is ignored. */
void lkd_clock_learn(lkd_client_t *c, int64_t server_date);

/* The time certificate validity is checked against (Unix s); sets
 * *lower_bound_only when only a bound the real time is past is known (then
 * the floor, raised by settings.last_known_time and by every time already
 * used).  Never returns less than a time it returned before. */
int64_t lkd_clock_validity_time(lkd_client_t *c, int *lower_bound_only);

/* lkd_clock_validity_time as the TLS layer's lkd_tls_time_fn (ctx: the client). */
int64_t lkd_clock_trusted_time(void *ctx, int *lower_bound_only);

#endif /* LKD_CLOCK_H */
