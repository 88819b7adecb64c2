# SPDX-License-Identifier: MIT
# make coverage: line and branch coverage of core/ over the unit programs and
# the integration suites (CLI <-> mock), with gcc --coverage and gcovr.
COV_DIR   := $(BUILD)/cov
COV_FLAGS := -std=c99 -O0 -g --coverage -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(INC) $(TLS_CPPFLAGS)
COV_LIB_OBJ := $(CORE_SRC:%.c=$(COV_DIR)/obj/%.o) $(PORT_SRC:%.c=$(COV_DIR)/obj/%.o)
COV_CLI_OBJ := $(CLI_SRC:%.c=$(COV_DIR)/obj/%.o)
COV_UNIT    := $(UNIT_SRC:tests/unit/%.c=$(COV_DIR)/tests/%)

$(COV_DIR)/obj/%.o: %.c $(TLS_GEN) | $(MBED_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(COV_FLAGS) -MMD -MP -c $< -o $@

$(COV_DIR)/liblkedoc.a: $(COV_LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(COV_DIR)/lkedoc: $(COV_CLI_OBJ) $(COV_DIR)/liblkedoc.a
	$(CC) --coverage -o $@ $(COV_CLI_OBJ) $(COV_DIR)/liblkedoc.a $(TLS_LIBS)

$(COV_DIR)/tests/%: tests/unit/%.c $(COV_DIR)/liblkedoc.a
	@mkdir -p $(dir $@)
	$(CC) $(COV_FLAGS) -MMD -MP -o $@ $< $(filter %.o,$^) $(COV_DIR)/liblkedoc.a $(TLS_LIBS)
$(COV_DIR)/tests/test_port_template: $(COV_DIR)/obj/port/template/port_template.o
$(COV_DIR)/tests/test_port_template: COV_FLAGS += $(addprefix -I,$(LKEDOC_PORT_TEMPLATE_INCLUDE_DIRS))

-include $(COV_LIB_OBJ:.o=.d) $(COV_CLI_OBJ:.o=.d) $(COV_UNIT:=.d) $(COV_DIR)/obj/port/template/port_template.d

.PHONY: coverage
coverage: deps
	@$(MAKE) --no-print-directory all $(COV_DIR)/lkedoc $(COV_UNIT)
	@find $(COV_DIR) -name '*.gcda' -delete
	@sh tests/sdk/install.sh
	@LKEDOC_UNIT_DIR=$(COV_DIR)/tests LKEDOC_CLI=$(COV_DIR)/lkedoc python3 tests/run_tests.py | tail -1
	@python3 tests/tools/coverage_report.py $(COV_DIR)
