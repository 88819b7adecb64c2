#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A hostile stand-in for the API host: one scripted misbehaviour per connection.

Python standard library only.  It speaks TLS with the mock's CA-signed server
certificate (build/mock-state/server.pem, made by tests/mock if missing), reads
one request, takes the TaskId from its JSON body and plays the script of that
name: the client under test chooses the case just by asking for that task, so
any number of cases can run at once, in parallel, over one listening port.

    from hostile_server import HostileServer
    with HostileServer() as h:
        # lkedoc --endpoint lke.intl.tencentcloudapi.com:PORT
        #        --resolve lke.intl.tencentcloudapi.com:PORT:127.0.0.1 --ca-file ca.pem status CASE
        h.port, h.seen("CASE"), h.connections

Scripts (see CASES) are lists of steps:
    ("send", bytes | callable)   write the bytes (a callable is called per connection)
    ("drip", bytes, seconds)     write one byte, then pause, until all were sent
    ("hold",)                    keep the connection open, silent, until the client leaves or the server stops
    ("reset",)                   abort the connection with an RST (SO_LINGER 0)
    ("close_notify",)            end TLS with a close_notify alert (then the close)
A script ends with a plain close (FIN, no close_notify) unless it reset or
sent close_notify.  Parametrised names: cut-cl-N, cut-chunked-N and
cut-close-N play the valid answer framed by Content-Length, chunked or the
close, cut after N bytes; cutn-FRAMING-N the same, then a close_notify.
A test can add its own scripts with add(name, steps).

