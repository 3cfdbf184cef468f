// Sign-in, bearer sessions and sign-out; what an attacker learns from a refusal.
#include "core/services/auth_service.hpp"

#include "core/crypto/secrets.hpp"
#include "tests/support/fixtures.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <string>

namespace confrere::services {
namespace {

using testkit::describe;
using testkit::pharmacist_alice;

class AuthServiceTest : public testkit::ServicesTest {
protected:
    AuthService& auth() { return fx().auth(); }

    model::Account member(const testkit::Person& person)
    {
        auto account = fx().add_member(person);
        EXPECT_TRUE(account) << describe(account);
        return account ? *account : model::Account{};
    }
};

TEST_F(AuthServiceTest, ActiveMemberSignsInWithTheirUsername)
{
    model::Account alice = member(pharmacist_alice());
    auto signed_in = auth().sign_in("alice", pharmacist_alice().password);
    ASSERT_TRUE(signed_in) << describe(signed_in);
    EXPECT_EQ(signed_in->account.id, alice.id);
    EXPECT_EQ(signed_in->session.account_id, alice.id);
    EXPECT_FALSE(signed_in->token.empty());
    EXPECT_FALSE(signed_in->session.csrf_token.empty());
    EXPECT_EQ(signed_in->session.created_at, testkit::kStartTime);
    EXPECT_GT(signed_in->session.expires_at, signed_in->session.created_at);
}

TEST_F(AuthServiceTest, ActiveMemberSignsInWithTheirEmailInAnyCase)
{
    model::Account alice = member(pharmacist_alice());
    auto signed_in = auth().sign_in("ALICE@example.org", pharmacist_alice().password);
    ASSERT_TRUE(signed_in) << describe(signed_in);
    EXPECT_EQ(signed_in->account.id, alice.id);
}

TEST_F(AuthServiceTest, WrongPasswordIsUnauthorized)
{
    member(pharmacist_alice());
    auto refused = auth().sign_in("alice", "not the password");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Unauthorized);
}

TEST_F(AuthServiceTest, UnknownLoginAndWrongPasswordGiveTheSameRefusal)
{
    member(pharmacist_alice());
    auto wrong_password = auth().sign_in("alice", "not the password");
    auto unknown_login = auth().sign_in("mallory", "not the password");
    ASSERT_FALSE(wrong_password);
    ASSERT_FALSE(unknown_login);
    EXPECT_EQ(unknown_login.error().kind, ErrorKind::Unauthorized);
    EXPECT_EQ(unknown_login.error().public_message, wrong_password.error().public_message);
    EXPECT_EQ(unknown_login.error().field, wrong_password.error().field);
}

TEST_F(AuthServiceTest, PasswordIsCaseSensitive)
{
    member(pharmacist_alice());
    std::string shouted = pharmacist_alice().password;
    for (char& c : shouted)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto refused = auth().sign_in("alice", shouted);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Unauthorized);
}

TEST_F(AuthServiceTest, RejectedApplicantIsForbidden)
{
    auto alice = fx().register_applicant(pharmacist_alice());
    ASSERT_TRUE(alice) << describe(alice);
    ASSERT_TRUE(fx().moderation().reject(std::nullopt, alice->id, "No."));
    auto refused = auth().sign_in("alice", pharmacist_alice().password);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Forbidden);
}

TEST_F(AuthServiceTest, SuspendedMemberIsForbidden)
{
    model::Account alice = member(pharmacist_alice());
    ASSERT_TRUE(fx().moderation().suspend(std::nullopt, alice.id, "Charter."));
    auto refused = auth().sign_in("alice", pharmacist_alice().password);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Forbidden);
}

TEST_F(AuthServiceTest, RejectedApplicantWithAWrongPasswordLearnsNothingAboutTheAccount)
{
    auto alice = fx().register_applicant(pharmacist_alice());
    ASSERT_TRUE(alice) << describe(alice);
    ASSERT_TRUE(fx().moderation().reject(std::nullopt, alice->id, "No."));
    auto refused = auth().sign_in("alice", "not the password");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Unauthorized);
}

