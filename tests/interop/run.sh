#!/usr/bin/env bash
# Runs the Fedify interoperability tests (deploy/test.sh's "interop (Fedify)" stage).
# Installs the npm dependencies from package-lock.json when they are missing or stale
# (`npm ci`), then runs `node --test` against CONFRERE_BINARY (default: build/server/confrere
# of this checkout), with a time limit (tests/support/node-tests.sh).
#
# Usage: tests/interop/run.sh [node --test arguments…]
# Environment:
#   CONFRERE_BINARY           the binary under test
#   CONFRERE_INTEROP_TIMEOUT  seconds for the whole run (default 600)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
# shellcheck source=SCRIPTDIR/../support/node-tests.sh
source ../support/node-tests.sh
run_node_tests interop "Fedify 1.5" "${CONFRERE_INTEROP_TIMEOUT:-600}" --test-timeout=180000 "$@"
