# SPDX-License-Identifier: MIT
"""The CLI against the bundled mock service over verified TLS.

Every call here is really signed by the client and really verified by the mock
(tests/mock), which also counts handshakes and requests so the tests can tell
that a refused certificate let nothing through.
"""
import json
import os
import re
import socket
import ssl
import stat
import shutil
import subprocess
import tempfile
import threading
import time

from mockctl import Mock, SECRET_ID, SECRET_KEY

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.environ.get("LKEDOC_CLI", os.path.join(ROOT, "build", "lkedoc"))
STATE = os.path.join(ROOT, "build", "mock-state")

def config_default(name):
    """A knob's default in core/include/lkd_config.h (the CLI is built with it)."""
    with open(os.path.join(ROOT, "core", "include", "lkd_config.h"), encoding="utf-8") as f:
        return int(re.search(r"#define %s (\d+)u?\n" % name, f.read()).group(1))


RETRY_COUNT = config_default("LKD_RETRY_COUNT")
HOST = "lke.intl.tencentcloudapi.com"
DL_HOST = "mock.lkedoc.test"  # the mock's result host: not under the default allowlist
TOKEN_ID, TOKEN_KEY, TOKEN = "AKIDLKEDOCTEMP00000000000000000000000", "temp-secret-key-1111111111", "session-token-xyz"


class Ctx:
    mock = None
    home = None


def setup_suite():
    ctx = Ctx()
    ctx.home = tempfile.mkdtemp(prefix="lkedoc-home-")
    ctx.mock = Mock(STATE, ["--ipv6", "--credential", f"{SECRET_ID}:{SECRET_KEY}",
                            "--credential", f"{TOKEN_ID}:{TOKEN_KEY}:{TOKEN}"])
    ctx.mock.start()
    return ctx


def teardown_suite(ctx):
    if ctx and ctx.mock:
        ctx.mock.stop()
    if ctx and ctx.home:
        shutil.rmtree(ctx.home, ignore_errors=True)


def env_for(ctx, secret_id=SECRET_ID, secret_key=SECRET_KEY, **extra):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": ctx.home, "LC_ALL": "C.UTF-8"}
    if secret_id is not None:
        env["TENCENTCLOUD_SECRET_ID"] = secret_id
    if secret_key is not None:
        env["TENCENTCLOUD_SECRET_KEY"] = secret_key
    env.update(extra)
    return env


def run(ctx, *args, host=HOST, ca=None, env=None, timeout=60, endpoint=True):
    cmd = [CLI]
    if endpoint:
        port = ctx.mock.port
        cmd += ["--endpoint", f"{host}:{port}", "--resolve", f"{host}:{port}:127.0.0.1"]
    cmd += ["--ca-file", ca or ctx.mock.ca_file, "--result-host", DL_HOST]
    cmd += list(args)
    return subprocess.run(cmd, capture_output=True, timeout=timeout, env=env or env_for(ctx))


def out(proc):
    return proc.stdout.decode("utf-8")


def err(proc):
    return proc.stderr.decode("utf-8", "replace")


def status_json(ctx, task_id, *args, **kw):
    proc = run(ctx, "--json", *args, "status", task_id, **kw)
    assert proc.returncode == 0, (proc.returncode, err(proc))
    return json.loads(out(proc))


# ---- the task life cycle ----------------------------------------------------------


def test_life_cycle_in_pascal_case(ctx):
    ctx.mock.reset()
    seen = [status_json(ctx, "cycle-1")["Status"] for _ in range(3)]
    assert seen == ["WaitExecute", "Processing", "Success"], seen
    # lkedoc signs as the SDKs do: the Host header carries the port (not 443), the signed host not;
    # values lower-cased.
    stats = ctx.mock.stats()
    assert stats["last_sign_variant"] == {"host": "no-port", "value_case": "lower"}, stats["last_sign_variant"]
    assert stats["last_headers"]["host"] == f"{HOST}:{ctx.mock.port}", stats["last_headers"]


def test_success_url_is_unescaped(ctx):
    # The mock writes '&' as \u0026 and '/' as \/ in every other answer: both
    # must come out as the same, byte-exact URL.
    urls = [status_json(ctx, "done-url-1")["DocumentRecognizeResultUrl"] for _ in range(4)]
    # The signing time in the query may tick between polls; all before it must match.
    heads = {u.split("q-sign-time=")[0] for u in urls}
    assert len(heads) == 1, urls
    url = urls[0]
    assert url.startswith("https://mock.lkedoc.test:"), url
    assert "\\" not in url and "\\u0026" not in url and "&q-ak=" in url, url


def test_human_summary(ctx):
    proc = run(ctx, "status", "done-human")
    assert proc.returncode == 0, err(proc)
    text = out(proc)
    assert "Status:     Success" in text and "Result URL: https://" in text and "RequestId:" in text, text


def test_official_cli_spelling(ctx):
    proc = run(ctx, "GetReconstructDocumentResult", "--TaskId", "done-spelling")
    assert proc.returncode == 0, err(proc)
    assert ctx.mock.stats()["last_task_id"] == "done-spelling"


def test_fifty_signed_calls_with_varied_task_ids(ctx):
    ids = []
    for i in range(50):
        ids.append([f"plain-{i}", f'quo"te-{i}', f"back\\slash-{i}", f"汉字-{i}", f"émoji-😀-{i}",
                    f"tab\tand/slash-{i}", f"<&>'{i}", f"sp ace {i}", f"ctl\x01-{i}"][i % 9])
    before = ctx.mock.stats()["requests"]
    for task in ids:
        proc = run(ctx, "--json", "status", task)
        assert proc.returncode == 0, (task, err(proc))
        resp = json.loads(out(proc))
        assert resp["Status"] in ("WaitExecute", "Processing", "Success"), resp
        assert ctx.mock.stats()["last_task_id"] == task, (task, ctx.mock.stats()["last_task_id"])
    assert ctx.mock.stats()["requests"] - before == 50


def test_many_tasks_share_one_connection(ctx):
    before = ctx.mock.stats()
    proc = run(ctx, "--json", "status", *[f"ka-{i}" for i in range(10)])
    assert proc.returncode == 0, err(proc)
    assert len(out(proc).splitlines()) == 10
    after = ctx.mock.stats()
    assert after["requests"] - before["requests"] == 10
    assert after["handshakes"] - before["handshakes"] == 1, (before, after)


# ---- profiles ----------------------------------------------------------------------


def test_lkeap_profile_with_usage_and_task_error(ctx):
    host = "lkeap.tencentcloudapi.com"
    r = status_json(ctx, "fail-lkeap", "--service", "lkeap", host=host)
    assert r["Status"] == "Failed", r
    assert r["Error"]["Code"] == "FailedOperation.FileParseError", r
    # The null entry is counted, not listed.
    assert r["FailedPages"] == [{"PageNumber": 1}, {"PageNumber": 3}], r
    assert (r["FailedPagesTotal"], r["FailedPagesUnnumbered"], r["FailedPagesTruncated"]) == (3, 1, False), r
    assert isinstance(r["Usage"]["PageNumber"], int), r
    assert ctx.mock.stats()["last_headers"]["x-tc-version"] == "2024-05-22"
    r = status_json(ctx, "pause-lkeap", "--service", "lkeap", host=host)
    assert r["Status"] == "Pause", r


