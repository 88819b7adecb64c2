#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Run the Frama-C proofs in tests/proofs/: one line per harness,
"prove NAME: N alarms", and exit 1 when any alarm is not justified.

Each directory tests/proofs/NAME/ holds:
  harness.c   the harness: it #includes the sources it proves (so static
              functions are reachable) and says its bounds in a comment;
  options     (optional) extra Frama-C options, white-space separated, '#'
              comments: the precision that makes the analysis exact enough;
  justified   (optional) alarms that cannot happen, each with why (see
              below); an entry that matches no alarm is an error, so a note
              never outlives the code it explains.
A harness whose options name -wp is proved by WP (its ACSL contracts, with
-wp-rte: no runtime error either) instead of EVA, on the functions its
-wp-fct names; its "alarms" are the goals no prover discharged (never
justified: a contract that does not prove is changed).

EVA runs with the alarms of undefined behaviour on (-warn-invalid-pointer:
forming a pointer outside its object is one), on the x86_64 machine model,
or on another named with -m (x86_32: the ILP32 model of a Cortex-M).  The
run also fails when the harness's main does not end normally for some input
(EVA stops a path at a certain error: that must not hide anything), and when
Frama-C reports an error.

justified: entries separated by blank lines (an alarm EVA found certain,
"certain ..." below, is never justified), each
    at: FILE:LINE: TEXT      (the alarm's file, line and the start of its
                              text, as this script prints an unjustified one)
    why: the reason it cannot happen (one or more lines)
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# Where the harness directories are (--dir: another, for the runner's own tests).
PROOFS = HERE
# Debian 12's mbedTLS 2.28 headers and jsmn's, alone: adding /usr/include itself would
# mix glibc's headers with Frama-C's own C library.  The parsers use no
# mbedTLS call; lkd_internal.h needs its types.
MBEDTLS_INC = "/usr/include/mbedtls"
JSMN_H = "/usr/include/jsmn.h"
# MBEDTLS_NO_UDBL_DIVISION: mbedTLS's bignum.h otherwise declares a 128-bit
# type with a GCC attribute (mode(TI)) that Frama-C does not parse on x86_64;
# no parser uses it.
DEFINES = ["-DLKD_ENABLE_LOG=1", "-DLKD_ENABLE_TEXTS=1", "-DLKD_CRC64_FAST=1", "-DMBEDTLS_NO_UDBL_DIVISION"]
# A property the analysis could not prove: an alarm, or a precondition of a
# library function that may be violated.
OPEN = ("Unknown", "Invalid", "Invalid or unreachable", "Invalid but dead")


def harnesses():
    return sorted(d for d in os.listdir(PROOFS) if os.path.isfile(os.path.join(PROOFS, d, "harness.c")))


def read_words(path):
    if not os.path.exists(path):
        return []
    words = []
    with open(path) as f:
        for line in f:
            words += line.split("#", 1)[0].split()
    return words


def read_justified(path):
    """[(file, line, text, why)] from a justified file."""
    entries = []
    if not os.path.exists(path):
        return entries
    with open(path) as f:
        blocks = re.split(r"\n\s*\n", f.read())
    for b in blocks:
        b = "\n".join(line for line in b.splitlines() if not line.startswith("#")).strip()
        if not b:
            continue
        m = re.match(r"at:\s*([^:\s]+):(\d+):\s*(.+?)\s*\nwhy:\s*(\S.*)", b, re.S)
        if not m:
            raise SystemExit(f"{path}: an entry is not 'at: FILE:LINE: TEXT' then 'why: ...':\n{b}")
        entries.append((m.group(1), int(m.group(2)), m.group(3), m.group(4)))
    return entries


def include_dir(tmp):
    """A directory with only mbedtls/ and jsmn.h (header-only, built inside
    lkd_json.c) in it."""
    d = os.path.join(tmp, "inc")
    os.makedirs(d, exist_ok=True)
    for name, target in (("mbedtls", MBEDTLS_INC), ("jsmn.h", JSMN_H)):
        os.symlink(target, os.path.join(d, name))
    return d


def command(name, opts, machdep, csv_path, inc):
    cpp = " ".join([f"-I{ROOT}/core/include", f"-I{ROOT}/core/src", f"-I{ROOT}/boards/posix", f"-I{inc}"] + DEFINES)
    cmd = ["frama-c", "-machdep", machdep, "-cpp-extra-args=" + cpp, os.path.join(PROOFS, name, "harness.c")]
    if "-wp" in opts:
        cmd += ["-wp-rte", "-wp-prover", "z3,cvc4", "-wp-timeout", "20", "-wp-par", "1", "-wp-status-all"] + opts
    else:
        cmd += ["-eva", "-eva-no-show-progress", "-warn-invalid-pointer", "-eva-warn-key", "libc:unsupported-spec=error"]
        cmd += opts
    return cmd + ["-then", "-report-csv", csv_path]


def open_properties(csv_path):
    """EVA's properties left unproved, as (file, line, text).  Frama-C writes
    a property that spans lines (a behaviors clause) over several lines of
    the file: a row is complete when it has all its fields."""
    found = []
    with open(csv_path) as f:
        lines = f.read().split("\n")
    header, rows, row = lines[0].split("\t"), [], ""
    for line in lines[1:]:
        row = row + "\n" + line if row else line
        if len(row.split("\t")) >= len(header):
            rows.append(dict(zip(header, row.split("\t", len(header) - 1))))
            row = ""
    for r in rows:
        if r["status"] in OPEN:
            sure = "" if r["status"] == "Unknown" else "certain "
            found.append((r["file"], int(r["line"] or 0), sure + r["property kind"] + ": " + " ".join(r["property"].split())))
    return sorted(set(found))


