#include "storage/sqlite/migrations.hpp"

#include "core/base/log.hpp"

#include <array>
#include <string>

namespace confrere::storage::sqlite {

namespace {

struct Migration {
    int version;
    const char* name;
    const char* sql;
};

// Forward-only, integer-versioned. Never edit a migration that has shipped: add a new one.
constexpr std::array kMigrations{
    Migration{1, "accounts, identities, sessions, directory, settings", R"SQL(
CREATE TABLE accounts (
    id                INTEGER PRIMARY KEY,
    username          TEXT NOT NULL,
    username_key      TEXT NOT NULL UNIQUE,
    email             TEXT NOT NULL,
    email_key         TEXT NOT NULL UNIQUE,
    password_hash     TEXT NOT NULL,
    display_name      TEXT NOT NULL DEFAULT '',
    first_name        TEXT NOT NULL DEFAULT '',
    last_name         TEXT NOT NULL DEFAULT '',
    role              TEXT NOT NULL CHECK (role IN ('member', 'moderator', 'admin', 'partner')),
    state             TEXT NOT NULL CHECK (state IN ('pending', 'active', 'rejected', 'suspended')),
    profession_code   INTEGER NOT NULL DEFAULT 0,
    locale            TEXT NOT NULL DEFAULT 'fr',
    note              TEXT NOT NULL DEFAULT '',
    discoverable      INTEGER NOT NULL DEFAULT 0,
    locked            INTEGER NOT NULL DEFAULT 0,
    public_key_pem    TEXT NOT NULL,
    private_key_pem   TEXT NOT NULL,
    moderation_reason TEXT NOT NULL DEFAULT '',
    moderated_by      INTEGER REFERENCES accounts (id),
    moderated_at      INTEGER,
    directory_flagged INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX accounts_state ON accounts (state, id);

-- The professional identifier: moderators only, never federated nor shown to members.
CREATE TABLE professional_identities (
    account_id               INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    kind                     TEXT NOT NULL CHECK (kind IN ('rpps', 'adeli', 'student')),
    bare_id                  TEXT NOT NULL DEFAULT '',
    national_id              TEXT,
    claims                   INTEGER NOT NULL DEFAULT 1, -- 0 once rejected: frees the identifier
    motivation               TEXT NOT NULL DEFAULT '',
    precheck_outcome         TEXT NOT NULL,
    precheck_import_id       INTEGER,
    precheck_profession_code INTEGER NOT NULL DEFAULT 0,
    precheck_directory_name  TEXT NOT NULL DEFAULT '',
    precheck_detail          TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE UNIQUE INDEX professional_identities_claim
    ON professional_identities (national_id) WHERE national_id IS NOT NULL AND claims = 1;

CREATE TABLE attestations (
    account_id   INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE directory_imports (
    id              INTEGER PRIMARY KEY,
    source_name     TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('loading', 'current', 'replaced')),
    started_at      INTEGER NOT NULL,
    finished_at     INTEGER,
    rows            INTEGER NOT NULL DEFAULT 0,
    entries         INTEGER NOT NULL DEFAULT 0,
    flagged_members INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX directory_imports_one_current ON directory_imports (state) WHERE state = 'current';

CREATE TABLE directory_entries (
    import_id        INTEGER NOT NULL,
    national_id      TEXT NOT NULL,
    profession_code  INTEGER NOT NULL,
    bare_id          TEXT NOT NULL,
    last_name        TEXT NOT NULL,
    first_name       TEXT NOT NULL,
    profession_label TEXT NOT NULL,
    category_code    TEXT NOT NULL,
    PRIMARY KEY (import_id, national_id, profession_code)
) STRICT, WITHOUT ROWID;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
)SQL"},
    Migration{2, "federation peers", R"SQL(
-- Peer instances chosen by the admin: trusted (allowlist mode) or blocked (blocklist mode).
CREATE TABLE peers (
    host       TEXT PRIMARY KEY,  -- lower-case authority: host or host:port
    state      TEXT NOT NULL CHECK (state IN ('trusted', 'blocked')),
    note       TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
)SQL"},
};

} // namespace

int latest_version()
{
    return kMigrations.back().version;
}

Result<int> schema_version(Connection& connection)
{
    auto created = connection.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                   " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                                   " applied_at INTEGER NOT NULL) STRICT");
    if (!created)
        return forward(created);
    auto stmt = connection.prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (!stmt)
        return forward(stmt);
    auto row = stmt->step();
    if (!row)
        return forward(row);
    return static_cast<int>(stmt->int64(0));
}

Status migrate(Connection& connection)
{
    auto current = schema_version(connection);
    if (!current)
        return forward(current);
    if (*current > latest_version())
        return fail(ErrorKind::Conflict,
                    "This database was written by a newer Confrère; refusing to use it.",
                    "schema " + std::to_string(*current) + " > " + std::to_string(latest_version()));
    for (const Migration& m : kMigrations) {
        if (m.version <= *current)
            continue;
        auto tx = Transaction::begin(connection, Transaction::Mode::Write);
        if (!tx)
            return forward(tx);
        if (auto rc = connection.exec(m.sql); !rc)
            return rc;
        auto record = connection.prepare(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, unixepoch())");
        if (!record)
            return forward(record);
        if (auto rc = record->bind(1, m.version).bind(2, m.name).run(); !rc)
            return rc;
        if (auto rc = tx->commit(); !rc)
            return rc;
        log::info("migration_applied", {{"version", m.version}, {"name", m.name}});
    }
    return ok();
}

} // namespace confrere::storage::sqlite
