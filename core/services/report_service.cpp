#include "core/services/report_service.hpp"

#include "core/base/log.hpp"
#include "core/base/text.hpp"
#include "core/services/access_policy.hpp"
#include "core/services/moderation_service.hpp"
#include "core/services/social_service.hpp"

#include <algorithm>

namespace confrere::services {

namespace {

Status check_request(const model::Account& reporter, const NewReport& r)
{
    if (r.target == model::local_actor(reporter.id))
        return fail(ErrorKind::Unprocessable, "You cannot report yourself.", {}, "account_id");
    if (!text::is_valid_utf8(r.comment))
        return fail(ErrorKind::Unprocessable, "The comment is not valid text.", {}, "comment");
    if (text::count_code_points(r.comment) > kMaxReportCommentCharacters)
        return fail(ErrorKind::Unprocessable, "The comment is too long (1000 characters at most).", {}, "comment");
    if (r.status_ids.size() > kMaxReportedStatuses)
        return fail(ErrorKind::Unprocessable, "A report names 20 posts at most.", {}, "status_ids");
    return ok();
}

// The reported account exists and members may know of it (an active local account, or a known
// remote actor).
Status check_target(storage::Repositories& repos, model::ActorRef target)
{
    bool found = false;
    if (target.local) {
        auto account = repos.accounts().find_by_id(target.id);
        if (!account)
            return forward(account);
        found = *account && (*account)->state == model::AccountState::Active;
    } else {
        auto actor = repos.remote_actors().find_by_id(target.id);
        if (!actor)
            return forward(actor);
        found = actor->has_value();
    }
    if (!found)
        return fail(ErrorKind::NotFound, "Account not found.", {}, "account_id");
    return ok();
}

// Each status is the target's and readable by the reporter: a report never reveals a status.
Status check_statuses(storage::Repositories& repos, const model::Account& reporter, const NewReport& r)
{
    for (Id id : r.status_ids) {
        auto status = repos.statuses().find_by_id(id);
        if (!status)
            return forward(status);
        bool readable = false;
        if (*status) {
            auto can = can_read(repos, reporter, **status);
            if (!can)
                return forward(can);
            readable = *can;
        }
        if (!readable)
            return fail(ErrorKind::NotFound, "Status not found.", {}, "status_ids");
        if ((*status)->author != r.target)
            return fail(ErrorKind::Unprocessable, "A reported post must be the reported account's.", {}, "status_ids");
    }
    return ok();
}

} // namespace

Result<model::Report> ReportService::file(const model::Account& reporter, NewReport request)
{
    if (auto allowed = require_member_reader(reporter); !allowed)
        return forward(allowed);
    request.comment = std::string(text::trim(request.comment));
    if (auto valid = check_request(reporter, request); !valid)
        return forward(valid);
    std::sort(request.status_ids.begin(), request.status_ids.end());
    request.status_ids.erase(std::unique(request.status_ids.begin(), request.status_ids.end()), request.status_ids.end());
    model::Report report;
    report.id = ids_.next();
    report.reporter_id = reporter.id;
    report.target = request.target;
    report.category = request.category;
    report.comment = std::move(request.comment);
    report.status_ids = request.status_ids;
    report.created_at = report.updated_at = clock_.now();
    auto done = store_.write([&](storage::Repositories& repos) -> Status {
        if (auto target = check_target(repos, request.target); !target)
            return target;
        if (auto statuses = check_statuses(repos, reporter, request); !statuses)
            return statuses;
        return repos.reports().insert(report);
    });
    if (!done)
        return forward(done);
    // Who reported whom stays in the database: the log says only that a report came in.
    log::info("report_filed", { { "report_id", report.id }, { "category", model::to_string(report.category) } });
    return report;
}

Result<std::vector<model::Report>> ReportService::list(
    const model::Account& moderator, const storage::ReportQuery& query)
{
    if (auto allowed = require_moderator(moderator); !allowed)
        return forward(allowed);
    std::vector<model::Report> out;
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        auto rows = repos.reports().list(query);
        if (!rows)
            return forward(rows);
        out = std::move(*rows);
        return ok();
    });
    if (!done)
        return forward(done);
    return out;
}

Result<ReportDetails> ReportService::find(const model::Account& moderator, Id report_id)
{
    if (auto allowed = require_moderator(moderator); !allowed)
        return forward(allowed);
    ReportDetails details;
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        auto report = repos.reports().find(report_id);
        if (!report)
            return forward(report);
        if (!*report)
            return fail(ErrorKind::NotFound, "Report not found.");
        details.report = std::move(**report);
        // The moderator reads the reported statuses whatever their audience (that is the
        // point of a report); nobody else reads them through a report.
        for (Id id : details.report.status_ids) {
            auto status = repos.statuses().find_by_id(id);
            if (!status)
                return forward(status);
            if (*status)
                details.statuses.push_back(std::move(**status));
        }
        return ok();
    });
    if (!done)
        return forward(done);
    return details;
}

