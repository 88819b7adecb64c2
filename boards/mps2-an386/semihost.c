/* SPDX-License-Identifier: MIT */
/* semihost.c - Arm semihosting calls (see semihost.h). */
#include "semihost.h"

#include <string.h>

enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITE = 0x05,
    SYS_WRITE0 = 0x04,
    SYS_READ = 0x06,
    SYS_SEEK = 0x0a,
    SYS_FLEN = 0x0c,
    SYS_GET_CMDLINE = 0x15,
    SYS_EXIT_EXTENDED = 0x20
};

static int32_t sh_call(uint32_t op, const volatile void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const volatile void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return (int32_t)r0;
}

void sh_write0(const char *s)
{
    (void)sh_call(SYS_WRITE0, s);
}

int sh_cmdline(char *buf, size_t size)
{
    volatile uint32_t block[2];
    if (size < 2) {
        return -1;
    }
    block[0] = (uint32_t)(uintptr_t)buf;
    block[1] = (uint32_t)size;
    if (sh_call(SYS_GET_CMDLINE, block) != 0 || block[1] >= size) {
        buf[0] = '\0';
        return -1;
    }
    buf[block[1]] = '\0';
    return (int)block[1];
}

int sh_open_read(const char *path)
{
    volatile uint32_t block[3];
    block[0] = (uint32_t)(uintptr_t)path;
    block[1] = 1; /* "rb" */
    block[2] = (uint32_t)strlen(path);
    return sh_call(SYS_OPEN, block);
}

int sh_open_write(const char *path)
{
    volatile uint32_t block[3];
    block[0] = (uint32_t)(uintptr_t)path;
    block[1] = 5; /* "wb" */
    block[2] = (uint32_t)strlen(path);
    return sh_call(SYS_OPEN, block);
}

int sh_write(int handle, const void *buf, size_t len)
{
    volatile uint32_t block[3];
    block[0] = (uint32_t)handle;
    block[1] = (uint32_t)(uintptr_t)buf;
    block[2] = (uint32_t)len;
    return sh_call(SYS_WRITE, block) == 0 ? 0 : -1; /* bytes NOT written */
}

long sh_flen(int handle)
{
    volatile uint32_t block[1];
    block[0] = (uint32_t)handle;
    return sh_call(SYS_FLEN, block);
}

long sh_pread(int handle, uint32_t offset, void *buf, size_t len)
{
    volatile uint32_t block[3];
    int32_t left;
    block[0] = (uint32_t)handle;
    block[1] = offset;
    if (sh_call(SYS_SEEK, block) != 0) {
        return -1;
    }
    block[0] = (uint32_t)handle;
    block[1] = (uint32_t)(uintptr_t)buf;
    block[2] = (uint32_t)len;
    left = sh_call(SYS_READ, block); /* bytes NOT read */
    if (left < 0 || (size_t)left > len) {
        return -1;
    }
    return (long)(len - (size_t)left);
}

void sh_close(int handle)
{
    volatile uint32_t block[1];
    block[0] = (uint32_t)handle;
    (void)sh_call(SYS_CLOSE, block);
}

void sh_exit(int status)
{
    /* r1 -> { ADP_Stopped_ApplicationExit, status } */
    volatile uint32_t block[2];
    block[0] = 0x20026;
    block[1] = (uint32_t)status;
    (void)sh_call(SYS_EXIT_EXTENDED, block);
    for (;;) {
    }
}
