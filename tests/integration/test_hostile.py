# SPDX-License-Identifier: MIT
"""The fault matrix: the CLI against a hostile server (tests/hostile/hostile_server.py).

Every case names a script the server plays after a good TLS handshake (the
TaskId the CLI asks for chooses it).  Each case must end in its documented exit
status (README: 0 ok, 3 API error, 4 network/closed early, 5 deadline, 6
unexpected HTTP status / malformed / too large) with the matching lkd_strerror
text, within the call's deadline, and without a crash (a status below 128, no
sanitizer report).  The valid answer is also cut at every byte offset, under
each of its three framings, and none of the cuts may pass for a success.

LKEDOC_CLI selects the binary (e.g. build/san/lkedoc for a sanitizer build);
LKEDOC_HOSTILE_CUT_STEP=N tries only every Nth cut offset (default 1: all).
"""
import concurrent.futures
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "hostile"))

import hostile_server  # noqa: E402
from hostile_server import HOST, HostileServer, cut_lengths, redirect  # noqa: E402

CLI = os.environ.get("LKEDOC_CLI", os.path.join(ROOT, "build", "lkedoc"))
TIMEOUT = 2.0          # --timeout of every case: the deadline of one call, retries included
CUT_TIMEOUT = 0.25     # the sweep: under the first backoff pause (>= 250 ms), so one attempt per cut
CUT_STEP = max(1, int(os.environ.get("LKEDOC_HOSTILE_CUT_STEP", "1")))
TARGET_HOST = "mock.lkedoc.test"  # where the redirects point (in the test certificate, resolved to a watched port)

CLOSED = "connection closed before the response was complete"
IO = "network send/receive failed"
DEADLINE = "deadline passed"
MALFORMED = "malformed response"
TOO_LARGE = "response too large"


class Ctx:
    pass


def setup_suite():
    ctx = Ctx()
    ctx.home = tempfile.mkdtemp(prefix="lkedoc-hostile-")
    ctx.server = HostileServer()
    ctx.target = HostileServer()  # the redirects' Location: must never see a connection
    for code in (301, 302, 307, 308):
        ctx.server.add(f"redirect-{code}", redirect(code, f"https://{TARGET_HOST}:{ctx.target.port}/"))
    return ctx


def teardown_suite(ctx):
    if ctx:
        ctx.server.close()
        ctx.target.close()
        shutil.rmtree(ctx.home, ignore_errors=True)


def env_for(ctx):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": ctx.home, "LC_ALL": "C.UTF-8",
           "TENCENTCLOUD_SECRET_ID": "AKIDHOSTILE000000000000000000000000", "TENCENTCLOUD_SECRET_KEY": "hostile-key"}
    for k, v in os.environ.items():  # a sanitizer run's settings
        if k.endswith("SAN_OPTIONS") or k.startswith("ASAN_") or k == "LD_PRELOAD":
            env[k] = v
    return env


class Outcome:
    def __init__(self, case, proc, took, timeout):
        self.case, self.rc, self.took, self.timeout = case, proc.returncode, took, timeout
        self.out = proc.stdout.decode("utf-8", "replace")
        self.err = proc.stderr.decode("utf-8", "replace")

    def __repr__(self):
        return f"{self.case}: exit {self.rc} in {self.took:.2f}s, stderr {self.err.strip()[:300]!r}"


def run_case(ctx, case, timeout=TIMEOUT, json_out=True, create=False):
    """status CASE, or with create: create --url https://doc.example.test/CASE."""
    port = ctx.server.port
    cmd = [CLI, "--endpoint", f"{HOST}:{port}", "--resolve", f"{HOST}:{port}:127.0.0.1",
           "--resolve", f"{TARGET_HOST}:{ctx.target.port}:127.0.0.1", "--result-host", TARGET_HOST,
           "--ca-file", ctx.server.ca_file,
           "--timeout", str(timeout)] + (["--json"] if json_out else [])
    cmd += ["create", "--url", "https://doc.example.test/" + case] if create else ["status", case]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, env=env_for(ctx), timeout=timeout * 4 + 20)
    return Outcome(case, proc, time.monotonic() - t0, timeout)


