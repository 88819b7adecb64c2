#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Self-test of the mock: starts it, talks TLS with SNI lke.intl.tencentcloudapi.com and checks answers:
API checks, result downloads (full, HEAD, Range resume after drops, expiry, signatures; the store's CRC-64,
ETags, If-Match, changed objects, corruption, gzip, ranges, outages and SlowDown), every API fault kind,
create bookkeeping (last_create) and TLS session resumption on both listeners.

The signer here is written separately from mock_server.py (it does not import it).
Usage: python3 tests/mock/selftest.py [STATE_DIR]
"""

import base64
import hashlib
import hmac
import http.client
import io
import json
import os
import shutil
import subprocess
import socket
import ssl
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import zipfile
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mockctl import Mock, SECRET_ID, SECRET_KEY  # noqa: E402

VERSIONS = {"lke": "2023-11-30", "lkeap": "2024-05-22"}


def sign(secret_id, secret_key, service, host, ts, body, ctype="application/json", unsigned=False):
    date = datetime.fromtimestamp(ts, tz=timezone.utc).strftime("%Y-%m-%d")
    canon = "\n".join(["POST", "/", "", "content-type:" + ctype.lower(), "host:" + host.lower(), "",
                       "content-type;host", hashlib.sha256(b"UNSIGNED-PAYLOAD" if unsigned else body).hexdigest()])
    sts = "\n".join(["TC3-HMAC-SHA256", str(ts), date + "/" + service + "/tc3_request",
                     hashlib.sha256(canon.encode()).hexdigest()])
    k = hmac.new(("TC3" + secret_key).encode(), date.encode(), hashlib.sha256).digest()
    k = hmac.new(k, service.encode(), hashlib.sha256).digest()
    k = hmac.new(k, b"tc3_request", hashlib.sha256).digest()
    sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    return "TC3-HMAC-SHA256 Credential=%s/%s/%s/tc3_request, SignedHeaders=content-type;host, Signature=%s" % (
        secret_id, date, service, sig)


class Client:
    def __init__(self, port, ca, sni="lke.intl.tencentcloudapi.com"):
        ctx = ssl.create_default_context(cafile=ca)
        self.conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=10)
        # connect to 127.0.0.1, but verify and send SNI for the real host name
        self.conn._tunnel_host = None
        self.sni = sni
        self.ctx = ctx
        self.port = port

    def connect(self, session=None, addr="127.0.0.1"):
        raw = socket.create_connection((addr, self.port), timeout=10)
        self.conn.sock = self.ctx.wrap_socket(raw, server_hostname=self.sni, session=session)

    def drop(self):
        self.conn.close()
        self.conn.sock = None

    def get(self, target, headers=None, method="GET", host="mock.lkedoc.test"):
        """A request on the download listener; returns (response, body bytes)."""
        if self.conn.sock is None:
            self.connect()
        h = {"Host": host}
        h.update(headers or {})
        self.conn.request(method, target, headers=h)
        r = self.conn.getresponse()
        return r, r.read()

    def call(self, action, body_obj, host="lke.intl.tencentcloudapi.com", service="lke", region="ap-guangzhou",
             version=None, key=SECRET_KEY, sid=SECRET_ID, ts=None, raw_body=None, extra=None, auth=None,
             ctype="application/json", send_only=False):
        if self.conn.sock is None:
            self.connect()
        body = raw_body if raw_body is not None else json.dumps(body_obj, ensure_ascii=False).encode("utf-8")
        ts = int(time.time()) if ts is None else ts
        h = {"Host": host, "Content-Type": ctype, "X-TC-Action": action,
             "X-TC-Version": version or VERSIONS[service], "X-TC-Region": region, "X-TC-Timestamp": str(ts)}
        h["Authorization"] = auth if auth is not None else sign(sid, key, service, host, ts, body, ctype)
        h.update(extra or {})
        self.conn.putrequest("POST", "/", skip_host=True, skip_accept_encoding=True)
        for k, v in h.items():
            self.conn.putheader(k, v)
        self.conn.putheader("Content-Length", str(len(body)))
        self.conn.endheaders(body)
        if send_only:
            return None, None
        r = self.conn.getresponse()
        data = r.read()
        return r, data


def success_url(api, task, **kw):
    for _ in range(10):
        _, resp, _ = api("GetReconstructDocumentResult", {"TaskId": task}, **kw)
        if resp.get("Status") == "Success":
            return resp["DocumentRecognizeResultUrl"]
    raise AssertionError("no Success for %s: %s" % (task, resp))


def target_of(url):
    u = urllib.parse.urlsplit(url)
    return u.path + "?" + u.query


def xml_code(body):
    t = body.decode("utf-8", errors="replace")
    a, b = t.find("<Code>"), t.find("</Code>")
    return t[a + 6:b] if a >= 0 and b > a else None


def download_checks(m, c, api, check):
    d = Client(m.download_port, m.ca_file, sni="mock.lkedoc.test")
    url = success_url(api, "done-dl")
    check("dl url host", url.startswith("https://mock.lkedoc.test:%d/results/" % m.download_port), url)
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query, keep_blank_values=True))
    start, end = [int(x) for x in q["q-sign-time"].split(";")]
    check("dl url ttl", end - start == 600 and q["q-key-time"] == q["q-sign-time"] and len(q["q-signature"]) == 40, q)
    target = target_of(url)

    # full download, then HEAD and ranges on the same keep-alive connection
    r, full = d.get(target)
    check("dl 200", r.status == 200 and r.getheader("Content-Type") == "application/zip"
          and r.getheader("Accept-Ranges") == "bytes" and r.getheader("ETag", "").startswith('"')
          and r.getheader("Last-Modified") and int(r.getheader("Content-Length")) == len(full), r.getheaders())
    etag = r.getheader("ETag")
    try:
        z = zipfile.ZipFile(io.BytesIO(full))
        names = z.namelist()
        md = z.read("done-dl.md").decode("utf-8")
        png = z.read("images/page_1.png")
        page = json.loads(z.read("done-dl_page_1.json").decode("utf-8"))
        ok = (z.testzip() is None and "|---" in md and png.startswith(b"\x89PNG\r\n\x1a\n")
              and page["TaskId"] == "done-dl")
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        names, ok = str(e), False
    check("dl zip", ok, names)
    r, body = d.get(target, method="HEAD")
    check("dl HEAD", r.status == 200 and body == b"" and int(r.getheader("Content-Length")) == len(full)
          and r.getheader("ETag") == etag, r.getheaders())
    r, body = d.get(target, {"Range": "bytes=1000-"})
    check("dl range N-", r.status == 206 and body == full[1000:] and
          r.getheader("Content-Range") == "bytes 1000-%d/%d" % (len(full) - 1, len(full)), r.getheaders())
    r, body = d.get(target, {"Range": "bytes=10-19"})
    check("dl range N-M", r.status == 206 and body == full[10:20] and
          r.getheader("Content-Range") == "bytes 10-19/%d" % len(full), r.getheaders())
    r, body = d.get(target, {"Range": "bytes=%d-" % len(full)})
    check("dl range 416", r.status == 416 and r.getheader("Content-Range") == "bytes */%d" % len(full), r.getheaders())
    st = m.stats()["download"]
    check("dl stats", st["connections"] == 1 and st["handshakes"] == 1 and st["gets"] == 4 and st["heads"] == 1
          and st["partial"] == 2 and st["bytes_sent"] == len(full) + (len(full) - 1000) + 10
          and st["ranges"] == ["bytes=1000-", "bytes=10-19", "bytes=%d-" % len(full)]
          and st["archives"]["done-dl"]["sha256"] == hashlib.sha256(full).hexdigest(), st)

    # refusals: bad signature, no signature, expired, wrong Host, unknown object
    bad = target[:-1] + ("0" if target[-1] != "0" else "1")
    r, body = d.get(bad)
    check("dl bad signature", r.status == 403 and xml_code(body) == "AccessDenied", (r.status, body))
    r, body = d.get(urllib.parse.urlsplit(url).path)
    check("dl no signature", r.status == 403 and xml_code(body) == "AccessDenied", (r.status, body))
    m.config(clock_offset=601)
    r, body = d.get(target)
    m.config(clock_offset=0)
    check("dl expired", r.status == 403 and xml_code(body) == "AccessDenied" and b"Request has expired" in body,
          (r.status, body))
    r, body = d.get(target, host="evil.example.test")
    check("dl bad host", r.status == 400, r.status)
    r, body = d.get(target, host="mock.lkedoc.test:%d" % m.download_port)
    check("dl host with port", r.status == 200 and body == full, r.status)
    r, body = d.get("/results/nothing-here.txt")
    check("dl 404", r.status == 404 and xml_code(body) == "NoSuchKey", (r.status, body))

    # expire_urls: refused until the task is polled again, then the fresh URL works; a poll before the
    # first refusal (the one that fetches the URL) does not end it
    m.config(expire_urls=True)
    success_url(api, "done-dl")
    r, body = d.get(target)
    check("dl expire_urls", r.status == 403 and b"Request has expired" in body, (r.status, body))
    url2 = success_url(api, "done-dl")
    r, body = d.get(target_of(url2))
    check("dl refreshed", r.status == 200 and body == full and m.stats()["config"]["expire_urls"] is False, r.status)

    # padded archive, mid-body drop and resume with Range, throttling
    m.config(archive_size=300000, download_close_after=[100000, 50000])
    url3 = success_url(api, "done-big")
    t3 = target_of(url3)
    got = b""
    try:
        r, got = d.get(t3)
        check("dl drop", False, "whole body read: %d" % len(got))
    except http.client.IncompleteRead as e:
        got = e.partial
        check("dl drop", len(got) == 100000, len(got))
    d.drop()
    try:
        r, more = d.get(t3, {"Range": "bytes=%d-" % len(got)})
        check("dl second drop", False, len(more))
    except http.client.IncompleteRead as e:
        check("dl second drop", len(e.partial) == 50000, len(e.partial))
    d.drop()
    r, more = d.get(t3, {"Range": "bytes=%d-" % len(got)})
    big = got + more
    st = m.stats()["download"]
    check("dl resume", r.status == 206 and len(big) == 300000 and st["drops"] == 2
          and st["archives"]["done-big"]["sha256"] == hashlib.sha256(big).hexdigest()
          and "filler.bin" in zipfile.ZipFile(io.BytesIO(big)).namelist(), (r.status, len(big), st))
    m.config(slow_download_bytes_per_s=20000)
    t0 = time.monotonic()
    r, body = d.get(t3, {"Range": "bytes=0-9999"})
    took = time.monotonic() - t0
    m.config(slow_download_bytes_per_s=0, archive_size=0)
    check("dl throttled", r.status == 206 and len(body) == 10000 and took >= 0.4, took)
    d.drop()

    cos_store_checks(m, d, api, check, t3)

    # IPv6 and unknown object after reset (URLs are only valid for tasks the mock handed out)
    d.connect(addr="::1")
    r, body = d.get(target)
    check("dl ipv6", r.status == 200 and body == full, r.status)
    m.reset()
    r, body = d.get(target)
    check("dl unknown object", r.status == 404 and xml_code(body) == "NoSuchKey", (r.status, body))
    d.drop()


def crc64_xz(data):
    """CRC-64/XZ bit by bit (written apart from the mock's table)."""
    crc = 0xFFFFFFFFFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xC96C5795D7870F42 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFFFFFFFFFF


def cos_store_checks(m, d, api, check, t3):
    """The object store's integrity and availability points: CRC-64 header, ETags, If-Match, object
    versions, corruption and gzip in transit, single ranges, If-Range, outages and SlowDown."""
    check("crc64 check value", crc64_xz(b"123456789") == 0x995DC9BBDF1939FA)
    m.config(archive_size=300000)
    r, whole = d.get(t3)
    etag, crc = r.getheader("ETag"), r.getheader("x-cos-hash-crc64ecma")
    check("dl crc64 header", crc is not None and crc.isdigit() and int(crc) == crc64_xz(whole), (crc, len(whole)))
    check("dl etag md5", etag == '"%s"' % hashlib.md5(whole).hexdigest(), etag)
    r, part = d.get(t3, {"Range": "bytes=1000-", "If-Match": etag})
    check("dl if-match ok", r.status == 206 and part == whole[1000:] and r.getheader("x-cos-hash-crc64ecma") == crc,
          r.status)
    r, body = d.get(t3, {"Range": "bytes=1000-", "If-Match": '"0123"'})
    check("dl if-match 412", r.status == 412 and xml_code(body) == "PreconditionFailed" and b"<TraceId>" in body,
          (r.status, body))
    r, body = d.get(t3, {"Range": "bytes=0-9,20-29"})
    check("dl multi-range refused", r.status == 400 and xml_code(body) == "InvalidArgument", (r.status, body))
    r, body = d.get(t3, {"Range": "bytes=10-19", "If-Range": '"not-the-etag"'})
    check("dl if-range ignored", r.status == 206 and body == whole[10:20], r.status)
    m.config(object_version=1)
    r, v1 = d.get(t3)
    check("dl object changed", v1 != whole and r.getheader("ETag") != etag
          and int(r.getheader("x-cos-hash-crc64ecma")) == crc64_xz(v1), r.getheaders())
    r, body = d.get(t3, {"Range": "bytes=1000-", "If-Match": etag})
    check("dl changed 412", r.status == 412, r.status)
    m.config(object_version=0, etag_multipart=True)
    r, _ = d.get(t3)
    check("dl etag multipart", r.getheader("ETag").endswith('-1"') and r.getheader("ETag") != etag, r.getheader("ETag"))
    m.config(etag_multipart=None, corrupt_byte_at=12345)
    r, bad = d.get(t3)
    check("dl corrupted in transit", r.status == 200 and r.getheader("x-cos-hash-crc64ecma") == crc and bad != whole
          and sum(a != b for a, b in zip(bad, whole)) == 1 and bad[12345] != whole[12345], r.status)
    m.config(corrupt_byte_at=None, crc64_header=False)
    r, _ = d.get(t3)
    check("dl no crc64 header", r.getheader("x-cos-hash-crc64ecma") is None)
    m.config(crc64_header=True, content_encoding="gzip")
    r, gz = d.get(t3, {"Range": "bytes=10-"})
    check("dl gzip", r.status == 200 and r.getheader("Content-Encoding") == "gzip"
          and __import__("gzip").decompress(gz) == whole, r.status)
    m.config(content_encoding=None, slowdown_503=1)
    r, body = d.get(t3)
    check("dl slowdown", r.status == 503 and xml_code(body) == "SlowDown", r.status)
    r, _ = d.get(t3)
    check("dl slowdown over", r.status == 200 and m.stats()["download"]["slowdowns"] == 1, r.status)
    d.drop()
    m.config(download_outage_connections=2)
    fails = 0
    for _ in range(3):
        try:
            d.connect()
            r, _ = d.get(t3)
        except (OSError, http.client.HTTPException):
            fails += 1
        d.drop()
    check("dl outage connections", fails == 2 and m.stats()["download"]["outage_resets"] == 2, fails)
    m.config(download_outage_s=0.5)
    try:
        d.connect()
        d.get(t3)
        refused = False
    except (OSError, http.client.HTTPException):
        refused = True
    d.drop()
    time.sleep(0.6)
    d.connect()
    r, _ = d.get(t3)
    check("dl outage seconds", refused and r.status == 200, (refused, r.status))
    m.config(download_stall_at=100)
    d.connect()
    d.conn.sock.settimeout(1)
    d.conn.request("GET", t3, headers={"Host": "mock.lkedoc.test"})
    r = d.conn.getresponse()
    got = b""
    try:
        while len(got) <= 100:
            piece = r.read1(65536)
            if not piece:
                break
            got += piece
        stalled = False
    except (socket.timeout, TimeoutError):
        stalled = True
    d.drop()
    r2, again = d.get(t3)
    check("dl stall", stalled and got == whole[:100] and m.stats()["download"]["stalls"] == 1
          and r2.status == 200 and again == whole, (stalled, len(got)))
    d.drop()
    m.config(content_encoding="gzip")
    r, gz = d.get(t3)
    check("dl gzip crc of the stored bytes", int(r.getheader("x-cos-hash-crc64ecma")) == crc64_xz(gz)
          and m.stats()["download"]["accept_encoding"][-1] == "identity", r.getheaders())
    m.config(content_encoding=None)
    d.drop()
    st = m.stats()["download"]
    check("dl if-match seen", etag in st["if_match"] and st["precondition_failed"] == 2, st["if_match"])
    check("dl store config bad", _config_status(m, {"content_encoding": "br"}) == 400
          and _config_status(m, {"corrupt_byte_at": -1}) == 400 and _config_status(m, {"crc64_header": 1}) == 400
          and _config_status(m, {"download_stall_at": "x"}) == 400)
    m.config(archive_size=0)


def raw_end(sock):
    """How the server ended the TCP connection: 'fin' or 'rst' (read on a duplicate of the fd).
    Python's ssl module reports an RST as a plain EOF, so TLS is bypassed."""
    s = sock if sock.__class__ is socket.socket else socket.socket(fileno=os.dup(sock.fileno()))
    s.settimeout(10)
    try:
        while s.recv(65536):
            pass
        return "fin"
    except ConnectionResetError:
        return "rst"
    finally:
        s.close()


def fault_checks(m, c, api, check):
    m.reset()
    c.drop()
    body = {"TaskId": "done-f"}
    for kind, status in (("429", 429), ("503", 503), ("500", 500)):
        m.config(fail_next_api=[kind])
        r, data = c.call("GetReconstructDocumentResult", body)
        try:
            json.loads(data.decode("utf-8"))
            is_json = True
        except ValueError:
            is_json = False
        check("fault " + kind, r.status == status and not is_json and
              (kind != "429" or r.getheader("Retry-After") == "1") and
              (kind == "429" or r.getheader("Content-Type") == "text/html"), (r.status, r.getheaders(), data))
        r, resp, _ = api("GetReconstructDocumentResult", body)
        check("fault %s consumed" % kind, resp.get("Status") == "Success", resp)
    m.config(fail_next_api=["RequestLimitExceeded", "RequestLimitExceeded.UinLimitExceeded", "InternalError"])
    for kind in ("RequestLimitExceeded", "RequestLimitExceeded.UinLimitExceeded", "InternalError"):
        r, resp, _ = api("GetReconstructDocumentResult", body)
        check("fault " + kind, r.status == 200 and resp.get("Error", {}).get("Code") == kind, resp)
    r, resp, _ = api("GetReconstructDocumentResult", body)
    check("fault list consumed", resp.get("Status") == "Success", resp)
    for kind, end in (("close", "fin"), ("reset", "rst")):
        m.config(fail_next_api=[kind])
        c.drop()
        c.connect()
        c.conn.request("POST", "/", body=b"{}", headers={"Host": "lke.intl.tencentcloudapi.com"})
        check("fault " + kind, raw_end(c.conn.sock) == end, kind)
        c.drop()
    st = m.stats()
    check("faults counted", st["faults_injected"] == {"429": 1, "503": 1, "500": 1, "RequestLimitExceeded": 1,
                                                     "RequestLimitExceeded.UinLimitExceeded": 1, "InternalError": 1,
                                                     "close": 1, "reset": 1}, st["faults_injected"])
    check("fault config bad", _config_status(m, {"fail_next_api": ["418"]}) == 400)

    m.config(slow_api_ms=300)
    t0 = time.monotonic()
    api("GetReconstructDocumentResult", body)
    check("slow api", time.monotonic() - t0 >= 0.3)
    m.config(slow_api_ms=0)

    m.config(polls_to_success=0)
    check("polls 0", api("GetReconstructDocumentResult", {"TaskId": "p0"})[1]["Status"] == "Success")
    m.config(polls_to_success=4)
    seen = [api("GetReconstructDocumentResult", {"TaskId": "p4"})[1]["Status"] for _ in range(6)]
    check("polls 4", seen == ["WaitExecute"] + ["Processing"] * 3 + ["Success"] * 2, seen)
    m.config(polls_to_success=2)

    c.drop()
    m.config(connection_requests_max=2)
    before = m.stats()["connections"]
    r1, _, _ = api("GetReconstructDocumentResult", body)
    dup = socket.socket(fileno=os.dup(c.conn.sock.fileno()))   # http.client closes its socket on Connection: close
    r2, _, _ = api("GetReconstructDocumentResult", body)
    check("conn max close", r1.getheader("Connection") == "keep-alive" and r2.getheader("Connection") == "close",
          (r1.getheaders(), r2.getheaders()))
    check("conn max server closed", raw_end(dup) == "fin")
    c.drop()
    api("GetReconstructDocumentResult", body)
    check("conn max reconnect", m.stats()["connections"] == before + 2)
    m.config(connection_requests_max=None)
    c.drop()


def _config_status(m, obj):
    try:
        m._control("POST", "/config", obj)
        return 200
    except urllib.error.HTTPError as e:
        return e.code


def failed_pages_checks(m, c, api, check):
    # FailedPages of a Success, with odd entries, in a chunked answer.
    m.config(failed_pages=25, failed_pages_odd=True, api_chunked=True)
    r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "done-pages"})
    fp = resp.get("FailedPages", [])
    check("pages chunked", r.getheader("Transfer-Encoding") == "chunked" and r.getheader("Content-Length") is None,
          r.getheaders())
    check("pages", resp.get("Status") == "Success" and len(fp) == 25 and fp[0] == {"PageNumber": 1}
          and fp[4] == {"PageNumber": 5, "Reason": "OCR failed"} and fp[9] is None and fp[19] == {"PageNumber": None}
          and fp[23] == {"PageNumber": 24} and resp["DocumentRecognizeResultUrl"], fp)
    r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "fail-pages"})
    check("pages only on success", len(resp["FailedPages"]) == 3, resp)
    m.config(failed_pages=3, failed_pages_odd=False, api_chunked=False)
    r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "done-pages"})
    check("pages plain", resp["FailedPages"] == [{"PageNumber": p} for p in (1, 2, 3)]
          and r.getheader("Content-Length") is not None, resp)
    check("pages knobs", [_config_status(m, {k: v}) for k, v in
                          (("failed_pages", -1), ("failed_pages", 1.5), ("failed_pages_odd", 1), ("api_chunked", "yes"))]
          == [400] * 4)
    m.config(failed_pages=0)


