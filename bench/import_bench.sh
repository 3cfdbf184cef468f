#!/usr/bin/env bash
# Time and peak memory of `confrere admin import-directory` on a synthetic national directory
# extract the size of the real one (~2.3 M rows, ~800 MB), against a ceiling measured in the
# same run: the sqlite3 shell's `.import` of the same file into a bare table (no parsing
# beyond splitting on `|`, no index, no merge). See bench/README.md.
#
# Usage: bench/import_bench.sh        (builds nothing: run deploy/build.sh first)
# Environment (defaults in brackets):
#   BENCH_ROWS [2300000]  BENCH_BUILD_DIR [build]
#   BENCH_CONFRERE, BENCH_MAKE_EXTRACT   the two binaries, if not in BENCH_BUILD_DIR
#   TMPDIR [/tmp]         where the extract and both databases go (needs ~2.5 GB free)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BENCH_BUILD_DIR:-$root/build}
confrere=${BENCH_CONFRERE:-$build_dir/server/confrere}
make_extract=${BENCH_MAKE_EXTRACT:-$build_dir/bench/make_extract}
rows=${BENCH_ROWS:-2300000}
[[ $rows =~ ^[0-9]+$ ]] || { echo "import_bench: BENCH_ROWS must be a number" >&2; exit 2; }

for binary in "$confrere" "$make_extract"; do
    if [[ ! -x $binary ]]; then
        echo "import_bench: $binary is missing; build it first with:" >&2
        echo "  deploy/build.sh      (or: cmake --build build --target confrere make_extract)" >&2
        exit 1
    fi
done
for tool in sqlite3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "import_bench: $tool is missing" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/confrere-import-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# About 350 bytes a row in the extract, the same again in each database, plus margin.
needed_kb=$((rows * 350 * 3 / 1024 + 200 * 1024))
available_kb=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
if ((available_kb < needed_kb)); then
    echo "import_bench: $((available_kb / 1024)) MB free in $work, need ~$((needed_kb / 1024)) MB" \
        "(set TMPDIR or BENCH_ROWS)" >&2
    exit 1
fi

# Runs a command under /usr/bin/time -v, its output in $work/NAME.out and NAME.err (shown if
# it fails); prints "wall_seconds max_rss_mb".
timed() {
    local name=$1
    shift
    if ! /usr/bin/time -v -o "$work/time-$name.txt" "$@" >"$work/$name.out" 2>"$work/$name.err"; then
        echo "import_bench: $name failed:" >&2
        cat "$work/$name.out" "$work/$name.err" >&2
        return 1
    fi
    awk -F': ' '
        /Elapsed \(wall clock\) time/ {
            n = split($2, part, ":")
            wall = (n == 3) ? part[1] * 3600 + part[2] * 60 + part[3] : part[1] * 60 + part[2]
        }
        /Maximum resident set size/ { rss = $2 / 1024 }
        END { printf "%.2f %.0f\n", wall, rss }
    ' "$work/time-$name.txt"
}

extract=$work/ps-libreacces-personne-activite.txt
echo "import_bench: generating $rows rows in $work"
generate_result=$(timed make_extract "$make_extract" "$extract" "$rows")
read -r generate_seconds _ <<<"$generate_result"
extract_mb=$(($(stat -c %s "$extract") / 1024 / 1024))
echo "import_bench: extract ready, ${extract_mb} MB in ${generate_seconds} s"

# --- Confrère -------------------------------------------------------------------------------
cat >"$work/confrere.toml" <<EOF
[instance]
base_url = ""
name = "Confrère bench"
description = "import_bench.sh"
languages = ["fr", "en"]
professions = [21]
registration = "approval"
[http]
listen_address = "127.0.0.1"
port = 0
[storage]
data_dir = "data"
[log]
level = "warn"
EOF
"$confrere" migrate --config "$work/confrere.toml" >"$work/migrate.log" 2>&1 \
    || { cat "$work/migrate.log" >&2; exit 1; }
echo "import_bench: confrere admin import-directory"
confrere_result=$(timed confrere \
    "$confrere" admin --config "$work/confrere.toml" import-directory "$extract")
sed 's/^/  /' "$work/confrere.out" "$work/confrere.err"
read -r confrere_seconds confrere_rss <<<"$confrere_result"
confrere_db_mb=-
[[ -d $work/data ]] && confrere_db_mb=$(($(du -sk "$work/data" | cut -f1) / 1024))
rm -rf "$work/data"

# --- Ceiling: sqlite3 .import into a bare table --------------------------------------------
# One untyped column per field; the header's trailing `|` makes one more, empty, field. ASCII
# mode splits on the separators only (CSV mode would interpret quotes).
columns=$(head -n 1 "$extract" | awk -F'|' '{ print NF }')
column_list=$(seq -f 'c%g' 1 "$columns" | paste -sd, -)
ceiling_db=$work/ceiling.sqlite
echo "import_bench: sqlite3 .import ($columns columns)"
ceiling_result=$(timed sqlite3 sqlite3 -batch "$ceiling_db" \
    "CREATE TABLE extract($column_list);" \
    ".mode ascii" '.separator "|" "\n"' ".import --skip 1 '$extract' extract")
rows_in_table=$(sqlite3 "$ceiling_db" 'SELECT count(*) FROM extract;')
echo "  $rows_in_table rows in the table"
read -r sqlite_seconds sqlite_rss <<<"$ceiling_result"
sqlite_db_mb=$(($(stat -c %s "$ceiling_db") / 1024 / 1024))

# --- Report -----------------------------------------------------------------------------------
echo
printf '%-34s %10s %10s %12s %10s\n' "$rows rows, ${extract_mb} MB" seconds rows/s "max RSS MB" "db MB"
row() {
    printf '%-34s %10s %10s %12s %10s\n' "$1" "$2" \
        "$(awk -v r="$rows" -v s="$2" 'BEGIN { printf "%.0f", (s > 0) ? r / s : 0 }')" "$3" "$4"
}
row "confrere admin import-directory" "$confrere_seconds" "$confrere_rss" "$confrere_db_mb"
row "sqlite3 .import (ceiling)" "$sqlite_seconds" "$sqlite_rss" "$sqlite_db_mb"
awk -v c="$confrere_seconds" -v s="$sqlite_seconds" \
    'BEGIN { if (s > 0) printf "\nconfrere takes %.1f x the ceiling'\''s time\n", c / s }'
