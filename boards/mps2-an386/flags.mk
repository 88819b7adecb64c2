# SPDX-License-Identifier: MIT
# The Cortex-M4 flags every target build of lkedoc uses, in one place: `make
# cross` (Makefile), the unit-test image and the firmware (board.mk), `make
# footprint` (tests/tools/footprint.mk); tests/integration/test_build_files.py
# checks each compile line.  The CMake example (boards/cmake-m4) states the
# same flags in its toolchain file; test_cmake_m4.py compares its compile
# lines with M4_TARGET_CFLAGS.
#
# M4_ARCH           code generation: Cortex-M4F, Thumb-2, hard-float ABI (the
#                   FPU must be enabled before main: startup.c, fw_startup.c);
#                   the link uses it too, to pick newlib's matching multilib
# M4_TARGET_CFLAGS  M4_ARCH, C99, size-optimised, one section per function and
#                   object (the link drops what is unused), and the warnings
#                   lkedoc's own code must pass; third-party code adds -w
# M4_MBEDTLS_DIR    the mbedTLS 3.6 source the target builds compile and
#                   include (Debian's source package, unpacked by
#                   tests/tools/mbedtls3.mk's rule)
# M4_MBEDTLS_CONFIG the board's mbedTLS 3.6 configuration
#                   (lkd_board_mbedtls_config.h, found through
#                   -Iboards/mps2-an386); M4_TLS13=0 builds it as a TLS 1.2
#                   client only (the footprint's second figure)
M4_ARCH          := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
M4_TARGET_CFLAGS := -std=c99 $(M4_ARCH) -Os -ffunction-sections -fdata-sections -Wall -Wextra -Werror -pedantic
M4_MBEDTLS_DIR    := build/src/mbedtls3
M4_TLS13          ?= 1
M4_MBEDTLS_CONFIG := '-DMBEDTLS_CONFIG_FILE="lkd_board_mbedtls_config.h"' -DLKD_BOARD_TLS13=$(M4_TLS13)
