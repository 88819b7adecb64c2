#!/bin/sh
# SPDX-License-Identifier: MIT
# unpack_debian_source.sh WORK SOURCE VERSION DEST
# Unpack the source package SOURCE that `apt-get source --download-only`
# left in WORK into DEST: the upstream tarball with Debian's own patches
# (quilt format 3.0: fixes and CVEs the packaged library has) applied, then
# mark DEST unpacked and remove WORK.  Shared by debian_source.sh and
# debian_source_newer.sh.
set -eu
work=$1
src=$2
ver=$3
dest=$4
tar -xf "$work"/"$src"_*.orig.tar.* --strip-components=1 -C "$dest"
if ls "$work"/"$src"_*.debian.tar.* >/dev/null 2>&1; then
    tar -xf "$work"/"$src"_*.debian.tar.* -C "$work"
    if [ -f "$work/debian/patches/series" ]; then
        sed 's/#.*//' "$work/debian/patches/series" | while read -r p _; do
            [ -n "$p" ] && patch -s -p1 -d "$dest" < "$work/debian/patches/$p"
        done
    fi
fi
rm -rf "$work"
echo "$src $ver" > "$dest/.unpacked"
