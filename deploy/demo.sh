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

base=http://127.0.0.1:$port
cat <<EOF

  Confrère demo (pharmacy instance) at $base — Ctrl-C stops it
    admin account:  admin / $(cat "$password_file")   (kept in demo/admin-password)

  In a browser: $base/  (sign in as admin; "Demander un compte" to apply, "Modération" for
    the validation queue; English with the switch at the bottom of each page)
  Or through the HTTP API (docs/api.md):
    curl -c demo/cookies -d login=admin -d "password=\$(cat demo/admin-password)" $base/auth/sign_in
  Apply as a pharmacist (RPPS with a valid check digit), then see the validation queue:
    curl -d username=alice -d email=alice@example.org -d password=motdepasse-long -d agreement=1 \\
         -d first_name=Alice -d last_name=Martin -d identifier_kind=rpps -d identifier=10000123454 \\
         $base/api/v1/accounts
    build/server/confrere admin --config demo/confrere.toml pending
    curl -b demo/cookies "$base/api/v1/admin/accounts?pending=true"
  Discovery:  $base/.well-known/webfinger?resource=acct:admin@127.0.0.1:$port   $base/nodeinfo/2.1

EOF
exec "$confrere" serve --config "$demo/confrere.toml"
