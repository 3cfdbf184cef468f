#!/usr/bin/env node
// A small ActivityPub server built with Fedify, the independent implementation Confrère's
// interoperability tests talk to. One Person actor (default "fedi") with an RSA-2048 key
// (RSASSA-PKCS1-v1_5, as Mastodon), in-memory state, no message queue (deliveries are sent at
// once, so the control API can report their outcome), and a JSON control API on a second
// loopback port that the tests drive. See README.md for the control API.
//
// Usage: node fedify-peer.mjs [--port N] [--control-port N] [--username NAME]
//                             [--lifetime SECONDS] [--tls-cert FILE --tls-key FILE]
//                             [--watch-stdin] [--log-level debug|info|warning|error]
// Environment equivalents: FEDIFY_PEER_PORT, FEDIFY_PEER_CONTROL_PORT, FEDIFY_PEER_USERNAME,
// FEDIFY_PEER_LIFETIME, FEDIFY_PEER_TLS_CERT, FEDIFY_PEER_TLS_KEY, FEDIFY_PEER_LOG.
// Port 0 picks a free port. When ready it prints one JSON line on stdout:
// {"ready":true,"port":…,"controlPort":…,"origin":…,"actor":…,"handle":…,"fedifyVersion":…}.
// Everything binds to 127.0.0.1. The process exits by itself after --lifetime seconds
// (default 600), when its parent process goes away, and, with --watch-stdin, when its
// standard input closes (the test harness keeps a pipe open).
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import { parseArgs } from "node:util";

import {
    Accept,
    Activity,
    Announce,
    Create,
    CryptographicKey,
    Delete,
    Emoji,
    Endpoints,
    Follow,
    Image,
    Like,
    Mention,
    MemoryKvStore,
    Note,
    Person,
    PUBLIC_COLLECTION,
    Reject,
    Tombstone,
    Undo,
    Update,
    createFederation,
    fetchKey,
    formatSemVer,
    getDocumentLoader,
    isActor,
    lookupWebFinger,
    parseSemVer,
    signRequest,
    verifyRequest,
} from "@fedify/fedify";
import { Temporal } from "@js-temporal/polyfill";
import { configure, defaultTextFormatter } from "@logtape/logtape";

import { startDualFront } from "./lib/dual-protocol.mjs";

const FEDIFY_VERSION = JSON.parse(
    readFileSync(new URL("./node_modules/@fedify/fedify/package.json", import.meta.url), "utf8"),
).version;
const MAX_BODY_BYTES = 1 << 20;

// ---------------------------------------------------------------------------------------------
// Options and process lifetime

const { values: args } = parseArgs({
    options: {
        port: { type: "string" },
        "control-port": { type: "string" },
        username: { type: "string" },
        lifetime: { type: "string" },
        "tls-cert": { type: "string" },
        "tls-key": { type: "string" },
        "watch-stdin": { type: "boolean", default: false },
        "log-level": { type: "string" },
    },
});
const env = process.env;
const options = {
    port: Number(args.port ?? env.FEDIFY_PEER_PORT ?? 0),
    controlPort: Number(args["control-port"] ?? env.FEDIFY_PEER_CONTROL_PORT ?? 0),
    username: args.username ?? env.FEDIFY_PEER_USERNAME ?? "fedi",
    lifetimeSeconds: Number(args.lifetime ?? env.FEDIFY_PEER_LIFETIME ?? 600),
    tlsCert: args["tls-cert"] ?? env.FEDIFY_PEER_TLS_CERT,
    tlsKey: args["tls-key"] ?? env.FEDIFY_PEER_TLS_KEY,
    logLevel: args["log-level"] ?? env.FEDIFY_PEER_LOG ?? "warning",
};
for (const key of ["port", "controlPort", "lifetimeSeconds"]) {
    if (!Number.isInteger(options[key]) || options[key] < 0) {
        console.error(`fedify-peer: invalid ${key}: ${options[key]}`);
        process.exit(2);
    }
}
if (!/^[a-z0-9_]+$/.test(options.username)) {
    console.error(`fedify-peer: invalid username: ${options.username}`);
    process.exit(2);
}

function quit(reason, code = 0) {
    process.stderr.write(`fedify-peer: exiting (${reason})\n`);
    process.exit(code);
}
setTimeout(() => quit(`lifetime of ${options.lifetimeSeconds} s reached`), options.lifetimeSeconds * 1000).unref();
const parentPid = process.ppid;
setInterval(() => {
    if (process.ppid !== parentPid) quit("parent process gone");
}, 1000).unref();
if (args["watch-stdin"]) {
    process.stdin.on("data", () => {});
    process.stdin.on("end", () => quit("stdin closed"));
    process.stdin.on("error", () => quit("stdin error"));
}
process.on("SIGTERM", () => quit("SIGTERM"));
process.on("SIGINT", () => quit("SIGINT"));

