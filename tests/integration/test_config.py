# SPDX-License-Identifier: MIT
"""Configuration that cannot be wrong silently.

lkd_config.h: every knob has a documented range, and a value just outside it
stops the compile with an #error naming the knob while the bounds themselves
compile: a file that declares an lkd_client_t and an lkd_result_t (the arrays
the knobs size), with the host compiler and with the Cortex-M4 one as `make
cross` runs it.  LKD_CONFIG_FINGERPRINT moves with every knob.  An application
compiled with other knobs than its library is refused by lkd_client_init
with LKD_ERR_CONFIG before a byte of its client is written (two builds: the
application's and the library's)."""
import concurrent.futures
import os
import re
import subprocess

from buildinfo import dry_run, is_compiler, make_vars, sources, tls_flags

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEADER = os.path.join(ROOT, "core", "include", "lkd_config.h")
OUT = os.path.join(ROOT, "build", "config")
LIB = os.path.join(ROOT, "build", "liblkedoc.a")
APP = os.path.join(ROOT, "tests", "config", "config_app.c")
CC = os.environ.get("CC", "cc")
WARN = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]
POSIX = ["-D_DEFAULT_SOURCE", "-D_POSIX_C_SOURCE=200809L"]
# The build's mbedTLS (3.6 by default) and its configuration, as the Makefile compiles and links it.
TLS_CPPFLAGS, TLS_LIBS = tls_flags()
INCLUDES = ["-I" + os.path.join(ROOT, d) for d in ("core/include", "core/src", "port/posix")] + TLS_CPPFLAGS
# The host builds (Makefile) compile everything with the diagnostics on.
HOST_KNOBS = ["-DLKD_ENABLE_LOG=1", "-DLKD_ENABLE_TEXTS=1", "-DLKD_CRC64_FAST=1"]
# The one knob that is not a number: lkd_client_init checks its entries.
STRING_KNOBS = {"LKD_DEFAULT_RESULT_HOSTS"}


def parallel(fn, items):
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return list(pool.map(fn, items))


# ---- what the header says -----------------------------------------------------------


def header_text():
    with open(HEADER, encoding="utf-8") as f:
        return f.read()


def knob_defaults():
    """{name: default text} of every `#ifndef X / #define X default` block."""
    return dict(re.findall(r"#ifndef (LKD_\w+)\n#define \1 (.+)\n#endif", header_text()))


def knob_comments():
    """{name: the comment block right above the knob's #ifndef, or above the
    group of #ifndef blocks it belongs to}."""
    text, comments, last = header_text(), {}, ""
    for m in re.finditer(r"(/\*(?:[^*]|\*(?!/))*\*/)\n|#ifndef (LKD_\w+)\n#define \2 .+\n#endif\n", text):
        if m.group(1):
            last = m.group(1)
        else:
            comments[m.group(2)] = " ".join(re.sub(r"\n\s*\*(?!/)", " ", last).split())
    return comments


def error_ranges():
    """{name: (low, high)} from the `#error "X must be LOW .. HIGH"` (or "0 or 1") lines."""
    ranges = {}
    for name, low, sep, high in re.findall(r'#error "(LKD_\w+) must be (\S+) (\.\.|or) ([^,"]+)', header_text()):
        assert name not in ranges, f"two #error lines for {name}"
        ranges[name] = (low, high.strip())
    return ranges


def value_of(expr, defaults):
    """An integer bound: a number, or an expression of other knobs' defaults."""
    expr = re.sub(r"\b(\d+)u\b", r"\1", expr)
    for _ in range(4):
        expr = re.sub(r"\bLKD_\w+\b", lambda m: "(" + defaults[m.group(0)] + ")", expr)
        expr = re.sub(r"\b(\d+)u\b", r"\1", expr)
    assert re.fullmatch(r"[\d\s()*/+-]+", expr), expr
    return eval(expr.replace("/", "//"))  # digits and operators only (checked above)


PROBE = os.path.join(OUT, "probe_client.c")
PROBE_TEXT = ('#include "lkd_job.h"\n'
              'lkd_client_t probe_client;\n'
              'lkd_result_t probe_result;\n'
              'unsigned long probe_fingerprint = LKD_CONFIG_FINGERPRINT;\n')


def write_probe():
    os.makedirs(OUT, exist_ok=True)
    with open(PROBE, "w") as f:
        f.write(PROBE_TEXT)


def m4_command():
    """The Cortex-M4 compiler and its flags (target, warnings, includes,
    mbedTLS config) as `make cross` compiles core/src/lkd_client.c, without
    its source, output and dependency options; run from ROOT."""
    subprocess.run(["make", "-s", make_vars(["CROSS_INC"])["CROSS_INC"][0] + "/.stamp"], cwd=ROOT, check=True)
    cmd = next(c for c in dry_run(["build/cross/lkd_client.o"]) if is_compiler(c) and sources(c))
    assert os.path.basename(cmd[0]) == "arm-none-eabi-gcc", cmd
    out, skip = [], False
    for a in cmd:
        if skip:
            skip = False
        elif a in ("-o", "-MF", "-MT"):
            skip = True
        elif a not in ("-c", "-MMD", "-MP") and not a.endswith(".c"):
            out.append(a)
    return out


