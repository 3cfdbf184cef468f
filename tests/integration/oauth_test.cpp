// OAuth 2 against the real binary, as Mastodon clients use it: app registration, the password
// grant, the authorization-code flow through the HTML form with PKCE, refresh rotation,
// revocation, app tokens, scopes, and the refusals (pending account, bad secret, bad redirect).
#include "tests/integration/scenario.hpp"

#include <openssl/evp.h>
#include <sodium.h>

#include <array>
#include <regex>

namespace confrere::testkit {
namespace {

constexpr const char* kRedirect = "https://app.example/callback";
const std::string kVerifier = "a-code-verifier-of-at-least-forty-three-characters-0123456789";

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

// The value of a query parameter in a URL ("" when absent); test values need no decoding.
std::string url_param(const std::string& url, const std::string& name)
{
    std::smatch m;
    if (std::regex_search(url, m, std::regex("[?&]" + name + "=([^&]*)")))
        return m[1];
    return {};
}

std::string hidden_field(const std::string& html, const std::string& name)
{
    std::smatch m;
    if (std::regex_search(html, m, std::regex("name=\"" + name + "\" value=\"([^\"]*)\"")))
        return m[1];
    return {};
}

struct App {
    std::string client_id;
    std::string client_secret;
};

class OAuth : public IntegrationTest {
protected:
    App register_app(const std::string& scopes = "read write follow push")
    {
        auto response = instance_.client().post_form("/api/v1/apps",
            { { "client_name", "Tusky" },
                { "redirect_uris", std::string(kRedirect) + "\nurn:ietf:wg:oauth:2.0:oob" },
                { "scopes", scopes }, { "website", "https://tusky.example" } });
        EXPECT_EQ(response.status, 200) << response;
        auto doc = response.json();
        return App { json_string(doc, "/client_id"), json_string(doc, "/client_secret") };
    }

    HttpResponse password_grant(const App& app, const std::string& username,
        const std::string& scope = "read write", const std::string& password = fixture_password)
    {
        return instance_.client().post_form("/oauth/token",
            { { "grant_type", "password" }, { "client_id", app.client_id },
                { "client_secret", app.client_secret }, { "username", username }, { "password", password },
                { "scope", scope } });
    }

    std::string token_for(
        const App& app, const std::string& username, const std::string& scope = "read write")
    {
        auto response = password_grant(app, username, scope);
        EXPECT_EQ(response.status, 200) << response;
        auto doc = response.json();
        return json_string(doc, "/access_token");
    }

    static httplib::Headers bearer(const std::string& token)
    {
        return { { "Authorization", "Bearer " + token } };
    }

    std::string authorize_path(const App& app, const std::string& redirect = kRedirect)
    {
        return "/oauth/authorize?response_type=code&client_id=" + percent_encode(app.client_id)
            + "&redirect_uri=" + percent_encode(redirect) + "&scope=read+write&state=etat-42"
            + "&code_challenge=" + s256(kVerifier) + "&code_challenge_method=S256";
    }

    // GETs the authorization page and posts its form with `login` and the button `decision`
    // (authorize or deny); returns the POST's answer.
    HttpResponse submit_form(const App& app, const std::string& login, const std::string& decision = "authorize")
    {
        auto browser = instance_.client();
        auto page = browser.get(authorize_path(app));
        EXPECT_EQ(page.status, 200) << page;
        FormFields fields;
        for (const char* name : { "authenticity_token", "response_type", "client_id", "redirect_uri", "scope",
                 "state", "code_challenge", "code_challenge_method", "lang" })
            fields.emplace_back(name, hidden_field(page.body, name));
        if (decision == "authorize") {
            fields.emplace_back("login", login);
            fields.emplace_back("password", fixture_password);
        }
        fields.emplace_back("decision", decision);
        last_form_ = fields;
        return browser.post_form("/oauth/authorize", fields);
    }

