# SPDX-License-Identifier: MIT
"""Every status lkd_status.h documents is one the library can end in.

A status is used when its name appears in the code (comments left out) of
core/src or a port, other than lkd_status.c's table of descriptions; the only
ones exempt are named below, each documented as the status of the
application's own callbacks (a reader's or sink's status travels through the
library as it is), and each still unused by the library."""
import glob
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The statuses only the application's callbacks return, never the library.
APPLICATION_STATUSES = {
    "LKD_ERR_WRITE",   # a sink that could not store the data
}


def documented_statuses():
    """[(name, comment)] of lkd_status_t's values, LKD_STATUS_COUNT left out."""
    with open(os.path.join(ROOT, "core", "include", "lkd_status.h"), encoding="utf-8") as f:
        text = f.read()
    body = re.search(r"typedef enum \{(.*?)\} lkd_status_t;", text, re.S).group(1)
    entries = re.findall(r"(LKD_(?:OK|ERR_[A-Z0-9_]+))[^,]*,\s*(?:/\*(.*?)\*/)?", body, re.S)
    return [(name, " ".join(comment.split())) for name, comment in entries]


def without_comments(text):
    return re.sub(r"//[^\n]*", "", re.sub(r"/\*.*?\*/", "", text, flags=re.S))


def unused(statuses, code, exempt=frozenset()):
    """The statuses code never names, those in exempt left out."""
    code = without_comments(code)
    return [name for name, _ in statuses if name not in exempt and not re.search(r"\b" + name + r"\b", code)]


def library_code():
    files = [p for p in glob.glob(os.path.join(ROOT, "core", "src", "*.c")) + glob.glob(os.path.join(ROOT, "port", "*", "*.c"))
             if not p.endswith("lkd_status.c")]
    code = ""
    for p in files:
        with open(p, encoding="utf-8") as f:
            code += f.read() + "\n"
    return code


def test_every_documented_status_can_be_returned():
    statuses = documented_statuses()
    assert len(statuses) >= 20 and statuses[0][0] == "LKD_OK", statuses
    missing = unused(statuses, library_code(), APPLICATION_STATUSES)
    assert not missing, f"documented in lkd_status.h but never returned by core/ or port/: {missing}"


def test_each_exempt_status_is_the_applications():
    comments = dict(documented_statuses())
    for name in sorted(APPLICATION_STATUSES):
        assert name in comments, f"{name} is exempt but not a status of lkd_status.h"
        assert "application's" in comments[name], f"{name} is exempt, but its comment does not say it is the " \
                                                  f"application's: {comments[name]!r}"
    # An exemption the library no longer needs is one less status checked.
    used = sorted(set(APPLICATION_STATUSES) - set(unused(documented_statuses(), library_code())))
    assert not used, f"the library returns {used} itself: take them out of APPLICATION_STATUSES"


def test_the_check_sees_an_unused_status():
    # Not vacuous: a status named only in a comment is unused; an exempt one
    # is not asked for, and the word "application's" alone exempts nothing.
    statuses = [("LKD_ERR_A", "the application's callback may say"), ("LKD_ERR_B", "another"),
                ("LKD_ERR_C", "the application's sink failed")]
    code = "/* LKD_ERR_A */ return LKD_ERR_B; // LKD_ERR_A\n"
    assert unused(statuses, code, {"LKD_ERR_C"}) == ["LKD_ERR_A"]
    assert unused(statuses, code) == ["LKD_ERR_A", "LKD_ERR_C"]
