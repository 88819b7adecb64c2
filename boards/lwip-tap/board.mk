# SPDX-License-Identifier: MIT
# boards/lwip-tap: build/lkedoc-lwip, the host CLI on Debian's lwIP over a tap
# device (included from the Makefile).  Core, port/lwip and the CLI of
# boards/posix without its board_posix.c, linked with liblwip.
LWIP_INC   := /usr/include/lwip
LWIP_LIBS  := -llwip
LWIP_CLI   := $(BUILD)/lkedoc-lwip
LWIP_PORT_SRC  := $(LKEDOC_PORT_LWIP_SOURCES)
LWIP_BOARD_SRC := $(sort $(wildcard boards/lwip-tap/*.c))
LWIP_PORT_OBJ  := $(LWIP_PORT_SRC:%.c=$(BUILD)/obj/%.o)
LWIP_BOARD_OBJ := $(LWIP_BOARD_SRC:%.c=$(BUILD)/obj/%.o)
LWIP_CLI_OBJ   := $(filter-out $(BUILD)/obj/boards/posix/board_posix.o,$(CLI_OBJ))

# Debian's lwIP takes its types from the C library (LWIP_SOCKET_EXTERNAL_HEADERS),
# whose ssize_t/SSIZE_MAX need the POSIX feature macros.  Its lwipopts.h is
# the one in $(LWIP_INC), the options the library was built with.
$(LWIP_PORT_OBJ) $(LWIP_BOARD_OBJ): CFLAGS += -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(addprefix -I,$(LKEDOC_PORT_LWIP_INCLUDE_DIRS)) -I$(LWIP_INC)
$(LWIP_BOARD_OBJ): CFLAGS += -Iboards/posix

$(LWIP_CLI): $(CORE_OBJ) $(LWIP_PORT_OBJ) $(LWIP_BOARD_OBJ) $(LWIP_CLI_OBJ) $(MBED_DEP)
	$(CC) $(CFLAGS) -o $@ $(LWIP_CLI_OBJ) $(LWIP_BOARD_OBJ) $(LWIP_PORT_OBJ) $(CORE_OBJ) $(TLS_LIBS) $(LWIP_LIBS)

.PHONY: lwip test-lwip
lwip: $(LWIP_CLI)

# The integration suite through lwIP in its own network namespace (root and
# /dev/net/tun needed; otherwise it says so and skips).
test-lwip: deps
	@$(MAKE) --no-print-directory $(LWIP_CLI)
	@python3 tests/run_tests.py -k test_lwip

-include $(LWIP_PORT_OBJ:.o=.d) $(LWIP_BOARD_OBJ:.o=.d)
