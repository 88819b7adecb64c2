# SPDX-License-Identifier: MIT
"""The test runner run again against another build directory (build/sys's
2.28, build/san's sanitizers): its unit programs from BUILD/tests and its CLI
as LKEDOC_CLI=BUILD/lkedoc.  Shared by the suites that re-run others."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNNER = os.path.join(ROOT, "tests", "run_tests.py")


def nested(build, args, timeout, runner_flags=()):
    """Run the runner with args against build; assert it ended "N passed, 0
    failed".  (N, its stdout and stderr)."""
    env = dict(os.environ, LKEDOC_CLI=os.path.join(build, "lkedoc"))
    proc = subprocess.run([sys.executable, RUNNER, *runner_flags, "--build-dir", build] + args, cwd=ROOT,
                          capture_output=True, text=True, errors="replace", env=env, timeout=timeout)
    out = proc.stdout + proc.stderr
    m = re.search(r"^(\d+) passed, (\d+) failed$", proc.stdout, re.M)
    assert m is not None and proc.returncode == 0 and m.group(2) == "0", out[-12000:]
    return int(m.group(1)), out


def every_unit_program_passes(build, run):
    """Run build's unit programs alone through run (a suite's own nested(args),
    which may check more of the output) and assert that each of them ran and
    passed."""
    passed, out = run(["-k", "unit/", "--suite", "none"])
    units = [f for f in os.listdir(os.path.join(build, "tests")) if f.startswith("test_") and "." not in f]
    assert len(re.findall(r"^ok   unit/", out, re.M)) == len(units), out
    assert passed > 100, out
