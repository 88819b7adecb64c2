#!/bin/sh
# SPDX-License-Identifier: MIT
# debian_source.sh BINARY-PACKAGE DEST
# Unpack into DEST the Debian source of the library the machine's
# BINARY-PACKAGE (e.g. libmbedtls-dev, liblwip-dev) was built from: the
# upstream tarball with Debian's patches applied.  The boards compile lwIP
# and mbedTLS from it with their own configurations; nothing of it is
# committed.  Needs a deb-src entry; when the machine has none, one is
# derived from its deb entries, so no archive host is written anywhere here.
set -eu
pkg=$1
dest=$2
[ -f "$dest/.unpacked" ] && exit 0
src=$(dpkg-query -W -f='${source:Package}' "$pkg")
ver=$(dpkg-query -W -f='${source:Version}' "$pkg")
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    list=/etc/apt/sources.list.d/debian.sources
    if [ -f "$list" ]; then
        sed 's/^Types: deb$/Types: deb-src/' "$list" | $SUDO tee /etc/apt/sources.list.d/lkedoc-deb-src.sources >/dev/null
    elif grep -qs '^deb ' /etc/apt/sources.list; then
        sed -n 's/^deb /deb-src /p' /etc/apt/sources.list | $SUDO tee /etc/apt/sources.list.d/lkedoc-deb-src.list >/dev/null
    else
        echo "debian_source: no deb-src entry and no deb entry to derive one from" >&2
        exit 1
    fi
    $SUDO apt-get update -qq >&2
fi
work=$(dirname "$dest")/.$src-dl
rm -rf "$work" "$dest" && mkdir -p "$work" "$dest"
(cd "$work" && apt-get source --download-only -qq "$src=$ver") 2>&1 | grep -v 'unsandboxed' >&2 || true
sh "$(dirname "$0")/unpack_debian_source.sh" "$work" "$src" "$ver" "$dest"
