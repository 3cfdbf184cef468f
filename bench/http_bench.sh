#!/usr/bin/env bash
# HTTP throughput of the two federation lookups every remote server makes, against the stack's
# ceiling: WebFinger and the actor document on a fresh instance, then bench/ceiling_server
# (a bare Beast server with a fixed actor body) under the same wrk load. See bench/README.md.
#
# Usage: bench/http_bench.sh          (builds nothing: run deploy/build.sh first)
# Environment (defaults in brackets):
#   BENCH_DURATION [10s]  BENCH_WARMUP [2s]  BENCH_CONNECTIONS [32]  BENCH_WRK_THREADS [1]
#   BENCH_IO_THREADS [2]  BENCH_WORKER_THREADS [4]  BENCH_BUILD_DIR [build]
#   BENCH_CONFRERE, BENCH_CEILING   the two binaries, if not in BENCH_BUILD_DIR
#   BENCH_KEEP_RAW=DIR    also keep wrk's full outputs in DIR
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BENCH_BUILD_DIR:-$root/build}
confrere=${BENCH_CONFRERE:-$build_dir/server/confrere}
ceiling=${BENCH_CEILING:-$build_dir/bench/ceiling_server}
duration=${BENCH_DURATION:-10s}
warmup=${BENCH_WARMUP:-2s}
connections=${BENCH_CONNECTIONS:-32}
wrk_threads=${BENCH_WRK_THREADS:-1}
io_threads=${BENCH_IO_THREADS:-2}
worker_threads=${BENCH_WORKER_THREADS:-4}

for binary in "$confrere" "$ceiling"; do
    if [[ ! -x $binary ]]; then
        echo "http_bench: $binary is missing; build it first with:" >&2
        echo "  deploy/build.sh      (or: cmake --build build --target confrere ceiling_server)" >&2
        exit 1
    fi
done
command -v wrk >/dev/null || { echo "http_bench: wrk is missing (deploy/install-deps.sh --test)" >&2; exit 1; }

source "$root/bench/lib.sh"
bench_start http-bench

# Every server stops by itself after this long, even if this script is killed with SIGKILL.
server_lifetime=$((3 * ($(seconds_of "$duration") + $(seconds_of "$warmup")) + 60))


# --- Confrère -------------------------------------------------------------------------------
echo "http_bench: preparing an instance in $work"
bench_prepare_instance "$confrere" http_bench.sh
bench_serve "$confrere" "$server_lifetime"

authority=127.0.0.1:$port
webfinger_path="/.well-known/webfinger?resource=acct:bench@$authority"
actor_path=/users/bench
expect_200() {
    local status
    status=$(http_status "$port" "$1" "$2")
    [[ $status == 200 ]] || { echo "http_bench: GET $1 answered $status, not 200" >&2; exit 1; }
}
expect_200 "$webfinger_path" application/jrd+json
expect_200 "$actor_path" application/activity+json

echo "http_bench: confrere on $authority: $connections connections, $wrk_threads wrk thread(s)," \
    "$io_threads io + $worker_threads worker threads, $warmup warm-up + $duration each"
webfinger=$(measure webfinger "http://$authority$webfinger_path" -H "Accept: application/jrd+json")
actor=$(measure actor "http://$authority$actor_path" -H "Accept: application/activity+json")

bench_stop_confrere

# --- Ceiling ----------------------------------------------------------------------------------
ceiling_result=$(bench_ceiling "$ceiling" "$server_lifetime")

# --- Report -----------------------------------------------------------------------------------
read -r ceiling_rps _ <<<"$ceiling_result"
row() {
    local name=$1 rps p50 p99 errors bytes ratio
    read -r rps p50 p99 errors bytes <<<"$2"
    ratio=$(awk -v a="$rps" -v c="$ceiling_rps" 'BEGIN { if (c > 0) printf "%.1f%%", 100 * a / c; else print "-" }')
    printf '%-24s %11s %8s %8s %11s %11s %7s\n' "$name" "$rps" "$p50" "$p99" "$ratio" "$bytes" "$errors"
}
echo
printf '%-24s %11s %8s %8s %11s %11s %7s\n' endpoint requests/s "p50 ms" "p99 ms" "vs ceiling" bytes/resp errors
row "GET webfinger" "$webfinger"
row "GET /users/bench (AS2)" "$actor"
row "ceiling_server (Beast)" "$ceiling_result"
echo
echo "($(nproc) cores; wrk -t$wrk_threads -c$connections -d$duration --latency after a $warmup warm-up;"
echo " bytes/resp = bytes read / requests, headers included; errors = non-2xx + socket errors)"
bench_check_errors "$webfinger" "$actor" "$ceiling_result"
