/* SPDX-License-Identifier: MIT */
/*
 * test_alt_job.c - the streamed payload hash (lkd_call.c) through the seam
 * with MBEDTLS_SHA256_ALT (tests/alt): a create with a file is hashed piece
 * by piece through the ALT before connecting, and the ALT failing at any of
 * that digest's calls ends the create in LKD_ERR_CRYPTO with nothing sent
 * and no connection made; the next create is whole.
 */
#include <mbedtls/sha256.h>

#include "lkd_job.h"
#include "unit.h"
#include "tls_loop.h"

static lkd_client_t client;
static lkd_settings_t settings;
static lkd_port_t port;
static uint8_t doc[2500];

static const char create_json[] = "{\"Response\":{\"TaskId\":\"task-42\",\"RequestId\":\"rid-c\"}}";

static lkd_status_t read_doc(void *user, uint64_t offset, uint8_t *buf, size_t len, size_t *got)
{
    (void)user;
    memcpy(buf, doc + offset, len);
    *got = len;
    return LKD_OK;
}

static void fresh(void)
{
    lkd_client_free(&client);
    tl_reset();
    CHECK_EQ_INT(tl_client(&client, &settings, &port), LKD_OK);
}

int main(void)
{
    lkd_create_t p;
    lkd_span_t id;
    lkd_file_source_t f;
    unsigned long before, k, steps;
    size_t i;

    for (i = 0; i < sizeof doc; i++) {
        doc[i] = (uint8_t)(i * 7u);
    }
    f.read = read_doc;
    f.user = NULL;
    f.size = sizeof doc;
    f.unsigned_payload = 0;
    lkd_create_default(&p);
    p.file_type = "png";
    p.file = &f;

    /* The digest of the body: start, the JSON before the file, one update
     * per encoded piece, the JSON after it, finish; then the request's and
     * the handshake's own digests. */
    fresh();
    before = sha256_alt_counts.calls;
    tl_push_json(create_json, NULL);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
    CHECK_SPAN(id.ptr, id.len, "task-42");
    CHECK(sha256_alt_counts.calls - before > 5);

    /* Fail each call of the body's digest in turn (it is the first digest a
     * create makes: the calls before the connection are all its own). */
    steps = 4 + (sizeof doc + LKD_UPLOAD_PIECE_SIZE - 1) / LKD_UPLOAD_PIECE_SIZE;
    for (k = 1; k <= steps; k++) {
        fresh();
        sha256_alt_fail_at = sha256_alt_counts.calls + k;
        tl_push_json(create_json, NULL);
        CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_ERR_CRYPTO);
        CHECK_EQ_INT(tl.connects, 0);
        CHECK_EQ_INT(tl.nreqs, 0);
    }
    sha256_alt_fail_at = 0;
    fresh();
    tl_push_json(create_json, NULL);
    CHECK_EQ_INT(lkd_create(&client, &p, &id), LKD_OK);
    CHECK_EQ_INT(tl.nreqs, 1);
    CHECK_EQ_INT(sha256_alt_counts.bad_context, 0);
    lkd_client_free(&client);
    return unit_report("alt_job");
}