await configure({
    sinks: {
        stderr: (record) => process.stderr.write(defaultTextFormatter(record)),
    },
    loggers: [
        { category: "fedify", sinks: ["stderr"], lowestLevel: options.logLevel },
        { category: ["logtape", "meta"], sinks: ["stderr"], lowestLevel: "warning" },
    ],
});

// ---------------------------------------------------------------------------------------------
// State (in memory; the process lives for one test)

const state = {
    followers: new Map(), // follower actor id -> {id, inbox, sharedInbox, followId, since}
    following: new Map(), // followed actor id -> {id, handle, inbox, followId, state, since, updated}
    notes: new Map(), // local note key -> {note, create, recipients, deleted}
    likes: new Map(), // liked object id -> {likeId, like, recipient}
    received: [], // activities that reached an inbox listener (Fedify verified them)
    refused: [], // inbox POSTs Fedify answered with a non-2xx status
    sent: [], // outgoing deliveries and their outcome
};

// ---------------------------------------------------------------------------------------------
// Keys: one RSA-2048 pair, generated at start. Fedify signs with the first RSASSA-PKCS1-v1_5
// key and publishes the first key as the actor's `publicKey` (`…#main-key`).

const rsaKeyPair = await crypto.subtle.generateKey(
    {
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: 2048,
        publicExponent: new Uint8Array([0x01, 0x00, 0x01]),
        hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
);

// ---------------------------------------------------------------------------------------------
// HTTP listeners. The federation server listens on an internal loopback port; in front of it,
// the public port accepts HTTP and, when a certificate is given, HTTPS too (see
// lib/dual-protocol.mjs). Ids always use the http:// origin of the public port.

const federationServer = http.createServer((req, res) => handleFederationRequest(req, res));
const tlsFiles = options.tlsCert && options.tlsKey
    ? { certPath: options.tlsCert, keyPath: options.tlsKey }
    : null;
let publicPort;
if (tlsFiles) {
    await listen(federationServer, 0);
    const front = await startDualFront({
        port: options.port,
        targetPort: federationServer.address().port,
        tlsFiles,
    });
    publicPort = front.address().port;
} else {
    await listen(federationServer, options.port);
    publicPort = federationServer.address().port;
}
const origin = `http://127.0.0.1:${publicPort}`;
const requestStore = new AsyncLocalStorage(); // the inbox POST being handled
const plainLoader = getDocumentLoader({ allowPrivateAddress: true });

const federation = createFederation({
    kv: new MemoryKvStore(),
    origin,
    // Everything is on loopback: let Fedify's document loader, lookups and WebFinger client
    // reach 127.0.0.1.
    allowPrivateAddress: true,
    userAgent: { software: "confrere-interop-peer/1.0" },
});
const ctxFor = () => federation.createContext(new URL(origin), undefined);
const actorUri = () => ctxFor().getActorUri(options.username);

// ---------------------------------------------------------------------------------------------
// Dispatchers

federation
    .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
        if (identifier !== options.username) return null;
        const keys = await ctx.getActorKeyPairs(identifier);
        return new Person({
            id: ctx.getActorUri(identifier),
            preferredUsername: identifier,
            name: "Fedify interop peer",
            summary: "<p>An independent ActivityPub server (Fedify) for Confrère's interoperability tests.</p>",
            url: ctx.getActorUri(identifier),
            inbox: ctx.getInboxUri(identifier),
            outbox: ctx.getOutboxUri(identifier),
            followers: ctx.getFollowersUri(identifier),
            following: ctx.getFollowingUri(identifier),
            endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
            manuallyApprovesFollowers: false,
            discoverable: true,
            publicKey: keys[0].cryptographicKey,
            assertionMethods: keys.map((key) => key.multikey),
        });
    })
    .setKeyPairsDispatcher((_ctx, identifier) => (identifier === options.username ? [rsaKeyPair] : []));

federation
    .setFollowersDispatcher("/users/{identifier}/followers", (_ctx, identifier) => {
        if (identifier !== options.username) return null;
        return {
            items: [...state.followers.values()].map((f) => ({
                id: new URL(f.id),
                inboxId: f.inbox ? new URL(f.inbox) : null,
                endpoints: f.sharedInbox ? { sharedInbox: new URL(f.sharedInbox) } : null,
            })),
        };
    })
    .setCounter((_ctx, identifier) => (identifier === options.username ? state.followers.size : null));

