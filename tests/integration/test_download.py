# SPDX-License-Identifier: MIT
"""The archive checked end to end and a download that survives its process:
the object store's CRC-64 (a byte flipped in transit is exit 6 and no output),
Accept-Encoding identity, an archive without the checksum accepted and said so,
If-Match on every resume and a restart when the object changed (412), outages
and SlowDown of the result host ridden out within the deadline, the .part kept
when it passes, URLs refreshed before they expire, and kill -9 then the same
command again going on from the .part."""
import hashlib
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_job import CLI, DL_HOST, HOST, STATE, cli_args, env, err, check_zip  # noqa: E402,F401
from mockctl import JobFixture  # noqa: E402

BIG = 3_000_000


def setup_suite():
    return JobFixture(STATE, ["--ipv6"], prefix="lkedoc-download-")


def teardown_suite(ctx):
    if ctx:
        ctx.stop()


def out_path(ctx, name):
    return os.path.join(ctx.tmp, name)


def part_of(out, task):
    return "%s.%s.part" % (out, task)


def state_of(out, task):
    return "%s.%s.state" % (out, task)


def cli(ctx, *args, timeout=120):
    return subprocess.run(cli_args(ctx) + list(args), capture_output=True, timeout=timeout, env=env())


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def served(ctx, task):
    return ctx.mock.stats()["download"]["archives"][task]


def fresh(ctx, **cfg):
    ctx.mock.reset()
    if cfg:
        ctx.mock.config(**cfg)


def wait_for(pred, what, timeout=30):
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, "timed out waiting for " + what
        time.sleep(0.02)


def test_verified_archive_and_identity(ctx):
    fresh(ctx)
    out = out_path(ctx, "verified.zip")
    p = cli(ctx, "--verbose", "download", "done-crc", "-o", out)
    assert p.returncode == 0, err(p)
    assert "archive verified" in err(p), err(p)
    assert sha256_file(out) == served(ctx, "done-crc")["sha256"]
    check_zip(out)
    assert not os.path.exists(part_of(out, "done-crc")) and not os.path.exists(state_of(out, "done-crc"))


def test_corrupted_byte_is_exit_6_and_no_output(ctx):
    fresh(ctx, archive_size=200_000, corrupt_byte_at=123_456)
    out = out_path(ctx, "corrupt.zip")
    p = cli(ctx, "download", "done-corrupt", "-o", out)
    assert p.returncode == 6, (p.returncode, err(p))
    assert "corrupted in transit" in err(p), err(p)
    assert ctx.mock.stats()["download"]["corrupted"] == 1
    assert not os.path.exists(out), "a corrupted archive was put in place"
    assert not os.path.exists(part_of(out, "done-corrupt")) and not os.path.exists(state_of(out, "done-corrupt"))


def test_gzip_encoded_body_is_refused(ctx):
    fresh(ctx, content_encoding="gzip")
    out = out_path(ctx, "gzip.zip")
    p = cli(ctx, "download", "done-gzip", "-o", out)
    assert p.returncode == 6 and "malformed" in err(p), (p.returncode, err(p))
    assert not os.path.exists(out)
    dl = ctx.mock.stats()["download"]
    assert dl["gets"] == 1, "a refused encoding is not retried"
    assert dl["accept_encoding"] == ["identity"], dl["accept_encoding"]


def test_no_checksum_is_accepted_and_said(ctx):
    fresh(ctx, crc64_header=False)
    out = out_path(ctx, "nocrc.zip")
    p = cli(ctx, "--verbose", "download", "done-nocrc", "-o", out)
    assert p.returncode == 0, err(p)
    assert "NOT verified" in err(p) and "no x-cos-hash-crc64ecma" in err(p), err(p)
    assert sha256_file(out) == served(ctx, "done-nocrc")["sha256"]
    q = cli(ctx, "download", "done-nocrc", "-o", out_path(ctx, "nocrc2.zip"))
    assert q.returncode == 0 and "verified" not in err(q), err(q)


