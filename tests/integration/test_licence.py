# SPDX-License-Identifier: MIT
"""The licence: LICENSE is MIT, every source, header, script, build file and
fuzzing dictionary carries an SPDX line at its top, and THIRD-PARTY-NOTICES.md
names each dependency with its licence."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SKIP_DIRS = {".git", "build", "node_modules", "corpus"}
SOURCE_EXT = {".c", ".h", ".py", ".sh", ".mk", ".js", ".ld", ".cmake", ".in", ".cpp", ".dict"}
SOURCE_NAMES = {"Makefile", "run", "CMakeLists.txt"}


def source_files():
    for d, dirs, files in os.walk(ROOT):
        dirs[:] = [x for x in dirs if x not in SKIP_DIRS]
        for f in files:
            if os.path.splitext(f)[1] in SOURCE_EXT or f in SOURCE_NAMES:
                yield os.path.relpath(os.path.join(d, f), ROOT)


def test_licence_is_mit():
    with open(os.path.join(ROOT, "LICENSE"), encoding="utf-8") as f:
        text = f.read()
    assert text.startswith("MIT License"), text[:40]
    assert "Permission is hereby granted, free of charge" in text


def test_every_source_has_an_spdx_line():
    files = sorted(source_files())
    assert len(files) > 150, files  # the walk found the tree
    missing = []
    for rel in files:
        with open(os.path.join(ROOT, rel), encoding="utf-8", errors="replace") as f:
            head = [f.readline() for _ in range(2)]
        if not any("SPDX-License-Identifier: MIT" in line for line in head):
            missing.append(rel)
    assert not missing, "no SPDX-License-Identifier line at the top of: " + ", ".join(missing)


def test_notices_name_every_dependency():
    with open(os.path.join(ROOT, "THIRD-PARTY-NOTICES.md"), encoding="utf-8") as f:
        text = f.read()
    for name, licence in (("Mbed TLS", "Apache-2.0"), ("lwIP", "BSD-3-Clause"), ("jsmn", "MIT")):
        row = [line for line in text.splitlines() if line.startswith("| " + name)]
        assert row and licence in row[0], (name, licence, row)
