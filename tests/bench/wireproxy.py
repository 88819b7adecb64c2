# SPDX-License-Identifier: MIT
"""A counting proxy on loopback, in front of the mock's API listener (tests/bench/bench.py).

    with CountingProxy(mock.port, mode="tcp") as p: ...        # p.port; p.up / p.down bytes
    with CountingProxy(mock.port, mode="tls", cert=..., key=..., ca=..., sni=...) as p: ...

mode "tcp": forwards TCP bytes untouched and counts them per direction: what crosses the wire
(TLS records: handshake, alerts, application data with their record overhead; no TCP/IP headers).

mode "tls": terminates the client's TLS with the mock's own server certificate and key (the client
verifies it against the mock's CA as usual), opens its own verified TLS connection to the mock for
each client connection and counts the plaintext bytes each way: the HTTP requests and responses,
byte for byte.

`up` is client -> server, `down` server -> client; `connections` counts accepted connections.
"""
import select
import socket
import ssl
import threading


class CountingProxy:
    def __init__(self, target_port, mode="tcp", cert=None, key=None, ca=None, sni=None, host="127.0.0.1"):
        if mode not in ("tcp", "tls"):
            raise ValueError("mode is tcp or tls")
        self.target = (host, target_port)
        self.mode = mode
        self.sni = sni
        self.up = 0
        self.down = 0
        self.connections = 0
        self.lock = threading.Lock()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((host, 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.server_ctx = self.client_ctx = None
        if mode == "tls":
            self.server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.server_ctx.load_cert_chain(cert, key)
            self.client_ctx = ssl.create_default_context(cafile=ca)
        self.closing = False
        self.threads = []
        self.acceptor = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self):
        self.acceptor.start()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        self.closing = True
        try:
            self.listener.close()
        except OSError:
            pass
        for t in self.threads:
            t.join(5)

    def reset(self):
        with self.lock:
            self.up = self.down = self.connections = 0

    def counts(self):
        with self.lock:
            return {"up": self.up, "down": self.down, "connections": self.connections}

    def _add(self, field, n):
        with self.lock:
            setattr(self, field, getattr(self, field) + n)

    def _accept(self):
        while not self.closing:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self._add("connections", 1)
            t = threading.Thread(target=self._serve, args=(client,), daemon=True)
            self.threads.append(t)
            t.start()

    def _serve(self, client):
        server = None
        try:
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            server = socket.create_connection(self.target, timeout=10)
            server.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.mode == "tls":
                client.settimeout(10)
                client = self.server_ctx.wrap_socket(client, server_side=True)
                server = self.client_ctx.wrap_socket(server, server_hostname=self.sni)
            client.settimeout(None)
            server.settimeout(None)
            self._pump(client, server)
        except (OSError, ssl.SSLError):
            pass
        finally:
            for s in (client, server):
                if s is not None:
                    try:
                        s.close()
                    except OSError:
                        pass

    @staticmethod
    def _read(sock):
        """What is available now (b"" at EOF); an SSL socket is drained of its buffered records too."""
        data = sock.recv(65536)
        if data and isinstance(sock, ssl.SSLSocket):
            while sock.pending():
                data += sock.recv(sock.pending())
        return data

    def _pump(self, client, server):
        pairs = {client: (server, "up"), server: (client, "down")}
        while not self.closing:
            ready = [s for s in pairs if isinstance(s, ssl.SSLSocket) and s.pending()]
            if not ready:
                ready, _, _ = select.select(list(pairs), [], [], 0.5)
            for s in ready:
                try:
                    data = self._read(s)
                except ssl.SSLWantReadError:
                    continue
                if not data:
                    return
                other, field = pairs[s]
                other.sendall(data)
                self._add(field, len(data))
