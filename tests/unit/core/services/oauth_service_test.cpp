// OAuth 2: client registration, codes with PKCE, the four grants, rotation, revocation, scopes.
#include "core/services/oauth_service.hpp"
#include "tests/support/fixtures.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <array>
#include <chrono>
#include <string>

namespace confrere::services {
namespace {

using testkit::describe;
using testkit::nurse_bob;
using testkit::pharmacist_alice;

constexpr const char* kRedirect = "https://app.example/callback";
const std::string kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-and-some-more";

std::string s256(std::string_view verifier)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest {};
    unsigned int length = 0;
    EVP_Digest(verifier.data(), verifier.size(), digest.data(), &length, EVP_sha256(), nullptr);
    std::array<char, 64> out {};
    sodium_bin2base64(
        out.data(), out.size(), digest.data(), length, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out.data();
}

class OAuthServiceTest : public testkit::ServicesTest {
protected:
    void SetUp() override
    {
        ServicesTest::SetUp();
        oauth_ = std::make_unique<OAuthService>(fx().store(), fx().clock(), fx().ids(), fx().auth());
    }
    OAuthService& oauth() { return *oauth_; }

    RegisteredApp app(std::string scopes = "read write follow push")
    {
        auto registered
            = oauth().register_app({ "Tusky", std::string(kRedirect) + "\nurn:ietf:wg:oauth:2.0:oob",
                std::move(scopes), "https://tusky.example" });
        EXPECT_TRUE(registered) << describe(registered);
        return registered ? *registered : RegisteredApp {};
    }

    model::Account alice()
    {
        auto account = fx().add_member(pharmacist_alice());
        EXPECT_TRUE(account) << describe(account);
        return account ? *account : model::Account {};
    }

    AuthorizationRequest authorization(const RegisteredApp& a, std::string challenge = {})
    {
        return AuthorizationRequest { "code", a.app.client_id, kRedirect, "read write", "xyz", challenge,
            challenge.empty() ? "" : "S256" };
    }

    Result<IssuedCode> code_for(const RegisteredApp&, const AuthorizationRequest& request)
    {
        return oauth().authorize(
            request, oauth().issue_form_token(request), "alice", pharmacist_alice().password);
    }

    TokenRequest exchange(const RegisteredApp& a, std::string code)
    {
        TokenRequest t;
        t.grant_type = "authorization_code";
        t.client_id = a.app.client_id;
        t.client_secret = a.client_secret;
        t.code = std::move(code);
        t.redirect_uri = kRedirect;
        return t;
    }

    TokenRequest password(
        const RegisteredApp& a, std::string login = "alice", std::string secret = pharmacist_alice().password)
    {
        TokenRequest t;
        t.grant_type = "password";
        t.client_id = a.app.client_id;
        t.client_secret = a.client_secret;
        t.username = std::move(login);
        t.password = std::move(secret);
        t.scope = "read write";
        return t;
    }

private:
    std::unique_ptr<OAuthService> oauth_;
};

TEST(OAuthScopes, ParentScopesCoverTheirSubScopes)
{
    EXPECT_TRUE(scopes_allow("read", "read:statuses"));
    EXPECT_TRUE(scopes_allow("read write", "write:follows"));
    EXPECT_TRUE(scopes_allow("admin:read", "admin:read:accounts"));
    EXPECT_FALSE(scopes_allow("read:statuses", "read"));
    EXPECT_FALSE(scopes_allow("read", "write:statuses"));
    EXPECT_FALSE(scopes_allow("read", "admin:read:accounts"));
    EXPECT_FALSE(scopes_allow("read:accounts", "read:accountsx"));
}

TEST(OAuthScopes, FollowCoversFollowsBlocksAndMutesOnly)
{
    EXPECT_TRUE(scopes_allow("follow", "write:follows"));
    EXPECT_TRUE(scopes_allow("follow", "read:blocks"));
    EXPECT_TRUE(scopes_allow("follow", "write:mutes"));
    EXPECT_FALSE(scopes_allow("follow", "write:statuses"));
    EXPECT_FALSE(scopes_allow("follow", "read"));
}

TEST(OAuthScopes, UnknownScopeIsInvalidAndDuplicatesCollapse)
{
    auto bad = normalize_scopes("read lire");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().field, "invalid_scope");
    auto ok = normalize_scopes("read+write  read");
    ASSERT_TRUE(ok) << describe(ok);
    EXPECT_EQ(*ok, "read write");
    EXPECT_EQ(normalize_scopes("").value_or("?"), "read");
}

TEST(OAuthScopes, MissingScopeGivesMastodonsWording)
{
    auto refused = require_scope("read", "write:statuses");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Forbidden);
    EXPECT_EQ(refused.error().public_message, "This action is outside the authorized scopes");
}