def test_lkeap_intl_endpoint_uses_jakarta(ctx):
    r = status_json(ctx, "done-intl", host="lkeap.intl.tencentcloudapi.com")
    assert r["Status"] == "Success", r
    assert ctx.mock.stats()["last_headers"]["x-tc-region"] == "ap-jakarta"


# (service option, host, version, region, Usage fields the answer carries)
PROFILES = [
    ("lke", "lke.intl.tencentcloudapi.com", "2023-11-30", "ap-guangzhou", []),
    ("lkeap", "lkeap.tencentcloudapi.com", "2024-05-22", "ap-guangzhou",
     ["PageNumber", "TotalToken", "TotalTokens", "SplitTokens", "MllmTokens", "SuccessPageNum", "FailPageNum",
      "FileSize"]),
    ("lkeap-intl", "lkeap.intl.tencentcloudapi.com", "2024-05-22", "ap-jakarta",
     ["PageNumber", "TotalToken", "TotalTokens"]),
]
USAGE_FIELDS = PROFILES[1][4]


def lkedoc_version():
    with open(os.path.join(ROOT, "core", "include", "lkd_version.h"), encoding="utf-8") as f:
        text = f.read()
    parts = [re.search(r"#define LKD_VERSION_%s (\d+)" % k, text).group(1) for k in ("MAJOR", "MINOR", "PATCH")]
    return ".".join(parts)


def test_three_profiles_and_their_usage(ctx):
    for service, host, version, region, usage in PROFILES:
        r = status_json(ctx, "done-" + service, "--service", service, host=host)
        h = ctx.mock.stats()["last_headers"]
        assert (h["x-tc-version"], h["x-tc-region"], h["host"].split(":")[0]) == (version, region, host), h
        assert r["Status"] == "Success" and "Error" not in r, r
        if not usage:
            assert "Usage" not in r, r
            continue
        # Every field the SDKs know is in the output; those the answer lacks are null.
        assert sorted(r["Usage"]) == sorted(USAGE_FIELDS), r
        assert all(isinstance(r["Usage"][k], int) for k in usage), r
        assert all(r["Usage"][k] is None for k in USAGE_FIELDS if k not in usage), r
        text = out(run(ctx, "--service", service, "status", "done-" + service, host=host))
        line = [x for x in text.splitlines() if x.startswith("Usage:")][0]
        assert ("split tokens" in line) == (service == "lkeap") and "tokens" in line, line
    # The international edition's Failed task says no why, and Pause is not one of its states.
    r = status_json(ctx, "fail-intl", "--service", "lkeap-intl", host=PROFILES[2][1])
    assert r["Status"] == "Failed" and "Error" not in r, r
    r = status_json(ctx, "pause-intl", "--service", "lkeap-intl", host=PROFILES[2][1])
    assert r["Status"] == "Processing", r


def test_every_request_names_the_client(ctx):
    ctx.mock.reset()
    for service, host, _, _, _ in PROFILES:
        status_json(ctx, "done-rc", "--service", service, host=host)
    st = ctx.mock.stats()
    assert st["request_clients"] == {"lkedoc/" + lkedoc_version(): st["requests"]}, st["request_clients"]


def traffic(ctx):
    """What reached the mock's API port: connections, TLS handshakes, requests."""
    st = ctx.mock.stats()
    return st["connections"], st["handshakes"], st["requests"]


def no_identifiers(text):
    """A CLI message names options and profiles, not the library's C names."""
    return not re.search(r"LKD_|settings\.|params\.|\bcaps\b|_page\b|file_url", text)


def test_what_a_profile_lacks_is_refused_before_sending(ctx):
    before = traffic(ctx)
    for service, host in (("lke", PROFILES[0][1]), ("lkeap-intl", PROFILES[2][1])):
        for opt, value in (("--ignore-failed-page", "no"), ("--return-page-format", "yes"), ("--page-format", "A4")):
            proc = run(ctx, "--service", service, "create", "--url", "https://docs.example.test/a.pdf", opt, value,
                       host=host)
            assert proc.returncode == 2, (service, opt, proc.returncode, err(proc))
            # The fix, not the option already typed.
            assert err(proc) == "lkedoc: %s is not served on this endpoint; use --service lkeap\n" % opt, err(proc)
        proc = run(ctx, "--service", service, "cancel", "task-1", host=host)
        assert proc.returncode == 2, (proc.returncode, err(proc))
        assert err(proc) == "lkedoc: cancel is not served on this endpoint; use --service lkeap\n", err(proc)
    # Nothing connected, let alone sent.
    assert traffic(ctx) == before, (before, traffic(ctx))
    # lkeap China takes all of them.
    proc = run(ctx, "--service", "lkeap", "create", "--url", "https://docs.example.test/a.pdf", "--ignore-failed-page",
               "no", "--return-page-format", "yes", "--page-format", "A4", host=PROFILES[1][1])
    assert proc.returncode == 0, err(proc)
    assert ctx.mock.stats()["last_create"]["Config"] == {"TableResultType": "0", "ResultType": "0",
                                                          "IgnoreFailedPage": False, "ReturnPageFormat": True,
                                                          "PageFormat": "A4"}
    proc = run(ctx, "--service", "lkeap", "cancel", "task-1", host=PROFILES[1][1])
    assert proc.returncode == 0, err(proc)
    proc = run(ctx, "create", "--url", "https://docs.example.test/a.pdf", "--ignore-failed-page", "maybe")
    assert proc.returncode == 2 and "--ignore-failed-page must be yes or no" in err(proc), err(proc)


def test_lke_offline_says_how_to_switch(ctx):
    try:
        for code in ("InvalidAction", "ActionOffline", "UnsupportedOperation"):
            ctx.mock.config(lke_offline=code)
            for args in (["status", "done-off"], ["create", "--url", "https://docs.example.test/a.pdf"]):
                proc = run(ctx, *args)
                assert proc.returncode == 3 and code in err(proc), (code, args, err(proc))
                assert "no longer served on lke" in err(proc) and "--service lkeap" in err(proc), err(proc)
                assert "--service lkeap-intl" in err(proc), err(proc)
        # The same codes on lkeap are no reason to send anyone elsewhere.
        proc = run(ctx, "--service", "lkeap", "status", "missing-x", host=PROFILES[1][1])
        assert proc.returncode == 3 and "no longer served" not in err(proc), err(proc)
        assert run(ctx, "--service", "lkeap", "status", "done-x", host=PROFILES[1][1]).returncode == 0
    finally:
        ctx.mock.config(lke_offline=False)
    assert run(ctx, "status", "done-back").returncode == 0


