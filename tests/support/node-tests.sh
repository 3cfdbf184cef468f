# shellcheck shell=bash
# The Node.js test runs' common part, sourced by tests/interop/run.sh and
# tests/clients/masto/run.sh: checks Node and npm, installs the npm dependencies from the
# package's package-lock.json when they are missing or stale (`npm ci`, which wipes
# node_modules, so only when the lock file changed), then runs `node --test` against
# CONFRERE_BINARY (default: build/server/confrere of this checkout) with a time limit.
#
# run_node_tests NAME WHY TIMEOUT_SECONDS [node --test arguments…]
#   run from the package's directory; NAME prefixes the messages, WHY says what needs Node 20.

run_node_tests() {
    local name=$1 why=$2 limit=$3
    shift 3
    local root
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        echo "$name: node and npm are required (deploy/install-deps.sh --test installs them)" >&2
        return 1
    fi
    local major
    major=$(node -p 'process.versions.node.split(".")[0]')
    if ((major < 20)); then
        echo "$name: Node $(node --version) is too old: $why needs Node >= 20" >&2
        return 1
    fi

    local stamp=node_modules/.confrere-lock.sha256 want
    want=$(sha256sum package-lock.json | cut -d' ' -f1)
    if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
        npm ci --no-audit --no-fund || return
        echo "$want" >"$stamp"
    fi

    export CONFRERE_BINARY=${CONFRERE_BINARY:-$root/build/server/confrere}
    if [[ ! -x $CONFRERE_BINARY ]]; then
        echo "$name: $CONFRERE_BINARY is missing: build first (deploy/build.sh RelWithDebInfo)" >&2
        return 1
    fi
    timeout --kill-after=10 "$limit" node --test --test-concurrency=1 "$@"
}
