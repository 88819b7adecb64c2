#!/usr/bin/env python3
"""Self-test of the mock: starts it, talks TLS with SNI lke.intl.tencentcloudapi.com and checks answers.

The signer here is written separately from mock_server.py (it does not import it).
Usage: python3 tests/mock/selftest.py [STATE_DIR]
"""

import hashlib
import hmac
import http.client
import json
import os
import shutil
import subprocess
import socket
import ssl
import sys
import tempfile
import time
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

    def connect(self):
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        self.conn.sock = self.ctx.wrap_socket(raw, server_hostname=self.sni)

    def call(self, action, body_obj, host="lke.intl.tencentcloudapi.com", service="lke", region="ap-guangzhou",
             version=None, key=SECRET_KEY, sid=SECRET_ID, ts=None, raw_body=None, extra=None, auth=None,
             ctype="application/json"):
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
        r = self.conn.getresponse()
        data = r.read()
        return r, data


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="lkedoc-mock-")
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
        check("url", resp.get("DocumentRecognizeResultUrl", "").startswith("https://mock.lkedoc.test:%d/results/" % m.port)
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
        check("lkeap fail", resp.get("Status") == "Failed" and resp["Error"]["Code"] == "FailedOperation.FileParseError"
              and resp["FailedPages"][1]["PageNumber"] is None and "Usage" in resp, resp)
        check("last task id", m.stats()["last_task_id"] == tid)
        r, resp, _ = api("GetReconstructDocumentResult", {"TaskId": "pause-1"}, host="localhost", service="lkeap")
        check("pause", resp.get("Status") == "Pause" and resp.get("Error", 1) is None, resp)
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

        # 9. reset
        m.reset()
        st = m.stats()
        check("reset", st["requests"] == 0 and st["polls"] == {} and st["errors"] == {}, st)

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