federation
    .setFollowingDispatcher("/users/{identifier}/following", (_ctx, identifier) => {
        if (identifier !== options.username) return null;
        return {
            items: [...state.following.values()]
                .filter((f) => f.state === "accepted")
                .map((f) => new URL(f.id)),
        };
    });

federation
    .setOutboxDispatcher("/users/{identifier}/outbox", (_ctx, identifier) => {
        if (identifier !== options.username) return null;
        return {
            items: [...state.notes.values()]
                .filter((n) => !n.deleted)
                .map((n) => n.create)
                .reverse(),
        };
    })
    .setCounter((_ctx, identifier) =>
        identifier === options.username ? [...state.notes.values()].filter((n) => !n.deleted).length : null);

federation.setObjectDispatcher(Note, "/users/{identifier}/notes/{id}", (_ctx, values) => {
    if (values.identifier !== options.username) return null;
    const entry = state.notes.get(values.id);
    return entry && !entry.deleted ? entry.note : null;
});

federation.setNodeInfoDispatcher("/nodeinfo/2.1", () => ({
    software: {
        name: "confrere-interop-peer",
        version: parseSemVer("1.0.0"),
        homepage: new URL("https://fedify.dev/"),
    },
    protocols: ["activitypub"],
    openRegistrations: false,
    usage: {
        users: { total: 1, activeMonth: 1, activeHalfyear: 1 },
        localPosts: state.notes.size,
        localComments: 0,
    },
}));

// ---------------------------------------------------------------------------------------------
// Inbox listeners. Fedify calls them only for activities whose signature it verified (HTTP
// Signature, or a Linked Data signature / Object Integrity Proof); everything else it answers
// with 401 and never reaches them. Each one records the activity for GET /control/inbox.

federation
    .setInboxListeners("/users/{identifier}/inbox", "/inbox")
    .on(Follow, async (ctx, follow) => {
        const entry = record(ctx, follow);
        if (follow.objectId?.href !== actorUri().href || follow.actorId == null) return;
        const follower = await follow.getActor(ctx);
        if (follower == null || follower.id == null) {
            entry.note = "follower actor could not be fetched; no Accept sent";
            return;
        }
        state.followers.set(follower.id.href, {
            id: follower.id.href,
            inbox: follower.inboxId?.href ?? null,
            sharedInbox: follower.endpoints?.sharedInbox?.href ?? null,
            followId: follow.id?.href ?? null,
            since: new Date().toISOString(),
        });
        const accept = new Accept({
            id: new URL(`${actorUri().href}#accepts/${randomUUID()}`),
            actor: actorUri(),
            object: follow,
        });
        // Answer the Follow's POST first, then send the Accept, as servers with a delivery
        // queue do (a sender may still be waiting on its POST when the Accept arrives).
        // `reply` holds the outcome once sent.
        setImmediate(async () => {
            entry.reply = await deliver(ctxFor(), follower, accept);
        });
    })
    .on(Accept, (ctx, accept) => {
        record(ctx, accept);
        settleFollow(accept, "accepted");
    })
    .on(Reject, (ctx, reject) => {
        record(ctx, reject);
        settleFollow(reject, "rejected");
    })
    .on(Undo, async (ctx, undo) => {
        record(ctx, undo);
        const objectId = undo.objectId?.href;
        let inner = null;
        try {
            inner = await undo.getObject(ctx);
        } catch {
            // An Undo whose object is only an id that cannot be fetched: match on the id.
        }
        for (const [id, follower] of state.followers) {
            const undoesFollow = (objectId != null && follower.followId === objectId) ||
                (inner instanceof Follow && inner.actorId?.href === id && undo.actorId?.href === id);
            if (undoesFollow) state.followers.delete(id);
        }
    })
    .on(Create, (ctx, activity) => void record(ctx, activity))
    .on(Update, (ctx, activity) => void record(ctx, activity))
    .on(Delete, (ctx, activity) => void record(ctx, activity))
    .on(Announce, async (ctx, announce) => {
        // What Fedify itself makes of the announced activity or object (a group's Announce, FEP-1b12).
        const announced = await describeAnnounced(ctx, announce);
        record(ctx, announce).announced = announced;
    })
    .on(Like, (ctx, activity) => void record(ctx, activity))
    .on(Activity, (ctx, activity) => void record(ctx, activity))
    .onError((_ctx, error) => {
        process.stderr.write(`fedify-peer: inbox listener error: ${error?.stack ?? error}\n`);
    });

