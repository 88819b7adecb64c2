# SPDX-License-Identifier: MIT
"""Start, query and stop the lkedoc mock service (mock_server.py) from Python test code.

    from mockctl import Mock, SECRET_ID, SECRET_KEY
    with Mock("/tmp/lkedoc-mock", ["--ipv6"]) as m:
        m.port, m.download_port, m.control_port, m.ca_file, m.other_ca_file
        m.stats(); m.reset(); m.config(clock_offset=-600, fail_next_api=["429", "close"])
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "mock_server.py")
SAMPLE_TOOL = os.path.join(os.path.dirname(HERE), "tools", "make_sample.py")

SECRET_ID = "AKIDLKEDOCMOCK0000000000000000000000"
SECRET_KEY = "lkedoc-mock-secret-key-0000000000"


class MockError(RuntimeError):
    pass


class Mock:
    def __init__(self, state_dir, args=None, timeout=10.0, bind=None):
        # bind: the address of the API and download listeners (default 127.0.0.1; an IPv6
        # one: those listen on it alone); the control listener this class talks to stays on 127.0.0.1.
        self.state_dir = os.path.abspath(state_dir)
        self.args = list(args or []) + (["--bind", bind] if bind else [])
        self.timeout = timeout
        self.proc = None
        self.port = None
        self.download_port = None
        self.control_port = None
        self.ca_file = os.path.join(self.state_dir, "ca.pem")
        self.other_ca_file = os.path.join(self.state_dir, "other-ca.pem")
        self.log_file = os.path.join(self.state_dir, "mock.stderr")

    # life cycle -------------------------------------------------------------------------
    def start(self):
        os.makedirs(self.state_dir, exist_ok=True)
        ports = os.path.join(self.state_dir, "ports.json")
        try:
            os.unlink(ports)
        except FileNotFoundError:
            pass
        err = open(self.log_file, "ab")
        try:
            self.proc = subprocess.Popen(
                [sys.executable, SERVER, "--state-dir", self.state_dir] + self.args,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        finally:
            err.close()
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise MockError("mock exited with %s: %s" % (self.proc.returncode, self._stderr_tail()))
            try:
                with open(ports) as f:
                    info = json.load(f)
                if info.get("pid") == self.proc.pid:
                    self.port = int(info["tls"])
                    self.download_port = int(info["download"])
                    self.control_port = int(info["control"])
                    return self
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        self.stop()
        raise MockError("mock did not write ports.json within %.0f s: %s" % (self.timeout, self._stderr_tail()))

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    # control API ------------------------------------------------------------------------
    def _control(self, method, path, obj=None):
        data = None if obj is None else json.dumps(obj).encode("utf-8")
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.control_port, path), data=data,
                                     method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read().decode("utf-8"))

    def stats(self):
        return self._control("GET", "/stats")

    def reset(self):
        return self._control("POST", "/reset", {})

    def config(self, **kw):
        return self._control("POST", "/config", kw)

    def sts(self, **kw):
        """Temporary credentials (POST /sts: lifetime, token_len), as STS answers them."""
        return self._control("POST", "/sts", kw)

    def _stderr_tail(self):
        try:
            with open(self.log_file, "rb") as f:
                return f.read()[-2000:].decode("utf-8", errors="replace")
        except OSError:
            return ""


class JobFixture:
    """What the whole-job suites share: a running Mock (state_dir, args, bind as Mock's), a
    temporary directory (.tmp) and a one-page sample PDF in it (.sample, tests/tools/make_sample.py).
    Suites may hang more on it; stop() undoes it all, also after a failed start."""

    def __init__(self, state_dir, args=None, bind=None, prefix="lkedoc-"):
        self.mock = None
        self.tmp = tempfile.mkdtemp(prefix=prefix)
        try:
            self.mock = Mock(state_dir, args, bind=bind)
            self.mock.start()
            self.sample = os.path.join(self.tmp, "scan.pdf")
            subprocess.run([sys.executable, SAMPLE_TOOL, self.sample], check=True)
        except BaseException:
            self.stop()
            raise

    def stop(self):
        if self.mock is not None:
            self.mock.stop()
            self.mock = None
        shutil.rmtree(self.tmp, ignore_errors=True)
