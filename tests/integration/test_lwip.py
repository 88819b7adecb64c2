# SPDX-License-Identifier: MIT
"""The CLI on lwIP: build/lkedoc-lwip against the mock, every packet through Debian's liblwip.

test_lwip_raw runs these same tests through build/lkedoc-lwip-raw (lwIP's raw API without an OS,
port/lwip-raw, lwIP compiled from Debian's source): setup_suite takes the binary, the tap's MTU
and a tag for the namespace and mock state, and every test reads them from the suite's context.

The suite makes its own network namespace with a tap device (Linux side 192.0.2.1/24, lwIP
192.0.2.2), a dnsmasq on the Linux side that answers *.tencentcloudapi.com and *.lkedoc.test with
192.0.2.1, and the mock listening on 192.0.2.1.  The runner's process enters the namespace for the
suite (setns) so the mock, dnsmasq, the CLI and the mock's control calls all live there; the host's
interfaces and routes are never touched, and teardown removes everything.  Host names are resolved
by the lwIP port's resolver over lwIP (no --resolve); dnsmasq's log proves the queries came from
lwIP's address.

Needs root and /dev/net/tun; without them the suite prints why and skips.  On a machine that has
them, a missing tool (ip, dnsmasq) or binary is a failure, not a skip.
"""
import ctypes
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile

from mockctl import Mock, SECRET_ID, SECRET_KEY

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.environ.get("LKEDOC_LWIP_CLI", os.path.join(ROOT, "build", "lkedoc-lwip"))
SAMPLE = os.path.join(ROOT, "tests", "tools", "make_sample.py")
NS_PREFIX = "lkedoc-lwip-"
TAP = "lkdtap0"
LINUX_IP, LWIP_IP, PREFIX = "192.0.2.1", "192.0.2.2", 24
# Debian's liblwip (2.1.3) computes its pool pbuf size from lwIP's default TCP_MSS
# (536) in one place and from lwipopts.h's 1460 in another: its tapif overruns the
# heap on frames over 590 bytes.  An MTU of 576 on the Linux side keeps every frame
# Linux sends (and every MSS it announces) inside one pbuf.
TAP_MTU = 576
HOST = "lke.intl.tencentcloudapi.com"
DL_HOST = "mock.lkedoc.test"
CLONE_NEWNET = 0x40000000


def why_not():
    if not sys.platform.startswith("linux"):
        return "not Linux"
    if os.geteuid() != 0:
        return "not root (network namespaces and tap devices need it)"
    if not os.path.exists("/dev/net/tun"):
        return "no /dev/net/tun"
    return None


def sh(*cmd, check=True):
    return subprocess.run(list(cmd), capture_output=True, text=True, check=check, timeout=30)


_libc = ctypes.CDLL(None, use_errno=True)


def setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, "setns: " + os.strerror(e))


def remove_stale_namespaces():
    # A runner killed mid-suite leaves its namespace: drop those whose process is gone.
    for path in glob.glob(f"/run/netns/{NS_PREFIX}*"):
        pid = path.rsplit("-", 1)[-1]
        if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
            sh("ip", "netns", "del", os.path.basename(path), check=False)


class Ctx:
    cli = CLI
    ns = None
    orig_ns = None
    in_ns = False
    dnsmasq = None
    mock = None
    tmp = None
    proxy = None       # tinyproxy, once a proxy test started it (start_proxy)
    proxy_hosts = None  # its /etc/netns/<ns> directory


