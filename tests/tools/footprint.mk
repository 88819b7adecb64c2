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
            $(addprefix -I,$(LKEDOC_CORE_INCLUDE_DIRS)) -Iboards/mps2-an386 -I$(CROSS_INC) '-DMBEDTLS_CONFIG_FILE="mbedtls_config.h"'

# The port, lwIP, mbedTLS and total lines come from the firmware's link map
# (boards/mps2-an386, `make firmware`), the pool line from the host run of
# the whole job with the board's mbedTLS configuration (`make tls-pool`).
.PHONY: footprint
footprint: deps $(FP_OBJ)
	@$(MAKE) --no-print-directory -s $(FW_ELF) >/dev/null
	@pool=$$($(MAKE) --no-print-directory -s tls-pool | tail -n 1); \
	python3 tests/tools/footprint.py $(FP_DIR) arm-none-eabi-size arm-none-eabi-objdump \
	    --map $(FW_MAP) --elf $(FW_ELF) --pool "$$pool"

$(FP_DIR)/%.o: core/src/%.c $(CROSS_INC)/.stamp
	@mkdir -p $(FP_DIR)
	@$(CROSS_CC) $(FP_FLAGS) -c $< -o $@

-include $(FP_OBJ:.o=.d)