    static std::string basic(const std::string& id, const std::string& secret)
    {
        std::string credentials = percent_encode(id) + ":" + percent_encode(secret);
        std::vector<char> out(sodium_base64_ENCODED_LEN(credentials.size(), sodium_base64_VARIANT_ORIGINAL));
        sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(credentials.data()),
            credentials.size(), sodium_base64_VARIANT_ORIGINAL);
        return "Basic " + std::string(out.data());
    }

    FormFields last_form_;
};

TEST_F(OAuth, AppRegistrationReturnsMastodonsApplication)
{
    auto response = instance_.client().post_json("/api/v1/apps",
        R"({"client_name":"Elk","redirect_uris":"urn:ietf:wg:oauth:2.0:oob","scopes":"read write"})");
    ASSERT_EQ(response.status, 200) << response;
    auto doc = response.json();
    EXPECT_FALSE(json_string(doc, "/id").empty()) << response;
    EXPECT_EQ(json_string(doc, "/name"), "Elk");
    EXPECT_EQ(json_string(doc, "/redirect_uri"), "urn:ietf:wg:oauth:2.0:oob");
    EXPECT_EQ(json_string(doc, "/redirect_uris/0"), "urn:ietf:wg:oauth:2.0:oob");
    EXPECT_EQ(json_string(doc, "/scopes/1"), "write");
    EXPECT_FALSE(json_string(doc, "/client_id").empty());
    EXPECT_FALSE(json_string(doc, "/client_secret").empty());
    ASSERT_NE(json_at(doc, "/client_secret_expires_at"), nullptr);
    EXPECT_EQ(json_at(doc, "/client_secret_expires_at")->GetInt(), 0);
    EXPECT_EQ(json_string(doc, "/vapid_key"), "");
}

TEST_F(OAuth, AppWithoutRedirectUriIsRefused)
{
    auto response = instance_.client().post_form("/api/v1/apps", { { "client_name", "Sans redirection" } });
    EXPECT_TRUE(is_json_error(response, 422));
}

TEST_F(OAuth, PasswordGrantGivesABearerTokenThatReadsVerifyCredentials)
{
    create_account("membre", "member", true);
    App app = register_app();
    auto response = password_grant(app, "membre");
    ASSERT_EQ(response.status, 200) << response;
    auto doc = response.json();
    EXPECT_EQ(json_string(doc, "/token_type"), "Bearer");
    EXPECT_EQ(json_string(doc, "/scope"), "read write");
    ASSERT_NE(json_at(doc, "/created_at"), nullptr);
    EXPECT_TRUE(json_at(doc, "/created_at")->IsInt64());
    auto me = instance_.client().get(
        "/api/v1/accounts/verify_credentials", bearer(json_string(doc, "/access_token")));
    ASSERT_EQ(me.status, 200) << me;
    auto account = me.json();
    EXPECT_EQ(json_string(account, "/username"), "membre");
}

TEST_F(OAuth, AuthorizationCodeFlowThroughTheFormWithPkce)
{
    create_account("membre", "member", true);
    App app = register_app();
    auto redirect = submit_form(app, "membre");
    ASSERT_EQ(redirect.status, 302) << redirect;
    std::string location = redirect.header("Location");
    ASSERT_EQ(location.rfind(std::string(kRedirect) + "?code=", 0), 0u) << location;
    EXPECT_EQ(url_param(location, "state"), "etat-42");
    std::string code = url_param(location, "code");

    FormFields exchange { { "grant_type", "authorization_code" }, { "client_id", app.client_id },
        { "client_secret", app.client_secret }, { "code", code }, { "redirect_uri", kRedirect },
        { "code_verifier", kVerifier } };
    auto token = instance_.client().post_form("/oauth/token", exchange);
    ASSERT_EQ(token.status, 200) << token;
    auto doc = token.json();
    EXPECT_FALSE(json_string(doc, "/refresh_token").empty());
    auto home = instance_.client().get("/api/v1/timelines/home", bearer(json_string(doc, "/access_token")));
    EXPECT_EQ(home.status, 200) << home;

    auto again = instance_.client().post_form("/oauth/token", exchange);
    EXPECT_TRUE(is_json_error(again, 400));
    auto error = again.json();
    EXPECT_EQ(json_string(error, "/error"), "invalid_grant");
    EXPECT_FALSE(json_string(error, "/error_description").empty());
}

TEST_F(OAuth, AuthorizationPageIsFrenchFirstAndEnglishOnRequest)
{
    App app = register_app();
    auto french = instance_.client().get(authorize_path(app));
    ASSERT_EQ(french.status, 200) << french;
    EXPECT_NE(french.header("Content-Type").find("text/html"), std::string::npos);
    EXPECT_NE(french.body.find("Mot de passe"), std::string::npos);
    EXPECT_NE(french.body.find("Tusky"), std::string::npos);
    auto english
        = instance_.client().get(authorize_path(app), { { "Accept-Language", "en-GB,en;q=0.9,fr;q=0.5" } });
    EXPECT_NE(english.body.find("Password"), std::string::npos);
    EXPECT_EQ(english.header("X-Frame-Options"), "DENY");
}

TEST_F(OAuth, FormPostedWithoutItsOneTimeTokenIsRefused)
{
    create_account("membre", "member", true);
    App app = register_app();
    auto response = instance_.client().post_form("/oauth/authorize",
        { { "response_type", "code" }, { "client_id", app.client_id }, { "redirect_uri", kRedirect },
            { "scope", "read write" }, { "login", "membre" }, { "password", fixture_password } });
    EXPECT_EQ(response.status, 403) << response;
    EXPECT_TRUE(response.header("Location").empty());
}

TEST_F(OAuth, OutOfBandRedirectShowsTheCodeOnAPage)
{
    create_account("membre", "member", true);
    App app = register_app();
    auto browser = instance_.client();
    auto page = browser.get("/oauth/authorize?response_type=code&client_id=" + percent_encode(app.client_id)
        + "&redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob&scope=read&lang=en");
    ASSERT_EQ(page.status, 200) << page;
    FormFields fields;
    for (const char* name : { "authenticity_token", "response_type", "client_id", "redirect_uri", "scope",
             "state", "code_challenge", "code_challenge_method", "lang" })
        fields.emplace_back(name, hidden_field(page.body, name));
    fields.emplace_back("login", "membre");
    fields.emplace_back("password", fixture_password);
    auto shown = browser.post_form("/oauth/authorize", fields);
    ASSERT_EQ(shown.status, 200) << shown;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(shown.body, m, std::regex("<code id=\"code\">([^<]+)</code>"))) << shown;
    auto token = instance_.client().post_form("/oauth/token",
        { { "grant_type", "authorization_code" }, { "client_id", app.client_id },
            { "client_secret", app.client_secret }, { "code", m[1] },
            { "redirect_uri", "urn:ietf:wg:oauth:2.0:oob" } });
    EXPECT_EQ(token.status, 200) << token;
}

