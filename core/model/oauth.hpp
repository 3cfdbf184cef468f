// OAuth 2 as Mastodon serves it: registered client applications, authorization codes and
// access tokens. Secrets are never stored: only their SHA-256 (hex), like session tokens.
#pragma once

#include "core/base/id.hpp"
#include "core/base/time.hpp"

#include <optional>
#include <string>

namespace confrere::model {

// A client registered through POST /api/v1/apps.
struct OAuthApplication {
    Id id = 0;
    std::string name;
    std::string website;
    std::string redirect_uris; // one per line, as registered
    std::string scopes; // space-separated, canonical order
    std::string client_id; // public
    std::string client_secret_hash;
    TimePoint created_at {};
};

// A code issued by /oauth/authorize, exchanged once at /oauth/token within its lifetime.
struct AuthorizationCode {
    std::string code_hash;
    Id application_id = 0;
    Id account_id = 0;
    std::string redirect_uri;
    std::string scopes;
    std::string code_challenge; // PKCE S256 challenge (RFC 7636), empty when none was given
    TimePoint created_at {};
    TimePoint expires_at {};
};

// An access token, for a member (account_id) or for the application alone
// (client_credentials: no account).
struct OAuthToken {
    Id id = 0;
    Id application_id = 0;
    std::optional<Id> account_id;
    std::string token_hash;
    std::string refresh_token_hash; // empty when no refresh token was issued
    std::string scopes;
    TimePoint created_at {};
    std::optional<TimePoint> revoked_at;
};

} // namespace confrere::model
