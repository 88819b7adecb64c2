# SPDX-License-Identifier: MIT
# make sanitize: the library, the CLI and the unit programs built with
# AddressSanitizer + UndefinedBehaviorSanitizer (no recovery: the first report
# ends the process) into build/san/, then the unit programs and the CLI-driven
# integration suites run against them (LKEDOC_CLI=build/san/lkedoc).
# The programs carry their sanitizer options (tests/tools/san_options.c:
# abort on every report, leaks on, faketime's LD_PRELOAD allowed before the
# ASan runtime), since the suites run the CLI with a clean environment; and
# the runner's --sanitizer-reports fails any test whose programs printed a
# report on their stderr, even a test that expects a failure exit.  mbedTLS
# (the build's generation: 3.6's archives as the host build links them, or
# Debian's 2.28) is not instrumented, but LeakSanitizer still sees its
# allocations: every one must be freed by lkd_client_free.
#
#   make sanitize-build      build only
#   make sanitize            build and run (SAN_SUITES="test_cli test_job ..." to choose)
SAN_DIR    := $(BUILD)/san
SAN_FLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_CFLAGS := $(CSTD) -O1 -g $(INC) $(TLS_CPPFLAGS) $(SAN_FLAGS)
SAN_LIB_OBJ := $(CORE_SRC:%.c=$(SAN_DIR)/obj/%.o) $(PORT_SRC:%.c=$(SAN_DIR)/obj/%.o)
SAN_CLI_OBJ := $(CLI_SRC:%.c=$(SAN_DIR)/obj/%.o)
SAN_UNIT    := $(UNIT_SRC:tests/unit/%.c=$(SAN_DIR)/tests/%)
SAN_SUITES  ?= test_cli test_job test_hostile
SAN_OPTS_OBJ := $(SAN_DIR)/obj/san_options.o

$(SAN_DIR)/obj/%.o: %.c $(TLS_GEN) | $(MBED_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -MMD -MP -c $< -o $@

$(SAN_DIR)/obj/port/%.o: port/%.c $(TLS_GEN) | $(MBED_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -MMD -MP -c $< -o $@
$(SAN_DIR)/obj/boards/%.o: boards/%.c $(TLS_GEN) | $(MBED_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -MMD -MP -c $< -o $@

$(SAN_DIR)/liblkedoc.a: $(SAN_LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(SAN_OPTS_OBJ): tests/tools/san_options.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) -O1 -g -MMD -MP -c $< -o $@

$(SAN_DIR)/lkedoc: $(SAN_CLI_OBJ) $(SAN_OPTS_OBJ) $(SAN_DIR)/liblkedoc.a
	$(CC) $(SAN_FLAGS) -o $@ $(SAN_CLI_OBJ) $(SAN_OPTS_OBJ) $(SAN_DIR)/liblkedoc.a $(TLS_LIBS)

$(SAN_DIR)/tests/%: tests/unit/%.c $(SAN_OPTS_OBJ) $(SAN_DIR)/liblkedoc.a
	@mkdir -p $(dir $@)
	$(CC) $(SAN_CFLAGS) -D_DEFAULT_SOURCE -MMD -MP -o $@ $< $(filter %.o,$^) $(SAN_DIR)/liblkedoc.a $(TLS_LIBS)
$(SAN_DIR)/tests/test_port_template: $(SAN_DIR)/obj/port/template/port_template.o
$(SAN_DIR)/tests/test_port_template: SAN_CFLAGS += $(addprefix -I,$(LKEDOC_PORT_TEMPLATE_INCLUDE_DIRS))

.SECONDARY: $(SAN_LIB_OBJ) $(SAN_CLI_OBJ) $(SAN_OPTS_OBJ)

sanitize-build: $(SAN_DIR)/lkedoc $(SAN_UNIT)

sanitize: deps
	@$(MAKE) --no-print-directory sanitize-build
	@sh tests/sdk/install.sh
	@LKEDOC_CLI=$(abspath $(SAN_DIR))/lkedoc python3 tests/run_tests.py --sanitizer-reports \
	    --build-dir $(SAN_DIR) $(addprefix --suite ,$(SAN_SUITES))

-include $(SAN_LIB_OBJ:.o=.d) $(SAN_CLI_OBJ:.o=.d) $(SAN_OPTS_OBJ:.o=.d) $(SAN_UNIT:=.d) \
    $(SAN_DIR)/obj/port/template/port_template.d
