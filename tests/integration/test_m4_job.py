# SPDX-License-Identifier: MIT
"""The whole document job on the emulated Cortex-M4 (boards/mps2-an386, `make firmware`).

build/fw/lkedoc-fw.elf runs on qemu-system-arm -M mps2-an386: lwIP (NO_SYS, raw API) on the
board's LAN9118, mbedTLS on a static pool, lkedoc's core over port/lwip-raw.  QEMU's user
networking is restricted (restrict=on: the guest reaches nothing but the guestfwd addresses);
10.0.2.100:443 and 10.0.2.100:<download port> are forwarded, one relay process per connection
(boards/mps2-an386/fw_relay.py), to the mock's API and download listeners on 127.0.0.1.  The
firmware maps the API host and the result host to 10.0.2.100 with the client's resolve list; TLS
still verifies the real names.  It reads the CA and the document from the host through
semihosting and prints one summary line.

Checks: the image links no allocator (map file and symbols), the job succeeds with the archive the
mock served (bytes and SHA-256) over TLS 1.3, and against a TLS-1.3-only and a TLS-1.2-only mock
through a chain shaped like the service's (--key-type rsa-service), the mock saw correctly signed
requests (the only refusal is the one SignatureExpire that teaches the clock-less board the time),
an untrusted CA stops the firmware at the handshake with no request reaching the mock, and a
result listing 100 000 failed pages still gives the board its URL and the pages' counts.
"""
import copy
import hashlib
import os
import re
import shlex
import ssl
import struct
import subprocess
import sys

from mockctl import JobFixture, Mock, SECRET_ID, SECRET_KEY

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FW_DIR = os.path.join(ROOT, "build", "fw")
ELF = os.path.join(FW_DIR, "lkedoc-fw.elf")
MAP = os.path.join(FW_DIR, "lkedoc-fw.map")
RELAY = os.path.join(ROOT, "boards", "mps2-an386", "fw_relay.py")
NOMALLOC = os.path.join(ROOT, "boards", "mps2-an386", "fw_nomalloc.sh")
STATE = os.path.join(ROOT, "build", "mock-state-m4")
HOST = "lke.intl.tencentcloudapi.com"
DL_HOST = "mock.lkedoc.test"
GUEST_SERVER = "10.0.2.100"   # inside QEMU's slirp network only; the relay connects to 127.0.0.1
QEMU_TIMEOUT = 120


