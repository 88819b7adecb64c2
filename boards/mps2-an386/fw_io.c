/* SPDX-License-Identifier: MIT */
/* fw_io.c - console lines and the entropy source of the firmware (see
 * fw_board.h).  Numbers are formatted by hand: the printf family of newlib
 * allocates (its reentrancy structures and stdio buffers), the firmware
 * must not. */
#include <string.h>

#include "mbedtls/sha256.h"

#include "fw_board.h"
#include "semihost.h"

static char line[512];
static size_t line_len;

void out_mem(const char *s, size_t len)
{
    while (len > 0) {
        if (line_len == sizeof(line) - 1) {
            line[line_len] = '\0';
            sh_write0(line);
            line_len = 0;
        }
        line[line_len++] = *s++;
        len--;
    }
}

void out_str(const char *s)
{
    out_mem(s, strlen(s));
}

void out_u64(uint64_t v)
{
    char buf[21];
    size_t i = sizeof(buf);
    do {
        buf[--i] = (char)('0' + (unsigned)(v % 10u));
        v /= 10u;
    } while (v != 0);
    out_mem(buf + i, sizeof(buf) - i);
}

void out_i32(int32_t v)
{
    if (v < 0) {
        out_mem("-", 1);
        out_u64((uint64_t)(-(int64_t)v));
    } else {
        out_u64((uint64_t)v);
    }
}

void out_hexbytes(const uint8_t *p, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < len; i++) {
        char two[2];
        two[0] = hex[p[i] >> 4];
        two[1] = hex[p[i] & 15u];
        out_mem(two, 2);
    }
}

void out_hex32(uint32_t v)
{
    uint8_t b[4];
    b[0] = (uint8_t)(v >> 24);
    b[1] = (uint8_t)(v >> 16);
    b[2] = (uint8_t)(v >> 8);
    b[3] = (uint8_t)v;
    out_mem("0x", 2);
    out_hexbytes(b, 4);
}

void out_end(void)
{
    out_mem("\n", 1);
    line[line_len] = '\0';
    sh_write0(line);
    line_len = 0;
}

void fw_fatal(const char *what, int status)
{
    out_str("fatal: ");
    out_str(what);
    out_end();
    sh_exit(status);
}

static uint8_t seed_key[32];
static uint32_t seed_counter;
static int seeded;

void fw_entropy_seed(const uint8_t *seed, size_t len)
{
    (void)mbedtls_sha256(seed, len, seed_key, 0);
    seed_counter = 0;
    seeded = 1;
}

int fw_entropy(uint8_t *buf, size_t len)
{
    if (!seeded) {
        return -1;
    }
    while (len > 0) {
        uint8_t block[36], out[32];
        size_t n = len < sizeof(out) ? len : sizeof(out);
        memcpy(block, seed_key, 32);
        block[32] = (uint8_t)(seed_counter >> 24);
        block[33] = (uint8_t)(seed_counter >> 16);
        block[34] = (uint8_t)(seed_counter >> 8);
        block[35] = (uint8_t)seed_counter;
        seed_counter++;
        (void)mbedtls_sha256(block, sizeof(block), out, 0);
        memcpy(buf, out, n);
        buf += n;
        len -= n;
    }
    return 0;
}

uint32_t fw_rand32(void)
{
    uint8_t b[4];
    if (fw_entropy(b, sizeof(b)) != 0) {
        /* Before the seed (lwIP's start-up): a fixed value is fine for
         * the initial local port, never for TLS. */
        return 0x6c6b6564u;
    }
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}
