#!/usr/bin/python3
"""Notifications and markers as a real Mastodon client reads them: Mastodon.py (Debian
python3-mastodon) against a real Confrère. Bob follows Alice, mentions her and favourites her
post; Alice lists her notifications (entities parsed by Mastodon.py, dates included), pages
with fetch_next (the Link header), filters by type, reads one, saves a marker with
markers_set (a nested JSON body) and reads it back, dismisses one and clears the rest.

Starts its instance with mastodon_py_test.py's helpers. Usage:
mastodon_py_notifications_test.py [CONFRERE_BINARY] (or the CONFRERE_BINARY environment
variable). Exit code 0 on success. Run it with /usr/bin/python3.
"""
import datetime
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import mastodon_py_test as kit  # noqa: E402
from mastodon import Mastodon  # noqa: E402

SCOPES = ["read", "write", "follow"]


def client(base, username):
    client_id, client_secret = Mastodon.create_app("notifications-test", api_base_url=base, scopes=SCOPES)
    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
    api.log_in(username, kit.PASSWORD, scopes=SCOPES)
    return api


def scenario(binary, directory, base):
    kit.run(binary, ["admin", "--config", os.path.join(directory, "confrere.toml"), "create-account",
                     "--username", "bob", "--email", "bob@client.example", "--password-stdin", "--role", "member",
                     "--first-name", "Bob", "--last-name", "Client", "--profession", "21", "--validated"],
            directory, stdin=kit.PASSWORD + "\n")
    alice = client(base, "alice")
    bob = client(base, "bob")
    alice_id = alice.account_verify_credentials()["id"]

    bob.account_follow(alice_id)
    mention = bob.status_post("@alice une question", visibility="unlisted")
    post = alice.status_post("Rupture de stock", visibility="unlisted")
    bob.status_favourite(post["id"])

    notes = alice.notifications()
    kit.check([n["type"] for n in notes] == ["favourite", "mention", "follow"], f"notifications: {notes!r}")
    kit.check(all(n["account"]["acct"] == "bob" for n in notes), "every notification is bob's doing")
    kit.check(isinstance(notes[0]["created_at"], datetime.datetime), f"created_at: {notes[0]['created_at']!r}")
    kit.check(notes[1]["status"]["id"] == mention["id"], "the mention carries its status")
    kit.check(notes[0]["status"]["id"] == post["id"], "the favourite carries the status")

    first = alice.notifications(limit=2)
    second = alice.fetch_next(first)
    kit.check(second is not None and [n["type"] for n in second] == ["follow"], f"fetch_next: {second!r}")
    only = alice.notifications(types=["follow", "mention"])
    kit.check([n["type"] for n in only] == ["mention", "follow"], f"types: {only!r}")
    others = alice.notifications(exclude_types=["follow"])
    kit.check([n["type"] for n in others] == ["favourite", "mention"], f"exclude_types: {others!r}")
    one = alice.notifications(id=notes[2]["id"])
    kit.check(one["type"] == "follow", f"one notification: {one!r}")

    saved = alice.markers_set(["notifications"], [notes[1]["id"]])
    kit.check(saved["notifications"]["last_read_id"] == notes[1]["id"], f"markers_set: {saved!r}")
    read = alice.markers_get(["notifications", "home"])
    kit.check(read["notifications"]["last_read_id"] == notes[1]["id"] and "home" not in read, f"markers_get: {read!r}")

    alice.notifications_dismiss(notes[0]["id"])
    kit.check([n["type"] for n in alice.notifications()] == ["mention", "follow"], "dismiss removed the favourite")
    alice.notifications_clear()
    kit.check(alice.notifications() == [], "clear removed everything")


def main():
    kit.run_with_instance("mastodon_py_notifications_test", scenario)


if __name__ == "__main__":
    main()