def setup_suite():
    proc = subprocess.run(["make", "-s", "firmware"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return JobFixture(STATE, ["--credential", f"{SECRET_ID}:{SECRET_KEY}"], prefix="lkedoc-m4job-")


def teardown_suite(ctx):
    if ctx:
        ctx.stop()


def qemu_opt(value):
    # QEMU's option syntax: a comma inside a value is written twice.
    return value.replace(",", ",,")


def qemu_cmd(ctx, ca, extra=()):
    m = ctx.mock
    args = ["lkedoc-fw", f"ca={ca}", f"doc={ctx.sample}", f"id={SECRET_ID}", f"key={SECRET_KEY}",
            f"seed={os.urandom(32).hex()}", f"host={HOST}", "port=443", "poll=300",
            f"resolve={HOST}:443:{GUEST_SERVER}",
            f"resolve={DL_HOST}:{m.download_port}:{GUEST_SERVER}",
            f"result_host={DL_HOST}"] + list(extra)
    for a in args:
        assert " " not in a, a  # the firmware splits its command line at spaces
    semi = "enable=on,target=native," + ",".join("arg=" + qemu_opt(a) for a in args)
    # QEMU runs the relay through a shell-style split (g_shell_parse_argv): quote the paths.
    relay = f"{shlex.quote(sys.executable)} {shlex.quote(RELAY)}"
    nic = ("user,model=lan9118,restrict=on,"
           f"guestfwd=tcp:{GUEST_SERVER}:443-cmd:{qemu_opt(relay)} {m.port},"
           f"guestfwd=tcp:{GUEST_SERVER}:{m.download_port}-cmd:{qemu_opt(relay)} {m.download_port}")
    return ["qemu-system-arm", "-M", "mps2-an386", "-nographic", "-monitor", "none", "-serial", "none",
            "-semihosting-config", semi, "-nic", nic, "-kernel", ELF]


def run_fw(ctx, ca, extra=()):
    return subprocess.run(qemu_cmd(ctx, ca, extra), cwd=ctx.tmp, capture_output=True, text=True, timeout=QEMU_TIMEOUT,
                          stdin=subprocess.DEVNULL)


def fields(line):
    return dict(kv.split("=", 1) for kv in line.split() if "=" in kv)


def test_m4_firmware_is_hard_float_cortex_m4_without_malloc():
    head = subprocess.run(["arm-none-eabi-readelf", "-h", "-A", ELF], capture_output=True, text=True,
                          check=True).stdout
    assert "Tag_CPU_arch: v7E-M" in head and "Tag_ABI_VFP_args: VFP registers" in head, head
    proc = subprocess.run(["sh", NOMALLOC, ELF, MAP], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    syms = subprocess.run(["arm-none-eabi-nm", ELF], capture_output=True, text=True, check=True).stdout
    names = {line.split()[-1] for line in syms.splitlines() if line.strip()}
    assert not names & {"malloc", "_malloc_r", "calloc", "_calloc_r", "realloc", "_realloc_r", "free",
                        "_free_r", "_sbrk", "_sbrk_r"}, sorted(names)
    # The pieces the job needs are all in the image: lwIP's raw TCP, the driver, TLS, the pool allocator.
    assert {"tcp_connect", "lan9118_netif_init", "mbedtls_ssl_handshake", "mbedtls_memory_buffer_alloc_init",
            "lkd_port_lwip_raw_init", "lkd_download_result"} <= names


def test_m4_psa_draws_from_the_client_not_an_entropy_module():
    # As on the host, PSA's random bytes come from the client's DRBG (the core's
    # mbedtls_psa_external_get_random): no entropy collector, PSA DRBG or
    # hardware poll is linked, so no byte can bypass the port's entropy hook.
    syms = subprocess.run(["arm-none-eabi-nm", ELF], capture_output=True, text=True, check=True).stdout
    names = {line.split()[-1] for line in syms.splitlines() if line.strip()}
    assert {"mbedtls_psa_external_get_random", "lkd_psa_rng_use", "mbedtls_ctr_drbg_random"} <= names
    assert not names & {"mbedtls_entropy_func", "mbedtls_entropy_init", "mbedtls_hardware_poll",
                        "mbedtls_psa_random_free"}, sorted(n for n in names if "entropy" in n or "random" in n)


def test_m4_core_refuses_psa_seeding_its_own_drbg(ctx):
    # The board's configuration compiles the core's PSA source; the same with
    # PSA's own DRBG fed by an entropy module (the hardware-poll setup) stops at
    # the core's #error instead of building a second path to randomness.
    own = os.path.join(ctx.tmp, "own_drbg_config.h")
    with open(own, "w") as f:
        f.write('#include "lkd_board_mbedtls_config.h"\n#undef MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG\n'
                "#define MBEDTLS_ENTROPY_C\n#define MBEDTLS_NO_PLATFORM_ENTROPY\n#define MBEDTLS_ENTROPY_HARDWARE_ALT\n")
    cmd = ["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16", "-std=c99",
           "-fsyntax-only", "-DLKD_BOARD_TLS13=1", "-I" + ctx.tmp] + \
        ["-I" + os.path.join(ROOT, d) for d in ("core/include", "core/src", "boards/mps2-an386",
                                                  "build/src/mbedtls3/include")] + \
        [os.path.join(ROOT, "core", "src", "lkd_psa_rng.c")]
    ok = subprocess.run(cmd + ['-DMBEDTLS_CONFIG_FILE="lkd_board_mbedtls_config.h"'], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run(cmd + ['-DMBEDTLS_CONFIG_FILE="own_drbg_config.h"'], capture_output=True, text=True)
    assert bad.returncode != 0 and "PSA's random bytes must come from the port" in bad.stderr, bad.stderr


def test_m4_nomalloc_check_refuses_an_image_with_malloc(ctx):
    # The check itself: an image whose code calls malloc (with an _sbrk so that it links) is refused.
    src = os.path.join(ctx.tmp, "bad.c")
    with open(src, "w") as f:
        f.write("#include <stdlib.h>\n#include <stddef.h>\n"
                "void *fw_bad(size_t n);\nvoid *_sbrk(ptrdiff_t n);\n"
                "static char arena[4096];\nstatic size_t used;\n"
                "void *_sbrk(ptrdiff_t n) { void *p = arena + used; used += (size_t)n; return p; }\n"
                "void *fw_bad(size_t n) { return malloc(n); }\n")
    elf, mapf = os.path.join(ctx.tmp, "bad.elf"), os.path.join(ctx.tmp, "bad.map")
    arch = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"]
    subprocess.run(["arm-none-eabi-gcc"] + arch + ["-Os", "--specs=nano.specs", "-nostartfiles", "-T",
                    os.path.join(ROOT, "boards", "mps2-an386", "mps2-an386.ld"), "-Wl,--gc-sections",
                    "-Wl,--undefined=fw_bad", "-Wl,-e,fw_bad", f"-Wl,-Map={mapf}", "-o", elf, src],
                   check=True, capture_output=True)
    proc = subprocess.run(["sh", NOMALLOC, elf, mapf], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "symbol malloc" in proc.stderr and "(_malloc_r)" in proc.stderr, proc.stderr


def test_m4_whole_job_on_qemu_lan9118(ctx):
    ctx.mock.reset()
    p = run_fw(ctx, ctx.mock.ca_file)
    out = p.stdout + p.stderr  # semihosting console output: QEMU's stderr
    assert p.returncode == 0, f"exit {p.returncode}\n{out}"
    summary = [line for line in out.splitlines() if line.startswith("fw: job ok ")]
    assert len(summary) == 1, out
    f = fields(summary[0])
    st = ctx.mock.stats()
    dl = st["download"]
    # The archive the mock served for this task, byte for byte.
    archive = dl["archives"][f["task"]]
    assert int(f["bytes"]) == archive["size"], (f, archive)
    assert f["sha256"] == archive["sha256"], (f, archive)
    assert dl["statuses"].get("200") == 1 and dl["bytes_sent"] == archive["size"], dl
    # The document arrived intact as FileBase64.
    with open(ctx.sample, "rb") as fh:
        doc = fh.read()
    lc = st["last_create"]
    assert lc["sha256"] == hashlib.sha256(doc).hexdigest() and lc["decoded_len"] == len(doc), lc
    assert lc["FileType"] == "PDF" and lc["TaskId"] == f["task"], lc
    # Every request was signed correctly; the board has no clock, so its first request is signed
    # with LKD_TIME_FLOOR and refused once as expired, which teaches it the server's time.
    assert st["errors"] == {"AuthFailure.SignatureExpire": 1}, st["errors"]
    polls = st["polls"][f["task"]]
    assert polls == 3, st["polls"]  # WaitExecute, Processing, Success
    assert st["requests"] == 2 + polls, st  # the refused create, the create, the polls
    assert int(f["requests"]) == st["requests"], (f, st["requests"])  # API requests (the GET is not one)
    assert st["handshake_failures"] == 0 and dl["handshake_failures"] == 0, st
    assert int(f["handshakes"]) == st["handshakes"] + dl["handshakes"], (f, st["handshakes"], dl["handshakes"])
    assert dl["last_host"].lower().startswith(DL_HOST), dl["last_host"]
    assert int(f["rx_frames"]) > 0 and int(f["tx_frames"]) > 0, f
    # A server that speaks both gets TLS 1.3 from the board.
    assert st["tls_versions"] == {"TLSv1.3": int(f["handshakes"])}, st["tls_versions"]


def whole_job_on(ctx, state, args):
    """The whole job against a mock of its own (args: its TLS and certificate options); the
    firmware's summary fields and the mock's stats."""
    with Mock(state, args + ["--credential", f"{SECRET_ID}:{SECRET_KEY}"]) as m:
        mctx = copy.copy(ctx)
        mctx.mock = m
        p = run_fw(mctx, m.ca_file)
        out = p.stdout + p.stderr
        assert p.returncode == 0, f"exit {p.returncode}\n{out}"
        summary = [line for line in out.splitlines() if line.startswith("fw: job ok ")]
        assert len(summary) == 1, out
        f = fields(summary[0])
        st = m.stats()
        archive = st["download"]["archives"][f["task"]]
        assert int(f["bytes"]) == archive["size"] and f["sha256"] == archive["sha256"], (f, archive)
        assert st["handshake_failures"] == 0 and st["download"]["handshake_failures"] == 0, st
        assert int(f["handshakes"]) == st["handshakes"] + st["download"]["handshakes"], (f, st)
    return f, st


def service_chain(state):
    """The chain the mock served from state: RSA-2048 leaf of the service's shape, then the
    intermediate (the root stays with the client)."""
    with open(os.path.join(state, "server.pem")) as pem:
        text = pem.read()
    ders = [ssl.PEM_cert_to_DER_cert(b) for b in re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----",
                                                         text, re.S)]
    assert len(ders) == 2, text  # leaf and intermediate are sent
    leaf = subprocess.run(["openssl", "x509", "-noout", "-text"], input=text, capture_output=True, text=True,
                          check=True).stdout
    assert "Public-Key: (2048 bit)" in leaf and leaf.count("DNS:") == 30, leaf
    assert re.search(r"Issuer: .*CN ?= ?lkedoc mock intermediate CA", leaf), leaf  # not the root itself
    assert 2800 <= len(ders[0]) <= 3000, len(ders[0])  # the service's leaf is about 2.9 KB
    return ders


def whole_job_through_the_service_shaped_chain(ctx, version):
    # A chain shaped like the service's (RSA-2048 root -> intermediate -> a 2.9 KB leaf with 30
    # names) from a server that speaks only `version`; every handshake of the job was that version
    # and the static pool held it.
    state = STATE + "-tls" + version.replace(".", "")
    f, st = whole_job_on(ctx, state, ["--tls-version", version, "--key-type", "rsa-service"])
    service_chain(state)
    assert st["tls_versions"] == {"TLSv" + version: int(f["handshakes"])}, st["tls_versions"]
    assert 0 < int(f["tls_pool_peak"]) < int(f["tls_pool"]), f


def test_m4_whole_job_tls13_only_through_the_service_shaped_chain(ctx):
    # 1.3 only (which 2.28 refused outright): 1.3 signs CertificateVerify with RSA-PSS and keeps
    # the peer's certificate in the session, both inside the static pool.
    whole_job_through_the_service_shaped_chain(ctx, "1.3")


def test_m4_whole_job_tls12_only_through_the_service_shaped_chain(ctx):
    # 1.2 only: the client offering 1.2 and 1.3 must fall back to ECDHE-RSA (the case 3.6.6
    # broke: it aborted against a 1.2-only server with an RSA certificate).
    whole_job_through_the_service_shaped_chain(ctx, "1.2")


def test_m4_download_resumes_after_a_drop(ctx):
    # A 1 MB archive whose first GET is cut after 300000 bytes: the board resumes with Range
    # over a new connection (an abbreviated TLS handshake) and hands over every byte once.
    # TLS 1.2 here: its session is what the client resumes today; a 1.3 session comes back
    # only through a ticket, which arrives after the handshake.
    with Mock(STATE + "-resume", ["--tls-version", "1.2", "--credential", f"{SECRET_ID}:{SECRET_KEY}"]) as m:
        m.config(archive_size=1000000, download_close_after=[300000])
        mctx = copy.copy(ctx)
        mctx.mock = m
        p = run_fw(mctx, m.ca_file)
        out = p.stdout + p.stderr
        assert p.returncode == 0, f"exit {p.returncode}\n{out}"
        summary = [line for line in out.splitlines() if line.startswith("fw: job ok ")]
        assert len(summary) == 1, out
        f = fields(summary[0])
        dl = m.stats()["download"]
    archive = dl["archives"][f["task"]]
    assert archive["size"] == 1000000 and int(f["bytes"]) == 1000000, (f, archive)
    assert f["sha256"] == archive["sha256"], (f, archive)
    assert dl["drops"] == 1 and dl["partial"] == 1 and dl["ranges"] == ["bytes=300000-"], dl
    assert dl["resumed"] == 1 and int(f["resumed"]) >= 1, (dl, f)


def test_m4_result_with_100000_failed_pages(ctx):
    # A Success listing 100 000 failed pages, every tenth an odd entry, chunked: about 2 MB of
    # JSON through the board's 4 KiB response buffer.  The board gets the URL (and the archive
    # behind it), the first 16 numbers, the exact total and the unnumbered count.
    with Mock(STATE + "-pages", ["--credential", f"{SECRET_ID}:{SECRET_KEY}"]) as m:
        m.config(failed_pages=100000, failed_pages_odd=True, api_chunked=True)
        mctx = copy.copy(ctx)
        mctx.mock = m
        p = run_fw(mctx, m.ca_file)
        out = p.stdout + p.stderr
        assert p.returncode == 0, f"exit {p.returncode}\n{out}"
        summary = [line for line in out.splitlines() if line.startswith("fw: job ok ")]
        assert len(summary) == 1, out
        f = fields(summary[0])
        archive = m.stats()["download"]["archives"][f["task"]]
    assert int(f["bytes"]) == archive["size"] and f["sha256"] == archive["sha256"], (f, archive)
    assert int(f["url_len"]) > 100, f
    assert (f["failed_total"], f["failed_unnumbered"], f["failed_truncated"]) == ("100000", "10000", "1"), f
    assert f["failed_first"] == ",".join(str(n) for n in range(1, 18) if n != 10), f


def test_m4_download_state_across_two_firmware_runs(ctx):
    # The first run loses its power mid-download (it exits from its progress callback at 400000
    # bytes, the download never returning) and leaves the download state it last wrote as bytes
    # arrived (lkd_download_state_t every 64 KiB, raw bytes in a host file, as a product would in
    # flash); the second, given the task and that state, asks for the rest only (Range and
    # If-Match) and checks the whole archive's CRC-64 against the store's.
    task = "done-m4-state"
    state = os.path.join(ctx.tmp, "download.state")
    if os.path.exists(state):
        os.unlink(state)
    with Mock(STATE + "-state", ["--credential", f"{SECRET_ID}:{SECRET_KEY}"]) as m:
        m.config(archive_size=1000000)
        mctx = copy.copy(ctx)
        mctx.mock = m
        p = run_fw(mctx, m.ca_file, [f"task={task}", f"state={state}", "stop_at=400000"])
        out = p.stdout + p.stderr
        cut = [line for line in out.splitlines() if line.startswith("fw: power cut at byte ")]
        assert p.returncode == 9 and len(cut) == 1 and "FAILED" not in out, f"exit {p.returncode}\n{out}"
        at, state_at = int(cut[0].split()[5]), int(fields(cut[0])["state_at"])
        with open(state, "rb") as f:
            raw = f.read()
        assert len(raw) == 88, len(raw)
        delivered, crc, total, expected, flags, etag_len = struct.unpack_from("<QQQQBB", raw)
        etag = raw[34:34 + etag_len].decode("ascii")
        # Written as the download went, not on a clean return: the last save before the cut.
        assert delivered == state_at and 400000 - 65536 <= delivered <= at, (delivered, state_at, at)
        assert total == 1000000 and flags & 3 == 3, (delivered, total, flags)
        before = m.stats()["download"]
        p = run_fw(mctx, m.ca_file, [f"task={task}", f"state={state}"])
        out = p.stdout + p.stderr
        assert p.returncode == 0, f"exit {p.returncode}\n{out}"
        summary = [line for line in out.splitlines() if line.startswith("fw: job ok ")]
        assert len(summary) == 1, out
        f = fields(summary[0])
        dl = m.stats()["download"]
    archive = dl["archives"][task]
    assert dl["ranges"][len(before["ranges"]):] == ["bytes=%d-" % delivered], dl["ranges"]
    assert dl["if_match"][len(before["if_match"]):] == [archive["etag"]] and etag == archive["etag"], dl["if_match"]
    assert (int(f["from"]), int(f["bytes"]), f["verified"]) == (delivered, 1000000, "1"), f
    assert f["crc64"] == archive["crc64"] and expected == int(archive["crc64"]), (f, archive)


def test_m4_untrusted_ca_refused_before_any_request(ctx):
    ctx.mock.reset()
    p = run_fw(ctx, ctx.mock.other_ca_file)
    out = p.stdout + p.stderr
    assert p.returncode == 4, f"exit {p.returncode}\n{out}"
    failed = [line for line in out.splitlines() if line.startswith("fw: FAILED ")]
    assert len(failed) == 1 and "step=create" in failed[0], out
    f = fields(failed[0])
    assert int(f["verify_flags"], 16) & 0x08, failed[0]  # MBEDTLS_X509_BADCERT_NOT_TRUSTED
    assert f["requests"] == "0" and f["handshakes"] == "0", failed[0]
    st = ctx.mock.stats()
    assert st["requests"] == 0 and st["download"]["requests"] == 0, st
    assert st["handshakes"] == 0, st
    assert st["connections"] >= 1, st  # the firmware did reach the mock: TLS refused it


def test_m4_client_auth_only_certificate_refused(ctx):
    # The board's mbedTLS checks the extended key usage (MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE), as the
    # host's does: a certificate for the API host, from a CA the board trusts, but issued for TLS clients
    # only, ends the job at the handshake.  The server is openssl s_server (tests/mock/openssl_peer.py);
    # the same server with a serverAuth certificate gets the board's request, so the EKU alone decides.
    from openssl_peer import Pki, SServer
    answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
    pki_dir = os.path.join(ctx.tmp, "eku-pki")
    os.makedirs(pki_dir, exist_ok=True)
    pki = Pki(pki_dir)
    ca = pki.ca("eku-ca")
    for eku, refused in (("clientAuth", True), ("serverAuth", False)):
        cert = pki.leaf("eku-" + eku, ca, HOST, eku=eku)
        with SServer(cert, ["-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"], answer=answer) as srv:
            sctx = copy.copy(ctx)
            sctx.mock = copy.copy(ctx.mock)
            sctx.mock.port = srv.port  # 10.0.2.100:443 is relayed to s_server
            p = run_fw(sctx, ca.pem)
        out = p.stdout + p.stderr
        failed = [line for line in out.splitlines() if line.startswith("fw: FAILED ")]
        why = f"{eku}: exit {p.returncode}\n{out}\ns_server:\n{srv.output}"
        assert len(failed) == 1 and "step=create" in failed[0], why
        f = fields(failed[0])
        if refused:
            assert p.returncode == 4, why
            assert int(f["verify_flags"], 16) & 0x1000, why  # MBEDTLS_X509_BADCERT_EXT_KEY_USAGE
            assert f["handshakes"] == "0" and f["requests"] == "0", why
            assert srv.requests() == 0 and "ACCEPT" in srv.output, why
        else:
            assert f["handshakes"] == "1" and int(f["verify_flags"], 16) == 0, why
            assert srv.requests() >= 1, why  # past the handshake: s_server's "{}" is not an API answer


# ---- stopping a call, and the longest computation between two polls ----------------------


def test_m4_abort_ends_a_stalled_call(ctx):
    # The mock holds every API answer for 30 s; the board's abort callback says stop 3 s after the
    # client's set-up, inside that wait: the call ends at that poll (virtual ms of the board's
    # SysTick) with LKD_ERR_ABORTED (36) and the firmware exits 130.  The Create had gone out whole
    # when the mock counted it, so the board is told the task may exist.
    ctx.mock.reset()
    ctx.mock.config(slow_api_ms=30000)
    try:
        p = run_fw(ctx, ctx.mock.ca_file, ["abort_ms=3000"])
        requests = ctx.mock.stats()["requests"]
    finally:
        ctx.mock.config(slow_api_ms=0)
    out = p.stdout + p.stderr
    assert p.returncode == 130, f"exit {p.returncode}\n{out}"
    failed = [line for line in out.splitlines() if line.startswith("fw: FAILED ")]
    assert len(failed) == 1 and "step=create" in failed[0], out
    f = fields(failed[0])
    assert f["error"] == "36", failed[0]
    at, stopped, ended = int(f["abort_at"]), int(f["stopped_at"]), int(f["ms"])
    print("abort at %d ms, stopped at %d ms, ended at %d ms" % (at, stopped, ended))
    assert at <= stopped <= at + 100 and ended - stopped <= 100, failed[0]
    assert requests >= 1 and f["outcome_unknown"] == "1", (requests, failed[0])


def icount_job(ctx, mock):
    """The whole job with QEMU counting instructions as time (-icount shift=0: 1 ns each), so that
    the board's millisecond clock counts millions of instructions; the summary's fields."""
    mctx = copy.copy(ctx)
    mctx.mock = mock
    cmd = qemu_cmd(mctx, mock.ca_file)
    cmd[cmd.index("-kernel"):cmd.index("-kernel")] = ["-icount", "shift=0"]
    p = subprocess.run(cmd, cwd=ctx.tmp, capture_output=True, text=True, timeout=QEMU_TIMEOUT,
                       stdin=subprocess.DEVNULL)
    out = p.stdout + p.stderr
    assert p.returncode == 0, f"exit {p.returncode}\n{out}"
    summary = [line for line in out.splitlines() if line.startswith("fw: job ok ")]
    assert len(summary) == 1, out
    return fields(summary[0])


def test_m4_longest_computation_between_abort_polls(ctx):
    # What a device maker sizes its watchdog by (README "Stopping a call"): the longest stretch of
    # the job the abort callback is not asked, less the board's idle time in it, in millions of
    # instructions: a whole job against the default mock (ECDSA P-256 chain) and against the
    # service-shaped RSA-2048 chain over TLS 1.3 and 1.2 (certificate verification, ECDHE, the
    # handshake's signatures).  Every other gap between polls is a wait of at most LKD_ABORT_POLL_MS.
    ctx.mock.reset()
    worst = {}
    f = icount_job(ctx, ctx.mock)
    worst["ecdsa-p256 tls1.3"] = (int(f["poll_gap_busy_max_ms"]), int(f["abort_polls"]))
    for version in ("1.3", "1.2"):
        state = STATE + "-tls" + version.replace(".", "")
        with Mock(state, ["--tls-version", version, "--key-type", "rsa-service", "--credential",
                          f"{SECRET_ID}:{SECRET_KEY}"]) as m:
            f = icount_job(ctx, m)
        worst["rsa-service tls" + version] = (int(f["poll_gap_busy_max_ms"]), int(f["abort_polls"]))
    table = readme_bursts()
    for k, (mi, polls) in worst.items():
        lo, hi = table[k]
        print("longest computation between two abort polls, %s: %d million instructions (%d polls; README %s)"
              % (k, mi, polls, lo if lo == hi else "%d to %d" % (lo, hi)))
        # The README's figure, within a quarter (and a million) either way: drift shows.
        assert polls > 10 and lo * 0.75 - 1 <= mi <= hi * 1.25 + 1, (k, mi, polls, lo, hi)


def readme_bursts():
    """The README's table of the longest computation without a poll: {key: (low, high)} in millions."""
    rows = {"ECDSA P-256 chain, TLS 1.3": "ecdsa-p256 tls1.3", "RSA-2048 chain (2.9 KB leaf), TLS 1.3":
            "rsa-service tls1.3", "RSA-2048 chain, TLS 1.2": "rsa-service tls1.2"}
    table = {}
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        for line in f:
            for text, key in rows.items():
                m = re.search(r"\| (\d+)(?: to (\d+))? million instructions \|", line)
                if text in line and m:
                    table[key] = (int(m.group(1)), int(m.group(2) or m.group(1)))
    assert len(table) == len(rows), table
    return table


def test_m4_abort_ends_a_connect_nobody_answers(ctx):
    # The API host resolves to an address QEMU's restricted network drops: port/lwip-raw's connect
    # waits for a SYN-ACK that never comes and asks the abort itself, between its lwIP polls.
    ctx.mock.reset()
    p = run_fw(ctx, ctx.mock.ca_file, ["abort_ms=1500", "host=blackhole.lkedoc.test",
                                       "resolve=blackhole.lkedoc.test:443:10.0.2.101"])
    out = p.stdout + p.stderr
    assert p.returncode == 130, f"exit {p.returncode}\n{out}"
    failed = [line for line in out.splitlines() if line.startswith("fw: FAILED ")]
    assert len(failed) == 1 and "step=create" in failed[0], out
    f = fields(failed[0])
    at, stopped, ended = int(f["abort_at"]), int(f["stopped_at"]), int(f["ms"])
    print("abort at %d ms, stopped at %d ms, ended at %d ms" % (at, stopped, ended))
    assert f["error"] == "36" and f["outcome_unknown"] == "0" and f["handshakes"] == "0", failed[0]
    assert at <= stopped <= at + 100 and ended - stopped <= 100, failed[0]
    print("longest gap between two polls: %s ms" % f["poll_gap_max_ms"])
    assert int(f["poll_gap_max_ms"]) <= 110, failed[0]  # a wait of 100 ms, lwIP's timers, the 1 ms tick
    assert ctx.mock.stats()["connections"] == 0
