# SPDX-License-Identifier: MIT
"""The second TLS generation: the library, the CLI and the unit programs
built against mbedTLS 3.6 (make MBEDTLS=3: build/mbed3, linking
build/mbedtls3, Debian's mbedtls source at 3.6.7+ built with
boards/posix/lkd_mbedtls3_config.h), then the unit programs and the CLI
suites test_cli, test_job and test_interop run against that build (nested
runs of the test runner with --build-dir build/mbed3 and
LKEDOC_CLI=build/mbed3/lkedoc).

The CLI negotiates TLS 1.3 with the mock under 3.6.  What 1.3 does not have
yet (issue 13, item 2) is named in PENDING_13 with its reason; each is
checked to still exist, so the list cannot outlive its tests."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
B3 = os.path.join(ROOT, "build", "mbed3")
RUNNER = os.path.join(ROOT, "tests", "run_tests.py")

PENDING_13 = {
    # 1.3 tickets arrive after the handshake (NewSessionTicket), which the
    # client does not take yet: reconnections make full handshakes.
    "test_job/test_server_closing_kept_alive_connections": "TLS 1.3 session tickets",
    # PSA's own DRBG (seeded at psa_crypto_init) fails with
    # PSA_ERROR_INSUFFICIENT_ENTROPY when its allocation fails: reported as
    # "no entropy" rather than memory.
    "test_cli/test_every_tls_allocation_failure_is_a_clear_error": "PSA init failure mapping",
}


def nested(args, timeout=900):
    env = dict(os.environ, LKEDOC_CLI=os.path.join(B3, "lkedoc"))
    proc = subprocess.run([sys.executable, RUNNER, "--build-dir", B3] + args, cwd=ROOT, capture_output=True,
                          text=True, errors="replace", env=env, timeout=timeout)
    out = proc.stdout + proc.stderr
    m = re.search(r"^(\d+) passed, (\d+) failed$", proc.stdout, re.M)
    assert m is not None and proc.returncode == 0 and m.group(2) == "0", out[-12000:]
    return int(m.group(1)), out


def test_build_against_mbedtls_36():
    units = sorted(f[:-2] for f in os.listdir(os.path.join(ROOT, "tests", "unit"))
                   if f.startswith("test_") and f.endswith(".c"))
    proc = subprocess.run(["make", "-s", "-j4", "MBEDTLS=3", "all"] + [f"build/mbed3/tests/{u}" for u in units],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(os.path.join(ROOT, "build", "src", "mbedtls3", ".unpacked"), encoding="utf-8") as f:
        src, ver = f.read().split()
    up = ver.split("-")[0].split("~")[0]
    parts = [int(x) for x in up.split(".")[:3]]
    assert src == "mbedtls" and parts[:2] == [3, 6] and parts[2] >= 7, ver  # 3.6.6 has the 1.2/1.3 regression
    # The CLI carries 3.6 (PSA, the version string), not the system's 2.28.
    syms = subprocess.run(["nm", os.path.join(B3, "lkedoc")], capture_output=True, text=True).stdout
    assert re.search(r" T psa_crypto_init$", syms, re.M), "not linked against mbedTLS 3"
    with open(os.path.join(ROOT, "build", "src", "mbedtls3", "include", "mbedtls", "build_info.h"),
              encoding="utf-8") as f:
        assert f'#define MBEDTLS_VERSION_STRING         "{up}"' in f.read(), up


def test_unit_programs_against_mbedtls_36():
    passed, out = nested(["-k", "unit/", "--suite", "none"])
    units = [f for f in os.listdir(os.path.join(B3, "tests")) if f.startswith("test_") and "." not in f]
    assert len(re.findall(r"^ok   unit/", out, re.M)) == len(units), out
    assert passed > 100, out


def run_suite_except_pending(suite):
    # Every test of the suite but the pending ones, by name.
    with open(os.path.join(ROOT, "tests", "integration", suite + ".py"), encoding="utf-8") as f:
        names = re.findall(r"^def (test_\w+)\(", f.read(), re.M)
    assert names, suite
    pending = {k.split("/", 1)[1] for k in PENDING_13 if k.startswith(suite + "/")}
    assert pending <= set(names), pending - set(names)  # a pending entry names a test that exists
    args = ["--no-unit", "--suite", suite]
    for n in names:
        if n not in pending:
            args += ["-k", f"{suite}/{n}"]
    passed, out = nested(args)
    ran = re.findall(rf"^ok   {suite}/(\w+)", out, re.M)
    assert sorted(ran) == sorted(set(names) - pending), out[-4000:]


def test_cli_against_mbedtls_36():
    run_suite_except_pending("test_cli")


def test_job_against_mbedtls_36():
    run_suite_except_pending("test_job")


def test_interop_against_mbedtls_36():
    run_suite_except_pending("test_interop")