def test_base64_only_for_its_types(ctx):
    path = os.path.join(ctx.home, "letter.docx")
    with open(path, "wb") as f:
        f.write(b"PK\x03\x04 not really a docx")
    before = traffic(ctx)
    proc = run(ctx, "create", "--file", path)
    assert proc.returncode == 2, (proc.returncode, err(proc))
    assert "must be PNG, JPG, JPEG, PDF, GIF, BMP or TIFF to be sent with --file" in err(proc), err(proc)
    assert "send other types with --url (set with --type)" in err(proc) and no_identifiers(err(proc)), err(proc)
    proc = run(ctx, "create", "--file", path, "--type", "txt")
    assert proc.returncode == 2 and "--url" in err(proc), err(proc)
    assert traffic(ctx) == before, (before, traffic(ctx))
    proc = run(ctx, "create", "--url", "https://docs.example.test/letter.docx")
    assert proc.returncode == 0, err(proc)
    assert ctx.mock.stats()["last_create"]["FileType"] == "DOCX"


def test_more_pages_than_one_task_are_refused_before_sending(ctx):
    for service, host, _, _, _ in PROFILES:
        before = traffic(ctx)
        for pages in ("1-1001", "1-5000", "7-1007"):
            proc = run(ctx, "--service", service, "create", "--url", "https://docs.example.test/a.pdf", "--pages",
                       pages, host=host)
            assert proc.returncode == 2, (service, pages, proc.returncode, err(proc))
            assert err(proc) == "lkedoc: end page makes a range over 1000 pages (set with --pages)\n", err(proc)
        assert traffic(ctx) == before, (service, before, traffic(ctx))
        # The most one task parses goes as asked.
        proc = run(ctx, "--service", service, "create", "--url", "https://docs.example.test/a.pdf", "--pages",
                   "7-1006", host=host)
        assert proc.returncode == 0, (service, err(proc))
        last = ctx.mock.stats()["last_create"]
        assert (last["FileStartPageNumber"], last["FileEndPageNumber"]) == (7, 1006), last


def test_longest_file_url_fits_the_request_buffer(ctx):
    # README "The service": with the defaults (lke's host and range, the mock's 36-byte SecretId, FileType PDF,
    # no token or language) a FileUrl of 1408 bytes fits the request buffer beside the headers; one byte more
    # is refused before anything connects.  (On port 443; the mock's port goes in Host, and costs its room.)
    longest = 1408 - len(f":{ctx.mock.port}")

    def url(n):
        return "https://docs.example.com/" + "a" * (n - 29) + ".pdf"
    proc = run(ctx, "create", "--url", url(longest))
    assert proc.returncode == 0, err(proc)
    assert ctx.mock.stats()["last_create"]["FileUrl"] == url(longest)
    before = traffic(ctx)
    proc = run(ctx, "create", "--url", url(longest + 1))
    assert proc.returncode == 2 and "too small" in err(proc), (proc.returncode, err(proc))
    assert traffic(ctx) == before, (before, traffic(ctx))


def test_profile_host_in_any_case(ctx):
    for service, host, version, region, _ in PROFILES:
        r = status_json(ctx, "done-case", host=host.upper())
        h = ctx.mock.stats()["last_headers"]
        assert (h["x-tc-version"], h["x-tc-region"]) == (version, region), (service, h)
        assert r["Status"] == "Success", r


def test_service_the_host_contradicts_is_refused(ctx):
    # lkeap names the service both editions share: the international host makes it the international one.
    status_json(ctx, "done-x", "--service", "lkeap", host=PROFILES[2][1])
    assert ctx.mock.stats()["last_headers"]["x-tc-region"] == "ap-jakarta"
    before = traffic(ctx)
    for service, host, other in (("lkeap-intl", PROFILES[1][1], "lkeap"), ("lke", PROFILES[1][1], "lkeap"),
                                 ("lkeap", PROFILES[0][1], "lke"), ("lkeap-intl", PROFILES[0][1].upper(), "lke")):
        proc = run(ctx, "--service", service, "status", "done-x", host=host)
        assert proc.returncode == 2, (service, host, proc.returncode, err(proc))
        assert "is the host of --service %s, not of --service %s" % (other, service) in err(proc), err(proc)
    assert traffic(ctx) == before, (before, traffic(ctx))
    # A host of no profile takes any --service (the mock serves it as lkeap China: the region is what counts).
    run(ctx, "--service", "lkeap-intl", "status", "done-x", host="mock.lkedoc.test")
    h = ctx.mock.stats()["last_headers"]
    assert (h["host"].split(":")[0], h["x-tc-region"]) == ("mock.lkedoc.test", "ap-jakarta"), h


def test_language_header(ctx):
    status_json(ctx, "done-lang", "--language", "zh-CN")
    assert ctx.mock.stats()["last_headers"]["x-tc-language"] == "zh-CN"


def test_temporary_credentials_send_token(ctx):
    r = status_json(ctx, "done-token", env=env_for(ctx, TOKEN_ID, TOKEN_KEY, TENCENTCLOUD_TOKEN=TOKEN))
    assert r["Status"] == "Success"
    proc = run(ctx, "status", "done-token", env=env_for(ctx, TOKEN_ID, TOKEN_KEY))
    assert proc.returncode == 3 and "AuthFailure.TokenFailure" in err(proc), err(proc)


def test_localhost_tries_ipv6_then_ipv4(ctx):
    # The mock listens on ::1 and 127.0.0.1; the name resolves to both.
    proc = run(ctx, "--service", "lke", "--endpoint", f"localhost:{ctx.mock.port}", "--json", "status", "done-lh",
               endpoint=False)
    assert proc.returncode == 0, err(proc)


def test_ipv6_address_in_resolve_or_bracketed_endpoint(ctx):
    # Bracketed or not, an IPv6 --resolve address reaches the mock's ::1 listener by name.
    for addr in ("[::1]", "::1"):
        proc = run(ctx, "--endpoint", f"{HOST}:{ctx.mock.port}", "--resolve", f"{HOST}:{ctx.mock.port}:{addr}",
                   "--json", "status", "done-v6", endpoint=False)
        assert proc.returncode == 0, (addr, err(proc))
    # A bare IPv6 address as --endpoint is refused whole, not split at its colons into a host
    # "fd00:" and a port; so is a bracket that is no address, or a bad port after one.
    before = ctx.mock.stats()["connections"]
    for value in ("::1", "fd00::2", "[::1", "[lke]:443", "[::1]:0", "[::1]x", "https://", "[::ffff:127.0.0.1]",
                  "[fe80::1%lo]"):
        proc = run(ctx, "--endpoint", value, "status", "x", endpoint=False)
        assert proc.returncode == 2 and "HOST a name, an IPv4 address or a bracketed IPv6 address ([ADDR]:PORT)" \
            in err(proc), (value, err(proc))
    assert ctx.mock.stats()["connections"] == before
    # An address is the endpoint itself: the mock's certificate names 127.0.0.1 and ::1 as
    # iPAddress names, and the mock checks the signature over the Host it received, which
    # carries the port (bracketed for IPv6) while the signed host does not.
    for endpoint, host in ((f"https://[::1]:{ctx.mock.port}/", "[::1]"), (f"127.0.0.1:{ctx.mock.port}", "127.0.0.1")):
        ctx.mock.config(host_forms=["no-port"])
        try:
            proc = run(ctx, "--service", "lke", "--endpoint", endpoint, "--json", "status", "done-ip", endpoint=False)
            stats = ctx.mock.stats()
        finally:
            ctx.mock.config(host_forms=["as-sent", "no-port"])
        assert proc.returncode == 0, (endpoint, err(proc))
        assert stats["last_headers"]["host"] == f"{host}:{ctx.mock.port}", stats["last_headers"]
        assert stats["last_sign_variant"]["host"] == "no-port", stats["last_sign_variant"]


