// Bookmarks and the Idempotency-Keys of posted statuses: both private to one local account.
#include "storage/sqlite/repositories.hpp"
#include "storage/sqlite/rows.hpp"

namespace confrere::storage::sqlite {

namespace {

constexpr const char* kColumns = "id, account_id, status_id, created_at";

model::Bookmark read_bookmark(const Statement& s)
{
    return model::Bookmark { s.int64(0), s.int64(1), s.int64(2), from_unix_ms(s.int64(3)) };
}

} // namespace

Result<model::Bookmark> SqliteBookmarkRepository::insert(const model::Bookmark& b)
{
    auto stmt = db_.prepare("INSERT INTO bookmarks (id, account_id, status_id, created_at) VALUES (?,?,?,?)"
                            " ON CONFLICT (account_id, status_id) DO NOTHING");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, b.id).bind(2, b.account_id).bind(3, b.status_id).bind(4, to_unix_ms(b.created_at));
    if (auto rc = stmt->run(); !rc)
        return std::unexpected(name_conflict(rc.error(), "bookmarks.id", "id", "This id is already taken."));
    auto stored = find(b.account_id, b.status_id);
    if (!stored)
        return forward(stored);
    if (!*stored)
        return fail(ErrorKind::Internal, "Internal storage error.", "bookmark missing after insert");
    return **stored;
}

Result<std::optional<model::Bookmark>> SqliteBookmarkRepository::find(Id account_id, Id status_id)
{
    auto stmt = db_.prepare(
        std::string("SELECT ") + kColumns + " FROM bookmarks WHERE account_id = ? AND status_id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, account_id).bind(2, status_id);
    return first_row(*stmt, read_bookmark);
}

Status SqliteBookmarkRepository::remove(Id account_id, Id status_id)
{
    auto stmt = db_.prepare("DELETE FROM bookmarks WHERE account_id = ? AND status_id = ?");
    if (!stmt)
        return forward(stmt);
    return stmt->bind(1, account_id).bind(2, status_id).run();
}

Result<std::vector<model::Bookmark>> SqliteBookmarkRepository::list(Id account_id, const PageQuery& page)
{
    auto stmt = db_.prepare(ordered_for(std::string("SELECT ") + kColumns
            + " FROM bookmarks WHERE account_id = ?1 AND (?2 IS NULL OR id < ?2) AND (?3 IS NULL OR id > ?3)"
              " ORDER BY id DESC LIMIT ?4",
        page.end));
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, account_id).bind(2, page.max_id).bind(3, page.min_id).bind(4, page_limit(page.limit));
    auto rows = collect(*stmt, read_bookmark);
    if (rows)
        newest_first(*rows, page.end);
    return rows;
}

Result<std::optional<Id>> SqliteIdempotencyRepository::find(
    Id account_id, std::string_view key_hash, TimePoint not_before)
{
    auto stmt = db_.prepare("SELECT status_id FROM idempotency_keys WHERE account_id = ? AND key_hash = ?"
                            " AND created_at >= ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, account_id).bind(2, key_hash).bind(3, to_unix_ms(not_before));
    return first_row(*stmt, [](const Statement& s) { return s.int64(0); });
}

Status SqliteIdempotencyRepository::insert(
    Id account_id, std::string_view key_hash, Id status_id, TimePoint at)
{
    auto stmt = db_.prepare("INSERT INTO idempotency_keys (account_id, key_hash, status_id, created_at)"
                            " VALUES (?,?,?,?) ON CONFLICT (account_id, key_hash) DO UPDATE SET"
                            " status_id = excluded.status_id, created_at = excluded.created_at");
    if (!stmt)
        return forward(stmt);
    return stmt->bind(1, account_id).bind(2, key_hash).bind(3, status_id).bind(4, to_unix_ms(at)).run();
}

Result<std::int64_t> SqliteIdempotencyRepository::prune(TimePoint before)
{
    auto stmt = db_.prepare("DELETE FROM idempotency_keys WHERE created_at < ?");
    if (!stmt)
        return forward(stmt);
    if (auto rc = stmt->bind(1, to_unix_ms(before)).run(); !rc)
        return forward(rc);
    return static_cast<std::int64_t>(db_.changes());
}

} // namespace confrere::storage::sqlite
