#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Footprint of lkedoc on a Cortex-M4: flash, RAM, stack, heap, TLS pool.

Usage: footprint.py OBJDIR SIZE_TOOL OBJDUMP_TOOL [--map MAP --elf ELF] [--pool LINE]
                    [--map12 MAP --elf12 ELF] [--job LINES] [--texts OBJDIR2]

The first lines are the figures of the README's footprint table, in its order:
  core flash=N ram=N      core/src/*.c objects built the FreeRTOS way (OBJDIR)
  core texts=+N           what LKD_ENABLE_TEXTS 1 adds to that flash (OBJDIR2: the same objects
                          built with it)
  port|lwip|mbedtls flash=N ram=N   what the firmware (MAP) links of each
  total flash=N ram=N     the whole firmware image (ELF: vectors, board, libc too)
  mbedtls tls=1.2 flash=N ram=N   the same firmware built as a TLS 1.2 client only (MAP12)
  tls max=1.2|1.3         the newest TLS version the firmware's mbedTLS speaks (ELF)
  ram job=N               the RAM a whole job takes: the image's static RAM less the test
                          harness's buffers (HARNESS, found by symbol in MAP), plus the
                          deepest stack measured over the jobs of LINES; over
                          RAM_JOB_LIMIT (80 KiB) is an error (exit status 1)
  stack core=N            worst case over the core's call graph
  heap N                  system heap the firmware can use (0: no allocator linked)
  tls-pool peak=N         LINE, measured on the host by `make tls-pool`
  fw-job image=I tls=V ...  LINES, the firmware's own peaks over its heaviest jobs on QEMU
                          (tests/tools/fw_job_peaks.py), of the image (I = 1.2+1.3) and of
                          the TLS 1.2-only one (I = 1.2)

OBJDIR holds, for every core/src/*.c, the object (.o), the stack usage (.su, from
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

# The board's RAM budget for a whole job with TLS 1.2 + 1.3 (ram job=): a
# change that grows it past this fails `make footprint` after the figures.
RAM_JOB_LIMIT = 80 * 1024

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
                # a static function is titled "core/src/FILE.c:NAME": only its own object
                if ":" not in title or title.startswith("core/src/%s.c:" % base):
                    taken.add(title)
    return taken


FW_PARTS = ("core", "port", "lwip", "mbedtls")
# The firmware's test harness, not the product: the semihosting command line and the CA file's
# buffer (fw_main.c; a product keeps its CA in flash), the console line (fw_io.c).
HARNESS = {"fw_main": ("cmdline", "ca_pem"), "fw_io": ("line", "line_len")}
# A symbol only TLS 1.3's client has.
TLS13_SYMBOL = "mbedtls_ssl_tls13_handshake_client_step"
ALLOCATORS = ("malloc", "_malloc_r", "calloc", "_calloc_r", "realloc", "_realloc_r", "free", "_free_r",
              "_sbrk", "_sbrk_r")


def linked_parts(map_path):
    """(flash, ram) per firmware part from the linker map's input sections.

    Only sections the link kept count (the map's "Linker script and memory
    map" part); flash = text, rodata and initialised data, ram = data + bss."""
    parts = {p: [0, 0] for p in FW_PARTS}
    in_map, pending = False, None
    line_re = re.compile(r"^\s(\.\S+|COMMON)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)$")
    for line in open(map_path):
        if line.startswith("Linker script and memory map"):
            in_map = True
            continue
        if not in_map:
            continue
        m = re.match(r"^\s(\.\S+|COMMON)\s*$", line)
        if m:
            pending = m.group(1)
            continue
        m = line_re.match(line.rstrip("\n"))
        if not m:
            pending = None
            continue
        name = m.group(1) or pending
        pending = None
        size, path = int(m.group(3), 16), m.group(4)
        if name is None or int(m.group(2), 16) == 0 and size == 0:
            continue
        part = next((p for p in FW_PARTS if re.search(r"/fw[^/]*/%s/" % p, path)), None)
        if part is None:
            continue
        if name.startswith((".text", ".rodata")):
            parts[part][0] += size
        elif name.startswith(".data"):
            parts[part][0] += size
            parts[part][1] += size
        elif name.startswith(".bss") or name == "COMMON":
            parts[part][1] += size
    return parts


