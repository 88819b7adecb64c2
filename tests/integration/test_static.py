# SPDX-License-Identifier: MIT
"""Checks on the built library itself: zero heap, portable core."""
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIB = os.path.join(ROOT, "build", "liblkedoc.a")
ALLOCATORS = {"malloc", "calloc", "realloc", "free", "aligned_alloc", "posix_memalign", "memalign",
              "valloc", "pvalloc", "strdup", "strndup", "reallocarray"}
# Every file of core/, as "include/NAME" or "src/NAME".
CORE_FILES = [os.path.join(d, f) for d in ("include", "src") for f in os.listdir(os.path.join(ROOT, "core", d))]


def undefined_symbols(archive):
    out = subprocess.run(["nm", "-u", archive], capture_output=True, text=True, check=True).stdout
    return {line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip() and not line.endswith(":")}


def test_library_references_no_allocator():
    syms = undefined_symbols(LIB)
    assert syms, "nm found no undefined symbols at all: wrong archive?"
    assert "mbedtls_ssl_handshake" in syms, "sanity: the library must reference mbedTLS"
    used = sorted(syms & ALLOCATORS)
    assert not used, f"liblkedoc.a references the allocator: {used}"


def test_core_has_no_os_headers():
    bad = []
    for name in sorted(CORE_FILES):
        with open(os.path.join(ROOT, "core", name), encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                m = re.match(r'\s*#\s*include\s*<([^>]+)>', line)
                if m and not (m.group(1) in {"stddef.h", "stdint.h", "string.h", "limits.h", "jsmn.h"}
                              or m.group(1).startswith("mbedtls/")
                              or m.group(1).startswith("psa/")):  # mbedTLS 3.x's PSA API
                    bad.append(f"core/{name}:{n}: {m.group(1)}")
    assert not bad, "core/ includes headers beyond C99 freestanding + deps: " + ", ".join(bad)


def test_core_cross_compiles_for_cortex_m4():
    proc = subprocess.run(["make", "-s", "-B", "cross"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    objs = [f for f in os.listdir(os.path.join(ROOT, "build", "cross")) if f.endswith(".o")]
    srcs = [f for f in CORE_FILES if f.endswith(".c")]
    assert len(objs) == len(srcs), (objs, srcs)
    assert "warning" not in proc.stderr, proc.stderr
    head = subprocess.run(["arm-none-eabi-readelf", "-h", os.path.join(ROOT, "build", "cross", objs[0])],
                          capture_output=True, text=True, check=True).stdout
    assert "ARM" in head, head
