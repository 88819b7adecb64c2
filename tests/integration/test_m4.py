# SPDX-License-Identifier: MIT
"""The core unit programs (signing vectors, time, URL/base64, request, edges,
HTTP, JSON, decode) built for a Cortex-M4 and run on QEMU's mps2-an386 with
semihosting (boards/mps2-an386, `make test-m4`)."""
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ELF = os.path.join(ROOT, "build", "m4", "unit-m4.elf")
QEMU = ["qemu-system-arm", "-M", "mps2-an386", "-nographic", "-monitor", "none", "-serial", "none",
        "-semihosting-config", "enable=on,target=native", "-kernel", ELF]


def run_m4():
    proc = subprocess.run(["make", "-s", "m4"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    head = subprocess.run(["arm-none-eabi-readelf", "-h", "-A", ELF], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"Machine:\s+ARM", head) and "Tag_CPU_arch: v7E-M" in head \
        and "Tag_CPU_arch_profile: Microcontroller" in head, head
    return subprocess.run(QEMU, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_m4_unit_programs_pass_on_qemu():
    proc = run_m4()
    lines = proc.stdout.strip().splitlines()
    assert lines, f"no output (exit {proc.returncode})\n{proc.stderr}"
    m = re.fullmatch(r"(\d+) passed, (\d+) failed", lines[-1])
    assert m, f"no closing line (exit {proc.returncode})\n{proc.stdout}{proc.stderr}"
    assert int(m.group(1)) > 0 and m.group(2) == "0", proc.stdout + proc.stderr
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}{proc.stderr}"
    progs = {}
    for line in lines[:-1]:
        p = re.fullmatch(r"(\w+): (\d+) passed, (\d+) failed", line)
        assert p, f"unexpected line {line!r}"
        progs[p.group(1)] = int(p.group(2))
        assert p.group(3) == "0", line
    assert {"sign", "http", "json", "decode"} <= set(progs), sorted(progs)
    assert sum(progs.values()) == int(m.group(1)), proc.stdout
    # The same sources run the same checks on the host: the counts must agree.
    for name, n in progs.items():
        host = os.path.join(ROOT, "build", "tests", "test_" + name)
        if os.access(host, os.X_OK):
            out = subprocess.run([host], capture_output=True, text=True, timeout=300).stdout
            h = re.search(r"(\d+) passed, (\d+) failed", out)
            assert h and int(h.group(1)) == n, f"{name}: host {out.strip()!r}, Cortex-M4 {n} passed"
