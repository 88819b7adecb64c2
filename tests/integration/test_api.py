# SPDX-License-Identifier: MIT
"""The public API boundary: what an application sees of lkedoc.

build/liblkedoc.a exports exactly the functions the public headers declare
(no internals, no jsmn); an application with its own jsmn (implemented in its
own file, or seen through JSMN_HEADER) links and both parsers work; the
public headers define no jsmn macro and pull in no jsmn header; they compile
as C++ with C linkage; and the CLI and boards are built from the public
headers alone and include nothing of core/src.
"""
import glob
import os
import re
import subprocess

from buildinfo import carries_mbedtls3, dry_run, output, tls_flags
from mockctl import Mock, SECRET_ID, SECRET_KEY

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIB = os.path.join(ROOT, "build", "liblkedoc.a")
OUT = os.path.join(ROOT, "build", "api")
STATE = os.path.join(ROOT, "build", "mock-state-api")
API = os.path.join(ROOT, "tests", "api")
HOST = "lke.intl.tencentcloudapi.com"
CORE_INCLUDE = os.path.join(ROOT, "core", "include")
POSIX_HEADER = os.path.join(ROOT, "port", "posix", "port_posix.h")
# Every header an application may include: the core's and each port's own.
PUBLIC_HEADERS = sorted(glob.glob(os.path.join(CORE_INCLUDE, "*.h")) + glob.glob(os.path.join(ROOT, "port", "*", "*.h")))
INCLUDE_DIRS = sorted({os.path.dirname(h) for h in PUBLIC_HEADERS})
# The build's mbedTLS (3.6 by default): the public headers include its headers.
TLS_CPPFLAGS, TLS_LIBS = tls_flags()
# The knobs of the host library (the Makefile's): lkd_client_init refuses an
# application compiled with others (LKD_ERR_CONFIG).
LIB_KNOBS = ["-DLKD_ENABLE_LOG=1", "-DLKD_ENABLE_TEXTS=1", "-DLKD_CRC64_FAST=1"]
C_FLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-D_DEFAULT_SOURCE", *LIB_KNOBS]


class Ctx:
    mock = None


def setup_suite():
    os.makedirs(OUT, exist_ok=True)
    ctx = Ctx()
    ctx.mock = Mock(STATE, ["--credential", f"{SECRET_ID}:{SECRET_KEY}"])
    ctx.mock.start()
    return ctx


def teardown_suite(ctx):
    if ctx and ctx.mock:
        ctx.mock.stop()


def sh(cmd, **kw):
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, **kw)
    assert proc.returncode == 0, f"{' '.join(cmd)}: exit {proc.returncode}\n{proc.stdout}{proc.stderr}"
    return proc.stdout


def includes(dirs):
    """An application's include path: these directories and the mbedTLS the library was built with."""
    return ["-I" + d for d in dirs] + TLS_CPPFLAGS


def defined_globals(archive):
    out = sh(["nm", "-g", "--defined-only", archive])
    return {line.split()[-1] for line in out.splitlines() if len(line.split()) == 3}


def declared_functions(headers):
    """{name: header} of every function the headers declare, as gcc sees them
    (-aux-info: one line per prototype, with the file that declared it)."""
    src = os.path.join(OUT, "declared.c")
    aux = os.path.join(OUT, "declared.aux")
    with open(src, "w", encoding="utf-8") as f:
        f.writelines(f'#include "{os.path.basename(h)}"\n' for h in headers)
    sh(["cc", "-std=c99", *includes(INCLUDE_DIRS), "-aux-info", aux, "-fsyntax-only", src])
    found = {}
    with open(aux, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"/\* (\S+):\d+:\w+ \*/ .*?\b(\w+) \(", line)
            if m and os.path.realpath(m.group(1)) in {os.path.realpath(h) for h in headers}:
                found[m.group(2)] = os.path.relpath(m.group(1), ROOT)
    return found


MBEDTLS_CALLBACKS = {"mbedtls_psa_external_get_random"}
CLI_BIN = os.path.join(ROOT, "build", "lkedoc")


