// Interoperability of Confrère with Fedify (an independent ActivityPub implementation).
// Each test starts its own Confrère instance and its own Fedify peer (fedify-peer.mjs), both on
// 127.0.0.1, and stops them at the end, on failure too. Run: `npm ci && node --test` here;
// CONFRERE_BINARY names the binary (default /work/main/build/server/confrere).
//
// The first group covers discovery, actors, NodeInfo and the inbox's refusals; the second,
// follows, notes, replies, Undo, Delete, Like and signed GETs in both directions.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import { CONFRERE_BINARY, signIn, startConfrere } from "./lib/confrere.mjs";
import { generateLoopbackCertificate } from "./lib/dual-protocol.mjs";
import { startPeer } from "./lib/peer.mjs";
import { waitFor } from "./lib/util.mjs";

const PUBLIC = ["https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"];

let certDir;
let tlsFiles;

before(() => {
    assert.ok(fs.existsSync(CONFRERE_BINARY), `Confrère binary not found at ${CONFRERE_BINARY} (set CONFRERE_BINARY)`);
    certDir = fs.mkdtempSync(path.join(os.tmpdir(), "confrere-interop-tls-"));
    tlsFiles = generateLoopbackCertificate(certDir);
});

after(() => {
    if (certDir) fs.rmSync(certDir, { recursive: true, force: true });
});

// Starts a Fedify peer, then a Confrère instance that trusts it, runs `body({peer, confrere})`,
// and stops both. On failure the error carries the tail of both logs.
async function scenario(options, body) {
    const peer = await startPeer({ tlsFiles });
    let confrere = null;
    try {
        confrere = await startConfrere({
            tlsFiles,
            members: options.members ?? [{ username: "alice" }],
            trustedPeers: options.trustedPeers ?? [peer.host],
        });
        await body({ peer, confrere });
    } catch (error) {
        const logs = `\n--- confrère log tail:\n${confrere?.logTail() ?? "(not started)"}\n--- fedify peer log tail:\n${peer.logTail()}`;
        if (error instanceof Error) error.message += logs;
        throw error;
    } finally {
        await confrere?.stop();
        await peer.stop();
    }
}

// The entry of the peer's inbox that `match` accepts, waited for.
function receivedBy(peer, what, match) {
    return waitFor(what, async () => (await peer.inbox()).activities.find(match));
}

function objectId(entry) {
    return typeof entry.object === "string" ? entry.object : entry.object?.id;
}

function assertSignedBy(entry, actorUrl) {
    assert.equal(entry.verified, true, "Fedify dispatched it, so it verified it");
    assert.ok(entry.httpSignature, "the delivery carries an HTTP Signature");
    assert.equal(entry.httpSignature.verified, true, `Fedify's verifyRequest accepts the signature: ${JSON.stringify(entry.httpSignature)}`);
    assert.equal(entry.httpSignature.keyOwner, actorUrl);
    assert.equal(entry.actor, actorUrl);
}

// ---------------------------------------------------------------------------------------------