// The object of an Announce as Fedify parses it (embedded, or fetched when given by id), and the
// Note of that when it is a Create or an Update. Never throws.
async function describeAnnounced(ctx, announce) {
    const loaders = { documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader };
    const describe = (object) => ({
        type: object.constructor.name,
        id: object.id?.href ?? null,
        actor: object instanceof Activity ? object.actorId?.href ?? null : undefined,
        objectId: object instanceof Activity ? object.objectId?.href ?? null : undefined,
        attributedTo: object.attributionId?.href ?? null,
        audience: object.audienceId?.href ?? null,
        to: object.toIds.map((u) => u.href),
        cc: object.ccIds.map((u) => u.href),
        inReplyTo: object.replyTargetId?.href ?? null,
        content: object.content?.toString() ?? null,
        tags: [],
    });
    // Its tags (Mention, Hashtag, Emoji…) as {type, name}: embedded, never fetched.
    const withTags = async (described, object) => {
        for await (const tag of object.getTags({ ...loaders, suppressError: true })) {
            described.tags.push({ type: tag.constructor.name, name: tag.name?.toString() ?? null });
        }
        return described;
    };
    try {
        const inner = await announce.getObject(loaders);
        if (inner == null) return { error: "no object" };
        const described = await withTags(describe(inner), inner);
        if (inner instanceof Create || inner instanceof Update) {
            const object = await inner.getObject(loaders);
            described.object = object == null ? null : await withTags(describe(object), object);
        }
        return described;
    } catch (error) {
        return { error: String(error?.message ?? error) };
    }
}

function settleFollow(response, newState) {
    const followId = response.objectId?.href;
    const responder = response.actorId?.href;
    for (const f of state.following.values()) {
        const matches = (followId != null && f.followId === followId) ||
            (followId == null && f.id === responder && f.state === "pending");
        if (matches && f.id === responder) {
            f.state = newState;
            f.updated = new Date().toISOString();
        }
    }
}

// One entry of GET /control/inbox. `raw` is the JSON body as received.
function record(ctx, activity) {
    const request = requestStore.getStore();
    const raw = request?.json ?? null;
    const entry = {
        receivedAt: new Date().toISOString(),
        inbox: request?.path ?? null,
        recipient: ctx.recipient ?? null,
        type: activity.constructor.name,
        id: activity.id?.href ?? null,
        actor: activity.actorId?.href ?? null,
        object: summarizeObject(raw?.object, activity.objectId),
        // Fedify only dispatches verified activities to listeners.
        verified: true,
        verifiedBy: raw?.proof ? "object-integrity-proof-or-http-signature"
            : raw?.signature ? "ld-signature-or-http-signature"
            : "http-signature",
        httpSignature: request?.signature ?? null,
        raw,
    };
    state.received.push(entry);
    return entry;
}

function summarizeObject(object, parsedId) {
    if (object == null) return parsedId ? { id: parsedId.href } : null;
    if (typeof object === "string") return { id: object };
    if (Array.isArray(object)) return object.map((o) => summarizeObject(o, null));
    const summary = {};
    for (const key of ["id", "type", "actor", "attributedTo", "content", "summary", "name",
        "inReplyTo", "to", "cc", "published", "url", "object", "sensitive"]) {
        if (object[key] !== undefined) summary[key] = object[key];
    }
    return summary;
}

// ---------------------------------------------------------------------------------------------
// Federation HTTP handling: Node request -> Fetch Request -> federation.fetch -> Node response.
// Inbox POSTs are also checked independently with Fedify's verifyRequest, and recorded.

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection"]);

async function handleFederationRequest(req, res) {
    try {
        const body = await readBody(req);
        const headers = new Headers();
        for (let i = 0; i < req.rawHeaders.length; i += 2) {
            if (!HOP_BY_HOP.has(req.rawHeaders[i].toLowerCase())) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
        }
        const request = new Request(new URL(req.url, origin), {
            method: req.method,
            headers,
            body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
        });
        const isInboxPost = req.method === "POST" && /^\/(inbox|users\/[^/]+\/inbox)$/.test(new URL(request.url).pathname);
        let response;
        if (isInboxPost) {
            const context = await describeInboxRequest(request, body);
            response = await requestStore.run(context, () => federation.fetch(request, fetchOptions()));
            if (!response.ok) {
                const text = await response.clone().text();
                state.refused.push({
                    receivedAt: new Date().toISOString(),
                    inbox: context.path,
                    status: response.status,
                    reason: text.slice(0, 500),
                    type: context.json?.type ?? null,
                    id: context.json?.id ?? null,
                    actor: typeof context.json?.actor === "string" ? context.json.actor : context.json?.actor?.id ?? null,
                    httpSignature: context.signature,
                    verified: false,
                    raw: context.json,
                });
            }
        } else {
            response = await federation.fetch(request, fetchOptions());
        }
        res.statusCode = response.status;
        response.headers.forEach((value, name) => res.setHeader(name, value));
        res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
        process.stderr.write(`fedify-peer: request error: ${error?.stack ?? error}\n`);
        if (!res.headersSent) res.statusCode = error?.status ?? 500;
        res.end();
    }
}