# ---- API errors --------------------------------------------------------------------


def api_error(ctx, *args, code, env=None, host=HOST):
    proc = run(ctx, "--json", *args, env=env, host=host)
    assert proc.returncode == 3, (proc.returncode, err(proc))
    body = json.loads(out(proc))
    assert body["Error"]["Code"] == code, body
    assert body["RequestId"], body
    assert code in err(proc)
    return proc


def test_unknown_task_is_an_api_error(ctx):
    proc = api_error(ctx, "status", "missing-1", code="ResourceNotFound")
    assert "(parameter)" in err(proc), err(proc)


def test_wrong_key_is_signature_failure(ctx):
    api_error(ctx, "status", "x", code="AuthFailure.SignatureFailure", env=env_for(ctx, SECRET_ID, "wrong-key"))


def test_unknown_secret_id(ctx):
    api_error(ctx, "status", "x", code="AuthFailure.SecretIdNotFound", env=env_for(ctx, "AKIDNOBODY", SECRET_KEY))


def test_server_clock_ahead_is_corrected_from_its_date(ctx):
    # The first request is refused with SignatureExpire; its Date header
    # teaches the client the server's time and the call is signed again.
    before = ctx.mock.stats()
    ctx.mock.config(clock_offset=3600)
    try:
        proc = run(ctx, "--verbose", "--json", "status", "done-clock")
        assert proc.returncode == 0, err(proc)
        assert "re-signing with the server's clock" in err(proc), err(proc)
        assert "clock offset 3600 s" in err(proc) or "clock offset 3599 s" in err(proc), err(proc)
    finally:
        ctx.mock.config(clock_offset=0)
    after = ctx.mock.stats()
    assert after["requests"] - before["requests"] == 2
    assert after["errors"].get("AuthFailure.SignatureExpire", 0) - before["errors"].get("AuthFailure.SignatureExpire", 0) == 1


def test_wrong_version(ctx):
    api_error(ctx, "--api-version", "2019-01-01", "status", "x", code="NoSuchVersion")


def test_wrong_region(ctx):
    api_error(ctx, "--region", "ap-nowhere", "status", "x", code="UnsupportedRegion")


# ---- TLS refusals: nothing reaches the service -----------------------------------


def test_untrusted_ca_is_refused_before_any_request(ctx):
    before = ctx.mock.stats()
    proc = run(ctx, "status", "secret-task", ca=ctx.mock.other_ca_file)
    assert proc.returncode == 4, (proc.returncode, err(proc))
    assert "certificate" in err(proc), err(proc)
    after = ctx.mock.stats()
    assert after["requests"] == before["requests"], (before, after)
    assert after["connections"] > before["connections"], "the client never reached the mock: test proves nothing"


def test_wrong_host_name_is_refused_before_any_request(ctx):
    before = ctx.mock.stats()
    proc = run(ctx, "status", "secret-task", host="not-the-service.example.test")
    assert proc.returncode == 4, (proc.returncode, err(proc))
    assert "certificate" in err(proc), err(proc)
    after = ctx.mock.stats()
    assert after["requests"] == before["requests"], (before, after)
    assert after["connections"] > before["connections"]


def test_system_bundle_does_not_trust_the_mock(ctx):
    before = ctx.mock.stats()["requests"]
    cmd = [CLI, "--endpoint", f"{HOST}:{ctx.mock.port}", "--resolve", f"{HOST}:{ctx.mock.port}:127.0.0.1",
           "status", "x"]
    proc = subprocess.run(cmd, capture_output=True, timeout=60, env=env_for(ctx))
    assert proc.returncode == 4, (proc.returncode, err(proc))
    assert ctx.mock.stats()["requests"] == before


def fail_calloc_library(ctx):
    """tests/tools/fail_calloc.c as an LD_PRELOAD library, built once per suite run."""
    so = os.path.join(ctx.home, "fail_calloc.so")
    if not os.path.exists(so):
        subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-shared", "-fPIC", "-O2",
                        "-o", so, os.path.join(ROOT, "tests", "tools", "fail_calloc.c"), "-ldl"], check=True)
    return so


def test_every_tls_allocation_failure_is_a_clear_error(ctx):
    # mbedTLS allocates with calloc on the host.  Let the n-th calloc and all
    # after it fail, for every n through client set-up, CA loading and the
    # start of the handshake, then for doubling n until the call succeeds: each
    # run must end with exit 4 and say the TLS memory ran out, also when the
    # failure hits inside certificate verification (where mbedTLS turns it
    # into an "untrusted" flag, which the client sees through).
    so = fail_calloc_library(ctx)
    before = ctx.mock.stats()["requests"]
    seen, n, ok_runs = {}, 0, 0
    while n <= 1 << 24:
        env = env_for(ctx, LD_PRELOAD=so, LKEDOC_FAIL_CALLOC_AFTER=str(n),
                      ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0")
        proc = run(ctx, "status", "task-calloc", env=env)
        if proc.returncode in (0, 3):  # the call went through (3: the mock does not know the task)
            ok_runs += 1
            break
        assert proc.returncode == 4, (n, proc.returncode, err(proc))
        text = err(proc)
        assert "TLS memory exhausted" in text, (n, text)
        kind = ("init" if "cannot set up the client" in text else
                "ca" if "cannot load the CA certificates" in text else "handshake")
        seen.setdefault(kind, n)
        n = n + 1 if n < 64 else n * 2
    assert ok_runs == 1, "the call never succeeded with up to %d allocations" % n
    assert {"init", "ca", "handshake"} <= set(seen), seen
    assert ctx.mock.stats()["requests"] == before + 1, "a failed run sent a request"


# ---- network failures and deadlines ---------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_refused(ctx):
    port = free_port()
    proc = run(ctx, "--endpoint", f"{HOST}:{port}", "--resolve", f"{HOST}:{port}:127.0.0.1", "status", "x",
               endpoint=False)
    assert proc.returncode == 4, (proc.returncode, err(proc))
    assert "connect" in err(proc), err(proc)


class SlowServer:
    """A TCP (optionally TLS) server that accepts and then answers too slowly."""

    def __init__(self, ctx, tls, drip=None, reply=None):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.tls = tls
        self.drip = drip
        self.reply = reply
        self.ctx = None
        if tls:
            self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.ctx.load_cert_chain(os.path.join(STATE, "server.pem"), os.path.join(STATE, "server.key"))
        self.stop = threading.Event()
        self.connections = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn):
        try:
            if self.tls:
                conn = self.ctx.wrap_socket(conn, server_side=True)
                conn.recv(65536)
            if self.reply is not None:
                conn.sendall(self.reply)
                return
            if self.drip:
                for b in self.drip:
                    if self.stop.is_set():
                        break
                    conn.sendall(bytes([b]))
                    time.sleep(0.3)
            self.stop.wait(30)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self.stop.set()
        self.sock.close()


