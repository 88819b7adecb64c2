# SPDX-License-Identifier: MIT
"""Temporary credentials from a credentials process (--credentials-process, credentials_process in the
credentials file), against the mock's STS-style credentials: a job whose wait outlives three token
lifetimes completes with the process re-run as they near expiry (never an expired token sent), a token
the service refuses is renewed once, and a process that fails, prints bad JSON, lacks a key, hangs, floods
or hands a token too long is a clear error with nothing sent.  No issued key or token ever reaches the
CLI's output, --verbose included.  The process is tests/integration/sts_helper.py."""
import json
import os
import subprocess
import sys
import time

from mockctl import JobFixture

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.environ.get("LKEDOC_CLI", os.path.join(ROOT, "build", "lkedoc"))
STATE = os.path.join(ROOT, "build", "mock-state")
HELPER = os.path.join(ROOT, "tests", "integration", "sts_helper.py")
HOST = "lke.intl.tencentcloudapi.com"
DL_HOST = "mock.lkedoc.test"
EXIT_USAGE = 2


def setup_suite():
    ctx = JobFixture(STATE, ["--ipv6"], prefix="lkedoc-creds-")
    ctx.state = os.path.join(ctx.tmp, "helper")
    os.makedirs(ctx.state)
    return ctx


def teardown_suite(ctx):
    if ctx:
        ctx.stop()


def fresh(ctx):
    ctx.mock.reset()
    for name in ("runs", "secrets", "pid"):
        path = os.path.join(ctx.state, name)
        if os.path.exists(path):
            os.unlink(path)


def process(ctx, mode, lifetime=1800):
    # The helper's path in single quotes: the command line is split into words, not given to a shell.
    return "%s '%s' %s %d %d %s" % (sys.executable, HELPER, ctx.state, ctx.mock.control_port, lifetime, mode)


def run(ctx, *args, env_extra=None, timeout=120):
    m = ctx.mock
    cmd = [CLI, "--endpoint", f"{HOST}:{m.port}", "--resolve", f"{HOST}:{m.port}:127.0.0.1",
           "--resolve", f"{DL_HOST}:{m.download_port}:127.0.0.1", "--result-host", DL_HOST,
           "--ca-file", m.ca_file] + list(args)
    # No static credentials anywhere: the process is the only source.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": ctx.tmp, "LC_ALL": "C.UTF-8"}
    env.update(env_extra or {})
    return subprocess.run(cmd, capture_output=True, timeout=timeout, env=env)


def runs(ctx):
    try:
        with open(os.path.join(ctx.state, "runs")) as f:
            return len(f.read().splitlines())
    except FileNotFoundError:
        return 0


def assert_no_secret(ctx, p):
    """No issued key or token in the CLI's output, nor an 8-byte piece of either."""
    out = p.stdout + p.stderr
    try:
        with open(os.path.join(ctx.state, "secrets")) as f:
            secrets = f.read().split()
    except FileNotFoundError:
        secrets = []
    for s in secrets:
        for i in range(0, len(s) - 8, 8):
            assert s[i:i + 8].encode() not in out, "a piece of an issued secret is in the output"


def err(p):
    return p.stderr.decode("utf-8", "replace")


def test_job_outlives_three_token_lifetimes(ctx):
    fresh(ctx)
    lifetime, margin = 4, 1
    ctx.mock.config(polls_to_success=6)
    out = os.path.join(ctx.tmp, "out.zip")
    t0 = time.monotonic()
    p = run(ctx, "--verbose", "--credentials-process", process(ctx, "nested", lifetime), "--credentials-margin",
            str(margin), "--poll-interval", "1", "parse", ctx.sample, "-o", out)
    took = time.monotonic() - t0
    assert p.returncode == 0, err(p)
    assert took > 3 * lifetime, "the job took %.1f s, not three lifetimes" % took
    st = ctx.mock.stats()
    n = runs(ctx)
    # Asked before the first call and whenever less than the margin was left: every token the mock issued
    # was used, none after it expired, and none was refused.
    assert n >= 4 and n == st["sts"]["issued"], (n, st["sts"])
    # And not more often: a token (ExpiredTime whole seconds, the client's clock too) serves over
    # lifetime - margin - 1 seconds before it is within the margin, and the first polls (1 s, then 1.5 s
    # apart) share one: asking before every call would fail both.
    assert n <= took / (lifetime - margin - 1) + 1 and n < st["requests"], (n, took, st["requests"])
    assert st["sts"]["expired"] == 0 and st["sts"]["invalid"] == 0, st["sts"]
    assert st["tasks_created"] == 1
    assert err(p).count("running the credentials process") == n
    assert "expire at" in err(p)
    assert os.path.getsize(out) > 0
    assert_no_secret(ctx, p)
    # A helper whose stderr is passed through.
    fresh(ctx)
    p = run(ctx, "--credentials-process", process(ctx, "stderr"), "status", "done-1")
    assert p.returncode == 0, err(p)
    assert "helper: fetching credentials" in err(p)


