# SPDX-License-Identifier: MIT
"""The crypto seam (core/src/lkd_hash.c) with MBEDTLS_SHA256_ALT: mbedTLS
from Debian's source with its own SHA-256 replaced by tests/alt/sha256_alt.c
(an independent software SHA-256 with another context layout, counting every
call), core/, port/posix and the unit programs sign, time, request and call
built against it (tests/alt/alt.mk, `make alt`).  The signing vectors still
match, the ALT's counters move, no call reaches a context that was not
started or whose digest failed, and tests/alt/test_alt.c and test_alt_job.c
fail the ALT at every step of a signature and of the streamed payload hash to
see LKD_ERR_CRYPTO each time (nothing sent, no connection for the latter)."""
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ALT = os.path.join(ROOT, "build", "alt")
COUNTS = re.compile(r"sha256-alt: calls=(\d+) starts=(\d+) update=(\d+) finish=(\d+) blocks=(\d+) bad=(\d+)")


def setup_suite():
    proc = subprocess.run(["make", "-s", "alt-build"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return None


def run(name):
    """(checks passed, ALT counters) of build/alt/test_NAME, which must pass."""
    proc = subprocess.run([os.path.join(ALT, "test_" + name)], capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    m = re.search(r"^%s: (\d+) passed, (\d+) failed$" % name, proc.stdout, re.M)
    assert m and m.group(2) == "0" and int(m.group(1)) > 0, out
    assert proc.returncode == 0, f"exit {proc.returncode}\n{out}"
    c = COUNTS.findall(proc.stderr)
    assert len(c) == 1, out
    keys = ("calls", "starts", "update", "finish", "blocks", "bad")
    return int(m.group(1)), dict(zip(keys, (int(x) for x in c[0])))


def test_the_alt_replaces_mbedtls_sha256():
    # mbedTLS's sha256.o defines none of the context functions; sha256_alt.o does
    syms = {}
    for obj in ("mbedtls/sha256.o", "sha256_alt.o"):
        out = subprocess.run(["nm", "--defined-only", os.path.join(ALT, obj)], capture_output=True, text=True,
                             check=True).stdout
        syms[obj] = {line.split()[-1] for line in out.splitlines() if line.strip()}
    funcs = {"mbedtls_sha256_init", "mbedtls_sha256_starts_ret", "mbedtls_sha256_update_ret",
             "mbedtls_sha256_finish_ret", "mbedtls_sha256_free"}
    assert not funcs & syms["mbedtls/sha256.o"], sorted(syms["mbedtls/sha256.o"])
    assert funcs <= syms["sha256_alt.o"], sorted(syms["sha256_alt.o"])
    # the core names mbedtls_sha256_* in one file only: the seam
    users = []
    for obj in sorted(os.listdir(os.path.join(ALT, "core"))):
        if obj.endswith(".o"):
            out = subprocess.run(["nm", "-u", os.path.join(ALT, "core", obj)], capture_output=True, text=True,
                                 check=True).stdout
            if "mbedtls_sha256_" in out:
                users.append(obj)
    assert users == ["lkd_hash.o"], users


def test_unit_programs_pass_with_the_alt():
    host = {}
    for name in ("sign", "time", "request", "call", "job"):
        n, c = run(name)
        assert c["bad"] == 0, (name, c)
        # the same checks as the software build's (the TC3 vectors included)
        prog = os.path.join(ROOT, "build", "tests", "test_" + name)
        if os.access(prog, os.X_OK):
            out = subprocess.run([prog], capture_output=True, text=True, timeout=300).stdout
            h = re.search(r"(\d+) passed, (\d+) failed", out)
            assert h and int(h.group(1)) == n, f"{name}: software {out.strip()!r}, ALT {n} passed"
        host[name] = c
    # the signer's and the request's digests went through the ALT; call's too
    # and job's (their TLS handshakes, job's streamed payload hash)
    for name in ("sign", "request", "call", "job"):
        c = host[name]
        assert c["starts"] > 0 and c["finish"] > 0 and c["update"] > 0 and c["blocks"] > 0, (name, c)
    assert host["time"]["calls"] == 0, host["time"]


def test_every_alt_failure_is_a_crypto_error():
    n, c = run("alt")
    assert n >= 100, n
    assert c["bad"] == 0 and c["starts"] > 100, c


def test_every_alt_failure_in_the_streamed_hash_is_a_crypto_error():
    n, c = run("alt_job")
    assert n >= 20, n
    assert c["bad"] == 0 and c["starts"] > 0, c