describe("what Confrère serves today", () => {
    test("Fedify resolves a member by WebFinger handle, fetches the minimal actor and reads its RSA key", async () => {
        await scenario({}, async ({ peer, confrere }) => {
            const actorUrl = confrere.actorUrl("alice");
            const found = await peer.lookup(confrere.handle("alice"));

            assert.equal(found.webfinger?.subject, `acct:alice@${confrere.host}`);
            const self = found.webfinger.links.find((l) => l.rel === "self");
            assert.equal(self.type, "application/activity+json");
            assert.equal(self.href, actorUrl);

            assert.deepEqual(found.actor, {
                id: actorUrl,
                type: "Person",
                preferredUsername: "alice",
                name: null,
                inbox: `${actorUrl}/inbox`,
                outbox: `${actorUrl}/outbox`,
                followers: null,
                following: null,
                sharedInbox: `${confrere.baseUrl}/inbox`,
                url: null,
                summary: null,
                attributedTo: null,
                tags: [],
            });
            // Anonymous fetch: the minimal document, nothing of the member's profile.
            const allowed = new Set(["@context", "id", "type", "preferredUsername", "inbox", "outbox", "endpoints", "publicKey"]);
            const extra = Object.keys(found.document).filter((k) => !allowed.has(k));
            assert.deepEqual(extra, [], "the anonymous actor document is minimal");

            for (const key of [found.publicKey, found.fetchKey]) {
                assert.equal(key.id, `${actorUrl}#main-key`);
                assert.equal(key.owner, actorUrl);
                assert.equal(key.algorithm, "RSASSA-PKCS1-v1_5");
                assert.ok(key.modulusLength >= 2048, `RSA modulus ${key.modulusLength} bits`);
            }
            assert.equal(found.fetchKey.ok, true);
            // The reverse check Mastodon and Fedify make: WebFinger on the actor URL.
            assert.equal(found.reverseWebfinger?.subject, `acct:alice@${confrere.host}`);
        });
    });

    test("Fedify finds no actor for a pending or unknown account", async () => {
        await scenario({ members: [{ username: "alice" }, { username: "bob", validated: false }] }, async ({ peer, confrere }) => {
            for (const username of ["bob", "nobody"]) {
                const found = await peer.lookup(confrere.handle(username));
                assert.equal(found.webfinger, null, `no WebFinger answer for ${username}`);
                assert.equal(found.actor, null);
                assert.match(found.error, /no actor found/);
                const byUrl = await peer.lookup(confrere.actorUrl(username));
                assert.equal(byUrl.actor, null, `no actor at ${confrere.actorUrl(username)}`);
            }
        });
    });

    test("Fedify resolves the instance actor (Application) and its key", async () => {
        await scenario({}, async ({ peer, confrere }) => {
            const found = await peer.lookup(`${confrere.baseUrl}/actor`);
            assert.equal(found.actor?.id, `${confrere.baseUrl}/actor`);
            assert.equal(found.actor.type, "Application");
            assert.equal(found.actor.sharedInbox, `${confrere.baseUrl}/inbox`);
            assert.equal(found.publicKey.id, `${confrere.baseUrl}/actor#main-key`);
            assert.equal(found.publicKey.algorithm, "RSASSA-PKCS1-v1_5");
            assert.equal(found.fetchKey.ok, true);
            assert.equal(found.reverseWebfinger?.subject, `acct:${confrere.host}@${confrere.host}`);
        });
    });

    test("Fedify's NodeInfo client reads Confrère's NodeInfo (strict parse)", async () => {
        await scenario({ members: [{ username: "alice" }, { username: "carol" }, { username: "bob", validated: false }] }, async ({ peer, confrere }) => {
            const info = await peer.nodeInfo(confrere.baseUrl);
            assert.ok(info.parsed, `Fedify's strict parser accepts the document: ${JSON.stringify(info.raw)}`);
            assert.equal(info.parsed.software.name, "confrere");
            assert.match(info.parsed.software.version, /^\d+\.\d+\.\d+/);
            assert.deepEqual(info.parsed.protocols, ["activitypub"]);
            assert.equal(info.parsed.openRegistrations, false);
            assert.equal(info.parsed.usage.users.total, 2, "active members only");
            assert.ok(["2.0", "2.1"].includes(info.raw.version), `schema ${info.raw.version}`);
            assert.equal(info.raw.metadata.membersOnly, true);
        });
    });

    test("Fedify-signed POSTs are accepted from a trusted peer and refused with 403 from any other", async () => {
        await scenario({}, async ({ peer, confrere }) => {
            // Follow -> personal inbox, Create(Note) -> shared inbox: 202 once applied.
            const follow = await peer.follow(confrere.handle("alice"));
            assert.equal(follow.target, confrere.actorUrl("alice"));
            assert.equal(follow.delivered, true, follow.error);
            const note = await peer.note({ to: confrere.actorUrl("alice"), content: "<p>Bonjour</p>", sharedInbox: true });
            assert.equal(note.delivered, true, note.error);
        });
        await scenario({ trustedPeers: [] }, async ({ peer, confrere }) => {
            // Not in the allowlist: refused before anything is parsed, and never retried.
            const follow = await peer.follow(confrere.handle("alice"));
            assert.equal(follow.delivered, false);
            assert.equal(follow.status, 403, follow.error);
        });
    });

    test("a Fedify-signed GET: the actor and its collections answer a trusted peer, not an anonymous one", async () => {
        await scenario({}, async ({ peer, confrere }) => {
            const actorUrl = confrere.actorUrl("alice");
            const actor = await peer.signedFetch(actorUrl);
            assert.equal(actor.status, 200);
            assert.match(actor.contentType, /^application\/activity\+json/);
            assert.equal(actor.body.id, actorUrl);
            assert.equal(actor.body.publicKey.id, `${actorUrl}#main-key`);
            assert.equal(actor.documentLoader.ok, true, actor.documentLoader.error);
            assert.match(actor.signature, /^keyId="[^"]+#main-key",algorithm="rsa-sha256",headers="\(request-target\) /);

            // Followers and following: their size (pages list the peer's own actors); outbox: what the signer may read.
            for (const collection of ["outbox", "followers", "following"]) {
                const answer = await peer.signedFetch(`${actorUrl}/${collection}`);
                assert.equal(answer.status, 200, `${collection}: ${JSON.stringify(answer.body)}`);
                assert.equal(answer.body.type, "OrderedCollection");
                assert.equal(answer.body.id, `${actorUrl}/${collection}`);
                assert.equal(answer.body.totalItems, 0);
                const anonymous = await fetch(`${actorUrl}/${collection}`, { headers: { accept: "application/activity+json" } });
                assert.equal(anonymous.status, 401, `${collection} answered an unsigned GET`);
            }
        });
    });
});

