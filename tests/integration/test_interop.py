# SPDX-License-Identifier: MIT
"""The CLI against two independent TLS servers on 127.0.0.1: Debian's
`openssl s_server` (tests/mock/openssl_peer.py, run with -trace) and Python's
ssl module (tests/mock/pyssl_peer.py), each serving a fixed
GetReconstructDocumentResult answer, with certificates made at test time.

Every case runs on both servers and checks both sides: the CLI's exit status
and message, and what the server saw of the handshake (protocol, key shares,
hello retry, certificates sent, signature scheme; tests/mock/tls_trace.py).

The CLI is LKEDOC_CLI (default build/lkedoc); its mbedTLS generation is read
from the binary.  On 3.x every case runs at TLS 1.2 and at 1.3; on 2.28 at 1.2,
and a server that speaks only 1.3 must be refused with a clear message.
"""
import os
import re
import shutil
import subprocess
import tempfile

import tls_trace
from openssl_peer import Pki, SServer
from pyssl_peer import PySslServer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI = os.environ.get("LKEDOC_CLI", os.path.join(ROOT, "build", "lkedoc"))
HOST = "lke.intl.tencentcloudapi.com"
TASK = "task-interop"
BODY = b'{"Response":{"Status":"Processing","RequestId":"req-interop-1"}}'
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(BODY), BODY)
SERVERS = ("s_server", "python")
NOT_TRUSTED = "The certificate is not correctly signed by the trusted CA"


class Ctx:
    pass


def mbedtls_generation(cli):
    """3 when the CLI carries mbedTLS 3.x (PSA), else 2."""
    syms = subprocess.run(["nm", cli], capture_output=True, text=True, check=True).stdout
    return 3 if re.search(r" T psa_crypto_init$", syms, re.M) else 2


def setup_suite():
    ctx = Ctx()
    ctx.tmp = tempfile.mkdtemp(prefix="lkedoc-interop-")
    ctx.home = os.path.join(ctx.tmp, "home")
    os.mkdir(ctx.home)
    ctx.generation = mbedtls_generation(CLI)
    ctx.versions = ("1.2", "1.3") if ctx.generation == 3 else ("1.2",)
    pki = Pki(ctx.tmp)
    rsa_ca = pki.ca("rsa-ca", key="rsa:2048")
    ec_ca = pki.ca("ec-ca", key="ec:P-256")
    p384_ca = pki.ca("p384-ca", key="ec:P-384", md="sha384")
    ctx.leaves = {
        "p256": pki.leaf("p256", ec_ca, HOST, key="ec:P-256"),
        "p384": pki.leaf("p384", p384_ca, HOST, key="ec:P-384", md="sha384"),
        "rsa2048": pki.leaf("rsa2048", rsa_ca, HOST, key="rsa:2048"),
        "rsa4096": pki.leaf("rsa4096", rsa_ca, HOST, key="rsa:4096"),
    }
    # The service's shape: an RSA root the client trusts, an intermediate the
    # server must send, the leaf.
    inter = pki.ca("rsa-inter", key="rsa:2048", issuer=rsa_ca)
    ctx.chained = pki.leaf("chained", inter, HOST, key="rsa:2048")
    ctx.intermediate = inter
    return ctx


def teardown_suite(ctx):
    if ctx:
        shutil.rmtree(ctx.tmp, ignore_errors=True)


class Outcome:
    """One CLI run against one server: the process and what the server saw."""

    def __init__(self, proc, requests, handshake, negotiated, server_text):
        self.proc, self.requests, self.handshake, self.negotiated = proc, requests, handshake, negotiated
        self.why = (f"exit {proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}\n"
                    f"negotiated {negotiated}, {handshake}\nserver:\n{server_text[-6000:]}")


def run_cli(ctx, port, ca):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": ctx.home, "LC_ALL": "C.UTF-8",
           "TENCENTCLOUD_SECRET_ID": "AKIDLKEDOCINTEROP000000000000000000", "TENCENTCLOUD_SECRET_KEY": "k" * 32}
    cmd = [CLI, "--endpoint", f"{HOST}:{port}", "--resolve", f"{HOST}:{port}:127.0.0.1",
           "--ca-file", ca, "--timeout", "5", "status", TASK]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30, env=env)


def against(ctx, server, cert, versions, chain=None, group=None):
    """The CLI's status call against server ("s_server" or "python") serving
    cert (and the extra certificates in chain, a PEM file) at the TLS
    versions given, taking only group when given; the CLI trusts cert's root."""
    ca = cert.ca_pem
    if server == "s_server":
        args = ["-trace"] + {("1.2",): ["-tls1_2"], ("1.3",): ["-tls1_3"]}.get(tuple(versions), [])
        if chain:
            args += ["-cert_chain", chain]
        if group:
            args += ["-groups", group]
        with SServer(cert, args, answer=ANSWER, tls12=False) as srv:
            proc = run_cli(ctx, srv.port, ca)
        text = srv.output
        m = re.search(r"^CIPHER is (\S+)$", text, re.M)
        negotiated = None
        if m:
            negotiated = ("TLSv1.3" if m.group(1).startswith("TLS_") else "TLSv1.2", m.group(1))
        return Outcome(proc, srv.requests(), tls_trace.from_s_server_trace(text), negotiated, text)
    full = cert.pem
    if chain:
        full = os.path.join(ctx.tmp, "py-chain.pem")
        with open(full, "w") as f:
            f.write(open(cert.pem).read() + open(chain).read())
    with PySslServer(full, cert.key, versions=versions, group=group, answer=ANSWER) as srv:
        proc = run_cli(ctx, srv.port, ca)
    text = "errors: %s\nreceived: %r" % (srv.errors, srv.received)
    return Outcome(proc, srv.requests(), srv.handshake, srv.negotiated, text)