TEST_F(OAuthServiceTest, RegistrationStoresOnlyTheHashOfTheSecret)
{
    RegisteredApp a = app();
    EXPECT_FALSE(a.app.client_id.empty());
    EXPECT_FALSE(a.client_secret.empty());
    EXPECT_EQ(a.app.scopes, "read write follow push");
    EXPECT_EQ(a.app.redirect_uris, std::string(kRedirect) + "\nurn:ietf:wg:oauth:2.0:oob");
    EXPECT_EQ(
        testkit::query_int(fx().database_path(),
            "SELECT count(*) FROM oauth_applications WHERE client_secret_hash = '" + a.client_secret + "'"),
        0);
}

TEST_F(OAuthServiceTest, RegistrationRefusesAMissingOrScriptRedirectUri)
{
    auto none = oauth().register_app({ "App", "", "read", "" });
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().field, "redirect_uris");
    auto script = oauth().register_app({ "App", "javascript:alert(1)", "read", "" });
    ASSERT_FALSE(script);
    EXPECT_EQ(script.error().kind, ErrorKind::Unprocessable);
    auto scope = oauth().register_app({ "App", kRedirect, "read everything", "" });
    ASSERT_FALSE(scope);
    EXPECT_EQ(scope.error().field, "scopes");
}

TEST_F(OAuthServiceTest, UnregisteredRedirectUriIsRefusedBeforeAnyPage)
{
    RegisteredApp a = app();
    auto request = authorization(a);
    request.redirect_uri = "https://evil.example/steal";
    auto refused = oauth().check_authorization(request);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::InvalidInput);
}

TEST_F(OAuthServiceTest, ScopeBeyondTheApplicationsIsRefused)
{
    RegisteredApp a = app("read");
    auto request = authorization(a);
    request.scope = "read write";
    auto refused = oauth().check_authorization(request);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().field, "invalid_scope");
}

TEST_F(OAuthServiceTest, CodeWithPkceIsExchangedOnceForATokenThatAuthenticates)
{
    model::Account account = alice();
    RegisteredApp a = app();
    auto code = code_for(a, authorization(a, s256(kVerifier)));
    ASSERT_TRUE(code) << describe(code);
    auto request = exchange(a, code->code);
    request.code_verifier = kVerifier;
    auto token = oauth().token(request);
    ASSERT_TRUE(token) << describe(token);
    EXPECT_EQ(token->scopes, "read write");
    EXPECT_FALSE(token->refresh_token.empty());
    auto holder = oauth().authenticate(token->access_token);
    ASSERT_TRUE(holder) << describe(holder);
    ASSERT_TRUE(holder->account);
    EXPECT_EQ(holder->account->id, account.id);

    auto again = oauth().token(request);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().field, "invalid_grant");
}

TEST_F(OAuthServiceTest, WrongPkceVerifierIsRefusedAndBurnsTheCode)
{
    alice();
    RegisteredApp a = app();
    auto code = code_for(a, authorization(a, s256(kVerifier)));
    ASSERT_TRUE(code) << describe(code);
    auto request = exchange(a, code->code);
    request.code_verifier = kVerifier + "x";
    auto refused = oauth().token(request);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().field, "invalid_grant");
    request.code_verifier = kVerifier;
    EXPECT_FALSE(oauth().token(request));
}

TEST_F(OAuthServiceTest, CodeExpiresAfterTenMinutes)
{
    alice();
    RegisteredApp a = app();
    auto code = code_for(a, authorization(a));
    ASSERT_TRUE(code) << describe(code);
    fx().clock().advance(std::chrono::minutes(10));
    auto refused = oauth().token(exchange(a, code->code));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().field, "invalid_grant");
}

TEST_F(OAuthServiceTest, CodeExchangeNeedsTheSameRedirectUri)
{
    alice();
    RegisteredApp a = app();
    auto code = code_for(a, authorization(a));
    ASSERT_TRUE(code) << describe(code);
    auto request = exchange(a, code->code);
    request.redirect_uri = "urn:ietf:wg:oauth:2.0:oob";
    EXPECT_FALSE(oauth().token(request));
}

TEST_F(OAuthServiceTest, FormTokenIsSingleUseAndBoundToItsRequest)
{
    alice();
    RegisteredApp a = app();
    auto request = authorization(a);
    std::string form = oauth().issue_form_token(request);
    auto other = request;
    other.scope = "read";
    auto forged = oauth().authorize(other, form, "alice", pharmacist_alice().password);
    ASSERT_FALSE(forged);
    EXPECT_EQ(forged.error().kind, ErrorKind::Forbidden);
    auto replay = oauth().authorize(request, form, "alice", pharmacist_alice().password);
    EXPECT_FALSE(replay);
}