function fetchOptions() {
    return {
        contextData: undefined,
        onNotFound: () => new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain" } }),
        onNotAcceptable: () => new Response("Not acceptable", { status: 406, headers: { "Content-Type": "text/plain", Vary: "Accept" } }),
    };
}

async function describeInboxRequest(request, body) {
    let json = null;
    try {
        json = JSON.parse(body.toString("utf8"));
    } catch {
        // Fedify answers 400; the refusal is recorded with raw = null.
    }
    const header = request.headers.get("signature");
    let signature = null;
    if (header != null) {
        const fields = Object.fromEntries(
            [...header.matchAll(/([A-Za-z]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
        );
        signature = {
            keyId: fields.keyId ?? null,
            algorithm: fields.algorithm ?? null,
            headers: fields.headers ? fields.headers.split(" ") : null,
            verified: false,
            digest: request.headers.get("digest"),
            date: request.headers.get("date"),
        };
        // An independent check of the HTTP Signature alone, with Fedify's verifier.
        try {
            const key = await verifyRequest(request.clone(), {
                documentLoader: plainLoader,
                contextLoader: plainLoader,
            });
            signature.verified = key != null;
            signature.keyOwner = key?.ownerId?.href ?? null;
        } catch (error) {
            signature.error = String(error?.message ?? error);
        }
    }
    return { path: new URL(request.url).pathname, json, signature };
}

function readBody(req) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        req.on("data", (chunk) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
                const error = new Error("body too large");
                error.status = 413;
                reject(error);
                req.destroy();
                return;
            }
            chunks.push(chunk);
        });
        req.on("end", () => resolve(Buffer.concat(chunks)));
        req.on("error", reject);
    });
}

function listen(server, port) {
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => {
            server.off("error", reject);
            resolve();
        });
    });
}

// ---------------------------------------------------------------------------------------------
// Outgoing

// Sends `activity` at once (no queue) and reports the outcome instead of throwing.
async function deliver(ctx, recipients, activity, sendOptions = {}) {
    const list = recipients === "followers" ? "followers" : [recipients].flat();
    const outcome = {
        activityId: activity.id?.href ?? null,
        type: activity.constructor.name,
        recipients: list === "followers"
            ? [...state.followers.keys()]
            : list.map((r) => r.id?.href ?? null),
        delivered: false,
        status: null,
        error: null,
        at: new Date().toISOString(),
    };
    try {
        await ctx.sendActivity({ identifier: options.username }, list, activity, {
            preferSharedInbox: sendOptions.preferSharedInbox ?? false,
            immediate: true,
        });
        outcome.delivered = true;
    } catch (error) {
        const message = String(error?.message ?? error);
        // Fedify's message: "Failed to send activity <id> to <inbox> (<status> <text>):\n<body>".
        const status = /\((\d{3})[^)]*\):/.exec(message);
        outcome.status = status ? Number(status[1]) : null;
        outcome.error = message.slice(0, 2000);
    }
    state.sent.push(outcome);
    return outcome;
}

// A handle (`user@host`, `@user@host`, `acct:…`) or an actor URL -> the actor, or an error.
async function resolveActor(ctx, target) {
    if (typeof target !== "string" || target === "") throw httpError(400, "handle or actor is required");
    const actor = await ctx.lookupObject(target);
    if (!isActor(actor)) throw httpError(404, `no actor found for ${target}`);
    return actor;
}

function targetOf(body) {
    return body.handle ?? body.actor ?? body.url;
}

// ---------------------------------------------------------------------------------------------
// Control API