def test_resume_sends_if_match_and_the_multipart_etag(ctx):
    fresh(ctx, archive_size=BIG, etag_multipart=True, download_close_after=[500_000])
    out = out_path(ctx, "ifmatch.zip")
    p = cli(ctx, "--verbose", "download", "done-ifmatch", "-o", out)
    assert p.returncode == 0, err(p)
    dl = ctx.mock.stats()["download"]
    etag = served(ctx, "done-ifmatch")["etag"]
    assert etag.endswith('-1"'), etag
    assert dl["ranges"] == ["bytes=500000-"] and dl["if_match"] == [etag], dl
    assert sha256_file(out) == served(ctx, "done-ifmatch")["sha256"]
    assert "archive verified" in err(p), err(p)


def test_outage_mid_download_is_ridden_out(ctx):
    fresh(ctx, archive_size=BIG, slow_download_bytes_per_s=2_000_000)
    out = out_path(ctx, "outage.zip")
    proc = subprocess.Popen(cli_args(ctx) + ["--verbose", "download", "done-outage", "-o", out],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env())
    try:
        wait_for(lambda: ctx.mock.stats()["download"]["bytes_sent"] > 600_000, "the first bytes")
        ctx.mock.config(download_outage_s=3, slow_download_bytes_per_s=0)
        _, e = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            proc.kill()
    e = e.decode("utf-8", "replace")
    assert proc.returncode == 0, e
    dl = ctx.mock.stats()["download"]
    assert dl["outage_resets"] >= 1, dl
    assert any(r != "bytes=0-" for r in dl["ranges"]), "the bytes before the outage were fetched again"
    # Each byte crossed the wire about once: a restart from 0 would send the
    # bytes before the outage twice.
    assert dl["bytes_sent"] < BIG + 600_000, dl["bytes_sent"]
    assert sha256_file(out) == served(ctx, "done-outage")["sha256"]
    assert "archive verified" in e, e


def test_stalled_store_is_dropped_and_resumed(ctx):
    fresh(ctx, archive_size=BIG, download_stall_at=1_000_000)
    out = out_path(ctx, "stall.zip")
    t0 = time.monotonic()
    p = cli(ctx, "--timeout", "2", "--verbose", "download", "done-stall", "-o", out)
    took = time.monotonic() - t0
    assert p.returncode == 0, err(p)
    dl = ctx.mock.stats()["download"]
    assert dl["stalls"] == 1, dl
    assert "bytes=1000000-" in dl["ranges"], dl["ranges"]
    assert took < 30, "waited %.1f s on a silent connection" % took
    assert sha256_file(out) == served(ctx, "done-stall")["sha256"]


def test_refused_and_reset_connections_are_ridden_out(ctx):
    # Resets at once, before any byte (the unit test rides out twenty).
    fresh(ctx, archive_size=200_000, download_outage_connections=3)
    out = out_path(ctx, "refused.zip")
    p = cli(ctx, "download", "done-refused", "-o", out)
    assert p.returncode == 0, err(p)
    assert ctx.mock.stats()["download"]["outage_resets"] == 3
    assert sha256_file(out) == served(ctx, "done-refused")["sha256"]


def test_slowdown_is_retried(ctx):
    fresh(ctx, archive_size=200_000, download_close_after=[50_000], slowdown_503=2)
    out = out_path(ctx, "slow.zip")
    p = cli(ctx, "download", "done-slow", "-o", out)
    # The first GET is answered 503 twice (its connection kept), then the body drops once.
    assert p.returncode == 0, err(p)
    assert ctx.mock.stats()["download"]["slowdowns"] == 2
    assert sha256_file(out) == served(ctx, "done-slow")["sha256"]


