#!/bin/sh
# SPDX-License-Identifier: MIT
# Install, from Debian's archive, whatever lkedoc's build and tests need and the
# machine lacks (or, given package names, those: `make bench` passes its own),
# and Node.js/npm when absent (the official SDK).  Idempotent and silent when
# everything is present.
set -eu

pkgs="${*:-libmbedtls-dev libjsmn-dev gcc-arm-none-eabi libnewlib-arm-none-eabi openssl python3 make gcc faketime gcovr liblwip-dev dnsmasq-base tinyproxy nginx iproute2 ethtool clang libclang-rt-14-dev valgrind qemu-system-arm patch g++}"
# The build files' checks (the CMake example, pkg-config, the man page) and the complexity gate.
[ $# -gt 0 ] || pkgs="$pkgs cmake pkgconf groff-base man-db complexity"
# The proofs (make prove): Frama-C's EVA, and WP's provers through Why3.
[ $# -gt 0 ] || pkgs="$pkgs frama-c-base why3 z3 cvc4"
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

echo "deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# The tests run nginx and tinyproxy as processes of their own: no service of
# theirs is started (and none can fail the install over a busy port 80) while a
# policy that forbids starting services is in place; one already there is kept.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 755 /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -qq >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
