// Remote actors, follows, interactions and the inbox ledger on a real SQLite file: look-ups,
// uniqueness (a duplicate is a Conflict naming its field), the one-of-two actor columns, paging.
#include "storage/store.hpp"
#include "tests/support/test_store.hpp"
#include "tests/unit/storage/sqlite/federation_store.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace confrere::storage {
namespace {

using fedtest::at;
using model::FollowState;
using model::InteractionKind;
using model::local_actor;
using model::remote_actor;
using testkit::describe;
using testkit::exec_sql;
using testkit::query_int;

class RemoteActorRepositoryTest : public fedtest::FederationStoreTest { };

TEST_F(RemoteActorRepositoryTest, UpsertedActorIsFoundByIdWithEveryField)
{
    model::RemoteActor doc = remote_actor_doc("Claire", "soins.example");
    doc.id = next_id();
    doc.shared_inbox = "https://soins.example/inbox";
    doc.locked = true;
    auto stored = write([&](Repositories& r) { return r.remote_actors().upsert(doc); });
    ASSERT_TRUE(stored) << describe(stored);
    EXPECT_EQ(stored->id, doc.id);

    auto found = read([&](Repositories& r) { return r.remote_actors().find_by_id(doc.id); });
    ASSERT_TRUE(found) << describe(found);
    ASSERT_TRUE(*found);
    const model::RemoteActor& a = **found;
    EXPECT_EQ(a.uri, doc.uri);
    EXPECT_EQ(a.host, "soins.example");
    EXPECT_EQ(a.type, "Person");
    EXPECT_EQ(a.username, "Claire");
    EXPECT_EQ(a.display_name, doc.display_name);
    EXPECT_EQ(a.summary_html, doc.summary_html);
    EXPECT_EQ(a.url, doc.url);
    EXPECT_EQ(a.inbox, doc.inbox);
    EXPECT_EQ(a.shared_inbox, doc.shared_inbox);
    EXPECT_EQ(a.outbox, doc.outbox);
    EXPECT_EQ(a.followers_url, doc.followers_url);
    EXPECT_EQ(a.following_url, doc.following_url);
    EXPECT_EQ(a.key_id, doc.key_id);
    EXPECT_EQ(a.public_key_pem, doc.public_key_pem);
    EXPECT_TRUE(a.locked);
    EXPECT_EQ(a.fetched_at, doc.fetched_at);
    EXPECT_EQ(a.created_at, doc.created_at);
}

TEST_F(RemoteActorRepositoryTest, UpsertOfAKnownUriUpdatesTheRowAndKeepsItsIdAndCreationTime)
{
    model::RemoteActor first = add_remote("claire", "soins.example");
    model::RemoteActor refetched = remote_actor_doc("claire", "soins.example");
    refetched.id = next_id(); // ignored: the uri is known
    refetched.display_name = "Claire (new name)";
    refetched.public_key_pem = "rotated key";
    refetched.fetched_at = at(60);
    refetched.created_at = at(60);
    auto stored = write([&](Repositories& r) { return r.remote_actors().upsert(refetched); });
    ASSERT_TRUE(stored) << describe(stored);
    EXPECT_EQ(stored->id, first.id);
    EXPECT_EQ(stored->display_name, "Claire (new name)");
    EXPECT_EQ(stored->public_key_pem, "rotated key");
    EXPECT_EQ(stored->fetched_at, at(60));
    EXPECT_EQ(stored->created_at, at());
    EXPECT_EQ(testkit::query_int(path(), "SELECT count(*) FROM remote_actors"), 1);
}

TEST_F(RemoteActorRepositoryTest, UnknownActorIsEmptyRatherThanAnError)
{
    add_remote("claire", "soins.example");
    auto by_id = read([](Repositories& r) { return r.remote_actors().find_by_id(1); });
    auto by_uri
        = read([](Repositories& r) { return r.remote_actors().find_by_uri("https://soins.example/x"); });
    auto by_key = read([](Repositories& r) { return r.remote_actors().find_by_key_id("https://x/#k"); });
    auto by_handle
        = read([](Repositories& r) { return r.remote_actors().find_by_handle("claire", "other.example"); });
    ASSERT_TRUE(by_id && by_uri && by_key && by_handle);
    EXPECT_FALSE(*by_id);
    EXPECT_FALSE(*by_uri);
    EXPECT_FALSE(*by_key);
    EXPECT_FALSE(*by_handle);
}

TEST_F(RemoteActorRepositoryTest, ActorIsFoundByUriAndByKeyId)
{
    model::RemoteActor claire = add_remote("claire", "soins.example");
    add_remote("denis", "soins.example");
    auto by_uri = read([&](Repositories& r) { return r.remote_actors().find_by_uri(claire.uri); });
    auto by_key = read([&](Repositories& r) { return r.remote_actors().find_by_key_id(claire.key_id); });
    ASSERT_TRUE(by_uri && *by_uri) << describe(by_uri);
    ASSERT_TRUE(by_key && *by_key) << describe(by_key);
    EXPECT_EQ((*by_uri)->id, claire.id);
    EXPECT_EQ((*by_key)->id, claire.id);
}

TEST_F(RemoteActorRepositoryTest, HandleLookUpIgnoresCaseOnBothParts)
{
    model::RemoteActor claire = add_remote("Claire", "soins.example");
    auto found
        = read([](Repositories& r) { return r.remote_actors().find_by_handle("cLAIRE", "Soins.EXAMPLE"); });
    ASSERT_TRUE(found && *found) << describe(found);
    EXPECT_EQ((*found)->id, claire.id);
    EXPECT_EQ((*found)->username, "Claire");
}

TEST_F(RemoteActorRepositoryTest, AKeyIdClaimedByAnotherActorStillFindsTheActorWhoseDocumentHoldsIt)
{
    model::RemoteActor claire = remote_actor_doc("claire", "soins.example");
    model::RemoteActor impostor = remote_actor_doc("impostor", "evil.example");
    impostor.id = next_id();
    impostor.key_id = claire.key_id; // stored first, claiming Claire's key id
    ASSERT_TRUE(write([&](Repositories& r) { return r.remote_actors().upsert(impostor); }));
    claire.id = next_id();
    ASSERT_TRUE(write([&](Repositories& r) { return r.remote_actors().upsert(claire); }));

    auto found = read([&](Repositories& r) { return r.remote_actors().find_by_key_id(claire.key_id); });
    ASSERT_TRUE(found && *found) << describe(found);
    EXPECT_EQ((*found)->id, claire.id);
}

class FollowRepositoryTest : public fedtest::FederationStoreTest {
protected:
    std::vector<Id> ids(const Result<std::vector<model::Follow>>& follows)
    {
        EXPECT_TRUE(follows) << describe(follows);
        std::vector<Id> out;
        if (follows)
            for (const auto& f : *follows)
                out.push_back(f.id);
        return out;
    }
};

TEST_F(FollowRepositoryTest, FollowsInEveryDirectionAreFoundWithEveryField)
{
    Id alice = add_account("alice");
    Id bob = add_account("bob");
    model::RemoteActor claire = add_remote("claire", "soins.example");
    model::Follow local = add_follow(local_actor(alice), local_actor(bob), FollowState::Pending);
    model::Follow outbound = add_follow(local_actor(alice), remote_actor(claire.id));
    model::Follow inbound = add_follow(remote_actor(claire.id), local_actor(bob));

    for (const model::Follow& expected : { local, outbound, inbound }) {
        auto found
            = read([&](Repositories& r) { return r.follows().find(expected.follower, expected.followee); });
        ASSERT_TRUE(found && *found) << describe(found);
        EXPECT_EQ((*found)->id, expected.id);
        EXPECT_EQ((*found)->follower, expected.follower);
        EXPECT_EQ((*found)->followee, expected.followee);
        EXPECT_EQ((*found)->state, expected.state);
        EXPECT_EQ((*found)->uri, expected.uri);
        EXPECT_EQ((*found)->created_at, expected.created_at);
        EXPECT_EQ((*found)->updated_at, expected.updated_at);
    }
    auto by_id = read([&](Repositories& r) { return r.follows().find_by_id(inbound.id); });
    auto by_uri = read([&](Repositories& r) { return r.follows().find_by_uri(outbound.uri); });
    ASSERT_TRUE(by_id && *by_id && by_uri && *by_uri);
    EXPECT_EQ((*by_id)->follower, remote_actor(claire.id));
    EXPECT_EQ((*by_uri)->id, outbound.id);
}

TEST_F(FollowRepositoryTest, TheReverseDirectionIsAnotherFollow)
{
    Id alice = add_account("alice");
    Id bob = add_account("bob");
    add_follow(local_actor(alice), local_actor(bob));
    auto reverse
        = read([&](Repositories& r) { return r.follows().find(local_actor(bob), local_actor(alice)); });
    ASSERT_TRUE(reverse) << describe(reverse);
    EXPECT_FALSE(*reverse);
}

TEST_F(FollowRepositoryTest, FollowingTheSameActorTwiceIsAConflict)
{
    Id alice = add_account("alice");
    Id bob = add_account("bob");
    model::RemoteActor claire = add_remote("claire", "soins.example");
    const std::vector<std::pair<model::ActorRef, model::ActorRef>> pairs {
        { local_actor(alice), local_actor(bob) },
        { local_actor(alice), remote_actor(claire.id) },
        { remote_actor(claire.id), local_actor(bob) },
    };
    for (const auto& [follower, followee] : pairs) {
        model::Follow first = add_follow(follower, followee, FollowState::Pending);
        model::Follow again = first;
        again.id = next_id();
        again.uri += "/again";
        auto refused = write([&](Repositories& r) { return r.follows().insert(again); });
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error().kind, ErrorKind::Conflict) << describe(refused);
        EXPECT_EQ(refused.error().field, "followee");
    }
    EXPECT_EQ(query_int(path(), "SELECT count(*) FROM follows"), 3);
}

