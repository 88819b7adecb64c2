/* SPDX-License-Identifier: MIT */
/* startup.c - vector table and reset handler for QEMU's mps2-an386: enable
 * the FPU (the image is built for the hard-float ABI, boards/mps2-an386/
 * flags.mk, and any floating-point instruction before this faults), copy
 * .data, zero .bss, open newlib's semihosting streams, run main and leave
 * QEMU through semihosting SYS_EXIT_EXTENDED with main's status. */
#include <stdint.h>

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start__[], __bss_end__[];
extern uint32_t __stack_top[];
extern int main(void);
extern void initialise_monitor_handles(void);
void Reset_Handler(void);
__attribute__((noreturn)) void m4_exit(int status);

static void Fault_Handler(void)
{
    m4_exit(98);
}

__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))(uintptr_t)__stack_top, Reset_Handler, Fault_Handler, Fault_Handler, Fault_Handler,
    Fault_Handler, Fault_Handler, 0, 0, 0, 0, Fault_Handler, Fault_Handler, 0, Fault_Handler, Fault_Handler,
};

void m4_exit(int status)
{
    /* SYS_EXIT_EXTENDED (0x20): r1 -> { ADP_Stopped_ApplicationExit, status }. */
    static volatile uint32_t block[2];
    register uint32_t r0 __asm__("r0") = 0x20;
    register volatile uint32_t *r1 __asm__("r1") = block;
    block[0] = 0x20026;
    block[1] = (uint32_t)status;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    for (;;) {
    }
}

void _exit(int status)
{
    m4_exit(status);
}

#define SCB_CPACR (*(volatile uint32_t *)0xe000ed88u)

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
    initialise_monitor_handles();
    m4_exit(main());
}
