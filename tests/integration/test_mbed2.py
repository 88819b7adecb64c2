# SPDX-License-Identifier: MIT
"""The other TLS generation: the library, the CLI and the unit programs
built against Debian 12's mbedTLS 2.28 (make MBEDTLS=system: build/sys,
linking the system's libmbedtls), then the unit programs and the CLI suites
test_cli, test_job and test_interop run against that build (nested runs of the test
runner with --build-dir build/sys and LKEDOC_CLI=build/sys/lkedoc).  The
rest of make test runs on the default build, mbedTLS 3.6 in build/.

Every test of those suites runs on both generations."""
import os
import re
import subprocess

import nested_run
from buildinfo import make_vars

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SYS = os.path.join(ROOT, "build", "sys")


def nested(args, timeout=900):
    return nested_run.nested(SYS, args, timeout)


def test_build_against_mbedtls_228():
    # The default is 3.6 in build/; MBEDTLS=system is Debian's 2.28 in build/sys.
    v = make_vars(["BUILD", "TLS_LIBS"])
    assert v["BUILD"] == ["build"] and any("mbedtls3" in w for w in v["TLS_LIBS"]), v
    v = make_vars(["BUILD", "TLS_LIBS", "TLS_CPPFLAGS"], args=["MBEDTLS=system"])
    assert v == {"BUILD": ["build/sys"], "TLS_LIBS": ["-lmbedtls", "-lmbedx509", "-lmbedcrypto"],
                 "TLS_CPPFLAGS": []}, v
    units = sorted(f[:-2] for f in os.listdir(os.path.join(ROOT, "tests", "unit"))
                   if f.startswith("test_") and f.endswith(".c"))
    proc = subprocess.run(["make", "-s", "-j2", "MBEDTLS=system", "all"] + [f"build/sys/tests/{u}" for u in units],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # The CLI links Debian's shared 2.28 and carries no mbedTLS of its own
    # (the default build defines psa_crypto_init and the rest inside it).
    cli = os.path.join(SYS, "lkedoc")
    needed = subprocess.run(["readelf", "-d", cli], capture_output=True, text=True).stdout
    for lib in ("libmbedtls", "libmbedx509", "libmbedcrypto"):
        assert re.search(rf"NEEDED.*\[{lib}\.so\.\d+\]", needed), (lib, needed)
    syms = subprocess.run(["nm", cli], capture_output=True, text=True).stdout
    assert re.search(r" U mbedtls_ssl_handshake$", syms, re.M), "sanity: the CLI calls mbedTLS"
    assert not re.search(r" [TtDdBbRr] (mbedtls|psa)_\w+$", syms, re.M), "an mbedTLS linked into the 2.28 CLI"
    with open("/usr/include/mbedtls/version.h", encoding="utf-8") as f:
        assert re.search(r'#define MBEDTLS_VERSION_STRING\s+"2\.28\.', f.read())


def test_unit_programs_against_mbedtls_228():
    nested_run.every_unit_program_passes(SYS, nested)


def run_whole_suite(suite):
    with open(os.path.join(ROOT, "tests", "integration", suite + ".py"), encoding="utf-8") as f:
        names = re.findall(r"^def (test_\w+)\(", f.read(), re.M)
    assert names, suite
    passed, out = nested(["--no-unit", "--suite", suite])
    ran = re.findall(rf"^ok   {suite}/(\w+)", out, re.M)
    assert sorted(ran) == sorted(names), out[-4000:]


def test_cli_against_mbedtls_228():
    run_whole_suite("test_cli")


def test_job_against_mbedtls_228():
    run_whole_suite("test_job")


def test_interop_against_mbedtls_228():
    run_whole_suite("test_interop")
