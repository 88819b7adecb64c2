# SPDX-License-Identifier: MIT
# mbedTLS 3.6 (LTS) for the host: Debian's mbedtls source package at 3.6.7 or
# later from a newer suite (never 3.6.6: a 1.2 + 1.3 client aborts against a
# 1.2-only server with an RSA certificate), unpacked into build/src/mbedtls3
# by tests/tools/debian_source_newer.sh, built with the project's
# configuration (boards/posix/lkd_mbedtls3_config.h) into the static
# libraries build/mbedtls3/lib{mbedtls,mbedx509,mbedcrypto}.a.
#
#   make mbedtls3     the libraries (every host build that needs them depends on them:
#                     the default, MBEDTLS=3; MBEDTLS=system is Debian 12's 2.28)
MBED3_SRC    := build/src/mbedtls3
MBED3_DIR    := build/mbedtls3
MBED3_CONFIG := boards/posix/lkd_mbedtls3_config.h
# What compiling anything against it takes: its headers before the system's
# 2.28, and the same configuration the libraries were built with.
MBED3_CPPFLAGS := -I$(MBED3_SRC)/include -Iboards/posix '-DMBEDTLS_CONFIG_FILE="lkd_mbedtls3_config.h"'
MBED3_LIBS   := $(MBED3_DIR)/libmbedtls.a $(MBED3_DIR)/libmbedx509.a $(MBED3_DIR)/libmbedcrypto.a

.PHONY: mbedtls3
mbedtls3: $(MBED3_DIR)/.built

$(MBED3_SRC)/.unpacked:
	@sh tests/tools/debian_source_newer.sh mbedtls 3.6.7 3.7 $(MBED3_SRC) 3.6.6

# The list of sources is known only once unpacked: a nested make builds them.
$(MBED3_DIR)/.built: $(MBED3_SRC)/.unpacked $(MBED3_CONFIG) tests/tools/mbedtls3.mk tests/tools/mbedtls3_lib.mk
	@$(MAKE) --no-print-directory -f tests/tools/mbedtls3_lib.mk CC='$(CC)'
	@touch $@