def test_deadline_keeps_the_part_and_a_changed_object_restarts(ctx):
    task = "done-changed"
    fresh(ctx, archive_size=BIG, download_close_after=[700_000], slow_download_bytes_per_s=1_000_000)
    out = out_path(ctx, "changed.zip")
    # The first GET drops after 700 000 bytes; every reconnection is reset until the deadline.
    p = subprocess.Popen(cli_args(ctx) + ["--job-timeout", "4", "download", task, "-o", out],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env())
    try:
        wait_for(lambda: ctx.mock.stats()["download"]["gets"] >= 1, "the first GET")
        ctx.mock.config(download_outage_connections=1000)
        _, e = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
        ctx.mock.config(download_outage_connections=0, slow_download_bytes_per_s=0)
    e = e.decode("utf-8", "replace")
    assert p.returncode in (4, 5), (p.returncode, e)
    assert "result host mock.lkedoc.test" in e, e
    assert "lke.intl" not in e, "the API host named for the result host's outage"
    assert not os.path.exists(out)
    assert os.path.getsize(part_of(out, task)) == 700_000, "bytes received were thrown away"
    assert os.path.exists(state_of(out, task))
    assert "kept 700000 bytes" in e, e
    old = served(ctx, task)
    # The object changes before the next run: If-Match says so, the download starts over.
    ctx.mock.config(object_version=1, download_close_after=[])
    q = cli(ctx, "--verbose", "download", task, "-o", out)
    assert q.returncode == 0, err(q)
    new = served(ctx, task)
    dl = ctx.mock.stats()["download"]
    assert dl["precondition_failed"] == 1 and dl["if_match"][-1] == old["etag"], dl
    assert new["etag"] != old["etag"] and sha256_file(out) == new["sha256"]
    assert "412" in err(q), err(q)


