# SPDX-License-Identifier: MIT
"""What a server says never reaches a terminal raw.

A hostile API host (tests/hostile/hostile_server.py) puts each kind of
terminal control sequence into each server-provided field the CLI shows:
Status, DocumentRecognizeResultUrl, RequestId, the task's Error Code and
Message, an API error's Code, Message and RequestId, and a created TaskId.
In human mode no control byte (other than the CLI's own newlines), DEL, C1
control or bidi override may reach stdout or stderr, and the escape must be
visible; in --json mode the value must also round-trip exactly through a JSON
parser, with DEL and C1 written as \\u escapes.
"""
import json
import os
import shutil
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "hostile"))

from hostile_server import HOST, HostileServer, answer, compact  # noqa: E402

CLI = os.environ.get("LKEDOC_CLI", os.path.join(ROOT, "build", "lkedoc"))

# Each kind of sequence, and the visible form the human output must show of its first character.
SEQUENCES = {
    "esc": ("\x1b[2J\x1b[H", "\\x1b[2J"),
    "bel": ("ding\x07", "\\x07"),
    "cr": ("real\rfake", "real\\rfake"),
    "del": ("ab\x7fc", "\\x7f"),
    "c1": ("csi\u009b31m and nel\u0085", "\\u009b"),
    "osc8": ("\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\", "\\x1b]8;;https://evil.example/"),
    "bidi": ("abc\u202edcba", "\\u202e"),
    "title": ("\x1b]0;owned\x07", "\\x1b]0;owned\\x07"),
}

# Bytes that must never be written raw: C0 but newline, DEL, C1 (as UTF-8), the bidi controls escaped.
RAW_BAD = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]")


def response(members):
    return compact({"Response": members})


def cases_for(seq):
    """field -> (script, command, the raw values the field carries)."""
    url = "https://mock.lkedoc.test/r.zip?x=" + seq
    return {
        "status": (answer(response({"Status": "Odd" + seq, "RequestId": "r-1"})), "status", ["Odd" + seq]),
        "url": (answer(response({"Status": "Success", "DocumentRecognizeResultUrl": url, "RequestId": "r-2"})),
                "status", [url]),
        "request-id": (answer(response({"Status": "Success", "RequestId": "req" + seq})), "status", ["req" + seq]),
        "task-error": (answer(response({"Status": "Failed", "Error": {"Code": "Failed" + seq, "Message": "m" + seq},
                                        "RequestId": "r-3"})), "wait", ["Failed" + seq, "m" + seq]),
        "api-error": (answer(response({"Error": {"Code": "InternalError" + seq, "Message": "says" + seq},
                                       "RequestId": "rid" + seq})), "status",
                      ["InternalError" + seq, "says" + seq, "rid" + seq]),
        "task-id": (answer(response({"TaskId": "task" + seq, "RequestId": "r-4"})), "create", ["task" + seq]),
    }


class Ctx:
    pass


def setup_suite():
    ctx = Ctx()
    ctx.home = tempfile.mkdtemp(prefix="lkedoc-term-")
    ctx.server = HostileServer()
    ctx.table = []
    for kind, (seq, visible) in SEQUENCES.items():
        for field, (script, command, values) in cases_for(seq).items():
            name = f"term-{field}-{kind}"
            ctx.server.add(name, script)
            ctx.table.append((name, kind, field, command, values, visible))
    return ctx


def teardown_suite(ctx):
    if ctx:
        ctx.server.close()
        shutil.rmtree(ctx.home, ignore_errors=True)


def run(ctx, name, command, json_out):
    port = ctx.server.port
    cmd = [CLI, "--endpoint", f"{HOST}:{port}", "--resolve", f"{HOST}:{port}:127.0.0.1", "--ca-file",
           ctx.server.ca_file, "--timeout", "5", "--poll-interval", "0.05"] + (["--json"] if json_out else [])
    cmd += ["create", "--url", "https://doc.example.test/" + name] if command == "create" else [command, name]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": ctx.home, "LC_ALL": "C.UTF-8",
           "TENCENTCLOUD_SECRET_ID": "AKIDHOSTILE000000000000000000000000", "TENCENTCLOUD_SECRET_KEY": "k"}
    return subprocess.run(cmd, capture_output=True, timeout=60, env=env)


def expected_exit(field):
    return {"task-error": 7, "api-error": 3}.get(field, 0)


def test_human_output_escapes_every_sequence_in_every_field(ctx):
    bad = []
    for name, kind, field, command, values, visible in ctx.table:
        p = run(ctx, name, command, json_out=False)
        both = p.stdout + p.stderr
        if p.returncode != expected_exit(field):
            bad.append(f"{name}: exit {p.returncode}: {p.stderr[-300:]!r}")
        elif RAW_BAD.search(both):
            bad.append(f"{name}: raw control reached the terminal: {both[-400:]!r}")
        elif visible.encode() not in both:
            bad.append(f"{name}: the escape {visible!r} is not visible: {both[-400:]!r}")
    assert not bad, f"{len(bad)} of {len(ctx.table)}:\n" + "\n".join(bad[:20])


def test_json_output_escapes_del_c1_and_round_trips(ctx):
    bad = []
    for name, kind, field, command, values, visible in ctx.table:
        p = run(ctx, name, command, json_out=True)
        if p.returncode != expected_exit(field):
            bad.append(f"{name}: exit {p.returncode}: {p.stderr[-300:]!r}")
            continue
        if RAW_BAD.search(p.stdout) or RAW_BAD.search(p.stderr):
            bad.append(f"{name}: raw control in the output: {p.stdout[-300:]!r} {p.stderr[-300:]!r}")
            continue
        try:
            docs = [json.loads(line) for line in p.stdout.decode("utf-8").splitlines()]
        except ValueError as e:
            bad.append(f"{name}: not JSON ({e}): {p.stdout!r}")
            continue
        strings = set()

        def walk(v):
            if isinstance(v, dict):
                for x in v.values():
                    walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)
            elif isinstance(v, str):
                strings.add(v)
        for d in docs:
            walk(d)
        missing = [v for v in values if v not in strings]
        if missing:
            bad.append(f"{name}: value(s) {missing!r} not in the JSON: {p.stdout!r}")
    assert not bad, f"{len(bad)} of {len(ctx.table)}:\n" + "\n".join(bad[:20])
    # The escapes themselves, spelled as JSON \\u escapes.
    p = run(ctx, "term-request-id-c1", "status", json_out=True)
    assert b"\\u009b" in p.stdout and b"\\u0085" in p.stdout, p.stdout
    p = run(ctx, "term-request-id-del", "status", json_out=True)
    assert b"\\u007f" in p.stdout, p.stdout


def test_verbose_log_lines_are_escaped(ctx):
    # --verbose quotes what the server sent; those lines go through the same escaping.
    port = ctx.server.port
    p = subprocess.run([CLI, "--endpoint", f"{HOST}:{port}", "--resolve", f"{HOST}:{port}:127.0.0.1", "--ca-file",
                        ctx.server.ca_file, "--timeout", "5", "--verbose", "status", "term-api-error-osc8"],
                       capture_output=True, timeout=60,
                       env={"PATH": "/usr/bin:/bin", "HOME": ctx.home, "TENCENTCLOUD_SECRET_ID": "AKIDX",
                            "TENCENTCLOUD_SECRET_KEY": "k"})
    assert p.returncode == 3, p.stderr
    assert not RAW_BAD.search(p.stderr), p.stderr[-600:]
