/* SPDX-License-Identifier: MIT */
/*
 * test_tls_sniff.c - lkd_tls_sniff: the handshake's plaintext framing,
 * followed byte by byte or in one piece, and hostile framing.
 */
#include <string.h>

#include "lkd_tls_sniff.h"
#include "unit.h"

/* A TLS 1.1 ServerHello (its body cut to the version and a little more), a
 * CertificateRequest in the same record, then a ServerHelloDone split across
 * a second record. */
static const uint8_t flight[] = {
    0x16, 0x03, 0x02, 0x00, 0x0e,                   /* handshake record, TLS 1.1, 14 bytes */
    0x02, 0x00, 0x00, 0x04, 0x03, 0x02, 0xaa, 0xbb, /* ServerHello, 4 bytes: version 0x0302 ... */
    0x0d, 0x00, 0x00, 0x02, 0x01, 0x01,             /* CertificateRequest, 2 bytes */
    0x16, 0x03, 0x02, 0x00, 0x02, 0x0e, 0x00,       /* ServerHelloDone's header, cut ... */
    0x16, 0x03, 0x02, 0x00, 0x02, 0x00, 0x00,       /* ... and its end in the next record */
};

static void check_flight(const lkd_tls_sniff_t *s)
{
    CHECK_EQ_INT(s->record_version, 0x0302);
    CHECK_EQ_INT(s->hello_version, 0x0302);
    CHECK_EQ_INT(s->cert_requested, 1);
    CHECK_EQ_INT(s->sealed, 0);
    CHECK_EQ_INT(s->protected_records, 0);
}

static void test_flight_in_any_pieces(void)
{
    lkd_tls_sniff_t s;
    size_t i;
    memset(&s, 0, sizeof s);
    lkd_tls_sniff(&s, flight, sizeof flight);
    check_flight(&s);
    memset(&s, 0, sizeof s);
    for (i = 0; i < sizeof flight; i++) {
        lkd_tls_sniff(&s, flight + i, 1);
    }
    check_flight(&s);
}

static void test_alert_record_version(void)
{
    /* A server that picked TLS 1.1 and refused: its alert's record says 1.1. */
    static const uint8_t alert[] = {0x15, 0x03, 0x02, 0x00, 0x02, 0x02, 0x28};
    lkd_tls_sniff_t s;
    memset(&s, 0, sizeof s);
    lkd_tls_sniff(&s, alert, sizeof alert);
    CHECK_EQ_INT(s.record_version, 0x0302);
    CHECK_EQ_INT(s.hello_version, 0);
    CHECK_EQ_INT(s.cert_requested, 0);
}

static void test_protected_records_end_the_reading(void)
{
    /* After ChangeCipherSpec a "CertificateRequest" is ciphertext: not read;
     * application_data records are counted. */
    static const uint8_t seq[] = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01,
                                  0x16, 0x03, 0x03, 0x00, 0x04, 0x0d, 0x00, 0x00, 0x00,
                                  0x17, 0x03, 0x03, 0x00, 0x01, 0x00,
                                  0x17, 0x03, 0x03, 0x00, 0x00};
    lkd_tls_sniff_t s;
    memset(&s, 0, sizeof s);
    lkd_tls_sniff(&s, seq, sizeof seq);
    CHECK_EQ_INT(s.cert_requested, 0);
    CHECK_EQ_INT(s.protected_records, 2);
    CHECK_EQ_INT(s.sealed, 1);
}

