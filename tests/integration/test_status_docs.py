# SPDX-License-Identifier: MIT
"""Every status lkd_status.h documents is one the library can end in.

A status is used when its name appears in the code (comments left out) of
core/src or a port, other than lkd_status.c's table of descriptions; the only
ones exempt are those whose comment says they are for the application's own
callbacks (a reader's or sink's status travels through the library as it is)."""
import glob
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def documented_statuses():
    """[(name, comment)] of lkd_status_t's values, LKD_STATUS_COUNT left out."""
    with open(os.path.join(ROOT, "core", "include", "lkd_status.h"), encoding="utf-8") as f:
        text = f.read()
    body = re.search(r"typedef enum \{(.*?)\} lkd_status_t;", text, re.S).group(1)
    entries = re.findall(r"(LKD_(?:OK|ERR_[A-Z0-9_]+))[^,]*,\s*(?:/\*(.*?)\*/)?", body, re.S)
    return [(name, " ".join(comment.split())) for name, comment in entries]


def without_comments(text):
    return re.sub(r"//[^\n]*", "", re.sub(r"/\*.*?\*/", "", text, flags=re.S))


def unused(statuses, code):
    """The statuses code never names, those for the application's callbacks left out."""
    code = without_comments(code)
    return [name for name, comment in statuses
            if "application's" not in comment and not re.search(r"\b" + name + r"\b", code)]


def test_every_documented_status_can_be_returned():
    statuses = documented_statuses()
    assert len(statuses) >= 20 and statuses[0][0] == "LKD_OK", statuses
    files = [p for p in glob.glob(os.path.join(ROOT, "core", "src", "*.c")) + glob.glob(os.path.join(ROOT, "port", "*", "*.c"))
             if not p.endswith("lkd_status.c")]
    code = ""
    for p in files:
        with open(p, encoding="utf-8") as f:
            code += f.read() + "\n"
    missing = unused(statuses, code)
    assert not missing, f"documented in lkd_status.h but never returned by core/ or port/: {missing}"


def test_the_check_sees_an_unused_status():
    # Not vacuous: a status named only in a comment is unused; one for the
    # application's callbacks is not asked for.
    statuses = [("LKD_ERR_A", "a failure"), ("LKD_ERR_B", "another"), ("LKD_ERR_C", "the application's sink failed")]
    assert unused(statuses, "/* LKD_ERR_A */ return LKD_ERR_B; // LKD_ERR_A\n") == ["LKD_ERR_A"]
