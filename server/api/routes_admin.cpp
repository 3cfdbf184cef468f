// Mastodon's admin API for the validation queue: /api/v1/admin/accounts.
#include "server/api/account_json.hpp"
#include "server/api/admin_actions.hpp"
#include "server/api/routes.hpp"
#include "server/http/form.hpp"

namespace confrere::server::api {

using http::PathParams;
using http::Request;
using http::Response;

namespace {

// Mastodon v1 filters: pending, active, disabled, suspended (booleans) or status=….
storage::AccountQuery query_from(const Request& req)
{
    storage::AccountQuery q;
    auto flag = [&req](const char* name) {
        auto v = req.query_param(name);
        return v && (*v == "true" || *v == "1");
    };
    if (flag("pending"))
        q.state = model::AccountState::Pending;
    else if (flag("active"))
        q.state = model::AccountState::Active;
    else if (flag("disabled"))
        q.state = model::AccountState::Rejected;
    else if (flag("suspended"))
        q.state = model::AccountState::Suspended;
    else if (auto status = req.query_param("status"))
        q.state = model::account_state_from_string(*status);
    if (auto max_id = req.query_param("max_id"); max_id)
        if (auto id = parse_id(*max_id))
            q.max_id = *id;
    if (auto min_id = req.query_param("min_id"); min_id)
        if (auto id = parse_id(*min_id))
            q.min_id = *id;
    if (auto limit = req.query_param("limit"); limit)
        if (auto n = parse_id(*limit))
            q.limit = static_cast<int>(std::min<Id>(*n, 200));
    return q;
}

Response registration_response(Context& ctx, const Result<model::Registration>& r)
{
    if (!r)
        return http::error_response(r.error());
    return http::json_response(200, admin_account_json(*r, ctx.base_url));
}

using Action = std::function<Result<model::Registration>(const model::Account& moderator, Id id,
                                                         const http::Params& params)>;

void add_action(http::Router& router, Context& ctx, const char* verb, Action action)
{
    add_id_action(router, ctx, std::string("/api/v1/admin/accounts/:id/") + verb, "admin:write:accounts",
                  [&ctx, action](const model::Account& moderator, Id id, const http::Params& params) {
                      auto decided = action(moderator, id, params);
                      if (decided)
                          ctx.public_cache.clear();  // the account may have appeared or vanished
                      return registration_response(ctx, decided);
                  });
}

} // namespace

void add_id_action(http::Router& router, Context& ctx, std::string pattern, std::string scope, IdAction action)
{
    router.add("POST", pattern, [&ctx, scope = std::move(scope), action = std::move(action)](
                                    const Request& req, const PathParams& p) {
        auto caller = authenticate(ctx, req, scope);
        if (!caller)
            return http::error_response(caller.error());
        auto params = http::parse_params(req);
        if (!params)
            return http::error_response(params.error());
        auto id = parse_id(p.at("id"));
        if (!id)
            return http::error_response(id.error());
        return action(caller->auth.account, *id, *params);
    });
}

void register_admin_routes(http::Router& router, Context& ctx)
{
    router.add("GET", "/api/v1/admin/accounts", [&ctx](const Request& req, const PathParams&) {
        auto caller = authenticate(ctx, req, "admin:read:accounts");
        if (!caller)
            return http::error_response(caller.error());
        storage::AccountQuery q = query_from(req);
        auto list = ctx.moderation.list(caller->auth.account, q);
        if (!list)
            return http::error_response(list.error());
        rapidjson::StringBuffer buf;
        JsonWriter w(buf);
        w.StartArray();
        for (const auto& r : *list)
            write_admin_account(w, r, ctx.base_url);
        w.EndArray();
        Response res = http::json_response(200, buf.GetString());
        if (static_cast<int>(list->size()) == q.limit && !list->empty())
            res.with_header("Link", "<" + ctx.base_url + "/api/v1/admin/accounts?" +
                                        (q.state ? "status=" + std::string(model::to_string(*q.state)) + "&" : "") +
                                        "max_id=" + std::to_string(list->back().account.id) + ">; rel=\"next\"");
        return res;
    });
    router.add("GET", "/api/v1/admin/accounts/:id", [&ctx](const Request& req, const PathParams& p) {
        auto caller = authenticate(ctx, req, "admin:read:accounts");
        if (!caller)
            return http::error_response(caller.error());
        auto id = parse_id(p.at("id"));
        if (!id)
            return http::error_response(id.error());
        return registration_response(ctx, ctx.moderation.registration(caller->auth.account, *id));
    });
    router.add("GET", "/api/v1/admin/accounts/:id/attestation", [&ctx](const Request& req, const PathParams& p) {
        auto caller = authenticate(ctx, req, "admin:read:accounts");
        if (!caller)
            return http::error_response(caller.error());
        auto id = parse_id(p.at("id"));
        if (!id)
            return http::error_response(id.error());
        auto file = ctx.moderation.attestation(caller->auth.account, *id);
        if (!file)
            return http::error_response(file.error());
        Response r;
        r.content_type = file->content_type;
        r.body = std::move(file->data);
        // Never rendered inline by the browser: downloaded, and sandboxed if opened.
        r.with_header("Content-Disposition", "attachment; filename=\"attestation-" + std::to_string(*id) + "\"");
        r.with_header("Content-Security-Policy", "sandbox");
        return r;
    });
    add_action(router, ctx, "approve", [&ctx](const model::Account& m, Id id, const http::Params&) {
        return ctx.moderation.approve(m, id);
    });
    add_action(router, ctx, "reject", [&ctx](const model::Account& m, Id id, const http::Params& params) {
        return ctx.moderation.reject(m, id, params.get_or("reason"));
    });
    add_action(router, ctx, "unsuspend", [&ctx](const model::Account& m, Id id, const http::Params&) {
        return ctx.moderation.unsuspend(m, id);
    });
    // Mastodon's moderation action endpoint; "suspend" is the only sanction so far.
    add_action(router, ctx, "action", [&ctx](const model::Account& m, Id id, const http::Params& params)
                   -> Result<model::Registration> {
        std::string type = params.get_or("type");
        if (type == "suspend")
            return ctx.moderation.suspend(m, id, params.get_or("text"));
        return fail(ErrorKind::Unprocessable, "Unsupported action type: only \"suspend\" is available.", {}, "type");
    });
}

} // namespace confrere::server::api