TEST_F(FollowRepositoryTest, AFollowActivityIdUsedTwiceIsAConflictOnUri)
{
    Id alice = add_account("alice");
    Id bob = add_account("bob");
    Id carol = add_account("carol");
    model::Follow first = add_follow(local_actor(alice), local_actor(bob));
    model::Follow other = first;
    other.id = next_id();
    other.followee = local_actor(carol);
    auto refused = write([&](Repositories& r) { return r.follows().insert(other); });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Conflict);
    EXPECT_EQ(refused.error().field, "uri");
}

TEST_F(FollowRepositoryTest, ARowWithBothOrNeitherActorColumnIsRefusedByTheSchema)
{
    Id alice = add_account("alice");
    Id bob = add_account("bob");
    model::RemoteActor claire = add_remote("claire", "soins.example");
    const std::string a = std::to_string(alice), b = std::to_string(bob), c = std::to_string(claire.id);
    EXPECT_FALSE(exec_sql(path(),
        "INSERT INTO follows (id, follower_account_id, follower_remote_id, followee_account_id, state, uri,"
        " created_at, updated_at) VALUES (1, "
            + a + ", " + c + ", " + b + ", 'accepted', 'u1', 0, 0)"));
    EXPECT_FALSE(exec_sql(path(),
        "INSERT INTO follows (id, followee_account_id, state, uri, created_at, updated_at) VALUES (2, " + b
            + ", 'accepted', 'u2', 0, 0)"));
    EXPECT_FALSE(exec_sql(path(),
        "INSERT INTO statuses (id, uri, author_account_id, author_remote_id, audience, published, created_at)"
        " VALUES (3, 'u3', "
            + a + ", " + c + ", 'instance', 0, 0)"));
    EXPECT_FALSE(exec_sql(path(),
        "INSERT INTO statuses (id, uri, audience, published, created_at) VALUES (4, 'u4', 'instance', 0, "
        "0)"));
    // The same insert with exactly one column set goes in: the CHECK is what refused the others.
    EXPECT_TRUE(exec_sql(path(),
        "INSERT INTO follows (id, follower_account_id, followee_account_id, state, uri, created_at, "
        "updated_at)"
        " VALUES (5, "
            + a + ", " + b + ", 'accepted', 'u5', 0, 0)"));
}

