// Notifications and markers on a real SQLite file: one notification per cause, the one-of-two
// actor columns, newest-first paging in both directions, type and actor filters, removals.
#include "storage/store.hpp"
#include "tests/support/test_store.hpp"
#include "tests/unit/storage/sqlite/federation_store.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace confrere::storage {
namespace {

using fedtest::at;
using model::local_actor;
using model::MarkerTimeline;
using model::NotificationType;
using model::remote_actor;
using testkit::describe;
using testkit::exec_sql;
using testkit::query_int;

class NotificationRepositoryTest : public fedtest::FederationStoreTest {
protected:
    void SetUp() override
    {
        FederationStoreTest::SetUp();
        alice_ = add_account("alice");
        bob_ = add_account("bob");
        louise_ = add_remote("louise", "soins.example");
        post_ = add_status(local_actor(alice_), model::Audience::Instance);
    }

    model::Notification make(NotificationType type, model::ActorRef from, std::optional<Id> status_id = {},
        std::optional<Id> recipient = {})
    {
        return model::Notification { next_id(), recipient.value_or(alice_), type, from, status_id, at(5) };
    }

    Result<bool> insert(const model::Notification& n)
    {
        return write([&](Repositories& r) { return r.notifications().insert(n); });
    }

    // Inserts and returns the id; fails the test if it was not stored.
    Id add(NotificationType type, model::ActorRef from, std::optional<Id> status_id = {})
    {
        auto n = make(type, from, status_id);
        auto stored = insert(n);
        EXPECT_TRUE(stored && *stored) << describe(stored);
        return n.id;
    }

    std::vector<Id> ids(const NotificationQuery& q, std::optional<Id> recipient = {})
    {
        auto found
            = read([&](Repositories& r) { return r.notifications().list(recipient.value_or(alice_), q); });
        EXPECT_TRUE(found) << describe(found);
        std::vector<Id> out;
        if (found)
            for (const auto& n : *found)
                out.push_back(n.id);
        return out;
    }