// ---------------------------------------------------------------------------------------------
// Federation with a member: follows, notes, replies, Undo, Delete, Like and signed GETs both ways.

// Fedify's actor follows `username`; resolves once Confrère's Accept arrived.
async function peerFollowsMember(peer, confrere, username = "alice") {
    const follow = await peer.follow(confrere.handle(username));
    assert.equal(follow.delivered, true, `Follow delivered: ${follow.error}`);
    await waitFor(`Confrère's Accept of ${follow.followId}`, async () =>
        (await peer.following()).find((f) => f.followId === follow.followId && f.state === "accepted"));
    return follow;
}

// The member (signed in) follows Fedify's actor; resolves once Confrère took Fedify's Accept
// (its inbox answers 2xx only once the activity is applied). Returns the Mastodon Account.
async function memberFollowsPeer(peer, confrere, session) {
    const account = await session.resolveAccount(peer.handle);
    assert.equal(account.acct, peer.handle);
    assert.equal(account.uri, peer.actor);
    const answer = await session.follow(account.id);
    assert.equal(answer.status, 200, answer.text);
    const actorUrl = confrere.actorUrl(session.username);
    const follow = await waitFor("the Follow and Fedify's Accept of it", async () =>
        (await peer.inbox()).activities.find((a) => a.type === "Follow" && a.actor === actorUrl && a.reply?.delivered));
    assert.ok((await peer.followers()).some((f) => f.id === actorUrl));
    return { account, follow };
}

const followersCount = async (session) => (await session.credentials())?.followers_count;