def create_checks(m, c, api, check):
    m.reset()
    raw = bytes(range(256)) * 24000 + b"%PDF-tail"            # ~6 MB: an ~8 MB JSON body
    b64 = base64.b64encode(raw).decode("ascii")
    t0 = time.monotonic()
    r, resp, _ = api("CreateReconstructDocumentFlow",
                     {"FileType": "PDF", "FileBase64": b64, "FileStartPageNumber": 2, "FileEndPageNumber": 5,
                      "Config": {"TableResultType": "1", "ResultType": "0"}})
    took = time.monotonic() - t0
    lc = m.stats()["last_create"]
    check("create base64", resp.get("TaskId", "").startswith("task-") and took < 5, (resp, took))
    check("last_create", lc["FileType"] == "PDF" and lc["FileUrl"] is None and lc["base64_len"] == len(b64)
          and lc["decoded_len"] == len(raw) and lc["sha256"] == hashlib.sha256(raw).hexdigest()
          and lc["Config"] == {"TableResultType": "1", "ResultType": "0"} and lc["FileStartPageNumber"] == 2
          and lc["FileEndPageNumber"] == 5 and lc["TaskId"] == resp["TaskId"], lc)
    check("last_unsigned_payload false", m.stats()["last_unsigned_payload"] is False)
    r, resp, _ = api("CreateReconstructDocumentFlow", {"FileType": "PDF", "FileBase64": "QUJD!==="})
    check("create bad base64", resp.get("Error", {}).get("Code") == "InvalidParameterValue", resp)
    ts = int(time.time())
    body = json.dumps({"FileType": "PDF", "FileUrl": "https://example.test/a.pdf"}).encode()
    r, resp, _ = api("CreateReconstructDocumentFlow", None, raw_body=body, ts=ts,
                     auth=sign(SECRET_ID, SECRET_KEY, "lke", "lke.intl.tencentcloudapi.com", ts, body, unsigned=True),
                     extra={"X-TC-Content-SHA256": "UNSIGNED-PAYLOAD"})
    st = m.stats()
    check("create unsigned", resp.get("TaskId") and st["last_unsigned_payload"] is True
          and st["last_create"]["FileUrl"] == "https://example.test/a.pdf" and st["last_create"]["base64_len"] is None,
          (resp, st["last_create"]))
    processed_fault_checks(m, c, api, check)


