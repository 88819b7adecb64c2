# SPDX-License-Identifier: MIT
"""The drop-in build files and the project's own build: lkedoc.mk and
lkedocFilePaths.cmake list the same files, and exactly the .c files of core/src
and of each port directory (read by make and cmake themselves, not by a
pattern); every rule that compiles C writes header dependencies, and make reads
them back; every Cortex-M4 build of core uses the one set of target flags."""
import os
import subprocess

from buildinfo import ROOT, codegen, dry_run, flags, is_compiler, make_vars, output, sources

WORK = os.path.join(ROOT, "build", "test_build_files")
# lkedoc.mk's own helpers, not lists an integrator uses.
MK_ONLY = {"LKEDOC_DIR", "LKEDOC_ROOT"}


def cmake_vars(listfile):
    """Every LKEDOC_* variable lkedocFilePaths.cmake sets, as CMake lists."""
    os.makedirs(WORK, exist_ok=True)
    script = os.path.join(WORK, "print_vars.cmake")
    with open(script, "w", encoding="utf-8") as f:
        f.write(f'include("{listfile}")\n'
                'get_cmake_property(names VARIABLES)\n'
                'foreach(v IN LISTS names)\n'
                '  if(v MATCHES "^LKEDOC_")\n'
                '    string(REPLACE ";" "|" joined "${${v}}")\n'
                '    message(NOTICE "${v}=${joined}")\n'
                '  endif()\n'
                'endforeach()\n')
    proc = subprocess.run(["cmake", "-P", script], cwd=WORK, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = {}
    for line in proc.stderr.splitlines():
        name, _, value = line.partition("=")
        out[name] = value.split("|") if value else []
    return out


def rel(paths, base):
    return [os.path.relpath(os.path.join(base, p), ROOT) for p in paths]


def c_files(d):
    return sorted(os.path.join(d, f) for f in os.listdir(os.path.join(ROOT, d)) if f.endswith(".c"))


def test_make_and_cmake_lists_agree():
    # Included from another directory, as a firmware build does: the paths
    # must follow the file, not the caller's working directory.
    os.makedirs(WORK, exist_ok=True)
    mk = {k: v for k, v in make_vars(makefile=os.path.join(ROOT, "lkedoc.mk"), cwd=WORK).items() if k not in MK_ONLY}
    cm = cmake_vars(os.path.join(ROOT, "lkedocFilePaths.cmake"))
    assert "LKEDOC_CORE_SOURCES" in mk and "LKEDOC_CORE_SOURCES" in cm, (sorted(mk), sorted(cm))
    assert sorted(mk) == sorted(cm), f"lkedoc.mk: {sorted(mk)}\nlkedocFilePaths.cmake: {sorted(cm)}"
    for name in mk:
        if name.endswith(("_SOURCES", "_DIRS")):
            a, b = rel(mk[name], WORK), rel(cm[name], ROOT)
        else:
            a, b = mk[name], cm[name]
        assert a == b, f"{name}:\n  lkedoc.mk             {a}\n  lkedocFilePaths.cmake {b}"


def test_included_then_another_file_keeps_its_paths():
    # An integrator's makefile in its own directory includes lkedoc.mk (by a
    # relative path, or an absolute one) and then another file of its own:
    # LKEDOC_DIR and every list must still name lkedoc's tree, as seen from
    # that makefile's directory, once everything has been read.
    app = os.path.join(WORK, "app")
    os.makedirs(os.path.join(app, "mk"), exist_ok=True)
    with open(os.path.join(app, "mk", "other.mk"), "w", encoding="utf-8") as f:
        f.write("OTHER_SOURCES := other.c\n")
    for how, path in (("relative", os.path.relpath(ROOT, app)), ("absolute", ROOT)):
        makefile = os.path.join(app, f"Makefile.{how}")
        with open(makefile, "w", encoding="utf-8") as f:
            f.write(f"include {path}/lkedoc.mk\ninclude mk/other.mk\n")
        v = make_vars(["LKEDOC_DIR", "LKEDOC_CORE_SOURCES", "LKEDOC_INCLUDE_DIRS", "LKEDOC_PORT_LWIP_RAW_SOURCES"],
                      makefile=makefile, cwd=app)
        assert v["LKEDOC_DIR"] == [path], f"{how}: LKEDOC_DIR is {v['LKEDOC_DIR']}, not {path}"
        assert os.path.isabs(v["LKEDOC_CORE_SOURCES"][0]) == (how == "absolute"), (how, v["LKEDOC_CORE_SOURCES"])
        assert v["LKEDOC_CORE_SOURCES"] == [os.path.join(path, "core", "src", os.path.basename(f))
                                            for f in c_files("core/src")], (how, v["LKEDOC_CORE_SOURCES"])
        for name, files in v.items():
            missing = [f for f in files if not os.path.exists(os.path.join(app, f))]
            assert not missing, f"{how}: {name} names {missing}, not there from {app}"


def test_lists_are_the_tree():
    mk = make_vars(makefile="lkedoc.mk")
    assert mk["LKEDOC_CORE_SOURCES"] == c_files("core/src"), "LKEDOC_CORE_SOURCES is not core/src/*.c (sorted)"
    assert mk["LKEDOC_INCLUDE_DIRS"] == ["core/include"]
    assert mk["LKEDOC_CORE_INCLUDE_DIRS"] == ["core/include", "core/src"]
    ports = sorted(d for d in os.listdir(os.path.join(ROOT, "port")) if os.path.isdir(os.path.join(ROOT, "port", d)))
    assert len(ports) >= 4, ports
    listed = sorted(k[len("LKEDOC_PORT_"):-len("_SOURCES")] for k in mk
                    if k.startswith("LKEDOC_PORT_") and k.endswith("_SOURCES"))
    assert listed == sorted(d.upper().replace("-", "_") for d in ports), (listed, ports)
    for d in ports:
        name = "LKEDOC_PORT_" + d.upper().replace("-", "_")
        assert mk[name + "_SOURCES"] == c_files("port/" + d), f"{name}_SOURCES is not port/{d}/*.c"
        assert mk[name + "_INCLUDE_DIRS"] == ["port/" + d], name


def test_module_lists_name_existing_sources():
    mk = make_vars(makefile="lkedoc.mk")
    src = os.path.join(ROOT, "build", "src")
    for name, d in (("LKEDOC_MBEDTLS_MODULES", "mbedtls/library"), ("LKEDOC_MBEDTLS3_MODULES", "mbedtls3/library"),
                    ("LKEDOC_LWIP_RAW_LWIP_MODULES", "lwip/src")):
        assert len(mk[name]) > 10, name
        assert len(set(mk[name])) == len(mk[name]), f"{name} repeats a module"
        if os.path.isdir(os.path.join(src, d)):
            missing = [m for m in mk[name] if not os.path.isfile(os.path.join(src, d, m + ".c"))]
            assert not missing, f"{name}: no {d}/<name>.c for {missing}"


# Every object tree of the build: the phony targets that build one, and the
# variables that list the files of the others.
TREES = ["all", "cross", "m4", "firmware", "lwip", "lwip-raw", "sanitize-build", "fuzz-build", "tls-pool-build",
         "bench-build"]
TREE_VARS = ["UNIT_BIN", "COV_UNIT", "FP_OBJ"]


def tree_commands():
    v = make_vars(TREE_VARS + ["COV_DIR"])
    targets = TREES + [w for name in TREE_VARS for w in v[name]] + [v["COV_DIR"][0] + "/lkedoc"]
    return [c for c in dry_run(targets) if is_compiler(c)]


def compiles():
    return [c for c in tree_commands() if sources(c)]


def dep_file(obj):
    """Where gcc and clang write -MMD's dependencies for an output."""
    return obj[:-2] + ".d" if obj.endswith(".o") else obj + ".d"


def test_every_compile_writes_header_dependencies():
    cmds = compiles()
    outs = {output(c) for c in cmds}
    for tree in ("build/obj/", "build/tests/", "build/cross/", "build/m4/", "build/fw/", "build/lwip-raw/",
                 "build/san/", "build/cov/", "build/fuzz/", "build/pool/", "build/bench/", "build/footprint/"):
        assert any(o.startswith(tree) for o in outs), f"the dry run compiles nothing into {tree}"
    bad = [" ".join(c) for c in cmds if "-MMD" not in c or "-MP" not in c]
    assert not bad, "compiled without -MMD -MP:\n" + "\n".join(bad[:10])
    # One .d per output: a command compiling two sources would keep the last one's only.
    multi = [" ".join(c) for c in cmds if len(sources(c)) != 1]
    assert not multi, "one source per compile:\n" + "\n".join(multi[:10])


def test_make_reads_every_dependency_file():
    # A .d that is written but never included is no dependency at all.  Make
    # reads only the .d files that exist, so the missing ones are created
    # empty for the question (an empty one says nothing) and removed after.
    wanted = sorted({dep_file(output(c)) for c in compiles()})
    created, dirs = [], []
    try:
        for d in wanted:
            path = os.path.join(ROOT, d)
            parent = os.path.dirname(path)
            while not os.path.isdir(parent):
                dirs.append(parent)
                parent = os.path.dirname(parent)
            if not os.path.exists(path):
                os.makedirs(os.path.dirname(path), exist_ok=True)
                open(path, "w").close()
                created.append(path)
        read = {os.path.normpath(f) for f in make_vars(["MAKEFILE_LIST"])["MAKEFILE_LIST"]}
    finally:
        for path in created:
            os.remove(path)
        for d in sorted(dirs, key=len, reverse=True):
            if not os.listdir(d):
                os.rmdir(d)
    unread = [d for d in wanted if os.path.normpath(d) not in read]
    assert not unread, "written by -MMD, never included: " + ", ".join(unread[:20])


def test_make_rebuilds_an_object_after_a_header_changes():
    # The mechanism end to end, on the host build `make test` has just made:
    # up to date, and out of date once a header it includes is newer.
    obj = "build/obj/core/src/lkd_http.o"
    subprocess.run(["make", "-s", obj], cwd=ROOT, check=True, capture_output=True)
    assert subprocess.run(["make", "-q", obj], cwd=ROOT).returncode == 0
    assert subprocess.run(["make", "-q", "-W", "core/src/lkd_text.h", obj], cwd=ROOT).returncode == 1
    assert subprocess.run(["make", "-q", "-W", "core/src/lkd_url.h", obj], cwd=ROOT).returncode == 0, \
        "lkd_http.o does not include lkd_url.h: the question above would prove nothing"


def test_every_cortex_m4_build_uses_the_target_flags():
    v = make_vars(["M4_ARCH", "M4_TARGET_CFLAGS"])
    arch, target = v["M4_ARCH"], v["M4_TARGET_CFLAGS"]
    assert set(arch) <= set(target) and "-mfloat-abi=hard" in arch and "-Os" in target, v
    m4 = [c for c in tree_commands() if os.path.basename(c[0]) == "arm-none-eabi-gcc"]
    outs = {output(c).split("/")[1] for c in m4 if output(c)}
    assert {"cross", "m4", "fw", "footprint"} <= outs, outs
    for c in m4:
        fl = flags(c)
        if sources(c):
            missing = [f for f in target if f not in fl]
            assert not missing, f"{output(c)}: missing {missing} of M4_TARGET_CFLAGS"
            assert sorted(codegen(fl)) == sorted(codegen(target)), f"{output(c)}: {codegen(fl)}"
        else:
            assert sorted(codegen(fl)) == sorted(arch), f"link of {output(c)}: {codegen(fl)} (M4_ARCH: {arch})"


def test_template_port_builds_for_the_target_without_an_os():
    proc = subprocess.run(["make", "-s", "-B", "build/cross/port/port_template.o"], cwd=ROOT, capture_output=True,
                          text=True)
    assert proc.returncode == 0 and "warning" not in proc.stderr, proc.stdout + proc.stderr
    head = subprocess.run(["arm-none-eabi-readelf", "-h", os.path.join(ROOT, "build/cross/port/port_template.o")],
                          capture_output=True, text=True, check=True).stdout
    assert "ARM" in head, head
    d = os.path.join(ROOT, "port", "template")
    for name in sorted(os.listdir(d)):
        with open(os.path.join(d, name), encoding="utf-8") as f:
            incs = [line.split()[1] for line in f if line.startswith("#include")]
        assert incs and all(i.startswith('"') for i in incs), f"port/template/{name} includes {incs}"
