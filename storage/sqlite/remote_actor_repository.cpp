// Remote actors: stored as fetched from their origin, found by id, uri, key id or handle.
#include "storage/sqlite/repositories.hpp"
#include "storage/sqlite/rows.hpp"

#include <algorithm>

namespace confrere::storage::sqlite {

namespace {

constexpr const char* kColumns
    = "id, uri, host, type, username, display_name, summary_html, url, inbox, shared_inbox, outbox,"
      " followers_url, following_url, key_id, public_key_pem, locked, fetched_at, created_at";

model::RemoteActor read_actor_row(const Statement& s)
{
    model::RemoteActor a;
    a.id = s.int64(0);
    a.uri = s.text(1);
    a.host = s.text(2);
    a.type = s.text(3);
    a.username = s.text(4);
    a.display_name = s.text(5);
    a.summary_html = s.text(6);
    a.url = s.text(7);
    a.inbox = s.text(8);
    a.shared_inbox = s.text(9);
    a.outbox = s.text(10);
    a.followers_url = s.text(11);
    a.following_url = s.text(12);
    a.key_id = s.text(13);
    a.public_key_pem = s.text(14);
    a.locked = s.boolean(15);
    a.fetched_at = from_unix_ms(s.int64(16));
    a.created_at = from_unix_ms(s.int64(17));
    return a;
}

Result<std::optional<model::RemoteActor>> find_one(
    Connection& db, std::string_view where_and_order, auto&& binder)
{
    auto stmt = db.prepare(
        std::string("SELECT ") + kColumns + " FROM remote_actors WHERE " + std::string(where_and_order));
    if (!stmt)
        return forward(stmt);
    binder(*stmt);
    return first_row(*stmt, read_actor_row);
}

} // namespace

Result<model::RemoteActor> SqliteRemoteActorRepository::upsert(const model::RemoteActor& a)
{
    auto stmt = db_.prepare(
        std::string("INSERT INTO remote_actors (id, uri, host, type, username, username_key, display_name,"
                    " summary_html, url, inbox, shared_inbox, outbox, followers_url, following_url, key_id,"
                    " public_key_pem, locked, fetched_at, created_at)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                    " ON CONFLICT (uri) DO UPDATE SET host = excluded.host, type = excluded.type,"
                    " username = excluded.username, username_key = excluded.username_key,"
                    " display_name = excluded.display_name, summary_html = excluded.summary_html,"
                    " url = excluded.url, inbox = excluded.inbox, shared_inbox = excluded.shared_inbox,"
                    " outbox = excluded.outbox, followers_url = excluded.followers_url,"
                    " following_url = excluded.following_url, key_id = excluded.key_id,"
                    " public_key_pem = excluded.public_key_pem, locked = excluded.locked,"
                    " fetched_at = excluded.fetched_at RETURNING ")
        + kColumns);
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, a.id)
        .bind(2, a.uri)
        .bind(3, lower_ascii(a.host))
        .bind(4, a.type)
        .bind(5, a.username)
        .bind(6, lower_ascii(a.username))
        .bind(7, a.display_name)
        .bind(8, a.summary_html)
        .bind(9, a.url)
        .bind(10, a.inbox)
        .bind(11, a.shared_inbox)
        .bind(12, a.outbox)
        .bind(13, a.followers_url)
        .bind(14, a.following_url)
        .bind(15, a.key_id)
        .bind(16, a.public_key_pem)
        .bind(17, a.locked)
        .bind(18, to_unix_ms(a.fetched_at))
        .bind(19, to_unix_ms(a.created_at));
    auto stored = first_row(*stmt, read_actor_row);
    if (!stored)
        return std::unexpected(
            name_conflict(stored.error(), "remote_actors.id", "id", "This id is already taken."));
    if (!*stored)
        return fail(ErrorKind::Internal, "Internal storage error.", "upsert returned no row");
    // RETURNING rows are produced while the statement runs: step to the end so it completes.
    if (auto done = stmt->run(); !done)
        return forward(done);
    return std::move(**stored);
}

Result<std::optional<model::RemoteActor>> SqliteRemoteActorRepository::find_by_id(Id id)
{
    return find_one(db_, "id = ?", [id](Statement& s) { s.bind(1, id); });
}

Result<std::optional<model::RemoteActor>> SqliteRemoteActorRepository::find_by_uri(std::string_view uri)
{
    return find_one(db_, "uri = ?", [uri](Statement& s) { s.bind(1, uri); });
}

Result<std::optional<model::RemoteActor>> SqliteRemoteActorRepository::find_by_key_id(std::string_view key_id)
{
    // Key ids are not unique (a peer could claim another actor's). When several actors claim
    // one, prefer the actor whose document holds the key ("<uri>#main-key", "<uri>/main-key").
    return find_one(db_,
        "key_id = ?1 ORDER BY (key_id = uri OR substr(key_id, 1, length(uri) + 1)"
        " IN (uri || '#', uri || '/')) DESC, fetched_at DESC, id LIMIT 1",
        [key_id](Statement& s) { s.bind(1, key_id); });
}

Result<std::optional<model::RemoteActor>> SqliteRemoteActorRepository::find_by_handle(
    std::string_view username, std::string_view host)
{
    std::string user_key = lower_ascii(username);
    std::string host_key = lower_ascii(host);
    return find_one(db_, "username_key = ? AND host = ? ORDER BY fetched_at DESC, id DESC LIMIT 1",
        [&](Statement& s) { s.bind(1, user_key).bind(2, host_key); });
}

// SearchRepository's remote actor look-up lives here, beside the actor columns.
Result<std::vector<model::RemoteActor>> SqliteSearchRepository::remote_actors(
    std::string_view prefix, std::string_view host, int limit, int offset)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kColumns
        + " FROM remote_actors WHERE (?2 IS NULL AND (username_key LIKE ?1 ESCAPE '\\'"
          " OR display_name LIKE ?1 ESCAPE '\\')) OR (username_key LIKE ?1 ESCAPE '\\' AND host LIKE ?2 ESCAPE '\\')"
          " ORDER BY username_key, host LIMIT ?3 OFFSET ?4");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, like_prefix(lower_ascii(prefix)));
    if (host.empty())
        stmt->bind_null(2);
    else
        stmt->bind(2, like_prefix(lower_ascii(host)));
    stmt->bind(3, page_limit(limit)).bind(4, std::max(offset, 0));
    return collect(*stmt, read_actor_row);
}

} // namespace confrere::storage::sqlite
