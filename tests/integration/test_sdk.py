# SPDX-License-Identifier: MIT
"""The official Node.js SDK (npm tencentcloud-sdk-nodejs-intl-en, pinned in
tests/sdk/package-lock.json) against the same mock: proves the mock accepts
signatures that no one here wrote, and that the SDK's own signing function
gives the documented vector C, which lkedoc's unit tests also reproduce."""
import json
import os
import subprocess

from mockctl import Mock, SECRET_ID, SECRET_KEY

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SDK = os.path.join(ROOT, "tests", "sdk")
VECTOR_C = "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"


def setup_suite():
    subprocess.run(["sh", os.path.join(SDK, "install.sh")], check=True)
    mock = Mock(os.path.join(ROOT, "build", "mock-state"))
    mock.start()
    return mock


def teardown_suite(mock):
    if mock:
        mock.stop()


def test_official_sdk_is_accepted_by_the_mock(mock):
    before = mock.stats()
    env = dict(os.environ, MOCK_PORT=str(mock.port), NODE_EXTRA_CA_CERTS=mock.ca_file,
               TENCENTCLOUD_SECRET_ID=SECRET_ID, TENCENTCLOUD_SECRET_KEY=SECRET_KEY)
    proc = subprocess.run(["node", os.path.join(SDK, "sdk_check.js")], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    calls = [entry for entry in lines if "task" in entry]
    good = [c for c in calls if c.get("ok")]
    assert len(good) >= 3, lines
    assert {c["status"] for c in good} >= {"WaitExecute", "Success", "Failed"}, good
    assert any(c.get("code") == "AuthFailure.SignatureFailure" for c in calls), "wrong key must be refused"
    assert any(entry.get("vector_c") == VECTOR_C for entry in lines), lines
    after = mock.stats()
    assert after["requests"] - before["requests"] >= len(calls), (before, after)
    assert after["errors"].get("AuthFailure.SignatureFailure", 0) >= 1, after
