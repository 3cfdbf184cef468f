# shellcheck shell=bash
# Shared by the bench scripts (sourced, not run): a work directory removed on exit together with
# the servers started for it, and waiting for a server's port file.
#
#   source "$root/bench/lib.sh"
#   bench_start http-bench       # sets $work (a fresh temp dir) and $pids (servers to stop)
#   server & pids+=("$!")
#   port=$(wait_for_port_file "$work/x.port" "$!")
#   seconds_of 10s; http_status PORT PATH [ACCEPT]; measure NAME URL [wrk arguments…]

# Creates $work and the traps that stop every pid in $pids and remove $work on any exit.
bench_start() {
    bench_name=$1
    work=$(mktemp -d "${TMPDIR:-/tmp}/confrere-$1.XXXXXX")
    pids=()
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

bench_cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}

# Waits (30 s at most) until FILE holds a port number, while process PID lives; prints the port.
wait_for_port_file() {
    local file=$1 pid=$2
    for _ in $(seq 300); do
        if [[ -s $file ]] && [[ $(<"$file") =~ ^[0-9]+$ ]]; then
            cat "$file"
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || { echo "$bench_name: a server exited early" >&2; return 1; }
        sleep 0.1
    done
    echo "$bench_name: no port in $file after 30 s" >&2
    return 1
}

