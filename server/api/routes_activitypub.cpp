// ActivityPub actors. Authorized fetch: anonymous requests get the minimal actor document that
// peers need to verify signatures; the full profile goes to members (and, with the federation
// core, to trusted peers' signed requests).
#include "core/services/access_policy.hpp"
#include "federation/documents.hpp"
#include "server/api/routes.hpp"

namespace confrere::server::api {

using http::PathParams;
using http::Request;
using http::Response;

namespace {

Response activity_json(std::string body)
{
    Response r;
    r.content_type = federation::kActivityJson;
    r.body = std::move(body);
    // The answer depends on who asks (authorized fetch): caches must key on it.
    r.with_header("Vary", "Accept, Authorization, Cookie, Signature");
    return r;
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
    router.add("GET", "/users/:username",
               [&ctx](const Request& req, const PathParams& p) { return handle_actor(ctx, req, p.at("username")); });
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
