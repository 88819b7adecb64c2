# SPDX-License-Identifier: MIT
"""The whole document job through the CLI against the mock: create (FileUrl,
streamed FileBase64, UNSIGNED-PAYLOAD), wait, download with resume and URL
refresh, retries, a device clock that is hours off or unset, and memory that
does not grow with the document."""
import hashlib
import glob
import json
import os
import pty
import re
import shutil
import subprocess
import sys
import time
import zipfile

from mockctl import JobFixture, Mock, SECRET_ID, SECRET_KEY

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.environ.get("LKEDOC_CLI", os.path.join(ROOT, "build", "lkedoc"))
STATE = os.path.join(ROOT, "build", "mock-state")
SAMPLE = os.path.join(ROOT, "tests", "tools", "make_sample.py")
HOST = "lke.intl.tencentcloudapi.com"
DL_HOST = "mock.lkedoc.test"


def setup_suite():
    return JobFixture(STATE, ["--ipv6"], prefix="lkedoc-job-")


def teardown_suite(ctx):
    if ctx:
        ctx.stop()


def cli_args(ctx, host=HOST):
    m = ctx.mock
    return [CLI, "--endpoint", f"{host}:{m.port}", "--resolve", f"{host}:{m.port}:127.0.0.1",
            "--resolve", f"{DL_HOST}:{m.download_port}:127.0.0.1", "--result-host", DL_HOST, "--ca-file", m.ca_file,
            "--poll-interval", "0.05"]


def env(extra=None):
    e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent", "LC_ALL": "C.UTF-8",
         "TENCENTCLOUD_SECRET_ID": SECRET_ID, "TENCENTCLOUD_SECRET_KEY": SECRET_KEY}
    e.update(extra or {})
    return e


def run(ctx, *args, host=HOST, prefix=(), extra_env=None, timeout=120):
    return subprocess.run(list(prefix) + cli_args(ctx, host) + list(args), capture_output=True, timeout=timeout,
                          env=env(extra_env))


def err(p):
    return p.stderr.decode("utf-8", "replace")


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def check_zip(path):
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert z.testzip() is None, "corrupt member"
    assert any(n.endswith(".md") for n in names), names
    return names


# ---- the whole job ------------------------------------------------------------------


def test_parse_does_the_whole_job(ctx):
    ctx.mock.reset()
    out = os.path.join(ctx.tmp, "result.zip")
    p = run(ctx, "parse", ctx.sample, "-o", out)
    assert p.returncode == 0, err(p)
    check_zip(out)
    assert not glob.glob(out + ".*part")  # OUT.<task>.part
    st = ctx.mock.stats()
    create = st["last_create"]
    assert create["FileType"] == "PDF", create
    assert create["sha256"] == sha256_file(ctx.sample), "the mock decoded other bytes than the file's"
    assert create["Config"] == {"TableResultType": "0", "ResultType": "0"}, create
    assert st["last_unsigned_payload"] is False
    assert "\r" not in err(p), "no progress line when stderr is not a terminal"
    # create + 3 polls on one API connection; the archive from the other host.
    assert (st["handshakes"], st["requests"]) == (1, 4), st
    assert (st["download"]["handshakes"], st["download"]["gets"]) == (1, 1), st["download"]


def test_create_with_url_and_options(ctx):
    p = run(ctx, "--json", "create", "--url", "https://docs.example.test/a&b/invoice.pdf", "--type", "pdf",
            "--pages", "2-5", "--table", "html", "--result-type", "3")
    assert p.returncode == 0, err(p)
    task = json.loads(p.stdout)["TaskId"]
    create = ctx.mock.stats()["last_create"]
    assert create["FileUrl"] == "https://docs.example.test/a&b/invoice.pdf", create
    assert (create["FileType"], create["FileStartPageNumber"], create["FileEndPageNumber"]) == ("PDF", 2, 5)
    assert create["Config"] == {"TableResultType": "1", "ResultType": "3"}, create
    p = run(ctx, "create", "--url", "https://docs.example.test/x.pdf")
    assert p.returncode == 0 and p.stdout.decode().strip().startswith("task-"), (p.stdout, err(p))
    assert task != p.stdout.decode().strip()


def test_unsigned_payload_streams_once(ctx):
    p = run(ctx, "create", "--file", ctx.sample, "--unsigned-payload")
    assert p.returncode == 0, err(p)
    st = ctx.mock.stats()
    assert st["last_unsigned_payload"] is True
    assert st["last_create"]["sha256"] == sha256_file(ctx.sample)


def test_lkeap_needs_a_type_and_takes_extras(ctx):
    plain = os.path.join(ctx.tmp, "noext")
    shutil.copy(ctx.sample, plain)
    p = run(ctx, "--service", "lkeap", "create", "--file", plain, host="lkeap.tencentcloudapi.com")
    assert p.returncode == 2 and "--type" in err(p), err(p)
    p = run(ctx, "--service", "lkeap", "create", "--file", plain, "--type", "PDF", host="lkeap.tencentcloudapi.com")
    assert p.returncode == 0, err(p)


