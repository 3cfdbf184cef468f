// Who is notified of what, through the real SocialService over a real store: follows and
// requests, mentions the recipient may read, favourites and reblogs, edits of a boosted status;
// never oneself; undoing a cause removes its notification; live events only once committed.
#include "core/services/notification_service.hpp"
#include "core/services/notifications.hpp"
#include "core/services/social_service.hpp"
#include "tests/support/fixtures.hpp"

#include <gtest/gtest.h>

namespace confrere::services {
namespace {

using model::Audience;
using model::NotificationType;
using testkit::describe;

class RecordingLiveEvents final : public LiveEvents {
public:
    std::vector<LiveEvent> events;
    void publish(std::span<const LiveEvent> published) override
    {
        events.insert(events.end(), published.begin(), published.end());
    }
    std::vector<LiveEvent> notifications() const
    {
        std::vector<LiveEvent> out;
        for (const auto& e : events)
            if (e.kind == LiveEvent::Kind::Notification)
                out.push_back(e);
        return out;
    }
};

class NotificationsTest : public testkit::ServicesTest {
protected:
    void SetUp() override
    {
        ServicesTest::SetUp();
        social_ = std::make_unique<SocialService>(fx().store(), fx().clock(), fx().ids(), outbox_,
            "https://officine.example",
            [](std::string_view text) { return "<p>" + std::string(text) + "</p>"; });
        social_->set_live_events(&live_);
        notifications_ = std::make_unique<NotificationService>(fx().store(), fx().clock());
        auto a = fx().add_member(testkit::pharmacist_alice());
        auto b = fx().add_member(testkit::nurse_bob());
        auto c = fx().add_member(testkit::podiatrist_carol());
        ASSERT_TRUE(a && b && c) << describe(a) << describe(b) << describe(c);
        alice_ = *a;
        bob_ = *b;
        carol_ = *c;
    }

    // Alice's notifications as she sees them, newest first: (type, actor id, status id or 0).
    std::vector<std::tuple<NotificationType, Id, Id>> of(const model::Account& reader)
    {
        auto page = notifications_->list(reader, {});
        EXPECT_TRUE(page) << describe(page);
        std::vector<std::tuple<NotificationType, Id, Id>> out;
        if (page)
            for (const auto& v : page->items)
                out.emplace_back(
                    v.notification.type, v.notification.from.id, v.notification.status_id.value_or(0));
        return out;
    }

    Result<model::Status> post(const model::Account& author, std::string text, Audience audience,
        std::vector<model::ActorRef> mentions = {})
    {
        PostRequest request;
        request.text = std::move(text);
        request.audience = audience;
        request.mentions = std::move(mentions);
        return social_->post(author, std::move(request));
    }

    void lock(model::Account& account)
    {
        ASSERT_TRUE(testkit::exec_sql(
            fx().database_path(), "UPDATE accounts SET locked = 1 WHERE id = " + std::to_string(account.id)));
        account.locked = true;
    }

