# SPDX-License-Identifier: MIT
#
# arm-none-eabi.cmake - CMake toolchain file: a Cortex-M4F with the GNU Arm
# Embedded toolchain (Debian's gcc-arm-none-eabi, newlib).
#
#     cmake -S boards/cmake-m4 -B build/cmake-m4 -DCMAKE_TOOLCHAIN_FILE=$PWD/boards/cmake-m4/arm-none-eabi.cmake
#
# The code-generation flags are those of every other Cortex-M4 build of
# lkedoc (boards/mps2-an386/flags.mk: M4_ARCH, -Os, one section per function
# and object); CMakeLists.txt adds -std=c99 and the warnings.
# tests/integration/test_cmake_m4.py checks that the compile lines match.

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
# A bare-metal compiler cannot link a test program without startup code and a
# linker script: CMake's compiler check builds a library instead.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(M4_ARCH "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
set(CMAKE_C_FLAGS_INIT "${M4_ARCH} -Os -ffunction-sections -fdata-sections")
# The architecture at the link too: it picks newlib's hard-float multilib.
set(CMAKE_EXE_LINKER_FLAGS_INIT "${M4_ARCH} -Wl,--gc-sections")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