def processed_fault_checks(m, c, api, check):
    """Faults after a Create was processed (its task created and counted), one before its body was read, and
    the slow body reader."""
    m.reset()
    c.drop()
    create = {"FileType": "PDF", "FileUrl": "https://example.test/a.pdf"}
    for kind, status in (("processed-502", 502), ("processed-504", 504)):
        m.config(fail_next_api=[kind])
        r, data = c.call("CreateReconstructDocumentFlow", create)
        check("fault " + kind, r.status == status and r.getheader("Content-Type") == "text/html" and
              r.getheader("Connection") == "close", (r.status, r.getheaders()))
        c.drop()
    st = m.stats()
    check("processed faults create tasks", st["tasks_created"] == 2 and len(st["tasks"]) == 2 and
          st["requests"] == 2, st)
    m.config(fail_next_api=["processed-reset"])
    c.connect()
    c.call("CreateReconstructDocumentFlow", create, send_only=True)
    check("fault processed-reset", raw_end(c.conn.sock) == "rst")
    c.drop()
    m.config(fail_next_api=["processed-hang"])
    c.connect()
    c.conn.sock.settimeout(1.0)
    t0 = time.monotonic()
    try:
        c.call("CreateReconstructDocumentFlow", create)
        hung = False
    except socket.timeout:
        hung = True
    check("fault processed-hang", hung and time.monotonic() - t0 >= 0.9)
    c.drop()
    st = m.stats()
    check("processed-hang and -reset created", st["tasks_created"] == 4, st["tasks_created"])
    # Nothing of the body is read: no request, no task; the client's send fails with a reset.
    m.config(fail_next_api=["reset-before-body"])
    c.connect()
    big = json.dumps({"FileType": "PDF", "FileBase64": "QUJD" * (2 << 20)}).encode()
    try:
        c.call("CreateReconstructDocumentFlow", None, raw_body=big)
        refused = False
    except (ConnectionResetError, BrokenPipeError, ssl.SSLError, http.client.HTTPException):
        refused = True
    c.drop()
    st = m.stats()
    check("fault reset-before-body", refused and st["tasks_created"] == 4 and st["requests"] == 4 and
          st["faults_injected"].get("reset-before-body") == 1, st)
    m.config(slow_body_bytes_per_s=400000)
    t0 = time.monotonic()
    r, resp, _ = api("CreateReconstructDocumentFlow",
                     {"FileType": "PDF", "FileBase64": base64.b64encode(b"x" * 150000).decode()})
    took = time.monotonic() - t0
    check("slow body reader", resp.get("TaskId") and 0.45 <= took < 3, took)
    m.config(slow_body_bytes_per_s=0)
    check("tasks_created counts", m.stats()["tasks_created"] == 5)


