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
    Migration{3, "federation: remote actors, follows, statuses, interactions, inbox ledger, delivery queue",
        R"SQL(
-- An actor (a local account or a remote actor) is held in two nullable columns,
-- <role>_account_id and <role>_remote_id, exactly one of them set (CHECK), so that each has
-- a real foreign key. Uniqueness over such a pair uses ifnull(…, 0) expressions: a plain
-- UNIQUE never collides on NULLs. Ids are positive (IdGenerator), so 0 is free.

-- Actors of other instances, as last fetched from their origin.
CREATE TABLE remote_actors (
    id             INTEGER PRIMARY KEY,
    uri            TEXT NOT NULL UNIQUE,
    host           TEXT NOT NULL,  -- lower-case authority of uri
    type           TEXT NOT NULL,
    username       TEXT NOT NULL,
    username_key   TEXT NOT NULL,  -- username in ASCII lower case, for handle look-ups
    display_name   TEXT NOT NULL DEFAULT '',
    summary_html   TEXT NOT NULL DEFAULT '',
    url            TEXT NOT NULL DEFAULT '',
    inbox          TEXT NOT NULL,
    shared_inbox   TEXT NOT NULL DEFAULT '',
    outbox         TEXT NOT NULL DEFAULT '',
    followers_url  TEXT NOT NULL DEFAULT '',
    following_url  TEXT NOT NULL DEFAULT '',
    key_id         TEXT NOT NULL,
    public_key_pem TEXT NOT NULL,
    locked         INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
    fetched_at     INTEGER NOT NULL,
    created_at     INTEGER NOT NULL
) STRICT;
-- Not unique: a peer must not be able to lock another actor out by claiming its key id.
CREATE INDEX remote_actors_key_id ON remote_actors (key_id);
CREATE INDEX remote_actors_handle ON remote_actors (username_key, host);

CREATE TABLE follows (
    id                  INTEGER PRIMARY KEY,
    follower_account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    follower_remote_id  INTEGER REFERENCES remote_actors (id) ON DELETE CASCADE,
    followee_account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    followee_remote_id  INTEGER REFERENCES remote_actors (id) ON DELETE CASCADE,
    state               TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
    uri                 TEXT NOT NULL,  -- the Follow activity's id
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    CHECK ((follower_account_id IS NULL) <> (follower_remote_id IS NULL)),
    CHECK ((followee_account_id IS NULL) <> (followee_remote_id IS NULL))
) STRICT;
CREATE UNIQUE INDEX follows_pair ON follows (ifnull(follower_account_id, 0), ifnull(follower_remote_id, 0),
                                             ifnull(followee_account_id, 0), ifnull(followee_remote_id, 0));
CREATE UNIQUE INDEX follows_uri ON follows (uri) WHERE uri <> '';
CREATE INDEX follows_follower_account ON follows (follower_account_id, id);
CREATE INDEX follows_follower_remote ON follows (follower_remote_id, id);
CREATE INDEX follows_followee_account ON follows (followee_account_id, id);
CREATE INDEX follows_followee_remote ON follows (followee_remote_id, id);

-- Local and remote statuses. A deleted one stays as a tombstone (deleted_at set, content
-- cleared) so that its uri keeps answering 410 and late replies still find their parent.
CREATE TABLE statuses (
    id                INTEGER PRIMARY KEY,
    uri               TEXT NOT NULL UNIQUE,
    url               TEXT NOT NULL DEFAULT '',
    author_account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    author_remote_id  INTEGER REFERENCES remote_actors (id) ON DELETE CASCADE,
    audience          TEXT NOT NULL CHECK (audience IN ('instance', 'followers', 'direct', 'group')),
    content_html      TEXT NOT NULL DEFAULT '',
    source_text       TEXT NOT NULL DEFAULT '',
    summary           TEXT NOT NULL DEFAULT '',
    sensitive         INTEGER NOT NULL DEFAULT 0 CHECK (sensitive IN (0, 1)),
    language          TEXT NOT NULL DEFAULT '',
    in_reply_to_id    INTEGER REFERENCES statuses (id) ON DELETE SET NULL,
    in_reply_to_uri   TEXT NOT NULL DEFAULT '',
    context           TEXT NOT NULL DEFAULT '',
    group_id          INTEGER,  -- no groups table yet (issue 4)
    published         INTEGER NOT NULL,
    edited_at         INTEGER,
    deleted_at        INTEGER,
    created_at        INTEGER NOT NULL,
    CHECK ((author_account_id IS NULL) <> (author_remote_id IS NULL))
) STRICT;
CREATE INDEX statuses_author_account ON statuses (author_account_id, id);
CREATE INDEX statuses_author_remote ON statuses (author_remote_id, id);
CREATE INDEX statuses_audience ON statuses (audience, id);
CREATE INDEX statuses_in_reply_to_id ON statuses (in_reply_to_id, id);
CREATE INDEX statuses_in_reply_to_uri ON statuses (in_reply_to_uri);
CREATE INDEX statuses_context ON statuses (context, id);

-- Actors a status names (Mention tags): the recipients of a Direct status.
CREATE TABLE mentions (
    status_id  INTEGER NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    remote_id  INTEGER REFERENCES remote_actors (id) ON DELETE CASCADE,
    CHECK ((account_id IS NULL) <> (remote_id IS NULL))
) STRICT;
CREATE UNIQUE INDEX mentions_once ON mentions (status_id, ifnull(account_id, 0), ifnull(remote_id, 0));
CREATE INDEX mentions_account ON mentions (account_id, status_id);
CREATE INDEX mentions_remote ON mentions (remote_id);

-- Likes and Announces.
CREATE TABLE interactions (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('like', 'announce')),
    actor_account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    actor_remote_id  INTEGER REFERENCES remote_actors (id) ON DELETE CASCADE,
    status_id        INTEGER NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    uri              TEXT NOT NULL,  -- the activity's id
    created_at       INTEGER NOT NULL,
    CHECK ((actor_account_id IS NULL) <> (actor_remote_id IS NULL))
) STRICT;
CREATE UNIQUE INDEX interactions_once ON interactions (status_id, kind, ifnull(actor_account_id, 0),
                                                       ifnull(actor_remote_id, 0));
