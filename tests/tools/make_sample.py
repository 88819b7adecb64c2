#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write a small, valid one-page PDF (a scanned page stand-in) to the path given.

    python3 tests/tools/make_sample.py OUT.pdf [--pad BYTES] [--pages N]

--pages makes an N-page document instead (a page's text names its number).
--pad appends a deterministic comment block after the document so tests can
make large uploads (PDF readers ignore trailing comments)."""
import argparse
import hashlib


def sample_pdf(text="lkedoc sample page: invoice 2026-11, total 42.00 EUR", pages=1):
    """A valid PDF of `pages` pages, each showing text and its page number."""
    font = 3 + 2 * pages
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(pages)), pages),
    ]
    for i in range(pages):
        line = text if pages == 1 else "%s (page %d of %d)" % (text, i + 1, pages)
        stream = f"BT /F1 18 Tf 72 720 Td ({line}) Tj ET".encode("ascii")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (4 + 2 * i, font))
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def padding(n):
    """n bytes of comment lines whose content is pseudo-random (incompressible)."""
    out = bytearray()
    seed = b"lkedoc"
    while len(out) < n:
        seed = hashlib.sha256(seed).digest()
        out += b"%" + seed.hex().encode() + b"\n"
    return bytes(out[:n])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--pad", type=int, default=0)
    ap.add_argument("--pages", type=int, default=1)
    args = ap.parse_args()
    data = sample_pdf(pages=args.pages) + padding(args.pad)
    with open(args.out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
