/* SPDX-License-Identifier: MIT */
/*
 * lkd_clock.c - the client's clocks (see lkd_clock.h).
 */
#include "lkd_clock.h"

uint64_t lkd_clock_now_ms(const lkd_client_t *c)
{
    return c->internal.port.monotonic_ms(c->internal.port.ctx);
}

uint64_t lkd_clock_deadline(const lkd_client_t *c, uint32_t ms)
{
    return lkd_clock_now_ms(c) + ms;
}

int64_t lkd_clock_sign_time(const lkd_client_t *c)
{
    int64_t wall;
    if (c->internal.clock_anchor_unix > 0) {
        return c->internal.clock_anchor_unix + (int64_t)((lkd_clock_now_ms(c) - c->internal.clock_anchor_ms) / 1000u);
    }
    wall = c->internal.port.wall_time(c->internal.port.ctx);
    return wall >= (int64_t)LKD_TIME_FLOOR ? wall : -1;
}

void lkd_clock_learn(lkd_client_t *c, int64_t server_date)
{
    int64_t wall;
    if (server_date < (int64_t)LKD_TIME_FLOOR) {
        return; /* absent, invalid, or older than the client itself */
    }
    c->internal.clock_anchor_unix = server_date;
    c->internal.clock_anchor_ms = lkd_clock_now_ms(c);
    wall = c->internal.port.wall_time(c->internal.port.ctx);
    c->internal.clock_offset = wall == LKD_PORT_TIME_UNKNOWN ? 0 : server_date - wall;
}

/* The device's own clock when it is known (at or after the floor, which
 * settings.last_known_time raises); otherwise the server's clock, but never
 * earlier than the floor or than a time already used; while neither is known,
 * the floor as a lower bound only.  A server's Date thus never makes an
 * expired certificate acceptable on a device whose clock is right (README
 * "The clock"). */
int64_t lkd_clock_validity_time(lkd_client_t *c, int *lower_bound_only)
{
    int64_t floor = (int64_t)LKD_TIME_FLOOR, t;
    int64_t wall = c->internal.port.wall_time(c->internal.port.ctx);
    if (c->internal.settings.last_known_time > floor) {
        floor = c->internal.settings.last_known_time;
    }
    *lower_bound_only = 0;
    if (wall != LKD_PORT_TIME_UNKNOWN && wall >= floor) {
        t = wall;
    } else {
        if (c->internal.validity_high > floor) {
            floor = c->internal.validity_high;
        }
        if (c->internal.clock_anchor_unix > 0) {
            t = lkd_clock_sign_time(c);
            if (t < floor) {
                t = floor;
            }
        } else {
            *lower_bound_only = 1;
            return floor;
        }
    }
    if (t > c->internal.validity_high) {
        c->internal.validity_high = t;
    }
    return t;
}

int64_t lkd_clock_trusted_time(void *ctx, int *lower_bound_only)
{
    return lkd_clock_validity_time((lkd_client_t *)ctx, lower_bound_only);
}
