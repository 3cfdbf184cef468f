#!/usr/bin/python3
"""A real Mastodon client against a real Confrère: Mastodon.py (Debian python3-mastodon)
registers an app, logs in with the password grant, reads its account, posts a status and
reads it back from the home timeline and from the user stream (server-sent events).

Starts its own instance as tests/support/instance.cpp does: a configuration file in a
temporary directory, `confrere migrate`, `confrere admin create-account`, then
`confrere serve --port-file`. Usage: mastodon_py_test.py [CONFRERE_BINARY]
(or the CONFRERE_BINARY environment variable). Exit code 0 on success.
Run it with /usr/bin/python3 (the Debian interpreter that has the mastodon module).
"""
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from mastodon import Mastodon, StreamListener

PASSWORD = "client-test-password-1"


def run(binary, args, cwd, stdin=None):
    result = subprocess.run([binary, *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise SystemExit(f"confrere {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def start_instance(binary, directory):
    config = os.path.join(directory, "confrere.toml")
    with open(config, "w", encoding="utf-8") as f:
        f.write("\n".join([
            "[instance]",
            'base_url = ""',
            'name = "Confrère client test"',
            "professions = [21]",
            'registration = "approval"',
            "",
            "[http]",
            'listen_address = "127.0.0.1"',
            "port = 0",
            "io_threads = 1",
            "worker_threads = 2",
            "public_cache_seconds = 0",
            "shutdown_grace_seconds = 2",
            # Mastodon.py's stream close() returns when the next bytes arrive.
            "stream_heartbeat_seconds = 1",
            "",
            "[limits]",
            "sign_in_attempts = 0",
            "registrations = 0",
            "",
            "[storage]",
            'data_dir = "data"',
            "",
            "[log]",
            'level = "warn"',
            "",
        ]))
    run(binary, ["migrate", "--config", config], directory)
    run(binary, ["admin", "--config", config, "create-account", "--username", "alice",
                 "--email", "alice@client.example", "--password-stdin", "--role", "member",
                 "--first-name", "Alice", "--last-name", "Client", "--profession", "21", "--validated"],
        directory, stdin=PASSWORD + "\n")
    port_file = os.path.join(directory, "port")
    log = open(os.path.join(directory, "serve.log"), "w")
    serve = subprocess.Popen([binary, "serve", "--config", config, "--port-file", port_file],
                             cwd=directory, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if serve.poll() is not None:
            raise SystemExit("confrere serve exited early:\n" + open(log.name).read())
        try:
            port = int(open(port_file).read().strip() or "0")
        except (OSError, ValueError):
            port = 0
        if port > 0:
            base = f"http://127.0.0.1:{port}"
            try:
                with urllib.request.urlopen(base + "/health", timeout=2) as answer:
                    if answer.status == 200:
                        return serve, base
            except OSError:
                pass
        time.sleep(0.05)
    serve.kill()
    raise SystemExit("confrere serve did not answer /health within 20 s:\n" + open(log.name).read())


def check(condition, message):
    if not condition:
        raise SystemExit("FAILED: " + message)


def accounts_and_bookmarks(api, me, posted):
    """Bookmarks, favourites, an account's statuses, update_credentials and the status limit, as
    Mastodon.py calls them (it gates bookmarks on the version the instance reports)."""
    marked = api.status_bookmark(posted["id"])
    check(marked["bookmarked"] is True, f"status_bookmark: {marked!r}")
    second = api.status_post("Deuxième", visibility="public")
    api.status_bookmark(second["id"])
    page = api.bookmarks(limit=1)
    check([s["id"] for s in page] == [second["id"]], f"bookmarks: {page!r}")
    older = api.fetch_next(page)
    check(older is not None and [s["id"] for s in older] == [posted["id"]], f"bookmarks next page: {older!r}")
    api.status_unbookmark(posted["id"])
    check([s["id"] for s in api.bookmarks()] == [second["id"]], "status_unbookmark")

    api.status_favourite(second["id"])
    check([s["id"] for s in api.favourites()] == [second["id"]], "favourites")
    check([a["username"] for a in api.status_favourited_by(second["id"])] == ["alice"], "status_favourited_by")

    statuses = api.account_statuses(me["id"], limit=1)
    check([s["id"] for s in statuses] == [second["id"]], f"account_statuses: {statuses!r}")

    boost = api.status_reblog(second["id"])
    check(boost["id"] != second["id"] and boost["reblog"]["id"] == second["id"]
          and boost["account"]["id"] == me["id"] and boost["reblog"]["reblogs_count"] == 1,
          f"status_reblog answers the wrapper: {boost!r}")
    statuses = api.account_statuses(me["id"], limit=1)
    check([s["id"] for s in statuses] == [boost["id"]], f"account_statuses lists the boost: {statuses!r}")
    statuses = api.account_statuses(me["id"], limit=1, exclude_reblogs=True)
    check([s["id"] for s in statuses] == [second["id"]], f"account_statuses exclude_reblogs: {statuses!r}")
    undone = api.status_unreblog(second["id"])
    check(undone["id"] == second["id"] and undone["reblogged"] is False and undone["reblog"] is None,
          f"status_unreblog answers the status: {undone!r}")

    updated = api.account_update_credentials(display_name="Alice (client)", note="Officine")
    check(updated["display_name"] == "Alice (client)", f"account_update_credentials: {updated!r}")
    check(any(f["name"] == "Profession" for f in updated["fields"]), f"profession field: {updated!r}")

    instance = api.instance()  # Mastodon.py 1.8 has no instance_v2()
    check(instance["configuration"]["statuses"]["max_characters"] == 5000, f"instance: {instance!r}")


def scenario(base):
    client_id, client_secret = Mastodon.create_app("mastodon-py-test", api_base_url=base,
                                                   scopes=["read", "write", "follow", "push"])
    check(client_id and client_secret, "create_app returned no credentials")

    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
    token = api.log_in("alice", PASSWORD, scopes=["read", "write", "follow", "push"])
    check(token, "log_in returned no token")

    me = api.account_verify_credentials()
    check(me["username"] == "alice", f"verify_credentials: {me!r}")

    posted = api.status_post("Bonjour depuis Mastodon.py", visibility="unlisted")
    check(posted["id"], f"status_post: {posted!r}")

    home = api.timeline_home()
    check(any(s["id"] == posted["id"] for s in home), f"the new status is not in the home timeline: {home!r}")

    # The user stream, as Mastodon.py reads it: HTTP server-sent events from
    # instance()["urls"]["streaming_api"], not a WebSocket.
    class Collect(StreamListener):
        def __init__(self):
            super().__init__()
            self.updates = queue.Queue()

        def on_update(self, status):
            self.updates.put(status)

    listener = Collect()
    stream = api.stream_user(listener, run_async=True, reconnect_async=False)
    try:
        deadline = time.monotonic() + 10
        while not stream.is_receiving() and time.monotonic() < deadline:
            time.sleep(0.05)
        check(stream.is_receiving(), "stream_user never started receiving")
        streamed = api.status_post("En direct depuis Mastodon.py", visibility="private")
        try:
            update = listener.updates.get(timeout=10)
        except queue.Empty:
            raise SystemExit("FAILED: no update event on the user stream")
        check(update["id"] == streamed["id"], f"stream_user delivered {update!r}")
        check("En direct" in update["content"], f"streamed content: {update['content']!r}")
    finally:
        stream.close()

    accounts_and_bookmarks(api, me, posted)

    # A revoked token is refused from then on.
    api.revoke_access_token()
    refused = Mastodon(access_token=token, api_base_url=base)
    try:
        refused.account_verify_credentials()
    except Exception:  # MastodonUnauthorizedError
        pass
    else:
        raise SystemExit("FAILED: a revoked token still reads verify_credentials")


def run_with_instance(name, scenario):
    """Starts an instance, runs scenario(binary, directory, base), stops it; for every client test."""
    binary = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("CONFRERE_BINARY", "")
    if not binary or not os.path.exists(binary):
        raise SystemExit(f"usage: {name}.py CONFRERE_BINARY")
    directory = tempfile.mkdtemp(prefix=f"confrere-{name}-")
    serve = None
    try:
        serve, base = start_instance(binary, directory)
        scenario(binary, directory, base)
        print(f"{name}: OK")
    finally:
        if serve is not None:
            serve.terminate()
            try:
                serve.wait(timeout=10)
            except subprocess.TimeoutExpired:
                serve.kill()
        if os.environ.get("CONFRERE_KEEP_TEST_DIRS"):
            print("kept " + directory, file=sys.stderr)
        else:
            shutil.rmtree(directory, ignore_errors=True)


def main():
    run_with_instance("mastodon_py_test", lambda binary, directory, base: scenario(base))


if __name__ == "__main__":
    main()
