// Reports: what a member may report, who handles the queue, what each resolution does, and that
// a report never widens an audience.
#include "core/services/report_service.hpp"

#include "core/services/social_service.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/recording_outbox.hpp"

#include <gtest/gtest.h>

namespace confrere::services {
namespace {

using model::Audience;
using model::ReportState;
using testkit::describe;

class ReportServiceTest : public testkit::ServicesTest {
protected:
    void SetUp() override
    {
        ServicesTest::SetUp();
        social_ = std::make_unique<SocialService>(fx().store(), fx().clock(), fx().ids(), outbox_,
            "https://officine.example", [](std::string_view text) { return "<p>" + std::string(text) + "</p>"; });
        reports_ = std::make_unique<ReportService>(fx().store(), fx().clock(), fx().ids(), *social_, fx().moderation());
        for (auto [person, account] : { std::pair { &testkit::pharmacist_alice(), &alice_ },
                 std::pair { &testkit::nurse_bob(), &bob_ }, std::pair { &testkit::podiatrist_carol(), &carol_ } }) {
            auto a = fx().add_member(*person);
            ASSERT_TRUE(a) << describe(a);
            *account = *a;
        }
        auto m = fx().add_staff(testkit::moderator_marie());
        ASSERT_TRUE(m) << describe(m);
        marie_ = *m;
    }

    model::Status post(const model::Account& author, std::string text, Audience audience,
        std::vector<model::ActorRef> mentions = {})
    {
        PostRequest request;
        request.text = std::move(text);
        request.audience = audience;
        request.mentions = std::move(mentions);
        auto s = social_->post(author, std::move(request));
        EXPECT_TRUE(s) << describe(s);
        return s ? *s : model::Status {};
    }

    Result<model::Report> report(const model::Account& reporter, const model::Account& target,
        std::vector<Id> statuses = {}, std::string comment = "Patient nommé")
    {
        NewReport r;
        r.target = model::local_actor(target.id);
        r.status_ids = std::move(statuses);
        r.category = model::ReportCategory::Violation;
        r.comment = std::move(comment);
        return reports_->file(reporter, std::move(r));
    }

    model::AccountState state_of(Id id)
    {
        auto found = fx().find_account(id);
        return found && *found ? (*found)->state : model::AccountState::Pending;
    }

    // The statuses federation was told were deleted.
    std::vector<Id> deleted() const
    {
        std::vector<Id> ids;
        for (const auto& call : outbox_.calls)
            if (call.what == "deleted")
                ids.push_back(call.subject);
        return ids;
    }

    testkit::RecordingOutbox outbox_;
    std::unique_ptr<SocialService> social_;
    std::unique_ptr<ReportService> reports_;
    model::Account alice_, bob_, carol_, marie_;
};

TEST_F(ReportServiceTest, AMemberReportsAnAccountWithAPostTheyRead)
{
    auto s = post(bob_, "Mme D., 12 rue des Lilas, son traitement…", Audience::Instance);
    auto filed = report(alice_, bob_, { s.id });
    ASSERT_TRUE(filed) << describe(filed);
    EXPECT_EQ(filed->state, ReportState::Open);
    EXPECT_EQ(filed->status_ids, std::vector<Id> { s.id });
    auto found = reports_->find(marie_, filed->id);
    ASSERT_TRUE(found) << describe(found);
    EXPECT_EQ(found->report.reporter_id, alice_.id);
    EXPECT_EQ(found->report.target, model::local_actor(bob_.id));
    EXPECT_EQ(found->report.comment, "Patient nommé");
    ASSERT_EQ(found->statuses.size(), 1u);
    EXPECT_EQ(found->statuses[0].id, s.id);
}

TEST_F(ReportServiceTest, ReportingOneselfIsRefused)
{
    auto filed = report(alice_, alice_);
    ASSERT_FALSE(filed);
    EXPECT_EQ(filed.error().kind, ErrorKind::Unprocessable);
    EXPECT_EQ(filed.error().field, "account_id");
}

TEST_F(ReportServiceTest, APostOfAnotherAccountIsRefusedWithItsField)
{
    auto carols = post(carol_, "Bonjour", Audience::Instance);
    auto filed = report(alice_, bob_, { carols.id });
    ASSERT_FALSE(filed);
    EXPECT_EQ(filed.error().kind, ErrorKind::Unprocessable);
    EXPECT_EQ(filed.error().field, "status_ids");
}

TEST_F(ReportServiceTest, APostTheReporterCannotReadIsNotFound)
{
    auto secret = post(bob_, "Pour Carol seulement", Audience::Direct, { model::local_actor(carol_.id) });
    auto filed = report(alice_, bob_, { secret.id });
    ASSERT_FALSE(filed);
    EXPECT_EQ(filed.error().kind, ErrorKind::NotFound);
    EXPECT_EQ(filed.error().field, "status_ids");
}

TEST_F(ReportServiceTest, AnUnknownAccountIsNotFound)
{
    model::Account ghost = bob_;
    ghost.id = 999'999;
    auto filed = report(alice_, ghost);
    ASSERT_FALSE(filed);
    EXPECT_EQ(filed.error().kind, ErrorKind::NotFound);
    EXPECT_EQ(filed.error().field, "account_id");
}

TEST_F(ReportServiceTest, TheCommentIsCountedInCodePointsUpToAThousand)
{
    std::string at_limit;
    for (int i = 0; i < 1000; ++i)
        at_limit += "é";
    EXPECT_TRUE(report(alice_, bob_, {}, at_limit));
    auto over = report(alice_, bob_, {}, at_limit + "e");
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().field, "comment");
    auto invalid = report(alice_, bob_, {}, "\xff\xfe");
    ASSERT_FALSE(invalid);
    EXPECT_EQ(invalid.error().field, "comment");
}

TEST_F(ReportServiceTest, MoreThanTwentyPostsAreRefused)
{
    std::vector<Id> ids;
    for (int i = 0; i < 21; ++i)
        ids.push_back(post(bob_, "Message " + std::to_string(i), Audience::Instance).id);
    auto over = report(alice_, bob_, ids);
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().field, "status_ids");
    ids.pop_back();
    EXPECT_TRUE(report(alice_, bob_, ids));
}