def page_members(path):
    return sorted(int(n.rsplit("_page_", 1)[1][:-5]) for n in zipfile.ZipFile(path).namelist() if "_page_" in n)


def test_lke_parses_the_whole_document(ctx):
    # lke stops at page 100 unless told otherwise: the client sends the whole range.
    doc = os.path.join(ctx.tmp, "long.pdf")
    subprocess.run([sys.executable, SAMPLE, doc, "--pages", "150"], check=True)
    out = os.path.join(ctx.tmp, "long.zip")
    p = run(ctx, "parse", doc, "-o", out)
    assert p.returncode == 0, err(p)
    create = ctx.mock.stats()["last_create"]
    assert (create["FileStartPageNumber"], create["FileEndPageNumber"]) == (1, 1000), create
    assert (create["document_pages"], create["pages_parsed"]) == (150, [1, 150]), create
    assert page_members(out) == list(range(1, 151))
    # A range the user gives is sent as given.
    p = run(ctx, "parse", doc, "-o", out, "--pages", "101-150")
    assert p.returncode == 0, err(p)
    assert page_members(out) == list(range(101, 151))


def test_the_whole_job_on_every_profile(ctx):
    for service, host in (("lke", HOST), ("lkeap", "lkeap.tencentcloudapi.com"),
                          ("lkeap-intl", "lkeap.intl.tencentcloudapi.com")):
        out = os.path.join(ctx.tmp, service + ".zip")
        p = run(ctx, "--service", service, "--json", "parse", ctx.sample, "-o", out, host=host)
        assert p.returncode == 0, (service, err(p))
        assert json.loads(p.stdout)["Status"] == "Success"
        check_zip(out)
        create = ctx.mock.stats()["last_create"]
        assert create["sha256"] == sha256_file(ctx.sample) and create["pages_parsed"] == [1, 1], create
        # Only lke needs the range spelled out.
        assert (create["FileEndPageNumber"] is not None) == (service == "lke"), create


def test_one_handshake_for_all_polls(ctx):
    p = run(ctx, "create", "--url", "https://docs.example.test/p.pdf")
    task = p.stdout.decode().strip()
    ctx.mock.config(polls_to_success=6)
    before = ctx.mock.stats()
    try:
        p = run(ctx, "--json", "wait", task)
    finally:
        ctx.mock.config(polls_to_success=2)
    assert p.returncode == 0, err(p)
    assert json.loads(p.stdout)["Status"] == "Success"
    after = ctx.mock.stats()
    assert after["requests"] - before["requests"] == 7
    assert after["handshakes"] - before["handshakes"] == 1, (before["handshakes"], after["handshakes"])


def test_wait_reports_a_failed_task(ctx):
    p = run(ctx, "--service", "lkeap", "wait", "fail-job", host="lkeap.tencentcloudapi.com")
    assert p.returncode == 7, (p.returncode, err(p))
    assert "FailedOperation.FileParseError" in err(p), err(p)
    assert b"Failed" in p.stdout


def test_wait_stops_on_pause(ctx):
    p = run(ctx, "--service", "lkeap", "wait", "pause-job", host="lkeap.tencentcloudapi.com")
    assert p.returncode == 7 and "paused" in err(p), err(p)


def timed_under(ctx, fault, restore, *args):
    """Run the CLI while the mock has `fault` set; (process, seconds taken)."""
    ctx.mock.config(**fault)
    try:
        t0 = time.monotonic()
        p = run(ctx, *args)
        return p, time.monotonic() - t0
    finally:
        ctx.mock.config(**restore)


def test_wait_deadline(ctx):
    p, took = timed_under(ctx, {"polls_to_success": 1000}, {"polls_to_success": 2},
                          "--job-timeout", "1.5", "wait", "slow-task")
    assert p.returncode == 5, (p.returncode, err(p))
    assert 1.45 < took < 4, took


def test_progress_line_on_a_terminal(ctx):
    master, slave = pty.openpty()
    try:
        p = subprocess.run(cli_args(ctx) + ["wait", "done-tty"], stdout=subprocess.PIPE, stderr=slave, env=env(),
                           timeout=60)
        os.close(slave)
        slave = None
        shown = os.read(master, 65536).decode("utf-8", "replace")
    finally:
        if slave is not None:
            os.close(slave)
        os.close(master)
    assert p.returncode == 0
    assert "\r" in shown and "status Success" in shown and "elapsed" in shown, repr(shown)


# ---- download --------------------------------------------------------------------------


def download(ctx, task, name, *extra):
    out = os.path.join(ctx.tmp, name)
    p = run(ctx, *extra, "download", task, "-o", out)
    return p, out


def test_download_resumes_after_drops(ctx):
    ctx.mock.config(archive_size=1_000_000)
    try:
        p, clean = download(ctx, "done-resume", "clean.zip")
        assert p.returncode == 0, err(p)
        ctx.mock.config(download_close_after=[100_000, 350_000])
        before = ctx.mock.stats()["download"]
        p, resumed = download(ctx, "done-resume", "resumed.zip", "--verbose")
    finally:
        ctx.mock.config(archive_size=0, download_close_after=[])
    assert p.returncode == 0, err(p)
    assert os.path.getsize(clean) >= 1_000_000
    assert sha256_file(clean) == sha256_file(resumed), "the resumed archive differs"
    check_zip(resumed)
    dl = ctx.mock.stats()["download"]
    ranges = dl["ranges"][len(before["ranges"]):]
    assert "bytes=100000-" in ranges and "bytes=450000-" in ranges, ranges