TEST_F(AuthServiceTest, PendingApplicantSignsIn)
{
    auto alice = fx().register_applicant(pharmacist_alice());
    ASSERT_TRUE(alice) << describe(alice);
    auto signed_in = auth().sign_in("alice", pharmacist_alice().password);
    ASSERT_TRUE(signed_in) << describe(signed_in);
    EXPECT_EQ(signed_in->account.state, model::AccountState::Pending);
}

TEST_F(AuthServiceTest, TokenAuthenticatesItsAccountAndSession)
{
    model::Account alice = member(pharmacist_alice());
    auto signed_in = auth().sign_in("alice", pharmacist_alice().password);
    ASSERT_TRUE(signed_in) << describe(signed_in);
    auto who = auth().authenticate(signed_in->token);
    ASSERT_TRUE(who) << describe(who);
    EXPECT_EQ(who->account.id, alice.id);
    EXPECT_EQ(who->account.username, "alice");
    EXPECT_EQ(who->session.id, signed_in->session.id);
    EXPECT_EQ(who->session.csrf_token, signed_in->session.csrf_token);
}

TEST_F(AuthServiceTest, UnknownTokenIsUnauthorized)
{
    member(pharmacist_alice());
    ASSERT_TRUE(auth().sign_in("alice", pharmacist_alice().password));
    auto who = auth().authenticate(crypto::random_token(32));
    ASSERT_FALSE(who);
    EXPECT_EQ(who.error().kind, ErrorKind::Unauthorized);
}

TEST_F(AuthServiceTest, EmptyOrOversizedTokenIsUnauthorized)
{
    for (const std::string& token : {std::string(), std::string(257, 'a')}) {
        auto who = auth().authenticate(token);
        ASSERT_FALSE(who);
        EXPECT_EQ(who.error().kind, ErrorKind::Unauthorized);
    }
}

TEST_F(AuthServiceTest, TokenHashPresentedAsTheTokenIsUnauthorized)
{
    member(pharmacist_alice());
    auto signed_in = auth().sign_in("alice", pharmacist_alice().password);
    ASSERT_TRUE(signed_in) << describe(signed_in);
    // Someone who read the sessions table must not be able to use what it holds.
    auto who = auth().authenticate(signed_in->session.token_hash);
    ASSERT_FALSE(who);
    EXPECT_EQ(who.error().kind, ErrorKind::Unauthorized);
}

TEST_F(AuthServiceTest, SessionIsValidUntilJustBeforeItsLifetimeEnds)
{
    member(pharmacist_alice());
    auto signed_in = auth().sign_in("alice", pharmacist_alice().password);
    ASSERT_TRUE(signed_in) << describe(signed_in);
    fx().clock().advance(std::chrono::hours(24 * 30) - std::chrono::milliseconds(1));
    EXPECT_TRUE(auth().authenticate(signed_in->token));
}

TEST_F(AuthServiceTest, ExpiredSessionIsUnauthorized)
{
    member(pharmacist_alice());
    auto signed_in = auth().sign_in("alice", pharmacist_alice().password);
    ASSERT_TRUE(signed_in) << describe(signed_in);
    fx().clock().advance(std::chrono::hours(24 * 30) + std::chrono::milliseconds(1));
    auto who = auth().authenticate(signed_in->token);
    ASSERT_FALSE(who);
    EXPECT_EQ(who.error().kind, ErrorKind::Unauthorized);
}

TEST_F(AuthServiceTest, ShorterConfiguredLifetimeIsHonoured)
{
    member(pharmacist_alice());
    AuthService short_lived(fx().store(), fx().clock(), fx().ids(), std::chrono::hours(1));
    auto signed_in = short_lived.sign_in("alice", pharmacist_alice().password);
    ASSERT_TRUE(signed_in) << describe(signed_in);
    EXPECT_EQ(signed_in->session.expires_at, testkit::kStartTime + std::chrono::hours(1));
    fx().clock().advance(std::chrono::hours(1));
    auto who = short_lived.authenticate(signed_in->token);
    ASSERT_FALSE(who);
    EXPECT_EQ(who.error().kind, ErrorKind::Unauthorized);
}

