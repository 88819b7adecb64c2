/* SPDX-License-Identifier: MIT */
/*
 * arch/cc.h - lwIP's compiler and platform definitions for the firmware:
 * arm-none-eabi-gcc with newlib on a Cortex-M4 (little endian).  No printf
 * (it would pull newlib's allocator in): lwIP's diagnostics are dropped and
 * an assertion prints through the board console and stops the firmware.
 */
#ifndef FW_ARCH_CC_H
#define FW_ARCH_CC_H

#include <stdint.h>

#define BYTE_ORDER LITTLE_ENDIAN

#define PACK_STRUCT_BEGIN
#define PACK_STRUCT_STRUCT __attribute__((packed))
#define PACK_STRUCT_END
#define PACK_STRUCT_FIELD(x) x

void fw_lwip_assert(const char *msg, const char *file, int line);
uint32_t fw_rand32(void);

#define LWIP_PLATFORM_DIAG(x) do { } while (0)
#define LWIP_PLATFORM_ASSERT(x) fw_lwip_assert((x), __FILE__, __LINE__)
#define LWIP_RAND() ((u32_t)fw_rand32())

#endif