def connects(out, version):
    """The handshake succeeded at version, one request got through, and the
    CLI printed the answer."""
    assert out.proc.returncode == 0, out.why
    assert out.requests == 1, out.why
    assert out.negotiated is not None and out.negotiated[0] == "TLSv" + version, out.why
    assert f"Task:       {TASK}\n" in out.proc.stdout and "Status:     Processing\n" in out.proc.stdout, out.why
    assert "RequestId:  req-interop-1" in out.proc.stdout, out.why


def refused(out, *messages):
    """Exit 4 with each message on stderr, and nothing reached the server."""
    assert out.proc.returncode == 4, out.why
    assert out.requests == 0, out.why
    for m in messages:
        assert m in out.proc.stderr, out.why


def refused_as_tls13_only(out):
    # mbedTLS 2.28 has no TLS 1.3: the server's protocol_version alert, in the refusal's words on the
    # failure's line (its code, -0x7780, is --verbose's).
    refused(out, "lkedoc: TLS failure (host ", "): the server does not accept TLS 1.2, the only version this client speaks")
    assert "mbedTLS -0x" not in out.proc.stderr, out.why


# ---- protocol versions --------------------------------------------------------------


def test_tls13_only_server(ctx):
    for server in SERVERS:
        out = against(ctx, server, ctx.leaves["p256"], ("1.3",))
        if ctx.generation == 2:
            refused_as_tls13_only(out)
            continue
        connects(out, "1.3")
        assert out.negotiated[1] in ("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                     "TLS_CHACHA20_POLY1305_SHA256"), out.why
        assert not out.handshake.hrr, out.why


def test_tls12_only_server_with_rsa_2048(ctx):
    # A client offering 1.2 and 1.3 must fall back cleanly to 1.2 with an RSA
    # certificate (mbedTLS 3.6.6 aborted here).
    for server in SERVERS:
        out = against(ctx, server, ctx.leaves["rsa2048"], ("1.2",))
        connects(out, "1.2")
        assert out.negotiated[1].startswith("ECDHE-RSA-"), out.why
        assert out.handshake.certificates == 1, out.why


# ---- leaf keys, at each version the CLI speaks -------------------------------------


def leaf_connects(ctx, name, schemes_13):
    """The leaf `name` connects at every version, on both servers; under 1.3
    the server signed with one of schemes_13."""
    for server in SERVERS:
        for version in ctx.versions:
            out = against(ctx, server, ctx.leaves[name], (version,))
            connects(out, version)
            assert out.handshake.signature is not None, out.why
            if version == "1.3":
                assert out.handshake.signature in schemes_13, out.why


def test_ecdsa_p256_leaf(ctx):
    leaf_connects(ctx, "p256", (tls_trace.ECDSA_P256_SHA256,))


def test_ecdsa_p384_leaf(ctx):
    # Under 1.3 a P-384 key signs with ecdsa_secp384r1_sha384 only: the client must offer it.
    leaf_connects(ctx, "p384", (tls_trace.ECDSA_P384_SHA384,))


def test_rsa_2048_leaf(ctx):
    # Under 1.3 an RSA key signs with RSA-PSS only.
    leaf_connects(ctx, "rsa2048", tls_trace.RSA_PSS)


def test_rsa_4096_leaf(ctx):
    leaf_connects(ctx, "rsa4096", tls_trace.RSA_PSS)


# ---- chains --------------------------------------------------------------------------


def test_chain_with_an_intermediate(ctx):
    # The client trusts the root only; the server sends the leaf and the intermediate.
    for server in SERVERS:
        for version in ctx.versions:
            out = against(ctx, server, ctx.chained, (version,), chain=ctx.intermediate.pem)
            connects(out, version)
            assert out.handshake.certificates == 2, out.why


def test_server_omitting_the_intermediate_refused(ctx):
    for server in SERVERS:
        for version in ctx.versions:
            out = against(ctx, server, ctx.chained, (version,))
            refused(out, f"lkedoc: server certificate did not verify (host {HOST}, port ", ": " + NOT_TRUSTED)
            assert out.handshake.certificates == 1, out.why


# ---- key exchange ------------------------------------------------------------------


def test_hello_retry_request(ctx):
    # The server takes P-384 only; the client's first ClientHello carries a
    # key share for its first group (x25519) alone, so a 1.3 server must ask
    # again (HelloRetryRequest) and the second ClientHello carries P-384.
    for server in SERVERS:
        out = against(ctx, server, ctx.leaves["p256"], ("1.3",), group="secp384r1")
        if ctx.generation == 2:
            refused_as_tls13_only(out)
            continue
        connects(out, "1.3")
        hs = out.handshake
        assert hs.hrr, out.why
        assert len(hs.client_shares) == 2, out.why
        p384 = 24  # its TLS group number
        assert p384 not in hs.client_shares[0] and hs.client_shares[1] == [p384], out.why
