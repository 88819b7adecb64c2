# boards/mps2-an386: the core unit tests on an emulated Cortex-M4 (QEMU's
# MPS2 AN386, semihosting for stdout and the exit status).  Included from
# the Makefile.  `make test-m4` builds build/m4/unit-m4.elf and runs it; the
# last line is "N passed, M failed".
M4_DIR    := $(BUILD)/m4
M4_ELF    := $(M4_DIR)/unit-m4.elf
M4_MBED   := $(M4_DIR)/src/mbedtls
M4_TESTS  := sign time url request edges http json decode
M4_CORE   := sign time http json decode status text base64 url request
M4_ARCH   := -mcpu=cortex-m4 -mthumb
M4_CFLAGS := -std=c99 $(M4_ARCH) -Os -g -ffunction-sections -fdata-sections \
             -Icore -Iport -Iboards/mps2-an386 -Itests/unit -I$(M4_MBED)/include -I$(M4_DIR)/include \
             '-DMBEDTLS_CONFIG_FILE="mbedtls_config.h"'
M4_WARN   := -Wall -Wextra -Werror -pedantic
M4_QEMU   := qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
             -semihosting-config enable=on,target=native
M4_TIMEOUT ?= 120

M4_CORE_OBJ := $(M4_CORE:%=$(M4_DIR)/core/lkd_%.o)
M4_TEST_OBJ := $(M4_TESTS:%=$(M4_DIR)/unit/test_%.o)
M4_MBED_OBJ := $(M4_DIR)/mbedtls/sha256.o $(M4_DIR)/mbedtls/platform_util.o
M4_BOARD_OBJ := $(M4_DIR)/board/startup.o $(M4_DIR)/board/main.o

$(M4_MBED)/.unpacked:
	@sh tests/tools/debian_source.sh libmbedtls-dev $(M4_MBED)
$(M4_DIR)/include/jsmn.h:
	@mkdir -p $(dir $@)
	ln -sfn /usr/include/jsmn.h $@
M4_PRE := $(M4_MBED)/.unpacked $(M4_DIR)/include/jsmn.h

# core/, the board and the unit programs build with -Werror (the programs with
# -Wno-unused-function: unit_shim.h replaces unit_report); mbedTLS with -w.
$(M4_DIR)/core/%.o: core/%.c $(M4_PRE)
	@mkdir -p $(dir $@)
	arm-none-eabi-gcc $(M4_CFLAGS) $(M4_WARN) -c $< -o $@
$(M4_DIR)/mbedtls/%.o: $(M4_MBED)/.unpacked
	@mkdir -p $(dir $@)
	arm-none-eabi-gcc $(M4_CFLAGS) -w -c $(M4_MBED)/library/$*.c -o $@
$(M4_DIR)/unit/test_%.o: tests/unit/test_%.c boards/mps2-an386/unit_shim.h $(wildcard tests/unit/*.h) $(M4_PRE)
	@mkdir -p $(dir $@)
	arm-none-eabi-gcc $(M4_CFLAGS) $(M4_WARN) -Wno-unused-function \
	    -include boards/mps2-an386/unit_shim.h -Dmain=test_$*_main -c $< -o $@
# main.c runs the programs named in M4_TESTS, in that order.
$(M4_DIR)/board/main.o: CPPFLAGS_M4 = '-DM4_TESTS=$(foreach t,$(M4_TESTS),X($(t)))'
$(M4_DIR)/board/%.o: boards/mps2-an386/%.c boards/mps2-an386/board.mk
	@mkdir -p $(dir $@)
	arm-none-eabi-gcc $(M4_CFLAGS) $(M4_WARN) $(CPPFLAGS_M4) -c $< -o $@

$(M4_ELF): $(M4_BOARD_OBJ) $(M4_TEST_OBJ) $(M4_CORE_OBJ) $(M4_MBED_OBJ) boards/mps2-an386/mps2-an386.ld
	arm-none-eabi-gcc $(M4_ARCH) -nostartfiles -T boards/mps2-an386/mps2-an386.ld -Wl,--gc-sections \
	    -o $@ $(M4_BOARD_OBJ) $(M4_TEST_OBJ) $(M4_CORE_OBJ) $(M4_MBED_OBJ) \
	    -Wl,--start-group -lc -lrdimon -lgcc -Wl,--end-group

.PHONY: m4 test-m4
m4: $(M4_ELF)

test-m4: deps
	@$(MAKE) --no-print-directory $(M4_ELF)
	timeout $(M4_TIMEOUT) $(M4_QEMU) -kernel $(M4_ELF)
