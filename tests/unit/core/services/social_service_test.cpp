// Statuses, follows and interactions of local members: audiences never widen (DESIGN rule 2),
// and federation hears of every change inside the same transaction (rule 5).
#include "core/services/social_service.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/recording_outbox.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace confrere::services {
namespace {

using model::Audience;
using testkit::describe;

using testkit::RecordingOutbox;

class SocialServiceTest : public testkit::ServicesTest {
protected:
    void SetUp() override
    {
        ServicesTest::SetUp();
        social_ = std::make_unique<SocialService>(fx().store(), fx().clock(), fx().ids(), outbox_,
            "https://officine.example",
            [](std::string_view text) { return "<p>" + std::string(text) + "</p>"; });
        auto a = fx().add_member(testkit::pharmacist_alice());
        ASSERT_TRUE(a) << describe(a);
        alice_ = *a;
        auto b = fx().add_member(testkit::nurse_bob());
        ASSERT_TRUE(b) << describe(b);
        bob_ = *b;
        auto c = fx().add_member(testkit::podiatrist_carol());
        ASSERT_TRUE(c) << describe(c);
        carol_ = *c;
    }

    model::RemoteActor remote(const std::string& username)
    {
        model::RemoteActor actor;
        actor.id = fx().ids().next();
        actor.uri = "https://soins.example/users/" + username;
        actor.host = "soins.example";
        actor.type = "Person";
        actor.username = username;
        actor.inbox = actor.uri + "/inbox";
        actor.shared_inbox = "https://soins.example/inbox";
        actor.followers_url = actor.uri + "/followers";
        actor.key_id = actor.uri + "#main-key";
        actor.public_key_pem = "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n";
        actor.fetched_at = actor.created_at = fx().clock().now();
        model::RemoteActor stored;
        auto done = fx().store().write([&](storage::Repositories& repos) -> Status {
            auto r = repos.remote_actors().upsert(actor);
            if (!r)
                return forward(r);
            stored = *r;
            return ok();
        });
        EXPECT_TRUE(done) << describe(done);
        return stored;
    }

    // A status by a remote actor, as the inbox stores it.
    model::Status remote_status(
        const model::RemoteActor& author, Audience audience, std::vector<model::ActorRef> mentions = {})
    {
        model::Status s;
        s.id = fx().ids().next();
        s.uri = author.uri + "/statuses/" + std::to_string(s.id);
        s.url = s.uri;
        s.author = model::remote_actor(author.id);
        s.audience = audience;
        s.content_html = "<p>distant</p>";
        s.context = s.uri;
        s.published = s.created_at = fx().clock().now();
        auto done = fx().store().write([&](storage::Repositories& repos) -> Status {
            if (auto r = repos.statuses().insert(s); !r)
                return r;
            return mentions.empty() ? ok() : repos.statuses().add_mentions(s.id, mentions);
        });
        EXPECT_TRUE(done) << describe(done);
        return s;
    }

    Result<model::Status> post(const model::Account& author, std::string text, Audience audience,
        std::optional<Id> parent = std::nullopt, std::vector<model::ActorRef> mentions = {})
    {
        PostRequest request;
        request.text = std::move(text);
        request.audience = audience;
        request.in_reply_to = parent;
        request.mentions = std::move(mentions);
        return social_->post(author, std::move(request));
    }

    RecordingOutbox outbox_;
    std::unique_ptr<SocialService> social_;
    model::Account alice_, bob_, carol_;
};

TEST_F(SocialServiceTest, AnInstancePostIsReadableByMembersAndNeverReachesFederation)
{
    auto s = post(alice_, "  Rupture de stock  ", Audience::Instance);
    ASSERT_TRUE(s) << describe(s);
    EXPECT_EQ(s->content_html, "<p>Rupture de stock</p>");
    EXPECT_EQ(
        s->uri, "https://officine.example/users/" + alice_.username + "/statuses/" + std::to_string(s->id));
    EXPECT_EQ(s->context, s->uri);
    EXPECT_TRUE(outbox_.calls.empty());
    EXPECT_TRUE(social_->status(bob_, s->id)) << "members of the instance read instance posts";
}

TEST_F(SocialServiceTest, BadTextIsRefusedWithItsField)
{
    for (std::string text :
        { std::string("   "), std::string(kMaxStatusTextBytes + 1, 'a'), std::string("\xff\xfe") }) {
        auto s = post(alice_, text, Audience::Instance);
        ASSERT_FALSE(s);
        EXPECT_EQ(s.error().kind, ErrorKind::Unprocessable);
        EXPECT_EQ(s.error().field, "status");
    }
}

TEST_F(SocialServiceTest, APendingAccountPostsNothing)
{
    auto pending = fx().register_applicant(testkit::nursing_student_emma());
    ASSERT_TRUE(pending) << describe(pending);
    auto s = post(*pending, "Bonjour", Audience::Instance);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().kind, ErrorKind::Forbidden);
}