HOST_COMMAND = [CC] + WARN + ["-I" + os.path.join(ROOT, "core", "include")]


def compile_probe(defines, command=HOST_COMMAND):
    """Compile the probe (write_probe) with this compiler command and these
    -D values; (ok, stderr)."""
    cmd = command + ["-fsyntax-only"] + [f"-D{k}={v}" for k, v in defines.items()] + [PROBE]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    return proc.returncode == 0, proc.stderr


def test_every_knob_documents_a_range_the_header_checks():
    defaults, comments, ranges = knob_defaults(), knob_comments(), error_ranges()
    assert len(defaults) >= 25, sorted(defaults)
    for name in ("LKD_TLS_SESSION_SLOTS", "LKD_TLS_CLOSE_NOTIFY_MS", "LKD_WAIT_FIRST_INTERVAL_MS",
                 "LKD_WAIT_BACKOFF_PERCENT", "LKD_WAIT_MAX_INTERVAL_MS", "LKD_WAIT_TIMEOUT_MS",
                 "LKD_DOWNLOAD_TIMEOUT_MS", "LKD_UPLOAD_PIECE_SIZE"):
        assert name in defaults, f"{name} is not a knob of lkd_config.h"
    assert set(ranges) == set(defaults) - STRING_KNOBS, (set(defaults) ^ set(ranges))
    for name, (low, high) in ranges.items():
        doc = comments[name]
        assert "Range" in doc, f"{name}: no 'Range' in its comment"
        assert f"{low} .. {high}" in doc or f"{low} or {high}" in doc, f"{name}: the comment does not say {low} .. {high}"
    for name in STRING_KNOBS:
        doc = comments[name]
        assert "Range" in doc and "LKD_ERR_CONFIG" in doc, doc


def test_each_knob_just_outside_its_range_stops_the_compile():
    defaults, ranges = knob_defaults(), error_ranges()
    cases = []  # (name, value, must compile)
    for name, (low, high) in ranges.items():
        lo, hi = value_of(low, defaults), value_of(high, defaults)
        if name == "LKD_UPLOAD_PIECE_SIZE":  # also a multiple of 3
            hi -= hi % 3
            cases += [(name, lo + 1, False), (name, hi + 3, False)]
        else:
            cases += [(name, hi + 1, False)]
        cases += [(name, lo - 1, False), (name, lo, True), (name, hi, True)]
    write_probe()
    compilers = (("host", HOST_COMMAND), ("cortex-m4", m4_command()))
    runs = [(where, command, case) for where, command in compilers for case in cases]
    results = parallel(lambda r: compile_probe({r[2][0]: r[2][1]}, r[1]), runs)
    bad = []
    for (where, _, (name, value, ok)), (compiled, err) in zip(runs, results):
        if ok and not compiled:
            bad.append(f"{where}: {name}={value} is inside the range but does not compile:\n{err}")
        elif not ok and (compiled or not re.search(r"#error.*\b%s must be" % name, err)):
            bad.append(f"{where}: {name}={value} is outside the range: {'compiled' if compiled else err}")
    assert not bad, "\n".join(bad)
    for where, command in compilers:
        ok, err = compile_probe({}, command)
        assert ok, f"{where}: {err}"


def fingerprint(defines):
    os.makedirs(OUT, exist_ok=True)
    tag = "_".join(f"{k}{v}" for k, v in sorted(defines.items())) or "default"
    src, exe = os.path.join(OUT, "fp.c"), os.path.join(OUT, "fp-" + tag)
    if not os.path.exists(src):
        with open(src, "w") as f:
            f.write('#include <stdio.h>\n#include "lkd_config.h"\n'
                    'int main(void) { printf("%lu\\n", (unsigned long)LKD_CONFIG_FINGERPRINT); return 0; }\n')
    cmd = [CC] + WARN + ["-I" + os.path.join(ROOT, "core", "include"), "-o", exe, src]
    subprocess.run(cmd + [f"-D{k}={v}" for k, v in defines.items()], check=True)
    return int(subprocess.run([exe], capture_output=True, text=True, check=True).stdout)