TEST_F(OAuth, RefreshRotatesTheTokens)
{
    create_account("membre", "member", true);
    App app = register_app();
    auto first = password_grant(app, "membre").json();
    auto refreshed = instance_.client().post_json("/oauth/token",
        R"({"grant_type":"refresh_token","client_id":")" + app.client_id + R"(","client_secret":")"
            + app.client_secret + R"(","refresh_token":")" + json_string(first, "/refresh_token") + "\"}");
    ASSERT_EQ(refreshed.status, 200) << refreshed;
    auto second = refreshed.json();
    EXPECT_NE(json_string(second, "/access_token"), json_string(first, "/access_token"));
    EXPECT_TRUE(is_json_error(instance_.client().get("/api/v1/accounts/verify_credentials",
                                  bearer(json_string(first, "/access_token"))),
        401));
    EXPECT_EQ(instance_.client()
                  .get("/api/v1/accounts/verify_credentials", bearer(json_string(second, "/access_token")))
                  .status,
        200);
}

TEST_F(OAuth, RevokedTokenIsUnauthorized)
{
    create_account("membre", "member", true);
    App app = register_app();
    std::string token = token_for(app, "membre");
    auto revoked = instance_.client().post_form("/oauth/revoke",
        { { "client_id", app.client_id }, { "client_secret", app.client_secret }, { "token", token } });
    ASSERT_EQ(revoked.status, 200) << revoked;
    EXPECT_EQ(revoked.body, "{}");
    EXPECT_TRUE(
        is_json_error(instance_.client().get("/api/v1/accounts/verify_credentials", bearer(token)), 401));
    auto unknown = instance_.client().post_form("/oauth/revoke",
        { { "client_id", app.client_id }, { "client_secret", app.client_secret }, { "token", "inconnu" } });
    EXPECT_EQ(unknown.status, 200) << unknown;
}