TEST_F(FollowRepositoryTest, AFollowOfAnUnknownAccountIsRefused)
{
    Id alice = add_account("alice");
    model::Follow f;
    f.id = next_id();
    f.follower = local_actor(alice);
    f.followee = remote_actor(424242);
    f.uri = "https://confrere.example/follows/x";
    auto refused = write([&](Repositories& r) { return r.follows().insert(f); });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Unprocessable) << describe(refused);
}

TEST_F(FollowRepositoryTest, SetStateAcceptsAPendingFollow)
{
    Id alice = add_account("alice");
    Id bob = add_account("bob");
    model::Follow f = add_follow(local_actor(alice), local_actor(bob), FollowState::Pending);
    ASSERT_TRUE(
        write([&](Repositories& r) { return r.follows().set_state(f.id, FollowState::Accepted, at(5)); }));
    auto found = read([&](Repositories& r) { return r.follows().find_by_id(f.id); });
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->state, FollowState::Accepted);
    EXPECT_EQ((*found)->updated_at, at(5));
    EXPECT_EQ((*found)->created_at, at());
}

TEST_F(FollowRepositoryTest, SetStateAndRemoveOfAnUnknownFollowAreNotFound)
{
    auto set = write([](Repositories& r) { return r.follows().set_state(404, FollowState::Accepted, at()); });
    auto removed = write([](Repositories& r) { return r.follows().remove(404); });
    ASSERT_FALSE(set);
    ASSERT_FALSE(removed);
    EXPECT_EQ(set.error().kind, ErrorKind::NotFound);
    EXPECT_EQ(removed.error().kind, ErrorKind::NotFound);
}