def test_shapes_and_the_credentials_file(ctx):
    for mode in ("response", "flat"):
        fresh(ctx)
        p = run(ctx, "--json", "--credentials-process", process(ctx, mode), "status", "done-1", "done-2")
        assert p.returncode == 0, (mode, err(p))
        assert runs(ctx) == 1 and ctx.mock.stats()["sts"]["issued"] == 1
        assert_no_secret(ctx, p)
    # credentials_process in the file's [default] section; beside static keys it is refused.
    path = os.path.join(ctx.tmp, "credentials")
    for body, ok in (("[default]\ncredentials_process = %s\n" % process(ctx, "nested"), True),
                     ("[default]\nsecret_id = AKIDX\nsecret_key = k\ncredentials_process = %s\n"
                      % process(ctx, "nested"), False)):
        fresh(ctx)
        with open(path, "w") as f:
            f.write(body)
        os.chmod(path, 0o600)
        p = run(ctx, "status", "done-1", env_extra={"TENCENTCLOUD_CREDENTIALS_FILE": path})
        if ok:
            assert p.returncode == 0 and runs(ctx) == 1, err(p)
        else:
            assert p.returncode == EXIT_USAGE and "both credentials_process and secret_id" in err(p), err(p)
            assert runs(ctx) == 0


def test_a_refused_token_is_renewed_once(ctx):
    fresh(ctx)
    p = run(ctx, "--verbose", "--credentials-process", process(ctx, "bad-first"), "status", "done-1")
    assert p.returncode == 0, err(p)
    st = ctx.mock.stats()
    assert runs(ctx) == 2 and st["sts"]["invalid"] == 1 and st["errors"].get("AuthFailure.TokenFailure") == 1, st
    assert "credentials refused: asking the provider again" in err(p)
    assert_no_secret(ctx, p)


def test_a_failing_process_is_a_clear_error(ctx):
    cases = [
        ("exit3", [], "exited with status 3"),
        ("badjson", [], "printed no usable credentials: expected a key at byte 25"),
        ("nokey", [], "printed no usable credentials: no Credentials.Token"),
        ("sleep", ["--credentials-timeout", "1"], "did not finish within 1 s"),
        ("flood", [], "printed more than 65536 bytes"),
        ("longtoken", [], "printed no usable credentials: Credentials.Token is longer than 4096 bytes"),
        # One byte over the CLI's own buffer (the request carries any length: see the test after this one).
        ("token:4097", [], "printed no usable credentials: Credentials.Token is longer than 4096 bytes"),
    ]
    for mode, extra, says in cases:
        fresh(ctx)
        t0 = time.monotonic()
        p = run(ctx, *extra, "--credentials-process", process(ctx, mode), "status", "done-1")
        took = time.monotonic() - t0
        e = err(p)
        assert p.returncode == EXIT_USAGE, (mode, p.returncode, e)
        assert says in e, (mode, e)
        assert "credentials process '" in e and HELPER in e, (mode, e)  # the command is named
        assert ctx.mock.stats()["requests"] == 0, mode  # nothing sent
        assert took < 10, (mode, took)
        assert_no_secret(ctx, p)
    # A command line that cannot be split is refused before anything runs.
    fresh(ctx)
    p = run(ctx, "--credentials-process", "helper 'unterminated", "status", "done-1")
    assert p.returncode == EXIT_USAGE and "unterminated ' quote" in err(p), err(p)
    p = run(ctx, "--credentials-process", "/nonexistent/helper", "status", "done-1")
    assert p.returncode == EXIT_USAGE and "exited with status 127" in err(p), err(p)


