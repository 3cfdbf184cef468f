// What any client or peer may read without signing in (DESIGN rule 1's exceptions): health,
// WebFinger for exact handles, host-meta, NodeInfo (the instance description is in
// routes_instance.cpp).
#include "core/services/access_policy.hpp"
#include "federation/documents.hpp"
#include "server/api/account_json.hpp"
#include "server/api/routes.hpp"

#include <cctype>

namespace confrere::server::api {

using http::PathParams;
using http::Request;
using http::Response;

namespace {

Response handle_health(Context& ctx)
{
    if (auto rc = ctx.store.ping(); !rc)
        return http::error_response(Error{ErrorKind::Unavailable, "Database unavailable.", rc.error().detail, {}});
    return http::json_response(200, R"({"status":"ok"})");
}

void decorate_webfinger(Response& r)
{
    r.with_header("Access-Control-Allow-Origin", "*");
    r.with_header("Cache-Control", "max-age=300, public");
}

std::string webfinger_cache_key(const std::string& resource)
{
    std::string key = "webfinger|" + resource;
    for (char& c : key)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return key;
}

// RFC 7033 §4: exact resources only, so members cannot be enumerated.
Response handle_webfinger(Context& ctx, const Request& req)
{
    auto resource = req.query_param("resource");
    if (!resource)
        return http::error_response(Error{ErrorKind::InvalidInput, "The resource parameter is required.", {}, {}});
    auto query = federation::parse_webfinger_resource(*resource, ctx.host, ctx.base_url);
    if (!query)
        return http::error_response(query.error());
    Response r;
    r.content_type = federation::kJrdJson;
    decorate_webfinger(r);
    if (query->instance_actor) {
        r.body = federation::webfinger_json("acct:" + ctx.host + "@" + ctx.host,
                                            federation::instance_actor_url(ctx.base_url), "");
        return r;
    }
    auto found = find_account_by_username(ctx, query->username);
    if (!found)
        return http::error_response(found.error());
    const std::optional<model::Account>& account = *found;
    if (!account) {
        // Groups share the namespace of usernames.
        auto group = storage::read_value(ctx.store, [&](storage::Repositories& repos) {
            return repos.groups().find_by_name(query->username);
        });
        if (!group)
            return http::error_response(group.error());
        if (!*group)
            return http::error_response(Error{ErrorKind::NotFound, "Not found.", {}, {}});
        federation::GroupUrls urls(ctx.base_url, (*group)->name);
        r.body = federation::webfinger_json("acct:" + (*group)->name + "@" + ctx.host, urls.id, "");
        return r;
    }
    if (!services::is_discoverable_identity(*account))
        return http::error_response(Error{ErrorKind::NotFound, "Not found.", {}, {}});
    federation::ActorUrls urls(ctx.base_url, account->username);
    r.body = federation::webfinger_json("acct:" + account->username + "@" + ctx.host, urls.id, urls.profile);
    return r;
}

Response handle_nodeinfo(Context& ctx, std::string_view schema)
{
    federation::NodeInfo info;
    info.version = CONFRERE_VERSION;
    services::InstanceSettings settings = instance_settings(ctx);
    info.instance_name = settings.name;
    info.instance_description = settings.description;
    info.professions = ctx.config.professions;
    info.languages = ctx.config.languages;
    Status done = ctx.store.read([&](storage::Repositories& repos) -> Status {
        auto n = repos.accounts().count(model::AccountState::Active);
        if (!n)
            return forward(n);
        info.users_total = *n;
        return ok();
    });
    if (!done)
        return http::error_response(done.error());
    Response r;
    r.content_type = "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/" +
                     std::string(schema) + "#\"";
    r.body = federation::nodeinfo_json(info, schema);
    r.with_header("Access-Control-Allow-Origin", "*");
    return r;
}

} // namespace

void register_discovery_routes(http::Router& router, Context& ctx)
{
    router.add("GET", "/health", [&ctx](const Request&, const PathParams&) { return handle_health(ctx); });
    router.add(
        "GET", "/.well-known/webfinger",
        [&ctx](const Request& req, const PathParams&) -> std::optional<Response> {
            auto resource = req.query_param("resource");
            if (!resource)
                return std::nullopt;
            return cached_response(ctx.public_cache, webfinger_cache_key(*resource), decorate_webfinger);
        },
        [&ctx](const Request& req, const PathParams&) {
            Response r = handle_webfinger(ctx, req);
            if (auto resource = req.query_param("resource"))
                remember(ctx.public_cache, webfinger_cache_key(*resource), r);
            return r;
        });
    router.add("GET", "/.well-known/host-meta", [&ctx](const Request&, const PathParams&) {
        Response r;
        r.content_type = "application/xrd+xml; charset=utf-8";
        r.body = federation::host_meta_xml(ctx.base_url);
        return r;
    });
    router.add("GET", "/.well-known/nodeinfo", [&ctx](const Request&, const PathParams&) {
        return http::json_response(200, federation::nodeinfo_links_json(ctx.base_url));
    });
    router.add("GET", "/nodeinfo/2.1", [&ctx](const Request&, const PathParams&) { return handle_nodeinfo(ctx, "2.1"); });
    router.add("GET", "/nodeinfo/2.0", [&ctx](const Request&, const PathParams&) { return handle_nodeinfo(ctx, "2.0"); });
}

} // namespace confrere::server::api
