// Likes and Announces of statuses, by local accounts and remote actors.
#include "storage/sqlite/repositories.hpp"
#include "storage/sqlite/rows.hpp"

namespace confrere::storage::sqlite {

namespace {

constexpr const char* kColumns = "id, kind, actor_account_id, actor_remote_id, status_id, uri, created_at";

model::Interaction read_interaction(const Statement& s)
{
    model::Interaction i;
    i.id = s.int64(0);
    i.kind = model::interaction_kind_from_string(s.text(1)).value_or(model::InteractionKind::Like);
    i.actor = read_actor(s, 2);
    i.status_id = s.int64(4);
    i.uri = s.text(5);
    i.created_at = from_unix_ms(s.int64(6));
    return i;
}

} // namespace

Status SqliteInteractionRepository::insert(const model::Interaction& i)
{
    auto stmt
        = db_.prepare("INSERT INTO interactions (id, kind, actor_account_id, actor_remote_id, status_id,"
                      " uri, created_at) VALUES (?,?,?,?,?,?,?)");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, i.id).bind(2, model::to_string(i.kind));
    bind_actor(*stmt, 3, i.actor);
    stmt->bind(5, i.status_id).bind(6, i.uri).bind(7, to_unix_ms(i.created_at));
    if (auto rc = stmt->run(); !rc) {
        Error e = name_conflict(rc.error(), "index 'interactions_once'", "status_id",
            "This status was already "
                + std::string(i.kind == model::InteractionKind::Like ? "liked" : "boosted")
                + " by this account.");
        e = name_conflict(
            std::move(e), "interactions.uri", "uri", "An activity with this id already exists.");
        return std::unexpected(
            name_conflict(std::move(e), "interactions.id", "id", "This id is already taken."));
    }
    return ok();
}

Result<std::optional<model::Interaction>> SqliteInteractionRepository::find(
    model::InteractionKind kind, model::ActorRef actor, Id status_id)
{
    // The expressions of the interactions_once index, so that it answers.
    auto stmt = db_.prepare(std::string("SELECT ") + kColumns
        + " FROM interactions WHERE status_id = ? AND kind = ? AND ifnull(actor_account_id, 0) = ?"
          " AND ifnull(actor_remote_id, 0) = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, status_id).bind(2, model::to_string(kind));
    bind_actor_key(*stmt, 3, actor);
    return first_row(*stmt, read_interaction);
}

Result<std::optional<model::Interaction>> SqliteInteractionRepository::find_by_uri(std::string_view uri)
{
    auto stmt
        = db_.prepare(std::string("SELECT ") + kColumns + " FROM interactions WHERE uri = ? AND uri <> ''");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, uri);
    return first_row(*stmt, read_interaction);
}

Result<std::optional<model::Interaction>> SqliteInteractionRepository::find_by_id(Id id)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kColumns + " FROM interactions WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, id);
    return first_row(*stmt, read_interaction);
}

// Three branches, as the home timeline's statuses: the reader's own boosts, then each followed
// local account's and each followed remote actor's newest ?4 within the bounds, read from the
// partial indexes of Announces (so Likes are never scanned).
constexpr const char* kHomeBoosts = R"SQL(
 FROM interactions i WHERE i.id IN (
    SELECT * FROM (SELECT o.id FROM interactions o INDEXED BY interactions_announces_account
                   WHERE o.actor_account_id = ?1 AND o.kind = 'announce'
                   AND (?2 IS NULL OR o.id < ?2) AND (?3 IS NULL OR o.id > ?3) ORDER BY o.id DESC LIMIT ?4)
    UNION ALL
    SELECT x.id FROM follows f JOIN interactions x ON x.id IN (
        SELECT y.id FROM interactions y INDEXED BY interactions_announces_account
        WHERE y.actor_account_id = f.followee_account_id AND y.kind = 'announce'
        AND (?2 IS NULL OR y.id < ?2) AND (?3 IS NULL OR y.id > ?3) ORDER BY y.id DESC LIMIT ?4)
    WHERE f.follower_account_id = ?1 AND f.state = 'accepted'
    UNION ALL
    SELECT x.id FROM follows f JOIN interactions x ON x.id IN (
        SELECT y.id FROM interactions y INDEXED BY interactions_announces_remote
        WHERE y.actor_remote_id = f.followee_remote_id AND y.kind = 'announce'
        AND (?2 IS NULL OR y.id < ?2) AND (?3 IS NULL OR y.id > ?3) ORDER BY y.id DESC LIMIT ?4)
    WHERE f.follower_account_id = ?1 AND f.state = 'accepted')
 ORDER BY i.id DESC LIMIT ?4)SQL";

