// Reports: a member files one (POST /api/v1/reports, Mastodon's Report entity); moderators
// handle the queue (/api/v1/admin/reports…, Admin::Report entities). Every rule is
// services::ReportService's; this file parses and renders.
#include "server/api/admin_actions.hpp"
#include "server/api/routes.hpp"
#include "server/api/status_json.hpp"

namespace confrere::server::api {

using http::PathParams;
using http::Request;
using http::Response;

namespace {

services::ReportService& reports(Context& ctx)
{
    return *ctx.reports;
}

// The fields of POST /api/v1/reports. rule_ids[] and forward are accepted and ignored (no
// instance rules yet; Flags are not forwarded to other instances yet).
Result<services::NewReport> new_report_request(Context& ctx, const http::Params& params)
{
    services::NewReport report;
    auto account = params.get("account_id");
    if (!account || account->empty())
        return fail(ErrorKind::Unprocessable, "account_id is required.", {}, "account_id");
    auto id = parse_id(*account);
    if (!id)
        return fail(ErrorKind::NotFound, "Account not found.", {}, "account_id");
    auto target = actor_ref(ctx, *id);
    if (!target)
        return fail(ErrorKind::NotFound, "Account not found.", {}, "account_id");
    report.target = *target;
    if (auto ids = params.list("status_ids")) {
        if (ids->size() > services::kMaxReportedStatuses)
            return fail(ErrorKind::Unprocessable, "A report names 20 posts at most.", {}, "status_ids");
        for (const std::string& text : *ids) {
            auto status_id = parse_id(text);
            if (!status_id)
                return fail(ErrorKind::NotFound, "Status not found.", {}, "status_ids");
            report.status_ids.push_back(*status_id);
        }
    }
    std::string category = params.get_or("category", "other");
    auto parsed = model::report_category_from_string(category);
    if (!parsed)
        return fail(ErrorKind::Unprocessable, "Unknown category: spam, legal, violation or other.", {}, "category");
    report.category = *parsed;
    report.comment = params.get_or("comment");
    if (report.comment.size() > 4 * services::kMaxReportCommentCharacters)
        return fail(ErrorKind::Unprocessable, "The comment is too long (1000 characters at most).", {}, "comment");
    return report;
}

// What Mastodon's Report and Admin::Report share: id, action_taken, action_taken_at,
// category, comment, forwarded (never: no Flag leaves the instance yet), created_at.
void write_report_fields(JsonWriter& w, const model::Report& r)
{
    write_string(w, "id", std::to_string(r.id));
    w.Key("action_taken");
    w.Bool(r.state == model::ReportState::Resolved);
    w.Key("action_taken_at");
    if (r.resolved_at)
        w.String(format_iso8601(*r.resolved_at).c_str());
    else
        w.Null();
    write_string(w, "category", model::to_string(r.category));
    write_string(w, "comment", r.comment);
    w.Key("forwarded");
    w.Bool(false);
    write_string(w, "created_at", format_iso8601(r.created_at));
}

// Mastodon's Report entity, as its reporter reads it.
std::string report_json(Context& ctx, const model::Report& r, storage::Repositories& repos, Status& status)
{
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    write_report_fields(w, r);
    w.Key("status_ids");
    w.StartArray();
    for (Id id : r.status_ids)
        w.String(std::to_string(id).c_str());
    w.EndArray();
    w.Key("rule_ids");
    w.StartArray();
    w.EndArray();
    w.Key("target_account");
    auto written = write_actor(w, repos, ctx, r.target);
    if (!written)
        status = forward(written);
    else if (!*written)
        w.Null();
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize());
}

// Admin::Account of a remote actor: what Mastodon shows of an account of another domain.
void write_remote_admin_account(JsonWriter& w, const model::RemoteActor& a)
{
    w.StartObject();
    write_string(w, "id", std::to_string(a.id));
    write_string(w, "username", a.username);
    write_string(w, "domain", a.host);
    write_string(w, "created_at", format_iso8601(a.created_at));
    w.Key("email");
    w.Null();
    w.Key("ip");
    w.Null();
    w.Key("ips");
    w.StartArray();
    w.EndArray();
    w.Key("locale");
    w.Null();
    w.Key("invite_request");
    w.Null();
    w.Key("role");
    w.Null();
    for (const char* flag : { "confirmed", "approved" }) {
        w.Key(flag);
        w.Bool(true);
    }
    for (const char* flag : { "disabled", "silenced", "suspended" }) {
        w.Key(flag);
        w.Bool(false);
    }
    w.Key("account");
    write_remote_account(w, a);
    w.EndObject();
}

// Admin::Account of a local account or remote actor; null if gone.
Status write_admin_actor(JsonWriter& w, storage::Repositories& repos, const Context& ctx, model::ActorRef ref)
{
    if (ref.local) {
        auto registration = repos.accounts().find_registration(ref.id);
        if (!registration)
            return forward(registration);
        if (*registration)
            write_admin_account(w, **registration, ctx.base_url);
        else
            w.Null();
        return ok();
    }
    auto actor = repos.remote_actors().find_by_id(ref.id);
    if (!actor)
        return forward(actor);
    if (*actor)
        write_remote_admin_account(w, **actor);
    else
        w.Null();
    return ok();
}

Status write_optional_admin(JsonWriter& w, storage::Repositories& repos, const Context& ctx, std::optional<Id> id)
{
    if (!id) {
        w.Null();
        return ok();
    }
    return write_admin_actor(w, repos, ctx, model::local_actor(*id));
}

// Mastodon's Admin::Report, plus "confrere_action" (none, statuses_removed, account_suspended).
// The statuses are rendered for the moderator whatever their audience.
Status write_admin_report(JsonWriter& w, storage::Repositories& repos, Context& ctx, const model::Account& moderator,
    const services::ReportDetails& d)
{
    const model::Report& r = d.report;
    w.StartObject();
    write_report_fields(w, r);
    write_string(w, "updated_at", format_iso8601(r.updated_at));
    write_string(w, "confrere_action", model::to_string(r.action));
    w.Key("account");
    if (auto rc = write_admin_actor(w, repos, ctx, model::local_actor(r.reporter_id)); !rc)
        return rc;
    w.Key("target_account");
    if (auto rc = write_admin_actor(w, repos, ctx, r.target); !rc)
        return rc;
    w.Key("assigned_account");
    if (auto rc = write_optional_admin(w, repos, ctx, r.assigned_to); !rc)
        return rc;
    w.Key("action_taken_by_account");
    if (auto rc = write_optional_admin(w, repos, ctx, r.resolved_by); !rc)
        return rc;
    w.Key("statuses");
    w.StartArray();
    for (const model::Status& s : d.statuses)
        if (auto rc = write_status(w, repos, ctx, moderator, s); !rc)
            return rc;
    w.EndArray();
    w.Key("rules");
    w.StartArray();
    w.EndArray();
    w.EndObject();
    return ok();
}

Result<std::string> admin_reports_json(
    Context& ctx, const model::Account& moderator, const std::vector<services::ReportDetails>& list, bool array)
{
    return entities_json(ctx, list, array, [&](JsonWriter& w, storage::Repositories& repos, const services::ReportDetails& d) {
        return write_admin_report(w, repos, ctx, moderator, d);
    });
}

Response admin_report_response(Context& ctx, const model::Account& moderator, const Result<model::Report>& r)
{
    if (!r)
        return http::error_response(r.error());
    auto details = reports(ctx).find(moderator, r->id);
    if (!details)
        return http::error_response(details.error());
    auto body = admin_reports_json(ctx, moderator, { *details }, false);
    if (!body)
        return http::error_response(body.error());
    return http::json_response(200, std::move(*body));
}

// GET /api/v1/admin/reports: resolved, account_id (the reporter), target_account_id, pages.
Result<storage::ReportQuery> report_query(Context& ctx, const Request& req)
{
    storage::ReportQuery q;
    storage::StatusQuery page = page_query(req, 100, 200);
    q.page = page;
    q.state = model::ReportState::Open;
    if (auto resolved = req.query_param("resolved"); resolved && http::is_true(*resolved))
        q.state = model::ReportState::Resolved;
    if (auto v = req.query_param("account_id"); v && !v->empty()) {
        auto id = parse_id(*v);
        if (!id)
            return fail(ErrorKind::Unprocessable, "account_id is not an id.", {}, "account_id");
        q.reporter_id = *id;
    }
    if (auto v = req.query_param("target_account_id"); v && !v->empty()) {
        auto id = parse_id(*v);
        if (!id)
            return fail(ErrorKind::Unprocessable, "target_account_id is not an id.", {}, "target_account_id");
        auto target = actor_ref(ctx, *id);
        q.target = target ? *target : model::local_actor(*id);
    }
    return q;
}

using Action = std::function<Result<model::Report>(const model::Account& moderator, Id id, const http::Params& params)>;

void add_action(http::Router& router, Context& ctx, const char* verb, Action action)
{
    add_id_action(router, ctx, std::string("/api/v1/admin/reports/:id/") + verb, "admin:write:reports",
        [&ctx, action](const model::Account& moderator, Id id, const http::Params& params) {
            return admin_report_response(ctx, moderator, action(moderator, id, params));
        });
}

} // namespace

