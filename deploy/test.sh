#!/usr/bin/env bash
# Runs the whole test suite, as CI does: dependencies (with the test tools), an optimised (RelWithDebInfo) build
# and its ctest, the interoperability tests against Fedify on that build (tests/interop), the
# masto.js client scenarios on that build (tests/clients/masto), the web UI in a real browser
# (tests/browser, Playwright driving chromium), then an ASan + UBSan build and
# its ctest. Prints the time of each stage and a summary; exits non-zero
# if any stage failed. The benchmarks are not part of it (bench/).
#
# Usage: deploy/test.sh
# Environment:
#   CI=true              warnings are errors
#   CONFRERE_SKIP_ASAN=1 skip the sanitizer build and its tests
#   CONFRERE_JOBS=N      parallel compile jobs (default: nproc)
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1

names=() results=() times=()
failed=0

# Runs one stage, records its status and elapsed time; never stops the script.
stage() {
    local name=$1
    shift
    echo
    echo "==> $name"
    local start=$SECONDS status=0
    "$@" || status=$?
    local elapsed=$((SECONDS - start))
    names+=("$name") times+=("$elapsed")
    if ((status == 0)); then
        results+=(ok)
        echo "==> $name: ok (${elapsed}s)"
    else
        results+=("FAILED ($status)")
        failed=1
        echo "==> $name: FAILED with status $status (${elapsed}s)"
    fi
    return "$status"
}

skip() {
    names+=("$1") times+=(-) results+=("skipped: $2")
    echo
    echo "==> $1: skipped ($2)"
}

run_ctest() {
    ctest --test-dir "$1" --output-on-failure --no-tests=error -j2 --timeout 300
}

# Fedify (Node.js) against build/server/confrere; npm ci when the lock file changed.
run_interop() {
    CONFRERE_BINARY="$root/build/server/confrere" tests/interop/run.sh
}

# masto.js (Node.js) against build/server/confrere; npm ci when the lock file changed.
run_clients_masto() {
    CONFRERE_BINARY="$root/build/server/confrere" tests/clients/masto/run.sh
}

# The web UI in headless chromium against build/server/confrere. Its screenshots go to
# build/screenshots (tests/browser/run.sh alone refreshes docs/screenshots).
run_browser() {
    CONFRERE_BINARY="$root/build/server/confrere" CONFRERE_SCREENSHOTS="$root/build/screenshots" \
        tests/browser/run.sh
}

run_asan_ctest() {
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        run_ctest build-asan
}

total_start=$SECONDS
if stage "dependencies" deploy/install-deps.sh --test; then
    if stage "build (RelWithDebInfo)" deploy/build.sh RelWithDebInfo; then
        stage "tests (RelWithDebInfo)" run_ctest build
        stage "interop (Fedify)" run_interop
        stage "clients (masto.js)" run_clients_masto
        stage "browser (Playwright)" run_browser
    else
        skip "tests (RelWithDebInfo)" "build failed"
        skip "interop (Fedify)" "build failed"
        skip "clients (masto.js)" "build failed"
        skip "browser (Playwright)" "build failed"
    fi
    if [[ "${CONFRERE_SKIP_ASAN:-}" == 1 ]]; then
        skip "build (asan)" "CONFRERE_SKIP_ASAN=1"
        skip "tests (asan)" "CONFRERE_SKIP_ASAN=1"
    elif stage "build (asan)" deploy/build.sh asan; then
        stage "tests (asan)" run_asan_ctest
    else
        skip "tests (asan)" "build failed"
    fi
fi

echo
echo "Summary"
for i in "${!names[@]}"; do
    elapsed=${times[$i]}
    [[ $elapsed == - ]] || elapsed="${elapsed}s"
    printf '  %-18s %6s  %s\n' "${names[$i]}" "$elapsed" "${results[$i]}"
done
printf '  %-18s %6s\n' "total" "$((SECONDS - total_start))s"
if ((failed)); then
    echo "test.sh: FAILED"
    exit 1
fi
echo "test.sh: all stages passed"
