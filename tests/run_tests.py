#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs every lkedoc test and ends with the line 'N passed, M failed'.

Stages: the C unit-test programs (build/tests/test_*), static checks on the
library (no allocator symbols, core/ cross-compiled for Cortex-M4), and the
integration suites in tests/integration/ (CLI <-> mock over TLS, the official
Node.js SDK against the same mock).  Each integration test is a function named
test_*; it passes when it returns without raising.  Exit status 0 only when
nothing failed.

Every program runs with TMPDIR set to a fresh directory under build/tmp/;
whatever a stage leaves in it (the unit programs, each suite after its
teardown) is a failure named STAGE/leaves_nothing_in_tmp, so no test leaves
files behind in the machine's temporary directory either.

A suite that sets STARTS_EARLY = True (test_badlink: minutes of mostly waiting
on throttled links, in threads of its own) has its setup_suite run first, in a
TMPDIR of its own, so it goes on while the unit programs and the other suites
run; its tests, which wait for it, run last.

  python3 tests/run_tests.py [-k SUBSTRING]...   run only tests whose name contains one of these
      [--build-dir DIR]     take the unit programs from DIR/tests (e.g. build/san)
      [--suite NAME]...     run only these integration suites (test_cli, ...)
      [--no-unit]           skip the unit programs
      [--sanitizer-reports] fail a test when a program it ran printed a sanitizer
                            report on its captured stderr (for sanitizer builds)
"""
import argparse
import glob
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
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


def private_tmpdir():
    """A TMPDIR of this run's own (the runner's pid: two runs in one tree do
    not share it), inherited by every program the tests start."""
    d = os.path.join(ROOT, "build", "tmp", f"run-{os.getpid()}")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    set_tmpdir(d)
    return d


def check_tmpdir(tally, tmpdir, stage):
    """Fail the stage if it left anything in TMPDIR, then clear it for the next."""
    left = sorted(os.listdir(tmpdir))
    if not left:
        return
    tally.fail(f"{stage}/leaves_nothing_in_tmp", "left in TMPDIR: " + ", ".join(left))
    for name in left:
        path = os.path.join(tmpdir, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)


def run_unit_programs(tally, selected, unit_dir=None):
    # LKEDOC_UNIT_DIR or --build-dir points at another build of them (coverage, sanitizers).
    unit_dir = unit_dir or os.environ.get("LKEDOC_UNIT_DIR", os.path.join(ROOT, "build", "tests"))
    for prog in sorted(glob.glob(os.path.join(unit_dir, "test_*"))):
        name = "unit/" + os.path.basename(prog)
        if not selected(name) or "." in os.path.basename(prog) or not os.access(prog, os.X_OK):
            continue
        del SANITIZER_REPORTS[:]
        proc = subprocess.run([prog], capture_output=True, text=True, timeout=300)
        m = re.search(r"(\d+) passed, (\d+) failed", proc.stdout)
        if m is None:
            tally.fail(name, f"no result line (exit {proc.returncode})\n{proc.stdout}{proc.stderr}")
            continue
        passed, failed = int(m.group(1)), int(m.group(2))
        # Each CHECK is counted, so the unit programs weigh what they assert.
        tally.passed += passed
        tally.failed += failed
        if failed or proc.returncode != 0 or SANITIZER_REPORTS:
            if not failed:
                tally.failed += 1
            tally.failures.append(name)
            print(f"FAIL {name}: {proc.stdout.strip()}\n{proc.stderr}", flush=True)
        else:
            print(f"ok   {name}: {passed} checks", flush=True)


SANITIZER_MARKS = ("runtime error:", "ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "SUMMARY: AddressSanitizer", "SUMMARY: UndefinedBehaviorSanitizer",
                   "ASan runtime does not come first")
SANITIZER_REPORTS = []


def watch_sanitizer_reports():
    """Scan the stderr of every subprocess.run for a sanitizer report, so that
    a test that does not look at stderr (or accepts a failure) still fails."""
    real_run = subprocess.run

    def run(*args, **kwargs):
        proc = real_run(*args, **kwargs)
        err = proc.stderr
        if isinstance(err, bytes):
            err = err.decode("utf-8", "replace")
        if err and any(m in err for m in SANITIZER_MARKS):
            SANITIZER_REPORTS.append(f"{proc.args!r} exited {proc.returncode}:\n{err[-4000:]}")
        return proc

    subprocess.run = run


def load_suites(only=None):
    suites = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "integration", "test_*.py"))):
        modname = os.path.splitext(os.path.basename(path))[0]
        if only is not None and modname not in only:
            continue
        spec = importlib.util.spec_from_file_location(modname, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        suites.append(mod)
    return suites


def selected_tests(mod, selected):
    tests = [(n, f) for n, f in vars(mod).items() if n.startswith("test_") and callable(f)]
    return [(n, f) for n, f in tests if selected(f"{mod.__name__}/{n}")]


def set_tmpdir(d):
    os.environ["TMPDIR"] = d
    tempfile.tempdir = None  # tempfile reads TMPDIR again


class Started:
    """A suite whose setup_suite was run ahead of the others (STARTS_EARLY)."""

    def __init__(self, ctx=None, error=None):
        self.ctx, self.error = ctx, error


def start_early(mod, tally, selected, tmpdir):
    """Run setup_suite of a suite that declares STARTS_EARLY = True: work that
    takes minutes of mostly waiting (links throttled to 50 kbit/s) and runs in
    threads of its own, so it goes on while the other suites run, and its
    tests, which wait for it, run last.  In a TMPDIR of its own, which the
    other stages' checks do not clear under it."""
    if not selected_tests(mod, selected) or not hasattr(mod, "setup_suite"):
        return None
    own = tmpdir + "-" + mod.__name__
    shutil.rmtree(own, ignore_errors=True)
    os.makedirs(own)
    set_tmpdir(own)
    try:
        return Started(ctx=mod.setup_suite())
    except Exception:
        return Started(error=traceback.format_exc())
    finally:
        set_tmpdir(tmpdir)


