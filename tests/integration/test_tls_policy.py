# SPDX-License-Identifier: MIT
"""The client's TLS policy (core/src/lkd_tls_policy.c) against
an independent TLS server: Debian's `openssl s_server` (tests/mock/openssl_peer.py),
with certificates made at test time by a throwaway CA, on 127.0.0.1 only.

A refused server must end the CLI with exit 4 and a TLS or certificate message
before any HTTP request reaches it (s_server prints every byte it receives; none
may be a request line).  An accepted one gets the request; s_server then answers
`{}`, which the CLI calls a malformed response (exit 6): the handshake was not
the problem.

A refusal's line carries the policy's sentence (lkd_client_error_detail) and,
for a certificate, mbedTLS's words for every flag beside it.

The EKU tests run the host CLI and the host build of the board's mbedTLS
configuration (build/pool/nomalloc_job, `make tls-pool-build`) against a
certificate whose extended key usage is clientAuth only.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import types

from buildinfo import carries_mbedtls3
from openssl_peer import Pki, SServer, openssl

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "pool"))
CLI = os.environ.get("LKEDOC_CLI", os.path.join(ROOT, "build", "lkedoc"))
POOL_DRIVER = os.path.join(ROOT, "build", "pool", "nomalloc_job")
HOST = "lke.intl.tencentcloudapi.com"
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
# OpenSSL 3 refuses to load weak keys and SHA-1 certificates at Debian's level 2.
WEAK = ":@SECLEVEL=0"

KEPT_SUITES = ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
               "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305"]
KEPT_GROUPS = ["x25519", "secp256r1", "secp384r1"]
# On mbedTLS 3 the client also speaks TLS 1.3 and offers its AEAD suites first.
KEPT_SUITES_13 = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]

NO_SHARED = "no cipher suite or key-exchange group in common with the server: this client allows TLS 1.2+"
BAD_HASH = "is signed with SHA-1, MD5 or another hash this client refuses"
BAD_KEY = "has an RSA key under 2048 bits or an EC key on a curve other than P-256 or P-384"
NOT_SERVER = "is not issued for a TLS server"


class Ctx:
    pass


def setup_suite():
    ctx = Ctx()
    ctx.tmp = tempfile.mkdtemp(prefix="lkedoc-tlspol-")
    ctx.home = os.path.join(ctx.tmp, "home")
    os.mkdir(ctx.home)
    pki = Pki(ctx.tmp)
    ctx.pki = pki
    ctx.ec_ca = pki.ca("ec-ca", key="ec:P-256")
    ctx.rsa_ca = pki.ca("rsa-ca", key="rsa:2048")
    ctx.ec = pki.leaf("ec", ctx.ec_ca, HOST, key="ec:P-256")
    ctx.rsa = pki.leaf("rsa", ctx.rsa_ca, HOST, key="rsa:2048")
    ctx.dh1024 = os.path.join(ctx.tmp, "dh1024.pem")
    # PKCS#3 parameters (a safe prime, well under a second on average): s_server
    # cannot load the X9.42 ones `dhparam -dsaparam` writes, and would then
    # quietly use its own 2048-bit group instead of the weak one under test.
    openssl("dhparam", "-out", ctx.dh1024, "1024")
    return ctx


def teardown_suite(ctx):
    if ctx:
        shutil.rmtree(ctx.tmp, ignore_errors=True)


def run_cli(ctx, srv, ca, timeout_s=2, extra=()):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": ctx.home, "LC_ALL": "C.UTF-8",
           "TENCENTCLOUD_SECRET_ID": "AKIDLKEDOCTLSPOLICY0000000000000000", "TENCENTCLOUD_SECRET_KEY": "k" * 32}
    cmd = [CLI, "--endpoint", f"{HOST}:{srv.port}", "--resolve", f"{HOST}:{srv.port}:127.0.0.1",
           "--ca-file", ca, "--timeout", str(timeout_s), *extra, "status", "task-tls-policy"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30, env=env)


def refused(ctx, cert, args, message, words, server_says=None, extra=()):
    """The CLI against s_server(cert, args): exit 4, one line with message
    and each of words (the policy's sentence, mbedTLS's words for the
    flags), no request reached the server (which printed server_says, when
    given, before it is stopped)."""
    with SServer(cert, args, answer=ANSWER) as srv:
        proc = run_cli(ctx, srv, cert.ca_pem, extra=extra)
        if server_says:
            srv.wait_for(server_says)
    why = f"exit {proc.returncode}\nstderr: {proc.stderr}\ns_server:\n{srv.output}"
    assert srv.requests() == 0, "a request reached the server: " + why
    assert proc.returncode == 4, why
    line = next((x for x in proc.stderr.splitlines() if message in x), "")
    assert all(w in line for w in words), why
    return proc, srv


def handshake_refused(ctx, cert, args, extra=()):
    proc, srv = refused(ctx, cert, args, "lkedoc: TLS failure", [NO_SHARED], server_says="no shared cipher",
                        extra=extra)
    # s_server saw the ClientHello and found nothing in common with it.
    assert "no shared cipher" in srv.output, srv.output
    # ... once: a server's fatal alert is not retried (it would refuse again).
    assert srv.output.count("no shared cipher") == 1, srv.output
    # The sentence has words for it: the code is --verbose's, on its own line.
    if not extra:
        assert "mbedTLS" not in proc.stderr, proc.stderr
    return proc, srv.output


def certificate_refused(ctx, cert, args, detail, sentence):
    # The policy's sentence and mbedTLS's words for the flags, both.
    proc, _ = refused(ctx, cert, args, "lkedoc: server certificate did not verify", [sentence, detail])
    return proc


def accepted(ctx, cert, args, suite, group=None):
    """The handshake with s_server(cert, args) succeeds with suite (and
    group); the request reaches the server, whose `{}` answer is malformed."""
    with SServer(cert, args, answer=ANSWER) as srv:
        proc = run_cli(ctx, srv, cert.ca_pem)
    why = f"exit {proc.returncode}\nstderr: {proc.stderr}\ns_server:\n{srv.output}"
    assert f"CIPHER is {suite}\n" in srv.output, why
    if group is not None:
        assert f"Shared groups: {group}\n" in srv.output, why
    assert srv.requests() == 1 and "X-TC-Action: GetReconstructDocumentResult" in srv.output, why
    assert proc.returncode == 6 and "malformed response" in proc.stderr, why


# ---- what the client offers -------------------------------------------------------


def test_client_hello_offers_only_the_policy(ctx):
    # A server that would take anything prints what the client offered:
    # exactly the six ECDHE+AEAD suites (on mbedTLS 3, after 1.3's three), the
    # three groups, SHA-2 signatures.
    with SServer(ctx.ec, ["-cipher", "ALL" + WEAK], answer=ANSWER) as srv:
        proc = run_cli(ctx, srv, ctx.ec.ca_pem)
    out = srv.output
    lines = {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in out.splitlines() if ":" in line}
    assert proc.returncode == 6, (proc.returncode, proc.stderr, out)
    kept = (KEPT_SUITES_13 if carries_mbedtls3(CLI) else []) + KEPT_SUITES
    assert lines.get("Shared ciphers", "").split(":") == kept, out
    assert lines.get("Supported groups", "").split(":") == KEPT_GROUPS, out
    sigs = lines.get("Signature Algorithms", "").split(":")
    assert sigs and all(s.split("+")[1] in ("SHA256", "SHA384", "SHA512") for s in sigs), sigs


# ---- refused at the handshake: the server has nothing the policy allows ------------


def test_static_rsa_only_server_refused(ctx):
    handshake_refused(ctx, ctx.rsa, ["-cipher", "AES128-GCM-SHA256"])


def test_cbc_only_server_refused(ctx):
    handshake_refused(ctx, ctx.rsa, ["-cipher", "ECDHE-RSA-AES128-SHA256"])


def test_refused_handshake_code_under_verbose(ctx):
    # Whatever the sentence says, --verbose adds mbedTLS's code on a line of its own.
    proc, _ = handshake_refused(ctx, ctx.rsa, ["-cipher", "ECDHE-RSA-AES128-SHA256"], extra=["--verbose"])
    assert re.search(r"^lkedoc: mbedTLS error -0x[0-9a-f]{4}$", proc.stderr, re.M), proc.stderr


def test_dhe_1024_only_server_refused(ctx):
    _, out = handshake_refused(ctx, ctx.rsa, ["-cipher", "DHE-RSA-AES128-GCM-SHA256" + WEAK, "-dhparam", ctx.dh1024])
    assert "Setting temp DH parameters" in out, "s_server did not take the 1024-bit group: " + out


def test_secp224r1_only_server_refused(ctx):
    handshake_refused(ctx, ctx.rsa, ["-cipher", "ECDHE-RSA-AES128-GCM-SHA256" + WEAK, "-groups", "secp224r1"])


# ---- refused at verification: the certificate profile ------------------------------


def test_sha1_signed_certificate_refused(ctx):
    cert = ctx.pki.leaf("sha1", ctx.rsa_ca, HOST, key="rsa:2048", md="sha1")
    certificate_refused(ctx, cert, ["-cipher", "ECDHE-RSA-AES128-GCM-SHA256" + WEAK],
                        "signed with an unacceptable hash", BAD_HASH)


def test_sha224_signed_certificate_refused(ctx):
    # mbedTLS's default profile takes SHA-224; the policy does not.
    cert = ctx.pki.leaf("sha224", ctx.ec_ca, HOST, key="ec:P-256", md="sha224")
    certificate_refused(ctx, cert, ["-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256" + WEAK],
                        "signed with an unacceptable hash", BAD_HASH)


def test_rsa_1024_certificate_refused(ctx):
    cert = ctx.pki.leaf("rsa1024", ctx.rsa_ca, HOST, key="rsa:1024")
    certificate_refused(ctx, cert, ["-cipher", "ECDHE-RSA-AES128-GCM-SHA256" + WEAK],
                        "unacceptable key", BAD_KEY)


def test_weak_key_beside_a_wrong_name_both_said(ctx):
    # The policy's sentence for the key does not hide that the name is wrong too.
    cert = ctx.pki.leaf("rsa1024-other", ctx.rsa_ca, "other.example", key="rsa:1024")
    proc = certificate_refused(ctx, cert, ["-cipher", "ECDHE-RSA-AES128-GCM-SHA256" + WEAK],
                               "unacceptable key", BAD_KEY)
    assert "Common Name (CN) does not match" in proc.stderr, proc.stderr


def test_issuer_key_on_p521_refused(ctx):
    # A P-256 leaf under a P-521 CA: the web PKI's root programs allow P-256
    # and P-384 only, and so does the profile (mbedTLS's default: any curve).
    ca = ctx.pki.ca("p521-ca", key="ec:P-521", md="sha512")
    cert = ctx.pki.leaf("under-p521", ca, HOST, key="ec:P-256", md="sha512")
    if not carries_mbedtls3(CLI):
        certificate_refused(ctx, cert, ["-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"], "unacceptable key", BAD_KEY)
        return
    # The 3.6 build compiles in P-256 and P-384 only (boards/posix/lkd_mbedtls3_config.h):
    # such a root cannot even be loaded, so the CLI stops before it connects.
    with SServer(cert, ["-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"], answer=ANSWER) as srv:
        proc = run_cli(ctx, srv, cert.ca_pem)
    why = f"exit {proc.returncode}\nstderr: {proc.stderr}\ns_server:\n{srv.output}"
    assert proc.returncode == 2 and "no usable CA certificate" in proc.stderr, why
    assert srv.requests() == 0 and "ACCEPT" in srv.output and "CIPHER is" not in srv.output, why


def test_client_auth_only_eku_refused_by_the_host_cli(ctx):
    cert = ctx.pki.leaf("eku-client", ctx.ec_ca, HOST, key="ec:P-256", eku="clientAuth")
    certificate_refused(ctx, cert, ["-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"],
                        "Usage does not match the extendedKeyUsage extension", NOT_SERVER)


# ---- what the policy keeps ----------------------------------------------------------


def test_ecdhe_ecdsa_aes128_gcm_connects(ctx):
    accepted(ctx, ctx.ec, ["-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"], "ECDHE-ECDSA-AES128-GCM-SHA256")


def test_ecdhe_rsa_aes256_gcm_connects(ctx):
    accepted(ctx, ctx.rsa, ["-cipher", "ECDHE-RSA-AES256-GCM-SHA384"], "ECDHE-RSA-AES256-GCM-SHA384")


def test_ecdhe_chacha20_poly1305_connects(ctx):
    accepted(ctx, ctx.ec, ["-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305"], "ECDHE-ECDSA-CHACHA20-POLY1305")
    accepted(ctx, ctx.rsa, ["-cipher", "ECDHE-RSA-CHACHA20-POLY1305"], "ECDHE-RSA-CHACHA20-POLY1305")


def test_each_kept_group_connects(ctx):
    for name, shown in (("X25519", "x25519"), ("P-256", "secp256r1"), ("P-384", "secp384r1")):
        accepted(ctx, ctx.ec, ["-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256", "-groups", name],
                 "ECDHE-ECDSA-AES128-GCM-SHA256", group=shown)


def test_p384_chain_connects(ctx):
    # The largest keys the profile allows: a P-384 CA and leaf, SHA-384.
    ca = ctx.pki.ca("p384-ca", key="ec:P-384", md="sha384")
    cert = ctx.pki.leaf("p384", ca, HOST, key="ec:P-384", md="sha384")
    accepted(ctx, cert, ["-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384"], "ECDHE-ECDSA-AES256-GCM-SHA384")


# ---- the board's mbedTLS configuration (host build, build/pool) --------------------


def pool_job(ctx, cert):
    """build/pool/nomalloc_job (core + the board's mbedTLS config) against
    s_server(cert); (process, summary, server)."""
    proc = subprocess.run(["make", "-s", "tls-pool-build"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    import tls_pool  # noqa: E402  (tests/pool; imports the mock's controller)
    with SServer(cert, ["-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"], answer=ANSWER) as srv:
        where = types.SimpleNamespace(port=srv.port, download_port=srv.port, ca_file=cert.ca_pem)
        proc, summary, _ = tls_pool.run_job(POOL_DRIVER, where, ctx.tmp, "--timeout-ms", "5000", timeout=60)
    return proc, summary, srv


def test_board_config_refuses_client_auth_only_eku(ctx):
    bad = ctx.pki.leaf("eku-client-pool", ctx.ec_ca, HOST, key="ec:P-256", eku="clientAuth")
    proc, s, srv = pool_job(ctx, bad)
    why = f"exit {proc.returncode}\n{proc.stdout}{proc.stderr}\ns_server:\n{srv.output}"
    assert s is not None and s["status"] == "cert" and s["handshakes"] == "0", why
    assert "create failed: server certificate did not verify" in proc.stderr, why
    assert srv.requests() == 0, why
    # The same server with a serverAuth certificate gets the request: only the EKU made the difference.
    good = ctx.pki.leaf("eku-server-pool", ctx.ec_ca, HOST, key="ec:P-256", eku="serverAuth")
    proc, s, srv = pool_job(ctx, good)
    why = f"exit {proc.returncode}\n{proc.stdout}{proc.stderr}\ns_server:\n{srv.output}"
    assert s is not None and s["status"] != "cert" and s["handshakes"] == "1", why
    assert srv.requests() >= 1, why