def test_archive_exports_only_the_public_functions():
    exported = defined_globals(LIB)
    declared = declared_functions([h for h in PUBLIC_HEADERS if h.startswith(CORE_INCLUDE)] + [POSIX_HEADER])
    # lkd_client_init is a macro over lkd_client_init_checked (it hands over the configuration).
    assert len(declared) >= 25 and "lkd_client_init_checked" in declared and "lkd_port_posix_init" in declared, declared
    assert all(name.startswith("lkd_") for name in declared), sorted(declared)
    # Besides them, the one callback mbedTLS 3.x names and calls itself: PSA's
    # random source (core/src/lkd_psa_rng.c), only in a 3.x build.
    if carries_mbedtls3(CLI_BIN):
        assert MBEDTLS_CALLBACKS <= exported, sorted(exported)
    extra = sorted(exported - set(declared) - MBEDTLS_CALLBACKS)
    missing = sorted(set(declared) - exported)
    assert not extra, f"liblkedoc.a exports what no public header declares: {extra}"
    assert not missing, f"declared in a public header but not in liblkedoc.a: {missing}"
    # The internals are still there, only local: the library is whole.
    internal = defined_globals(os.path.join(ROOT, "build", "liblkedoc-internal.a"))
    assert {"lkd_http_parse", "lkd_tls_connect", "lkd_sign_tc3"} <= internal, sorted(internal)
    local = sh(["nm", "--defined-only", LIB])
    assert re.search(r" t lkd_http_parse\n", local), "lkd_http_parse is not in the archive at all"


def test_archive_has_no_jsmn_symbol():
    # Not even in the archive of every symbol: jsmn is compiled static
    # (JSMN_STATIC), not merely hidden by the public archive's symbol list.
    for archive in (LIB, os.path.join(ROOT, "build", "liblkedoc-internal.a")):
        out = sh(["nm", "-g", archive])
        assert "lkd_json_parse" in sh(["nm", archive]), "sanity: the JSON helpers are in " + archive
        assert not re.search(r"\bjsmn_", out), (archive, [line for line in out.splitlines() if "jsmn_" in line])


def test_public_headers_leak_no_jsmn():
    src = os.path.join(OUT, "all_headers.c")
    with open(src, "w", encoding="utf-8") as f:
        f.writelines(f'#include "{os.path.basename(h)}"\n' for h in PUBLIC_HEADERS)
    macros = sh(["cc", "-std=c99", *includes(INCLUDE_DIRS), "-E", "-dM", src])
    assert "#define LKD_VERSION_STRING" in macros, "sanity: the headers were read"
    leaked = [line for line in macros.splitlines() if re.match(r"#define JSMN", line)]
    assert not leaked, leaked
    deps = sh(["cc", "-std=c99", *includes(INCLUDE_DIRS), "-M", src])
    assert "lkd_internal.h" in deps and "jsmn" not in deps, deps


def build_app(name, sources, defs=()):
    exe = os.path.join(OUT, name)
    sh(["cc", *C_FLAGS, *defs, *includes([CORE_INCLUDE, os.path.dirname(POSIX_HEADER)]), "-o", exe,
        *[os.path.join(API, s) for s in sources], LIB, *TLS_LIBS])
    return exe


def run_app_against_mock(ctx, exe):
    out = sh([exe, HOST, str(ctx.mock.port), ctx.mock.ca_file, SECRET_ID, SECRET_KEY], timeout=60)
    assert "own jsmn: 6 tokens, first key app" in out, out
    # lkedoc's own jsmn decoded the service's answer.
    assert "lkedoc: Success, result https://" in out, out
    assert nm_defines(exe, "jsmn_parse"), "the application's own jsmn_parse is not in the program"


def nm_defines(exe, symbol):
    out = sh(["nm", "--defined-only", exe])
    return re.search(r" T " + re.escape(symbol) + r"\n", out) is not None


def test_app_with_its_own_jsmn_links_and_both_work(ctx):
    run_app_against_mock(ctx, build_app("app_jsmn", ["app_jsmn.c"]))


