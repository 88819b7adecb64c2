# SPDX-License-Identifier: MIT
# lkedoc - build, test and demo.  `make help` lists the targets.

CC      ?= cc
# Which mbedTLS the host library, the CLI, the unit programs and the host
# test builds (sanitizers, coverage, fuzzing, bench) build against:
#   3       (the default) 3.6 LTS from Debian's source package, built by
#           tests/tools/mbedtls3.mk into build/mbedtls3 with the project's
#           configuration; the host build is build/
#   system  Debian 12's libmbedtls-dev 2.28, into build/sys
# Each generation has its own build directory, so both can be built side by side.
MBEDTLS ?= 3
ifeq ($(MBEDTLS),3)
BUILD   := build
else ifeq ($(MBEDTLS),system)
BUILD   := build/sys
else
$(error MBEDTLS=$(MBEDTLS): say 3 (3.6 from build/mbedtls3, the default) or system (Debian's 2.28))
endif
CSTD    := -std=c99 -Wall -Wextra -Werror -pedantic
OPT     ?= -O2 -g
include lkedoc.mk
include boards/mps2-an386/flags.mk
# Host builds keep the diagnostics the CLI's --verbose prints, and the
# CRC-64 table that keeps up with a host's TLS (lkd_config.h).
LOG_DEF := -DLKD_ENABLE_LOG=1 -DLKD_ENABLE_TEXTS=1 -DLKD_CRC64_FAST=1
# Two include sets: the core compiles with its private headers (INC, also
# what the unit, fuzz and bench programs that test internals use); the ports,
# the CLI and the boards see only the public headers (APP_INC, plus their
# port's), so that one of them reaching into core/src does not compile.
INC     := $(addprefix -I,$(LKEDOC_CORE_INCLUDE_DIRS) $(LKEDOC_PORT_POSIX_INCLUDE_DIRS)) $(LOG_DEF)
APP_INC := $(addprefix -I,$(LKEDOC_INCLUDE_DIRS)) $(LOG_DEF)
CFLAGS  ?=
CFLAGS  += $(CSTD) $(OPT)
OBJ_INC  = $(APP_INC)
OBJCOPY ?= objcopy
# mbedtls3.mk names targets of its own; `make` alone still means `all`.
.DEFAULT_GOAL := all
include tests/tools/mbedtls3.mk
# TLS_CPPFLAGS: what compiling anything against the chosen mbedTLS takes (3.6's
# headers before the system's 2.28, and its configuration); TLS_LIBS: what
# linking takes; MBED_DEP: what must exist first (3.6's headers and archives,
# unpacked and built on demand, so a fresh clone needs no extra step).
ifeq ($(MBEDTLS),3)
TLS_CPPFLAGS := $(MBED3_CPPFLAGS)
TLS_LIBS := $(MBED3_LIBS)
MBED_DEP := $(MBED3_DIR)/.built
else
TLS_CPPFLAGS :=
TLS_LIBS := -lmbedtls -lmbedx509 -lmbedcrypto
MBED_DEP :=
endif
CFLAGS  += $(TLS_CPPFLAGS)
# POSIX_LIBS: what port/posix links besides the C library: -lanl for
# getaddrinfo_a where it is not in libc (glibc before 2.34), nothing on a
# newer glibc (Debian 12's 2.36) or where there is no getaddrinfo_a at all
# (the port then uses getaddrinfo).  Asked of the compiler once per make.
POSIX_LIBS := $(shell t='int getaddrinfo_a(); int main(void) { return getaddrinfo_a(0, 0, 0, 0); }'; \
                  echo "$$t" | $(CC) -x c -o /dev/null - 2>/dev/null || \
                  { echo "$$t" | $(CC) -x c -o /dev/null - -lanl 2>/dev/null && echo -lanl; })
TLS_LIBS += $(POSIX_LIBS)
# Which generation a build directory's objects were compiled against: every
# object depends on this file, rewritten only when the choice changes, so a
# tree built before a switch (its objects' .d files name headers that still
# exist) is recompiled rather than linked against the other library.
TLS_GEN := $(BUILD)/.tls-generation
# (Written as make reads this file rather than by a rule, so that `make -q`
# still answers whether anything is out of date.)
$(shell mkdir -p $(BUILD) && { echo '$(MBEDTLS)' | cmp -s - $(TLS_GEN) || echo '$(MBEDTLS)' > $(TLS_GEN); })

CORE_SRC := $(LKEDOC_CORE_SOURCES)
PORT_SRC := $(LKEDOC_PORT_POSIX_SOURCES)
CLI_SRC  := $(sort $(wildcard boards/posix/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))

CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
PORT_OBJ := $(PORT_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

LIB := $(BUILD)/liblkedoc.a
LIB_INTERNAL := $(BUILD)/liblkedoc-internal.a
LIB_SYMS := $(BUILD)/liblkedoc.syms
CLI := $(BUILD)/lkedoc
# What an application of the host library includes: the core's public
# headers and the POSIX port's (the archive carries port/posix).
PUBLIC_HEADERS := $(sort $(wildcard $(addsuffix /*.h,$(LKEDOC_INCLUDE_DIRS) $(LKEDOC_PORT_POSIX_INCLUDE_DIRS))))

.PHONY: all deps prove test unit demo cross clean help fuzz fuzz-build sanitize sanitize-build valgrind install
all: $(LIB) $(LIB_INTERNAL) $(CLI)

help:
	@echo "make          build $(LIB) and $(CLI) against mbedTLS $(if $(filter 3,$(MBEDTLS)),3.6 (the default),2.28 (Debian 12's))"
	@echo "              MBEDTLS=3 (default): 3.6.7+ from Debian's source into build/mbedtls3, host build in build/"
	@echo "              MBEDTLS=system: Debian 12's libmbedtls-dev 2.28, host build in build/sys (every target follows)"
	@echo "make mbedtls3 only the mbedTLS 3.6 archives (any target that needs them builds them first)"
	@echo "make deps     install missing Debian packages (idempotent)"
	@echo "make demo     the whole job (parse a scanned page) against the bundled mock service"
	@echo "make test     every test; ends with 'N passed, 0 failed'"
	@echo "make unit     the host unit tests only"
	@echo "make cross    compile core/ for Cortex-M4 with arm-none-eabi-gcc"
	@echo "make install  PREFIX=/usr/local [DESTDIR=]: liblkedoc.a, headers, the CLI, lkedoc.pc, lkedoc.1"
	@echo "              (on 3.6 also its archives in lib/lkedoc/ and headers in include/lkedoc/mbedtls3/)"
	@echo "make test-lwip the integration suite through build/lkedoc-lwip (lwIP on a tap, own netns)"
	@echo "make lwip-raw build/lkedoc-lwip-raw: the CLI on lwIP's raw API, NO_SYS, from Debian's source (port/lwip-raw)"
	@echo "make test-m4  the core unit tests on an emulated Cortex-M4 (QEMU mps2-an386, semihosting)"
	@echo "make firmware build/fw/lkedoc-fw.elf: the whole job on the emulated Cortex-M4 (LAN9118, lwIP raw, no malloc)"
	@echo "make coverage line and branch coverage of core/ over all the tests (gcovr)"
	@echo "make fuzz     libFuzzer targets in tests/fuzz, FUZZ_SECONDS=N each (default 60)"
	@echo "make sanitize the library, CLI and unit programs under ASan/UBSan (build/san), unit + CLI suites"
	@echo "make valgrind the CLI under valgrind memcheck (no errors, no leaks) against the mock"
	@echo "make footprint core/port/lwIP/mbedTLS/total flash and RAM, core stack, heap, TLS pool peak of the Cortex-M4 board"
	@echo "make tls-pool the whole job on the host with the board's mbedTLS config: no malloc, 'tls-pool peak=N'"
	@echo "make alt      the unit programs with MBEDTLS_SHA256_ALT (tests/alt: a counting SHA-256 that can fail)"
	@echo "make bench    lkedoc vs the official Node.js SDK and curl against the mock; writes bench/RESULTS.md"
	@echo "make prove    Frama-C: every parser of untrusted bytes free of runtime errors (EVA), small contracts (WP)"

deps:
	@sh tests/tools/deps.sh

# The proofs (tests/proofs/run.py: one line per harness, "prove NAME: N
# alarms"), on the x86_64 model and on x86_32, the ILP32 model of the
# Cortex-M4.  make test runs a short subset (suite test_proofs).
prove: deps
	@python3 tests/proofs/run.py -m x86_64 -m x86_32

# Every C compile writes its header dependencies (-MMD -MP) beside the object
# and each .mk reads them back (-include); nothing makes a .d (without this,
# make would try to build a missing one from a .o by its built-in rules).
%.d: ;

$(BUILD)/obj/%.o: %.c $(TLS_GEN) | $(MBED_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(OBJ_INC) -MMD -MP -c $< -o $@

# Only the core sees core/src.
$(CORE_OBJ): OBJ_INC = $(INC)
# The POSIX port needs the system's socket and random interfaces.
$(PORT_OBJ): CFLAGS += -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(addprefix -I,$(LKEDOC_PORT_POSIX_INCLUDE_DIRS))
$(CLI_OBJ): CFLAGS += -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(addprefix -I,$(LKEDOC_PORT_POSIX_INCLUDE_DIRS))

# Every lkd_ function the public headers declare, one per line: the
# preprocessed headers (no comments, no macros) searched for a name and "("
# that does not open a function pointer ("lkd_status_t (*connect)(").  Also
# the one mbedTLS callback the core defines, which mbedTLS 3.x's PSA calls
# for its random bytes (core/src/lkd_psa_rng.c; absent under 2.28).
$(LIB_SYMS): $(PUBLIC_HEADERS) lkedoc.mk
	@mkdir -p $(dir $@)
	{ printf '#include "%s"\n' $(notdir $(PUBLIC_HEADERS)) | $(CC) $(CSTD) $(addprefix -I,$(sort $(dir $(PUBLIC_HEADERS)))) -E -P -x c - | \
	    grep -o 'lkd_[A-Za-z0-9_]*[[:space:]]*([^*]' | sed 's/[[:space:]]*(.$$//'; echo mbedtls_psa_external_get_random; } | \
	    sort -u > $@.tmp
	@test -s $@.tmp
	mv $@.tmp $@

# The library an application links exports only those: its objects become one
# (ld -r), whose other global symbols objcopy makes local, so the internals
# (lkd_http_parse, jsmn, ...) neither link into nor collide with the
# application's code.
$(LIB): $(CORE_OBJ) $(PORT_OBJ) $(LIB_SYMS)
	@rm -f $@ $(BUILD)/liblkedoc.o
	$(LD) -r -o $(BUILD)/liblkedoc.o $(CORE_OBJ) $(PORT_OBJ)
	$(OBJCOPY) --keep-global-symbols=$(LIB_SYMS) $(BUILD)/liblkedoc.o
	$(AR) rcs $@ $(BUILD)/liblkedoc.o

# The same objects with every symbol, for the programs that test internals.
$(LIB_INTERNAL): $(CORE_OBJ) $(PORT_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(CLI): $(CLI_OBJ) $(LIB) $(MBED_DEP)
	$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(TLS_LIBS)

# A unit program links the archive with every symbol and the objects its
# target lists besides.
$(BUILD)/tests/%: tests/unit/%.c $(LIB_INTERNAL) $(MBED_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(INC) -D_DEFAULT_SOURCE -MMD -MP -o $@ $< $(filter %.o,$^) $(LIB_INTERNAL) $(TLS_LIBS)
# The template port is in no library: a new board copies it.
TEMPLATE_OBJ := $(LKEDOC_PORT_TEMPLATE_SOURCES:%.c=$(BUILD)/obj/%.o)
$(TEMPLATE_OBJ) $(BUILD)/tests/test_port_template: CFLAGS += $(addprefix -I,$(LKEDOC_PORT_TEMPLATE_INCLUDE_DIRS))
$(BUILD)/tests/test_port_template: $(TEMPLATE_OBJ)

# The bad-link suite's relay between two interfaces: a test tool, in no library.
RELAY := $(BUILD)/tools/frame_relay
$(RELAY): tests/tools/frame_relay.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(OPT) -o $@ $<

unit: $(UNIT_BIN)
	@rc=0; for t in $(UNIT_BIN); do $$t || rc=1; done; exit $$rc

# core/ must build warning-free for a Cortex-M4 (no OS headers, no heap), and
# so must the template port, the starting point of any board's.
CROSS_CC  := arm-none-eabi-gcc
CROSS_INC := $(BUILD)/cross/include
CROSS_OBJ := $(CORE_SRC:core/src/%.c=$(BUILD)/cross/%.o)
CROSS_PORT_OBJ := $(LKEDOC_PORT_TEMPLATE_SOURCES:port/template/%.c=$(BUILD)/cross/port/%.o)
cross: $(CROSS_OBJ) $(CROSS_PORT_OBJ)
$(CROSS_INC)/.stamp:
	@mkdir -p $(CROSS_INC)
	ln -sfn /usr/include/jsmn.h $(CROSS_INC)/jsmn.h
	@touch $@
$(BUILD)/cross/%.o: core/src/%.c $(CROSS_INC)/.stamp $(M4_MBEDTLS_DIR)/.unpacked
	$(CROSS_CC) $(M4_TARGET_CFLAGS) -MMD -MP $(addprefix -I,$(LKEDOC_CORE_INCLUDE_DIRS)) -Iboards/mps2-an386 \
	    -I$(M4_MBEDTLS_DIR)/include -I$(CROSS_INC) $(M4_MBEDTLS_CONFIG) -c $< -o $@
$(BUILD)/cross/port/%.o: port/template/%.c
	@mkdir -p $(dir $@)
	$(CROSS_CC) $(M4_TARGET_CFLAGS) -MMD -MP $(addprefix -I,$(LKEDOC_INCLUDE_DIRS) $(LKEDOC_PORT_TEMPLATE_INCLUDE_DIRS)) \
	    -c $< -o $@

# The unit programs are built here and run by the runner, which adds the
# static checks and the integration suites and prints "N passed, M failed".
# The suites test the default build (build/) and build and test the other
# generation themselves (test_mbed2: build/sys), so there is one make test.
test: deps
	@test "$(MBEDTLS)" = 3 || { echo "make test: runs 2.28 too (suite test_mbed2); say it without MBEDTLS=$(MBEDTLS)" >&2; exit 2; }
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(NOTEXTS_BIN) $(BUILD)/lkedoc-lwip $(BUILD)/lkedoc-lwip-raw $(RELAY)
	@sh tests/sdk/install.sh
	@python3 tests/run_tests.py

# ---- make install PREFIX=... [DESTDIR=...] -------------------------------------
# The host library and what building against it takes: its public headers
# (the core's and the POSIX port's, in include/lkedoc/), lkedoc.pc for
# pkg-config, the CLI and its man page.  The public headers include mbedTLS's
# (the client object holds the TLS contexts), so an application needs the
# very mbedTLS the archive was built with.  Under MBEDTLS=3 that is no
# system package: its three archives go to lib/lkedoc/ and its headers to
# include/lkedoc/mbedtls3/, where the project's configuration is installed as
# 3.6's default mbedtls/mbedtls_config.h (so an application compiles with the
# same options without a quoted -D), and lkedoc.pc names both.  Under
# MBEDTLS=system lkedoc.pc names Debian's -lmbedtls -lmbedx509 -lmbedcrypto.
# 3.6's licence goes with its archives (a product that ships them carries it).
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/lkedoc
# The version the public headers declare (LKD_VERSION_STRING), asked of the
# preprocessor.
LKEDOC_VERSION = $(shell echo LKD_VERSION_STRING | $(CC) -E -P -include lkd_client.h \
                     $(addprefix -I,$(LKEDOC_INCLUDE_DIRS)) - | tail -n 1 | tr -d '" ')

ifeq ($(MBEDTLS),3)
PC_TLS_CFLAGS := -I$${includedir}/lkedoc/mbedtls3
PC_TLS_LIBS   := $(addprefix $${libdir}/lkedoc/,$(notdir $(MBED3_LIBS)))
MBED3_INC_DEST := $(DESTDIR)$(INCLUDEDIR)/lkedoc/mbedtls3
install-tls: $(MBED_DEP)
	install -d $(DESTDIR)$(LIBDIR)/lkedoc $(MBED3_INC_DEST)/mbedtls $(MBED3_INC_DEST)/psa $(DESTDIR)$(DOCDIR)
	install -m 0644 $(MBED3_LIBS) $(DESTDIR)$(LIBDIR)/lkedoc/
	install -m 0644 $(MBED3_SRC)/LICENSE $(DESTDIR)$(DOCDIR)/mbedtls3-LICENSE
	install -m 0644 $(MBED3_SRC)/include/mbedtls/*.h $(MBED3_INC_DEST)/mbedtls/
	install -m 0644 $(MBED3_SRC)/include/psa/*.h $(MBED3_INC_DEST)/psa/
	install -m 0644 $(MBED3_CONFIG) $(MBED3_INC_DEST)/mbedtls/mbedtls_config.h
else
PC_TLS_CFLAGS :=
PC_TLS_LIBS   := $(filter-out $(POSIX_LIBS),$(TLS_LIBS))
install-tls:
endif
.PHONY: install-tls

install: $(LIB) $(CLI) install-tls
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/lkedoc $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(CLI) $(DESTDIR)$(BINDIR)/lkedoc
	install -m 0644 $(LIB) $(DESTDIR)$(LIBDIR)/liblkedoc.a
	install -m 0644 $(PUBLIC_HEADERS) $(DESTDIR)$(INCLUDEDIR)/lkedoc/
	install -m 0644 boards/posix/lkedoc.1 $(DESTDIR)$(MANDIR)/man1/lkedoc.1
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
	    -e 's|@VERSION@|$(LKEDOC_VERSION)|g' -e 's|@CONFIG_CFLAGS@|$(LOG_DEF)|g' \
	    -e 's|@TLS_CFLAGS@|$(PC_TLS_CFLAGS)|g' -e 's|@TLS_LIBS@|$(PC_TLS_LIBS)|g' \
	    -e 's|@POSIX_LIBS@|$(POSIX_LIBS)|g' boards/posix/lkedoc.pc.in \
	    > $(DESTDIR)$(LIBDIR)/pkgconfig/lkedoc.pc

demo: deps
	@$(MAKE) --no-print-directory all
	@python3 tests/tools/demo.py

clean:
	rm -rf $(BUILD)

# Debian's sources of the libraries the boards compile themselves, unpacked
# once into build/src by tests/tools/debian_source.sh (never committed).
# Shared by both generations' build directories.
SRC_LWIP := build/src/lwip
SRC_MBED := build/src/mbedtls
$(SRC_LWIP)/.unpacked:
	@sh tests/tools/debian_source.sh liblwip-dev $(SRC_LWIP)
$(SRC_MBED)/.unpacked:
	@sh tests/tools/debian_source.sh libmbedtls-dev $(SRC_MBED)
# The lwIP the firmware and the lwip-raw-tap board compile: 2.2.1 from a
# newer suite's source package, shared by every build directory.
SRC_LWIP22 := build/src/lwip22
$(SRC_LWIP22)/.unpacked:
	@sh tests/tools/debian_source_newer.sh lwip 2.2.1 2.3 $(SRC_LWIP22)

include boards/lwip-tap/board.mk

include boards/lwip-raw-tap/board.mk

include boards/mps2-an386/board.mk

include tests/tools/coverage.mk

include tests/fuzz/fuzz.mk

include tests/tools/sanitize.mk

include tests/tools/valgrind.mk

include tests/tools/footprint.mk

include tests/pool/pool.mk

include tests/alt/alt.mk
include tests/notexts/notexts.mk

include tests/bench/bench.mk

-include $(CORE_OBJ:.o=.d) $(PORT_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_BIN:=.d) $(CROSS_OBJ:.o=.d) $(CROSS_PORT_OBJ:.o=.d) \
    $(TEMPLATE_OBJ:.o=.d)