def test_expired_url_is_refreshed(ctx):
    ctx.mock.config(expire_urls=True)
    before = ctx.mock.stats()["requests"]
    p, out = download(ctx, "done-expired", "expired.zip", "--verbose")
    assert p.returncode == 0, err(p)
    assert "403" in err(p), err(p)
    check_zip(out)
    assert ctx.mock.stats()["requests"] - before == 2, "one poll for the URL, one for the fresh one"


def test_download_of_an_unfinished_task(ctx):
    ctx.mock.reset()
    p, out = download(ctx, "young-task", "young.zip")
    assert p.returncode == 7 and "no result" in err(p), err(p)
    assert not os.path.exists(out) and not glob.glob(out + ".*part")  # OUT.<task>.part


# ---- retries --------------------------------------------------------------------------


def test_rate_limits_and_overload_are_retried(ctx):
    ctx.mock.config(fail_next_api=["RequestLimitExceeded", "429", "503", "RequestLimitExceeded.UinLimitExceeded"])
    before = ctx.mock.stats()["requests"]
    p = run(ctx, "--verbose", "--json", "status", "done-retry")
    assert p.returncode == 0, err(p)
    assert ctx.mock.stats()["requests"] - before == 5
    assert err(p).count("retrying after") == 4, err(p)


def test_other_api_errors_are_not_retried(ctx):
    ctx.mock.config(fail_next_api=["InternalError"])
    before = ctx.mock.stats()["requests"]
    p = run(ctx, "status", "done-internal")
    assert p.returncode == 3 and "InternalError" in err(p), err(p)
    assert ctx.mock.stats()["requests"] - before == 1


def test_create_is_not_repeated_once_sent(ctx):
    # The service may have created the task before the connection died: a
    # second create would start a second (billed) task.
    ctx.mock.config(fail_next_api=["close"])
    before = ctx.mock.stats()["requests"]
    p = run(ctx, "create", "--url", "https://docs.example.test/once.pdf")
    assert p.returncode == 8, (p.returncode, err(p))
    assert ctx.mock.stats()["requests"] - before == 1


def test_server_closing_kept_alive_connections(ctx):
    ctx.mock.config(connection_requests_max=2)
    try:
        before = ctx.mock.stats()
        p = run(ctx, "--verbose", "status", *[f"done-cr-{i}" for i in range(6)])
    finally:
        ctx.mock.config(connection_requests_max=None)
    assert p.returncode == 0, err(p)
    after = ctx.mock.stats()
    assert after["requests"] - before["requests"] == 6
    assert after["handshakes"] - before["handshakes"] == 3
    assert after["resumed"] - before["resumed"] == 2, "reconnections resume the TLS session"
    assert "3 TLS handshake(s) (2 resumed)" in err(p), "the client sees the resumptions too"


# ---- limits and memory ---------------------------------------------------------------


def make_doc(ctx, name, size):
    path = os.path.join(ctx.tmp, name)
    subprocess.run([sys.executable, SAMPLE, path, "--pad", str(size)], check=True)
    return path


def test_too_large_file_is_refused_before_sending(ctx):
    big = make_doc(ctx, "big.pdf", 6_400_000)  # base64 of it is over 8 MiB
    before = ctx.mock.stats()
    p = run(ctx, "create", "--file", big)
    assert p.returncode == 2 and "too large" in err(p), err(p)
    after = ctx.mock.stats()
    assert after["requests"] == before["requests"] and after["connections"] == before["connections"]


def peak_rss_kib(cmd):
    code = ("import resource, subprocess, sys\n"
            "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
            "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    out = subprocess.run([sys.executable, "-c", code] + cmd, capture_output=True, text=True, env=env(),
                         timeout=300).stdout.split()
    return int(out[0]), int(out[1])


def test_memory_does_not_grow_with_the_document(ctx):
    small = make_doc(ctx, "small.pdf", 100_000)
    large = make_doc(ctx, "large.pdf", 5_000_000)
    rc_s, rss_s = peak_rss_kib(cli_args(ctx) + ["create", "--file", small])
    rc_l, rss_l = peak_rss_kib(cli_args(ctx) + ["create", "--file", large])
    assert rc_s == 0 and rc_l == 0, (rc_s, rc_l)
    assert ctx.mock.stats()["last_create"]["sha256"] == sha256_file(large)
    # Loading the 5 MB document, or its 6.7 MB base64, would add megabytes.
    assert abs(rss_l - rss_s) < 512, (rss_s, rss_l)


# ---- FailedPages of any length -------------------------------------------------------------

# What the client keeps of the mock's failed_pages=100000 with failed_pages_odd: the first 16
# numbered entries (page 10 is the first odd one), the exact total, every tenth unnumbered.
FIRST_16 = [p for p in range(1, 18) if p != 10]