def test_app_with_jsmn_header_links_and_both_work(ctx):
    run_app_against_mock(ctx, build_app("app_jsmn_header", ["app_jsmn.c", "app_jsmn_impl.c"], ["-DAPP_JSMN_HEADER"]))


def test_public_headers_compile_as_cxx_with_c_linkage():
    src = os.path.join(API, "cxx_headers.cpp")
    with open(src, encoding="utf-8") as f:
        text = f.read()
    missing = [os.path.basename(h) for h in PUBLIC_HEADERS if f'#include "{os.path.basename(h)}"' not in text]
    assert not missing, f"{src} does not include every public header: {missing}"
    exe = os.path.join(OUT, "cxx_headers")
    sh(["g++", "-std=c++11", "-Wall", "-Wextra", "-Werror", "-pedantic", *LIB_KNOBS, *includes(INCLUDE_DIRS), "-o",
        exe, src, LIB, *TLS_LIBS])
    out = sh([exe])
    with open(os.path.join(CORE_INCLUDE, "lkd_version.h"), encoding="utf-8") as f:
        version = ".".join(re.findall(r"#define LKD_VERSION_(?:MAJOR|MINOR|PATCH) (\d+)", f.read()))
    assert out.startswith("c++: lkedoc %s, deadline passed, Success: ok" % version), (version, out)


def test_public_headers_have_extern_c_guards():
    # A header with only macros (lkd_config.h) declares nothing to guard.
    unguarded = []
    for h in PUBLIC_HEADERS:
        with open(h, encoding="utf-8") as f:
            text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
        declares = re.search(r"^\s*(typedef|struct|enum|[\w\s\*]+\()", text, flags=re.M) is not None
        opens = re.search(r'#ifdef __cplusplus\s*\nextern "C" \{\s*\n#endif', text)
        closes = re.search(r"#ifdef __cplusplus\s*\n\}\s*\n#endif", text)
        if declares and not (opens and closes and opens.start() < closes.start()):
            unguarded.append(os.path.relpath(h, ROOT))
    assert not unguarded, f"no extern \"C\" guard: {unguarded}"


# ---- the CLI and the boards are applications of the public API ----------------------

BOARD_SOURCES = sorted(glob.glob(os.path.join(ROOT, "boards", "*", "*.c")) + glob.glob(os.path.join(ROOT, "boards", "*.h")) +
                       glob.glob(os.path.join(ROOT, "boards", "*", "*.h")))
# Objects of the boards as the Makefile builds them (the mps2-an386 unit-test
# runner, main.c and startup.c, runs the core's internals and is left out).
BOARD_OBJECTS = (
    [f"build/obj/boards/{b}/{os.path.basename(c)[:-2]}.o" for b in ("posix", "lwip-tap", "lwip-raw-tap")
     for c in sorted(glob.glob(os.path.join(ROOT, "boards", b, "*.c")))] +
    [f"build/fw/board/{os.path.basename(c)[:-2]}.o" for c in sorted(glob.glob(os.path.join(ROOT, "boards", "mps2-an386", "*.c")))
     if os.path.basename(c) not in ("main.c", "startup.c")])


def test_boards_include_nothing_of_core_src():
    private = {os.path.basename(p) for p in glob.glob(os.path.join(ROOT, "core", "src", "*.h"))}
    assert "lkd_tls_policy.h" in private and len(BOARD_SOURCES) > 20, (private, BOARD_SOURCES)
    bad = []
    for path in BOARD_SOURCES:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                m = re.match(r'\s*#\s*include\s*[<"]([^>"]+)[>"]', line)
                if m and os.path.basename(m.group(1)) in private:
                    bad.append(f"{os.path.relpath(path, ROOT)}:{n}: {m.group(1)}")
                if re.search(r"\binternal\.", line):
                    bad.append(f"{os.path.relpath(path, ROOT)}:{n}: reads the client's internal member")
    assert not bad, bad