TEST_F(ReportServiceTest, MembersNeitherListNorHandleReports)
{
    auto filed = report(alice_, bob_);
    ASSERT_TRUE(filed) << describe(filed);
    for (const model::Account* who : { &alice_, &bob_ }) {
        auto list = reports_->list(*who, {});
        ASSERT_FALSE(list);
        EXPECT_EQ(list.error().kind, ErrorKind::Forbidden);
        auto found = reports_->find(*who, filed->id);
        ASSERT_FALSE(found);
        EXPECT_EQ(found.error().kind, ErrorKind::Forbidden);
        auto resolved = reports_->resolve(*who, filed->id, ReportResolution::Suspend);
        ASSERT_FALSE(resolved);
        EXPECT_EQ(resolved.error().kind, ErrorKind::Forbidden);
    }
    EXPECT_EQ(state_of(bob_.id), model::AccountState::Active);
}

TEST_F(ReportServiceTest, TheModeratorReadsAReportedPostOutsideTheirAudienceAndOnlyThroughTheReport)
{
    auto direct = post(bob_, "Pour Alice : le patient M. X…", Audience::Direct, { model::local_actor(alice_.id) });
    auto filed = report(alice_, bob_, { direct.id });
    ASSERT_TRUE(filed) << describe(filed);
    auto found = reports_->find(marie_, filed->id);
    ASSERT_TRUE(found) << describe(found);
    ASSERT_EQ(found->statuses.size(), 1u);
    EXPECT_EQ(found->statuses[0].content_html, direct.content_html);
    auto outside = social_->status(marie_, direct.id);
    ASSERT_FALSE(outside) << "a report does not widen the audience of the post";
    EXPECT_EQ(outside.error().kind, ErrorKind::NotFound);
    EXPECT_FALSE(social_->status(carol_, direct.id));
}

TEST_F(ReportServiceTest, RemovingThePostsDeletesThemAndTellsFederation)
{
    auto direct = post(bob_, "Prenez du Doliprane", Audience::Direct, { model::local_actor(alice_.id) });
    auto open = post(bob_, "Et du Dafalgan", Audience::Instance);
    auto filed = report(alice_, bob_, { direct.id, open.id });
    ASSERT_TRUE(filed) << describe(filed);
    auto resolved = reports_->resolve(marie_, filed->id, ReportResolution::RemoveStatuses);
    ASSERT_TRUE(resolved) << describe(resolved);
    EXPECT_EQ(resolved->state, ReportState::Resolved);
    EXPECT_EQ(resolved->action, model::ReportAction::StatusesRemoved);
    EXPECT_EQ(resolved->resolved_by, marie_.id);
    EXPECT_FALSE(social_->status(alice_, direct.id));
    EXPECT_FALSE(social_->status(alice_, open.id));
    // Only the federated (Direct) post has a Delete to send; the Instance one never left.
    EXPECT_EQ(deleted(), std::vector<Id> { direct.id });
    auto found = reports_->find(marie_, filed->id);
    ASSERT_TRUE(found) << describe(found);
    ASSERT_EQ(found->statuses.size(), 2u);
    EXPECT_TRUE(found->statuses[0].deleted_at && found->statuses[1].deleted_at)
        << "the moderator still sees what was removed";
}

TEST_F(ReportServiceTest, RemovingWithoutPostsIsUnprocessable)
{
    auto filed = report(alice_, bob_);
    ASSERT_TRUE(filed) << describe(filed);
    auto resolved = reports_->resolve(marie_, filed->id, ReportResolution::RemoveStatuses);
    ASSERT_FALSE(resolved);
    EXPECT_EQ(resolved.error().kind, ErrorKind::Unprocessable);
    auto found = reports_->find(marie_, filed->id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->report.state, ReportState::Open) << "nothing half-written";
}

