# SPDX-License-Identifier: MIT
"""Every status lkd_status.h documents is one the library can end in, and the
README's exit-status table lists each under the exit exit_status_for gives it.

A status is used when its name appears in the code (comments left out) of
core/src or a port, other than lkd_status.c's table of descriptions; the only
ones exempt are named below, each documented as the status of the
application's own callbacks (a reader's or sink's status travels through the
library as it is), and each still unused by the library."""
import glob
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The statuses only the application's callbacks return, never the library.
APPLICATION_STATUSES = {
    "LKD_ERR_WRITE",   # a sink that could not store the data
}


def documented_statuses():
    """[(name, comment)] of lkd_status_t's values, LKD_STATUS_COUNT left out."""
    with open(os.path.join(ROOT, "core", "include", "lkd_status.h"), encoding="utf-8") as f:
        text = f.read()
    body = re.search(r"typedef enum \{(.*?)\} lkd_status_t;", text, re.S).group(1)
    entries = re.findall(r"(LKD_(?:OK|ERR_[A-Z0-9_]+))[^,]*,\s*(?:/\*(.*?)\*/)?", body, re.S)
    return [(name, " ".join(comment.split())) for name, comment in entries]


def without_comments(text):
    return re.sub(r"//[^\n]*", "", re.sub(r"/\*.*?\*/", "", text, flags=re.S))


def unused(statuses, code, exempt=frozenset()):
    """The statuses code never names, those in exempt left out."""
    code = without_comments(code)
    return [name for name, _ in statuses if name not in exempt and not re.search(r"\b" + name + r"\b", code)]


def library_code():
    files = [p for p in glob.glob(os.path.join(ROOT, "core", "src", "*.c")) + glob.glob(os.path.join(ROOT, "port", "*", "*.c"))
             if not p.endswith("lkd_status.c")]
    code = ""
    for p in files:
        with open(p, encoding="utf-8") as f:
            code += f.read() + "\n"
    return code


def test_every_documented_status_can_be_returned():
    statuses = documented_statuses()
    assert len(statuses) >= 20 and statuses[0][0] == "LKD_OK", statuses
    missing = unused(statuses, library_code(), APPLICATION_STATUSES)
    assert not missing, f"documented in lkd_status.h but never returned by core/ or port/: {missing}"


def test_each_exempt_status_is_the_applications():
    comments = dict(documented_statuses())
    for name in sorted(APPLICATION_STATUSES):
        assert name in comments, f"{name} is exempt but not a status of lkd_status.h"
        assert "application's" in comments[name], f"{name} is exempt, but its comment does not say it is the " \
                                                  f"application's: {comments[name]!r}"
    # An exemption the library no longer needs is one less status checked.
    used = sorted(set(APPLICATION_STATUSES) - set(unused(documented_statuses(), library_code())))
    assert not used, f"the library returns {used} itself: take them out of APPLICATION_STATUSES"


def test_the_check_sees_an_unused_status():
    # Not vacuous: a status named only in a comment is unused; an exempt one
    # is not asked for, and the word "application's" alone exempts nothing.
    statuses = [("LKD_ERR_A", "the application's callback may say"), ("LKD_ERR_B", "another"),
                ("LKD_ERR_C", "the application's sink failed")]
    code = "/* LKD_ERR_A */ return LKD_ERR_B; // LKD_ERR_A\n"
    assert unused(statuses, code, {"LKD_ERR_C"}) == ["LKD_ERR_A"]
    assert unused(statuses, code) == ["LKD_ERR_A", "LKD_ERR_C"]


# ---- the README's exit-status table ----------------------------------------------------


def exit_status_map():
    """({status name: exit number} by exit_status_for, {EXIT_ name: number})."""
    with open(os.path.join(ROOT, "boards", "exit_status.h"), encoding="utf-8") as f:
        text = without_comments(f.read())
    codes = {name: int(v) for name, v in re.findall(r"\b(EXIT_[A-Z_]+)\s*=\s*(\d+)", text)}
    body = re.search(r"switch \(st\) \{(.*?)\n    \}", text, re.S).group(1)
    mapping, pending = {}, []
    for case, ret in re.findall(r"case (LKD_[A-Z0-9_]+):|return (EXIT_[A-Z_]+);", body):
        if case:
            pending.append(case)
        else:
            for name in pending:
                mapping[name] = codes[ret]
            pending = []
    default = re.search(r"default:\s*return (EXIT_[A-Z_]+);", body).group(1)
    for name, _ in documented_statuses():
        mapping.setdefault(name, codes[default])
    return mapping, codes