TEST_F(SocialServiceTest, FollowersPostsAreReadOnlyByAcceptedFollowersAndQueuedForFederation)
{
    auto s = post(alice_, "Pour mes abonnés", Audience::Followers);
    ASSERT_TRUE(s) << describe(s);
    ASSERT_EQ(outbox_.calls.size(), 1u);
    EXPECT_EQ(outbox_.calls[0].what, "published");
    EXPECT_EQ(outbox_.calls[0].subject, s->id);
    EXPECT_GE(outbox_.commits, 1);

    EXPECT_EQ(social_->status(bob_, s->id).error().kind, ErrorKind::NotFound);
    auto follow = social_->follow(bob_, model::local_actor(alice_.id));
    ASSERT_TRUE(follow) << describe(follow);
    EXPECT_EQ(follow->state, model::FollowState::Accepted) << "an unlocked account accepts at once";
    EXPECT_TRUE(social_->status(bob_, s->id));
    auto home = social_->home_timeline(bob_, {});
    ASSERT_TRUE(home) << describe(home);
    ASSERT_EQ(home->entries.size(), 1u);
    EXPECT_EQ(home->entries.front().id(), s->id);
    EXPECT_EQ(social_->status(carol_, s->id).error().kind, ErrorKind::NotFound);
}

TEST_F(SocialServiceTest, DirectMessagesAreReadOnlyByTheMentioned)
{
    auto none = post(alice_, "Personne", Audience::Direct);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().field, "visibility");
    auto s = post(alice_, "@bob un cas", Audience::Direct, std::nullopt, { model::local_actor(bob_.id) });
    ASSERT_TRUE(s) << describe(s);
    EXPECT_TRUE(social_->status(bob_, s->id));
    EXPECT_EQ(social_->status(carol_, s->id).error().kind, ErrorKind::NotFound);
}

TEST_F(SocialServiceTest, ARepliesAudienceIsNeverWiderThanItsParent)
{
    auto own = post(alice_, "Instance", Audience::Instance);
    ASSERT_TRUE(own) << describe(own);
    auto wider = post(alice_, "suite", Audience::Followers, own->id);
    ASSERT_FALSE(wider);
    EXPECT_EQ(wider.error().kind, ErrorKind::Unprocessable);
    EXPECT_EQ(wider.error().field, "visibility");
    auto same = post(bob_, "réponse", Audience::Instance, own->id);
    ASSERT_TRUE(same) << describe(same);
    EXPECT_EQ(same->in_reply_to_id, own->id);
    EXPECT_EQ(same->context, own->context);
}

TEST_F(SocialServiceTest, AReplyToSomeoneElsesRestrictedPostIsDirectToItsAuthor)
{
    auto nurse = remote("louise");
    ASSERT_TRUE(social_->follow(alice_, model::remote_actor(nurse.id)));
    // The inbox accepts follows; here the follow is accepted by hand.
    auto done = fx().store().write([&](storage::Repositories& repos) -> Status {
        auto f = repos.follows().find(model::local_actor(alice_.id), model::remote_actor(nurse.id));
        if (!f)
            return forward(f);
        return repos.follows().set_state((*f)->id, model::FollowState::Accepted, fx().clock().now());
    });
    ASSERT_TRUE(done) << describe(done);
    auto parent = remote_status(nurse, Audience::Followers);
    auto widening = post(alice_, "je relaie", Audience::Followers, parent.id);
    ASSERT_FALSE(widening);
    EXPECT_EQ(widening.error().field, "visibility");
    outbox_.calls.clear();
    auto reply = post(alice_, "merci", Audience::Direct, parent.id);
    ASSERT_TRUE(reply) << describe(reply);
    ASSERT_EQ(outbox_.calls.size(), 1u);
    ASSERT_EQ(outbox_.calls[0].mentions.size(), 1u);
    EXPECT_EQ(outbox_.calls[0].mentions[0], model::remote_actor(nurse.id))
        << "the parent's author is addressed";
    EXPECT_EQ(reply->in_reply_to_uri, parent.uri);
}