TEST_F(ReportServiceTest, SuspendingTheTargetGoesThroughModeration)
{
    auto filed = report(alice_, bob_);
    auto other = report(carol_, bob_);
    ASSERT_TRUE(filed && other);
    auto resolved = reports_->resolve(marie_, filed->id, ReportResolution::Suspend);
    ASSERT_TRUE(resolved) << describe(resolved);
    EXPECT_EQ(resolved->action, model::ReportAction::AccountSuspended);
    EXPECT_EQ(state_of(bob_.id), model::AccountState::Suspended);
    // Another report about the account, already suspended, resolves with the same sanction.
    auto second = reports_->resolve(marie_, other->id, ReportResolution::Suspend);
    ASSERT_TRUE(second) << describe(second);
    EXPECT_EQ(second->action, model::ReportAction::AccountSuspended);
    // A suspended account is no longer one members can see, nor report.
    auto hidden = report(alice_, bob_);
    ASSERT_FALSE(hidden);
    EXPECT_EQ(hidden.error().kind, ErrorKind::NotFound);
}

TEST_F(ReportServiceTest, ARemoteAccountCannotBeSuspendedHere)
{
    model::RemoteActor actor;
    actor.id = fx().ids().next();
    actor.uri = "https://soins.example/users/dana";
    actor.host = "soins.example";
    actor.type = "Person";
    actor.username = "dana";
    actor.inbox = actor.uri + "/inbox";
    actor.key_id = actor.uri + "#main-key";
    actor.public_key_pem = "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n";
    actor.fetched_at = actor.created_at = fx().clock().now();
    auto stored = fx().store().write([&](storage::Repositories& repos) -> Status {
        auto r = repos.remote_actors().upsert(actor);
        return r ? ok() : forward(r);
    });
    ASSERT_TRUE(stored) << describe(stored);
    NewReport r;
    r.target = model::remote_actor(actor.id);
    r.category = model::ReportCategory::Spam;
    auto filed = reports_->file(alice_, r);
    ASSERT_TRUE(filed) << describe(filed);
    auto resolved = reports_->resolve(marie_, filed->id, ReportResolution::Suspend);
    ASSERT_FALSE(resolved);
    EXPECT_EQ(resolved.error().kind, ErrorKind::Unprocessable);
    EXPECT_TRUE(reports_->resolve(marie_, filed->id, ReportResolution::Dismiss));
}

TEST_F(ReportServiceTest, ResolvingTwiceIsAConflictAndReopeningMakesItOpenAgain)
{
    auto filed = report(alice_, bob_);
    ASSERT_TRUE(filed) << describe(filed);
    ASSERT_TRUE(reports_->resolve(marie_, filed->id, ReportResolution::Dismiss));
    auto again = reports_->resolve(marie_, filed->id, ReportResolution::Dismiss);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().kind, ErrorKind::Conflict);
    auto reopened = reports_->reopen(marie_, filed->id);
    ASSERT_TRUE(reopened) << describe(reopened);
    EXPECT_EQ(reopened->state, ReportState::Open);
    EXPECT_FALSE(reopened->resolved_at);
    auto twice = reports_->reopen(marie_, filed->id);
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().kind, ErrorKind::Conflict);
}

TEST_F(ReportServiceTest, TheQueueListsOpenOrResolvedNewestFirstAndFiltersByTarget)
{
    auto first = report(alice_, bob_);
    auto second = report(alice_, carol_);
    auto third = report(carol_, bob_);
    ASSERT_TRUE(first && second && third);
    ASSERT_TRUE(reports_->resolve(marie_, second->id, ReportResolution::Dismiss));
    storage::ReportQuery open;
    open.state = ReportState::Open;
    auto list = reports_->list(marie_, open);
    ASSERT_TRUE(list) << describe(list);
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[0].id, third->id);
    EXPECT_EQ((*list)[1].id, first->id);
    storage::ReportQuery resolved;
    resolved.state = ReportState::Resolved;
    auto done = reports_->list(marie_, resolved);
    ASSERT_TRUE(done);
    ASSERT_EQ(done->size(), 1u);
    EXPECT_EQ(done->front().id, second->id);
    storage::ReportQuery about_carol;
    about_carol.target = model::local_actor(carol_.id);
    auto carols = reports_->list(marie_, about_carol);
    ASSERT_TRUE(carols);
    ASSERT_EQ(carols->size(), 1u);
    EXPECT_EQ(carols->front().id, second->id);
}

TEST_F(ReportServiceTest, AModeratorTakesAReportAndLetsItGo)
{
    auto filed = report(alice_, bob_);
    ASSERT_TRUE(filed);
    auto taken = reports_->assign_to_self(marie_, filed->id);
    ASSERT_TRUE(taken) << describe(taken);
    EXPECT_EQ(taken->assigned_to, marie_.id);
    auto released = reports_->unassign(marie_, filed->id);
    ASSERT_TRUE(released) << describe(released);
    EXPECT_FALSE(released->assigned_to);
    auto unknown = reports_->assign_to_self(marie_, 123456789);
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().kind, ErrorKind::NotFound);
}

} // namespace
} // namespace confrere::services
