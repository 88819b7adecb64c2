# SPDX-License-Identifier: MIT
"""A TLS server's deterministic refusals, and IP-literal endpoints, against
Debian's `openssl s_server` (tests/mock/openssl_peer.py) with certificates made
at test time.

A refusal over the server's parameters (protocol version, no common suite or
group, a client certificate required) is tried once, by no layer again, and
the CLI says it in words (lkd_client_tls_detail's policy sentence); the mbedTLS
code appears only with --verbose.  nginx's `ssl_verify_client on` (the handshake
completes after a CertificateRequest, the answer is nginx's own HTTP 400 page) is
met with a real nginx (Debian's, run as the test's own process), and played by
s_server -verify (asks, does not insist) answering that page under TLS 1.3 too;
`ssl_verify_client optional` with a 400 of another cause says nothing of a
certificate.

An IP literal as the endpoint is sent without SNI (s_server -servername_fatal
aborts a handshake whose SNI is not its name) and matches only an iPAddress
subjectAltName: a DNS name "127.0.0.1" or a CN 127.0.0.1 does not.  Each case
runs with the default build's CLI and the mbedTLS 2.28 one (build/sys/lkedoc,
built here as test_mbed2 builds it), whose client speaks TLS 1.2 only.
"""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time

from openssl_peer import Pki, SServer, free_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.environ.get("LKEDOC_CLI", os.path.join(ROOT, "build", "lkedoc"))
SYS_CLI = os.path.join(ROOT, "build", "sys", "lkedoc")
HOST = "lke.intl.tencentcloudapi.com"
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
# What nginx answers a request without the client certificate it wants.
NGINX_400 = (b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: 38\r\nConnection: close\r\n\r\n"
             b"No required SSL certificate was sent\r\n")

ONLY_11 = "the server accepts only TLS 1.1; this client needs TLS 1.2 or later"
NEITHER = "the server accepts neither TLS 1.2 nor TLS 1.3"
ONLY_12_SPOKEN = "the server does not accept TLS 1.2, the only version this client speaks"
CLIENT_CERT = "the server requires a client certificate, and this client has none to send"
CLIENT_CERT_400 = ("the server asked for a client certificate during the handshake and refused the request "
                   "(HTTP 400): it most likely requires one")
NO_COMMON = "no cipher suite or key-exchange group in common with the server: this client allows TLS 1.2+, ECDHE"
NOT_THIS_IP = "the server's certificate does not name this IP address"


class Ctx:
    pass


def setup_suite():
    ctx = Ctx()
    ctx.tmp = tempfile.mkdtemp(prefix="lkedoc-tlsref-")
    ctx.home = os.path.join(ctx.tmp, "home")
    os.mkdir(ctx.home)
    pki = Pki(ctx.tmp)
    ctx.ca = pki.ca("ca")
    ctx.leaf = pki.leaf("api", ctx.ca, HOST)
    ctx.ip4 = pki.leaf("ip4", ctx.ca, "lkedoc-ip4", san="IP:127.0.0.1")
    ctx.ip6 = pki.leaf("ip6", ctx.ca, "lkedoc-ip6", san="IP:::1")
    ctx.dns_ip = pki.leaf("dns-ip", ctx.ca, "127.0.0.1", san="DNS:127.0.0.1")
    ctx.cn_ip = pki.leaf("cn-ip", ctx.ca, "127.0.0.1", san="")
    # The 2.28 CLI is built, not looked for: a missing one would pass half the cases silently.
    proc = subprocess.run(["make", "-s", "-j2", "MBEDTLS=system", "build/sys/lkedoc"], cwd=ROOT,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("make MBEDTLS=system build/sys/lkedoc failed:\n" + proc.stdout + proc.stderr)
    ctx.clis = [("3", CLI), ("2", SYS_CLI)]
    if shutil.which("nginx") is None:
        raise RuntimeError("nginx is missing (tests/tools/deps.sh installs it)")
    return ctx


def teardown_suite(ctx):
    if ctx:
        shutil.rmtree(ctx.tmp, ignore_errors=True)


def run_cli(ctx, cli, endpoint, *extra):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": ctx.home, "LC_ALL": "C.UTF-8",
           "TENCENTCLOUD_SECRET_ID": "AKIDLKEDOCTLSREFUSAL000000000000000", "TENCENTCLOUD_SECRET_KEY": "k" * 32}
    cmd = [cli, "--endpoint", endpoint, "--ca-file", ctx.ca.pem, "--timeout", "10"] + list(extra) + ["status", "t1"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)


