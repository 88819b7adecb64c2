#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make bench: lkedoc side by side with what users would otherwise use (the official Node.js SDK,
curl), on this machine, in one run, against the same local mock (tests/mock).

Prints one line per figure on stdout,
    bench NAME lkedoc=VALUE PEER=VALUE ratio=LKEDOC/PEER
(progress goes to stderr) and writes bench/RESULTS.md: the table, the machine, how each figure was
measured, every repetition and how noisy the run was.

Needs what `make bench` builds first: build/lkedoc, build/bench/bench_{poll,download,sign,gcm,rss},
the other TLS generation's DIR/bench/bench_{download,gcm} (--tls-build DIR), and
tests/sdk/node_modules (tests/sdk/install.sh).  Options: --quick (fewer repetitions, for a
smoke run), --out PATH (default bench/RESULTS.md), --tls-build DIR (repeatable).  perf
(linux-perf) splits a download's time; without it that table says "?".
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(ROOT, "tests", "mock"))
sys.path.insert(0, os.path.join(ROOT, "tests", "bench"))
from mockctl import Mock, SECRET_ID, SECRET_KEY  # noqa: E402
from wireproxy import CountingProxy  # noqa: E402

BUILD = os.path.join(ROOT, "build")
BIN = os.path.join(BUILD, "bench")
CLI = os.path.join(BUILD, "lkedoc")
SDK_JS = os.path.join(ROOT, "tests", "bench", "bench_sdk.js")
SDK_DIR = os.path.join(ROOT, "tests", "sdk", "node_modules", "tencentcloud-sdk-nodejs-intl-en")
STATE = os.path.join(BUILD, "bench-state")
API_HOST = "lke.intl.tencentcloudapi.com"
DL_HOST = "mock.lkedoc.test"
NEVER = 10 ** 9            # polls_to_success: the task stays Processing

JOB_ARCHIVE = 1 << 20      # rss-job: 1 MiB result archive
SCAN_PAD = 256 * 1024      # rss-job: the uploaded scan, a one-page PDF padded to ~256 KiB
BIG_ARCHIVE = 64 << 20     # download-throughput: 64 MiB
POLL_MS = 200              # rss-job: first pause between polls (both clients)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(cmd, env=None, timeout=300, check=True):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError("%s exited %d:\n%s%s" % (" ".join(cmd[:4]), p.returncode, p.stdout[-2000:],
                                                    p.stderr[-2000:]))
    return p


