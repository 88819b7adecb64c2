/* SPDX-License-Identifier: MIT */
/*
 * lkd_tls_sniff.h - what a TLS handshake says in the clear, read from the
 * bytes the bio carries.
 *
 * mbedTLS keeps to itself the version a server chose when it refuses it,
 * and whether a server asked for a client certificate; both travel in
 * plaintext records before the first protected one, so the bio's bytes are
 * followed here, without a copy: the record headers, and inside handshake
 * records the message headers (a message may span records, a record hold
 * several).  Every length comes from the peer and only bounds what is
 * skipped; a record longer than TLS allows, or an unknown content type,
 * ends the reading (sealed), as does the first ChangeCipherSpec or
 * application_data record, after which the content is protected: from then
 * on only protected records are counted.  Nothing read here decides
 * anything about trust: the facts only explain a failure.
 */
#ifndef LKD_TLS_SNIFF_H
#define LKD_TLS_SNIFF_H

#include <stddef.h>
#include <stdint.h>

#include "lkd_internal.h"

/* Follow n more bytes of one direction of the stream (s zeroed at the
 * connection's start).  Sets s->record_version (the first record's version
 * field), s->hello_version (a ServerHello's version field),
 * s->cert_requested (a CertificateRequest), and counts records of type
 * application_data in s->protected_records (saturating at 255). */
void lkd_tls_sniff(lkd_tls_sniff_t *s, const uint8_t *p, size_t n);

/* The version the server chose, as far as s shows it with alert (the fatal
 * alert it sent, -1 for none): its ServerHello's; without one, the first
 * record's version field, but only under protocol_version (how a TLS 1.1
 * server refuses) or with no alert, since a server frames any early alert
 * in some version (often 0x0301) that is no choice; else 0. */
unsigned lkd_tls_sniff_version(const lkd_tls_sniff_t *s, int alert);

/* 1 when the server's fatal alert refuses the client for its certificate:
 * certificate_required (116), or handshake_failure (40) or bad_certificate
 * (42) after the server asked for one (how a TLS 1.2 server says it); else
 * 0. */
int lkd_tls_sniff_cert_refusal(int alert, int cert_requested);

#endif /* LKD_TLS_SNIFF_H */
