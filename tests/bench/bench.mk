# SPDX-License-Identifier: MIT
# make bench: lkedoc side by side with the official Node.js SDK and curl
# against the bundled mock, in one run (tests/bench/bench.py).  Writes
# bench/RESULTS.md and prints one "bench NAME lkedoc=.. PEER=.. ratio=.." line
# per figure.  Installs its own tools (tests/tools/deps.sh with its list: valgrind, curl,
# Node.js/npm; the SDK pinned by tests/sdk/package-lock.json).  Not part of
# make test.
#
# Download throughput and the TLS library's decrypt ceiling are measured on
# both TLS generations: the other one's drivers (bench-tls-build, under
# MBEDTLS=BENCH_OTHER) are built into its own build directory, which bench.py
# is given with --tls-build.

BENCH_BIN := $(BUILD)/bench
BENCH_DRIVERS := $(BENCH_BIN)/bench_poll $(BENCH_BIN)/bench_download $(BENCH_BIN)/bench_sign $(BENCH_BIN)/bench_gcm
BENCH_CFLAGS := $(CSTD) -O2 -g $(INC) $(TLS_CPPFLAGS) -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L
BENCH_OTHER := $(if $(filter 3,$(MBEDTLS)),system,3)

.PHONY: bench bench-build bench-tls-build bench-dir
bench:
	@sh tests/tools/deps.sh gcc make libmbedtls-dev libjsmn-dev valgrind curl python3 openssl linux-perf
	@$(MAKE) --no-print-directory bench-build
	@$(MAKE) --no-print-directory MBEDTLS=$(BENCH_OTHER) bench-tls-build
	@sh tests/sdk/install.sh
	@python3 tests/bench/bench.py --tls-build "$$($(MAKE) -s --no-print-directory MBEDTLS=$(BENCH_OTHER) bench-dir)"

bench-build: $(LIB_INTERNAL) $(CLI) $(BENCH_DRIVERS) $(BENCH_BIN)/bench_rss

# What the other generation is measured with.
bench-tls-build: $(BENCH_BIN)/bench_download $(BENCH_BIN)/bench_gcm

bench-dir:
	@echo $(BUILD)

# bench_sign times internals (the signer): the archive with every symbol.
# One link group: bench_gcm calls only mbedTLS, whose PSA (3.x) then needs
# the client's external RNG from the archive listed before it.
$(BENCH_BIN)/%: tests/bench/%.c $(LIB_INTERNAL) $(MBED_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -MMD -MP -o $@ $< -Wl,--start-group $(LIB_INTERNAL) $(TLS_LIBS) -Wl,--end-group

$(BENCH_BIN)/bench_rss: tests/bench/bench_rss.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -MMD -MP -o $@ $<

-include $(BENCH_DRIVERS:=.d) $(BENCH_BIN)/bench_rss.d
