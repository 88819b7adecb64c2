# SPDX-License-Identifier: MIT
# boards/mps2-an386: the core unit tests on an emulated Cortex-M4 (QEMU's
# MPS2 AN386, semihosting for stdout and the exit status).  Included from
# the Makefile.  `make test-m4` builds build/m4/unit-m4.elf and runs it; the
# last line is "N passed, M failed".
M4_DIR    := $(BUILD)/m4
M4_ELF    := $(M4_DIR)/unit-m4.elf
M4_MBED   := $(M4_MBEDTLS_DIR)
M4_TESTS  := sign time url request edges http json decode pages
M4_CORE   := sign hash time http json decode pages status text base64 url url_policy request
# M4_ARCH and M4_TARGET_CFLAGS: flags.mk.  The unit programs read the
# texts (test_url's refusal phrases), so this image has them, as the host's
# do; the firmware and the cmake-m4 example keep lkd_config.h's default (off).
M4_CFLAGS := $(M4_TARGET_CFLAGS) -g -MMD -MP -DLKD_ENABLE_TEXTS=1 \
             $(addprefix -I,$(LKEDOC_CORE_INCLUDE_DIRS)) -Iboards/mps2-an386 -Itests/unit -I$(M4_MBED)/include -I$(M4_DIR)/include \
             $(M4_MBEDTLS_CONFIG)
M4_QEMU   := qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
             -semihosting-config enable=on,target=native
M4_TIMEOUT ?= 120

M4_CORE_OBJ := $(M4_CORE:%=$(M4_DIR)/core/lkd_%.o)
M4_TEST_OBJ := $(M4_TESTS:%=$(M4_DIR)/unit/test_%.o)
M4_MBED_OBJ := $(M4_DIR)/mbedtls/sha256.o $(M4_DIR)/mbedtls/platform_util.o
M4_BOARD_OBJ := $(M4_DIR)/board/startup.o $(M4_DIR)/board/main.o

$(M4_DIR)/include/jsmn.h:
	@mkdir -p $(dir $@)
	ln -sfn /usr/include/jsmn.h $@
M4_PRE := $(M4_MBED)/.unpacked $(M4_DIR)/include/jsmn.h

# core/, the board and the unit programs build with -Werror (the programs with
# -Wno-unused-function: unit_shim.h replaces unit_report); mbedTLS with -w.
$(M4_DIR)/core/%.o: core/src/%.c $(M4_PRE) boards/mps2-an386/board.mk
	@mkdir -p $(dir $@)
	arm-none-eabi-gcc $(M4_CFLAGS) -c $< -o $@
$(M4_DIR)/mbedtls/%.o: $(M4_MBED)/.unpacked
	@mkdir -p $(dir $@)
	arm-none-eabi-gcc $(M4_CFLAGS) -w -c $(M4_MBED)/library/$*.c -o $@
$(M4_DIR)/unit/test_%.o: tests/unit/test_%.c $(M4_PRE) boards/mps2-an386/board.mk
	@mkdir -p $(dir $@)
	arm-none-eabi-gcc $(M4_CFLAGS) -Wno-unused-function \
	    -include boards/mps2-an386/unit_shim.h -Dmain=test_$*_main -c $< -o $@
# main.c runs the programs named in M4_TESTS, in that order.
$(M4_DIR)/board/main.o: CPPFLAGS_M4 = '-DM4_TESTS=$(foreach t,$(M4_TESTS),X($(t)))'
$(M4_DIR)/board/%.o: boards/mps2-an386/%.c boards/mps2-an386/board.mk
	@mkdir -p $(dir $@)
	arm-none-eabi-gcc $(M4_CFLAGS) $(CPPFLAGS_M4) -c $< -o $@

$(M4_ELF): $(M4_BOARD_OBJ) $(M4_TEST_OBJ) $(M4_CORE_OBJ) $(M4_MBED_OBJ) boards/mps2-an386/mps2-an386.ld
	arm-none-eabi-gcc $(M4_ARCH) -nostartfiles -T boards/mps2-an386/mps2-an386.ld -Wl,--gc-sections \
	    -o $@ $(M4_BOARD_OBJ) $(M4_TEST_OBJ) $(M4_CORE_OBJ) $(M4_MBED_OBJ) \
	    -Wl,--start-group -lc -lrdimon -lgcc -Wl,--end-group

.PHONY: m4 test-m4
m4: $(M4_ELF)

test-m4: deps
	@$(MAKE) --no-print-directory $(M4_ELF)
	timeout $(M4_TIMEOUT) $(M4_QEMU) -kernel $(M4_ELF)

