// Follows between local accounts and remote actors, in both directions.
#include "storage/sqlite/repositories.hpp"
#include "storage/sqlite/rows.hpp"

namespace confrere::storage::sqlite {

namespace {

constexpr const char* kColumns = "id, follower_account_id, follower_remote_id, followee_account_id,"
                                 " followee_remote_id, state, uri, created_at, updated_at";

model::Follow read_follow(const Statement& s)
{
    model::Follow f;
    f.id = s.int64(0);
    f.follower = read_actor(s, 1);
    f.followee = read_actor(s, 3);
    f.state = model::follow_state_from_string(s.text(5)).value_or(model::FollowState::Pending);
    f.uri = s.text(6);
    f.created_at = from_unix_ms(s.int64(7));
    f.updated_at = from_unix_ms(s.int64(8));
    return f;
}

Error with_conflict_field(Error e)
{
    e = name_conflict(std::move(e), "index 'follows_pair'", "followee", "This follow already exists.");
    e = name_conflict(std::move(e), "follows.uri", "uri", "A follow with this id already exists.");
    return name_conflict(std::move(e), "follows.id", "id", "This id is already taken.");
}

} // namespace

Status SqliteFollowRepository::insert(const model::Follow& f)
{
    auto stmt = db_.prepare("INSERT INTO follows (id, follower_account_id, follower_remote_id,"
                            " followee_account_id, followee_remote_id, state, uri, created_at, updated_at)"
                            " VALUES (?,?,?,?,?,?,?,?,?)");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, f.id);
    bind_actor(*stmt, 2, f.follower);
    bind_actor(*stmt, 4, f.followee);
    stmt->bind(6, model::to_string(f.state))
        .bind(7, f.uri)
        .bind(8, to_unix_ms(f.created_at))
        .bind(9, to_unix_ms(f.updated_at));
    if (auto rc = stmt->run(); !rc)
        return std::unexpected(with_conflict_field(rc.error()));
    return ok();
}

Result<std::optional<model::Follow>> SqliteFollowRepository::find(
    model::ActorRef follower, model::ActorRef followee)
{
    // The expressions of the follows_pair index, so that it answers.
    auto stmt = db_.prepare(std::string("SELECT ") + kColumns
        + " FROM follows WHERE ifnull(follower_account_id, 0) = ? AND ifnull(follower_remote_id, 0) = ?"
          " AND ifnull(followee_account_id, 0) = ? AND ifnull(followee_remote_id, 0) = ?");
    if (!stmt)
        return forward(stmt);
    bind_actor_key(*stmt, 1, follower);
    bind_actor_key(*stmt, 3, followee);
    return first_row(*stmt, read_follow);
}

Result<std::optional<model::Follow>> SqliteFollowRepository::find_by_id(Id id)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kColumns + " FROM follows WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, id);
    return first_row(*stmt, read_follow);
}

Result<std::optional<model::Follow>> SqliteFollowRepository::find_by_uri(std::string_view uri)
{
    // `uri <> ''` lets the partial unique index answer, and an empty uri find nothing.
    auto stmt = db_.prepare(std::string("SELECT ") + kColumns + " FROM follows WHERE uri = ? AND uri <> ''");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, uri);
    return first_row(*stmt, read_follow);
}

Status SqliteFollowRepository::set_state(Id id, model::FollowState state, TimePoint at)
{
    auto stmt = db_.prepare("UPDATE follows SET state = ?, updated_at = ? WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    if (auto rc = stmt->bind(1, model::to_string(state)).bind(2, to_unix_ms(at)).bind(3, id).run(); !rc)
        return rc;
    return db_.changes() == 0 ? fail(ErrorKind::NotFound, "Follow not found.") : ok();
}

Status SqliteFollowRepository::remove(Id id)
{
    auto stmt = db_.prepare("DELETE FROM follows WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    if (auto rc = stmt->bind(1, id).run(); !rc)
        return rc;
    return db_.changes() == 0 ? fail(ErrorKind::NotFound, "Follow not found.") : ok();
}

Result<std::vector<model::Follow>> SqliteFollowRepository::list(
    std::string_view role, model::ActorRef actor, const FollowQuery& q)
{
    auto stmt
        = db_.prepare(ordered_for(std::string("SELECT ") + kColumns + " FROM follows WHERE " + actor_column(role, actor)
            + " = ?1 AND (?2 IS NULL OR state = ?2) AND (?3 IS NULL OR id < ?3) AND (?5 IS NULL OR id > ?5)"
              " ORDER BY id DESC LIMIT ?4",
            q.end));
    if (!stmt)
        return forward(stmt);
    std::optional<std::string> state;
    if (q.state)
        state = std::string(model::to_string(*q.state));
    stmt->bind(1, actor.id).bind(2, state).bind(3, q.max_id).bind(4, page_limit(q.limit)).bind(5, q.min_id);
    auto rows = collect(*stmt, read_follow);
    if (rows)
        newest_first(*rows, q.end);
    return rows;
}

Result<std::vector<model::Follow>> SqliteFollowRepository::followers_of(
    model::ActorRef followee, const FollowQuery& query)
{
    return list("followee", followee, query);
}

Result<std::vector<model::Follow>> SqliteFollowRepository::followed_by(
    model::ActorRef follower, const FollowQuery& query)
{
    return list("follower", follower, query);
}

Result<std::int64_t> SqliteFollowRepository::count(
    std::string_view role, model::ActorRef actor, model::FollowState state)
{
    auto stmt = db_.prepare(
        "SELECT count(*) FROM follows WHERE " + actor_column(role, actor) + " = ? AND state = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, actor.id).bind(2, model::to_string(state));
    return single_int(*stmt);
}

Result<std::int64_t> SqliteFollowRepository::count_followers(
    model::ActorRef followee, model::FollowState state)
{
    return count("followee", followee, state);
}

Result<std::int64_t> SqliteFollowRepository::count_following(
    model::ActorRef follower, model::FollowState state)
{
    return count("follower", follower, state);
}

Result<std::vector<std::string>> SqliteFollowRepository::follower_inboxes(model::ActorRef followee)
{
    auto stmt
        = db_.prepare("SELECT DISTINCT CASE WHEN r.shared_inbox <> '' THEN r.shared_inbox ELSE r.inbox END"
                      " AS target FROM follows f JOIN remote_actors r ON r.id = f.follower_remote_id"
                      " WHERE f."
            + actor_column("followee", followee)
            + " = ? AND f.state = 'accepted' AND target <> '' ORDER BY target");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, followee.id);
    return collect(*stmt, [](const Statement& s) { return s.text(0); });
}

} // namespace confrere::storage::sqlite
