# SPDX-License-Identifier: MIT
"""A second independent TLS server for the tests: Python's ssl module, on
127.0.0.1, shaped like openssl_peer.SServer.

    with PySslServer(chain_pem, key, versions=("1.2", "1.3"), group="secp384r1", answer=ANSWER) as srv:
        ... connect to 127.0.0.1:srv.port ...
    srv.requests()      # HTTP requests that reached it (their bytes: srv.received)
    srv.handshake       # tls_trace.Handshake of the first connection
    srv.negotiated      # ("TLSv1.3", "TLS_AES_128_GCM_SHA256") of the first connection, or None
    srv.errors          # why handshakes failed, as Python's ssl says

chain_pem holds the server's certificate and whatever certificates it sends
after it.  group, when given, is the only key-exchange group the server takes
(a client whose first ClientHello has no share for it gets a hello retry
request under TLS 1.3).  The handshake messages are read through
SSLContext._msg_callback, CPython's (3.8+) debugging hook over OpenSSL's
message callback, which sees TLS 1.3's encrypted handshake in the clear.
"""
import re
import socket
import ssl
import threading

import tls_trace

VERSIONS = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}
HEADERS_END = b"\r\n\r\n"


class PySslServer:
    def __init__(self, chain_pem, key, versions=("1.2", "1.3"), group=None, answer=None):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version, ctx.maximum_version = VERSIONS[versions[0]], VERSIONS[versions[-1]]
        ctx.load_cert_chain(chain_pem, key)
        if group is not None:
            ctx.set_ecdh_curve(group)
        ctx.options |= ssl.OP_NO_TICKET
        ctx._msg_callback = self._message
        self.ctx, self.answer = ctx, answer
        self.port = None
        self.received = []
        self.errors = []
        self.negotiated = None
        self._connections = []  # per connection: [(sent_by_server, message)]
        self._lock = threading.Lock()

    def _message(self, conn, direction, version, content_type, msg_type, data):
        if content_type == ssl._TLSContentType.HANDSHAKE and self._connections:
            with self._lock:
                self._connections[-1].append((direction == "write", bytes(data)))

    def start(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        return self

    def _serve(self):
        while True:
            try:
                raw, _ = self.sock.accept()
            except OSError:
                return  # stopped
            with self._lock:
                self._connections.append([])
            raw.settimeout(10)
            try:
                with self.ctx.wrap_socket(raw, server_side=True) as conn:
                    if self.negotiated is None:
                        self.negotiated = (conn.version(), conn.cipher()[0])
                    self._answer(conn)
            except (ssl.SSLError, OSError) as e:
                self.errors.append(str(e))
            finally:
                raw.close()

    def _answer(self, conn):
        buf = b""
        while True:
            while HEADERS_END not in buf:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buf += chunk
            head, _, buf = buf.partition(HEADERS_END)
            n = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
            need = int(n.group(1)) if n else 0
            while len(buf) < need:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buf += chunk
            self.received.append(head + HEADERS_END + buf[:need])
            buf = buf[need:]
            if self.answer is not None:
                conn.sendall(self.answer)

    def requests(self):
        return len(self.received)

    @property
    def handshake(self):
        with self._lock:
            messages = list(self._connections[0]) if self._connections else []
        return tls_trace.from_messages(messages)

    def stop(self):
        # shutdown wakes the thread blocked in accept (close alone does not).
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.thread.join(10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
