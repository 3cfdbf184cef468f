// The validation queue and sanctions: who may act, which transitions exist, what they end.
#include "core/services/moderation_service.hpp"

#include "tests/support/fixtures.hpp"

#include <gtest/gtest.h>

#include <string>

namespace confrere::services {
namespace {

using model::AccountState;
using storage::AccountQuery;
using testkit::describe;
using testkit::pharmacist_alice;

class ModerationServiceTest : public testkit::ServicesTest {
protected:
    void SetUp() override
    {
        testkit::ServicesTest::SetUp();
        if (HasFatalFailure())
            return;
        auto marie = fx().add_staff(testkit::moderator_marie());
        ASSERT_TRUE(marie) << describe(marie);
        moderator_ = *marie;
        auto alice = fx().register_applicant(pharmacist_alice());
        ASSERT_TRUE(alice) << describe(alice);
        alice_ = *alice;
    }

    ModerationService& moderation() { return fx().moderation(); }

    AccountState state_of(Id id)
    {
        auto found = fx().find_account(id);
        EXPECT_TRUE(found && *found) << describe(found);
        return found && *found ? (*found)->state : AccountState::Pending;
    }

    // Makes Alice an active member.
    void approve_alice()
    {
        auto approved = moderation().approve(moderator_, alice_.id);
        ASSERT_TRUE(approved) << describe(approved);
    }

