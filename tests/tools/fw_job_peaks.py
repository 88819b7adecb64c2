#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The firmware's measured peaks over its heaviest whole jobs, for `make footprint`.

Usage: fw_job_peaks.py [--elf ELF --tls12-only]

Runs build/fw/lkedoc-fw.elf (or ELF) on QEMU (as tests/integration/test_m4_job.py does) against a mock
with the service-shaped chain (RSA-2048 root -> intermediate -> 2.9 KB leaf with 30 names),
once TLS-1.3-only and once TLS-1.2-only (--tls12-only, for an image built with M4_TLS13=0:
the second only), each with a 300 kB document and a 1 MB archive whose
first download is cut and resumed: the jobs that need the most of the pool, the lwIP heap and
the stack.  Prints one line per run,
  fw-job image=1.2+1.3 tls=1.3 stack_peak=N tls_pool=N tls_pool_peak=N lwip_heap=N lwip_heap_peak=N pbuf_pool=N pbuf_pool_peak=N
and exits 1 when a job fails or a peak reaches its size (nothing left to spare).
"""
import copy
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, os.path.join(ROOT, "tests", "mock"))

import test_m4_job as fw  # noqa: E402
from mockctl import JobFixture, Mock, SECRET_ID, SECRET_KEY  # noqa: E402

KEYS = ("stack_peak", "tls_pool", "tls_pool_peak", "lwip_heap", "lwip_heap_peak", "pbuf_pool", "pbuf_pool_peak")
DOC_SIZE = 300000
ARCHIVE_SIZE = 1000000


def main(argv):
    versions = ("1.3", "1.2")
    image = "1.2+1.3"
    if "--elf" in argv:
        fw.ELF = os.path.abspath(argv[argv.index("--elf") + 1])
    if "--tls12-only" in argv:
        versions, image = ("1.2",), "1.2"
    cred = ["--credential", f"{SECRET_ID}:{SECRET_KEY}"]
    ctx = JobFixture(fw.STATE + "-peaks", cred, prefix="lkedoc-fwpeaks-")
    rc = 0
    try:
        ctx.sample = os.path.join(ctx.tmp, "big.pdf")
        with open(ctx.sample, "wb") as f:
            f.write(b"%PDF-1.4\n" + os.urandom(DOC_SIZE))
        for version in versions:
            with Mock(fw.STATE + "-peaks-" + version,
                      ["--tls-version", version, "--key-type", "rsa-service"] + cred) as m:
                m.config(archive_size=ARCHIVE_SIZE, download_close_after=[ARCHIVE_SIZE // 3])
                mctx = copy.copy(ctx)
                mctx.mock = m
                p = fw.run_fw(mctx, m.ca_file)
            out = p.stdout + p.stderr
            done = [line for line in out.splitlines() if line.startswith(("fw: job ok ", "fw: FAILED "))]
            f = fw.fields(done[-1]) if done else {}
            if p.returncode != 0 or not done or not done[-1].startswith("fw: job ok "):
                print(f"fw_job_peaks: TLS {version} job failed (exit {p.returncode})\n{out}", file=sys.stderr)
                return 1
            print("fw-job image=%s tls=%s %s" % (image, version, " ".join(f"{k}={f[k]}" for k in KEYS)))
            for size, peak in (("tls_pool", "tls_pool_peak"), ("lwip_heap", "lwip_heap_peak"),
                               ("pbuf_pool", "pbuf_pool_peak")):
                if int(f[peak]) >= int(f[size]):
                    print(f"fw_job_peaks: TLS {version}: {peak}={f[peak]} reaches {size}={f[size]}",
                          file=sys.stderr)
                    rc = 1
    finally:
        ctx.stop()
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