def no_crash(o):
    # A signal shows as a negative status; 128+ would be a shell's spelling of one.
    assert 0 <= o.rc < 128, f"crashed: {o}"
    for mark in ("Sanitizer", "runtime error:", "LeakSanitizer"):
        assert mark not in o.err, f"sanitizer report: {o}"


def check(ctx, o, want_rc, want_text=None, waits=False):
    """Exit status, stderr text, and the deadline: every call ends by it (2x
    slack for process start under sanitizers, at least 1.5 s); a case that can only end by the
    deadline must really have waited for it."""
    no_crash(o)
    assert o.rc == want_rc, f"want exit {want_rc}: {o}"
    if want_text is not None:
        assert want_text in o.err, f"want {want_text!r} on stderr: {o}"
    # Process start and exit are outside the deadline: a short one gets 1.5 s of room.
    assert o.took < max(2 * o.timeout, o.timeout + 1.5), f"past the deadline: {o}"
    if waits:
        assert o.took >= 0.9 * o.timeout, f"gave up before the deadline: {o}"
    assert ctx.server.seen(o.case) >= 1, f"the server never saw the case: {o}"


def run_all(ctx, table, create=False):
    """Run {case: (exit, text)} concurrently (the cases share nothing), check each."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        results = dict(zip(table, pool.map(lambda c: run_case(ctx, c, create=create), table)))
    for case, (rc, text) in table.items():
        check(ctx, results[case], rc, text, waits=(rc == 5))
    return results


# ---- the catalogue, by kind -----------------------------------------------------------

BASELINES = {
    "valid-cl": (0, None), "valid-chunked": (0, None), "valid-close": (0, None),
    "valid-close-no-notify": (4, CLOSED),  # the same bytes, but nothing says the body is whole
    "api-error": (3, "API error InternalError (server): hostile says no"),
}
STATUS_LINES = {
    "status-garbage": (6, MALFORMED), "status-words": (6, MALFORMED), "status-http2": (6, MALFORMED),
    "status-four-digits": (6, MALFORMED), "status-no-space": (6, MALFORMED), "status-bare-cr": (6, MALFORMED),
    "status-empty-line": (6, MALFORMED), "status-200kb": (6, MALFORMED),
    "status-binary-no-newline": (6, MALFORMED), "status-then-close": (4, CLOSED),
    # Interim answers are skipped, however many; a stream of them cannot hold the call past its deadline.
    "interim-flood": (0, None), "interim-flood-hold": (5, DEADLINE),
}
HEADERS = {
    # A long header the client does not read is skipped in bounded memory; one it reads cannot be.
    "header-200kb-unknown": (0, None), "header-200kb-content-length": (6, MALFORMED),
    "header-200kb-no-colon": (6, MALFORMED), "header-20000-lines": (6, MALFORMED),
    "header-no-colon": (6, MALFORMED), "header-obs-fold": (6, MALFORMED), "header-nul": (6, MALFORMED),
    "header-gzip": (6, MALFORMED),
}
CONTENT_LENGTH = {
    "cl-larger-close": (4, CLOSED), "cl-larger-hold": (5, DEADLINE), "cl-smaller": (6, MALFORMED),
    "cl-exact-then-junk": (0, None),  # a whole answer; what follows it is dropped with the connection
    "cl-negative": (6, MALFORMED), "cl-absurd": (6, MALFORMED), "cl-max-u64": (4, CLOSED),
    "cl-conflicting": (6, MALFORMED), "cl-list-differs": (6, MALFORMED), "cl-hex": (6, MALFORMED),
    "cl-zero": (6, MALFORMED),
}
CHUNKED = {
    "chunk-overflow": (6, MALFORMED), "chunk-not-hex": (6, MALFORMED), "chunk-negative": (6, MALFORMED),
    "chunk-200kb-size-line": (6, MALFORMED), "chunk-data-too-long": (6, MALFORMED),
    "chunk-never-ends": (5, DEADLINE), "chunk-huge-then-hold": (5, DEADLINE), "chunk-huge-then-close": (4, CLOSED),
}
JSON = {
    "json-deep-50000": (6, TOO_LARGE), "json-deep-in-buffer": (6, TOO_LARGE), "json-8mb": (6, TOO_LARGE),
    "json-status-number": (6, MALFORMED), "json-status-null": (6, MALFORMED), "json-response-null": (6, MALFORMED),
    "json-response-string": (6, MALFORMED), "json-failed-pages-null": (0, None),
    "json-usage-string": (6, MALFORMED), "json-url-number": (6, MALFORMED),
    "json-page-number-string": (0, None), "json-invalid-escape": (6, MALFORMED),
    "json-lone-high-surrogate": (6, MALFORMED), "json-lone-low-surrogate": (6, MALFORMED),
    "json-escaped-nul": (6, MALFORMED), "json-escaped-nul-in-status": (6, MALFORMED),
    "json-raw-nul": (6, MALFORMED), "json-bad-utf8": (6, MALFORMED), "json-trailing-garbage": (6, MALFORMED),
    "json-two-documents": (6, MALFORMED), "json-top-level-array": (6, MALFORMED),
    "json-unterminated": (6, MALFORMED),
}
HTTP_STATUS = {
    "http-500-html": (6, "unexpected HTTP status 500"),
    "http-200-html": (6, MALFORMED),  # not the API's JSON: the result's grammar refuses its first byte
    # Retry-After is honoured only within the deadline: 999999 s ends the call at once, no sleeping.
    "http-429-retry-after-huge": (6, "unexpected HTTP status 429"),
}
CONNECTION = {
    "close-before-answer": (4, CLOSED), "reset-before-answer": (4, IO), "reset-mid-response": (4, IO),
    "silent": (5, DEADLINE), "drip": (5, DEADLINE),
}
PAGES = {
    "pages-null-numbers": (0, None), "pages-16": (0, None), "pages-17": (0, None), "pages-20": (0, None),
    "pages-100000": (0, None), "pages-100000-odd": (0, None), "pages-big-entries": (0, None),
    "pages-trailing-comma": (6, MALFORMED), "pages-bad-literal": (6, MALFORMED), "pages-unbalanced": (6, MALFORMED),
    "pages-cut": (6, MALFORMED), "pages-deep-entry": (6, TOO_LARGE),
    "date-year-9999": (0, None),  # the verified server's clock is believed (README "The clock")
}
# A complete 200 to Create without a usable TaskId: the service answered, so the task may exist, its id is
# not known: the outcome is unknown (exit 8), never "malformed" (which would invite sending it again).
UNKNOWN = "may have been created"
CREATE = {
    "create-valid": (0, None), "create-task-id-too-long": (8, UNKNOWN), "create-task-id-empty": (8, UNKNOWN),
    "create-task-id-number": (8, UNKNOWN), "create-task-id-nul": (8, UNKNOWN),
    "create-no-task-id": (8, UNKNOWN), "create-failed-pages": (8, UNKNOWN),
}
REFUSED = "result URL refused"
URLS = {"url-ftp": (6, REFUSED), "url-no-host": (6, MALFORMED), "url-bad-port": (6, MALFORMED),
        "url-long-host": (6, MALFORMED), "create-then-url-ftp": None}
REDIRECTS = {f"redirect-{code}": (6, f"unexpected HTTP status {code}") for code in (301, 302, 307, 308)}


def test_every_case_has_an_expectation():
    tables = [BASELINES, STATUS_LINES, HEADERS, CONTENT_LENGTH, CHUNKED, JSON, HTTP_STATUS, CONNECTION, PAGES, CREATE, URLS]
    expected = set().union(*tables)
    assert expected == set(hostile_server.CASES), (expected ^ set(hostile_server.CASES))


def test_baselines_are_accepted(ctx):
    # The framings every truncation below is cut from are good answers when whole.
    res = run_all(ctx, BASELINES)
    for case in ("valid-cl", "valid-chunked", "valid-close"):
        r = json.loads(res[case].out)
        assert r["Status"] == "Success" and r["DocumentRecognizeResultUrl"] == hostile_server.RESULT_URL, r
        assert r["FailedPages"] == [{"PageNumber": 2}] and r["FailedPagesUnnumbered"] == 1, r
        assert r["Usage"]["TotalTokens"] == 812 and r["RequestId"] == "8e8f3c0a-hostile-valid", r
    assert ctx.server.seen("api-error") == 1, "an API error other than RequestLimitExceeded is not retried"


def test_garbage_status_lines(ctx):
    run_all(ctx, STATUS_LINES)


def test_hostile_headers(ctx):
    res = run_all(ctx, HEADERS)
    assert json.loads(res["header-200kb-unknown"].out)["Status"] == "Success"


def test_content_length_lies(ctx):
    res = run_all(ctx, CONTENT_LENGTH)
    assert json.loads(res["cl-exact-then-junk"].out)["Status"] == "Success"
    # Closed early is a network failure: retried, every attempt got the same lie.
    assert ctx.server.seen("cl-larger-close") >= 2
    for case in ("cl-negative", "cl-absurd", "cl-smaller"):
        assert ctx.server.seen(case) == 1, "a malformed answer is not retried"


def test_chunked_lies(ctx):
    run_all(ctx, CHUNKED)


def test_hostile_json(ctx):
    res = run_all(ctx, JSON)
    r = json.loads(res["json-failed-pages-null"].out)
    assert r["Status"] == "Success" and r["FailedPages"] == [], r
    r = json.loads(res["json-page-number-string"].out)
    assert r["FailedPages"] == [] and (r["FailedPagesTotal"], r["FailedPagesUnnumbered"]) == (1, 1), r


def test_http_500_with_html_is_retried_then_reported(ctx):
    run_all(ctx, HTTP_STATUS)
    assert ctx.server.seen("http-500-html") >= 2, "a 5xx answer is retried within the deadline"
    assert ctx.server.seen("http-429-retry-after-huge") == 1, "no retry when Retry-After is past the deadline"


def test_redirects_are_never_followed(ctx):
    before = ctx.target.connections
    run_all(ctx, REDIRECTS)
    for case in REDIRECTS:
        assert ctx.server.seen(case) == 1, (case, "a 3xx is not retried either")
    assert ctx.target.connections == before == 0, "the client connected to the Location target"


def test_connection_failures_and_deadlines(ctx):
    res = run_all(ctx, CONNECTION)
    for case in ("close-before-answer", "reset-before-answer", "reset-mid-response"):
        assert ctx.server.seen(case) >= 2, (case, "network failures of an idempotent call are retried")
    assert ctx.server.seen("silent") == 1 and ctx.server.seen("drip") == 1, res


def test_odd_but_valid_answers(ctx):
    res = run_all(ctx, PAGES)
    r = json.loads(res["pages-null-numbers"].out)
    # Null numbers are counted, not listed.
    assert r["FailedPages"] == [{"PageNumber": 2}, {"PageNumber": 4}], r
    assert (r["FailedPagesTotal"], r["FailedPagesUnnumbered"], r["FailedPagesTruncated"]) == (4, 2, False), r
    r = json.loads(res["pages-16"].out)
    assert [p["PageNumber"] for p in r["FailedPages"]] == list(range(1, 17)), r
    assert (r["FailedPagesTotal"], r["FailedPagesTruncated"]) == (16, False), r
    for n in (17, 20, 100000):
        r = json.loads(res[f"pages-{n}"].out)
        # The first 16 are kept, the total is always counted and shown.
        assert [p["PageNumber"] for p in r["FailedPages"]] == list(range(1, 17)), r
        assert r["FailedPagesTotal"] == n and r["FailedPagesTruncated"] and r["Status"] == "Failed", r
    # Chunked, every third number null: pages 2, 3, 5, 6, ... kept.
    r = json.loads(res["pages-100000-odd"].out)
    assert [p["PageNumber"] for p in r["FailedPages"]] == [p for p in range(2, 25) if p % 3 != 1], r
    assert (r["FailedPagesTotal"], r["FailedPagesUnnumbered"]) == (100000, 33334), r
    r = json.loads(res["pages-big-entries"].out)
    assert [p["PageNumber"] for p in r["FailedPages"]] == [2, 3, 4] and r["FailedPagesTotal"] == 3, r
    assert len(r["DocumentRecognizeResultUrl"]) > 2500, r
    human = run_case(ctx, "pages-20", json_out=False)
    check(ctx, human, 0)
    assert "Failed pages: 1 2 3" in human.out and "16 ... (20 in all)" in human.out, human.out


def test_create_answers_and_lost_answers(ctx):
    res = run_all(ctx, CREATE, create=True)
    assert res["create-valid"].out == '{"TaskId":"hostile-task-1"}\n', res["create-valid"]
    # Once Create's request went out whole, a lost answer is never repeated:
    # the service may have made the task, and a second one would be billed.
    lost = {"close-before-answer": (8, UNKNOWN), "reset-mid-response": (8, UNKNOWN), "cl-larger-close": (8, UNKNOWN),
            "silent": (8, UNKNOWN)}
    before = {c: ctx.server.seen(c) for c in lost}
    res = run_all(ctx, lost, create=True)
    for case in lost:
        assert ctx.server.seen(case) - before[case] == 1, (case, "Create was sent again")
    assert res["silent"].took >= 0.9 * res["silent"].timeout, ("gave up before the deadline", res["silent"])


def test_unusable_result_urls_are_refused_or_malformed(ctx):
    # download asks for the URL; parse gets it from create + wait.  Either way
    # it is the service's answer that is wrong (6), not the user's input (2).
    out = os.path.join(ctx.home, "out.zip")
    for case in [c for c in URLS if URLS[c] is not None]:
        port = ctx.server.port
        cmd = [CLI, "--endpoint", f"{HOST}:{port}", "--resolve", f"{HOST}:{port}:127.0.0.1", "--ca-file",
               ctx.server.ca_file, "--timeout", str(TIMEOUT), "--job-timeout", str(TIMEOUT),
               "--result-host", TARGET_HOST]
        t0 = time.monotonic()
        o = Outcome(case, subprocess.run(cmd + ["download", case, "-o", out], capture_output=True,
                                         env=env_for(ctx), timeout=30), time.monotonic() - t0, TIMEOUT)
        check(ctx, o, *URLS[case])
        assert not os.path.exists(out) and not glob.glob(out + ".*part")  # OUT.<task>.part, o
    src = os.path.join(ctx.home, "scan.pdf")
    with open(src, "w") as f:
        f.write("create-then-url-ftp")  # the hostile server reads the case from the file it is sent
    t0 = time.monotonic()
    o = Outcome("create-then-url-ftp", subprocess.run(
        cmd + ["--poll-interval", "0.05", "parse", src, "-o", out], capture_output=True, env=env_for(ctx),
        timeout=30), time.monotonic() - t0, TIMEOUT)
    check(ctx, o, 6, REFUSED)
    assert not os.path.exists(out), o


def run_tasks(ctx, *tasks, timeout=TIMEOUT):
    port = ctx.server.port
    cmd = [CLI, "--endpoint", f"{HOST}:{port}", "--resolve", f"{HOST}:{port}:127.0.0.1", "--ca-file",
           ctx.server.ca_file, "--timeout", str(timeout), "--json", "status"] + list(tasks)
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, env=env_for(ctx), timeout=len(tasks) * timeout * 4 + 20)
    return Outcome(" ".join(tasks), proc, time.monotonic() - t0, timeout * len(tasks))


def test_one_client_recovers_after_each_fault(ctx):
    # One client (one process, one client object) meets faults one after the
    # other: each call fails alone and the next one starts on a clean connection.
    seq = ["valid-cl", "cl-exact-then-junk", "status-garbage", "valid-chunked", "reset-mid-response", "valid-close",
           "json-8mb", "silent", "api-error", "chunk-overflow", "valid-cl"]
    o = run_tasks(ctx, *seq)
    no_crash(o)
    assert o.rc == 6, f"the first failure's status (status-garbage): {o}"
    lines = [json.loads(line) for line in o.out.splitlines()]
    ok = [c for c in seq if c.startswith("valid") or c == "cl-exact-then-junk"]
    assert len(lines) == len(ok) + 1, (o, lines)  # + the API error's JSON
    assert all(r.get("Status") == "Success" for r in lines if "Status" in r), lines
    for text in (MALFORMED, IO, TOO_LARGE, DEADLINE, "InternalError"):
        assert text in o.err, (text, o)
    assert o.took < 2 * TIMEOUT + 6 * 2, o  # the silent call took its own deadline, the retried reset under one


# ---- truncation at every byte offset ------------------------------------------------


def sweep(ctx, framing, expect, kind="cut", whole_rc=0):
    """Cut the valid answer under `framing` after each offset (kind "cut": then
    a bare TCP close; "cutn": a TLS close_notify first); expect(n) is the
    (exit, text) that cut must end in, whole_rc the exit of the uncut answer.
    CUT_TIMEOUT leaves room for one attempt only; a cut whose attempt the
    deadline caught (a loaded machine) is tried again with the full timeout,
    retries and all."""
    total = cut_lengths()[framing]
    offsets = list(range(0, total, CUT_STEP))

    def one(n):
        case = f"{kind}-{framing}-{n}"
        o = run_case(ctx, case, timeout=CUT_TIMEOUT)
        if o.rc == 5:
            o = run_case(ctx, case, timeout=TIMEOUT * 1.5)
        return n, o

    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(one, offsets))
    bad = []
    for n, o in results:
        want_rc, want_text = expect(n)
        try:
            check(ctx, o, want_rc, want_text)
        except AssertionError as e:
            bad.append(str(e))
    assert not bad, f"{len(bad)} of {len(offsets)} cuts misbehaved:\n" + "\n".join(bad[:20])
    whole = run_case(ctx, f"{kind}-{framing}-{total}")  # not cut at all: the control
    check(ctx, whole, whole_rc, None if whole_rc == 0 else CLOSED)
    print(f"    {len(offsets)} cuts of {total} bytes in {time.monotonic() - t0:.1f}s")


def header_length(framing):
    return len(getattr(hostile_server, "framed_" + framing)().split(b"\r\n\r\n", 1)[0]) + 4


def test_truncation_content_length(ctx):
    sweep(ctx, "cl", lambda n: (4, CLOSED))


def test_truncation_chunked(ctx):
    sweep(ctx, "chunked", lambda n: (4, CLOSED))


def test_truncation_close_delimited(ctx):
    # Without a length only the server's TLS close_notify ends the body: a bare
    # TCP close is a cut, even after the last byte (README "Security": framing).
    sweep(ctx, "close", lambda n: (4, CLOSED), whole_rc=4)


def test_truncation_close_delimited_with_close_notify(ctx):
    # With close_notify the body ends there: a cut head is "closed early", a
    # cut body a complete answer whose JSON is not whole.
    h = header_length("close")
    sweep(ctx, "close", lambda n: (4, CLOSED) if n < h else (6, MALFORMED), kind="cutn")
