#!/usr/bin/env python3
"""make demo: start the bundled mock service, make one real, signed status call
with build/lkedoc over verified TLS, show what came back, stop the mock."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "mock"))
from mockctl import Mock, SECRET_ID, SECRET_KEY  # noqa: E402

HOST = "lke.intl.tencentcloudapi.com"


def main():
    with Mock(os.path.join(ROOT, "build", "mock-state")) as mock:
        env = dict(os.environ, TENCENTCLOUD_SECRET_ID=SECRET_ID, TENCENTCLOUD_SECRET_KEY=SECRET_KEY)
        cmd = [os.path.join(ROOT, "build", "lkedoc"), "--endpoint", f"{HOST}:{mock.port}",
               "--resolve", f"{HOST}:{mock.port}:127.0.0.1", "--ca-file", mock.ca_file,
               "status", "done-demo-task"]
        print("$ " + " ".join(cmd[:1] + ["..."] + cmd[-2:]), flush=True)
        rc = subprocess.call(cmd, env=env)
        stats = mock.stats()
        print(f"(mock service: {stats['handshakes']} TLS handshake, {stats['requests']} signed request verified)")
    return rc


if __name__ == "__main__":
    sys.exit(main())
