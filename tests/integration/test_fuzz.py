# SPDX-License-Identifier: MIT
"""libFuzzer targets (tests/fuzz) run briefly: the HTTP parser split against
whole, the chunked decoder, both actions' JSON decoding, the URL parser and
the result-host policy, the CLI's credentials parser and its reader of a
credentials process's STS JSON, and the client above TLS
against a scripted, fuzzed server (fuzz_client over tests/fuzz/stub_tls.c),
each under ASan/UBSan.  A target passes when it ran more than 1000 inputs and
none crashed; `make fuzz FUZZ_SECONDS=N` runs them longer.
LKEDOC_FUZZ_SECONDS sets the time per target here (default 5)."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "fuzz"))
import run_fuzz  # noqa: E402

SECONDS = int(os.environ.get("LKEDOC_FUZZ_SECONDS", "5"))


def test_fuzz_targets_build():
    proc = subprocess.run(["make", "-s", "-j2", "fuzz-build"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert set(run_fuzz.targets()) == {"http", "chunked", "decode", "url", "credentials", "sts_json", "client"}, \
        run_fuzz.targets()


def fuzz(name):
    execs, crashes, out = run_fuzz.run_target(name, SECONDS)
    print(f"fuzz {name}: {execs} execs, {crashes} crashes")
    assert crashes == 0, "\n".join(out.splitlines()[-60:])
    assert execs > 1000, f"only {execs} execs\n" + "\n".join(out.splitlines()[-20:])


def test_fuzz_http_split_equals_whole():
    fuzz("http")


def test_fuzz_chunked_decoder():
    fuzz("chunked")


def test_fuzz_answer_decoding():
    fuzz("decode")


def test_fuzz_url_parser():
    fuzz("url")


def test_fuzz_credentials_parser():
    fuzz("credentials")


def test_fuzz_sts_json_reader():
    fuzz("sts_json")


def test_fuzz_client_above_tls():
    fuzz("client")
