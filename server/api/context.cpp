#include "server/api/context.hpp"

#include "core/crypto/secrets.hpp"
#include "core/services/access_policy.hpp"

namespace confrere::server::api {

std::optional<std::string> session_cookie(const http::Request& req)
{
    return req.cookie(kSessionCookie);
}

std::string cookie_header(const Context& ctx, std::string_view name, std::string_view value, std::int64_t max_age)
{
    std::string cookie = std::string(name) + "=" + std::string(value) +
                         "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age);
    if (ctx.secure_cookies)
        cookie += "; Secure";
    return cookie;
}

std::string session_cookie_header(const Context& ctx, std::string_view value, std::int64_t max_age)
{
    return cookie_header(ctx, kSessionCookie, value, max_age);
}

std::optional<http::Response> refuse_if_rate_limited(Context& ctx, const http::Request& req,
                                                     const http::RateRule& rule)
{
    http::RateDecision d = ctx.limiter.hit(rule, http::rate_key_for_address(req.remote_address));
    if (d.allowed)
        return std::nullopt;
    auto retry = std::chrono::duration_cast<std::chrono::seconds>(d.reset - ctx.clock.now()).count();
    http::Response r = http::error_response(
        Error{ErrorKind::TooManyRequests, "Too many requests; please retry later.", {}, {}});
    r.with_header("X-RateLimit-Limit", std::to_string(d.limit));
    r.with_header("X-RateLimit-Remaining", "0");
    r.with_header("X-RateLimit-Reset", format_iso8601(d.reset));
    r.with_header("Retry-After", std::to_string(std::max<long long>(retry, 1)));
    return r;
}

Result<std::optional<model::Account>> find_account_by_username(Context& ctx, std::string_view username)
{
    std::optional<model::Account> account;
    Status done = ctx.store.read([&](storage::Repositories& repos) -> Status {
        auto a = repos.accounts().find_by_username(username);
        if (!a)
            return forward(a);
        account = std::move(*a);
        return ok();
    });
    if (!done)
        return forward(done);
    return account;
}

namespace {

std::optional<std::string_view> bearer_token(const http::Request& req)
{
    auto authorization = req.header("authorization");
    if (!authorization)
        return std::nullopt;
    std::string_view value = *authorization;
    if (value.size() > 7 && (value.starts_with("Bearer ") || value.starts_with("bearer ")))
        return value.substr(7);
    return std::string_view();
}

std::string_view required_scope(const http::Request& req, std::string_view scope)
{
    if (!scope.empty())
        return scope;
    return req.method == "GET" || req.method == "HEAD" ? "read" : "write";
}

} // namespace

Result<services::TokenHolder> authenticate_oauth(Context& ctx, const http::Request& req)
{
    auto token = bearer_token(req);
    if (!token || token->empty() || ctx.oauth == nullptr)
        return fail(ErrorKind::Unauthorized, "The access token is invalid");
    return ctx.oauth->authenticate(*token);
}

Result<Caller> authenticate(Context& ctx, const http::Request& req, std::string_view scope)
{
    std::optional<std::string> token;
    bool via_cookie = false;
    if (auto bearer = bearer_token(req)) {
        if (bearer->empty())
            return fail(ErrorKind::Unauthorized, "The access token is invalid");
        token = std::string(*bearer);
    } else if (auto cookie = session_cookie(req)) {
        token = std::move(cookie);
        via_cookie = true;
    }
    if (!token)
        return fail(ErrorKind::Unauthorized, "This resource requires a signed-in member.");
    auto auth = ctx.auth.authenticate(*token);
    if (!auth && auth.error().kind == ErrorKind::Unauthorized && !via_cookie && ctx.oauth != nullptr) {
        // Not a session: an OAuth access token, limited to its scopes.
        auto holder = ctx.oauth->authenticate(*token);
        if (!holder)
            return forward(holder);
        if (!holder->account)
            return fail(ErrorKind::Unauthorized, "This method requires an authenticated user");
        if (auto rc = services::require_scope(holder->token.scopes, required_scope(req, scope)); !rc)
            return forward(rc);
        Caller caller;
        caller.auth.account = *holder->account;
        caller.oauth = std::move(*holder);
        return caller;
    }
    if (!auth)
        return forward(auth);
    if (via_cookie && req.method != "GET" && req.method != "HEAD") {
        auto csrf = req.header("x-csrf-token");
        if (!csrf || !crypto::constant_time_equal(*csrf, auth->session.csrf_token))
            return fail(ErrorKind::Forbidden, "Missing or invalid CSRF token.");
    }
    return Caller{std::move(*auth), via_cookie, std::nullopt};
}

Result<Caller> authenticate_member(Context& ctx, const http::Request& req, std::string_view scope)
{
    auto caller = authenticate(ctx, req, scope);
    if (!caller)
        return caller;
    if (auto rc = services::require_member_reader(caller->auth.account); !rc)
        return forward(rc);
    return caller;
}

services::InstanceSettings instance_settings(const Context& ctx)
{
    if (ctx.instance_settings != nullptr)
        return ctx.instance_settings->current_or_defaults();
    return { ctx.config.name, ctx.config.description, ctx.config.contact_email,
        ctx.config.registration == "approval", {} };
}

} // namespace confrere::server::api
