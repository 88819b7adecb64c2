# SPDX-License-Identifier: MIT
"""What the build says about itself, asked of make and the compilers' command
lines rather than read from the makefiles with patterns: variables as make
expands them, the commands a dry run would execute, and the flags of one
compile line.  Shared by the suites that check the build files."""
import os
import re
import shlex
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMPILERS = {"cc", "gcc", "clang", "arm-none-eabi-gcc"}


def make_vars(names=None, makefile="Makefile", cwd=None, args=()):
    """The named variables (default: every LKEDOC_* one) as make expands them
    after reading `makefile` (with the variable assignments `args`, e.g.
    MBEDTLS=system), each as a list of words."""
    wanted = " ".join(names) if names else "$(filter LKEDOC_%,$(.VARIABLES))"
    rule = f"lkedoc-print-vars: ; $(foreach v,{wanted},$(info $(v)=$($(v))))@:\n"
    proc = subprocess.run(["make", "--no-print-directory", "-s", *args, "-f", makefile, "-f", "-", "lkedoc-print-vars"],
                          input=rule, cwd=cwd or ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = {}
    for line in proc.stdout.splitlines():
        name, _, value = line.partition("=")
        out[name] = value.split()
    return out


def tls_flags(args=()):
    """(compile flags, link arguments) of the mbedTLS the host build uses
    (the Makefile's TLS_CPPFLAGS and TLS_LIBS), paths made absolute: what a
    program built outside the Makefile against build/liblkedoc.a adds."""
    v = make_vars(["TLS_CPPFLAGS", "TLS_LIBS"], args=args)

    def absolute(w):
        if w.startswith("-I") and not os.path.isabs(w[2:]):
            return "-I" + os.path.join(ROOT, w[2:])
        return w if w.startswith("-") or os.path.isabs(w) else os.path.join(ROOT, w)
    # The words as the shell of a recipe would pass them (the -D's quotes).
    cppflags = shlex.split(" ".join(v["TLS_CPPFLAGS"]))
    return [absolute(w) for w in cppflags], [absolute(w) for w in v["TLS_LIBS"]]


def carries_mbedtls3(binary):
    """Whether a program has mbedTLS 3 linked into it (the default build's
    static 3.6 defines PSA's entry point; Debian's 2.28 is a shared library)."""
    try:
        syms = subprocess.run(["nm", binary], capture_output=True, text=True).stdout
    except OSError:
        return False
    return re.search(r" T psa_crypto_init$", syms, re.M) is not None


def dry_run(targets):
    """Every command `make -n -B targets` prints, continuation lines joined,
    each split into words as the shell would.  mbedTLS 3.6's libraries
    (MBED_DEP) are left as they are: a nested make of their own builds them
    (tests/tools/mbedtls3_lib.mk), which -n would run, and its compiles are
    the dependency's, not one of the project's trees."""
    keep = [a for f in make_vars(["MBED_DEP"])["MBED_DEP"] for a in ("-o", f)]
    proc = subprocess.run(["make", "--no-print-directory", "-n", "-B", *keep, *targets], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    cmds, pending = [], ""
    for line in proc.stdout.splitlines():
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        cmds.append(shlex.split(pending + line))
        pending = ""
    return cmds


def is_compiler(argv):
    return bool(argv) and os.path.basename(argv[0]) in COMPILERS


def sources(argv):
    return [a for a in argv[1:] if a.endswith(".c")]


def output(argv):
    return argv[argv.index("-o") + 1] if "-o" in argv else None


def flags(argv):
    """The options of a compile line that are neither inputs, outputs,
    include directories nor macro definitions: code generation and warnings."""
    out, skip = [], False
    for a in argv[1:]:
        if skip:
            skip = False
        elif a in ("-o", "-include", "-MF", "-MT"):
            skip = True
        elif a.startswith(("-I", "-D", "-U")) or a == "-c" or not a.startswith("-"):
            continue
        else:
            out.append(a)
    return out


def codegen(fl):
    """The options that decide the machine code: language standard,
    optimisation, target machine, sections."""
    return [f for f in fl if f.startswith(("-std=", "-O", "-m", "-ffunction-sections", "-fdata-sections"))]


def warnings(fl):
    return [f for f in fl if f.startswith("-W") or f in ("-pedantic", "-w")]
