# SPDX-License-Identifier: MIT
"""valgrind memcheck over the CLI (build/lkedoc, the ordinary build) against
the mock: a status call, the whole job (create with a streamed file, wait,
download), a resumed download, an expired result URL, retried rate limits, an
API error and a TLS refusal.  Each run must end with its usual exit status,
no memcheck error and no definite or indirect leak (mbedTLS, 3.6 by
default, allocates on the heap; lkd_client_free must give every byte back).  `make
valgrind` runs this suite alone."""
import os
import subprocess
import zipfile

from mockctl import JobFixture, Mock, SECRET_ID, SECRET_KEY

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Not LKEDOC_CLI: that may name a sanitizer build, which cannot run under valgrind.
CLI = os.environ.get("LKEDOC_VALGRIND_CLI", os.path.join(ROOT, "build", "lkedoc"))
STATE = os.path.join(ROOT, "build", "mock-state")
HOST = "lke.intl.tencentcloudapi.com"
DL_HOST = "mock.lkedoc.test"
VALGRIND = ["valgrind", "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=definite,indirect",
            "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99", "--track-origins=yes"]


def setup_suite():
    return JobFixture(STATE, ["--ipv6"], prefix="lkedoc-vg-")


def teardown_suite(ctx):
    if ctx:
        ctx.stop()


def memcheck(ctx, want_exit, *args, ca=None):
    m = ctx.mock
    cmd = VALGRIND + [CLI, "--endpoint", f"{HOST}:{m.port}", "--resolve", f"{HOST}:{m.port}:127.0.0.1",
                      "--resolve", f"{DL_HOST}:{m.download_port}:127.0.0.1", "--result-host", DL_HOST,
                      "--ca-file", ca or m.ca_file,
                      "--poll-interval", "0.05", "--timeout", "60"] + list(args)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent", "LC_ALL": "C.UTF-8",
           "TENCENTCLOUD_SECRET_ID": SECRET_ID, "TENCENTCLOUD_SECRET_KEY": SECRET_KEY}
    p = subprocess.run(cmd, capture_output=True, timeout=300, env=env)
    err = p.stderr.decode("utf-8", "replace")
    assert p.returncode != 99, "memcheck found errors or leaks:\n" + err[-8000:]
    assert p.returncode == want_exit, (p.returncode, err[-8000:])
    assert "ERROR SUMMARY: 0 errors" in err, err[-8000:]
    assert "definitely lost: 0" in err or "All heap blocks were freed" in err or "definitely lost" not in err, err
    return p, err


def test_status_call(ctx):
    ctx.mock.reset()
    p, _ = memcheck(ctx, 0, "--json", "status", "done-vg-status")
    assert b"Success" in p.stdout, p.stdout


def test_whole_job(ctx):
    out = os.path.join(ctx.tmp, "job.zip")
    memcheck(ctx, 0, "parse", ctx.sample, "-o", out)
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None


def test_resumed_download_and_expired_url(ctx):
    out = os.path.join(ctx.tmp, "resumed.zip")
    ctx.mock.config(archive_size=300_000, download_close_after=[100_000], expire_urls=True)
    try:
        _, err = memcheck(ctx, 0, "--verbose", "download", "done-vg-resume", "-o", out)
    finally:
        ctx.mock.config(archive_size=0, download_close_after=[], expire_urls=False)
    assert "403" in err, err[-4000:]
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None


def test_retried_rate_limits(ctx):
    ctx.mock.config(fail_next_api=["RequestLimitExceeded", "503"])
    _, err = memcheck(ctx, 0, "--verbose", "status", "done-vg-retry")
    assert err.count("retrying after") == 2, err[-4000:]


def test_api_error(ctx):
    memcheck(ctx, 3, "status", "missing-vg")


def test_tls_refusal(ctx):
    _, err = memcheck(ctx, 4, "status", "secret-task", ca=ctx.mock.other_ca_file)
    assert "certificate" in err, err[-4000:]