def setup_suite(cli=CLI, tap_mtu=TAP_MTU, tag="lwip"):
    """The namespace, tap (Linux side MTU tap_mtu), dnsmasq and mock for the binary cli; tag names
    the namespace (lkedoc-<tag>-<pid>) and the mock's state directory (build/mock-state-<tag>)."""
    ctx = Ctx()
    ctx.cli = cli
    ctx.ns = f"lkedoc-{tag}-{os.getpid()}"
    assert ctx.ns.startswith(NS_PREFIX), ctx.ns
    remove_stale_namespaces()
    ctx.tmp = tempfile.mkdtemp(prefix=f"lkedoc-{tag}-")
    ctx.orig_ns = os.open("/proc/self/ns/net", os.O_RDONLY)
    try:
        sh("ip", "netns", "add", ctx.ns)
        fd = os.open(f"/run/netns/{ctx.ns}", os.O_RDONLY)
        try:
            setns(fd)
            ctx.in_ns = True
        finally:
            os.close(fd)
        sh("ip", "link", "set", "lo", "up")
        sh("ip", "tuntap", "add", "dev", TAP, "mode", "tap")
        sh("ip", "link", "set", TAP, "mtu", str(tap_mtu))
        sh("ip", "addr", "add", f"{LINUX_IP}/{PREFIX}", "dev", TAP)
        sh("ip", "link", "set", TAP, "up")
        ctx.dns_log = os.path.join(ctx.tmp, "dnsmasq.log")
        ctx.dnsmasq = subprocess.Popen(
            ["dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
             "--bind-interfaces", f"--listen-address={LINUX_IP}", "--user=root",
             f"--pid-file={os.path.join(ctx.tmp, 'dnsmasq.pid')}",
             f"--address=/tencentcloudapi.com/{LINUX_IP}", f"--address=/lkedoc.test/{LINUX_IP}",
             "--address=/invalid/",  # NXDOMAIN at once
             "--log-queries", f"--log-facility={ctx.dns_log}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        ctx.mock = Mock(os.path.join(ROOT, "build", f"mock-state-{tag}"), ["--credential", f"{SECRET_ID}:{SECRET_KEY}"], bind=LINUX_IP)
        ctx.mock.start()
        deadline = time.monotonic() + 10
        while "started" not in read(ctx.dns_log):
            if ctx.dnsmasq.poll() is not None:
                raise RuntimeError("dnsmasq exited: " + ctx.dnsmasq.stderr.read().decode("utf-8", "replace"))
            if time.monotonic() > deadline:
                raise RuntimeError("dnsmasq did not start")
            time.sleep(0.05)
        ctx.sample = os.path.join(ctx.tmp, "scan.pdf")
        subprocess.run([sys.executable, SAMPLE, ctx.sample], check=True)
    except BaseException:
        teardown_suite(ctx)
        raise
    return ctx


def teardown_suite(ctx):
    if ctx is None:
        return
    if ctx.proxy is not None:
        ctx.proxy.terminate()
        try:
            ctx.proxy.wait(5)
        except subprocess.TimeoutExpired:
            ctx.proxy.kill()
            ctx.proxy.wait(5)
    if ctx.proxy_hosts is not None:
        shutil.rmtree(ctx.proxy_hosts, ignore_errors=True)
    if ctx.mock is not None:
        ctx.mock.stop()
    if ctx.dnsmasq is not None:
        ctx.dnsmasq.terminate()
        try:
            ctx.dnsmasq.wait(5)
        except subprocess.TimeoutExpired:
            ctx.dnsmasq.kill()
            ctx.dnsmasq.wait(5)
    if ctx.in_ns:
        setns(ctx.orig_ns)
        ctx.in_ns = False
    if ctx.orig_ns is not None:
        os.close(ctx.orig_ns)
        ctx.orig_ns = None
    if ctx.ns is not None:
        sh("ip", "netns", "del", ctx.ns, check=False)
    shutil.rmtree(ctx.tmp, ignore_errors=True)


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def env(ctx, **extra):
    e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": ctx.tmp, "LC_ALL": "C.UTF-8",
         "TENCENTCLOUD_SECRET_ID": SECRET_ID, "TENCENTCLOUD_SECRET_KEY": SECRET_KEY,
         "LKEDOC_LWIP_TAP": TAP, "LKEDOC_LWIP_ADDR": LWIP_IP, "LKEDOC_LWIP_NETMASK": "255.255.255.0",
         "LKEDOC_LWIP_GW": LINUX_IP, "LKEDOC_LWIP_DNS": LINUX_IP}
    e.update(extra)
    return e


def run(ctx, *args, host=HOST, port=None, ca=None, timeout=90, **extra_env):
    cmd = [ctx.cli, "--endpoint", f"{host}:{port or ctx.mock.port}", "--ca-file", ca or ctx.mock.ca_file,
           "--poll-interval", "0.05", "--result-host", DL_HOST] + list(args)
    return subprocess.run(cmd, capture_output=True, timeout=timeout, env=env(ctx, **extra_env))


def err(p):
    return p.stderr.decode("utf-8", "replace")


def queries_from_lwip(ctx, name):
    return len(re.findall(r"query\[A\] %s from %s" % (re.escape(name), re.escape(LWIP_IP)), read(ctx.dns_log)))


# ---- status calls -------------------------------------------------------------------


def test_status_life_cycle_resolved_by_lwip(ctx):
    ctx.mock.reset()
    seen = []
    for _ in range(3):
        before = queries_from_lwip(ctx, HOST)
        p = run(ctx, "--json", "status", "lwip-cycle-1")
        assert p.returncode == 0, (p.returncode, err(p))
        seen.append(json.loads(p.stdout)["Status"])
        # Each run asked lwIP's resolver (a query lost while ARP settles is resent after 1 s).
        assert queries_from_lwip(ctx, HOST) > before, read(ctx.dns_log)[-2000:]
    assert seen == ["WaitExecute", "Processing", "Success"], seen


def test_many_tasks_share_one_connection(ctx):
    before = ctx.mock.stats()
    p = run(ctx, "--json", "status", *[f"lwip-ka-{i}" for i in range(10)])
    assert p.returncode == 0, err(p)
    assert len(p.stdout.decode().splitlines()) == 10
    after = ctx.mock.stats()
    assert after["requests"] - before["requests"] == 10
    assert after["handshakes"] - before["handshakes"] == 1, (before, after)


def test_lkeap_profile(ctx):
    host = "lkeap.tencentcloudapi.com"
    p = run(ctx, "--json", "--service", "lkeap", "status", "fail-lkeap", host=host)
    assert p.returncode == 0, err(p)
    r = json.loads(p.stdout)
    assert r["Status"] == "Failed" and r["Error"]["Code"] == "FailedOperation.FileParseError", r
    assert ctx.mock.stats()["last_headers"]["x-tc-version"] == "2024-05-22"
    assert queries_from_lwip(ctx, host) >= 1


def test_unknown_device_clock_learns_the_date_from_the_server(ctx):
    p = run(ctx, "--verbose", "--json", "status", "done-lwip-clock", LKEDOC_LWIP_CLOCK="unknown")
    assert p.returncode == 0, err(p)
    assert json.loads(p.stdout)["Status"] in ("WaitExecute", "Processing", "Success")
    assert "clock unknown" in err(p), err(p)


# ---- the whole job ------------------------------------------------------------------


def test_parse_does_the_whole_job(ctx):
    ctx.mock.reset()
    out = os.path.join(ctx.tmp, "result.zip")
    before = queries_from_lwip(ctx, DL_HOST)
    t0 = time.monotonic()
    p = run(ctx, "parse", ctx.sample, "-o", out)
    took = time.monotonic() - t0
    assert p.returncode == 0, err(p)
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
        assert any(n.endswith(".md") for n in z.namelist()), z.namelist()
    st = ctx.mock.stats()
    assert (st["handshakes"], st["requests"]) == (1, 4), st
    assert (st["download"]["handshakes"], st["download"]["gets"]) == (1, 1), st["download"]
    # The archive's host came from the result URL and was resolved by lwIP too.
    assert queries_from_lwip(ctx, DL_HOST) - before >= 1, read(ctx.dns_log)[-2000:]
    assert took < 30, took


# ---- through an HTTP proxy -------------------------------------------------------------

PROXY_PORT = 3128
PROXY_USER, PROXY_PASSWORD = "mfp", "tunnel.pass-9"  # tinyproxy's BasicAuth takes [-a-z0-9._]


def start_proxy(ctx):
    """Debian's tinyproxy on the Linux side of the tap, with BasicAuth, started once per suite.
    It resolves the origins itself: `ip netns exec` gives it /etc/netns/<ns>/hosts (the suite's,
    removed at teardown) as /etc/hosts.  Returns its log."""
    log = os.path.join(ctx.tmp, "tinyproxy.log")
    if ctx.proxy is not None:
        return log
    ctx.proxy_hosts = f"/etc/netns/{ctx.ns}"
    os.makedirs(ctx.proxy_hosts, exist_ok=True)
    with open(os.path.join(ctx.proxy_hosts, "hosts"), "w") as f:
        f.write(f"127.0.0.1 localhost\n{LINUX_IP} {HOST} {DL_HOST}\n")
    conf = os.path.join(ctx.tmp, "tinyproxy.conf")
    with open(conf, "w") as f:
        f.write(f"Port {PROXY_PORT}\nListen {LINUX_IP}\nTimeout 30\nLogFile \"{log}\"\nLogLevel Connect\n"
                f"MaxClients 10\nAllow {LWIP_IP}\nUser root\nGroup root\nBasicAuth {PROXY_USER} {PROXY_PASSWORD}\n")
    ctx.proxy = subprocess.Popen(["ip", "netns", "exec", ctx.ns, "tinyproxy", "-d", "-c", conf],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while "Connect" not in read(log) and "Reloading config file finished" not in read(log):
        if ctx.proxy.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("tinyproxy did not start: " + ctx.proxy.stderr.read().decode("utf-8", "replace"))
        time.sleep(0.05)
    return log


def proxy_connects(log, host):
    return len(re.findall(r"Request \(file descriptor \d+\): CONNECT %s:\d+ HTTP/1\.1" % re.escape(host), read(log)))


def test_parse_through_tinyproxy(ctx):
    log = start_proxy(ctx)
    ctx.mock.reset()
    out = os.path.join(ctx.tmp, "proxied.zip")
    api, dl, asked = proxy_connects(log, HOST), proxy_connects(log, DL_HOST), queries_from_lwip(ctx, HOST)
    p = run(ctx, "parse", ctx.sample, "-o", out,
            HTTPS_PROXY=f"http://{PROXY_USER}:{PROXY_PASSWORD}@{LINUX_IP}:{PROXY_PORT}")
    assert p.returncode == 0, err(p)
    assert PROXY_PASSWORD not in err(p) + p.stdout.decode("utf-8", "replace"), err(p)
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
    # Both hosts through the tunnel, the API's kept alive; their names went to the proxy unresolved.
    assert (proxy_connects(log, HOST) - api, proxy_connects(log, DL_HOST) - dl) == (1, 1), read(log)[-3000:]
    assert queries_from_lwip(ctx, HOST) == asked, read(ctx.dns_log)[-2000:]
    st = ctx.mock.stats()
    assert (st["handshakes"], st["requests"]) == (1, 4), st


def test_proxy_wrong_password_is_refused(ctx):
    start_proxy(ctx)
    wrong = "wr0ng.pass-7"
    p = run(ctx, "status", "lwip-proxy-407", "--proxy", f"http://{PROXY_USER}:{wrong}@{LINUX_IP}:{PROXY_PORT}")
    assert p.returncode == 4, (p.returncode, err(p))
    assert wrong not in err(p) + p.stdout.decode("utf-8", "replace"), err(p)
    assert PROXY_PASSWORD not in err(p), err(p)
    assert "the HTTP proxy requires authentication" in err(p), err(p)
    assert f"(proxy {LINUX_IP}, port {PROXY_PORT}; the tunnel was to " in err(p), err(p)


# ---- refusals and deadlines -----------------------------------------------------------


def test_untrusted_ca_is_refused_before_any_request(ctx):
    before = ctx.mock.stats()
    p = run(ctx, "status", "secret-task", ca=ctx.mock.other_ca_file)
    assert p.returncode == 4, (p.returncode, err(p))
    assert "certificate" in err(p), err(p)
    after = ctx.mock.stats()
    assert after["requests"] == before["requests"], (before, after)
    assert after["connections"] > before["connections"], "the client never reached the mock: test proves nothing"


def test_wrong_host_name_is_refused_before_any_request(ctx):
    # dnsmasq sends every *.lkedoc.test to the mock, whose certificate does not name this one.
    before = ctx.mock.stats()
    p = run(ctx, "status", "secret-task", host="not-the-service.lkedoc.test")
    assert p.returncode == 4, (p.returncode, err(p))
    assert "certificate" in err(p), err(p)
    after = ctx.mock.stats()
    assert after["requests"] == before["requests"], (before, after)
    assert after["connections"] > before["connections"]


def test_name_that_does_not_resolve(ctx):
    before = ctx.mock.stats()["connections"]
    p = run(ctx, "--timeout", "5", "status", "x", host="no-such-host.invalid", port=443)
    assert p.returncode == 4, (p.returncode, err(p))
    assert "did not resolve" in err(p), err(p)
    assert ctx.mock.stats()["connections"] == before


def test_slow_service_ends_at_the_deadline(ctx):
    ctx.mock.config(slow_api_ms=3000)
    try:
        t0 = time.monotonic()
        p = run(ctx, "--timeout", "1", "status", "done-slow")
        took = time.monotonic() - t0
    finally:
        ctx.mock.config(slow_api_ms=0)
    assert p.returncode == 5, (p.returncode, err(p))
    assert 0.9 < took < 2.5, took


def test_silent_address_ends_at_the_deadline(ctx):
    # Nothing answers ARP for .99: lwIP's connect never completes; the port's deadline bounds it.
    t0 = time.monotonic()
    p = run(ctx, "--timeout", "1", "status", "x", host="192.0.2.99", port=443)
    took = time.monotonic() - t0
    assert p.returncode == 5, (p.returncode, err(p))
    assert 0.9 < took < 2.5, took


def test_sigint_stops_a_connect_to_a_silent_address(ctx):
    # The same silent address with a long deadline: SIGINT ends the connect within a second (the
    # port asks the abort between its waits), exit 130.
    cmd = [ctx.cli, "--endpoint", "192.0.2.99:443", "--ca-file", ctx.mock.ca_file, "--timeout", "30", "status", "x"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env(ctx))
    try:
        time.sleep(1.0)
        assert p.poll() is None, p.communicate()[1].decode()
        sent = time.monotonic()
        p.send_signal(signal.SIGINT)
        _, e = p.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    print("signal to exit: %.3f s" % took)
    assert p.returncode == 130 and "stopped by SIGINT" in e.decode(), (p.returncode, e)
    assert took < 1.0, took


_SKIP = why_not()
if _SKIP:
    # Say so loudly, once, and offer the runner no tests from this file.
    sys.stderr.write("\n" + "!" * 78 + f"\n!!! test_lwip SKIPPED: {_SKIP}\n" + "!" * 78 + "\n\n")
    for _name in [n for n in list(globals()) if n.startswith("test_")]:
        del globals()[_name]