def timed(ctx, server, seconds):
    t0 = time.monotonic()
    proc = run(ctx, "--endpoint", f"{HOST}:{server.port}", "--resolve", f"{HOST}:{server.port}:127.0.0.1",
               "--timeout", str(seconds), "status", "x", endpoint=False)
    return proc, time.monotonic() - t0


def test_silent_server_hits_the_deadline(ctx):
    server = SlowServer(ctx, tls=False)
    try:
        proc, took = timed(ctx, server, 1.5)
    finally:
        server.close()
    assert proc.returncode == 5, (proc.returncode, err(proc))
    assert 1.4 <= took < 4.0, took


def test_dripping_server_cannot_hold_the_call(ctx):
    # After a good handshake, one byte of a never-ending answer every 0.3 s:
    # each read succeeds, but the call's single deadline still ends it.
    body = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 1000
    server = SlowServer(ctx, tls=True, drip=body)
    try:
        proc, took = timed(ctx, server, 2)
    finally:
        server.close()
    assert proc.returncode == 5, (proc.returncode, err(proc))
    assert 1.9 <= took < 5.0, took


def reply_test(ctx, reply, want_exit, want_text, seconds=3):
    server = SlowServer(ctx, tls=True, reply=reply)
    try:
        proc, took = timed(ctx, server, seconds)
    finally:
        server.close()
    assert proc.returncode == want_exit, (proc.returncode, err(proc))
    assert want_text in err(proc), err(proc)
    assert took < seconds + 1, took
    return server


def test_http_500_with_html(ctx):
    # A deadline far beyond the retries' pauses (at most 0.5 + 1 + 2 + 4 s),
    # so that every retry runs and none is cut by the deadline, however
    # loaded the machine: the answer is the server's 500, never a timeout.
    page = b"<html><body>" + b"gateway error " * 2000 + b"</body></html>"
    server = reply_test(ctx, b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html\r\n"
                        b"Content-Length: %d\r\n\r\n" % len(page) + page, 6, "HTTP status 500", seconds=30)
    assert server.connections == 1 + RETRY_COUNT, ("a 5xx answer is retried, LKD_RETRY_COUNT times",
                                                   server.connections)


def test_truncated_body_is_not_success(ctx):
    # A cut answer is retried; a deadline beyond every retry's pause (as for the 500 above) so that a loaded
    # machine (sanitizers) cannot turn the last attempt into a timeout: the answer is "closed", never success.
    reply_test(ctx, b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"Response\":{\"Status\":", 4, "closed",
               seconds=30)


def test_body_that_is_not_json(ctx):
    reply_test(ctx, b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot json!", 6, "malformed")


def test_body_larger_than_the_buffer(ctx):
    big = b'{"Response":{"Status":"Success","X":"' + b"a" * 100000 + b'"}}'
    reply_test(ctx, b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(big) + big, 6, "too large")


# ---- credentials and usage ------------------------------------------------------------


def write_credentials(ctx, mode, content):
    d = os.path.join(ctx.home, ".tencentcloud")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "credentials")
    with open(path, "w") as f:
        f.write(content)
    os.chmod(path, mode)
    return path


def test_credentials_file(ctx):
    path = write_credentials(ctx, 0o600, f"[other]\nsecret_id = nope\n[default]\nsecret_id = {SECRET_ID}\n"
                                         f"secret_key = {SECRET_KEY}\n")
    try:
        proc = run(ctx, "--json", "status", "done-file", env=env_for(ctx, None, None))
        assert proc.returncode == 0, err(proc)
        os.chmod(path, 0o644)
        proc = run(ctx, "status", "done-file", env=env_for(ctx, None, None))
        assert proc.returncode == 2 and "chmod 600" in err(proc), err(proc)
    finally:
        os.unlink(path)


def test_missing_credentials(ctx):
    proc = run(ctx, "status", "x", env=env_for(ctx, None, None))
    assert proc.returncode == 2 and "TENCENTCLOUD_SECRET_ID" in err(proc), err(proc)


def test_verbose_never_shows_secrets(ctx):
    proc = run(ctx, "--verbose", "status", "done-verbose",
               env=env_for(ctx, TOKEN_ID, TOKEN_KEY, TENCENTCLOUD_TOKEN=TOKEN))
    assert proc.returncode == 0, err(proc)
    text = err(proc) + out(proc)
    assert "Signature=<hidden>" in text and "X-TC-Token: <hidden>" in text, text
    assert TOKEN_KEY not in text and TOKEN not in text, text
    assert "X-TC-Action: GetReconstructDocumentResult" in text, text


def test_usage_errors(ctx):
    cases = [[], ["status"], ["frobnicate", "x"], ["--timeout", "abc", "status", "x"], ["--bogus", "status", "x"],
             ["--service", "cvm", "status", "x"], ["--language", "fr-FR", "status", "x"],
             ["--endpoint", "host:99999", "status", "x"], ["status", ""]]
    for args in cases:
        proc = subprocess.run([CLI] + args, capture_output=True, timeout=10, env=env_for(ctx))
        assert proc.returncode == 2, (args, proc.returncode, err(proc))
    proc = subprocess.run([CLI, "--help"], capture_output=True, timeout=10)
    assert proc.returncode == 0 and b"exit status" in proc.stdout


def test_argument_errors_name_the_argument_and_its_limit(ctx):
    # The library names what it refused and the CLI says it, before anything is sent.
    before = ctx.mock.stats()["requests"]
    proc = run(ctx, "status", "t" * 300)
    assert proc.returncode == 2, (proc.returncode, err(proc))
    assert "lkedoc: TaskId is 300 bytes; the limit is 127\n" in err(proc), err(proc)
    proc = run(ctx, "status", "done-ok", b"bad-\xff-id")
    assert proc.returncode == 2 and "lkedoc: TaskId 2 of 2 is not valid UTF-8 (byte 5)\n" in err(proc), err(proc)
    proc = run(ctx, "status", "done-ok", "t" * 300, "t" * 200)
    assert proc.returncode == 2 and "lkedoc: TaskId 2 of 3 is 300 bytes; the limit is 127\n" in err(proc), err(proc)
    before += 2  # done-ok went out twice
    # The action form, and a command that waits: the same words.
    for args in (["GetReconstructDocumentResult", "--TaskId", "t" * 300], ["wait", "t" * 300]):
        proc = run(ctx, *args)
        assert proc.returncode == 2 and "lkedoc: TaskId is 300 bytes; the limit is 127\n" in err(proc), err(proc)
    proc = run(ctx, "GetReconstructDocumentResult", "--TaskId", b"\xc3(")
    assert proc.returncode == 2 and "lkedoc: TaskId is not valid UTF-8 (byte 1)\n" in err(proc), err(proc)
    proc = run(ctx, "status", "x", env=env_for(ctx, TENCENTCLOUD_REGION="ap guangzhou"))
    assert proc.returncode == 2 and "(set with --region or TENCENTCLOUD_REGION)" in err(proc), err(proc)
    proc = run(ctx, "--region", "ap guangzhou", "status", "x")
    assert proc.returncode == 2, (proc.returncode, err(proc))
    assert "region must be letters, digits" in err(proc) and "--region" in err(proc), err(proc)
    assert ctx.mock.stats()["requests"] == before, "a refused argument reached the service"