    model::Account moderator_;
    model::Account alice_;
};

TEST_F(ModerationServiceTest, ApprovingAPendingAccountMakesItActive)
{
    auto approved = moderation().approve(moderator_, alice_.id);
    ASSERT_TRUE(approved) << describe(approved);
    EXPECT_EQ(approved->account.id, alice_.id);
    EXPECT_EQ(approved->account.state, AccountState::Active);
    EXPECT_EQ(approved->identity.national_id, "810000123454");
    EXPECT_EQ(state_of(alice_.id), AccountState::Active);
}

TEST_F(ModerationServiceTest, ApprovingTwiceIsAConflict)
{
    approve_alice();
    auto again = moderation().approve(moderator_, alice_.id);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().kind, ErrorKind::Conflict);
}

TEST_F(ModerationServiceTest, ApprovingARejectedAccountIsAConflict)
{
    ASSERT_TRUE(moderation().reject(moderator_, alice_.id, "No."));
    auto approved = moderation().approve(moderator_, alice_.id);
    ASSERT_FALSE(approved);
    EXPECT_EQ(approved.error().kind, ErrorKind::Conflict);
    EXPECT_EQ(state_of(alice_.id), AccountState::Rejected);
}

TEST_F(ModerationServiceTest, ApprovingAnUnknownAccountIsNotFound)
{
    auto approved = moderation().approve(moderator_, alice_.id + 1000);
    ASSERT_FALSE(approved);
    EXPECT_EQ(approved.error().kind, ErrorKind::NotFound);
}

TEST_F(ModerationServiceTest, RejectingRecordsTheReason)
{
    auto rejected = moderation().reject(moderator_, alice_.id, "The RPPS number belongs to someone else.");
    ASSERT_TRUE(rejected) << describe(rejected);
    EXPECT_EQ(rejected->account.state, AccountState::Rejected);
    EXPECT_EQ(rejected->account.moderation_reason, "The RPPS number belongs to someone else.");
    auto stored = fx().find_account(alice_.id);
    ASSERT_TRUE(stored && *stored);
    EXPECT_EQ((*stored)->moderation_reason, "The RPPS number belongs to someone else.");
}

TEST_F(ModerationServiceTest, ReasonLongerThanTwoThousandBytesIsUnprocessable)
{
    auto rejected = moderation().reject(moderator_, alice_.id, std::string(2001, 'x'));
    ASSERT_FALSE(rejected);
    EXPECT_EQ(rejected.error().kind, ErrorKind::Unprocessable);
    EXPECT_EQ(rejected.error().field, "reason");
    EXPECT_EQ(state_of(alice_.id), AccountState::Pending);
}

TEST_F(ModerationServiceTest, MemberWhoIsNotAModeratorCannotApprove)
{
    auto bob = fx().add_member(testkit::nurse_bob());
    ASSERT_TRUE(bob) << describe(bob);
    auto approved = moderation().approve(*bob, alice_.id);
    ASSERT_FALSE(approved);
    EXPECT_EQ(approved.error().kind, ErrorKind::Forbidden);
    EXPECT_EQ(state_of(alice_.id), AccountState::Pending);
}

TEST_F(ModerationServiceTest, PendingModeratorCannotApprove)
{
    auto c = testkit::account_creation(testkit::admin_adam());
    c.role = model::Role::Moderator;
    c.validated = false;
    auto pending_moderator = fx().registrations().create_account(c);
    ASSERT_TRUE(pending_moderator) << describe(pending_moderator);
    auto approved = moderation().approve(*pending_moderator, alice_.id);
    ASSERT_FALSE(approved);
    EXPECT_EQ(approved.error().kind, ErrorKind::Forbidden);
    EXPECT_EQ(state_of(alice_.id), AccountState::Pending);
}

TEST_F(ModerationServiceTest, ApplicantCannotApproveThemself)
{
    auto approved = moderation().approve(alice_, alice_.id);
    ASSERT_FALSE(approved);
    EXPECT_EQ(approved.error().kind, ErrorKind::Forbidden);
}

TEST_F(ModerationServiceTest, AdminMayApprove)
{
    auto adam = fx().add_staff(testkit::admin_adam());
    ASSERT_TRUE(adam) << describe(adam);
    auto approved = moderation().approve(*adam, alice_.id);
    EXPECT_TRUE(approved) << describe(approved);
}

TEST_F(ModerationServiceTest, OperatorAtTheCommandLineMayApprove)
{
    auto approved = moderation().approve(std::nullopt, alice_.id);
    EXPECT_TRUE(approved) << describe(approved);
}

TEST_F(ModerationServiceTest, SuspendingEndsTheAccountsSessions)
{
    approve_alice();
    auto signed_in = fx().auth().sign_in("alice", pharmacist_alice().password);
    ASSERT_TRUE(signed_in) << describe(signed_in);
    ASSERT_TRUE(fx().auth().authenticate(signed_in->token));

    auto suspended = moderation().suspend(moderator_, alice_.id, "Posted a patient's name.");
    ASSERT_TRUE(suspended) << describe(suspended);
    EXPECT_EQ(suspended->account.state, AccountState::Suspended);
    EXPECT_EQ(suspended->account.moderation_reason, "Posted a patient's name.");

    auto after = fx().auth().authenticate(signed_in->token);
    ASSERT_FALSE(after);
    EXPECT_EQ(after.error().kind, ErrorKind::Unauthorized);
    EXPECT_EQ(testkit::query_int(fx().database_path(), "SELECT count(*) FROM sessions"), 0);
}

TEST_F(ModerationServiceTest, SuspendingAPendingAccountIsAConflict)
{
    auto suspended = moderation().suspend(moderator_, alice_.id, "Too early.");
    ASSERT_FALSE(suspended);
    EXPECT_EQ(suspended.error().kind, ErrorKind::Conflict);
}

TEST_F(ModerationServiceTest, ModeratorCannotSuspendThemself)
{
    auto suspended = moderation().suspend(moderator_, moderator_.id, "Oops.");
    ASSERT_FALSE(suspended);
    EXPECT_EQ(suspended.error().kind, ErrorKind::Unprocessable);
    EXPECT_EQ(state_of(moderator_.id), AccountState::Active);
}

TEST_F(ModerationServiceTest, UnsuspendingMakesTheAccountActiveAgain)
{
    approve_alice();
    ASSERT_TRUE(moderation().suspend(moderator_, alice_.id, "Charter."));
    auto restored = moderation().unsuspend(moderator_, alice_.id);
    ASSERT_TRUE(restored) << describe(restored);
    EXPECT_EQ(restored->account.state, AccountState::Active);
    EXPECT_EQ(state_of(alice_.id), AccountState::Active);
    auto signed_in = fx().auth().sign_in("alice", pharmacist_alice().password);
    EXPECT_TRUE(signed_in) << describe(signed_in);
}

TEST_F(ModerationServiceTest, UnsuspendingAnActiveAccountIsAConflict)
{
    approve_alice();
    auto restored = moderation().unsuspend(moderator_, alice_.id);
    ASSERT_FALSE(restored);
    EXPECT_EQ(restored.error().kind, ErrorKind::Conflict);
}

TEST_F(ModerationServiceTest, MemberCannotSuspend)
{
    approve_alice();
    auto bob = fx().add_member(testkit::nurse_bob());
    ASSERT_TRUE(bob) << describe(bob);
    auto suspended = moderation().suspend(*bob, alice_.id, "I do not like her.");
    ASSERT_FALSE(suspended);
    EXPECT_EQ(suspended.error().kind, ErrorKind::Forbidden);
    EXPECT_EQ(state_of(alice_.id), AccountState::Active);
}

TEST_F(ModerationServiceTest, QueueListsPendingRegistrationsWithTheirPrecheck)
{
    AccountQuery pending;
    pending.state = AccountState::Pending;
    auto queue = moderation().list(moderator_, pending);
    ASSERT_TRUE(queue) << describe(queue);
    ASSERT_EQ(queue->size(), 1u);
    EXPECT_EQ((*queue)[0].account.id, alice_.id);
    EXPECT_EQ((*queue)[0].precheck.outcome, model::PrecheckOutcome::NoDirectory);
}

TEST_F(ModerationServiceTest, MemberCannotReadTheQueue)
{
    auto bob = fx().add_member(testkit::nurse_bob());
    ASSERT_TRUE(bob) << describe(bob);
    auto queue = moderation().list(*bob, AccountQuery{});
    ASSERT_FALSE(queue);
    EXPECT_EQ(queue.error().kind, ErrorKind::Forbidden);
}

TEST_F(ModerationServiceTest, MemberCannotReadAStudentsAttestation)
{
    auto emma = fx().register_applicant(testkit::nursing_student_emma());
    ASSERT_TRUE(emma) << describe(emma);
    auto bob = fx().add_member(testkit::nurse_bob());
    ASSERT_TRUE(bob) << describe(bob);
    auto attestation = moderation().attestation(*bob, emma->id);
    ASSERT_FALSE(attestation);
    EXPECT_EQ(attestation.error().kind, ErrorKind::Forbidden);

    auto for_moderator = moderation().attestation(moderator_, emma->id);
    ASSERT_TRUE(for_moderator) << describe(for_moderator);
    EXPECT_EQ(for_moderator->content_type, "application/pdf");
    EXPECT_EQ(for_moderator->data, testkit::pdf_attestation().data);
}

TEST_F(ModerationServiceTest, AttestationOfAnApplicantWithoutOneIsNotFound)
{
    auto attestation = moderation().attestation(moderator_, alice_.id);
    ASSERT_FALSE(attestation);
    EXPECT_EQ(attestation.error().kind, ErrorKind::NotFound);
}

TEST_F(ModerationServiceTest, RegistrationOfAnUnknownAccountIsNotFound)
{
    auto registration = moderation().registration(moderator_, alice_.id + 1000);
    ASSERT_FALSE(registration);
    EXPECT_EQ(registration.error().kind, ErrorKind::NotFound);
}

} // namespace
} // namespace confrere::services
