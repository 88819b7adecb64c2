# SPDX-License-Identifier: MIT
"""The CMake example firmware (boards/cmake-m4): core and port/lwip-raw with
lwIP and mbedTLS for a Cortex-M4, configured and built by cmake from
lkedocFilePaths.cmake alone, with -Werror on lkedoc's code; an ARM hard-float
ELF that links lkd_client_init; compiled with the same target flags as every
make build for the Cortex-M4 (M4_TARGET_CFLAGS)."""
import json
import os
import shutil
import subprocess

from buildinfo import ROOT, codegen, flags, make_vars, warnings

SRC = os.path.join(ROOT, "boards", "cmake-m4")
OUT = os.path.join(ROOT, "build", "cmake-m4")
ELF = os.path.join(OUT, "lkedoc-cmake-m4.elf")


def setup_suite():
    # Debian's lwIP 2.2.1 and mbedTLS 3.6 sources, unpacked once into build/src.
    v = make_vars(["SRC_LWIP22", "M4_MBEDTLS_DIR"])
    marks = [v["SRC_LWIP22"][0] + "/.unpacked", v["M4_MBEDTLS_DIR"][0] + "/.unpacked"]
    proc = subprocess.run(["make", "-s", *marks], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    shutil.rmtree(OUT, ignore_errors=True)
    conf = subprocess.run(["cmake", "-S", SRC, "-B", OUT, "-DCMAKE_TOOLCHAIN_FILE=" + os.path.join(SRC, "arm-none-eabi.cmake"),
                           "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"], cwd=ROOT, capture_output=True, text=True)
    build = None
    if conf.returncode == 0:
        build = subprocess.run(["cmake", "--build", OUT, "-j2"], cwd=ROOT, capture_output=True, text=True)
    return conf, build


def test_cmake_configures_and_builds_the_firmware(ctx):
    conf, build = ctx
    assert conf.returncode == 0, conf.stdout + conf.stderr
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr
    assert "warning" not in build.stdout + build.stderr, build.stdout[-4000:] + build.stderr


def test_the_elf_is_a_hard_float_cortex_m4_image_with_the_client(ctx):
    assert os.path.isfile(ELF), f"no {ELF}"
    head = subprocess.run(["arm-none-eabi-readelf", "-h", "-A", ELF], capture_output=True, text=True,
                          check=True).stdout
    assert "Machine:                           ARM" in head and "Tag_CPU_arch: v7E-M" in head, head
    assert "Tag_ABI_VFP_args: VFP registers" in head, head
    syms = subprocess.run(["arm-none-eabi-nm", ELF], capture_output=True, text=True, check=True).stdout
    defined = {line.split()[-1] for line in syms.splitlines() if len(line.split()) == 3 and line.split()[1] in "Tt"}
    # lkd_client_init is a macro over lkd_client_init_checked (it hands over the configuration).
    for name in ("lkd_client_init_checked", "lkd_port_lwip_raw_init", "lwip_init", "mbedtls_ssl_setup", "main"):
        assert name in defined, f"{name} is not in the image"


def test_it_compiles_with_the_make_builds_target_flags(ctx):
    with open(os.path.join(OUT, "compile_commands.json"), encoding="utf-8") as f:
        entries = json.load(f)
    target = make_vars(["M4_TARGET_CFLAGS"])["M4_TARGET_CFLAGS"]
    ours = (os.path.join(ROOT, "core") + os.sep, os.path.join(ROOT, "port") + os.sep, SRC + os.sep)
    counted = 0
    for e in entries:
        fl = flags(e["command"].split())
        assert sorted(codegen(fl)) == sorted(codegen(target)), f"{e['file']}: {codegen(fl)}"
        if e["file"].startswith(ours):
            counted += 1
            assert sorted(warnings(fl)) == sorted(warnings(target)), f"{e['file']}: {warnings(fl)}"
        else:
            assert warnings(fl) == ["-w"], f"{e['file']} (third-party): {warnings(fl)}"
    assert counted > 10, counted
