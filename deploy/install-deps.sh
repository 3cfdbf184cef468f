#!/usr/bin/env bash
# Installs the Debian 12 packages Confrère needs to build (and, with --test, to test and
# benchmark). Idempotent: asks dpkg first and touches apt only when something is missing.
#
# Usage: deploy/install-deps.sh [--test]
#
# Boost comes from libboost1.81-dev + libboost-url1.81-dev. Never add libboost-dev or a package
# that depends on it (libmstch-dev, for one): they bring Boost 1.74, which conflicts with 1.81
# and makes apt remove it. The install below is simulated first and refused if it would.
set -euo pipefail

# curl and jq drive deploy/federation-demo.sh (also a ctest).
build_packages=(
    build-essential cmake ninja-build pkg-config git
    libboost1.81-dev libboost-url1.81-dev
    libssl-dev rapidjson-dev libsqlite3-dev sqlite3 libsodium-dev
    libcli11-dev libtomlplusplus-dev libgumbo-dev
    curl jq
)
test_packages=(
    libgtest-dev libgmock-dev libcpp-httplib-dev
    wrk openssl python3-mastodon
    chromium
)

usage() { echo "usage: $0 [--test]" >&2; exit 2; }

packages=("${build_packages[@]}")
case "${1-}" in
    "") ;;
    --test) packages+=("${test_packages[@]}") ;;
    -h | --help) echo "usage: $0 [--test]"; exit 0 ;;
    *) usage ;;
esac
[[ $# -le 1 ]] || usage

# Node.js and npm run the Fedify interoperability tests (tests/interop), the masto.js client
# scenarios (tests/clients/masto) and the browser tests (tests/browser, Playwright driving
# Debian's chromium). A Node.js already on
# the machine is kept (Fedify 1.5 needs Node >= 20; Debian 12's nodejs is 18): Debian's
# packages are added only when the command is missing.
if [[ ${1-} == --test ]]; then
    command -v node >/dev/null 2>&1 || packages+=(nodejs)
    command -v npm >/dev/null 2>&1 || packages+=(npm)
fi

# Warns (the interop stage then fails with the same message) when Node.js is older than 20.
check_node() {
    [[ ${1-} == --test ]] && command -v node >/dev/null 2>&1 || return 0
    local major
    major=$(node -p 'process.versions.node.split(".")[0]')
    if ((major < 20)); then
        echo "install-deps: warning: Node $(node --version) is too old for tests/interop and tests/clients/masto (>= 20)" >&2
    fi
}

is_installed() {
    [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]
}

missing=()
for package in "${packages[@]}"; do
    is_installed "$package" || missing+=("$package")
done
if [[ ${#missing[@]} -eq 0 ]]; then
    echo "install-deps: all ${#packages[@]} packages already installed"
    check_node "$@"
    exit 0
fi
echo "install-deps: missing: ${missing[*]}"

if [[ $(id -u) -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "install-deps: not root and sudo is not available; as root, run:" >&2
    echo "  apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update

# Refuse a transaction that would bring Boost 1.74 in or take 1.81 out.
plan=$("${as_root[@]}" apt-get install -s -y --no-install-recommends "${missing[@]}")
if grep -Eq '^(Inst (libboost-dev|libboost1\.74)|Remv libboost[^ ]*1\.81)' <<<"$plan"; then
    echo "install-deps: refusing: this install would replace Boost 1.81 with 1.74:" >&2
    grep -E '^(Inst|Remv) libboost' <<<"$plan" >&2
    exit 1
fi

"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${missing[*]}"
check_node "$@"