def test_boards_compile_with_the_public_headers_only():
    # What make would run for each board object (-n: nothing is built).
    lines = {}
    for argv in dry_run(BOARD_OBJECTS):
        line = " ".join(argv)
        m = re.search(r" -c (\S+\.c) -o (\S+\.o)", line)
        if m:
            lines[m.group(2)] = line
    assert sorted(lines) == sorted(BOARD_OBJECTS), (sorted(lines), BOARD_OBJECTS)
    for obj, line in lines.items():
        dirs = re.findall(r"-I\s*(\S+)", line)
        assert "core/include" in dirs, (obj, line)
        assert not [d for d in dirs if os.path.normpath(d).startswith("core/src")], (obj, line)
    # The CLI links the archive that exports only the public functions.
    cli = [" ".join(argv) for argv in dry_run(["build/lkedoc"]) if output(argv) == "build/lkedoc"]
    assert cli and "build/liblkedoc.a" in cli[0] and "liblkedoc-internal" not in cli[0], cli


# ---- public names: one prefix per module, one spelling of the defaults functions ----

def strip_comments(text):
    return re.sub(r"//[^\n]*", "", re.sub(r"/\*.*?\*/", " ", text, flags=re.S))


def names_declared(path):
    """The names a header gives to the application: macros, typedef names,
    struct and enum tags it defines, enum constants and functions."""
    with open(path, encoding="utf-8") as f:
        text = strip_comments(f.read())
    names = set(re.findall(r"^\s*#\s*define\s+(\w+)", text, flags=re.M))
    code = re.sub(r"^\s*#.*(?:\\\n.*)*$", "", text, flags=re.M)
    code = re.sub(r'extern\s+"C"\s*\{|^\}\s*$', "", code, flags=re.M)  # the C++ guard's braces
    names |= set(re.findall(r"\b(?:struct|enum)\s+(\w+)\s*\{", code))
    names |= set(re.findall(r"typedef[^;{}]*?\(\s*\*\s*(\w+)\s*\)", code))
    names |= set(re.findall(r"typedef\s+(?:const\s+)?\w+\s+\**\s*(\w+)\s*;", code))
    depth = 0
    for i, ch in enumerate(code):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            m = re.match(r"\s*(\w+)\s*;", code[i + 1:])
            if depth == 0 and m:
                names.add(m.group(1))
    for body in re.findall(r"\benum\b[^{;]*\{([^}]*)\}", code):
        names |= {m.group(1) for m in re.finditer(r"(?:^|,)\s*(\w+)", body)}
    names |= set(declared_functions([path]))
    names.discard("internal")  # lkd_client_t's one member (a nested struct's field name)
    return names


def test_public_names_have_their_modules_prefix():
    bad, seen = [], 0
    for h in PUBLIC_HEADERS:
        rel = os.path.relpath(h, ROOT)
        parts = rel.split(os.sep)
        # A port's header: lkd_port_<port> and lkd_port_<port>_... (LKD_PORT_<PORT>_...);
        # the core's: lkd_... (LKD_...).
        prefix = f"lkd_port_{parts[1].replace('-', '_')}_" if parts[0] == "port" else "lkd_"
        for name in sorted(names_declared(h)):
            seen += 1
            if not (name.lower().startswith(prefix) or name == prefix[:-1]):
                bad.append(f"{rel}: {name}")
    assert seen > 120, seen  # the headers were read
    assert not bad, f"names without their module's prefix: {bad}"


def test_defaults_functions_have_one_spelling():
    # lkd_X_default(lkd_X_t *) fills an lkd_X_t with its defaults.
    aux = os.path.join(OUT, "declared.aux")
    declared_functions(PUBLIC_HEADERS)
    found, bad = [], []
    with open(aux, encoding="utf-8") as f:
        for line in f:
            m = re.search(r"\b(lkd_\w*defaults?) \(([^,)]*)", line)
            if m:
                name, first = m.group(1), m.group(2).strip()
                found.append(name)
                if not (name.endswith("_default") and first == name[: -len("_default")] + "_t *"):
                    bad.append(f"{name}({first})")
    assert len(found) >= 4, found
    assert not bad, f"defaults functions not spelt lkd_X_default(lkd_X_t *): {bad}"
