# SPDX-License-Identifier: MIT
"""Stopping the CLI with SIGINT/SIGTERM at each kind of wait: a connect to a
blackhole (a listening socket whose accept queue is full), a TLS handshake the
server never answers, the sleep between two polls of wait, a download stalled
mid-body, a Create whose answer is slow.  Each exits 130 within a second of the
signal (the time is printed); a stopped download keeps OUT.<task>.part and its
.state, and the next run resumes where the bytes stopped; a stopped Create
says the task may have been made and keeps the parse journal pending.  Also:
a name lookup a resolver never answers (a namespace of its own; SIGINT, and
--timeout), a download written to a FIFO nobody reads, a second signal."""
import fcntl
import glob
import hashlib
import os
import shutil
import signal
import socket
import struct
import subprocess
import termios
import threading
import time

from mockctl import JobFixture, SECRET_ID, SECRET_KEY

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.environ.get("LKEDOC_CLI", os.path.join(ROOT, "build", "lkedoc"))
STATE = os.path.join(ROOT, "build", "mock-state-abort")
HOST = "lke.intl.tencentcloudapi.com"
DL_HOST = "mock.lkedoc.test"
EXIT_ABORTED = 130
EXIT_TIMEOUT = 5
EXIT_OUTCOME_UNKNOWN = 8
EXIT_API = 3


def setup_suite():
    return JobFixture(STATE, prefix="lkedoc-abort-")


def teardown_suite(ctx):
    if ctx:
        ctx.stop()


def env():
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent", "LC_ALL": "C.UTF-8",
            "TENCENTCLOUD_SECRET_ID": SECRET_ID, "TENCENTCLOUD_SECRET_KEY": SECRET_KEY}


def cli_args(ctx, port=None, poll="0.05"):
    m = ctx.mock
    port = port or m.port
    return [CLI, "--endpoint", f"{HOST}:{port}", "--resolve", f"{HOST}:{port}:127.0.0.1",
            "--resolve", f"{DL_HOST}:{m.download_port}:127.0.0.1", "--result-host", DL_HOST,
            "--ca-file", m.ca_file, "--poll-interval", poll, "--timeout", "30", "--job-timeout", "60"]


def err(p):
    return p.stderr.decode("utf-8", "replace") if isinstance(p.stderr, bytes) else p.stderr


def stopped(args, when, sig=signal.SIGINT, again=False):
    """Run args, send sig once `when` (seconds, or a function that says when
    the moment has come) is reached; (returncode, stderr, seconds from the
    signal to the exit)."""
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env())
    try:
        t0 = time.monotonic()
        while not (when() if callable(when) else time.monotonic() - t0 >= when):
            assert p.poll() is None, "ended before the signal: %s" % p.communicate()[1].decode()
            assert time.monotonic() - t0 < 30, "the moment never came"
            time.sleep(0.01)
        sent = time.monotonic()
        p.send_signal(sig)
        if again:
            time.sleep(0.005)
            p.send_signal(sig if again is True else again)  # a second signal while the command winds up
        _, e = p.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    print("signal to exit: %.3f s" % took)
    return p.returncode, e.decode("utf-8", "replace"), took


def check_stopped(rc, e, took, what="SIGINT"):
    assert rc == EXIT_ABORTED, (rc, e)
    assert "stopped by " + what in e or "stopped after the request" in e, e
    assert took < 1.0, took


class Silent:
    """A TCP listener on loopback: blackhole=True never accepts and its accept
    queue is full (connects hang in SYN), else it accepts and never sends."""

    def __init__(self, blackhole):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(0)
        self.port = self.sock.getsockname()[1]
        self.held = []
        self.stop = False
        if blackhole:
            c = socket.socket()
            c.connect(("127.0.0.1", self.port))  # fills the queue of one
            self.held.append(c)
            probe = socket.socket()
            probe.settimeout(0.3)
            try:
                probe.connect(("127.0.0.1", self.port))
                raise AssertionError("the blackhole accepted a connection")
            except socket.timeout:
                pass
            finally:
                probe.close()
        else:
            self.thread = threading.Thread(target=self.hold, daemon=True)
            self.thread.start()

    def hold(self):
        self.sock.settimeout(0.1)
        while not self.stop:
            try:
                c, _ = self.sock.accept()
                self.held.append(c)  # reads nothing, answers nothing
            except socket.timeout:
                pass
            except OSError:
                return

    def close(self):
        self.stop = True
        for c in self.held:
            c.close()
        self.sock.close()