CREATE UNIQUE INDEX interactions_uri ON interactions (uri) WHERE uri <> '';
CREATE INDEX interactions_actor_account ON interactions (actor_account_id);
CREATE INDEX interactions_actor_remote ON interactions (actor_remote_id);

-- Ids of inbound activities already processed.
CREATE TABLE inbox_ledger (
    uri         TEXT PRIMARY KEY,
    received_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX inbox_ledger_received_at ON inbox_ledger (received_at);

-- The transactional outbox: each activity as it will be POSTed, written in the transaction of
-- the change that caused it, and one delivery per distinct inbox.
CREATE TABLE outbound_activities (
    id                INTEGER PRIMARY KEY,
    uri               TEXT NOT NULL UNIQUE,
    json              TEXT NOT NULL,
    signer_account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,  -- NULL: the instance actor
    created_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX outbound_activities_signer ON outbound_activities (signer_account_id);

CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    activity_id     INTEGER NOT NULL REFERENCES outbound_activities (id) ON DELETE CASCADE,
    inbox           TEXT NOT NULL,
    host            TEXT NOT NULL,  -- lower-case authority of inbox
    state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,  -- claimed by a worker until then
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (activity_id, inbox)
) STRICT;
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);

-- Failures pause deliveries to a whole host.
CREATE TABLE peer_health (
    host                 TEXT PRIMARY KEY,
    consecutive_failures INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    unreachable_until    INTEGER,
    last_success_at      INTEGER,
    last_failure_at      INTEGER
) STRICT, WITHOUT ROWID;
)SQL"},
    Migration{4, "oauth: applications, authorization codes, access tokens", R"SQL(
-- OAuth 2 as Mastodon serves it. Secrets are stored as hex SHA-256 only, like sessions.
CREATE TABLE oauth_applications (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    website            TEXT NOT NULL DEFAULT '',
    redirect_uris      TEXT NOT NULL,  -- one per line
    scopes             TEXT NOT NULL,  -- space-separated
    client_id          TEXT NOT NULL UNIQUE,
    client_secret_hash TEXT NOT NULL,
    created_at         INTEGER NOT NULL
) STRICT;

-- Codes live 10 minutes and are deleted when exchanged.
CREATE TABLE oauth_authorization_codes (
    code_hash      TEXT PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES oauth_applications (id) ON DELETE CASCADE,
    account_id     INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    redirect_uri   TEXT NOT NULL,
    scopes         TEXT NOT NULL,
    code_challenge TEXT NOT NULL DEFAULT '',  -- PKCE S256 (RFC 7636), '' when none
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX oauth_authorization_codes_expires ON oauth_authorization_codes (expires_at);
CREATE INDEX oauth_authorization_codes_application ON oauth_authorization_codes (application_id);
CREATE INDEX oauth_authorization_codes_account ON oauth_authorization_codes (account_id);

-- account_id NULL: an application token (client_credentials grant).
CREATE TABLE oauth_tokens (
    id                 INTEGER PRIMARY KEY,
    application_id     INTEGER NOT NULL REFERENCES oauth_applications (id) ON DELETE CASCADE,
    account_id         INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash         TEXT NOT NULL UNIQUE,
    refresh_token_hash TEXT,  -- NULL when no refresh token was issued
    scopes             TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    revoked_at         INTEGER
) STRICT;
CREATE UNIQUE INDEX oauth_tokens_refresh ON oauth_tokens (refresh_token_hash) WHERE refresh_token_hash IS NOT NULL;
CREATE INDEX oauth_tokens_application ON oauth_tokens (application_id);
CREATE INDEX oauth_tokens_account ON oauth_tokens (account_id);
)SQL"},
    Migration{5, "notifications and markers", R"SQL(
-- What concerns a local member: from_* is the actor (a local account or a remote actor, exactly
-- one set, as in follows), status_id the status concerned (mention, reblog, favourite, update).
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    recipient_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    type            TEXT NOT NULL CHECK (type IN ('mention', 'status', 'reblog', 'follow',
                                                  'follow_request', 'favourite', 'update')),
    from_account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    from_remote_id  INTEGER REFERENCES remote_actors (id) ON DELETE CASCADE,
    status_id       INTEGER REFERENCES statuses (id) ON DELETE CASCADE,
    created_at      INTEGER NOT NULL,
    CHECK ((from_account_id IS NULL) <> (from_remote_id IS NULL))
) STRICT;
-- The same follow, favourite, reblog or mention is notified once.
CREATE UNIQUE INDEX notifications_once ON notifications (recipient_id, type, ifnull(from_account_id, 0),
                                                         ifnull(from_remote_id, 0), ifnull(status_id, 0));
-- A recipient's notifications, newest first (the unique index leads with recipient_id too, but
-- its order is not the id's).
CREATE INDEX notifications_recipient ON notifications (recipient_id, id);
CREATE INDEX notifications_status ON notifications (status_id) WHERE status_id IS NOT NULL;
CREATE INDEX notifications_from_account ON notifications (from_account_id) WHERE from_account_id IS NOT NULL;
CREATE INDEX notifications_from_remote ON notifications (from_remote_id) WHERE from_remote_id IS NOT NULL;

-- Where an account stopped reading its home timeline and its notifications (Mastodon markers).
CREATE TABLE markers (
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    timeline     TEXT NOT NULL CHECK (timeline IN ('home', 'notifications')),
    last_read_id INTEGER NOT NULL CHECK (last_read_id >= 0),
    version      INTEGER NOT NULL CHECK (version >= 1),
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (account_id, timeline)
) STRICT, WITHOUT ROWID;
)SQL"},
    Migration{6, "bookmarks, idempotency keys, account search", R"SQL(
-- Statuses a local account keeps for later: private, never federated. Paged by their own id.
CREATE TABLE bookmarks (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id  INTEGER NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    UNIQUE (account_id, status_id)
) STRICT;
CREATE INDEX bookmarks_account ON bookmarks (account_id, id);
CREATE INDEX bookmarks_status ON bookmarks (status_id);

-- Idempotency-Key of POST /api/v1/statuses (hex SHA-256 of the key), written in the status's
-- own transaction; kept an hour.
CREATE TABLE idempotency_keys (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key_hash   TEXT NOT NULL,
    status_id  INTEGER NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, key_hash)
) STRICT, WITHOUT ROWID;
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
CREATE INDEX idempotency_keys_status ON idempotency_keys (status_id);

