#!/usr/bin/env bash
# Runs the masto.js client scenarios (deploy/test.sh's "clients (masto.js)" stage).
# Installs the npm dependencies from package-lock.json when they are missing or stale
# (`npm ci`), then runs `node --test` against CONFRERE_BINARY (default: build/server/confrere
# of this checkout), with a time limit (tests/support/node-tests.sh).
#
# Usage: tests/clients/masto/run.sh [node --test arguments…]
# Environment:
#   CONFRERE_BINARY          the binary under test
#   CONFRERE_CLIENTS_TIMEOUT seconds for the whole run (default 180; it takes ~30 s)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
# shellcheck source=SCRIPTDIR/../../support/node-tests.sh
source ../../support/node-tests.sh
run_node_tests "clients (masto.js)" "masto.js 7 (as tested here)" "${CONFRERE_CLIENTS_TIMEOUT:-180}" --test-timeout=60000 "$@"
