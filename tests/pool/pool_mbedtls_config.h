/* SPDX-License-Identifier: MIT */
/*
 * pool_mbedtls_config.h - the board's mbedTLS configuration
 * (boards/mps2-an386/lkd_board_mbedtls_config.h) for the host zero-malloc run
 * (tests/pool): the same options, plus MBEDTLS_MEMORY_DEBUG so that
 * mbedtls_memory_buffer_alloc_max_get() reports the static pool's high-water
 * mark.  MEMORY_DEBUG's reports (only on a corrupted pool) print to stderr
 * with fprintf and stop with exit: with PLATFORM_NO_STD_FUNCTIONS mbedTLS
 * does not include the headers that declare them, so they come from here.
 */
#ifndef LKD_POOL_MBEDTLS_CONFIG_H
#define LKD_POOL_MBEDTLS_CONFIG_H

#define MBEDTLS_MEMORY_DEBUG
#include <stdio.h>
#include <stdlib.h>

#include "lkd_board_mbedtls_config.h"

#endif