-- Favourites of an account and who favourited or boosted a status, paged by interaction id.
CREATE INDEX interactions_actor_account_kind ON interactions (actor_account_id, kind, id);
CREATE INDEX interactions_status_kind ON interactions (status_id, kind, id);
)SQL"},
    Migration{7, "hashtags, full-text search of statuses, content filters", R"SQL(
-- Hashtags, named without '#' in their stored form (ASCII lower case, accents as typed).
CREATE TABLE tags (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL COLLATE NOCASE UNIQUE,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE status_tags (
    tag_id    INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    status_id INTEGER NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,  -- order in the status
    PRIMARY KEY (tag_id, status_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX status_tags_status ON status_tags (status_id, position);

-- The plain text (and content warning) of every live status, rowid = statuses.id, kept in step
-- by the status repository. Accents are folded: "pediatrie" finds "pédiatrie".
CREATE VIRTUAL TABLE status_texts USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO status_texts (rowid, body)
    SELECT id, source_text || ' ' || summary FROM statuses
    WHERE deleted_at IS NULL AND author_account_id IS NOT NULL;

-- Members' content filters (Mastodon's Filter v2).
CREATE TABLE filters (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    contexts     TEXT NOT NULL,  -- space-separated: home notifications public thread account
    action       TEXT NOT NULL CHECK (action IN ('warn', 'hide')),
    expires_at   INTEGER,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX filters_account ON filters (account_id, id);

CREATE TABLE filter_keywords (
    id         INTEGER PRIMARY KEY,
    filter_id  INTEGER NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
    keyword    TEXT NOT NULL,
    whole_word INTEGER NOT NULL CHECK (whole_word IN (0, 1))
) STRICT;
CREATE INDEX filter_keywords_filter ON filter_keywords (filter_id, id);
)SQL"},
    Migration{8, "home timeline window", R"SQL(
-- The newest live statuses with what the home timeline's rule reads of them, so the windowed
-- home timeline (status_repository.cpp) filters a thousand of them without reading their text.
CREATE INDEX statuses_recent ON statuses (id, author_account_id, author_remote_id, audience)
    WHERE deleted_at IS NULL;
)SQL"},
    Migration{9, "groups", R"SQL(
-- Groups hosted here (FEP-1b12 Group actors). Their names share the namespace of usernames,
-- which the services check both ways (acct:name@host names one actor).
CREATE TABLE groups (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL COLLATE NOCASE UNIQUE,
    display_name      TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    interdisciplinary INTEGER NOT NULL CHECK (interdisciplinary IN (0, 1)),
    parent_id         INTEGER REFERENCES groups (id) ON DELETE RESTRICT,
    created_by        INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    public_key_pem    TEXT NOT NULL,
    private_key_pem   TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX groups_parent ON groups (parent_id) WHERE parent_id IS NOT NULL;

-- Specialty tags of a group, normalised like hashtags.
CREATE TABLE group_tags (
    group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    name     TEXT NOT NULL COLLATE NOCASE,
    position INTEGER NOT NULL,
    PRIMARY KEY (group_id, name)
) STRICT, WITHOUT ROWID;
CREATE INDEX group_tags_name ON group_tags (name, group_id);

-- Members of the groups hosted here: local accounts, or remote actors that sent a Follow.
CREATE TABLE group_members (
    id              INTEGER PRIMARY KEY,
    group_id        INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    account_id      INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    remote_actor_id INTEGER REFERENCES remote_actors (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('member', 'moderator')),
    state           TEXT NOT NULL CHECK (state IN ('pending', 'accepted')),
    follow_uri      TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    CHECK ((account_id IS NULL) <> (remote_actor_id IS NULL))
) STRICT;
CREATE UNIQUE INDEX group_members_account ON group_members (account_id, group_id) WHERE account_id IS NOT NULL;
CREATE UNIQUE INDEX group_members_remote ON group_members (remote_actor_id, group_id)
    WHERE remote_actor_id IS NOT NULL;
CREATE INDEX group_members_group ON group_members (group_id, state, id);

-- A group status names its group: statuses.group_id (a group here, which had no table until
-- now) or remote_group_id (a Group actor of another instance).
ALTER TABLE statuses ADD COLUMN remote_group_id INTEGER REFERENCES remote_actors (id) ON DELETE CASCADE;
CREATE INDEX statuses_group ON statuses (group_id, id) WHERE group_id IS NOT NULL;
CREATE INDEX statuses_remote_group ON statuses (remote_group_id, id) WHERE remote_group_id IS NOT NULL;
-- The home timeline's window reads the groups too.
DROP INDEX statuses_recent;
CREATE INDEX statuses_recent ON statuses (id, author_account_id, author_remote_id, audience, group_id, remote_group_id)
    WHERE deleted_at IS NULL;

-- A group signs what it announces with its own key.
ALTER TABLE outbound_activities ADD COLUMN signer_group_id INTEGER REFERENCES groups (id) ON DELETE CASCADE;
)SQL"},
    Migration{10, "thread moves into interdisciplinary groups", R"SQL(
CREATE TABLE thread_moves (
    id            INTEGER PRIMARY KEY,
    status_id     INTEGER NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    from_group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    to_group_id   INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    requested_by  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
    decided_by    INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    reason        TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    decided_at    INTEGER
) STRICT;
-- One pending request per thread.
CREATE UNIQUE INDEX thread_moves_pending ON thread_moves (status_id) WHERE state = 'pending';
CREATE INDEX thread_moves_target ON thread_moves (to_group_id, state, id);
)SQL"},
    Migration{11, "members' specialties", R"SQL(
-- A member's specialty tags, normalised like hashtags (no spaces), space-separated in the order
-- the member gave them; the members' directory filters on them with instr().
ALTER TABLE accounts ADD COLUMN specialties TEXT NOT NULL DEFAULT '';
)SQL"},
    Migration{12, "boosts in home timelines", R"SQL(
-- Each followed actor's boosts, newest first, read by the home timeline one followee at a time
-- (interactions hold many more Likes than Announces).
CREATE INDEX interactions_announces_account ON interactions (actor_account_id, id) WHERE kind = 'announce';
CREATE INDEX interactions_announces_remote ON interactions (actor_remote_id, id) WHERE kind = 'announce';
)SQL"},
    Migration{13, "reports", R"SQL(
-- A member's report of an account (local or remote) to the moderators. The reporter is never
-- shown to the reported member; the target is one of the two actor columns.
CREATE TABLE reports (
    id                INTEGER PRIMARY KEY,
    reporter_id       INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    target_remote_id  INTEGER REFERENCES remote_actors (id) ON DELETE CASCADE,
    category          TEXT NOT NULL CHECK (category IN ('spam', 'legal', 'violation', 'other')),
    comment           TEXT NOT NULL DEFAULT '',
    state             TEXT NOT NULL CHECK (state IN ('open', 'resolved')),
    action_taken      TEXT NOT NULL DEFAULT 'none'
                      CHECK (action_taken IN ('none', 'statuses_removed', 'account_suspended')),
    resolved_by       INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    resolved_at       INTEGER,
    assigned_to       INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    CHECK ((target_account_id IS NULL) != (target_remote_id IS NULL))
) STRICT;
CREATE INDEX reports_queue ON reports (state, id);
CREATE INDEX reports_target_account ON reports (target_account_id, id) WHERE target_account_id IS NOT NULL;
CREATE INDEX reports_target_remote ON reports (target_remote_id, id) WHERE target_remote_id IS NOT NULL;
CREATE INDEX reports_reporter ON reports (reporter_id, id);
CREATE TABLE report_statuses (
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    status_id INTEGER NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    PRIMARY KEY (report_id, status_id)
) STRICT, WITHOUT ROWID;
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
