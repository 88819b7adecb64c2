# SPDX-License-Identifier: MIT
# tests/pool: the whole job with no system allocator, on the host.
# core/ and port/posix against a host build of mbedTLS 3.6 from Debian's source
# package with the board's configuration (boards/mps2-an386/lkd_board_mbedtls_config.h,
# through tests/pool/pool_mbedtls_config.h which adds MBEDTLS_MEMORY_DEBUG for
# the pool's high-water mark), linked with tests/pool/nomalloc_job.c, which
# interposes malloc and friends and counts the calls made during the job.
#   make tls-pool        one line "tls-pool peak=N" (the pool's high-water mark
#                        over create, wait and a 1 MB download, against the mock)
#   make tls-pool-build  just build/pool/nomalloc_job
# Included from the Makefile.  Suite: tests/integration/test_nomalloc.py.
POOL_DIR   := $(BUILD)/pool
POOL_MBED  := $(M4_MBEDTLS_DIR)
POOL_BIN   := $(POOL_DIR)/nomalloc_job
# The pool the driver uses unless --pool says otherwise (bytes); the static
# array holds up to POOL_MAX.  See README "Zero heap with TLS (host check)".
TLS_POOL_SIZE ?= 49152
POOL_MAX   := 262144
POOL_CFG   := boards/mps2-an386/lkd_board_mbedtls_config.h tests/pool/pool_mbedtls_config.h
# With the texts (LKD_ENABLE_TEXTS 1): its suites read the driver's messages;
# they take no pool memory, so the high-water mark is the board's.
POOL_FLAGS := -std=c99 -O2 -g -ffunction-sections -fdata-sections -DLKD_ENABLE_TEXTS=1 \
              $(addprefix -I,$(LKEDOC_CORE_INCLUDE_DIRS) $(LKEDOC_PORT_POSIX_INCLUDE_DIRS)) -Itests/pool -Iboards/mps2-an386 -I$(POOL_MBED)/include \
              '-DMBEDTLS_CONFIG_FILE="pool_mbedtls_config.h"'
POOL_WARN  := -Wall -Wextra -Werror -pedantic
POOL_POSIX := -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L
# What the board links of mbedTLS (the TLS 1.2 + 1.3 client of its configuration).
POOL_MBED_SRC := $(LKEDOC_MBEDTLS3_MODULES)

POOL_CORE_OBJ := $(CORE_SRC:core/src/%.c=$(POOL_DIR)/core/%.o)
POOL_PORT_OBJ := $(PORT_SRC:port/posix/%.c=$(POOL_DIR)/port/%.o)
POOL_MBED_OBJ := $(POOL_MBED_SRC:%=$(POOL_DIR)/mbedtls/%.o)
POOL_MAIN_OBJ := $(POOL_DIR)/nomalloc_job.o


# core/ and the port with -Werror and the board's (log-less) core settings,
# rebuilt when this file's flags change; mbedTLS with -w as the board builds it.
$(POOL_DIR)/core/%.o: core/src/%.c $(POOL_MBED)/.unpacked $(POOL_CFG) tests/pool/pool.mk
	@mkdir -p $(dir $@)
	$(CC) $(POOL_FLAGS) $(POOL_WARN) -MMD -MP -c $< -o $@
$(POOL_DIR)/port/%.o: port/posix/%.c $(POOL_MBED)/.unpacked $(POOL_CFG)
	@mkdir -p $(dir $@)
	$(CC) $(POOL_FLAGS) $(POOL_WARN) $(POOL_POSIX) -MMD -MP -c $< -o $@
$(POOL_DIR)/mbedtls/%.o: $(POOL_MBED)/.unpacked $(POOL_CFG)
	@mkdir -p $(dir $@)
	$(CC) $(POOL_FLAGS) -w -MMD -MP -c $(POOL_MBED)/library/$*.c -o $@
# The interposer must stay a real malloc/free: no builtin folding.
$(POOL_MAIN_OBJ): tests/pool/nomalloc_job.c $(POOL_MBED)/.unpacked $(POOL_CFG) tests/pool/pool.mk
	@mkdir -p $(dir $@)
	$(CC) $(POOL_FLAGS) $(POOL_WARN) $(POOL_POSIX) -fno-builtin -DPOOL_DEFAULT=$(TLS_POOL_SIZE)u \
	    -DPOOL_MAX=$(POOL_MAX)u -MMD -MP -c $< -o $@

# Only the C library: no system mbedTLS (it would bring calloc back).  The
# driver counts what the pool refuses through --wrap=mbedtls_calloc.
$(POOL_BIN): $(POOL_MAIN_OBJ) $(POOL_CORE_OBJ) $(POOL_PORT_OBJ) $(POOL_MBED_OBJ)
	$(CC) -Wl,--gc-sections -Wl,--wrap=mbedtls_calloc -o $@ $^

.PHONY: tls-pool tls-pool-build
tls-pool-build: $(POOL_BIN)

tls-pool: $(POOL_BIN)
	@python3 tests/pool/tls_pool.py $(POOL_BIN)

-include $(POOL_CORE_OBJ:.o=.d) $(POOL_PORT_OBJ:.o=.d) $(POOL_MBED_OBJ:.o=.d) $(POOL_MAIN_OBJ:.o=.d)
