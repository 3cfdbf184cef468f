// Notifications of local members and their reading markers.
#include "storage/sqlite/repositories.hpp"
#include "storage/sqlite/rows.hpp"

#include <algorithm>

namespace confrere::storage::sqlite {

namespace {

constexpr const char* kColumns
    = "id, recipient_id, type, from_account_id, from_remote_id, status_id, created_at";

// The filter of list() and count(): ?1 recipient, ?2 max_id, ?3 lower bound, ?4…?10 the types
// wanted (unused ones NULL), ?11 the actor's id; ?12 is the limit.
constexpr const char* kFilter = " FROM notifications WHERE recipient_id = ?1"
                                " AND (?2 IS NULL OR id < ?2) AND (?3 IS NULL OR id > ?3)"
                                " AND type IN (?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                                " AND (?11 IS NULL OR from_account_id = ?11 OR from_remote_id = ?11)";
constexpr int kTypeSlots = 7;
static_assert(model::kNotificationTypes.size() == kTypeSlots);

model::Notification read_notification(const Statement& s)
{
    model::Notification n;
    n.id = s.int64(0);
    n.recipient_id = s.int64(1);
    n.type = model::notification_type_from_string(s.text(2)).value_or(model::NotificationType::Mention);
    n.from = read_actor(s, 3);
    n.status_id = s.optional_int64(5);
    n.created_at = from_unix_ms(s.int64(6));
    return n;
}

// The lower bound of a page: since_id or min_id, the larger if both are given.
std::optional<Id> lower_bound(const NotificationQuery& q)
{
    if (q.since_id && q.min_id)
        return std::max(*q.since_id, *q.min_id);
    return q.min_id ? q.min_id : q.since_id;
}

void bind_filter(Statement& stmt, Id recipient_id, const NotificationQuery& q, int limit)
{
    stmt.bind(1, recipient_id).bind(2, q.max_id).bind(3, lower_bound(q));
    for (int i = 0; i < kTypeSlots; ++i) {
        if (i < static_cast<int>(q.types.size()))
            stmt.bind(4 + i, model::to_string(q.types[static_cast<std::size_t>(i)]));
        else
            stmt.bind_null(4 + i);
    }
    stmt.bind(11, q.from_id).bind(12, limit);
}

Result<std::int64_t> changes_of(Connection& db, Result<Statement> stmt)
{
    if (!stmt)
        return forward(stmt);
    if (auto rc = stmt->run(); !rc)
        return forward(rc);
    return db.changes();
}

} // namespace

Result<bool> SqliteNotificationRepository::insert(const model::Notification& n)
{
    auto stmt
        = db_.prepare("INSERT INTO notifications (id, recipient_id, type, from_account_id, from_remote_id,"
                      " status_id, created_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, n.id).bind(2, n.recipient_id).bind(3, model::to_string(n.type));
    bind_actor(*stmt, 4, n.from);
    stmt->bind(6, n.status_id).bind(7, to_unix_ms(n.created_at));
    if (auto rc = stmt->run(); !rc)
        return forward(rc);
    return db_.changes() > 0;
}

Result<std::optional<model::Notification>> SqliteNotificationRepository::find(Id recipient_id, Id id)
{
    auto stmt = db_.prepare(
        std::string("SELECT ") + kColumns + " FROM notifications WHERE id = ? AND recipient_id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, id).bind(2, recipient_id);
    return first_row(*stmt, read_notification);
}

Result<std::vector<model::Notification>> SqliteNotificationRepository::list(
    Id recipient_id, const NotificationQuery& q)
{
    if (q.types.empty())
        return std::vector<model::Notification> {};
    // min_id pages backwards: the oldest ones after it, then shown newest first like any page.
    bool backwards = q.min_id.has_value();
    auto stmt = db_.prepare(std::string("SELECT ") + kColumns + kFilter
        + (backwards ? " ORDER BY id ASC LIMIT ?12" : " ORDER BY id DESC LIMIT ?12"));
    if (!stmt)
        return forward(stmt);
    bind_filter(*stmt, recipient_id, q, page_limit(q.limit));
    auto found = collect(*stmt, read_notification);
    if (found && backwards)
        std::reverse(found->begin(), found->end());
    return found;
}

Result<std::int64_t> SqliteNotificationRepository::count(Id recipient_id, const NotificationQuery& q, int cap)
{
    if (q.types.empty())
        return std::int64_t { 0 };
    auto stmt = db_.prepare(std::string("SELECT count(*) FROM (SELECT 1") + kFilter + " LIMIT ?12)");
    if (!stmt)
        return forward(stmt);
    bind_filter(*stmt, recipient_id, q, std::max(cap, 0));
    return single_int(*stmt);
}

Result<bool> SqliteNotificationRepository::remove(Id recipient_id, Id id)
{
    auto stmt = db_.prepare("DELETE FROM notifications WHERE id = ? AND recipient_id = ?");
    if (stmt)
        stmt->bind(1, id).bind(2, recipient_id);
    auto removed = changes_of(db_, std::move(stmt));
    if (!removed)
        return forward(removed);
    return *removed > 0;
}

Result<std::int64_t> SqliteNotificationRepository::remove_all(Id recipient_id)
{
    auto stmt = db_.prepare("DELETE FROM notifications WHERE recipient_id = ?");
    if (stmt)
        stmt->bind(1, recipient_id);
    return changes_of(db_, std::move(stmt));
}

Result<std::int64_t> SqliteNotificationRepository::remove_matching(
    Id recipient_id, model::NotificationType type, model::ActorRef from, std::optional<Id> status_id)
{
    // The expressions of the notifications_once index, so that it answers.
    auto stmt = db_.prepare("DELETE FROM notifications WHERE recipient_id = ? AND type = ?"
                            " AND ifnull(from_account_id, 0) = ? AND ifnull(from_remote_id, 0) = ?"
                            " AND ifnull(status_id, 0) = ?");
    if (stmt) {
        stmt->bind(1, recipient_id).bind(2, model::to_string(type));
        bind_actor_key(*stmt, 3, from);
        stmt->bind(5, status_id.value_or(0));
    }
    return changes_of(db_, std::move(stmt));
}

Result<std::int64_t> SqliteNotificationRepository::remove_for_status(Id status_id)
{
    auto stmt = db_.prepare("DELETE FROM notifications WHERE status_id = ?");
    if (stmt)
        stmt->bind(1, status_id);
    return changes_of(db_, std::move(stmt));
}

Result<std::optional<model::Marker>> SqliteMarkerRepository::find(
    Id account_id, model::MarkerTimeline timeline)
{
    auto stmt = db_.prepare("SELECT last_read_id, version, updated_at FROM markers"
                            " WHERE account_id = ? AND timeline = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, account_id).bind(2, model::to_string(timeline));
    return first_row(*stmt, [&](const Statement& s) {
        return model::Marker { account_id, timeline, s.int64(0), s.int64(1), from_unix_ms(s.int64(2)) };
    });
}

Result<model::Marker> SqliteMarkerRepository::save(
    Id account_id, model::MarkerTimeline timeline, Id last_read_id, TimePoint at)
{
    auto stmt = db_.prepare("INSERT INTO markers (account_id, timeline, last_read_id, version, updated_at)"
                            " VALUES (?1, ?2, ?3, 1, ?4) ON CONFLICT (account_id, timeline) DO UPDATE SET"
                            " last_read_id = excluded.last_read_id, version = version + 1,"
                            " updated_at = excluded.updated_at RETURNING version");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, account_id)
        .bind(2, model::to_string(timeline))
        .bind(3, last_read_id)
        .bind(4, to_unix_ms(at));
    auto version = first_row(*stmt, [](const Statement& s) { return s.int64(0); });
    if (!version)
        return forward(version);
    if (!*version)
        return fail(ErrorKind::Internal, "Internal storage error.", "marker upsert returned no row");
    // Step to the end so the statement is done before it is reset.
    if (auto rest = stmt->step(); !rest)
        return forward(rest);
    return model::Marker { account_id, timeline, last_read_id, **version, at };
}

} // namespace confrere::storage::sqlite
