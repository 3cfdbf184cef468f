#!/usr/bin/env bash
# Configures and builds Confrère with CMake + Ninja.
#
# Usage: deploy/build.sh [RelWithDebInfo|Release|Debug|asan] [TARGET...]   (default: RelWithDebInfo, all targets)
#   RelWithDebInfo, Release, Debug  build into build/
#   asan            build into build-asan/ (Debug, -DCONFRERE_SANITIZE=ON: ASan + UBSan)
#   TARGET          only these targets (e.g. confrere); the tests and benchmarks are
#                   configured either way, so a tree left with them OFF is set right.
# Environment:
#   CI=true          warnings are errors (-DCONFRERE_WERROR=ON)
#   CONFRERE_JOBS=N  parallel compile jobs (default: nproc)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
variant=${1:-RelWithDebInfo}
targets=("${@:2}")

case "$variant" in
    RelWithDebInfo | Release | Debug) build_dir=$root/build build_type=$variant sanitize=OFF ;;
    # Debug keeps the sanitizer build's compile time down on 2 cores and its stacks readable.
    asan) build_dir=$root/build-asan build_type=Debug sanitize=ON ;;
    *) echo "usage: $0 [RelWithDebInfo|Release|Debug|asan] [TARGET...]" >&2; exit 2 ;;
esac

werror=OFF
[[ "${CI:-}" == true ]] && werror=ON
jobs=${CONFRERE_JOBS:-$(nproc)}

# A tree configured with another generator cannot be switched to Ninja in place.
if [[ -f $build_dir/CMakeCache.txt ]] \
    && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$build_dir/CMakeCache.txt"; then
    echo "build: $build_dir was configured with another generator; remove it and re-run" >&2
    exit 1
fi

echo "build: $variant in ${build_dir#"$root"/} (werror=$werror, jobs=$jobs)${targets:+, targets: ${targets[*]}}"
cmake -S "$root" -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE="$build_type" \
    -DCONFRERE_SANITIZE="$sanitize" \
    -DCONFRERE_WERROR="$werror" \
    -DCONFRERE_BUILD_TESTS=ON \
    -DCONFRERE_BUILD_BENCH=ON
if [[ ${#targets[@]} -gt 0 ]]; then
    cmake --build "$build_dir" --parallel "$jobs" --target "${targets[@]}"
else
    cmake --build "$build_dir" --parallel "$jobs"
fi
