#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run libFuzzer targets built by `make fuzz-build` and report one line each:

    fuzz NAME: N execs, M crashes

Each target runs for --seconds on build/fuzz/corpus/NAME, a copy of the
committed seeds in tests/fuzz/corpus/NAME (with tests/fuzz/NAME.dict as its
dictionary when there is one) (new inputs the fuzzer finds stay in
build/, so the committed corpus is never touched); crash, leak, timeout and
out-of-memory reproducers go to build/fuzz/crashes/NAME/.  Exit status 1 when
any target crashed or could not run.

  python3 tests/fuzz/run_fuzz.py [--seconds N] [NAME...]   (default: every target)
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FUZZ_DIR = os.path.join(ROOT, "build", "fuzz")
SEEDS = os.path.join(ROOT, "tests", "fuzz", "corpus")
ARTIFACT_PREFIXES = ("crash-", "leak-", "timeout-", "oom-", "slow-unit-")


def targets():
    return sorted(os.path.basename(p)[len("fuzz_"):-len(".c")]
                  for p in glob.glob(os.path.join(ROOT, "tests", "fuzz", "fuzz_*.c")))


def run_target(name, seconds):
    """Run one target; returns (execs, crashes, output)."""
    binary = os.path.join(FUZZ_DIR, "fuzz_" + name)
    corpus = os.path.join(FUZZ_DIR, "corpus", name)
    crashes = os.path.join(FUZZ_DIR, "crashes", name)
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(crashes, exist_ok=True)
    for seed in glob.glob(os.path.join(SEEDS, name, "*")):
        dst = os.path.join(corpus, os.path.basename(seed))
        if not os.path.exists(dst):
            shutil.copyfile(seed, dst)
    before = set(os.listdir(crashes))
    cmd = [binary, f"-max_total_time={int(seconds)}", "-print_final_stats=1", "-timeout=10", "-rss_limit_mb=2048",
           "-max_len=8192", f"-artifact_prefix={crashes}/"]
    dictionary = os.path.join(ROOT, "tests", "fuzz", name + ".dict")
    if os.path.exists(dictionary):
        cmd.append(f"-dict={dictionary}")
    cmd.append(corpus)
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "abort_on_error=0:detect_leaks=1")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
                          timeout=seconds + 120, env=env)
    out = proc.stdout
    m = re.findall(r"stat::number_of_executed_units:\s*(\d+)", out) or re.findall(r"Done (\d+) runs", out)
    execs = int(m[-1]) if m else 0
    if not m:
        # A crash report may come before the final stats: use the last status line.
        m = re.findall(r"^#(\d+)\s", out, re.M)
        execs = int(m[-1]) if m else 0
    new = [f for f in set(os.listdir(crashes)) - before if f.startswith(ARTIFACT_PREFIXES)]
    crashed = len(new)
    if proc.returncode != 0 and crashed == 0:
        crashed = 1
    return execs, crashed, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    names = args.names or targets()
    rc = 0
    for name in names:
        if not os.path.exists(os.path.join(FUZZ_DIR, "fuzz_" + name)):
            print(f"fuzz {name}: not built (make fuzz-build)", flush=True)
            rc = 1
            continue
        execs, crashes, out = run_target(name, args.seconds)
        if crashes:
            tail = "\n".join(out.splitlines()[-60:])
            print(tail, file=sys.stderr)
            rc = 1
        print(f"fuzz {name}: {execs} execs, {crashes} crashes", flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