def against(ctx, cli, args, tls12, answer=ANSWER, verbose=False, says="ERROR"):
    """The CLI (by name, through --resolve) against s_server(args)."""
    with SServer(ctx.leaf, args, answer=answer, tls12=tls12) as srv:
        extra = ["--resolve", f"{HOST}:{srv.port}:127.0.0.1"] + (["--verbose"] if verbose else [])
        proc = run_cli(ctx, cli, f"{HOST}:{srv.port}", *extra)
        if proc.returncode == 4:
            srv.wait_for(says, timeout=5)  # s_server prints its refusal (a line after ERROR) after sending it
    return proc, srv


def refused_once(ctx, args, tls12, sentence, server_says):
    """Exit 4 with the sentence (per generation), tried once (s_server saw one
    handshake fail; the verbose log connects once), the mbedTLS code only
    with --verbose."""
    for gen, cli in ctx.clis:
        proc, srv = against(ctx, cli, args, tls12, says=server_says[gen])
        why = f"mbedTLS {gen}: exit {proc.returncode}\nstderr: {proc.stderr}\ns_server:\n{srv.output}"
        assert proc.returncode == 4 and "lkedoc: TLS failure" in proc.stderr, why
        assert f"): {sentence[gen]}" in proc.stderr, why  # on the failure's line
        assert "mbedTLS -0x" not in proc.stderr, why
        assert srv.requests() == 0, why
        assert srv.output.count(server_says[gen]) == 1, why
        proc, srv = against(ctx, cli, args, tls12, verbose=True)
        why = f"mbedTLS {gen} --verbose: exit {proc.returncode}\nstderr: {proc.stderr}\ns_server:\n{srv.output}"
        assert proc.returncode == 4 and "lkedoc: mbedTLS error -0x7780" in proc.stderr, why
        assert proc.stderr.count("* connecting to ") == 1 and "0 retried" in proc.stderr, why


# ---- refusals over the server's parameters ------------------------------------------


def test_tls11_only_server(ctx):
    # 3.6 offers 1.2 and 1.3 in supported_versions: OpenSSL answers protocol_version.
    # 2.28 offers 1.2 as the legacy version: OpenSSL picks 1.1, finds no 1.1 suite among
    # the client's AEAD ones and says handshake_failure in a TLS 1.1 record.  Only under
    # protocol_version is a record's version taken for the server's choice (other early alerts
    # come in 0x0301 records), so this is said as what the server said: no suite in common.
    refused_once(ctx, ["-tls1_1", "-cipher", "ALL:@SECLEVEL=0"], False, {"3": NEITHER, "2": NO_COMMON},
                 {"3": "unsupported protocol", "2": "no shared cipher"})