Result<model::Report> ReportService::change(
    const model::Account& moderator, Id report_id, const std::function<Status(model::Report&)>& edit)
{
    if (auto allowed = require_moderator(moderator); !allowed)
        return forward(allowed);
    model::Report changed;
    auto done = store_.write([&](storage::Repositories& repos) -> Status {
        auto report = repos.reports().find(report_id);
        if (!report)
            return forward(report);
        if (!*report)
            return fail(ErrorKind::NotFound, "Report not found.");
        changed = std::move(**report);
        if (auto edited = edit(changed); !edited)
            return edited;
        changed.updated_at = clock_.now();
        return repos.reports().update(changed);
    });
    if (!done)
        return forward(done);
    return changed;
}

namespace {

Status require_open(const model::Report& r)
{
    if (r.state != model::ReportState::Open)
        return fail(ErrorKind::Conflict, "This report is already resolved.");
    return ok();
}

} // namespace

Result<model::Report> ReportService::resolve(const model::Account& moderator, Id report_id, ReportResolution resolution)
{
    auto details = find(moderator, report_id);
    if (!details)
        return forward(details);
    const model::Report& report = details->report;
    if (auto open = require_open(report); !open)
        return forward(open);
    model::ReportAction action = model::ReportAction::None;
    if (resolution == ReportResolution::RemoveStatuses) {
        if (report.status_ids.empty())
            return fail(ErrorKind::Unprocessable, "This report names no post to remove.", {}, "action");
        for (Id id : report.status_ids)
            if (auto removed = social_.remove_as_moderator(moderator, id); !removed)
                return forward(removed);
        action = model::ReportAction::StatusesRemoved;
    } else if (resolution == ReportResolution::Suspend) {
        if (!report.target.local)
            return fail(ErrorKind::Unprocessable, "Only an account of this instance can be suspended.", {}, "action");
        auto account = storage::read_value(store_, [&](storage::Repositories& repos) { return repos.accounts().find_by_id(report.target.id); });
        if (!account)
            return forward(account);
        // Already suspended (by another report, say): the sanction stands; record it.
        if (!*account || (*account)->state != model::AccountState::Suspended)
            if (auto suspended = moderation_.suspend(moderator, report.target.id, "Report " + std::to_string(report.id));
                !suspended)
                return forward(suspended);
        action = model::ReportAction::AccountSuspended;
    }
    auto resolved = change(moderator, report_id, [&](model::Report& r) -> Status {
        if (auto open = require_open(r); !open)
            return open;
        r.state = model::ReportState::Resolved;
        r.action = action;
        r.resolved_by = moderator.id;
        r.resolved_at = clock_.now();
        return ok();
    });
    if (resolved)
        log::info("report_resolved",
            { { "report_id", report_id }, { "action", model::to_string(action) }, { "moderator_id", moderator.id } });
    return resolved;
}

Result<model::Report> ReportService::reopen(const model::Account& moderator, Id report_id)
{
    // A reopened report is open again as if never handled; what was removed or suspended stays
    // so (ModerationService::unsuspend lifts a suspension).
    return change(moderator, report_id, [](model::Report& r) -> Status {
        if (r.state != model::ReportState::Resolved)
            return fail(ErrorKind::Conflict, "This report is already open.");
        r.state = model::ReportState::Open;
        r.action = model::ReportAction::None;
        r.resolved_by.reset();
        r.resolved_at.reset();
        return ok();
    });
}

Result<model::Report> ReportService::assign_to_self(const model::Account& moderator, Id report_id)
{
    return change(moderator, report_id, [&](model::Report& r) -> Status {
        r.assigned_to = moderator.id;
        return ok();
    });
}

Result<model::Report> ReportService::unassign(const model::Account& moderator, Id report_id)
{
    return change(moderator, report_id, [](model::Report& r) -> Status {
        r.assigned_to.reset();
        return ok();
    });
}

Result<std::int64_t> ReportService::open_count(const model::Account& moderator)
{
    if (auto allowed = require_moderator(moderator); !allowed)
        return forward(allowed);
    return storage::read_value(store_, [](storage::Repositories& repos) { return repos.reports().count(model::ReportState::Open); });
}

} // namespace confrere::services