Result<std::vector<model::Interaction>> SqliteInteractionRepository::home_boosts(Id reader, const PageQuery& page)
{
    auto stmt = db_.prepare(ordered_for(std::string("SELECT ") + kColumns + kHomeBoosts, page.end));
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, reader).bind(2, page.max_id).bind(3, page.min_id).bind(4, page_limit(page.limit));
    auto rows = collect(*stmt, read_interaction);
    if (rows)
        newest_first(*rows, page.end);
    return rows;
}

Status SqliteInteractionRepository::remove(Id id)
{
    auto stmt = db_.prepare("DELETE FROM interactions WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    if (auto rc = stmt->bind(1, id).run(); !rc)
        return rc;
    return db_.changes() == 0 ? fail(ErrorKind::NotFound, "Interaction not found.") : ok();
}

Result<std::int64_t> SqliteInteractionRepository::count(model::InteractionKind kind, Id status_id)
{
    auto stmt = db_.prepare("SELECT count(*) FROM interactions WHERE status_id = ? AND kind = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, status_id).bind(2, model::to_string(kind));
    return single_int(*stmt);
}

Result<std::vector<model::ActorRef>> SqliteInteractionRepository::actors(
    model::InteractionKind kind, Id status_id, int limit)
{
    auto stmt = db_.prepare("SELECT actor_account_id, actor_remote_id FROM interactions"
                            " WHERE status_id = ? AND kind = ? ORDER BY id LIMIT ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, status_id).bind(2, model::to_string(kind)).bind(3, page_limit(limit));
    return collect(*stmt, [](const Statement& s) { return read_actor(s, 0); });
}

Result<std::vector<model::Interaction>> SqliteInteractionRepository::by_actor(
    model::InteractionKind kind, model::ActorRef actor, const PageQuery& page)
{
    auto stmt = db_.prepare(ordered_for(std::string("SELECT ") + kColumns + " FROM interactions WHERE "
            + actor_column("actor", actor)
            + " = ?1 AND kind = ?5 AND (?2 IS NULL OR id < ?2) AND (?3 IS NULL OR id > ?3)"
              " ORDER BY id DESC LIMIT ?4",
        page.end));
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, actor.id).bind(2, page.max_id).bind(3, page.min_id).bind(4, page_limit(page.limit));
    stmt->bind(5, model::to_string(kind));
    auto rows = collect(*stmt, read_interaction);
    if (rows)
        newest_first(*rows, page.end);
    return rows;
}

Result<std::vector<model::Interaction>> SqliteInteractionRepository::on_status(
    model::InteractionKind kind, Id status_id, const PageQuery& page)
{
    auto stmt = db_.prepare(ordered_for(std::string("SELECT ") + kColumns
            + " FROM interactions WHERE status_id = ?1 AND kind = ?5 AND (?2 IS NULL OR id < ?2)"
              " AND (?3 IS NULL OR id > ?3) ORDER BY id DESC LIMIT ?4",
        page.end));
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, status_id).bind(2, page.max_id).bind(3, page.min_id).bind(4, page_limit(page.limit));
    stmt->bind(5, model::to_string(kind));
    auto rows = collect(*stmt, read_interaction);
    if (rows)
        newest_first(*rows, page.end);
    return rows;
}

} // namespace confrere::storage::sqlite
