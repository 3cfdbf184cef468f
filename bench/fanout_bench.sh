#!/usr/bin/env bash
# Fan-out of one followers-only post: a member with 10,000 remote followers spread over 100 peer
# hosts (100 ports of bench/counting_sink on 127.0.0.1) posts through the client API; measured:
# the time from the API's answer until the sink has received the last delivery, and the number
# of deliveries (one per distinct shared inbox: 100). Ceiling, same run: bench/fanout_ceiling
# (sign + connect + POST + close per inbox, no database) on the same sink, and the pure cost of
# 100 RSA-2048 signatures from `openssl speed`. See bench/README.md.
#
# BENCH_AUDIENCE=group measures a group post instead: an interdisciplinary group whose members
# are BENCH_GROUP_LOCAL local accounts plus BENCH_FOLLOWERS remote members spread over
# BENCH_HOSTS peers (its members' instances); the group announces the post (the activity, and the
# Note for peers that only read announced objects): two deliveries per distinct shared inbox.
# The issue's figure: BENCH_AUDIENCE=group BENCH_FOLLOWERS=3334 BENCH_GROUP_LOCAL=1666 BENCH_HOSTS=2
# (5,000 members on three instances).
#
# Usage: bench/fanout_bench.sh         (builds nothing: build confrere, counting_sink,
#                                       fanout_seed and fanout_ceiling first)
# Environment (defaults in brackets):
#   BENCH_FOLLOWERS [10000]  BENCH_HOSTS [100]  BENCH_POSTS [5] (posts measured one after the other)
#   BENCH_CEILING_THREADS [2] (Confrère's delivery workers)  BENCH_SPEED_SECONDS [3]
#   BENCH_IO_THREADS [2]  BENCH_WORKER_THREADS [4]  BENCH_BUILD_DIR [build]
#   BENCH_CONFRERE, BENCH_SINK, BENCH_SEED, BENCH_FANOUT_CEILING   the binaries, if elsewhere
#   BENCH_LIFETIME [300]  seconds after which every server stops by itself
#   BENCH_AUDIENCE [followers]  followers or group     BENCH_GROUP_LOCAL [0]  local group members
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BENCH_BUILD_DIR:-$root/build}
confrere=${BENCH_CONFRERE:-$build_dir/server/confrere}
sink=${BENCH_SINK:-$build_dir/bench/counting_sink}
seed=${BENCH_SEED:-$build_dir/bench/fanout_seed}
fanout_ceiling=${BENCH_FANOUT_CEILING:-$build_dir/bench/fanout_ceiling}
followers=${BENCH_FOLLOWERS:-10000}
hosts=${BENCH_HOSTS:-100}
posts=${BENCH_POSTS:-5}
ceiling_threads=${BENCH_CEILING_THREADS:-2}
speed_seconds=${BENCH_SPEED_SECONDS:-3}
io_threads=${BENCH_IO_THREADS:-2}
worker_threads=${BENCH_WORKER_THREADS:-4}
lifetime=${BENCH_LIFETIME:-300}
audience=${BENCH_AUDIENCE:-followers}
group_local=${BENCH_GROUP_LOCAL:-0}
[[ $audience == followers || $audience == group ]] || { echo "fanout_bench: BENCH_AUDIENCE is followers or group" >&2; exit 2; }
[[ $group_local =~ ^[0-9]+$ ]] || { echo "fanout_bench: BENCH_GROUP_LOCAL must be a number" >&2; exit 2; }
for knob in followers hosts posts ceiling_threads speed_seconds io_threads worker_threads lifetime; do
    [[ ${!knob} =~ ^[1-9][0-9]*$ ]] || { echo "fanout_bench: $knob must be a positive number" >&2; exit 2; }
done
delivery_timeout_ms=60000

for binary in "$confrere" "$sink" "$seed" "$fanout_ceiling"; do
    if [[ ! -x $binary ]]; then
        echo "fanout_bench: $binary is missing; build it first with:" >&2
        echo "  cmake --build build --target confrere counting_sink fanout_seed fanout_ceiling" >&2
        exit 1
    fi
