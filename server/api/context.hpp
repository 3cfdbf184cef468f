// What the handlers share: configuration, the store and the services. Built once in main().
#pragma once

#include "core/base/id.hpp"
#include "core/base/time.hpp"
#include "core/services/auth_service.hpp"
#include "core/services/group_service.hpp"
#include "core/services/instance_settings.hpp"
#include "core/services/profile_service.hpp"
#include "core/services/social_service.hpp"
#include "core/services/moderation_service.hpp"
#include "core/services/oauth_service.hpp"
#include "core/services/peer_service.hpp"
#include "core/services/registration_service.hpp"
#include "core/services/report_service.hpp"
#include "federation/actor_resolver.hpp"
#include "federation/inbox.hpp"
#include "federation/outbox.hpp"
#include "server/api/public_cache.hpp"
#include "server/config/config.hpp"
#include "server/http/message.hpp"
#include "server/http/rate_limiter.hpp"
#include "storage/store.hpp"

#include <string>

namespace confrere::server::api {

// Federation and the social graph, built in serve() once the store and keys are ready.
struct Social {
    services::SocialService& social;
    federation::ActorResolver& resolver;
    federation::RequestVerifier& verifier;
    federation::InboxProcessor& inbox;
    federation::FederationOutbox& outbox;
    services::ProfileService& profiles;
};

struct Context {
    const Config& config;
    storage::Store& store;
    const Clock& clock;
    IdGenerator& ids;
    services::RegistrationService& registrations;
    services::ModerationService& moderation;
    services::AuthService& auth;
    http::RateLimiter& limiter;
    PublicCache& public_cache;
    std::string base_url;        // no trailing slash
    std::string host;            // authority of base_url: host[:port], for acct: handles
    std::string instance_public_key_pem;
    bool secure_cookies = false; // base_url is https
    Social* social = nullptr;    // set before the routes are registered
    services::OAuthService* oauth = nullptr;  // set before the routes are registered
    services::GroupService* groups = nullptr;  // set before the routes are registered
    services::PeerService* peers = nullptr;   // set before the routes are registered
    services::InstanceSettingsService* instance_settings = nullptr;  // set before the routes are registered
    services::ReportService* reports = nullptr; // set before the routes are registered
};

// The caller's identity, from `Authorization: Bearer` (a session or an OAuth access token) or
// the session cookie.
struct Caller {
    services::Authenticated auth;  // auth.session is empty (id 0) for an OAuth token
    bool via_cookie = false;
    std::optional<services::TokenHolder> oauth;  // set when an OAuth token authenticated the call
};

// The scope an endpoint requires of OAuth tokens (sessions hold every scope). The default,
// kScopeByMethod, asks "read" of GET/HEAD requests and "write" of the others.
inline constexpr std::string_view kScopeByMethod{};

// Unauthorized without valid credentials, or for an application token (no user);
// Forbidden ("This action is outside the authorized scopes") for an OAuth token without
// `scope`. State-changing requests (not GET/HEAD) made with the cookie must carry
// X-CSRF-Token matching the session's, else Forbidden.
Result<Caller> authenticate(Context& ctx, const http::Request& req, std::string_view scope = kScopeByMethod);

// authenticate() + services::require_member_reader.
Result<Caller> authenticate_member(Context& ctx, const http::Request& req,
                                   std::string_view scope = kScopeByMethod);

// The OAuth token of `Authorization: Bearer`, with or without a user (app tokens are
// accepted). Unauthorized if absent or invalid.
Result<services::TokenHolder> authenticate_oauth(Context& ctx, const http::Request& req);

// Counts the request against `rule` for the caller's address. Past the limit, returns the 429
// answer (with X-RateLimit-* and Retry-After, as Mastodon sends them) to send instead.
std::optional<http::Response> refuse_if_rate_limited(Context& ctx, const http::Request& req,
                                                     const http::RateRule& rule);

// The instance's name, description, contact, registrations and rules in force: the admin's
// settings over the configuration file's (the file's alone when no service is wired).
services::InstanceSettings instance_settings(const Context& ctx);

// A local account by username (case-insensitive), whatever its state.
Result<std::optional<model::Account>> find_account_by_username(Context& ctx, std::string_view username);

// The session token from the Cookie header, if any.
std::optional<std::string> session_cookie(const http::Request& req);

inline constexpr const char* kSessionCookie = "confrere_session";

// A Set-Cookie value that stores (or, with max_age 0, clears) one of our cookies: never
// readable by scripts (HttpOnly), sent on top-level navigations (SameSite=Lax), Secure when the
// base URL is https.
std::string cookie_header(const Context& ctx, std::string_view name, std::string_view value, std::int64_t max_age);
// cookie_header for the session cookie.
std::string session_cookie_header(const Context& ctx, std::string_view value, std::int64_t max_age);

} // namespace confrere::server::api
