#!/usr/bin/env bash
# The three-profession federation demo (issue 4): starts three Confrère instances on 127.0.0.1 —
# pharmacy (profession 21), nursing (60), podiatry (80) — that trust one another, seeds a few
# validated members on each, creates the interdisciplinary group "Pied diabétique" on podiatry
# and a profession-only group on each instance, plays a short exchange through the HTTP API
# (cross-instance follows, members joining the group from the other instances, a group thread
# with replies from all three professions, instance-only and followers-only posts), waits for
# the deliveries, then prints what each member sees. Every server it started is stopped at the
# end, also on error or Ctrl-C. Exits non-zero if any step failed.
#
# Usage: deploy/federation-demo.sh [--check] [--keep] [--serve]
#   --check   also assert who sees what (the audiences of docs/federation.md), non-zero on any
#             violation; the test suite runs it this way (ctest -R federation_demo)
#   --keep    keep the instances' directory (configs, databases, serve.log) after the run
#   --serve   then keep the three instances running, to look around with the API or a Mastodon
#             app (prints the members' password), until Ctrl-C
# Environment:
#   CONFRERE_BINARY     binary to run; when unset, installs the build dependencies and builds
#                       build/server/confrere (deploy/build.sh), as deploy/demo.sh does
#   CONFRERE_DEMO_PORT  first of three consecutive ports (default 0: ports chosen by the kernel)
#   CONFRERE_DEMO_DIR   where the instances live (default: a new temporary directory)
#   CONFRERE_DEMO_CHECK=1  same as --check
set -euo pipefail

usage() {
    echo "usage: $0 [--check] [--keep] [--serve]" >&2
    exit 2
}

check=${CONFRERE_DEMO_CHECK:-0}
keep=0
serve=0
for arg in "$@"; do
    case "$arg" in
        --check) check=1 ;;
        --keep) keep=1 ;;
        --serve) serve=1 ;;
        -h | --help) sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
        *) usage ;;
    esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
first_port=${CONFRERE_DEMO_PORT:-0}
if ! [[ $first_port =~ ^[0-9]+$ ]] || ((first_port > 65533)); then
    echo "federation-demo: CONFRERE_DEMO_PORT must be 0 or a port number up to 65533, not '$first_port'" >&2
    exit 2
fi

if [[ -n ${CONFRERE_BINARY-} ]]; then
    confrere=$CONFRERE_BINARY
else
    "$root/deploy/install-deps.sh"
    "$root/deploy/build.sh" RelWithDebInfo confrere
    confrere=$root/build/server/confrere
fi
[[ -x $confrere ]] || { echo "federation-demo: no executable at $confrere" >&2; exit 1; }
for tool in curl jq; do
    command -v "$tool" >/dev/null || { echo "federation-demo: $tool is missing (deploy/install-deps.sh installs it)" >&2; exit 1; }
done

# A directory of ours carries this marker: only such a directory is emptied for a new run.
marker=.confrere-federation-demo
if [[ -n ${CONFRERE_DEMO_DIR-} ]]; then
    work=$CONFRERE_DEMO_DIR
    if [[ -d $work && -n $(ls -A "$work") && ! -f $work/$marker ]]; then
        echo "federation-demo: $work is not empty and is not a previous demo's directory: choose another" >&2
        exit 2
    fi
    rm -rf "$work"
    mkdir -p "$work"
    chmod 700 "$work"
    keep=1
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/confrere-federation-demo.XXXXXX")
fi
touch "$work/$marker"

# ---------------------------------------------------------------------------------------------
# Servers: started in the background, always stopped (EXIT trap, also after INT and TERM).

declare -A pid=() base=() host=()
instances=(pharmacie soins podologie)
declare -A profession=([pharmacie]=21 [soins]=60 [podologie]=80)
declare -A title=([pharmacie]="Confrère Pharmacie" [soins]="Confrère Soins infirmiers" [podologie]="Confrère Podologie")

stop_servers() {
    local name
    for name in "${!pid[@]}"; do kill -TERM "${pid[$name]}" 2>/dev/null || true; done
    for name in "${!pid[@]}"; do
        # Bounded: a server that does not drain within 5 s is killed.
        for _ in $(seq 50); do kill -0 "${pid[$name]}" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "${pid[$name]}" 2>/dev/null || true
        wait "${pid[$name]}" 2>/dev/null || true
        unset "pid[$name]"
    done
}