describe("federation with Fedify", () => {
    test("Fedify follows a member and receives a signed Accept", async () => {
        await scenario({}, async ({ peer, confrere }) => {
            const follow = await peerFollowsMember(peer, confrere);
            const accept = await receivedBy(peer, "the Accept", (a) => a.type === "Accept");
            assertSignedBy(accept, confrere.actorUrl("alice"));
            assert.equal(objectId(accept), follow.followId, "the Accept names the Follow");

            const alice = await signIn(confrere, "alice");
            assert.equal(await followersCount(alice), 1);

            // The followers collection, signed by the peer: its size, and a page listing the
            // peer's own actors only.
            const followersUrl = `${confrere.actorUrl("alice")}/followers`;
            const collection = await peer.signedFetch(followersUrl);
            assert.equal(collection.status, 200);
            assert.equal(collection.body.totalItems, 1);
            const page = await peer.signedFetch(collection.body.first);
            assert.equal(page.status, 200, JSON.stringify(page.body));
            assert.equal(page.body.type, "OrderedCollectionPage");
            assert.deepEqual(page.body.orderedItems, [peer.actor]);
        });
    });

    test("a member follows the Fedify actor: a signed Follow, and Fedify's Accept settles it", async () => {
        await scenario({}, async ({ peer, confrere }) => {
            const alice = await signIn(confrere, "alice");
            const { account, follow } = await memberFollowsPeer(peer, confrere, alice);
            assertSignedBy(follow, confrere.actorUrl("alice"));
            assert.equal(objectId(follow), peer.actor);
            // Mastodon's relationships endpoint (assumed): the follow is no longer a request.
            const relationship = await alice.relationship(account.id);
            assert.equal(relationship?.following, true);
            assert.equal(relationship?.requested, false);
        });
    });

    test("a followers-only note from Confrère reaches Fedify with a valid signature", async () => {
        await scenario({}, async ({ peer, confrere }) => {
            const aliceUrl = confrere.actorUrl("alice");
            await peerFollowsMember(peer, confrere);
            const alice = await signIn(confrere, "alice");
            const posted = await alice.post({ status: "Rappel : protocole de vaccination mis à jour.", visibility: "private" });
            assert.equal(posted.status, 200, posted.text);

            const create = await receivedBy(peer, "the Create", (a) => a.type === "Create");
            assertSignedBy(create, aliceUrl);
            assert.equal(create.object.type, "Note");
            assert.equal(create.object.id, posted.json.uri);
            assert.equal(create.object.attributedTo, aliceUrl);
            assert.match(create.object.content, /protocole de vaccination/);
            const audience = [create.object.to, create.object.cc, create.raw.to, create.raw.cc].flat().filter(Boolean);
            assert.ok(audience.includes(`${aliceUrl}/followers`), `addressed to alice's followers: ${audience}`);
            assert.ok(!audience.some((a) => PUBLIC.includes(a)), `never public: ${audience}`);
        });
    });

    test("a note from Fedify to its followers shows in the member's home timeline", async () => {
        await scenario({}, async ({ peer, confrere }) => {
            const alice = await signIn(confrere, "alice");
            await memberFollowsPeer(peer, confrere, alice);
            const note = await peer.note({ to: "followers", content: "<p>Nouvelle recommandation HAS publiée.</p>" });
            assert.equal(note.delivered, true, note.error);
            assert.deepEqual(note.recipients, [confrere.actorUrl("alice")]);

            const status = await waitFor("the note in alice's home timeline", async () =>
                (await alice.homeTimeline())?.find((s) => s.uri === note.id));
            assert.equal(status.account.acct, peer.handle);
            assert.match(status.content, /recommandation HAS/);
            assert.equal(status.visibility, "private");
        });
    });

    test("replies cross both ways", async () => {
        await scenario({}, async ({ peer, confrere }) => {
            const aliceUrl = confrere.actorUrl("alice");
            const alice = await signIn(confrere, "alice");
            await memberFollowsPeer(peer, confrere, alice);
            await peerFollowsMember(peer, confrere);

            // Fedify posts, alice replies. A reply to someone else's followers-only post can
            // only be direct to its author (docs/federation.md), hence the mention.
            const note = await peer.note({ to: "followers", content: "<p>Question : posologie chez l'enfant ?</p>" });
            assert.equal(note.delivered, true, note.error);
            const status = await waitFor("the note in alice's timeline", async () =>
                (await alice.homeTimeline())?.find((s) => s.uri === note.id));
            const reply = await alice.post({ status: `@${peer.handle} 15 mg/kg toutes les 6 h.`, visibility: "direct", in_reply_to_id: status.id });
            assert.equal(reply.status, 200, reply.text);
            const replyCreate = await receivedBy(peer, "alice's reply", (a) => a.type === "Create" && a.object?.inReplyTo === note.id);
            assertSignedBy(replyCreate, aliceUrl);
            assert.equal(replyCreate.object.id, reply.json.uri);

            // alice posts, Fedify replies to her: the reply is in alice's home timeline, threaded.
            const posted = await alice.post({ status: "Rupture de stock signalée.", visibility: "private" });
            assert.equal(posted.status, 200, posted.text);
            await receivedBy(peer, "alice's note", (a) => a.type === "Create" && a.object?.id === posted.json.uri);
            const answer = await peer.note({ to: aliceUrl, inReplyTo: posted.json.uri, content: "<p>Même chose ici.</p>" });
            assert.equal(answer.delivered, true, answer.error);
            const threaded = await waitFor("Fedify's reply in alice's timeline", async () =>
                (await alice.homeTimeline())?.find((s) => s.uri === answer.id));
            assert.equal(threaded.in_reply_to_id, posted.json.id);
            assert.equal(threaded.account.acct, peer.handle);
        });
    });

    test("Undo Follow in both directions", async () => {
        await scenario({}, async ({ peer, confrere }) => {
            const aliceUrl = confrere.actorUrl("alice");
            const alice = await signIn(confrere, "alice");

            // Fedify unfollows alice.
            await peerFollowsMember(peer, confrere);
            assert.equal(await followersCount(alice), 1);
            const undo = await peer.unfollow(confrere.handle("alice"));
            assert.equal(undo.delivered, true, undo.error);
            assert.equal(await followersCount(alice), 0, "the Undo is applied once Confrère answered 2xx");

            // alice unfollows Fedify.
            const { account } = await memberFollowsPeer(peer, confrere, alice);
            const answer = await alice.unfollow(account.id);
            assert.equal(answer.status, 200, answer.text);
            assert.equal(answer.json.following, false);
            const undoFollow = await receivedBy(peer, "alice's Undo", (a) => a.type === "Undo");
            assertSignedBy(undoFollow, aliceUrl);
            await waitFor("alice gone from the peer's followers", async () => (await peer.followers()).length === 0);
        });
    });

    test("Delete in both directions", async () => {
        await scenario({}, async ({ peer, confrere }) => {
            const aliceUrl = confrere.actorUrl("alice");
            const alice = await signIn(confrere, "alice");
            await memberFollowsPeer(peer, confrere, alice);
            await peerFollowsMember(peer, confrere);

            // Fedify deletes its note: it leaves alice's timeline.
            const note = await peer.note({ to: "followers", content: "<p>Message envoyé par erreur.</p>" });
            assert.equal(note.delivered, true, note.error);
            const status = await waitFor("the note in alice's timeline", async () =>
                (await alice.homeTimeline())?.find((s) => s.uri === note.id));
            const deleted = await peer.deleteNote(note.id);
            assert.equal(deleted.delivered, true, deleted.error);
            assert.ok((await alice.homeTimeline()).every((s) => s.uri !== note.id), "gone from the timeline");
            assert.equal((await alice.status(status.id)).status, 404);

            // alice deletes hers: Fedify receives a signed Delete of it.
            const posted = await alice.post({ status: "Brouillon publié par erreur.", visibility: "private" });
            assert.equal(posted.status, 200, posted.text);
            await receivedBy(peer, "alice's note", (a) => a.type === "Create" && a.object?.id === posted.json.uri);
            const removed = await alice.deleteStatus(posted.json.id);
            assert.equal(removed.status, 200, removed.text);
            const del = await receivedBy(peer, "alice's Delete", (a) => a.type === "Delete");
            assertSignedBy(del, aliceUrl);
            assert.equal(objectId(del), posted.json.uri);
        });
    });

    test("the Fedify peer, a follower, reads a member's note with a signed GET", async () => {
        await scenario({}, async ({ peer, confrere }) => {
            await peerFollowsMember(peer, confrere);
            const alice = await signIn(confrere, "alice");
            const posted = await alice.post({ status: "Note réservée aux abonnés.", visibility: "private" });
            assert.equal(posted.status, 200, posted.text);

            const fetched = await peer.signedFetch(posted.json.uri);
            assert.equal(fetched.status, 200, JSON.stringify(fetched.body));
            assert.match(fetched.contentType, /^application\/(activity\+json|ld\+json)/);
            assert.equal(fetched.body.type, "Note");
            assert.equal(fetched.body.id, posted.json.uri);
            assert.equal(fetched.body.attributedTo, confrere.actorUrl("alice"));
            assert.match(fetched.body.content, /réservée aux abonnés/);
            assert.equal(fetched.documentLoader.ok, true, fetched.documentLoader.error);

            // Without a signature, nothing of a member's content is served.
            const anonymous = await fetch(posted.json.uri, { headers: { Accept: "application/activity+json" } });
            assert.ok([401, 403, 404].includes(anonymous.status), `unsigned GET answered ${anonymous.status}`);
        });
    });

    test("Like and Undo Like from Fedify count on the member's note", async () => {
        await scenario({}, async ({ peer, confrere }) => {
            await peerFollowsMember(peer, confrere);
            const alice = await signIn(confrere, "alice");
            const posted = await alice.post({ status: "Retour d'expérience sur la PDA.", visibility: "private" });
            assert.equal(posted.status, 200, posted.text);
            await receivedBy(peer, "alice's note", (a) => a.type === "Create" && a.object?.id === posted.json.uri);

            const like = await peer.like(posted.json.uri, confrere.actorUrl("alice"));
            assert.equal(like.delivered, true, like.error);
            assert.equal((await alice.status(posted.json.id)).json?.favourites_count, 1);
            const undo = await peer.undoLike(posted.json.uri);
            assert.equal(undo.delivered, true, undo.error);
            assert.equal((await alice.status(posted.json.id)).json?.favourites_count, 0);
        });
    });
});

