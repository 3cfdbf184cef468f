// Who may read and who may moderate (DESIGN rule 1): every state × role that matters.
#include "core/services/access_policy.hpp"

#include "tests/support/test_store.hpp"

#include <gtest/gtest.h>

namespace confrere::services {
namespace {

using model::AccountState;
using model::Role;

model::Account account(AccountState state, Role role = Role::Member)
{
    model::Account a;
    a.id = 1;
    a.username = "someone";
    a.state = state;
    a.role = role;
    return a;
}

ErrorKind refusal(const Status& s)
{
    return s ? ErrorKind::Internal : s.error().kind;
}

TEST(MemberReader, ActiveMemberMayRead)
{
    EXPECT_TRUE(require_member_reader(account(AccountState::Active)));
}

TEST(MemberReader, ActiveModeratorAndAdminMayRead)
{
    EXPECT_TRUE(require_member_reader(account(AccountState::Active, Role::Moderator)));
    EXPECT_TRUE(require_member_reader(account(AccountState::Active, Role::Admin)));
}

TEST(MemberReader, PendingAccountIsForbiddenWithMastodonsMessage)
{
    auto refused = require_member_reader(account(AccountState::Pending));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Forbidden);
    EXPECT_EQ(refused.error().public_message, "Your login is currently pending approval");
}

TEST(MemberReader, RejectedAccountIsForbidden)
{
    EXPECT_EQ(refusal(require_member_reader(account(AccountState::Rejected))), ErrorKind::Forbidden);
}

TEST(MemberReader, SuspendedAccountIsForbiddenWithMastodonsMessage)
{
    auto refused = require_member_reader(account(AccountState::Suspended));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Forbidden);
    EXPECT_EQ(refused.error().public_message, "Your login is currently disabled");
}

TEST(MemberReader, ActivePartnerIsForbidden)
{
    EXPECT_EQ(refusal(require_member_reader(account(AccountState::Active, Role::Partner))),
              ErrorKind::Forbidden);
}

TEST(MemberReader, SuspendedAdminIsForbidden)
{
    EXPECT_EQ(refusal(require_member_reader(account(AccountState::Suspended, Role::Admin))),
              ErrorKind::Forbidden);
}

TEST(Moderator, ActiveModeratorAndAdminMayModerate)
{
    EXPECT_TRUE(require_moderator(account(AccountState::Active, Role::Moderator)));
    EXPECT_TRUE(require_moderator(account(AccountState::Active, Role::Admin)));
}

TEST(Moderator, ActiveMemberIsForbidden)
{
    EXPECT_EQ(refusal(require_moderator(account(AccountState::Active))), ErrorKind::Forbidden);
}

TEST(Moderator, ActivePartnerIsForbidden)
{
    EXPECT_EQ(refusal(require_moderator(account(AccountState::Active, Role::Partner))), ErrorKind::Forbidden);
}

TEST(Moderator, PendingModeratorIsForbidden)
{
    EXPECT_EQ(refusal(require_moderator(account(AccountState::Pending, Role::Moderator))), ErrorKind::Forbidden);
}

TEST(Moderator, SuspendedAdminIsForbidden)
{
    EXPECT_EQ(refusal(require_moderator(account(AccountState::Suspended, Role::Admin))), ErrorKind::Forbidden);
}

TEST(Moderator, RejectedModeratorIsForbidden)
{
    EXPECT_EQ(refusal(require_moderator(account(AccountState::Rejected, Role::Moderator))), ErrorKind::Forbidden);
}

TEST(DiscoverableIdentity, OnlyActiveAccountsAreDiscoverable)
{
    EXPECT_TRUE(is_discoverable_identity(account(AccountState::Active)));
    EXPECT_TRUE(is_discoverable_identity(account(AccountState::Active, Role::Partner)));
    EXPECT_FALSE(is_discoverable_identity(account(AccountState::Pending)));
    EXPECT_FALSE(is_discoverable_identity(account(AccountState::Rejected)));
    EXPECT_FALSE(is_discoverable_identity(account(AccountState::Suspended, Role::Admin)));
}

} // namespace
} // namespace confrere::services