def run_suite(mod, tally, selected, tmpdir, started=None):
    tests = selected_tests(mod, selected)
    if not tests:
        return
    ctx = None
    if started is not None:
        tmpdir = tmpdir + "-" + mod.__name__
        set_tmpdir(tmpdir)
    try:
        if started is not None:
            if started.error is not None:
                raise RuntimeError(started.error)
            ctx = started.ctx
        elif hasattr(mod, "setup_suite"):
            ctx = mod.setup_suite()
    except Exception:
        tally.fail(f"{mod.__name__}/setup_suite", traceback.format_exc())
        check_tmpdir(tally, tmpdir, mod.__name__)
        return
    try:
        for name, fn in sorted(tests, key=lambda t: t[1].__code__.co_firstlineno):
            full = f"{mod.__name__}/{name}"
            t0 = time.monotonic()
            try:
                del SANITIZER_REPORTS[:]
                fn(ctx) if fn.__code__.co_argcount else fn()
                if SANITIZER_REPORTS:
                    raise AssertionError("sanitizer report:\n" + "\n".join(SANITIZER_REPORTS))
                tally.ok(f"{full} ({time.monotonic() - t0:.1f}s)")
            except Exception:
                tally.fail(full, traceback.format_exc())
    finally:
        if hasattr(mod, "teardown_suite"):
            mod.teardown_suite(ctx)
        check_tmpdir(tally, tmpdir, mod.__name__)


def main():
    # The suites run make themselves, as standalone builds: under `make -jN
    # test` the inherited jobserver flags would make those children print
    # make's own warnings, which the build tests rightly refuse.
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        os.environ.pop(name, None)
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", action="append", default=[],
                    help="run only tests whose name contains this (repeatable: any of them)")
    ap.add_argument("--build-dir", help="take the unit programs from DIR/tests instead of build/tests")
    ap.add_argument("--suite", action="append", help="run only this integration suite (repeatable)")
    ap.add_argument("--no-unit", action="store_true", help="skip the unit programs")
    ap.add_argument("--sanitizer-reports", action="store_true",
                    help="fail a test whose programs print a sanitizer report on a captured stderr")
    args = ap.parse_args()
    if args.sanitizer_reports:
        watch_sanitizer_reports()

    def selected(name):
        return not args.k or any(k in name for k in args.k)

    tally = Tally()
    tmpdir = private_tmpdir()
    only = None
    if args.suite:
        only = {n if n.startswith("test_") else "test_" + n for n in args.suite}
    suites = load_suites(only)
    early = [m for m in suites if getattr(m, "STARTS_EARLY", False)]
    started = {m.__name__: start_early(m, tally, selected, tmpdir) for m in early}
    if not args.no_unit:
        unit_dir = os.path.join(os.path.abspath(args.build_dir), "tests") if args.build_dir else None
        run_unit_programs(tally, selected, unit_dir)
        check_tmpdir(tally, tmpdir, "unit")
    for mod in [m for m in suites if m not in early] + early:
        run_suite(mod, tally, selected, tmpdir, started.get(mod.__name__))
        if mod in early and os.path.isdir(tmpdir + "-" + mod.__name__):
            set_tmpdir(tmpdir)
            os.rmdir(tmpdir + "-" + mod.__name__)
    os.rmdir(tmpdir)
    if tally.failures:
        print("failed: " + ", ".join(tally.failures))
    print(f"{tally.passed} passed, {tally.failed} failed")
    return 1 if tally.failed else 0


if __name__ == "__main__":
    sys.exit(main())