# ---- The firmware: the whole job on the emulated board ------------------------------
# `make firmware` links build/fw/lkedoc-fw.elf (+ .map): core/, port/lwip-raw/,
# lwIP (NO_SYS, raw API) and mbedTLS compiled from their Debian source packages
# with the board's lwipopts.h and lkd_board_mbedtls_config.h, the LAN9118 driver and the
# application (fw_main.c).  Objects are kept per part (build/fw/core, port, lwip,
# mbedtls, board) so `make footprint` can sum each.  The link fails when any of
# libc's allocator is in the image (fw_nomalloc.sh reads the map and the symbols).
FW_DIR    := $(BUILD)/fw
FW_ELF    := $(FW_DIR)/lkedoc-fw.elf
FW_MAP    := $(FW_DIR)/lkedoc-fw.map
FW_LWIP   := $(SRC_LWIP22)
FW_MBED   := $(M4_MBED)
# The static pool mbedTLS allocates from (MBEDTLS_MEMORY_BUFFER_ALLOC_C),
# sized from the firmware's own high-water mark (tls_pool_peak=) over its
# heaviest jobs (tests/tools/fw_job_peaks.py: the service-shaped RSA chain,
# a 300 kB upload, a 1 MB download cut once and resumed): 38 844 B with
# TLS 1.3, 38 512 B with 1.2 (the sessions kept for other hosts are let go
# before each handshake); 42 KiB leaves 10 % for what those jobs did not
# meet (README "Footprint").
FW_TLS_POOL ?= 43008
# One kept TLS session: with a static pool the client lets the other hosts'
# sessions go before each handshake, so a second slot would never be
# offered (712 B of lkd_client_t each).
FW_LKD_CONFIG := -DLKD_TLS_SESSION_SLOTS=1u
# FW_CFLAGS has the public headers only (the board is an application of the
# library); the core adds its private ones (FW_CORE_INC).
FW_CFLAGS := $(M4_TARGET_CFLAGS) -g -MMD -MP \
             $(addprefix -I,$(LKEDOC_INCLUDE_DIRS) $(LKEDOC_PORT_LWIP_RAW_INCLUDE_DIRS)) -Iboards/mps2-an386 -I$(FW_MBED)/include \
             -I$(FW_LWIP)/src/include -I$(FW_DIR)/include $(M4_MBEDTLS_CONFIG) $(FW_LKD_CONFIG)
FW_CORE_INC := $(addprefix -I,$(filter-out $(LKEDOC_INCLUDE_DIRS),$(LKEDOC_CORE_INCLUDE_DIRS)))
FW_QEMU   := qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none

FW_CORE_SRC  := $(LKEDOC_CORE_SOURCES)
FW_PORT_SRC  := $(LKEDOC_PORT_LWIP_RAW_SOURCES)
FW_BOARD     := fw_startup fw_main fw_io semihost lan9118_netif
FW_LWIP_SRC  := $(LKEDOC_LWIP_RAW_LWIP_MODULES) core/raw
FW_MBED_SRC  := $(LKEDOC_MBEDTLS3_MODULES)

FW_CORE_OBJ  := $(FW_CORE_SRC:core/src/%.c=$(FW_DIR)/core/%.o)
FW_PORT_OBJ  := $(FW_PORT_SRC:port/lwip-raw/%.c=$(FW_DIR)/port/%.o)
FW_BOARD_OBJ := $(FW_BOARD:%=$(FW_DIR)/board/%.o)
FW_LWIP_OBJ  := $(FW_LWIP_SRC:%=$(FW_DIR)/lwip/%.o)
FW_MBED_OBJ  := $(FW_MBED_SRC:%=$(FW_DIR)/mbedtls/%.o)
FW_OBJ       := $(FW_BOARD_OBJ) $(FW_CORE_OBJ) $(FW_PORT_OBJ) $(FW_LWIP_OBJ) $(FW_MBED_OBJ)

$(FW_DIR)/include/jsmn.h:
	@mkdir -p $(dir $@)
	ln -sfn /usr/include/jsmn.h $@
FW_PRE := $(M4_MBED)/.unpacked $(FW_LWIP)/.unpacked $(FW_DIR)/include/jsmn.h

# core/, the port and the board build with -Werror; lwIP and mbedTLS with -w
# (their code, but our lwipopts.h, arch/cc.h and lkd_board_mbedtls_config.h).
# The core rebuilds when board.mk changes: FW_LKD_CONFIG is part of its lkd_config.h.
$(FW_DIR)/core/%.o: core/src/%.c $(FW_PRE) boards/mps2-an386/board.mk
	@mkdir -p $(dir $@)
	arm-none-eabi-gcc $(FW_CORE_INC) $(FW_CFLAGS) -c $< -o $@
$(FW_DIR)/port/%.o: port/lwip-raw/%.c $(FW_PRE)
	@mkdir -p $(dir $@)
	arm-none-eabi-gcc $(FW_CFLAGS) -c $< -o $@
$(FW_DIR)/board/%.o: boards/mps2-an386/%.c $(FW_PRE) boards/mps2-an386/board.mk
	@mkdir -p $(dir $@)
	arm-none-eabi-gcc $(FW_CFLAGS) -DFW_TLS_POOL=$(FW_TLS_POOL) -c $< -o $@
$(FW_DIR)/lwip/%.o: $(FW_PRE)
	@mkdir -p $(dir $@)
	arm-none-eabi-gcc $(FW_CFLAGS) -w -c $(FW_LWIP)/src/$*.c -o $@
$(FW_DIR)/mbedtls/%.o: $(FW_PRE)
	@mkdir -p $(dir $@)
	arm-none-eabi-gcc $(FW_CFLAGS) -w -c $(FW_MBED)/library/$*.c -o $@

# newlib-nano for memcpy/memset/strlen and friends; no startup files, no
# semihosting library (boards/mps2-an386/semihost.c), no syscalls.
$(FW_ELF): $(FW_OBJ) boards/mps2-an386/mps2-an386.ld boards/mps2-an386/fw_nomalloc.sh
	arm-none-eabi-gcc $(M4_ARCH) --specs=nano.specs -nostartfiles -T boards/mps2-an386/mps2-an386.ld \
	    -Wl,--gc-sections -Wl,-Map=$(FW_MAP).tmp -o $@.tmp $(FW_OBJ) -Wl,--start-group -lc -lgcc -Wl,--end-group
	sh boards/mps2-an386/fw_nomalloc.sh $@.tmp $(FW_MAP).tmp
	mv $(FW_MAP).tmp $(FW_MAP)
	mv $@.tmp $@

.PHONY: firmware
firmware: $(FW_ELF)

-include $(M4_CORE_OBJ:.o=.d) $(M4_TEST_OBJ:.o=.d) $(M4_MBED_OBJ:.o=.d) $(M4_BOARD_OBJ:.o=.d)
-include $(FW_OBJ:.o=.d)