def test_connect_to_a_blackhole(ctx):
    s = Silent(blackhole=True)
    try:
        rc, e, took = stopped(cli_args(ctx, s.port) + ["status", "task-1"], 0.5)
    finally:
        s.close()
    check_stopped(rc, e, took)


def test_tls_handshake_stall(ctx):
    s = Silent(blackhole=False)
    try:
        rc, e, took = stopped(cli_args(ctx, s.port) + ["status", "task-1"], lambda: len(s.held) > 0 and
                              time.sleep(0.3) is None, sig=signal.SIGTERM)
    finally:
        s.close()
    check_stopped(rc, e, took, "SIGTERM")


def test_sleep_between_polls(ctx):
    ctx.mock.reset()
    ctx.mock.config(polls_to_success=1000)
    try:
        before = ctx.mock.stats()["requests"]
        rc, e, took = stopped(cli_args(ctx, poll="5") + ["wait", "slow-abort"],
                              lambda: ctx.mock.stats()["requests"] > before and time.sleep(0.5) is None)
    finally:
        ctx.mock.config(polls_to_success=2)
    check_stopped(rc, e, took)
    assert ctx.mock.stats()["requests"] - before == 1, "stopped in the pause after the first poll"


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def part_size(out):
    parts = glob.glob(out + ".*.part")
    return os.path.getsize(parts[0]) if parts else 0


def test_download_stopped_mid_body_resumes(ctx):
    ctx.mock.reset()
    out = os.path.join(ctx.tmp, "stopped.zip")
    clean = os.path.join(ctx.tmp, "clean.zip")
    ctx.mock.config(archive_size=1_000_000)
    try:
        p = subprocess.run(cli_args(ctx) + ["download", "done-abort", "-o", clean], capture_output=True,
                           env=env(), timeout=60)
        assert p.returncode == 0, err(p)
        ctx.mock.config(download_stall_at=400_000)
        rc, e, took = stopped(cli_args(ctx) + ["download", "done-abort", "-o", out],
                              lambda: part_size(out) >= 400_000)
        check_stopped(rc, e, took)
        assert not os.path.exists(out)
        parts, states = glob.glob(out + ".*.part"), glob.glob(out + ".*.state")
        assert len(parts) == 1 and len(states) == 1, (parts, states, e)
        kept = os.path.getsize(parts[0])
        assert kept == 400_000, kept
        assert "the same command again goes on from there" in e, e
        before = len(ctx.mock.stats()["download"]["ranges"])
        p = subprocess.run(cli_args(ctx) + ["download", "done-abort", "-o", out], capture_output=True,
                           env=env(), timeout=60)
        assert p.returncode == 0, err(p)
    finally:
        ctx.mock.config(archive_size=0, download_stall_at=None)
    ranges = ctx.mock.stats()["download"]["ranges"][before:]
    assert ranges and ranges[0] == "bytes=%d-" % kept, ranges
    assert sha256_file(out) == sha256_file(clean)
    assert not glob.glob(out + ".*.part") and not glob.glob(out + ".*.state")


def test_create_stopped_after_it_was_sent(ctx):
    ctx.mock.reset()
    out = os.path.join(ctx.tmp, "created.zip")
    ctx.mock.config(slow_api_ms=5000)
    try:
        before = ctx.mock.stats()["requests"]
        rc, e, took = stopped(cli_args(ctx) + ["parse", ctx.sample, "-o", out],
                              lambda: ctx.mock.stats()["requests"] > before and time.sleep(0.2) is None)
    finally:
        ctx.mock.config(slow_api_ms=0)
    check_stopped(rc, e, took)
    assert "the task may have been created" in e, e
    assert os.path.exists(out + ".lkedoc-job"), "the journal stays pending"
    p = subprocess.run(cli_args(ctx) + ["parse", ctx.sample, "-o", out], capture_output=True, env=env(), timeout=60)
    assert p.returncode == 8 and "never learnt the outcome" in err(p), (p.returncode, err(p))
    os.unlink(out + ".lkedoc-job")


def test_create_stopped_before_it_was_sent(ctx):
    s = Silent(blackhole=True)
    out = os.path.join(ctx.tmp, "never.zip")
    try:
        rc, e, took = stopped(cli_args(ctx, s.port) + ["parse", ctx.sample, "-o", out], 0.5)
    finally:
        s.close()
    check_stopped(rc, e, took)
    assert "may have been created" not in e, e
    assert not os.path.exists(out + ".lkedoc-job"), "nothing was sent: no journal"