// ---------------------------------------------------------------------------------------------
// Groups (FEP-1b12, docs/federation.md "Groups"): the Fedify actor joins a Confrère group by
// following it, receives what the group announces, and posts into it as a member.

const GROUP_MEMBERS = [{ username: "carol", role: "moderator" }, { username: "alice" }];

// Creates a group on `confrere` as the moderator carol (interdisciplinary unless told otherwise).
// Returns carol's session, the Group entity, the group's actor URL and its handle.
async function createGroup(confrere, { name = "pied_diabetique", interdisciplinary = true } = {}) {
    const carol = await signIn(confrere, "carol");
    const answer = await carol.api("POST", "/api/v1/confrere/groups", {
        name,
        display_name: "Pied diabétique",
        interdisciplinary,
        tags: ["plaies", "diabete"],
    });
    assert.equal(answer.status, 200, answer.text);
    const actorUrl = `${confrere.baseUrl}/groups/${name}`;
    assert.equal(answer.json.uri, actorUrl);
    return { carol, group: answer.json, actorUrl, handle: `${name}@${confrere.host}` };
}

// Fedify's actor follows the group; resolves once the group's Accept arrived (the Accept entry).
async function peerJoinsGroup(peer, group) {
    const follow = await peer.follow(group.handle);
    assert.equal(follow.target, group.actorUrl);
    assert.equal(follow.delivered, true, `Follow delivered: ${follow.error}`);
    await waitFor(`the group's Accept of ${follow.followId}`, async () =>
        (await peer.following()).find((f) => f.followId === follow.followId && f.state === "accepted"));
    return receivedBy(peer, "the Accept", (a) => a.type === "Accept" && objectId(a) === follow.followId);
}

// A local member joins the group (POST /api/v1/confrere/groups/:id/join).
async function memberJoins(confrere, username, group) {
    const session = await signIn(confrere, username);
    const joined = await session.api("POST", `/api/v1/confrere/groups/${group.group.id}/join`);
    assert.equal(joined.status, 200, joined.text);
    return session;
}

