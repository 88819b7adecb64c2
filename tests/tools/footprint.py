#!/usr/bin/env python3
"""Footprint of core/ on a Cortex-M4 (issue 6): flash, RAM and worst-case stack.

Usage: footprint.py OBJDIR SIZE_TOOL OBJDUMP_TOOL

OBJDIR holds, for every core/*.c, the object (.o), the stack usage (.su, from
-fstack-usage) and the call graph (.ci, VCG, from -fcallgraph-info=su).
Prints "core flash=N ram=N", "stack core=N", then one line per top entry
point.  Calls out of core/ (mbedTLS, libc, libgcc, port callbacks through
function pointers) are listed as external and not counted.  A call through a
function pointer inside core/ may also land on a core callback (a core function
whose address is taken, found in the objects' relocations): it is bounded by
the deepest of those callbacks, whose own indirect calls are taken to leave
core/ (they call the port or the user).  Recursion or a function whose stack is
not static is an error (exit status 1).
"""
import glob
import os
import re
import subprocess
import sys

NODE = re.compile(r'^node: \{ title: "([^"]+)" label: "([^"]*)"')
EDGE = re.compile(r'^edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')


def die(msg):
    print("footprint: error: " + msg, file=sys.stderr)
    sys.exit(1)


def sizes(objs, size_tool):
    out = subprocess.run([size_tool] + objs, check=True,
                         capture_output=True, text=True).stdout
    text = data = bss = 0
    for line in out.splitlines()[1:]:
        f = line.split()
        text += int(f[0]); data += int(f[1]); bss += int(f[2])
    return text + data, data + bss


def stack_usage(su_files):
    """(file:line:col, name) -> (bytes, qualifier) from the .su files."""
    su = {}
    for path in su_files:
        for line in open(path):
            loc, nbytes, qual = line.rstrip("\n").split("\t")
            where, name = loc.rsplit(":", 1)
            su[(where, name)] = (int(nbytes), qual)
    return su


def call_graph(ci_files, su):
    """Core functions -> stack bytes, and their call edges."""
    frame, edges = {}, {}
    for path in ci_files:
        for line in open(path):
            m = NODE.match(line)
            if m:
                title, label = m.groups()
                parts = label.split("\\n")
                if len(parts) >= 3:  # defined here: name, location, stack
                    key = (parts[1], parts[0])
                    if key not in su:
                        die("no stack usage for %s (%s)" % (title, parts[1]))
                    nbytes, qual = su[key]
                    if qual != "static":
                        die("%s has %s stack usage" % (title, qual))
                    frame[title] = nbytes
                continue
            m = EDGE.match(line)
            if m:
                src, dst = m.groups()
                edges.setdefault(src, [])
                if dst not in edges[src]:
                    edges[src].append(dst)
    return frame, edges


def address_taken(objs, objdump, frame):
    """Core functions whose address is taken: non-branch relocations to them."""
    names = {}
    for title in frame:
        names.setdefault(short(title), []).append(title)
    taken = set()
    for obj in objs:
        base = os.path.splitext(os.path.basename(obj))[0]
        out = subprocess.run([objdump, "-r", obj], check=True,
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            f = line.split()
            if len(f) != 3 or f[1] in ("R_ARM_THM_CALL", "R_ARM_THM_JUMP24", "TYPE"):
                continue
            for title in names.get(f[2], []):
                # a static function is titled "core/FILE.c:NAME": only its own object
                if ":" not in title or title.startswith("core/%s.c:" % base):
                    taken.add(title)
    return taken


def short(title):
    mark = "(indirect) "
    if title.startswith(mark):
        return mark + short(title[len(mark):])
    return title.rsplit(":", 1)[-1]


def main():
    objdir, size_tool, objdump = sys.argv[1], sys.argv[2], sys.argv[3]
    objs = sorted(glob.glob(os.path.join(objdir, "*.o")))
    if not objs:
        die("no objects in " + objdir)
    flash, ram = sizes(objs, size_tool)
    su = stack_usage(sorted(glob.glob(os.path.join(objdir, "*.su"))))
    frame, edges = call_graph(sorted(glob.glob(os.path.join(objdir, "*.ci"))), su)
    callbacks = sorted(address_taken(objs, objdump, frame))

    memo, external = {}, {}

    def deepest(fn, path, level):
        """Deepest stack from fn; level 1 = inside a core callback."""
        if fn in path:
            die("recursion: " + " -> ".join(short(f) for f in path + [fn]))
        if (fn, level) in memo:
            return memo[(fn, level)]
        best, best_path = 0, []
        for callee in edges.get(fn, []):
            if callee in frame:
                depth, sub = deepest(callee, path + [fn], level)
            elif callee == "__indirect_call":
                external.setdefault("port/user callback (indirect)", set()).add(short(fn))
                depth, sub = 0, []
                if level == 0:
                    for cb in callbacks:
                        d, p = deepest(cb, [], 1)
                        if d > depth:
                            depth, sub = d, ["(indirect) " + p[0]] + p[1:]
            else:
                external.setdefault(callee, set()).add(short(fn))
                continue
            if depth > best:
                best, best_path = depth, sub
        memo[(fn, level)] = (frame[fn] + best, [fn] + best_path)
        return memo[(fn, level)]

    for fn in sorted(frame):
        deepest(fn, [], 0)
    memo = {k[0]: v for k, v in memo.items() if k[1] == 0}
    public = sorted(f for f in frame if ":" not in f and f.startswith("lkd_"))
    called = {c for f in frame for c in edges.get(f, []) if c in frame}
    top = [f for f in public if f not in called]
    worst = max(memo[f][0] for f in public)

    print("core flash=%d ram=%d" % (flash, ram))
    print("stack core=%d" % worst)
    print("")
    print("top entry points (bytes of stack in core/, deepest path):")
    for f in sorted(top, key=lambda f: (-memo[f][0], f)):
        depth, path = memo[f]
        print("  %s %d (path: %s)" % (f, depth, " -> ".join(short(p) for p in path)))
    print("core callbacks (address taken): " + " ".join(short(c) for c in callbacks))
    print("external (not counted):")
    for name in sorted(external):
        print("  %s (from %s)" % (name, ", ".join(sorted(external[name]))))


if __name__ == "__main__":
    main()
