// ActivityPub actors. Authorized fetch: anonymous requests get the minimal actor document that
// peers need to verify signatures; the full profile goes to members (and, with the federation
// core, to trusted peers' signed requests).
#include "core/services/access_policy.hpp"
#include "federation/documents.hpp"
#include "server/api/routes.hpp"

#include <cctype>

namespace confrere::server::api {

using http::PathParams;
using http::Request;
using http::Response;

namespace {

void decorate_activity(Response& r)
{
    // The answer depends on who asks (authorized fetch): caches must key on it.
    r.with_header("Vary", "Accept, Authorization, Cookie, Signature");
}

Response activity_json(std::string body)
{
    Response r;
    r.content_type = federation::kActivityJson;
    r.body = std::move(body);
    decorate_activity(r);
    return r;
}

bool anonymous(const Request& req)
{
    return !req.header("authorization") && !session_cookie(req) && !req.header("signature");
}

std::string actor_cache_key(const std::string& username)
{
    std::string key = "actor|" + username;
    for (char& c : key)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return key;
}

Response handle_actor(Context& ctx, const Request& req, const std::string& username)
{
    auto found = find_account_by_username(ctx, username);
    if (!found)
        return http::error_response(found.error());
    const std::optional<model::Account>& account = *found;
    if (!account || !services::is_discoverable_identity(*account))
        return http::error_response(Error{ErrorKind::NotFound, "Not found.", {}, {}});
    bool member = false;
    if (req.header("authorization") || session_cookie(req))
        member = authenticate_member(ctx, req).has_value();
    return activity_json(federation::actor_json(
        *account, ctx.base_url, member ? federation::ActorView::Full : federation::ActorView::Minimal));
}

Response signature_required()
{
    return http::error_response(Error{ErrorKind::Unauthorized, "Request signature required.", {}, {}});
}

} // namespace

void register_activitypub_routes(http::Router& router, Context& ctx)
{
    // Anonymous fetches (peers verifying a signature) get the minimal document, from the cache.
    router.add(
        "GET", "/users/:username",
        [&ctx](const Request& req, const PathParams& p) -> std::optional<Response> {
            if (!anonymous(req))
                return std::nullopt;
            return cached_response(ctx.public_cache, actor_cache_key(p.at("username")), decorate_activity);
        },
        [&ctx](const Request& req, const PathParams& p) {
            Response r = handle_actor(ctx, req, p.at("username"));
            if (anonymous(req))
                remember(ctx.public_cache, actor_cache_key(p.at("username")), r);
            return r;
        });
    router.add("GET", "/actor", [&ctx](const Request&, const PathParams&) {
        return activity_json(federation::instance_actor_json(ctx.base_url, ctx.host, ctx.instance_public_key_pem));
    });
    // Inboxes and collections need HTTP Signatures from trusted peers (the federation core);
    // until then nothing is accepted or served to peers.
    for (const char* path : {"/inbox", "/users/:username/inbox", "/actor/inbox"})
        router.add("POST", path, [](const Request&, const PathParams&) { return signature_required(); });
    for (const char* path : {"/users/:username/outbox", "/users/:username/followers", "/users/:username/following"})
        router.add("GET", path, [](const Request&, const PathParams&) { return signature_required(); });
}

} // namespace confrere::server::api
