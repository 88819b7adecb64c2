#!/bin/sh
# Install, from Debian's archive, what make bench needs and the machine lacks:
# the build (gcc, make, mbedTLS, jsmn), valgrind (callgrind), curl, python3,
# openssl (the mock's certificates) and Node.js/npm (the official SDK, whose
# pinned version tests/sdk/install.sh installs with npm ci).  Idempotent and
# silent when everything is present.
set -eu

pkgs="gcc make libmbedtls-dev libjsmn-dev valgrind curl python3 openssl"
command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"

missing=""
for p in $pkgs; do
    case "$p" in
        nodejs|npm) missing="$missing $p" ;;
        *) dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0

echo "bench deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
