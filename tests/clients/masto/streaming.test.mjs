// masto.js's streaming client (a WebSocket, the token sent as the sub-protocol, streams
// multiplexed with subscribe messages, as Elk and Phanpy use it) against the real server: bob
// follows alice and sees her posts, edits and deletions live; carol, who does not follow her,
// sees only what the instance timeline shows.
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, afterEach, before, describe, test } from "node:test";

import { createStreamingAPIClient } from "masto";

import { CONFRERE_BINARY, logTailsOnFailure, member, startConfrere } from "./lib/clients.mjs";

// Reads a masto.js subscription with deadlines: next(predicate) resolves to the first event
// that matches, or undefined once `ms` passed. One iterator.next() is kept pending across calls.
function eventReader(subscription) {
    const iterator = subscription[Symbol.asyncIterator]();
    let pending = null;
    return async (predicate, ms = 10_000) => {
        const deadline = Date.now() + ms;
        while (Date.now() < deadline) {
            pending ??= iterator.next();
            let timer;
            const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve("timeout"), deadline - Date.now()); });
            const result = await Promise.race([pending, timeout]);
            clearTimeout(timer);
            if (result === "timeout")
                return undefined;
            pending = null;
            if (result.done)
                return undefined;
            if (predicate(result.value))
                return result.value;
        }
        return undefined;
    };
}

describe("streaming through masto.js", () => {
    let instance;
    let alice;
    let bob;
    let carol;
    const clients = [];

    before(async () => {
        assert.ok(fs.existsSync(CONFRERE_BINARY), `Confrère binary not found at ${CONFRERE_BINARY} (set CONFRERE_BINARY)`);
        instance = await startConfrere({ members: [{ username: "alice" }, { username: "bob" }, { username: "carol" }] });
        alice = await member(instance, "alice");
        bob = await member(instance, "bob");
        carol = await member(instance, "carol");
        await bob.masto.v1.accounts.$select(alice.account.id).follow();
    });

    after(async () => {
        for (const c of clients)
            c.close();
        await instance?.stop();
    });

    afterEach(logTailsOnFailure(() => ({ instance })));

    // The URL a client discovers: urls.streaming_api of the instance.
    async function streamingClient(who) {
        const info = await who.masto.v1.instance.fetch();
        assert.match(info.urls.streamingApi, /^ws:\/\/127\.0\.0\.1:\d+$/);
        const client = createStreamingAPIClient({ streamingApiUrl: info.urls.streamingApi, accessToken: who.token.accessToken, retry: false });
        clients.push(client);
        return client;
    }

    // masto.js connects and subscribes asynchronously: post probes until the first one arrives,
    // so what the test posts next is known to be streamed, not raced.
    async function primed(next, author) {
        for (let i = 0; i < 20; i++) {
            const probe = await author.masto.v1.statuses.create({ status: `sonde ${i}` });
            if (await next((e) => e.event === "update" && e.payload.id === probe.id, 500))
                return;
        }
        assert.fail("the stream never delivered a probe");
    }

    test("the user stream shows a followed member's post, its edit and its deletion", async () => {
        const streaming = await streamingClient(bob);
        const next = eventReader(streaming.user.subscribe());
        await primed(next, alice);

        const posted = await alice.masto.v1.statuses.create({ status: "Rappel : lots retirés ce matin", visibility: "private" });
        const update = await next((e) => e.event === "update" && e.payload.id === posted.id);
        assert.ok(update, "no update event for the followers-only post");
        assert.deepEqual(update.stream, ["user"]);
        assert.equal(update.payload.account.id, alice.account.id);
        assert.match(update.payload.content, /lots retirés/);

        await alice.masto.v1.statuses.$select(posted.id).update({ status: "Rappel : lots retirés ce matin (liste jointe)" });
        const edited = await next((e) => e.event === "status.update" && e.payload.id === posted.id);
        assert.ok(edited, "no status.update event");
        assert.match(edited.payload.content, /liste jointe/);

        await alice.masto.v1.statuses.$select(posted.id).remove();
        const deleted = await next((e) => e.event === "delete" && e.payload === posted.id);
        assert.ok(deleted, "no delete event");
    });

    test("a non-follower's streams show the instance timeline, never followers-only posts", async () => {
        const streaming = await streamingClient(carol);
        const local = eventReader(streaming.public.local.subscribe());
        const home = eventReader(streaming.user.subscribe());
        await primed(local, alice);

        const hidden = await alice.masto.v1.statuses.create({ status: "Pour mes abonnés seulement", visibility: "private" });
        const shared = await alice.masto.v1.statuses.create({ status: "Pour toute l'officine" });
        const seen = await local((e) => e.event === "update");
        assert.equal(seen?.payload.id, shared.id, "the first post on public:local must be the instance post");
        assert.deepEqual(seen.stream, ["public:local"]);
        const leaked = await home((e) => e.event === "update" && (e.payload.id === hidden.id || e.payload.id === shared.id), 1_500);
        assert.equal(leaked, undefined, "carol's home stream showed a post of someone she does not follow");
    });
});
