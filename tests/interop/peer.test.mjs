// Self-test of the harness: two Fedify peers federate with each other through the same control
// API and the same loopback HTTP/HTTPS arrangement the Confrère tests use. When a test in
// fedify.test.mjs fails, this one passing says the fault is not in the harness.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";

import { generateLoopbackCertificate } from "./lib/dual-protocol.mjs";
import { startPeer } from "./lib/peer.mjs";
import { waitFor } from "./lib/util.mjs";

let certDir;
let tlsFiles;

before(() => {
    certDir = fs.mkdtempSync(path.join(os.tmpdir(), "confrere-interop-tls-"));
    tlsFiles = generateLoopbackCertificate(certDir);
});

after(() => {
    if (certDir) fs.rmSync(certDir, { recursive: true, force: true });
});

function find(peer, what, match) {
    return waitFor(what, async () => (await peer.inbox()).activities.find(match));
}

function assertVerified(entry, actor) {
    assert.equal(entry.verified, true);
    assert.equal(entry.actor, actor);
    assert.equal(entry.httpSignature?.verified, true, JSON.stringify(entry.httpSignature));
    assert.equal(entry.httpSignature.keyOwner, actor);
    assert.equal(entry.httpSignature.keyId, `${actor}#main-key`);
    assert.equal(entry.httpSignature.algorithm, "rsa-sha256");
}

test("two Fedify peers: lookup over https, follow, note, reply, signed GET, like, delete, unfollow", async () => {
    const a = await startPeer({ tlsFiles, username: "fedi" });
    const b = await startPeer({ tlsFiles, username: "bob" });
    try {
        // WebFinger for bob@127.0.0.1:PORT goes over https to b's dual port.
        const found = await a.lookup(b.handle);
        assert.equal(found.webfinger?.subject, `acct:${b.handle}`);
        assert.equal(found.actor.id, b.actor);
        assert.equal(found.publicKey.algorithm, "RSASSA-PKCS1-v1_5");
        assert.equal(found.publicKey.modulusLength, 2048);
        assert.equal(found.fetchKey.ok, true);

        const follow = await a.follow(b.handle);
        assert.equal(follow.delivered, true, follow.error);
        assertVerified(await find(b, "the Follow", (x) => x.type === "Follow"), a.actor);
        await waitFor("the Accept", async () => (await a.following()).find((f) => f.followId === follow.followId && f.state === "accepted"));
        assertVerified(await find(a, "the Accept", (x) => x.type === "Accept"), b.actor);
        assert.deepEqual((await b.followers()).map((f) => f.id), [a.actor]);

        const note = await b.note({ to: "followers", content: "<p>Hello followers</p>" });
        assert.equal(note.delivered, true, note.error);
        assert.deepEqual(note.recipients, [a.actor]);
        const create = await find(a, "the Create", (x) => x.type === "Create");
        assertVerified(create, b.actor);
        assert.equal(create.object.id, note.id);
        assert.equal(create.object.content, "<p>Hello followers</p>");

        const reply = await a.note({ to: b.actor, inReplyTo: note.id, content: "<p>Hello back</p>" });
        assert.equal(reply.delivered, true, reply.error);
        const replyCreate = await find(b, "the reply", (x) => x.type === "Create" && x.object?.inReplyTo === note.id);
        assertVerified(replyCreate, a.actor);

        const fetched = await a.signedFetch(note.id);
        assert.equal(fetched.status, 200);
        assert.equal(fetched.body.type, "Note");
        assert.equal(fetched.documentLoader.ok, true, fetched.documentLoader.error);

        const like = await a.like(note.id);
        assert.equal(like.delivered, true, like.error);
        assert.equal(like.target, b.actor);
        assertVerified(await find(b, "the Like", (x) => x.type === "Like"), a.actor);
        const undoLike = await a.undoLike(note.id);
        assert.equal(undoLike.delivered, true, undoLike.error);
        await find(b, "the Undo(Like)", (x) => x.type === "Undo" && x.object?.type === "Like");

        const deleted = await b.deleteNote(note.id);
        assert.equal(deleted.delivered, true, deleted.error);
        const del = await find(a, "the Delete", (x) => x.type === "Delete");
        assertVerified(del, b.actor);
        assert.equal(del.object.id, note.id);
        assert.equal((await a.signedFetch(note.id)).status, 404);

        const unfollow = await a.unfollow(b.handle);
        assert.equal(unfollow.delivered, true, unfollow.error);
        await waitFor("bob's followers emptied", async () => (await b.followers()).length === 0);

        // An unsigned POST is refused by Fedify and recorded as such.
        const unsigned = await fetch(`${b.origin}/inbox`, {
            method: "POST",
            headers: { "Content-Type": "application/activity+json" },
            body: JSON.stringify({ "@context": "https://www.w3.org/ns/activitystreams", id: `${a.origin}/x`, type: "Like", actor: a.actor, object: b.actor }),
        });
        assert.equal(unsigned.status, 401);
        const { refused } = await b.inbox();
        assert.equal(refused.length, 1);
        assert.equal(refused[0].status, 401);
        assert.equal(refused[0].verified, false);
        assert.equal(refused[0].httpSignature, null);

        const info = await a.nodeInfo(b.origin);
        assert.equal(info.parsed.software.name, "confrere-interop-peer");
    } catch (error) {
        error.message += `\n--- peer a:\n${a.logTail()}\n--- peer b:\n${b.logTail()}`;
        throw error;
    } finally {
        await a.stop();
        await b.stop();
    }
});
