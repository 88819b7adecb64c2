# SPDX-License-Identifier: MIT
"""The Frama-C proofs (tests/proofs/, make prove runs them all on two machine
models): make test runs the short subset below on x86_64, in the background
beside the other suites, and checks the runner itself: an alarm fails it, a
justified one does not, a justification that matches nothing fails it, and
so does a harness whose main cannot end.  The README's table must list every
harness, and each harness must say its bound."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN = os.path.join(ROOT, "tests", "proofs", "run.py")
PROOFS = os.path.join(ROOT, "tests", "proofs")
# What make test proves (about 40 s of one core: one harness of each kind, an
# incremental parser, a text parser, JSON, WP): the rest is make prove's.
SUBSET = ["base64", "retry_after", "wp_hex", "json_unescape", "url_parse", "http_pieces"]
# Started before the other suites and run at low priority on one core, so it
# takes the idle time of the suites that wait on networks and processes.
STARTS_EARLY = True


class Ctx:
    proc = None
    out = ""


def setup_suite():
    assert shutil.which("frama-c"), "frama-c is missing (make deps installs frama-c-base)"
    ctx = Ctx()
    ctx.proc = subprocess.Popen(["nice", "-n", "10", sys.executable, RUN, "-j", "1"] + SUBSET,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return ctx


def teardown_suite(ctx):
    if ctx is not None and ctx.proc is not None and ctx.proc.poll() is None:
        ctx.proc.kill()
        ctx.proc.wait()


def harnesses():
    return sorted(d for d in os.listdir(PROOFS) if os.path.isfile(os.path.join(PROOFS, d, "harness.c")))


def run_dir(files):
    """run.py on a directory of its own with one harness 'h' made of files."""
    with tempfile.TemporaryDirectory() as d:
        os.makedirs(os.path.join(d, "h"))
        for name, text in files.items():
            with open(os.path.join(d, "h", name), "w") as f:
                f.write(text)
        r = subprocess.run([sys.executable, RUN, "--dir", d], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


# i may be 4: an alarm EVA cannot call certain, and main still ends for i < 4.
OUT_OF_BOUNDS = ('#include "__fc_builtin.h"\n'
                 "int main(void) { int a[4]; int i = Frama_C_interval(0, 4); a[i] = 1; return 0; }\n")


def test_subset_has_no_unjustified_alarm(ctx):
    out, _ = ctx.proc.communicate(timeout=600)
    assert ctx.proc.returncode == 0, out
    for name in SUBSET:
        assert re.search(rf"^prove {re.escape(name)}: \d+ alarms", out, re.M), (name, out)


def test_an_alarm_fails_the_run():
    rc, out = run_dir({"harness.c": OUT_OF_BOUNDS})
    assert rc == 1, out
    assert "prove h: 1 alarms" in out and "not justified: harness.c:2: index_bound: i < 4" in out, out


def test_a_justified_alarm_passes_and_a_stale_entry_fails():
    why = "at: harness.c:2: index_bound\nwhy: the runner's own test\n"
    rc, out = run_dir({"harness.c": OUT_OF_BOUNDS, "justified": why})
    assert rc == 0 and "prove h: 1 alarms (1 justified)" in out, out
    rc, out = run_dir({"harness.c": OUT_OF_BOUNDS, "justified": why + "\nat: harness.c:9: mem_access\nwhy: x\n"})
    assert rc == 1 and "justified entry matches no alarm: harness.c:9: mem_access" in out, out


def test_a_main_that_never_ends_fails():
    # Every path stops at a certain error: EVA reports no alarm after it, so
    # the run must not pass on silence.
    rc, out = run_dir({"harness.c": "int main(void) { int *p = 0; return *p; }\n",
                       "justified": "at: harness.c:1: mem_access\nwhy: the runner's own test\n"})
    assert rc == 1 and "never ended" in out, out


def test_a_contract_wp_cannot_prove_fails():
    # f's contract is false: WP must leave that goal unproved, the assigns proved.
    harness = "/*@ assigns \\nothing; ensures \\result == n + 1; */\nint f(int n) { return n; }\n"
    rc, out = run_dir({"harness.c": harness, "options": "-wp -wp-fct f -wp-timeout 2\n"})
    assert rc == 1 and "prove h: 1 alarms" in out and "not justified: wp:0: typed_f_ensures" in out, out
    rc, out = run_dir({"harness.c": harness.replace("n + 1", "n"), "options": "-wp -wp-fct f -wp-timeout 2\n"})
    assert rc == 0 and "prove h: 0 alarms" in out, out


def test_every_harness_states_its_bound_and_the_readme_lists_it():
    with open(os.path.join(ROOT, "README.md")) as f:
        readme = f.read()
    section = readme.split("### Proofs", 1)[1].split("\n## ", 1)[0] if "### Proofs" in readme else ""
    assert section, "README has no ### Proofs section"
    listed = set(re.findall(r"^\| `([a-z0-9_]+)` \|", section, re.M))
    assert listed == set(harnesses()), (sorted(listed ^ set(harnesses())), "README vs tests/proofs")
    for name in harnesses():
        with open(os.path.join(PROOFS, name, "harness.c")) as f:
            head = f.read(4000)
        # An EVA harness says its bound; a WP one the range its contracts hold for.
        said = r"\bfor every\b" if name.startswith("wp_") else r"bound"
        assert "SPDX-License-Identifier" in head and re.search(said, head, re.I), name
    assert set(SUBSET) <= set(harnesses()), SUBSET
