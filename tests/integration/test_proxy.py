# SPDX-License-Identifier: MIT
"""The CLI through a real HTTP proxy: Debian's tinyproxy, started by the suite, tunnels (CONNECT)
every connection to the mock's API and download listeners.

The suite makes its own network namespace (lo only) and enters it (setns), so the mock, the
proxies, the CLI and the mock's control calls all live there.  tinyproxy resolves the origins'
names itself: it runs under `ip netns exec`, which bind-mounts /etc/netns/<ns>/hosts (written by the
suite, removed at teardown) over /etc/hosts for it alone; the machine's /etc/hosts is never touched.
Three proxies: an open one, one with BasicAuth, and one whose ConnectPort allows 443 only.  Their
logs count the CONNECTs (tinyproxy's "Request (file descriptor N): CONNECT host:port" lines).

Needs root (namespaces); without it the suite prints why and skips.  On a machine with root a
missing tinyproxy or ip is a failure, not a skip.
"""
import ctypes
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import zipfile

from mockctl import JobFixture, SECRET_ID, SECRET_KEY

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.environ.get("LKEDOC_CLI", os.path.join(ROOT, "build", "lkedoc"))
STATE = os.path.join(ROOT, "build", "mock-state-proxy")
HELPER = os.path.join(ROOT, "tests", "integration", "sts_helper.py")
HOST = "lke.intl.tencentcloudapi.com"
DL_HOST = "mock.lkedoc.test"
NS_PREFIX = "lkedoc-proxy-"
CLONE_NEWNET = 0x40000000
# The proxies' ports (the namespace is the suite's own: nothing else listens there).
OPEN, AUTH, PORT443 = 3128, 3129, 3130
# tinyproxy's BasicAuth takes [-a-z0-9._] only; the URL spells some of it percent-encoded.
USER, PASSWORD = "scanner", "s3cret.pass-1"
WRONG = "wr0ng.pass-7"  # the 407 cases' password
BAD_URL_PASSWORDS = ("w0rd", "b4d.pw")  # those of the refused URLs
PROXY_AUTH_URL = f"http://%73canner:s3cret%2Epass%2D1@127.0.0.1:{AUTH}"

_libc = ctypes.CDLL(None, use_errno=True)


def why_not():
    if not sys.platform.startswith("linux"):
        return "not Linux"
    if os.geteuid() != 0:
        return "not root (network namespaces need it)"
    return None


def sh(*cmd, check=True):
    return subprocess.run(list(cmd), capture_output=True, text=True, check=check, timeout=30)


def setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, "setns: " + os.strerror(e))


def remove_stale():
    # A runner killed mid-suite leaves its namespace and hosts file: drop those whose process is gone.
    for d in ("/run/netns", "/etc/netns"):
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            pid = name.rsplit("-", 1)[-1]
            if name.startswith(NS_PREFIX) and pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
                if d == "/run/netns":
                    sh("ip", "netns", "del", name, check=False)
                else:
                    shutil.rmtree(os.path.join(d, name), ignore_errors=True)


class Ctx:
    fixture = None
    ns = None
    orig_ns = None
    in_ns = False
    hosts_dir = None
    proxies = ()


