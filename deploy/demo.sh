#!/usr/bin/env bash
# Runs a local Confrère pharmacy instance in demo/, from a fresh clone, in one command:
# installs the build dependencies, builds (RelWithDebInfo), writes demo/confrere.toml, migrates the
# database, creates the `admin` account the first time, prints how to sign in, then serves
# in the foreground (Ctrl-C stops it). Safe to re-run: the data and the password are kept.
#
# Usage: deploy/demo.sh             (listens on 127.0.0.1:8080)
#        CONFRERE_PORT=9090 deploy/demo.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
demo=$root/demo
confrere=$root/build/server/confrere
port=${CONFRERE_PORT:-8080}
if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
    echo "demo: CONFRERE_PORT must be a port number (1-65535), not '$port'" >&2
    exit 2
fi

"$root/deploy/install-deps.sh"
"$root/deploy/build.sh" RelWithDebInfo confrere

mkdir -p "$demo"
# Rewritten on every run so CONFRERE_PORT takes effect; the data in demo/data is kept.
cat >"$demo/confrere.toml" <<EOF
# Written by deploy/demo.sh on every run: copy it elsewhere to keep your own changes.
[instance]
base_url = ""            # empty: http://<listen_address>:<bound port>
name = "Confrère Pharmacie"
description = "Réseau des pharmaciens (instance de démonstration)"
languages = ["fr", "en"]
professions = [21]       # 21: pharmacien
registration = "approval"

[http]
listen_address = "127.0.0.1"
port = $port
io_threads = 2
worker_threads = 4

[storage]
data_dir = "data"        # relative to this file: demo/data

[log]
level = "info"
EOF

"$confrere" migrate --config "$demo/confrere.toml"

password_file=$demo/admin-password
if [[ ! -s $password_file ]]; then
    # Saved only once the account exists, so a failed run leaves no password for no account.
    pending=$(mktemp "$demo/.admin-password.XXXXXX")
    trap 'rm -f "$pending"' EXIT
    chmod 600 "$pending"
    openssl rand -base64 18 | tr -d '\n' >"$pending"
    if ! "$confrere" admin --config "$demo/confrere.toml" create-account \
        --username admin --email admin@example.org --role admin --validated \
        --password-stdin <"$pending"; then
        echo "demo: could not create 'admin'. If it already exists but $password_file is" >&2
        echo "      gone, remove $demo/data to start the demo afresh." >&2
        exit 1
    fi
    mv "$pending" "$password_file"
    trap - EXIT
fi
chmod 600 "$password_file"

cat <<EOF

  Confrère demo — sign in at  http://127.0.0.1:$port/
    username:  admin
    password:  $(cat "$password_file")
  (the password is kept in demo/admin-password; Ctrl-C stops the server)

EOF
exec "$confrere" serve --config "$demo/confrere.toml"