# Whole seconds of a wrk duration such as 10s, 1m.
seconds_of() {
    local value=${1%s}
    [[ $1 == *m ]] && value=$((${1%m} * 60))
    echo "$value"
}
# Prints the HTTP status of GET PATH on 127.0.0.1:PORT (000 if no answer), without curl.
# HEADER, if given, is one more header line ("Authorization: Bearer …").
http_status() {
    local port=$1 path=$2 accept=${3:-*/*} header=${4:-X-Bench: 1} line=""
    if exec 3<>"/dev/tcp/127.0.0.1/$port"; then
        printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nAccept: %s\r\n%s\r\nConnection: close\r\n\r\n' \
            "$path" "$port" "$accept" "$header" >&3
        IFS= read -r -t 5 line <&3 || true
        exec 3<&-
    fi 2>/dev/null
    line=${line#HTTP/1.? }
    echo "${line:0:3}" | grep -E '^[0-9]{3}$' || echo 000
}

# Runs wrk (a warm-up, then the measured run) with $wrk_threads, $connections, $warmup and
# $duration; prints "requests/s p50_ms p99_ms errors bytes".
#   measure NAME URL [wrk arguments…]      e.g. -H "Accept: application/jrd+json", -s script.lua
# shellcheck disable=SC2154  # wrk_threads, connections, warmup, duration: set by the caller
measure() {
    local name=$1 url=$2
    local output=$work/wrk-$name.txt
    shift 2
    wrk -t"$wrk_threads" -c"$connections" -d"$warmup" "$@" "$url" >/dev/null
    wrk -t"$wrk_threads" -c"$connections" -d"$duration" --latency "$@" "$url" >"$output"
    [[ -z ${BENCH_KEEP_RAW:-} ]] || { mkdir -p "$BENCH_KEEP_RAW"; cp "$output" "$BENCH_KEEP_RAW/"; }
    awk '
        function ms(v) {
            if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
            if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
            if (v ~ /m$/)  return substr(v, 1, length(v) - 1) * 60000
            if (v ~ /s$/)  return substr(v, 1, length(v) - 1) * 1000
            return v + 0
        }
        # wrk prints sizes with binary prefixes: 288.36MB = 288.36 * 2^20 bytes.
        function bytes(v) {
            if (v ~ /TB$/) return substr(v, 1, length(v) - 2) * 2^40
            if (v ~ /GB$/) return substr(v, 1, length(v) - 2) * 2^30
            if (v ~ /MB$/) return substr(v, 1, length(v) - 2) * 2^20
            if (v ~ /KB$/) return substr(v, 1, length(v) - 2) * 2^10
            return substr(v, 1, length(v) - 1) + 0
        }
        /^ +50%/ { p50 = ms($2) }
        /^ +99%/ { p99 = ms($2) }
        /^Requests\/sec:/ { rps = $2 }
        / requests in .* read$/ { requests = $1; read = bytes($5) }
        /Non-2xx or 3xx responses:/ { errors += $NF }
        /Socket errors:/ { gsub(/,/, ""); errors += $4 + $6 + $8 + $10 }
        END { printf "%.0f %.3f %.3f %d %.0f\n", rps, p50, p99, errors, requests ? read / requests : 0 }
    ' "$output"
}

# A fresh members-only instance in $work for the HTTP benchmarks: confrere.toml ($io_threads
# and $worker_threads, log level warn), migrated, with the validated member "bench".
#   bench_prepare_instance CONFRERE DESCRIPTION
# shellcheck disable=SC2154  # io_threads, worker_threads: set by the caller
bench_prepare_instance() {
    local confrere=$1 description=$2
    cat >"$work/confrere.toml" <<TOML
[instance]
base_url = ""
name = "Confrère bench"
description = "$description"
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
[log]
level = "warn"
TOML
    "$confrere" migrate --config "$work/confrere.toml" >"$work/migrate.log" 2>&1 \
        || { cat "$work/migrate.log" >&2; return 1; }
    openssl rand -hex 16 | "$confrere" admin --config "$work/confrere.toml" create-account \
        --username bench --email bench@example.org --validated --password-stdin \
        >"$work/account.log" 2>&1 || { cat "$work/account.log" >&2; return 1; }
}

# Starts `confrere serve` on that instance for at most LIFETIME seconds; sets $confrere_pid and
# $port once /health answers 200.
#   bench_serve CONFRERE LIFETIME
bench_serve() {
    local confrere=$1 lifetime=$2
    timeout --kill-after=5 "$lifetime" \
        "$confrere" serve --config "$work/confrere.toml" --port-file "$work/confrere.port" \
        >"$work/confrere.log" 2>&1 &
    confrere_pid=$!
    pids+=("$confrere_pid")
    port=$(wait_for_port_file "$work/confrere.port" "$confrere_pid") || { cat "$work/confrere.log" >&2; return 1; }
    for _ in $(seq 100); do
        [[ $(http_status "$port" /health) == 200 ]] && return 0
        sleep 0.1
    done
    echo "$bench_name: /health never answered 200" >&2
    return 1
}

# Stops the server bench_serve started and warns unless it exited 0 (a clean drain).
bench_stop_confrere() {
    local status=0
    kill -TERM "$confrere_pid"
    wait "$confrere_pid" || status=$?
    pids=()
    ((status == 0)) || echo "$bench_name: warning: confrere serve exited $status on SIGTERM (expected 0)" >&2
}

# Starts CEILING_SERVER (bench/ceiling_server, $io_threads threads, for LIFETIME seconds at most),
# measures GET /users/bench on it as `measure` does, prints the result line and stops it (it runs
# in the caller's $(…) subshell, whose pids the exit trap would not see).
#   bench_ceiling CEILING_SERVER LIFETIME
bench_ceiling() {
    local ceiling=$1 lifetime=$2 ceiling_pid ceiling_port
    timeout --kill-after=5 "$lifetime" "$ceiling" "$io_threads" \
        >"$work/ceiling.port" 2>"$work/ceiling.log" &
    ceiling_pid=$!
    pids+=("$ceiling_pid")
    ceiling_port=$(wait_for_port_file "$work/ceiling.port" "$ceiling_pid") || { cat "$work/ceiling.log" >&2; return 1; }
    echo "$bench_name: ceiling_server on 127.0.0.1:$ceiling_port, $io_threads io threads" >&2
    measure ceiling "http://127.0.0.1:$ceiling_port/users/bench" -H "Accept: application/activity+json"
    kill -TERM "$ceiling_pid" 2>/dev/null || true
    wait "$ceiling_pid" 2>/dev/null || true
}

# Fails (after a message) when any of the `measure` result lines counted errors.
#   bench_check_errors RESULT…
bench_check_errors() {
    local total=0 result errors
    for result in "$@"; do
        read -r _ _ _ errors _ <<<"$result"
        total=$((total + errors))
    done
    if ((total > 0)); then
        echo "$bench_name: $total requests failed; these figures are not comparable" >&2
        return 1
    fi
}
