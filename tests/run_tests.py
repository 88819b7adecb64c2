#!/usr/bin/env python3
"""Runs every lkedoc test and ends with the line 'N passed, M failed'.

Stages: the C unit-test programs (build/tests/test_*), static checks on the
library (no allocator symbols, core/ cross-compiled for Cortex-M4), and the
integration suites in tests/integration/ (CLI <-> mock over TLS, the official
Node.js SDK against the same mock).  Each integration test is a function named
test_*; it passes when it returns without raising.  Exit status 0 only when
nothing failed.

  python3 tests/run_tests.py [-k SUBSTRING]   run only tests whose name matches
"""
import argparse
import glob
import importlib.util
import os
import re
import subprocess
import sys
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "tests", "mock"))


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []

    def ok(self, name):
        self.passed += 1
        print(f"ok   {name}", flush=True)

    def fail(self, name, why):
        self.failed += 1
        self.failures.append(name)
        print(f"FAIL {name}\n{why.rstrip()}", flush=True)


def run_unit_programs(tally, selected):
    # LKEDOC_UNIT_DIR points at another build of them (coverage, sanitizers).
    unit_dir = os.environ.get("LKEDOC_UNIT_DIR", os.path.join(ROOT, "build", "tests"))
    for prog in sorted(glob.glob(os.path.join(unit_dir, "test_*"))):
        name = "unit/" + os.path.basename(prog)
        if not selected(name) or "." in os.path.basename(prog) or not os.access(prog, os.X_OK):
            continue
        proc = subprocess.run([prog], capture_output=True, text=True, timeout=300)
        m = re.search(r"(\d+) passed, (\d+) failed", proc.stdout)
        if m is None:
            tally.fail(name, f"no result line (exit {proc.returncode})\n{proc.stdout}{proc.stderr}")
            continue
        passed, failed = int(m.group(1)), int(m.group(2))
        # Each CHECK is counted, so the unit programs weigh what they assert.
        tally.passed += passed
        tally.failed += failed
        if failed or proc.returncode != 0:
            tally.failures.append(name)
            print(f"FAIL {name}: {proc.stdout.strip()}\n{proc.stderr}", flush=True)
        else:
            print(f"ok   {name}: {passed} checks", flush=True)


def load_suites():
    suites = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "integration", "test_*.py"))):
        modname = os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(modname, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        suites.append(mod)
    return suites


def run_suite(mod, tally, selected):
    tests = [(n, f) for n, f in vars(mod).items() if n.startswith("test_") and callable(f)]
    tests = [(n, f) for n, f in tests if selected(f"{mod.__name__}/{n}")]
    if not tests:
        return
    ctx = None
    try:
        if hasattr(mod, "setup_suite"):
            ctx = mod.setup_suite()
    except Exception:
        tally.fail(f"{mod.__name__}/setup_suite", traceback.format_exc())
        return
    try:
        for name, fn in sorted(tests, key=lambda t: t[1].__code__.co_firstlineno):
            full = f"{mod.__name__}/{name}"
            t0 = time.monotonic()
            try:
                fn(ctx) if fn.__code__.co_argcount else fn()
                tally.ok(f"{full} ({time.monotonic() - t0:.1f}s)")
            except Exception:
                tally.fail(full, traceback.format_exc())
    finally:
        if hasattr(mod, "teardown_suite"):
            mod.teardown_suite(ctx)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", default="", help="run only tests whose name contains this")
    args = ap.parse_args()

    def selected(name):
        return args.k in name

    tally = Tally()
    run_unit_programs(tally, selected)
    for mod in load_suites():
        run_suite(mod, tally, selected)
    if tally.failures:
        print("failed: " + ", ".join(tally.failures))
    print(f"{tally.passed} passed, {tally.failed} failed")
    return 1 if tally.failed else 0


if __name__ == "__main__":
    sys.exit(main())