def start_proxy(ctx, port, *extra):
    log = os.path.join(ctx.tmp, f"tinyproxy-{port}.log")
    conf = os.path.join(ctx.tmp, f"tinyproxy-{port}.conf")
    with open(conf, "w") as f:
        f.write("\n".join([f"Port {port}", "Listen 127.0.0.1", "Timeout 30", f'LogFile "{log}"',
                           "LogLevel Connect", "MaxClients 20", "Allow 127.0.0.1", "User root", "Group root"]
                          + list(extra)) + "\n")
    # ip netns exec: the same namespace, with the suite's hosts file as /etc/hosts.
    proc = subprocess.Popen(["ip", "netns", "exec", ctx.ns, "tinyproxy", "-d", "-c", conf],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ctx.proxies = ctx.proxies + (proc,)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("tinyproxy did not start: " + proc.stderr.read().decode("utf-8", "replace"))
            time.sleep(0.05)
    return log


def setup_suite():
    ctx = Ctx()
    ctx.ns = f"{NS_PREFIX}{os.getpid()}"
    remove_stale()
    if shutil.which("tinyproxy") is None:
        raise RuntimeError("tinyproxy is missing (tests/tools/deps.sh installs it)")
    ctx.orig_ns = os.open("/proc/self/ns/net", os.O_RDONLY)
    try:
        ctx.hosts_dir = f"/etc/netns/{ctx.ns}"
        os.makedirs(ctx.hosts_dir)
        with open(os.path.join(ctx.hosts_dir, "hosts"), "w") as f:
            f.write(f"127.0.0.1 localhost {HOST} {DL_HOST}\n")
        sh("ip", "netns", "add", ctx.ns)
        fd = os.open(f"/run/netns/{ctx.ns}", os.O_RDONLY)
        try:
            setns(fd)
            ctx.in_ns = True
        finally:
            os.close(fd)
        sh("ip", "link", "set", "lo", "up")
        ctx.fixture = JobFixture(STATE, ["--credential", f"{SECRET_ID}:{SECRET_KEY}"], prefix="lkedoc-proxy-")
        ctx.mock, ctx.tmp, ctx.sample = ctx.fixture.mock, ctx.fixture.tmp, ctx.fixture.sample
        ctx.open_log = start_proxy(ctx, OPEN)
        ctx.auth_log = start_proxy(ctx, AUTH, f"BasicAuth {USER} {PASSWORD}")
        ctx.port443_log = start_proxy(ctx, PORT443, "ConnectPort 443")
    except BaseException:
        teardown_suite(ctx)
        raise
    return ctx


def teardown_suite(ctx):
    if ctx is None:
        return
    for p in ctx.proxies:
        p.terminate()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)
    if ctx.fixture is not None:
        ctx.fixture.stop()
    if ctx.in_ns:
        setns(ctx.orig_ns)
        ctx.in_ns = False
    if ctx.orig_ns is not None:
        os.close(ctx.orig_ns)
    if ctx.ns is not None:
        sh("ip", "netns", "del", ctx.ns, check=False)
    if ctx.hosts_dir is not None:
        shutil.rmtree(ctx.hosts_dir, ignore_errors=True)


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def connects(log, host=None):
    """The CONNECT requests a proxy's log has, to host (any when None)."""
    found = re.findall(r"Request \(file descriptor \d+\): CONNECT (\S+):(\d+) HTTP/1\.1", read(log))
    return [h for h, _ in found if host is None or h == host]


def env(**extra):
    e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent", "LC_ALL": "C.UTF-8",
         "TENCENTCLOUD_SECRET_ID": SECRET_ID, "TENCENTCLOUD_SECRET_KEY": SECRET_KEY}
    e.update(extra)
    return e


def run(ctx, *args, timeout=90, **extra_env):
    m = ctx.mock
    # --resolve is for direct connections only: with a proxy the origins' names go to it unresolved.
    cmd = [CLI, "--endpoint", f"{HOST}:{m.port}", "--resolve", f"{HOST}:{m.port}:127.0.0.1",
           "--resolve", f"{DL_HOST}:{m.download_port}:127.0.0.1", "--result-host", DL_HOST,
           "--ca-file", m.ca_file, "--poll-interval", "0.05"] + list(args)
    p = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env(**extra_env))
    out = p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")
    # No password this suite uses, raw or as a URL spells it, is ever printed.
    for secret in (PASSWORD, "s3cret", "pass%2D1", WRONG) + BAD_URL_PASSWORDS:
        assert secret not in out, (secret, out)
    return p


def err(p):
    return p.stderr.decode("utf-8", "replace")


# ---- through the tunnel ----------------------------------------------------------------


def test_status_through_the_proxy(ctx):
    before = len(connects(ctx.open_log, HOST))
    p = run(ctx, "--json", "status", "proxy-status-1", "--proxy", f"http://127.0.0.1:{OPEN}")
    assert p.returncode == 0, err(p)
    assert b'"Status"' in p.stdout
    assert len(connects(ctx.open_log, HOST)) == before + 1, read(ctx.open_log)[-2000:]


def test_parse_job_tunnels_both_hosts(ctx):
    ctx.mock.reset()
    out = os.path.join(ctx.tmp, "result.zip")
    api, dl = len(connects(ctx.open_log, HOST)), len(connects(ctx.open_log, DL_HOST))
    p = run(ctx, "--verbose", "parse", ctx.sample, "-o", out, HTTPS_PROXY=f"http://127.0.0.1:{OPEN}")
    assert p.returncode == 0, err(p)
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
    # One tunnel to each host: the API's carried create and every poll (kept alive), the store's the GET.
    assert len(connects(ctx.open_log, HOST)) == api + 1, read(ctx.open_log)[-3000:]
    assert len(connects(ctx.open_log, DL_HOST)) == dl + 1, read(ctx.open_log)[-3000:]
    st = ctx.mock.stats()
    assert (st["handshakes"], st["requests"]) == (1, 4), st
    assert (st["download"]["handshakes"], st["download"]["gets"]) == (1, 1), st["download"]
    assert f"through the proxy 127.0.0.1" in err(p) and "proxy CONNECT answer: HTTP 200" in err(p), err(p)