def test_stream_of_a_changed_object_says_so(ctx):
    task = "done-stream"
    fresh(ctx, archive_size=200_000, download_close_after=[50_000], slow_download_bytes_per_s=100_000)
    p = subprocess.Popen(cli_args(ctx) + ["download", task, "-o", "-"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env())
    try:
        wait_for(lambda: ctx.mock.stats()["download"]["gets"] >= 1, "the first GET")
        ctx.mock.config(object_version=1)
        _, e = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
        ctx.mock.config(object_version=0, slow_download_bytes_per_s=0)
    e = e.decode("utf-8", "replace")
    assert ctx.mock.stats()["download"]["precondition_failed"] == 1
    assert p.returncode == 1 and "changed on the server" in e, (p.returncode, e)
    assert "Input/output error" not in e and "cannot write" not in e, e


def test_part_without_its_state_goes_on_and_its_crc_decides(ctx):
    # A power cut that kept the .part but not its state: the bytes are read
    # back, the rest fetched without If-Match, the end CRC-64 checks the whole.
    task = "done-nostate"
    fresh(ctx, archive_size=200_000)
    ref = out_path(ctx, "nostate-ref.zip")
    assert cli(ctx, "download", task, "-o", ref).returncode == 0
    with open(ref, "rb") as f:
        head = f.read(80_000)
    out = out_path(ctx, "nostate.zip")
    for content, code in ((head, 0), (b"j" * 80_000, 6)):
        with open(part_of(out, task), "wb") as f:
            f.write(content)
        os.chmod(part_of(out, task), 0o600)
        before = ctx.mock.stats()["download"]
        p = cli(ctx, "--verbose", "download", task, "-o", out)
        assert p.returncode == code, (p.returncode, err(p))
        dl = ctx.mock.stats()["download"]
        assert dl["ranges"][len(before["ranges"]):] == ["bytes=80000-"], dl["ranges"]
        assert len(dl["if_match"]) == len(before["if_match"]), "If-Match without a known ETag"
        assert not os.path.exists(part_of(out, task)) and not os.path.exists(state_of(out, task))
        if code == 0:
            assert "resuming from byte 80000" in err(p) and "archive verified" in err(p), err(p)
            assert sha256_file(out) == served(ctx, task)["sha256"]
            os.unlink(out)
        else:
            assert "corrupted" in err(p) and not os.path.exists(out), err(p)


def test_part_with_a_cut_state_keeps_its_bytes(ctx):
    # A state file cut by a power cut (empty, or half a line) is no reason to
    # drop the .part: its bytes are read back and resumed as without a state.
    task = "done-cutstate"
    fresh(ctx, archive_size=200_000)
    ref = out_path(ctx, "cutstate-ref.zip")
    assert cli(ctx, "download", task, "-o", ref).returncode == 0
    with open(ref, "rb") as f:
        head = f.read(80_000)
    out = out_path(ctx, "cutstate.zip")
    for state in (b"", b"lkedoc-"):
        with open(part_of(out, task), "wb") as f:
            f.write(head)
        os.chmod(part_of(out, task), 0o600)
        with open(state_of(out, task), "wb") as f:
            f.write(state)
        os.chmod(state_of(out, task), 0o600)
        before = ctx.mock.stats()["download"]
        p = cli(ctx, "--verbose", "download", task, "-o", out)
        assert p.returncode == 0, (p.returncode, err(p))
        dl = ctx.mock.stats()["download"]
        assert dl["ranges"][len(before["ranges"]):] == ["bytes=80000-"], (state, dl["ranges"])
        assert sha256_file(out) == served(ctx, task)["sha256"]
        assert not os.path.exists(state_of(out, task))
        os.unlink(out)


def test_state_learned_on_a_resume_is_saved(ctx):
    # The .part alone, then a run cut short: the ETag and CRC-64 that run
    # learned are in the state file, and the next run sends If-Match.
    task = "done-relearn"
    fresh(ctx, archive_size=200_000)
    ref = out_path(ctx, "relearn-ref.zip")
    assert cli(ctx, "download", task, "-o", ref).returncode == 0
    with open(ref, "rb") as f:
        head = f.read(80_000)
    out = out_path(ctx, "relearn.zip")
    with open(part_of(out, task), "wb") as f:
        f.write(head)
    os.chmod(part_of(out, task), 0o600)
    ctx.mock.config(slow_download_bytes_per_s=20_000)
    p = cli(ctx, "--job-timeout", "2", "download", task, "-o", out)
    ctx.mock.config(slow_download_bytes_per_s=0)
    assert p.returncode == 5 and "goes on from there" in err(p), (p.returncode, err(p))
    kept = os.path.getsize(part_of(out, task))
    assert kept > 80_000, kept
    a = served(ctx, task)
    with open(state_of(out, task)) as f:
        assert f.read() == "lkedoc-download 1 %d %s %s end\n" % (a["size"], a["crc64"], a["etag"])
    q = cli(ctx, "download", task, "-o", out)
    assert q.returncode == 0, err(q)
    dl = ctx.mock.stats()["download"]
    assert dl["ranges"][-1] == "bytes=%d-" % kept and dl["if_match"][-1] == a["etag"], dl
    assert sha256_file(out) == a["sha256"]


def test_url_refreshed_before_it_expires(ctx):
    # URLs valid 30 s: each resume is within the last minute, so it first asks for a fresh one.
    fresh(ctx, archive_size=BIG, url_ttl=30, download_close_after=[300_000, 600_000])
    out = out_path(ctx, "refresh.zip")
    before = ctx.mock.stats()["requests"]
    p = cli(ctx, "--verbose", "download", "done-refresh", "-o", out)
    assert p.returncode == 0, err(p)
    assert ctx.mock.stats()["requests"] - before == 3, "one URL, then a fresh one before each of two resumes"
    assert err(p).count("about to expire") == 2, err(p)
    assert sha256_file(out) == served(ctx, "done-refresh")["sha256"]


def test_kill_9_then_the_same_command_goes_on(ctx):
    task = "done-kill"
    fresh(ctx, archive_size=BIG, slow_download_bytes_per_s=1_000_000)
    out = out_path(ctx, "killed.zip")
    part = part_of(out, task)
    proc = subprocess.Popen(cli_args(ctx) + ["download", task, "-o", out], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env())
    try:
        wait_for(lambda: os.path.exists(part) and os.path.getsize(part) > 400_000, "bytes in the .part")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    kept = os.path.getsize(part)
    assert 0 < kept < BIG and os.path.exists(state_of(out, task)) and not os.path.exists(out)
    ctx.mock.config(slow_download_bytes_per_s=0)
    before = ctx.mock.stats()["download"]
    p = cli(ctx, "--verbose", "download", task, "-o", out)
    assert p.returncode == 0, err(p)
    dl = ctx.mock.stats()["download"]
    assert dl["ranges"][len(before["ranges"]):][0] == "bytes=%d-" % kept, dl["ranges"]
    assert dl["if_match"][len(before["if_match"]):][0] == served(ctx, task)["etag"], dl["if_match"]
    assert "resuming from byte %d" % kept in err(p) and "archive verified" in err(p), err(p)
    assert sha256_file(out) == served(ctx, task)["sha256"]
    check_zip(out)
    assert not os.path.exists(part) and not os.path.exists(state_of(out, task))


def test_a_forged_state_does_not_make_junk_an_archive(ctx):
    # Junk bytes with a state file that names the right object: the CRC-64 of
    # the bytes on disk, re-read, decides; the junk is never put in place.
    task = "done-forged"
    fresh(ctx, archive_size=200_000)
    out = out_path(ctx, "forged.zip")
    first = cli(ctx, "download", task, "-o", out_path(ctx, "forged-ref.zip"))
    assert first.returncode == 0, err(first)
    a = served(ctx, task)
    with open(part_of(out, task), "wb") as f:
        f.write(b"junk" * 10_000)
    with open(state_of(out, task), "w") as f:
        f.write("lkedoc-download 1 %d %s %s end\n" % (a["size"], a["crc64"], a["etag"]))
    os.chmod(part_of(out, task), 0o600)
    os.chmod(state_of(out, task), 0o600)
    p = cli(ctx, "download", task, "-o", out)
    assert p.returncode == 6 and "corrupted" in err(p), (p.returncode, err(p))
    assert not os.path.exists(out) and not os.path.exists(part_of(out, task))
    q = cli(ctx, "download", task, "-o", out)
    assert q.returncode == 0 and sha256_file(out) == a["sha256"], err(q)
    # A state whose ETag is no header value: the library refuses it, the
    # .part goes with it, and the next run starts over.
    os.unlink(out)
    with open(part_of(out, task), "wb") as f:
        f.write(b"junk" * 10_000)
    with open(state_of(out, task), "w") as f:
        f.write("lkedoc-download 1 %d %s \"e\x01\" end\n" % (a["size"], a["crc64"]))
    os.chmod(part_of(out, task), 0o600)
    os.chmod(state_of(out, task), 0o600)
    p = cli(ctx, "download", task, "-o", out)
    assert p.returncode == 1 and "unusable state file" in err(p), (p.returncode, err(p))
    assert not os.path.exists(part_of(out, task)) and not os.path.exists(state_of(out, task))
    q = cli(ctx, "download", task, "-o", out)
    assert q.returncode == 0 and sha256_file(out) == a["sha256"], err(q)


# ---- the host that failed is the one named ---------------------------------------------


def without_result_resolve(ctx, *extra):
    """The CLI's arguments with the result host's --resolve replaced by extra."""
    m = ctx.mock
    return [CLI, "--endpoint", f"{HOST}:{m.port}", "--resolve", f"{HOST}:{m.port}:127.0.0.1", "--result-host",
            DL_HOST, "--ca-file", m.ca_file, "--poll-interval", "0.05"] + list(extra)


def failed_download(ctx, args, name):
    fresh(ctx)
    out = out_path(ctx, name)
    p = subprocess.run(args + ["--job-timeout", "3", "download", "done-" + name, "-o", out], capture_output=True,
                       timeout=60, env=env())
    e = err(p)
    assert p.returncode in (4, 5), (p.returncode, e)
    assert HOST not in e, "the API host named for the result host's failure: " + e
    assert not os.path.exists(out)
    return e


def test_result_host_that_does_not_resolve_is_named(ctx):
    # No --resolve for the result host: its .test name resolves nowhere.
    e = failed_download(ctx, without_result_resolve(ctx), "nxdomain")
    assert f"lkedoc: host name did not resolve (result host {DL_HOST}, port {ctx.mock.download_port})" in e, e


def test_result_host_whose_port_refuses_is_named(ctx):
    # The mock listens on 127.0.0.1 only: 127.0.0.2 refuses the connection.
    dl = ctx.mock.download_port
    e = failed_download(ctx, without_result_resolve(ctx, "--resolve", f"{DL_HOST}:{dl}:127.0.0.2"), "refused")
    assert f"lkedoc: could not connect (result host {DL_HOST}, port {dl})" in e, e


def test_api_host_unreachable_is_named(ctx):
    import socket
    with socket.socket() as s:  # a port nothing listens on, once closed
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    p = subprocess.run([CLI, "--endpoint", f"{HOST}:{dead}", "--resolve", f"{HOST}:{dead}:127.0.0.1", "--ca-file",
                        ctx.mock.ca_file, "--timeout", "2", "status", "t1"], capture_output=True, timeout=60, env=env())
    assert p.returncode == 4, (p.returncode, err(p))
    assert f"lkedoc: could not connect (host {HOST}, port {dead})" in err(p), err(p)