TEST_F(SocialServiceTest, AFailingOutboxLeavesNoStatusBehind)
{
    outbox_.fail_next = true;
    auto s = post(alice_, "Pour mes abonnés", Audience::Followers);
    ASSERT_FALSE(s);
    auto mine = social_->home_timeline(alice_, {});
    ASSERT_TRUE(mine) << describe(mine);
    EXPECT_TRUE(mine->entries.empty()) << "the status and its deliveries are one transaction";
    EXPECT_EQ(outbox_.commits, 0);
}

TEST_F(SocialServiceTest, RemoteFollowsWaitForTheAcceptAndUndoIsSent)
{
    auto nurse = remote("louise");
    auto f = social_->follow(alice_, model::remote_actor(nurse.id));
    ASSERT_TRUE(f) << describe(f);
    EXPECT_EQ(f->state, model::FollowState::Pending) << "remote follows wait for the Accept";
    ASSERT_EQ(outbox_.calls.size(), 1u);
    EXPECT_EQ(outbox_.calls[0].what, "follow");
    EXPECT_FALSE(outbox_.calls[0].flag);
    auto again = social_->follow(alice_, model::remote_actor(nurse.id));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->id, f->id) << "following twice is idempotent";
    EXPECT_EQ(outbox_.calls.size(), 1u);
    ASSERT_TRUE(social_->unfollow(alice_, model::remote_actor(nurse.id)));
    ASSERT_EQ(outbox_.calls.size(), 2u);
    EXPECT_TRUE(outbox_.calls[1].flag) << "an Undo(Follow) is sent";
    EXPECT_EQ(social_->follow(alice_, model::local_actor(alice_.id)).error().kind, ErrorKind::Unprocessable);
}

TEST_F(SocialServiceTest, RemoteFollowersAreAuthorizedOrRejectedByTheFollowee)
{
    auto nurse = remote("louise");
    model::Follow request;
    request.id = fx().ids().next();
    request.follower = model::remote_actor(nurse.id);
    request.followee = model::local_actor(alice_.id);
    request.uri = nurse.uri + "#follows/1";
    request.created_at = request.updated_at = fx().clock().now();
    ASSERT_TRUE(
        fx().store().write([&](storage::Repositories& repos) { return repos.follows().insert(request); }));
    auto pending = social_->follow_requests(alice_, 10);
    ASSERT_TRUE(pending) << describe(pending);
    ASSERT_EQ(pending->size(), 1u);
    auto accepted = social_->authorize_follower(alice_, model::remote_actor(nurse.id));
    ASSERT_TRUE(accepted) << describe(accepted);
    EXPECT_EQ(accepted->state, model::FollowState::Accepted);
    ASSERT_EQ(outbox_.calls.size(), 1u);
    EXPECT_EQ(outbox_.calls[0].what, "answer");
    EXPECT_TRUE(outbox_.calls[0].flag);
    ASSERT_TRUE(social_->reject_follower(alice_, model::remote_actor(nurse.id)));
    EXPECT_FALSE(outbox_.calls.back().flag);
    EXPECT_EQ(
        social_->authorize_follower(alice_, model::remote_actor(nurse.id)).error().kind, ErrorKind::NotFound);
}

TEST_F(SocialServiceTest, OnlyTheAuthorDeletesAndOnlyFederatedPostsAnnounceIt)
{
    auto local = post(alice_, "interne", Audience::Instance);
    auto shared = post(alice_, "partagé", Audience::Followers);
    ASSERT_TRUE(local && shared);
    EXPECT_EQ(social_->remove(bob_, local->id).error().kind, ErrorKind::Forbidden);
    outbox_.calls.clear();
    ASSERT_TRUE(social_->remove(alice_, local->id));
    EXPECT_TRUE(outbox_.calls.empty());
    ASSERT_TRUE(social_->remove(alice_, shared->id));
    ASSERT_EQ(outbox_.calls.size(), 1u);
    EXPECT_EQ(outbox_.calls[0].what, "deleted");
    EXPECT_EQ(social_->status(alice_, shared->id).error().kind, ErrorKind::NotFound)
        << "a tombstone reads as gone";
}