    Id alice_ = 0, bob_ = 0;
    model::RemoteActor louise_;
    model::Status post_;
};

TEST_F(NotificationRepositoryTest, AStoredNotificationIsFoundByItsRecipientWithEveryField)
{
    auto n = make(NotificationType::Favourite, remote_actor(louise_.id), post_.id);
    auto stored = insert(n);
    ASSERT_TRUE(stored) << describe(stored);
    EXPECT_TRUE(*stored);
    auto found = read([&](Repositories& r) { return r.notifications().find(alice_, n.id); });
    ASSERT_TRUE(found && *found) << describe(found);
    EXPECT_EQ((*found)->recipient_id, alice_);
    EXPECT_EQ((*found)->type, NotificationType::Favourite);
    EXPECT_EQ((*found)->from, remote_actor(louise_.id));
    EXPECT_EQ((*found)->status_id, post_.id);
    EXPECT_EQ((*found)->created_at, at(5));
    auto someone_else = read([&](Repositories& r) { return r.notifications().find(bob_, n.id); });
    ASSERT_TRUE(someone_else);
    EXPECT_FALSE(*someone_else) << "a notification is found by its recipient only";
}

TEST_F(NotificationRepositoryTest, TheSameCauseIsNotifiedOnceAndTheSecondInsertWritesNothing)
{
    add(NotificationType::Favourite, local_actor(bob_), post_.id);
    auto again = insert(make(NotificationType::Favourite, local_actor(bob_), post_.id));
    ASSERT_TRUE(again) << describe(again);
    EXPECT_FALSE(*again);
    add(NotificationType::Follow, local_actor(bob_));
    auto follow_again = insert(make(NotificationType::Follow, local_actor(bob_)));
    ASSERT_TRUE(follow_again);
    EXPECT_FALSE(*follow_again) << "no status: the NULL is keyed as 0, so it still collides";
    // Another type, another actor or another recipient is another notification.
    add(NotificationType::Reblog, local_actor(bob_), post_.id);
    add(NotificationType::Favourite, remote_actor(louise_.id), post_.id);
    auto for_bob = insert(make(NotificationType::Follow, local_actor(alice_), {}, bob_));
    ASSERT_TRUE(for_bob && *for_bob);
    EXPECT_EQ(query_int(path(), "SELECT count(*) FROM notifications"), 5);
}

TEST_F(NotificationRepositoryTest, ARowNamingBothOrNeitherKindOfActorIsRefusedByTheSchema)
{
    EXPECT_FALSE(exec_sql(path(),
        "INSERT INTO notifications (id, recipient_id, type, from_account_id, from_remote_id, created_at)"
        " VALUES (1, "
            + std::to_string(alice_) + ", 'follow', " + std::to_string(bob_) + ", "
            + std::to_string(louise_.id) + ", 0)"));
    EXPECT_FALSE(exec_sql(path(),
        "INSERT INTO notifications (id, recipient_id, type, created_at) VALUES (2, " + std::to_string(alice_)
            + ", 'follow', 0)"));
    EXPECT_FALSE(exec_sql(path(),
        "INSERT INTO notifications (id, recipient_id, type, from_account_id, created_at) VALUES (3, "
            + std::to_string(alice_) + ", 'poll', " + std::to_string(bob_) + ", 0)"))
        << "unknown types are refused";
    EXPECT_EQ(query_int(path(), "SELECT count(*) FROM notifications"), 0);
}

TEST_F(NotificationRepositoryTest, PagesAreNewestFirstAndMinIdPagesBackwardsFromItsBound)
{
    std::vector<Id> all;
    for (int i = 0; i < 5; ++i) {
        auto status = add_status(local_actor(alice_), model::Audience::Instance);
        all.push_back(add(NotificationType::Favourite, local_actor(bob_), status.id));
    }
    NotificationQuery q;
    q.limit = 2;
    EXPECT_EQ(ids(q), (std::vector<Id> { all[4], all[3] }));
    q.max_id = all[3];
    EXPECT_EQ(ids(q), (std::vector<Id> { all[2], all[1] }));
    q = {};
    q.limit = 2;
    q.since_id = all[0];
    EXPECT_EQ(ids(q), (std::vector<Id> { all[4], all[3] })) << "since_id: the newest after it";
    q.since_id.reset();
    q.min_id = all[0];
    EXPECT_EQ(ids(q), (std::vector<Id> { all[2], all[1] })) << "min_id: the ones just after it";
}

TEST_F(NotificationRepositoryTest, TypeAndActorFiltersSelectAndNoTypeSelectsNothing)
{
    Id follow = add(NotificationType::Follow, local_actor(bob_));
    Id like = add(NotificationType::Favourite, remote_actor(louise_.id), post_.id);
    Id mention = add(NotificationType::Mention, local_actor(bob_), post_.id);
    NotificationQuery q;
    EXPECT_EQ(ids(q), (std::vector<Id> { mention, like, follow }));
    q.types = { NotificationType::Follow, NotificationType::Favourite };
    EXPECT_EQ(ids(q), (std::vector<Id> { like, follow }));
    q.from_id = bob_;
    EXPECT_EQ(ids(q), (std::vector<Id> { follow }));
    q.from_id = louise_.id;
    EXPECT_EQ(ids(q), (std::vector<Id> { like })) << "the actor filter matches remote actors too";
    q.types.clear();
    EXPECT_TRUE(ids(q).empty());
    auto counted
        = read([&](Repositories& r) { return r.notifications().count(alice_, NotificationQuery {}, 2); });
    ASSERT_TRUE(counted) << describe(counted);
    EXPECT_EQ(*counted, 2) << "counting stops at the cap";
    NotificationQuery after_follow;
    after_follow.since_id = follow;
    counted = read([&](Repositories& r) { return r.notifications().count(alice_, after_follow, 100); });
    ASSERT_TRUE(counted);
    EXPECT_EQ(*counted, 2);
}

TEST_F(NotificationRepositoryTest, RemovalsTouchOnlyWhatTheyName)
{
    Id follow = add(NotificationType::Follow, local_actor(bob_));
    Id like = add(NotificationType::Favourite, local_actor(bob_), post_.id);
    Id boost = add(NotificationType::Reblog, remote_actor(louise_.id), post_.id);
    auto bobs = insert(make(NotificationType::Follow, local_actor(alice_), {}, bob_));
    ASSERT_TRUE(bobs && *bobs);

    auto removed = write([&](Repositories& r) {
        return r.notifications().remove_matching(
            alice_, NotificationType::Favourite, local_actor(bob_), post_.id);
    });
    ASSERT_TRUE(removed) << describe(removed);
    EXPECT_EQ(*removed, 1);
    EXPECT_EQ(ids({}), (std::vector<Id> { boost, follow }));
    (void)like;

    auto dismissed = write([&](Repositories& r) { return r.notifications().remove(bob_, follow); });
    ASSERT_TRUE(dismissed);
    EXPECT_FALSE(*dismissed) << "nobody dismisses someone else's notification";
    dismissed = write([&](Repositories& r) { return r.notifications().remove(alice_, follow); });
    ASSERT_TRUE(dismissed);
    EXPECT_TRUE(*dismissed);

    auto for_status = write([&](Repositories& r) { return r.notifications().remove_for_status(post_.id); });
    ASSERT_TRUE(for_status);
    EXPECT_EQ(*for_status, 1);
    EXPECT_TRUE(ids({}).empty());
    auto cleared = write([&](Repositories& r) { return r.notifications().remove_all(bob_); });
    ASSERT_TRUE(cleared);
    EXPECT_EQ(*cleared, 1);
    EXPECT_EQ(query_int(path(), "SELECT count(*) FROM notifications"), 0);
}

TEST_F(NotificationRepositoryTest, AMarkerStartsAtVersionOneAndEachSaveAddsOne)
{
    auto none = read([&](Repositories& r) { return r.markers().find(alice_, MarkerTimeline::Home); });
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
    auto first
        = write([&](Repositories& r) { return r.markers().save(alice_, MarkerTimeline::Home, 42, at(1)); });
    ASSERT_TRUE(first) << describe(first);
    EXPECT_EQ(first->version, 1);
    auto second
        = write([&](Repositories& r) { return r.markers().save(alice_, MarkerTimeline::Home, 40, at(2)); });
    ASSERT_TRUE(second) << describe(second);
    EXPECT_EQ(second->version, 2);
    auto found = read([&](Repositories& r) { return r.markers().find(alice_, MarkerTimeline::Home); });
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->last_read_id, 40) << "a client may move its marker back";
    EXPECT_EQ((*found)->version, 2);
    EXPECT_EQ((*found)->updated_at, at(2));
    auto other
        = read([&](Repositories& r) { return r.markers().find(alice_, MarkerTimeline::Notifications); });
    ASSERT_TRUE(other);
    EXPECT_FALSE(*other) << "each timeline has its own marker";
}

} // namespace
} // namespace confrere::storage
