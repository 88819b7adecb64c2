/* SPDX-License-Identifier: MIT */
/*
 * fw_board.h - the firmware's board layer on QEMU's mps2-an386 (Cortex-M4,
 * 25 MHz): a millisecond clock from SysTick, console lines through
 * semihosting (no printf: newlib's would pull in malloc), a fatal-error exit,
 * and the entropy the test harness hands in (a real board reads its TRNG).
 */
#ifndef FW_BOARD_H
#define FW_BOARD_H

#include <stddef.h>
#include <stdint.h>

#define FW_CPU_HZ 25000000u

/* Start SysTick at 1 kHz (its exception counts fw_ms). */
void fw_clock_init(void);
/* Milliseconds since fw_clock_init; never goes back. */
uint64_t fw_ms(void);
/* Wait for the next interrupt (the 1 ms tick at the latest). */
void fw_idle(void);

/* A console line built piece by piece, written with one semihosting call. */
void out_str(const char *s);
void out_mem(const char *s, size_t len);
void out_u64(uint64_t v);
void out_i32(int32_t v);
void out_hex32(uint32_t v);
void out_hexbytes(const uint8_t *p, size_t len);
void out_end(void); /* newline and flush */

/* Deepest use of the main stack so far (painted at reset), in bytes. */
size_t fw_stack_peak(void);

__attribute__((noreturn)) void fw_fatal(const char *what, int status);

/* Entropy: SHA-256(seed || counter) blocks, seeded once from the command
 * line.  The emulated board has no TRNG; a real one reads its own here. */
void fw_entropy_seed(const uint8_t *seed, size_t len);
int fw_entropy(uint8_t *buf, size_t len); /* 0, or -1 when never seeded */
uint32_t fw_rand32(void);                 /* for LWIP_RAND */

#endif
