#!/usr/bin/env python3
"""Mock of the Tencent Cloud document-parsing API (lke / lkeap) for lkedoc's tests.

Written from tests/../shared/spec/API.md, independently of the C client.
Python 3 standard library only; certificates are made with the openssl command line tool.

Usage:
  python3 mock_server.py --state-dir DIR [--port 0] [--control-port 0] [--ipv6]
                         [--credential ID:KEY[:TOKEN]]... [--clock-offset SECONDS]

See README.md beside this file.
"""

import argparse
import base64
import datetime
import email.utils
import fcntl
import hashlib
import hmac
import json
import logging
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_SECRET_ID = "AKIDLKEDOCMOCK0000000000000000000000"
DEFAULT_SECRET_KEY = "lkedoc-mock-secret-key-0000000000"

MAX_BODY = 10 * 1024 * 1024          # whole TC3 POST
MAX_DISCARD = 64 * 1024 * 1024       # above this an oversized body is not drained: the connection is closed
MAX_BASE64 = 8 * 1024 * 1024         # FileBase64 after encoding
MAX_HEADER_BYTES = 64 * 1024
TIME_WINDOW = 300                    # seconds of allowed clock skew
LAST_BODY_KEEP = 1024 * 1024         # /stats keeps at most this much of the last body

SAN_DNS = [
    "lke.intl.tencentcloudapi.com",
    "lke.tencentcloudapi.com",
    "lkeap.tencentcloudapi.com",
    "lkeap.intl.tencentcloudapi.com",
    "localhost",
    "mock.lkedoc.test",
]

RESULT_HOST = "mock.lkedoc.test"

# Profiles by Host (lower case, port stripped).
PROFILES = {
    "lke": {"service": "lke", "version": "2023-11-30", "regions": {"ap-guangzhou"},
            "actions": {"GetReconstructDocumentResult", "CreateReconstructDocumentFlow"},
            "url_ttl": 600},
    "lkeap-cn": {"service": "lkeap", "version": "2024-05-22", "regions": {"ap-guangzhou"},
                 "actions": {"GetReconstructDocumentResult", "CreateReconstructDocumentFlow", "CancelTask"},
                 "url_ttl": 1800},
    "lkeap-intl": {"service": "lkeap", "version": "2024-05-22", "regions": {"ap-jakarta"},
                   "actions": {"GetReconstructDocumentResult", "CreateReconstructDocumentFlow", "CancelTask"},
                   "url_ttl": 1800},
}
HOSTS = {
    "lke.intl.tencentcloudapi.com": "lke",
    "lke.tencentcloudapi.com": "lke",
    "lkeap.tencentcloudapi.com": "lkeap-cn",
    "lkeap.intl.tencentcloudapi.com": "lkeap-intl",
}
# Hosts whose profile is taken from the credential scope's service.
SCOPE_HOSTS = {"localhost", "mock.lkedoc.test"}
SCOPE_PROFILES = {"lke": "lke", "lkeap": "lkeap-cn"}

KNOWN_ACTIONS = {"GetReconstructDocumentResult", "CreateReconstructDocumentFlow", "CancelTask"}

log = logging.getLogger("lkedoc-mock")


# --------------------------------------------------------------------------------------------
# Certificates

def _openssl(args, cwd):
    r = subprocess.run(["openssl"] + args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise RuntimeError("openssl %s failed: %s" % (" ".join(args), r.stderr.decode(errors="replace")))


def _ossl_time(dt):
    return dt.strftime("%Y%m%d%H%M%SZ")


def _ca_config(tmp, name):
    d = os.path.join(tmp, "db-" + name)
    os.mkdir(d)
    open(os.path.join(d, "index.txt"), "w").close()
    with open(os.path.join(d, "serial"), "w") as f:
        f.write(uuid.uuid4().hex[:16].upper().lstrip("0").rjust(16, "1") + "\n")
    cnf = os.path.join(tmp, name + ".cnf")
    san = ",".join("DNS:" + n for n in SAN_DNS)
    with open(cnf, "w") as f:
        f.write("""[ ca ]
default_ca = mockca
[ mockca ]
dir = {d}
database = $dir/index.txt
new_certs_dir = $dir
serial = $dir/serial
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[ anything ]
commonName = supplied
organizationName = optional
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ v3_ca ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ v3_server ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = {san}
""".format(d=d, san=san))
    return cnf


def _make_ca(tmp, name, cn, start, end):
    cnf = _ca_config(tmp, name)
    _openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name + ".key"], tmp)
    _openssl(["req", "-new", "-config", cnf, "-key", name + ".key", "-subj", "/O=lkedoc tests/CN=" + cn,
              "-out", name + ".csr"], tmp)
    _openssl(["ca", "-batch", "-notext", "-config", cnf, "-selfsign", "-keyfile", name + ".key",
              "-in", name + ".csr", "-out", name + ".pem", "-extensions", "v3_ca",
              "-startdate", _ossl_time(start), "-enddate", _ossl_time(end)], tmp)
    return cnf


