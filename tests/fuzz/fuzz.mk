# SPDX-License-Identifier: MIT
# Fuzz targets (tests/fuzz/fuzz_*.c) for libFuzzer: clang with
# -fsanitize=fuzzer,address,undefined, core/ compiled in with the same
# sanitizers and no recovery, so any report is a crash.
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
FUZZ_CFLAGS  := -std=c99 -Wall -Wextra -Werror -pedantic -g -O1 $(INC) $(FUZZ_SAN)
FUZZ_ALL     := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_BIN     := $(FUZZ_ALL:%=$(BUILD)/fuzz/fuzz_%)

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_check.h $(FUZZ_CORE_OBJ)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_CORE_OBJ) $(TLS_LIBS)

# The CLI's credentials parser is host code (boards/posix), built with its POSIX feature macros.
$(BUILD)/fuzz/fuzz_credentials: tests/fuzz/fuzz_credentials.c tests/fuzz/fuzz_check.h boards/posix/credentials.c \
                                boards/posix/credentials.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Iboards/posix -fsanitize=fuzzer \
	    -o $@ $< boards/posix/credentials.c

# Kept: make would delete them as intermediates of the pattern rule.
.SECONDARY: $(FUZZ_CORE_OBJ)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	@python3 tests/fuzz/run_fuzz.py --seconds $(FUZZ_SECONDS) $(FUZZ_TARGETS)

-include $(FUZZ_CORE_OBJ:.o=.d)

# fuzz_client: the client above TLS.  Every core object but lkd_tls.o, and the
# scripted stand-in tests/fuzz/stub_tls.c in its place (named so that the
# fuzz_*.c wildcard does not take it for a target).
# FUZZ_CLIENT_DEFS: -D overrides of the target's checks (all on by default).
FUZZ_CLIENT_DEFS ?=
FUZZ_CLIENT_OBJ := $(filter-out $(BUILD)/fuzz/obj/core/src/lkd_tls.o,$(FUZZ_CORE_OBJ))
$(BUILD)/fuzz/fuzz_client: tests/fuzz/fuzz_client.c tests/fuzz/stub_tls.c tests/fuzz/stub_tls.h tests/fuzz/fuzz_check.h \
                           $(FUZZ_CLIENT_OBJ)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_CLIENT_DEFS) -fsanitize=fuzzer -o $@ tests/fuzz/fuzz_client.c tests/fuzz/stub_tls.c \
	    $(FUZZ_CLIENT_OBJ) $(TLS_LIBS)
