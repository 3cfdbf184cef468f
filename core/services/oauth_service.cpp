#include "core/services/oauth_service.hpp"

#include "core/services/access_policy.hpp"

#include "core/base/log.hpp"
#include "core/base/text.hpp"
#include "core/crypto/secrets.hpp"

#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace confrere::services {

namespace {

constexpr std::size_t kMaxForms = 10000;

Error oauth_error(ErrorKind kind, std::string_view code, std::string message)
{
    return Error { kind, std::move(message), {}, std::string(code) };
}

std::unexpected<Error> invalid_grant(std::string message
    = "The provided authorization grant is invalid, expired, revoked, does not "
      "match the redirection URI used in the authorization request, or was "
      "issued to another client.")
{
    return std::unexpected(oauth_error(ErrorKind::InvalidInput, "invalid_grant", std::move(message)));
}

std::unexpected<Error> invalid_request(std::string message)
{
    return std::unexpected(oauth_error(ErrorKind::InvalidInput, "invalid_request", std::move(message)));
}

// The redirect URIs of a registration, separated by newlines or spaces.
std::vector<std::string> split_uris(std::string_view text)
{
    std::vector<std::string> out;
    std::size_t i = 0;
    auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
    while (i < text.size()) {
        while (i < text.size() && space(text[i]))
            ++i;
        std::size_t start = i;
        while (i < text.size() && !space(text[i]))
            ++i;
        if (i > start)
            out.emplace_back(text.substr(start, i - start));
    }
    return out;
}

// An absolute URI without fragment (RFC 6749 §3.1.2), any scheme but those that run code in a
// browser, or the out-of-band URN.
bool acceptable_redirect_uri(std::string_view uri)
{
    if (uri == kOutOfBandUri)
        return true;
    if (uri.size() > 2000 || uri.find('#') != std::string_view::npos)
        return false;
    auto colon = uri.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == uri.size())
        return false;
    std::string scheme;
    for (std::size_t i = 0; i < colon; ++i) {
        char c = uri[i];
        bool ok = std::isalpha(static_cast<unsigned char>(c))
            || (i > 0 && (std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.'));
        if (!ok)
            return false;
        scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return scheme != "javascript" && scheme != "data" && scheme != "vbscript" && scheme != "file";
}

// RFC 7636 §4.6: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) == code_challenge.
bool pkce_matches(std::string_view verifier, std::string_view challenge)
{
    if (verifier.size() < 43 || verifier.size() > 128)
        return false;
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest {};
    unsigned int length = 0;
    if (EVP_Digest(verifier.data(), verifier.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
        return false;
    std::array<char, 64> encoded {};
    sodium_bin2base64(
        encoded.data(), encoded.size(), digest.data(), length, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return crypto::constant_time_equal(std::string_view(encoded.data()), challenge);
}

// What a form token is bound to: the whole authorization request.
std::string request_digest(const AuthorizationRequest& r)
{
    std::string joined;
    for (const std::string* part : { &r.response_type, &r.client_id, &r.redirect_uri, &r.scope, &r.state,
             &r.code_challenge, &r.code_challenge_method }) {
        joined += std::to_string(part->size());
        joined += ':';
        joined += *part;
    }
    return crypto::sha256_hex(joined);
}

} // namespace

Result<RegisteredApp> OAuthService::register_app(const AppRegistration& registration)
{
    std::string_view name = text::trim(registration.client_name);
    if (name.empty())
        return fail(ErrorKind::Unprocessable, "Validation failed: Application name can't be blank", {},
            "client_name");
    if (name.size() > 200)
        return fail(
            ErrorKind::Unprocessable, "Validation failed: Application name is too long", {}, "client_name");
    if (registration.website.size() > 2000)
        return fail(ErrorKind::Unprocessable, "Validation failed: Website is too long", {}, "website");
    auto uris = split_uris(registration.redirect_uris);
    if (uris.empty())
        return fail(
            ErrorKind::Unprocessable, "Validation failed: Redirect URI can't be blank", {}, "redirect_uris");
    std::string joined;
    for (const std::string& uri : uris) {
        if (!acceptable_redirect_uri(uri))
            return fail(ErrorKind::Unprocessable,
                "Validation failed: Redirect URI must be an absolute URI without fragment.", {},
                "redirect_uris");
        if (!joined.empty())
            joined += '\n';
        joined += uri;
    }
    auto scopes = normalize_scopes(registration.scopes);
    if (!scopes)
        return fail(ErrorKind::Unprocessable, "Validation failed: Scopes are invalid", {}, "scopes");

    RegisteredApp out;
    out.client_secret = crypto::random_token(32);
    out.app = model::OAuthApplication { ids_.next(), std::string(name),
        std::string(text::trim(registration.website)), joined, *scopes, crypto::random_token(32),
        crypto::sha256_hex(out.client_secret), clock_.now() };
    Status stored
        = store_.write([&](storage::Repositories& r) { return r.oauth().insert_application(out.app); });
    if (!stored)
        return forward(stored);
    log::info("oauth_app_registered", { { "app_id", out.app.id } });
    return out;
}

Result<CheckedAuthorization> OAuthService::check_authorization(const AuthorizationRequest& request)
{
    if (request.client_id.empty())
        return fail(ErrorKind::InvalidInput, "The client_id parameter is missing.", {}, "invalid_request");
    std::optional<model::OAuthApplication> app;
    Status found = store_.read([&](storage::Repositories& r) -> Status {
        auto a = r.oauth().find_application_by_client_id(request.client_id);
        if (!a)
            return forward(a);
        app = std::move(*a);
        return ok();
    });
    if (!found)
        return forward(found);
    if (!app)
        return fail(
            ErrorKind::NotFound, "Client authentication failed due to unknown client.", {}, "invalid_client");
    auto registered = split_uris(app->redirect_uris);
    CheckedAuthorization out;
    if (request.redirect_uri.empty() && registered.size() == 1)
        out.redirect_uri = registered.front();
    else if (std::find(registered.begin(), registered.end(), request.redirect_uri) != registered.end())
        out.redirect_uri = request.redirect_uri;
    else
        return fail(ErrorKind::InvalidInput,
            "The redirect uri included is not valid: it is not one this application registered.", {},
            "invalid_redirect_uri");
    out.out_of_band = out.redirect_uri == kOutOfBandUri;
    if (request.response_type != "code")
        return fail(ErrorKind::InvalidInput, "The authorization server does not support this response type.",
            {}, "unsupported_response_type");
    auto scopes = normalize_scopes(request.scope);
    if (!scopes)
        return forward(scopes);
    if (!scopes_within(*scopes, app->scopes))
        return fail(ErrorKind::InvalidInput, "The requested scope is invalid, unknown, or malformed.", {},
            "invalid_scope");
    if (!request.code_challenge.empty() && request.code_challenge_method != "S256")
        return fail(ErrorKind::InvalidInput, "Only the S256 code challenge method is supported.", {},
            "invalid_request");
    if (request.code_challenge.empty() && !request.code_challenge_method.empty())
        return fail(
            ErrorKind::InvalidInput, "The code_challenge parameter is missing.", {}, "invalid_request");
    out.scopes = *scopes;
    out.app = std::move(*app);
    return out;
}

std::string OAuthService::issue_form_token(const AuthorizationRequest& request)
{
    std::string token = crypto::random_token(32);
    TimePoint now = clock_.now();
    std::lock_guard lock(forms_mutex_);
    std::erase_if(forms_, [&](const auto& entry) { return entry.second.expires_at <= now; });
    if (forms_.size() >= kMaxForms)
        forms_.erase(forms_.begin());
    forms_[crypto::sha256_hex(token)]
        = FormToken { request_digest(request), now + kAuthorizationFormLifetime };
    return token;
}

Status OAuthService::consume_form_token(const AuthorizationRequest& request, std::string_view form_token)
{
    std::lock_guard lock(forms_mutex_);
    auto it = forms_.find(crypto::sha256_hex(form_token));
    bool valid = it != forms_.end() && it->second.expires_at > clock_.now()
        && it->second.request_digest == request_digest(request);
    if (it != forms_.end())
        forms_.erase(it);
    if (!valid)
        return fail(ErrorKind::Forbidden, "This form has expired or was already used: please start again.");
    return ok();
}

Result<CheckedAuthorization> OAuthService::deny(const AuthorizationRequest& request, std::string_view form_token)
{
    if (auto consumed = consume_form_token(request, form_token); !consumed)
        return forward(consumed);
    return check_authorization(request);
}

Result<IssuedCode> OAuthService::authorize(const AuthorizationRequest& request, std::string_view form_token,
    std::string_view login, std::string_view password)
{
    if (auto consumed = consume_form_token(request, form_token); !consumed)
        return forward(consumed);
    auto checked = check_authorization(request);
    if (!checked)
        return forward(checked);
    auto account = auth_.check_credentials(login, password);
    if (!account)
        return forward(account);
    if (auto rc = require_active(*account); !rc)
        return forward(rc);

    IssuedCode out;
    out.code = crypto::random_token(32);
    TimePoint now = clock_.now();
    model::AuthorizationCode code { crypto::sha256_hex(out.code), checked->app.id, account->id,
        checked->redirect_uri, checked->scopes, request.code_challenge, now,
        now + kAuthorizationCodeLifetime };
    Status stored = store_.write([&](storage::Repositories& r) { return r.oauth().insert_code(code, now); });
    if (!stored)
        return forward(stored);
    out.authorization = std::move(*checked);
    log::info("oauth_code_issued", { { "app_id", out.authorization.app.id }, { "account_id", account->id } });
    return out;
}

Result<model::OAuthApplication> OAuthService::authenticate_client(
    std::string_view client_id, std::string_view client_secret)
{
    auto refused = [] {
        return std::unexpected(oauth_error(ErrorKind::Unauthorized, "invalid_client",
            "Client authentication failed due to unknown client, no client "
            "authentication included, or unsupported authentication method."));
    };
    if (client_id.empty() || client_secret.empty() || client_id.size() > 256 || client_secret.size() > 256)
        return refused();
    std::optional<model::OAuthApplication> app;
    Status found = store_.read([&](storage::Repositories& r) -> Status {
        auto a = r.oauth().find_application_by_client_id(client_id);
        if (!a)
            return forward(a);
        app = std::move(*a);
        return ok();
    });
    if (!found)
        return forward(found);
    if (!app || !crypto::constant_time_equal(crypto::sha256_hex(client_secret), app->client_secret_hash))
        return refused();
    return std::move(*app);
}

Result<IssuedToken> OAuthService::issue_token(const model::OAuthApplication& app,
    std::optional<Id> account_id, std::string scopes, bool with_refresh, std::optional<Id> replaces)
{
    IssuedToken out;
    out.access_token = crypto::random_token(32);
    if (with_refresh)
        out.refresh_token = crypto::random_token(32);
    out.scopes = std::move(scopes);
    out.created_at = clock_.now();
    model::OAuthToken token { ids_.next(), app.id, account_id, crypto::sha256_hex(out.access_token),
        with_refresh ? crypto::sha256_hex(out.refresh_token) : std::string(), out.scopes, out.created_at,
        std::nullopt };
    Status stored = store_.write([&](storage::Repositories& r) -> Status {
        if (replaces)
            if (auto rc = r.oauth().revoke_token(*replaces, out.created_at); !rc)
                return rc;
        return r.oauth().insert_token(token);
    });
    if (!stored)
        return forward(stored);
    log::info("oauth_token_issued", { { "app_id", app.id }, { "token_id", token.id } });
    return out;
}

Result<IssuedToken> OAuthService::token(const TokenRequest& request)
{
    if (request.grant_type.empty())
        return invalid_request("The grant_type parameter is missing.");
    static constexpr std::array<std::string_view, 4> kGrants { "authorization_code", "password",
        "client_credentials", "refresh_token" };
    if (std::find(kGrants.begin(), kGrants.end(), request.grant_type) == kGrants.end())
        return std::unexpected(oauth_error(ErrorKind::InvalidInput, "unsupported_grant_type",
            "The authorization grant type is not supported by the "
            "authorization server."));
    auto app = authenticate_client(request.client_id, request.client_secret);
    if (!app)
        return forward(app);
    if (request.grant_type == "authorization_code")
        return exchange_code(*app, request);
    if (request.grant_type == "password")
        return password_grant(*app, request);
    if (request.grant_type == "refresh_token")
        return refresh_grant(*app, request);
    auto scopes = normalize_scopes(request.scope);
    if (!scopes)
        return forward(scopes);
    if (!scopes_within(*scopes, app->scopes))
        return std::unexpected(oauth_error(ErrorKind::InvalidInput, "invalid_scope",
            "The requested scope is invalid, unknown, or malformed."));
    return issue_token(*app, std::nullopt, *scopes, false);
}

Result<IssuedToken> OAuthService::exchange_code(
    const model::OAuthApplication& app, const TokenRequest& request)
{
    if (request.code.empty() || request.code.size() > 256)
        return invalid_request("The code parameter is missing.");
    // Taken in its own transaction, so that a failed exchange still burns the code (single use).
    std::optional<model::AuthorizationCode> code;
    std::optional<model::Account> account;
    Status taken = store_.write([&](storage::Repositories& r) -> Status {
        auto c = r.oauth().take_code(crypto::sha256_hex(request.code), clock_.now());
        if (!c)
            return forward(c);
        code = std::move(*c);
        if (!code)
            return ok();
        auto a = r.accounts().find_by_id(code->account_id);
        if (!a)
            return forward(a);
        account = std::move(*a);
        return ok();
    });
    if (!taken)
        return forward(taken);
    if (!code || code->application_id != app.id || code->redirect_uri != request.redirect_uri)
        return invalid_grant();
    if (!code->code_challenge.empty() && !pkce_matches(request.code_verifier, code->code_challenge))
        return invalid_grant("The code verifier does not match the code challenge (PKCE).");
    if (!account)
        return invalid_grant();
    if (auto rc = require_active(*account); !rc)
        return invalid_grant(rc.error().public_message);
    return issue_token(app, account->id, code->scopes, true);
}

Result<IssuedToken> OAuthService::password_grant(
    const model::OAuthApplication& app, const TokenRequest& request)
{
    if (request.username.empty() || request.password.empty())
        return invalid_request("The username and password parameters are required.");
    if (request.username.size() > 320 || request.password.size() > 1024)
        return invalid_grant("Invalid login or password.");
    auto scopes = normalize_scopes(request.scope);
    if (!scopes)
        return forward(scopes);
    if (!scopes_within(*scopes, app.scopes))
        return std::unexpected(oauth_error(ErrorKind::InvalidInput, "invalid_scope",
            "The requested scope is invalid, unknown, or malformed."));
    auto account = auth_.check_credentials(request.username, request.password);
    if (!account)
        return invalid_grant(account.error().public_message);
    if (auto rc = require_active(*account); !rc)
        return invalid_grant(rc.error().public_message);
    return issue_token(app, account->id, *scopes, true);
}

Result<IssuedToken> OAuthService::refresh_grant(
    const model::OAuthApplication& app, const TokenRequest& request)
{
    if (request.refresh_token.empty() || request.refresh_token.size() > 256)
        return invalid_request("The refresh_token parameter is missing.");
    std::optional<model::OAuthToken> old;
    std::optional<model::Account> account;
    Status found = store_.read([&](storage::Repositories& r) -> Status {
        auto t = r.oauth().find_token_by_refresh(crypto::sha256_hex(request.refresh_token));
        if (!t)
            return forward(t);
        old = std::move(*t);
        if (!old || !old->account_id)
            return ok();
        auto a = r.accounts().find_by_id(*old->account_id);
        if (!a)
            return forward(a);
        account = std::move(*a);
        return ok();
    });
    if (!found)
        return forward(found);
    if (!old || old->application_id != app.id || !account)
        return invalid_grant();
    if (auto rc = require_active(*account); !rc)
        return invalid_grant(rc.error().public_message);
    // RFC 6749 §6: the new token may narrow the scopes, never widen them.
    std::string scopes = old->scopes;
    if (!text::trim(request.scope).empty()) {
        auto narrowed = normalize_scopes(request.scope);
        if (!narrowed)
            return forward(narrowed);
        if (!scopes_within(*narrowed, old->scopes))
            return std::unexpected(oauth_error(
                ErrorKind::InvalidInput, "invalid_scope", "The requested scope exceeds the scope granted."));
        scopes = *narrowed;
    }
    // Rotation: the old access and refresh tokens are revoked in the same transaction.
    return issue_token(app, account->id, scopes, true, old->id);
}

Status OAuthService::revoke(
    std::string_view client_id, std::string_view client_secret, std::string_view token)
{
    auto app = authenticate_client(client_id, client_secret);
    if (!app)
        return forward(app);
    if (token.empty() || token.size() > 256)
        return ok();
    std::string hash = crypto::sha256_hex(token);
    return store_.write([&](storage::Repositories& r) -> Status {
        auto found = r.oauth().find_token(hash);
        if (!found)
            return forward(found);
        if (!*found) {
            found = r.oauth().find_token_by_refresh(hash);
            if (!found)
                return forward(found);
        }
        if (!*found)
            return ok(); // RFC 7009 §2.2: an invalid token is not an error
        if ((*found)->application_id != app->id)
            return std::unexpected(oauth_error(
                ErrorKind::Forbidden, "unauthorized_client", "You are not authorized to revoke this token."));
        return r.oauth().revoke_token((*found)->id, clock_.now());
    });
}

Result<TokenHolder> OAuthService::authenticate(std::string_view bearer)
{
    if (bearer.empty() || bearer.size() > 256)
        return fail(ErrorKind::Unauthorized, "The access token is invalid");
    std::string hash = crypto::sha256_hex(bearer);
    TokenHolder out;
    Status found = store_.read([&](storage::Repositories& r) -> Status {
        auto token = r.oauth().find_token(hash);
        if (!token)
            return forward(token);
        if (!*token)
            return fail(ErrorKind::Unauthorized, "The access token is invalid");
        auto app = r.oauth().find_application((*token)->application_id);
        if (!app)
            return forward(app);
        if (!*app)
            return fail(ErrorKind::Unauthorized, "The access token is invalid");
        if ((*token)->account_id) {
            auto account = r.accounts().find_by_id(*(*token)->account_id);
            if (!account)
                return forward(account);
            if (!*account)
                return fail(ErrorKind::Unauthorized, "The access token is invalid");
            out.account = std::move(**account);
        }
        out.token = std::move(**token);
        out.app = std::move(**app);
        return ok();
    });
    if (!found)
        return forward(found);
    return out;
}

} // namespace confrere::services
