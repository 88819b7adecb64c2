# SPDX-License-Identifier: MIT
"""make install: into a prefix under build/, a program built with nothing but
`pkg-config --cflags --libs lkedoc` compiles, links and runs a client; DESTDIR
stages the same tree; the man page renders without a warning, is found by
man, and documents exactly the options the CLI has.

The default build is on mbedTLS 3.6, which no system package provides: its
archives and headers (with the project's configuration as 3.6's default
mbedtls_config.h) are installed under the prefix's lkedoc/ directories and
lkedoc.pc names them, so the program is built on the very 3.6 the library
was."""
import os
import re
import shutil
import subprocess

from buildinfo import ROOT, make_vars

WORK = os.path.join(ROOT, "build", "test_install")
PREFIX = os.path.join(WORK, "prefix")
CLI = os.environ.get("LKEDOC_CLI", os.path.join(ROOT, "build", "lkedoc"))
# An option as --help and the man page write it: "-o", "--result-host", not
# "X-TC-Region", "1-based" or "UNSIGNED-PAYLOAD".
OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")

APP = r"""
#include <stdio.h>

#include <mbedtls/version.h>

#include "lkd_client.h"
#include "port_posix.h"

static lkd_client_t client;

int main(void)
{
    lkd_settings_t s;
    lkd_port_t port;
    lkd_status_t st;
    lkd_settings_default(&s, LKD_PROFILE_LKE);
    s.secret_id = "AKIDPKGCONFIG";
    s.secret_key = "pkg-config-key";
    lkd_port_posix_init(&port);
    st = lkd_client_init(&client, &s, &port);
    printf("init: %s\n", lkd_strerror(st));
    printf("version: %s\n", LKD_VERSION_STRING);
    printf("mbedtls: %s\n", MBEDTLS_VERSION_STRING);
    lkd_client_free(&client);
    return st == LKD_OK ? 0 : 1;
}
"""


def run(cmd, **kw):
    return subprocess.run(cmd, cwd=kw.pop("cwd", WORK), capture_output=True, text=True, **kw)


