/* SPDX-License-Identifier: MIT */
/*
 * lkd_crc64.c - CRC-64/XZ, the object store's x-cos-hash-crc64ecma (see
 * lkd_job.h).
 *
 * Reflected, so each step shifts right and folds in the table entry of the
 * bits shifted out.  By default four bits a step from a 16-entry table
 * computed at compile time: 128 bytes of flash, about 200 MB/s on a host,
 * far above what a microcontroller's TLS decrypts.  With LKD_CRC64_FAST (the
 * host build) eight bytes a step ("slicing-by-8") from 16 KiB of tables
 * filled on first use, in static memory, about 1.5 GB/s: a byte-wide table
 * alone is still bound by one dependent table load per byte (about 340 MB/s),
 * which would cost a host a third of its download rate.
 */
#include "lkd_job.h"

#include "lkd_config.h"

/* ECMA-182's 0x42F0E1EBA9EA3693, bit-reversed. */
#define CRC64_POLY 0xC96C5795D7870F42ull

#if LKD_CRC64_FAST

static uint64_t slices[8][256];
static volatile int slices_ready;

/* Entry i of slice k is the CRC step of byte i followed by k zero bytes.
 * Two threads filling it at once write the same values. */
static void fill_slices(void)
{
    unsigned i, k, b;
    for (i = 0; i < 256; i++) {
        uint64_t c = i;
        for (b = 0; b < 8; b++) {
            c = (c >> 1) ^ ((c & 1u) ? CRC64_POLY : 0u);
        }
        slices[0][i] = c;
    }
    for (k = 1; k < 8; k++) {
        for (i = 0; i < 256; i++) {
            slices[k][i] = (slices[k - 1][i] >> 8) ^ slices[0][slices[k - 1][i] & 255u];
        }
    }
    slices_ready = 1;
}

uint64_t lkd_crc64(uint64_t crc, const void *data, size_t len)
{
    const uint8_t *p = (const uint8_t *)data;
    if (!slices_ready) {
        fill_slices();
    }
    crc = ~crc;
    for (; len >= 8; len -= 8, p += 8) {
        /* The eight bytes as a little-endian word, whatever the host's order. */
        uint64_t w = crc ^ ((uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
                            (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
                            (uint64_t)p[7] << 56);
        crc = slices[7][w & 255u] ^ slices[6][(w >> 8) & 255u] ^ slices[5][(w >> 16) & 255u] ^
              slices[4][(w >> 24) & 255u] ^ slices[3][(w >> 32) & 255u] ^ slices[2][(w >> 40) & 255u] ^
              slices[1][(w >> 48) & 255u] ^ slices[0][w >> 56];
    }
    while (len-- > 0) {
        crc = (crc >> 8) ^ slices[0][(crc ^ *p++) & 255u];
    }
    return ~crc;
}

#else

/* One shift of c, and the entry of nibble i after four of them. */
#define CRC64_STEP(c) (((c) >> 1) ^ (((c) & 1u) ? CRC64_POLY : 0u))
#define CRC64_NIBBLE(i) CRC64_STEP(CRC64_STEP(CRC64_STEP(CRC64_STEP((uint64_t)(i)))))

static const uint64_t nibbles[16] = {CRC64_NIBBLE(0), CRC64_NIBBLE(1), CRC64_NIBBLE(2),  CRC64_NIBBLE(3),  CRC64_NIBBLE(4),  CRC64_NIBBLE(5),  CRC64_NIBBLE(6),  CRC64_NIBBLE(7),
                                     CRC64_NIBBLE(8), CRC64_NIBBLE(9), CRC64_NIBBLE(10), CRC64_NIBBLE(11), CRC64_NIBBLE(12), CRC64_NIBBLE(13), CRC64_NIBBLE(14), CRC64_NIBBLE(15)};

uint64_t lkd_crc64(uint64_t crc, const void *data, size_t len)
{
    const uint8_t *p = (const uint8_t *)data;
    crc = ~crc;
    while (len-- > 0) {
        crc ^= *p++;
        crc = (crc >> 4) ^ nibbles[crc & 15u];
        crc = (crc >> 4) ^ nibbles[crc & 15u];
    }
    return ~crc;
}

#endif