def last_json(text):
    for line in reversed(text.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("no JSON in output: %r" % text[-500:])


def median(xs):
    return statistics.median(xs)


def spread(xs):
    """(max - min) / median, in percent."""
    m = median(xs)
    return 100.0 * (max(xs) - min(xs)) / m if m else 0.0


def fmt(v, digits=None):
    if isinstance(v, int):
        return str(v)
    if digits is not None:
        return "%.*f" % (digits, v)
    if v == int(v) and abs(v) >= 100:
        return str(int(v))
    return "%.3g" % v if abs(v) < 100 else "%.0f" % v


class Bench:
    def __init__(self, quick, tls_builds):
        self.quick = quick
        # The TLS generations the download and decrypt figures are measured with: this build's and the others'.
        self.generations = [{"bin": BIN}] + [{"bin": os.path.join(os.path.abspath(d), "bench")} for d in tls_builds]
        self.figures = []           # dicts: name, lkedoc, peer, peer_value, ratio, unit, target, met, ...
        self.notes = {}             # name -> list of markdown lines
        self.retries = []           # measurement runs repeated after a failure
        self.mock = None
        self.base_env = dict(os.environ, TENCENTCLOUD_SECRET_ID=SECRET_ID, TENCENTCLOUD_SECRET_KEY=SECRET_KEY)
        self.base_env.pop("http_proxy", None)
        self.base_env.pop("https_proxy", None)

    # ---- helpers -------------------------------------------------------------------------
    def node_env(self, port):
        return dict(self.base_env, MOCK_PORT=str(port), NODE_EXTRA_CA_CERTS=self.mock.ca_file)

    def cli(self, *args, port=None):
        m = self.mock
        port = port or m.port
        return [CLI, "--endpoint", "%s:%d" % (API_HOST, port), "--resolve", "%s:%d:127.0.0.1" % (API_HOST, port),
                "--resolve", "%s:%d:127.0.0.1" % (DL_HOST, m.download_port), "--result-host", DL_HOST,
                "--ca-file", m.ca_file] + list(args)

    def attempt(self, what, fn):
        """Run one measurement; a failure is retried once and noted in RESULTS.md."""
        try:
            return fn()
        except (RuntimeError, subprocess.TimeoutExpired, ValueError) as e:
            self.retries.append("%s: %s" % (what, str(e).strip().splitlines()[-1] if str(e).strip() else e))
            log("  %s failed, repeated once: %s" % (what, e))
            return fn()

    def rss(self, cmd, env):
        with tempfile.NamedTemporaryFile("r", suffix=".json", dir=STATE, delete=False) as f:
            out = f.name
        try:
            p = run([os.path.join(BIN, "bench_rss"), out] + cmd, env=env)
            with open(out) as f:
                r = json.load(f)
            r["stdout"] = p.stdout
            r["stderr"] = p.stderr
            return r
        finally:
            os.unlink(out)

    def add(self, name, lkedoc, peer, peer_value, unit, target, met, ratio=None, digits=None):
        if ratio is None:
            ratio = lkedoc / peer_value if peer_value else float("inf")
        fig = dict(name=name, lkedoc=lkedoc, peer=peer, peer_value=peer_value, ratio=ratio, unit=unit,
                   target=target, met=met, digits=digits)
        self.figures.append(fig)
        line = "bench %s lkedoc=%s %s=%s ratio=%s" % (name, fmt(lkedoc, digits), peer, fmt(peer_value, digits),
                                                      "%.3f" % ratio)
        print(line, flush=True)
        fig["line"] = line

    # ---- rss-job -------------------------------------------------------------------------
    def rss_job(self, reps):
        log("rss-job: %d x (lkedoc parse, SDK job), interleaved" % reps)
        m = self.mock
        scan = os.path.join(STATE, "scan.pdf")
        run([sys.executable, os.path.join(ROOT, "tests", "tools", "make_sample.py"), scan, "--pad", str(SCAN_PAD)])
        scan_size = os.path.getsize(scan)
        m.reset()
        m.config(archive_size=JOB_ARCHIVE)
        lk, nd = [], []
        for i in range(reps):
            out = os.path.join(STATE, "job-lkedoc.zip")

            def one_lkedoc():
                if os.path.exists(out):
                    os.unlink(out)
                r = self.rss(self.cli("--poll-interval", "%g" % (POLL_MS / 1000.0), "parse", scan, "-o", out),
                             self.base_env)
                check_zip(out, JOB_ARCHIVE)
                return r
            lk.append(self.attempt("rss-job lkedoc run %d" % (i + 1), one_lkedoc))
            out2 = os.path.join(STATE, "job-sdk.zip")

            def one_sdk():
                if os.path.exists(out2):
                    os.unlink(out2)
                r = self.rss(["node", SDK_JS, "job", scan, out2, str(POLL_MS)], self.node_env(m.port))
                check_zip(out2, JOB_ARCHIVE)
                r["job"] = last_json(r["stdout"])
                return r
            nd.append(self.attempt("rss-job sdk run %d" % (i + 1), one_sdk))
        st = m.stats()
        l_rss = [r["maxrss_kib"] for r in lk]
        n_rss = [r["maxrss_kib"] for r in nd]
        lv, nv = median(l_rss), median(n_rss)
        ratio = lv / nv
        self.add("rss-job", lv, "node-sdk", nv, "KiB", "ratio <= 0.1", ratio <= 0.1, digits=0)
        cpu = lambda r: (r["user_s"] + r["sys_s"]) * 1000.0  # noqa: E731
        self.notes["rss-job"] = [
            "A whole job, as one process each: create (the %d-byte one-page PDF `make_sample.py --pad %d` "
            "sent as FileBase64), wait (mock `polls_to_success` 2: three polls, first pause %d ms growing "
            "1.5x in both), download the %d-byte archive to a file. Peak RSS is `ru_maxrss` from `wait4` "
            "in `build/bench/bench_rss`, a small C launcher (forked from Python, a child would inherit the "
            "interpreter's RSS as its floor)." % (scan_size, SCAN_PAD, POLL_MS, JOB_ARCHIVE),
            "",
            "- lkedoc: `build/lkedoc parse scan.pdf -o out.zip` (the CLI, its one static client).",
            "- Node SDK %s on Node %s: `tests/bench/bench_sdk.js job` - `CreateReconstructDocumentFlow` "
            "and `GetReconstructDocumentResult` through the SDK client (TC3-HMAC-SHA256), the archive "
            "through Node's `https.get` piped to a file." % (self.sdk_version, self.node_version),
            "",
            "| run | lkedoc KiB | Node SDK KiB | lkedoc CPU ms | Node CPU ms | lkedoc wall ms | Node wall ms |",
            "|---|---|---|---|---|---|---|",
        ]
        for i, (a, b) in enumerate(zip(lk, nd)):
            self.notes["rss-job"].append("| %d | %d | %d | %.1f | %.1f | %.0f | %.0f |" % (
                i + 1, a["maxrss_kib"], b["maxrss_kib"], cpu(a), cpu(b), a["wall_s"] * 1000, b["wall_s"] * 1000))
        self.notes["rss-job"] += [
            "",
            "Medians: lkedoc %d KiB (min %d, max %d), Node SDK %d KiB (min %d, max %d); whole-job CPU "
            "(user+sys) lkedoc %.1f ms, Node SDK %.1f ms. The mock saw %d API requests and %d archive GETs." % (
                lv, min(l_rss), max(l_rss), nv, min(n_rss), max(n_rss), median([cpu(r) for r in lk]),
                median([cpu(r) for r in nd]), st["requests"], st["download"]["gets"]),
        ]
        self.ranges.append(("rss-job", l_rss, n_rss, lambda r: r <= 0.1))
        self.noise.append(("rss-job lkedoc peak RSS", l_rss, "KiB"))
        self.noise.append(("rss-job Node SDK peak RSS", n_rss, "KiB"))

    # ---- cpu-per-poll --------------------------------------------------------------------
    def cpu_per_poll(self, runs, warmup=20, calls=200):
        log("cpu-per-poll: %d x (lkedoc, SDK) x %d calls after %d warm-up calls, interleaved" % (runs, calls, warmup))
        m = self.mock
        lk, nd = [], []
        lk_all, nd_all = [], []
        hs = {"lkedoc": [], "sdk": []}
        for i in range(runs):
            m.reset()
            m.config(polls_to_success=NEVER)

            def one_lkedoc():
                p = run([os.path.join(BIN, "bench_poll"), str(m.port), m.ca_file, "cpu-lkedoc-%d" % i, str(warmup),
                         str(calls)], env=self.base_env)
                return last_json(p.stdout)
            before = m.stats()["handshakes"]
            d = self.attempt("cpu-per-poll lkedoc run %d" % (i + 1), one_lkedoc)
            if d["retries"] or d["requests_sent"] != warmup + calls:
                self.retries.append("cpu-per-poll lkedoc run %d: %d requests, %d retried inside the client" % (
                    i + 1, d["requests_sent"], d["retries"]))
            hs["lkedoc"].append(m.stats()["handshakes"] - before)
            lk.append(median(d["cpu_ns"]) / 1000.0)
            lk_all += d["cpu_ns"]

            def one_sdk():
                p = run(["node", SDK_JS, "polls", "cpu-sdk-%d" % i, str(warmup), str(calls), "keepalive"],
                        env=self.node_env(m.port))
                return last_json(p.stdout)
            before = m.stats()["handshakes"]
            d = self.attempt("cpu-per-poll sdk run %d" % (i + 1), one_sdk)
            hs["sdk"].append(m.stats()["handshakes"] - before)
            nd.append(median(d["cpu_ns"]) / 1000.0)
            nd_all += d["cpu_ns"]
        lv, nv = median(lk), median(nd)
        self.add("cpu-per-poll", lv, "node-sdk", nv, "us", "ratio <= 0.2", lv / nv <= 0.2, digits=1)
        pct = lambda xs, q: sorted(xs)[int(q * (len(xs) - 1))] / 1000.0  # noqa: E731
        self.notes["cpu-per-poll"] = [
            "CPU time (user + system of the whole process) of one `GetReconstructDocumentResult` of a task "
            "that stays `Processing`, on a kept-alive TLS connection: %d warm-up calls (the first makes the "
            "connection), then %d timed calls; the figure is the median over the %d calls of a run, and the "
            "table's value the median of the %d runs' medians." % (warmup, calls, calls, runs),
            "",
            "- lkedoc: `build/bench/bench_poll` (`tests/bench/bench_poll.c`, linked with `build/liblkedoc.a`): "
            "`lkd_get_result` timed with `clock_gettime(CLOCK_PROCESS_CPUTIME_ID)`.",
            "- Node SDK: `bench_sdk.js polls ... keepalive`: the SDK's `GetReconstructDocumentResult` timed "
            "with `process.cpuUsage()` (getrusage of the process: V8's JIT and GC threads count), "
            "`https.globalAgent = new https.Agent({keepAlive: true})` (the SDK passes no agent of its own).",
            "",
            "| run | lkedoc median us | Node SDK median us | handshakes lkedoc / Node (mock) |",
            "|---|---|---|---|",
        ]
        for i in range(runs):
            self.notes["cpu-per-poll"].append("| %d | %.1f | %.1f | %d / %d |" % (
                i + 1, lk[i], nd[i], hs["lkedoc"][i], hs["sdk"][i]))
        self.notes["cpu-per-poll"] += [
            "",
            "All %d calls of each side pooled: lkedoc p10 %.1f / median %.1f / p90 %.1f us; Node SDK p10 %.1f / "
            "median %.1f / p90 %.1f us." % (calls * runs, pct(lk_all, 0.1), pct(lk_all, 0.5), pct(lk_all, 0.9),
                                             pct(nd_all, 0.1), pct(nd_all, 0.5), pct(nd_all, 0.9)),
        ]
        self.ranges.append(("cpu-per-poll", lk, nd, lambda r: r <= 0.2))
        self.noise.append(("cpu-per-poll lkedoc run medians", lk, "us"))
        self.noise.append(("cpu-per-poll Node SDK run medians", nd, "us"))

    # ---- sign-instructions ---------------------------------------------------------------
    def callgrind(self, mode, toggle, k, task):
        out = os.path.join(STATE, "callgrind.%s.%s.out" % (mode, toggle))
        env = dict(self.base_env, LD_BIND_NOW="1")
        p = run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, "--toggle-collect=" + toggle,
                 os.path.join(BIN, "bench_sign"), mode, str(k), task], env=env)
        total = callgrind_total(out)
        os.unlink(out)
        return total, last_json(p.stdout)

    def sign_instructions(self, k=20):
        log("sign-instructions: callgrind, %d signatures" % k)
        task = "bench-poll-task"
        sign_total, info = self.callgrind("sign", "bench_sign_once", k, task)
        floor_total, _ = self.callgrind("floor", "mbedtls_internal_sha256_process", k, task)
        sign_sha_total, _ = self.callgrind("sign", "mbedtls_internal_sha256_process", k, task)
        req_total, _ = self.callgrind("request", "bench_request_once", k, task)
        # Twice, to show the count is exact.
        sign_total2, _ = self.callgrind("sign", "bench_sign_once", k, task)
        if sign_total2 != sign_total:
            self.retries.append("sign-instructions: two callgrind runs differ (%d, %d)" % (sign_total, sign_total2))
        blocks = info["total_blocks"]
        lv = sign_total / k
        fv = floor_total / k
        per_block = fv / blocks
        lk_blocks = sign_sha_total / k / per_block
        ratio = lv / fv
        self.add("sign-instructions", int(round(lv)), "floor", int(round(fv)), "instructions", "ratio <= 1.5",
                 ratio <= 1.5)
        b = info["blocks"]
        self.notes["sign-instructions"] = [
            "Instructions (%s, callgrind `--toggle-collect`, `LD_BIND_NOW=1` so no lazy symbol binding is "
            "counted) to sign one `GetReconstructDocumentResult` request for the lke host, body `%s` "
            "(%d bytes), averaged over %d signatures (the count is the same every time)." % (
                self.versions.get("valgrind", "?"), '{"TaskId":"%s"}' % task, info["body_len"], k),
            "",
            "- lkedoc: `bench_sign_once` in `tests/bench/bench_sign.c`: the body's SHA-256 (`lkd_sign_sha256`) and "
            "`lkd_sign_tc3`, exactly what `lkd_request_write` does to sign; %d instructions." % round(lv),
            "- floor: the SHA-256 compressions TC3-HMAC-SHA256 cannot avoid for that request, counted from "
            "the message lengths with SHA-256 padding (n bytes take ceil((n+9)/64) blocks): payload %d, "
            "canonical request (%d bytes) %d, kDate = HMAC(\"TC3\"+key, date) %d, kService %d, kSigning %d, "
            "Signature = HMAC(kSigning, StringToSign of %d bytes) %d; each HMAC is a key block plus message "
            "for the inner hash, a key block plus the 32-byte digest for the outer: %d blocks. Measured as "
            "the instructions inside `mbedtls_internal_sha256_process` (the build's libmbedcrypto) for that "
            "many blocks: %.0f per block, %d in all." % (
                b["payload"], info["canonical_len"], b["canonical_request"], b["hmac_date"], b["hmac_service"],
                b["hmac_tc3_request"], info["string_to_sign_len"], b["hmac_signature"], blocks, per_block,
                round(fv)),
            "- Check: inside lkedoc's signing, `mbedtls_internal_sha256_process` ran %.2f blocks' worth of "
            "instructions per signature (the floor counts %d)%s; the other %d instructions (%.1f%%) are the "
            "hashing around the compressions (update/finish calls, padding, the canonical request fed in "
            "32-byte lower-cased pieces), hex and the header text." % (
                lk_blocks, blocks,
                ": lkedoc compresses no block more than the floor" if abs(lk_blocks - blocks) < 0.01 else
                ": **lkedoc compresses %+.2f blocks more than the floor**" % (lk_blocks - blocks),
                round(lv - sign_sha_total / k), 100.0 * (lv - sign_sha_total / k) / lv),
            "- For scale: the whole `lkd_request_write` of that request (every header, body hash, "
            "signature) is %d instructions." % round(req_total / k),
            "- The floor is per request as TC3 is specified. A client that kept the derived "
            "kSigning for the day (it changes only with the date) would skip the first three HMACs: "
            "%d blocks instead of %d. lkedoc derives it at every request." % (
                blocks - b["hmac_date"] - b["hmac_service"] - b["hmac_tc3_request"], blocks),
        ]
        self.sign_blocks_check = (lk_blocks, blocks)

    # ---- handshakes-100-polls ------------------------------------------------------------
    def handshakes(self):
        log("handshakes-100-polls")
        m = self.mock
        m.reset()
        m.config(polls_to_success=NEVER)

        def lk_run():
            b = m.stats()
            run(self.cli("status", *(["hs-lkedoc"] * 100)), env=self.base_env)
            a = m.stats()
            return {k: a[k] - b[k] for k in ("handshakes", "resumed", "connections", "requests")}

        def sdk_run(mode, task):
            def f():
                b = m.stats()
                d = last_json(run(["node", SDK_JS, "polls", task, "0", "100", mode], env=self.node_env(m.port)).stdout)
                a = m.stats()
                r = {k: a[k] - b[k] for k in ("handshakes", "resumed", "connections", "requests")}
                r["keep_alive_default"] = d["global_agent_keep_alive"]
                return r
            return f
        lk = self.attempt("handshakes lkedoc", lk_run)
        sh = self.attempt("handshakes sdk shipped", sdk_run("shipped", "hs-sdk"))
        ka = self.attempt("handshakes sdk keepalive", sdk_run("keepalive", "hs-sdk-ka"))
        nk = self.attempt("handshakes sdk nokeepalive", sdk_run("nokeepalive", "hs-sdk-nk"))
        for who, r in (("lkedoc", lk), ("sdk", sh), ("sdk keepalive", ka), ("sdk nokeepalive", nk)):
            if r["requests"] != 100:
                raise RuntimeError("handshakes: %s made %d requests, not 100" % (who, r["requests"]))
        self.add("handshakes-100-polls", lk["handshakes"], "node-sdk", sh["handshakes"], "handshakes",
                 "lkedoc = 1", lk["handshakes"] == 1, digits=0)
        self.notes["handshakes-100-polls"] = [
            "100 `GetReconstructDocumentResult` calls of one task, handshakes counted by the mock's API "
            "listener (`/stats`: handshakes, resumed, connections, requests), not by the clients.",
            "",
            "| client | requests | TCP connections | TLS handshakes | of which resumed |",
            "|---|---|---|---|---|",
            "| lkedoc `status TASK` x 100 (one CLI run) | %d | %d | %d | %d |" % (
                lk["requests"], lk["connections"], lk["handshakes"], lk["resumed"]),
            "| Node SDK as installed (no agent: Node %s's `https.globalAgent`, keepAlive %s) | %d | %d | %d | %d |" % (
                self.node_version, "on" if sh["keep_alive_default"] else "off", sh["requests"], sh["connections"],
                sh["handshakes"], sh["resumed"]),
            "| Node SDK, `new https.Agent({keepAlive: true})` | %d | %d | %d | %d |" % (
                ka["requests"], ka["connections"], ka["handshakes"], ka["resumed"]),
            "| Node SDK, `new https.Agent()` (keepAlive off: the default agent of Node 18 and earlier) "
            "| %d | %d | %d | %d |" % (nk["requests"], nk["connections"], nk["handshakes"], nk["resumed"]),
            "",
            "The SDK itself never asks for keep-alive: it passes no agent to node-fetch, so it gets the Node "
            "runtime's default agent. Node 19 and later keep connections alive by default; on Node 18 "
            "(Debian 12's own `nodejs` package) the last row is what the SDK does.",
        ]

    # ---- download-throughput -------------------------------------------------------------
    def fresh_url(self, task):
        p = run(self.cli("--json", "status", task), env=self.base_env)
        url = json.loads(p.stdout.splitlines()[0])["DocumentRecognizeResultUrl"]
        if not url:
            raise RuntimeError("no URL for %s" % task)
        return url

    def curl(self, url, verbose=False):
        m = self.mock
        cmd = ["curl", "-sS", "--fail", "--http1.1", "--cacert", m.ca_file, "--resolve",
               "%s:%d:127.0.0.1" % (DL_HOST, m.download_port), "-o", "/dev/null", "-w",
               "%{size_download} %{time_total} %{time_appconnect}\\n", url]
        if verbose:
            cmd.insert(1, "-v")
        m0 = proc_cpu_s(m.proc.pid)
        r = self.rss(cmd, self.base_env)
        mock_cpu = proc_cpu_s(m.proc.pid) - m0
        size, total, appconnect = r["stdout"].split()
        return {"bytes": int(size), "wall_s": float(total), "appconnect_s": float(appconnect),
                "stderr": r["stderr"], "cpu_s": r["user_s"] + r["sys_s"], "process_wall_s": r["wall_s"],
                "mock_cpu_s": mock_cpu}

    def gcm_ceiling(self, gen, cipher, runs=3):
        """gen's mbedTLS decrypting 16 KiB records of cipher in memory (bench_gcm), MB/s per run."""
        arg = {"AES-128-GCM": "128", "AES-256-GCM": "256", "CHACHA20-POLY1305": "chacha"}[cipher]
        rates = []
        for _ in range(runs):
            d = last_json(run([os.path.join(gen["bin"], "bench_gcm"), arg, "256"]).stdout)
            gen["version"] = d["mbedtls"]
            rates.append(d["bytes"] / (d["cpu_ns"] / 1e9) / 1e6)
        return rates

    def time_split(self, gen, task):
        """Where one 64 MiB download's CPU time goes (perf, cpu-clock samples): {category: percent},
        or None when perf cannot sample here."""
        m = self.mock
        data = os.path.join(STATE, "perf.download.data")
        try:
            run(["perf", "record", "-q", "-e", "cpu-clock", "-F", "4000", "-o", data, "--",
                 os.path.join(gen["bin"], "bench_download"), str(m.port), str(m.download_port), m.ca_file, task],
                env=self.base_env)
            rep = run(["perf", "report", "-i", data, "--stdio", "--no-children", "--sort", "dso,sym"],
                      env=self.base_env).stdout
        except (RuntimeError, OSError):
            return None
        finally:
            if os.path.exists(data):
                os.unlink(data)
        split, top = {}, []
        for line in rep.splitlines():
            mt = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(\S+)", line)
            if mt:
                cat = split_category(mt.group(2), mt.group(3), mt.group(4))
                split[cat] = split.get(cat, 0.0) + float(mt.group(1))
                top.append((float(mt.group(1)), mt.group(4)))
        gen["top"] = sorted(top, reverse=True)[:4]
        return split or None

    def download_throughput(self, reps):
        gens = self.generations
        log("download-throughput: %d x (%s, curl) of a %d-byte archive, interleaved" % (
            reps, ", ".join("lkedoc on " + g["bin"] for g in gens), BIG_ARCHIVE))
        m = self.mock
        m.reset()
        m.config(archive_size=BIG_ARCHIVE)
        task = "done-bench-download"

        def lk_run(gen):
            p = run([os.path.join(gen["bin"], "bench_download"), str(m.port), str(m.download_port), m.ca_file,
                     task], env=self.base_env)
            d = last_json(p.stdout)
            if d["bytes"] != BIG_ARCHIVE:
                raise RuntimeError("lkedoc downloaded %d bytes" % d["bytes"])
            return d

        def curl_run(verbose=False):
            d = self.curl(self.fresh_url(task), verbose)
            if d["bytes"] != BIG_ARCHIVE:
                raise RuntimeError("curl downloaded %d bytes" % d["bytes"])
            return d
        # Warm-up: the mock builds and caches the archive on the first GET.
        for g in gens:
            g["first"] = lk_run(g)
            g["runs"] = []
        cv = curl_run(verbose=True)
        curl_tls = "?"
        mt = re.search(r"SSL connection using (\S+) / (\S+)", cv["stderr"])
        if mt:
            curl_tls = "%s %s" % (mt.group(1), mt.group(2))
        cu = []
        for i in range(reps):
            for g in gens:
                g["runs"].append(self.attempt("download lkedoc (%s) run %d" % (g["bin"], i + 1),
                                              lambda g=g: lk_run(g)))
            cu.append(self.attempt("download curl run %d" % (i + 1), curl_run))
        mbps = lambda n, s: n / s / 1e6  # noqa: E731
        c_rates = [mbps(d["bytes"], d["wall_s"]) for d in cu]
        cv_ = median(c_rates)
        for g in gens:
            g["rates"] = [mbps(d["bytes"], d["wall_ns"] / 1e9) for d in g["runs"]]
            g["cipher"] = suite_cipher(g["first"]["suite"])
            g["gcm"] = self.gcm_ceiling(g, g["cipher"])
            g["cpu_share"] = median([d["cpu_ns"] / d["wall_ns"] for d in g["runs"]]) * 100
            g["split"] = self.time_split(g, task)
        # Generations in version order; each named by its major.minor.
        gens.sort(key=lambda g: [int(x) for x in g["version"].split(".")])
        for g in gens:
            g["short"] = ".".join(g["version"].split(".")[:2])
        self.versions["mbedtls measured"] = ", ".join(
            "%s (`%s`)" % (g["version"], os.path.relpath(g["bin"], ROOT)) for g in gens)
        for g in gens:
            lv = median(g["rates"])
            self.add("download-throughput-%s" % g["short"], lv, "curl", cv_, "MB/s", "ratio >= 0.9",
                     lv / cv_ >= 0.9, digits=1)
        ossl = {}
        for g in gens:
            if g["cipher"] not in ossl:
                ossl[g["cipher"]] = [self.openssl_rate(g["cipher"]) for _ in range(3)]
            o = ossl[g["cipher"]]
            ov = median(o) if None not in o else float("nan")
            self.add("decrypt-ceiling-%s" % g["short"], median(g["gcm"]), "openssl", ov, "MB/s", "(report)", None,
                     digits=1)
        curl_cpu_share = 100.0 * sum(d["cpu_s"] for d in cu) / sum(d["process_wall_s"] for d in cu)
        mock_cpu_share = 100.0 * sum(d["mock_cpu_s"] for d in cu) / sum(d["process_wall_s"] for d in cu)
        first, names = gens[0], " and ".join("`download-throughput-%s`" % g["short"] for g in gens)
        notes = [
            "One GET of a %d-byte (64 MiB) archive from the mock's storage listener over TLS on loopback, "
            "timed from connect to the last byte (TCP connect and TLS handshake included, both sides), "
            "MB = 10^6 bytes, with each TLS generation lkedoc builds with. A fresh presigned URL is fetched "
            "before each run (not timed). One untimed run of each first (the mock builds and caches the "
            "archive); then the runs of %s and curl are interleaved." % (BIG_ARCHIVE, names),
            "",
        ]
        for g in gens:
            notes.append("- lkedoc on mbedTLS %s: `%s/bench_download`: `lkd_download_result` with the URL in hand "
                         "and a sink that only counts bytes; the client's fixed buffers (`LKD_REQUEST_BUFFER_SIZE` "
                         "%s bytes receive buffer). Negotiated: %s %s." % (
                             g["version"], os.path.relpath(g["bin"], ROOT),
                             self.config_value("LKD_REQUEST_BUFFER_SIZE"), g["first"]["tls"], g["first"]["suite"]))
        notes += [
            "- curl: `curl --http1.1 --cacert ca.pem --resolve ... -o /dev/null -w '%%{time_total}'` "
            "(%s). Negotiated: %s." % (self.versions.get("curl", "?"), curl_tls),
            "",
            "| run | %s | curl MB/s |" % " | ".join("lkedoc %s MB/s" % g["version"] for g in gens),
            "|---|%s---|" % ("---|" * len(gens)),
        ]
        for i in range(reps):
            notes.append("| %d | %s | %.1f |" % (i + 1, " | ".join("%.1f" % g["rates"][i] for g in gens),
                                                 c_rates[i]))
        cats = []
        for g in gens:
            for c in sorted((g["split"] or {}), key=lambda c: -g["split"][c]):
                if c not in cats:
                    cats.append(c)
        notes += [
            "",
            "What limits lkedoc's download: its own CPU, and in it the TLS library's record decryption. "
            "lkedoc's process was on the CPU %s of the download's wall time (the rest: waiting for the mock, "
            "which shares the 2 cores). Where the time of one 64 MiB download goes (`perf record -e cpu-clock` "
            "over the whole `bench_download` process, its handshakes included; percent of the samples):" % (
                " and ".join("%.0f%% (%s)" % (g["cpu_share"], g["version"]) for g in gens)),
            "",
            "| where | %s |" % " | ".join("mbedTLS %s" % g["version"] for g in gens),
            "|---|%s" % ("---|" * len(gens)),
        ]
        for c in cats:
            notes.append("| %s | %s |" % (c, " | ".join(
                ("%.1f%%" % g["split"].get(c, 0.0)) if g["split"] else "?" for g in gens)))
        notes += ["", "The hottest functions: %s." % "; ".join(
            "mbedTLS %s: %s" % (g["version"], ", ".join("`%s` %.1f%%" % (f, pct) for pct, f in g.get("top", [])) or "?")
            for g in gens)]
        notes += [
            "",
            "curl is not bound the same way: its process was on the CPU %.0f%% of its wall time (start-up "
            "included) and the mock (Python, sharing this machine's %d cores) %.0f%% of a core over curl's "
            "downloads." % (curl_cpu_share, len(os.sched_getaffinity(0)), mock_cpu_share),
        ]
        self.notes["download-throughput-%s" % first["short"]] = notes
        for g in gens[1:]:
            self.notes["download-throughput-%s" % g["short"]] = [
                "Measured in the same run as `download-throughput-%s`, interleaved with it: see there." %
                first["short"]]
        notes = [
            "The TLS library's own ceiling on this machine: %s, how each generation's download decrypts its "
            "records (the suite it negotiated with the mock), over 16 KiB records with no network and no TLS "
            "state machine, CPU time, median of 3 (`<build>/bench/bench_gcm`, `tests/bench/bench_gcm.c`: "
            "`mbedtls_gcm_crypt_and_tag`, or `mbedtls_chachapoly_encrypt_and_tag`, on 16384-byte records "
            "with a fresh nonce and TLS 1.2's 13 bytes of additional data each). The peer is OpenSSL's rate "
            "for the same cipher (`openssl speed -evp CIPHER -bytes 16384`), what curl decrypts with." % (
                " and ".join(sorted(set(g["cipher"] for g in gens)))),
            "",
            "| mbedTLS | cipher | runs MB/s | download / ceiling | OpenSSL runs MB/s |",
            "|---|---|---|---|---|",
        ]
        for g in gens:
            notes.append("| %s | %s | %s | %.0f%% | %s |" % (
                g["version"], g["cipher"], ", ".join("%.1f" % x for x in g["gcm"]),
                100.0 * median(g["rates"]) / median(g["gcm"]),
                ", ".join("%.1f" % x for x in ossl[g["cipher"]] if x is not None) or "?"))
        notes += [
            "",
            "Both generations use AES-NI for the AES rounds and PCLMULQDQ for GHASH (the hottest functions "
            "above), but one 16-byte block at a time: each block is one AES call and one carry-less "
            "multiplication with its reduction, nothing interleaved (3.6 does less around each block than "
            "2.28, by the same method: `MBEDTLS_AESNI_C` in `boards/posix/lkd_mbedtls3_config.h`). OpenSSL's AES-GCM encrypts and hashes several blocks at once in one "
            "stitched assembly loop. Reaching 0.9 x curl would take a faster AES-GCM in the TLS library "
            "lkedoc is built with, not a larger lkedoc buffer.",
        ]
        self.notes["decrypt-ceiling-%s" % first["short"]] = notes
        for g in gens[1:]:
            self.notes["decrypt-ceiling-%s" % g["short"]] = [
                "Measured with `decrypt-ceiling-%s`: see there." % first["short"]]
        for g in gens:
            self.ranges.append(("download-throughput-%s" % g["short"], g["rates"], c_rates, lambda r: r >= 0.9))
            self.noise.append(("download-throughput lkedoc %s" % g["version"], g["rates"], "MB/s"))
        self.noise.append(("download-throughput curl", c_rates, "MB/s"))

    def openssl_rate(self, cipher):
        """OpenSSL's rate for cipher over 16 KiB blocks (openssl speed, 1 s), MB/s; None if unavailable."""
        name = {"AES-128-GCM": "aes-128-gcm", "AES-256-GCM": "aes-256-gcm",
                "CHACHA20-POLY1305": "chacha20-poly1305"}[cipher]
        try:
            p = run(["openssl", "speed", "-seconds", "1", "-bytes", "16384", "-evp", name], env=self.base_env)
        except (RuntimeError, OSError):
            return None
        for line in reversed(p.stdout.splitlines()):
            mt = re.match(r"\s*%s\s+([\d.]+)k\s*$" % re.escape(name), line, re.I)
            if mt:
                return float(mt.group(1)) * 1000 / 1e6
        return None

    # ---- wire-bytes-per-poll -------------------------------------------------------------
    def wire_bytes(self, short=10, long=110):
        log("wire-bytes-per-poll: counting proxy, plaintext and TLS records")
        m = self.mock
        m.reset()
        m.config(polls_to_success=NEVER)
        results = {}
        for mode in ("tls", "tcp"):
            kw = {}
            if mode == "tls":
                kw = dict(cert=os.path.join(m.state_dir, "server.pem"), key=os.path.join(m.state_dir, "server.key"),
                          ca=m.ca_file, sni=API_HOST)
            with CountingProxy(m.port, mode, **kw) as proxy:
                for who in ("lkedoc", "sdk"):
                    counts = {}
                    for n in (short, long):
                        def f(n=n, who=who):
                            proxy.reset()
                            task = "wire-%s-%s-%d" % (who, mode, n)
                            if who == "lkedoc":
                                run([os.path.join(BIN, "bench_poll"), str(proxy.port), m.ca_file, task, "0", str(n)],
                                    env=self.base_env)
                            else:
                                run(["node", SDK_JS, "polls", task, "0", str(n), "keepalive"],
                                    env=self.node_env(proxy.port))
                            time.sleep(0.2)          # the proxy's last forwards and close
                            c = proxy.counts()
                            if c["connections"] != 1:
                                raise RuntimeError("%s used %d connections" % (who, c["connections"]))
                            return c
                        counts[n] = self.attempt("wire-bytes %s %s %d polls" % (who, mode, n), f)
                    d = long - short
                    results[(mode, who)] = {
                        "up": (counts[long]["up"] - counts[short]["up"]) / d,
                        "down": (counts[long]["down"] - counts[short]["down"]) / d,
                        "first_up": counts[short]["up"], "first_down": counts[short]["down"],
                    }
        per = lambda mode, who: results[(mode, who)]["up"] + results[(mode, who)]["down"]  # noqa: E731
        lv, nv = per("tls", "lkedoc"), per("tls", "sdk")
        self.add("wire-bytes-per-poll", lv, "node-sdk", nv, "bytes", "(report)", None, digits=1)
        r = results
        self.notes["wire-bytes-per-poll"] = [
            "Bytes per `GetReconstructDocumentResult` of a `Processing` task on a kept-alive connection, "
            "counted by a proxy on loopback in front of the mock's API listener (`tests/bench/wireproxy.py`). "
            "Each client runs once with %d and once with %d polls on one connection; per poll = the "
            "difference / %d, so the handshake and connection set-up drop out. (The mock writes every "
            "second answer with `\\/` and `\\u0026` escapes; the 100 polls average that out.)" % (short, long, long - short),
            "",
            "- The figure: plaintext HTTP, request + response, byte for byte: the proxy terminates TLS with the "
            "mock's own certificate and key and re-encrypts towards the mock.",
            "- Also shown: what crosses the wire as TLS records (a plain TCP proxy; record headers, "
            "explicit nonces and tags included, TCP/IP headers not). lkedoc (mbedTLS %s) and Node's OpenSSL "
            "may negotiate different TLS versions with this mock, hence different record overheads."
            % self.versions.get("mbedtls", "?"),
            "- The Node SDK sends `Host: %s:PORT` when the port is not 443 (here it is not), %d bytes more "
            "than against the real service; lkedoc sends the host without the port." % (API_HOST, 1 + len(str(m.port))),
            "",
            "| per poll | lkedoc request | lkedoc response | Node SDK request | Node SDK response |",
            "|---|---|---|---|---|",
            "| HTTP plaintext | %.1f | %.1f | %.1f | %.1f |" % (r[("tls", "lkedoc")]["up"], r[("tls", "lkedoc")]["down"],
                                                        r[("tls", "sdk")]["up"], r[("tls", "sdk")]["down"]),
            "| TLS records on the wire | %.1f | %.1f | %.1f | %.1f |" % (
                r[("tcp", "lkedoc")]["up"], r[("tcp", "lkedoc")]["down"], r[("tcp", "sdk")]["up"],
                r[("tcp", "sdk")]["down"]),
            "",
            "Wire bytes per poll, request + response: lkedoc %.1f, Node SDK %.1f (ratio %.3f). The first %d "
            "polls including the connection's handshake: lkedoc %d bytes on the wire, Node SDK %d." % (
                per("tcp", "lkedoc"), per("tcp", "sdk"), per("tcp", "lkedoc") / per("tcp", "sdk"), short,
                r[("tcp", "lkedoc")]["first_up"] + r[("tcp", "lkedoc")]["first_down"],
                r[("tcp", "sdk")]["first_up"] + r[("tcp", "sdk")]["first_down"]),
        ]

    # ---- machine -------------------------------------------------------------------------
    def config_value(self, name):
        try:
            with open(os.path.join(ROOT, "core", "include", "lkd_config.h")) as f:
                m = re.search(r"#\s*define\s+%s\s+(\d+)" % name, f.read())
            return m.group(1) if m else "?"
        except OSError:
            return "?"

    def machine(self):
        def cmd_out(cmd, pattern=None):
            try:
                p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                return "?"
            text = (p.stdout or p.stderr).strip()
            first = text.splitlines()[0] if text else "?"
            if pattern:
                mt = re.search(pattern, text)
                return mt.group(1) if mt else first
            return first
        cpu = "?"
        flags = ""
        try:
            with open("/proc/cpuinfo") as f:
                for line in f:
                    if line.startswith("model name") and cpu == "?":
                        cpu = line.split(":", 1)[1].strip()
                    if line.startswith("flags") and not flags:
                        flags = line.split(":", 1)[1]
        except OSError:
            pass
        mem = "?"
        try:
            with open("/proc/meminfo") as f:
                kb = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
                mem = "%.1f GiB" % (kb / 1048576.0)
        except (OSError, AttributeError):
            pass
        osname = "?"
        try:
            with open("/etc/os-release") as f:
                mt = re.search(r'PRETTY_NAME="([^"]*)"', f.read())
                osname = mt.group(1) if mt else "?"
        except OSError:
            pass
        # The CLI's own mbedTLS: 3.6 built from Debian's source (the default,
        # linked into it) or the system's 2.28 (make MBEDTLS=system).
        mbedtls = "?"
        syms = subprocess.run(["nm", CLI], capture_output=True, text=True).stdout
        on3 = re.search(r" T psa_crypto_init$", syms, re.M) is not None
        header = os.path.join(ROOT, "build", "src", "mbedtls3", "include", "mbedtls", "build_info.h") if on3 \
            else "/usr/include/mbedtls/version.h"
        try:
            with open(header) as f:
                mt = re.search(r'MBEDTLS_VERSION_STRING\s+"([^"]+)"', f.read())
                mbedtls = mt.group(1) if mt else "?"
        except OSError:
            pass
        if on3:
            try:
                with open(os.path.join(ROOT, "build", "src", "mbedtls3", ".unpacked")) as f:
                    deb = "source " + f.read().split()[1]
            except (OSError, IndexError):
                deb = "source ?"
        else:
            deb = cmd_out(["dpkg-query", "-W", "-f", "${Version}", "libmbedtls-dev"])
        self.node_version = cmd_out(["node", "--version"])
        try:
            with open(os.path.join(SDK_DIR, "package.json")) as f:
                self.sdk_version = json.load(f)["version"]
        except (OSError, ValueError, KeyError):
            self.sdk_version = "?"
        self.versions = {
            "gcc": cmd_out([os.environ.get("CC", "cc"), "--version"]),
            "mbedtls": "%s (Debian %s)" % (mbedtls, deb),
            "node": self.node_version,
            "npm": cmd_out(["npm", "--version"]),
            "sdk": "tencentcloud-sdk-nodejs-intl-en %s" % self.sdk_version,
            "curl": cmd_out(["curl", "--version"]),
            "valgrind": cmd_out(["valgrind", "--version"]),
            "python": platform.python_version(),
        }
        self.machine_info = {
            "cpu": cpu,
            "cores": "%d online (%d usable by this run)" % (os.cpu_count() or 0, len(os.sched_getaffinity(0))),
            "cpu features": ", ".join(x for x in ("aes", "pclmulqdq", "avx2", "sha_ni") if x in flags.split()),
            "memory": mem,
            "kernel": "%s %s" % (platform.system(), platform.release()),
            "os": osname,
        }

    # ---- report --------------------------------------------------------------------------
    def write(self, path, started, finished, load_before, load_after):
        L = []
        L.append("# Benchmarks: lkedoc side by side with the official Node.js SDK and curl")
        L.append("")
        L.append("Generated by `make bench` (`tests/bench/bench.py`) on %s UTC, in %.0f s. Every figure comes from "
                 "this one run, on this machine, against the same local mock (`tests/mock`, TLS on loopback). "
                 "Regenerate with `make bench`; numbers from another machine are not comparable." % (
                     started.strftime("%Y-%m-%d %H:%M"), (finished - started).total_seconds()))
        L.append("")
        L.append("| figure | lkedoc | peer | ratio lkedoc/peer | target | |")
        L.append("|---|---|---|---|---|---|")
        for f in self.figures:
            mark = {True: "met", False: "**missed**", None: "-"}[f["met"]]
            L.append("| `%s` | %s %s | %s %s %s | %.3f | %s | %s |" % (
                f["name"], fmt(f["lkedoc"], f["digits"]), f["unit"], f["peer"], fmt(f["peer_value"], f["digits"]),
                f["unit"], f["ratio"], f["target"], mark))
        L.append("")
        L.append("```")
        for f in self.figures:
            L.append(f["line"])
        L.append("```")
        L.append("")
        L.append("## Machine")
        L.append("")
        L.append("| | |")
        L.append("|---|---|")
        for k, v in self.machine_info.items():
            L.append("| %s | %s |" % (k, v))
        for k, v in self.versions.items():
            L.append("| %s | %s |" % (k, v))
        L.append("| load average (1/5/15 min) | before %s, after %s |" % (
            " / ".join("%.2f" % x for x in load_before), " / ".join("%.2f" % x for x in load_after)))
        L.append("")
        L.append("lkedoc and its drivers: `make` flags (`-O2`), mbedTLS and jsmn from Debian (mbedTLS 2.28 as "
                 "Debian 12's binary package, 3.6 built from Debian's source package with "
                 "`boards/posix/lkd_mbedtls3_config.h`). The peers: the SDK "
                 "version pinned by `tests/sdk/package-lock.json` (installed by `npm ci`), Debian's curl.")
        L.append("")
        L.append("## How noisy the run was")
        L.append("")
        L.append("Timed figures are medians of repeated, interleaved runs (lkedoc, peer, lkedoc, peer, ...), so "
                 "drift in the machine's load hits both sides alike. Spread = (max - min) / median of the runs. "
                 "The machine is shared (other builds and tests may run at the same time); the load averages "
                 "above show how busy it was. Instruction counts (callgrind), handshake counts and byte "
                 "counts are exact and do not vary between runs.")
        L.append("")
        L.append("| series | runs | median | min | max | spread |")
        L.append("|---|---|---|---|---|---|")
        for name, xs, unit in self.noise:
            L.append("| %s | %d | %s %s | %s | %s | %.1f%% |" % (
                name, len(xs), fmt(median(xs), 1), unit, fmt(min(xs), 1), fmt(max(xs), 1), spread(xs)))
        L.append("")
        L.append("The ratios at the extremes of the runs (lowest lkedoc run against highest peer run, and the "
                 "reverse), and whether the target verdict is the same at both ends:")
        L.append("")
        L.append("| figure | ratio of the medians | lowest | highest | verdict at both ends |")
        L.append("|---|---|---|---|---|")
        for name, lk, peer, ok in self.ranges:
            lo, hi = min(lk) / max(peer), max(lk) / min(peer)
            med_ok = ok(median(lk) / median(peer))
            same = ok(lo) == med_ok and ok(hi) == med_ok
            L.append("| `%s` | %.3f | %.3f | %.3f | %s |" % (
                name, median(lk) / median(peer), lo, hi,
                ("%s either way" % ("met" if med_ok else "missed")) if same else "**depends on the run**"))
        L.append("")
        if self.retries:
            L.append("Measurement runs that failed and were repeated once:")
            L.append("")
            for r in self.retries:
                L.append("- %s" % r)
        else:
            L.append("No measurement run failed or had to be repeated.")
        L.append("")
        for f in self.figures:
            L.append("## `%s`" % f["name"])
            L.append("")
            L.extend(self.notes.get(f["name"], []))
            L.append("")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path + ".tmp", "w") as fh:
            fh.write("\n".join(L).rstrip() + "\n")
        os.replace(path + ".tmp", path)

    def main(self, out):
        started = datetime.datetime.now(datetime.timezone.utc)
        load_before = os.getloadavg()
        self.noise = []
        self.ranges = []            # (figure, lkedoc runs, peer runs, target test on a ratio)
        os.makedirs(STATE, exist_ok=True)
        self.machine()
        reps = 3 if self.quick else 11
        with Mock(os.path.join(STATE, "mock")) as mock:
            self.mock = mock
            self.rss_job(3 if self.quick else 7)
            self.cpu_per_poll(2 if self.quick else 7)
            self.sign_instructions()
            self.handshakes()
            self.download_throughput(reps)
            self.wire_bytes()
        finished = datetime.datetime.now(datetime.timezone.utc)
        self.write(out, started, finished, load_before, os.getloadavg())
        log("wrote %s (%.0f s)" % (os.path.relpath(out, ROOT), (finished - started).total_seconds()))


