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
    size_t i;
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
    /* Any bytes at all, in any pieces: the state stays bounded. */
    memset(&s, 0, sizeof s);
    for (i = 0; i < 4096; i++) {
        uint8_t b = (uint8_t)(i * 131u + (i >> 3));
        lkd_tls_sniff(&s, &b, 1);
        CHECK(s.hdr_got <= 5 && s.hs_got <= 6 && s.rec_left <= 16384u + 2048u);
    }
}

int main(void)
{
    test_flight_in_any_pieces();
    test_alert_record_version();
    test_protected_records_end_the_reading();
    test_hostile_framing();
    return unit_report("tls_sniff");
}
