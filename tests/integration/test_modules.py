# SPDX-License-Identifier: MIT
"""The modules of core/src call each other without a cycle.

A module is one core/src/*.c; module A uses module B when A's object file
references a symbol B's object defines (nm: what the linker resolves, so a call
through a macro or an inline helper in a header is counted where it lands and a
mere type from a header is not).  With no cycle the modules read bottom up:
each one can be understood, and tested, from the ones below it."""
import glob
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OBJ_DIR = os.path.join(ROOT, "build", "obj", "core", "src")


def symbols(obj):
    """(defined, undefined) global symbols of one object file."""
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRCGS":
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
    return defined, undefined


def public_names():
    """Every identifier the public headers (core/include) declare or use, comments left out."""
    names = set()
    for path in glob.glob(os.path.join(ROOT, "core", "include", "*.h")):
        with open(path, encoding="utf-8") as f:
            code = re.sub(r"//[^\n]*", "", re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S))
        names |= set(re.findall(r"\b[A-Za-z_]\w*\b", code))
    return names


def module_graph():
    """{module: {used module: sorted symbols}} over every core/src/*.c's object."""
    modules = sorted(os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(ROOT, "core", "src", "*.c")))
    owner, wanted = {}, {}
    for m in modules:
        obj = os.path.join(OBJ_DIR, m + ".o")
        src = os.path.join(ROOT, "core", "src", m + ".c")
        assert os.path.exists(obj) and os.path.getmtime(obj) >= os.path.getmtime(src), \
            f"{obj} missing or older than its source: run make all first"
        defined, wanted[m] = symbols(obj)
        for s in defined:
            owner[s] = m
    graph = {}
    for m in modules:
        uses = {}
        for s in wanted[m]:
            if s in owner and owner[s] != m:
                uses.setdefault(owner[s], []).append(s)
        graph[m] = {k: sorted(v) for k, v in uses.items()}
    return graph


def find_cycle(graph):
    """One cycle as a list of modules [a, b, ..., a], or None."""
    state = {}  # absent: not seen; 1: on the current path; 2: done

    def visit(m, path):
        state[m] = 1
        path.append(m)
        for n in sorted(graph.get(m, {})):
            if state.get(n) == 1:
                return path[path.index(n):] + [n]
            if n not in state:
                found = visit(n, path)
                if found:
                    return found
        path.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state:
            found = visit(m, [])
            if found:
                return found
    return None


def describe(graph, cycle):
    return " -> ".join(f"{a} ({', '.join(graph[a][b][:3])})" for a, b in zip(cycle, cycle[1:])) + f" -> {cycle[-1]}"


def test_cycle_finder_finds_a_cycle():
    # The check below is only as good as this: a planted cycle is found and named.
    graph = {"a": {"b": ["b_f"]}, "b": {"c": ["c_f"]}, "c": {"a": ["a_f"]}, "d": {"a": ["a_f"]}}
    cycle = find_cycle(graph)
    assert cycle == ["a", "b", "c", "a"], cycle
    assert describe(graph, cycle) == "a (b_f) -> b (c_f) -> c (a_f) -> a", describe(graph, cycle)
    assert find_cycle({"a": {"b": ["f"]}, "b": {}, "c": {"a": ["g"], "b": ["h"]}}) is None


def test_core_modules_have_no_cycle():
    graph = module_graph()
    # Not vacuous: the graph has the edges the design has.
    assert "lkd_tls_connect" in graph["lkd_call"].get("lkd_tls", []), graph["lkd_call"]
    assert "lkd_call" in graph["lkd_client"] and "lkd_call" in graph["lkd_job"], graph
    cycle = find_cycle(graph)
    assert cycle is None, "core/src modules call each other in a cycle: " + describe(graph, cycle)


def test_call_machinery_knows_no_action():
    # lkd_call.c is the machinery the actions (lkd_client.c, lkd_job.c) are
    # built on: it must not call back up into them, nor the clock into either.
    graph = module_graph()
    for low in ("lkd_call", "lkd_clock", "lkd_result"):
        for high in ("lkd_client", "lkd_job"):
            assert high not in graph[low], f"{low}.c calls {high}.c: {graph[low][high]}"


def test_internal_names_carry_their_module_prefix():
    # One prefix per module: what a core/src object exports is its module's
    # (lkd_call.c: lkd_call and lkd_call_*) unless it is the public API.
    public = public_names()
    assert "lkd_client_init" in public and "lkd_http_parse" not in public
    wrong = []
    for m in sorted(os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(ROOT, "core", "src", "*.c"))):
        defined, _ = symbols(os.path.join(OBJ_DIR, m + ".o"))
        wrong += [f"{s} in {m}.c" for s in sorted(defined) if s != m and not s.startswith(m + "_") and s not in public
                  and (m, s) != ("lkd_psa_rng", "mbedtls_psa_external_get_random")]  # the name mbedTLS 3.x calls
    assert not wrong, "internal names without their module's prefix: " + ", ".join(wrong)
