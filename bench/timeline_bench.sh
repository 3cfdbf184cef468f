#!/usr/bin/env bash
# The client API under a realistic load: home-timeline reads (JSON, and the web UI's server-rendered
# /home page of 40 statuses next to the API's page of 40) and status creation on an instance
# holding BENCH_STATUSES statuses by BENCH_ACCOUNTS members each following BENCH_FOLLOWS others,
# next to WebFinger (the foundation's lightest dynamic route) and bench/ceiling_server (a bare
# Beast server), all measured in the same run with the same wrk load. See bench/README.md.
#
# Usage: bench/timeline_bench.sh      (builds nothing: deploy/build.sh first)
# Environment (defaults in brackets):
#   BENCH_ACCOUNTS [2000]  BENCH_FOLLOWS [200]  BENCH_STATUSES [1000000]
#   BENCH_DURATION [10s]  BENCH_WARMUP [2s]  BENCH_CONNECTIONS [32]  BENCH_WRK_THREADS [1]
#   BENCH_IO_THREADS [2]  BENCH_WORKER_THREADS [4]  BENCH_BUILD_DIR [build]
#   BENCH_KEEP_RAW=DIR    also keep wrk's full outputs in DIR
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BENCH_BUILD_DIR:-$root/build}
confrere=$build_dir/server/confrere
ceiling=$build_dir/bench/ceiling_server
seed=$build_dir/bench/timeline_seed
accounts=${BENCH_ACCOUNTS:-2000}
follows=${BENCH_FOLLOWS:-200}
statuses=${BENCH_STATUSES:-1000000}
duration=${BENCH_DURATION:-10s}
warmup=${BENCH_WARMUP:-2s}
connections=${BENCH_CONNECTIONS:-32}
wrk_threads=${BENCH_WRK_THREADS:-1}
io_threads=${BENCH_IO_THREADS:-2}
worker_threads=${BENCH_WORKER_THREADS:-4}

for binary in "$confrere" "$ceiling" "$seed"; do
    if [[ ! -x $binary ]]; then
        echo "timeline_bench: $binary is missing; build it first (deploy/build.sh)" >&2
        exit 1
    fi
done
command -v wrk >/dev/null || { echo "timeline_bench: wrk is missing (deploy/install-deps.sh --test)" >&2; exit 1; }

source "$root/bench/lib.sh"
bench_start timeline-bench
# Every server stops by itself after this long, even if this script is killed with SIGKILL.
server_lifetime=$((5 * ($(seconds_of "$duration") + $(seconds_of "$warmup")) + 120))

echo "timeline_bench: seeding $accounts members following $follows each and $statuses statuses in $work"
bench_prepare_instance "$confrere" timeline_bench.sh
"$seed" "$work/data/confrere.sqlite3" "$accounts" "$follows" "$statuses" "$work/tokens.txt"
du -h "$work/data/confrere.sqlite3" | awk '{ print "timeline_bench: database " $1 }'

bench_serve "$confrere" "$server_lifetime"
authority=127.0.0.1:$port
token=$(head -1 "$work/tokens.txt")
status=$(http_status "$port" /api/v1/timelines/home application/json "Authorization: Bearer $token")
[[ $status == 200 ]] || { echo "timeline_bench: the home timeline answered $status" >&2; exit 1; }
# wrk counts a 303 (to /login) as a success: the page must answer 200 to a member's cookie.
status=$(http_status "$port" "/home?limit=40" text/html "Cookie: confrere_session=$token")
[[ $status == 200 ]] || { echo "timeline_bench: the web home page answered $status" >&2; exit 1; }

# wrk scripts: each request as another member (their tokens round-robin).
# round_robin FILE METHOD PATH HEADERS [BODY]: HEADERS is a Lua table where `token` is the
# member's secret; BODY a Lua expression (n counts the requests).
round_robin() {
    cat >"$1" <<LUA
local tokens = {}
for line in io.lines("$work/tokens.txt") do tokens[#tokens + 1] = line end
local n = 0
request = function()
    n = n + 1
    local token = tokens[n % #tokens + 1]
    return wrk.format("$2", "$3", $4, ${5:-nil})
end
LUA
}
bearer='{ ["Authorization"] = "Bearer " .. token }'
round_robin "$work/home.lua" GET /api/v1/timelines/home "$bearer"
round_robin "$work/home40.lua" GET "/api/v1/timelines/home?limit=40" "$bearer"
# The web UI's home page, rendered on the server: the same session secret as a cookie.
round_robin "$work/web_home.lua" GET "/home?limit=40" '{ ["Cookie"] = "confrere_session=" .. token }'
round_robin "$work/post.lua" POST /api/v1/statuses \
    '{ ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/x-www-form-urlencoded" }' \
    '"status=Compte-rendu+de+la+r%C3%A9union+de+coordination+n%C2%B0" .. n .. "&visibility=public"'

echo "timeline_bench: confrere on $authority: $connections connections, $wrk_threads wrk thread(s)," \
    "$io_threads io + $worker_threads worker threads, $warmup warm-up + $duration each"
webfinger=$(measure webfinger "http://$authority/.well-known/webfinger?resource=acct:bench@$authority" \
    -H "Accept: application/jrd+json")
home=$(measure home "http://$authority/api/v1/timelines/home" -s "$work/home.lua")
home40=$(measure home40 "http://$authority/api/v1/timelines/home?limit=40" -s "$work/home40.lua")
web_home=$(measure web_home "http://$authority/home?limit=40" -s "$work/web_home.lua")
posts=$(measure post "http://$authority/api/v1/statuses" -s "$work/post.lua")

bench_stop_confrere

ceiling_result=$(bench_ceiling "$ceiling" "$server_lifetime")

read -r ceiling_rps _ <<<"$ceiling_result"
read -r webfinger_rps _ <<<"$webfinger"
row() {
    local name=$1 rps p50 p99 errors bytes
    read -r rps p50 p99 errors bytes <<<"$2"
    printf '%-28s %11s %8s %8s %9s %9s %11s %7s\n' "$name" "$rps" "$p50" "$p99" \
        "$(awk -v a="$rps" -v c="$ceiling_rps" 'BEGIN { printf "%.1f%%", 100 * a / c }')" \
        "$(awk -v a="$rps" -v c="$webfinger_rps" 'BEGIN { printf "%.1f%%", 100 * a / c }')" "$bytes" "$errors"
}
echo
printf '%-28s %11s %8s %8s %9s %9s %11s %7s\n' endpoint requests/s "p50 ms" "p99 ms" "/ceiling" "/webfinger" \
    bytes/resp errors
row "GET /api/v1/timelines/home" "$home"
row "GET home?limit=40 (JSON)" "$home40"
row "GET /home?limit=40 (web)" "$web_home"
row "POST /api/v1/statuses" "$posts"
row "GET webfinger" "$webfinger"
row "ceiling_server (Beast)" "$ceiling_result"
echo
echo "($(nproc) cores; $accounts members × $follows follows, $statuses statuses; home = 20 statuses per"
echo " page, each request as another member; wrk -t$wrk_threads -c$connections -d$duration --latency after"
echo " a $warmup warm-up; errors = non-2xx + socket errors)"
bench_check_errors "$home" "$home40" "$web_home" "$posts" "$webfinger" "$ceiling_result"