TEST_F(FollowRepositoryTest, RemovedFollowIsGoneAndCanBeAskedAgain)
{
    Id alice = add_account("alice");
    Id bob = add_account("bob");
    model::Follow f = add_follow(local_actor(alice), local_actor(bob));
    ASSERT_TRUE(write([&](Repositories& r) { return r.follows().remove(f.id); }));
    auto found = read([&](Repositories& r) { return r.follows().find_by_id(f.id); });
    ASSERT_TRUE(found);
    EXPECT_FALSE(*found);
    add_follow(local_actor(alice), local_actor(bob));
}

TEST_F(FollowRepositoryTest, FollowersAndFollowingAreListedNewestFirstByStateAndPaged)
{
    Id alice = add_account("alice");
    Id bob = add_account("bob");
    Id carol = add_account("carol");
    model::RemoteActor claire = add_remote("claire", "soins.example");
    model::Follow f1 = add_follow(local_actor(bob), local_actor(alice));
    model::Follow f2 = add_follow(remote_actor(claire.id), local_actor(alice), FollowState::Pending);
    model::Follow f3 = add_follow(local_actor(carol), local_actor(alice));
    add_follow(local_actor(alice), local_actor(bob)); // the other direction
    add_follow(local_actor(carol), local_actor(bob)); // someone else's

    FollowQuery all;
    EXPECT_EQ(ids(read([&](Repositories& r) { return r.follows().followers_of(local_actor(alice), all); })),
        (std::vector<Id> { f3.id, f2.id, f1.id }));
    FollowQuery accepted;
    accepted.state = FollowState::Accepted;
    EXPECT_EQ(
        ids(read([&](Repositories& r) { return r.follows().followers_of(local_actor(alice), accepted); })),
        (std::vector<Id> { f3.id, f1.id }));
    FollowQuery older;
    older.max_id = f3.id;
    older.limit = 1;
    EXPECT_EQ(ids(read([&](Repositories& r) { return r.follows().followers_of(local_actor(alice), older); })),
        (std::vector<Id> { f2.id }));
    FollowQuery pending;
    pending.state = FollowState::Pending;
    EXPECT_EQ(
        ids(read([&](Repositories& r) { return r.follows().followed_by(remote_actor(claire.id), pending); })),
        (std::vector<Id> { f2.id }));
    auto carol_follows
        = ids(read([&](Repositories& r) { return r.follows().followed_by(local_actor(carol), all); }));
    EXPECT_EQ(carol_follows.size(), 2u);
}

TEST_F(FollowRepositoryTest, CountsAreByState)
{
    Id alice = add_account("alice");
    Id bob = add_account("bob");
    Id carol = add_account("carol");
    model::RemoteActor claire = add_remote("claire", "soins.example");
    add_follow(local_actor(bob), local_actor(alice));
    add_follow(remote_actor(claire.id), local_actor(alice));
    add_follow(local_actor(carol), local_actor(alice), FollowState::Pending);
    add_follow(local_actor(alice), remote_actor(claire.id), FollowState::Pending);

    auto accepted = read([&](Repositories& r) {
        return r.follows().count_followers(local_actor(alice), FollowState::Accepted);
    });
    auto pending = read([&](Repositories& r) {
        return r.follows().count_followers(local_actor(alice), FollowState::Pending);
    });
    auto following = read([&](Repositories& r) {
        return r.follows().count_following(local_actor(alice), FollowState::Pending);
    });
    auto remote = read([&](Repositories& r) {
        return r.follows().count_following(remote_actor(claire.id), FollowState::Accepted);
    });
    ASSERT_TRUE(accepted && pending && following && remote);
    EXPECT_EQ(*accepted, 2);
    EXPECT_EQ(*pending, 1);
    EXPECT_EQ(*following, 1);
    EXPECT_EQ(*remote, 1);
}

