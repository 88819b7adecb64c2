# SPDX-License-Identifier: MIT
# tests/notexts: the core with lkd_config.h's defaults (LKD_ENABLE_TEXTS 0,
# LKD_ENABLE_LOG 0, what a product ships) and tests/notexts/test_notexts.c
# against it, into $(BUILD)/notexts; the program is $(BUILD)/tests/test_notexts,
# so that the runner's unit stage (make test) runs it beside the others.
# Included from the Makefile.
NOTEXTS_DIR  := $(BUILD)/notexts
NOTEXTS_INC  := $(addprefix -I,$(LKEDOC_CORE_INCLUDE_DIRS)) -Itests/unit
NOTEXTS_OBJ  := $(CORE_SRC:core/src/%.c=$(NOTEXTS_DIR)/%.o)
NOTEXTS_BIN  := $(BUILD)/tests/test_notexts

$(NOTEXTS_DIR)/%.o: core/src/%.c $(TLS_GEN) $(MBED_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(NOTEXTS_INC) -MMD -MP -c $< -o $@
$(NOTEXTS_BIN): tests/notexts/test_notexts.c $(NOTEXTS_OBJ) $(MBED_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(NOTEXTS_INC) -D_DEFAULT_SOURCE -MMD -MP -o $@ $< $(NOTEXTS_OBJ) $(TLS_LIBS)

-include $(NOTEXTS_OBJ:.o=.d) $(NOTEXTS_BIN).d