TEST_F(SocialServiceTest, TheContextShowsOnlyWhatTheReaderMayReadInThreadOrder)
{
    auto root = post(alice_, "Question de départ", Audience::Instance);
    ASSERT_TRUE(root) << describe(root);
    auto first = post(bob_, "Première réponse", Audience::Instance, root->id);
    auto nested = post(alice_, "Réponse à la réponse", Audience::Instance, first->id);
    auto second = post(carol_, "Deuxième réponse", Audience::Instance, root->id);
    auto secret = post(alice_, "@bob en privé", Audience::Direct, first->id, { model::local_actor(bob_.id) });
    ASSERT_TRUE(first && nested && second && secret);

    auto seen_by_carol = social_->context(carol_, root->id);
    ASSERT_TRUE(seen_by_carol) << describe(seen_by_carol);
    EXPECT_TRUE(seen_by_carol->ancestors.empty());
    std::vector<Id> ids;
    for (const auto& s : seen_by_carol->descendants)
        ids.push_back(s.id);
    EXPECT_EQ(ids, (std::vector<Id> { first->id, nested->id, second->id }))
        << "depth-first, no direct message";

    auto seen_by_bob = social_->context(bob_, nested->id);
    ASSERT_TRUE(seen_by_bob) << describe(seen_by_bob);
    ASSERT_EQ(seen_by_bob->ancestors.size(), 2u);
    EXPECT_EQ(seen_by_bob->ancestors[0].id, root->id);
    EXPECT_EQ(seen_by_bob->ancestors[1].id, first->id);
    auto bobs_thread = social_->context(bob_, first->id);
    ASSERT_TRUE(bobs_thread);
    EXPECT_EQ(bobs_thread->descendants.size(), 2u) << "the direct reply to bob is his to see";
}

TEST_F(SocialServiceTest, OnlyTheAuthorEditsAndTheAudienceStaysTheSame)
{
    auto shared = post(alice_, "premier jet", Audience::Followers);
    ASSERT_TRUE(shared) << describe(shared);
    outbox_.calls.clear();
    fx().clock().advance(std::chrono::minutes(2));
    PostRequest change;
    change.text = "version corrigée";
    change.audience = Audience::Instance; // ignored: an edit never changes the audience
    EXPECT_EQ(social_->edit(bob_, shared->id, change).error().kind, ErrorKind::NotFound)
        << "bob cannot even read it";
    auto edited = social_->edit(alice_, shared->id, change);
    ASSERT_TRUE(edited) << describe(edited);
    EXPECT_EQ(edited->content_html, "<p>version corrigée</p>");
    EXPECT_EQ(edited->audience, Audience::Followers);
    EXPECT_EQ(edited->edited_at, fx().clock().now());
    ASSERT_EQ(outbox_.calls.size(), 1u);
    EXPECT_EQ(outbox_.calls[0].what, "updated");
    auto stored = social_->status(alice_, shared->id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->content_html, "<p>version corrigée</p>");
    change.text = " ";
    EXPECT_EQ(social_->edit(alice_, shared->id, change).error().field, "status");
}

