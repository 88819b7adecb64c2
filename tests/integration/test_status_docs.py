# SPDX-License-Identifier: MIT
"""Every status lkd_status.h documents is one the library can end in, and the
README's exit-status table lists each under the exit exit_status_for gives it.

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


# ---- the README's exit-status table ----------------------------------------------------


def exit_status_map():
    """({status name: exit number} by exit_status_for, {EXIT_ name: number})."""
    with open(os.path.join(ROOT, "boards", "exit_status.h"), encoding="utf-8") as f:
        text = without_comments(f.read())
    codes = {name: int(v) for name, v in re.findall(r"\b(EXIT_[A-Z_]+)\s*=\s*(\d+)", text)}
    body = re.search(r"switch \(st\) \{(.*?)\n    \}", text, re.S).group(1)
    mapping, pending = {}, []
    for case, ret in re.findall(r"case (LKD_[A-Z0-9_]+):|return (EXIT_[A-Z_]+);", body):
        if case:
            pending.append(case)
        else:
            for name in pending:
                mapping[name] = codes[ret]
            pending = []
    default = re.search(r"default:\s*return (EXIT_[A-Z_]+);", body).group(1)
    for name, _ in documented_statuses():
        mapping.setdefault(name, codes[default])
    return mapping, codes


def readme_exit_table(text):
    """{exit number: [status names]} from the rows under "### Exit statuses"."""
    section = re.search(r"^### Exit statuses\n(.*?)(?=^#)", text, re.S | re.M).group(1)
    rows = {}
    for exit_code, statuses in re.findall(r"^\| `(\d+)` \| ([^|]*) \|", section, re.M):
        rows.setdefault(int(exit_code), []).extend(re.findall(r"`(LKD_(?:OK|ERR_[A-Z0-9_]+))`", statuses))
    return rows


def table_problems(rows, mapping, codes):
    problems = []
    seen = {}
    for exit_code, names in rows.items():
        for name in names:
            if name in seen:
                problems.append(f"{name} is in the rows of exit {seen[name]} and {exit_code}")
            seen[name] = exit_code
            if name not in mapping:
                problems.append(f"{name} is not a status of lkd_status.h")
            elif mapping[name] != exit_code:
                problems.append(f"{name} is under exit {exit_code}; exit_status_for gives {mapping[name]}")
    problems += [f"{name} (exit {code}) is not in the table" for name, code in mapping.items() if name not in seen]
    problems += [f"exit {code} ({name}) has no row" for name, code in codes.items() if code not in rows]
    return problems


def test_readme_exit_table_matches_exit_status_for():
    mapping, codes = exit_status_map()
    assert len(mapping) == len(documented_statuses()) and mapping["LKD_ERR_CERT"] == codes["EXIT_NETWORK"]
    assert mapping["LKD_ERR_WRITE"] == codes["EXIT_OTHER"], "the default case is not seen"
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        rows = readme_exit_table(f.read())
    problems = table_problems(rows, mapping, codes)
    assert not problems, "README's exit-status table is stale:\n" + "\n".join(problems)


def test_the_table_check_sees_a_stale_row():
    # Not vacuous: a status under the wrong exit, one missing, an exit without a row.
    text = ("### Exit statuses\n\n| Exit | Errors |\n|---|---|\n| `0` | `LKD_OK` |\n"
            "| `4` | `LKD_ERR_DNS`, `LKD_ERR_TIMEOUT` |\n\n## Next\n")
    rows = readme_exit_table(text)
    assert rows == {0: ["LKD_OK"], 4: ["LKD_ERR_DNS", "LKD_ERR_TIMEOUT"]}, rows
    mapping = {"LKD_OK": 0, "LKD_ERR_DNS": 4, "LKD_ERR_TIMEOUT": 5, "LKD_ERR_IO": 4}
    problems = table_problems(rows, mapping, {"EXIT_OK": 0, "EXIT_NETWORK": 4, "EXIT_TIMEOUT": 5})
    assert problems == ["LKD_ERR_TIMEOUT is under exit 4; exit_status_for gives 5",
                        "LKD_ERR_IO (exit 4) is not in the table", "exit 5 (EXIT_TIMEOUT) has no row"], problems
