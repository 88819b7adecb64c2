/* SPDX-License-Identifier: MIT */
/*
 * lkd_crc64.c - CRC-64/XZ, the object store's x-cos-hash-crc64ecma (see
 * lkd_job.h).
 *
 * Four bits at a time from a 16-entry table: 128 bytes of flash where a
 * byte-wide table costs 2 KiB, at about a quarter of its speed, which is
 * still well above what the TLS layer decrypts.
 */
#include "lkd_job.h"

/* The reflected ECMA-182 polynomial (0x42F0E1EBA9EA3693) applied to each
 * nibble value: entry i is i shifted out through four steps. */
static const uint64_t crc64_nibble[16] = {
    0x0000000000000000ull, 0x7d9ba13851336649ull, 0xfb374270a266cc92ull, 0x86ace348f355aadbull,
    0x64b62bcaebc387a1ull, 0x192d8af2baf0e1e8ull, 0x9f8169ba49a54b33ull, 0xe21ac88218962d7aull,
    0xc96c5795d7870f42ull, 0xb4f7f6ad86b4690bull, 0x325b15e575e1c3d0ull, 0x4fc0b4dd24d2a599ull,
    0xadda7c5f3c4488e3ull, 0xd041dd676d77eeaaull, 0x56ed3e2f9e224471ull, 0x2b769f17cf112238ull,
};

uint64_t lkd_crc64(uint64_t crc, const void *data, size_t len)
{
    const uint8_t *p = (const uint8_t *)data;
    crc = ~crc;
    while (len-- > 0) {
        crc ^= *p++;
        crc = (crc >> 4) ^ crc64_nibble[crc & 15u];
        crc = (crc >> 4) ^ crc64_nibble[crc & 15u];
    }
    return ~crc;
}