TEST_F(OAuth, ClientCredentialsTokenVerifiesTheAppButReadsNoMemberContent)
{
    App app = register_app();
    auto response = instance_.client().post_form("/oauth/token",
        { { "grant_type", "client_credentials" }, { "client_id", app.client_id },
            { "client_secret", app.client_secret }, { "scope", "read" } });
    ASSERT_EQ(response.status, 200) << response;
    auto doc = response.json();
    std::string token = json_string(doc, "/access_token");
    auto verified = instance_.client().get("/api/v1/apps/verify_credentials", bearer(token));
    ASSERT_EQ(verified.status, 200) << verified;
    auto app_doc = verified.json();
    EXPECT_EQ(json_string(app_doc, "/name"), "Tusky");
    EXPECT_EQ(json_at(app_doc, "/client_secret"), nullptr);
    auto home = instance_.client().get("/api/v1/timelines/home", bearer(token));
    EXPECT_TRUE(is_json_error(home, 401));
    EXPECT_TRUE(is_json_error(instance_.client().get("/api/v1/directory", bearer(token)), 401));
}

TEST_F(OAuth, TokenWithoutTheScopeIsForbiddenWithMastodonsWording)
{
    create_account("membre", "member", true);
    App app = register_app();
    std::string token = token_for(app, "membre", "read");
    auto posted
        = instance_.client().post_form("/api/v1/statuses", { { "status", "Bonjour" } }, bearer(token));
    ASSERT_TRUE(is_json_error(posted, 403));
    auto doc = posted.json();
    EXPECT_EQ(json_string(doc, "/error"), "This action is outside the authorized scopes");
    EXPECT_EQ(instance_.client().get("/api/v1/timelines/home", bearer(token)).status, 200);
}

TEST_F(OAuth, PendingAccountGetsNoTokenAndNoCode)
{
    create_account("candidat", "member", false);
    App app = register_app();
    auto response = password_grant(app, "candidat");
    ASSERT_TRUE(is_json_error(response, 400));
    auto doc = response.json();
    EXPECT_EQ(json_string(doc, "/error"), "invalid_grant");
    EXPECT_EQ(json_string(doc, "/error_description"), "Your login is currently pending approval");

    auto page = submit_form(app, "candidat");
    EXPECT_EQ(page.status, 403) << page;
    EXPECT_TRUE(page.header("Location").empty());
    EXPECT_NE(page.body.find("Your login is currently pending approval"), std::string::npos) << page;
}

TEST_F(OAuth, BadClientSecretIsInvalidClient)
{
    create_account("membre", "member", true);
    App app = register_app();
    app.client_secret = "pas-le-bon-secret";
    auto response = password_grant(app, "membre");
    ASSERT_TRUE(is_json_error(response, 401));
    auto doc = response.json();
    EXPECT_EQ(json_string(doc, "/error"), "invalid_client");
}

