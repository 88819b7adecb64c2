/* SPDX-License-Identifier: MIT */
/*
 * test_tls13.c - resumption counted under TLS 1.2 and 1.3 (1.3's tickets
 * arrive after the handshake), and, under mbedTLS 3.x, PSA's random bytes
 * drawn from the port, over a real TLS session with the in-process server
 * (tls_loop.h).
 *
 * The client calls a handshake resumed when it verified no certificate; the
 * server's own count (the tickets it took back) must agree, so a client that
 * counted every offered session as resumed would fail here.
 */
#include "lkd_mbedtls.h"
#include "lkd_tls.h"
#include "unit.h"
#include "tls_loop.h"

static lkd_client_t client;
static lkd_settings_t settings;
static lkd_port_t port;

static const char processing_json[] = "{\"Response\":{\"Status\":\"Processing\",\"RequestId\":\"rid-p\"}}";

static void fresh(int tls13, int tickets, uint8_t salt)
{
    lkd_client_free(&client);
    tl_reset();
    tl.tls13 = tls13;
    tl.tickets = tickets;
    tl.entropy_salt = salt;
    CHECK_EQ_INT(tl_client(&client, &settings, &port), LKD_OK);
}

/* One poll over a connection the server then closes: the next one makes a
 * new handshake. */
static lkd_status_t poll_once(void)
{
    lkd_result_t r;
    tl_push_http(200, "Connection: close\r\n", processing_json, strlen(processing_json), TL_CLOSE);
    return lkd_get_result(&client, "t", 1, &r);
}

/* The version the server negotiated on the last connection. */
static int server_version_is_13(void)
{
#if TL_HAS_TLS13
    return mbedtls_ssl_get_version_number(&tl.ssl) == MBEDTLS_SSL_VERSION_TLS1_3;
#else
    return 0;
#endif
}

/* Full, resumed, resumed again: the ticket of a resumed connection is kept
 * too (under 1.3, a new one after each handshake). */
static void check_full_then_resumed(int tls13)
{
    fresh(tls13, 1, 0);
    CHECK_EQ_INT(poll_once(), LKD_OK);
    CHECK_EQ_INT(server_version_is_13(), tls13);
    CHECK_EQ_INT(client.internal.tls.handshakes, 1);
    CHECK_EQ_INT(client.internal.tls.resumed, 0);
    CHECK(strcmp(client.internal.tls.saved[0].peer.name, "api.test") == 0); /* a session was kept */
    CHECK(client.internal.tls.saved[0].expires_ms <= tl.mono + TL_TICKET_LIFETIME * 1000u);
    CHECK_EQ_INT(poll_once(), LKD_OK);
    CHECK_EQ_INT(client.internal.tls.handshakes, 2);
    CHECK_EQ_INT(client.internal.tls.resumed, 1);
    CHECK_EQ_INT(tl.tickets_taken, 1);
    CHECK_EQ_INT(poll_once(), LKD_OK);
    CHECK_EQ_INT(client.internal.tls.handshakes, 3);
    CHECK_EQ_INT(client.internal.tls.resumed, 2);
    CHECK_EQ_INT(tl.tickets_taken, 2);
    CHECK_EQ_INT(tl.nreqs, 3);
}

/* A server that takes no ticket back makes a full handshake, counted as one;
 * the refused session is not offered again. */
static void check_refused_ticket_is_a_full_handshake(int tls13)
{
    fresh(tls13, 1, 0);
    CHECK_EQ_INT(poll_once(), LKD_OK);
    tl.tickets = 0; /* the same certificate, no ticket keys */
    CHECK_EQ_INT(poll_once(), LKD_OK);
    CHECK_EQ_INT(client.internal.tls.handshakes, 2);
    CHECK_EQ_INT(client.internal.tls.resumed, 0);
    CHECK_EQ_INT(tl.tickets_taken, 0);
}

static void test_tls12_resumption_is_counted(void)
{
    check_full_then_resumed(0);
    check_refused_ticket_is_a_full_handshake(0);
}

#if TL_HAS_TLS13
static void test_tls13_resumption_is_counted(void)
{
    check_full_then_resumed(1);
    check_refused_ticket_is_a_full_handshake(1);
    /* A 1.3 server without tickets: every connection is a full handshake,
     * and nothing is kept to offer. */
    fresh(1, 0, 0);
    CHECK_EQ_INT(poll_once(), LKD_OK);
    CHECK_EQ_INT(poll_once(), LKD_OK);
    CHECK_EQ_INT(client.internal.tls.handshakes, 2);
    CHECK_EQ_INT(client.internal.tls.resumed, 0);
    CHECK(client.internal.tls.saved[0].peer.name[0] == '\0');
}

#if defined(MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG)
/* The x25519 key share of the ClientHello the client sent last (1 when found). */
static int key_share(uint8_t out[32])
{
    size_t i;
    for (i = 0; i + 36 <= tl.hello_len; i++) {
        if (tl.hello[i] == 0x00 && tl.hello[i + 1] == 0x1d && tl.hello[i + 2] == 0x00 && tl.hello[i + 3] == 0x20) {
            memcpy(out, tl.hello + i + 4, 32);
            return 1;
        }
    }
    return 0;
}

/* TLS 1.3's ephemeral key is made by PSA.  Two clients whose ports give the
 * same entropy send the same key share; another entropy, another key: PSA
 * drew from the client's generator, not from a source of its own. */
static void test_tls13_key_share_comes_from_the_port(void)
{
    uint8_t a[32], b[32], c[32];
    fresh(1, 0, 0);
    CHECK_EQ_INT(poll_once(), LKD_OK);
    CHECK(server_version_is_13());
    CHECK(key_share(a));
    fresh(1, 0, 0);
    CHECK_EQ_INT(poll_once(), LKD_OK);
    CHECK(key_share(b));
    CHECK(memcmp(a, b, sizeof a) == 0);
    fresh(1, 0, 0x5a);
    CHECK_EQ_INT(poll_once(), LKD_OK);
    CHECK(key_share(c));
    CHECK(memcmp(a, c, sizeof a) != 0);
}
#endif

/* Entropy that fails once the client is set up (the generator asks the port
 * for every request here) fails the handshake as an entropy error, before
 * any request goes out. */
static void test_tls13_failing_entropy_fails_the_handshake(void)
{
    fresh(1, 0, 0);
    mbedtls_ctr_drbg_set_prediction_resistance(&client.internal.tls.drbg, MBEDTLS_CTR_DRBG_PR_ON);
    tl.entropy_fails = 1;
    CHECK_EQ_INT(poll_once(), LKD_ERR_ENTROPY);
    CHECK_EQ_INT(tl.nreqs, 0);
    tl.entropy_fails = 0;
    tl.nsteps = tl.next_step = 0;
    CHECK_EQ_INT(poll_once(), LKD_OK);
}
#endif

int main(void)
{
    test_tls12_resumption_is_counted();
#if TL_HAS_TLS13
    test_tls13_resumption_is_counted();
#if defined(MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG)
    test_tls13_key_share_comes_from_the_port();
#endif
    test_tls13_failing_entropy_fails_the_handshake();
#endif
    lkd_client_free(&client);
    return unit_report("tls13");
}