TEST_F(SocialServiceTest, BoostsNeverWidenAndLikesOfRemotePostsAreSent)
{
    auto nurse = remote("louise");
    auto parent = remote_status(nurse, Audience::Direct, { model::local_actor(alice_.id) });
    auto boost = social_->interact(alice_, model::InteractionKind::Announce, parent.id);
    ASSERT_FALSE(boost);
    EXPECT_EQ(boost.error().kind, ErrorKind::Unprocessable);
    auto like = social_->interact(alice_, model::InteractionKind::Like, parent.id);
    ASSERT_TRUE(like) << describe(like);
    ASSERT_EQ(outbox_.calls.size(), 1u);
    EXPECT_EQ(outbox_.calls[0].what, "like");
    auto twice = social_->interact(alice_, model::InteractionKind::Like, parent.id);
    ASSERT_TRUE(twice);
    EXPECT_EQ(twice->id, like->id);
    ASSERT_TRUE(social_->undo_interaction(alice_, model::InteractionKind::Like, parent.id));
    EXPECT_TRUE(outbox_.calls.back().flag);
    // Someone who cannot read it cannot like it either.
    EXPECT_EQ(
        social_->interact(bob_, model::InteractionKind::Like, parent.id).error().kind, ErrorKind::NotFound);
    auto inside = post(bob_, "Instance", Audience::Instance);
    ASSERT_TRUE(inside);
    EXPECT_TRUE(social_->interact(alice_, model::InteractionKind::Announce, inside->id))
        << "instance posts may be boosted inside the instance";
}

} // namespace
} // namespace confrere::services

namespace confrere::services {
namespace {

// Bookmarks, favourites, an author's statuses, follow lists, Idempotency-Key and the
// configured length limit.
class SocialCollectionsTest : public SocialServiceTest {
protected:
    std::int64_t statuses_by(const model::Account& author)
    {
        std::int64_t n = 0;
        auto done = fx().store().read([&](storage::Repositories& repos) -> Status {
            auto count = repos.statuses().count_by_author(model::local_actor(author.id));
            if (!count)
                return forward(count);
            n = *count;
            return ok();
        });
        EXPECT_TRUE(done) << describe(done);
        return n;
    }

    static std::vector<Id> ids_of(const std::vector<model::Status>& statuses)
    {
        std::vector<Id> out;
        for (const auto& s : statuses)
            out.push_back(s.id);
        return out;
    }

    // The entries' own ids: a status's, or a boost's.
    static std::vector<Id> ids_of(const TimelinePage& page)
    {
        std::vector<Id> out;
        for (const auto& e : page.entries)
            out.push_back(e.id());
        return out;
    }