TEST_F(OAuth, UnregisteredRedirectUriShowsAnErrorPageAndNeverRedirects)
{
    App app = register_app();
    auto response = instance_.client().get(authorize_path(app, "https://evil.example/steal"));
    EXPECT_EQ(response.status, 400) << response;
    EXPECT_TRUE(response.header("Location").empty());
    EXPECT_NE(response.header("Content-Type").find("text/html"), std::string::npos);
    EXPECT_EQ(response.body.find("name=\"password\""), std::string::npos);
    auto unknown = instance_.client().get(
        "/oauth/authorize?response_type=code&client_id=inconnu&redirect_uri=" + percent_encode(kRedirect));
    EXPECT_EQ(unknown.status, 404) << unknown;
    EXPECT_TRUE(unknown.header("Location").empty());
}

TEST_F(OAuth, SessionBearerTokensKeepEveryScope)
{
    auto membre = member();
    auto posted = instance_.client().post_form(
        "/api/v1/statuses", { { "status", "Bonjour" } }, bearer(membre.session_token()));
    EXPECT_EQ(posted.status, 200) << posted;
}

TEST_F(OAuth, DenyingSendsAccessDeniedBackAndIssuesNoCode)
{
    create_account("membre", "member", true);
    App app = register_app();
    auto denied = submit_form(app, "", "deny");
    ASSERT_EQ(denied.status, 302) << denied;
    std::string location = denied.header("Location");
    ASSERT_EQ(location.rfind(std::string(kRedirect) + "?error=access_denied", 0), 0u) << location;
    EXPECT_EQ(url_param(location, "state"), "etat-42");
    EXPECT_EQ(location.find("code="), std::string::npos) << location;
    // The form was used up by the refusal: it cannot authorize afterwards.
    FormFields replay = last_form_;
    replay.back() = { "decision", "authorize" };
    replay.emplace_back("login", "membre");
    replay.emplace_back("password", fixture_password);
    auto again = instance_.client().post_form("/oauth/authorize", replay);
    EXPECT_EQ(again.status, 403) << again;
    EXPECT_TRUE(again.header("Location").empty());
}

TEST_F(OAuth, ClientsMayAuthenticateWithHttpBasic)
{
    create_account("membre", "member", true);
    App app = register_app();
    FormFields grant { { "grant_type", "password" }, { "username", "membre" }, { "password", fixture_password },
        { "scope", "read" } };
    auto token = instance_.client().post_form("/oauth/token", grant,
        { { "Authorization", basic(app.client_id, app.client_secret) } });
    ASSERT_EQ(token.status, 200) << token;
    auto doc = token.json();
    std::string access = json_string(doc, "/access_token");
    EXPECT_EQ(instance_.client().get("/api/v1/accounts/verify_credentials", bearer(access)).status, 200);

    auto wrong = instance_.client().post_form("/oauth/token", grant,
        { { "Authorization", basic(app.client_id, "pas-le-bon-secret") } });
    ASSERT_TRUE(is_json_error(wrong, 401)) << wrong;
    EXPECT_EQ(json_string(wrong.json(), "/error"), "invalid_client");

    FormFields both = grant;
    both.emplace_back("client_id", app.client_id);
    auto twice = instance_.client().post_form("/oauth/token", both,
        { { "Authorization", basic(app.client_id, app.client_secret) } });
    ASSERT_TRUE(is_json_error(twice, 400)) << twice;
    EXPECT_EQ(json_string(twice.json(), "/error"), "invalid_request");

    // Revocation takes the same client authentication.
    auto revoked = instance_.client().post_form("/oauth/revoke", { { "token", access } },
        { { "Authorization", basic(app.client_id, app.client_secret) } });
    ASSERT_EQ(revoked.status, 200) << revoked;
    EXPECT_EQ(instance_.client().get("/api/v1/accounts/verify_credentials", bearer(access)).status, 401);
}

} // namespace
} // namespace confrere::testkit