def ensure_certs(state_dir):
    """Create ca.pem, server.pem/server.key and other-ca.pem in state_dir unless all exist.

    Serialized with a lock file, generated in a temporary directory and moved in with rename,
    so two mocks started at once on the same directory both see a complete, consistent set."""
    wanted = ["ca.pem", "ca.key", "server.pem", "server.key", "other-ca.pem", "other-ca.key"]
    if all(os.path.exists(os.path.join(state_dir, n)) for n in wanted):
        return
    with open(os.path.join(state_dir, ".certs.lock"), "w") as lockf:
        fcntl.flock(lockf, fcntl.LOCK_EX)
        if all(os.path.exists(os.path.join(state_dir, n)) for n in wanted):
            return
        tmp = tempfile.mkdtemp(prefix=".certgen-", dir=state_dir)
        try:
            now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
            start = now - datetime.timedelta(days=1)
            end = now + datetime.timedelta(days=3650)
            cnf = _make_ca(tmp, "ca", "lkedoc mock test CA", start, end)
            _make_ca(tmp, "other-ca", "lkedoc unrelated untrusted CA", start, end)
            _openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                      "-out", "server.key"], tmp)
            _openssl(["req", "-new", "-config", cnf, "-key", "server.key",
                      "-subj", "/O=lkedoc tests/CN=lke.intl.tencentcloudapi.com", "-out", "server.csr"], tmp)
            _openssl(["ca", "-batch", "-notext", "-config", cnf, "-cert", "ca.pem", "-keyfile", "ca.key",
                      "-in", "server.csr", "-out", "server.pem", "-extensions", "v3_server",
                      "-startdate", _ossl_time(start), "-enddate", _ossl_time(end)], tmp)
            for n in wanted:
                if n.endswith(".key"):
                    os.chmod(os.path.join(tmp, n), 0o600)
            # Keys and server cert first, the CA certificates last: ca.pem present => set complete.
            for n in ["server.key", "ca.key", "other-ca.key", "server.pem", "other-ca.pem", "ca.pem"]:
                os.replace(os.path.join(tmp, n), os.path.join(state_dir, n))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# State

class State:
    def __init__(self, credentials, clock_offset):
        self.lock = threading.Lock()
        self.credentials = credentials          # id -> (key, token or None)
        self.config = {"clock_offset": float(clock_offset), "idle_timeout": 30.0,
                       "host_forms": ["as-sent", "no-port"], "escape_alternate": True}
        self.tls_port = 0
        self.reset()

    def reset(self):
        with self.lock:
            self.connections = 0
            self.handshakes = 0
            self.handshake_failures = 0
            self.requests = 0
            self.errors = {}
            self.last_task_id = None
            self.last_action = None
            self.last_headers = {}
            self.last_body = None
            self.last_body_len = None
            self.last_sign_variant = None
            self.polls = {}
            self.tasks = {}                    # created tasks: id -> remembered request fields
            self.cancelled = []
            self.responses = 0

    def now(self):
        with self.lock:
            off = self.config["clock_offset"]
        return time.time() + off

    def bump(self, field, n=1):
        with self.lock:
            setattr(self, field, getattr(self, field) + n)

    def stats(self):
        with self.lock:
            return {
                "connections": self.connections,
                "handshakes": self.handshakes,
                "handshake_failures": self.handshake_failures,
                "requests": self.requests,
                "errors": dict(self.errors),
                "last_task_id": self.last_task_id,
                "last_action": self.last_action,
                "last_headers": dict(self.last_headers),
                "last_body": self.last_body,
                "last_body_len": self.last_body_len,
                "last_sign_variant": self.last_sign_variant,
                "polls": dict(self.polls),
                "tasks": json.loads(json.dumps(self.tasks)),
                "cancelled": list(self.cancelled),
                "config": dict(self.config),
                "tls_port": self.tls_port,
            }