    Id boost(const model::Account& who, Id status_id)
    {
        auto done = social_->interact(who, model::InteractionKind::Announce, status_id);
        EXPECT_TRUE(done) << describe(done);
        return done ? done->id : 0;
    }
};

TEST_F(SocialCollectionsTest, BoostsOfFollowedMembersAreHomeEntriesOfTheirOwn)
{
    ASSERT_TRUE(social_->follow(carol_, model::local_actor(alice_.id)));
    auto shared = post(bob_, "Rupture de stock", Audience::Instance);
    ASSERT_TRUE(shared) << describe(shared);
    Id boost_id = boost(alice_, shared->id);
    ASSERT_GT(boost_id, shared->id) << "one time-ordered id space";

    auto home = social_->home_timeline(carol_, {});
    ASSERT_TRUE(home) << describe(home);
    ASSERT_EQ(home->entries.size(), 1u) << "carol does not follow bob: only the boost brings it";
    const model::TimelineEntry& entry = home->entries.front();
    EXPECT_EQ(entry.id(), boost_id);
    EXPECT_EQ(entry.status.id, shared->id);
    ASSERT_TRUE(entry.boost);
    EXPECT_EQ(entry.boost->actor, model::local_actor(alice_.id));
    EXPECT_EQ(home->newest, boost_id);

    auto bobs = social_->home_timeline(bob_, {});
    ASSERT_TRUE(bobs) << describe(bobs);
    EXPECT_EQ(ids_of(*bobs), std::vector<Id> { shared->id }) << "bob does not follow alice";
    auto alices = social_->home_timeline(alice_, {});
    ASSERT_TRUE(alices) << describe(alices);
    EXPECT_EQ(ids_of(*alices), std::vector<Id> { boost_id }) << "one's own boosts are in one's home";

    // Following the author too: the post shows once, as itself; the page still spans the boost.
    ASSERT_TRUE(social_->follow(carol_, model::local_actor(bob_.id)));
    auto both = social_->home_timeline(carol_, {});
    ASSERT_TRUE(both) << describe(both);
    EXPECT_EQ(ids_of(*both), std::vector<Id> { shared->id });
    EXPECT_EQ(both->newest, boost_id);

    auto entry_again = social_->boost(carol_, boost_id);
    ASSERT_TRUE(entry_again) << describe(entry_again);
    EXPECT_EQ(entry_again->status.id, shared->id);
    EXPECT_EQ(social_->boost(carol_, shared->id).error().kind, ErrorKind::NotFound) << "a status is no boost";

    ASSERT_TRUE(social_->undo_interaction(alice_, model::InteractionKind::Announce, shared->id));
    ASSERT_TRUE(social_->unfollow(carol_, model::local_actor(bob_.id)));
    auto after = social_->home_timeline(carol_, {});
    ASSERT_TRUE(after) << describe(after);
    EXPECT_TRUE(after->entries.empty());
    EXPECT_EQ(social_->boost(carol_, boost_id).error().kind, ErrorKind::NotFound);
}

TEST_F(SocialCollectionsTest, ABoostReachesNoOneItsStatusDoesNot)
{
    auto mine = post(alice_, "Pour mes abonnés", Audience::Followers);
    auto direct = post(alice_, "@bob privé", Audience::Direct, std::nullopt, { model::local_actor(bob_.id) });
    ASSERT_TRUE(mine && direct);
    EXPECT_EQ(social_->interact(alice_, model::InteractionKind::Announce, direct->id).error().kind,
        ErrorKind::Unprocessable)
        << "not even its author boosts a direct post";
    Id self_boost = boost(alice_, mine->id); // to the same followers
    ASSERT_TRUE(social_->follow(carol_, model::local_actor(alice_.id)));

    // carol follows alice: she reads the post, and sees it once.
    auto carols = social_->home_timeline(carol_, {});
    ASSERT_TRUE(carols) << describe(carols);
    EXPECT_EQ(ids_of(*carols), std::vector<Id> { mine->id });
    // bob does not follow alice: on her profile, the direct post to him only, not the boost.
    auto bobs_profile_view = social_->author_statuses(bob_, model::local_actor(alice_.id), {});
    ASSERT_TRUE(bobs_profile_view) << describe(bobs_profile_view);
    EXPECT_EQ(ids_of(*bobs_profile_view), std::vector<Id> { direct->id });
    EXPECT_EQ(social_->boost(bob_, self_boost).error().kind, ErrorKind::NotFound);
}

TEST_F(SocialCollectionsTest, AnAuthorsBoostsAreAmongItsStatusesUnlessExcluded)
{
    auto shared = post(bob_, "Partagé", Audience::Instance);
    ASSERT_TRUE(shared) << describe(shared);
    Id boost_id = boost(alice_, shared->id);
    auto own = post(alice_, "Le mien", Audience::Instance);
    ASSERT_TRUE(own) << describe(own);

    AuthorStatusesQuery query;
    auto all = social_->author_statuses(carol_, model::local_actor(alice_.id), query);
    ASSERT_TRUE(all) << describe(all);
    EXPECT_EQ(ids_of(*all), (std::vector<Id> { own->id, boost_id }));
    query.exclude_reblogs = true;
    auto statuses_only = social_->author_statuses(carol_, model::local_actor(alice_.id), query);
    ASSERT_TRUE(statuses_only) << describe(statuses_only);
    EXPECT_EQ(ids_of(*statuses_only), std::vector<Id> { own->id });
}

TEST_F(SocialCollectionsTest, HomePagesWalkStatusesAndBoostsInOneOrderWithoutGapsOrRepeats)
{
    ASSERT_TRUE(social_->follow(carol_, model::local_actor(alice_.id)));
    std::vector<Id> expected;
    for (int i = 0; i < 5; ++i) {
        auto theirs = post(bob_, "Chez bob " + std::to_string(i), Audience::Instance);
        ASSERT_TRUE(theirs) << describe(theirs);
        auto hers = post(alice_, "Chez alice " + std::to_string(i), Audience::Instance);
        ASSERT_TRUE(hers) << describe(hers);
        expected.push_back(hers->id);
        expected.push_back(boost(alice_, theirs->id));
    }
    std::reverse(expected.begin(), expected.end());

    std::vector<Id> walked;
    storage::StatusQuery query;
    query.limit = 3;
    for (int pages = 0; pages < 10; ++pages) {
        auto page = social_->home_timeline(carol_, query);
        ASSERT_TRUE(page) << describe(page);
        auto ids = ids_of(*page);
        walked.insert(walked.end(), ids.begin(), ids.end());
        if (!page->full)
            break;
        query.max_id = page->oldest;
    }
    EXPECT_EQ(walked, expected);

    // Backwards from the oldest with min_id: the entries just above it, newest first.
    storage::StatusQuery up;
    up.min_id = expected.back();
    up.end = storage::PageEnd::Oldest;
    up.limit = 2;
    auto above = social_->home_timeline(carol_, up);
    ASSERT_TRUE(above) << describe(above);
    EXPECT_EQ(ids_of(*above), (std::vector<Id> { expected[expected.size() - 3], expected[expected.size() - 2] }));
}

TEST_F(SocialCollectionsTest, StatusLengthIsCountedInCodePointsUpToTheConfiguredLimit)
{
    SocialService short_posts(fx().store(), fx().clock(), fx().ids(), outbox_, "https://officine.example",
        [](std::string_view text) { return std::string(text); }, PostingLimits { 10 });
    PostRequest request;
    request.text = "éééééééééé"; // 10 code points, 20 bytes
    EXPECT_TRUE(short_posts.post(alice_, request));
    request.text += "é";
    auto refused = short_posts.post(alice_, request);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Unprocessable);
    EXPECT_EQ(refused.error().field, "status");
    EXPECT_EQ(refused.error().public_message, "Text character limit of 10 exceeded");
    EXPECT_EQ(statuses_by(alice_), 1);
}

TEST_F(SocialCollectionsTest, ARepeatedIdempotencyKeyReturnsTheFirstStatusUntilItExpires)
{
    PostRequest request;
    request.text = "Garde ce week-end";
    request.idempotency_key = "client-key-1";
    auto first = social_->post(alice_, request);
    ASSERT_TRUE(first) << describe(first);
    request.text = "Another text with the same key";
    auto again = social_->post(alice_, request);
    ASSERT_TRUE(again) << describe(again);
    EXPECT_EQ(again->id, first->id);
    EXPECT_EQ(again->source_text, "Garde ce week-end");
    EXPECT_EQ(statuses_by(alice_), 1);

    auto someone_else = social_->post(bob_, request);
    ASSERT_TRUE(someone_else) << describe(someone_else);
    EXPECT_NE(someone_else->id, first->id);

    fx().clock().advance(kIdempotencyKeyLifetime + std::chrono::minutes(1));
    auto later = social_->post(alice_, request);
    ASSERT_TRUE(later) << describe(later);
    EXPECT_NE(later->id, first->id);
    EXPECT_EQ(statuses_by(alice_), 2);

    request.idempotency_key = std::string(kMaxIdempotencyKeyBytes + 1, 'k');
    auto too_long = social_->post(alice_, request);
    ASSERT_FALSE(too_long);
    EXPECT_EQ(too_long.error().kind, ErrorKind::Unprocessable);
    EXPECT_EQ(too_long.error().field, "Idempotency-Key");
    EXPECT_EQ(statuses_by(alice_), 2);
}

TEST_F(SocialCollectionsTest, BookmarksAreIdempotentAndKeepOnlyWhatTheMemberMayRead)
{
    auto hidden = post(bob_, "Pour mes abonnés", Audience::Followers);
    ASSERT_TRUE(hidden) << describe(hidden);
    auto refused = social_->bookmark(alice_, hidden->id);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::NotFound);

