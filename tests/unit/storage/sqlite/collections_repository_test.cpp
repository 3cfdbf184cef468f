// Bookmarks, Idempotency-Keys, interaction lists, min_id pages (PageEnd::Oldest), follow pages,
// profile updates and account search on a real SQLite file.
#include "storage/store.hpp"
#include "tests/support/test_store.hpp"
#include "tests/unit/storage/sqlite/federation_store.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace confrere::storage {
namespace {

using fedtest::at;
using model::Audience;
using model::local_actor;
using model::remote_actor;
using testkit::describe;
using testkit::query_int;

class CollectionsRepositoryTest : public fedtest::FederationStoreTest {
protected:
    void SetUp() override
    {
        fedtest::FederationStoreTest::SetUp();
        alice_ = add_account("alice");
        bob_ = add_account("bob");
        claire_ = add_remote("claire", "soins.example");
    }

    model::Interaction add_interaction(model::InteractionKind kind, model::ActorRef actor, Id status_id)
    {
        model::Interaction i;
        i.id = next_id();
        i.kind = kind;
        i.actor = actor;
        i.status_id = status_id;
        i.uri = "https://confrere.example/interactions/" + std::to_string(i.id);
        i.created_at = at();
        auto done = write([&](Repositories& r) { return r.interactions().insert(i); });
        EXPECT_TRUE(done) << describe(done);
        return i;
    }

    model::Bookmark add_bookmark(Id account, Id status)
    {
        auto stored = write([&](Repositories& r) {
            return r.bookmarks().insert(model::Bookmark { next_id(), account, status, at() });
        });
        EXPECT_TRUE(stored) << describe(stored);
        return stored ? *stored : model::Bookmark {};
    }

    std::vector<Id> bookmark_statuses(Id account, const PageQuery& page)
    {
        auto list = read([&](Repositories& r) { return r.bookmarks().list(account, page); });
        EXPECT_TRUE(list) << describe(list);
        std::vector<Id> out;
        if (list)
            for (const auto& b : *list)
                out.push_back(b.status_id);
        return out;
    }