const routes = {
    "GET /control/health": () => ({ ok: true, origin, actor: actorUri().href, handle: handle() }),

    "POST /control/follow": async (body) => {
        const ctx = ctxFor();
        const actor = await resolveActor(ctx, targetOf(body));
        const followId = new URL(`${actorUri().href}#follows/${randomUUID()}`);
        const follow = new Follow({ id: followId, actor: actorUri(), object: actor.id });
        state.following.set(actor.id.href, {
            id: actor.id.href,
            handle: targetOf(body),
            inbox: actor.inboxId?.href ?? null,
            followId: followId.href,
            state: "pending",
            since: new Date().toISOString(),
            updated: null,
        });
        const outcome = await deliver(ctx, actor, follow);
        return { followId: followId.href, target: actor.id.href, ...outcome };
    },

    "POST /control/unfollow": async (body) => {
        const ctx = ctxFor();
        const actor = await resolveActor(ctx, targetOf(body));
        const entry = state.following.get(actor.id.href);
        if (entry == null) throw httpError(404, `not following ${actor.id.href}`);
        const undo = new Undo({
            id: new URL(`${actorUri().href}#undo/${randomUUID()}`),
            actor: actorUri(),
            object: new Follow({ id: new URL(entry.followId), actor: actorUri(), object: actor.id }),
        });
        const outcome = await deliver(ctx, actor, undo);
        state.following.delete(actor.id.href);
        return { undoId: undo.id.href, target: actor.id.href, ...outcome };
    },

    // {to: "followers" | "public" | actor URL or handle | [actor URLs or handles],
    //  content, inReplyTo?, sharedInbox?, audience? (an actor URL or handle: a group, FEP-1b12),
    //  emojis? ([{name: ":shortcode:", url}]: custom emoji tags, as Mastodon and Misskey send)}
    "POST /control/note": async (body) => {
        const ctx = ctxFor();
        if (typeof body.content !== "string") throw httpError(400, "content is required");
        const key = randomUUID();
        const noteId = ctx.getObjectUri(Note, { identifier: options.username, id: key });
        const followers = ctx.getFollowersUri(options.username);
        let tos;
        let ccs = [];
        let recipients;
        const tags = [];
        if (body.to === "followers" || body.to == null) {
            tos = [followers];
            recipients = "followers";
        } else if (body.to === "public") {
            tos = [PUBLIC_COLLECTION];
            ccs = [followers];
            recipients = "followers";
        } else {
            const actors = [];
            for (const target of [body.to].flat()) actors.push(await resolveActor(ctx, target));
            tos = actors.map((a) => a.id);
            for (const a of actors) tags.push(new Mention({ href: a.id, name: a.preferredUsername ? `@${a.preferredUsername}@${a.id.host}` : a.id.href }));
            recipients = actors;
        }
        const audience = body.audience ? (await resolveActor(ctx, body.audience)).id : null;
        for (const emoji of body.emojis ?? []) {
            tags.push(new Emoji({
                id: new URL(`${origin}/emojis/${encodeURIComponent(emoji.name.replace(/:/g, ""))}`),
                name: emoji.name,
                icon: new Image({ url: new URL(emoji.url), mediaType: "image/png" }),
            }));
        }
        const published = Temporal.Now.instant();
        const note = new Note({
            audience,
            id: noteId,
            attribution: actorUri(),
            content: body.content,
            replyTarget: body.inReplyTo ? new URL(body.inReplyTo) : null,
            tos,
            ccs,
            tags,
            published,
            url: noteId,
        });
        const create = new Create({
            id: new URL(`${noteId.href}/activity`),
            actor: actorUri(),
            object: note,
            tos,
            ccs,
            published,
        });
        state.notes.set(key, { note, create, recipients, deleted: false, tos, ccs });
        const outcome = await deliver(ctx, recipients, create, { preferSharedInbox: body.sharedInbox });
        return { id: noteId.href, activityId: create.id.href, ...outcome };
    },

    // {id, content}: edits a note this peer created; the Update goes to the note's audience.
    "POST /control/update": async (body) => {
        const ctx = ctxFor();
        const entry = [...state.notes.values()].find((n) => n.note.id.href === body.id && !n.deleted);
        if (entry == null) throw httpError(404, `unknown note ${body.id}`);
        if (typeof body.content !== "string") throw httpError(400, "content is required");
        const updated = Temporal.Now.instant();
        entry.note = entry.note.clone({ content: body.content, updated });
        const update = new Update({
            id: new URL(`${body.id}#updates/${randomUUID()}`),
            actor: actorUri(),
            object: entry.note,
            tos: entry.tos,
            ccs: entry.ccs,
            updated,
        });
        const outcome = await deliver(ctx, entry.recipients, update, { preferSharedInbox: body.sharedInbox });
        return { id: body.id, activityId: update.id.href, ...outcome };
    },

    // {id}: a note this peer created. The Delete goes to the note's audience.
    "POST /control/delete": async (body) => {
        const ctx = ctxFor();
        const entry = [...state.notes.values()].find((n) => n.note.id.href === body.id);
        if (entry == null) throw httpError(404, `unknown note ${body.id}`);
        entry.deleted = true;
        const del = new Delete({
            id: new URL(`${body.id}#delete`),
            actor: actorUri(),
            object: new Tombstone({ id: new URL(body.id) }),
            tos: entry.tos,
            ccs: entry.ccs,
        });
        const outcome = await deliver(ctx, entry.recipients, del, { preferSharedInbox: body.sharedInbox });
        return { id: body.id, activityId: del.id.href, ...outcome };
    },

    // {object, actor?}: the object is fetched (signed) to find its author unless `actor` names it.
    "POST /control/like": async (body) => {
        const ctx = ctxFor();
        if (typeof body.object !== "string") throw httpError(400, "object is required");
        const recipient = await likeRecipient(ctx, body);
        const like = new Like({
            id: new URL(`${actorUri().href}#likes/${randomUUID()}`),
            actor: actorUri(),
            object: new URL(body.object),
        });
        state.likes.set(body.object, { likeId: like.id.href, like, recipient });
        const outcome = await deliver(ctx, recipient, like);
        return { likeId: like.id.href, object: body.object, target: recipient.id.href, ...outcome };
    },

    "POST /control/undo-like": async (body) => {
        const ctx = ctxFor();
        const entry = state.likes.get(body.object);
        if (entry == null) throw httpError(404, `no Like of ${body.object}`);
        const undo = new Undo({
            id: new URL(`${actorUri().href}#undo/${randomUUID()}`),
            actor: actorUri(),
            object: entry.like,
        });
        const outcome = await deliver(ctx, entry.recipient, undo);
        state.likes.delete(body.object);
        return { undoId: undo.id.href, object: body.object, ...outcome };
    },

    "GET /control/inbox": () => ({ activities: state.received, refused: state.refused }),
    "GET /control/sent": () => ({ deliveries: state.sent }),
    "GET /control/followers": () => ({ followers: [...state.followers.values()] }),
    "GET /control/following": () => ({ following: [...state.following.values()] }),

    // {url}: a GET signed with the actor's RSA key, as Fedify's authenticated document loader
    // signs it. Returns the raw answer, then what the document loader itself made of it.
    "POST /control/fetch": async (body) => {
        const ctx = ctxFor();
        if (typeof body.url !== "string") throw httpError(400, "url is required");
        const [key] = await ctx.getActorKeyPairs(options.username);
        const request = await signRequest(
            new Request(body.url, {
                headers: { Accept: "application/activity+json, application/ld+json" },
                redirect: "manual",
            }),
            key.privateKey,
            key.keyId,
        );
        const response = await fetch(request, { redirect: "manual" });
        const text = await response.text();
        const answer = {
            url: body.url,
            keyId: key.keyId.href,
            signature: request.headers.get("signature"),
            status: response.status,
            contentType: response.headers.get("content-type"),
            body: parseJson(text) ?? text,
            documentLoader: null,
        };
        try {
            const loader = await ctx.getDocumentLoader({ identifier: options.username });
            const loaded = await loader(body.url);
            answer.documentLoader = { ok: true, documentUrl: loaded.documentUrl, document: loaded.document };
        } catch (error) {
            answer.documentLoader = { ok: false, error: String(error?.message ?? error) };
        }
        return answer;
    },

    // {handle} or {url}, signed?: WebFinger (for a handle), the actor as Fedify parses it (fetched
    // with a signed GET, as a peer's authenticated document loader does, when `signed`), the raw
    // actor document (always unsigned), its public key as Fedify's signature verifier fetches
    // it, and the reverse WebFinger check on the actor URL.
    "POST /control/lookup": async (body) => {
        const ctx = ctxFor();
        const target = targetOf(body);
        if (typeof target !== "string") throw httpError(400, "handle or url is required");
        const result = { target, webfinger: null, actor: null, document: null, publicKey: null, fetchKey: null, reverseWebfinger: null };
        if (!/^https?:/.test(target)) {
            const acct = target.startsWith("acct:") ? target : `acct:${target.replace(/^@/, "")}`;
            result.webfinger = await lookupWebFinger(acct, { allowPrivateAddress: true });
        }
        const loader = body.signed ? await ctx.getDocumentLoader({ identifier: options.username }) : undefined;
        const actor = await ctx.lookupObject(target, loader ? { documentLoader: loader } : {});
        if (!isActor(actor)) return { ...result, error: `no actor found for ${target}` };
        const tags = [];
        for await (const tag of actor.getTags({ suppressError: true })) {
            tags.push({ type: tag.constructor.name, name: tag.name?.toString() ?? null });
        }
        result.actor = {
            id: actor.id?.href ?? null,
            type: actor.constructor.name,
            preferredUsername: actor.preferredUsername?.toString() ?? null,
            name: actor.name?.toString() ?? null,
            inbox: actor.inboxId?.href ?? null,
            outbox: actor.outboxId?.href ?? null,
            followers: actor.followersId?.href ?? null,
            following: actor.followingId?.href ?? null,
            sharedInbox: actor.endpoints?.sharedInbox?.href ?? null,
            url: actor.url?.href ?? null,
            summary: actor.summary?.toString() ?? null,
            attributedTo: actor.attributionId?.href ?? null,
            tags,
        };
        try {
            result.document = (await plainLoader(actor.id.href)).document;
        } catch (error) {
            result.document = { error: String(error?.message ?? error) };
        }
        const key = await actor.getPublicKey(ctx);
        if (key != null) {
            result.publicKey = {
                id: key.id?.href ?? null,
                owner: key.ownerId?.href ?? null,
                ...describeCryptoKey(key.publicKey),
            };
            const fetched = await fetchKey(key.id, CryptographicKey, {
                documentLoader: plainLoader,
                contextLoader: plainLoader,
            });
            result.fetchKey = fetched.key == null ? { ok: false } : {
                ok: true,
                id: fetched.key.id?.href ?? null,
                owner: fetched.key.ownerId?.href ?? null,
                ...describeCryptoKey(fetched.key.publicKey),
            };
        }
        result.reverseWebfinger = await lookupWebFinger(actor.id, { allowPrivateAddress: true });
        return result;
    },

    // {url}: Fedify's NodeInfo client (GET /.well-known/nodeinfo, then the linked document).
    "POST /control/nodeinfo": async (body) => {
        const ctx = ctxFor();
        if (typeof body.url !== "string") throw httpError(400, "url is required");
        const strict = await ctx.lookupNodeInfo(body.url, { parse: "strict" });
        const raw = await ctx.lookupNodeInfo(body.url, { parse: "none" });
        return {
            parsed: strict == null ? null : {
                ...strict,
                software: {
                    ...strict.software,
                    version: formatSemVer(strict.software.version),
                    homepage: strict.software.homepage?.href,
                    repository: strict.software.repository?.href,
                },
            },
            raw: raw ?? null,
        };
    },
};

