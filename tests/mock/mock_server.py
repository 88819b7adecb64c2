#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Mock of the Tencent Cloud document-parsing API (lke / lkeap) for lkedoc's tests.

Written from the service's API documentation, independently of the C client.
Python 3 standard library only; certificates are made with the openssl command line tool.

Usage:
  python3 mock_server.py --state-dir DIR [--port 0] [--download-port 0] [--control-port 0] [--ipv6]
                         [--credential ID:KEY[:TOKEN]]... [--clock-offset SECONDS] [--bind ADDR]

See README.md beside this file.
"""

import argparse
import base64
import datetime
import email.utils
import fcntl
import gzip
import hashlib
import hmac
import io
import json
import logging
import os
import random
import re
import shutil
import signal
import socket
import secrets
import ssl
import string
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
import zipfile
import zlib
from collections import OrderedDict
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
SAN_IP = ["127.0.0.1", "::1"]

# The service's public leaf certificates (--key-type rsa-service) name some 30 hosts: these 24 beside
# SAN_DNS, long regional names as theirs are, so that the leaf is about as large as theirs
# (~2.9 KB DER with its RSA-2048 key, the issuer's CRL and OCSP addresses and a policy).
SERVICE_REGIONS = ["ap-guangzhou", "ap-shanghai", "ap-beijing", "ap-chengdu", "ap-chongqing", "ap-nanjing",
                   "ap-hongkong", "ap-singapore", "ap-jakarta", "ap-seoul", "ap-tokyo", "ap-bangkok",
                   "na-siliconvalley", "na-ashburn", "eu-frankfurt", "sa-saopaulo", "ap-mumbai",
                   "ap-shanghai-fsi", "ap-shenzhen-fsi", "ap-beijing-fsi", "ap-taipei", "ap-guangzhou-open",
                   "me-saudi-arabia", "na-toronto"]
SERVICE_SAN_DNS = SAN_DNS + ["lkeap.%s.tencentcloudapi.com" % r for r in SERVICE_REGIONS]

RESULT_HOST = "mock.lkedoc.test"
DOWNLOAD_SECRET = b"lkedoc-mock-cos-secret"     # signs the result URLs (HMAC-SHA1)
ARCHIVE_DATE = (2024, 1, 1, 0, 0, 0)            # every zip member's time stamp
ARCHIVE_LAST_MODIFIED = "Mon, 01 Jan 2024 00:00:00 GMT"
ARCHIVE_CACHE_ENTRIES = 4
ARCHIVE_CACHE_BYTES = 512 * 1024 * 1024
RANGES_KEEP = 1000                              # /stats download.ranges keeps the last this many

# One-shot faults of fail_next_api: HTTP answers, API errors and connection ends.
FAULT_HTTP = {"429", "500", "503"}
FAULT_API = {"RequestLimitExceeded", "RequestLimitExceeded.UinLimitExceeded", "InternalError"}
FAULT_CONN = {"close", "reset"}
# The request is processed as usual (a Create creates and counts its task), then its answer is replaced:
# what a gateway whose upstream acted does (502/504), a reset, or no answer at all.
FAULT_PROCESSED = {"processed-502", "processed-504", "processed-reset", "processed-hang"}
# Taken as soon as the head is read: RST before any byte of the body is read (nothing processed).
FAULT_BEFORE_BODY = {"reset-before-body"}
FAULT_KINDS = FAULT_HTTP | FAULT_API | FAULT_CONN | FAULT_PROCESSED | FAULT_BEFORE_BODY

# Settings added for faults and downloads; /reset puts them back to these.
FAULT_DEFAULTS = {
    "fail_next_api": [],
    "download_close_after": [],
    "expire_urls": False,
    "slow_api_ms": 0,
    "slow_download_bytes_per_s": 0,
    "slow_body_bytes_per_s": 0,
    "polls_to_success": 2,
    "connection_requests_max": None,
    "url_ttl": None,                 # None: the profile's (600 s lke, 1800 s lkeap)
    "archive_size": 0,
    "lke_offline": None,             # a code of LKE_OFFLINE_CODES: lke answers the document actions with it
    "failed_pages": 0,               # FailedPages entries of a Success (IgnoreFailedPage keeps the task going)
    "failed_pages_odd": False,       # every tenth of them an odd entry (ODD_FAILED_PAGES)
    "api_chunked": False,            # API answers with Transfer-Encoding: chunked instead of Content-Length
    # The object store's side (DownloadConnection):
    "object_version": 0,             # another value: new bytes and a new ETag for every archive
    "crc64_header": True,            # False: no x-cos-hash-crc64ecma (objects stored before COS sent it)
    "etag_multipart": None,          # None: "<md5>-<parts>" for archives over 8 MiB; True / False: always / never
    "corrupt_byte_at": None,         # offset of the archive whose byte every GET flips in transit
    "download_stall_at": None,       # offset at which the next GET's body stops, its connection held silent
    "content_encoding": None,        # "gzip": the body goes gzip-compressed with Content-Encoding: gzip
    "download_outage_s": 0,          # for this many seconds from when it is set, and
    "download_outage_connections": 0,  # for this many connections: each reset at once; bodies in flight cut
    "slowdown_503": 0,               # this many GETs answered 503 SlowDown
}
MULTIPART_OVER = 8 * 1024 * 1024

# What lke may answer the document actions the official SDKs removed from it.
LKE_OFFLINE_CODES = ("InvalidAction", "ActionOffline", "UnsupportedOperation")

# What CreateReconstructDocumentFlow takes: its parameters, and the Config keys of each edition.
CREATE_PARAMS = {"FileType", "FileUrl", "FileBase64", "FileStartPageNumber", "FileEndPageNumber", "Config"}
CONFIG_BASE = {"TableResultType", "ResultType"}
CONFIG_LKEAP_CN = CONFIG_BASE | {"IgnoreFailedPage", "ReturnPageFormat", "PageFormat"}
# FileBase64 is taken for these FileTypes only (others by FileUrl).
BASE64_TYPES = {"PNG", "JPG", "JPEG", "PDF", "GIF", "BMP", "TIFF"}
MAX_TASK_PAGES = 1000                # pages one task parses at most
LKE_DEFAULT_END_PAGE = 100           # lke without FileEndPageNumber stops here
USAGE_CN = ("PageNumber", "TotalToken", "TotalTokens", "SplitTokens", "MllmTokens", "SuccessPageNum", "FailPageNum",
            "FileSize")
USAGE_INTL = ("PageNumber", "TotalToken", "TotalTokens")

# The odd FailedPages entries the service's schema allows or a client must
# survive: none of them carries a usable page number.
ODD_FAILED_PAGES = [None, {"PageNumber": None}, {}, {"PageNumber": "7"}, {"PageNumber": 2.5},
                    {"PageNumber": 10 ** 20}, [5], {"Page": {"PageNumber": 3}}]


def failed_pages(n, odd):
    """n entries for pages 1..n; with odd, entry i (from 0) with i % 10 == 9 is
    ODD_FAILED_PAGES[(i // 10) % 8] and entries with i % 10 == 4 carry an extra key."""
    out = []
    for i in range(n):
        if odd and i % 10 == 9:
            out.append(ODD_FAILED_PAGES[(i // 10) % len(ODD_FAILED_PAGES)])
        elif odd and i % 10 == 4:
            out.append({"PageNumber": i + 1, "Reason": "OCR failed"})
        else:
            out.append({"PageNumber": i + 1})
    return out


# Profiles by Host (lower case, port stripped).
# config: the Config keys it knows; usage: the Usage fields it sends (None: no Usage); task_error: a Failed
# task's answer carries Error; pause: the Pause status; default_end: the last page parsed without
# FileEndPageNumber (None: the document's end).
PROFILES = {
    "lke": {"name": "lke", "service": "lke", "version": "2023-11-30", "regions": {"ap-guangzhou"},
            "actions": {"GetReconstructDocumentResult", "CreateReconstructDocumentFlow"},
            "url_ttl": 600, "config": CONFIG_BASE, "usage": None, "task_error": False, "pause": False,
            "default_end": LKE_DEFAULT_END_PAGE},
    "lkeap-cn": {"name": "lkeap-cn", "service": "lkeap", "version": "2024-05-22", "regions": {"ap-guangzhou"},
                 "actions": {"GetReconstructDocumentResult", "CreateReconstructDocumentFlow", "CancelTask"},
                 "url_ttl": 1800, "config": CONFIG_LKEAP_CN, "usage": USAGE_CN, "task_error": True, "pause": True,
                 "default_end": None},
    # The international edition lags China: no CancelTask, task Error, Pause nor the three Config keys.
    "lkeap-intl": {"name": "lkeap-intl", "service": "lkeap", "version": "2024-05-22", "regions": {"ap-jakarta"},
                   "actions": {"GetReconstructDocumentResult", "CreateReconstructDocumentFlow"},
                   "url_ttl": 1800, "config": CONFIG_BASE, "usage": USAGE_INTL, "task_error": False,
                   "pause": False, "default_end": None},
}
HOSTS = {
    "lke.intl.tencentcloudapi.com": "lke",
    "lke.tencentcloudapi.com": "lke",
    "lkeap.tencentcloudapi.com": "lkeap-cn",
    "lkeap.intl.tencentcloudapi.com": "lkeap-intl",
}
# Hosts whose profile is taken from the credential scope's service.
SCOPE_HOSTS = {"localhost", "mock.lkedoc.test", "127.0.0.1", "[::1]"}
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


def _ca_config(tmp, name, service=False):
    d = os.path.join(tmp, "db-" + name)
    os.mkdir(d)
    open(os.path.join(d, "index.txt"), "w").close()
    with open(os.path.join(d, "serial"), "w") as f:
        f.write(uuid.uuid4().hex[:16].upper().lstrip("0").rjust(16, "1") + "\n")
    cnf = os.path.join(tmp, name + ".cnf")
    san = ",".join("DNS:" + n for n in (SERVICE_SAN_DNS if service else SAN_DNS))
    if not service:
        # The mock's own addresses, for clients that name it by address (no SNI: iPAddress names only).
        san += "," + ",".join("IP:" + a for a in SAN_IP)
    # What a public CA adds to its leaves (revocation and issuer addresses, a policy); the mock
    # serves none of these addresses, and the client never fetches them.
    service_ext = ("authorityInfoAccess = OCSP;URI:http://ocsp.ca.lkedoc.test,caIssuers;"
                   "URI:http://cacerts.ca.lkedoc.test/lkedoc-mock-intermediate-ca-rsa-2048.crt\n"
                   "crlDistributionPoints = URI:http://crl.ca.lkedoc.test/lkedoc-mock-intermediate-ca-rsa-2048.crl\n"
                   "certificatePolicies = 2.23.140.1.2.2,1.3.6.1.4.1.4146.1.20\n"
                   # the embedded certificate-transparency timestamps a public leaf carries (three
                   # logs' worth of opaque bytes: nothing verifies them, mbedTLS skips the extension)
                   "1.3.6.1.4.1.11129.2.4.2 = ASN1:FORMAT:HEX,OCTETSTRING:%s\n" % os.urandom(620).hex()
                   ) if service else ""
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
{service_ext}""".format(d=d, san=san, service_ext=service_ext))
    return cnf


# Key algorithms the mock's certificates can use: EC P-256 (small, the default) or RSA-2048
# (what the service's public chains use).
KEY_ARGS = {
    "ec": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    "rsa": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
}
# rsa-service: the rsa chain with a leaf shaped like the service's own (SERVICE_SAN_DNS).
KEY_ARGS["rsa-service"] = KEY_ARGS["rsa"]


def _make_ca(tmp, name, cn, start, end, key_type="ec", parent=None):
    """A CA certificate name.pem: self-signed, or signed by parent (its config name)."""
    cnf = _ca_config(tmp, name, key_type == "rsa-service")
    _openssl(["genpkey"] + KEY_ARGS[key_type] + ["-out", name + ".key"], tmp)
    _openssl(["req", "-new", "-config", cnf, "-key", name + ".key", "-subj", "/O=lkedoc tests/CN=" + cn,
              "-out", name + ".csr"], tmp)
    if parent is None:
        sign = ["-config", cnf, "-selfsign", "-keyfile", name + ".key"]
    else:
        sign = ["-config", os.path.join(tmp, parent + ".cnf"), "-cert", parent + ".pem", "-keyfile", parent + ".key"]
    _openssl(["ca", "-batch", "-notext"] + sign + ["-in", name + ".csr", "-out", name + ".pem", "-extensions", "v3_ca",
              "-startdate", _ossl_time(start), "-enddate", _ossl_time(end)], tmp)
    return cnf


def ensure_certs(state_dir, key_type="ec"):
    """Create ca.pem, server.pem/server.key and other-ca.pem in state_dir unless all exist.

    key_type "ec": the CA signs the server certificate, all P-256.  "rsa": RSA-2048 throughout
    and, as the service's public chains, an intermediate CA between them: server.pem holds the
    server certificate and the intermediate, so the handshake carries both.  "rsa-service": the
    same chain with a leaf the size of the service's (30 names, CRL, OCSP and policy: ~2.9 KB).

    Serialized with a lock file, generated in a temporary directory and moved in with rename,
    so two mocks started at once on the same directory both see a complete, consistent set."""
    # certs-ip: the set names SAN_IP (a set made before it did is made again).
    wanted = ["ca.pem", "ca.key", "server.pem", "server.key", "other-ca.pem", "other-ca.key", "certs-ip"]
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
            cnf = _make_ca(tmp, "ca", "lkedoc mock test CA", start, end, key_type)
            _make_ca(tmp, "other-ca", "lkedoc unrelated untrusted CA", start, end, key_type)
            issuer = "ca"
            if key_type != "ec":
                cnf = _make_ca(tmp, "inter", "lkedoc mock intermediate CA", start, end, key_type, parent="ca")
                issuer = "inter"
            _openssl(["genpkey"] + KEY_ARGS[key_type] + ["-out", "server.key"], tmp)
            _openssl(["req", "-new", "-config", cnf, "-key", "server.key",
                      "-subj", "/O=lkedoc tests/CN=lke.intl.tencentcloudapi.com", "-out", "server.csr"], tmp)
            _openssl(["ca", "-batch", "-notext", "-config", cnf, "-cert", issuer + ".pem", "-keyfile",
                      issuer + ".key", "-in", "server.csr", "-out", "server.pem", "-extensions", "v3_server",
                      "-startdate", _ossl_time(start), "-enddate", _ossl_time(end)], tmp)
            if issuer != "ca":
                with open(os.path.join(tmp, "server.pem"), "a") as chain, \
                        open(os.path.join(tmp, issuer + ".pem")) as inter:
                    chain.write(inter.read())
            open(os.path.join(tmp, "certs-ip"), "w").close()
            for n in wanted:
                if n.endswith(".key"):
                    os.chmod(os.path.join(tmp, n), 0o600)
            # Keys and server cert first, the CA certificates last: ca.pem present => set complete.
            for n in ["server.key", "ca.key", "other-ca.key", "server.pem", "other-ca.pem", "certs-ip", "ca.pem"]:
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
        self.download_port = 0
        self.archives = ArchiveCache()
        self.reset()

    def reset(self):
        with self.lock:
            self.config.update(json.loads(json.dumps(FAULT_DEFAULTS)))
            self.connections = 0
            self.handshakes = 0
            self.handshake_failures = 0
            self.resumed = 0
            self.tls_versions = {}             # "TLSv1.3" -> handshakes, both listeners
            self.requests = 0
            self.faults_injected = {}
            self.last_create = None
            self.last_unsigned_payload = False
            self.issued = {}                   # task id -> end of the last URL's validity (mock clock)
            self.expire_refused = set()        # tasks refused by the expire_urls fault since it was set
            self.outage_until = 0.0            # monotonic end of download_outage_s
            self.dl = {"connections": 0, "handshakes": 0, "handshake_failures": 0, "resumed": 0,
                       "outage_resets": 0, "slowdowns": 0, "precondition_failed": 0, "if_match": [], "stalls": 0, "accept_encoding": [],
                       "corrupted": 0,
                       "requests": 0, "gets": 0, "heads": 0, "partial": 0, "bytes_sent": 0, "drops": 0,
                       "expired": 0, "denied": 0, "statuses": {}, "ranges": [], "last_path": None,
                       "last_host": None, "archives": {}}
            self.errors = {}
            self.last_task_id = None
            self.last_action = None
            self.last_headers = {}
            self.last_body = None
            self.last_body_len = None
            self.last_sign_variant = None
            self.polls = {}
            self.tasks = {}                    # created tasks: id -> remembered request fields
            self.request_clients = {}          # X-TC-RequestClient value -> requests that carried it
            self.tasks_created = 0             # Creates that made a task (each one would be billed)
            self.cancelled = []
            self.responses = 0
            self.temp_credentials = {}         # STS-style: TmpSecretId -> (TmpSecretKey, Token, ExpiredTime)
            self.sts = {"issued": 0, "expired": 0, "invalid": 0}

    def now(self):
        with self.lock:
            off = self.config["clock_offset"]
        return time.time() + off

    def bump(self, field, n=1):
        with self.lock:
            setattr(self, field, getattr(self, field) + n)

    def bump_sts(self, field):
        with self.lock:
            self.sts = dict(self.sts, **{field: self.sts[field] + 1})

    def dl_bump(self, field, n=1):
        with self.lock:
            self.dl[field] += n

    def count_version(self, version):
        with self.lock:
            self.tls_versions = dict(self.tls_versions, **{version: self.tls_versions.get(version, 0) + 1})

    def take(self, key, kinds=None):
        """Pop the first element of the list setting `key` (None when empty, or when kinds is given and the
        element is not one of them). The list is replaced, never changed in place, so a copy handed out by
        /stats or /config stays consistent."""
        with self.lock:
            lst = self.config.get(key) or []
            if not lst or (kinds is not None and lst[0] not in kinds):
                return None
            self.config[key] = list(lst[1:])
            return lst[0]

    def stats(self):
        with self.lock:
            return {
                "connections": self.connections,
                "handshakes": self.handshakes,
                "handshake_failures": self.handshake_failures,
                "resumed": self.resumed,
                "tls_versions": dict(self.tls_versions),
                "requests": self.requests,
                "faults_injected": dict(self.faults_injected),
                "last_create": json.loads(json.dumps(self.last_create)),
                "last_unsigned_payload": self.last_unsigned_payload,
                "errors": dict(self.errors),
                "last_task_id": self.last_task_id,
                "last_action": self.last_action,
                "last_headers": dict(self.last_headers),
                "last_body": self.last_body,
                "last_body_len": self.last_body_len,
                "last_sign_variant": self.last_sign_variant,
                "polls": dict(self.polls),
                "tasks": json.loads(json.dumps(self.tasks)),
                "request_clients": dict(self.request_clients),
                "tasks_created": self.tasks_created,
                "cancelled": list(self.cancelled),
                "config": json.loads(json.dumps(self.config)),
                "tls_port": self.tls_port,
                "download_port": self.download_port,
                "download": json.loads(json.dumps(self.dl)),
                "sts": dict(self.sts),
            }

    def issue_temporary(self, lifetime, token_len):
        """STS-style temporary credentials, as GetFederationToken answers: the id and key in the real ones'
        shapes ("AKID" + 64 of [A-Za-z0-9_-], 44 of base64), a token of token_len URL-safe characters (real
        ones run from about 700 bytes to well over 1 KB with a larger policy), ExpiredTime on the mock's clock."""
        alphabet = string.ascii_letters + string.digits + "-_"
        tmp_id = "AKID" + "".join(secrets.choice(alphabet) for _ in range(64))
        tmp_key = base64.b64encode(secrets.token_bytes(33)).decode()[:44]
        token = "".join(secrets.choice(alphabet) for _ in range(token_len))
        expired = int(self.now()) + lifetime
        with self.lock:
            self.temp_credentials[tmp_id] = (tmp_key, token, expired)
            self.sts["issued"] += 1
        return {"Response": {
            "Credentials": {"Token": token, "TmpSecretId": tmp_id, "TmpSecretKey": tmp_key},
            "ExpiredTime": expired,
            "Expiration": datetime.datetime.fromtimestamp(expired, datetime.timezone.utc).strftime(
                "%Y-%m-%dT%H:%M:%SZ"),
            "RequestId": str(uuid.uuid4())}}


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

    TC3: names and values lower-cased and trimmed.  The official SDKs put the Content-Type
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

def url_signature(path, sign_time):
    return hmac.new(DOWNLOAD_SECRET, ("%s\n%s" % (path, sign_time)).encode("utf-8"), hashlib.sha1).hexdigest()


def result_url(state, task_id, ttl):
    """Presigned URL on the download listener; remembers the task as an existing object."""
    now = int(state.now())
    tid = base64.urlsafe_b64encode(task_id.encode("utf-8")).decode("ascii").rstrip("=")
    path = "/results/%s.zip" % tid
    key_time = "%d;%d" % (now, now + ttl)
    sig = url_signature(path, key_time)
    q = ("q-sign-algorithm=sha1&q-ak=AKIDMOCKCOS%s&q-sign-time=%s&q-key-time=%s"
         "&q-header-list=host&q-url-param-list=&q-signature=%s") % (
        hashlib.sha1(task_id.encode("utf-8")).hexdigest()[:24].upper(),
        key_time.replace(";", "%3B"), key_time.replace(";", "%3B"), sig)
    with state.lock:
        state.issued[task_id] = now + ttl
        # A poll that hands out a fresh URL after the expire_urls fault refused this task's download ends
        # the fault (for that task only when it is a list): the client that refreshes succeeds.
        e = state.config.get("expire_urls")
        if task_id in state.expire_refused:
            if e is True:
                state.config["expire_urls"] = False
                state.expire_refused = set()
            elif isinstance(e, list) and task_id in e:
                state.config["expire_urls"] = [t for t in e if t != task_id]
                state.expire_refused.discard(task_id)
    return "https://%s:%d%s?%s" % (RESULT_HOST, state.download_port, path, q)


def task_status(state, profile, task_id):
    with state.lock:
        n = state.polls.get(task_id, 0) + 1
        state.polls[task_id] = n
        state.last_task_id = task_id
        created = task_id in state.tasks
        pages = (state.tasks.get(task_id) or {}).get("_pages")
        pending = int(state.config.get("polls_to_success", 2))
        ttl = state.config.get("url_ttl")
        n_failed = int(state.config.get("failed_pages") or 0)
        odd_failed = bool(state.config.get("failed_pages_odd"))
    if ttl is None:
        ttl = profile["url_ttl"]
    if task_id.startswith("missing-"):
        raise ApiError("ResourceNotFound", "The task %s does not exist." % task_id)
    if task_id.startswith("fail-"):
        status = "Failed"
    elif task_id.startswith("done-"):
        status = "Success"
    elif task_id.startswith("pause-"):
        status = "Pause" if profile["pause"] else "Processing"
    else:
        status = "Success" if n > pending else ("WaitExecute" if n == 1 else "Processing")
    resp = {"Status": status,
            "DocumentRecognizeResultUrl": result_url(state, task_id, int(ttl)) if status == "Success" else "",
            "FailedPages": []}
    if status == "Failed":
        resp["FailedPages"] = [{"PageNumber": 1}, {"PageNumber": None}, {"PageNumber": 3}]
    elif status == "Success" and n_failed:
        resp["FailedPages"] = failed_pages(n_failed, odd_failed)
    # Error only where the task failed and the edition says why: the SDKs take any Error for an API
    # error and crash on "Error": null, so the service never sends that.
    if status == "Failed" and profile["task_error"]:
        resp["Error"] = {"Code": "FailedOperation.FileParseError",
                         "Message": "The file could not be parsed (mock failure for %s)." % task_id}
    if profile["usage"] is not None:
        # The pages the task parsed: those its archive holds (page 1 when the mock could not count the
        # document's, archive_members), or for a Failed task the FailedPages it lists.
        first, last = pages if pages else (1, 1)
        n = len(resp["FailedPages"]) if status == "Failed" else last - first + 1
        done = n if status == "Success" else 0
        failed = n if status == "Failed" else 0
        tokens = 1234 if done else 0
        full = {"PageNumber": n, "TotalToken": tokens, "TotalTokens": tokens, "SplitTokens": 200 if done else 0,
                "MllmTokens": tokens - 200 if done else 0, "SuccessPageNum": done, "FailPageNum": failed,
                "FileSize": 20480}
        resp["Usage"] = {k: full[k] for k in profile["usage"]}
    _ = created
    return resp


def act_get_result(state, profile, body):
    tid = body.get("TaskId")
    if tid is None:
        raise ApiError("MissingParameter", "The request is missing a required parameter `TaskId`.")
    if not isinstance(tid, str) or tid == "":
        raise ApiError("InvalidParameter", "The parameter `TaskId` must be a non-empty string.")
    return task_status(state, profile, tid)


def pdf_pages(data):
    """The pages of a PDF: its /Type /Page objects (not /Pages); None for anything else."""
    if data is None or not data.startswith(b"%PDF"):
        return None
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", data))


def pages_parsed(profile, body, doc_pages):
    """(first, last) of the pages a task parses, or None when the document's are unknown (FileUrl, not a
    PDF); ApiError for a range the service refuses."""
    start, end = body.get("FileStartPageNumber"), body.get("FileEndPageNumber")
    if (start is not None and start < 1) or (end is not None and end < 1):
        raise ApiError("InvalidParameterValue", "Page numbers start at 1.")
    first = start if start is not None else 1
    if end is not None and end < first:
        raise ApiError("InvalidParameterValue", "FileEndPageNumber %d is before FileStartPageNumber %d." % (end, first))
    if end is not None and end - first + 1 > MAX_TASK_PAGES:
        raise ApiError("LimitExceeded.ExceededMaxPagesError",
                       "One task parses at most %d pages; pages %d to %d are asked for." % (MAX_TASK_PAGES, first, end))
    if end is None and profile["default_end"] is not None and first > profile["default_end"]:
        raise ApiError("InvalidParameterValue", "FileStartPageNumber %d is after FileEndPageNumber %d (its default)."
                       % (first, profile["default_end"]))
    if doc_pages is None:
        return None
    last = end if end is not None else profile["default_end"] or first + MAX_TASK_PAGES - 1
    last = min(last, doc_pages, first + MAX_TASK_PAGES - 1)
    return [first, last] if first <= last else [first, first - 1]


def act_create(state, profile, body):
    lkeap = profile["service"] == "lkeap"
    for k in body:
        if k not in CREATE_PARAMS:
            raise ApiError("UnknownParameter", "The parameter `%s` is not recognized." % k)
    for k in ("FileType", "FileUrl", "FileBase64"):
        if k in body and body[k] is not None and not isinstance(body[k], str):
            raise ApiError("InvalidParameter", "The parameter `%s` must be a string." % k)
    for k in ("FileStartPageNumber", "FileEndPageNumber"):
        if k in body and body[k] is not None and (not isinstance(body[k], int) or isinstance(body[k], bool)):
            raise ApiError("InvalidParameter", "The parameter `%s` must be an integer." % k)
    if "Config" in body and body["Config"] is not None and not isinstance(body["Config"], dict):
        raise ApiError("InvalidParameter", "The parameter `Config` must be an object.")
    for k in body.get("Config") or {}:
        if k not in profile["config"]:
            raise ApiError("UnknownParameter", "The parameter `Config.%s` is not recognized." % k)
    if lkeap and not body.get("FileType"):
        raise ApiError("MissingParameter", "The request is missing a required parameter `FileType`.")
    url, b64 = body.get("FileUrl"), body.get("FileBase64")
    if not url and not b64:
        raise ApiError("MissingParameter", "One of the parameters `FileUrl` and `FileBase64` is required.")
    if not url and len(b64) > MAX_BASE64:
        raise ApiError("LimitExceeded.TooLargeFileError",
                       "FileBase64 is %d characters; the limit is %d." % (len(b64), MAX_BASE64))
    if not url and body.get("FileType") and body["FileType"].upper() not in BASE64_TYPES:
        raise ApiError("InvalidParameter.InvalidFileType",
                       "FileBase64 takes %s only; send a %s file by FileUrl."
                       % (", ".join(sorted(BASE64_TYPES)), body["FileType"]))
    decoded = None
    if b64 and not url:
        try:
            decoded = base64.b64decode(b64.encode("ascii"), validate=True)
        except (ValueError, UnicodeEncodeError):
            raise ApiError("InvalidParameterValue", "The parameter `FileBase64` is not valid base64.")
    doc_pages = pdf_pages(decoded)
    pages = pages_parsed(profile, body, doc_pages)
    task_id = "task-" + uuid.uuid4().hex
    fields = {}
    for k, v in body.items():
        if k == "FileBase64" and isinstance(v, str):
            fields[k] = {"length": len(v), "sha256": hashlib.sha256(v.encode("utf-8")).hexdigest(),
                         "head": v[:64], "decoded_len": len(decoded) if decoded is not None else 0}
        else:
            fields[k] = v
    fields["_service"] = profile["service"]
    fields["_pages"] = pages
    last = {"FileType": body.get("FileType"), "FileUrl": body.get("FileUrl"),
            "base64_len": len(b64) if isinstance(b64, str) else None,
            "decoded_len": len(decoded) if decoded is not None else None,
            "sha256": hashlib.sha256(decoded).hexdigest() if decoded is not None else None,
            "Config": body.get("Config"),
            "FileStartPageNumber": body.get("FileStartPageNumber"),
            "FileEndPageNumber": body.get("FileEndPageNumber"),
            "document_pages": doc_pages, "pages_parsed": pages,
            "TaskId": task_id}
    with state.lock:
        state.tasks[task_id] = fields
        state.tasks_created += 1
        state.last_task_id = task_id
        state.last_create = last
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
    with state.lock:
        temp = state.temp_credentials.get(auth["id"])
    if temp is not None:
        cred = (temp[0], temp[1])
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
        if temp is not None:
            state.bump_sts("invalid")
        raise ApiError("AuthFailure.TokenFailure", "The token is missing or invalid.")
    if temp is not None and now >= temp[2]:
        # The service checks the token before the action: nothing is done, a Create makes no task.
        state.bump_sts("expired")
        raise ApiError("AuthFailure.TokenFailure",
                       "Token error: the temporary credentials expired at %d (server time %d)." % (temp[2], int(now)))

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
    with state.lock:
        offline = state.config.get("lke_offline")
    if offline and profile["name"] == "lke":
        raise ApiError(offline, "The action `%s` is no longer served by lke version %s." % (action, profile["version"]))
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
# Result archives

def _png_1x1():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)            # 1x1, 8-bit RGB
    idat = zlib.compress(b"\x00\x2a\x6f\xb4", 9)                 # filter 0, one blue-ish pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


PNG_1X1 = _png_1x1()


def archive_members(task_id, pages=None):
    """The archive's files, deterministic from the TaskId and the pages parsed ([first, last], None for
    page 1 only): [(name, bytes)], one <name>_page_<n>.json per page parsed."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", task_id)[:80].lstrip(".") or "result"
    digest = hashlib.sha256(task_id.encode("utf-8")).hexdigest()
    md = ("# Mock parse result\n\n"
          "Task `%s` parsed by the lkedoc mock service.\n\n"
          "## Table\n\n"
          "| Page | Words | Digest |\n"
          "|---:|---:|---|\n"
          "| 1 | %d | `%s` |\n"
          "| 2 | %d | `%s` |\n\n"
          "![page 1](images/page_1.png)\n" % (task_id, int(digest[:4], 16), digest[:16],
                                                int(digest[4:8], 16), digest[16:32]))
    page = {"TaskId": task_id, "PageNumber": 1, "Width": 595, "Height": 842,
            "Blocks": [{"Type": "title", "Text": "Mock parse result", "Box": [72, 72, 523, 110]},
                       {"Type": "table", "Rows": 3, "Columns": 3, "Box": [72, 140, 523, 260]},
                       {"Type": "image", "Path": "images/page_1.png", "Box": [72, 300, 200, 428]}]}
    first, last = pages if pages else (1, 1)
    per_page = [(name + "_page_%d.json" % n, json.dumps(dict(page, PageNumber=n), ensure_ascii=False,
                                                         indent=2).encode("utf-8")) for n in range(first, last + 1)]
    return [(name + ".md", md.encode("utf-8"))] + per_page + [("images/page_1.png", PNG_1X1)]


def _zip(members, filler_len, seed):
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", zipfile.ZIP_STORED) as z:
        items = list(members)
        if filler_len is not None:
            items.append(("filler.bin", random.Random(seed).randbytes(filler_len)))
        for name, data in items:
            zi = zipfile.ZipInfo(name, ARCHIVE_DATE)
            zi.compress_type = zipfile.ZIP_STORED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)
    return bio.getvalue()


def build_archive(task_id, min_size, pages=None):
    """A real zip (every member stored). With min_size above its natural size, an incompressible,
    deterministic filler.bin pads it to exactly min_size bytes."""
    members = archive_members(task_id, pages)
    data = _zip(members, None, 0)
    if min_size > len(data):
        seed = int(hashlib.sha256(task_id.encode("utf-8")).hexdigest()[:16], 16)
        base = len(_zip(members, 0, seed))
        filler = max(0, min_size - base)
        data = _zip(members, filler, seed)
        while len(data) < min_size:            # not expected with stored members; kept for safety
            filler += min_size - len(data)
            data = _zip(members, filler, seed)
    return data


CRC64_POLY = 0xC96C5795D7870F42                 # ECMA-182, reflected (CRC-64/XZ, COS's crc64ecma)
CRC64_TABLE = []
for _i in range(256):
    _c = _i
    for _ in range(8):
        _c = (_c >> 1) ^ CRC64_POLY if _c & 1 else _c >> 1
    CRC64_TABLE.append(_c)


def crc64_xz(data, crc=0):
    """CRC-64/XZ: b"123456789" -> 0x995DC9BBDF1939FA."""
    t = CRC64_TABLE
    crc ^= 0xFFFFFFFFFFFFFFFF
    for b in data:
        crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFFFFFFFFFF


class ArchiveCache:
    """Built archives per (task, size, version): (bytes, md5 hex, sha256 hex, crc64). Small LRU."""

    def __init__(self):
        self.lock = threading.Lock()
        self.items = OrderedDict()

    def get(self, task_id, min_size, pages=None, version=0):
        key = (task_id, int(min_size), tuple(pages) if pages else None, int(version))
        with self.lock:                         # one build at a time; others wait for the cached copy
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
            # A new version of the object: the same task's archive with other bytes.
            data = build_archive(task_id if not version else "%s~v%d" % (task_id, version), key[1], pages)
            item = (data, hashlib.md5(data).hexdigest(), hashlib.sha256(data).hexdigest(), crc64_xz(data))
            self.items[key] = item
            while len(self.items) > 1 and (len(self.items) > ARCHIVE_CACHE_ENTRIES or
                                           sum(len(v[0]) for v in self.items.values()) > ARCHIVE_CACHE_BYTES):
                self.items.popitem(last=False)
            return item


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
HTML_500 = (b"<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n"
            b"<center><h1>500 Internal Server Error</h1></center>\r\n</body>\r\n</html>\r\n")
HTML_503 = (b"<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n"
            b"<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n")
HTML_502 = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
            b"<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n")
HTML_504 = (b"<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n"
            b"<center><h1>504 Gateway Time-out</h1></center>\r\n</body>\r\n</html>\r\n")
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


def read_exact(f, n, rate=0):
    """n bytes from the buffered TLS stream, read in big chunks (fast for ~10 MB bodies), or at rate
    bytes per second (a slow link's reader: pieces of a tenth of a second)."""
    buf = bytearray(n)
    mv = memoryview(buf)
    got, t0 = 0, time.monotonic()
    step = max(1, min(65536, int(rate) // 10)) if rate > 0 else 4 << 20
    while got < n:
        k = f.readinto(mv[got:min(n, got + step)])
        if not k:
            raise ConnClosed("EOF in body")
        got += k
        if rate > 0:
            ahead = got / rate - (time.monotonic() - t0)
            if ahead > 0:
                time.sleep(ahead)
    return bytes(buf)


def read_request(f):
    """read_head, then the headers as a dict (the first of a repeated name wins) and whether the
    connection closes after the answer: (method, target, version, headers, close), or None."""
    head = read_head(f)
    if head is None:
        return None
    method, target, version, hdr_list = head
    headers = {}
    for k, v in hdr_list:
        headers.setdefault(k, v)
    conn_tokens = [t.strip().lower() for t in headers.get("connection", "").split(",")]
    close = "close" in conn_tokens or (version == "HTTP/1.0" and "keep-alive" not in conn_tokens)
    return method, target, version, headers, close


def read_body(f, headers, limit, rate=0):
    """(body, too_big) or None when Content-Length is malformed. An oversized body is drained and
    dropped up to MAX_DISCARD; beyond that ConnClosed."""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return read_chunked(f, limit)
    cl = headers.get("content-length", "0").strip() or "0"
    if not cl.isdigit():
        return None
    n = int(cl)
    if n > limit:
        if n > MAX_DISCARD:
            raise ConnClosed("body far too large")
        left = n
        while left:
            chunk = f.read(min(left, 1 << 20))
            if not chunk:
                raise ConnClosed("EOF in body")
            left -= len(chunk)
        return b"", True
    return (read_exact(f, n, rate) if n else b""), False


class Connection:
    """One TLS connection to the API listener (subclassed for the download listener)."""
    server_name = "lkedoc-mock"

    def __init__(self, state, raw, addr, ctx):
        self.state, self.raw, self.addr, self.ctx = state, raw, addr, ctx
        self.abort = None                  # "close" or "reset": end the connection without a goodbye
        self.served = 0                    # requests read on this connection

    def count(self, field, n=1):
        self.state.bump(field, n)

    def run(self):
        st = self.state
        self.count("connections")
        try:
            self.raw.settimeout(10)
            try:
                tls = self.ctx.wrap_socket(self.raw, server_side=True)
            except (ssl.SSLError, OSError) as e:
                self.count("handshake_failures")
                log.info("handshake failed from %s: %s", self.addr, e)
                try:
                    self.raw.close()
                except OSError:
                    pass
                return
            self.count("handshakes")
            st.count_version(tls.version())
            if tls.session_reused:
                self.count("resumed")
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
                    if self.abort == "reset":      # RST instead of FIN
                        tls.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    elif self.abort == "close":    # FIN now, no TLS close_notify, no answer
                        tls.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                try:
                    f.close()
                    tls.close()
                except OSError:
                    pass
        except Exception:  # noqa: never let a thread die silently
            log.exception("connection thread crashed")

    def send(self, status, reason, ctype, body, close, extra=(), chunked=False):
        st = self.state
        lines = ["HTTP/1.1 %d %s" % (status, reason),
                 "Date: " + email.utils.formatdate(st.now(), usegmt=True),
                 "Server: " + self.server_name,
                 "Content-Type: " + ctype,
                 "Transfer-Encoding: chunked" if chunked else "Content-Length: %d" % len(body)]
        lines += list(extra)
        lines.append("Connection: close" if close else "Connection: keep-alive")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if not chunked:
            self.sock.sendall(head + body)
            return
        # Chunks of uneven sizes, as a gateway that re-frames a stream sends them.
        self.sock.sendall(head)
        pos, sizes, k = 0, (1, 7, 4093, 16384, 65536), 0
        while pos < len(body):
            n = min(sizes[k % len(sizes)], len(body) - pos)
            self.sock.sendall(b"%x\r\n" % n + body[pos:pos + n] + b"\r\n")
            pos, k = pos + n, k + 1
        self.sock.sendall(b"0\r\n\r\n")

    def serve_one(self, f):
        st = self.state
        req = read_request(f)
        if req is None:
            return False
        method, target, version, headers, close = req
        if st.take("fail_next_api", FAULT_BEFORE_BODY) is not None:
            self.count_fault("reset-before-body")
            self.abort = "reset"
            return False

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
            if n > MAX_DISCARD:
                st.bump("requests")
                self.api_reply({"Error": {"Code": "RequestSizeLimitExceeded",
                                          "Message": "The request body is %d bytes; the limit is %d." % (n, MAX_BODY)}},
                               True)
                return False
            with st.lock:
                rate = float(st.config.get("slow_body_bytes_per_s") or 0)
            body, too_big = read_body(f, headers, MAX_BODY, rate)
        st.bump("requests")
        self.served += 1

        with st.lock:
            st.last_headers = dict(headers)
            rc = headers.get("x-tc-requestclient")
            st.request_clients[rc] = st.request_clients.get(rc, 0) + 1
            st.last_unsigned_payload = headers.get("x-tc-content-sha256", "").strip() == "UNSIGNED-PAYLOAD"
            slow_ms = float(st.config.get("slow_api_ms") or 0)
            per_conn = st.config.get("connection_requests_max")
        if per_conn is not None and self.served >= int(per_conn):
            close = True
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
        if slow_ms > 0:
            time.sleep(slow_ms / 1000.0)
        fault = st.take("fail_next_api")
        if fault is not None and fault not in FAULT_PROCESSED:
            return self.inject(str(fault), close)
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
        if fault is not None:
            return self.inject_processed(str(fault), f)
        self.api_reply(resp, close)
        return not close

    def count_fault(self, kind):
        with self.state.lock:
            self.state.faults_injected[kind] = self.state.faults_injected.get(kind, 0) + 1
        log.info("fault %s injected for %s", kind, self.addr)

    def inject_processed(self, kind, f):
        """The request was processed; its answer is replaced by the fault `kind` (FAULT_PROCESSED)."""
        self.count_fault(kind)
        if kind == "processed-502":
            self.send(502, "Bad Gateway", "text/html", HTML_502, True)
        elif kind == "processed-504":
            self.send(504, "Gateway Time-out", "text/html", HTML_504, True)
        elif kind == "processed-reset":
            self.abort = "reset"
        else:                                   # processed-hang: never answer; hold on until the
            while f.read(4096):                 # client goes (or the idle timeout ends it)
                pass
        return False

    def inject(self, kind, close):
        """Answer the request that was just read with the fault `kind` (see FAULT_KINDS)."""
        self.count_fault(kind)
        if kind in FAULT_CONN:
            self.abort = kind
            return False
        if kind == "429":
            self.send(429, "Too Many Requests", "text/plain", b"Too Many Requests\r\n", close, ["Retry-After: 1"])
        elif kind == "503":
            self.send(503, "Service Unavailable", "text/html", HTML_503, close)
        elif kind == "500":
            self.send(500, "Internal Server Error", "text/html", HTML_500, close)
        else:
            msgs = {"RequestLimitExceeded": "Your request frequency exceeds the limit (mock fault).",
                    "RequestLimitExceeded.UinLimitExceeded": "The account's request rate exceeds the limit (mock fault).",
                    "InternalError": "An internal error occurred (mock fault)."}
            self.api_reply({"Error": {"Code": kind, "Message": msgs.get(kind, "mock fault")}}, close)
        return not close

    def api_reply(self, resp, close):
        st = self.state
        if "Error" in resp and "Status" not in resp:
            with st.lock:
                c = resp["Error"]["Code"]
                st.errors[c] = st.errors.get(c, 0) + 1
        resp["RequestId"] = str(uuid.uuid4())
        with st.lock:
            chunked = bool(st.config.get("api_chunked"))
        self.send(200, "OK", "application/json", encode_response(st, {"Response": resp}), close, chunked=chunked)


# --------------------------------------------------------------------------------------------
# Download listener (object-storage-like)

def cos_error(code, message, resource, request_id):
    """COS's error body: Code, Message, Resource, RequestId, TraceId."""
    trace = base64.b64encode(hashlib.sha256(request_id.encode("ascii")).digest()[:30]).decode("ascii")
    return ("<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n\t<Code>%s</Code>\n\t<Message>%s</Message>\n"
            "\t<Resource>%s</Resource>\n\t<RequestId>%s</RequestId>\n\t<TraceId>%s</TraceId>\n</Error>\n" % (
                code, message, xml_escape(resource), request_id, trace)).encode("utf-8")


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def parse_range(value, total):
    """Range header -> None (ignore it: whole object), (first, last) inclusive, "unsatisfiable", or
    "multi" (COS serves a single range only). bytes=N-, bytes=N-M, bytes=-SUFFIX."""
    v = value.strip()
    if not v.lower().startswith("bytes="):
        return None
    spec = v[6:].strip()
    if "," in spec:
        return "multi"
    m = re.fullmatch(r"(\d*)\s*-\s*(\d*)", spec)
    if not m or (m.group(1) == "" and m.group(2) == ""):
        return None
    a, b = m.groups()
    if a == "":
        n = int(b)
        if n == 0 or total == 0:
            return "unsatisfiable"
        return (max(0, total - n), total - 1)
    first = int(a)
    if b != "" and int(b) < first:
        return None
    if first >= total:
        return "unsatisfiable"
    return (first, total - 1 if b == "" else min(int(b), total - 1))


class DownloadConnection(Connection):
    """GET/HEAD of /results/<urlsafe-b64 TaskId>.zip with the q-sign-* query of result_url()."""
    server_name = "tencent-cos"

    def count(self, field, n=1):
        self.state.dl_bump(field, n)

    def reply(self, status, reason, lines, body, close, head_only):
        st = self.state
        out = ["HTTP/1.1 %d %s" % (status, reason),
               "Date: " + email.utils.formatdate(st.now(), usegmt=True),
               "Server: " + self.server_name] + list(lines)
        out.append("Connection: close" if close else "Connection: keep-alive")
        with st.lock:
            st.dl["statuses"][str(status)] = st.dl["statuses"].get(str(status), 0) + 1
        self.sock.sendall(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + (b"" if head_only else body))

    def error(self, status, reason, code, message, resource, close, head_only):
        rid = "NjU" + uuid.uuid4().hex.upper()
        body = cos_error(code, message, resource, rid)
        self.reply(status, reason, ["Content-Type: application/xml", "Content-Length: %d" % len(body),
                                    "x-cos-request-id: " + rid], body, close, head_only)
        return not close

    def serve_one(self, f):
        st = self.state
        req = read_request(f)
        if req is None:
            return False
        method, target, version, headers, close = req
        got = read_body(f, headers, 1 << 20)    # a GET has none; drained and dropped
        if got is None:
            self.count("requests")
            return self.error(400, "Bad Request", "InvalidArgument", "Bad Content-Length.", target, True, False)
        self.count("requests")
        head_only = method == "HEAD"
        if method == "GET":
            self.count("gets")
        elif head_only:
            self.count("heads")
        rng = headers.get("range")
        with st.lock:
            if rng is not None:
                st.dl["ranges"].append(rng)
                del st.dl["ranges"][:-RANGES_KEEP]
            st.dl["last_path"] = target
            st.dl["last_host"] = headers.get("host")
            expire_all = st.config.get("expire_urls")
            rate = float(st.config.get("slow_download_bytes_per_s") or 0)
            min_size = int(st.config.get("archive_size") or 0)
            cfg = {k: st.config.get(k) for k in ("object_version", "crc64_header", "etag_multipart",
                                                 "corrupt_byte_at", "content_encoding")}

            slowdown = method == "GET" and (st.config.get("slowdown_503") or 0) > 0
            if slowdown:
                st.config["slowdown_503"] -= 1
                st.dl["slowdowns"] += 1
            if headers.get("if-match") is not None:
                st.dl["if_match"].append(headers.get("if-match"))
                del st.dl["if_match"][:-RANGES_KEEP]
            st.dl["accept_encoding"].append(headers.get("accept-encoding"))
            del st.dl["accept_encoding"][:-RANGES_KEEP]
            stall = st.config.get("download_stall_at") if method == "GET" else None

        path, _, query = target.partition("?")
        host = headers.get("host", "").strip().lower()
        if host not in (RESULT_HOST, "%s:%d" % (RESULT_HOST, st.download_port)):
            return self.error(400, "Bad Request", "InvalidURI",
                              "The Host header `%s` is not this bucket's domain." % headers.get("host", ""),
                              path, close, head_only)
        if method not in ("GET", "HEAD"):
            return self.error(405, "Method Not Allowed", "MethodNotAllowed",
                              "The specified method is not allowed against this resource.", path, close, False)
        m = re.fullmatch(r"/results/([A-Za-z0-9_-]+)\.zip", path)
        task_id = None
        if m:
            try:
                task_id = base64.urlsafe_b64decode(m.group(1) + "=" * (-len(m.group(1)) % 4)).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                task_id = None
        if task_id is None:
            return self.error(404, "Not Found", "NoSuchKey", "The specified key does not exist.", path,
                              close, head_only)
        expired_msg = "Request has expired"
        if expire_all is True or (isinstance(expire_all, list) and task_id in expire_all):
            self.count("expired")
            with st.lock:
                st.expire_refused.add(task_id)
            return self.error(403, "Forbidden", "AccessDenied", expired_msg, path, close, head_only)
        q = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
        sign_time, sig = q.get("q-sign-time"), q.get("q-signature")
        if not sign_time or not sig:
            self.count("denied")
            return self.error(403, "Forbidden", "AccessDenied", "Access Denied.", path, close, head_only)
        tm = re.fullmatch(r"(\d+);(\d+)", sign_time)
        if (not tm or q.get("q-key-time") != sign_time or q.get("q-sign-algorithm") != "sha1"
                or not hmac.compare_digest(url_signature(path, sign_time), sig.lower())):
            self.count("denied")
            return self.error(403, "Forbidden", "AccessDenied",
                              "The request signature we calculated does not match the signature you provided.",
                              path, close, head_only)
        if st.now() > int(tm.group(2)):
            self.count("expired")
            return self.error(403, "Forbidden", "AccessDenied", expired_msg, path, close, head_only)
        with st.lock:
            known = task_id in st.issued
            pages = (st.tasks.get(task_id) or {}).get("_pages")
        if not known:
            return self.error(404, "Not Found", "NoSuchKey", "The specified key does not exist.", path,
                              close, head_only)

        if slowdown:
            return self.error(503, "Service Unavailable", "SlowDown", "Please reduce your request rate.", path,
                              close, head_only)
        data, md5, digest, crc = st.archives.get(task_id, min_size, pages, cfg["object_version"] or 0)
        total = len(data)
        multipart = cfg["etag_multipart"]
        if multipart is None:
            multipart = total > MULTIPART_OVER
        # A multipart upload's ETag is no MD5 of the object: "<md5 of the parts' md5s>-<parts>".
        etag = ('"%s-%d"' % (hashlib.md5(md5.encode("ascii")).hexdigest(), (total + MULTIPART_OVER - 1) //
                             MULTIPART_OVER) if multipart else '"%s"' % md5)
        with st.lock:
            st.dl["archives"][task_id] = {"size": total, "sha256": digest, "etag": etag, "crc64": str(crc)}
        common = ["Content-Type: application/zip", "Accept-Ranges: bytes", "ETag: " + etag,
                  "Last-Modified: " + ARCHIVE_LAST_MODIFIED, "x-cos-request-id: NjU" + uuid.uuid4().hex.upper()]
        if cfg["crc64_header"] is not False:
            common.append("x-cos-hash-crc64ecma: %d" % crc)
        if_match = headers.get("if-match")
        if if_match is not None and if_match.strip() not in ("*", etag):
            self.count("precondition_failed")
            return self.error(412, "Precondition Failed", "PreconditionFailed",
                              "The preconditions you specified did not hold.", path, close, head_only)
        # If-Range is not among COS's documented headers: ignored, the Range is served.
        r = parse_range(rng, total) if rng is not None else None
        if cfg["content_encoding"] == "gzip":
            # An object stored gzip-encoded: COS's CRC-64 is that of the
            # stored bytes, so only the encoding can refuse it.
            data = gzip.compress(bytes(data), mtime=0)
            total, r = len(data), None
            common = [h for h in common if not h.startswith("x-cos-hash-crc64ecma:")]
            if cfg["crc64_header"] is not False:
                common.append("x-cos-hash-crc64ecma: %d" % crc64_xz(data))
            common.append("Content-Encoding: gzip")
        if r == "multi":
            return self.error(400, "Bad Request", "InvalidArgument", "Multiple ranges are not supported.", path,
                              close, head_only)
        if r == "unsatisfiable":
            body = cos_error("InvalidRange", "The requested range is not satisfiable.", path, "NjU" + uuid.uuid4().hex.upper())
            self.reply(416, "Requested Range Not Satisfiable",
                       ["Content-Type: application/xml", "Content-Length: %d" % len(body),
                        "Content-Range: bytes */%d" % total], body, close, head_only)
            return not close
        if r is None:
            first, last, status, reason = 0, total - 1, 200, "OK"
            lines = common + ["Content-Length: %d" % total]
        else:
            first, last = r
            status, reason = 206, "Partial Content"
            lines = common + ["Content-Length: %d" % (last - first + 1),
                              "Content-Range: bytes %d-%d/%d" % (first, last, total)]
            self.count("partial")
        drop = None if head_only else st.take("download_close_after")
        self.reply(status, reason, lines, b"", close, True)
        if head_only:
            return not close
        body = memoryview(data)[first:last + 1]
        at = cfg["corrupt_byte_at"]
        if at is not None and first <= at <= last:
            body = bytearray(body)
            body[at - first] ^= 0x01               # in transit: the headers still name the stored object
            body = memoryview(body)
            self.count("corrupted")
        limit = len(body) if drop is None else min(len(body), int(drop))
        if stall is not None and first <= stall <= last:
            # A store that stops sending and holds the connection: nothing
            # more until the client gives up on it (or two minutes pass).
            with st.lock:
                st.config["download_stall_at"] = None  # one stall per setting
            self.send_body(body[:stall - first], rate)
            self.count("stalls")
            log.info("download stalled after %d body bytes", stall - first)
            self.sock.settimeout(120)
            try:
                self.sock.recv(1)
            except OSError:
                pass
            self.abort = "close"
            return False
        if not self.send_body(body[:limit], rate):
            self.count("drops")
            log.info("download cut by the outage")
            self.abort = "reset"
            return False
        if limit < len(body):
            self.count("drops")
            log.info("download dropped after %d of %d body bytes", limit, len(body))
            self.abort = "close"
            return False
        return not close

    def in_outage(self):
        """An outage of the store: the connection must go. Counts one against download_outage_connections."""
        st = self.state
        with st.lock:
            if time.monotonic() < st.outage_until:
                return True
            if (st.config.get("download_outage_connections") or 0) > 0:
                st.config["download_outage_connections"] -= 1
                return True
        return False

    def run(self):
        if self.in_outage():
            self.state.dl_bump("outage_resets")
            try:                                   # RST at once: what a client sees of a restarting store
                self.raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.raw.close()
            except OSError:
                pass
            return
        Connection.run(self)

    def send_body(self, mv, rate):
        """False when an outage cut it."""
        st = self.state
        sent, t0 = 0, time.monotonic()
        step = max(1, min(65536, int(rate) // 10)) if rate > 0 else 256 * 1024
        while sent < len(mv):
            with st.lock:
                if time.monotonic() < st.outage_until:
                    return False
            n = min(step, len(mv) - sent)
            self.sock.sendall(mv[sent:sent + n])
            sent += n
            self.count("bytes_sent", n)
            if rate > 0:
                ahead = sent / rate - (time.monotonic() - t0)
                if ahead > 0:
                    time.sleep(ahead)
        return True


# --------------------------------------------------------------------------------------------
# Control server

def _count(v, name, minimum=0):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v < minimum or v != int(v):
        raise ValueError("%s must be an integer >= %d" % (name, minimum))
    return int(v)


def normalize_config(obj):
    """Check and normalize the fault and download settings of a POST /config; others pass as they are."""
    out = dict(obj)
    if "clock_offset" in out:
        out["clock_offset"] = float(out["clock_offset"])
    if "fail_next_api" in out:
        v = out["fail_next_api"]
        v = [] if v is None else (v if isinstance(v, list) else [v])
        v = [str(x) for x in v]
        bad = [x for x in v if x not in FAULT_KINDS]
        if bad:
            raise ValueError("fail_next_api: unknown %s; known: %s" % (bad, sorted(FAULT_KINDS)))
        out["fail_next_api"] = v
    if "download_close_after" in out:
        v = out["download_close_after"]
        v = [] if v is None else (v if isinstance(v, list) else [v])
        out["download_close_after"] = [_count(x, "download_close_after") for x in v]
    if "expire_urls" in out:
        v = out["expire_urls"]
        if not isinstance(v, bool) and not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
            raise ValueError("expire_urls must be true, false or a list of TaskIds")
    for k in ("slow_api_ms", "slow_download_bytes_per_s", "slow_body_bytes_per_s"):
        if k in out:
            v = out[k] or 0
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                raise ValueError("%s must be a number >= 0" % k)
    for k in ("failed_pages_odd", "api_chunked"):
        if k in out and not isinstance(out[k], bool):
            raise ValueError("%s must be true or false" % k)
    for k, lo in (("polls_to_success", 0), ("archive_size", 0), ("failed_pages", 0), ("object_version", 0),
                  ("download_outage_connections", 0), ("slowdown_503", 0)):
        if k in out:
            out[k] = _count(out[k], k, lo)
    if "lke_offline" in out:
        v = out["lke_offline"]
        v = "InvalidAction" if v is True else (v or None)
        if v is not None and v not in LKE_OFFLINE_CODES:
            raise ValueError("lke_offline must be false, true or one of %s" % (LKE_OFFLINE_CODES,))
        out["lke_offline"] = v
    if "download_outage_s" in out:
        v = out["download_outage_s"] or 0
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
            raise ValueError("download_outage_s must be a number >= 0")
        out["download_outage_s"] = float(v)
    if out.get("corrupt_byte_at") is not None:
        out["corrupt_byte_at"] = _count(out["corrupt_byte_at"], "corrupt_byte_at")
    if out.get("download_stall_at") is not None:
        out["download_stall_at"] = _count(out["download_stall_at"], "download_stall_at")
    for k in ("crc64_header",):
        if k in out and not isinstance(out[k], bool):
            raise ValueError("%s must be true or false" % k)
    if "etag_multipart" in out and out["etag_multipart"] not in (None, True, False):
        raise ValueError("etag_multipart must be null, true or false")
    if out.get("content_encoding") not in (None, "gzip"):
        raise ValueError("content_encoding must be null or \"gzip\"")
    for k in ("connection_requests_max", "url_ttl"):
        if k in out and out[k] is not None:
            out[k] = _count(out[k], k, 1 if k == "connection_requests_max" else 0)
    return out


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
                    self.reply(200, json.loads(json.dumps(state.config)))
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
            elif self.path == "/sts":
                if not isinstance(obj, dict):
                    self.reply(400, {"error": "sts wants a JSON object"})
                    return
                try:
                    lifetime = _count(obj.get("lifetime", 1800), "lifetime", 1)
                    token_len = _count(obj.get("token_len", 1024), "token_len", 1)
                except ValueError as e:
                    self.reply(400, {"error": str(e)})
                    return
                self.reply(200, state.issue_temporary(lifetime, token_len))
            elif self.path == "/config":
                if not isinstance(obj, dict):
                    self.reply(400, {"error": "config must be a JSON object"})
                    return
                try:
                    obj = normalize_config(obj)
                except (ValueError, TypeError) as e:
                    self.reply(400, {"error": str(e)})
                    return
                with state.lock:
                    state.config.update(obj)
                    if "download_outage_s" in obj:
                        state.outage_until = time.monotonic() + obj["download_outage_s"]
                    if "expire_urls" in obj:
                        state.expire_refused = set()
                    cfg = json.loads(json.dumps(state.config))
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


def bind_listeners(port, ipv6, addr="127.0.0.1"):
    for _ in range(20):
        # An IPv6 ADDR is an IPv6-only host (the bad-link suite's); --ipv6 then adds nothing.
        s4 = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_STREAM)
        s4.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s4.bind((addr, port))
        real = s4.getsockname()[1]
        socks = [s4]
        if ipv6 and ":" not in addr:
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
    raise OSError("could not find a port free on both %s and ::1" % addr)


def accept_loop(sock, state, ctx, stop, conn_class=Connection):
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
        t = threading.Thread(target=conn_class(state, raw, addr, ctx).run, daemon=True)
        t.start()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--state-dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--download-port", type=int, default=0)
    ap.add_argument("--control-port", type=int, default=0)
    ap.add_argument("--ipv6", action="store_true")
    ap.add_argument("--credential", action="append", type=parse_credential, default=[])
    ap.add_argument("--clock-offset", type=float, default=0.0)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--key-type", choices=sorted(KEY_ARGS), default="ec",
                    help="certificates: ec (P-256, CA -> server), rsa (RSA-2048, CA -> intermediate -> "
                         "server, as the service's chains) or rsa-service (the same with a leaf of the "
                         "service's size: 30 names, ~2.9 KB); a state dir keeps the type it was made with")
    ap.add_argument("--tls-version", choices=["1.2", "1.3"],
                    help="speak only this TLS version on both listeners (default: 1.2 and 1.3)")
    ap.add_argument("--bind", default="127.0.0.1",
                    help="address of the API and download listeners (default 127.0.0.1; an IPv6 address "
                         "makes them IPv6 only; the control listener stays on 127.0.0.1)")
    a = ap.parse_args(argv)

    d = os.path.abspath(a.state_dir)
    os.makedirs(d, exist_ok=True)
    logging.basicConfig(filename=os.path.join(d, "mock.log"),
                        level=logging.DEBUG if a.verbose else logging.INFO,
                        format="%(asctime)s [%(process)d] %(levelname)s %(message)s")
    try:
        ensure_certs(d, a.key_type)
    except Exception as e:
        sys.stderr.write("mock: certificate generation failed: %s\n" % e)
        return 2

    creds = a.credential or [(DEFAULT_SECRET_ID, DEFAULT_SECRET_KEY, None)]
    state = State({c[0]: (c[1], c[2]) for c in creds}, a.clock_offset)

    def server_context():
        # One context per listener: each has its own session cache and ticket keys, as two real
        # servers would, so a session is only resumed on the listener that issued it.
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        if a.tls_version:
            only = ssl.TLSVersion.TLSv1_3 if a.tls_version == "1.3" else ssl.TLSVersion.TLSv1_2
            ctx.minimum_version = ctx.maximum_version = only
        ctx.load_cert_chain(os.path.join(d, "server.pem"), os.path.join(d, "server.key"))
        ctx.set_alpn_protocols(["http/1.1"])
        return ctx
    ctx, dl_ctx = server_context(), server_context()

    port, socks = bind_listeners(a.port, a.ipv6, a.bind)
    state.tls_port = port
    dl_port, dl_socks = bind_listeners(a.download_port, a.ipv6, a.bind)
    state.download_port = dl_port
    control = ThreadingHTTPServer(("127.0.0.1", a.control_port), make_control_handler(state))
    control.daemon_threads = True

    stop = threading.Event()
    threads = [threading.Thread(target=accept_loop, args=(s, state, ctx, stop), daemon=True) for s in socks]
    threads += [threading.Thread(target=accept_loop, args=(s, state, dl_ctx, stop, DownloadConnection), daemon=True)
                for s in dl_socks]
    threads.append(threading.Thread(target=control.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True))
    for t in threads:
        t.start()

    def on_signal(signum, frame):
        stop.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    ports = {"tls": port, "download": dl_port, "control": control.server_address[1], "pid": os.getpid()}
    pj = os.path.join(d, "ports.json")
    tmp = "%s.%d.tmp" % (pj, os.getpid())
    with open(tmp, "w") as f:
        json.dump(ports, f)
    os.replace(tmp, pj)
    log.info("listening: %s ipv6=%s", ports, a.ipv6)
    sys.stdout.write("lkedoc mock listening on tls %d download %d control %d\n"
                     % (ports["tls"], ports["download"], ports["control"]))
    sys.stdout.flush()

    while not stop.is_set():
        stop.wait(0.5)
    control.shutdown()
    control.server_close()
    for s in socks + dl_socks:
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
