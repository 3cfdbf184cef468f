// Sessions, directory look-ups, settings and the inbox ledger: the small repositories.
#include "storage/sqlite/repositories.hpp"

namespace confrere::storage::sqlite {

Status SqliteSessionRepository::insert(const model::Session& s)
{
    auto stmt = db_.prepare("INSERT INTO sessions (id, account_id, token_hash, csrf_token,"
                            " created_at, expires_at) VALUES (?,?,?,?,?,?)");
    if (!stmt)
        return forward(stmt);
    return stmt->bind(1, s.id).bind(2, s.account_id).bind(3, s.token_hash).bind(4, s.csrf_token)
        .bind(5, to_unix_ms(s.created_at)).bind(6, to_unix_ms(s.expires_at)).run();
}

Result<std::optional<model::Session>> SqliteSessionRepository::find_by_token_hash(std::string_view hash,
                                                                                   TimePoint now)
{
    auto stmt = db_.prepare("SELECT id, account_id, token_hash, csrf_token, created_at, expires_at"
                            " FROM sessions WHERE token_hash = ? AND expires_at > ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, hash).bind(2, to_unix_ms(now));
    auto row = stmt->step();
    if (!row)
        return forward(row);
    if (!*row)
        return std::optional<model::Session>();
    return std::optional(model::Session{stmt->int64(0), stmt->int64(1), stmt->text(2), stmt->text(3),
                                        from_unix_ms(stmt->int64(4)), from_unix_ms(stmt->int64(5))});
}

Status SqliteSessionRepository::remove(Id session_id)
{
    auto stmt = db_.prepare("DELETE FROM sessions WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    return stmt->bind(1, session_id).run();
}

Status SqliteSessionRepository::remove_for_account(Id account_id)
{
    auto stmt = db_.prepare("DELETE FROM sessions WHERE account_id = ?");
    if (!stmt)
        return forward(stmt);
    return stmt->bind(1, account_id).run();
}

Result<std::vector<model::DirectoryEntry>> SqliteDirectoryRepository::find(std::string_view national_id)
{
    auto stmt = db_.prepare(
        "SELECT e.national_id, e.bare_id, e.last_name, e.first_name, e.profession_code,"
        " e.profession_label, e.category_code FROM directory_entries e"
        " JOIN directory_imports i ON i.id = e.import_id AND i.state = 'current'"
        " WHERE e.national_id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, national_id);
    std::vector<model::DirectoryEntry> out;
    while (true) {
        auto row = stmt->step();
        if (!row)
            return forward(row);
        if (!*row)
            break;
        out.push_back(model::DirectoryEntry{stmt->text(0), stmt->text(1), stmt->text(2), stmt->text(3),
                                            static_cast<int>(stmt->int64(4)), stmt->text(5),
                                            stmt->text(6)});
    }
    return out;
}

Result<std::optional<model::DirectoryImport>> SqliteDirectoryRepository::current_import()
{
    auto stmt = db_.prepare("SELECT id, coalesce(finished_at, started_at), source_name, rows, entries,"
                            " flagged_members FROM directory_imports WHERE state = 'current'");
    if (!stmt)
        return forward(stmt);
    auto row = stmt->step();
    if (!row)
        return forward(row);
    if (!*row)
        return std::optional<model::DirectoryImport>();
    return std::optional(model::DirectoryImport{stmt->int64(0), from_unix_ms(stmt->int64(1)),
                                                stmt->text(2), stmt->int64(3), stmt->int64(4),
                                                stmt->int64(5)});
}

Result<std::optional<std::string>> SqliteSettingsRepository::get(std::string_view key)
{
    auto stmt = db_.prepare("SELECT value FROM settings WHERE key = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, key);
    auto row = stmt->step();
    if (!row)
        return forward(row);
    if (!*row)
        return std::optional<std::string>();
    return std::optional(stmt->text(0));
}

Status SqliteSettingsRepository::put(std::string_view key, std::string_view value)
{
    auto stmt = db_.prepare("INSERT INTO settings (key, value) VALUES (?, ?)"
                            " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    if (!stmt)
        return forward(stmt);
    return stmt->bind(1, key).bind(2, value).run();
}

Result<bool> SqliteInboxLedger::remember(std::string_view activity_uri, TimePoint at)
{
    auto stmt
        = db_.prepare("INSERT INTO inbox_ledger (uri, received_at) VALUES (?, ?) ON CONFLICT DO NOTHING");
    if (!stmt)
        return forward(stmt);
    if (auto rc = stmt->bind(1, activity_uri).bind(2, to_unix_ms(at)).run(); !rc)
        return forward(rc);
    return db_.changes() == 1;
}

Result<std::int64_t> SqliteInboxLedger::prune(TimePoint before)
{
    auto stmt = db_.prepare("DELETE FROM inbox_ledger WHERE received_at < ?");
    if (!stmt)
        return forward(stmt);
    if (auto rc = stmt->bind(1, to_unix_ms(before)).run(); !rc)
        return forward(rc);
    return db_.changes();
}

} // namespace confrere::storage::sqlite