TEST_F(FollowRepositoryTest, FollowerInboxesPreferSharedInboxesAndAreDistinctAndSorted)
{
    Id alice = add_account("alice");
    Id bob = add_account("bob");
    model::RemoteActor claire = add_remote("claire", "soins.example", "https://soins.example/inbox");
    model::RemoteActor denis = add_remote("denis", "soins.example", "https://soins.example/inbox");
    model::RemoteActor emile = add_remote("emile", "cabinet.example"); // no shared inbox
    model::RemoteActor fanny = add_remote("fanny", "pending.example", "https://pending.example/inbox");
    model::RemoteActor gaston = add_remote("gaston", "elsewhere.example");
    add_follow(remote_actor(claire.id), local_actor(alice));
    add_follow(remote_actor(denis.id), local_actor(alice));
    add_follow(remote_actor(emile.id), local_actor(alice));
    add_follow(remote_actor(fanny.id), local_actor(alice), FollowState::Pending); // not accepted
    add_follow(local_actor(bob), local_actor(alice)); // local: delivered locally
    add_follow(remote_actor(gaston.id), local_actor(bob)); // follows someone else

    auto inboxes = read([&](Repositories& r) { return r.follows().follower_inboxes(local_actor(alice)); });
    ASSERT_TRUE(inboxes) << describe(inboxes);
    EXPECT_EQ(*inboxes,
        (std::vector<std::string> {
            "https://cabinet.example/users/emile/inbox", "https://soins.example/inbox" }));
}

TEST_F(FollowRepositoryTest, ARemoteActorRemovedTakesItsFollowsWithIt)
{
    Id alice = add_account("alice");
    model::RemoteActor claire = add_remote("claire", "soins.example");
    add_follow(remote_actor(claire.id), local_actor(alice));
    add_follow(local_actor(alice), remote_actor(claire.id));
    ASSERT_TRUE(exec_sql(path(),
        "PRAGMA foreign_keys = ON; DELETE FROM remote_actors WHERE id = " + std::to_string(claire.id)));
    EXPECT_EQ(query_int(path(), "SELECT count(*) FROM follows"), 0);
}

class InteractionRepositoryTest : public fedtest::FederationStoreTest {
protected:
    model::Interaction interaction(InteractionKind kind, model::ActorRef actor, Id status_id)
    {
        model::Interaction i;
        i.id = next_id();
        i.kind = kind;
        i.actor = actor;
        i.status_id = status_id;
        i.uri = "https://confrere.example/activities/" + std::to_string(i.id);
        i.created_at = at(3);
        return i;
    }
};

TEST_F(InteractionRepositoryTest, InteractionsAreFoundByActorAndByUriAndCounted)
{
    Id alice = add_account("alice");
    Id bob = add_account("bob");
    model::RemoteActor claire = add_remote("claire", "soins.example");
    model::Status post = add_status(local_actor(alice), model::Audience::Followers);
    model::Interaction like = interaction(InteractionKind::Like, local_actor(bob), post.id);
    model::Interaction remote_like = interaction(InteractionKind::Like, remote_actor(claire.id), post.id);
    model::Interaction boost = interaction(InteractionKind::Announce, local_actor(bob), post.id);
    for (const auto& i : { like, remote_like, boost })
        ASSERT_TRUE(write([&](Repositories& r) { return r.interactions().insert(i); }));

    auto found = read([&](Repositories& r) {
        return r.interactions().find(InteractionKind::Like, remote_actor(claire.id), post.id);
    });
    ASSERT_TRUE(found && *found) << describe(found);
    EXPECT_EQ((*found)->id, remote_like.id);
    EXPECT_EQ((*found)->kind, InteractionKind::Like);
    EXPECT_EQ((*found)->actor, remote_actor(claire.id));
    EXPECT_EQ((*found)->status_id, post.id);
    EXPECT_EQ((*found)->uri, remote_like.uri);
    EXPECT_EQ((*found)->created_at, at(3));
    auto by_uri = read([&](Repositories& r) { return r.interactions().find_by_uri(boost.uri); });
    ASSERT_TRUE(by_uri && *by_uri);
    EXPECT_EQ((*by_uri)->kind, InteractionKind::Announce);
    auto likes
        = read([&](Repositories& r) { return r.interactions().count(InteractionKind::Like, post.id); });
    auto boosts
        = read([&](Repositories& r) { return r.interactions().count(InteractionKind::Announce, post.id); });
    ASSERT_TRUE(likes && boosts);
    EXPECT_EQ(*likes, 2);
    EXPECT_EQ(*boosts, 1);
    auto none = read([&](Repositories& r) {
        return r.interactions().find(InteractionKind::Announce, local_actor(alice), post.id);
    });
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
}

