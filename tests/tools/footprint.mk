# SPDX-License-Identifier: MIT
# make footprint: the Cortex-M4 board's figures.  core/ is built with the
# target flags every Cortex-M4 build uses (M4_TARGET_CFLAGS, flags.mk: -Os,
# hard float, as the FreeRTOS libraries publish theirs) and the include and
# mbedTLS-config flags of `make cross`, plus the stack-usage reports; its
# flash, RAM and worst-case stack come from these objects.  Not part of
# `make test`.
FP_DIR   := $(BUILD)/footprint
FP_OBJ   := $(CORE_SRC:core/src/%.c=$(FP_DIR)/%.o)
FP_FLAGS := $(M4_TARGET_CFLAGS) -fstack-usage -fcallgraph-info=su -MMD -MP \
            $(addprefix -I,$(LKEDOC_CORE_INCLUDE_DIRS)) -Iboards/mps2-an386 -I$(M4_MBEDTLS_DIR)/include -I$(CROSS_INC) \
            $(M4_MBEDTLS_CONFIG)
# The core once more with LKD_ENABLE_TEXTS 1 (what the host builds and the M4
# unit image compile), for the core texts=+N line: what the texts cost.
FP_TEXTS_DIR := $(BUILD)/footprint-texts
FP_TEXTS_OBJ := $(CORE_SRC:core/src/%.c=$(FP_TEXTS_DIR)/%.o)
# The firmware once more as a TLS 1.2 client only, for the mbedtls tls=1.2 line.
FP_FW12  := $(BUILD)/fw12

# The port, lwIP, mbedTLS and total lines come from the firmware's link map
# (boards/mps2-an386, `make firmware`), the mbedtls tls=1.2 line from the
# same firmware built with M4_TLS13=0 into $(FP_FW12), the pool line from the
# host run of the whole job with the board's mbedTLS configuration (`make
# tls-pool`), ram job and the fw-job lines from the firmware's own peaks over
# its heaviest jobs on QEMU (tests/tools/fw_job_peaks.py).
.PHONY: footprint
footprint: deps $(FP_OBJ) $(FP_TEXTS_OBJ)
	@$(MAKE) --no-print-directory -s $(FW_ELF) >/dev/null
	@$(MAKE) --no-print-directory -s FW_DIR=$(FP_FW12) M4_TLS13=0 $(FP_FW12)/lkedoc-fw.elf >/dev/null
	@pool=$$($(MAKE) --no-print-directory -s tls-pool | tail -n 1); \
	job=$$(python3 tests/tools/fw_job_peaks.py && \
	       python3 tests/tools/fw_job_peaks.py --elf $(FP_FW12)/lkedoc-fw.elf --tls12-only) || exit 1; \
	python3 tests/tools/footprint.py $(FP_DIR) arm-none-eabi-size arm-none-eabi-objdump \
	    --map $(FW_MAP) --elf $(FW_ELF) --map12 $(FP_FW12)/lkedoc-fw.map --elf12 $(FP_FW12)/lkedoc-fw.elf \
	    --pool "$$pool" --job "$$job" --texts $(FP_TEXTS_DIR)

$(FP_DIR)/%.o: core/src/%.c $(CROSS_INC)/.stamp $(M4_MBEDTLS_DIR)/.unpacked
	@mkdir -p $(FP_DIR)
	@$(CROSS_CC) $(FP_FLAGS) -c $< -o $@

$(FP_TEXTS_DIR)/%.o: core/src/%.c $(CROSS_INC)/.stamp $(M4_MBEDTLS_DIR)/.unpacked
	@mkdir -p $(FP_TEXTS_DIR)
	@$(CROSS_CC) $(FP_FLAGS) -DLKD_ENABLE_TEXTS=1 -c $< -o $@

-include $(FP_OBJ:.o=.d) $(FP_TEXTS_OBJ:.o=.d)
