# SPDX-License-Identifier: MIT
"""Every function of core/ and port/ scores 10 or less with GNU complexity
(Debian package complexity, as the FreeRTOS libraries' CI uses); the boards,
whose main()s parse command lines and bring up devices, 12 or less.

complexity scores a function by its branches, weighted by how deeply they
nest; --horrid-threshold=N makes it exit 4 when any function scores above N,
and --threshold=0 lists every function it scored, so a failure names them."""
import glob
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LINE = re.compile(r"^\s*(\d+)\s+\d+\s+\d+\s+(\S+)\((\d+)\): (\S+)$")


def sources(*patterns):
    files = sorted(f for p in patterns for f in glob.glob(os.path.join(ROOT, p)))
    assert files, patterns
    return [os.path.relpath(f, ROOT) for f in files]


def scores(files, limit):
    """[(score, file, line, function)] of every function complexity scored, and its exit status."""
    proc = subprocess.run(["complexity", "--threshold=0", f"--horrid-threshold={limit}"] + files, cwd=ROOT,
                          capture_output=True, text=True)
    found = []
    for line in proc.stdout.splitlines():
        m = LINE.match(line)
        if m:
            found.append((int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)))
    return found, proc


def check(files, limit):
    found, proc = scores(files, limit)
    # complexity skips what it cannot parse: every file must have been scored.
    unscored = sorted(set(files) - {f for _, f, _, _ in found})
    assert not unscored, f"complexity scored no function in {unscored}:\n{proc.stderr}"
    over = sorted((s, f"{f}({n}): {fn}") for s, f, n, fn in found if s > limit)
    assert not over, f"functions scoring over {limit}: " + ", ".join(f"{name} {s}" for s, name in over)
    assert proc.returncode == 0, f"complexity exited {proc.returncode}:\n{proc.stdout}{proc.stderr}"


def test_limit_is_enforced():
    # Not vacuous: the tool and the parsing see a function over the limit.
    found, proc = scores(sources("core/src/lkd_call.c"), 1)
    assert any(fn == "lkd_call" and s > 1 for s, _, _, fn in found), proc.stdout
    assert proc.returncode == 4, (proc.returncode, proc.stdout, proc.stderr)


def test_core_and_ports_score_at_most_10():
    check(sources("core/src/*.c", "port/*/*.c"), 10)


def test_boards_score_at_most_12():
    check(sources("boards/*/*.c"), 12)
