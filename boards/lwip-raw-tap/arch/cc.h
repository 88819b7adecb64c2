/* SPDX-License-Identifier: MIT */
/*
 * arch/cc.h - lwIP's compiler and platform definitions for boards/lwip-raw-tap:
 * GCC or Clang on a Linux host, byte order from the compiler.  Diagnostics go
 * to stderr; a failed assertion aborts.  LWIP_RAND (DNS query ids and source
 * ports, TCP initial sequence numbers) comes from the board's getrandom.
 */
#ifndef LWIP_RAW_TAP_ARCH_CC_H
#define LWIP_RAW_TAP_ARCH_CC_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

/* ssize_t must be the C library's in every file that includes lwIP: where
 * SSIZE_MAX is unknown (strict C99, as lwIP's own files build) lwIP would
 * make it int, and a caller built with POSIX features would read
 * etharp_find_addr's int -1 as a 64-bit 4294967295. */
#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX
#endif

/* glibc's <endian.h> (through stdlib.h with POSIX features) may have set it. */
#ifndef BYTE_ORDER
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define BYTE_ORDER BIG_ENDIAN
#else
#define BYTE_ORDER LITTLE_ENDIAN
#endif
#endif

#define PACK_STRUCT_BEGIN
#define PACK_STRUCT_STRUCT __attribute__((packed))
#define PACK_STRUCT_END
#define PACK_STRUCT_FIELD(x) x

/* x is a parenthesised printf argument list: ("format", args...) */
void lwip_raw_tap_diag(const char *format, ...);
#define LWIP_PLATFORM_DIAG(x) do { lwip_raw_tap_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                               \
    do {                                                                                      \
        fprintf(stderr, "lwIP assertion \"%s\" failed at %s:%d\n", (x), __FILE__, __LINE__); \
        abort();                                                                              \
    } while (0)

uint32_t lwip_raw_tap_rand(void);
#define LWIP_RAND() ((u32_t)lwip_raw_tap_rand())

#endif