def hello_server(version, record=None):
    """A listener that answers every ClientHello with a bare ServerHello of the
    given version (what a server whose newest version is older than the
    client's minimum sends), or with record's bytes; returns (port,
    connection count, stop)."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(8)
    ls.settimeout(0.2)
    seen, stop = [0], threading.Event()
    body = version.to_bytes(2, "big") + bytes(32) + b"\x00" + b"\x00\x2f" + b"\x00"
    hello = b"\x02" + len(body).to_bytes(3, "big") + body
    record = record or b"\x16" + version.to_bytes(2, "big") + len(hello).to_bytes(2, "big") + hello

    def serve():
        while not stop.is_set():
            try:
                c, _ = ls.accept()
            except OSError:
                continue
            seen[0] += 1
            with c:
                c.settimeout(2)
                try:
                    c.recv(65536)
                    c.sendall(record)
                    c.recv(64)  # the client's alert, or its close
                except OSError:
                    pass
        ls.close()

    threading.Thread(target=serve, daemon=True).start()
    return ls.getsockname()[1], seen, stop


def test_server_hello_of_tls11(ctx):
    # The client refuses the version itself (MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION, -0x6E80 on
    # both generations): once, not retried with backoff, and the version read from the
    # ServerHello is said.
    for gen, cli in ctx.clis:
        port, seen, stop = hello_server(0x0302)
        try:
            proc = run_cli(ctx, cli, f"{HOST}:{port}", "--resolve", f"{HOST}:{port}:127.0.0.1", "--verbose")
        finally:
            stop.set()
        why = f"mbedTLS {gen}: exit {proc.returncode}, {seen[0]} connections\nstderr: {proc.stderr}"
        assert proc.returncode == 4 and "lkedoc: mbedTLS error -0x6e80" in proc.stderr, why
        assert f"): {ONLY_11}\n" in proc.stderr, why
        assert seen[0] == 1 and proc.stderr.count("* connecting to ") == 1, why


def test_code_without_words_said_once_under_verbose(ctx):
    # An answer that is no TLS at all has no sentence: the failure's line carries
    # the mbedTLS code, and --verbose does not print it a second time.
    for gen, cli in ctx.clis:
        port, _, stop = hello_server(0, b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        try:
            proc = run_cli(ctx, cli, f"{HOST}:{port}", "--resolve", f"{HOST}:{port}:127.0.0.1", "--verbose")
        finally:
            stop.set()
        why = f"mbedTLS {gen}: exit {proc.returncode}\nstderr: {proc.stderr}"
        codes = re.findall(r"-0x[0-9a-f]{4}", proc.stderr)
        assert proc.returncode == 4 and "lkedoc: TLS failure" in proc.stderr, why
        assert len(codes) == 1 and f"(mbedTLS {codes[0]})" in proc.stderr, why
        assert "lkedoc: mbedTLS error" not in proc.stderr, why


def test_client_certificate_required_tls12(ctx):
    refused_once(ctx, ["-Verify", "1"], True, {"3": CLIENT_CERT, "2": CLIENT_CERT},
                 {"3": "peer did not return a certificate", "2": "peer did not return a certificate"})


def test_client_certificate_required_tls13(ctx):
    # 1.3's CertificateRequest is encrypted: the alert certificate_required says it
    # (after a handshake the client saw complete).  2.28 cannot speak 1.3.
    refused_once(ctx, ["-Verify", "1", "-tls1_3"], False, {"3": CLIENT_CERT, "2": ONLY_12_SPOKEN},
                 {"3": "peer did not return a certificate", "2": "unsupported protocol"})


def test_no_common_suite(ctx):
    refused_once(ctx, ["-cipher", "AES128-SHA"], True, {"3": NO_COMMON, "2": NO_COMMON},
                 {"3": "no shared cipher", "2": "no shared cipher"})


def test_no_common_group(ctx):
    # The server says handshake_failure as for no common suite: the sentence names both.
    refused_once(ctx, ["-groups", "secp521r1"], True, {"3": NO_COMMON, "2": NO_COMMON},
                 {"3": "no shared cipher", "2": "no shared cipher"})


def test_certificate_request_then_http_400(ctx):
    for gen, cli in ctx.clis:
        for args, tls12 in ((["-verify", "1"], True), (["-verify", "1", "-tls1_3"], False)):
            if gen == "2" and not tls12:
                continue
            proc, srv = against(ctx, cli, args, tls12, answer=NGINX_400)
            why = f"mbedTLS {gen} {args}: exit {proc.returncode}\nstderr: {proc.stderr}\ns_server:\n{srv.output}"
            assert proc.returncode == 6 and "unexpected HTTP status 400" in proc.stderr, why
            assert f"unexpected HTTP status 400 (host {HOST}, port {srv.port}): {CLIENT_CERT_400}\n" in proc.stderr, why
            assert srv.requests() == 1, why
        # No CertificateRequest: a 400 is only a 400.
        proc, srv = against(ctx, cli, [], True, answer=NGINX_400)
        assert proc.returncode == 6 and "client certificate" not in proc.stderr, proc.stderr


class Nginx:
    """Debian's nginx as the test's own process (not daemonized, everything under dir),
    TLS on 127.0.0.1:port with the suite's leaf, client certificates checked against its CA."""

    def __init__(self, ctx, verify):
        self.dir = tempfile.mkdtemp(prefix="nginx-", dir=ctx.tmp)
        self.port = free_port()
        d = self.dir
        temps = "".join(f"    {k}_temp_path {d}/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        with open(os.path.join(d, "nginx.conf"), "w") as f:
            f.write(f"""worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log info;
events {{ worker_connections 16; }}
http {{
    access_log {d}/access.log;
{temps}    server {{
        listen 127.0.0.1:{self.port} ssl;
        ssl_certificate {ctx.leaf.pem};
        ssl_certificate_key {ctx.leaf.key};
        ssl_client_certificate {ctx.ca.pem};
        ssl_verify_client {verify};
        location / {{ return 400; }}
    }}
}}
""")
        self.proc = subprocess.Popen(["nginx", "-p", d, "-c", os.path.join(d, "nginx.conf"), "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.close()
                    raise RuntimeError("nginx did not start: " + self.log("error.log"))
                time.sleep(0.05)

    def log(self, name):
        try:
            with open(os.path.join(self.dir, name)) as f:
                return f.read()
        except OSError:
            return ""

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def test_nginx_requiring_a_client_certificate(ctx):
    # ssl_verify_client on: the handshake completes, nginx answers its "No required SSL
    # certificate was sent" 400 page; once, the sentence after the status line.
    for gen, cli in ctx.clis:
        with Nginx(ctx, "on") as ngx:
            proc = run_cli(ctx, cli, f"{HOST}:{ngx.port}", "--resolve", f"{HOST}:{ngx.port}:127.0.0.1")
            access = ngx.log("access.log")
        why = f"mbedTLS {gen}: exit {proc.returncode}\nstderr: {proc.stderr}\naccess.log:\n{access}"
        assert proc.returncode == 6 and "unexpected HTTP status 400" in proc.stderr, why
        assert f"unexpected HTTP status 400 (host {HOST}, port {ngx.port}): {CLIENT_CERT_400}\n" in proc.stderr, why
        assert access.count('"POST / HTTP/1.1" 400') == 1, why


def test_nginx_asking_for_an_optional_certificate(ctx):
    # ssl_verify_client optional asks without requiring: its `return 400` is a 400 of another
    # cause, and the sentence is not said.
    for gen, cli in ctx.clis:
        with Nginx(ctx, "optional") as ngx:
            proc = run_cli(ctx, cli, f"{HOST}:{ngx.port}", "--resolve", f"{HOST}:{ngx.port}:127.0.0.1")
            access = ngx.log("access.log")
        why = f"mbedTLS {gen}: exit {proc.returncode}\nstderr: {proc.stderr}\naccess.log:\n{access}"
        assert proc.returncode == 6 and "unexpected HTTP status 400" in proc.stderr, why
        assert "client certificate" not in proc.stderr, why
        assert '"POST / HTTP/1.1" 400' in access, why


# ---- IP-literal endpoints ------------------------------------------------------------


def no_sni_server(cert, host="127.0.0.1"):
    # Any SNI other than this name ends the handshake with unrecognized_name.
    return SServer(cert, ["-servername", "sni.invalid", "-servername_fatal", "-cert2", cert.pem, "-key2", cert.key],
                   answer=ANSWER, host=host)


def test_ipv4_endpoint_matches_ip_san_without_sni(ctx):
    for gen, cli in ctx.clis:
        with no_sni_server(ctx.ip4) as srv:
            proc = run_cli(ctx, cli, f"127.0.0.1:{srv.port}")
        why = f"mbedTLS {gen}: exit {proc.returncode}\nstderr: {proc.stderr}\ns_server:\n{srv.output}"
        # Through the handshake: s_server's `{}` is a malformed answer.
        assert proc.returncode == 6 and "malformed response" in proc.stderr, why
        assert srv.requests() == 1 and f"\nHost: 127.0.0.1:{srv.port}\r" in srv.output, why
        assert "Hostname in TLS extension" not in srv.output, why


def test_ipv6_endpoint_matches_ip_san_without_sni(ctx):
    for gen, cli in ctx.clis:
        with no_sni_server(ctx.ip6, host="::1") as srv:
            proc = run_cli(ctx, cli, f"https://[::1]:{srv.port}/")
        why = f"mbedTLS {gen}: exit {proc.returncode}\nstderr: {proc.stderr}\ns_server:\n{srv.output}"
        assert proc.returncode == 6 and "malformed response" in proc.stderr, why
        # Bracketed, with the port (not 443), as curl sends it.
        assert srv.requests() == 1 and f"\nHost: [::1]:{srv.port}\r" in srv.output, why
        assert "Hostname in TLS extension" not in srv.output, why


def test_ip_endpoint_never_matches_dns_name_or_cn(ctx):
    cases = [(ctx.dns_ip, "127.0.0.1"), (ctx.cn_ip, "127.0.0.1"), (ctx.ip4, "::1")]
    for gen, cli in ctx.clis:
        for cert, host in cases:
            with no_sni_server(cert, host=host) as srv:
                where = f"[{host}]" if ":" in host else host
                proc = run_cli(ctx, cli, f"{where}:{srv.port}")
            why = f"mbedTLS {gen} {cert.pem}: exit {proc.returncode}\nstderr: {proc.stderr}\ns_server:\n{srv.output}"
            assert proc.returncode == 4 and "server certificate did not verify" in proc.stderr, why
            assert f": {NOT_THIS_IP}: an address matches only an iPAddress subjectAltName" in proc.stderr, why
            assert srv.requests() == 0, why


def test_name_endpoint_still_sends_sni(ctx):
    # The control: a DNS name is sent as SNI (s_server names what it received).
    with SServer(ctx.leaf, ["-servername", HOST, "-cert2", ctx.leaf.pem, "-key2", ctx.leaf.key],
                 answer=ANSWER) as srv:
        proc = run_cli(ctx, CLI, f"{HOST}:{srv.port}", "--resolve", f"{HOST}:{srv.port}:127.0.0.1")
    assert proc.returncode == 6, proc.stderr
    assert f'Hostname in TLS extension: "{HOST}"' in srv.output, srv.output
