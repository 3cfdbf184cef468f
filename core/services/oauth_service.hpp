// OAuth 2 as Mastodon serves it (RFC 6749, PKCE RFC 7636, revocation RFC 7009): client
// applications, authorization codes, access and refresh tokens, and the scopes they carry.
// Every OAuth rule lives here; handlers only parse and render.
#pragma once

#include "core/base/id.hpp"
#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/model/account.hpp"
#include "core/model/oauth.hpp"
#include "core/services/auth_service.hpp"
#include "storage/store.hpp"

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace confrere::services {

// Failures of the token and revocation endpoints carry their RFC 6749 §5.2 error code
// ("invalid_grant", "invalid_client"…) in Error::field; the kind gives the status (400, 401, 403).
inline constexpr std::string_view kOutOfBandUri = "urn:ietf:wg:oauth:2.0:oob";
inline constexpr std::chrono::minutes kAuthorizationCodeLifetime { 10 };
inline constexpr std::chrono::minutes kAuthorizationFormLifetime { 30 };

// Every scope Mastodon defines (read, write, follow, push, profile, their sub-scopes, admin:…).
const std::vector<std::string_view>& known_scopes();

// Splits a scope list (spaces or '+', as clients send them), checks each scope is known and
// returns them space-separated, duplicates removed, in the given order; "" gives `fallback`.
// InvalidInput (field "invalid_scope") for an unknown scope.
Result<std::string> normalize_scopes(std::string_view scopes, std::string_view fallback = "read");

// True when the space-separated `granted` scopes cover `required`: the same scope, a parent
// (read covers read:statuses, admin:read covers admin:read:accounts), or `follow`, which
// covers read:follows, write:follows, read:blocks, write:blocks, read:mutes and write:mutes.
bool scopes_allow(std::string_view granted, std::string_view required);

// Every scope of `requested` is covered by `granted`.
bool scopes_within(std::string_view requested, std::string_view granted);

// Forbidden with Mastodon's "This action is outside the authorized scopes" unless covered.
Status require_scope(std::string_view granted, std::string_view required);

// POST /api/v1/apps, as sent.
struct AppRegistration {
    std::string client_name;
    std::string redirect_uris; // one or several, separated by newlines or spaces
    std::string scopes; // "" means "read"
    std::string website;
};

struct RegisteredApp {
    model::OAuthApplication app;
    std::string client_secret; // shown once; only its hash is stored
};

// GET/POST /oauth/authorize parameters.
struct AuthorizationRequest {
    std::string response_type;
    std::string client_id;
    std::string redirect_uri; // may be empty when the application registered exactly one
    std::string scope;
    std::string state;
    std::string code_challenge;
    std::string code_challenge_method;
};

// A request whose client, redirect URI and scopes are valid.
struct CheckedAuthorization {
    model::OAuthApplication app;
    std::string redirect_uri; // one of the application's, never anything else
    std::string scopes; // normalised
    bool out_of_band = false; // the code is shown on a page, not sent by redirect
};

struct IssuedCode {
    std::string code;
    CheckedAuthorization authorization;
};

// POST /oauth/token parameters (RFC 6749 §4.1.3, §4.3.2, §4.4.2, §6).
struct TokenRequest {
    std::string grant_type;
    std::string client_id;
    std::string client_secret;
    std::string code;
    std::string redirect_uri;
    std::string code_verifier;
    std::string username;
    std::string password;
    std::string refresh_token;
    std::string scope;
};

struct IssuedToken {
    std::string access_token;
    std::string refresh_token; // empty for client_credentials
    std::string scopes;
    TimePoint created_at {};
};

// Who holds a bearer token: the application, and the member unless it is an app token.
struct TokenHolder {
    model::OAuthToken token;
    model::OAuthApplication app;
    std::optional<model::Account> account;
};

class OAuthService {
public:
    OAuthService(storage::Store& store, const Clock& clock, IdGenerator& ids, AuthService& auth)
        : store_(store)
        , clock_(clock)
        , ids_(ids)
        , auth_(auth)
    { }

    // Registers a client. Unprocessable (field client_name, redirect_uris, scopes or website)
    // for a missing name, a missing or malformed redirect URI, an unknown scope.
    Result<RegisteredApp> register_app(const AppRegistration& registration);

    // Checks an authorization request before any page is shown. NotFound for an unknown
    // client; InvalidInput for a redirect URI the client did not register, an unknown or
    // unregistered scope, a response_type other than "code", a PKCE method other than S256.
    Result<CheckedAuthorization> check_authorization(const AuthorizationRequest& request);

    // A one-time token for the sign-in form of `request` (CSRF): valid for that request only,
    // for kAuthorizationFormLifetime, once.
    std::string issue_form_token(const AuthorizationRequest& request);

    // The sign-in form was posted: consumes `form_token` (Forbidden if unknown, used, expired or
    // issued for another request), checks the credentials (AuthService's refusals) and that the
    // account is an active member (Forbidden "Your login is currently pending approval" for
    // pending accounts), then issues a code valid kAuthorizationCodeLifetime.
    Result<IssuedCode> authorize(const AuthorizationRequest& request, std::string_view form_token,
        std::string_view login, std::string_view password);

    // The member refused on the sign-in form: consumes `form_token` as authorize() does, and
    // returns the checked request, whose redirect URI receives error=access_denied.
    Result<CheckedAuthorization> deny(const AuthorizationRequest& request, std::string_view form_token);

    // The token endpoint: grant types authorization_code, password, client_credentials and
    // refresh_token. Errors carry their OAuth code in Error::field: invalid_client (401),
    // invalid_grant, invalid_request, invalid_scope, unsupported_grant_type (400).
    Result<IssuedToken> token(const TokenRequest& request);

    // RFC 7009: revokes an access or refresh token of this client. Unknown tokens succeed;
    // invalid_client (401) for bad client credentials, unauthorized_client (403) for a token of
    // another client.
    Status revoke(std::string_view client_id, std::string_view client_secret, std::string_view token);

    // Unauthorized unless `bearer` is an unrevoked token whose application (and account, if
    // any) still exist.
    Result<TokenHolder> authenticate(std::string_view bearer);

private:
    Status consume_form_token(const AuthorizationRequest& request, std::string_view form_token);
    struct FormToken {
        std::string request_digest;
        TimePoint expires_at {};
    };
    Result<model::OAuthApplication> authenticate_client(
        std::string_view client_id, std::string_view client_secret);
    Result<IssuedToken> issue_token(const model::OAuthApplication& app, std::optional<Id> account_id,
        std::string scopes, bool with_refresh, std::optional<Id> replaces = std::nullopt);
    Result<IssuedToken> exchange_code(const model::OAuthApplication& app, const TokenRequest& request);
    Result<IssuedToken> password_grant(const model::OAuthApplication& app, const TokenRequest& request);
    Result<IssuedToken> refresh_grant(const model::OAuthApplication& app, const TokenRequest& request);

    storage::Store& store_;
    const Clock& clock_;
    IdGenerator& ids_;
    AuthService& auth_;
    std::mutex forms_mutex_;
    std::unordered_map<std::string, FormToken> forms_; // by hash of the form token
};

} // namespace confrere::services