TEST_F(InteractionRepositoryTest, LikingTheSameStatusTwiceIsAConflict)
{
    Id alice = add_account("alice");
    model::RemoteActor claire = add_remote("claire", "soins.example");
    model::Status post = add_status(local_actor(alice), model::Audience::Instance);
    for (model::ActorRef actor : { local_actor(alice), remote_actor(claire.id) }) {
        ASSERT_TRUE(write([&](Repositories& r) {
            return r.interactions().insert(interaction(InteractionKind::Like, actor, post.id));
        }));
        auto again = write([&](Repositories& r) {
            return r.interactions().insert(interaction(InteractionKind::Like, actor, post.id));
        });
        ASSERT_FALSE(again);
        EXPECT_EQ(again.error().kind, ErrorKind::Conflict) << describe(again);
        EXPECT_EQ(again.error().field, "status_id");
    }
}

TEST_F(InteractionRepositoryTest, AnActivityIdUsedTwiceIsAConflictOnUri)
{
    Id alice = add_account("alice");
    model::Status post = add_status(local_actor(alice), model::Audience::Instance);
    model::Interaction like = interaction(InteractionKind::Like, local_actor(alice), post.id);
    ASSERT_TRUE(write([&](Repositories& r) { return r.interactions().insert(like); }));
    model::Interaction boost = interaction(InteractionKind::Announce, local_actor(alice), post.id);
    boost.uri = like.uri;
    auto again = write([&](Repositories& r) { return r.interactions().insert(boost); });
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().kind, ErrorKind::Conflict);
    EXPECT_EQ(again.error().field, "uri");
}

TEST_F(InteractionRepositoryTest, RemovedInteractionIsGoneAndRemovingItAgainIsNotFound)
{
    Id alice = add_account("alice");
    model::Status post = add_status(local_actor(alice), model::Audience::Instance);
    model::Interaction like = interaction(InteractionKind::Like, local_actor(alice), post.id);
    ASSERT_TRUE(write([&](Repositories& r) { return r.interactions().insert(like); }));
    ASSERT_TRUE(write([&](Repositories& r) { return r.interactions().remove(like.id); }));
    auto count
        = read([&](Repositories& r) { return r.interactions().count(InteractionKind::Like, post.id); });
    ASSERT_TRUE(count);
    EXPECT_EQ(*count, 0);
    auto again = write([&](Repositories& r) { return r.interactions().remove(like.id); });
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().kind, ErrorKind::NotFound);
}

class InboxLedgerTest : public fedtest::FederationStoreTest { };

TEST_F(InboxLedgerTest, AnActivityIsRememberedOnceAndItsReplayIsReported)
{
    auto first
        = write([](Repositories& r) { return r.inbox_ledger().remember("https://soins.example/a/1", at()); });
    auto replay = write(
        [](Repositories& r) { return r.inbox_ledger().remember("https://soins.example/a/1", at(9)); });
    auto other
        = write([](Repositories& r) { return r.inbox_ledger().remember("https://soins.example/a/2", at()); });
    ASSERT_TRUE(first && replay && other);
    EXPECT_TRUE(*first);
    EXPECT_FALSE(*replay);
    EXPECT_TRUE(*other);
    // The replay did not move the first sighting.
    EXPECT_EQ(
        query_int(path(), "SELECT received_at FROM inbox_ledger WHERE uri = 'https://soins.example/a/1'"),
        to_unix_ms(at()));
}

TEST_F(InboxLedgerTest, PruneForgetsOnlyEntriesOlderThanTheCutOff)
{
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(write([&](Repositories& r) {
            return r.inbox_ledger().remember("https://soins.example/a/" + std::to_string(i), at(i * 10));
        }));
    auto pruned = write([](Repositories& r) { return r.inbox_ledger().prune(at(20)); });
    ASSERT_TRUE(pruned) << describe(pruned);
    EXPECT_EQ(*pruned, 2);
    EXPECT_EQ(query_int(path(), "SELECT count(*) FROM inbox_ledger"), 3);
    // A forgotten id is new again.
    auto again = write(
        [](Repositories& r) { return r.inbox_ledger().remember("https://soins.example/a/0", at(60)); });
    ASSERT_TRUE(again);
    EXPECT_TRUE(*again);
}

} // namespace
} // namespace confrere::storage