    auto open = post(bob_, "Pour l'instance", Audience::Instance);
    ASSERT_TRUE(open) << describe(open);
    ASSERT_TRUE(social_->bookmark(alice_, open->id));
    ASSERT_TRUE(social_->bookmark(alice_, open->id));
    auto page = social_->bookmarks(alice_, storage::PageQuery {});
    ASSERT_TRUE(page) << describe(page);
    EXPECT_EQ(ids_of(page->statuses), std::vector<Id> { open->id });
    ASSERT_TRUE(page->newest);
    EXPECT_NE(*page->newest, open->id) << "paged by the bookmark's own id";

    ASSERT_TRUE(social_->remove(bob_, open->id));
    page = social_->bookmarks(alice_, storage::PageQuery {});
    ASSERT_TRUE(page) << describe(page);
    EXPECT_TRUE(page->statuses.empty());
    EXPECT_TRUE(social_->unbookmark(alice_, open->id));
    EXPECT_TRUE(social_->unbookmark(alice_, hidden->id)) << "no bookmark: a no-op";
}

TEST_F(SocialCollectionsTest, FavouritesAndWhoLikedFollowTheReadRule)
{
    auto open = post(bob_, "Nouveau protocole", Audience::Instance);
    ASSERT_TRUE(open) << describe(open);
    ASSERT_TRUE(social_->interact(alice_, model::InteractionKind::Like, open->id));
    auto favourites = social_->favourites(alice_, storage::PageQuery {});
    ASSERT_TRUE(favourites) << describe(favourites);
    EXPECT_EQ(ids_of(favourites->statuses), std::vector<Id> { open->id });

    auto likers = social_->interacted_by(carol_, open->id, model::InteractionKind::Like, storage::PageQuery {});
    ASSERT_TRUE(likers) << describe(likers);
    EXPECT_EQ(likers->actors, std::vector<model::ActorRef> { model::local_actor(alice_.id) });

    auto hidden = post(bob_, "Abonnés", Audience::Followers);
    ASSERT_TRUE(hidden) << describe(hidden);
    auto refused = social_->interacted_by(carol_, hidden->id, model::InteractionKind::Like, storage::PageQuery {});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::NotFound);
}

