#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A credentials process for test_credentials: asks the mock's STS endpoint for temporary credentials and
prints them as a credentials process does.

    sts_helper.py STATE_DIR CONTROL_PORT LIFETIME MODE

Each run appends one line to STATE_DIR/runs and the issued key and token to STATE_DIR/secrets (so the test
can look for them in the CLI's output).  MODE: nested ({"Credentials":{...},"ExpiredTime"}), response (the
same inside {"Response":...}), flat, bad-first (the first run's token is wrong), exit3, badjson, nokey (no
Token), sleep (writes its pid to STATE_DIR/pid, never answers), flood (prints 100 KiB), longtoken (a 5000-byte token), stderr (a line on
stderr, then nested), token:N (a token of N bytes), file (prints STATE_DIR/print as it is), env (writes its
https_proxy and HTTPS_PROXY to STATE_DIR/env as JSON, then nested)."""
import json
import os
import sys
import time
import urllib.request


def main():
    state, port, lifetime, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    with open(os.path.join(state, "runs"), "a") as f:
        f.write(mode + "\n")
    runs = sum(1 for _ in open(os.path.join(state, "runs")))
    if mode == "env":
        with open(os.path.join(state, "env"), "w") as f:
            json.dump({k: os.environ.get(k) for k in ("https_proxy", "HTTPS_PROXY")}, f)
        mode = "nested"
    if mode == "exit3":
        print("helper: no credentials for you", file=sys.stderr)
        return 3
    if mode == "sleep":
        with open(os.path.join(state, "pid"), "w") as f:
            f.write("%d\n" % os.getpid())
        time.sleep(60)
        return 0
    if mode == "flood":
        sys.stdout.write("x" * (100 * 1024))
        return 0
    if mode == "file":
        with open(os.path.join(state, "print"), "rb") as f:
            sys.stdout.buffer.write(f.read())
        return 0
    if mode == "badjson":
        sys.stdout.write('{"TmpSecretId": "AKIDx", ')
        return 0
    token_len = 5000 if mode == "longtoken" else int(mode[6:]) if mode.startswith("token:") else 1024
    body = {"lifetime": lifetime, "token_len": token_len}
    req = urllib.request.Request("http://127.0.0.1:%d/sts" % port, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        resp = json.loads(r.read().decode())["Response"]
    c = resp["Credentials"]
    with open(os.path.join(state, "secrets"), "a") as f:
        f.write(c["TmpSecretKey"] + "\n" + c["Token"] + "\n")
    if mode == "bad-first" and runs == 1:
        c["Token"] = ("y" if c["Token"][0] == "x" else "x") + c["Token"][1:]  # another first byte, always
    if mode == "nokey":
        del c["Token"]
    if mode == "stderr":
        print("helper: fetching credentials", file=sys.stderr)
    if mode == "flat":
        out = dict(c, ExpiredTime=resp["ExpiredTime"])
    elif mode == "response":
        out = {"Response": resp}
    else:
        out = {"Credentials": c, "ExpiredTime": resp["ExpiredTime"], "Expiration": resp["Expiration"]}
    sys.stdout.write(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
