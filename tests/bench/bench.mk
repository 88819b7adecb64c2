# SPDX-License-Identifier: MIT
# make bench: lkedoc side by side with the official Node.js SDK and curl
# against the bundled mock, in one run (tests/bench/bench.py).  Writes
# bench/RESULTS.md and prints one "bench NAME lkedoc=.. PEER=.. ratio=.." line
# per figure.  Installs its own tools (tests/tools/deps.sh with its list: valgrind, curl,
# Node.js/npm; the SDK pinned by tests/sdk/package-lock.json).  Not part of
# make test.

BENCH_BIN := $(BUILD)/bench
BENCH_DRIVERS := $(BENCH_BIN)/bench_poll $(BENCH_BIN)/bench_download $(BENCH_BIN)/bench_sign $(BENCH_BIN)/bench_gcm
BENCH_CFLAGS := $(CSTD) -O2 -g $(INC) $(TLS_CPPFLAGS) -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L

.PHONY: bench bench-build
bench:
	@sh tests/tools/deps.sh gcc make libmbedtls-dev libjsmn-dev valgrind curl python3 openssl
	@$(MAKE) --no-print-directory bench-build
	@sh tests/sdk/install.sh
	@python3 tests/bench/bench.py

bench-build: $(LIB_INTERNAL) $(CLI) $(BENCH_DRIVERS) $(BENCH_BIN)/bench_rss

# bench_sign times internals (the signer): the archive with every symbol.
$(BENCH_BIN)/%: tests/bench/%.c $(LIB_INTERNAL) $(MBED_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -MMD -MP -o $@ $< $(LIB_INTERNAL) $(TLS_LIBS)

$(BENCH_BIN)/bench_rss: tests/bench/bench_rss.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -MMD -MP -o $@ $<

-include $(BENCH_DRIVERS:=.d) $(BENCH_BIN)/bench_rss.d