TEST_F(SocialCollectionsTest, AnAuthorsStatusesShowOnlyWhatTheReaderMayRead)
{
    auto open = post(bob_, "Instance", Audience::Instance);
    auto followers = post(bob_, "Abonnés", Audience::Followers);
    auto direct = post(bob_, "@alice privé", Audience::Direct, std::nullopt, { model::local_actor(alice_.id) });
    ASSERT_TRUE(open && followers && direct);
    auto reply = post(bob_, "Suite", Audience::Instance, open->id);
    ASSERT_TRUE(reply) << describe(reply);

    AuthorStatusesQuery query;
    auto for_carol = social_->author_statuses(carol_, model::local_actor(bob_.id), query);
    ASSERT_TRUE(for_carol) << describe(for_carol);
    EXPECT_EQ(ids_of(*for_carol), (std::vector<Id> { reply->id, open->id }));
    auto for_alice = social_->author_statuses(alice_, model::local_actor(bob_.id), query);
    ASSERT_TRUE(for_alice) << describe(for_alice);
    EXPECT_EQ(ids_of(*for_alice), (std::vector<Id> { reply->id, direct->id, open->id }));

    auto to_alice = post(alice_, "Question", Audience::Instance);
    ASSERT_TRUE(to_alice) << describe(to_alice);
    auto answer = post(bob_, "Réponse", Audience::Instance, to_alice->id);
    ASSERT_TRUE(answer) << describe(answer);
    query.exclude_replies = true;
    auto threads = social_->author_statuses(carol_, model::local_actor(bob_.id), query);
    ASSERT_TRUE(threads) << describe(threads);
    EXPECT_EQ(ids_of(*threads), (std::vector<Id> { reply->id, open->id })) << "a reply to oneself stays";
    query.page.limit = 1;
    auto first = social_->author_statuses(carol_, model::local_actor(bob_.id), query);
    ASSERT_TRUE(first) << describe(first);
    EXPECT_EQ(ids_of(*first), std::vector<Id> { reply->id }) << "a filtered page still fills up";
}

TEST_F(SocialCollectionsTest, FollowListsShowAcceptedFollowsOnly)
{
    ASSERT_TRUE(social_->follow(alice_, model::local_actor(bob_.id)));
    auto followers = social_->followers(carol_, model::local_actor(bob_.id), storage::PageQuery {});
    ASSERT_TRUE(followers) << describe(followers);
    EXPECT_EQ(followers->actors, std::vector<model::ActorRef> { model::local_actor(alice_.id) });
    auto following = social_->following(carol_, model::local_actor(alice_.id), storage::PageQuery {});
    ASSERT_TRUE(following) << describe(following);
    EXPECT_EQ(following->actors, std::vector<model::ActorRef> { model::local_actor(bob_.id) });
    auto none = social_->followers(carol_, model::local_actor(alice_.id), storage::PageQuery {});
    ASSERT_TRUE(none) << describe(none);
    EXPECT_TRUE(none->actors.empty());
}

} // namespace
} // namespace confrere::services
