#!/bin/sh
# SPDX-License-Identifier: MIT
# Install the pinned official Node.js SDK (tests/sdk/package-lock.json) into tests/sdk/node_modules
# when it is missing or older than the lockfile. Quiet on success.
set -e
cd "$(dirname "$0")"
marker=node_modules/.package-lock.json
if [ -f "$marker" ] && [ ! package-lock.json -nt "$marker" ]; then
    exit 0
fi
log=$(mktemp)
if ! npm ci --no-audit --no-fund >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "tests/sdk/install.sh: npm ci failed" >&2
    exit 1
fi
rm -f "$log"
touch "$marker"