class ApiError(Exception):
    def __init__(self, code, message):
        Exception.__init__(self, code)
        self.code = code
        self.message = message


# --------------------------------------------------------------------------------------------
# TC3-HMAC-SHA256 verification

AUTH_RE = re.compile(
    r"^TC3-HMAC-SHA256 +Credential=([^/,\s]+)/(\d{4}-\d{2}-\d{2})/([^/,\s]+)/tc3_request *, *"
    r"SignedHeaders=([a-z0-9\-;]+) *, *Signature=([0-9a-f]{64})$")


def parse_authorization(value):
    if value is None:
        raise ApiError("AuthFailure.InvalidAuthorization", "Authorization header is missing.")
    m = AUTH_RE.match(value.strip())
    if not m:
        raise ApiError("AuthFailure.InvalidAuthorization",
                       "Authorization header is not a valid TC3-HMAC-SHA256 authorization.")
    secret_id, date, service, signed, sig = m.groups()
    names = signed.split(";")
    if any(not n for n in names) or names != sorted(names) or len(set(names)) != len(names):
        raise ApiError("AuthFailure.InvalidAuthorization", "SignedHeaders must be sorted, unique, non-empty names.")
    if "content-type" not in names or "host" not in names:
        raise ApiError("AuthFailure.InvalidAuthorization", "SignedHeaders must include content-type and host.")
    return {"id": secret_id, "date": date, "service": service, "signed": names, "signature": sig}


