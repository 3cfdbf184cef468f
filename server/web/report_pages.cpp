// Reports in the web UI: the "Report" form members reach from a status or a profile, and the
// moderators' queue (/moderation/reports) with its decisions. Every rule is
// services::ReportService's (who may report what, who handles reports, what a resolution does).
#include "server/api/routes.hpp"
#include "server/api/status_json.hpp"
#include "server/web/routes.hpp"
#include "server/web/views.hpp"

#include <array>

namespace confrere::server::web {

using http::PathParams;
using http::Response;

namespace {

constexpr int kQueueLimit = 50;
constexpr std::array kCategories { model::ReportCategory::Violation, model::ReportCategory::Legal,
    model::ReportCategory::Spam, model::ReportCategory::Other };

// The report form as typed: shown again, with the error next to its field, when refused.
struct ReportForm {
    std::string account; // "local:<id>" or "remote:<id>"
    std::vector<Id> status_ids;
    std::string category = "violation";
    std::string comment;
    std::optional<Error> error;
};

// The statuses of the form that the reporter may read, as the form shows them.
Result<Value> reported_statuses_value(Visit& v, const model::Account& me, const ReportForm& form)
{
    std::vector<model::Status> readable;
    for (Id id : form.status_ids)
        if (auto status = v.ctx.social->social.status(me, id); status)
            readable.push_back(std::move(*status));
    auto values = status_values(v.ctx, me, readable, *v.texts);
    if (!values)
        return forward(values);
    return Value(std::move(*values));
}

Response form_page(Visit& v, const model::Account& me, const ReportForm& form, int status = 200)
{
    auto ref = parse_actor_ref(form.account);
    if (!ref)
        return message_page(v, 404, "error.not_found");
    auto targets = actor_values(v.ctx, { *ref });
    if (!targets)
        return error_page(v, targets.error());
    if (targets->empty())
        return message_page(v, 404, "error.not_found");
    auto statuses = reported_statuses_value(v, me, form);
    if (!statuses)
        return error_page(v, statuses.error());
    Value data = Value::object();
    data.set("target", targets->front());
    data.set("account", form.account);
    data.set("statuses", std::move(*statuses));
    Value categories(Value::List {});
    for (model::ReportCategory c : kCategories) {
        std::string name(model::to_string(c));
        Value o = Value::object();
        o.set("name", name);
        o.set("label", v.texts->text("report.category." + name));
        o.set("hint", v.texts->text("report.category." + name + ".hint"));
        o.set("checked", name == form.category);
        categories.push(std::move(o));
    }
    data.set("categories", std::move(categories));
    data.set("comment", form.comment);
    if (form.error)
        data.set("error", field_errors(v, std::span<const Error>(&*form.error, 1)));
    return page(v, "report", "report.title", std::move(data), status);
}

// GET /report?status=<id> (the status preselected, its author reported) or
// /report?account=<local:id|remote:id> (from a profile).
Response new_report_page(Visit& v, const model::Account& me)
{
    ReportForm form;
    if (auto text = v.req.query_param("status"); text) {
        auto id = api::parse_id(*text);
        if (!id)
            return message_page(v, 404, "error.not_found");
        auto status = v.ctx.social->social.status(me, *id);
        if (!status)
            return error_page(v, status.error());
        form.account = std::string(status->author.local ? "local:" : "remote:") + std::to_string(status->author.id);
        form.status_ids.push_back(*id);
    } else {
        auto ref = parse_actor_ref(v.req.query_param("account").value_or(""));
        // Only an account members may see (api::actor_ref's rule): nothing about others.
        auto visible = ref ? api::actor_ref(v.ctx, ref->id) : Result<model::ActorRef>(fail(ErrorKind::NotFound, ""));
        if (!ref || !visible || *visible != *ref)
            return message_page(v, 404, "error.not_found");
        form.account = *v.req.query_param("account");
    }
    if (form.account == "local:" + std::to_string(me.id))
        return message_page(v, 422, "report.self");
    return form_page(v, me, form);
}

Response file_report(Visit& v, const model::Account& me, const http::Params& params)
{
    ReportForm form;
    form.account = params.get_or("account");
    form.category = params.get_or("category");
    form.comment = params.get_or("comment");
    for (const std::string& text : params.list("status_ids").value_or(std::vector<std::string> {}))
        if (auto id = api::parse_id(text); id && form.status_ids.size() <= services::kMaxReportedStatuses)
            form.status_ids.push_back(*id);
    auto ref = parse_actor_ref(form.account);
    if (!ref)
        return message_page(v, 404, "error.not_found");
    services::NewReport request;
    request.target = *ref;
    request.status_ids = form.status_ids;
    request.comment = form.comment;
    Result<model::Report> filed = fail(ErrorKind::Unprocessable, "Choose a category.", {}, "category");
    if (auto category = model::report_category_from_string(form.category)) {
        request.category = *category;
        filed = v.ctx.reports->file(me, std::move(request));
    }
    if (!filed) {
        form.error = filed.error();
        return form_page(v, me, form, http::status_for(filed.error().kind));
    }
    return redirect(v, "/report/sent");
}

// What a moderator sees of one report.
Result<Value> report_value(Visit& v, const services::ReportDetails& d, const model::Account& me)
{
    const model::Report& r = d.report;
    Value item = Value::object();
    item.set("id", std::to_string(r.id));
    item.set("category", v.texts->text("report.category." + std::string(model::to_string(r.category))));
    item.set("comment", r.comment);
    item.set("created", display_time(r.created_at));
    item.set("open", r.state == model::ReportState::Open);
    item.set("action", v.texts->text("report.action." + std::string(model::to_string(r.action))));
    item.set("suspendable", r.target.local);
    item.set("assigned_to_me", r.assigned_to == me.id);
    auto done = v.ctx.store.read([&](storage::Repositories& repos) -> Status {
        auto put = [&](const char* key, std::optional<model::ActorRef> ref) -> Status {
            if (!ref)
                return ok();
            auto found = find_actor_value(repos, *ref);
            if (!found)
                return forward(found);
            if (*found)
                item.set(key, std::move(**found));
            return ok();
        };
        auto local = [](std::optional<Id> id) {
            return id ? std::optional(model::local_actor(*id)) : std::nullopt;
        };
        for (auto rc : { put("reporter", model::local_actor(r.reporter_id)), put("target", r.target),
                 put("assigned", local(r.assigned_to)), put("resolver", local(r.resolved_by)) })
            if (!rc)
                return rc;
        // The reported posts' content, whatever their audience: the moderator judges them.
        Value statuses(Value::List {});
        for (const model::Status& s : d.statuses) {
            Value sv = Value::object();
            sv.set("content", Html { s.content_html });
            sv.set("summary", s.summary);
            sv.set("published", display_time(s.published));
            sv.set("deleted", s.deleted_at.has_value());
            sv.set("audience", audience_value(s.audience, *v.texts));
            statuses.push(std::move(sv));
        }
        item.set("removable", !d.statuses.empty());
        item.set("statuses", std::move(statuses));
        return ok();
    });
    if (!done)
        return forward(done);
    return item;
}

Response queue_page(Visit& v, const model::Account& me, bool resolved, std::string_view notice_key = {},
    const Error* error = nullptr, int status = 200)
{
    storage::ReportQuery query;
    query.state = resolved ? model::ReportState::Resolved : model::ReportState::Open;
    query.page.limit = kQueueLimit;
    if (auto max_id = v.req.query_param("max_id"); max_id)
        if (auto id = api::parse_id(*max_id); id)
            query.page.max_id = *id;
    auto& reports = *v.ctx.reports;
    auto list = reports.list(me, query);
    if (!list)
        return error_page(v, list.error());
    Value items(Value::List {});
    for (const model::Report& r : *list) {
        auto details = reports.find(me, r.id);
        if (!details)
            return error_page(v, details.error());
        auto item = report_value(v, *details, me);
        if (!item)
            return error_page(v, item.error());
        items.push(std::move(*item));
    }
    Value data = Value::object();
    data.set("reports", std::move(items));
    data.set("resolved", resolved);
    if (static_cast<int>(list->size()) == kQueueLimit)
        data.set("older", std::string(resolved ? "/moderation/reports?resolved=1&max_id=" : "/moderation/reports?max_id=")
                + std::to_string(list->back().id));
    if (!notice_key.empty())
        data.set("notice", v.texts->text(notice_key));
    if (error != nullptr)
        data.set("error", translate_error(v, *error));
    return page(v, "reports", "reports.title", std::move(data), status);
}

enum class Decision { Resolve, Reopen, Assign, Unassign };

Response decide(Visit& v, const model::Account& me, const http::Params& form, const PathParams& p, Decision decision)
{
    auto id = api::parse_id(p.at("id"));
    if (!id)
        return message_page(v, 404, "error.not_found");
    auto& reports = *v.ctx.reports;
    std::string_view notice = "reports.notice.assigned";
    Result<model::Report> done = fail(ErrorKind::Internal, "");
    switch (decision) {
    case Decision::Resolve: {
        auto resolution = api::report_resolution(form.get_or("action"));
        if (!resolution) {
            done = forward(resolution);
            break;
        }
        done = reports.resolve(me, *id, *resolution);
        notice = *resolution == services::ReportResolution::Dismiss ? "reports.notice.dismissed"
            : *resolution == services::ReportResolution::Suspend    ? "reports.notice.suspended"
                                                                    : "reports.notice.removed";
        if (done && *resolution == services::ReportResolution::Suspend)
            v.ctx.public_cache.clear(); // the account vanished from WebFinger and its actor
        break;
    }
    case Decision::Reopen:
        done = reports.reopen(me, *id);
        notice = "reports.notice.reopened";
        break;
    case Decision::Assign:
        done = reports.assign_to_self(me, *id);
        break;
    case Decision::Unassign:
        done = reports.unassign(me, *id);
        notice = "reports.notice.unassigned";
        break;
    }
    bool resolved_list = form.get_or("list") == "resolved";
    if (!done)
        return queue_page(v, me, resolved_list, {}, &done.error(), http::status_for(done.error().kind));
    return queue_page(v, me, resolved_list, notice);
}

} // namespace

void register_report_pages(http::Router& router, api::Context& ctx, const WebUi& ui)
{
    add_member_page(router, ctx, ui, "/report",
        [](Visit& v, const model::Account& me, const PathParams&) { return new_report_page(v, me); });
    add_member_action(router, ctx, ui, "/report",
        [](Visit& v, const model::Account& me, const http::Params& form, const PathParams&) {
            return file_report(v, me, form);
        });
    add_member_page(router, ctx, ui, "/report/sent",
        [](Visit& v, const model::Account&, const PathParams&) { return message_page(v, 200, "report.sent"); });
    add_member_page(
        router, ctx, ui, "/moderation/reports",
        [](Visit& v, const model::Account& me, const PathParams&) {
            auto resolved = v.req.query_param("resolved");
            return queue_page(v, me, resolved && http::is_true(*resolved));
        },
        Gate::Moderator);
    for (auto [path, decision] : { std::pair { "/moderation/reports/:id/resolve", Decision::Resolve },
             std::pair { "/moderation/reports/:id/reopen", Decision::Reopen },
             std::pair { "/moderation/reports/:id/assign", Decision::Assign },
             std::pair { "/moderation/reports/:id/unassign", Decision::Unassign } })
        add_member_action(
            router, ctx, ui, path,
            [decision](Visit& v, const model::Account& me, const http::Params& form, const PathParams& p) {
                return decide(v, me, form, p, decision);
            },
            Gate::Moderator);
}

} // namespace confrere::server::web
