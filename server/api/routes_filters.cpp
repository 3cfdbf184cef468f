// Filters v2 in the Mastodon client API: a member's filters and their keywords. The rules live
// in services::FilterService (someone else's filter is a 404, never a 403); this file translates.
#include "core/services/filter_service.hpp"
#include "server/api/routes.hpp"
#include "server/api/search_json.hpp"
#include "server/api/status_json.hpp"
#include "server/http/form.hpp"

namespace confrere::server::api {

using http::PathParams;
using http::Request;
using http::Response;

namespace {

services::FilterService filter_service(Context& ctx)
{
    return services::FilterService(ctx.store, ctx.clock, ctx.ids);
}

services::KeywordChange keyword_change(const http::ParamObject& object)
{
    services::KeywordChange change;
    auto get = [&](const char* key) -> std::optional<std::string> {
        auto it = object.find(key);
        return it == object.end() ? std::nullopt : std::optional(it->second);
    };
    if (auto id = get("id"); id && !id->empty()) {
        auto parsed = parse_id(*id);
        change.id = parsed ? *parsed : -1; // an id that is no id names no keyword: 404
    }
    change.keyword = get("keyword").value_or("");
    if (auto whole = get("whole_word"); whole)
        change.whole_word = http::is_true(*whole);
    if (auto destroy = get("_destroy"); destroy)
        change.destroy = http::is_true(*destroy);
    return change;
}

// Title, context[], filter_action, expires_in and keywords_attributes[], from a form or JSON.
services::FilterChange filter_change(const http::Params& params)
{
    services::FilterChange change;
    change.title = params.get("title");
    change.contexts = params.list("context");
    change.action = params.get("filter_action");
    change.expires_in = params.get("expires_in");
    if (auto it = params.objects.find("keywords_attributes"); it != params.objects.end())
        for (const http::ParamObject& object : it->second)
            change.keywords.push_back(keyword_change(object));
    return change;
}

template <class Write> Response entity(Write write)
{
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    write(w);
    return http::json_response(200, std::string(buf.GetString(), buf.GetSize()));
}

Response filter_response(const Result<model::Filter>& filter)
{
    if (!filter)
        return http::error_response(filter.error());
    return entity([&](JsonWriter& w) { write_filter(w, *filter); });
}

Response keyword_response(const Result<model::FilterKeyword>& keyword)
{
    if (!keyword)
        return http::error_response(keyword.error());
    return entity([&](JsonWriter& w) { write_filter_keyword(w, *keyword); });
}

Response empty_response(const Status& done)
{
    return done ? http::json_response(200, "{}") : http::error_response(done.error());
}

// Runs `action(account, params)` for the member calling with the request's parameters.
template <class Action>
Response with_params(Context& ctx, const Request& req, std::string_view scope, Action action)
{
    auto caller = authenticate_member(ctx, req, scope);
    if (!caller)
        return http::error_response(caller.error());
    auto params = http::parse_params(req);
    if (!params)
        return http::error_response(params.error());
    return action(caller->auth.account, *params);
}

// As with_params, for the :id routes.
template <class Action>
Response with_id_and_params(
    Context& ctx, const Request& req, const PathParams& p, std::string_view scope, Action action)
{
    return with_member_and_id(
        ctx, req, p,
        [&](const model::Account& me, Id id) {
            auto params = http::parse_params(req);
            if (!params)
                return http::error_response(params.error());
            return action(me, id, *params);
        },
        scope);
}

} // namespace

void register_filter_routes(http::Router& router, Context& ctx)
{
    router.add("GET", "/api/v2/filters", [&ctx](const Request& req, const PathParams&) {
        auto caller = authenticate_member(ctx, req, "read:filters");
        if (!caller)
            return http::error_response(caller.error());
        auto filters = filter_service(ctx).list(caller->auth.account);
        if (!filters)
            return http::error_response(filters.error());
        return entity([&](JsonWriter& w) {
            w.StartArray();
            for (const model::Filter& f : *filters)
                write_filter(w, f);
            w.EndArray();
        });
    });
    router.add("POST", "/api/v2/filters", [&ctx](const Request& req, const PathParams&) {
        return with_params(
            ctx, req, "write:filters", [&](const model::Account& me, const http::Params& params) {
                return filter_response(filter_service(ctx).create(me, filter_change(params)));
            });
    });
    router.add("GET", "/api/v2/filters/:id", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_id(
            ctx, req, p,
            [&](const model::Account& me, Id id) { return filter_response(filter_service(ctx).get(me, id)); },
            "read:filters");
    });
    router.add("PUT", "/api/v2/filters/:id", [&ctx](const Request& req, const PathParams& p) {
        return with_id_and_params(
            ctx, req, p, "write:filters", [&](const model::Account& me, Id id, const http::Params& params) {
                return filter_response(filter_service(ctx).update(me, id, filter_change(params)));
            });
    });
    router.add("DELETE", "/api/v2/filters/:id", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_id(
            ctx, req, p,
            [&](const model::Account& me, Id id) {
                return empty_response(filter_service(ctx).remove(me, id));
            },
            "write:filters");
    });
    router.add("GET", "/api/v2/filters/:id/keywords", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_id(
            ctx, req, p,
            [&](const model::Account& me, Id id) {
                auto filter = filter_service(ctx).get(me, id);
                if (!filter)
                    return http::error_response(filter.error());
                return entity([&](JsonWriter& w) {
                    w.StartArray();
                    for (const model::FilterKeyword& k : filter->keywords)
                        write_filter_keyword(w, k);
                    w.EndArray();
                });
            },
            "read:filters");
    });
    router.add("POST", "/api/v2/filters/:id/keywords", [&ctx](const Request& req, const PathParams& p) {
        return with_id_and_params(
            ctx, req, p, "write:filters", [&](const model::Account& me, Id id, const http::Params& params) {
                services::KeywordChange change;
                change.keyword = params.get_or("keyword");
                if (auto whole = params.get("whole_word"); whole)
                    change.whole_word = http::is_true(*whole);
                return keyword_response(filter_service(ctx).add_keyword(me, id, change));
            });
    });
    router.add("GET", "/api/v2/filters/keywords/:id", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_id(
            ctx, req, p,
            [&](const model::Account& me, Id id) {
                return keyword_response(filter_service(ctx).keyword(me, id));
            },
            "read:filters");
    });
    router.add("PUT", "/api/v2/filters/keywords/:id", [&ctx](const Request& req, const PathParams& p) {
        return with_id_and_params(
            ctx, req, p, "write:filters", [&](const model::Account& me, Id id, const http::Params& params) {
                auto service = filter_service(ctx);
                auto existing = service.keyword(me, id);
                if (!existing)
                    return http::error_response(existing.error());
                services::KeywordChange change;
                change.keyword = params.get_or("keyword", existing->keyword);
                change.whole_word
                    = params.get("whole_word") ? params.flag("whole_word") : existing->whole_word;
                return keyword_response(service.update_keyword(me, id, change));
            });
    });
    router.add("DELETE", "/api/v2/filters/keywords/:id", [&ctx](const Request& req, const PathParams& p) {
        return with_member_and_id(
            ctx, req, p,
            [&](const model::Account& me, Id id) {
                return empty_response(filter_service(ctx).remove_keyword(me, id));
            },
            "write:filters");
    });
}

} // namespace confrere::server::api
