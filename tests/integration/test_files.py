# SPDX-License-Identifier: MIT
"""The files the CLI writes, against the mock.

The temporary file is private (0600), named for OUT and the task, never a
planted symlink or someone else's file; OUT is never replaced unless it is a
regular file or absent (devices and FIFOs are written in place, `-` is
stdout); a full disk is a write error, said as such and not retried; two runs
on one temporary file cannot both think they wrote it.  Device nodes are
private copies made with mknod in a temporary directory, the full disk a
small tmpfs in a private mount namespace (unshare -m): the machine's own /dev
and mounts are never touched.
"""
import glob
import hashlib
import os
import shutil
import stat
import subprocess
import threading
import time

from mockctl import JobFixture, SECRET_ID, SECRET_KEY

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.environ.get("LKEDOC_CLI", os.path.join(ROOT, "build", "lkedoc"))
STATE = os.path.join(ROOT, "build", "mock-state")
HOST = "lke.intl.tencentcloudapi.com"
DL_HOST = "mock.lkedoc.test"
OTHER_UID = 54321


def setup_suite():
    return JobFixture(STATE, ["--ipv6"], prefix="lkedoc-files-")


def teardown_suite(ctx):
    if ctx:
        ctx.stop()


def cli(ctx):
    m = ctx.mock
    return [CLI, "--endpoint", f"{HOST}:{m.port}", "--resolve", f"{HOST}:{m.port}:127.0.0.1",
            "--resolve", f"{DL_HOST}:{m.download_port}:127.0.0.1", "--result-host", DL_HOST,
            "--ca-file", m.ca_file, "--poll-interval", "0.05"]


def env():
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent", "LC_ALL": "C.UTF-8",
            "TENCENTCLOUD_SECRET_ID": SECRET_ID, "TENCENTCLOUD_SECRET_KEY": SECRET_KEY}


def download(ctx, task, out, prefix=(), **kw):
    return subprocess.run(list(prefix) + cli(ctx) + ["download", task, "-o", out], capture_output=True,
                          timeout=120, env=env(), **kw)


def err(p):
    return p.stderr.decode("utf-8", "replace")


def served(ctx, task):
    return ctx.mock.stats()["download"]["archives"][task]["sha256"]


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def fresh_dir(ctx, name):
    d = os.path.join(ctx.tmp, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def parts(out):
    return glob.glob(glob.escape(out) + ".*part")


def plant_victim(d):
    victim = os.path.join(d, "victim")
    with open(victim, "w") as f:
        f.write("precious\n")
    return victim


def slowly(ctx, size=600_000, rate=300_000):
    ctx.mock.config(archive_size=size, slow_download_bytes_per_s=rate)


def fast(ctx):
    ctx.mock.config(archive_size=0, slow_download_bytes_per_s=0)


def test_temporary_file_is_private_and_named_for_the_task(ctx):
    d = fresh_dir(ctx, "private")
    out = os.path.join(d, "out.zip")
    slowly(ctx)
    try:
        p = subprocess.Popen(cli(ctx) + ["download", "done-private", "-o", out], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env())
        seen = []
        deadline = time.monotonic() + 20
        while not seen and time.monotonic() < deadline and p.poll() is None:
            seen = [(f, os.lstat(f)) for f in glob.glob(os.path.join(d, "*part"))]
            time.sleep(0.02)
        _, e = p.communicate(timeout=60)
    finally:
        fast(ctx)
    assert p.returncode == 0, e
    assert seen, "no temporary file seen during the download"
    name, st = seen[0]
    assert os.path.basename(name) == "out.zip.done-private.part", name
    assert stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600, oct(st.st_mode)
    with open(out, "rb") as f:
        assert sha256(f.read()) == served(ctx, "done-private")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600 and not parts(out)


def test_planted_symlink_is_never_followed(ctx):
    d = fresh_dir(ctx, "symlink")
    out = os.path.join(d, "out.zip")
    victim = plant_victim(d)
    # Both the old fixed name and this task's name point at the victim.
    os.symlink(victim, out + ".part")
    os.symlink(victim, out + ".done-link.part")
    p = download(ctx, "done-link", out)
    assert p.returncode == 2 and "symbolic link" in err(p), (p.returncode, err(p))
    with open(victim) as f:
        assert f.read() == "precious\n", "the victim was written through the link"
    assert os.path.islink(out + ".done-link.part") and not os.path.exists(out)


def test_foreign_temporary_file_is_not_reused(ctx):
    d = fresh_dir(ctx, "foreign")
    out = os.path.join(d, "out.zip")
    for name in (out + ".part", out + ".done-foreign.part"):
        with open(name, "w") as f:
            f.write("someone else's\n")
        os.chown(name, OTHER_UID, OTHER_UID)
        os.chmod(name, 0o644)
    p = download(ctx, "done-foreign", out)  # as root: ownership, not permission, must decide
    assert p.returncode == 2 and "refusing to reuse" in err(p), (p.returncode, err(p))
    for name in (out + ".part", out + ".done-foreign.part"):
        st = os.stat(name)
        assert st.st_uid == OTHER_UID, name
        with open(name) as f:
            assert f.read() == "someone else's\n", name
    assert not os.path.exists(out)


def test_hard_linked_temporary_file_is_not_reused(ctx):
    d = fresh_dir(ctx, "hardlink")
    out = os.path.join(d, "out.zip")
    victim = plant_victim(d)
    os.link(victim, out + ".done-hard.part")
    os.link(victim, out + ".part")
    p = download(ctx, "done-hard", out)
    assert p.returncode == 2 and "refusing to reuse" in err(p), (p.returncode, err(p))
    with open(victim) as f:
        assert f.read() == "precious\n"


def test_own_leftover_temporary_file_is_restarted(ctx):
    d = fresh_dir(ctx, "leftover")
    out = os.path.join(d, "out.zip")
    with open(out + ".done-left.part", "wb") as f:
        f.write(b"junk from a run that died\n" * 1000)
    os.chmod(out + ".done-left.part", 0o600)
    p = download(ctx, "done-left", out)
    assert p.returncode == 0, err(p)
    with open(out, "rb") as f:
        assert sha256(f.read()) == served(ctx, "done-left")
    assert not parts(out)


def test_output_symlink_is_not_replaced(ctx):
    d = fresh_dir(ctx, "outlink")
    out = os.path.join(d, "out.zip")
    victim = plant_victim(d)
    os.symlink(victim, out)
    p = download(ctx, "done-outlink", out)
    assert p.returncode == 2 and "symbolic link" in err(p), (p.returncode, err(p))
    assert os.path.islink(out) and open(victim).read() == "precious\n"
    assert not parts(out)


def mknod_copy(d, name, major, minor):
    path = os.path.join(d, name)
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(major, minor))
    return path


