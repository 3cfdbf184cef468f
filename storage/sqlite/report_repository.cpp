// Reports of accounts to the moderators, and the statuses each names.
#include "storage/sqlite/repositories.hpp"
#include "storage/sqlite/rows.hpp"

namespace confrere::storage::sqlite {

namespace {

constexpr const char* kColumns = "id, reporter_id, target_account_id, target_remote_id, category, comment, state,"
                                 " action_taken, resolved_by, resolved_at, assigned_to, created_at, updated_at";

model::Report read_report(const Statement& s)
{
    model::Report r;
    r.id = s.int64(0);
    r.reporter_id = s.int64(1);
    r.target = read_actor(s, 2);
    r.category = model::report_category_from_string(s.text(4)).value_or(model::ReportCategory::Other);
    r.comment = s.text(5);
    r.state = model::report_state_from_string(s.text(6)).value_or(model::ReportState::Open);
    r.action = model::report_action_from_string(s.text(7)).value_or(model::ReportAction::None);
    r.resolved_by = s.optional_int64(8);
    r.resolved_at = optional_time(s, 9);
    r.assigned_to = s.optional_int64(10);
    r.created_at = from_unix_ms(s.int64(11));
    r.updated_at = from_unix_ms(s.int64(12));
    return r;
}

std::optional<std::string_view> state_name(const std::optional<model::ReportState>& state)
{
    if (!state)
        return std::nullopt;
    return model::to_string(*state);
}

} // namespace

Status SqliteReportRepository::insert(const model::Report& r)
{
    auto stmt = db_.prepare("INSERT INTO reports (id, reporter_id, target_account_id, target_remote_id, category,"
                            " comment, state, action_taken, resolved_by, resolved_at, assigned_to, created_at,"
                            " updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, r.id).bind(2, r.reporter_id);
    bind_actor(*stmt, 3, r.target);
    stmt->bind(5, model::to_string(r.category))
        .bind(6, r.comment)
        .bind(7, model::to_string(r.state))
        .bind(8, model::to_string(r.action))
        .bind(9, r.resolved_by)
        .bind(10, optional_ms(r.resolved_at))
        .bind(11, r.assigned_to)
        .bind(12, to_unix_ms(r.created_at))
        .bind(13, to_unix_ms(r.updated_at));
    if (auto rc = stmt->run(); !rc)
        return rc;
    for (Id status_id : r.status_ids) {
        auto link = db_.prepare("INSERT OR IGNORE INTO report_statuses (report_id, status_id) VALUES (?, ?)");
        if (!link)
            return forward(link);
        if (auto rc = link->bind(1, r.id).bind(2, status_id).run(); !rc)
            return rc;
    }
    return ok();
}

Status SqliteReportRepository::load_statuses(model::Report& report)
{
    auto stmt = db_.prepare("SELECT status_id FROM report_statuses WHERE report_id = ? ORDER BY status_id");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, report.id);
    auto ids = collect(*stmt, [](const Statement& s) { return s.int64(0); });
    if (!ids)
        return forward(ids);
    report.status_ids = std::move(*ids);
    return ok();
}

Result<std::optional<model::Report>> SqliteReportRepository::find(Id id)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kColumns + " FROM reports WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, id);
    auto found = first_row(*stmt, read_report);
    if (!found || !*found)
        return found;
    if (auto rc = load_statuses(**found); !rc)
        return forward(rc);
    return found;
}

Result<std::vector<model::Report>> SqliteReportRepository::list(const ReportQuery& q)
{
    auto stmt = db_.prepare(ordered_for(std::string("SELECT ") + kColumns
            + " FROM reports WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR reporter_id = ?2)"
              " AND (?3 IS NULL OR target_account_id = ?3) AND (?4 IS NULL OR target_remote_id = ?4)"
              " AND (?5 IS NULL OR id < ?5) AND (?6 IS NULL OR id > ?6) ORDER BY id DESC LIMIT ?7",
        q.page.end));
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, state_name(q.state)).bind(2, q.reporter_id);
    if (q.target)
        bind_actor(*stmt, 3, *q.target);
    else
        stmt->bind_null(3).bind_null(4);
    stmt->bind(5, q.page.max_id).bind(6, q.page.min_id).bind(7, page_limit(q.page.limit));
    auto rows = collect(*stmt, read_report);
    if (!rows)
        return rows;
    newest_first(*rows, q.page.end);
    for (model::Report& r : *rows)
        if (auto rc = load_statuses(r); !rc)
            return forward(rc);
    return rows;
}

Status SqliteReportRepository::update(const model::Report& r)
{
    auto stmt = db_.prepare("UPDATE reports SET state = ?, action_taken = ?, resolved_by = ?, resolved_at = ?,"
                            " assigned_to = ?, updated_at = ? WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, model::to_string(r.state))
        .bind(2, model::to_string(r.action))
        .bind(3, r.resolved_by)
        .bind(4, optional_ms(r.resolved_at))
        .bind(5, r.assigned_to)
        .bind(6, to_unix_ms(r.updated_at))
        .bind(7, r.id);
    if (auto rc = stmt->run(); !rc)
        return rc;
    if (db_.changes() == 0)
        return fail(ErrorKind::NotFound, "Report not found.");
    return ok();
}

Result<std::int64_t> SqliteReportRepository::count(model::ReportState state)
{
    auto stmt = db_.prepare("SELECT count(*) FROM reports WHERE state = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, model::to_string(state));
    return single_int(*stmt);
}

} // namespace confrere::storage::sqlite