Standalone: python3 tests/hostile/hostile_server.py [--port P] [--list]
"""
import argparse
import base64
import email.utils
import json
import os
import socket
import ssl
import struct
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
STATE = os.path.join(ROOT, "build", "mock-state")
sys.path.insert(0, os.path.join(ROOT, "tests", "mock"))

HOST = "lke.intl.tencentcloudapi.com"


# ---- answers -----------------------------------------------------------------------

def compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


RESULT_URL = ("https://mock.lkedoc.test/result/hostile.zip?q-sign-algorithm=sha1&q-ak=AKIDHOSTILE"
              "&q-sign-time=1767225600%3B1767226200&q-signature=0123456789abcdef")

# The valid answer every truncation is cut from: a little over 300 bytes.
VALID = compact({"Response": {
    "Status": "Success",
    "DocumentRecognizeResultUrl": RESULT_URL,
    "FailedPages": [{"PageNumber": 2}, {"PageNumber": None}],
    "Usage": {"PageNumber": 3, "TotalTokens": 812, "SuccessPageNum": 2, "FailPageNum": 1, "FileSize": 20480},
    "RequestId": "8e8f3c0a-hostile-valid"}})


def response_with(body_text):
    """A body whose Response holds body_text (raw JSON text of its members)."""
    return b'{"Response":{' + body_text + b',"RequestId":"hostile-odd"}}'


def date():
    return email.utils.formatdate(usegmt=True).encode()


def head(status=b"200 OK", extra=b"", length=None, ctype=b"application/json"):
    h = b"HTTP/1.1 " + status + b"\r\nContent-Type: " + ctype + b"\r\nDate: " + date() + b"\r\n"
    if length is not None:
        h += b"Content-Length: " + str(length).encode() + b"\r\n"
    return h + extra + b"\r\n"


def framed_cl(body=VALID):
    return head(length=len(body)) + body


def framed_chunked(body=VALID, last=True):
    half = len(body) // 2
    out = head(extra=b"Transfer-Encoding: chunked\r\n")
    for part in (body[:half], body[half:]):
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    return out + (b"0\r\n\r\n" if last else b"")


def framed_close(body=VALID):
    return head(extra=b"Connection: close\r\n") + body


FRAMINGS = {"cl": framed_cl, "chunked": framed_chunked, "close": framed_close}


def answer(body):
    return [("send", lambda: framed_cl(body))]


def pages(n, null_every=0):
    items = [b'{"PageNumber":null}' if null_every and i % null_every == 0 else b'{"PageNumber":%d}' % (i + 1)
             for i in range(n)]
    return response_with(b'"Status":"Failed","FailedPages":[' + b",".join(items) + b"]")


# ---- the catalogue -------------------------------------------------------------------

CASES = {
    # Baselines: the framings the truncations cut are accepted whole.
    "valid-cl": answer(VALID),
    "valid-chunked": [("send", framed_chunked)],
    "valid-close": [("send", framed_close), ("close_notify",)],
    "valid-close-no-notify": [("send", framed_close)],
    "api-error": answer(response_with(b'"Error":{"Code":"InternalError","Message":"hostile says no"}')),

    # Status lines.
    "status-garbage": [("send", b"\x16\x03\x01\x00\xff\x00garbage\xfe\xff\r\n\r\n")],
    "status-words": [("send", b"HELLO THERE\r\nContent-Length: 2\r\n\r\n{}")],
    "status-http2": [("send", b"HTTP/2 200 OK\r\nContent-Length: 2\r\n\r\n{}")],
    "status-four-digits": [("send", b"HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\n{}")],
    "status-no-space": [("send", b"HTTP/1.1 200OK\r\nContent-Length: 2\r\n\r\n{}")],
    "status-bare-cr": [("send", b"HTTP/1.1 200 OK\rContent-Length: 2\r\n\r\n{}")],
    "status-empty-line": [("send", b"\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")],
    "status-200kb": [("send", b"HTTP/1.1 200 " + b"O" * 200000 + b"\r\n\r\n")],
    "status-binary-no-newline": [("send", bytes(range(256)) * 8), ("hold",)],
    "status-then-close": [("send", b"HTTP/1.1 200 OK")],

    # Header lines.
    "header-200kb-unknown": [("send", lambda: head(length=len(VALID), extra=b"X-Junk: " + b"j" * 200000 + b"\r\n")
                              + VALID)],
    "header-200kb-content-length": [("send", lambda: head(extra=b"Content-Length: " + b"0" * 199997 + b"300\r\n")
                                     + VALID)],
    "header-200kb-no-colon": [("send", lambda: head(length=len(VALID), extra=b"X" * 200000 + b"\r\n") + VALID)],
    "header-20000-lines": [("send", lambda: head(length=len(VALID),
                                                 extra=b"".join(b"X-H%d: v\r\n" % i for i in range(20000))) + VALID)],
    "header-no-colon": [("send", lambda: head(length=len(VALID), extra=b"NoColonHere\r\n") + VALID)],
    "header-obs-fold": [("send", lambda: head(length=len(VALID), extra=b"X-A: 1\r\n  folded\r\n") + VALID)],
    "header-nul": [("send", lambda: head(length=len(VALID), extra=b"X-A: a\x00b\r\n") + VALID)],
    "header-gzip": [("send", lambda: head(extra=b"Transfer-Encoding: gzip, chunked\r\n") + b"2\r\n{}\r\n0\r\n\r\n")],

    # Content-Length.
    "cl-larger-close": [("send", lambda: head(length=len(VALID) + 200) + VALID)],
    "cl-larger-hold": [("send", lambda: head(length=len(VALID) + 200) + VALID), ("hold",)],
    "cl-smaller": [("send", lambda: head(length=len(VALID) - 40) + VALID)],
    "cl-exact-then-junk": [("send", lambda: framed_cl() + b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" +
                            b"x" * 500)],
    "cl-negative": [("send", lambda: head(extra=b"Content-Length: -300\r\n") + VALID)],
    "cl-absurd": [("send", lambda: head(extra=b"Content-Length: 99999999999999999999\r\n") + VALID)],
    "cl-max-u64": [("send", lambda: head(extra=b"Content-Length: 18446744073709551615\r\n") + VALID)],
    "cl-conflicting": [("send", lambda: head(length=len(VALID), extra=b"Content-Length: 17\r\n") + VALID)],
    "cl-list-differs": [("send", lambda: head(extra=b"Content-Length: %d, 17\r\n" % len(VALID)) + VALID)],
    "cl-hex": [("send", lambda: head(extra=b"Content-Length: 0x12c\r\n") + VALID)],
    "cl-zero": [("send", lambda: head(length=0))],

    # Chunked.
    "chunk-overflow": [("send", lambda: head(extra=b"Transfer-Encoding: chunked\r\n") + b"1" + b"0" * 16 + b"\r\n"
                        + VALID)],
    "chunk-not-hex": [("send", lambda: head(extra=b"Transfer-Encoding: chunked\r\n") + b"zz\r\n" + VALID)],
    "chunk-negative": [("send", lambda: head(extra=b"Transfer-Encoding: chunked\r\n") + b"-1\r\n" + VALID)],
    "chunk-200kb-size-line": [("send", lambda: head(extra=b"Transfer-Encoding: chunked\r\n") + b"0" * 200000 +
                               b"12c\r\n" + VALID)],
    "chunk-data-too-long": [("send", lambda: head(extra=b"Transfer-Encoding: chunked\r\n") + b"10\r\n" + VALID[:40]
                             + b"\r\n0\r\n\r\n")],
    "chunk-never-ends": [("send", lambda: framed_chunked(last=False)), ("hold",)],
    "chunk-huge-then-hold": [("send", lambda: head(extra=b"Transfer-Encoding: chunked\r\n") + b"ffffffffffffffff\r\n"
                              + VALID), ("hold",)],
    "chunk-huge-then-close": [("send", lambda: head(extra=b"Transfer-Encoding: chunked\r\n") +
                               b"ffffffffffffffff\r\n" + VALID)],

    # JSON.
    "json-deep-50000": answer(b'{"Response":{"Status":"Success","X":' + b"[" * 50000 + b"]" * 50000 + b"}}"),
    "json-deep-in-buffer": answer(b'{"Response":{"Status":"Success","X":' + b"[" * 1500 + b"]" * 1500 + b"}}"),
    "json-8mb": answer(b'{"Response":{"Status":"Success","X":"' + b"a" * (8 * 1024 * 1024) + b'"}}'),
    "json-status-number": answer(response_with(b'"Status":200')),
    "json-status-null": answer(response_with(b'"Status":null')),
    "json-response-null": answer(b'{"Response":null}'),
    "json-response-string": answer(b'{"Response":"Success"}'),
    "json-failed-pages-null": answer(response_with(b'"Status":"Success","FailedPages":null')),
    "json-usage-string": answer(response_with(b'"Status":"Success","Usage":"x"')),
    "json-url-number": answer(response_with(b'"Status":"Success","DocumentRecognizeResultUrl":17')),
    "json-page-number-string": answer(response_with(b'"Status":"Failed","FailedPages":[{"PageNumber":"1"}]')),
    "json-invalid-escape": answer(response_with(b'"Status":"Success","DocumentRecognizeResultUrl":"https:\\/\\/a\\qb"')),
    "json-lone-high-surrogate": answer(response_with(b'"Status":"Success","DocumentRecognizeResultUrl":"a\\ud800b"')),
    "json-lone-low-surrogate": answer(response_with(b'"Status":"Success","DocumentRecognizeResultUrl":"a\\udc00b"')),
    "json-escaped-nul": answer(response_with(b'"Status":"Success","DocumentRecognizeResultUrl":"https://a\\u0000b"')),
    "json-escaped-nul-in-status": answer(response_with(b'"Status":"Succ\\u0000ess"')),
    "json-raw-nul": answer(response_with(b'"Status":"Success","DocumentRecognizeResultUrl":"https://a\x00b"')),
    "json-bad-utf8": answer(response_with(b'"Status":"Success","DocumentRecognizeResultUrl":"https://a\xff\xfeb"')),
    "json-trailing-garbage": answer(VALID + b"xyz"),
    "json-two-documents": answer(VALID + VALID),
    "json-top-level-array": answer(b"[" + VALID + b"]"),
    "json-unterminated": answer(VALID[:-2]),

    # HTTP statuses.
    "http-429-retry-after-huge": [("send", lambda: head(b"429 Too Many Requests", length=0,
                                                        extra=b"Retry-After: 999999\r\n"))],
    "interim-flood": [("send", lambda: b"HTTP/1.1 100 Continue\r\n\r\n" * 20000 + framed_cl())],
    "interim-flood-hold": [("send", b"HTTP/1.1 100 Continue\r\nX-A: b\r\n\r\n"),
                           ("drip", b"HTTP/1.1 102 Processing\r\n\r\n" * 1000, 0.01), ("hold",)],
    "date-year-9999": [("send", lambda: framed_cl().replace(b"Date: " + date(), b"Date: Fri, 31 Dec 9999 23:59:59 GMT"))],
    "http-500-html": [("send", lambda: head(b"500 Internal Server Error", ctype=b"text/html", length=len(HTML_PAGE))
                       + HTML_PAGE)],
    "http-200-html": [("send", lambda: head(ctype=b"text/html", length=len(HTML_PAGE)) + HTML_PAGE)],
    # 301/302 Location: filled in by the test with a target it watches (see redirect()).

    # The connection.
    "close-before-answer": [],
    "reset-before-answer": [("reset",)],
    "reset-mid-response": [("send", lambda: framed_cl()[:150]), ("reset",)],
    "silent": [("hold",)],
    "drip": [("drip", lambda: framed_cl(), 0.5), ("hold",)],

    # CreateReconstructDocumentFlow's answer (create --url https://x/CASE).
    "create-valid": answer(response_with(b'"TaskId":"hostile-task-1"')),
    "create-task-id-too-long": answer(response_with(b'"TaskId":"' + b"t" * 200 + b'"')),
    "create-task-id-empty": answer(response_with(b'"TaskId":""')),
    "create-task-id-number": answer(response_with(b'"TaskId":17')),
    "create-task-id-nul": answer(response_with(b'"TaskId":"a\\u0000b"')),
    "create-no-task-id": answer(response_with(b'"Status":"Success"')),
    # Only GetReconstructDocumentResult's answer goes through the FailedPages filter.
    "create-failed-pages": answer(response_with(b'"TaskId":"t-1","FailedPages":[' +
                                                b",".join([b'{"PageNumber":1}'] * 1000) + b"]")),

    # Result URLs the client cannot use (download TASK fetches them; parse gets one from create + wait).
    "url-ftp": answer(response_with(b'"Status":"Success","DocumentRecognizeResultUrl":"ftp://mock.lkedoc.test/r.zip"')),
    "url-no-host": answer(response_with(b'"Status":"Success","DocumentRecognizeResultUrl":"https:///r.zip"')),
    "url-bad-port": answer(response_with(
        b'"Status":"Success","DocumentRecognizeResultUrl":"https://mock.lkedoc.test:99999/r.zip"')),
    "url-long-host": answer(response_with(
        b'"Status":"Success","DocumentRecognizeResultUrl":"https://' + b"h" * 300 + b'.test/r.zip"')),
    "create-then-url-ftp": answer(response_with(b'"TaskId":"url-ftp"')),

    # Valid but odd.
    "pages-null-numbers": answer(pages(4, null_every=2)),
    "pages-16": answer(pages(16)),
    "pages-17": answer(pages(17)),
    "pages-20": answer(pages(20)),
    "pages-100000": answer(pages(100000)),
    "pages-100000-odd": [("send", lambda: framed_chunked(pages(100000, null_every=3)))],
    # Entries with extra keys of any size, before or after PageNumber, after a 2.5 KB URL: the answer
    # without them fits the buffer, so the result is whole.
    "pages-big-entries": answer(response_with(
        b'"Status":"Success","DocumentRecognizeResultUrl":"' + RESULT_URL.encode() + b"&x=" + b"u" * 2500
        + b'","FailedPages":[{"PageNumber":2,"x":[' + b",".join([b"0"] * 130) + b']},'
        + b'{"Reason":"' + b"r" * 2000 + b'","PageNumber":3},{"PageNumber":4,"Reason":"' + b"r" * 200000 + b'"}]')),
    # FailedPages that is not JSON, cut off, or nested deeper than the token budget.
    "pages-trailing-comma": answer(response_with(b'"Status":"Success","FailedPages":[{"PageNumber":1},]')),
    "pages-bad-literal": answer(response_with(b'"Status":"Success","FailedPages":[nul]')),
    "pages-unbalanced": answer(response_with(b'"Status":"Success","FailedPages":[{"PageNumber":1]}')),
    "pages-cut": answer(b'{"Response":{"Status":"Success","FailedPages":[{"PageNumber":1},{"Page'),
    "pages-deep-entry": answer(response_with(b'"Status":"Success","FailedPages":[' + b"[" * 5000 + b"]" * 5000 + b"]")),
}

HTML_PAGE = b"<html><head><title>500</title></head><body>" + b"<p>gateway error</p>" * 500 + b"</body></html>"


def redirect(code, location):
    reason = {301: b"Moved Permanently", 302: b"Found", 307: b"Temporary Redirect", 308: b"Permanent Redirect"}
    return [("send", lambda: head(b"%d %s" % (code, reason[code]), length=0,
                                  extra=b"Location: " + location.encode() + b"\r\n"))]


def cut_script(name):
    """cut-FRAMING-N: that framing of the valid answer, its first N bytes, then a
    close; cutn-FRAMING-N: then a close_notify and the close."""
    parts = name.split("-")
    if len(parts) != 3 or parts[0] not in ("cut", "cutn") or parts[1] not in FRAMINGS or not parts[2].isdigit():
        return None
    framing, n = FRAMINGS[parts[1]], int(parts[2])
    steps = [("send", lambda: framing()[:n])]
    return steps + [("close_notify",)] if parts[0] == "cutn" else steps


def cut_lengths():
    """How long each framing of the valid answer is (its Date header has a fixed length)."""
    return {k: len(f()) for k, f in FRAMINGS.items()}


# ---- the server -------------------------------------------------------------------------


class HostileServer:
    def __init__(self, host="127.0.0.1", port=0, tls=True, state_dir=STATE):
        if tls:
            import mock_server  # the mock's certificates: made once, shared
            os.makedirs(state_dir, exist_ok=True)
            mock_server.ensure_certs(state_dir)
            self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.ctx.load_cert_chain(os.path.join(state_dir, "server.pem"), os.path.join(state_dir, "server.key"))
        else:
            self.ctx = None
        self.ca_file = os.path.join(state_dir, "ca.pem")
        self.scripts = dict(CASES)
        self.lock = threading.Lock()
        self.connections = 0       # every accepted TCP connection
        self.by_case = {}          # case name -> connections that asked for it
        self.errors = []           # unexpected server-side failures (for debugging)
        self.stop = threading.Event()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def add(self, name, steps):
        self.scripts[name] = steps

    def seen(self, name):
        with self.lock:
            return self.by_case.get(name, 0)

    def close(self):
        self.stop.set()
        try:
            self.sock.close()
        except OSError:
            pass
        self.thread.join(2)

    # ---- internals ----
    def _serve(self):
        self.sock.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with self.lock:
                self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _script_for(self, name):
        if name in self.scripts:
            return self.scripts[name]
        return cut_script(name)

    def _handle(self, raw):
        conn = raw
        try:
            raw.settimeout(10)
            if self.ctx is not None:
                conn = self.ctx.wrap_socket(raw, server_side=True)
            name = self._read_request(conn)
            if name is None:
                return
            steps = self._script_for(name)
            with self.lock:
                self.by_case[name] = self.by_case.get(name, 0) + 1
            if steps is None:
                conn.sendall(framed_cl(response_with(
                    b'"Error":{"Code":"ResourceNotFound","Message":"no hostile case ' + name.encode() + b'"}')))
                return
            for step in steps:
                if self._play(conn, step) == "reset":
                    return
        except (OSError, ssl.SSLError, ValueError):
            pass  # the client leaving early is what most cases are about
        except Exception as e:  # noqa: BLE001 - keep a record, never kill the server
            with self.lock:
                self.errors.append(repr(e))
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def _read_request(self, conn):
        data = b""
        while b"\r\n\r\n" not in data:
            got = conn.recv(65536)
            if not got:
                return None
            data += got
            if len(data) > 1 << 20:
                return None
        head_part, body = data.split(b"\r\n\r\n", 1)
        length = 0
        for line in head_part.split(b"\r\n")[1:]:
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                length = int(v.strip())
        while len(body) < length:
            got = conn.recv(65536)
            if not got:
                return None
            body += got
        try:
            req = json.loads(body[:length].decode("utf-8"))
            if "TaskId" in req:
                return str(req["TaskId"])
            if "FileBase64" in req:  # create --file F / parse F: F's text names the case
                return base64.b64decode(req["FileBase64"]).decode("utf-8", "replace").strip()
            return str(req.get("FileUrl", "")).rsplit("/", 1)[-1]  # create --url https://any/CASE
        except (ValueError, AttributeError):
            return ""

    def _play(self, conn, step):
        kind = step[0]
        if kind == "send":
            data = step[1]() if callable(step[1]) else step[1]
            conn.sendall(data)
        elif kind == "drip":
            data = step[1]() if callable(step[1]) else step[1]
            for i in range(len(data)):
                if self.stop.is_set():
                    break
                conn.sendall(data[i:i + 1])
                if self.stop.wait(step[2]):
                    break
        elif kind == "hold":
            conn.settimeout(0.2)
            while not self.stop.is_set():
                try:
                    if not conn.recv(4096):
                        break  # the client gave up and closed
                except socket.timeout:
                    continue
        elif kind == "close_notify":
            if isinstance(conn, ssl.SSLSocket):
                conn.settimeout(1.0)  # unwrap waits for the client's own close_notify
                try:
                    conn.unwrap()
                except (OSError, ssl.SSLError, ValueError):
                    pass
        elif kind == "reset":
            # wrap_socket took over raw's descriptor: conn is the socket now.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()
            return "reset"
        else:
            raise ValueError("unknown step " + kind)
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--list", action="store_true", help="print the case names and exit")
    args = ap.parse_args()
    if args.list:
        print("\n".join(sorted(CASES)))
        print("cut-{cl,chunked,close}-N  (N < %s)" % cut_lengths())
        return 0
    server = HostileServer(port=args.port)
    print(f"listening on 127.0.0.1:{server.port}; try:\n  build/lkedoc --endpoint {HOST}:{server.port} "
          f"--resolve {HOST}:{server.port}:127.0.0.1 --ca-file {server.ca_file} --timeout 2 status CASE", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