def test_second_signal_exits_at_once(ctx):
    """A second signal _exits at once; what it leaves still resumes."""
    ctx.mock.reset()
    out = os.path.join(ctx.tmp, "twice.zip")
    clean = os.path.join(ctx.tmp, "clean2.zip")
    ctx.mock.config(archive_size=300_000)
    try:
        p = subprocess.run(cli_args(ctx) + ["download", "done-twice", "-o", clean], capture_output=True,
                           env=env(), timeout=60)
        assert p.returncode == 0, err(p)
        ctx.mock.config(download_stall_at=100_000)
        rc, e, took = stopped(cli_args(ctx) + ["download", "done-twice", "-o", out],
                              lambda: part_size(out) >= 100_000, again=True)
        assert rc == EXIT_ABORTED and took < 1.0, (rc, took, e)
        assert not os.path.exists(out)
        ctx.mock.config(download_stall_at=None)
        p = subprocess.run(cli_args(ctx) + ["download", "done-twice", "-o", out], capture_output=True,
                           env=env(), timeout=60)
        assert p.returncode == 0, err(p)
    finally:
        ctx.mock.config(archive_size=0, download_stall_at=None)
    assert sha256_file(out) == sha256_file(clean)


def queued(fd):
    return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]


def test_download_to_a_stalled_fifo(ctx):
    """A reader that never reads: the write blocks, and the signal ends it."""
    ctx.mock.reset()
    fifo = os.path.join(ctx.tmp, "stalled.fifo")
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # open, never read
    ctx.mock.config(archive_size=1_000_000)
    try:
        p = subprocess.Popen(cli_args(ctx) + ["download", "done-fifo", "-o", fifo], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env())
        try:
            t0 = time.monotonic()
            while queued(reader) < 65536:  # the pipe is full: the next write blocks
                assert p.poll() is None, p.communicate()[1].decode()
                assert time.monotonic() - t0 < 20, "the pipe never filled"
                time.sleep(0.02)
            time.sleep(0.3)
            sent = time.monotonic()
            p.send_signal(signal.SIGINT)
            _, e = p.communicate(timeout=10)
            took = time.monotonic() - sent
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
    finally:
        os.close(reader)
        os.unlink(fifo)
        ctx.mock.config(archive_size=0)
    print("signal to exit: %.3f s" % took)
    check_stopped(p.returncode, e.decode("utf-8", "replace"), took)


# Inside a network and mount namespace of its own: only loopback, and a
# resolv.conf naming 127.0.0.1, where a UDP socket takes every query and
# answers none (without it the query would be refused at once).
SILENT_DNS = r"""
set -e
ip link set lo up
mount --bind "$1/resolv.conf" /etc/resolv.conf
python3 -c '
import os, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
open(sys.argv[1] + "/ready", "w").close()
time.sleep(60)' "$1" </dev/null >/dev/null 2>&1 &
echo $! > "$1/dns.pid"
while [ ! -e "$1/ready" ]; do sleep 0.01; done
shift
exec "$@"
"""


def silent_dns(ctx, name):
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return None
    d = os.path.join(ctx.tmp, name)
    os.mkdir(d)
    with open(os.path.join(d, "resolv.conf"), "w") as f:
        f.write("nameserver 127.0.0.1\noptions timeout:5 attempts:2\n")
    return d


def in_silent_dns(d, args):
    return ["unshare", "-n", "-m", "--propagation", "private", "sh", "-c", SILENT_DNS, "sh", d] + args


def end_silent_dns(d):
    try:
        with open(os.path.join(d, "dns.pid")) as f:
            os.kill(int(f.read()), signal.SIGKILL)
    except (OSError, ValueError):
        pass


def unresolved_args(ctx, timeout="30"):
    """The endpoint by name, with no --resolve: the lookup goes to the resolver."""
    m = ctx.mock
    return [CLI, "--endpoint", f"{HOST}:{m.port}", "--ca-file", m.ca_file, "--timeout", timeout]


def test_name_lookup_never_answered(ctx):
    d = silent_dns(ctx, "dns-sigint")
    if d is None:
        print("    SKIPPED: needs root and unshare")
        return
    try:
        rc, e, took = stopped(in_silent_dns(d, unresolved_args(ctx) + ["status", "task-1"]),
                              lambda: os.path.exists(os.path.join(d, "ready")) and time.sleep(0.5) is None)
    finally:
        end_silent_dns(d)
    check_stopped(rc, e, took)


