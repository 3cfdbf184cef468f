# shellcheck shell=bash
# Shared by the bench scripts (sourced, not run): a work directory removed on exit together with
# the servers started for it, and waiting for a server's port file.
#
#   source "$root/bench/lib.sh"
#   bench_start http-bench       # sets $work (a fresh temp dir) and $pids (servers to stop)
#   server & pids+=("$!")
#   port=$(wait_for_port_file "$work/x.port" "$!")

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
