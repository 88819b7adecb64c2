# SPDX-License-Identifier: MIT
# make valgrind: the CLI (build/lkedoc) under valgrind memcheck against the
# mock (tests/integration/test_valgrind.py; also part of make test): no memory
# error and no definite or indirect leak in status, the whole job, a resumed
# download, retries, an API error and a TLS refusal.  The CLI of the build's
# generation (MBEDTLS=system: build/sys/lkedoc).
valgrind: deps
	@$(MAKE) --no-print-directory all
	@LKEDOC_VALGRIND_CLI=$(abspath $(CLI)) python3 tests/run_tests.py --no-unit --suite test_valgrind