def test_name_lookup_bounded_by_the_timeout(ctx):
    d = silent_dns(ctx, "dns-timeout")
    if d is None:
        print("    SKIPPED: needs root and unshare")
        return
    try:
        t0 = time.monotonic()
        p = subprocess.run(in_silent_dns(d, unresolved_args(ctx, timeout="2") + ["status", "task-1"]),
                           capture_output=True, env=env(), timeout=30)
        took = time.monotonic() - t0
    finally:
        end_silent_dns(d)
    print("lookup given up after %.3f s" % took)
    assert p.returncode == EXIT_TIMEOUT, (p.returncode, err(p))
    assert 1.9 < took < 3.0, took


def test_name_lookups_given_up_on_do_not_use_up_the_resolver(ctx):
    # Each lookup given up on keeps a slot of the port's table (4) until the
    # resolver ends it (10 s here): the fifth and later wait for one within
    # their deadline, and end with it, rather than fail as unresolved.
    d = silent_dns(ctx, "dns-slots")
    if d is None:
        print("    SKIPPED: needs root and unshare")
        return
    tasks = ["task-%d" % i for i in range(7)]
    try:
        t0 = time.monotonic()
        p = subprocess.run(in_silent_dns(d, unresolved_args(ctx, timeout="1") + ["status"] + tasks),
                           capture_output=True, env=env(), timeout=60)
        took = time.monotonic() - t0
    finally:
        end_silent_dns(d)
    e = err(p)
    print("seven lookups given up after %.3f s" % took)
    assert p.returncode == EXIT_TIMEOUT, (p.returncode, e)
    assert "did not resolve" not in e, e
    assert e.count("\n") >= 7, e
    assert 6.5 < took < 10.0, took


# ---- --total-timeout: the whole command's deadline ----------------------------------


def timed(args, timeout=30):
    """Run args to their end: (returncode, stderr, seconds)."""
    t0 = time.monotonic()
    p = subprocess.run(args, capture_output=True, env=env(), timeout=timeout)
    took = time.monotonic() - t0
    print("took %.3f s" % took)
    return p.returncode, err(p), took


def check_total(rc, e, took, limit, during, status=EXIT_TIMEOUT):
    assert rc == status, (rc, e)
    assert f"lkedoc: --total-timeout {limit:g} s passed during {during}\n" in e, e
    assert "stopped by" not in e, e
    assert limit - 0.05 <= took < limit + 0.8, took


def test_total_timeout_bounds_status_of_three_tasks(ctx):
    # Each call may take 5 s on a dead network; the command may take 3.
    s = Silent(blackhole=True)
    try:
        rc, e, took = timed(cli_args(ctx, s.port) + ["status", "a", "b", "c", "--timeout", "5", "--total-timeout", "3"])
    finally:
        s.close()
    check_total(rc, e, took, 3, "task 1 of 3")
    assert e.count("lkedoc:") == 1, "one message, the other tasks were not started: " + e


def test_total_timeout_counts_every_task(ctx):
    s = Silent(blackhole=True)
    try:
        rc, e, took = timed(cli_args(ctx, s.port) + ["--timeout", "1", "--total-timeout", "2.5", "status", "a", "b", "c"])
    finally:
        s.close()
    check_total(rc, e, took, 2.5, "task 3 of 3")
    # Tasks 1 and 2 ended at their own --timeout, each with its line.
    assert e.count("\n") == 3 and e.count("--total-timeout") == 1, e


def test_total_timeout_in_the_wait_of_a_parse(ctx):
    ctx.mock.reset()
    out = os.path.join(ctx.tmp, "total-wait.zip")
    ctx.mock.config(polls_to_success=1000)
    try:
        rc, e, took = timed(cli_args(ctx, poll="0.2") + ["parse", ctx.sample, "-o", out, "--total-timeout", "2"])
    finally:
        ctx.mock.config(polls_to_success=2)
    check_total(rc, e, took, 2, "the wait for the task")
    assert "the same command continues it" in e and os.path.exists(out + ".lkedoc-job"), e
    os.unlink(out + ".lkedoc-job")


