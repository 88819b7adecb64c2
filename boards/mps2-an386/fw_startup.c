/* SPDX-License-Identifier: MIT */
/* fw_startup.c - vector table and reset handler of the firmware image
 * (the unit-test image has its own, startup.c): enable the FPU (the
 * firmware is built for the hard-float ABI), copy .data, zero .bss, run
 * fw_main and leave QEMU through semihosting with its status.  SysTick
 * drives the millisecond clock; faults print where they happened. */
#include <stdint.h>
#include <stdlib.h>

#include "fw_board.h"
#include "semihost.h"

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start__[], __bss_end__[];
extern uint32_t __stack_top[];
extern int fw_main(void);
void Reset_Handler(void);
void SysTick_Handler(void);
void Fault_Handler(void);

#define REG(a) (*(volatile uint32_t *)(a))
#define SCB_CPACR REG(0xe000ed88u)
#define SCB_CFSR REG(0xe000ed28u)
#define SCB_HFSR REG(0xe000ed2cu)
#define SCB_MMFAR REG(0xe000ed34u)
#define SCB_BFAR REG(0xe000ed38u)
#define SYST_CSR REG(0xe000e010u)
#define SYST_RVR REG(0xe000e014u)
#define SYST_CVR REG(0xe000e018u)

__attribute__((section(".vectors"), used)) static void (*const fw_vectors[16])(void) = {
    (void (*)(void))(uintptr_t)__stack_top, Reset_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, Fault_Handler, 0, 0, 0, 0, Fault_Handler, Fault_Handler, 0, Fault_Handler, SysTick_Handler,
};

static volatile uint64_t ticks_ms;

void SysTick_Handler(void)
{
    ticks_ms++;
}

void fw_clock_init(void)
{
    SYST_CSR = 0;
    SYST_RVR = FW_CPU_HZ / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = 7u; /* processor clock, exception, enable */
}

uint64_t fw_ms(void)
{
    uint64_t a, b;
    do {
        a = ticks_ms;
        b = ticks_ms;
    } while (a != b);
    return a;
}

void fw_idle(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

void fw_fault_report(const uint32_t *sp);

/* The exception frame (r0-r3, r12, lr, pc, xpsr) is on the main stack. */
__attribute__((naked)) void Fault_Handler(void)
{
    __asm__ volatile("mrs r0, msp\n\tb fw_fault_report");
}

void fw_fault_report(const uint32_t *sp)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    out_str("fault: exception ");
    out_u64(ipsr & 0x1ffu);
    out_str(" pc ");
    out_hex32(sp[6]);
    out_str(" lr ");
    out_hex32(sp[5]);
    out_str(" cfsr ");
    out_hex32(SCB_CFSR);
    out_str(" hfsr ");
    out_hex32(SCB_HFSR);
    out_str(" bfar ");
    out_hex32(SCB_BFAR);
    out_str(" mmfar ");
    out_hex32(SCB_MMFAR);
    out_end();
    sh_exit(98);
}

/* The C library's exit() would bring newlib's atexit machinery and its
 * reentrancy structure; mbedTLS's allocator calls exit() only when it finds
 * its pool corrupted.  Both end the firmware through semihosting. */
void exit(int status)
{
    sh_exit(status);
}

void _exit(int status);
void _exit(int status)
{
    sh_exit(status);
}

/* The lowest STACK_PAINT bytes a run may use are painted at reset; the
 * highest unpainted word afterwards is the deepest the stack went. */
#define STACK_PAINT (64u * 1024u)
#define STACK_MARK 0xcdcdcdcdu

static void paint_stack(void)
{
    uint32_t *p = (uint32_t *)((uintptr_t)__stack_top - STACK_PAINT), *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    while (p < sp - 16) {
        *p++ = STACK_MARK;
    }
}

size_t fw_stack_peak(void)
{
    const uint32_t *p = (const uint32_t *)((uintptr_t)__stack_top - STACK_PAINT);
    while (p < __stack_top && *p == STACK_MARK) {
        p++;
    }
    return (size_t)((uintptr_t)__stack_top - (uintptr_t)p);
}

void Reset_Handler(void)
{
    uint32_t *s = __data_load, *d = __data_start;
    SCB_CPACR |= 0xfu << 20; /* CP10 and CP11: full access */
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    while (d < __data_end) {
        *d++ = *s++;
    }
    for (d = __bss_start__; d < __bss_end__; d++) {
        *d = 0;
    }
    paint_stack();
    sh_exit(fw_main());
}