    NullOutbox outbox_;
    RecordingLiveEvents live_;
    std::unique_ptr<SocialService> social_;
    std::unique_ptr<NotificationService> notifications_;
    model::Account alice_, bob_, carol_;
};

using Row = std::tuple<NotificationType, Id, Id>;

TEST_F(NotificationsTest, AFollowOfAnUnlockedAccountNotifiesAFollowAndUnfollowingRemovesIt)
{
    ASSERT_TRUE(social_->follow(bob_, model::local_actor(alice_.id)));
    EXPECT_EQ(of(alice_), (std::vector<Row> { { NotificationType::Follow, bob_.id, 0 } }));
    EXPECT_TRUE(of(bob_).empty()) << "the follower is not notified";
    auto live = live_.notifications();
    ASSERT_EQ(live.size(), 1u);
    EXPECT_EQ(live[0].account_id, alice_.id);
    ASSERT_TRUE(social_->follow(bob_, model::local_actor(alice_.id)));
    EXPECT_EQ(of(alice_).size(), 1u) << "following again is not a new follow";
    ASSERT_TRUE(social_->unfollow(bob_, model::local_actor(alice_.id)));
    EXPECT_TRUE(of(alice_).empty());
}

TEST_F(NotificationsTest, ALockedAccountGetsAFollowRequestAndAnsweringItRemovesIt)
{
    lock(alice_);
    auto follow = social_->follow(bob_, model::local_actor(alice_.id));
    ASSERT_TRUE(follow) << describe(follow);
    EXPECT_EQ(follow->state, model::FollowState::Pending);
    EXPECT_EQ(of(alice_), (std::vector<Row> { { NotificationType::FollowRequest, bob_.id, 0 } }));
    auto accepted = social_->authorize_follower(alice_, model::local_actor(bob_.id));
    ASSERT_TRUE(accepted) << describe(accepted);
    EXPECT_TRUE(of(alice_).empty()) << "authorizing makes no follow notification and settles the request";
    ASSERT_TRUE(social_->follow(carol_, model::local_actor(alice_.id)));
    ASSERT_TRUE(social_->reject_follower(alice_, model::local_actor(carol_.id)));
    EXPECT_TRUE(of(alice_).empty());
}

TEST_F(NotificationsTest, AMentionNotifiesOnlyMembersWhoMayReadTheStatus)
{
    // Carol does not follow alice: a followers-only status naming her is readable as a mention.
    auto s = post(alice_, "@bob @carol un cas", Audience::Followers,
        { model::local_actor(bob_.id), model::local_actor(carol_.id), model::local_actor(alice_.id) });
    ASSERT_TRUE(s) << describe(s);
    EXPECT_EQ(of(bob_), (std::vector<Row> { { NotificationType::Mention, alice_.id, s->id } }));
    EXPECT_EQ(of(carol_), (std::vector<Row> { { NotificationType::Mention, alice_.id, s->id } }));
    EXPECT_TRUE(of(alice_).empty()) << "naming oneself notifies nobody";
    ASSERT_GE(live_.events.size(), 3u);
    EXPECT_EQ(live_.events[0].kind, LiveEvent::Kind::StatusPosted) << "the status comes first";
    EXPECT_EQ(live_.notifications().size(), 2u);
}

TEST_F(NotificationsTest, AMentionInAStatusTheMemberMayNotReadNotifiesNobody)
{
    // A group status (no reader but its author until groups exist) naming alice: the rule, not
    // the posting path (which refuses group posts), decides.
    model::Status s;
    s.id = fx().ids().next();
    s.uri = "https://officine.example/users/bob/statuses/" + std::to_string(s.id);
    s.author = model::local_actor(bob_.id);
    s.audience = Audience::Group;
    s.context = s.uri;
    s.published = s.created_at = fx().clock().now();
    std::vector<LiveEvent> events;
    auto done = fx().store().write([&](storage::Repositories& repos) -> Status {
        if (auto inserted = repos.statuses().insert(s); !inserted)
            return inserted;
        if (auto added = repos.statuses().add_mentions(s.id, { model::local_actor(alice_.id) }); !added)
            return added;
        return Notifier(repos, fx().ids(), fx().clock().now(), events).status_created(s);
    });
    ASSERT_TRUE(done) << describe(done);
    EXPECT_TRUE(events.empty());
    EXPECT_EQ(testkit::query_int(fx().database_path(), "SELECT count(*) FROM notifications"), 0);
}

TEST_F(NotificationsTest, ASuspendedMemberIsNotNotified)
{
    auto s = post(carol_, "Avant la suspension", Audience::Instance);
    ASSERT_TRUE(s) << describe(s);
    auto suspended = fx().moderation().suspend(std::nullopt, carol_.id, "test");
    ASSERT_TRUE(suspended) << describe(suspended);
    ASSERT_TRUE(social_->interact(bob_, model::InteractionKind::Like, s->id));
    EXPECT_EQ(testkit::query_int(fx().database_path(), "SELECT count(*) FROM notifications"), 0);
}

TEST_F(NotificationsTest, FavouritesAndReblogsNotifyTheAuthorOnceAndUndoRemovesThem)
{
    auto s = post(alice_, "Rupture de stock", Audience::Instance);
    ASSERT_TRUE(s) << describe(s);
    ASSERT_TRUE(social_->interact(bob_, model::InteractionKind::Like, s->id));
    ASSERT_TRUE(social_->interact(bob_, model::InteractionKind::Like, s->id));
    ASSERT_TRUE(social_->interact(carol_, model::InteractionKind::Announce, s->id));
    ASSERT_TRUE(social_->interact(alice_, model::InteractionKind::Like, s->id));
    EXPECT_EQ(of(alice_),
        (std::vector<Row> { { NotificationType::Reblog, carol_.id, s->id },
            { NotificationType::Favourite, bob_.id, s->id } }))
        << "once per favourite, never for one's own";
    ASSERT_TRUE(social_->undo_interaction(bob_, model::InteractionKind::Like, s->id));
    EXPECT_EQ(of(alice_), (std::vector<Row> { { NotificationType::Reblog, carol_.id, s->id } }));
    ASSERT_TRUE(social_->undo_interaction(carol_, model::InteractionKind::Announce, s->id));
    EXPECT_TRUE(of(alice_).empty());
}

TEST_F(NotificationsTest, EditingABoostedStatusNotifiesItsBoostersOfTheNewestEditOnly)
{
    auto s = post(alice_, "Premier jet", Audience::Instance);
    ASSERT_TRUE(s) << describe(s);
    ASSERT_TRUE(social_->interact(bob_, model::InteractionKind::Announce, s->id));
    ASSERT_TRUE(social_->interact(carol_, model::InteractionKind::Like, s->id));
    PostRequest change;
    change.text = "Version corrigée";
    ASSERT_TRUE(social_->edit(alice_, s->id, change));
    fx().clock().advance(std::chrono::minutes(1));
    change.text = "Version corrigée deux fois";
    ASSERT_TRUE(social_->edit(alice_, s->id, change));
    EXPECT_EQ(of(bob_), (std::vector<Row> { { NotificationType::Update, alice_.id, s->id } }));
    EXPECT_TRUE(of(carol_).empty()) << "a favourite is not a boost";
}

TEST_F(NotificationsTest, DeletingAStatusRemovesEveryNotificationAboutIt)
{
    auto s = post(alice_, "@bob regarde", Audience::Instance, { model::local_actor(bob_.id) });
    ASSERT_TRUE(s) << describe(s);
    ASSERT_TRUE(social_->interact(bob_, model::InteractionKind::Like, s->id));
    ASSERT_TRUE(social_->follow(bob_, model::local_actor(alice_.id)));
    ASSERT_EQ(of(alice_).size(), 2u);
    ASSERT_EQ(of(bob_).size(), 1u);
    ASSERT_TRUE(social_->remove(alice_, s->id));
    EXPECT_EQ(of(alice_), (std::vector<Row> { { NotificationType::Follow, bob_.id, 0 } }));
    EXPECT_TRUE(of(bob_).empty());
}

TEST_F(NotificationsTest, ARolledBackWriteLeavesNoNotificationAndPublishesNothing)
{
    auto s = post(alice_, "Rupture", Audience::Instance);
    ASSERT_TRUE(s) << describe(s);
    live_.events.clear();
    std::vector<LiveEvent> events;
    auto done = fx().store().write([&](storage::Repositories& repos) -> Status {
        model::Interaction like { fx().ids().next(), model::InteractionKind::Like,
            model::local_actor(bob_.id), s->id, "https://officine.example/likes/1", fx().clock().now() };
        if (auto inserted = repos.interactions().insert(like); !inserted)
            return inserted;
        if (auto notified
            = Notifier(repos, fx().ids(), fx().clock().now(), events).interaction_created(like, *s);
            !notified)
            return notified;
        return fail(ErrorKind::Internal, "the caller's next step failed");
    });
    ASSERT_FALSE(done);
    EXPECT_EQ(events.size(), 1u) << "collected, for the caller to drop";
    EXPECT_TRUE(of(alice_).empty());
    EXPECT_TRUE(live_.events.empty());
}

TEST_F(NotificationsTest, ANotificationWhoseStatusIsNoLongerReadableIsLeftOut)
{
    auto s = post(alice_, "Pour mes abonnés", Audience::Followers);
    ASSERT_TRUE(s) << describe(s);
    ASSERT_TRUE(social_->follow(bob_, model::local_actor(alice_.id)));
    ASSERT_TRUE(social_->interact(bob_, model::InteractionKind::Like, s->id));
    ASSERT_EQ(of(alice_).size(), 2u);
    // Bob favourited, then unfollowed: alice, the author, still reads her post and the favourite.
    ASSERT_TRUE(social_->unfollow(bob_, model::local_actor(alice_.id)));
    auto page = notifications_->list(alice_, {});
    ASSERT_TRUE(page) << describe(page);
    ASSERT_EQ(page->items.size(), 1u);
    ASSERT_TRUE(page->items[0].status);
    EXPECT_EQ(page->items[0].status->id, s->id);
    // A notification about a status hidden from its recipient: forged, since the rules never make one.
    auto hidden = post(carol_, "privé", Audience::Direct, { model::local_actor(alice_.id) });
    ASSERT_TRUE(hidden) << describe(hidden);
    ASSERT_TRUE(testkit::exec_sql(fx().database_path(),
        "INSERT INTO notifications (id, recipient_id, type, from_account_id, status_id, created_at) VALUES ("
            + std::to_string(fx().ids().next()) + ", " + std::to_string(bob_.id) + ", 'favourite', "
            + std::to_string(carol_.id) + ", " + std::to_string(hidden->id) + ", 0)"));
    page = notifications_->list(bob_, {});
    ASSERT_TRUE(page) << describe(page);
    EXPECT_TRUE(page->items.empty());
    EXPECT_TRUE(page->oldest) << "the page bounds still move paging past it";
}

TEST_F(NotificationsTest, UnreadCountStartsAfterTheNotificationsMarker)
{
    ASSERT_TRUE(social_->follow(bob_, model::local_actor(alice_.id)));
    ASSERT_TRUE(social_->follow(carol_, model::local_actor(alice_.id)));
    auto count = notifications_->unread_count(alice_, {}, 100);
    ASSERT_TRUE(count) << describe(count);
    EXPECT_EQ(*count, 2);
    auto page = notifications_->list(alice_, {});
    ASSERT_TRUE(page && page->items.size() == 2u);
    auto saved
        = notifications_->save_markers(alice_, { { model::MarkerTimeline::Notifications, *page->oldest } });
    ASSERT_TRUE(saved) << describe(saved);
    count = notifications_->unread_count(alice_, {}, 100);
    ASSERT_TRUE(count);
    EXPECT_EQ(*count, 1);
    auto nothing = notifications_->save_markers(alice_, {});
    ASSERT_FALSE(nothing);
    EXPECT_EQ(nothing.error().kind, ErrorKind::Unprocessable);
}

TEST_F(NotificationsTest, DismissAndClearTouchOnlyTheReadersOwn)
{
    ASSERT_TRUE(social_->follow(bob_, model::local_actor(alice_.id)));
    ASSERT_TRUE(social_->follow(alice_, model::local_actor(bob_.id)));
    auto mine = notifications_->list(alice_, {});
    ASSERT_TRUE(mine && mine->items.size() == 1u);
    Id id = mine->items[0].notification.id;
    EXPECT_EQ(notifications_->get(bob_, id).error().kind, ErrorKind::NotFound);
    EXPECT_EQ(notifications_->dismiss(bob_, id).error().kind, ErrorKind::NotFound);
    ASSERT_TRUE(notifications_->dismiss(alice_, id));
    EXPECT_EQ(notifications_->get(alice_, id).error().kind, ErrorKind::NotFound);
    ASSERT_TRUE(notifications_->clear(alice_));
    EXPECT_EQ(of(bob_).size(), 1u) << "clearing one's notifications leaves others'";
}

} // namespace
} // namespace confrere::services