def tc3_signature(secret_key, timestamp, date, service, canonical_request):
    string_to_sign = "TC3-HMAC-SHA256\n%s\n%s/%s/tc3_request\n%s" % (
        timestamp, date, service, hashlib.sha256(canonical_request.encode("utf-8")).hexdigest())

    def h(key, msg):
        return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()
    k = h(("TC3" + secret_key).encode("utf-8"), date)
    k = h(k, service)
    k = h(k, "tc3_request")
    return hmac.new(k, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def canonical_requests(headers, signed, payload_hash, host_forms):
    """Yield (variant, canonical request) candidates.

    API.md: names and values lower-cased and trimmed.  The official SDKs put the Content-Type
    in as sent (not lower-cased) and the host without a port while the Host header they send
    carries the port when it is not 443; both forms are accepted, the variant is recorded."""
    host_sent = headers.get("host", "").strip()
    hosts = []
    if "as-sent" in host_forms:
        hosts.append(("as-sent", host_sent))
    if "no-port" in host_forms:
        hp = strip_port(host_sent)
        if hp != host_sent or not hosts:
            hosts.append(("no-port", hp))
    for value_case in ("lower", "raw"):
        for host_form, host_value in hosts:
            lines = []
            for name in signed:
                v = host_value if name == "host" else headers.get(name, "")
                v = v.strip()
                if value_case == "lower":
                    v = v.lower()
                lines.append("%s:%s\n" % (name, v))
            creq = "POST\n/\n\n" + "".join(lines) + "\n" + ";".join(signed) + "\n" + payload_hash
            yield {"host": host_form, "value_case": value_case}, creq


def strip_port(host):
    host = host.strip()
    if host.startswith("["):
        i = host.find("]")
        return host[:i + 1] if i >= 0 else host
    if host.count(":") == 1:
        return host.split(":", 1)[0]
    return host


# --------------------------------------------------------------------------------------------
# API layer

def result_url(state, task_id, ttl):
    now = int(state.now())
    tid = base64.urlsafe_b64encode(task_id.encode("utf-8")).decode("ascii").rstrip("=")
    path = "/results/%s.zip" % tid
    key_time = "%d;%d" % (now, now + ttl)
    sig = hmac.new(b"mock-cos-key", ("%s\n%s\n%s" % (path, key_time, task_id)).encode("utf-8"),
                   hashlib.sha1).hexdigest()
    q = ("q-sign-algorithm=sha1&q-ak=AKIDMOCKCOS%s&q-sign-time=%s&q-key-time=%s"
         "&q-header-list=host&q-url-param-list=&q-signature=%s") % (
        hashlib.sha1(task_id.encode("utf-8")).hexdigest()[:24].upper(),
        key_time.replace(";", "%3B"), key_time.replace(";", "%3B"), sig)
    return "https://%s:%d%s?%s" % (RESULT_HOST, state.tls_port, path, q)


def task_status(state, profile, task_id):
    with state.lock:
        n = state.polls.get(task_id, 0) + 1
        state.polls[task_id] = n
        state.last_task_id = task_id
        created = task_id in state.tasks
    lkeap = profile["service"] == "lkeap"
    if task_id.startswith("missing-"):
        raise ApiError("ResourceNotFound", "The task %s does not exist." % task_id)
    if task_id.startswith("fail-"):
        status = "Failed"
    elif task_id.startswith("done-"):
        status = "Success"
    elif task_id.startswith("pause-"):
        status = "Pause" if lkeap else "Processing"
    else:
        status = "WaitExecute" if n == 1 else ("Processing" if n == 2 else "Success")
    resp = {"Status": status,
            "DocumentRecognizeResultUrl": result_url(state, task_id, profile["url_ttl"]) if status == "Success" else "",
            "FailedPages": []}
    if status == "Failed":
        resp["FailedPages"] = [{"PageNumber": 1}, {"PageNumber": None}, {"PageNumber": 3}]
    if lkeap:
        if status == "Failed":
            resp["Error"] = {"Code": "FailedOperation.FileParseError",
                             "Message": "The file could not be parsed (mock failure for %s)." % task_id}
            resp["Usage"] = {"PageNumber": 3, "TotalTokens": 0, "SuccessPageNum": 0, "FailPageNum": 3,
                             "FileSize": 20480}
        else:
            done = 3 if status == "Success" else 0
            resp["Error"] = None
            resp["Usage"] = {"PageNumber": 3, "TotalTokens": 1234 if done else 0, "SuccessPageNum": done,
                             "FailPageNum": 0, "FileSize": 20480}
    _ = created
    return resp


def act_get_result(state, profile, body):
    tid = body.get("TaskId")
    if tid is None:
        raise ApiError("MissingParameter", "The request is missing a required parameter `TaskId`.")
    if not isinstance(tid, str) or tid == "":
        raise ApiError("InvalidParameter", "The parameter `TaskId` must be a non-empty string.")
    return task_status(state, profile, tid)


def act_create(state, profile, body):
    lkeap = profile["service"] == "lkeap"
    for k in ("FileType", "FileUrl", "FileBase64"):
        if k in body and body[k] is not None and not isinstance(body[k], str):
            raise ApiError("InvalidParameter", "The parameter `%s` must be a string." % k)
    for k in ("FileStartPageNumber", "FileEndPageNumber"):
        if k in body and body[k] is not None and (not isinstance(body[k], int) or isinstance(body[k], bool)):
            raise ApiError("InvalidParameter", "The parameter `%s` must be an integer." % k)
    if "Config" in body and body["Config"] is not None and not isinstance(body["Config"], dict):
        raise ApiError("InvalidParameter", "The parameter `Config` must be an object.")
    if lkeap and not body.get("FileType"):
        raise ApiError("MissingParameter", "The request is missing a required parameter `FileType`.")
    url, b64 = body.get("FileUrl"), body.get("FileBase64")
    if not url and not b64:
        raise ApiError("MissingParameter", "One of the parameters `FileUrl` and `FileBase64` is required.")
    if not url and len(b64) > MAX_BASE64:
        raise ApiError("LimitExceeded.TooLargeFileError",
                       "FileBase64 is %d characters; the limit is %d." % (len(b64), MAX_BASE64))
    task_id = "task-" + uuid.uuid4().hex
    fields = {}
    for k, v in body.items():
        if k == "FileBase64" and isinstance(v, str):
            fields[k] = {"length": len(v), "sha256": hashlib.sha256(v.encode("utf-8")).hexdigest(),
                         "head": v[:64]}
        else:
            fields[k] = v
    fields["_service"] = profile["service"]
    with state.lock:
        state.tasks[task_id] = fields
        state.last_task_id = task_id
    return {"TaskId": task_id}


def act_cancel(state, profile, body):
    tid = body.get("TaskId")
    if tid is None:
        raise ApiError("MissingParameter", "The request is missing a required parameter `TaskId`.")
    if not isinstance(tid, str) or tid == "":
        raise ApiError("InvalidParameter", "The parameter `TaskId` must be a non-empty string.")
    if tid.startswith("missing-"):
        raise ApiError("ResourceNotFound", "The task %s does not exist." % tid)
    with state.lock:
        state.cancelled.append(tid)
        state.last_task_id = tid
    return {}


ACTIONS = {
    "GetReconstructDocumentResult": act_get_result,
    "CreateReconstructDocumentFlow": act_create,
    "CancelTask": act_cancel,
}


def handle_api(state, headers, body_bytes):
    """headers: dict lower-case name -> value. Returns the dict that goes under "Response"."""
    ct = headers.get("content-type")
    if ct is None or ct.split(";", 1)[0].strip().lower() != "application/json":
        raise ApiError("InvalidRequest", "Content-Type must be application/json, got %r." % (ct,))
    auth = parse_authorization(headers.get("authorization"))

    host_sent = headers.get("host")
    if not host_sent:
        raise ApiError("InvalidRequest", "The Host header is missing.")
    host = strip_port(host_sent).lower()
    if host in HOSTS:
        profile = PROFILES[HOSTS[host]]
    elif host in SCOPE_HOSTS:
        if auth["service"] not in SCOPE_PROFILES:
            raise ApiError("AuthFailure.InvalidAuthorization",
                           "Credential scope service `%s` is not served here." % auth["service"])
        profile = PROFILES[SCOPE_PROFILES[auth["service"]]]
    else:
        raise ApiError("InvalidRequest", "The host `%s` is not served by this endpoint." % host)
    if auth["service"] != profile["service"]:
        raise ApiError("AuthFailure.InvalidAuthorization",
                       "Credential scope service `%s` does not match the host's service `%s`."
                       % (auth["service"], profile["service"]))

    ts_raw = headers.get("x-tc-timestamp")
    if ts_raw is None:
        raise ApiError("MissingParameter", "The request is missing a required parameter `Timestamp`.")
    if not re.fullmatch(r"[0-9]{1,12}", ts_raw.strip()):
        raise ApiError("InvalidParameter", "X-TC-Timestamp must be a decimal Unix time.")
    ts = int(ts_raw.strip())
    now = state.now()
    if abs(now - ts) > TIME_WINDOW:
        raise ApiError("AuthFailure.SignatureExpire",
                       "Signature expired. Timestamp %d, server time %d (%s); the allowed skew is %d s."
                       % (ts, int(now), email.utils.formatdate(now, usegmt=True), TIME_WINDOW))
    ts_date = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%d")
    if auth["date"] != ts_date:
        raise ApiError("AuthFailure.SignatureFailure",
                       "Credential date %s is not the UTC date of X-TC-Timestamp (%s)." % (auth["date"], ts_date))
    cred = state.credentials.get(auth["id"])
    if cred is None:
        raise ApiError("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
    for name in auth["signed"]:
        if name not in headers:
            raise ApiError("AuthFailure.InvalidAuthorization", "Signed header `%s` is not in the request." % name)
    if headers.get("x-tc-content-sha256", "").strip() == "UNSIGNED-PAYLOAD":
        payload_hash = hashlib.sha256(b"UNSIGNED-PAYLOAD").hexdigest()
    else:
        payload_hash = hashlib.sha256(body_bytes).hexdigest()
    with state.lock:
        host_forms = list(state.config["host_forms"])
    matched = None
    for variant, creq in canonical_requests(headers, auth["signed"], payload_hash, host_forms):
        want = tc3_signature(cred[0], ts, auth["date"], auth["service"], creq)
        if hmac.compare_digest(want, auth["signature"]):
            matched = variant
            break
    if matched is None:
        raise ApiError("AuthFailure.SignatureFailure",
                       "The provided credentials could not be validated. Please check your signature is correct.")
    with state.lock:
        state.last_sign_variant = matched
    if cred[1] is not None and headers.get("x-tc-token") != cred[1]:
        raise ApiError("AuthFailure.TokenFailure", "The token is missing or invalid.")

    lang = headers.get("x-tc-language")
    if lang is not None and lang not in ("en-US", "zh-CN"):
        raise ApiError("InvalidParameterValue", "X-TC-Language must be en-US or zh-CN.")
    action = headers.get("x-tc-action")
    if not action:
        raise ApiError("MissingParameter", "The request is missing a required parameter `Action`.")
    with state.lock:
        state.last_action = action
    if action not in KNOWN_ACTIONS or action not in profile["actions"]:
        raise ApiError("InvalidAction", "The action `%s` is not found for %s version %s."
                       % (action, profile["service"], profile["version"]))
    version = headers.get("x-tc-version")
    if not version:
        raise ApiError("MissingParameter", "The request is missing a required parameter `Version`.")
    if version != profile["version"]:
        raise ApiError("NoSuchVersion", "The version `%s` of %s does not exist." % (version, profile["service"]))
    region = headers.get("x-tc-region")
    if not region:
        raise ApiError("MissingParameter", "The request is missing a required parameter `Region`.")
    if region not in profile["regions"]:
        raise ApiError("UnsupportedRegion", "The region `%s` is not supported on this endpoint." % region)
    try:
        body = json.loads(body_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ApiError("InvalidParameter", "The request body is not valid JSON.")
    if not isinstance(body, dict):
        raise ApiError("InvalidParameter", "The request body must be a JSON object.")
    return ACTIONS[action](state, profile, body)


# --------------------------------------------------------------------------------------------
# HTTP over TLS

class ConnClosed(Exception):
    pass


def read_head(f):
    """Read a request line and headers. Returns (method, target, version, [(name, value)]) or None on EOF."""
    total = 0
    line = f.readline(MAX_HEADER_BYTES + 1)
    while line in (b"\r\n", b"\n"):            # tolerate stray CRLF between requests
        line = f.readline(MAX_HEADER_BYTES + 1)
    if not line:
        return None
    total += len(line)
    parts = line.decode("latin-1").rstrip("\r\n").split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise ConnClosed("bad request line %r" % line[:80])
    hdrs = []
    while True:
        line = f.readline(MAX_HEADER_BYTES + 1)
        if not line:
            raise ConnClosed("EOF in headers")
        total += len(line)
        if total > MAX_HEADER_BYTES:
            raise ConnClosed("headers too large")
        if line in (b"\r\n", b"\n"):
            break
        s = line.decode("latin-1").rstrip("\r\n")
        if ":" not in s:
            raise ConnClosed("bad header line")
        name, value = s.split(":", 1)
        hdrs.append((name.strip().lower(), value.strip(" \t")))
    return parts[0], parts[1], parts[2], hdrs


def read_chunked(f, limit):
    out = bytearray()
    too_big = False
    while True:
        line = f.readline(1024)
        if not line:
            raise ConnClosed("EOF in chunk size")
        size = int(line.split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            while True:                         # trailers
                line = f.readline(MAX_HEADER_BYTES)
                if line in (b"\r\n", b"\n", b""):
                    break
            break
        data = f.read(size)
        if len(data) != size:
            raise ConnClosed("EOF in chunk")
        f.readline(8)
        if len(out) + size > limit:
            too_big = True
            if len(out) + size > MAX_DISCARD:
                raise ConnClosed("chunked body far too large")
        else:
            out += data
    return bytes(out), too_big


HTML_404 = (b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
            b"<center><h1>404 Not Found</h1></center>\r\n</body>\r\n</html>\r\n")
HTML_405 = (b"<html>\r\n<head><title>405 Not Allowed</title></head>\r\n<body>\r\n"
            b"<center><h1>405 Not Allowed</h1></center>\r\n</body>\r\n</html>\r\n")
HTML_400 = (b"<html>\r\n<head><title>400 Bad Request</title></head>\r\n<body>\r\n"
            b"<center><h1>400 Bad Request</h1></center>\r\n</body>\r\n</html>\r\n")


def encode_response(state, obj):
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    with state.lock:
        state.responses += 1
        odd = state.responses % 2 == 0 and state.config.get("escape_alternate", True)
    if odd:
        # '&' and '/' only ever occur inside JSON strings, so this rewrites string values only.
        text = text.replace("&", "\\u0026").replace("/", "\\/")
    return text.encode("utf-8")


class Connection:
    def __init__(self, state, raw, addr, ctx):
        self.state, self.raw, self.addr, self.ctx = state, raw, addr, ctx

    def run(self):
        st = self.state
        st.bump("connections")
        try:
            self.raw.settimeout(10)
            try:
                tls = self.ctx.wrap_socket(self.raw, server_side=True)
            except (ssl.SSLError, OSError) as e:
                st.bump("handshake_failures")
                log.info("handshake failed from %s: %s", self.addr, e)
                try:
                    self.raw.close()
                except OSError:
                    pass
                return
            st.bump("handshakes")
            self.sock = tls
            with st.lock:
                idle = st.config.get("idle_timeout", 30.0)
            tls.settimeout(idle)
            f = tls.makefile("rb", buffering=65536)
            try:
                while self.serve_one(f):
                    pass
            except (ConnClosed, OSError, ssl.SSLError, ValueError) as e:
                log.debug("connection %s ended: %s", self.addr, e)
            finally:
                try:
                    f.close()
                    tls.close()
                except OSError:
                    pass
        except Exception:  # noqa: never let a thread die silently
            log.exception("connection thread crashed")

    def send(self, status, reason, ctype, body, close, extra=()):
        st = self.state
        lines = ["HTTP/1.1 %d %s" % (status, reason),
                 "Date: " + email.utils.formatdate(st.now(), usegmt=True),
                 "Server: lkedoc-mock",
                 "Content-Type: " + ctype,
                 "Content-Length: %d" % len(body)]
        lines += list(extra)
        lines.append("Connection: close" if close else "Connection: keep-alive")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    def serve_one(self, f):
        st = self.state
        head = read_head(f)
        if head is None:
            return False
        method, target, version, hdr_list = head
        headers = {}
        for k, v in hdr_list:
            headers.setdefault(k, v)
        conn_tokens = [t.strip().lower() for t in headers.get("connection", "").split(",")]
        close = "close" in conn_tokens or (version == "HTTP/1.0" and "keep-alive" not in conn_tokens)

        # body
        too_big = False
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body, too_big = read_chunked(f, MAX_BODY)
        else:
            cl = headers.get("content-length", "0").strip() or "0"
            if not cl.isdigit():
                self.send(400, "Bad Request", "text/html", HTML_400, True)
                return False
            n = int(cl)
            if n > MAX_BODY:
                too_big = True
                if n > MAX_DISCARD:
                    st.bump("requests")
                    self.api_reply({"Error": {"Code": "RequestSizeLimitExceeded",
                                              "Message": "The request body is %d bytes; the limit is %d." % (n, MAX_BODY)}},
                                   True)
                    return False
                left = n
                while left:
                    chunk = f.read(min(left, 1 << 20))
                    if not chunk:
                        raise ConnClosed("EOF in body")
                    left -= len(chunk)
                body = b""
            else:
                body = f.read(n) if n else b""
                if len(body) != n:
                    raise ConnClosed("EOF in body")
        st.bump("requests")

        with st.lock:
            st.last_headers = dict(headers)
            if too_big:
                st.last_body, st.last_body_len = None, None
            else:
                st.last_body_len = len(body)
                txt = body.decode("utf-8", errors="replace")
                st.last_body = txt if len(txt) <= LAST_BODY_KEEP else txt[:LAST_BODY_KEEP]
            st.last_sign_variant = None

        path = target.split("?", 1)[0]
        if path != "/":
            self.send(404, "Not Found", "text/html", HTML_404, close)
            return not close
        if method != "POST":
            self.send(405, "Not Allowed", "text/html", HTML_405, close, ["Allow: POST"])
            return not close
        if too_big:
            resp = {"Error": {"Code": "RequestSizeLimitExceeded",
                              "Message": "The request body is larger than %d bytes." % MAX_BODY}}
        else:
            try:
                resp = handle_api(st, headers, body)
            except ApiError as e:
                resp = {"Error": {"Code": e.code, "Message": e.message}}
            except Exception as e:  # noqa
                log.exception("internal error")
                resp = {"Error": {"Code": "InternalError", "Message": "mock internal error: %s" % e}}
        self.api_reply(resp, close)
        return not close

    def api_reply(self, resp, close):
        st = self.state
        if "Error" in resp and "Status" not in resp:
            with st.lock:
                c = resp["Error"]["Code"]
                st.errors[c] = st.errors.get(c, 0) + 1
        resp["RequestId"] = str(uuid.uuid4())
        self.send(200, "OK", "application/json", encode_response(st, {"Response": resp}), close)


# --------------------------------------------------------------------------------------------
# Control server

def make_control_handler(state):
    class Control(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            log.debug("control: " + fmt, *args)

        def reply(self, code, obj):
            data = json.dumps(obj, ensure_ascii=False).encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def body(self):
            n = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(n) if n else b""
            if not raw.strip():
                return {}
            return json.loads(raw.decode("utf-8"))

        def do_GET(self):
            if self.path == "/stats":
                self.reply(200, state.stats())
            elif self.path == "/config":
                with state.lock:
                    self.reply(200, dict(state.config))
            else:
                self.reply(404, {"error": "not found"})

        def do_POST(self):
            try:
                obj = self.body()
            except ValueError:
                self.reply(400, {"error": "body is not JSON"})
                return
            if self.path == "/reset":
                state.reset()
                self.reply(200, {"ok": True})
            elif self.path == "/config":
                if not isinstance(obj, dict):
                    self.reply(400, {"error": "config must be a JSON object"})
                    return
                if "clock_offset" in obj:
                    obj["clock_offset"] = float(obj["clock_offset"])
                with state.lock:
                    state.config.update(obj)
                    cfg = dict(state.config)
                self.reply(200, cfg)
            else:
                self.reply(404, {"error": "not found"})
    return Control


# --------------------------------------------------------------------------------------------
# Main

def parse_credential(s):
    parts = s.split(":", 2)
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise argparse.ArgumentTypeError("credential must be ID:KEY[:TOKEN]")
    return parts[0], parts[1], (parts[2] if len(parts) == 3 else None)


def bind_listeners(port, ipv6):
    for _ in range(20):
        s4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s4.bind(("127.0.0.1", port))
        real = s4.getsockname()[1]
        socks = [s4]
        if ipv6:
            s6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            s6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                s6.bind(("::1", real))
            except OSError:
                s6.close()
                s4.close()
                if port:
                    raise
                continue
            socks.append(s6)
        for s in socks:
            s.listen(128)
        return real, socks
    raise OSError("could not find a port free on both 127.0.0.1 and ::1")


def accept_loop(sock, state, ctx, stop):
    sock.settimeout(0.5)
    while not stop.is_set():
        try:
            raw, addr = sock.accept()
        except socket.timeout:
            continue
        except OSError:
            if stop.is_set():
                break
            continue
        raw.settimeout(None)
        t = threading.Thread(target=Connection(state, raw, addr, ctx).run, daemon=True)
        t.start()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--state-dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--control-port", type=int, default=0)
    ap.add_argument("--ipv6", action="store_true")
    ap.add_argument("--credential", action="append", type=parse_credential, default=[])
    ap.add_argument("--clock-offset", type=float, default=0.0)
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args(argv)

    d = os.path.abspath(a.state_dir)
    os.makedirs(d, exist_ok=True)
    logging.basicConfig(filename=os.path.join(d, "mock.log"),
                        level=logging.DEBUG if a.verbose else logging.INFO,
                        format="%(asctime)s [%(process)d] %(levelname)s %(message)s")
    try:
        ensure_certs(d)
    except Exception as e:
        sys.stderr.write("mock: certificate generation failed: %s\n" % e)
        return 2

    creds = a.credential or [(DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY, None)]
    state = State({c[0]: (c[1], c[2]) for c in creds}, a.clock_offset)

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(os.path.join(d, "server.pem"), os.path.join(d, "server.key"))
    ctx.set_alpn_protocols(["http/1.1"])

    port, socks = bind_listeners(a.port, a.ipv6)
    state.tls_port = port
    control = ThreadingHTTPServer(("127.0.0.1", a.control_port), make_control_handler(state))
    control.daemon_threads = True

    stop = threading.Event()
    threads = [threading.Thread(target=accept_loop, args=(s, state, ctx, stop), daemon=True) for s in socks]
    threads.append(threading.Thread(target=control.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True))
    for t in threads:
        t.start()

    def on_signal(signum, frame):
        stop.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    ports = {"tls": port, "control": control.server_address[1], "pid": os.getpid()}
    pj = os.path.join(d, "ports.json")
    tmp = "%s.%d.tmp" % (pj, os.getpid())
    with open(tmp, "w") as f:
        json.dump(ports, f)
    os.replace(tmp, pj)
    log.info("listening: %s ipv6=%s", ports, a.ipv6)
    sys.stdout.write("lkedoc mock listening on tls %d control %d\n" % (ports["tls"], ports["control"]))
    sys.stdout.flush()

    while not stop.is_set():
        stop.wait(0.5)
    control.shutdown()
    control.server_close()
    for s in socks:
        try:
            s.close()
        except OSError:
            pass
    try:
        with open(pj) as f:
            if json.load(f).get("pid") == os.getpid():
                os.unlink(pj)
    except (OSError, ValueError):
        pass
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