// The group's Announce whose announced object (as Fedify parsed it) `match` accepts.
function announcedBy(peer, group, what, match) {
    return receivedBy(peer, what, (a) => a.type === "Announce" && a.actor === group.actorUrl && a.announced && match(a.announced));
}

const groupTimeline = async (session, group) =>
    (await session.api("GET", `/api/v1/timelines/group/${group.group.id}`)).json;

describe("groups (FEP-1b12) with Fedify", () => {
    test("Fedify finds a group by WebFinger, joins it by following it and receives the group's signed Accept", async () => {
        await scenario({ members: GROUP_MEMBERS }, async ({ peer, confrere }) => {
            const group = await createGroup(confrere);
            const found = await peer.lookup(group.handle);
            assert.equal(found.webfinger?.subject, `acct:${group.handle}`);
            assert.equal(found.webfinger.links.find((l) => l.rel === "self")?.href, group.actorUrl);
            assert.equal(found.actor?.type, "Group");
            assert.equal(found.actor.id, group.actorUrl);
            assert.equal(found.actor.inbox, `${group.actorUrl}/inbox`);
            assert.equal(found.actor.sharedInbox, null, "peers deliver to the group itself");
            assert.equal(found.publicKey?.owner, group.actorUrl);
            assert.equal(found.fetchKey?.ok, true);
            assert.equal(found.reverseWebfinger?.subject, `acct:${group.handle}`, "WebFinger on the group's URL names it back");

            const accept = await peerJoinsGroup(peer, group);
            assertSignedBy(accept, group.actorUrl);
            // A trusted peer's signed GET reads the full document: Fedify parses its profile.
            const full = await peer.lookup(group.handle, { signed: true });
            assert.equal(full.actor?.name, "Pied diabétique");
            assert.equal(full.actor.followers, `${group.actorUrl}/followers`);
            assert.equal(full.actor.attributedTo, `${group.actorUrl}/moderators`, "attributedTo names the moderators");
            const tags = [...full.actor.tags].sort((a, b) => a.name.localeCompare(b.name));
            assert.deepEqual(tags, [{ type: "Hashtag", name: "#diabete" }, { type: "Hashtag", name: "#plaies" }],
                "the specialty tags are Hashtags");
            const seen = await group.carol.api("GET", `/api/v1/confrere/groups/${group.group.id}`);
            assert.equal(seen.json?.members_count, 2, seen.text);
            const members = await group.carol.api("GET", `/api/v1/confrere/groups/${group.group.id}/members`);
            assert.ok(members.json?.some((m) => m.account?.acct === peer.handle), `Fedify's actor among the members: ${members.text}`);
        });
    });

    test("a member's group post reaches Fedify as the group's signed Announce of the Create, and of the Note", async () => {
        await scenario({ members: GROUP_MEMBERS }, async ({ peer, confrere }) => {
            const group = await createGroup(confrere);
            await peerJoinsGroup(peer, group);
            const alice = await memberJoins(confrere, "alice", group);
            const aliceUrl = confrere.actorUrl("alice");
            const posted = await alice.post({ status: "Mal perforant plantaire : quelle décharge ?", group_id: group.group.id });
            assert.equal(posted.status, 200, posted.text);
            assert.equal(posted.json.confrere_audience, "group");

            const ofCreate = await announcedBy(peer, group, "the Announce of the Create", (o) => o.type === "Create" && o.object?.id === posted.json.uri);
            assertSignedBy(ofCreate, group.actorUrl);
            const create = ofCreate.announced;
            assert.equal(create.actor, aliceUrl);
            assert.equal(create.object.type, "Note");
            assert.equal(create.object.attributedTo, aliceUrl);
            assert.equal(create.object.audience, group.actorUrl, "the Note names the group as its audience");
            assert.ok(create.object.to.includes(group.actorUrl), `addressed to the group: ${create.object.to}`);
            assert.match(create.object.content, /Mal perforant plantaire/);
            const addressed = [create.to, create.cc, create.object.to, create.object.cc, ofCreate.raw.to, ofCreate.raw.cc].flat();
            assert.ok(!addressed.some((a) => PUBLIC.includes(a)), `never public: ${addressed}`);
            assert.ok([ofCreate.raw.to, ofCreate.raw.cc].flat().includes(`${group.actorUrl}/followers`), "the Announce goes to the group's followers");

            const ofNote = await announcedBy(peer, group, "the Announce of the bare Note", (o) => o.type === "Note" && o.id === posted.json.uri);
            assertSignedBy(ofNote, group.actorUrl);
            assert.equal(ofNote.announced.audience, group.actorUrl);

            // The peer has a member: its signed GET of the post is answered.
            const fetched = await peer.signedFetch(posted.json.uri);
            assert.equal(fetched.status, 200, JSON.stringify(fetched.body));
            assert.equal(fetched.body.audience, group.actorUrl);
            assert.equal(fetched.documentLoader.ok, true, fetched.documentLoader.error);
        });
    });

    test("a note from Fedify, a member, to the group shows in the group's timeline and is announced back unchanged", async () => {
        await scenario({ members: GROUP_MEMBERS }, async ({ peer, confrere }) => {
            const group = await createGroup(confrere);
            await peerJoinsGroup(peer, group);
            const alice = await memberJoins(confrere, "alice", group);

            // With a custom emoji (Mastodon's toot:Emoji), a term of the Create's own @context.
            const note = await peer.note({
                to: group.actorUrl,
                audience: group.actorUrl,
                content: "<p>Décharge par botte amovible, avis ? :botte:</p>",
                emojis: [{ name: ":botte:", url: `${peer.origin}/static/botte.png` }],
            });
            assert.equal(note.delivered, true, note.error);
            assert.deepEqual(note.recipients, [group.actorUrl]);
            // Applied once Confrère answered 2xx: alice reads it in the group's timeline at once.
            const status = (await groupTimeline(alice, group))?.find((s) => s.uri === note.id);
            assert.ok(status, "the note is in the group's timeline");
            assert.equal(status.account.acct, peer.handle);
            assert.equal(status.confrere_audience, "group");
            assert.equal(status.confrere_group?.id, group.group.id);
            assert.match(status.content, /botte amovible/);
            assert.ok((await alice.homeTimeline())?.some((s) => s.uri === note.id), "and in a member's home timeline");

            const relayed = await announcedBy(peer, group, "the group's Announce of Fedify's Create", (o) => o.type === "Create" && o.id === note.activityId);
            assertSignedBy(relayed, group.actorUrl);
            assert.equal(relayed.announced.actor, peer.actor);
            assert.equal(relayed.announced.object.id, note.id);
            assert.ok(relayed.announced.object.tags.some((t) => t.type === "Emoji" && t.name === ":botte:"),
                `Fedify reads the emoji in the relayed Create: ${JSON.stringify(relayed.announced.object.tags)}`);
            // The bare Note announced beside it keeps the meaning of its terms (its @context).
            const bare = await announcedBy(peer, group, "the group's Announce of Fedify's Note", (o) => o.type === "Note" && o.id === note.id);
            assertSignedBy(bare, group.actorUrl);
            assert.ok(bare.announced.tags.some((t) => t.type === "Emoji" && t.name === ":botte:"),
                `Fedify reads the emoji in the announced Note: ${JSON.stringify(bare.announced.tags)}`);
        });
    });

    test("a Fedify actor that is not a member cannot read the group's posts, and its note to the group is refused with 403", async () => {
        await scenario({ members: GROUP_MEMBERS }, async ({ peer, confrere }) => {
            const group = await createGroup(confrere);
            const posted = await group.carol.post({ status: "Entre membres du groupe.", group_id: group.group.id });
            assert.equal(posted.status, 200, posted.text);
            const fetched = await peer.signedFetch(posted.json.uri);
            assert.ok([403, 404].includes(fetched.status), `a non-member's signed GET answered ${fetched.status}`);

            const note = await peer.note({ to: group.actorUrl, audience: group.actorUrl, content: "<p>Je m'invite.</p>" });
            assert.equal(note.delivered, false);
            assert.equal(note.status, 403, note.error);
            assert.ok((await groupTimeline(group.carol, group))?.every((s) => s.uri !== note.id));
        });
    });

    test("Fedify edits its group note: the member reads the new text and the group announces the Update", async () => {
        await scenario({ members: GROUP_MEMBERS }, async ({ peer, confrere }) => {
            const group = await createGroup(confrere);
            await peerJoinsGroup(peer, group);
            const alice = await memberJoins(confrere, "alice", group);
            const note = await peer.note({ to: group.actorUrl, audience: group.actorUrl, content: "<p>Rendez-vous jeudi.</p>" });
            assert.equal(note.delivered, true, note.error);

            const edited = await peer.updateNote(note.id, "<p>Rendez-vous vendredi.</p>");
            assert.equal(edited.delivered, true, edited.error);
            const status = (await groupTimeline(alice, group))?.find((s) => s.uri === note.id);
            assert.match(status?.content ?? "", /vendredi/, "the edit is applied once Confrère answered 2xx");
            assert.ok(status.edited_at, "shown as edited");
            const relayed = await announcedBy(peer, group, "the group's Announce of the Update", (o) => o.type === "Update" && o.id === edited.activityId);
            assertSignedBy(relayed, group.actorUrl);
            assert.match(relayed.announced.object?.content ?? "", /vendredi/);
        });
    });

    test("Fedify replies in a group thread, deletes its reply and leaves the group", async () => {
        await scenario({ members: GROUP_MEMBERS }, async ({ peer, confrere }) => {
            const group = await createGroup(confrere);
            await peerJoinsGroup(peer, group);
            const alice = await memberJoins(confrere, "alice", group);
            const posted = await alice.post({ status: "Quel chaussage après cicatrisation ?", group_id: group.group.id });
            assert.equal(posted.status, 200, posted.text);
            await announcedBy(peer, group, "the Announce of alice's post", (o) => o.type === "Note" && o.id === posted.json.uri);

            const reply = await peer.note({ to: group.actorUrl, audience: group.actorUrl, inReplyTo: posted.json.uri, content: "<p>Chaussure thérapeutique sur mesure.</p>" });
            assert.equal(reply.delivered, true, reply.error);
            const threaded = (await groupTimeline(alice, group))?.find((s) => s.uri === reply.id);
            assert.ok(threaded, "the reply is in the group's timeline");
            assert.equal(threaded.in_reply_to_id, posted.json.id);

            const deleted = await peer.deleteNote(reply.id);
            assert.equal(deleted.delivered, true, deleted.error);
            assert.ok((await groupTimeline(alice, group))?.every((s) => s.uri !== reply.id), "the reply left the group's timeline");
            const relayed = await announcedBy(peer, group, "the group's Announce of the Delete", (o) => o.type === "Delete" && o.id === deleted.activityId);
            assertSignedBy(relayed, group.actorUrl);

            const undo = await peer.unfollow(group.handle);
            assert.equal(undo.delivered, true, undo.error);
            const seen = await group.carol.api("GET", `/api/v1/confrere/groups/${group.group.id}`);
            assert.equal(seen.json?.members_count, 2, `carol and alice remain: ${seen.text}`);
        });
    });

    test("a group moderator's removals reach Fedify: a post's as an announced Delete, a member's as a Reject of its Follow", async () => {
        await scenario({ members: GROUP_MEMBERS }, async ({ peer, confrere }) => {
            const group = await createGroup(confrere);
            const followed = await peerJoinsGroup(peer, group);
            const alice = await memberJoins(confrere, "alice", group);
            const posted = await alice.post({ status: "Message hors charte.", group_id: group.group.id });
            assert.equal(posted.status, 200, posted.text);
            await announcedBy(peer, group, "the Announce of alice's post", (o) => o.type === "Note" && o.id === posted.json.uri);

            const removal = await group.carol.api("DELETE", `/api/v1/confrere/groups/${group.group.id}/statuses/${posted.json.id}`);
            assert.equal(removal.status, 200, removal.text);
            const removed = await announcedBy(peer, group, "the group's Announce of the removal", (o) => o.type === "Delete");
            assertSignedBy(removed, group.actorUrl);
            assert.equal(removed.announced.actor, confrere.actorUrl("carol"), "the removal is the moderator's Delete");
            assert.equal(removed.announced.objectId, posted.json.uri);

            const members = await group.carol.api("GET", `/api/v1/confrere/groups/${group.group.id}/members`);
            const fedi = members.json?.find((m) => m.account?.acct === peer.handle);
            assert.ok(fedi, members.text);
            const expelled = await group.carol.api("DELETE", `/api/v1/confrere/groups/${group.group.id}/members/${fedi.account.id}`);
            assert.equal(expelled.status, 200, expelled.text);
            const followId = objectId(followed);
            await waitFor("the group's Reject of the Follow", async () =>
                (await peer.following()).find((f) => f.followId === followId && f.state === "rejected"));
            const reject = await receivedBy(peer, "the Reject", (a) => a.type === "Reject");
            assertSignedBy(reject, group.actorUrl);
            assert.equal(objectId(reject), followId);
        });
    });

    test("a Follow of a profession-only group is answered with the group's signed Reject", async () => {
        await scenario({ members: GROUP_MEMBERS }, async ({ peer, confrere }) => {
            const group = await createGroup(confrere, { name: "officine", interdisciplinary: false });
            const follow = await peer.follow(group.handle);
            assert.equal(follow.delivered, true, `Follow delivered: ${follow.error}`);
            await waitFor("the group's Reject", async () =>
                (await peer.following()).find((f) => f.followId === follow.followId && f.state === "rejected"));
            const reject = await receivedBy(peer, "the Reject", (a) => a.type === "Reject");
            assertSignedBy(reject, group.actorUrl);
            assert.equal(objectId(reject), follow.followId);
            const seen = await group.carol.api("GET", `/api/v1/confrere/groups/${group.group.id}`);
            assert.equal(seen.json?.members_count, 1, "no membership recorded");
        });
    });
});
