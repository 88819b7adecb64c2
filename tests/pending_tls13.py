# SPDX-License-Identifier: MIT
"""The tests that cannot pass on the mbedTLS 3.6 build (the default) until
the client's TLS 1.3 support is complete, each with its reason.  The runner
(tests/run_tests.py) skips them, saying so, when the CLI under test is linked
against mbedTLS 3 and runs them on 2.28 (make MBEDTLS=system, test_mbed2);
an entry that no longer names a test of its suite is a failure, so the list
cannot outlive its tests.  It is empty: TLS 1.3 has landed (tickets after
the handshake, PSA's failures mapped)."""

PENDING_TLS13 = {}
