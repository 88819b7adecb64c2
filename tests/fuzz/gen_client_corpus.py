#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed inputs of fuzz_client into tests/fuzz/corpus/client/.

The input format is described at the top of tests/fuzz/fuzz_client.c (the
4 header bytes, the operations) and tests/fuzz/stub_tls.h (the records and
their ctl byte).  Each seed here is one realistic exchange a job goes through;
the fuzzer mutates from them.

    python3 tests/fuzz/gen_client_corpus.py      (rewrites the seeds)
"""
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "client")
SEP = b"~~~\n"
DATE = "Date: Mon, 09 Feb 2026 10:00:00 GMT\r\n"

# Operations (header bytes 0-1).
GET, WAIT, DOWNLOAD, DOWNLOAD_URL, CREATE_URL, CREATE_FILE, CREATE_ONCE, CANCEL, CLOSE = range(1, 10)
# Flags (header byte 2).
WALL_UNKNOWN, LKEAP, SINK_REFUSES, TOKEN, SHORT_READS, READER_FAILS = 1, 2, 4, 8, 16, 32
# ctl: what happens after the answer is drained (bits 0-1) ...
KEEP, EOF, CLOSE_NOTIFY, RESET = 0, 1, 2, 3
# ... and the record's kind (bits 6-7).
ANSWER, REFUSE, CUT_UPLOAD, TRICKLE = 0, 1, 2, 3


def ctl(end=KEEP, k=0, delay=0, kind=ANSWER):
    return bytes([end | (k << 2) | (delay << 5) | (kind << 6)])


def header(ops, flags=0, sizes=0):
    ops = (list(ops) + [0, 0, 0, 0])[:4]
    return bytes([ops[0] | ops[1] << 4, ops[2] | ops[3] << 4, flags, sizes])


def api(body, status="200 OK", extra=""):
    body = body.encode()
    head = ("HTTP/1.1 %s\r\nContent-Type: application/json\r\n%s%sContent-Length: %d\r\n\r\n"
            % (status, DATE, extra, len(body)))
    return head.encode() + body


def result(status, url="", rid="req-1", extra=""):
    u = ',"DocumentRecognizeResultUrl":"%s"' % url.replace("/", "\\/") if url else ""
    return '{"Response":{"Status":"%s"%s,"FailedPages":[]%s,"RequestId":"%s"}}' % (status, u, extra, rid)


URL1 = "https://dl.lkedoc.test/result/task-123/result.zip?q-sign-time=1770000000%3B1770003600&q-signature=ab12"
URL2 = "https://dl.lkedoc.test/result/task-123/result.zip?q-sign-time=1770003600%3B1770007200&q-signature=cd34"
CREATED = '{"Response":{"TaskId":"task-123","RequestId":"req-0"}}'
ARCHIVE = bytes((i * 131 + 7) & 0xFF for i in range(1000))


def get_answer(status, headers, body):
    return ("HTTP/1.1 %s\r\n%s" % (status, "".join(h + "\r\n" for h in headers))).encode() + b"\r\n" + body


def chunked(body, sizes):
    out, pos = b"", 0
    for n in sizes:
        out += b"%x\r\n" % n + body[pos:pos + n] + b"\r\n"
        pos += n
    return out + b"0\r\n\r\n"


def seed(name, head, recs):
    data = head + SEP.join(c + r for c, r in recs)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    success = api(result("Success", URL1))
    seed("get_success", header([GET]), [(ctl(), success)])
    seed("wait_polls", header([WAIT], sizes=0x10), [
        (ctl(), api(result("WaitExecute", rid="req-1"))),
        (ctl(k=1), api(result("Processing", rid="req-2"))),       # one byte per read
        (ctl(k=4, delay=1), api(result("Processing", rid="req-3"))),
        (ctl(), success),
    ])
    seed("download_200", header([DOWNLOAD]), [
        (ctl(), success),
        (ctl(), get_answer("200 OK", ["Content-Length: 1000", "ETag: \"x\""], ARCHIVE)),
    ])
    seed("download_206_resume", header([DOWNLOAD]), [
        (ctl(), success),
        (ctl(end=RESET, k=6), get_answer("200 OK", ["Content-Length: 1000"], ARCHIVE[:400])),
        (ctl(k=5), get_answer("206 Partial Content",
                              ["Content-Range: bytes 400-999/1000", "Content-Length: 600"], ARCHIVE[400:])),
    ])
    seed("download_206_twice", header([DOWNLOAD_URL]), [
        (ctl(end=EOF), get_answer("206 Partial Content",
                                  ["Content-Range: bytes 0-999/1000", "Content-Length: 1000"], ARCHIVE[:300])),
        (ctl(end=CLOSE_NOTIFY, k=7), get_answer("206 Partial Content",
                                                ["Content-Range: bytes 300-999/1000", "Content-Length: 700"],
                                                ARCHIVE[300:])),
    ])
    seed("download_chunked", header([DOWNLOAD_URL]), [
        (ctl(k=4), get_answer("200 OK", ["Transfer-Encoding: chunked"], chunked(ARCHIVE, [100, 1, 499, 400]))),
    ])
    seed("download_403_refresh", header([DOWNLOAD]), [
        (ctl(), success),
        (ctl(), get_answer("403 Forbidden", ["Content-Type: application/xml", "Content-Length: 30"],
                           b"<Error>AccessDenied</Error>\n\n\n")),
        (ctl(), api(result("Success", URL2, rid="req-2"))),
        (ctl(end=CLOSE_NOTIFY), get_answer("200 OK", ["Connection: close"], ARCHIVE)),  # ends with the close
    ])
    seed("job_file", header([CREATE_FILE, WAIT, DOWNLOAD_URL], sizes=0x07), [
        (ctl(), api(CREATED)),
        (ctl(), api(result("Processing", rid="req-2"))),
        (ctl(), success),
        (ctl(k=6), get_answer("200 OK", ["Content-Length: 1000"], ARCHIVE)),
    ])
    seed("create_url_clock", header([CREATE_URL, GET], flags=WALL_UNKNOWN), [
        (ctl(), api('{"Response":{"Error":{"Code":"AuthFailure.SignatureExpire","Message":"expired"},'
                    '"RequestId":"req-e"}}')),
        (ctl(), api(CREATED)),
        (ctl(), success),
    ])
    seed("create_once_cut", header([CREATE_ONCE, CREATE_FILE], flags=SHORT_READS, sizes=0x03), [
        (ctl(k=1, kind=CUT_UPLOAD), api(CREATED)),
        (ctl(), api(CREATED)),
    ])
    seed("retries", header([GET, CANCEL], flags=TOKEN), [
        (ctl(kind=REFUSE), b""),
        (ctl(), api('{"message":"busy"}', status="503 Service Unavailable", extra="Retry-After: 2\r\n")),
        (ctl(), api('{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow down"},'
                    '"RequestId":"req-r"}}')),
        (ctl(k=6, kind=TRICKLE), success),
        (ctl(kind=REFUSE), b""),                       # the kept connection went stale
        (ctl(), api('{"Response":{"RequestId":"req-c"}}')),
    ])
    seed("lkeap_failed", header([CREATE_URL, WAIT], flags=LKEAP), [
        (ctl(), api(CREATED)),
        (ctl(), api('{"Response":{"Status":"Failed","FailedPages":[{"PageNumber":2},{"PageNumber":null}],'
                    '"Usage":{"PageNumber":3,"TotalTokens":1200,"SuccessPageNum":1,"FailPageNum":2,'
                    '"FileSize":48213},"Error":{"Code":"FailedOperation.DocParseFailed",'
                    '"Message":"\\u6587\\u6863 parse failed"},"RequestId":"req-3"}}')),
    ])
    seed("pipelined", header([GET, CLOSE, GET, DOWNLOAD], sizes=0x40), [
        (ctl(k=5), success + api(result("Processing", rid="req-x"))),  # one answer too many
        (ctl(k=2, end=EOF), success),
        (ctl(), success),
        (ctl(), b"HTTP/1.1 100 Continue\r\n\r\n" + get_answer("200 OK", ["Content-Length: 10"], ARCHIVE[:10])),
    ])
    seed("wait_pause", header([WAIT], flags=LKEAP), [
        (ctl(), api(result("Processing", rid="req-1"))),
        (ctl(), api(result("Pause", rid="req-2"))),
    ])
    seed("wait_timeout", header([WAIT, CANCEL], sizes=0x20), [   # the wait may last 5 s
        (ctl(), api(result("Processing", rid="req-%d" % i))) for i in range(6)
    ] + [(ctl(), api('{"Response":{"RequestId":"req-c"}}'))])
    seed("download_empty", header([DOWNLOAD_URL, DOWNLOAD_URL]), [
        (ctl(), get_answer("200 OK", ["Content-Length: 0"], b"")),
        (ctl(end=CLOSE_NOTIFY), get_answer("200 OK", [], ARCHIVE[:77])),  # delimited by the close
    ])
    seed("download_200_after_resume", header([DOWNLOAD]), [
        (ctl(), success),
        (ctl(end=EOF), get_answer("200 OK", ["Content-Length: 1000"], ARCHIVE[:250])),
        (ctl(), get_answer("200 OK", ["Content-Length: 1000"], ARCHIVE)),  # Range ignored: the client skips 250
    ])
    seed("sink_and_reader_fail", header([DOWNLOAD_URL, CREATE_FILE], flags=SINK_REFUSES | READER_FAILS,
                                        sizes=0x05), [
        (ctl(), get_answer("200 OK", ["Content-Length: 1000"], ARCHIVE)),
        (ctl(), api(CREATED)),
    ])
    seed("download_timeout", header([DOWNLOAD], sizes=0x40), [        # 8 s for the download
        (ctl(), success),
        (ctl(k=5, kind=TRICKLE), get_answer("206 Partial Content", ["Content-Range: bytes 0-999/1000"],
                                            ARCHIVE)),
    ])


if __name__ == "__main__":
    main()
