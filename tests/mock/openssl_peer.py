# SPDX-License-Identifier: MIT
"""An independent TLS peer for the tests: Debian's `openssl s_server`, and a
throwaway PKI made with the openssl command line at test time.

    pki = Pki(tmpdir)
    ca = pki.ca("rsa-ca", key="rsa:2048")
    leaf = pki.leaf("api", ca, "lke.intl.tencentcloudapi.com", key="ec:P-256", md="sha256")
    with SServer(leaf, ["-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"]) as srv:
        ... connect to 127.0.0.1:srv.port ...
    srv.output          # everything s_server printed (handshake summaries, received bytes)
    srv.requests()      # how many HTTP request lines reached it

s_server runs without -www: it prints what the client sends (so a request that
got through the handshake is seen), and, when `answer` is given, writes it back
as soon as a request line arrives, so the client gets an HTTP answer instead of
waiting for its deadline.  It listens on 127.0.0.1 only.
"""
import os
import re
import socket
import subprocess
import threading
import time

# Key specifications: "ec:CURVE" (an OpenSSL curve name) or "rsa:BITS".
REQUEST_LINE = re.compile(rb"^(GET|POST|PUT|HEAD) \S+ HTTP/1\.1\r?$", re.M)


def openssl(*args, cwd=None):
    r = subprocess.run(["openssl"] + list(args), cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)}: {r.stderr}")
    return r.stdout


def _genkey(path, key):
    kind, arg = key.split(":", 1)
    if kind == "ec":
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", f"ec_paramgen_curve:{arg}",
                "-pkeyopt", "ec_param_enc:named_curve", "-out", path)
    elif kind == "rsa":
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", f"rsa_keygen_bits:{arg}", "-out", path)
    else:
        raise ValueError(key)


class Cert:
    def __init__(self, pem, key, ca_pem=None):
        self.pem, self.key = pem, key
        self.ca_pem = ca_pem or pem  # the file a client trusts for it


class Pki:
    def __init__(self, directory):
        self.dir = directory
        self.serial = int.from_bytes(os.urandom(6), "big")

    def _path(self, name, ext):
        return os.path.join(self.dir, f"{name}.{ext}")

    def ca(self, name, key="ec:P-256", md="sha256", issuer=None):
        """A CA certificate: self-signed, or an intermediate issued by issuer
        (a CA's Cert; its ca_pem is then the issuer's trust anchor)."""
        k, pem = self._path(name, "key"), self._path(name, "pem")
        _genkey(k, key)
        if issuer is None:
            openssl("req", "-x509", "-new", "-key", k, f"-{md}", "-days", "30", "-subj", f"/O=lkedoc tests/CN={name}",
                    "-addext", "basicConstraints=critical,CA:TRUE",
                    "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", pem)
            return Cert(pem, k)
        csr, ext = self._path(name, "csr"), self._path(name, "ext")
        with open(ext, "w") as f:
            f.write("basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n")
        openssl("req", "-new", "-key", k, "-subj", f"/O=lkedoc tests/CN={name}", "-out", csr)
        self.serial += 1
        openssl("x509", "-req", "-in", csr, "-CA", issuer.pem, "-CAkey", issuer.key, "-set_serial", str(self.serial),
                "-days", "30", f"-{md}", "-extfile", ext, "-out", pem)
        return Cert(pem, k, issuer.ca_pem)

    def leaf(self, name, ca, dns, key="ec:P-256", md="sha256", eku="serverAuth", key_usage=None, san=None):
        """A server certificate for the DNS name dns, issued by ca (a Cert:
        a root or an intermediate; the leaf's ca_pem is the root's).  san
        replaces the subjectAltName "DNS:dns" ("IP:127.0.0.1"; "" for none:
        then only the CN, dns, names it)."""
        k, pem, csr, ext = (self._path(name, e) for e in ("key", "pem", "csr", "ext"))
        _genkey(k, key)
        if key_usage is None:
            key_usage = "digitalSignature" if key.startswith("ec") else "digitalSignature,keyEncipherment"
        with open(ext, "w") as f:
            f.write((f"subjectAltName={san if san is not None else 'DNS:' + dns}\n" if san != "" else "") +
                    "basicConstraints=critical,CA:FALSE\n"
                    f"keyUsage=critical,{key_usage}\nextendedKeyUsage={eku}\n")
        openssl("req", "-new", "-key", k, "-subj", f"/O=lkedoc tests/CN={dns}", "-out", csr)
        self.serial += 1
        openssl("x509", "-req", "-in", csr, "-CA", ca.pem, "-CAkey", ca.key, "-set_serial", str(self.serial),
                "-days", "30", f"-{md}", "-extfile", ext, "-out", pem)
        return Cert(pem, k, ca.ca_pem)


def free_port(host="127.0.0.1"):
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class SServer:
    """openssl s_server on 127.0.0.1 with one certificate and the given
    options (TLS 1.2 only unless args say otherwise), or on host ("::1")."""

    def __init__(self, cert, args=(), answer=None, tls12=True, host="127.0.0.1"):
        self.cert, self.args, self.answer, self.tls12 = cert, list(args), answer, tls12
        self.host = host
        self.port = None
        self.proc = None
        self._out = bytearray()
        self._lock = threading.Lock()
        self._answered = 0

    def start(self):
        for _ in range(5):
            self.port = free_port(self.host)
            where = f"[{self.host}]" if ":" in self.host else self.host
            cmd = ["openssl", "s_server", "-accept", f"{where}:{self.port}", "-cert", self.cert.pem,
                   "-key", self.cert.key, "-no_ticket"] + (["-tls1_2"] if self.tls12 else []) + self.args
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT)
            threading.Thread(target=self._read, daemon=True).start()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.proc.poll() is None and b"ACCEPT" not in self.output_bytes():
                time.sleep(0.02)
            if b"ACCEPT" in self.output_bytes() and self.proc.poll() is None:
                return self
            self.stop()
            if b"ddress already in use" not in self.output_bytes():
                break
        raise RuntimeError("s_server did not start: " + self.output)

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(65536)
            if not chunk:
                return
            with self._lock:
                self._out += chunk
                seen = len(REQUEST_LINE.findall(bytes(self._out)))
            if self.answer is not None and seen > self._answered:
                self._answered = seen
                try:
                    self.proc.stdin.write(self.answer)
                    self.proc.stdin.flush()
                except OSError:
                    pass

    def output_bytes(self):
        with self._lock:
            return bytes(self._out)

    @property
    def output(self):
        return self.output_bytes().decode("utf-8", "replace")

    def requests(self):
        return len(REQUEST_LINE.findall(self.output_bytes()))

    def wait_for(self, text, timeout=5.0):
        """True once s_server has printed text: it reports a failed handshake
        after sending its alert, so a client may be done before the line is."""
        deadline = time.monotonic() + timeout
        while text.encode() not in self.output_bytes():
            if time.monotonic() >= deadline or self.proc.poll() is not None:
                return text.encode() in self.output_bytes()
            time.sleep(0.02)
        return True

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