def test_trailing_whitespace_of_the_environment_is_trimmed(ctx):
    # What $(cat file), echo into a file and Windows editors add to a value.
    for tail in ("\n", "\r\n", " \t\n"):
        proc = run(ctx, "--json", "status", "done-env", env=env_for(ctx, TOKEN_ID + tail, TOKEN_KEY + tail,
                                                                     TENCENTCLOUD_TOKEN=TOKEN + tail))
        assert proc.returncode == 0, (repr(tail), err(proc))


def test_an_unusable_environment_value_is_named(ctx):
    before = ctx.mock.stats()["requests"]
    cases = [
        (dict(secret_id=" \n"), "the value of TENCENTCLOUD_SECRET_ID is empty"),
        (dict(secret_id="A" * 200), "the value of TENCENTCLOUD_SECRET_ID is 200 bytes; the limit is 128"),
        (dict(secret_id=SECRET_ID[:4] + "/" + SECRET_ID[4:]), "the value of TENCENTCLOUD_SECRET_ID holds a "
         "character other than letters, digits, '-', '.' and '_' at byte 5"),
        (dict(secret_key=SECRET_KEY + "'"), "the value of TENCENTCLOUD_SECRET_KEY has an unmatched quote mark; "
         "write it without quotes"),
        (dict(secret_id=SECRET_ID[:4] + "\n" + SECRET_ID[4:]),
         "the value of TENCENTCLOUD_SECRET_ID holds a control character at byte 5"),
        (dict(secret_key=SECRET_KEY[:3] + " " + SECRET_KEY[3:]),
         "the value of TENCENTCLOUD_SECRET_KEY holds a space at byte 4"),
        (dict(secret_key="\u00e9" + SECRET_KEY),
         "the value of TENCENTCLOUD_SECRET_KEY holds a non-ASCII character at byte 1"),
        (dict(secret_key='"%s"' % SECRET_KEY),
         "the value of TENCENTCLOUD_SECRET_KEY is quoted; write it without quotes"),
        (dict(TENCENTCLOUD_TOKEN="tok\x01en"), "the value of TENCENTCLOUD_TOKEN holds a control character at byte 4"),
        (dict(TENCENTCLOUD_TOKEN="t" * 5000), "the value of TENCENTCLOUD_TOKEN is 5000 bytes; the limit is 4096"),
    ]
    for kw, says in cases:
        proc = run(ctx, "status", "x", env=env_for(ctx, **kw))
        assert proc.returncode == 2 and "lkedoc: %s\n" % says in err(proc), (kw, err(proc))
        for secret in [v for v in kw.values() if len(v) >= 8] + [SECRET_KEY]:
            run8 = next((secret[i:i + 8] for i in range(len(secret) - 7) if secret[i:i + 8] in err(proc)), None)
            assert run8 is None, (kw, "shows part of a secret", run8, err(proc))
    assert ctx.mock.stats()["requests"] == before, "a refused credential reached the service"


# Every refusal the command line can reach, with what it must name: none is a bare "invalid argument".
BAD_INPUTS = [
    (["status", "t" * 300], "TaskId"),
    (["status", b"a\xffb"], "TaskId"),
    (["download", "t" * 300, "-o", "o.zip"], "TaskId"),
    (["GetReconstructDocumentResult", "--TaskId", "t" * 300], "TaskId"),
    (["status", ""], "status"),
    (["wait", b"\xff"], "TaskId"),
    (["cancel", "x"], "cancel"),
    (["--region", "ap guangzhou", "status", "x"], "--region"),
    (["--api-version", "v 1", "status", "x"], "--api-version"),
    (["--endpoint", "bad host", "status", "x"], "--endpoint"),
    (["--endpoint", "a:0", "status", "x"], "--endpoint"),
    (["--endpoint", "h" * 300, "status", "x"], "--endpoint"),
    (["--language", "fr", "status", "x"], "--language"),
    (["--service", "cvm", "status", "x"], "--service"),
    (["--timeout", "0", "status", "x"], "--timeout"),
    (["--job-timeout", "abc", "wait", "x"], "--job-timeout"),
    (["--poll-interval", "0", "wait", "x"], "--poll-interval"),
    (["--resolve", "bad", "status", "x"], "--resolve"),
    (["--result-host", "a b", "status", "x"], "--result-host"),
    (["--proxy", "ftp://p", "status", "x"], "--proxy"),
    (["--credentials-margin", "999999", "status", "x"], "--credentials-margin"),
    (["--credentials-timeout", "-3", "status", "x"], "--credentials-timeout"),
    (["--credentials-process", "", "status", "x"], "credentials process"),
    (["--ca-file", "/nonexistent", "status", "x"], "/nonexistent"),
    (["--upload-rate", "x", "status", "x"], "--upload-rate"),
    (["create", "--url", b"http://x/\xff.pdf"], "--url"),
    (["create", "--url", "http://x/" + "u" * 4000 + ".pdf"], "request buffer"),
    (["create", "--file", "/nonexistent.pdf"], "/nonexistent.pdf"),
    (["create", "--file", "/dev/null", "--type", "PDF"], "/dev/null"),
    (["create", "--url", "http://x/a.pdf", "--type", "DOCX", "--file", "/dev/null"], "exactly one of --file"),
    (["create", "--url", "http://x/a.pdf", "--pages", "5-2"], "--pages"),
    (["create", "--url", "http://x/a.pdf", "--pages", "1-99999"], "--pages"),
    (["create", "--url", "http://x/a.pdf", "--table", "csv"], "--table"),
    (["create", "--url", "http://x/a.pdf", "--result-type", "9"], "--result-type"),
    (["create", "--url", "http://x/a.pdf", "--page-format", "x"], "--page-format"),
    (["create", "--url", "http://x/a.pdf", "--ignore-failed-page", "maybe"], "--ignore-failed-page"),
    (["parse", "/nonexistent.pdf"], "-o"),
    (["download", "x"], "-o"),
    (["frobnicate", "x"], "frobnicate"),
]
BAD_ENVIRONMENTS = [
    (dict(secret_id="a\x01"), "TENCENTCLOUD_SECRET_ID"),
    (dict(secret_key="\t"), "TENCENTCLOUD_SECRET_KEY"),
    (dict(TENCENTCLOUD_TOKEN="t x"), "TENCENTCLOUD_TOKEN"),
    (dict(TENCENTCLOUD_REGION="a b"), "TENCENTCLOUD_REGION"),
    (dict(HTTPS_PROXY="ftp://x"), "HTTPS_PROXY"),
    (dict(secret_id=None, secret_key=None), "TENCENTCLOUD_SECRET_ID"),
    (dict(secret_id=None, secret_key=None, TENCENTCLOUD_CREDENTIALS_FILE="/dev/null"), "/dev/null"),
]


