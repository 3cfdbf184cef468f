#!/usr/bin/env bash
# Signed inbox throughput: a Mastodon-like peer (bench/inbox_load) POSTs pre-signed activities
# to a fresh instance's shared inbox over keep-alive connections; accepted (202) per second and
# latency, next to a ceiling measured in the same run: `openssl speed rsa2048`, the verifies per
# second of one core (each inbox POST costs one RSA-2048 verify plus a SQLite write
# transaction). See bench/README.md.
#
# Usage: bench/inbox_bench.sh          (builds nothing: build confrere and inbox_load first)
# Environment (defaults in brackets):
#   BENCH_REQUESTS [10000]  measured requests per activity kind
#   BENCH_WARMUP_REQUESTS [200]  BENCH_CONNECTIONS [16]  BENCH_KINDS [like,create]
#   BENCH_IO_THREADS [2]  BENCH_WORKER_THREADS [4]  BENCH_SPEED_SECONDS [3]
#   BENCH_BUILD_DIR [build]  BENCH_CONFRERE, BENCH_INBOX_LOAD   the binaries, if elsewhere
#   BENCH_LIFETIME   seconds after which every process stops by itself [computed]
set -euo pipefail
export LC_ALL=C

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BENCH_BUILD_DIR:-$root/build}
confrere=${BENCH_CONFRERE:-$build_dir/server/confrere}
inbox_load=${BENCH_INBOX_LOAD:-$build_dir/bench/inbox_load}
requests=${BENCH_REQUESTS:-10000}
warmup=${BENCH_WARMUP_REQUESTS:-200}
connections=${BENCH_CONNECTIONS:-16}
kinds=${BENCH_KINDS:-like,create}
io_threads=${BENCH_IO_THREADS:-2}
worker_threads=${BENCH_WORKER_THREADS:-4}
speed_seconds=${BENCH_SPEED_SECONDS:-3}
for knob in requests warmup connections io_threads worker_threads speed_seconds; do
    [[ ${!knob} =~ ^[0-9]+$ ]] || { echo "inbox_bench: $knob must be a number" >&2; exit 2; }
done
[[ $kinds =~ ^(like|create)(,(like|create))*$ ]] || { echo "inbox_bench: BENCH_KINDS: like,create" >&2; exit 2; }
kind_count=$(tr ',' '\n' <<<"$kinds" | wc -l)
# Signing runs at ~1,500/s a core and the inbox at a few hundred per second at worst: bounded,
# generous, and every process stops by itself after it even if this script is killed -9.
lifetime=${BENCH_LIFETIME:-$((120 + kind_count * (requests + warmup) / 50))}

for binary in "$confrere" "$inbox_load"; do
    if [[ ! -x $binary ]]; then
        echo "inbox_bench: $binary is missing; build it first with:" >&2
        echo "  cmake --build build --target confrere inbox_load" >&2
        exit 1
    fi
done
command -v openssl >/dev/null || { echo "inbox_bench: openssl is missing" >&2; exit 1; }

source "$root/bench/lib.sh"
bench_start inbox-bench


# Prints the HTTP status of GET PATH on 127.0.0.1:PORT (000 if no answer).
http_status() {
    curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$1$2" || true
}

# --- Instance ----------------------------------------------------------------------------------
cat >"$work/confrere.toml" <<EOF
[instance]
base_url = ""
name = "Confrère bench"
description = "inbox_bench.sh"
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
level = "warn"
EOF
admin() { "$confrere" admin --config "$work/confrere.toml" "$@"; }

echo "inbox_bench: preparing an instance in $work"
"$confrere" migrate --config "$work/confrere.toml" >"$work/migrate.log" 2>&1 \
    || { cat "$work/migrate.log" >&2; exit 1; }
openssl rand -hex 16 >"$work/password"
admin create-account --username member --email member@example.org --validated --password-stdin \
    <"$work/password" >"$work/account.log" 2>&1 || { cat "$work/account.log" >&2; exit 1; }

timeout --kill-after=5 "$lifetime" \
    "$confrere" serve --config "$work/confrere.toml" --port-file "$work/confrere.port" \
    >"$work/confrere.out" 2>"$work/confrere.log" &
confrere_pid=$!
pids+=("$confrere_pid")
port=$(wait_for_port_file "$work/confrere.port" "$confrere_pid") || { cat "$work/confrere.log" >&2; exit 1; }
for _ in $(seq 100); do
    [[ $(http_status "$port" /health) == 200 ]] && break
    sleep 0.1
done
[[ $(http_status "$port" /health) == 200 ]] || { echo "inbox_bench: /health never answered 200" >&2; exit 1; }

# The confrere process itself (the child of timeout), whose CPU time the generator samples.
server_pid=$(pgrep -P "$confrere_pid" | head -n 1)
[[ -n $server_pid ]] || { echo "inbox_bench: cannot find the confrere process" >&2; exit 1; }

