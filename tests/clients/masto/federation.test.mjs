// masto.js across two Confrère instances that trust each other (as
// tests/integration/federation_test.cpp sets them up: `confrere admin peer add` both ways):
// bob, on the second, looks alice up by her handle, follows her, and her followers-only post
// reaches his home timeline once delivered; her instance post never leaves her instance.
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, afterEach, before, describe, test } from "node:test";

import { CONFRERE_BINARY, homeWith, logTailsOnFailure, member, rejectsWith, startConfrere, waitFor } from "./lib/clients.mjs";

const DELIVERY_DEADLINE_MS = 20_000;

describe("two instances through masto.js", () => {
    let pharmacy;
    let nursing;
    let alice;
    let bob;

    before(async () => {
        assert.ok(fs.existsSync(CONFRERE_BINARY), `Confrère binary not found at ${CONFRERE_BINARY} (set CONFRERE_BINARY)`);
        pharmacy = await startConfrere({ members: [{ username: "alice", firstName: "Alice", lastName: "Pharma" }] });
        nursing = await startConfrere({ members: [{ username: "bob" }] });
        for (const [at, peer] of [[pharmacy, nursing], [nursing, pharmacy]]) {
            const added = await at.admin(["peer", "add", peer.host, "--note", "masto.js federation test"]);
            assert.equal(added.code, 0, added.stderr);
        }
        alice = await member(pharmacy, "alice");
        bob = await member(nursing, "bob");
    });

    after(async () => {
        await nursing?.stop();
        await pharmacy?.stop();
    });

    afterEach(logTailsOnFailure(() => ({ pharmacy, nursing })));

    test("remote lookup, follow, and a followers-only post delivered to the home timeline", async () => {
        const handle = `alice@${pharmacy.host}`;
        // How apps find someone by handle: search v2 with resolve (WebFinger on the other side).
        const found = await bob.masto.v2.search.list({ q: `@${handle}`, type: "accounts", resolve: true });
        assert.deepEqual(found.accounts.map((a) => a.acct), [handle]);
        const remote = await bob.masto.v1.accounts.lookup({ acct: handle });
        assert.equal(remote.id, found.accounts[0].id);
        assert.equal(remote.username, "alice");
        assert.equal(remote.acct, handle);
        assert.equal((await bob.masto.v1.accounts.$select(remote.id).fetch()).acct, handle);
        await rejectsWith(bob.masto.v1.accounts.lookup({ acct: `nobody@${pharmacy.host}` }), 404);

        const asked = await bob.masto.v1.accounts.$select(remote.id).follow();
        // The follow reaches alice's instance, which notifies her.
        await waitFor("alice's follow notification", async () => {
            const notes = await alice.masto.v1.notifications.list({ types: ["follow"] });
            return notes.some((n) => n.account.acct === `bob@${nursing.host}`);
        }, { timeoutMs: DELIVERY_DEADLINE_MS });
        assert.equal(asked.id, remote.id);
        assert.ok(asked.following || asked.requested, `follow answered ${JSON.stringify(asked)}`);
        // Alice's instance answers with an Accept.
        await waitFor("the Accept of bob's follow", async () => {
            const [relationship] = await bob.masto.v1.accounts.relationships.fetch({ id: [remote.id] });
            return relationship?.following === true;
        }, { timeoutMs: DELIVERY_DEADLINE_MS });
        const [seenByAlice] = await alice.masto.v1.accounts.relationships.fetch({
            id: [(await alice.masto.v1.accounts.lookup({ acct: `bob@${nursing.host}` })).id],
        });
        assert.equal(seenByAlice.followedBy, true);

        await alice.masto.v1.statuses.create({ status: "fed-instance: stays home" });
        const shared = await alice.masto.v1.statuses.create({ status: "fed-followers: for my followers", visibility: "private" });
        const [arrived] = await waitFor("the followers-only post on bob's home timeline",
            async () => {
                const found = await homeWith(bob.masto, "fed-followers");
                return found.length > 0 ? found : null;
            },
            { timeoutMs: DELIVERY_DEADLINE_MS });
        assert.equal(arrived.account.id, remote.id);
        assert.equal(arrived.account.acct, handle);
        assert.equal(arrived.visibility, "private");
        assert.equal(arrived.uri, shared.uri, "the same ActivityPub object");
        assert.equal((await bob.masto.v1.statuses.$select(arrived.id).fetch()).id, arrived.id);
        // The instance post, posted before it, never leaves its instance.
        assert.deepEqual(await homeWith(bob.masto, "fed-instance"), []);

        // Unfollowed, bob is no longer sent alice's followers-only posts.
        const unfollowed = await bob.masto.v1.accounts.$select(remote.id).unfollow();
        assert.equal(unfollowed.following, false);
        await waitFor("alice's instance to see the Undo", async () => {
            const [r] = await alice.masto.v1.accounts.relationships.fetch({ id: [seenByAlice.id] });
            return r?.followedBy === false;
        }, { timeoutMs: DELIVERY_DEADLINE_MS });
        await alice.masto.v1.statuses.create({ status: "fed-after: not for bob", visibility: "private" });
        const marker = await alice.masto.v1.statuses.create({ status: "@bob@" + nursing.host + " fed-marker: direct", visibility: "direct" });
        assert.equal(marker.mentions[0]?.acct, `bob@${nursing.host}`);
        await waitFor("the direct message to bob", async () => (await homeWith(bob.masto, "fed-marker")).length > 0, { timeoutMs: DELIVERY_DEADLINE_MS });
        assert.deepEqual(await homeWith(bob.masto, "fed-after"), []);
    });
});