def test_every_knob_moves_the_fingerprint():
    defaults, ranges = knob_defaults(), error_ranges()
    changes = []
    for name, (low, high) in ranges.items():
        lo, hi = value_of(low, defaults), value_of(high, defaults)
        now = value_of(defaults[name], defaults)
        step = 3 if name == "LKD_UPLOAD_PIECE_SIZE" else 1
        changes.append({name: now - step if now - step >= lo else now + step})
        assert lo <= changes[-1][name] <= hi, changes[-1]
    prints = parallel(fingerprint, [{}] + changes)
    base = prints[0]
    assert base == fingerprint({}), "the fingerprint is not a constant"
    same = [next(iter(c)) for c, fp in zip(changes, prints[1:]) if fp == base]
    assert not same, f"changing these knobs leaves LKD_CONFIG_FINGERPRINT as it was: {same}"
    assert len(set(prints)) == len(prints), "two configurations share a fingerprint"


# ---- two builds: the application's and the library's ------------------------------


def build_library(tag, defines):
    """liblkedoc.a of core/src and port/posix compiled with these knobs."""
    out = os.path.join(OUT, "lib-" + tag)
    os.makedirs(out, exist_ok=True)
    srcs = sorted(os.path.join(ROOT, "core", "src", f) for f in os.listdir(os.path.join(ROOT, "core", "src"))
                  if f.endswith(".c"))
    srcs.append(os.path.join(ROOT, "port", "posix", "port_posix.c"))

    def compile_one(src):
        obj = os.path.join(out, os.path.basename(src)[:-2] + ".o")
        subprocess.run([CC] + WARN + ["-O1"] + POSIX + INCLUDES + defines + ["-c", src, "-o", obj], check=True)
        return obj

    objs = parallel(compile_one, srcs)
    lib = os.path.join(out, "liblkedoc.a")
    if os.path.exists(lib):
        os.remove(lib)
    subprocess.run(["ar", "rcs", lib] + objs, check=True)
    return lib


def run_app(tag, defines, lib=LIB):
    """Build config_app.c with these knobs against lib, run it: its counts as ints."""
    os.makedirs(OUT, exist_ok=True)
    exe = os.path.join(OUT, "app-" + tag)
    subprocess.run([CC] + WARN + ["-O1"] + POSIX + INCLUDES + defines + ["-o", exe, APP, lib] + TLS_LIBS,
                   check=True)
    out = subprocess.run([exe], capture_output=True, text=True, check=True, timeout=30).stdout
    return {k: int(v) for k, v in re.findall(r"(\w+)=(-?\d+)", out)}


def assert_refused_untouched(r, what):
    assert r["status"] == r["config"], (what, r)
    assert (r["before"], r["inside"], r["after"]) == (0, 0, 0), f"{what}: init wrote to the client: {r}"


def test_application_compiled_with_other_knobs_is_refused():
    same = run_app("same", HOST_KNOBS)
    assert same["status"] == 0 and same["inside"] > 0, same
    assert (same["before"], same["after"]) == (0, 0), same
    # Smaller than the library believes (it must not write past the end), larger
    # (it must not write a layout the application does not have), and of the
    # same size: only the fingerprint tells these apart from the library's.
    for tag, knobs in (("response1024", ["-DLKD_RESPONSE_BUFFER_SIZE=1024u"]),
                       ("response8192", ["-DLKD_RESPONSE_BUFFER_SIZE=8192u"]),
                       ("tokens64", ["-DLKD_JSON_MAX_TOKENS=64u"]),
                       ("retries2", ["-DLKD_RETRY_COUNT=2u"]),
                       ("nolog", ["-DLKD_ENABLE_TEXTS=1"]),
                       ("notexts", ["-DLKD_ENABLE_LOG=1"]),
                       ("crc64small", ["-DLKD_ENABLE_LOG=1", "-DLKD_ENABLE_TEXTS=1"])):
        r = run_app(tag, (HOST_KNOBS if tag not in ("nolog", "notexts", "crc64small") else []) + knobs)
        assert_refused_untouched(r, tag)
        if tag == "response1024":
            assert r["size"] < same["size"], (r, same)
        if tag == "response8192":
            assert r["size"] > same["size"], (r, same)
        if tag in ("retries2", "nolog", "notexts", "crc64small"):
            assert r["size"] == same["size"], (r, same)


def test_library_compiled_with_other_knobs_refuses_the_default_application():
    knobs = HOST_KNOBS + ["-DLKD_RESPONSE_BUFFER_SIZE=8192u"]
    lib = build_library("response8192", knobs)
    assert_refused_untouched(run_app("default-on-8192", HOST_KNOBS, lib), "default app, 8192 library")
    r = run_app("8192-on-8192", knobs, lib)
    assert r["status"] == 0 and r["before"] == 0 and r["after"] == 0, r


def test_unusable_default_result_hosts_are_refused_at_init():
    # The same (bad) list in both builds: the fingerprint agrees, the entries do not pass.
    knobs = HOST_KNOBS + ['-DLKD_DEFAULT_RESULT_HOSTS=".myqcloud.com","bad host"']
    lib = build_library("bad-hosts", knobs)
    assert_refused_untouched(run_app("bad-hosts", knobs, lib), "bad LKD_DEFAULT_RESULT_HOSTS")