Result<services::ReportResolution> report_resolution(std::string_view action)
{
    if (action.empty() || action == "dismiss")
        return services::ReportResolution::Dismiss;
    if (action == "remove_statuses")
        return services::ReportResolution::RemoveStatuses;
    if (action == "suspend")
        return services::ReportResolution::Suspend;
    return fail(ErrorKind::Unprocessable, "Unknown action: dismiss, remove_statuses or suspend.", {}, "confrere_action");
}

void register_report_routes(http::Router& router, Context& ctx)
{
    router.add("POST", "/api/v1/reports", [&ctx](const Request& req, const PathParams&) {
        auto caller = authenticate_member(ctx, req, "write:reports");
        if (!caller)
            return http::error_response(caller.error());
        auto params = http::parse_params(req);
        if (!params)
            return http::error_response(params.error());
        auto request = new_report_request(ctx, *params);
        if (!request)
            return http::error_response(request.error());
        auto filed = reports(ctx).file(caller->auth.account, std::move(*request));
        if (!filed)
            return http::error_response(filed.error());
        Status written = ok();
        std::string body;
        auto done = ctx.store.read([&](storage::Repositories& repos) -> Status {
            body = report_json(ctx, *filed, repos, written);
            return written;
        });
        if (!done)
            return http::error_response(done.error());
        return http::json_response(200, std::move(body));
    });
    router.add("GET", "/api/v1/admin/reports", [&ctx](const Request& req, const PathParams&) {
        auto caller = authenticate(ctx, req, "admin:read:reports");
        if (!caller)
            return http::error_response(caller.error());
        auto q = report_query(ctx, req);
        if (!q)
            return http::error_response(q.error());
        const model::Account& moderator = caller->auth.account;
        auto list = reports(ctx).list(moderator, *q);
        if (!list)
            return http::error_response(list.error());
        std::vector<services::ReportDetails> details;
        for (const model::Report& r : *list) {
            auto d = reports(ctx).find(moderator, r.id);
            if (!d)
                return http::error_response(d.error());
            details.push_back(std::move(*d));
        }
        auto body = admin_reports_json(ctx, moderator, details, true);
        if (!body)
            return http::error_response(body.error());
        Response res = http::json_response(200, std::move(*body));
        if (!list->empty())
            add_link_header(res, ctx, req, list->front().id, list->back().id);
        return res;
    });
    router.add("GET", "/api/v1/admin/reports/:id", [&ctx](const Request& req, const PathParams& p) {
        auto caller = authenticate(ctx, req, "admin:read:reports");
        if (!caller)
            return http::error_response(caller.error());
        auto id = parse_id(p.at("id"));
        if (!id)
            return http::error_response(id.error());
        auto details = reports(ctx).find(caller->auth.account, *id);
        if (!details)
            return http::error_response(details.error());
        return admin_report_response(ctx, caller->auth.account, details->report);
    });
    // Mastodon resolves without a sanction (its sanctions go through the account action
    // endpoint); our extra parameter confrere_action takes one in the same step.
    add_action(router, ctx, "resolve", [&ctx](const model::Account& m, Id id, const http::Params& params)
                   -> Result<model::Report> {
        auto resolution = report_resolution(params.get_or("confrere_action"));
        if (!resolution)
            return forward(resolution);
        auto resolved = reports(ctx).resolve(m, id, *resolution);
        if (resolved && *resolution == services::ReportResolution::Suspend)
            ctx.public_cache.clear(); // the account vanished from WebFinger and its actor
        return resolved;
    });
    add_action(router, ctx, "reopen", [&ctx](const model::Account& m, Id id, const http::Params&) {
        return reports(ctx).reopen(m, id);
    });
    add_action(router, ctx, "assign_to_self", [&ctx](const model::Account& m, Id id, const http::Params&) {
        return reports(ctx).assign_to_self(m, id);
    });
    add_action(router, ctx, "unassign", [&ctx](const model::Account& m, Id id, const http::Params&) {
        return reports(ctx).unassign(m, id);
    });
}

} // namespace confrere::server::api
