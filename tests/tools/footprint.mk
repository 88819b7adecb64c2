# SPDX-License-Identifier: MIT
# make footprint: the Cortex-M4 board's figures (issue 6).  core/ is built the
# way the FreeRTOS libraries publish theirs (-Os, hard float) with the include
# and mbedTLS-config flags of `make cross`; its flash, RAM and worst-case stack
# come from these objects.  Not part of `make test`.
FP_DIR   := $(BUILD)/footprint
FP_OBJ   := $(CORE_SRC:core/src/%.c=$(FP_DIR)/%.o)
FP_FLAGS := -std=gnu99 -DNDEBUG -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Os \
            -ffunction-sections -fdata-sections -fstack-usage -fcallgraph-info=su \
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

$(FP_DIR)/%.o: core/src/%.c $(CROSS_INC)/.stamp $(wildcard core/include/*.h core/src/*.h)
	@mkdir -p $(FP_DIR)
	@$(CROSS_CC) $(FP_FLAGS) -c $< -o $@
