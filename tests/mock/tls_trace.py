# SPDX-License-Identifier: MIT
"""What a TLS server saw of one handshake, read either from `openssl s_server
-trace` text (from_s_server_trace) or from the handshake messages themselves
(from_messages: Python's ssl message callback hands them over decrypted).

    hs.client_shares   the key-share groups of each ClientHello, by TLS number
                       (two ClientHellos after a hello retry request)
    hs.hrr             the server answered the first ClientHello with a
                       HelloRetryRequest (a ServerHello whose random is RFC 8446's
                       fixed value)
    hs.certificates    how many certificates the server's Certificate message held
    hs.signature       the scheme of the server's handshake signature
                       (CertificateVerify in 1.3, ServerKeyExchange in 1.2), or None

Both sources read the same protocol fields, so a test asserts the same things
whichever server it drives.
"""
import re

# RFC 8446, 4.1.3: SHA-256 of "HelloRetryRequest".
HRR_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")
GROUPS = {29: "x25519", 23: "secp256r1", 24: "secp384r1", 25: "secp521r1", 30: "x448"}
# Signature schemes (RFC 8446, 4.2.3) a test names.
ECDSA_P256_SHA256, ECDSA_P384_SHA384 = 0x0403, 0x0503
RSA_PSS = (0x0804, 0x0805, 0x0806)

# Handshake message types (RFC 8446, 4).
CLIENT_HELLO, SERVER_HELLO, ENCRYPTED_EXTENSIONS = 1, 2, 8
CERTIFICATE, SERVER_KEY_EXCHANGE, CERTIFICATE_VERIFY = 11, 12, 15
KEY_SHARE = 51


class Handshake:
    def __init__(self):
        self.client_shares = []
        self.hrr = False
        self.certificates = 0
        self.signature = None

    def __repr__(self):
        sig = None if self.signature is None else "0x%04x" % self.signature
        return (f"Handshake(client_shares={self.client_shares}, hrr={self.hrr}, certificates={self.certificates}, "
                f"signature={sig})")


# ---- s_server -trace ----------------------------------------------------------------

_MESSAGE = re.compile(r"^    (\w+), Length=\d+$", re.M)


def from_s_server_trace(text):
    """The first connection's handshake in s_server -trace output."""
    hs = Handshake()
    # Each handshake message's lines run from its title to the next one's.
    marks = list(_MESSAGE.finditer(text))
    for i, m in enumerate(marks):
        body = text[m.end():marks[i + 1].start() if i + 1 < len(marks) else len(text)]
        kind = m.group(1)
        if kind == "ClientHello":
            share = re.search(r"extension_type=key_share\(51\).*?\n((?:\s+NamedGroup: .*\n)*)", body)
            groups = re.findall(r"NamedGroup: .*\((\d+)\)$", share.group(1), re.M) if share else []
            hs.client_shares.append([int(g) for g in groups])
        elif kind == "ServerHello" and len(hs.client_shares) == 1:
            t = re.search(r"gmt_unix_time=0x([0-9A-F]{8})\n\s+random_bytes \(len=28\): ([0-9A-F]{56})", body)
            hs.hrr = hs.hrr or (t is not None and bytes.fromhex(t.group(1) + t.group(2)) == HRR_RANDOM)
        elif kind == "Certificate" and hs.certificates == 0:
            hs.certificates = len(re.findall(r"^        ASN\.1Cert, length=\d+$", body, re.M))
        elif kind in ("CertificateVerify", "ServerKeyExchange") and hs.signature is None:
            s = re.search(r"Signature Algorithm: \S+ \(0x([0-9A-Fa-f]{4})\)", body)
            hs.signature = int(s.group(1), 16) if s else None
        if kind == "Finished" and hs.certificates:
            break  # later connections are not this one
    return hs


# ---- handshake messages ---------------------------------------------------------------


def _u(b, off, n):
    return int.from_bytes(b[off:off + n], "big")


def _client_hello_shares(body):
    off = 2 + 32
    off += 1 + body[off]                       # session id
    off += 2 + _u(body, off, 2)                # cipher suites
    off += 1 + body[off]                       # compression methods
    end = off + 2 + _u(body, off, 2)
    off += 2
    while off + 4 <= end:
        kind, n = _u(body, off, 2), _u(body, off + 2, 2)
        if kind == KEY_SHARE:
            ext, groups, p = body[off + 4:off + 4 + n], [], 2
            while p + 4 <= len(ext):
                groups.append(_u(ext, p, 2))
                p += 4 + _u(ext, p + 2, 2)
            return groups
        off += 4 + n
    return []


def _certificate_count(body, tls13):
    off = 1 + body[0] if tls13 else 0          # 1.3: certificate_request_context
    end = off + 3 + _u(body, off, 3)
    off += 3
    count = 0
    while off + 3 <= end:
        off += 3 + _u(body, off, 3)
        if tls13:
            off += 2 + _u(body, off, 2)        # the entry's extensions
        count += 1
    return count


def from_messages(messages):
    """messages: (sent_by_server, handshake message with its 4-byte header),
    in order, of one connection."""
    hs = Handshake()
    # Only TLS 1.3 servers send EncryptedExtensions (before their Certificate).
    tls13 = any(by_server and msg[0] == ENCRYPTED_EXTENSIONS for by_server, msg in messages)
    for by_server, msg in messages:
        kind, body = msg[0], msg[4:]
        if kind == CLIENT_HELLO and not by_server:
            hs.client_shares.append(_client_hello_shares(body))
        elif kind == SERVER_HELLO and by_server and len(hs.client_shares) == 1:
            hs.hrr = hs.hrr or body[2:34] == HRR_RANDOM
        elif kind == CERTIFICATE and by_server and hs.certificates == 0:
            hs.certificates = _certificate_count(body, tls13)
        elif kind == CERTIFICATE_VERIFY and by_server:
            hs.signature = _u(body, 0, 2)
        elif kind == SERVER_KEY_EXCHANGE and by_server:
            # ECDHE: curve type (1), named curve (2), the point (1 + n), then the scheme.
            hs.signature = _u(body, 4 + body[3], 2)
    return hs
