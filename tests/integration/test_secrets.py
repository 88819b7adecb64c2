# SPDX-License-Identifier: MIT
"""Credentials and secrets in the CLI, against the mock.

The credentials file: a line over the limit and a NUL byte are errors, a file
owned by another uid is refused even to root, an fstat that fails refuses
(an LD_PRELOAD shim makes it fail).  A running CLI (a `wait` on a task the
mock never finishes) is inspected through /proc: its environment no longer
holds the secret key or token, a proxy's password is in neither its command
line nor its environment, it cannot dump core and is not dumpable, and no
copy of the credentials file's text is left in its memory.
"""
import os
import re
import shutil
import subprocess
import tempfile
import time

from mockctl import JobFixture, SECRET_ID, SECRET_KEY

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.environ.get("LKEDOC_CLI", os.path.join(ROOT, "build", "lkedoc"))
STATE = os.path.join(ROOT, "build", "mock-state")
HOST = "lke.intl.tencentcloudapi.com"
OTHER_UID = 54321
TOKEN = "never-in-environ-token-0123456789"

FAIL_FSTAT = r"""
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
/* Every fstat of the program fails with EIO while LKEDOC_FAIL_FSTAT is set. */
static int fail(void) { errno = EIO; return -1; }
int fstat(int fd, struct stat *st) { (void)fd; (void)st; return fail(); }
int fstat64(int fd, struct stat64 *st) { (void)fd; (void)st; return fail(); }
"""


def setup_suite():
    ctx = JobFixture(STATE, ["--ipv6"], prefix="lkedoc-secrets-")
    ctx.home = os.path.join(ctx.tmp, "home")
    os.makedirs(ctx.home)
    os.chmod(ctx.tmp, 0o755)
    return ctx


def teardown_suite(ctx):
    if ctx:
        ctx.stop()


def cli(ctx, *args, binary=CLI, ca_file=None):
    m = ctx.mock
    return [binary, "--endpoint", f"{HOST}:{m.port}", "--resolve", f"{HOST}:{m.port}:127.0.0.1",
            "--ca-file", ca_file or m.ca_file] + list(args)


def env(ctx, with_keys=True, **extra):
    e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": ctx.home, "LC_ALL": "C.UTF-8"}
    if with_keys:
        e.update(TENCENTCLOUD_SECRET_ID=SECRET_ID, TENCENTCLOUD_SECRET_KEY=SECRET_KEY)
    e.update(extra)
    return e


def err(p):
    return p.stderr.decode("utf-8", "replace")


def credentials_file(ctx, content, mode=0o600, uid=None):
    path = os.path.join(ctx.tmp, "credentials")
    if os.path.exists(path):
        os.unlink(path)
    with open(path, "wb") as f:
        f.write(content)
    os.chmod(path, mode)
    if uid is not None:
        os.chown(path, uid, uid)
    return path


def with_file(ctx, path, *args, **kw):
    return subprocess.run(cli(ctx, *args), capture_output=True, timeout=60,
                          env=env(ctx, with_keys=False, TENCENTCLOUD_CREDENTIALS_FILE=path, **kw))


GOOD = f"[default]\nsecret_id = {SECRET_ID}\nsecret_key = {SECRET_KEY}\n".encode()


def test_good_file_still_works(ctx):
    p = with_file(ctx, credentials_file(ctx, GOOD), "--json", "status", "done-secret")
    assert p.returncode == 0, err(p)


def test_long_line_is_an_error_not_a_new_key(ctx):
    # The tail of an over-long comment would spell a key line if it were read as one.
    body = f"[default]\nsecret_id = {SECRET_ID}\n# {'x' * 4093}secret_key = {SECRET_KEY}\n".encode()
    p = with_file(ctx, credentials_file(ctx, body), "status", "done-long")
    assert p.returncode == 2 and "longer than 4096 bytes" in err(p), (p.returncode, err(p))


def test_nul_byte_is_an_error(ctx):
    body = f"[default]\nsecret_id = {SECRET_ID}\x00junk\nsecret_key = {SECRET_KEY}\n".encode()
    p = with_file(ctx, credentials_file(ctx, body), "status", "done-nul")
    assert p.returncode == 2 and "NUL byte" in err(p), (p.returncode, err(p))


def test_windows_and_echo_files_are_read(ctx):
    # A UTF-8 byte order mark, CR LF line ends and trailing blanks: what Windows editors and echo write.
    body = (b"\xef\xbb\xbf[default]\r\nsecret_id = " + SECRET_ID.encode() + b" \t\r\nsecret_key=" + SECRET_KEY.encode()
            + b"\r\n")
    p = with_file(ctx, credentials_file(ctx, body), "--json", "status", "done-bom")
    assert p.returncode == 0, err(p)