def proc_cpu_s(pid):
    """User + system CPU seconds of a running process (all its threads), from /proc."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def suite_cipher(suite):
    """The record cipher of an mbedTLS suite name (TLS1-3-AES-128-GCM-SHA256,
    TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384, ...)."""
    for c in ("AES-128-GCM", "AES-256-GCM", "CHACHA20-POLY1305"):
        if c in suite:
            return c
    raise RuntimeError("no known record cipher in suite %s" % suite)


# Where a download's samples go, by the function's name (Debian's shared 2.28
# libraries have only their exported names: samples in libmbedcrypto's
# unnamed functions are counted with the ciphers, which is where a download
# spends that library's time).
RECORD_CRYPTO = "record decryption (AES, GCM, ChaCha20-Poly1305, the cipher and PSA layers over them)"
SPLIT = ((RECORD_CRYPTO, re.compile(r"aes|gcm|chacha|poly1305|cipher|aead", re.I)),
         ("lkedoc (HTTP framing, copies out of its receive buffer, the sink)", re.compile(r"^(lkd_|discard$|main$)")),
         ("the rest of mbedTLS (record layer, handshake, X.509)", re.compile(r"^(mbedtls_|ssl_|psa_|mpi_|ecp_|x509)")))


def split_category(dso, level, sym):
    if level == "k":
        return "kernel (TCP receive, copies to user space)"
    for name, pattern in SPLIT:
        if pattern.search(sym):
            return name
    if "libmbedcrypto" in dso:
        return RECORD_CRYPTO
    if "libmbedtls" in dso or "libmbedx509" in dso:
        return SPLIT[2][0]
    if dso.startswith("libc"):
        return "libc (memcpy, memmove)"
    return "other"


def callgrind_total(path):
    """The instructions callgrind collected (its totals line)."""
    with open(path) as f:
        for line in f:
            m = re.match(r"(?:summary|totals):\s+(\d+)", line)
            if m:
                return int(m.group(1))
    raise RuntimeError("no totals in %s" % path)


def check_zip(path, size):
    if os.path.getsize(path) != size:
        raise RuntimeError("%s is %d bytes, not %d" % (path, os.path.getsize(path), size))
    with zipfile.ZipFile(path) as z:
        if z.testzip() is not None:
            raise RuntimeError("%s: a damaged member" % path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "RESULTS.md"))
    ap.add_argument("--tls-build", action="append", default=[], metavar="DIR",
                    help="also measure download-throughput and decrypt-ceiling with DIR/bench's drivers "
                         "(the other TLS generation's build directory: make bench passes it)")
    args = ap.parse_args()
    for tool in ("node", "curl", "valgrind"):
        if shutil.which(tool) is None:
            log("bench: %s is missing (make bench installs it)" % tool)
            return 2
    for f in ("bench_poll", "bench_download", "bench_sign", "bench_gcm", "bench_rss"):
        if not os.path.exists(os.path.join(BIN, f)):
            log("bench: %s is missing; run make bench" % os.path.join(BIN, f))
            return 2
    for d in args.tls_build:
        for f in ("bench_download", "bench_gcm"):
            if not os.path.exists(os.path.join(d, "bench", f)):
                log("bench: %s is missing; run make bench" % os.path.join(d, "bench", f))
                return 2
    if not os.path.isdir(SDK_DIR):
        log("bench: the SDK is not installed; run make bench (sh tests/sdk/install.sh)")
        return 2
    Bench(args.quick, args.tls_build).main(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