# --- The peer ----------------------------------------------------------------------------------
timeout --kill-after=5 "$lifetime" "$inbox_load" --confrere-port "$port" --server-pid "$server_pid" --username member \
    --password-file "$work/password" --port-file "$work/peer.port" --go-file "$work/go" \
    --kinds "$kinds" --requests "$requests" --warmup "$warmup" --connections "$connections" \
    --lifetime "$lifetime" >"$work/load.out" 2>"$work/load.err" &
load_pid=$!
pids+=("$load_pid")
peer_port=$(wait_for_port_file "$work/peer.port" "$load_pid") || { cat "$work/load.err" >&2; exit 1; }
admin peer add "127.0.0.1:$peer_port" --note inbox_bench >"$work/peer.log" 2>&1 \
    || { cat "$work/peer.log" >&2; exit 1; }
touch "$work/go"

echo "inbox_bench: confrere on 127.0.0.1:$port ($io_threads io + $worker_threads worker threads)," \
    "peer on 127.0.0.1:$peer_port: $kinds, $warmup warm-up + $requests requests each," \
    "$connections connections"
load_status=0
wait "$load_pid" || load_status=$?
grep -E '^(signed|detail|effect)' "$work/load.out" | sed 's/^/inbox_load: /' || true
if ((load_status != 0)); then
    echo "inbox_bench: inbox_load failed ($load_status):" >&2
    cat "$work/load.err" >&2
    tail -n 20 "$work/confrere.log" >&2
    exit 1
fi

kill -TERM "$confrere_pid"
confrere_status=0
wait "$confrere_pid" || confrere_status=$?
pids=()
((confrere_status == 0)) || echo "inbox_bench: warning: confrere serve exited $confrere_status on SIGTERM (expected 0)" >&2

# --- Ceiling: one core's RSA-2048 verifies (and signs) per second ------------------------------
echo "inbox_bench: openssl speed -seconds $speed_seconds rsa2048 (one core)"
openssl speed -seconds "$speed_seconds" rsa2048 >"$work/speed.txt" 2>/dev/null
# OpenSSL 3.0 prints "sign verify sign/s verify/s"; 3.2+ adds encrypt/decrypt columns: find the
# columns by their header, counted from the end of the "rsa 2048 bits" line.
read -r sign_per_s verify_per_s < <(awk '
    /sign\/s/ && /verify\/s/ { for (i = 1; i <= NF; i++) { if ($i == "sign/s") s = i; if ($i == "verify/s") v = i }; h = NF }
    /^rsa +2048 +bits/ && h { print $(NF - h + s), $(NF - h + v) }
' "$work/speed.txt")
[[ -n ${verify_per_s:-} ]] || { echo "inbox_bench: cannot read openssl speed's output:" >&2; cat "$work/speed.txt" >&2; exit 1; }

# --- Report ------------------------------------------------------------------------------------
echo
printf '%-28s %11s %8s %8s %12s %10s %8s %7s\n' "POST /inbox (signed)" accepted/s "p50 ms" "p99 ms" "vs verify/s" \
    "CPU us/req" non-202 errors
failures=0
cpu_notes=()
while read -r _ kind total accepted seconds rate p50 p99 non_202 errors; do
    ratio=$(awk -v a="$rate" -v c="$verify_per_s" 'BEGIN { printf "%.1f%%", 100 * a / c }')
    read -r _ _ server_cpu load_cpu < <(grep "^cpu $kind " "$work/load.out")
    per_request=$(awk -v c="$server_cpu" -v n="$total" 'BEGIN { printf "%.0f", 1e6 * c / n }')
    cpu_notes+=("$kind: confrere $(awk -v c="$server_cpu" -v s="$seconds" 'BEGIN { printf "%.2f", c / s }'),\
 inbox_load $(awk -v c="$load_cpu" -v s="$seconds" 'BEGIN { printf "%.2f", c / s }')")
    label=$([[ $kind == like ]] && echo "Like of a status" || echo "Create of a direct Note")
    printf '%-28s %11s %8s %8s %12s %10s %8s %7s\n' "$label" "$rate" "$p50" "$p99" "$ratio" "$per_request" \
        "$non_202" "$errors"
    ((accepted == total)) || failures=$((failures + total - accepted))
done < <(grep '^result ' "$work/load.out")
printf '%-28s %11.0f %8s %8s %12s %10.0f\n' "ceiling: RSA-2048 verify" "$verify_per_s" - - "100%" \
    "$(awk -v v="$verify_per_s" 'BEGIN { print 1e6 / v }')"
echo
echo "($(nproc) cores; $connections keep-alive connections, $requests requests per kind after $warmup;"
echo " openssl speed: $sign_per_s sign/s, $verify_per_s verify/s on one core; CPU us/req: confrere's"
echo " CPU time (user + system) per measured request; CPU while measured, in cores:"
cpu_line=$(IFS=';'; echo "${cpu_notes[*]}")
echo " ${cpu_line//;/; };"
echo " actor document fetched $(awk '/^actor_fetches/ { print $2 }' "$work/load.out") time(s)," \
    "$(awk '/^deliveries_received/ { print $2 }' "$work/load.out") delivery(ies) received by the peer)"
if ((failures > 0)); then
    echo "inbox_bench: $failures requests were not accepted; these figures are not comparable" >&2
    exit 1
fi
