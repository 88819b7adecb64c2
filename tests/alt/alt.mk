# SPDX-License-Identifier: MIT
# tests/alt: the crypto seam with a replaced SHA-256.  mbedTLS from Debian's
# source package (build/src/mbedtls) with its default configuration plus
# MBEDTLS_SHA256_ALT (tests/alt/alt_user_config.h), whose context and
# functions are tests/alt/sha256_alt.c's own counting software SHA-256;
# core/, port/posix and the unit programs sign, time, request, call and job,
# and tests/alt/test_alt.c (counters, vectors, a failure at every step of a
# signature) and test_alt_job.c (at every step of the streamed payload hash),
# all built against it into build/alt.
#   make alt-build   the programs: build/alt/test_{sign,time,request,call,job,alt,alt_job}
#   make alt         run them (each prints "name: N passed, M failed" and,
#                    at exit, "sha256-alt: calls=N ...")
# Included from the Makefile.  Suite: tests/integration/test_alt.py.
ALT_DIR   := $(BUILD)/alt
ALT_MBED  := $(SRC_MBED)
ALT_UNITS := sign time request call job
ALT_BINS  := $(ALT_UNITS:%=$(ALT_DIR)/test_%) $(ALT_DIR)/test_alt $(ALT_DIR)/test_alt_job
ALT_CFG   := tests/alt/alt_user_config.h tests/alt/sha256_alt.h
ALT_FLAGS := $(CSTD) $(OPT) -Itests/alt -I$(ALT_MBED)/include '-DMBEDTLS_USER_CONFIG_FILE="alt_user_config.h"'

ALT_MBED_SRC  = $(sort $(wildcard $(ALT_MBED)/library/*.c))
ALT_MBED_OBJ  = $(ALT_MBED_SRC:$(ALT_MBED)/library/%.c=$(ALT_DIR)/mbedtls/%.o)
ALT_CORE_OBJ := $(CORE_SRC:core/src/%.c=$(ALT_DIR)/core/%.o)
ALT_PORT_OBJ := $(PORT_SRC:port/posix/%.c=$(ALT_DIR)/port/%.o)
ALT_SHA_OBJ  := $(ALT_DIR)/sha256_alt.o
ALT_LINK      = $(ALT_CORE_OBJ) $(ALT_PORT_OBJ) $(ALT_SHA_OBJ) $(ALT_MBED_OBJ)

$(ALT_DIR)/core/%.o: core/src/%.c $(ALT_MBED)/.unpacked $(ALT_CFG)
	@mkdir -p $(dir $@)
	$(CC) $(ALT_FLAGS) $(INC) -MMD -MP -c $< -o $@
$(ALT_DIR)/port/%.o: port/posix/%.c $(ALT_MBED)/.unpacked $(ALT_CFG)
	@mkdir -p $(dir $@)
	$(CC) $(ALT_FLAGS) $(INC) -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -MMD -MP -c $< -o $@
$(ALT_DIR)/mbedtls/%.o: $(ALT_MBED)/.unpacked $(ALT_CFG)
	@mkdir -p $(dir $@)
	$(CC) $(ALT_FLAGS) -w -c $(ALT_MBED)/library/$*.c -o $@
$(ALT_SHA_OBJ): tests/alt/sha256_alt.c $(ALT_MBED)/.unpacked $(ALT_CFG)
	@mkdir -p $(dir $@)
	$(CC) $(ALT_FLAGS) -MMD -MP -c $< -o $@
$(ALT_DIR)/test_alt $(ALT_DIR)/test_alt_job: $(ALT_DIR)/%: tests/alt/%.c $(ALT_LINK)
	$(CC) $(ALT_FLAGS) $(INC) -Itests/unit -D_DEFAULT_SOURCE -MMD -MP -o $@ $< $(ALT_LINK)
$(ALT_DIR)/test_%: tests/unit/test_%.c $(ALT_LINK)
	$(CC) $(ALT_FLAGS) $(INC) -D_DEFAULT_SOURCE -MMD -MP -o $@ $< $(ALT_LINK)

# ALT_MBED_SRC lists the unpacked source: a make that starts before the
# unpacking saw none, so the programs are built by a second make after it.
.PHONY: alt alt-build alt-programs
alt-build: $(ALT_MBED)/.unpacked
	@$(MAKE) --no-print-directory alt-programs
alt-programs: $(ALT_BINS)

alt: alt-build
	@rc=0; for t in $(ALT_BINS); do $$t || rc=1; done; exit $$rc

-include $(ALT_CORE_OBJ:.o=.d) $(ALT_PORT_OBJ:.o=.d) $(ALT_SHA_OBJ:.o=.d) $(ALT_BINS:=.d)