# What a credentials process may print that the library refuses, and the key the message must name.
BAD_PROCESS_OUTPUTS = [
    (dict(Token="a\u0001b"), "printed a Token that must be visible ASCII"),
    (dict(TmpSecretId="AKID/x"), "printed a TmpSecretId that must be letters, digits, '-', '.' and '_'"),
    (dict(TmpSecretId="A" * 200), "printed a TmpSecretId that is 200 bytes; the limit is 128"),
    (dict(TmpSecretKey="k" * 129), "printed a TmpSecretKey that is 129 bytes; the limit is 128"),
    (dict(TmpSecretKey=""), "printed a TmpSecretKey that is empty"),
    (dict(ExpiredTime=1), "printed an ExpiredTime that is in the past or negative"),
]
# A message that names nothing: the library's own texts for an argument status or its generic rule, or a
# field of its structs in words.
BARE = re.compile(r"invalid arguments?\b|has bytes or a form it may not have"
                  r"|^lkedoc: credentials (secret|token|expires)", re.M)


def test_no_refusal_is_a_bare_invalid_argument(ctx):
    before = ctx.mock.stats()["requests"]
    runs = [(args, {}, names) for args, names in BAD_INPUTS] + [(["status", "x"], kw, n) for kw, n in BAD_ENVIRONMENTS]
    for i, (fields, says) in enumerate(BAD_PROCESS_OUTPUTS):
        answer = dict(TmpSecretId=TOKEN_ID, TmpSecretKey=TOKEN_KEY, Token=TOKEN, ExpiredTime=int(time.time()) + 3600)
        answer.update(fields)
        path = os.path.join(ctx.home, "process-%d.json" % i)
        with open(path, "w") as f:
            json.dump(answer, f)
        runs.append((["--credentials-process", "cat '%s'" % path, "status", "x"],
                     dict(secret_id=None, secret_key=None), "lkedoc: the credentials process " + says + "\n"))
    for args, kw, names in runs:
        case = "case %r %r" % (args, kw)
        proc = run(ctx, *args, env=env_for(ctx, **kw))
        text = err(proc)
        assert proc.returncode == 2, (case, "exit status", proc.returncode, text)
        assert names in text, (case, "does not name %r" % names, text)
        assert BARE.search(text) is None, (case, "names nothing: %r" % BARE.search(text).group(0), text)
    assert ctx.mock.stats()["requests"] == before, "a refused input reached the service"


def help_options():
    """{spelling: takes a value} of every option line of --help ("  --name[, -x] [VALUE]  text")."""
    text = subprocess.run([CLI, "--help"], capture_output=True, text=True, timeout=10).stdout
    found = {}
    for line in text.splitlines():
        m = re.match(r"  (--[A-Za-z][-A-Za-z]*)(?:, (-[A-Za-z]))?(?: ([^ ]+))?(?:  |$)", line)
        if m:
            for spelling in filter(None, m.group(1, 2)):
                found[spelling] = m.group(3) is not None
    return text, found


def test_help_and_parser_know_the_same_options(ctx):
    text, found = help_options()
    assert len(found) >= 20 and "--TaskId" in found and "-o" in found and found["--output"], found
    # Every option the usage lines name has its own line.
    usage = text.split("\n\n")[0]
    named = set(re.findall(r"(?<![\w-])(--?[A-Za-z][-A-Za-z]*)", usage)) - {"-"}
    assert named <= set(found), named - set(found)
    # The parser takes every listed spelling (refusing a bad value is not "unknown option"),
    # a value option wants its value, and it knows nothing else.
    for spelling, takes_value in found.items():
        if spelling in ("--help", "-h", "--version", "-V"):
            continue
        args = [spelling, "x", "status", ""] if takes_value else [spelling, "status", ""]
        proc = subprocess.run([CLI] + args, capture_output=True, timeout=10, env=env_for(ctx))
        assert proc.returncode == 2 and "unknown option" not in err(proc), (spelling, err(proc))
        if takes_value:
            proc = subprocess.run([CLI, "status", "t", spelling], capture_output=True, timeout=10, env=env_for(ctx))
            assert proc.returncode == 2 and f"option {spelling} needs a value" in err(proc), (spelling, err(proc))
    for unknown in ("--Taskid", "--outputs", "-x", "--verbos"):
        proc = subprocess.run([CLI, unknown, "x", "status", ""], capture_output=True, timeout=10, env=env_for(ctx))
        assert proc.returncode == 2 and f"unknown option {unknown}" in err(proc), (unknown, err(proc))


def cli_alone(*args, **kw):
    """The CLI with only these arguments (no endpoint): what the parser alone decides."""
    return subprocess.run([CLI] + list(args), capture_output=True, timeout=10, **kw)


def test_version(ctx):
    with open(os.path.join(ROOT, "core", "include", "lkd_version.h"), encoding="utf-8") as f:
        header = f.read()
    ours = ".".join(re.search(r"#define LKD_VERSION_%s (\d+)" % k, header).group(1) for k in ("MAJOR", "MINOR", "PATCH"))
    for args in (["--version"], ["-V"], ["status", "t1", "--version"], ["--json", "-V", "--bogus"]):
        proc = cli_alone(*args, env=env_for(ctx, secret_id=None, secret_key=None))
        assert proc.returncode == 0 and proc.stderr == b"", (args, proc.returncode, err(proc))
        m = re.fullmatch(r"lkedoc (\S+) \(mbedTLS ([23]\.\d+\.\d+)(?:, built with ([23]\.\d+\.\d+))?\)\n", out(proc))
        assert m and m.group(1) == ours, (args, out(proc))
        # "built with" only when the library it runs with is another one.
        assert m.group(3) != m.group(2), out(proc)
    proc = cli_alone("--version=1")
    assert proc.returncode == 2 and "option --version takes no value" in err(proc), err(proc)


def test_h_is_help(ctx):
    # -h wherever it stands, after a command and its operands too, is --help:
    # the usage, exit 0, and the command is not run (no credentials here, a
    # port nothing listens on, and the output file is never made).
    full = cli_alone("--help")
    assert b"--total-timeout" in full.stdout
    zip_path = os.path.join(ctx.home, "h.zip")
    bare = env_for(ctx, secret_id=None, secret_key=None)
    for args in (["-h"], ["status", "t1", "-h"], ["--endpoint", "127.0.0.1:9", "download", "t1", "-o", zip_path, "-h"],
                 ["parse", "--file", "none.pdf", "-o", zip_path, "-h", "--timeout", "5"]):
        proc = cli_alone(*args, env=bare)
        assert proc.returncode == 0 and proc.stdout == full.stdout and proc.stderr == b"", (args, err(proc))
        assert not os.path.exists(zip_path) and not os.path.exists(zip_path + ".lkedoc-job"), args
    # After "--" it is an operand: the command runs (and wants credentials).
    proc = cli_alone("status", "--", "-h", env=bare)
    assert proc.returncode == 2 and proc.stdout == b"" and b"--help" not in proc.stderr, err(proc)