TEST_F(OAuthServiceTest, PendingAccountGetsNoCodeAndNoToken)
{
    ASSERT_TRUE(fx().register_applicant(nurse_bob()));
    RegisteredApp a = app();
    auto request = authorization(a);
    auto code = oauth().authorize(request, oauth().issue_form_token(request), "bob", nurse_bob().password);
    ASSERT_FALSE(code);
    EXPECT_EQ(code.error().public_message, "Your login is currently pending approval");
    auto token = oauth().token(password(a, "bob", nurse_bob().password));
    ASSERT_FALSE(token);
    EXPECT_EQ(token.error().field, "invalid_grant");
    EXPECT_EQ(token.error().public_message, "Your login is currently pending approval");
}

TEST_F(OAuthServiceTest, PasswordGrantWithAWrongSecretIsInvalidClient)
{
    alice();
    RegisteredApp a = app();
    auto request = password(a);
    request.client_secret = "not-the-secret";
    auto refused = oauth().token(request);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Unauthorized);
    EXPECT_EQ(refused.error().field, "invalid_client");
}

TEST_F(OAuthServiceTest, PasswordGrantWithAWrongPasswordIsInvalidGrant)
{
    alice();
    RegisteredApp a = app();
    auto refused = oauth().token(password(a, "alice", "wrong password"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().field, "invalid_grant");
}

TEST_F(OAuthServiceTest, RefreshRotatesAndTheOldTokensStopWorking)
{
    alice();
    RegisteredApp a = app();
    auto first = oauth().token(password(a));
    ASSERT_TRUE(first) << describe(first);
    TokenRequest refresh;
    refresh.grant_type = "refresh_token";
    refresh.client_id = a.app.client_id;
    refresh.client_secret = a.client_secret;
    refresh.refresh_token = first->refresh_token;
    auto second = oauth().token(refresh);
    ASSERT_TRUE(second) << describe(second);
    EXPECT_NE(second->access_token, first->access_token);
    EXPECT_NE(second->refresh_token, first->refresh_token);
    EXPECT_EQ(second->scopes, first->scopes);
    EXPECT_FALSE(oauth().authenticate(first->access_token));
    EXPECT_TRUE(oauth().authenticate(second->access_token));
    auto replay = oauth().token(refresh);
    ASSERT_FALSE(replay);
    EXPECT_EQ(replay.error().field, "invalid_grant");
}

TEST_F(OAuthServiceTest, ClientCredentialsTokenHasNoAccount)
{
    RegisteredApp a = app();
    TokenRequest request;
    request.grant_type = "client_credentials";
    request.client_id = a.app.client_id;
    request.client_secret = a.client_secret;
    auto token = oauth().token(request);
    ASSERT_TRUE(token) << describe(token);
    EXPECT_TRUE(token->refresh_token.empty());
    auto holder = oauth().authenticate(token->access_token);
    ASSERT_TRUE(holder) << describe(holder);
    EXPECT_FALSE(holder->account);
    EXPECT_EQ(holder->app.id, a.app.id);
}

TEST_F(OAuthServiceTest, RevokedTokenNoLongerAuthenticatesAndUnknownTokensRevokeQuietly)
{
    alice();
    RegisteredApp a = app();
    auto token = oauth().token(password(a));
    ASSERT_TRUE(token) << describe(token);
    EXPECT_TRUE(oauth().revoke(a.app.client_id, a.client_secret, "unknown-token"));
    auto revoked = oauth().revoke(a.app.client_id, a.client_secret, token->access_token);
    ASSERT_TRUE(revoked) << describe(revoked);
    EXPECT_FALSE(oauth().authenticate(token->access_token));
}

TEST_F(OAuthServiceTest, AnotherClientCannotRevokeAToken)
{
    alice();
    RegisteredApp a = app();
    RegisteredApp b = app();
    auto token = oauth().token(password(a));
    ASSERT_TRUE(token) << describe(token);
    auto refused = oauth().revoke(b.app.client_id, b.client_secret, token->access_token);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().field, "unauthorized_client");
    EXPECT_TRUE(oauth().authenticate(token->access_token));
}

TEST_F(OAuthServiceTest, UnsupportedGrantTypeIsNamed)
{
    RegisteredApp a = app();
    TokenRequest request;
    request.grant_type = "implicit";
    request.client_id = a.app.client_id;
    request.client_secret = a.client_secret;
    auto refused = oauth().token(request);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().field, "unsupported_grant_type");
}

} // namespace
} // namespace confrere::services
