#!/bin/sh
# Unpack, into $1 (default build/m4/src/mbedtls), the Debian source of the
# mbedTLS the machine's libmbedtls-dev was built from: the Cortex-M4 unit
# build (boards/mps2-an386) compiles its SHA-256 from it.  Needs a deb-src
# entry; when the machine has none, one is derived from its deb entries.
set -eu
dest=${1:-build/m4/src/mbedtls}
[ -f "$dest/library/sha256.c" ] && exit 0
ver=$(dpkg-query -W -f='${source:Version}' libmbedtls-dev)
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    src=/etc/apt/sources.list.d/debian.sources
    if [ -f "$src" ]; then
        sed 's/^Types: deb$/Types: deb-src/' "$src" | $SUDO tee /etc/apt/sources.list.d/lkedoc-deb-src.sources >/dev/null
    elif grep -qs '^deb ' /etc/apt/sources.list; then
        sed -n 's/^deb /deb-src /p' /etc/apt/sources.list | $SUDO tee /etc/apt/sources.list.d/lkedoc-deb-src.list >/dev/null
    else
        echo "m4: no deb-src entry and no deb entry to derive one from" >&2
        exit 1
    fi
    $SUDO apt-get update -qq >&2
fi
work=$(dirname "$dest")/.mbedtls-dl
rm -rf "$work" && mkdir -p "$work"
(cd "$work" && apt-get source --download-only -qq "mbedtls=$ver") >&2
tar -xzf "$work"/mbedtls_*.orig.tar.gz -C "$work"
rm -rf "$dest"
mv "$work"/Mbed-TLS-mbedtls-* "$dest"
rm -rf "$work"