done
for tool in openssl curl; do
    command -v "$tool" >/dev/null || { echo "fanout_bench: $tool is missing" >&2; exit 1; }
done

source "$root/bench/lib.sh"
bench_start fanout-bench

die() {
    echo "fanout_bench: $*" >&2
    exit 1
}
# The sink answers on any of its ports; prints its answer to GET PATH.
sink_get() {
    curl -sf -m $((delivery_timeout_ms / 1000 + 10)) "http://127.0.0.1:$sink_port$1"
}
# Field NAME of a sink report "total T ports_hit H …".
field() {
    awk -v name="$2" '{ for (i = 1; i < NF; i += 2) if ($i == name) print $(i + 1) }' <<<"$1"
}
now_ns() {
    echo "${EPOCHREALTIME/./}000"
}

# --- The peers: one sink, $hosts ports -----------------------------------------------------------
timeout --kill-after=5 "$lifetime" "$sink" "$hosts" "$lifetime" "$work/delivered-body.json" \
    >"$work/sink.out" 2>"$work/sink.err" &
sink_pid=$!
pids+=("$sink_pid")
for _ in $(seq 100); do
    grep -q '^ports ' "$work/sink.out" 2>/dev/null && break
    kill -0 "$sink_pid" 2>/dev/null || { cat "$work/sink.err" >&2; die "counting_sink exited early"; }
    sleep 0.1