def sts_checks(m, api, check):
    """Temporary credentials: the key signs, X-TC-Token must match and be unexpired."""
    before = m.stats()["sts"]
    cred = m.sts(lifetime=2, token_len=1500)["Response"]
    tmp = cred["Credentials"]
    check("sts shape", tmp["TmpSecretId"].startswith("AKID") and len(tmp["TmpSecretId"]) == 68
          and len(tmp["TmpSecretKey"]) == 44 and len(tmp["Token"]) == 1500
          and abs(cred["ExpiredTime"] - time.time() - 2) <= 1 and cred["Expiration"].endswith("Z"), cred)
    kw = dict(sid=tmp["TmpSecretId"], key=tmp["TmpSecretKey"])
    ok = {"X-TC-Token": tmp["Token"]}
    _, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "x"}, extra=ok, **kw)
    check("sts ok", resp.get("Status") == "WaitExecute", resp)
    _, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "x"}, **kw)
    check("sts no token", resp.get("Error", {}).get("Code") == "AuthFailure.TokenFailure", resp)
    _, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "x"}, extra={"X-TC-Token": "x" + tmp["Token"]}, **kw)
    check("sts wrong token", resp.get("Error", {}).get("Code") == "AuthFailure.TokenFailure", resp)
    _, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "x"}, extra=ok, sid=tmp["TmpSecretId"], key="wrong")
    check("sts wrong key", resp.get("Error", {}).get("Code") == "AuthFailure.SignatureFailure", resp)
    time.sleep(2.2)
    created = m.stats()["tasks_created"]
    _, resp, _ = api("CreateReconstructDocumentFlow", {"FileUrl": "https://example.com/a.pdf"}, extra=ok, **kw)
    check("sts expired", resp.get("Error", {}).get("Code") == "AuthFailure.TokenFailure"
          and "expired" in resp["Error"]["Message"], resp)
    st = m.stats()
    check("sts expired made no task", st["tasks_created"] == created, st["tasks_created"])
    check("sts counted", st["sts"] == {"issued": before["issued"] + 1, "expired": before["expired"] + 1,
                                       "invalid": before["invalid"] + 2}, st["sts"])
    check("sts lifetime checked", _sts_status(m, {"lifetime": 0}) == 400 and _sts_status(m, {"token_len": "x"}) == 400)