def wp_goals(log):
    """WP's goals of the functions it was run on (-wp-fct): how many, and
    the ones no prover discharged, as (file, line, text).  Its own count,
    not the CSV's statuses: those consolidate a callee's precondition over
    every call site, proved or not tried."""
    m = re.search(r"\[wp\] Proved goals:\s*(\d+) / (\d+)", log)
    if m is None:
        return None, []
    # "[wp] [Failed] Goal NAME", or "[wp] [Z3 4.8.12] Goal NAME : Failed".
    failed = [("wp", 0, g.group(1) or g.group(2))
              for g in re.finditer(r"\[wp\] \[(?:Failed|Timeout|Unknown|Stepout)\] Goal (\S+)|"
                                   r"\[wp\] (?:\[[^\]]*\] )?Goal (\S+ : (?!Valid)\w+)", log)]
    failed = sorted(set(failed))
    return int(m.group(2)) - int(m.group(1)), failed


def check_log(log, wp):
    """Problems in Frama-C's output that no property shows."""
    problems = []
    if re.search(r"\[kernel\] User Error|\[kernel\] Plug-in .* aborted|Frama-C aborted", log):
        problems.append("Frama-C stopped with an error")
    if not wp:
        end = re.search(r"Values at end of function main:\n(.*)", log)
        if end is None or "NON TERMINATING" in end.group(1):
            problems.append("the harness's main never ended: an error stops every path")
        if re.search(r"degeneration", log, re.I):
            problems.append("the analysis degenerated (see -v)")
        for m in re.finditer(r"\[(?:eva|kernel)[^\]]*\] .*(?:[Nn]o code nor (?:implicit|explicit) spec|[Nn]either code nor specification).*", log):
            problems.append(m.group(0).strip())
    return problems


# The Why3 configuration WP reads, in the run's temporary directory.
WHY3_CONF = "why3.conf"


def why3_config(tmp):
    """Write a Why3 configuration of its own, listing the installed provers
    (WP finds them through it), so that nothing in the user's home matters."""
    env = dict(os.environ, WHY3CONFIG=os.path.join(tmp, WHY3_CONF))
    subprocess.run(["why3", "config", "detect"], env=env, capture_output=True, check=True)


def prove(name, machdep, tmp, inc):
    opts = read_words(os.path.join(PROOFS, name, "options"))
    wp = "-wp" in opts
    csv_path = os.path.join(tmp, f"{name}.{machdep}.csv")
    env = dict(os.environ, WHY3CONFIG=os.path.join(tmp, WHY3_CONF))
    r = subprocess.run(command(name, opts, machdep, csv_path, inc), capture_output=True, text=True, cwd=tmp, env=env)
    log = r.stdout + r.stderr
    problems = check_log(log, wp)
    if r.returncode != 0:
        problems.append(f"frama-c exited {r.returncode}")
    if wp:
        count, props = wp_goals(log)
        if count is None:
            problems.append("WP proved nothing (no 'Proved goals' line)")
        elif count != len(props):
            props += [("wp", 0, f"{count - len(props)} goals not proved (see -v)")]
    else:
        props = open_properties(csv_path) if os.path.exists(csv_path) else []
    entries = read_justified(os.path.join(PROOFS, name, "justified"))
    used = set()
    unjustified = []
    for file, line, text in props:
        # A certain alarm (status Invalid) is an error that happens: never justified.
        hit = [i for i, e in enumerate(entries)
               if e[0] == file and e[1] == line and text.startswith(e[2]) and not text.startswith("certain ")]
        if hit:
            used.update(hit)
        else:
            unjustified.append(f"{file}:{line}: {text}")
    for i, e in enumerate(entries):
        if i not in used:
            problems.append(f"justified entry matches no alarm: {e[0]}:{e[1]}: {e[2]}")
    return name, machdep, len(props), unjustified, problems, log


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help="harnesses to run (default: all)")
    ap.add_argument("-m", "--machdep", action="append", help="machine model(s): x86_64 (default), x86_32")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("-v", "--verbose", action="store_true", help="print Frama-C's output of a failing harness")
    ap.add_argument("--dir", help="the directory of the harnesses (default: this script's)")
    args = ap.parse_args()
    global PROOFS
    PROOFS = os.path.abspath(args.dir) if args.dir else HERE
    if shutil.which("frama-c") is None:
        print("prove: frama-c is not installed (make deps installs frama-c-base)", file=sys.stderr)
        return 2
    names = args.names or harnesses()
    unknown = [n for n in names if n not in harnesses()]
    if unknown:
        print("prove: no harness " + ", ".join(unknown), file=sys.stderr)
        return 2
    machdeps = args.machdep or ["x86_64"]
    failed = 0
    with tempfile.TemporaryDirectory(prefix="lkd-prove-") as tmp:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            inc = include_dir(tmp)
            if any("-wp" in read_words(os.path.join(PROOFS, n, "options")) for n in names):
                why3_config(tmp)
            jobs = [pool.submit(prove, n, m, tmp, inc) for m in machdeps for n in names]
            for job in jobs:
                name, machdep, count, unjustified, problems, log = job.result()
                label = name if len(machdeps) == 1 else f"{name} ({machdep})"
                note = f" ({count - len(unjustified)} justified)" if count != len(unjustified) else ""
                print(f"prove {label}: {count} alarms{note}", flush=True)
                for u in unjustified:
                    print(f"  not justified: {u}")
                for p in problems:
                    print(f"  {p}")
                if unjustified or problems:
                    failed += 1
                    if args.verbose:
                        print(log)
    print(f"prove: {len(names) * len(machdeps) - failed} of {len(names) * len(machdeps)} harnesses without an unjustified alarm")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