def test_typos_and_stray_urls_never_echo_a_secret(ctx):
    # A single-dash typo of --proxy=URL: its name only.
    proc = cli_alone("-proxy=http://u:s3cr3t@h", "status", "t1", env=env_for(ctx))
    assert proc.returncode == 2 and err(proc).startswith("lkedoc: unknown option -proxy\n"), err(proc)
    # An option that took the next option as its value leaves the URL as the command.
    proc = cli_alone("--region", "--proxy", "http://u:s3cr3t@h", "status", "t", env=env_for(ctx))
    assert proc.returncode == 2, err(proc)
    assert err(proc).startswith("lkedoc: unknown command (a URL: did an option before it miss its value?)\n"), err(proc)
    for proc in (cli_alone("-proxy=http://u:s3cr3t@h"), cli_alone("--region", "--proxy", "http://u:s3cr3t@h")):
        assert b"s3cr3t" not in proc.stderr + proc.stdout, err(proc)
    # Any other unknown command is still named.
    proc = cli_alone("stauts", "t1", env=env_for(ctx))
    assert proc.returncode == 2 and "unknown command 'stauts'" in err(proc), err(proc)


def test_unknown_option_named_wherever_it_stands(ctx):
    for args, name in ((["status", "t1", "--bogus"], "--bogus"), (["status", "--bogus", "t1"], "--bogus"),
                       (["--bogus=s3cr3t", "status", "t1"], "--bogus"), (["status", "t1", "-Z"], "-Z"),
                       (["download", "t1", "-o", "x.zip", "--frob=1"], "--frob")):
        proc = cli_alone(*args, env=env_for(ctx))
        assert proc.returncode == 2, (args, proc.returncode, err(proc))
        assert err(proc).startswith(f"lkedoc: unknown option {name}\n"), (args, err(proc))
        assert "s3cr3t" not in err(proc) and "needs a value" not in err(proc), err(proc)


def test_missing_and_refused_values_are_named(ctx):
    for args, words in ((["status", "t1", "--timeout"], "option --timeout needs a value"),
                        (["status", "t1", "--total-timeout"], "option --total-timeout needs a value"),
                        (["--json=yes", "status", "t1"], "option --json takes no value"),
                        (["status", "t1", "--verbose=1"], "option --verbose takes no value"),
                        (["--timeout=", "status", "t1"], "--timeout wants seconds (0 < s <= 86400), not ''"),
                        (["--total-timeout=0", "status", "t1"],
                         "--total-timeout wants seconds (0 < s <= 86400), not '0'"),
                        (["--service=cvm", "status", "t1"], "--service must be lke, lkeap or lkeap-intl, not 'cvm'")):
        proc = cli_alone(*args, env=env_for(ctx))
        assert proc.returncode == 2 and f"lkedoc: {words}\n" in err(proc), (args, err(proc))


def test_options_after_the_command_and_name_equals_value(ctx):
    ctx.mock.reset()
    port = ctx.mock.port
    # Every option after the command and its operand, in both spellings.
    proc = subprocess.run([CLI, "status", "done-gnu", f"--endpoint={HOST}:{port}", "--resolve",
                           f"{HOST}:{port}:127.0.0.1", f"--ca-file={ctx.mock.ca_file}", "--timeout", "5",
                           "--total-timeout=20", "--json", "--region=ap-guangzhou"],
                          capture_output=True, timeout=30, env=env_for(ctx))
    assert proc.returncode == 0, err(proc)
    assert json.loads(out(proc))["Status"] == "Success", out(proc)
    proc = run(ctx, "GetReconstructDocumentResult", "--TaskId=done-gnu-2", "--json")
    assert proc.returncode == 0 and json.loads(out(proc))["Status"] == "Success", err(proc)
    assert ctx.mock.stats()["polls"].get("done-gnu-2") == 1


def test_double_dash_ends_options(ctx):
    ctx.mock.reset()
    # After "--", what looks like an option is an operand: two task ids here.
    proc = run(ctx, "--json", "status", "--", "-done-dash", "--json")
    assert proc.returncode != 2, err(proc)
    polls = ctx.mock.stats()["polls"]
    assert polls.get("-done-dash") == 1 and polls.get("--json") == 1, polls
    proc = run(ctx, "status", "--", "--timeout")
    assert "needs a value" not in err(proc) and ctx.mock.stats()["polls"].get("--timeout") == 1, err(proc)
    # A lone "-" is an operand too, and "--" only ends options once.
    proc = run(ctx, "status", "--", "--")
    assert "unknown option" not in err(proc) and ctx.mock.stats()["polls"].get("--") == 1, err(proc)


# ---- result hosts ----------------------------------------------------------------------


def test_result_host_option(ctx):
    # Accepted: a bare host, a .suffix, eight of them (run() adds the mock's as the eighth).
    for args in (["--result-host", "mock.lkedoc.test"], ["--result-host", ".lkedoc.test"],
                 sum((["--result-host", f"h{i}.example.test"] for i in range(7)), [])):
        proc = run(ctx, *args, "--json", "status", "done-rh")
        assert proc.returncode == 0, (args, err(proc))
    # Refused before anything is sent: a ninth, and anything that is not DNS labels.
    for bad in ([f"h{i}.example.test" for i in range(9)], [""], ["."], [".."], ["a..b"], ["a."], ["has space"],
                ["https://cos.example.test"], ["cos.example.test:443"], ["x" * 64 + ".test"], ["\x1b]0;t\x07"]):
        args = sum((["--result-host", h] for h in bad), [])
        proc = subprocess.run([CLI] + args + ["status", "x"], capture_output=True, timeout=10, env=env_for(ctx))
        assert proc.returncode == 2 and "--result-host" in err(proc), (bad, proc.returncode, err(proc))
    proc = subprocess.run([CLI, "--help"], capture_output=True, timeout=10)
    assert b"--result-host SUFFIX" in proc.stdout and b".myqcloud.com" in proc.stdout, proc.stdout


def test_refused_result_url_names_the_host(ctx):
    out_path = os.path.join(ctx.home, "refused.zip")
    before = ctx.mock.stats()["download"]["connections"]
    cmd = [CLI, "--endpoint", f"{HOST}:{ctx.mock.port}", "--resolve", f"{HOST}:{ctx.mock.port}:127.0.0.1",
           "--resolve", f"{DL_HOST}:{ctx.mock.download_port}:127.0.0.1", "--ca-file", ctx.mock.ca_file,
           "download", "done-refused", "-o", out_path]
    proc = subprocess.run(cmd, capture_output=True, timeout=60, env=env_for(ctx))
    assert proc.returncode == 6, (proc.returncode, err(proc))
    assert f"result URL refused: host {DL_HOST}" in err(proc) and "--result-host" in err(proc), err(proc)
    assert ctx.mock.stats()["download"]["connections"] == before, "connected to a refused host"
    assert not os.path.exists(out_path)
    # The same download with the host allowed goes through.
    proc = subprocess.run(cmd[:1] + ["--result-host", DL_HOST] + cmd[1:], capture_output=True, timeout=60,
                          env=env_for(ctx))
    assert proc.returncode == 0, err(proc)