def test_sessions_resume_through_the_tunnel(ctx):
    ctx.mock.reset()
    ctx.mock.config(connection_requests_max=1)  # a connection per request: each after the first resumes
    try:
        before = len(connects(ctx.open_log, HOST))
        p = run(ctx, "--verbose", "status", "proxy-r-1", "proxy-r-2", "proxy-r-3",
                "--proxy", f"http://127.0.0.1:{OPEN}")
    finally:
        ctx.mock.config(connection_requests_max=None)
    assert p.returncode == 0, err(p)
    assert "3 TLS handshake(s) (2 resumed)" in err(p), err(p)
    st = ctx.mock.stats()
    assert (st["handshakes"], st["resumed"]) == (3, 2), st
    assert len(connects(ctx.open_log, HOST)) == before + 3


def test_resolve_names_the_proxy_not_the_origin(ctx):
    # curl's rule: --resolve may give the proxy's address; the origin's name goes to the proxy as it is.
    before = len(connects(ctx.open_log, HOST))
    p = run(ctx, "--verbose", "status", "proxy-resolve-1", "--proxy", f"http://proxy.lkedoc.test:{OPEN}",
            "--resolve", f"proxy.lkedoc.test:{OPEN}:127.0.0.1")
    assert p.returncode == 0, err(p)
    assert len(connects(ctx.open_log, HOST)) == before + 1


# ---- authentication ----------------------------------------------------------------------


def test_basic_auth_right(ctx):
    before = len(connects(ctx.auth_log, HOST))
    p = run(ctx, "--verbose", "status", "proxy-auth-1", HTTPS_PROXY=PROXY_AUTH_URL)
    assert p.returncode == 0, err(p)
    assert f"proxy http://{USER}:<hidden>@127.0.0.1:{AUTH} (from HTTPS_PROXY)" in err(p), err(p)
    assert len(connects(ctx.auth_log, HOST)) == before + 1


def test_job_with_a_credentials_process_through_the_proxy(ctx):
    # The helper gets its temporary credentials from the mock; it sees the proxy variable as lkedoc was
    # given it (password and all), which lkedoc itself no longer holds in its environment.
    ctx.mock.reset()
    state = os.path.join(ctx.tmp, "helper-" + os.urandom(4).hex())
    os.makedirs(state)
    helper = "%s '%s' %s %d 1800 env" % (sys.executable, HELPER, state, ctx.mock.control_port)
    out = os.path.join(ctx.tmp, "result-sts.zip")
    api, dl = len(connects(ctx.auth_log, HOST)), len(connects(ctx.auth_log, DL_HOST))
    p = run(ctx, "--credentials-process", helper, "parse", ctx.sample, "-o", out, HTTPS_PROXY=PROXY_AUTH_URL)
    assert p.returncode == 0, err(p)
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
    assert len(connects(ctx.auth_log, HOST)) == api + 1 and len(connects(ctx.auth_log, DL_HOST)) == dl + 1
    assert ctx.mock.stats()["sts"]["issued"] == 1, ctx.mock.stats()["sts"]
    with open(os.path.join(state, "env")) as f:
        assert json.load(f) == {"https_proxy": None, "HTTPS_PROXY": PROXY_AUTH_URL}


def test_basic_auth_wrong_is_407(ctx):
    for url in (f"http://{USER}:{WRONG}@127.0.0.1:{AUTH}", f"http://127.0.0.1:{AUTH}"):
        t0 = time.monotonic()
        p = run(ctx, "--verbose", "status", "proxy-auth-2", "--proxy", url)
        assert p.returncode == 4, (p.returncode, err(p))
        assert "the HTTP proxy requires authentication (407)" in err(p), err(p)
        assert f"(proxy 127.0.0.1, port {AUTH}; the tunnel was to lke.intl.tencentcloudapi.com, port " in err(p), err(p)
        # tinyproxy 1.11 answers a CONNECT without or with wrong credentials 401, squid 407:
        # either is the proxy's (the origin never saw a byte).
        assert re.search(r"proxy CONNECT answer: HTTP 40[17]\n", err(p)), err(p)
        assert "the proxy refused the user and password given" in err(p) if WRONG in url else \
            "the proxy wants a user and password" in err(p), err(p)
        assert "retrying" not in err(p), err(p)  # a refusal is not retried
        assert time.monotonic() - t0 < 5