def leaked(secret, text):
    """The first 8-character run of secret that text holds, or None: a message must not show even part of it."""
    return next((secret[i:i + 8] for i in range(len(secret) - 7) if secret[i:i + 8] in text), None)


def test_other_sections_and_configparser_forms_are_read(ctx):
    # Lines of another section are not this program's to judge; key: value and a header's comment are
    # what Python's configparser (Tencent's SDKs) reads.
    body = (f"[other]\nsecret_id: AKIDother\n  an indented continuation\nnot key value\n"
            f"[default] ; the account\nsecret_id: {SECRET_ID}\nsecret_key={SECRET_KEY}\n[more]\nx\n")
    p = with_file(ctx, credentials_file(ctx, body.encode()), "--json", "status", "done-sections")
    assert p.returncode == 0, err(p)


# A key unlike the words of any message: nothing refused is sent, so the mock need not know it.
KEY = "Zq8xW3vN5tR7yU1pL0kJ9hG2fD4sA6mB"


def test_a_file_that_cannot_be_used_says_where_and_why(ctx):
    before = ctx.mock.stats()["requests"]
    head = f"[default]\nsecret_id = {SECRET_ID}\n"
    long_key = "AKID" + KEY  # a secret pasted as a key
    cases = [
        (head + f'secret_key = "{KEY}"\n', "line 3: the value of secret_key is quoted; write it without quotes"),
        (head + f"secret_key = '{KEY}'\n", "line 3: the value of secret_key is quoted; write it without quotes"),
        (head + f'secret_key = "{KEY}\n',
         "line 3: the value of secret_key has an unmatched quote mark; write it without quotes"),
        (head + f"secret_key = {KEY}'\n",
         "line 3: the value of secret_key has an unmatched quote mark; write it without quotes"),
        (f"[default]\nsecret_id = '{SECRET_ID}\nsecret_key = {KEY}\n",
         "line 2: the value of secret_id has an unmatched quote mark; write it without quotes"),
        (f"[default]\nsecret_id = {SECRET_ID} # mine\nsecret_key = {KEY}\n",
         "line 2: the value of secret_id is followed by a comment; put comments on a line of their own"),
        (f"[default]\nsecret_id = {SECRET_ID}  # mine\nsecret_key = {KEY}\n",
         "line 2: the value of secret_id is followed by a comment; put comments on a line of their own"),
        (f"[default]\nsecret_id = {SECRET_ID}\t; mine\nsecret_key = {KEY}\n",
         "line 2: the value of secret_id is followed by a comment; put comments on a line of their own"),
        (f"[default]\nsecret_id = {SECRET_ID[:6]}/{SECRET_ID[6:]}\nsecret_key = {KEY}\n",
         "line 2: the value of secret_id holds a character other than letters, digits, '-', '.' and '_' at byte 7"),
        (head + f"secret_key {KEY}\n", "line 3: not a key = value line, a [section] or a # comment"),
        ("[default\n" + head, "line 1: not a key = value line, a [section] or a # comment"),
        (head + "[default] x\n", "line 3: not a key = value line, a [section] or a # comment"),
        (head + f"secret_key = {KEY[:5]}\x01{KEY[5:]}\n",
         "line 3: the value of secret_key holds a control character at byte 6"),
        (head + "secret_key =\n", "line 3: the value of secret_key is empty"),
        (f"[default]\nsecret_id = {'A' * 130}\n", "line 2: the value of secret_id is 130 bytes; the limit is 128"),
        (head + f"secret-key = {KEY}\n",
         "has no secret_key in its [default] section (line 3 has the key secret-key, which is not read)"),
        (head + f"secret\x1b]key = {KEY}\n",
         "has no secret_key in its [default] section (line 3 has a key that cannot be shown, which is not read)"),
        (head + f"sk = 1\n{long_key} = 2\nsecretkey: 3\nsecret_kee = 4\n",
         "has no secret_key in its [default] section (line 3 has the key sk; line 4 has a key of %d bytes; "
         "line 5 has the key secretkey, which are not read)" % len(long_key)),
        ("", "is empty; write secret_id = ... and secret_key = ... under [default]"),
        ("\ufeff", "is empty; write secret_id = ... and secret_key = ... under [default]"),
    ]
    for body, says in cases:
        path = credentials_file(ctx, body.encode())
        p = with_file(ctx, path, "status", "done-bad-file")
        assert p.returncode == 2, (body, p.returncode, err(p))
        assert "lkedoc: %s %s\n" % (path, says) in err(p), (body, err(p))
        for secret in (KEY, long_key):
            assert leaked(secret, err(p)) is None, (body, "shows part of a secret", leaked(secret, err(p)), err(p))
        assert "\x1b" not in err(p), (body, err(p))
        assert "secret_kee" not in err(p), (body, "a fourth unknown key was named", err(p))
    fifo = os.path.join(ctx.tmp, "credentials-fifo")
    os.mkfifo(fifo, 0o600)
    try:
        for path, what in ((ctx.tmp, "a directory"), ("/dev/null", "a device"), (fifo, "a pipe")):
            p = with_file(ctx, path, "status", "done-bad-file")
            assert p.returncode == 2, (path, err(p))
            assert "lkedoc: %s is %s, not a credentials file (a regular file)\n" % (path, what) in err(p), err(p)
    finally:
        os.unlink(fifo)
    assert ctx.mock.stats()["requests"] == before, "a refused credentials file let a request through"