static void test_hostile_framing(void)
{
    /* An unknown content type, or a record longer than TLS allows, ends the
     * reading: nothing after it counts. */
    static const uint8_t bad_type[] = {0x63, 0x03, 0x03, 0x00, 0x04, 0x0d, 0x00, 0x00, 0x00};
    static const uint8_t too_long[] = {0x16, 0x03, 0x03, 0x48, 0x01, 0x0d, 0x00, 0x00, 0x00};
    /* A handshake length of 2^24 - 1 inside a short record is only skipped. */
    static const uint8_t huge_msg[] = {0x16, 0x03, 0x03, 0x00, 0x06, 0x0b, 0xff, 0xff, 0xff, 0x0d, 0x00,
                                       0x16, 0x03, 0x03, 0x00, 0x02, 0x0d, 0x00};
    /* A ServerHello shorter than its version: no version read. */
    static const uint8_t short_hello[] = {0x16, 0x03, 0x03, 0x00, 0x05, 0x02, 0x00, 0x00, 0x01, 0x03};
    lkd_tls_sniff_t s;
    uint8_t noise[64];
    memset(&s, 0, sizeof s);
    lkd_tls_sniff(&s, bad_type, sizeof bad_type);
    CHECK(s.sealed == 2 && s.cert_requested == 0);
    memset(noise, 0x16, sizeof noise);
    lkd_tls_sniff(&s, noise, sizeof noise);
    CHECK(s.cert_requested == 0 && s.hello_version == 0);
    memset(&s, 0, sizeof s);
    lkd_tls_sniff(&s, too_long, sizeof too_long);
    CHECK(s.sealed == 2 && s.cert_requested == 0);
    memset(&s, 0, sizeof s);
    lkd_tls_sniff(&s, huge_msg, sizeof huge_msg);
    CHECK(s.cert_requested == 0 && s.hs_left > 0);
    memset(&s, 0, sizeof s);
    lkd_tls_sniff(&s, short_hello, sizeof short_hello);
    CHECK_EQ_INT(s.hello_version, 0);
}

/* A long flight in well-formed framing, cut in pieces of every size: a
 * ServerHello, a Certificate of 20 000 bytes spread over records of many
 * lengths (its body skipped across them), a CertificateRequest, then an
 * alert record and the first protected one. */
static void test_long_flight_in_pieces(void)
{
    static uint8_t buf[24000];
    static const uint8_t hello[] = {0x16, 0x03, 0x03, 0x00, 0x06, 0x02, 0x00, 0x00, 0x02, 0x03, 0x03};
    static const uint8_t tail[] = {0x16, 0x03, 0x03, 0x00, 0x04, 0x0d, 0x00, 0x00, 0x00, /* CertificateRequest */
                                   0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00,             /* a warning alert */
                                   0x17, 0x03, 0x03, 0x00, 0x03, 0xaa, 0xbb, 0xcc};      /* protected */
    const uint32_t cert_len = 20000;
    uint32_t left = cert_len + 4u, k;
    size_t n = 0, i, piece;
    lkd_tls_sniff_t s;
    memcpy(buf, hello, sizeof hello);
    n = sizeof hello;
    for (k = 0; left > 0; k++) {
        size_t len = 1u + (k * 97u) % 600u, j;
        if (len > left) {
            len = left;
        }
        buf[n++] = 0x16;
        buf[n++] = 0x03;
        buf[n++] = 0x03;
        buf[n++] = (uint8_t)(len >> 8);
        buf[n++] = (uint8_t)len;
        for (j = 0; j < len; j++, left--) {
            uint32_t at = cert_len + 4u - left; /* the message's own offset */
            buf[n++] = at == 0   ? 0x0b
                       : at < 4u ? (uint8_t)(cert_len >> (8u * (3u - at)))
                                 : (uint8_t)(at * 131u + (at >> 3)); /* any bytes: skipped */
        }
    }
    memcpy(buf + n, tail, sizeof tail);
    n += sizeof tail;
    memset(&s, 0, sizeof s);
    for (i = 0, piece = 1; i < n; i += piece, piece = piece % 37u + 1u) {
        lkd_tls_sniff(&s, buf + i, i + piece <= n ? piece : n - i);
    }
    CHECK(s.hello_version == 0x0303 && s.cert_requested == 1 && s.sealed == 1 && s.protected_records == 1 &&
          s.hdr_got == 0 && s.rec_left == 0 && s.hs_got == 0);
}

int main(void)
{
    test_flight_in_any_pieces();
    test_alert_record_version();
    test_protected_records_end_the_reading();
    test_hostile_framing();
    test_long_flight_in_pieces();
    return unit_report("tls_sniff");
}
