// masto.js posts, reads and interacts as three members of one instance: alice posts, bob
// follows her, carol does not (until she does). Each check reads what the other member's
// client really gets.
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, afterEach, before, describe, test } from "node:test";

import { allPages, CONFRERE_BINARY, createAccount, homeWith, knownGap, logTailsOnFailure, member, rejectsWith, startConfrere } from "./lib/clients.mjs";

describe("statuses, timelines and follows through masto.js", () => {
    let instance;
    let alice;
    let bob;
    let carol;

    before(async () => {
        assert.ok(fs.existsSync(CONFRERE_BINARY), `Confrère binary not found at ${CONFRERE_BINARY} (set CONFRERE_BINARY)`);
        instance = await startConfrere({ members: [{ username: "alice" }, { username: "bob" }, { username: "carol" }] });
        alice = await member(instance, "alice");
        bob = await member(instance, "bob");
        carol = await member(instance, "carol");
        const followed = await bob.masto.v1.accounts.$select(alice.account.id).follow();
        assert.equal(followed.following, true, "a local follow is accepted at once");
    });

    after(async () => {
        await instance?.stop();
    });

    afterEach(logTailsOnFailure(() => ({ instance })));

    test("follow, relationships both ways, unfollow", async () => {
        const [fromCarol] = await carol.masto.v1.accounts.relationships.fetch({ id: [alice.account.id] });
        assert.equal(fromCarol.id, alice.account.id);
        assert.equal(fromCarol.following, false);

        const followed = await carol.masto.v1.accounts.$select(alice.account.id).follow();
        assert.equal(followed.id, alice.account.id);
        assert.equal(followed.following, true);
        assert.equal(followed.requested, false);

        const [seenByCarol] = await carol.masto.v1.accounts.relationships.fetch({ id: [alice.account.id] });
        assert.equal(seenByCarol.following, true);
        assert.equal(seenByCarol.followedBy, false);
        const seenByAlice = await alice.masto.v1.accounts.relationships.fetch({ id: [carol.account.id, bob.account.id] });
        assert.deepEqual(
            seenByAlice.map((r) => [r.id, r.following, r.followedBy]),
            [[carol.account.id, false, true], [bob.account.id, false, true]],
        );
        const counted = await alice.masto.v1.accounts.$select(alice.account.id).fetch();
        assert.equal(counted.followersCount, 2);

        const unfollowed = await carol.masto.v1.accounts.$select(alice.account.id).unfollow();
        assert.equal(unfollowed.following, false);
        const [after] = await alice.masto.v1.accounts.relationships.fetch({ id: [carol.account.id] });
        assert.equal(after.followedBy, false);
        await rejectsWith(carol.masto.v1.accounts.$select("999999999").follow(), 404);
    });

    // The Relationship that follow and unfollow answer says whether the target follows back.
    test("follow and unfollow answer whether the target follows back", async () => {
        // bob follows alice (before()).
        const back = await alice.masto.v1.accounts.$select(bob.account.id).follow();
        try {
            assert.equal(back.following, true);
            assert.equal(back.followedBy, true);
        } finally {
            const undone = await alice.masto.v1.accounts.$select(bob.account.id).unfollow();
            assert.equal(undone.followedBy, true);
        }
    });

    test("each visibility reaches exactly its audience", async () => {
        const pub = await alice.masto.v1.statuses.create({ status: "vis-public: bonjour", visibility: "public" });
        const unlisted = await alice.masto.v1.statuses.create({ status: "vis-unlisted: bonjour", visibility: "unlisted" });
        const priv = await alice.masto.v1.statuses.create({ status: "vis-private: abonnés", visibility: "private" });
        const direct = await alice.masto.v1.statuses.create({ status: "@bob vis-direct: pour toi", visibility: "direct" });

        // A members-only instance has nothing wider than the instance: public and unlisted are
        // both its `instance` audience, shown as "public".
        for (const s of [pub, unlisted]) {
            assert.equal(s.visibility, "public");
            assert.equal(s.confrereAudience, "instance");
        }
        assert.equal(priv.visibility, "private");
        assert.equal(priv.confrereAudience, "followers");
        assert.equal(direct.visibility, "direct");
        assert.deepEqual(direct.mentions.map((m) => [m.id, m.username, m.acct]), [[bob.account.id, "bob", "bob"]]);
        assert.equal(pub.account.id, alice.account.id);
        assert.match(pub.content, /vis-public: bonjour/);

        // bob follows alice and is mentioned: all four on his home timeline.
        const bobHome = await homeWith(bob.masto, "vis-");
        assert.deepEqual(new Set(bobHome.map((s) => s.id)), new Set([pub.id, unlisted.id, priv.id, direct.id]));
        for (const s of [pub, unlisted, priv, direct]) {
            assert.equal((await bob.masto.v1.statuses.$select(s.id).fetch()).id, s.id);
        }

        // carol neither follows nor is mentioned: the instance posts only, by id and on the
        // instance timeline; nothing on her home timeline.
        assert.deepEqual(await homeWith(carol.masto, "vis-"), []);
        assert.equal((await carol.masto.v1.statuses.$select(pub.id).fetch()).id, pub.id);
        assert.equal((await carol.masto.v1.statuses.$select(unlisted.id).fetch()).id, unlisted.id);
        await rejectsWith(carol.masto.v1.statuses.$select(priv.id).fetch(), 404);
        await rejectsWith(carol.masto.v1.statuses.$select(direct.id).fetch(), 404);
        const instanceTimeline = await carol.masto.v1.timelines.public.list({ limit: 40 });
        const seen = instanceTimeline.filter((s) => s.content.includes("vis-")).map((s) => s.id);
        assert.deepEqual(new Set(seen), new Set([pub.id, unlisted.id]));

        // Once carol follows alice she reads the followers-only post, not the direct one.
        await carol.masto.v1.accounts.$select(alice.account.id).follow();
        assert.equal((await carol.masto.v1.statuses.$select(priv.id).fetch()).id, priv.id);
        await rejectsWith(carol.masto.v1.statuses.$select(direct.id).fetch(), 404);
        assert.deepEqual(new Set((await homeWith(carol.masto, "vis-")).map((s) => s.id)), new Set([pub.id, unlisted.id, priv.id]));
        await carol.masto.v1.accounts.$select(alice.account.id).unfollow();
        await rejectsWith(carol.masto.v1.statuses.$select(priv.id).fetch(), 404);

        // A direct message needs someone to go to.
        await rejectsWith(alice.masto.v1.statuses.create({ status: "to nobody", visibility: "direct" }), 422);
        await rejectsWith(alice.masto.v1.statuses.create({ status: "bad", visibility: "everyone" }), 422);
        await rejectsWith(alice.masto.v1.statuses.create({ status: "" }), 422);
    });

    test("a reply and the thread's context", async () => {
        const root = await alice.masto.v1.statuses.create({ status: "thread root" });
        const reply = await bob.masto.v1.statuses.create({ status: "@alice thread reply", inReplyToId: root.id });
        assert.equal(reply.inReplyToId, root.id);
        const answer = await alice.masto.v1.statuses.create({ status: "@bob thread answer", inReplyToId: reply.id });

        const fromRoot = await carol.masto.v1.statuses.$select(root.id).context.fetch();
        assert.deepEqual(fromRoot.ancestors, []);
        assert.deepEqual(fromRoot.descendants.map((s) => s.id), [reply.id, answer.id]);
        const fromAnswer = await carol.masto.v1.statuses.$select(answer.id).context.fetch();
        assert.deepEqual(fromAnswer.ancestors.map((s) => s.id), [root.id, reply.id]);
        assert.deepEqual(fromAnswer.descendants, []);

        // A reply to a followers-only post stays inside its audience: it is direct, and carol
        // (no follower) sees neither.
        const closed = await alice.masto.v1.statuses.create({ status: "closed thread", visibility: "private" });
        const inside = await bob.masto.v1.statuses.create({ status: "@alice inside", inReplyToId: closed.id, visibility: "direct" });
        assert.equal(inside.visibility, "direct");
        await rejectsWith(bob.masto.v1.statuses.create({ status: "@alice wider", inReplyToId: closed.id, visibility: "public" }), 422);
        await rejectsWith(carol.masto.v1.statuses.$select(inside.id).context.fetch(), 404);
        await rejectsWith(carol.masto.v1.statuses.create({ status: "reply to unseen", inReplyToId: closed.id }), 404);
    });

    // Clients show "replying to @…" and thread self-replies from in_reply_to_account_id, and
    // show replies_count (the replies the reader may read).
    test("a reply names the parent's author and is counted", async () => {
        const root = await alice.masto.v1.statuses.create({ status: "who replies" });
        const reply = await bob.masto.v1.statuses.create({ status: "@alice me", inReplyToId: root.id });
        assert.equal(reply.inReplyToAccountId, alice.account.id);
        assert.equal((await carol.masto.v1.statuses.$select(reply.id).fetch()).inReplyToAccountId, alice.account.id);
        assert.equal((await carol.masto.v1.statuses.$select(root.id).fetch()).repliesCount, 1);
    });

    test("favourite and unfavourite", async () => {
        const s = await alice.masto.v1.statuses.create({ status: "fav me" });
        assert.equal(s.favouritesCount, 0);
        assert.equal(s.favourited, false);

        const faved = await bob.masto.v1.statuses.$select(s.id).favourite();
        assert.equal(faved.id, s.id);
        assert.equal(faved.favourited, true);
        assert.equal(faved.favouritesCount, 1);
        const seen = await alice.masto.v1.statuses.$select(s.id).fetch();
        assert.equal(seen.favouritesCount, 1);
        assert.equal(seen.favourited, false, "favourited is the reader's own");

        // Twice is once.
        assert.equal((await bob.masto.v1.statuses.$select(s.id).favourite()).favouritesCount, 1);
        const unfaved = await bob.masto.v1.statuses.$select(s.id).unfavourite();
        assert.equal(unfaved.favourited, false);
        assert.equal(unfaved.favouritesCount, 0);
        assert.equal((await alice.masto.v1.statuses.$select(s.id).fetch()).favouritesCount, 0);

        const priv = await alice.masto.v1.statuses.create({ status: "fav private", visibility: "private" });
        await rejectsWith(carol.masto.v1.statuses.$select(priv.id).favourite(), 404);
    });

    test("reblog answers the wrapper, a home entry of its own; unreblog answers the status; no widening", async () => {
        const s = await alice.masto.v1.statuses.create({ status: "boost me" });
        const boosted = await bob.masto.v1.statuses.$select(s.id).reblog();
        assert.notEqual(boosted.id, s.id, "the boost has an id of its own");
        assert.equal(boosted.account.id, bob.account.id);
        assert.equal(boosted.content, "");
        assert.equal(boosted.visibility, "public");
        assert.equal(boosted.reblog.id, s.id);
        assert.equal(boosted.reblog.account.id, alice.account.id);
        assert.equal(boosted.reblog.content, s.content);
        assert.equal(boosted.reblog.reblogged, true);
        assert.equal(boosted.reblog.reblogsCount, 1);
        assert.equal((await alice.masto.v1.statuses.$select(s.id).fetch()).reblogsCount, 1);
        assert.equal((await bob.masto.v1.statuses.$select(s.id).reblog()).id, boosted.id, "boosting twice is one boost");

        // carol follows bob, not alice: the boost brings alice's post into her home, as bob's entry.
        await carol.masto.v1.accounts.$select(bob.account.id).follow();
        try {
            const home = await carol.masto.v1.timelines.home.list({ limit: 10 });
            const entry = home.find((e) => e.id === boosted.id);
            assert.ok(entry, "the boost is an entry of carol's home");
            assert.equal(entry.account.id, bob.account.id);
            assert.equal(entry.reblog.id, s.id);
            assert.equal(entry.reblog.reblogged, false, "carol did not boost it");
            assert.ok(!home.some((e) => e.id === s.id), "the post itself does not reach carol");
            const fetched = await carol.masto.v1.statuses.$select(boosted.id).fetch();
            assert.equal(fetched.reblog.id, s.id, "the wrapper's id answers the wrapper");
            const liked = await carol.masto.v1.statuses.$select(boosted.id).favourite();
            assert.equal(liked.id, s.id, "acting on the wrapper acts on the status");
            assert.equal(liked.favourited, true);
            await carol.masto.v1.statuses.$select(s.id).unfavourite();

            const profile = await carol.masto.v1.accounts.$select(bob.account.id).statuses.list({ limit: 10 });
            assert.ok(profile.some((e) => e.id === boosted.id && e.reblog.id === s.id), "bob's boosts are on his profile");
            const noBoosts = await carol.masto.v1.accounts.$select(bob.account.id).statuses.list({ limit: 10, excludeReblogs: true });
            assert.ok(!noBoosts.some((e) => e.id === boosted.id));

            const unboosted = await bob.masto.v1.statuses.$select(s.id).unreblog();
            assert.equal(unboosted.id, s.id);
            assert.equal(unboosted.reblog, null);
            assert.equal(unboosted.reblogged, false);
            assert.equal(unboosted.reblogsCount, 0);
            const after = await carol.masto.v1.timelines.home.list({ limit: 10 });
            assert.ok(!after.some((e) => e.id === boosted.id), "an undone boost leaves the home timeline");
            await rejectsWith(carol.masto.v1.statuses.$select(boosted.id).fetch(), 404);
        } finally {
            await carol.masto.v1.accounts.$select(bob.account.id).unfollow();
        }

        // bob reads alice's followers-only post but may not widen its audience.
        const priv = await alice.masto.v1.statuses.create({ status: "boost private", visibility: "private" });
        assert.equal((await bob.masto.v1.statuses.$select(priv.id).fetch()).id, priv.id);
        await rejectsWith(bob.masto.v1.statuses.$select(priv.id).reblog(), 422);
        assert.equal((await alice.masto.v1.statuses.$select(priv.id).fetch()).reblogsCount, 0);
        // Her own is hers to boost, to the same followers.
        const own = await alice.masto.v1.statuses.$select(priv.id).reblog();
        assert.equal(own.reblog.id, priv.id);
        assert.equal(own.visibility, "private");
        const forBob = await bob.masto.v1.timelines.home.list({ limit: 10 });
        assert.ok(forBob.some((e) => e.id === priv.id) && !forBob.some((e) => e.id === own.id),
            "bob follows alice: the post shows once, as itself");
    });

    test("bookmark, list bookmarks, unbookmark", async () => {
        const s = await alice.masto.v1.statuses.create({ status: "à relire avant la garde" });
        const marked = await bob.masto.v1.statuses.$select(s.id).bookmark();
        assert.equal(marked.bookmarked, true);
        assert.equal((await alice.masto.v1.statuses.$select(s.id).fetch()).bookmarked, false, "bookmarks are the reader's own");
        const listed = (await allPages(bob.masto.v1.bookmarks.list({ limit: 1 }))).flat();
        assert.ok(listed.some((b) => b.id === s.id), "the bookmark is listed");
        assert.equal((await bob.masto.v1.statuses.$select(s.id).unbookmark()).bookmarked, false);
        assert.ok(!(await bob.masto.v1.bookmarks.list()).some((b) => b.id === s.id));
        const priv = await alice.masto.v1.statuses.create({ status: "bookmark private", visibility: "private" });
        await rejectsWith(carol.masto.v1.statuses.$select(priv.id).bookmark(), 404);
    });

    test("notifications of a follow, a mention and a favourite", async () => {
        // bob follows alice (before()); he now mentions her, carol favourites her post.
        const mine = await alice.masto.v1.statuses.create({ status: "notif: protocole" });
        const mention = await bob.masto.v1.statuses.create({ status: "@alice notif: une question" });
        await carol.masto.v1.statuses.$select(mine.id).favourite();
        const all = await alice.masto.v1.notifications.list({ limit: 40 });
        const seen = (type, who) => all.find((n) => n.type === type && n.account.id === who.account.id);
        assert.ok(seen("follow", bob), "a follow notification from bob");
        assert.equal(seen("mention", bob)?.status?.id, mention.id);
        assert.equal(seen("favourite", carol)?.status?.id, mine.id);
        const favourites = await alice.masto.v1.notifications.list({ types: ["favourite"] });
        assert.ok(favourites.every((n) => n.type === "favourite"));
        await alice.masto.v1.notifications.$select(seen("mention", bob).id).dismiss();
        assert.ok(!(await alice.masto.v1.notifications.list({ limit: 40 })).some((n) => n.type === "mention" && n.status?.id === mention.id));
        // Nobody else reads alice's notifications.
        await rejectsWith(bob.masto.v1.notifications.$select(seen("follow", bob).id).fetch(), 404);
    });

    test("delete", async () => {
        const s = await alice.masto.v1.statuses.create({ status: "delete-me soon", visibility: "private" });
        assert.equal((await homeWith(bob.masto, "delete-me")).length, 1);
        await rejectsWith(bob.masto.v1.statuses.$select(s.id).remove(), 403);

        const removed = await alice.masto.v1.statuses.$select(s.id).remove();
        assert.equal(removed.id, s.id);
        await rejectsWith(alice.masto.v1.statuses.$select(s.id).fetch(), 404);
        await rejectsWith(bob.masto.v1.statuses.$select(s.id).fetch(), 404);
        assert.deepEqual(await homeWith(bob.masto, "delete-me"), []);
        await rejectsWith(alice.masto.v1.statuses.$select(s.id).remove(), 404);
    });

    test("the home timeline pages with masto's paginator (Link header)", async () => {
        // dave has a timeline of his own: his 5 posts.
        await createAccount(instance, { username: "dave" });
        const dave = await member(instance, "dave");
        const posted = [];
        for (let i = 1; i <= 5; ++i) posted.push((await dave.masto.v1.statuses.create({ status: `page ${i}` })).id);
        const newestFirst = [...posted].reverse();

        // Confrère sends rel="next" after every non-empty page, so today the paginator ends with
        // an empty page (Mastodon leaves the link out after a short one): either is fine.
        const pages = await allPages(dave.masto.v1.timelines.home.list({ limit: 2 }));
        const sizes = pages.map((p) => p.length);
        if (sizes.at(-1) === 0) sizes.pop();
        assert.deepEqual(sizes, [2, 2, 1]);
        assert.deepEqual(pages.flat().map((s) => s.id), newestFirst);

        // values() is the same iteration; `await` of a paginator is its first page.
        const viaValues = [];
        for await (const page of dave.masto.v1.timelines.home.list({ limit: 3 }).values()) viaValues.push(...page.map((s) => s.id));
        assert.deepEqual(viaValues, newestFirst);
        const first = await dave.masto.v1.timelines.home.list({ limit: 2 });
        assert.deepEqual(first.map((s) => s.id), newestFirst.slice(0, 2));
    });

    // Mastodon's min_id gives the page just after it (oldest first, shown newest first), and
    // rel="prev" walks up from there: a client filling a gap sees every newer status.
    test("the home timeline pages backwards (min_id, rel=\"prev\")", async () => {
        await createAccount(instance, { username: "erin" });
        const client = await member(instance, "erin");
        const posted = [];
        for (let i = 1; i <= 5; ++i) posted.push((await client.masto.v1.statuses.create({ status: `back ${i}` })).id);
        const firstPage = await client.masto.v1.timelines.home.list({ limit: 2, minId: posted[0] });
        assert.deepEqual(new Set(firstPage.map((s) => s.id)), new Set(posted.slice(1, 3)));
        const newer = await allPages(client.masto.v1.timelines.home.list({ limit: 2, minId: posted[0] }).setDirection("prev"));
        assert.deepEqual(new Set(newer.flat().map((s) => s.id)), new Set(posted.slice(1)));
    });
});
