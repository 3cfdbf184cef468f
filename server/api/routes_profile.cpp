// An account's statuses, followers and following, account search, and the member's own profile
// (update_credentials). Rules live in services::SocialService and services::ProfileService.
#include "server/api/list_json.hpp"
#include "server/api/routes.hpp"
#include "server/api/search_json.hpp"
#include "server/api/status_json.hpp"
#include "server/http/form.hpp"

#include <rapidjson/document.h>

#include <algorithm>

namespace confrere::server::api {

using http::PathParams;
using http::Request;
using http::Response;

namespace {

bool query_flag(const Request& req, std::string_view name)
{
    auto v = req.query_param(name);
    return v && (*v == "true" || *v == "1" || *v == "on");
}

// GET /api/v1/accounts/:id/statuses. Nothing carries media and nothing is pinned yet: those
// filters give an empty list. `tagged` is ignored.
Response handle_account_statuses(Context& ctx, const Request& req, const model::Account& me, Id id)
{
    if (query_flag(req, "only_media") || query_flag(req, "pinned"))
        return http::json_response(200, "[]");
    // A group's account lists the group's posts (members only), as Mastodon shows a community's.
    if (auto group = is_local_group(ctx, id); group && *group) {
        auto list = ctx.groups->timeline(me, id, page_query(req));
        if (!list)
            return http::error_response(list.error());
        return filtered_timeline_response(ctx, req, me, std::move(*list), model::FilterContext::Account);
    }
    auto ref = actor_ref(ctx, id);
    if (!ref)
        return http::error_response(ref.error());
    services::AuthorStatusesQuery query;
    query.page = page_query(req);
    query.exclude_replies = query_flag(req, "exclude_replies");
    query.exclude_reblogs = query_flag(req, "exclude_reblogs");
    auto list = ctx.social->social.author_statuses(me, *ref, query);
    if (!list)
        return http::error_response(list.error());
    return filtered_timeline_response(ctx, req, me, std::move(*list), model::FilterContext::Account);
}

// GET /api/v1/accounts/search. resolve=true looks a user@host handle up on its instance
// (trusted peers only: others give no result, as an unknown account would).
Response handle_search(Context& ctx, const Request& req)
{
    auto caller = authenticate_member(ctx, req, "read:accounts");
    if (!caller)
        return http::error_response(caller.error());
    services::SearchRequest request;
    request.q = req.query_param("q").value_or("");
    request.limit = 40;
    if (auto v = req.query_param("limit"))
        if (auto n = parse_id(*v))
            request.limit = static_cast<int>(std::clamp<Id>(*n, 1, 40));
    if (auto v = req.query_param("offset"))
        if (auto n = parse_id(*v))
            request.offset = static_cast<int>(std::min<Id>(*n, 10'000));
    request.following = query_flag(req, "following");
    auto matches = find_accounts(ctx, caller->auth.account, request, query_flag(req, "resolve"));
    if (!matches)
        return http::error_response(matches.error());
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartArray();
    for (const model::Account& a : matches->accounts)
        write_account(w, a, ctx.base_url);
    for (const model::RemoteActor& a : matches->remote_actors)
        write_remote_account(w, a);
    w.EndArray();
    return http::json_response(200, buf.GetString());
}

Error field_error(std::string message, std::string field)
{
    return Error { ErrorKind::Unprocessable, std::move(message), {}, std::move(field) };
}

// The JSON body's nested members that parse_params leaves out: source.language and
// fields_attributes (an array, or an object keyed "0".."3").
struct NestedProfile {
    std::optional<std::string> language;
    bool has_field_values = false;
};

NestedProfile nested_json(const Request& req)
{
    NestedProfile nested;
    if (!req.header("content-type").value_or("").starts_with("application/json"))
        return nested;
    rapidjson::Document doc;
    doc.Parse(req.body.data(), req.body.size());
    if (doc.HasParseError() || !doc.IsObject())
        return nested;
    if (auto source = doc.FindMember("source"); source != doc.MemberEnd() && source->value.IsObject())
        if (auto lang = source->value.FindMember("language");
            lang != source->value.MemberEnd() && lang->value.IsString())
            nested.language = std::string(lang->value.GetString(), lang->value.GetStringLength());
    auto non_empty = [](const rapidjson::Value& pair) {
        if (!pair.IsObject())
            return false;
        for (const char* key : { "name", "value" })
            if (auto m = pair.FindMember(key);
                m != pair.MemberEnd() && m->value.IsString() && m->value.GetStringLength() > 0)
                return true;
        return false;
    };
    if (auto fields = doc.FindMember("fields_attributes"); fields != doc.MemberEnd()) {
        if (fields->value.IsArray())
            for (const auto& pair : fields->value.GetArray())
                nested.has_field_values = nested.has_field_values || non_empty(pair);
        else if (fields->value.IsObject())
            for (const auto& m : fields->value.GetObject())
                nested.has_field_values = nested.has_field_values || non_empty(m.value);
    }
    return nested;
}

// PATCH /api/v1/accounts/update_credentials (form, multipart or JSON). Images and custom
// profile fields are refused with 422 rather than silently dropped; `bot` is ignored.
Response handle_update_credentials(Context& ctx, const Request& req)
{
    auto caller = authenticate_member(ctx, req, "write:accounts");
    if (!caller)
        return http::error_response(caller.error());
    auto params = http::parse_params(req);
    if (!params)
        return http::error_response(params.error());
    for (const char* image : { "avatar", "header" })
        if (params->files.contains(image) || !params->get_or(image).empty())
            return http::error_response(field_error("Images are not supported yet", image));
    NestedProfile nested = nested_json(req);
    for (const auto& [name, value] : params->fields)
        if (name.starts_with("fields_attributes[") && !value.empty())
            nested.has_field_values = true;
    if (nested.has_field_values)
        return http::error_response(field_error(
            "Custom profile fields are not supported yet; your profession is shown as a verified field.",
            "fields_attributes"));
    services::ProfileChange change;
    change.display_name = params->get("display_name");
    change.note = params->get("note");
    if (params->get("locked"))
        change.locked = params->flag("locked");
    if (params->get("discoverable"))
        change.discoverable = params->flag("discoverable");
    // confrere_specialties[]=plaies&confrere_specialties[]=diabète, or a JSON array; one empty
    // value clears them.
    change.specialties = params->list("confrere_specialties");
    change.locale = params->get("source[language]");
    if (!change.locale)
        change.locale = nested.language;
    auto updated = ctx.social->profiles.update(caller->auth.account, change);
    if (!updated)
        return http::error_response(updated.error());
    auto stats = account_stats(ctx, updated->id);
    if (!stats)
        return http::error_response(stats.error());
    return http::json_response(200, credential_account_json(*updated, ctx.base_url, *stats));
}

} // namespace

void register_profile_routes(http::Router& router, Context& ctx)
{
    router.add("GET", "/api/v1/accounts/:id/statuses", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_id(
            ctx, req, p,
            [&](const model::Account& me, Id id) { return handle_account_statuses(ctx, req, me, id); },
            "read:statuses");
    });
    for (auto [path, followers] : { std::pair { "/api/v1/accounts/:id/followers", true },
             std::pair { "/api/v1/accounts/:id/following", false } }) {
        router.add("GET", path, [&ctx, followers](const Request& req, const PathParams& p) {
            return with_member_and_id(
                ctx, req, p,
                [&](const model::Account& me, Id id) {
                    auto ref = actor_ref(ctx, id);
                    if (!ref)
                        return http::error_response(ref.error());
                    auto q = page_query(req, 40, 80);
                    auto page = followers ? ctx.social->social.followers(me, *ref, q)
                                          : ctx.social->social.following(me, *ref, q);
                    return page ? actor_page_response(ctx, req, *page) : http::error_response(page.error());
                },
                "read:accounts");
        });
    }
    router.add("GET", "/api/v1/accounts/search",
        [&ctx](const Request& req, const PathParams&) { return handle_search(ctx, req); });
    router.add(
        "PATCH", "/api/v1/accounts/update_credentials",
        [&ctx](const Request& req, const PathParams&) { return handle_update_credentials(ctx, req); },
        http::RouteLimits { ctx.config.max_upload_bytes });
}

} // namespace confrere::server::api