def _sts_status(m, obj):
    try:
        m._control("POST", "/sts", obj)
        return 200
    except urllib.error.HTTPError as e:
        return e.code


def resumption_checks(m, c, api, check):
    m.reset()
    c.drop()
    c.connect()
    api("GetReconstructDocumentResult", {"TaskId": "done-r"})
    sess = c.conn.sock.session                 # TLS 1.3 tickets arrive after the handshake: read first
    c.drop()
    c.connect(session=sess)
    r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "done-r"})
    reused = c.conn.sock.session_reused
    c.drop()
    st = m.stats()
    check("api resumed", reused and st["resumed"] == 1 and st["handshakes"] == 2, (reused, st["resumed"]))

    url = success_url(api, "done-r")
    d = Client(m.download_port, m.ca_file, sni="mock.lkedoc.test")
    d.ctx = c.ctx                              # Python resumes a session only on its own SSLContext
    d.connect(session=sess)                    # a session of the API listener is not valid here
    check("dl not resumed across listeners", not d.conn.sock.session_reused)
    r, body = d.get(target_of(url))
    sess2 = d.conn.sock.session
    d.drop()
    d.connect(session=sess2)
    r, body = d.get(target_of(url))
    check("dl resumed", r.status == 200 and d.conn.sock.session_reused and m.stats()["download"]["resumed"] == 1,
          m.stats()["download"])
    d.drop()


