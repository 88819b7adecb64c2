/* SPDX-License-Identifier: MIT */
/*
 * bench_gcm.c - the ceiling of a download through mbedTLS on this machine:
 * AES-GCM decryption of full 16 KiB TLS records (what mbedtls_ssl_read does
 * for every record of an archive), with no network, no TLS state machine and
 * no buffer copies.
 *
 *     bench_gcm 128|256|chacha MIB
 *
 * Decrypts MIB MiB as 16384-byte records with a fresh 12-byte IV and 13 bytes
 * of additional data each (as TLS 1.2 AEAD records), computing the tag, with
 * AES-128-GCM, AES-256-GCM or (for comparison: another suite mbedTLS offers)
 * ChaCha20-Poly1305.  Prints {"cipher":"...","bytes":N,"cpu_ns":N,"mbedtls":"VERSION"}
 * (the mbedTLS it was compiled against: make bench builds it for each generation).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mbedtls/chachapoly.h>
#include <mbedtls/gcm.h>
#include <mbedtls/version.h>

#define RECORD 16384

static unsigned char in[RECORD], out[RECORD];

int main(int argc, char **argv)
{
    mbedtls_gcm_context gcm;
    mbedtls_chachapoly_context cp;
    unsigned char key[32], iv[12], aad[13], tag[16];
    long bits, mib, records, i;
    int chacha;
    struct timespec t0, t1;
    unsigned acc = 0;

    if (argc != 3) {
        fprintf(stderr, "usage: bench_gcm 128|256|chacha MIB\n");
        return 2;
    }
    chacha = strcmp(argv[1], "chacha") == 0;
    bits = chacha ? 256 : strtol(argv[1], NULL, 10);
    mib = strtol(argv[2], NULL, 10);
    if ((bits != 128 && bits != 256) || mib <= 0) {
        return 2;
    }
    memset(key, 0x42, sizeof key);
    memset(iv, 0, sizeof iv);
    memset(aad, 0x17, sizeof aad);
    memset(in, 0xa5, sizeof in);
    mbedtls_gcm_init(&gcm);
    mbedtls_chachapoly_init(&cp);
    if (chacha ? mbedtls_chachapoly_setkey(&cp, key) != 0
               : mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, (unsigned)bits) != 0) {
        return 1;
    }
    records = mib * 1024 * 1024 / RECORD;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    for (i = 0; i < records; i++) {
        int rc;
        memcpy(iv + 4, &i, sizeof i < 8 ? sizeof i : 8);
        if (chacha) {
            /* Decryption without the tag check costs what encryption does. */
            rc = mbedtls_chachapoly_encrypt_and_tag(&cp, RECORD, iv, aad, sizeof aad, in, out, tag);
        } else {
            rc = mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_DECRYPT, RECORD, iv, sizeof iv, aad, sizeof aad, in,
                                           out, sizeof tag, tag);
        }
        if (rc != 0) {
            return 1;
        }
        acc ^= tag[0] ^ out[RECORD - 1];
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    mbedtls_gcm_free(&gcm);
    mbedtls_chachapoly_free(&cp);
    printf("{\"cipher\":\"%s\",\"bytes\":%ld,\"cpu_ns\":%lld,\"mbedtls\":\"%s\",\"x\":%u}\n",
           chacha ? "CHACHA20-POLY1305" : (bits == 256 ? "AES-256-GCM" : "AES-128-GCM"), records * RECORD,
           (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec), MBEDTLS_VERSION_STRING,
           acc);
    return 0;
}
