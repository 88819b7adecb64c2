# SPDX-License-Identifier: MIT
# boards/lwip-raw-tap: build/lkedoc-lwip-raw, the host CLI on lwIP's raw API
# without an OS (NO_SYS 1, port/lwip-raw) over a tap device.  Included from
# the Makefile.  lwIP 2.2.1 is compiled from Debian's source package of a
# newer suite (fetched and unpacked into build/src/lwip22 by
# tests/tools/debian_source_newer.sh, never committed) with this board's lwipopts.h and arch/cc.h; core, the
# port and the CLI of boards/posix without its board_posix.c complete it.
RAW_DIR      := $(BUILD)/lwip-raw
RAW_LWIP     := $(SRC_LWIP22)
RAW_CLI      := $(BUILD)/lkedoc-lwip-raw
RAW_LWIP_INC := -Iboards/lwip-raw-tap -I$(RAW_LWIP)/src/include
RAW_LWIP_SRC := $(LKEDOC_LWIP_RAW_LWIP_MODULES)
RAW_PORT_SRC  := $(LKEDOC_PORT_LWIP_RAW_SOURCES)
RAW_BOARD_SRC := $(sort $(wildcard boards/lwip-raw-tap/*.c))
RAW_PORT_OBJ  := $(RAW_PORT_SRC:%.c=$(BUILD)/obj/%.o)
RAW_BOARD_OBJ := $(RAW_BOARD_SRC:%.c=$(BUILD)/obj/%.o)
RAW_LWIP_OBJ  := $(RAW_LWIP_SRC:%=$(RAW_DIR)/obj/%.o)
RAW_CLI_OBJ   := $(filter-out $(BUILD)/obj/boards/posix/board_posix.o,$(CLI_OBJ))


# The port builds as core/ does (C99, no OS headers); the board is the host's.
$(RAW_PORT_OBJ): CFLAGS += $(addprefix -I,$(LKEDOC_PORT_LWIP_RAW_INCLUDE_DIRS)) $(RAW_LWIP_INC)
$(RAW_BOARD_OBJ): CFLAGS += -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(addprefix -I,$(LKEDOC_PORT_LWIP_RAW_INCLUDE_DIRS)) -Iboards/posix $(RAW_LWIP_INC)
$(RAW_PORT_OBJ) $(RAW_BOARD_OBJ): $(RAW_LWIP)/.unpacked

# lwIP's own sources: its code, not ours, so no -Werror (-w); but our
# lwipopts.h and arch/cc.h, hence the header dependencies.
$(RAW_DIR)/obj/%.o: $(RAW_LWIP)/.unpacked
	@mkdir -p $(dir $@)
	$(CC) -std=c99 $(OPT) -w $(RAW_LWIP_INC) -MMD -MP -c $(RAW_LWIP)/src/$*.c -o $@

$(RAW_CLI): $(CORE_OBJ) $(RAW_PORT_OBJ) $(RAW_BOARD_OBJ) $(RAW_LWIP_OBJ) $(RAW_CLI_OBJ) $(MBED_DEP)
	$(CC) $(CFLAGS) -o $@ $(RAW_CLI_OBJ) $(RAW_BOARD_OBJ) $(RAW_PORT_OBJ) $(CORE_OBJ) $(RAW_LWIP_OBJ) $(TLS_LIBS)

.PHONY: lwip-raw
lwip-raw: $(RAW_CLI)

-include $(RAW_PORT_OBJ:.o=.d) $(RAW_BOARD_OBJ:.o=.d) $(RAW_LWIP_OBJ:.o=.d)
