// Notifications of remote actions, through the real InboxProcessor with signed activities from
// the loopback peer: follows and requests, Undo, mentions in a Create, Likes and Announces, and
// the Delete of a status. The rules are services::Notifier's; these prove the inbox calls them,
// in its transaction, and publishes the live events only once committed.
#include "tests/unit/federation/inbox_test_support.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace confrere::federation {
namespace {

using namespace inbox_testing;
using model::NotificationType;
using namespace std::chrono_literals;

class RecordingLiveEvents final : public services::LiveEvents {
public:
    std::vector<services::LiveEvent> events;
    void publish(std::span<const services::LiveEvent> published) override
    {
        events.insert(events.end(), published.begin(), published.end());
    }
};

class InboxNotificationsTest : public InboxTest {
protected:
    void SetUp() override
    {
        InboxTest::SetUp();
        inbox_->set_live_events(&live_);
    }

    std::vector<model::Notification> notifications_of(const model::Account& account)
    {
        return read([&](storage::Repositories& repos) {
            return repos.notifications().list(account.id, storage::NotificationQuery {});
        });
    }

    std::size_t live_notifications() const
    {
        std::size_t n = 0;
        for (const auto& e : live_.events)
            n += e.kind == services::LiveEvent::Kind::Notification ? 1 : 0;
        return n;
    }

    RecordingLiveEvents live_;
};

TEST_F(InboxNotificationsTest, ARemoteFollowNotifiesOnceAndItsUndoRemovesIt)
{
    const std::string id = activity_id(remi_, "follow-1");
    ASSERT_TRUE(deliver(remi_, follow_of_alice(remi_, id)));
    fx_->clock().advance(60s);
    ASSERT_TRUE(deliver(remi_, follow_of_alice(remi_, activity_id(remi_, "follow-again"))))
        << "a Follow sent again for the same follow";
    auto list = notifications_of(alice_);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].type, NotificationType::Follow);
    EXPECT_EQ(list[0].from, model::remote_actor(remi_.actor.id));
    EXPECT_FALSE(list[0].status_id);
    ASSERT_EQ(live_notifications(), 1u);
    EXPECT_EQ(live_.events.back().account_id, alice_.id);
    EXPECT_EQ(live_.events.back().notification_id, list[0].id);

    ASSERT_TRUE(deliver(remi_, activity_json("Undo", activity_id(remi_, "undo-1"), remi_.uri, q(id))));
    EXPECT_TRUE(notifications_of(alice_).empty());
}

TEST_F(InboxNotificationsTest, ARemoteFollowOfALockedAccountIsAFollowRequest)
{
    ASSERT_TRUE(testkit::exec_sql(
        fx_->database_path(), "UPDATE accounts SET locked = 1 WHERE id = " + std::to_string(alice_.id)));
    ASSERT_TRUE(deliver(remi_, follow_of_alice(remi_, activity_id(remi_, "follow-1"))));
    auto list = notifications_of(alice_);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].type, NotificationType::FollowRequest);
}

TEST_F(InboxNotificationsTest, ACreateAddressedToAMemberIsAMentionAndItsDeleteRemovesIt)
{
    Note note;
    note.id = remi_.uri + "/statuses/1";
    note.attributed_to = remi_.uri;
    note.to = { local_uri(alice_) };
    ASSERT_TRUE(deliver(remi_, create_of(remi_, activity_id(remi_, "create-1"), note)));
    auto s = status(note.id);
    ASSERT_TRUE(s);
    auto list = notifications_of(alice_);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].type, NotificationType::Mention);
    EXPECT_EQ(list[0].status_id, s->id);
    EXPECT_EQ(list[0].from, model::remote_actor(remi_.actor.id));
    EXPECT_EQ(live_notifications(), 1u);

    const std::string tombstone = R"({"id":)" + q(note.id) + R"(,"type":"Tombstone"})";
    ASSERT_TRUE(
        deliver(remi_, activity_json("Delete", activity_id(remi_, "delete-1"), remi_.uri, tombstone)));
    EXPECT_TRUE(notifications_of(alice_).empty());
}

TEST_F(InboxNotificationsTest, AFollowersNoteThatNamesNobodyHereNotifiesNobody)
{
    alice_follows(remi_);
    Note note;
    note.id = remi_.uri + "/statuses/1";
    note.attributed_to = remi_.uri;
    note.to = { remi_.followers };
    ASSERT_TRUE(deliver(remi_, create_of(remi_, activity_id(remi_, "create-1"), note)));
    ASSERT_TRUE(status(note.id)) << "stored for alice's home timeline";
    EXPECT_TRUE(notifications_of(alice_).empty()) << "reading a followed actor's post is not a mention";
}

TEST_F(InboxNotificationsTest, ALikeAndAnAnnounceNotifyTheAuthorAndUndoRemovesThem)
{
    ASSERT_TRUE(deliver(remi_, follow_of_alice(remi_, activity_id(remi_, "follow-1"))));
    const model::Status s = local_status(alice_, Audience::Followers);
    const std::string like_id = activity_id(remi_, "like-1");
    ASSERT_TRUE(deliver(remi_, activity_json("Like", like_id, remi_.uri, q(s.uri))));
    ASSERT_TRUE(
        deliver(remi_, activity_json("Announce", activity_id(remi_, "announce-1"), remi_.uri, q(s.uri))));
    auto list = notifications_of(alice_);
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[0].type, NotificationType::Reblog);
    EXPECT_EQ(list[1].type, NotificationType::Favourite);
    EXPECT_EQ(list[1].status_id, s.id);
    EXPECT_EQ(list[2].type, NotificationType::Follow);

    const std::string undo = activity_json("Like", like_id, remi_.uri, q(s.uri));
    ASSERT_TRUE(deliver(remi_, activity_json("Undo", activity_id(remi_, "undo-like"), remi_.uri, undo)));
    list = notifications_of(alice_);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].type, NotificationType::Reblog);
    EXPECT_EQ(list[1].type, NotificationType::Follow);
}

TEST_F(InboxNotificationsTest, ARefusedActivityNotifiesNobodyAndPublishesNothing)
{
    // Rémi signs a Follow claiming to be Sophie's: refused before anything is applied.
    const std::string body = follow_of_alice(sophie_, activity_id(remi_, "follow-1"));
    expect_refused(deliver(remi_, body), ErrorKind::Forbidden, "not the signer");
    EXPECT_TRUE(notifications_of(alice_).empty());
    EXPECT_TRUE(live_.events.empty());
}

} // namespace
} // namespace confrere::federation
