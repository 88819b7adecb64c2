# SPDX-License-Identifier: MIT
# Fuzz targets (tests/fuzz/fuzz_*.c) for libFuzzer: clang with
# -fsanitize=fuzzer,address,undefined, core/ compiled in with the same
# sanitizers and no recovery, so any report is a crash.  The build's mbedTLS
# (by default 3.6's gcc-built archives) links in uninstrumented: what the
# targets fuzz is the core, which reaches mbedTLS only through its own calls.
#
#   make fuzz [FUZZ_SECONDS=N] [FUZZ_TARGETS="http url"]
#       builds build/fuzz/fuzz_NAME and runs each for N seconds (default 60)
#       on a copy of tests/fuzz/corpus/NAME in build/fuzz/corpus/NAME; prints
#       "fuzz NAME: N execs, M crashes" per target, fails on any crash
#       (reproducers in build/fuzz/crashes/NAME/).
#   make fuzz-build
#       builds the targets only.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=c99 -Wall -Wextra -Werror -pedantic -g -O1 $(INC) $(TLS_CPPFLAGS) $(FUZZ_SAN)
FUZZ_ALL     := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_OBJ      := $(BUILD)/fuzz/obj
FUZZ_CORE_OBJ := $(CORE_SRC:%.c=$(FUZZ_OBJ)/%.o)
FUZZ_MAIN_OBJ := $(FUZZ_ALL:%=$(FUZZ_OBJ)/tests/fuzz/fuzz_%.o)
FUZZ_BIN     := $(FUZZ_ALL:%=$(BUILD)/fuzz/fuzz_%)

# Every source is its own object (one compile, one .d); libFuzzer's main
# comes in at the link.
$(FUZZ_OBJ)/%.o: %.c $(TLS_GEN) | $(MBED_DEP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(BUILD)/fuzz/fuzz_%: $(FUZZ_OBJ)/tests/fuzz/fuzz_%.o $(FUZZ_CORE_OBJ)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(TLS_LIBS)

# The CLI's credentials parser is host code (boards/posix), built with its POSIX feature macros.
FUZZ_CRED_OBJ := $(FUZZ_OBJ)/tests/fuzz/fuzz_credentials.o $(FUZZ_OBJ)/boards/posix/credentials.o \
                 $(FUZZ_OBJ)/boards/posix/safe_text.o
$(FUZZ_CRED_OBJ): FUZZ_CFLAGS += -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Iboards/posix
$(BUILD)/fuzz/fuzz_credentials: $(FUZZ_CRED_OBJ)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^

# The CLI's reader of a credentials process's STS JSON, alike.
FUZZ_STS_OBJ := $(FUZZ_OBJ)/tests/fuzz/fuzz_sts_json.o $(FUZZ_OBJ)/boards/posix/sts_json.o
$(FUZZ_STS_OBJ): FUZZ_CFLAGS += -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Iboards/posix
$(BUILD)/fuzz/fuzz_sts_json: $(FUZZ_STS_OBJ)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^

# Kept: make would delete them as intermediates of the pattern rules.
.SECONDARY: $(FUZZ_CORE_OBJ) $(FUZZ_MAIN_OBJ) $(FUZZ_CRED_OBJ) $(FUZZ_STS_OBJ)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	@python3 tests/fuzz/run_fuzz.py --seconds $(FUZZ_SECONDS) $(FUZZ_TARGETS)

-include $(FUZZ_CORE_OBJ:.o=.d) $(FUZZ_MAIN_OBJ:.o=.d) $(FUZZ_CRED_OBJ:.o=.d) $(FUZZ_STS_OBJ:.o=.d)

# fuzz_client: the client above TLS.  Every core object but lkd_tls.o, and the
# scripted stand-in tests/fuzz/stub_tls.c in its place (named so that the
# fuzz_*.c wildcard does not take it for a target).
# FUZZ_CLIENT_DEFS: -D overrides of the target's checks (all on by default).
FUZZ_CLIENT_DEFS ?=
FUZZ_CLIENT_OBJ := $(FUZZ_OBJ)/tests/fuzz/fuzz_client.o $(FUZZ_OBJ)/tests/fuzz/stub_tls.o \
                   $(filter-out $(FUZZ_OBJ)/core/src/lkd_tls.o,$(FUZZ_CORE_OBJ))
$(FUZZ_OBJ)/tests/fuzz/fuzz_client.o $(FUZZ_OBJ)/tests/fuzz/stub_tls.o: FUZZ_CFLAGS += $(FUZZ_CLIENT_DEFS)
.SECONDARY: $(FUZZ_OBJ)/tests/fuzz/stub_tls.o
-include $(FUZZ_OBJ)/tests/fuzz/stub_tls.d
$(BUILD)/fuzz/fuzz_client: $(FUZZ_CLIENT_OBJ)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(TLS_LIBS)