    Id alice_ = 0;
    Id bob_ = 0;
    model::RemoteActor claire_;
};

TEST_F(CollectionsRepositoryTest, ABookmarkIsStoredOncePerStatusAndRemovingAMissingOneIsANoOp)
{
    model::Status s = add_status(local_actor(bob_), Audience::Instance);
    model::Bookmark first = add_bookmark(alice_, s.id);
    model::Bookmark again = add_bookmark(alice_, s.id);
    EXPECT_EQ(again.id, first.id);
    EXPECT_EQ(query_int(path(), "SELECT count(*) FROM bookmarks"), 1);
    ASSERT_TRUE(write([&](Repositories& r) { return r.bookmarks().remove(alice_, s.id); }));
    ASSERT_TRUE(write([&](Repositories& r) { return r.bookmarks().remove(alice_, s.id); }));
    auto found = read([&](Repositories& r) { return r.bookmarks().find(alice_, s.id); });
    ASSERT_TRUE(found) << describe(found);
    EXPECT_FALSE(found->has_value());
}

TEST_F(CollectionsRepositoryTest, BookmarksArePagedByTheirOwnIdNotTheStatusId)
{
    model::Status older = add_status(local_actor(bob_), Audience::Instance);
    model::Status newer = add_status(local_actor(bob_), Audience::Instance);
    model::Status newest = add_status(local_actor(bob_), Audience::Instance);
    // Bookmarked in another order than posted: the list follows the bookmarks.
    model::Bookmark b1 = add_bookmark(alice_, newer.id);
    model::Bookmark b2 = add_bookmark(alice_, older.id);
    model::Bookmark b3 = add_bookmark(alice_, newest.id);
    add_bookmark(bob_, older.id); // someone else's
    PageQuery page;
    EXPECT_EQ(bookmark_statuses(alice_, page), (std::vector<Id> { newest.id, older.id, newer.id }));
    page.limit = 1;
    page.max_id = b3.id;
    EXPECT_EQ(bookmark_statuses(alice_, page), (std::vector<Id> { older.id }));
    page.max_id.reset();
    page.min_id = b1.id;
    EXPECT_EQ(bookmark_statuses(alice_, page), (std::vector<Id> { newest.id }));
    page.end = PageEnd::Oldest;
    EXPECT_EQ(bookmark_statuses(alice_, page), (std::vector<Id> { older.id }));
    (void)b2;
}

TEST_F(CollectionsRepositoryTest, AnIdempotencyKeyIsFoundUntilItExpiresAndThenPruned)
{
    model::Status s = add_status(local_actor(alice_), Audience::Instance);
    ASSERT_TRUE(
        write([&](Repositories& r) { return r.idempotency_keys().insert(alice_, "k1", s.id, at(10)); }));
    auto found = read([&](Repositories& r) { return r.idempotency_keys().find(alice_, "k1", at(0)); });
    ASSERT_TRUE(found) << describe(found);
    EXPECT_EQ(*found, std::optional<Id>(s.id));
    auto other = read([&](Repositories& r) { return r.idempotency_keys().find(bob_, "k1", at(0)); });
    ASSERT_TRUE(other) << describe(other);
    EXPECT_FALSE(other->has_value());
    auto expired = read([&](Repositories& r) { return r.idempotency_keys().find(alice_, "k1", at(11)); });
    ASSERT_TRUE(expired) << describe(expired);
    EXPECT_FALSE(expired->has_value());
    auto pruned = write([&](Repositories& r) { return r.idempotency_keys().prune(at(11)); });
    ASSERT_TRUE(pruned) << describe(pruned);
    EXPECT_EQ(*pruned, 1);
    EXPECT_EQ(query_int(path(), "SELECT count(*) FROM idempotency_keys"), 0);
}

TEST_F(CollectionsRepositoryTest, InteractionsAreListedByActorAndByStatusNewestFirst)
{
    model::Status a = add_status(local_actor(bob_), Audience::Instance);
    model::Status b = add_status(local_actor(bob_), Audience::Instance);
    auto like_b = add_interaction(model::InteractionKind::Like, local_actor(alice_), b.id);
    auto like_a = add_interaction(model::InteractionKind::Like, local_actor(alice_), a.id);
    add_interaction(model::InteractionKind::Announce, local_actor(alice_), a.id);
    auto remote_like = add_interaction(model::InteractionKind::Like, remote_actor(claire_.id), a.id);

    auto mine = read([&](Repositories& r) {
        return r.interactions().by_actor(model::InteractionKind::Like, local_actor(alice_), PageQuery {});
    });
    ASSERT_TRUE(mine) << describe(mine);
    ASSERT_EQ(mine->size(), 2u);
    EXPECT_EQ((*mine)[0].id, like_a.id);
    EXPECT_EQ((*mine)[1].id, like_b.id);

    PageQuery page;
    page.max_id = remote_like.id;
    auto likers = read([&](Repositories& r) {
        return r.interactions().on_status(model::InteractionKind::Like, a.id, page);
    });
    ASSERT_TRUE(likers) << describe(likers);
    ASSERT_EQ(likers->size(), 1u);
    EXPECT_EQ((*likers)[0].actor, local_actor(alice_));
}

TEST_F(CollectionsRepositoryTest, MinIdTakesTheStatusesJustAboveTheBoundAndSinceIdTheNewest)
{
    std::vector<Id> posted;
    for (int i = 0; i < 6; ++i)
        posted.push_back(add_status(local_actor(alice_), Audience::Instance).id);
    StatusQuery since;
    since.min_id = posted[0];
    since.limit = 2;
    StatusQuery gap = since;
    gap.end = PageEnd::Oldest;
    EXPECT_EQ(ids(read([&](Repositories& r) { return r.statuses().home_timeline(alice_, since); })),
        (std::vector<Id> { posted[5], posted[4] }));
    EXPECT_EQ(ids(read([&](Repositories& r) { return r.statuses().home_timeline(alice_, gap); })),
        (std::vector<Id> { posted[2], posted[1] }));
    EXPECT_EQ(ids(read([&](Repositories& r) { return r.statuses().instance_timeline(gap, {}); })),
        (std::vector<Id> { posted[2], posted[1] }));
    EXPECT_EQ(ids(read([&](Repositories& r) { return r.statuses().by_author(local_actor(alice_), gap); })),
        (std::vector<Id> { posted[2], posted[1] }));
    gap.max_id = posted[2];
    EXPECT_EQ(ids(read([&](Repositories& r) { return r.statuses().home_timeline(alice_, gap); })),
        (std::vector<Id> { posted[1] }));
}

TEST_F(CollectionsRepositoryTest, FollowPagesHonourMinIdAndTheirEnd)
{
    Id carol = add_account("carol");
    auto f1 = add_follow(local_actor(bob_), local_actor(alice_));
    auto f2 = add_follow(remote_actor(claire_.id), local_actor(alice_));
    auto f3 = add_follow(local_actor(carol), local_actor(alice_));
    FollowQuery q;
    q.min_id = f1.id;
    q.limit = 1;
    auto newest = read([&](Repositories& r) { return r.follows().followers_of(local_actor(alice_), q); });
    ASSERT_TRUE(newest) << describe(newest);
    ASSERT_EQ(newest->size(), 1u);
    EXPECT_EQ((*newest)[0].id, f3.id);
    q.end = PageEnd::Oldest;
    auto adjacent = read([&](Repositories& r) { return r.follows().followers_of(local_actor(alice_), q); });
    ASSERT_TRUE(adjacent) << describe(adjacent);
    ASSERT_EQ(adjacent->size(), 1u);
    EXPECT_EQ((*adjacent)[0].id, f2.id);
}

TEST_F(CollectionsRepositoryTest, UpdateProfileChangesOnlyTheProfileColumns)
{
    auto before = read([&](Repositories& r) { return r.accounts().find_by_id(alice_); });
    ASSERT_TRUE(before && *before);
    model::Account a = **before;
    a.display_name = "Alice Pharma";
    a.note = "Officine <b>rurale</b>";
    a.locked = true;
    a.discoverable = true;
    a.locale = "en";
    a.email = "changed@example.org"; // not a profile column
    ASSERT_TRUE(write([&](Repositories& r) { return r.accounts().update_profile(a, at(5)); }));
    auto after = read([&](Repositories& r) { return r.accounts().find_by_id(alice_); });
    ASSERT_TRUE(after && *after);
    EXPECT_EQ((*after)->display_name, "Alice Pharma");
    EXPECT_EQ((*after)->note, "Officine <b>rurale</b>");
    EXPECT_TRUE((*after)->locked);
    EXPECT_TRUE((*after)->discoverable);
    EXPECT_EQ((*after)->locale, "en");
    EXPECT_EQ((*after)->email, "alice@example.org");
    EXPECT_EQ((*after)->updated_at, at(5));
    a.id = 424242;
    auto missing = write([&](Repositories& r) { return r.accounts().update_profile(a, at(6)); });
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind, ErrorKind::NotFound);
}

} // namespace
} // namespace confrere::storage
