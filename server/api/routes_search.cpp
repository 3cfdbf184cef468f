// Hashtags and search in the Mastodon client API: the hashtag timeline, Tag entities, and
// search v2 (v1 with hashtags as strings). The rules live in services::SearchService; this
// file translates, and resolves unknown user@host handles through federation.
#include "core/base/text.hpp"
#include "core/services/search_service.hpp"
#include "federation/activitypub/vocabulary.hpp"
#include "server/api/routes.hpp"
#include "server/api/search_json.hpp"
#include "server/api/status_json.hpp"
#include "server/http/form.hpp"

#include <algorithm>

namespace confrere::server::api {

using http::PathParams;
using http::Request;
using http::Response;

namespace {

services::SearchService search_service(Context& ctx)
{
    return services::SearchService(ctx.store, ctx.host);
}

int int_param(const http::Params& params, std::string_view name, int fallback, int low, int high)
{
    auto v = params.get(name);
    if (!v || v->empty())
        return fallback;
    auto n = parse_id(*v);
    return n ? static_cast<int>(std::clamp<Id>(*n, low, high)) : fallback;
}

// GET /api/v1/timelines/tag/:hashtag?any[]&all[]&none[]&local&remote&profession: readable
// statuses only.
Response handle_tag_timeline(Context& ctx, const Request& req, const PathParams& p)
{
    auto caller = authenticate_member(ctx, req, "read:statuses");
    if (!caller)
        return http::error_response(caller.error());
    auto params = http::parse_params(req);
    if (!params)
        return http::error_response(params.error());
    storage::TagTimelineQuery query;
    query.any.push_back(p.at("hashtag"));
    for (const char* name : { "any", "all", "none" }) {
        auto list = params->list(name); // any[]=a&any[]=b, or JSON arrays
        if (!list)
            continue;
        auto& target = name[1] == 'n' ? query.any : name[1] == 'l' ? query.all : query.none;
        target.insert(target.end(), list->begin(), list->end());
    }
    query.local_only = params->flag("local");
    query.remote_only = params->flag("remote");
    auto profession = profession_param(req);
    if (!profession)
        return http::error_response(profession.error());
    query.author_profession = *profession;
    query.page = page_query(req);
    auto list = search_service(ctx).tag_timeline(caller->auth.account, std::move(query));
    if (!list)
        return http::error_response(list.error());
    return filtered_timeline_response(
        ctx, req, caller->auth.account, std::move(*list), model::FilterContext::Public);
}

// GET /api/v1/tags/:name: 404 for a hashtag no status carries.
Response handle_tag(Context& ctx, const Request& req, const PathParams& p)
{
    auto caller = authenticate_member(ctx, req, "read:statuses");
    if (!caller)
        return http::error_response(caller.error());
    auto tag = search_service(ctx).tag(caller->auth.account, p.at("name"));
    if (!tag)
        return http::error_response(tag.error());
    if (!*tag)
        return not_found();
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    write_tag(w, ctx, **tag);
    return http::json_response(200, buf.GetString());
}

// With resolve=true, a handle of another instance or an actor URL not known yet is looked up
// through federation; an unknown or untrusted host simply adds nothing.
void resolve_remote(Context& ctx, std::string_view q, std::vector<model::RemoteActor>& found)
{
    std::string_view trimmed = text::trim(q);
    std::optional<model::RemoteActor> actor;
    if (trimmed.starts_with("https://") || trimmed.starts_with("http://")) {
        auto fetched = ctx.social->resolver.actor(trimmed);
        if (fetched)
            actor = std::move(*fetched);
    } else if (auto handle = services::parse_handle(trimmed);
               handle && !handle->host.empty() && handle->host != ctx.host) {
        auto resolved = ctx.social->resolver.resolve_handle(handle->username + "@" + handle->host);
        if (resolved)
            actor = std::move(*resolved);
    }
    if (!actor)
        return;
    auto same = [&](const model::RemoteActor& a) { return a.id == actor->id; };
    if (std::none_of(found.begin(), found.end(), same))
        found.insert(found.begin(), std::move(*actor));
}

} // namespace

Result<services::SearchResults> find_accounts(
    Context& ctx, const model::Account& reader, const services::SearchRequest& request, bool resolve)
{
    services::SearchRequest accounts = request;
    accounts.type = services::SearchType::Accounts;
    auto results = search_service(ctx).search(reader, accounts);
    if (results && resolve && accounts.offset == 0 && !accounts.following)
        resolve_remote(ctx, accounts.q, results->remote_actors);
    return results;
}

namespace {

// GET /api/v2/search (and /api/v1/search, whose hashtags are plain strings).
Response handle_search(Context& ctx, const Request& req, bool v1)
{
    auto caller = authenticate_member(ctx, req, "read:search");
    if (!caller)
        return http::error_response(caller.error());
    auto params = http::parse_params(req);
    if (!params)
        return http::error_response(params.error());
    services::SearchRequest request;
    request.q = params->get_or("q");
    const std::string type = params->get_or("type");
    if (type.empty())
        request.type = services::SearchType::All;
    else if (type == "accounts")
        request.type = services::SearchType::Accounts;
    else if (type == "statuses")
        request.type = services::SearchType::Statuses;
    else if (type == "hashtags")
        request.type = services::SearchType::Hashtags;
    else
        return http::error_response(Error { ErrorKind::Unprocessable, "Unknown search type.", {}, "type" });
    request.limit = int_param(*params, "limit", 20, 1, 40);
    request.offset = int_param(*params, "offset", 0, 0, 10'000);
    request.following = params->flag("following");
    if (auto account = params->get("account_id"); account && !account->empty()) {
        auto id = parse_id(*account);
        if (!id)
            return not_found();
        auto ref = actor_ref(ctx, *id);
        if (!ref)
            return http::error_response(ref.error());
        request.author = *ref;
    }
    auto results = search_service(ctx).search(caller->auth.account, request);
    if (!results)
        return http::error_response(results.error());
    const bool wants_accounts
        = request.type == services::SearchType::All || request.type == services::SearchType::Accounts;
    if (wants_accounts && params->flag("resolve") && request.offset == 0 && !request.following)
        resolve_remote(ctx, request.q, results->remote_actors);  // as find_accounts does

    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("accounts");
    w.StartArray();
    for (const model::Account& a : results->accounts)
        write_account(w, a, ctx.base_url);
    for (const model::RemoteActor& a : results->remote_actors)
        write_remote_account(w, a);
    w.EndArray();
    w.Key("hashtags");
    w.StartArray();
    for (const model::Tag& tag : results->hashtags)
        if (v1)
            w.String(tag.name.c_str(), static_cast<rapidjson::SizeType>(tag.name.size()));
        else
            write_tag(w, ctx, tag);
    w.EndArray();
    w.EndObject();
    std::string head(buf.GetString(), buf.GetSize());
    auto statuses = statuses_json(ctx, caller->auth.account, results->statuses, true);
    if (!statuses)
        return http::error_response(statuses.error());
    head.pop_back(); // '}'
    return http::json_response(200, head + ",\"statuses\":" + *statuses + "}");
}

// GET /api/v1/directory?offset&limit&order=active|new&local&q&profession&specialty: the members
// who chose to appear. Every member is local, so `local` changes nothing.
Response handle_directory(Context& ctx, const Request& req)
{
    auto caller = authenticate_member(ctx, req, "read:accounts");
    if (!caller)
        return http::error_response(caller.error());
    auto params = http::parse_params(req);
    if (!params)
        return http::error_response(params.error());
    services::DirectoryRequest request;
    request.q = params->get_or("q");
    request.specialty = params->get_or("specialty");
    request.limit = int_param(*params, "limit", 40, 1, 80);
    request.offset = int_param(*params, "offset", 0, 0, 1'000'000);
    std::string order = params->get_or("order", "active");
    if (order != "active" && order != "new")
        return http::error_response(Error { ErrorKind::Unprocessable, "order must be active or new.", {}, "order" });
    request.order = order == "new" ? storage::DirectoryOrder::New : storage::DirectoryOrder::Active;
    auto profession = profession_param(req);
    if (!profession)
        return http::error_response(profession.error());
    request.profession = *profession;
    auto accounts = search_service(ctx).directory(caller->auth.account, request);
    if (!accounts)
        return http::error_response(accounts.error());
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartArray();
    for (const model::Account& a : *accounts) {
        auto stats = account_stats(ctx, a.id);
        if (!stats)
            return http::error_response(stats.error());
        stats->follow_requests = 0; // someone else's pending requests are theirs to see
        write_account(w, a, ctx.base_url, *stats);
    }
    w.EndArray();
    return http::json_response(200, buf.GetString());
}

} // namespace

void register_search_routes(http::Router& router, Context& ctx)
{
    router.add("GET", "/api/v1/directory",
        [&ctx](const Request& req, const PathParams&) { return handle_directory(ctx, req); });
    router.add("GET", "/api/v1/timelines/tag/:hashtag",
        [&ctx](const Request& req, const PathParams& p) { return handle_tag_timeline(ctx, req, p); });
    router.add("GET", "/api/v1/tags/:name",
        [&ctx](const Request& req, const PathParams& p) { return handle_tag(ctx, req, p); });
    router.add("GET", "/api/v2/search",
        [&ctx](const Request& req, const PathParams&) { return handle_search(ctx, req, false); });
    router.add("GET", "/api/v1/search",
        [&ctx](const Request& req, const PathParams&) { return handle_search(ctx, req, true); });
}

} // namespace confrere::server::api