def check_failed_pages(r, total=100000):
    assert [p["PageNumber"] for p in r["FailedPages"]] == FIRST_16, r["FailedPages"]
    assert (r["FailedPagesTotal"], r["FailedPagesUnnumbered"], r["FailedPagesTruncated"]) == \
        (total, total // 10, True), r


def test_a_result_with_100000_failed_pages_keeps_its_url(ctx):
    # A Success listing a failed page per page (IgnoreFailedPage), odd entries mixed in, far
    # more than the 4 KiB response buffer: the URL, the first numbers and the counts all arrive,
    # whether the answer is framed by Content-Length or chunked.
    for chunked in (False, True):
        ctx.mock.reset()
        ctx.mock.config(failed_pages=100000, failed_pages_odd=True, api_chunked=chunked)
        p = run(ctx, "--json", "status", "done-many-pages")
        assert p.returncode == 0, err(p)
        r = json.loads(p.stdout)
        assert r["Status"] == "Success" and r["DocumentRecognizeResultUrl"].startswith(f"https://{DL_HOST}:"), r
        check_failed_pages(r)
    p = run(ctx, "status", "done-many-pages")
    assert p.returncode == 0, err(p)
    text = p.stdout.decode()
    assert "Result URL: https://" in text, text
    assert "Failed pages: 1 2 3 4 5 6 7 8 9 11 12 13 14 15 16 17 ... (100000 in all, 10000 unnumbered)\n" in text, text
    # The whole job downloads the archive of that answer.
    out = os.path.join(ctx.tmp, "many-pages.zip")
    p = run(ctx, "--json", "parse", ctx.sample, "-o", out)
    assert p.returncode == 0, err(p)
    check_zip(out)
    assert json.loads(p.stdout.splitlines()[-1])["Status"] == "Success", p.stdout
    assert ctx.mock.stats()["download"]["gets"] == 1


def test_memory_does_not_grow_with_the_failed_pages(ctx):
    rss = {}
    for n in (100, 100000):
        ctx.mock.reset()
        ctx.mock.config(failed_pages=n, failed_pages_odd=True)
        rc, rss[n] = peak_rss_kib(cli_args(ctx) + ["status", "done-rss"])
        assert rc == 0, (n, rc)
    # Holding 100 000 entries (2 MB of JSON) would add megabytes.
    assert abs(rss[100000] - rss[100]) < 512, rss


# ---- a device clock that is wrong or unset ------------------------------------------------


def faketime_prefix(spec):
    return ["faketime", "-f", spec]


def clock_job(ctx, spec, name):
    before = ctx.mock.stats()
    out = os.path.join(ctx.tmp, name)
    p = run(ctx, "--verbose", "parse", ctx.sample, "-o", out, prefix=faketime_prefix(spec),
            extra_env={"FAKETIME_DONT_FAKE_MONOTONIC": "1"})
    assert p.returncode == 0, err(p)
    check_zip(out)
    after = ctx.mock.stats()
    expired = after["errors"].get("AuthFailure.SignatureExpire", 0) - before["errors"].get(
        "AuthFailure.SignatureExpire", 0)
    return p, expired


def test_device_clock_two_hours_ahead(ctx):
    p, expired = clock_job(ctx, "+2h", "plus2h.zip")
    assert expired == 1, "one refused signature teaches the clock for the whole job"
    # The Date header has whole seconds and the device reads its clock a moment after the server
    # stamped it: the offset is -7200 s give or take one.
    assert any("clock offset %d s" % o in err(p) for o in (-7201, -7200, -7199)), err(p)


def test_device_clock_three_hours_behind(ctx):
    p, expired = clock_job(ctx, "-3h", "minus3h.zip")
    assert expired == 1


def test_device_clock_a_day_ahead_on_another_date(ctx):
    p, expired = clock_job(ctx, "+26h", "plus26h.zip")
    assert expired == 1


def test_device_clock_never_set(ctx):
    # 1970: mbedTLS's own check would call every certificate "not yet valid";
    # the client checks validity against the server's time instead.
    p, expired = clock_job(ctx, "@1970-01-02 00:00:00", "unset.zip")
    assert expired == 1


def test_device_clock_in_2038_is_named(ctx):
    # The certificates are "expired" by a clock years ahead, and no Date has
    # come yet to compare it with: the clock is named, with its time.
    p = run(ctx, "status", "done-2038", prefix=faketime_prefix("@2038-01-19 03:14:07"),
            extra_env={"FAKETIME_DONT_FAKE_MONOTONIC": "1"})
    e = err(p)
    assert p.returncode == 4, (p.returncode, e)
    assert f"lkedoc: server certificate did not verify (host {HOST}, port {ctx.mock.port}): " in e, e
    assert "The certificate validity has expired; the device clock says 2038-01-19 03:14:0" in e, e
    assert e.rstrip().endswith("UTC; the server's time is not known yet: check the device clock"), e


# ---- cancel (lkeap only) ---------------------------------------------------------------


def test_cancel_task(ctx):
    p = run(ctx, "--service", "lkeap", "--json", "cancel", "task-to-cancel", host="lkeap.tencentcloudapi.com")
    assert p.returncode == 0, err(p)
    assert json.loads(p.stdout) == {"TaskId": "task-to-cancel", "Cancelled": True}
    assert ctx.mock.stats()["last_action"] == "CancelTask"
    # lke and the international lkeap serve no CancelTask: refused before anything is sent.
    st = ctx.mock.stats()
    before = (st["connections"], st["handshakes"], st["requests"])
    p = run(ctx, "cancel", "task-on-lke")
    assert p.returncode == 2 and "cancel is not served on this endpoint; use --service lkeap" in err(p), err(p)
    p = run(ctx, "--service", "lkeap-intl", "cancel", "task-on-intl", host="lkeap.intl.tencentcloudapi.com")
    assert p.returncode == 2 and "cancel is not served on this endpoint; use --service lkeap" in err(p), err(p)
    st = ctx.mock.stats()
    assert (st["connections"], st["handshakes"], st["requests"]) == before, (before, st)


def test_slow_service_ends_at_the_deadline(ctx):
    p, took = timed_under(ctx, {"slow_api_ms": 3000}, {"slow_api_ms": 0}, "--timeout", "1", "status", "done-slow")
    assert p.returncode == 5, (p.returncode, err(p))
    assert 0.9 < took < 2.5, took


# ---- never a duplicate, billed task ------------------------------------------------------


def created(ctx):
    return ctx.mock.stats()["tasks_created"]


def test_create_processed_then_lost_is_an_unknown_outcome(ctx):
    # The service created the task, then a gateway's 502/504, a reset or no
    # answer at all: exit 8, the one request only, and one task exists.
    for kind in ("processed-502", "processed-504", "processed-reset", "processed-hang"):
        ctx.mock.config(fail_next_api=[kind])
        before = ctx.mock.stats()
        t0 = time.monotonic()
        p = run(ctx, "--timeout", "2", "create", "--file", ctx.sample)
        took = time.monotonic() - t0
        after = ctx.mock.stats()
        assert p.returncode == 8, (kind, p.returncode, err(p))
        assert "may have been created" in err(p) and "before sending the document again" in err(p), err(p)
        assert after["requests"] - before["requests"] == 1, kind
        assert after["tasks_created"] - before["tasks_created"] == 1, kind
        assert after["faults_injected"].get(kind, 0) - before["faults_injected"].get(kind, 0) == 1, kind
        assert p.stdout == b"", "no task id to print"
        if kind == "processed-hang":
            assert 1.9 < took < 6, took  # the call's deadline, not retried
        elif kind != "processed-reset":
            assert "(HTTP %s)" % kind[-3:] in err(p), err(p)


def test_parse_after_an_unknown_outcome_does_not_create_again(ctx):
    # The journal stays pending: the same command refuses to create (exit 8)
    # until the user removes it.
    ctx.mock.config(fail_next_api=["processed-504"])
    before = created(ctx)
    out = os.path.join(ctx.tmp, "unknown.zip")
    p = run(ctx, "parse", ctx.sample, "-o", out)
    assert p.returncode == 8, (p.returncode, err(p))
    assert "task may have been created" in err(p) and "its id is not known" in err(p), err(p)
    assert "refuses to create again until it is removed" in err(p), err(p)
    assert created(ctx) - before == 1
    assert not os.path.exists(out) and glob.glob(out + ".*") == [journal_of(out)], os.listdir(ctx.tmp)
    with open(journal_of(out)) as f:
        assert f.read().endswith("\npending\n")
    requests = ctx.mock.stats()["requests"]
    p = run(ctx, "parse", ctx.sample, "-o", out)
    assert p.returncode == 8 and "may have been created" in err(p) and journal_of(out) in err(p), err(p)
    assert ctx.mock.stats()["requests"] == requests, "nothing is sent"
    os.unlink(journal_of(out))
    p = run(ctx, "parse", ctx.sample, "-o", out)
    assert p.returncode == 0 and created(ctx) - before == 2, err(p)
    assert glob.glob(out + ".*") == [], os.listdir(ctx.tmp)
    # A Create refused by the service created nothing: no journal is left.
    ctx.mock.config(fail_next_api=["InternalError"])
    p = run(ctx, "parse", ctx.sample, "-o", out)
    assert p.returncode == 3, (p.returncode, err(p))
    assert glob.glob(out + ".*") == [], os.listdir(ctx.tmp)


def test_create_retried_when_the_answer_proves_it_was_not_processed(ctx):
    ctx.mock.config(fail_next_api=["429", "RequestLimitExceeded", "RequestLimitExceeded.UinLimitExceeded"])
    before = ctx.mock.stats()
    p = run(ctx, "--verbose", "create", "--file", ctx.sample)
    after = ctx.mock.stats()
    assert p.returncode == 0, err(p)
    assert p.stdout.decode().strip() == after["last_task_id"], p.stdout
    assert after["requests"] - before["requests"] == 4
    assert after["tasks_created"] - before["tasks_created"] == 1
    assert err(p).count("retrying after") == 3, err(p)


def test_create_retried_when_cut_before_the_body(ctx):
    # The mock resets the connection once it has the head, before reading a
    # byte of the 6.7 MB body: the request never went out whole, so it is sent again.
    doc = make_doc(ctx, "cut-before-body.pdf", 5_000_000)
    ctx.mock.config(fail_next_api=["reset-before-body"])
    before = ctx.mock.stats()
    p = run(ctx, "--verbose", "create", "--file", doc)
    after = ctx.mock.stats()
    assert p.returncode == 0, (p.returncode, err(p))
    assert after["faults_injected"].get("reset-before-body", 0) - before["faults_injected"].get(
        "reset-before-body", 0) == 1
    assert after["tasks_created"] - before["tasks_created"] == 1
    assert after["requests"] - before["requests"] == 1, "the cut request was never read whole"
    assert after["connections"] - before["connections"] == 2
    assert after["last_create"]["sha256"] == sha256_file(doc)
    assert "retrying after" in err(p), err(p)


def test_upload_deadline_grows_with_the_body(ctx):
    # 5.9 MB of file (7.9 MB of base64) through a 2 MB/s reader takes about
    # 4 s: with --timeout 1 the upload allowance (65536 B/s by default: +120 s)
    # lets it finish; without it (--upload-rate 0) the call ends at its 1 s
    # deadline mid-upload (more is left than the sockets' buffers hold): the
    # deadline (exit 5), and no task.
    doc = make_doc(ctx, "slow-link.pdf", 5_900_000)
    ctx.mock.config(slow_body_bytes_per_s=2_000_000)
    try:
        before = created(ctx)
        t0 = time.monotonic()
        p = run(ctx, "--timeout", "1", "create", "--file", doc)
        took = time.monotonic() - t0
        assert p.returncode == 0, (p.returncode, err(p))
        assert took > 3, "the upload took longer than the call's timeout: proves the allowance"
        assert created(ctx) - before == 1
        assert ctx.mock.stats()["last_create"]["sha256"] == sha256_file(doc)
        before = created(ctx)
        t0 = time.monotonic()
        p = run(ctx, "--timeout", "1", "--upload-rate", "0", "create", "--file", doc)
        took = time.monotonic() - t0
        assert p.returncode == 5, (p.returncode, err(p))
        assert 0.9 < took < 3, took  # its 1 s, not the 4 s the upload needs
        time.sleep(1)  # the mock's reader meets the cut body
        assert created(ctx) - before == 0
    finally:
        ctx.mock.config(slow_body_bytes_per_s=0)
    p = run(ctx, "--upload-rate", "-1", "create", "--file", doc)
    assert p.returncode == 2 and "--upload-rate" in err(p), err(p)
    # 1 B/s would let the 5.9 MB file hold the call for 90 days: 1024 B/s at least.
    requests = ctx.mock.stats()["requests"]
    for rate in ("1", "1023"):
        p = run(ctx, "--upload-rate", rate, "create", "--file", doc)
        assert p.returncode == 2 and "0, or 1024 to 1000000000" in err(p), err(p)
    assert ctx.mock.stats()["requests"] == requests
    p = run(ctx, "--upload-rate", "1024", "create", "--file", ctx.sample)
    assert p.returncode == 0, err(p)


def journal_of(out):
    return out + ".lkedoc-job"


def test_parse_killed_after_create_continues_its_task(ctx):
    out = os.path.join(ctx.tmp, "killed.zip")
    ctx.mock.reset()
    ctx.mock.config(polls_to_success=100000)
    proc = subprocess.Popen(cli_args(ctx) + ["parse", ctx.sample, "-o", out], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env())
    try:
        line = proc.stdout.readline().decode()
        assert line.startswith("TaskId task-"), line
        task = line.split()[1]
        with open(journal_of(out)) as f:
            journal = f.read()
        assert journal.endswith("task %s\n" % task), journal
        # The identity is a digest: no path, whatever its length, is kept.
        assert re.fullmatch(r"lkedoc-job 2\nid [0-9a-f]{64}\ntask \S+\n", journal), journal
        assert os.stat(journal_of(out)).st_mode & 0o777 == 0o600
    finally:
        proc.kill()  # kill -9, mid-wait
        proc.communicate()
    assert created(ctx) == 1
    ctx.mock.config(polls_to_success=0)
    p = run(ctx, "parse", ctx.sample, "-o", out)
    assert p.returncode == 0, err(p)
    assert p.stdout.decode().startswith("TaskId %s\n" % task), p.stdout
    assert "continuing task %s" % task in err(p), err(p)
    st = ctx.mock.stats()
    assert st["tasks_created"] == 1, "a second Create would be a second, billed task"
    assert st["last_action"] != "CreateReconstructDocumentFlow" and st["polls"].get(task, 0) >= 1, st["polls"]
    check_zip(out)
    assert not os.path.exists(journal_of(out)), "the journal goes with the job"
    # Run again: a new job, a new task.
    p = run(ctx, "parse", ctx.sample, "-o", out)
    assert p.returncode == 0 and created(ctx) == 2, err(p)


def test_journal_with_an_unusable_task_id_creates_nothing(ctx):
    # This job's own journal (its identity is right), then made unusable: an earlier run sent Create, so a
    # task may exist and a second, billed one must not be created.
    out = os.path.join(ctx.tmp, "bad-task.zip")
    ctx.mock.reset()
    ctx.mock.config(polls_to_success=100000)
    proc = subprocess.Popen(cli_args(ctx) + ["parse", ctx.sample, "-o", out], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env())
    try:
        assert proc.stdout.readline().startswith(b"TaskId ")
        with open(journal_of(out), "rb") as f:
            head = f.read().rsplit(b"task ", 1)[0]
    finally:
        proc.kill()
        proc.communicate()
    ctx.mock.config(polls_to_success=0)
    job = "the job file bad-task.zip.lkedoc-job holds "
    tail = ": a task may exist; remove the file to create again\n"
    for body, says in ((b"task " + b"t" * 300 + b"\n", "an unusable TaskId (300 bytes; the limit is 127)"),
                       (b"task bad-\xff-id\n", "an unusable TaskId (byte 5 is not visible ASCII)"),
                       (b"task done-cut", "neither pending nor a whole task line"),
                       (b"pend", "neither pending nor a whole task line"),
                       (b"", "neither pending nor a whole task line"),
                       (b"task \n", "neither pending nor a whole task line")):
        with open(journal_of(out), "wb") as f:
            f.write(head + body)
        before = created(ctx)
        p = run(ctx, "parse", ctx.sample, "-o", out)
        assert p.returncode == 8 and "lkedoc: " + job + says + tail in err(p), (body, p.returncode, err(p))
        assert created(ctx) == before, (body, "a second task was created")
        with open(journal_of(out), "rb") as f:
            assert f.read() == head + body, "the journal was overwritten"


def test_journal_of_another_input_is_not_used(ctx):
    out = os.path.join(ctx.tmp, "other-input.zip")
    ctx.mock.config(polls_to_success=0)
    other = os.path.join(ctx.tmp, "other-input.pdf")
    shutil.copy(ctx.sample, other)
    with open(journal_of(out), "w") as f:
        f.write("lkedoc-job 2\nid %s\ntask task-old\n" % ("0" * 64))
    before = created(ctx)
    p = run(ctx, "parse", other, "-o", out)
    assert p.returncode == 0, err(p)
    assert "is for another input or other options: not used" in err(p), err(p)
    assert "task-old" not in p.stdout.decode() and created(ctx) - before == 1
    assert not os.path.exists(journal_of(out))
    # The same input with other options is another job too.
    ctx.mock.config(polls_to_success=100000)
    proc = subprocess.Popen(cli_args(ctx) + ["parse", other, "-o", out], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env())
    try:
        task = proc.stdout.readline().decode().split()[1]
    finally:
        proc.kill()
        proc.communicate()
    ctx.mock.config(polls_to_success=0)
    before = created(ctx)
    p = run(ctx, "parse", other, "-o", out, "--pages", "1-2")
    assert p.returncode == 0 and created(ctx) - before == 1, err(p)
    assert task not in p.stdout.decode() and "not used" in err(p), err(p)
    # The file changed since (its size or time): the old task is not its parse.
    ctx.mock.config(polls_to_success=100000)
    proc = subprocess.Popen(cli_args(ctx) + ["parse", other, "-o", out], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env())
    try:
        task = proc.stdout.readline().decode().split()[1]
    finally:
        proc.kill()
        proc.communicate()
    ctx.mock.config(polls_to_success=0)
    with open(other, "ab") as f:
        f.write(b"%% edited\n")
    before = created(ctx)
    p = run(ctx, "parse", other, "-o", out)
    assert p.returncode == 0 and created(ctx) - before == 1 and task not in p.stdout.decode(), err(p)


def test_planted_journal_is_refused(ctx):
    out = os.path.join(ctx.tmp, "planted.zip")
    target = os.path.join(ctx.tmp, "planted-target")
    with open(target, "w") as f:
        f.write("lkedoc-job 1\n")
    os.symlink(target, journal_of(out))
    before = ctx.mock.stats()
    p = run(ctx, "parse", ctx.sample, "-o", out)
    assert p.returncode == 2 and "refusing to use the journal" in err(p), err(p)
    assert ctx.mock.stats()["requests"] == before["requests"], "refused before anything is sent"
    with open(target) as f:
        assert f.read() == "lkedoc-job 1\n"
    os.unlink(journal_of(out))
    os.link(target, journal_of(out))  # a second name: not ours alone
    p = run(ctx, "parse", ctx.sample, "-o", out)
    assert p.returncode == 2 and "single link" in err(p), err(p)
    os.unlink(journal_of(out))



def start_parse(ctx, args, extra_env=None):
    """A parse whose task never finishes: returns the process and its task id."""
    ctx.mock.config(polls_to_success=100000)
    proc = subprocess.Popen(cli_args(ctx, args.pop(0)) + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env(extra_env))
    line = proc.stdout.readline().decode()
    assert line.startswith("TaskId "), (line, proc.stderr.read() if not line else "")
    return proc, line.split()[1]


def killed_parse(ctx, args, extra_env=None):
    proc, task = start_parse(ctx, list(args), extra_env)
    proc.kill()
    proc.communicate()
    ctx.mock.config(polls_to_success=0)
    return task


def test_parse_killed_mid_create_does_not_create_again(ctx):
    # kill -9 once the service created the task but before its answer: the
    # pending journal makes the next run refuse (exit 8), not create a second.
    out = os.path.join(ctx.tmp, "mid-create.zip")
    ctx.mock.reset()
    ctx.mock.config(fail_next_api=["processed-hang"])
    proc = subprocess.Popen(cli_args(ctx) + ["parse", ctx.sample, "-o", out], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env())
    try:
        deadline = time.monotonic() + 20
        while created(ctx) == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert created(ctx) == 1
    finally:
        proc.kill()
        proc.communicate()
    with open(journal_of(out)) as f:
        assert re.fullmatch(r"lkedoc-job 2\nid [0-9a-f]{64}\npending\n", f.read())
    requests = ctx.mock.stats()["requests"]
    p = run(ctx, "parse", ctx.sample, "-o", out)
    assert p.returncode == 8, (p.returncode, err(p))
    assert "the task may have been created" in err(p) and "remove " + journal_of(out) in err(p), err(p)
    assert created(ctx) == 1 and ctx.mock.stats()["requests"] == requests
    os.unlink(journal_of(out))
    p = run(ctx, "parse", ctx.sample, "-o", out)
    assert p.returncode == 0 and created(ctx) == 2, err(p)
    check_zip(out)


def test_two_parses_to_one_output_at_once(ctx):
    out = os.path.join(ctx.tmp, "twice.zip")
    proc, task = start_parse(ctx, [HOST, "parse", ctx.sample, "-o", out])
    try:
        before = ctx.mock.stats()
        p = run(ctx, "parse", ctx.sample, "-o", out)
        assert p.returncode == 2, (p.returncode, err(p))
        assert "another lkedoc parse is writing %s" % out in err(p), err(p)
        after = ctx.mock.stats()
        assert after["tasks_created"] == before["tasks_created"]  # (the first run's polls go on meanwhile)
        assert os.path.exists(journal_of(out)), "the refused run leaves the first one's journal alone"
    finally:
        proc.kill()  # kill -9: the lock goes with the process, its file stays
        proc.communicate()
    assert os.path.exists(out + ".lkedoc-lock")
    ctx.mock.config(polls_to_success=0)
    p = run(ctx, "parse", ctx.sample, "-o", out)
    assert p.returncode == 0 and "continuing task %s" % task in err(p), err(p)
    assert glob.glob(out + ".*") == [], os.listdir(ctx.tmp)
    # A planted link under the lock's name is refused, never followed.
    target = os.path.join(ctx.tmp, "lock-target")
    os.symlink(target, out + ".lkedoc-lock")
    p = run(ctx, "parse", ctx.sample, "-o", out)
    assert p.returncode == 2 and "refusing to use the lock" in err(p), err(p)
    assert not os.path.exists(target)
    os.unlink(out + ".lkedoc-lock")


def test_journal_names_everything_that_shapes_the_task(ctx):
    lkeap = "lkeap.tencentcloudapi.com"
    out = os.path.join(ctx.tmp, "options.zip")
    base = [lkeap, "--service", "lkeap", "parse", ctx.sample, "-o", out]
    for extra, extra_env in ((["--ignore-failed-page", "no"], None), (["--return-page-format", "yes"], None),
                             (["--page-format", "markdown"], None), (["--region", "ap-shanghai"], None),
                             (["--api-version", "2024-05-23"], None), ([], {"TENCENTCLOUD_SECRET_ID": "AKIDother"})):
        task = killed_parse(ctx, list(base))
        p = run(ctx, *(base[1:] + extra), host=lkeap, extra_env=extra_env)
        assert "is for another input or other options: not used" in err(p), (extra, extra_env, err(p))
        assert task not in p.stdout.decode(), (extra, p.stdout)
        if os.path.exists(journal_of(out)):
            os.unlink(journal_of(out))
    # The same options continue the task.
    task = killed_parse(ctx, list(base))
    p = run(ctx, *base[1:], host=lkeap)
    assert p.returncode == 0 and "continuing task %s" % task in err(p), err(p)


def test_parse_of_a_file_under_a_long_path(ctx):
    # A canonical path of about 3000 bytes: the journal keeps its digest.
    d = ctx.tmp
    for i in range(16):
        d = os.path.join(d, ("deep%02d" % i) * 30)
    os.makedirs(d)
    doc = os.path.join(d, "scan.pdf")
    shutil.copy(ctx.sample, doc)
    assert len(os.path.realpath(doc)) > 2500
    out = os.path.join(d, "scan.zip")
    task = killed_parse(ctx, [HOST, "parse", doc, "-o", out])
    assert os.path.getsize(journal_of(out)) < 200
    p = run(ctx, "parse", doc, "-o", out)
    assert p.returncode == 0 and "continuing task %s" % task in err(p), err(p)
    check_zip(out)