def readme_exit_table(text):
    """{exit number: [status names]} from the rows under "### Exit statuses"."""
    section = re.search(r"^### Exit statuses\n(.*?)(?=^#)", text, re.S | re.M).group(1)
    rows = {}
    for exit_code, statuses in re.findall(r"^\| `(\d+)` \| ([^|]*) \|", section, re.M):
        rows.setdefault(int(exit_code), []).extend(re.findall(r"`(LKD_(?:OK|ERR_[A-Z0-9_]+))`", statuses))
    return rows


def table_problems(rows, mapping, codes):
    problems = []
    seen = {}
    for exit_code, names in rows.items():
        for name in names:
            if name in seen:
                problems.append(f"{name} is in the rows of exit {seen[name]} and {exit_code}")
            seen[name] = exit_code
            if name not in mapping:
                problems.append(f"{name} is not a status of lkd_status.h")
            elif mapping[name] != exit_code:
                problems.append(f"{name} is under exit {exit_code}; exit_status_for gives {mapping[name]}")
    problems += [f"{name} (exit {code}) is not in the table" for name, code in mapping.items() if name not in seen]
    problems += [f"exit {code} ({name}) has no row" for name, code in codes.items() if code not in rows]
    return problems


def test_readme_exit_table_matches_exit_status_for():
    mapping, codes = exit_status_map()
    assert len(mapping) == len(documented_statuses()) and mapping["LKD_ERR_CERT"] == codes["EXIT_NETWORK"]
    assert mapping["LKD_ERR_WRITE"] == codes["EXIT_OTHER"], "the default case is not seen"
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        rows = readme_exit_table(f.read())
    problems = table_problems(rows, mapping, codes)
    assert not problems, "README's exit-status table is stale:\n" + "\n".join(problems)


def test_the_table_check_sees_a_stale_row():
    # Not vacuous: a status under the wrong exit, one missing, an exit without a row.
    text = ("### Exit statuses\n\n| Exit | Errors |\n|---|---|\n| `0` | `LKD_OK` |\n"
            "| `4` | `LKD_ERR_DNS`, `LKD_ERR_TIMEOUT` |\n\n## Next\n")
    rows = readme_exit_table(text)
    assert rows == {0: ["LKD_OK"], 4: ["LKD_ERR_DNS", "LKD_ERR_TIMEOUT"]}, rows
    mapping = {"LKD_OK": 0, "LKD_ERR_DNS": 4, "LKD_ERR_TIMEOUT": 5, "LKD_ERR_IO": 4}
    problems = table_problems(rows, mapping, {"EXIT_OK": 0, "EXIT_NETWORK": 4, "EXIT_TIMEOUT": 5})
    assert problems == ["LKD_ERR_TIMEOUT is under exit 4; exit_status_for gives 5",
                        "LKD_ERR_IO (exit 4) is not in the table", "exit 5 (EXIT_TIMEOUT) has no row"], problems


# ---- the table's example messages are the CLI's ------------------------------------------


def readme_examples(text):
    """{exit number: ["lkedoc: ..." examples]} from the table's third column."""
    section = re.search(r"^### Exit statuses\n(.*?)(?=^#)", text, re.S | re.M).group(1)
    return {int(code): re.findall(r"`(lkedoc: [^`]*)`", cell)
            for code, cell in re.findall(r"^\| `(\d+)` \|[^|]*\|([^|]*)\|", section, re.M)}


def example_seen(examples, stderr, port=None):
    """Whether a line of stderr is one of examples ("..." stands for any
    text; the test's port is shown as the service's 443)."""
    lines = [x.replace(f", port {port})", ", port 443)") if port else x for x in stderr.splitlines()]
    pats = [re.escape(e).replace(re.escape("..."), ".+?") for e in examples]
    return any(re.fullmatch(p, x) for p in pats for x in lines)


