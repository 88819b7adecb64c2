#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Print core/'s line and branch coverage from a --coverage build (gcovr),
one line per file and the two totals:
    coverage core/: lines 95.1% (a/b), branches 95.0% (c/d)
Exit status 1 when either total is under the gate (LKEDOC_COVERAGE_GATE, default 95)."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    obj = sys.argv[1]
    gate = float(os.environ.get("LKEDOC_COVERAGE_GATE", "95"))
    out = subprocess.run(["gcovr", "-r", ROOT, "--object-directory", obj, "-f", os.path.join(ROOT, "core") + "/",
                          "--json-summary-pretty"], capture_output=True, text=True, check=True).stdout
    summary = json.loads(out)
    for f in sorted(summary["files"], key=lambda f: f["filename"]):
        print(f"  {f['filename']:<24} lines {f['line_percent']:5.1f}%  branches {f['branch_percent']:5.1f}%")
    lines = (summary["line_covered"], summary["line_total"])
    branches = (summary["branch_covered"], summary["branch_total"])
    lp = 100.0 * lines[0] / lines[1]
    bp = 100.0 * branches[0] / branches[1]
    print(f"coverage core/: lines {lp:.1f}% ({lines[0]}/{lines[1]}), branches {bp:.1f}% ({branches[0]}/{branches[1]})")
    return 0 if lp >= gate and bp >= gate else 1


if __name__ == "__main__":
    sys.exit(main())
