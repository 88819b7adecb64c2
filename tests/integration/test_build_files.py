# SPDX-License-Identifier: MIT
"""The drop-in build files and the project's own build: lkedoc.mk and
lkedocFilePaths.cmake list the same files, and exactly the .c files of core/src
and of each port directory (read by make and cmake themselves, not by a
pattern); every rule that compiles C writes header dependencies, and make reads
them back; every Cortex-M4 build of core uses the one set of target flags."""
import os
import shlex
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK = os.path.join(ROOT, "build", "test_build_files")
# lkedoc.mk's own helpers, not lists an integrator uses.
MK_ONLY = {"LKEDOC_DIR", "LKEDOC_ROOT"}


def make_vars(makefile, names=None, cwd=None, args=()):
    """The variables (all LKEDOC_* or the named ones) as make expands them
    after reading `makefile`, each as a list of words."""
    wanted = " ".join(names) if names else "$(filter LKEDOC_%,$(.VARIABLES))"
    rule = f"lkedoc-print-vars: ; $(foreach v,{wanted},$(info $(v)=$($(v))))@:\n"
    proc = subprocess.run(["make", "--no-print-directory", "-s", "-f", makefile, "-f", "-", *args,
                           "lkedoc-print-vars"], input=rule, cwd=cwd or ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = {}
    for line in proc.stdout.splitlines():
        name, _, value = line.partition("=")
        out[name] = value.split()
    return out


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
    mk = {k: v for k, v in make_vars(os.path.join(ROOT, "lkedoc.mk"), cwd=WORK).items() if k not in MK_ONLY}
    cm = cmake_vars(os.path.join(ROOT, "lkedocFilePaths.cmake"))
    assert "LKEDOC_CORE_SOURCES" in mk and "LKEDOC_CORE_SOURCES" in cm, (sorted(mk), sorted(cm))
    assert sorted(mk) == sorted(cm), f"lkedoc.mk: {sorted(mk)}\nlkedocFilePaths.cmake: {sorted(cm)}"
    for name in mk:
        if name.endswith(("_SOURCES", "_DIRS")):
            a, b = rel(mk[name], WORK), rel(cm[name], ROOT)
        else:
            a, b = mk[name], cm[name]
        assert a == b, f"{name}:\n  lkedoc.mk             {a}\n  lkedocFilePaths.cmake {b}"


def test_lists_are_the_tree():
    mk = make_vars("lkedoc.mk")
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
    mk = make_vars("lkedoc.mk")
    src = os.path.join(ROOT, "build", "src")
    for name, d in (("LKEDOC_MBEDTLS_MODULES", "mbedtls/library"), ("LKEDOC_LWIP_RAW_LWIP_MODULES", "lwip/src")):
        assert len(mk[name]) > 10, name
        assert len(set(mk[name])) == len(mk[name]), f"{name} repeats a module"
        if os.path.isdir(os.path.join(src, d)):
            missing = [m for m in mk[name] if not os.path.isfile(os.path.join(src, d, m + ".c"))]
            assert not missing, f"{name}: no {d}/<name>.c for {missing}"
