#!/usr/bin/env bash
# Runs the web UI scenarios in a real browser (deploy/test.sh's "browser (Playwright)" stage):
# playwright-core drives Debian's chromium, headless, against CONFRERE_BINARY (default:
# build/server/confrere of this checkout). Installs the npm dependencies from
# package-lock.json when they are missing or stale (`npm ci`, tests/support/node-tests.sh).
#
# Usage: tests/browser/run.sh [node --test arguments…]
# Environment:
#   CONFRERE_BINARY            the binary under test
#   CONFRERE_CHROMIUM          the browser (default /usr/bin/chromium)
#   CONFRERE_BROWSER_TIMEOUT   seconds for the whole run (default 360)
#   CONFRERE_SCREENSHOTS       directory for the screenshots (default docs/screenshots)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
chromium=${CONFRERE_CHROMIUM:-/usr/bin/chromium}
if [[ ! -x $chromium ]]; then
    echo "browser (Playwright): $chromium is missing (deploy/install-deps.sh --test installs chromium)" >&2
    exit 1
fi
# shellcheck source=SCRIPTDIR/../support/node-tests.sh
source ../support/node-tests.sh
# Every scenario file (*.test.mjs), one after the other, unless the arguments name files.
files=(./*.test.mjs)
for arg in "$@"; do
    [[ $arg == *.mjs ]] && files=()
done
run_node_tests "browser (Playwright)" "playwright-core" "${CONFRERE_BROWSER_TIMEOUT:-360}" --test-timeout=90000 "$@" "${files[@]}"
