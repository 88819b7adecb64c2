#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make demo: start the bundled mock service, run the whole job with
build/lkedoc (parse a small scanned-page PDF: create, wait, download),
list what is inside the result archive, stop the mock."""
import os
import subprocess
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "mock"))
from mockctl import Mock, SECRET_ID, SECRET_KEY  # noqa: E402

HOST = "lke.intl.tencentcloudapi.com"
DL_HOST = "mock.lkedoc.test"


def main():
    out_dir = os.path.join(ROOT, "build", "demo")
    os.makedirs(out_dir, exist_ok=True)
    sample = os.path.join(out_dir, "scan.pdf")
    result = os.path.join(out_dir, "result.zip")
    subprocess.run([sys.executable, os.path.join(ROOT, "tests", "tools", "make_sample.py"), sample], check=True)
    with Mock(os.path.join(ROOT, "build", "mock-state")) as mock:
        env = dict(os.environ, TENCENTCLOUD_SECRET_ID=SECRET_ID, TENCENTCLOUD_SECRET_KEY=SECRET_KEY)
        cmd = [os.path.join(ROOT, "build", "lkedoc"),
               "--endpoint", f"{HOST}:{mock.port}", "--resolve", f"{HOST}:{mock.port}:127.0.0.1",
               "--resolve", f"{DL_HOST}:{mock.download_port}:127.0.0.1", "--result-host", DL_HOST,
               "--ca-file", mock.ca_file,
               "--poll-interval", "0.5", "parse", sample, "-o", result]
        print(f"$ lkedoc [mock endpoint and CA] parse {os.path.relpath(sample, ROOT)} -o {os.path.relpath(result, ROOT)}",
              flush=True)
        rc = subprocess.call(cmd, env=env)
        stats = mock.stats()
    if rc != 0:
        return rc
    print(f"\n{os.path.relpath(result, ROOT)}:")
    with zipfile.ZipFile(result) as z:
        for info in z.infolist():
            print(f"  {info.file_size:>8}  {info.filename}")
    print(f"\n(mock service: {stats['requests']} signed API requests verified over {stats['handshakes']} TLS "
          f"handshake(s); {stats['download']['requests']} archive download(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