def setup_suite():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    proc = run(["make", "-s", "install", "PREFIX=" + PREFIX], cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def teardown_suite(ctx):
    shutil.rmtree(WORK, ignore_errors=True)


def pkg_config(*args):
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.join(PREFIX, "lib", "pkgconfig"))
    proc = run(["pkg-config", *args, "lkedoc"], env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout.split()


def test_install_puts_each_part_in_its_place():
    for rel in ("bin/lkedoc", "lib/liblkedoc.a", "lib/pkgconfig/lkedoc.pc", "share/man/man1/lkedoc.1",
                "include/lkedoc/lkd_client.h", "include/lkedoc/lkd_port.h", "include/lkedoc/port_posix.h"):
        assert os.path.isfile(os.path.join(PREFIX, rel)), rel
    assert os.access(os.path.join(PREFIX, "bin", "lkedoc"), os.X_OK)
    headers = sorted(os.listdir(os.path.join(PREFIX, "include", "lkedoc")))
    public = sorted(os.listdir(os.path.join(ROOT, "core", "include")) + ["port_posix.h", "mbedtls3"])
    assert headers == public, (headers, public)
    # 3.6's archives and headers, with the configuration the archives were built with.
    for rel in ("lib/lkedoc/libmbedtls.a", "lib/lkedoc/libmbedx509.a", "lib/lkedoc/libmbedcrypto.a",
                "include/lkedoc/mbedtls3/mbedtls/ssl.h", "include/lkedoc/mbedtls3/psa/crypto.h",
                "share/doc/lkedoc/mbedtls3-LICENSE"):
        assert os.path.isfile(os.path.join(PREFIX, rel)), rel
    with open(os.path.join(ROOT, "boards", "posix", "lkd_mbedtls3_config.h"), encoding="utf-8") as f:
        config = f.read()
    with open(os.path.join(PREFIX, "include", "lkedoc", "mbedtls3", "mbedtls", "mbedtls_config.h"),
              encoding="utf-8") as f:
        assert f.read() == config
    proc = run([os.path.join(PREFIX, "bin", "lkedoc"), "--help"])
    assert proc.returncode == 0 and "usage: lkedoc" in proc.stdout, proc.stdout + proc.stderr


def test_a_program_builds_with_pkg_config_alone():
    cflags, libs = pkg_config("--cflags"), pkg_config("--libs")
    assert "-I" + os.path.join(PREFIX, "include", "lkedoc") in cflags, cflags
    tls = [os.path.join(PREFIX, "lib", "lkedoc", f"lib{n}.a") for n in ("mbedtls", "mbedx509", "mbedcrypto")]
    assert "-llkedoc" in libs and libs[-3:] == tls, libs
    assert "-I" + os.path.join(PREFIX, "include", "lkedoc", "mbedtls3") in cflags, cflags
    # Every directory and file they name is the prefix's: nothing of the build tree or the system's 2.28.
    paths = [w[2:] if w.startswith(("-I", "-L")) else w for w in cflags + libs if not w.startswith(("-l", "-D"))]
    assert paths and all(p.startswith(PREFIX + os.sep) for p in paths), paths
    assert pkg_config("--variable=prefix") == [PREFIX]
    src = os.path.join(WORK, "app.c")
    with open(src, "w", encoding="utf-8") as f:
        f.write(APP)
    # Nothing of the source tree on the command line: the headers and the
    # archive come from the prefix only.
    proc = run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-o", "app", src, *cflags, *libs])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run([os.path.join(WORK, "app")])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    m = re.search(r"^version: (\S+)$", proc.stdout, re.M)
    assert m and pkg_config("--modversion") == [m.group(1)], proc.stdout
    # Compiled with 3.6's headers (not /usr/include's 2.28) and linked with its archives.
    with open(os.path.join(ROOT, make_vars(["MBED3_SRC"])["MBED3_SRC"][0], ".unpacked"), encoding="utf-8") as f:
        upstream = f.read().split()[1].split("-")[0]
    assert re.search(rf"^mbedtls: {re.escape(upstream)}$", proc.stdout, re.M), (upstream, proc.stdout)
    syms = run(["nm", os.path.join(WORK, "app")]).stdout
    assert re.search(r" T psa_crypto_init$", syms, re.M), "the program does not carry mbedTLS 3"


def test_destdir_stages_the_same_tree():
    stage = os.path.join(WORK, "stage")
    proc = run(["make", "-s", "install", "PREFIX=/usr/local", "DESTDIR=" + stage], cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    staged = sorted(os.path.relpath(os.path.join(d, f), os.path.join(stage, "usr", "local"))
                    for d, _, fs in os.walk(stage) for f in fs)
    installed = sorted(os.path.relpath(os.path.join(d, f), PREFIX) for d, _, fs in os.walk(PREFIX) for f in fs)
    assert staged == installed, (staged, installed)
    with open(os.path.join(stage, "usr", "local", "lib", "pkgconfig", "lkedoc.pc"), encoding="utf-8") as f:
        pc = f.read()
    assert "prefix=/usr/local\n" in pc and stage not in pc, pc


def rendered_man():
    page = os.path.join(PREFIX, "share", "man", "man1", "lkedoc.1")
    proc = run(["groff", "-man", "-ww", "-Tascii", "-P-cbou", page])
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return proc.stdout


def test_man_renders_without_warnings_and_man_finds_it():
    page = os.path.join(PREFIX, "share", "man", "man1", "lkedoc.1")
    text = rendered_man()
    for head in ("NAME", "SYNOPSIS", "COMMANDS", "OPTIONS", "ENVIRONMENT", "FILES", "EXIT STATUS"):
        assert re.search(rf"^{head}$", text, re.M), head
    env = dict(os.environ, MANWIDTH="80", MANPAGER="cat", PAGER="cat", LC_ALL="C")
    proc = run(["man", "--warnings", "-l", page], env=env)
    assert proc.returncode == 0 and proc.stderr == "" and "lkedoc" in proc.stdout, proc.stderr
    proc = run(["man", "-M", os.path.join(PREFIX, "share", "man"), "-w", "lkedoc"], env=env)
    assert proc.returncode == 0 and proc.stdout.strip() == page, proc.stdout + proc.stderr


def man_options():
    """The options the man page's OPTIONS and COMMAND OPTIONS items name."""
    section, found = None, set()
    for line in rendered_man().splitlines():
        if re.match(r"^[A-Z][A-Z ]*$", line):
            section = line
        elif section in ("OPTIONS", "COMMAND OPTIONS") and re.match(r"^ {7}-", line):
            # An item's tag; a short one ("--json") shares its line with the text.
            found.update(OPTION.findall(line))
    return found


def test_man_documents_every_option_of_the_help():
    proc = run([CLI, "--help"])
    assert proc.returncode == 0, proc.stderr
    helped = set(OPTION.findall(proc.stdout))
    assert {"--service", "--timeout", "--json", "-o"} <= helped, sorted(helped)
    documented = man_options()
    missing = sorted(helped - documented)
    assert not missing, f"lkedoc --help lists options the man page does not document: {missing}"


def test_every_option_the_man_documents_exists():
    documented = man_options()
    assert len(documented) > 20, sorted(documented)
    for opt in sorted(documented):
        proc = run([CLI, opt, "x"])
        assert "unknown option" not in proc.stderr, f"the man page documents {opt}: {proc.stderr}"