def test_total_timeout_in_the_download_keeps_the_part(ctx):
    ctx.mock.reset()
    out = os.path.join(ctx.tmp, "total-dl.zip")
    ctx.mock.config(archive_size=1_000_000, download_stall_at=400_000)
    try:
        rc, e, took = timed(cli_args(ctx) + ["download", "done-total", "-o", out, "--total-timeout", "2"])
        check_total(rc, e, took, 2, "the download")
        assert part_size(out) == 400_000 and "the same command again goes on from there" in e, e
        ctx.mock.config(download_stall_at=None)
        p = subprocess.run(cli_args(ctx) + ["download", "done-total", "-o", out], capture_output=True, env=env(),
                           timeout=60)
        assert p.returncode == 0 and os.path.getsize(out) == 1_000_000, err(p)
    finally:
        ctx.mock.config(archive_size=0, download_stall_at=None)


def test_total_timeout_after_create_was_sent(ctx):
    ctx.mock.reset()
    out = os.path.join(ctx.tmp, "total-create.zip")
    ctx.mock.config(slow_api_ms=5000)
    try:
        rc, e, took = timed(cli_args(ctx) + ["parse", ctx.sample, "-o", out, "--total-timeout", "1.5"])
    finally:
        ctx.mock.config(slow_api_ms=0)
    # Like a Create cut by --timeout: the outcome is what is not known.
    check_total(rc, e, took, 1.5, "the Create request", status=EXIT_OUTCOME_UNKNOWN)
    assert "the task may have been created" in e, e
    assert os.path.exists(out + ".lkedoc-job"), "the journal stays pending"
    os.unlink(out + ".lkedoc-job")


def test_total_timeout_stops_the_credentials_process(ctx):
    rc, e, took = timed(cli_args(ctx) + ["--credentials-process", "sleep 30", "--total-timeout", "1.5",
                                         "status", "t1"])
    check_total(rc, e, took, 1.5, "task 1 of 1")


def test_total_timeout_in_the_set_up_or_between_tasks_fails(ctx):
    # Too short for any call to see it: the command still fails as a stop.
    rc, e, took = timed([CLI, "--endpoint", "127.0.0.1:9", "status", "a", "b", "c", "--total-timeout", "0.001"])
    assert rc == EXIT_TIMEOUT and "lkedoc: --total-timeout 0.001 s passed during " in e, (rc, e)
    # A CA file that is a FIFO nobody writes holds the set-up in its open.
    fifo = os.path.join(ctx.tmp, "ca-fifo")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    rc, e, took = timed(cli_args(ctx) + ["--ca-file", fifo, "--total-timeout", "1", "status", "a"])
    check_total(rc, e, took, 1, "the set-up")


def test_total_timeout_wins_over_an_earlier_tasks_failure(ctx):
    # Task 1 an API error, task 2 cut by the deadline: exit 5, not 3.
    ctx.mock.reset()
    ctx.mock.config(slow_api_ms=800)  # each answer 0.8 s late: task 2 asked at 0.8 s, cut at 1.6 s
    try:
        rc, e, took = timed(cli_args(ctx) + ["--total-timeout", "1.6", "status", "missing-task", "t2"])
    finally:
        ctx.mock.config(slow_api_ms=0)
    check_total(rc, e, took, 1.6, "task 2 of 2")
    assert "lkedoc: API error ResourceNotFound" in e, e


def test_alarm_after_sigint_is_not_a_second_signal(ctx):
    # SIGINT stops the connect; the deadline passing while it winds up is
    # not the user asking twice: the stop is said, the exit is SIGINT's.
    s = Silent(blackhole=True)
    try:
        rc, e, took = stopped(cli_args(ctx, s.port) + ["--total-timeout", "60", "status", "a"], 0.5,
                              again=signal.SIGALRM)
    finally:
        s.close()
    check_stopped(rc, e, took)
    assert "lkedoc: stopped by SIGINT\n" in e and "--total-timeout" not in e, e


def test_sigint_after_alarm_is_the_first_stop(ctx):
    # The deadline passed first: one Ctrl-C while it winds up neither _exits
    # nor changes the cause, which stays the deadline's (exit 5).
    s = Silent(blackhole=True)
    try:
        rc, e, took = stopped(cli_args(ctx, s.port) + ["--total-timeout", "60", "status", "a"], 0.5,
                              sig=signal.SIGALRM, again=signal.SIGINT)
    finally:
        s.close()
    assert rc == EXIT_TIMEOUT and took < 1.0, (rc, e, took)
    assert "lkedoc: --total-timeout 60 s passed during task 1 of 1\n" in e and "stopped by" not in e, e
