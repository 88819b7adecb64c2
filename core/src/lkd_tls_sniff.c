/* SPDX-License-Identifier: MIT */
/*
 * lkd_tls_sniff.c - the handshake's plaintext framing (see lkd_tls_sniff.h).
 */
#include "lkd_tls_sniff.h"

/* RFC 8446 5.1/5.2: a record is at most 2^14 + 256 bytes (2^14 + 2048 in
 * TLS 1.2's ciphertext). */
#define RECORD_MAX (16384u + 2048u)
#define CCS 20u
#define HANDSHAKE 22u
#define APP_DATA 23u
#define SERVER_HELLO 2u
#define CERTIFICATE_REQUEST 13u

/* Handshake bytes of a plaintext record: message headers read, bodies
 * skipped (a ServerHello's first two bytes, its version, read first). */
static void handshake_bytes(lkd_tls_sniff_t *s, const uint8_t *p, size_t n)
{
    while (n > 0) {
        /* A message other than a ServerHello jumps to 6 at its header's end. */
        if (s->hs_got < 6) {
            s->hs[s->hs_got++] = *p++;
            n--;
            if (s->hs_got == 4) {
                s->hs_left = ((uint32_t)s->hs[1] << 16) | ((uint32_t)s->hs[2] << 8) | s->hs[3];
                if (s->hs[0] == CERTIFICATE_REQUEST) {
                    s->cert_requested = 1;
                }
                if (s->hs[0] != SERVER_HELLO || s->hs_left < 2) {
                    s->hs_got = 6; /* only its body to skip */
                }
            } else if (s->hs_got == 6) {
                s->hello_version = (uint16_t)((s->hs[4] << 8) | s->hs[5]);
                s->hs_left -= 2;
            }
        } else {
            size_t skip = n < s->hs_left ? n : (size_t)s->hs_left;
            p += skip;
            n -= skip;
            s->hs_left -= (uint32_t)skip;
        }
        if (s->hs_got == 6 && s->hs_left == 0) {
            s->hs_got = 0; /* the next message's header */
        }
    }
}

void lkd_tls_sniff(lkd_tls_sniff_t *s, const uint8_t *p, size_t n)
{
    while (n > 0 && s->sealed < 2) {
        size_t take;
        if (s->hdr_got < 5) {
            s->hdr[s->hdr_got++] = *p++;
            n--;
            if (s->hdr_got < 5) {
                continue;
            }
            s->type = s->hdr[0];
            s->rec_left = (uint16_t)((s->hdr[3] << 8) | s->hdr[4]);
            if (s->record_version == 0) {
                s->record_version = (uint16_t)((s->hdr[1] << 8) | s->hdr[2]);
            }
            if (s->type < CCS || s->type > APP_DATA || s->rec_left > RECORD_MAX) {
                s->sealed = 2; /* not TLS framing: nothing more can be followed */
                s->rec_left = 0;
                return;
            }
            if (s->type == APP_DATA && s->protected_records < 255) {
                s->protected_records++;
            }
            if (s->type == CCS || s->type == APP_DATA) {
                s->sealed |= 1; /* what follows is protected */
            }
        }
        take = n < s->rec_left ? n : s->rec_left;
        if (s->type == HANDSHAKE && !s->sealed) {
            handshake_bytes(s, p, take);
        }
        p += take;
        n -= take;
        s->rec_left = (uint16_t)(s->rec_left - take);
        if (s->rec_left == 0) {
            s->hdr_got = 0;
        }
    }
}

unsigned lkd_tls_sniff_version(const lkd_tls_sniff_t *s, int alert)
{
    return s->hello_version != 0 ? s->hello_version : alert < 0 || alert == 70 ? s->record_version : 0u;
}

int lkd_tls_sniff_cert_refusal(int alert, int cert_requested)
{
    return alert == 116 || (cert_requested && (alert == 40 || alert == 42));
}