# ---- bypass and refusals ------------------------------------------------------------------


def test_no_proxy_bypass(ctx):
    before = len(connects(ctx.open_log))
    for no_proxy in (HOST, ".tencentcloudapi.com", "example.com, tencentcloudapi.com", "*",
                     f"LKE.intl.TencentCloudAPI.com:{ctx.mock.port}"):
        p = run(ctx, "status", "proxy-bypass-1", HTTPS_PROXY=f"http://127.0.0.1:{OPEN}", NO_PROXY=no_proxy)
        assert p.returncode == 0, (no_proxy, err(p))
    # Not a whole label, or another port: through the proxy.
    for no_proxy in ("cloudapi.com", f"{HOST}:1"):
        p = run(ctx, "status", "proxy-bypass-2", https_proxy=f"http://127.0.0.1:{OPEN}", no_proxy=no_proxy)
        assert p.returncode == 0, (no_proxy, err(p))
    assert len(connects(ctx.open_log)) == before + 2, read(ctx.open_log)[-2000:]


def test_empty_proxy_option_disables_the_environment(ctx):
    p = run(ctx, "status", "proxy-none-1", "--proxy", "", HTTPS_PROXY="http://127.0.0.1:9")
    assert p.returncode == 0, err(p)


def test_proxy_refusing_the_port(ctx):
    p = run(ctx, "--verbose", "status", "proxy-port-1", "--proxy", f"http://127.0.0.1:{PORT443}")
    assert p.returncode == 4, (p.returncode, err(p))
    assert "the HTTP proxy refused the tunnel or did not answer as HTTP (HTTP 403)" in err(p), err(p)
    assert "retrying" not in err(p), err(p)
    assert len(connects(ctx.port443_log, HOST)) >= 1


def error_line(p):
    """The CLI's error: its last line on stderr that is not --verbose's log ("lkedoc: * ...", "> ", "< ")."""
    lines = [l for l in err(p).split("\n") if l and not re.match(r"lkedoc: [*<>] ", l)]
    return lines[-1] if lines else ""


def test_proxy_down(ctx):
    p = run(ctx, "--verbose", "status", "proxy-down-1", "--proxy", "http://127.0.0.1:9")
    assert p.returncode == 4, (p.returncode, err(p))
    # The proxy failed, so it is the one named, with the origin it was to reach.
    assert re.fullmatch(r"lkedoc: could not connect \(proxy 127\.0\.0\.1, port 9; the tunnel was to "
                        r"lke\.intl\.tencentcloudapi\.com, port \d+\)", error_line(p)), err(p)
    assert "through the proxy 127.0.0.1" in err(p), err(p)
    assert "proxy CONNECT answer" not in err(p), err(p)  # no status was read


def test_direct_failure_does_not_blame_the_proxy(ctx):
    # NO_PROXY sends the API host direct: its failure is the API host's, the proxy is not named.
    p = subprocess.run([CLI, "--endpoint", f"{HOST}:9", "--resolve", f"{HOST}:9:127.0.0.1", "--ca-file",
                        ctx.mock.ca_file, "status", "proxy-direct-1"], capture_output=True, timeout=60,
                       env=env(HTTPS_PROXY=f"http://{USER}:{PASSWORD}@127.0.0.1:{OPEN}", NO_PROXY="*"))
    assert p.returncode == 4, (p.returncode, err(p))
    assert error_line(p) == f"lkedoc: could not connect (host {HOST}, port 9)", err(p)
    assert PASSWORD not in err(p) + p.stdout.decode()


def test_proxy_silent_ends_at_the_deadline(ctx):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held = []

    def accept():
        while True:
            try:
                held.append(listener.accept()[0])  # read nothing, answer nothing
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        t0 = time.monotonic()
        p = run(ctx, "--timeout", "2", "status", "proxy-silent-1",
                "--proxy", f"http://127.0.0.1:{listener.getsockname()[1]}")
        took = time.monotonic() - t0
    finally:
        listener.close()
        for s in held:
            s.close()
    assert p.returncode == 5, (p.returncode, err(p))
    assert 1.5 < took < 6, took
    assert held, "the CLI never reached the silent proxy"