def test_file_of_another_user_is_refused_even_to_root(ctx):
    p = with_file(ctx, credentials_file(ctx, GOOD, uid=OTHER_UID), "status", "done-owner")
    assert p.returncode == 2 and f"owned by uid {OTHER_UID}" in err(p), (p.returncode, err(p))


def test_fstat_failure_is_a_refusal(ctx):
    so = os.path.join(ctx.tmp, "fail_fstat.so")
    src = so[:-3] + ".c"
    with open(src, "w") as f:
        f.write(FAIL_FSTAT)
    subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", so, src], check=True)
    p = with_file(ctx, credentials_file(ctx, GOOD), "status", "done-fstat", LD_PRELOAD=so)
    assert p.returncode == 2 and "cannot check" in err(p), (p.returncode, err(p))


class Stalled:
    """A CLI in `wait` on a task the mock keeps Processing, for /proc to look at."""

    def __init__(self, ctx, environment, prefix=(), binary=CLI, ca_file=None, options=()):
        ctx.mock.config(polls_to_success=1_000_000)
        self.ctx = ctx
        task = "never-ends-" + os.urandom(4).hex()  # polls are counted per task: a fresh one per run
        self.proc = subprocess.Popen(list(prefix) + cli(ctx, *options, "--poll-interval", "0.2", "--job-timeout", "30",
                                                        "wait", task, binary=binary, ca_file=ca_file),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment)
        deadline = time.monotonic() + 15
        while ctx.mock.stats()["polls"].get(task, 0) < 1 and time.monotonic() < deadline:
            assert self.proc.poll() is None, self.proc.communicate()
            time.sleep(0.05)
        assert ctx.mock.stats()["polls"].get(task, 0) >= 1, "the CLI never polled"

    def read(self, name):
        with open(f"/proc/{self.proc.pid}/{name}", "rb") as f:
            return f.read()

    def memory(self):
        """Every readable, writable mapping (heap, stack, .data/.bss) of the process."""
        chunks = []
        with open(f"/proc/{self.proc.pid}/maps") as maps, open(f"/proc/{self.proc.pid}/mem", "rb", 0) as mem:
            for line in maps:
                addr, perms = line.split()[:2]
                if not perms.startswith("rw"):
                    continue
                lo, hi = (int(x, 16) for x in addr.split("-"))
                try:
                    mem.seek(lo)
                    chunks.append(mem.read(hi - lo))
                except OSError:
                    pass
        return b"".join(chunks)

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        self.ctx.mock.config(polls_to_success=2)


def test_environment_no_longer_holds_the_secret(ctx):
    s = Stalled(ctx, env(ctx, TENCENTCLOUD_TOKEN=TOKEN))
    try:
        environ = s.read("environ")
    finally:
        s.stop()
    assert SECRET_KEY.encode() not in environ and TOKEN.encode() not in environ, environ
    assert b"TENCENTCLOUD_SECRET_ID=" + SECRET_ID.encode() in environ, "the test reads the wrong process"