def test_a_token_twice_the_request_buffer_is_sent(ctx):
    # Real STS tokens reach about 1.7 KB; the CLI takes up to 4096 bytes, sent beside the request buffer
    # (2048 bytes): the mock compares the X-TC-Token it got with the one it issued.
    fresh(ctx)
    p = run(ctx, "--verbose", "--credentials-process", process(ctx, "token:4096"), "status", "done-1")
    assert p.returncode == 0, err(p)
    st = ctx.mock.stats()
    assert st["sts"]["issued"] == 1 and st["sts"]["invalid"] == 0 and st["requests"] == 1, st
    assert "X-TC-Token: <hidden>" in err(p), err(p)
    assert_no_secret(ctx, p)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_stop_signal_ends_a_hung_process(ctx):
    # The process runs in a group of its own (a timeout kills the group), out of the terminal's Ctrl-C: the
    # CLI's stop path kills it.  And a run never outlives the call's --timeout, however long
    # --credentials-timeout is.
    fresh(ctx)
    m = ctx.mock
    cmd = [CLI, "--endpoint", f"{HOST}:{m.port}", "--resolve", f"{HOST}:{m.port}:127.0.0.1", "--ca-file", m.ca_file,
           "--credentials-process", process(ctx, "sleep"), "status", "done-1"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": ctx.tmp})
    pid_file = os.path.join(ctx.state, "pid")
    t0 = time.monotonic()
    while not os.path.exists(pid_file) or not open(pid_file).read().endswith("\n"):
        assert time.monotonic() - t0 < 10 and p.poll() is None, "the process never started"
        time.sleep(0.05)
    child = int(open(pid_file).read())
    p.send_signal(2)  # SIGINT, to lkedoc alone, as a Ctrl-C reaches its foreground group
    _, e = p.communicate(timeout=10)
    assert p.returncode == 130 and b"stopped by SIGINT" in e, (p.returncode, e)
    t0 = time.monotonic()
    while alive(child) and time.monotonic() - t0 < 2:
        time.sleep(0.05)
    assert not alive(child), "the credentials process outlived lkedoc"
    assert ctx.mock.stats()["requests"] == 0
    fresh(ctx)
    t0 = time.monotonic()
    p = run(ctx, "--timeout", "2", "--credentials-timeout", "30", "--credentials-process", process(ctx, "sleep"),
            "status", "done-1")
    took = time.monotonic() - t0
    assert p.returncode == EXIT_USAGE and "did not finish within" in err(p), err(p)
    assert took < 6, took
    assert not alive(int(open(pid_file).read()))


def test_the_json_is_read_strictly(ctx):
    good = {"TmpSecretId": "AKIDtmp", "TmpSecretKey": "k+/=", "Token": "tok"}
    cases = [
        (b'{"Credentials":{"TmpSecretId":"A","TmpSecretKey":"k","Token":"t"},"ExpiredTime":1} x',
         "bytes after the JSON object"),
        (b'[]', "not a JSON object"),
        (b'{"TmpSecretId":"A","TmpSecretId":"B","TmpSecretKey":"k","Token":"t","ExpiredTime":1}',
         "TmpSecretId appears twice"),
        (json.dumps(dict(good, ExpiredTime=1.5)).encode(), "ExpiredTime is not a whole number of seconds"),
        (json.dumps(dict(good, ExpiredTime="4102444800")).encode(), "ExpiredTime is not a whole number"),
        (json.dumps({"Credentials": good}).encode(), "no ExpiredTime"),
        (json.dumps({"Response": {"Credentials": dict(good, Token=None), "ExpiredTime": 4102444800}}).encode(),
         "Response.Credentials.Token is not a string"),
        (json.dumps({"Response": []}).encode(), "Response is not an object"),
        (b'{"TmpSecretId":"A\x01","TmpSecretKey":"k","Token":"t","ExpiredTime":1}', "control character"),
        (b'{"TmpSecretId":"\xff","TmpSecretKey":"k","Token":"t","ExpiredTime":1}', "not UTF-8"),
        (b'{"TmpSecretId":"\\ud800","TmpSecretKey":"k","Token":"t","ExpiredTime":1}', "unpaired surrogate"),
        (b'{"a":01}', "expected ',' or '}'"),
        (b'{"a":' * 40 + b'1' + b'}' * 40, "nested too deeply"),
    ]
    path = os.path.join(ctx.state, "print")
    for text, says in cases:
        fresh(ctx)
        with open(path, "wb") as f:
            f.write(text)
        p = run(ctx, "--credentials-process", process(ctx, "file"), "status", "done-1")
        assert p.returncode == EXIT_USAGE and says in err(p), (text[:60], err(p))
        assert ctx.mock.stats()["requests"] == 0
    # Unknown keys, escapes and whitespace are fine; a past ExpiredTime is the client's refusal.
    fresh(ctx)
    cred = ctx.mock.sts()["Response"]
    c = cred["Credentials"]
    doc = '{ "Expiration": null, "Extra": [1, {"x": true}],\n "Credentials": {"TmpSecretId": "%s", ' \
          '"TmpSecretKey": "%s", "Token": "%s", "More": -1.5e3}, "ExpiredTime": %d }' % (
              c["TmpSecretId"], c["TmpSecretKey"].replace("/", "\\/"), c["Token"], cred["ExpiredTime"])
    with open(path, "w") as f:
        f.write(doc)
    p = run(ctx, "--credentials-process", process(ctx, "file"), "status", "done-1")
    assert p.returncode == 0, err(p)
    with open(path, "w") as f:
        f.write(json.dumps({"Credentials": c, "ExpiredTime": 1000000000}))
    p = run(ctx, "--credentials-process", process(ctx, "file"), "status", "done-1")
    says = "lkedoc: the credentials process printed an ExpiredTime that is in the past or negative\n"
    assert p.returncode == EXIT_USAGE and says in err(p), err(p)