class FakeProxy:
    """A CONNECT proxy of the test's own, for the statuses tinyproxy does not give: it answers the
    first CONNECTs with the statuses given, in turn, then tunnels to 127.0.0.1 at the CONNECT's port."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.seen = []
        self.heads = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c = self.sock.accept()[0]
            except OSError:
                return
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    @staticmethod
    def _pipe(a, b):
        try:
            while True:
                d = a.recv(65536)
                if not d:
                    break
                b.sendall(d)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _serve(self, c):
        head = b""
        while b"\r\n\r\n" not in head:
            d = c.recv(4096)  # the client sends nothing after its head before the answer
            if not d:
                c.close()
                return
            head += d
        line = head.split(b"\r\n")[0].decode()
        self.seen.append(line)
        self.heads.append(head.decode())
        if self.statuses:
            c.sendall(b"HTTP/1.1 %d Refused\r\nContent-Length: 0\r\n\r\n" % self.statuses.pop(0))
            c.close()
            return
        up = socket.create_connection(("127.0.0.1", int(line.split()[1].rsplit(":", 1)[1])))
        c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        threading.Thread(target=self._pipe, args=(up, c), daemon=True).start()
        self._pipe(c, up)

    def close(self):
        self.sock.close()


def test_gateway_failures_of_the_proxy_are_retried(ctx):
    # Nothing reached the origin: a Create is repeated like a connection that failed.
    ctx.mock.reset()
    fake = FakeProxy([503, 502])
    try:
        p = run(ctx, "--verbose", "create", "--file", ctx.sample, "--proxy", fake.url)
    finally:
        fake.close()
    assert p.returncode == 0, err(p)
    assert err(p).count("retrying after: the HTTP proxy refused the tunnel") == 2, err(p)
    assert len(fake.seen) == 3 and all(s.startswith(f"CONNECT {HOST}:") for s in fake.seen), fake.seen
    assert ctx.mock.stats()["requests"] == 1, ctx.mock.stats()
    fake = FakeProxy([504])
    try:
        p = run(ctx, "--json", "status", "proxy-504-1", "--proxy", fake.url)
    finally:
        fake.close()
    assert p.returncode == 0 and len(fake.seen) == 2, (err(p), fake.seen)


def test_refusals_of_the_proxy_are_not_retried(ctx):
    for status, rc in ((403, 4), (407, 4), (500, 4)):
        fake = FakeProxy([status] * 5)
        try:
            p = run(ctx, "--verbose", "create", "--file", ctx.sample, "--proxy", fake.url)
        finally:
            fake.close()
        assert p.returncode == rc, (status, p.returncode, err(p))
        assert len(fake.seen) == 1 and "retrying" not in err(p), (status, fake.seen, err(p))
        assert "may have been created" not in err(p), err(p)  # nothing reached the service


def test_connect_to_an_ipv6_endpoint_is_bracketed(ctx):
    # authority-form: "CONNECT ::1:8443" would be no host:port at all.
    fake = FakeProxy([403])
    try:
        p = run(ctx, "status", "proxy-v6-1", "--proxy", fake.url, "--endpoint", "[::1]:8443")
    finally:
        fake.close()
    assert p.returncode == 4 and fake.seen == ["CONNECT [::1]:8443 HTTP/1.1"], (err(p), fake.seen)
    assert "\r\nHost: [::1]:8443\r\n" in fake.heads[0], fake.heads


def test_bad_proxy_urls_are_usage_errors(ctx):
    for url in ("https://127.0.0.1:3128", "socks5://127.0.0.1:1080", "http://127.0.0.1:0",
                "http://127.0.0.1:99999", "http://u:b4d.pw%4@127.0.0.1:3128", "http://127.0.0.1:3128/path", "http://"):
        p = run(ctx, "status", "x", "--proxy", url)
        assert p.returncode == 2, (url, p.returncode, err(p))
        assert "--proxy wants http://" in err(p), err(p)
    p = run(ctx, "status", "x", HTTPS_PROXY="https://u:w0rd@127.0.0.1:3128")
    assert p.returncode == 2 and "HTTPS_PROXY wants http://" in err(p), err(p)


_SKIP = why_not()
if _SKIP:
    sys.stderr.write("\n" + "!" * 78 + f"\n!!! test_proxy SKIPPED: {_SKIP}\n" + "!" * 78 + "\n\n")
    for _name in [n for n in list(globals()) if n.startswith("test_")]:
        del globals()[_name]
