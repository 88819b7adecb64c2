#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The whole job with no system allocator, against the mock.

    tls_pool.py DRIVER              one line: "tls-pool peak=N" (make tls-pool)
    tls_pool.py DRIVER --verbose    also the driver's summary and the mock's counts
    tls_pool.py DRIVER --smallest   also the smallest pool (bytes, 8-byte steps)
                                    that still completes the job
    tls_pool.py DRIVER --boundary R also check that smallest pool: the job
                                    completes at it R times in a row, a pool
                                    1 or 8 bytes smaller completes or fails
                                    for memory before the task is created,
                                    and one 64 bytes smaller fails so

DRIVER is build/pool/nomalloc_job (tests/pool/nomalloc_job.c).  It runs one
job: create with the document as FileBase64, wait (polls), download of a
1 MB archive from the mock's storage host: two TLS connections, each offered
back its session later.  N is the static pool's high-water mark over it
(mbedTLS's maximum used, block headers included).  Exit status 0 only when
the job succeeded with no call to malloc/calloc/realloc/free and the archive
is the one the mock served.  tests/integration/test_nomalloc.py reuses
start_mock() and run_job().
"""
import hashlib
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "mock"))

from mockctl import Mock, SECRET_ID, SECRET_KEY  # noqa: E402

STATE = os.path.join(ROOT, "build", "pool", "mock-state")
SAMPLE = os.path.join(ROOT, "tests", "tools", "make_sample.py")
HOST = "lke.intl.tencentcloudapi.com"
DL_HOST = "mock.lkedoc.test"
ARCHIVE_SIZE = 1 << 20
SUMMARY = re.compile(r"^nomalloc: (.*)$", re.M)


def start_mock():
    """A mock serving 1 MB archives after two non-terminal polls."""
    mock = Mock(STATE, [])
    mock.start()
    try:
        mock.config(archive_size=ARCHIVE_SIZE, polls_to_success=2)
    except Exception:
        mock.stop()
        raise
    return mock


def make_document(tmp):
    path = os.path.join(tmp, "scan.pdf")
    subprocess.run([sys.executable, SAMPLE, path], check=True)
    return path


def run_job(driver, mock, tmp, *extra, timeout=60, address="127.0.0.1"):
    """Run the driver once, both hosts resolved to address; (process, summary
    dict or None, output path)."""
    doc = os.path.join(tmp, "scan.pdf")
    if not os.path.exists(doc):
        make_document(tmp)
    out = os.path.join(tmp, "result.zip")
    args = [driver, "--endpoint", f"{HOST}:{mock.port}",
            "--resolve", f"{HOST}:{mock.port}:{address}",
            "--resolve", f"{DL_HOST}:{mock.download_port}:{address}",
            "--result-host", DL_HOST,
            "--ca-file", mock.ca_file, "--file", doc, "--type", "PDF", "--out", out] + list(extra)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C",
           "TENCENTCLOUD_SECRET_ID": SECRET_ID, "TENCENTCLOUD_SECRET_KEY": SECRET_KEY}
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env)
    m = SUMMARY.findall(proc.stdout)
    summary = None
    if m:
        summary = dict(kv.split("=", 1) for kv in m[-1].split())
    return proc, summary, out


def served_sha256(mock):
    """sha256 of every archive the mock served since its last reset."""
    return {a["sha256"] for a in mock.stats()["download"]["archives"].values()}


def check_job(mock, proc, summary, out):
    """Raise unless the run was a clean whole job; the summary."""
    why = f"exit {proc.returncode}\n{proc.stdout}{proc.stderr}"
    if summary is None or proc.returncode != 0 or summary.get("status") != "ok":
        raise RuntimeError("job failed: " + why)
    for k in ("malloc", "calloc", "realloc", "free", "other"):
        if summary[k] != "0":
            raise RuntimeError(f"{k}={summary[k]} while armed: " + why)
    with open(out, "rb") as f:
        data = f.read()
    digest = hashlib.sha256(data).hexdigest()
    if len(data) != ARCHIVE_SIZE or int(summary["bytes"]) != ARCHIVE_SIZE or summary["sha256"] != digest:
        raise RuntimeError(f"archive: {len(data)} bytes, sha256 {digest}: " + why)
    if digest not in served_sha256(mock):
        raise RuntimeError("the archive is not one the mock served: " + why)
    return summary


def smallest_pool(driver, mock, tmp, hi):
    """The smallest pool (multiple of 8) that completes the job, knowing hi does."""
    lo = 1024  # fails: not even the record buffers fit
    while hi - lo > 8:
        mid = (lo + hi) // 2 // 8 * 8
        proc, summary, _ = run_job(driver, mock, tmp, "--pool", str(mid))
        if proc.returncode == 0 and summary and summary["status"] == "ok":
            hi = mid
        else:
            lo = mid
    return hi


STEP = re.compile(r"^nomalloc_job: (.*?) failed: ", re.M)
# How far the need moves from one run to the next against the same mock:
# each handshake's ECDSA signatures and key shares differ by a few bytes.
JITTER = 64


def early_memory_failure(mock, pool, before, proc, summary):
    """Raise RuntimeError unless the run failed for memory before the task was
    created (at init, the CA, or the create call, with no request sent)."""
    why = f"pool {pool}: exit {proc.returncode}\n{proc.stdout}{proc.stderr}"
    step = STEP.findall(proc.stderr)
    if proc.returncode == 0 or summary is None or summary["status"] != "no-memory" or not step:
        raise RuntimeError("not a memory failure: " + why)
    if step[-1] not in ("client init", "add CA", "create") or mock.stats()["requests"] != before:
        raise RuntimeError("failed after the task was created: " + why)
    return step[-1]


def boundary(driver, mock, tmp, hi, runs):
    """The smallest pool that completes the job every time, checked as
    --boundary says; raise RuntimeError otherwise.  A pool near it either
    completes the job or fails for memory before the task exists, never
    later (the first handshake needs the most); JITTER bytes below it always
    fails that way.  (smallest, {pool below: step it failed at or "ok"})."""
    smallest = found = smallest_pool(driver, mock, tmp, hi)
    done = 0
    while done < runs:
        before = mock.stats()["requests"]
        proc, summary, out = run_job(driver, mock, tmp, "--pool", str(smallest))
        if proc.returncode == 0:
            check_job(mock, proc, summary, out)
            done += 1
            continue
        early_memory_failure(mock, smallest, before, proc, summary)
        smallest += 8  # the search met a lucky run: the need is a little higher
        done = 0
        if smallest > found + JITTER:
            raise RuntimeError(f"no pool up to {smallest} completes the job {runs} times")
    below = {}
    for pool in (smallest - 1, smallest - 8, smallest - JITTER):
        before = mock.stats()["requests"]
        proc, summary, out = run_job(driver, mock, tmp, "--pool", str(pool))
        if proc.returncode == 0 and pool != smallest - JITTER:
            check_job(mock, proc, summary, out)
            below[pool] = "ok"
        else:
            below[pool] = early_memory_failure(mock, pool, before, proc, summary)
    return smallest, below


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    driver = os.path.abspath(argv[1])
    verbose = "--verbose" in argv
    mock = start_mock()
    tmp = tempfile.mkdtemp(prefix="lkedoc-pool-")
    try:
        make_document(tmp)
        proc, summary, out = run_job(driver, mock, tmp)
        try:
            summary = check_job(mock, proc, summary, out)
        except RuntimeError as e:
            print(f"tls-pool: {e}", file=sys.stderr)
            return 1
        if verbose:
            print("nomalloc: " + SUMMARY.findall(proc.stdout)[-1])
            st = mock.stats()
            print(f"mock: api handshakes={st['handshakes']} requests={st['requests']} "
                  f"download handshakes={st['download']['handshakes']} gets={st['download']['gets']}")
        print(f"tls-pool peak={summary['pool-peak']}")
        if "--smallest" in argv:
            print(f"tls-pool smallest={smallest_pool(driver, mock, tmp, int(summary['pool-size']))}")
        if "--boundary" in argv:
            runs = int(argv[argv.index("--boundary") + 1])
            try:
                smallest, below = boundary(driver, mock, tmp, int(summary["pool-size"]), runs)
            except RuntimeError as e:
                print(f"tls-pool: {e}", file=sys.stderr)
                return 1
            print(f"tls-pool smallest={smallest} completed={runs}/{runs} " +
                  " ".join(f"pool={p}:" + (step if step == "ok" else f"no-memory@{step}")
                           for p, step in sorted(below.items())))
        return 0
    finally:
        mock.stop()
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