def harness_ram(map_path):
    """Bytes of RAM the test harness's buffers take (HARNESS), from the map's input sections
    (.bss.NAME / .data.NAME, one per object with -fdata-sections); each must be found."""
    found = {}
    pending = None
    for line in open(map_path):
        m = re.match(r"^\s(\.(?:bss|data)\.(\w+))(?:\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+))?\s*$", line)
        if m and m.group(3) is None:
            pending = m.group(2)
            continue
        if m:
            name, size, path = m.group(2), int(m.group(4), 16), m.group(5)
        else:
            m = re.match(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)\s*$", line)
            if not (m and pending):
                pending = None
                continue
            name, size, path = pending, int(m.group(2), 16), m.group(3)
        pending = None
        obj = os.path.splitext(os.path.basename(path))[0]
        if name in HARNESS.get(obj, ()):
            found[(obj, name)] = size
    wanted = {(o, n) for o, names in HARNESS.items() for n in names}
    if set(found) != wanted:
        die("harness buffers not in the map: %s" % sorted(wanted - set(found)))
    return sum(found.values())


def tls_max(elf, nm_tool):
    syms = subprocess.run([nm_tool, elf], check=True, capture_output=True, text=True).stdout
    return "1.3" if any(line.split()[-1] == TLS13_SYMBOL for line in syms.splitlines() if line.strip()) else "1.2"


def firmware_lines(map_path, elf, size_tool, nm_tool):
    out = subprocess.run([size_tool, elf], check=True, capture_output=True, text=True).stdout
    text, data, bss = (int(x) for x in out.splitlines()[1].split()[:3])
    syms = subprocess.run([nm_tool, elf], check=True, capture_output=True, text=True).stdout
    linked = {line.split()[-1] for line in syms.splitlines() if line.strip()}
    heap = 0
    if linked & set(ALLOCATORS):
        # an allocator is linked: the heap is whatever lies between the end
        # of .bss and the stack; report it so the figure cannot hide it
        heap = -1
    return linked_parts(map_path), (text + data, data + bss), heap


def short(title):
    mark = "(indirect) "
    if title.startswith(mark):
        return mark + short(title[len(mark):])
    return title.rsplit(":", 1)[-1]


def main():
    objdir, size_tool, objdump = sys.argv[1], sys.argv[2], sys.argv[3]
    opts = dict(zip(sys.argv[4::2], sys.argv[5::2]))
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
    if "--texts" in opts:
        texts = sorted(glob.glob(os.path.join(opts["--texts"], "*.o")))
        if len(texts) != len(objs):
            die("%s has %d objects, %s %d" % (opts["--texts"], len(texts), objdir, len(objs)))
        print("core texts=+%d" % (sizes(texts, size_tool)[0] - flash))
    jobs = []
    if "--map" in opts:
        parts, total, heap = firmware_lines(opts["--map"], opts["--elf"], size_tool,
                                            size_tool.replace("size", "nm"))
        for p in FW_PARTS[1:]:
            print("%s flash=%d ram=%d" % (p, parts[p][0], parts[p][1]))
        print("total flash=%d ram=%d" % total)
        nm = size_tool.replace("size", "nm")
        if "--map12" in opts:
            parts12, _, _ = firmware_lines(opts["--map12"], opts["--elf12"], size_tool, nm)
            if tls_max(opts["--elf12"], nm) != "1.2":
                die(opts["--elf12"] + " is not a TLS 1.2-only image")
            print("mbedtls tls=1.2 flash=%d ram=%d" % tuple(parts12["mbedtls"]))
        print("tls max=%s" % tls_max(opts["--elf"], nm))
        jobs = [dict(kv.split("=", 1) for kv in line.split()[1:]) for line in opts.get("--job", "").splitlines()
                if line.startswith("fw-job image=1.2+1.3 ")]
        if jobs:
            harness = harness_ram(opts["--map"])
            stack = max(int(j["stack_peak"]) for j in jobs)
            print("ram job=%d" % (total[1] - harness + stack))
    print("stack core=%d" % worst)
    if "--map" in opts:
        if heap < 0:
            die("the firmware links an allocator (malloc/_sbrk): heap is not 0")
        print("heap %d" % heap)
    if "--pool" in opts:
        print(opts["--pool"])
    if "--job" in opts:
        print(opts["--job"].strip())
        if jobs:
            print("  (ram job = total ram %d - harness %d (command line, CA file, console line) + stack peak %d)"
                  % (total[1], harness, stack))
    print("")
    print("top entry points (bytes of stack in core/, deepest path):")
    for f in sorted(top, key=lambda f: (-memo[f][0], f)):
        depth, path = memo[f]
        print("  %s %d (path: %s)" % (f, depth, " -> ".join(short(p) for p in path)))
    print("core callbacks (address taken): " + " ".join(short(c) for c in callbacks))
    print("external (not counted):")
    for name in sorted(external):
        print("  %s (from %s)" % (name, ", ".join(sorted(external[name]))))
    if jobs and total[1] - harness + stack > RAM_JOB_LIMIT:
        die("ram job=%d is over the board's %d B" % (total[1] - harness + stack, RAM_JOB_LIMIT))


if __name__ == "__main__":
    main()