function describeCryptoKey(cryptoKey) {
    if (cryptoKey == null) return { algorithm: null };
    const algorithm = cryptoKey.algorithm;
    return {
        algorithm: algorithm.name,
        modulusLength: algorithm.modulusLength ?? null,
        hash: algorithm.hash?.name ?? null,
    };
}

async function likeRecipient(ctx, body) {
    if (typeof body.actor === "string") return resolveActor(ctx, body.actor);
    const loader = await ctx.getDocumentLoader({ identifier: options.username });
    const object = await ctx.lookupObject(body.object, { documentLoader: loader });
    const author = object?.attributionId ?? object?.actorId;
    if (author == null) throw httpError(404, `cannot find the author of ${body.object}; pass "actor"`);
    return resolveActor(ctx, author.href);
}

function handle() {
    return `${options.username}@127.0.0.1:${publicPort}`;
}

function parseJson(text) {
    try {
        return JSON.parse(text);
    } catch {
        return null;
    }
}

function httpError(status, message) {
    const error = new Error(message);
    error.status = status;
    return error;
}

const controlServer = http.createServer(async (req, res) => {
    const path = new URL(req.url, "http://127.0.0.1").pathname;
    const route = routes[`${req.method} ${path}`];
    let status = 200;
    let answer;
    try {
        if (route == null) throw httpError(404, `no route ${req.method} ${path}`);
        const text = (await readBody(req)).toString("utf8");
        const body = text === "" ? {} : parseJson(text);
        if (body == null || typeof body !== "object") throw httpError(400, "the body must be a JSON object");
        answer = await route(body);
    } catch (error) {
        status = error?.status ?? 500;
        answer = { error: String(error?.message ?? error) };
        if (status >= 500) process.stderr.write(`fedify-peer: control error: ${error?.stack ?? error}\n`);
    }
    res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
    res.end(JSON.stringify(answer));
});
await listen(controlServer, options.controlPort);

process.stdout.write(`${JSON.stringify({
    ready: true,
    port: publicPort,
    controlPort: controlServer.address().port,
    origin,
    actor: actorUri().href,
    handle: handle(),
    tls: tlsFiles != null,
    fedifyVersion: FEDIFY_VERSION,
})}\n`);