def main():
    if len(sys.argv) > 1:
        return run_selftest(sys.argv[1])
    d = tempfile.mkdtemp(prefix="lkedoc-mock-")
    try:
        return run_selftest(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def run_selftest(d):
    state_dir = d  # d names a download client further down
    passed = failed = 0

    def check(name, cond, detail=""):
        nonlocal passed, failed
        if cond:
            passed += 1
        else:
            failed += 1
            print("FAIL %s %s" % (name, detail))

    with Mock(d, ["--ipv6", "--credential", SECRET_ID + ":" + SECRET_KEY,
                  "--credential", "AKIDTOKEN:tokkey:the-token"]) as m:
        c = Client(m.port, m.ca_file)

        def api(*a, **kw):
            r, data = c.call(*a, **kw)
            return r, json.loads(data.decode("utf-8"))["Response"], data

        # 1. correct signature, life cycle on one keep-alive connection
        seen = []
        for _ in range(3):
            r, resp, raw = api("GetReconstructDocumentResult", {"TaskId": "t-1"})
            check("status 200", r.status == 200)
            check("headers", r.getheader("Content-Type") == "application/json" and r.getheader("Date"))
            seen.append(resp.get("Status"))
        check("lifecycle", seen == ["WaitExecute", "Processing", "Success"], seen)
        check("url", resp.get("DocumentRecognizeResultUrl", "").startswith("https://mock.lkedoc.test:%d/results/" % m.download_port)
              and "q-signature=" in resp["DocumentRecognizeResultUrl"], resp)
        st = m.stats()
        check("one connection", st["connections"] == 1 and st["handshakes"] == 1 and st["requests"] == 3, st)
        raws = [api("GetReconstructDocumentResult", {"TaskId": "done-esc"})[2] for _ in range(2)]
        esc = [b"\\/" in x and b"\\u0026" in x for x in raws]
        check("escaped alternate", sorted(esc) == [False, True], raws)
        urls = [json.loads(x.decode("utf-8"))["Response"]["DocumentRecognizeResultUrl"] for x in raws]
        check("escaped decodes", all(u.startswith("https://mock.lkedoc.test:") and "&q-ak=" in u for u in urls), urls)

        # 2. wrong key
        r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "t-1"}, key="wrong")
        check("wrong key", resp.get("Error", {}).get("Code") == "AuthFailure.SignatureFailure", resp)

        cases = [
            ("unknown id", dict(sid="AKIDNOPE"), "AuthFailure.SecretIdNotFound"),
            ("expired", dict(ts=int(time.time()) - 301), "AuthFailure.SignatureExpire"),
            ("garbled", dict(auth="TC3-HMAC-SHA256 nonsense"), "AuthFailure.InvalidAuthorization"),
            ("scope svc", dict(service="lkeap", version="2023-11-30"), "AuthFailure.InvalidAuthorization"),
            ("version", dict(version="2020-01-01"), "NoSuchVersion"),
            ("region", dict(region="ap-beijing"), "UnsupportedRegion"),
            ("language", dict(extra={"X-TC-Language": "fr-FR"}), "InvalidParameterValue"),
            ("ctype", dict(ctype="text/plain"), "InvalidRequest"),
            ("not object", dict(raw_body=b"[1]"), "InvalidParameter"),
            ("unknown host", dict(host="cvm.tencentcloudapi.com"), "InvalidRequest"),
            ("token", dict(sid="AKIDTOKEN", key="tokkey"), "AuthFailure.TokenFailure"),
        ]
        for name, kw, code in cases:
            r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "x"}, **kw)
            check(name, resp.get("Error", {}).get("Code") == code, (name, resp))
        r, resp, _ = api("GetReconstructDocumentResult", {}, )
        check("missing TaskId", resp["Error"]["Code"] == "MissingParameter", resp)
        r, resp, _ = api("CancelTask", {"TaskId": "x"})
        check("CancelTask on lke", resp["Error"]["Code"] == "InvalidAction", resp)
        r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "x"}, sid="AKIDTOKEN", key="tokkey",
                         extra={"X-TC-Token": "the-token"})
        check("token ok", resp.get("Status") == "WaitExecute", resp)
        r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "missing-1"})
        check("missing", resp["Error"]["Code"] == "ResourceNotFound", resp)

        # 3. host with a port, signed either way
        for signed_host in ("lke.intl.tencentcloudapi.com:%d" % m.port, "lke.intl.tencentcloudapi.com"):
            ts = int(time.time())
            body = b'{"TaskId":"done-port"}'
            auth = sign(SECRET_ID, SECRET_KEY, "lke", signed_host, ts, body)
            r, resp, _ = api("GetReconstructDocumentResult", None, raw_body=body, ts=ts, auth=auth,
                             host="lke.intl.tencentcloudapi.com:%d" % m.port)
            check("host port " + signed_host, resp.get("Status") == "Success", resp)

        # UNSIGNED-PAYLOAD
        ts = int(time.time())
        body = b'{"TaskId":"done-unsigned"}'
        r, resp, _ = api("GetReconstructDocumentResult", None, raw_body=body, ts=ts,
                         auth=sign(SECRET_ID, SECRET_KEY, "lke", "lke.intl.tencentcloudapi.com", ts, body, unsigned=True),
                         extra={"X-TC-Content-SHA256": "UNSIGNED-PAYLOAD"})
        check("unsigned payload", resp.get("Status") == "Success", resp)
        r, resp, _ = api("GetReconstructDocumentResult", None, raw_body=body, ts=ts,
                         auth=sign(SECRET_ID, SECRET_KEY, "lke", "lke.intl.tencentcloudapi.com", ts, body, unsigned=True))
        check("unsigned payload without header", resp["Error"]["Code"] == "AuthFailure.SignatureFailure", resp)
        # body over 10 MB
        r, resp, _ = api("CreateReconstructDocumentFlow", None, raw_body=b'{"FileBase64":"' + b"A" * (10 * 1024 * 1024) + b'"}')
        check("request too large", resp["Error"]["Code"] == "RequestSizeLimitExceeded", resp)
        # Connection: close is honoured
        r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "x"}, extra={"Connection": "close"})
        check("connection close", r.getheader("Connection") == "close", r.getheaders())
        c.conn.close()
        c.conn.sock = None

        # 4. lkeap profiles, non-ASCII TaskId
        tid = 'fail-ü"\\/&\u672a'
        r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": tid}, host="lkeap.intl.tencentcloudapi.com",
                         service="lkeap", region="ap-jakarta")
        # The international edition: no task Error, three Usage fields.
        check("lkeap intl fail", resp.get("Status") == "Failed" and "Error" not in resp
              and resp["FailedPages"][1]["PageNumber"] is None
              and sorted(resp["Usage"]) == ["PageNumber", "TotalToken", "TotalTokens"], resp)
        check("last task id", m.stats()["last_task_id"] == tid)
        r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": tid}, host="lkeap.tencentcloudapi.com",
                         service="lkeap")
        check("lkeap cn fail", resp.get("Status") == "Failed" and resp["Error"]["Code"] == "FailedOperation.FileParseError"
              and sorted(resp["Usage"]) == sorted(["PageNumber", "TotalToken", "TotalTokens", "SplitTokens",
                                                   "MllmTokens", "SuccessPageNum", "FailPageNum", "FileSize"]), resp)
        r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "done-cn"}, host="lkeap.tencentcloudapi.com",
                         service="lkeap")
        check("no Error unless failed", resp.get("Status") == "Success" and "Error" not in resp
              and resp["Usage"]["PageNumber"] == resp["Usage"]["SuccessPageNum"] == 1, resp)
        r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "fail-cn"}, host="lkeap.tencentcloudapi.com",
                         service="lkeap")
        check("failed Usage counts FailedPages", resp["Usage"]["PageNumber"] == resp["Usage"]["FailPageNum"]
              == len(resp["FailedPages"]) == 3 and resp["Usage"]["SuccessPageNum"] == 0, resp)
        r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "done-lke"})
        check("lke: no Usage, no Error", resp.get("Status") == "Success" and "Usage" not in resp
              and "Error" not in resp, resp)
        r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "pause-1"}, host="localhost", service="lkeap")
        check("pause", resp.get("Status") == "Pause" and "Error" not in resp, resp)
        r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "pause-intl"}, host="lkeap.intl.tencentcloudapi.com",
                         service="lkeap", region="ap-jakarta")
        check("no pause on intl", resp.get("Status") == "Processing", resp)
        r, resp, _ = api("CancelTask", {"TaskId": "x"}, host="lkeap.intl.tencentcloudapi.com", service="lkeap",
                         region="ap-jakarta")
        check("no CancelTask on intl", resp["Error"]["Code"] == "InvalidAction", resp)
        # Config keys and parameters an edition does not know.
        for host, service, region, key in (("lkeap.intl.tencentcloudapi.com", "lkeap", "ap-jakarta", "PageFormat"),
                                           ("lke.intl.tencentcloudapi.com", "lke", "ap-guangzhou", "IgnoreFailedPage")):
            r, resp, _ = api("CreateReconstructDocumentFlow", {"FileType": "PDF", "FileUrl": "https://x/y.pdf",
                                                               "Config": {"ResultType": "0", key: "A4"}},
                             host=host, service=service, region=region)
            check("unknown Config key " + host, resp["Error"]["Code"] == "UnknownParameter"
                  and ("Config." + key) in resp["Error"]["Message"], resp)
        r, resp, _ = api("CreateReconstructDocumentFlow", {"FileType": "PDF", "FileUrl": "https://x/y.pdf",
                                                           "Config": {"PageFormat": "A4", "IgnoreFailedPage": True}},
                         host="lkeap.tencentcloudapi.com", service="lkeap")
        check("lkeap cn Config keys", resp.get("TaskId", "").startswith("task-"), resp)
        r, resp, _ = api("CreateReconstructDocumentFlow", {"FileUrl": "https://x/y.pdf", "Pages": 3})
        check("unknown parameter", resp["Error"]["Code"] == "UnknownParameter", resp)
        # FileBase64 takes seven types.
        r, resp, _ = api("CreateReconstructDocumentFlow", {"FileType": "DOCX", "FileBase64": "UEsDBA=="})
        check("b64 docx", resp["Error"]["Code"] == "InvalidParameter.InvalidFileType" and "FileUrl" in
              resp["Error"]["Message"], resp)
        r, resp, _ = api("CreateReconstructDocumentFlow", {"FileType": "docx", "FileUrl": "https://x/y.docx"})
        check("url docx", resp.get("TaskId", "").startswith("task-"), resp)
        r, resp, _ = api("CreateReconstructDocumentFlow", {"FileType": "tiff", "FileBase64": "SUkqAA=="})
        check("b64 tiff", resp.get("TaskId", "").startswith("task-"), resp)
        # lke parses pages 1..100 without FileEndPageNumber; 1000 pages at most per task.
        pdf = b"%PDF-1.4\n" + b"".join(b"%d 0 obj\n<< /Type /Page /Parent 1 0 R >>\nendobj\n" % (i + 2)
                                       for i in range(150)) + b"1 0 obj\n<< /Type /Pages /Count 150 >>\nendobj\n"
        b64 = base64.b64encode(pdf).decode("ascii")
        for body, want in (({}, [1, 100]), ({"FileEndPageNumber": 1000}, [1, 150]),
                           ({"FileStartPageNumber": 120, "FileEndPageNumber": 1119}, [120, 150]),
                           ({"FileStartPageNumber": 1, "FileEndPageNumber": 20}, [1, 20])):
            r, resp, _ = api("CreateReconstructDocumentFlow", dict(body, FileType="PDF", FileBase64=b64))
            lc = m.stats()["last_create"]
            check("lke pages %s" % body, resp.get("TaskId") and lc["document_pages"] == 150
                  and lc["pages_parsed"] == want, (resp, lc))
            if not body:
                cut_task = resp.get("TaskId")
        # The archive of the task without a range has pages 1..100 only.
        d = Client(m.download_port, m.ca_file, sni="mock.lkedoc.test")
        r, data = d.get(target_of(success_url(api, cut_task)))
        pages = sorted(int(n.rsplit("_page_", 1)[1][:-5]) for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
                       if "_page_" in n)
        check("lke archive cut at 100", r.status == 200 and pages == list(range(1, 101)), pages[-3:])
        # Usage counts the pages the archive holds, also for a task whose pages the mock cannot count.
        lkeap = dict(host="lkeap.tencentcloudapi.com", service="lkeap")
        for body in ({"FileBase64": b64, "FileStartPageNumber": 3, "FileEndPageNumber": 7},
                     {"FileUrl": "https://x/y.pdf"}):
            r, resp, _ = api("CreateReconstructDocumentFlow", dict(body, FileType="PDF"), **lkeap)
            r, data = d.get(target_of(success_url(api, resp["TaskId"], **lkeap)))
            held = [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if "_page_" in n]
            _, resp, _ = api("GetReconstructDocumentResult", {"TaskId": resp["TaskId"]}, **lkeap)
            check("Usage agrees with the archive %s" % sorted(body), r.status == 200
                  and resp["Usage"]["PageNumber"] == resp["Usage"]["SuccessPageNum"] == len(held)
                  == (5 if "FileBase64" in body else 1), (resp.get("Usage"), held))
        d.drop()
        r, resp, _ = api("CreateReconstructDocumentFlow", dict(FileType="PDF", FileBase64=b64, FileStartPageNumber=120))
        check("lke start after its default end", resp["Error"]["Code"] == "InvalidParameterValue", resp)
        r, resp, _ = api("CreateReconstructDocumentFlow", dict(FileType="PDF", FileBase64=b64), host="lkeap.tencentcloudapi.com",
                         service="lkeap")
        check("lkeap parses the whole document", m.stats()["last_create"]["pages_parsed"] == [1, 150], resp)
        r, resp, _ = api("CreateReconstructDocumentFlow", {"FileType": "PDF", "FileUrl": "https://x/y.pdf",
                                                           "FileEndPageNumber": 1001})
        check("over 1000 pages", resp["Error"]["Code"] == "LimitExceeded.ExceededMaxPagesError", resp)
        # lke may answer the removed actions so (a knob); lkeap is not touched.
        for code in ("ActionOffline", "InvalidAction", "UnsupportedOperation"):
            m.config(lke_offline=code)
            r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "done-off"})
            check("lke offline " + code, resp["Error"]["Code"] == code, resp)
        r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "done-off"}, host="lkeap.tencentcloudapi.com",
                         service="lkeap")
        check("lkeap not offline", resp.get("Status") == "Success", resp)
        check("lke_offline checked", _config_status(m, {"lke_offline": "Gone"}) == 400)
        m.config(lke_offline=False)
        r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "done-off"})
        check("lke back", resp.get("Status") == "Success", resp)
        # X-TC-RequestClient is counted by value.
        before = m.stats()["request_clients"].get("lkedoc-selftest/1", 0)
        api("GetReconstructDocumentResult", {"TaskId": "done-rc"}, extra={"X-TC-RequestClient": "lkedoc-selftest/1"})
        check("request client", m.stats()["request_clients"].get("lkedoc-selftest/1") == before + 1, m.stats())
        r, resp, _ = api("CreateReconstructDocumentFlow", {"FileUrl": "https://x/y.pdf"}, host="lkeap.tencentcloudapi.com",
                         service="lkeap")
        check("lkeap FileType", resp["Error"]["Code"] == "MissingParameter", resp)
        r, resp, _ = api("CreateReconstructDocumentFlow", {"FileType": "PDF", "FileUrl": "https://x/y.pdf?a=1&b=2"},
                         host="lkeap.tencentcloudapi.com", service="lkeap")
        check("create", resp.get("TaskId", "").startswith("task-"), resp)
        check("create remembered", m.stats()["tasks"][resp["TaskId"]]["FileUrl"] == "https://x/y.pdf?a=1&b=2")
        r, resp, _ = api("CreateReconstructDocumentFlow", {"FileBase64": "A" * (8 * 1024 * 1024 + 4)})
        check("too large b64", resp["Error"]["Code"] == "LimitExceeded.TooLargeFileError", resp)
        r, resp, _ = api("CancelTask", {"TaskId": "x"}, host="lkeap.tencentcloudapi.com", service="lkeap")
        check("cancel", "Error" not in resp and resp.get("RequestId"), resp)

        # 5. clock offset
        m.config(clock_offset=-1000)
        r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "x"})
        check("clock", resp["Error"]["Code"] == "AuthFailure.SignatureExpire" and "server time" in resp["Error"]["Message"])
        m.config(clock_offset=0)

        # 6. non-API paths answer HTML
        c.conn.request("GET", "/results/abc.zip", headers={"Host": "mock.lkedoc.test"})
        r = c.conn.getresponse()
        check("GET 404", r.status == 404 and r.getheader("Content-Type") == "text/html", r.status)
        r.read()
        c.conn.request("GET", "/", headers={"Host": "lke.intl.tencentcloudapi.com"})
        r = c.conn.getresponse()
        check("GET / 405", r.status == 405, r.status)
        r.read()

        # 7. untrusted CA fails the handshake and is counted; IPv6 works
        before = m.stats()["handshake_failures"]
        try:
            ctx = ssl.create_default_context(cafile=m.other_ca_file)
            with socket.create_connection(("127.0.0.1", m.port), timeout=5) as raw:
                ctx.wrap_socket(raw, server_hostname="lke.intl.tencentcloudapi.com")
            check("untrusted CA rejected", False)
        except ssl.SSLError:
            check("untrusted CA rejected", True)
        time.sleep(0.2)
        check("handshake failure counted", m.stats()["handshake_failures"] == before + 1)
        ctx = ssl.create_default_context(cafile=m.ca_file)
        with socket.create_connection(("::1", m.port), timeout=5) as raw:
            s = ctx.wrap_socket(raw, server_hostname="lkeap.tencentcloudapi.com")
            check("ipv6", s.version() in ("TLSv1.2", "TLSv1.3"))
            s.close()

        # 8. the official Node.js SDK as an oracle (when tests/sdk is installed)
        sdk = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sdk")
        if os.path.isdir(os.path.join(sdk, "node_modules")) and shutil.which("node"):
            m.reset()
            env = dict(os.environ, MOCK_PORT=str(m.port), NODE_EXTRA_CA_CERTS=m.ca_file,
                       TENCENTCLOUD_SECRET_ID=SECRET_ID, TENCENTCLOUD_SECRET_KEY=SECRET_KEY)
            r = subprocess.run(["node", os.path.join(sdk, "sdk_check.js")], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
            check("sdk_check.js", r.returncode == 0, r.stdout.decode(errors="replace"))
            st = m.stats()
            check("sdk host header has port", st["last_headers"].get("host") == "lke.intl.tencentcloudapi.com:%d" % m.port, st["last_headers"])
        else:
            print("SKIP sdk_check.js (run tests/sdk/install.sh)")

        # 9. downloads, faults, creates, resumption
        m.reset()
        c.drop()
        download_checks(m, c, api, check)
        fault_checks(m, c, api, check)
        create_checks(m, c, api, check)
        resumption_checks(m, c, api, check)
        sts_checks(m, api, check)
        failed_pages_checks(m, c, api, check)

        # 10. reset
        m.config(fail_next_api=["503"], download_close_after=[5], expire_urls=True, polls_to_success=7,
                 connection_requests_max=3, slow_api_ms=1, archive_size=10, slow_body_bytes_per_s=5,
                 failed_pages=5, failed_pages_odd=True, api_chunked=True)
        m.reset()
        st = m.stats()
        check("reset", st["requests"] == 0 and st["polls"] == {} and st["errors"] == {}, st)
        cfg = st["config"]
        check("reset faults", cfg["fail_next_api"] == [] and cfg["download_close_after"] == [] and
              cfg["expire_urls"] is False and cfg["polls_to_success"] == 2 and cfg["connection_requests_max"] is None
              and cfg["slow_api_ms"] == 0 and cfg["archive_size"] == 0 and st["download"]["gets"] == 0
              and cfg["slow_body_bytes_per_s"] == 0 and st["tasks_created"] == 0
              and cfg["failed_pages"] == 0 and cfg["failed_pages_odd"] is False and cfg["api_chunked"] is False
              and st["resumed"] == 0 and st["faults_injected"] == {} and st["last_create"] is None, st)

    # 11. an IPv6 --bind: the API listens there alone (an IPv6-only host)
    with Mock(os.path.join(state_dir, "v6"), bind="::1") as m:
        ctx = ssl.create_default_context(cafile=m.ca_file)
        with socket.create_connection(("::1", m.port), timeout=5) as raw:
            s = ctx.wrap_socket(raw, server_hostname="lke.intl.tencentcloudapi.com")
            check("bind ::1", s.version() in ("TLSv1.2", "TLSv1.3"))
            s.close()
        try:
            socket.create_connection(("127.0.0.1", m.port), timeout=5).close()
            check("bind ::1: no IPv4 listener", False)
        except OSError:
            check("bind ::1: no IPv4 listener", True)

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
