#!/usr/bin/env bash
# Runs the Fedify interoperability tests (deploy/test.sh's "interop (Fedify)" stage).
# Installs the npm dependencies from package-lock.json when they are missing or stale
# (`npm ci`), then runs `node --test` against CONFRERE_BINARY (default: build/server/confrere
# of this checkout), with a time limit.
#
# Usage: tests/interop/run.sh [node --test arguments…]
# Environment:
#   CONFRERE_BINARY           the binary under test
#   CONFRERE_INTEROP_TIMEOUT  seconds for the whole run (default 600)
#   INTEROP_RUN_PENDING=1     also run the tests written ahead of the inbox
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$here"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "interop: node and npm are required (deploy/install-deps.sh --test installs them)" >&2
    exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if ((major < 20)); then
    echo "interop: Node $(node --version) is too old: Fedify 1.5 needs Node >= 20" >&2
    exit 1
fi

# npm ci only when package-lock.json changed since the last install (it wipes node_modules).
stamp=node_modules/.confrere-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
    npm ci --no-audit --no-fund
    echo "$want" >"$stamp"
fi

export CONFRERE_BINARY=${CONFRERE_BINARY:-$root/build/server/confrere}
if [[ ! -x $CONFRERE_BINARY ]]; then
    echo "interop: $CONFRERE_BINARY is missing: build first (deploy/build.sh RelWithDebInfo)" >&2
    exit 1
fi
exec timeout --kill-after=10 "${CONFRERE_INTEROP_TIMEOUT:-600}" \
    node --test --test-concurrency=1 --test-timeout=180000 "$@"