done
read -r -a sink_ports < <(sed -n 's/^ports //p' "$work/sink.out")
((${#sink_ports[@]} == hosts)) || die "counting_sink listed ${#sink_ports[@]} ports, not $hosts"
sink_port=${sink_ports[0]}

# --- Instance, followers, peers ------------------------------------------------------------------
cat >"$work/confrere.toml" <<EOF
[instance]
base_url = ""
name = "Confrère bench"
description = "fanout_bench.sh"
languages = ["fr", "en"]
professions = [21]
registration = "approval"
[http]
listen_address = "127.0.0.1"
port = 0
io_threads = $io_threads
worker_threads = $worker_threads
[storage]
data_dir = "data"
[federation]
allow_private_addresses = true
[log]
level = "info"
EOF
echo "fanout_bench: preparing an instance in $work"
"$confrere" migrate --config "$work/confrere.toml" >"$work/migrate.log" 2>&1 \
    || { cat "$work/migrate.log" >&2; exit 1; }
openssl rand -hex 16 >"$work/password"
"$confrere" admin --config "$work/confrere.toml" create-account --username member \
    --email member@example.org --validated --password-stdin <"$work/password" >"$work/account.log" 2>&1 \
    || { cat "$work/account.log" >&2; exit 1; }
seed_start=$EPOCHREALTIME
group_args=()
[[ $audience == group ]] && group_args=(--group bench_group "$group_local")
seeded=$("$seed" "${group_args[@]}" "$work/data/confrere.sqlite3" member "$followers" "${sink_ports[@]}" \
    2>"$work/seed.log") || { cat "$work/seed.log" >&2; die "fanout_seed failed"; }
seed_seconds=$(awk -v a="$seed_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
inboxes=$(field "$seeded" inboxes)
echo "fanout_bench: seeded in ${seed_seconds} s: $seeded"
((inboxes == hosts)) || die "$inboxes distinct shared inboxes for $hosts hosts"
# A group sends two Announces per inbox (the activity and the object).
per_inbox=1
[[ $audience == group ]] && per_inbox=2
expected=$((inboxes * per_inbox))
post_fields='"visibility":"private"'
what="followers-only posts, each to $followers followers"
if [[ $audience == group ]]; then
    post_fields="\"group_id\":\"$(field "$seeded" group)\""
    what="group posts, each to $(field "$seeded" members) members ($followers remote)"
fi

timeout --kill-after=5 "$lifetime" \
    "$confrere" serve --config "$work/confrere.toml" --port-file "$work/confrere.port" \
    >"$work/confrere.out" 2>"$work/confrere.log" &
confrere_pid=$!
pids+=("$confrere_pid")
for _ in $(seq 300); do
    [[ -s $work/confrere.port ]] && [[ $(<"$work/confrere.port") =~ ^[0-9]+$ ]] && break
    kill -0 "$confrere_pid" 2>/dev/null || { cat "$work/confrere.log" >&2; die "confrere serve exited early"; }
    sleep 0.1
done
port=$(<"$work/confrere.port")
for _ in $(seq 100); do
    [[ $(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$port/health") == 200 ]] && break
    sleep 0.1
done
curl -sf -o /dev/null "http://127.0.0.1:$port/health" || die "/health never answered 200"

# Signs in; the session cookie becomes a Bearer token (no CSRF header needed).
curl -sf -o /dev/null -c "$work/cookies" -H 'Content-Type: application/json' \
    --data "{\"login\":\"member\",\"password\":\"$(<"$work/password")\"}" \
    "http://127.0.0.1:$port/auth/sign_in" || die "POST /auth/sign_in failed"
token=$(awk '$6 == "confrere_session" { print $7 }' "$work/cookies")
[[ -n $token ]] || die "no session cookie after sign-in"

# --- Posts ---------------------------------------------------------------------------------------
echo "fanout_bench: confrere on 127.0.0.1:$port; $posts $what on $hosts hosts"
# Baseline of the API call alone: instance-audience posts, which are never delivered.
baseline=()
for k in 1 2 3; do
    start_ns=$(now_ns)
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' \
        --data "{\"status\":\"fanout_bench baseline $k\",\"visibility\":\"local\"}" \
        "http://127.0.0.1:$port/api/v1/statuses")
    baseline+=("$((($(now_ns) - start_ns) / 100000))")
    [[ $code == 200 ]] || die "POST /api/v1/statuses (instance audience) answered $code"
done
baseline_ms=$(printf '%s\n' "${baseline[@]}" | sort -n | awk 'NR == 2 { printf "%.1f", $1 / 10 }')
(($(field "$(sink_get /count)" total) == 0)) || die "an instance-audience post was delivered"

results=()
for k in $(seq "$posts"); do
    sink_get /reset >/dev/null || die "the sink does not answer"
    start_ns=$(now_ns)
    code=$(curl -s -o "$work/status-$k.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' \
        --data "{\"status\":\"fanout_bench post $k\",$post_fields}" \
        "http://127.0.0.1:$port/api/v1/statuses")
    answered_ns=$(now_ns)
    [[ $code == 200 ]] || { cat "$work/status-$k.json" >&2; die "POST /api/v1/statuses answered $code"; }
    report=$(sink_get "/wait/$expected/$delivery_timeout_ms") || die "the sink does not answer"
    # Anything beyond the expected deliveries (a duplicate, a second worker) arrives right after.
    sleep 0.5
    report=$(sink_get /count)
    total=$(field "$report" total)
    if ((total != expected)) || (($(field "$report" ports_hit) != hosts)) || (($(field "$report" unexpected) > 0)); then
        grep -E 'delivery_(retry|dead)|"level":"(warn|error)"' "$work/confrere.log" | tail -n 5 >&2 || true
        die "post $k: the sink counted $total deliveries on $(field "$report" ports_hit) ports" \
            "($(field "$report" unexpected) unexpected) within $((delivery_timeout_ms / 1000)) s;" \
            "expected $expected, $per_inbox per distinct shared inbox"
    fi
    results+=("$(awk -v s="$start_ns" -v a="$answered_ns" -v f="$(field "$report" first_ns)" \
        -v l="$(field "$report" last_ns)" -v n="$total" \
        'BEGIN { printf "%d %.1f %.1f %.1f %.1f\n", n, (a - s) / 1e6, (f - a) / 1e6, (l - a) / 1e6, (l - s) / 1e6 }')")
done
retries=$(grep -c '"delivery_retry"' "$work/confrere.log" || true)
dead=$(grep -c '"delivery_dead"' "$work/confrere.log" || true)

kill -TERM "$confrere_pid"
confrere_status=0
wait "$confrere_pid" || confrere_status=$?
((confrere_status == 0)) || echo "fanout_bench: warning: confrere serve exited $confrere_status on SIGTERM (expected 0)" >&2

# --- Ceilings ------------------------------------------------------------------------------------
# As many ceiling runs as posts; the median is the reference (one run is ~30 ms: noisy).
ceiling_runs=()
for _ in $(seq "$posts"); do
    sink_get /reset >/dev/null
    ceiling=$("$fanout_ceiling" "$work/delivered-body.json" "$ceiling_threads" "${sink_ports[@]}") \
        || die "fanout_ceiling failed: $ceiling"
    read -r _ ceiling_delivered ceiling_seconds _ <<<"$ceiling"
    ceiling_count=$(field "$(sink_get /count)" total)
    ((ceiling_count == hosts && ceiling_delivered == hosts)) || die "fanout_ceiling delivered $ceiling_count, not $hosts"
    ceiling_runs+=("$(awk -v s="$ceiling_seconds" 'BEGIN { printf "%.1f", s * 1000 }')")
done
ceiling_ms=$(printf '%s\n' "${ceiling_runs[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo "fanout_bench: openssl speed -seconds $speed_seconds rsa2048 (one core)"
openssl speed -seconds "$speed_seconds" rsa2048 >"$work/speed.txt" 2>/dev/null
read -r sign_per_s _ < <(awk '
    /sign\/s/ && /verify\/s/ { for (i = 1; i <= NF; i++) { if ($i == "sign/s") s = i; if ($i == "verify/s") v = i }; h = NF }
    /^rsa +2048 +bits/ && h { print $(NF - h + s), $(NF - h + v) }
' "$work/speed.txt")
[[ -n ${sign_per_s:-} ]] || { cat "$work/speed.txt" >&2; die "cannot read openssl speed's output"; }
signing_ms=$(awk -v n="$expected" -v r="$sign_per_s" 'BEGIN { printf "%.1f", 1000 * n / r }')

# --- Report --------------------------------------------------------------------------------------
body_bytes=$(stat -c %s "$work/delivered-body.json")
echo
label="one post, $followers followers"
[[ $audience == group ]] && label="one group post, $(field "$seeded" members) members"
printf '%-34s %10s %8s %9s %9s %11s %11s\n' "$label" deliveries \
    "POST ms" "first ms" "last ms" "POST->last" "vs ceiling"
row() {
    local label=$1 n post first last total ratio
    read -r n post first last total <<<"$2"
    ratio=$(awk -v c="$ceiling_ms" -v t="$last" 'BEGIN { printf "%.1f%%", 100 * c / t }')
    printf '%-34s %10s %8s %9s %9s %11s %11s\n' "$label" "$n" "$post" "$first" "$last" "$total" "$ratio"
}
for k in $(seq "$posts"); do
    row "post $k$([[ $k == 1 ]] && echo ' (cold)')" "${results[$((k - 1))]}"
done
if ((posts > 2)); then
    median=$(printf '%s\n' "${results[@]:1}" | sort -g -k4 | awk '{ line[NR] = $0 } END { print line[int((NR + 1) / 2)] }')
    row "median of 2-$posts (by last ms)" "$median"
fi
printf '%-34s %10s %8s %9s %9s %11s %11s\n' "ceiling: fanout_ceiling, $ceiling_threads thr." "$ceiling_delivered" - - \
    "$ceiling_ms" - "100%"
printf '%-34s %10s %8s %9s %9s\n' "bound: $expected RSA-2048 signs, 1 core" "$expected" - - "$signing_ms"
echo
echo "($(nproc) cores; times in ms from the API's answer, \"POST->last\" from before the request;"
echo " each delivery: $body_bytes-byte body, signed RSA-2048, one connection; openssl speed: $sign_per_s sign/s"
echo " on one core; an instance-audience post, never delivered, answers in $baseline_ms ms (median of 3);"
echo " fanout_ceiling's $posts runs: ${ceiling_runs[*]} ms, the median is the reference;"
echo " confrere log: $retries delivery_retry, $dead delivery_dead)"
