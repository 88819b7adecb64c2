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
M4_ARCH          := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
M4_TARGET_CFLAGS := -std=c99 $(M4_ARCH) -Os -ffunction-sections -fdata-sections -Wall -Wextra -Werror -pedantic
