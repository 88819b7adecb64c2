# SPDX-License-Identifier: MIT
"""The integration suite of test_lwip through build/lkedoc-lwip-raw: the CLI on lwIP's raw API
without an OS (NO_SYS 1, port/lwip-raw), lwIP compiled from Debian's source with
boards/lwip-raw-tap/lwipopts.h, its own tap netif.  Same namespace, tap, dnsmasq and mock, same
tests; names go through lwIP's own resolver (dns_gethostbyname), and the tap runs at MTU 1500
(full 1460-byte segments: the board's netif has no frame-size limit below that).  Two tests of
its own: the binary is the raw-API board, and the whole job is memcheck-clean under valgrind.

The suite builds the binary first (make -s lwip-raw: lwIP's source is fetched and unpacked once).
"""
import importlib.util
import os
import subprocess
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(_HERE))
CLI = os.environ.get("LKEDOC_LWIP_RAW_CLI", os.path.join(ROOT, "build", "lkedoc-lwip-raw"))
TAP_MTU = 1500

# test_lwip under its own name: the runner loads each suite file on its own, so this copy's
# module state is separate from the test_lwip suite's.
_spec = importlib.util.spec_from_file_location("_lwip_suite", os.path.join(_HERE, "test_lwip.py"))
lwip = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lwip)


def setup_suite():
    if "LKEDOC_LWIP_RAW_CLI" not in os.environ:
        p = subprocess.run(["make", "-s", "lwip-raw"], cwd=ROOT, capture_output=True, text=True)
        assert p.returncode == 0, p.stdout + p.stderr
    return lwip.setup_suite(cli=CLI, tap_mtu=TAP_MTU, tag="lwip-raw")


teardown_suite = lwip.teardown_suite

# Every test of test_lwip (none when it skipped: it said why on stderr).
for _name, _fn in list(vars(lwip).items()):
    if _name.startswith("test_") and callable(_fn):
        globals()[_name] = _fn


def test_board_is_lwip_raw_without_an_os(ctx):
    # The banner names the raw API, and the binary carries lwIP itself (no liblwip).
    p = lwip.run(ctx, "--verbose", "--json", "status", "done-raw-banner")
    assert p.returncode == 0, lwip.err(p)
    assert "raw API (NO_SYS)" in lwip.err(p), lwip.err(p)
    libs = subprocess.run(["ldd", CLI], capture_output=True, text=True).stdout
    assert "liblwip" not in libs, libs


def test_whole_job_under_valgrind(ctx):
    # The port and lwIP keep everything in static tables: memcheck finds no error and no leak
    # over the whole job (two connections, DNS, the archive download) and its closes.
    out = os.path.join(ctx.tmp, "vg.zip")
    cmd = ["valgrind", "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=definite,indirect",
           "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99", "-q",
           CLI, "--endpoint", f"{lwip.HOST}:{ctx.mock.port}", "--ca-file", ctx.mock.ca_file,
           "--poll-interval", "0.05", "--result-host", lwip.DL_HOST, "parse", ctx.sample, "-o", out]
    p = subprocess.run(cmd, capture_output=True, timeout=120, env=lwip.env(ctx))
    assert p.returncode == 0, (p.returncode, lwip.err(p)[-4000:])
    assert os.path.getsize(out) > 0


if lwip._SKIP:
    sys.stderr.write(f"!!! test_lwip_raw SKIPPED: {lwip._SKIP}\n")
    del globals()["test_board_is_lwip_raw_without_an_os"]
    del globals()["test_whole_job_under_valgrind"]
