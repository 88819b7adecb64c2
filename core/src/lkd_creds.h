/* SPDX-License-Identifier: MIT */
/*
 * lkd_creds.h - internal: the credentials a call signs with, static or from
 * the application's provider (lkd_credentials_fn).  Not for applications.
 */
#ifndef LKD_CREDS_H
#define LKD_CREDS_H

#include "lkd_client.h"

/* Before an attempt: ask the provider when the client holds no credentials
 * or they expire within the margin (at most half the life they had when
 * issued), telling it the ms left to deadline.  LKD_OK (also without a
 * provider), LKD_ERR_ABORTED when the provider returned it, or
 * LKD_ERR_CREDENTIALS with the buffers wiped and the field named in the
 * client's argument record when the values are unusable. */
lkd_status_t lkd_creds_ensure(lkd_client_t *c, uint64_t deadline);

/* The id, key and token (v[0..2]) the next request is signed with. */
void lkd_creds_spans(const lkd_client_t *c, lkd_span_t v[3]);

/* After LKD_ERR_API: 1 when the answer says the provider's credentials are
 * no longer good (they are then wiped, so the next attempt asks again),
 * 0 otherwise and always without a provider. */
int lkd_creds_rejected(lkd_client_t *c);

/* Wipe the provider's buffers and forget them. */
void lkd_creds_wipe(lkd_client_t *c);

#endif /* LKD_CREDS_H */