def is_chr(path, major, minor):
    st = os.lstat(path)
    return stat.S_ISCHR(st.st_mode) and os.major(st.st_rdev) == major and os.minor(st.st_rdev) == minor


def test_device_nodes_are_written_in_place(ctx):
    d = fresh_dir(ctx, "devices")
    null = mknod_copy(d, "null", 1, 3)
    p = download(ctx, "done-null", null)
    assert p.returncode == 0, err(p)
    assert is_chr(null, 1, 3), "the device node was replaced"
    full = mknod_copy(d, "full", 1, 7)
    p = download(ctx, "done-full", full)
    assert p.returncode == 1 and "No space left on device" in err(p), (p.returncode, err(p))
    assert is_chr(full, 1, 7), "the device node was replaced"
    assert ctx.mock.stats()["download"]["statuses"], "never downloaded: the test proves nothing"
    assert os.listdir(d) == ["null", "full"] or sorted(os.listdir(d)) == ["full", "null"], os.listdir(d)


def test_fifo_is_written_in_place(ctx):
    d = fresh_dir(ctx, "fifo")
    fifo = os.path.join(d, "pipe")
    os.mkfifo(fifo)
    got = []

    def reader():
        with open(fifo, "rb") as f:
            got.append(f.read())
    t = threading.Thread(target=reader, daemon=True)
    t.start()
    p = download(ctx, "done-fifo", fifo)
    t.join(10)
    assert p.returncode == 0, err(p)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got and sha256(got[0]) == served(ctx, "done-fifo")


def test_dash_is_stdout(ctx):
    d = fresh_dir(ctx, "stdout")
    p = download(ctx, "done-stdout", "-", cwd=d)
    assert p.returncode == 0, err(p)
    assert sha256(p.stdout) == served(ctx, "done-stdout"), p.stdout[:200]
    assert "wrote" in err(p) and os.listdir(d) == [], (err(p), os.listdir(d))


def test_full_disk_is_a_write_error_not_retried(ctx):
    if shutil.which("unshare") is None or os.geteuid() != 0:
        print("    SKIPPED: needs root and unshare")
        return
    d = fresh_dir(ctx, "tiny")
    out = os.path.join(d, "out.zip")
    ctx.mock.config(archive_size=1_000_000)
    before = ctx.mock.stats()["download"]["gets"]
    try:
        # A 64 KiB tmpfs over d, seen by this one process tree only.
        script = 'mount -t tmpfs -o size=64k lkedoc-tiny "$1" && shift && exec "$@"'
        p = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", d] + cli(ctx) +
                           ["download", "done-tiny", "-o", out], capture_output=True, timeout=120, env=env())
    finally:
        ctx.mock.config(archive_size=0)
    assert p.returncode == 1, (p.returncode, err(p))
    assert "No space left on device" in err(p) and "network" not in err(p), err(p)
    assert ctx.mock.stats()["download"]["gets"] - before == 1, "a write error was retried as a network failure"
    assert os.listdir(d) == [], "the tmpfs leaked out of its namespace"


def test_two_runs_of_one_task_on_one_output(ctx):
    d = fresh_dir(ctx, "twice")
    out = os.path.join(d, "out.zip")
    slowly(ctx)
    try:
        first = subprocess.Popen(cli(ctx) + ["download", "done-twice", "-o", out], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env=env())
        deadline = time.monotonic() + 20
        while not parts(out) and time.monotonic() < deadline:
            time.sleep(0.02)
        second = download(ctx, "done-twice", out)
        _, e1 = first.communicate(timeout=60)
    finally:
        fast(ctx)
    assert first.returncode == 0, e1
    assert second.returncode == 1 and "another lkedoc run" in err(second), (second.returncode, err(second))
    with open(out, "rb") as f:
        assert sha256(f.read()) == served(ctx, "done-twice")
    assert not parts(out)


def test_two_tasks_on_one_output_leave_a_whole_archive(ctx):
    d = fresh_dir(ctx, "two-tasks")
    out = os.path.join(d, "out.zip")
    slowly(ctx)
    try:
        runs = [subprocess.Popen(cli(ctx) + ["download", t, "-o", out], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env=env()) for t in ("done-task-a", "done-task-b")]
        errs = [r.communicate(timeout=60)[1] for r in runs]
    finally:
        fast(ctx)
    assert [r.returncode for r in runs] == [0, 0], errs
    with open(out, "rb") as f:
        assert sha256(f.read()) in (served(ctx, "done-task-a"), served(ctx, "done-task-b"))
    assert not parts(out)