def test_proxy_password_not_in_cmdline_or_environ(ctx):
    # NO_PROXY=*: the connections are direct (to the mock), the proxy URLs only parsed.
    tag = os.urandom(4).hex()
    arg_pw, env_pw, unread_pw = f"argv-pr0xy%2E{tag}", f"env-pr0xy.{tag}", f"unread-pr0xy.{tag}"
    # A password with '/', '?' and '#' in it (a URL refused if it were read) is masked all the same.
    refused_pw = f"pa/ss?{tag}#x"
    s = Stalled(ctx, env(ctx, NO_PROXY="*", https_proxy=f"http://u:{unread_pw}@127.0.0.1:3128",
                         HTTPS_PROXY=f"http://u:{refused_pw}@127.0.0.1:3128"),
                options=("--proxy", f"http://user:{arg_pw}@127.0.0.1:3128"))
    try:
        cmdline, environ = s.read("cmdline"), s.read("environ")
    finally:
        s.stop()
    assert arg_pw.encode() not in cmdline and unread_pw.encode() not in environ, (cmdline, environ)
    assert tag.encode() not in environ, environ
    assert b"HTTPS_PROXY=http://u:" + b"*" * len(refused_pw) + b"@127.0.0.1:3128\0" in environ, environ
    # The rest of the argument is left as it was: the test read the right bytes.
    assert b"\0--proxy\0http://user:" + b"*" * len(arg_pw) + b"@127.0.0.1:3128\0" in cmdline, cmdline
    # --proxy=URL: masked where it stands too (the parser never moves argv's strings).
    eq_pw = f"eq-pr0xy.{tag}"
    s = Stalled(ctx, env(ctx, NO_PROXY="*"), options=(f"--proxy=http://user:{eq_pw}@127.0.0.1:3128",))
    try:
        cmdline = s.read("cmdline")
    finally:
        s.stop()
    assert eq_pw.encode() not in cmdline, cmdline
    assert b"\0--proxy=http://user:" + b"*" * len(eq_pw) + b"@127.0.0.1:3128\0" in cmdline, cmdline
    s = Stalled(ctx, env(ctx, NO_PROXY="*", HTTPS_PROXY=f"http://user:{env_pw}@127.0.0.1:3128"))
    try:
        environ = s.read("environ")
    finally:
        s.stop()
    out = s.proc.stdout.read() + s.proc.stderr.read()
    assert env_pw.encode() not in environ, environ
    assert b"HTTPS_PROXY=http://user:" + b"*" * len(env_pw) + b"@127.0.0.1:3128" in environ, environ
    assert env_pw.encode() not in out and tag.encode() not in out, out


def test_no_core_dumps(ctx):
    s = Stalled(ctx, env(ctx))
    try:
        limits = s.read("limits").decode()
    finally:
        s.stop()
    m = re.search(r"^Max core file size\s+(\S+)\s+(\S+)", limits, re.M)
    assert m and m.group(1) == "0" and m.group(2) == "0", limits


def test_not_dumpable(ctx):
    # A process that is not dumpable has its /proc files owned by root, whoever runs it:
    # run the CLI as another uid and look.
    if os.geteuid() != 0:
        print("    SKIPPED: needs root to run the CLI as another uid")
        return
    # The other uid may not reach the checkout (a clone in a 0700 directory): it runs copies
    # of the CLI and the CA from the suite's own world-readable directory.
    binary, ca_file = os.path.join(ctx.tmp, "lkedoc"), os.path.join(ctx.tmp, "ca.pem")
    shutil.copy(CLI, binary)
    shutil.copy(ctx.mock.ca_file, ca_file)
    os.chmod(binary, 0o755)
    os.chmod(ca_file, 0o644)
    s = Stalled(ctx, env(ctx), prefix=["setpriv", f"--reuid={OTHER_UID}", f"--regid={OTHER_UID}", "--clear-groups"],
                binary=binary, ca_file=ca_file)
    try:
        owner = os.stat(f"/proc/{s.proc.pid}/environ").st_uid
        status = s.read("status").decode()
    finally:
        s.stop()
    assert re.search(rf"^Uid:\s+{OTHER_UID}\b", status, re.M), status
    assert owner == 0, f"/proc/PID/environ owned by {owner}: the process is dumpable"


def test_no_copy_of_the_credentials_file_left_in_memory(ctx):
    # A marker only the file holds: once parsed, the buffer that read it is wiped,
    # and no stdio buffer (freed, never cleared) keeps the text.
    marker = b"# lkedoc-marker-" + os.urandom(8).hex().encode()
    # (after the keys: a freed stdio buffer's first bytes are reused by malloc's bookkeeping)
    path = credentials_file(ctx, GOOD + marker + b"\n")
    s = Stalled(ctx, env(ctx, with_keys=False, TENCENTCLOUD_CREDENTIALS_FILE=path))
    try:
        mem = s.memory()
    finally:
        s.stop()
    assert SECRET_ID.encode() in mem, "the scan did not see the process's memory"
    assert marker not in mem, "the credentials file's text is still in memory"
