#!/bin/sh
# SPDX-License-Identifier: MIT
# debian_source_newer.sh SOURCE-PACKAGE MIN-VERSION BELOW-VERSION DEST [BAD-UPSTREAM...]
# Unpack into DEST Debian's source package SOURCE-PACKAGE at the newest
# version V that a newer Debian suite carries with
#   MIN-VERSION <= V < BELOW-VERSION and V's upstream part not one of BAD-UPSTREAM
# (e.g. `mbedtls 3.6.7 3.7 build/src/mbedtls3 3.6.6`: the 3.6 LTS at 3.6.7 or
# later, never 3.6.6 and its 1.2/1.3 regression): the upstream tarball with
# Debian's patches applied, as tests/tools/debian_source.sh does for the
# machine's own packages.
#
# The deb-src entries come from the machine's deb entries the way
# debian_source.sh derives its own (same archive, same keyring), with the
# suite names replaced by LKEDOC_NEWER_SUITES (default "forky sid"; trixie
# carries 3.6.6, which is refused).  They are written to a sources file of the
# project's under build/apt/ (LKEDOC_APT_DIR) and read by a private apt state there
# (Dir::State::Lists, Dir::Cache): the machine's own apt sources, lists and
# caches are never touched, and no archive host is written anywhere here.
set -eu
src=$1
min=$2
below=$3
dest=$4
shift 4
[ -f "$dest/.unpacked" ] && exit 0
suites=${LKEDOC_NEWER_SUITES:-forky sid}
root=${LKEDOC_APT_DIR:-build/apt}
mkdir -p "$root/sources" "$root/lists/partial" "$root/cache/archives/partial"
root=$(cd "$root" && pwd)
: > "$root/empty.list"
out="$root/sources/lkedoc-newer-deb-src.sources"
# One deb-src stanza per archive the machine's deb entries name for its base
# release (the suite without -updates/-security), with the newer suites.
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    awk -v suites="$suites" '
        function flush() {
            if (deb && base && uri != "") {
                printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents: %s\n", uri, suites, comp
                if (key != "") printf "Signed-By: %s\n", key
                printf "\n"
            }
            deb = 0; base = 0; uri = ""; comp = "main"; key = ""
        }
        /^[[:space:]]*$/ { flush(); next }
        /^Types:/ { deb = ($0 ~ /[[:space:]]deb([[:space:]]|$)/) }
        /^URIs:/ { uri = $2 }
        /^Components:/ { sub(/^Components:[[:space:]]*/, ""); comp = $0 }
        /^Signed-By:/ { key = $2 }
        /^Suites:/ { for (i = 2; i <= NF; i++) if ($i !~ /-/) base = 1 }
        END { flush() }' /etc/apt/sources.list.d/debian.sources > "$out"
elif grep -qs '^deb ' /etc/apt/sources.list; then
    out="$root/sources/lkedoc-newer-deb-src.list"
    for s in $suites; do
        # "deb [opts] URI SUITE COMPONENTS...": keep options, URI and components.
        sed -n "s/^deb \(\(\[[^]]*\] \)\{0,1\}[^ ]*\) [^ -]* /deb-src \1 $s /p" /etc/apt/sources.list
    done > "$out"
fi
if [ ! -s "$out" ]; then
    echo "debian_source_newer: no deb entry to derive a deb-src entry from" >&2
    exit 1
fi
apt_opts="-o Dir::Etc::SourceList=$root/empty.list -o Dir::Etc::SourceParts=$root/sources
          -o Dir::State::Lists=$root/lists -o Dir::Cache=$root/cache -o Debug::NoLocking=1"
# shellcheck disable=SC2086
apt-get $apt_opts update -qq >&2
# Every version the suites carry, newest first; the first one in range wins.
# shellcheck disable=SC2086
versions=$(apt-cache $apt_opts showsrc "$src" 2>/dev/null | sed -n 's/^Version: //p' | sort -u)
ver=""
for v in $versions; do
    dpkg --compare-versions "$v" ge "$min" || continue
    dpkg --compare-versions "$v" lt "$below" || continue
    up=${v%-*}
    up=${up%%~*}
    up=${up%%+*}
    bad=0
    for b in "$@"; do [ "$up" = "$b" ] && bad=1; done
    [ $bad -eq 0 ] || continue
    if [ -z "$ver" ] || dpkg --compare-versions "$v" gt "$ver"; then ver=$v; fi
done
if [ -z "$ver" ]; then
    echo "debian_source_newer: no $src in [$min, $below) (excluding ${*:-nothing}) in the suites $suites; they carry: $(echo $versions)" >&2
    exit 1
fi
work=$(dirname "$dest")/.$src-newer-dl
rm -rf "$work" "$dest" && mkdir -p "$work" "$dest"
# shellcheck disable=SC2086
(cd "$work" && apt-get $apt_opts source --download-only -qq "$src=$ver") 2>&1 | grep -v 'unsandboxed' >&2 || true
sh "$(dirname "$0")/unpack_debian_source.sh" "$work" "$src" "$ver" "$dest"
