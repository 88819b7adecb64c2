/* SPDX-License-Identifier: MIT */
/*
 * host_entropy.h - random bytes from the host's kernel (getrandom), for the
 * boards that run a network stack of their own on a host (lwip-tap,
 * lwip-raw-tap): the entropy their port hands to the client's random
 * generator, and whatever else of the board must not be predictable.
 * A microcontroller board takes them from its own hardware instead.
 */
#ifndef LKEDOC_HOST_ENTROPY_H
#define LKEDOC_HOST_ENTROPY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/random.h>
#include <sys/types.h>

#include "lkd_status.h"

/* Fill buf[0..len) (ctx unused: the shape of the ports' entropy hooks).
 * Errors: LKD_ERR_ENTROPY when the kernel gives none. */
static inline lkd_status_t host_entropy(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    while (len > 0) {
        ssize_t n = getrandom(buf, len, 0);
        if (n <= 0) {
            return LKD_ERR_ENTROPY;
        }
        buf += n;
        len -= (size_t)n;
    }
    return LKD_OK;
}

#endif /* LKEDOC_HOST_ENTROPY_H */