TEST_F(AuthServiceTest, SignOutInvalidatesTheToken)
{
    member(pharmacist_alice());
    auto signed_in = auth().sign_in("alice", pharmacist_alice().password);
    ASSERT_TRUE(signed_in) << describe(signed_in);
    ASSERT_TRUE(auth().sign_out(signed_in->session));
    auto who = auth().authenticate(signed_in->token);
    ASSERT_FALSE(who);
    EXPECT_EQ(who.error().kind, ErrorKind::Unauthorized);
}

TEST_F(AuthServiceTest, SignOutEndsOnlyThatSession)
{
    member(pharmacist_alice());
    auto phone = auth().sign_in("alice", pharmacist_alice().password);
    auto laptop = auth().sign_in("alice", pharmacist_alice().password);
    ASSERT_TRUE(phone && laptop);
    EXPECT_NE(phone->token, laptop->token);
    ASSERT_TRUE(auth().sign_out(phone->session));
    EXPECT_FALSE(auth().authenticate(phone->token));
    EXPECT_TRUE(auth().authenticate(laptop->token));
}

TEST_F(AuthServiceTest, ChangedPasswordSignsInAndEndsEverySession)
{
    model::Account alice = member(pharmacist_alice());
    auto phone = auth().sign_in("alice", pharmacist_alice().password);
    ASSERT_TRUE(phone) << describe(phone);
    auto changed = auth().change_password(alice, pharmacist_alice().password, "a brand new secret");
    ASSERT_TRUE(changed) << describe(changed);
    EXPECT_FALSE(auth().authenticate(phone->token));
    EXPECT_FALSE(auth().sign_in("alice", pharmacist_alice().password));
    EXPECT_TRUE(auth().sign_in("alice", "a brand new secret"));
}

TEST_F(AuthServiceTest, PasswordChangeWithAWrongCurrentPasswordChangesNothing)
{
    model::Account alice = member(pharmacist_alice());
    auto refused = auth().change_password(alice, "not the password", "a brand new secret");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Unprocessable);
    EXPECT_EQ(refused.error().field, "current_password");
    EXPECT_TRUE(auth().sign_in("alice", pharmacist_alice().password));
}

TEST_F(AuthServiceTest, TooShortNewPasswordIsRefusedOnItsField)
{
    model::Account alice = member(pharmacist_alice());
    auto refused = auth().change_password(alice, pharmacist_alice().password, "short");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().field, "password");
    EXPECT_TRUE(auth().sign_in("alice", pharmacist_alice().password));
}

TEST_F(AuthServiceTest, StoredTokenHashIsTheSha256OfTheTokenNeverTheToken)
{
    member(pharmacist_alice());
    auto signed_in = auth().sign_in("alice", pharmacist_alice().password);
    ASSERT_TRUE(signed_in) << describe(signed_in);
    const std::string stored =
        testkit::query_text(fx().database_path(), "SELECT token_hash FROM sessions");
    EXPECT_NE(stored, signed_in->token);
    EXPECT_EQ(stored, crypto::sha256_hex(signed_in->token));
    EXPECT_EQ(testkit::query_int(fx().database_path(),
                                 "SELECT count(*) FROM sessions WHERE token_hash = '" +
                                     signed_in->token + "' OR csrf_token = '" + signed_in->token + "'"),
              0);
}

TEST_F(AuthServiceTest, StoredPasswordIsAnArgon2idHashNeverThePassword)
{
    member(pharmacist_alice());
    const std::string stored =
        testkit::query_text(fx().database_path(), "SELECT password_hash FROM accounts WHERE username = 'alice'");
    EXPECT_TRUE(stored.starts_with("$argon2id$")) << stored;
    EXPECT_EQ(stored.find(pharmacist_alice().password), std::string::npos);
}

} // namespace
} // namespace confrere::services