def test_the_example_check_sees_another_message():
    ex = ["lkedoc: could not connect (host h, port 443)", "lkedoc: API error X: ... [RequestId ...]"]
    assert example_seen(ex, "lkedoc: could not connect (host h, port 9)\n", port=9)
    assert example_seen(ex, "lkedoc: API error X: m [RequestId r]\n")
    assert not example_seen(ex, "lkedoc: could not connect (host api.t\n")
    assert not example_seen(ex, "lkedoc: could not connect (host h, port 8)\n", port=9)


def test_readme_examples_are_the_clis_messages():
    # One failure per exit status a test makes cheaply (no service, no job):
    # an argument, a refused port, a silent one, an HTTP status, an API
    # error, a Create answered by a 502, a SIGINT; the others (1, 7) are
    # held to the sources' words.
    import shutil
    import signal
    import socket
    import subprocess
    import tempfile
    from openssl_peer import Pki, SServer
    cli = os.environ.get("LKEDOC_CLI", os.path.join(ROOT, "build", "lkedoc"))
    host = "lke.intl.tencentcloudapi.com"
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        examples = readme_examples(f.read())
    tmp = tempfile.mkdtemp(prefix="lkedoc-statusdocs-")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp, "LC_ALL": "C.UTF-8",
           "TENCENTCLOUD_SECRET_ID": "AKIDLKEDOCSTATUSDOCS00000000000000", "TENCENTCLOUD_SECRET_KEY": "k" * 32}
    doc = os.path.join(tmp, "d.pdf")
    with open(doc, "wb") as f:
        f.write(b"%PDF-1.4\n%%EOF\n")

    def run(port, *args, ca=None, stop=False):
        cmd = [cli, "--endpoint", f"{host}:{port}", "--resolve", f"{host}:{port}:127.0.0.1", "--timeout", "1"]
        cmd += ["--ca-file", ca] if ca else []
        p = subprocess.Popen(cmd + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        if stop:
            try:
                p.wait(0.3)
            except subprocess.TimeoutExpired:
                p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=30)
        return p.returncode, err

    def seen(code, rc, err, port):
        assert rc == code and example_seen(examples[code], err, port), (code, rc, err, examples[code])

    try:
        rc, err = run(443, "status", "a" * 300)
        seen(2, rc, err, None)
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
        s.close()
        seen(4, *run(free, "status", "t1"), free)
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(4)
            port = silent.getsockname()[1]
            seen(5, *run(port, "status", "t1"), port)
            seen(130, *run(port, "wait", "t1", stop=True), port)
        pki = Pki(tmp)
        cert = pki.leaf("docs", pki.ca("docs-ca", key="ec:P-256"), host, key="ec:P-256")
        bad_gateway = b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"
        with SServer(cert, answer=bad_gateway) as srv:
            seen(6, *run(srv.port, "status", "t1", ca=cert.ca_pem), srv.port)
        with SServer(cert, answer=bad_gateway) as srv:
            seen(8, *run(srv.port, "parse", doc, "-o", os.path.join(tmp, "o.zip"), ca=cert.ca_pem),
                 srv.port)
        body = (b'{"Response":{"Error":{"Code":"AuthFailure.SecretIdNotFound","Message":"The SecretId is not found."},'
                b'"RequestId":"3c140219-cfe9-470e-b241-907877d6fb03"}}')
        api = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        with SServer(cert, answer=api) as srv:
            seen(3, *run(srv.port, "status", "t1", ca=cert.ca_pem), srv.port)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    # The rest: each example's words, up to its first variable part, are in
    # the sources' texts.
    sources = "".join(open(p, encoding="utf-8").read() for p in
                      [os.path.join(ROOT, "core", "src", "lkd_status.c")] +
                      glob.glob(os.path.join(ROOT, "boards", "posix", "*.c")))
    for code in (1, 7):
        for e in examples[code]:
            words = re.split(r" \(|: |\.\.\.|\d", e[len("lkedoc: "):])[0]
            assert words and (f'"{words}' in sources or f'{words}"' in sources), (code, e)
