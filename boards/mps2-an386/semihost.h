/* SPDX-License-Identifier: MIT */
/*
 * semihost.h - the few Arm semihosting calls the firmware uses under QEMU
 * (-semihosting-config enable=on,target=native): console output, the
 * command line, reading and writing host files and the exit status.  Each call is a
 * `bkpt 0xab` with the operation in r0 and a parameter block in r1 (Arm's
 * "Semihosting for AArch32 and AArch64", v2).  On a real board these go to
 * a debugger; the firmware needs them only for its test harness: a product
 * would read its document from a scanner and its CA from flash.
 */
#ifndef FW_SEMIHOST_H
#define FW_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

/* Write a NUL-terminated string to the host console (SYS_WRITE0). */
void sh_write0(const char *s);

/* Copy the command line (SYS_GET_CMDLINE) into buf, NUL-terminated.
 * Returns its length, or -1 when the host has none or it does not fit. */
int sh_cmdline(char *buf, size_t size);

/* Open a host file for binary reading (SYS_OPEN "rb"): a handle >= 0, or -1. */
int sh_open_read(const char *path);

/* Create or truncate a host file for binary writing (SYS_OPEN "wb"): a handle >= 0, or -1. */
int sh_open_write(const char *path);

/* Write all of buf (SYS_WRITE): 0, or -1. */
int sh_write(int handle, const void *buf, size_t len);

/* Length of an open file (SYS_FLEN), or -1. */
long sh_flen(int handle);

/* Read len bytes at offset (SYS_SEEK + SYS_READ): bytes read, or -1. */
long sh_pread(int handle, uint32_t offset, void *buf, size_t len);

void sh_close(int handle);

/* Leave QEMU with this exit status (SYS_EXIT_EXTENDED). */
__attribute__((noreturn)) void sh_exit(int status);

#endif