on_exit() {
    local status=$?
    trap - EXIT INT TERM
    stop_servers
    if ((status != 0)); then
        for name in "${instances[@]}"; do
            [[ -s $work/$name/serve.log ]] || continue
            echo "--- $name: last lines of $work/$name/serve.log" >&2
            tail -n 15 "$work/$name/serve.log" >&2
        done
    fi
    if ((keep)); then
        echo "federation-demo: kept $work"
    else
        rm -rf "$work"
    fi
    exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Fails the whole script, also from a command substitution or a condition (a subshell's exit
# alone would read as an empty answer): USR1 makes the main shell exit.
trap 'exit 1' USR1
die() {
    echo "federation-demo: $*" >&2
    kill -USR1 "$$"
    exit 1
}

write_config() {
    local name=$1 port=$2
    mkdir -p "$work/$name"
    cat >"$work/$name/confrere.toml" <<EOF
# Written by deploy/federation-demo.sh: one of three instances federating on loopback.
[instance]
base_url = ""            # http://127.0.0.1:<bound port>
name = "${title[$name]}"
description = "Instance de démonstration (fédération à trois professions)"
languages = ["fr", "en"]
professions = [${profession[$name]}]
registration = "closed"

[http]
listen_address = "127.0.0.1"
port = $port
io_threads = 1
worker_threads = 2
public_cache_seconds = 0
shutdown_grace_seconds = 2

[storage]
data_dir = "data"

[federation]
mode = "allowlist"
allow_private_addresses = true   # loopback peers: for this demo and tests only
delivery_backoff_unit_ms = 20

[log]
level = "warn"
EOF
}

start_server() {
    local name=$1 dir=$work/$1
    "$confrere" migrate --config "$dir/confrere.toml" >/dev/null
    local launcher=()
    # The servers die with this script even if it is killed with SIGKILL.
    command -v setpriv >/dev/null && launcher=(setpriv --pdeathsig KILL --)
    "${launcher[@]}" "$confrere" serve --config "$dir/confrere.toml" --port-file "$dir/port" \
        >>"$dir/serve.log" 2>&1 </dev/null &
    pid[$name]=$!
}

wait_for_server() {
    local name=$1 dir=$work/$1 port=""
    for _ in $(seq 200); do
        kill -0 "${pid[$name]}" 2>/dev/null || die "$name: confrere serve exited (see its log below)"
        port=$(cat "$dir/port" 2>/dev/null || true)
        if [[ $port =~ ^[0-9]+$ ]] && curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; then
            host[$name]=127.0.0.1:$port
            base[$name]=http://127.0.0.1:$port
            return 0
        fi
        sleep 0.1
    done
    die "$name: no answer on /health within 20 s"
}

admin() {
    local name=$1
    shift
    "$confrere" admin --config "$work/$name/confrere.toml" "$@" >/dev/null
}

# ---------------------------------------------------------------------------------------------
# Members and their sessions. The HTTP API is the Mastodon client API plus /api/v1/confrere
# (docs/api.md); a member signs in and uses its session as a Bearer token.

# username -> instance, display name, role
declare -A home_of=() display=() role=()
members=(
    "pharmacie claire Claire Martin member"
    "pharmacie paul Paul Lefèvre member"
    "pharmacie ines Inès Roux moderator"
    "soins julie Julie Petit member"
    "soins marc Marc Durand member"
    "soins sophie Sophie Garnier moderator"
    "podologie emma Emma Laurent member"
    "podologie lucas Lucas Moreau moderator"
)
password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')

for line in "${members[@]}"; do
    read -r name user first last member_role <<<"$line"
    home_of[$user]=$name display[$user]="$first $last" role[$user]=$member_role
done

# The members of instance NAME, created one after the other (key pairs take a while: the three
# instances do this in parallel).
create_members() {
    local name=$1 line at user first last member_role
    for line in "${members[@]}"; do
        read -r at user first last member_role <<<"$line"
        [[ $at == "$name" ]] || continue
        printf '%s\n' "$password" | "$confrere" admin --config "$work/$name/confrere.toml" create-account \
            --username "$user" --email "$user@demo.invalid" --password-stdin --role "$member_role" --validated \
            --first-name "$first" --last-name "$last" --profession "${profession[$name]}" >/dev/null
    done
}

# Signs USER in; its session becomes the Bearer token of sessions/USER, a header file that curl
# reads (-H @file), so neither the password nor a token ever shows in a process's arguments.
mkdir -p "$work/sessions"
sign_in() {
    local user=$1 headers token
    headers=$(jq -n --arg l "$user" --arg p "$password" '{login: $l, password: $p}' \
        | curl -sS -o /dev/null -D - -H 'Content-Type: application/json' --data @- \
            "${base[${home_of[$user]}]}/auth/sign_in")
    token=$(sed -n 's/^[Ss]et-[Cc]ookie: confrere_session=\([^;]*\);.*/\1/p' <<<"$headers")
    [[ -n $token ]] || die "sign-in of $user failed"
    (umask 077 && printf 'Authorization: Bearer %s\n' "$token" >"$work/sessions/$user")
}

# api USER METHOD PATH [curl arguments…]: the JSON answer on stdout; a non-2xx status fails the
# script with the method, path and error.
api() {
    local user=$1 method=$2 path=$3
    shift 3
    local out=$work/answer.json status
    status=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" \
        -H @"$work/sessions/$user" "$@" "${base[${home_of[$user]}]}$path") \
        || die "$method $path as $user: no answer"
    if [[ $status != 2?? ]]; then
        die "$method $path as $user: HTTP $status $(head -c 300 "$out")"
    fi
    cat "$out"
}

# The id, on USER's instance, of the account or group HANDLE (user@host) — resolved by WebFinger.
lookup() {
    api "$1" GET "/api/v1/accounts/lookup?acct=$(jq -rn --arg h "$2" '$h | @uri')" | jq -r .id
}

# Bounded polling: CHECK_COMMAND… is retried every 0.1 s for up to 15 s.
eventually() {
    local what=$1
    shift
    for _ in $(seq 150); do
        "$@" && return 0
        sleep 0.1
    done
    "$@" || die "timed out waiting for $what"
}

# Follows HANDLE from USER (a member, or a group: following a group joins it) and waits until the
# remote instance accepted it.
follow() {
    local user=$1 handle=$2 id
    id=$(lookup "$user" "$handle")
    api "$user" POST "/api/v1/accounts/$id/follow" >/dev/null
    eventually "the Accept of $user's follow of $handle" following "$user" "$id"
}

following() {
    [[ $(api "$1" GET "/api/v1/accounts/relationships?id%5B%5D=$2" | jq -r '.[0].following') == true ]]
}

# post USER [curl --data-urlencode fields…]: the new status's local id.
post() {
    local user=$1
    shift
    local fields=() field
    for field in "$@"; do fields+=(--data-urlencode "$field"); done
    api "$user" POST /api/v1/statuses "${fields[@]}" | jq -r .id
}

# The local id of the status containing TEXT in USER's timeline PATH, or nothing.
find_in() {
    api "$1" GET "$2" | jq -r --arg t "$3" 'first(.[] | select(.content | contains($t)) | .id) // empty'
}

has_in() { [[ -n $(find_in "$@") ]]; }

# ---------------------------------------------------------------------------------------------
# 1. Three instances that trust one another.

echo "federation-demo: starting pharmacie, soins and podologie on 127.0.0.1 (in $work)"
index=0
for name in "${instances[@]}"; do
    port=0
    ((first_port > 0)) && port=$((first_port + index))
    index=$((index + 1))
    write_config "$name" "$port"
    start_server "$name"
done
for name in "${instances[@]}"; do wait_for_server "$name"; done
for a in "${instances[@]}"; do
    for b in "${instances[@]}"; do
        [[ $a == "$b" ]] || admin "$a" peer add "${host[$b]}" --note "federation demo"
    done
done
creators=()
for name in "${instances[@]}"; do
    create_members "$name" &
    creators+=($!)
done
for creator in "${creators[@]}"; do wait "$creator" || die "could not create the members"; done
for user in "${!home_of[@]}"; do sign_in "$user"; done
for name in "${instances[@]}"; do echo "  $name: ${base[$name]}"; done

# 2. Groups: "Pied diabétique" (interdisciplinary, podiatry) and one profession-only group each.
group_handle=pied_diabetique@${host[podologie]}
api lucas POST /api/v1/confrere/groups --data-urlencode name=pied_diabetique \
    --data-urlencode "display_name=Pied diabétique" --data-urlencode interdisciplinary=true \
    --data-urlencode "description=Plaies du pied chez le patient diabétique : prévention, soins, chaussage." \
    --data-urlencode "tags[]=plaies" --data-urlencode "tags[]=diabete" --data-urlencode "tags[]=podologie" >/dev/null
declare -A local_group=([pharmacie]=officine [soins]=soins_domicile [podologie]=cabinet_podo)
declare -A local_group_title=([pharmacie]="Vie de l'officine" [soins]="Soins à domicile" [podologie]="Cabinet de podologie")
declare -A moderator_of=([pharmacie]=ines [soins]=sophie [podologie]=lucas)
declare -A local_group_id=()
for name in "${instances[@]}"; do
    local_group_id[$name]=$(api "${moderator_of[$name]}" POST /api/v1/confrere/groups \
        --data-urlencode "name=${local_group[$name]}" --data-urlencode "display_name=${local_group_title[$name]}" | jq -r .id)
done
echo "  groups: $group_handle (interdisciplinary), ${local_group[*]} (profession-only)"

# 3. Follows and memberships. Joining a group of another instance is following it.
follow julie "claire@${host[pharmacie]}"   # a nurse follows a pharmacist
follow emma "julie@${host[soins]}"         # a podiatrist follows a nurse
follow paul "ines@${host[pharmacie]}"      # a local follow
for user in claire paul julie marc; do follow "$user" "$group_handle"; done
emma_group_id=$(lookup emma "$group_handle")
api emma POST "/api/v1/confrere/groups/$emma_group_id/join" >/dev/null
api paul POST "/api/v1/confrere/groups/${local_group_id[pharmacie]}/join" >/dev/null
api claire POST "/api/v1/confrere/groups/${local_group_id[pharmacie]}/join" >/dev/null
api marc POST "/api/v1/confrere/groups/${local_group_id[soins]}/join" >/dev/null
api julie POST "/api/v1/confrere/groups/${local_group_id[soins]}/join" >/dev/null
api emma POST "/api/v1/confrere/groups/${local_group_id[podologie]}/join" >/dev/null
declare -A group_id=()   # the group's id on each member's instance
for line in "${members[@]}"; do
    read -r _ user _ <<<"$line"
    group_id[$user]=$(lookup "$user" "$group_handle")
done
echo "  follows: julie -> claire, emma -> julie, paul -> ines; group members: lucas emma claire paul julie marc"

# 4. The exchange.
opening="Patient diabétique, mal perforant plantaire sous M1 : quelle décharge proposer en attendant le chaussage ?"
post emma "status=$opening" "group_id=${group_id[emma]}" >/dev/null
at_claire=""
eventually "the group thread at pharmacie" has_in claire "/api/v1/timelines/group/${group_id[claire]}" "mal perforant"
at_claire=$(find_in claire "/api/v1/timelines/group/${group_id[claire]}" "mal perforant")
post claire "status=Attention aux AINS en automédication chez ce patient : risque rénal. Je peux préparer un bilan de médication." \
    "in_reply_to_id=$at_claire" >/dev/null
eventually "the group thread at soins" has_in julie "/api/v1/timelines/group/${group_id[julie]}" "mal perforant"
at_julie=$(find_in julie "/api/v1/timelines/group/${group_id[julie]}" "mal perforant")
post julie "status=Je passe tous les deux jours pour le pansement ; je note l'évolution de la plaie dans le dossier." \
    "in_reply_to_id=$at_julie" >/dev/null
at_emma=$(find_in emma "/api/v1/timelines/group/${group_id[emma]}" "mal perforant")
post emma "status=Merci à toutes les deux : je fabrique une orthèse de décharge cette semaine." \
    "in_reply_to_id=$at_emma" >/dev/null

declare -A local_group_text=(
    [pharmacie]="Inventaire annuel de l'officine samedi matin."
    [soins]="Tournée du week-end : qui peut reprendre le secteur nord ?"
    [podologie]="Commande groupée de semelles thermoformables ce mois-ci."
)
declare -A local_group_author=([pharmacie]=paul [soins]=marc [podologie]=emma)
declare -A instance_text=(
    [pharmacie]="Rappel : garde de la pharmacie dimanche, planning interne."
    [soins]="Réunion d'équipe du cabinet infirmier jeudi à 13 h."
    [podologie]="Le cabinet ferme exceptionnellement lundi."
)
declare -A instance_author=([pharmacie]=ines [soins]=sophie [podologie]=lucas)
for name in "${instances[@]}"; do
    post "${local_group_author[$name]}" "status=${local_group_text[$name]}" "group_id=${local_group_id[$name]}" >/dev/null
    post "${instance_author[$name]}" "status=${instance_text[$name]}" >/dev/null   # the default audience: instance
done
# Followers-only posts: they reach the followers' instances, and only those.
declare -A followers_text=(
    [claire]="Retour d'expérience sur les pansements au miel, pour mes abonnés."
    [julie]="Formation plaies chroniques à Lyon en mars, qui vient ?"
)
for user in claire julie; do post "$user" "status=${followers_text[$user]}" visibility=private >/dev/null; done

# 5. Deliveries: wait (bounded) until the last reply reached every remote member's instance.
group_members=(lucas emma claire paul julie marc)
thread=("mal perforant" "AINS en automédication" "pansement ; je note" "orthèse de décharge")
for user in "${group_members[@]}"; do
    for text in "${thread[@]}"; do
        eventually "\"$text\" at $user's" has_in "$user" "/api/v1/timelines/group/${group_id[$user]}" "$text"
    done
done
eventually "claire's followers post at soins" has_in julie "/api/v1/timelines/home?limit=40" "pansements au miel"
eventually "julie's followers post at podologie" has_in emma "/api/v1/timelines/home?limit=40" "plaies chroniques"

# ---------------------------------------------------------------------------------------------
# 6. What each member sees. Authors are shown as user@instance, audiences as Confrère names them
# (instance, followers, direct, group NAME); threads read oldest first, replies marked ↳.

hosts_json=$(for name in "${instances[@]}"; do jq -n --arg h "${host[$name]}" --arg n "$name" '{($h): $n}'; done | jq -s add)

# show USER PATH: one line per status of a timeline.
show() {
    api "$1" GET "$2" | jq -r --argjson hosts "$hosts_json" --arg here "${home_of[$1]}" '
        def pad($n): if length < $n then . + (" " * ($n - length)) else . end;
        def clip($n): if length > $n then .[0:$n - 1] + "…" else . end;
        def text: .content | gsub("<[^>]*>"; "") | gsub("&#39;"; "'\''") | gsub("&quot;"; "\"")
            | gsub("&lt;"; "<") | gsub("&gt;"; ">") | gsub("&amp;"; "&");
        def who: (.account.acct | split("@")) as $p
            | $p[0] + "@" + (if ($p | length) > 1 then ($hosts[$p[1]] // $p[1]) else $here end);
        def audience: if .confrere_audience == "group" then "group " + (.confrere_group.acct | split("@")[0])
            else (.confrere_audience // .visibility) end;
        if length == 0 then "      (nothing)"
        else reverse[] | "      " + (who | pad(18)) + " " + (audience | pad(22)) + " "
            + (if .in_reply_to_id then "↳ " else "" end) + (text | clip(70)) end'
}

# Whether USER is a member of the group GROUP_ID (its account id on USER's instance): following
# the group's account is being a member (docs/client-api.md), here or on another instance.
member_of() {
    [[ $(api "$1" GET "/api/v1/accounts/relationships?id%5B%5D=$2" | jq -r '.[0].following') == true ]]
}

# view_of NAME USER: what USER of instance NAME sees — home timeline, then each group joined.
view_of() {
    local name=$1 user=$2
    echo
    echo "── ${display[$user]} ($user@$name, ${role[$user]}) ──"
    echo "   home timeline (oldest first):"
    show "$user" "/api/v1/timelines/home?limit=40"
    if member_of "$user" "${group_id[$user]}"; then
        echo "   group « Pied diabétique » ($group_handle):"
        show "$user" "/api/v1/timelines/group/${group_id[$user]}"
    fi
    if member_of "$user" "${local_group_id[$name]}"; then
        echo "   group « ${local_group_title[$name]} » (profession-only):"
        show "$user" "/api/v1/timelines/group/${local_group_id[$name]}"
    fi
}

echo
echo "What each member sees"
mkdir -p "$work/views"
for line in "${members[@]}"; do
    read -r name user _ <<<"$line"
    view_of "$name" "$user" | tee "$work/views/$user"
done
for name in "${instances[@]}"; do
    echo
    echo "── instance timeline of $name (its members only) ──"
    show "${moderator_of[$name]}" "/api/v1/timelines/public?local=true"
done

# --serve: the instances stay up until Ctrl-C (or TERM), then the script exits with STATUS.
pause_if_serving() {
    local status=$1 name
    ((serve)) || return 0
    echo
    echo "The three instances keep running; Ctrl-C stops them."
    for name in "${instances[@]}"; do
        printf '  %-10s %s   members:' "$name" "${base[$name]}"
        for line in "${members[@]}"; do
            read -r at user _ <<<"$line"
            [[ $at == "$name" ]] && printf ' %s' "$user"
        done
        echo
    done
    echo "  every member's password: $password"
    echo "  sign in: curl -c cookies -d login=claire -d password=$password ${base[pharmacie]}/auth/sign_in"
    echo "  then:    curl -b cookies ${base[pharmacie]}/api/v1/timelines/home    (docs/api.md), or a Mastodon app"
    trap 'exit $status' INT TERM
    wait "${pid[@]}"
}

# ---------------------------------------------------------------------------------------------
# 7. --check: who sees what, asserted through each member's API and in each instance's database.

if ((!check)); then
    pause_if_serving 0
    exit 0
fi
passed=0
failures=()

# expect DESCRIPTION COMMAND…: records whether COMMAND succeeds.
expect() {
    local what=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failures+=("$what")
    fi
}

lacks_in() { ! has_in "$@"; }

# Whether the database of instance NAME (main file or WAL) contains TEXT, byte for byte.
stored_on() {
    local name=$1 text=$2 file
    for file in "$work/$name/data/confrere.sqlite3" "$work/$name/data/confrere.sqlite3-wal"; do
        [[ -f $file ]] && grep -aqF -- "$text" "$file" && return 0
    done
    return 1
}
not_stored_on() { ! stored_on "$@"; }

# expect_only_on WHAT TEXT NAME…: TEXT is in the databases of the instances NAME…, in no other.
expect_only_on() {
    local what=$1 text=$2 name
    shift 2
    for name in "${instances[@]}"; do
        if [[ " $* " == *" $name "* ]]; then
            expect "$what is in the database of $name" stored_on "$name" "$text"
        else
            expect "$what never reached $name" not_stored_on "$name" "$text"
        fi
    done
}

# The thread: every group member reads the opening post and its three replies, threaded under it.
threaded() {
    local user=$1 answer
    answer=$(api "$user" GET "/api/v1/timelines/group/${group_id[$user]}")
    jq -e --arg open "mal perforant" '
        (map(select(.content | contains($open))) | .[0].id) as $root
        | ($root != null) and (map(select(.in_reply_to_id == $root)) | length) == 3
          and all(.[]; .confrere_audience == "group")' <<<"$answer" >/dev/null
}
for user in "${group_members[@]}"; do
    for text in "${thread[@]}"; do
        expect "$user sees \"$text\" in the group" has_in "$user" "/api/v1/timelines/group/${group_id[$user]}" "$text"
        expect "$user sees \"$text\" at home" has_in "$user" "/api/v1/timelines/home?limit=40" "$text"
    done
    expect "$user reads the three replies threaded under the opening post" threaded "$user"
done
expect_only_on "the group thread" "orthèse de décharge" pharmacie soins podologie
for user in ines sophie; do
    expect "$user (not a member) does not see the group thread" lacks_in "$user" "/api/v1/timelines/home?limit=40" "mal perforant"
done
expect "the group has six members on podologie" \
    test "$(api lucas GET "/api/v1/confrere/groups/${group_id[lucas]}" | jq -r .members_count)" = 6

# Instance posts: read by the instance's members, never stored anywhere else.
declare -A instance_probe=([pharmacie]="garde de la pharmacie" [soins]="cabinet infirmier jeudi" [podologie]="ferme exceptionnellement")
for name in "${instances[@]}"; do
    for line in "${members[@]}"; do
        read -r at user _ <<<"$line"
        if [[ $at == "$name" ]]; then
            expect "$user reads the instance post of $name" \
                has_in "$user" "/api/v1/timelines/public?local=true" "${instance_probe[$name]}"
        else
            expect "$user does not read the instance post of $name" \
                lacks_in "$user" "/api/v1/timelines/home?limit=40" "${instance_probe[$name]}"
        fi
    done
    expect_only_on "the instance post of $name" "${instance_probe[$name]}" "$name"
done
expect "paul, a local follower, sees ines's instance post at home" \
    has_in paul "/api/v1/timelines/home?limit=40" "garde de la pharmacie"

# Profession-only groups: their posts reach their local members, and stay on their instance.
declare -A group_probe=([pharmacie]="Inventaire annuel" [soins]="secteur nord" [podologie]="semelles thermoformables")
declare -A group_readers=([pharmacie]="ines paul claire" [soins]="sophie marc julie" [podologie]="lucas emma")
for name in "${instances[@]}"; do
    for user in ${group_readers[$name]}; do
        expect "$user reads the ${local_group[$name]} post" \
            has_in "$user" "/api/v1/timelines/group/${local_group_id[$name]}" "${group_probe[$name]}"
    done
    expect_only_on "the ${local_group[$name]} post" "${group_probe[$name]}" "$name"
done

# Followers-only posts: to the followers' instances only.
expect "julie (a follower on soins) reads claire's followers post" has_in julie "/api/v1/timelines/home?limit=40" "pansements au miel"
expect "marc (soins, not a follower) does not read it" lacks_in marc "/api/v1/timelines/home?limit=40" "pansements au miel"
expect "paul (pharmacie, not a follower) does not read it" lacks_in paul "/api/v1/timelines/home?limit=40" "pansements au miel"
expect_only_on "claire's followers post" "pansements au miel" pharmacie soins
expect "emma (a follower on podologie) reads julie's followers post" has_in emma "/api/v1/timelines/home?limit=40" "plaies chroniques"
expect "lucas (podologie, not a follower) does not read it" lacks_in lucas "/api/v1/timelines/home?limit=40" "plaies chroniques"
expect_only_on "julie's followers post" "plaies chroniques" soins podologie

# What the demo printed says the same: each member's view (home, then the groups joined).
printed_lines() { grep -cE -- "$2" "$work/views/$1" || true; }
for line in "${members[@]}"; do
    read -r name user _ <<<"$line"
    thread_lines=0 reply_lines=0
    if [[ " ${group_members[*]} " == *" $user "* ]]; then thread_lines=8 reply_lines=6; fi
    expect "$user's printed view shows $thread_lines lines of the group thread" \
        test "$(printed_lines "$user" ' group pied_diabetique ')" = "$thread_lines"
    expect "$user's printed view shows the replies as replies" \
        test "$(printed_lines "$user" ' group pied_diabetique +↳ ')" = "$reply_lines"
    others=$(printf '%s\n' "${instances[@]}" | grep -vx "$name" | paste -sd '|')
    expect "$user's printed view has no instance post of another instance" \
        test "$(printed_lines "$user" "@($others) +instance ")" = 0
done

echo
if ((${#failures[@]} > 0)); then
    echo "federation-demo: ${#failures[@]} check(s) FAILED (and $passed passed):" >&2
    printf '  - %s\n' "${failures[@]}" >&2
    pause_if_serving 1
    exit 1
fi
echo "federation-demo: all $passed checks passed"
pause_if_serving 0
