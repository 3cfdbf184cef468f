// Groups hosted here, their specialty tags and their members.
#include "storage/sqlite/repositories.hpp"
#include "storage/sqlite/rows.hpp"

namespace confrere::storage::sqlite {

namespace {

constexpr const char* kColumns = "g.id, g.name, g.display_name, g.description, g.interdisciplinary, g.parent_id,"
                                 " g.created_by, g.public_key_pem, g.created_at, g.updated_at";

model::Group read_group(const Statement& s)
{
    model::Group g;
    g.id = s.int64(0);
    g.name = s.text(1);
    g.display_name = s.text(2);
    g.description = s.text(3);
    g.interdisciplinary = s.boolean(4);
    g.parent_id = s.optional_int64(5);
    g.created_by = s.optional_int64(6);
    g.public_key_pem = s.text(7);
    g.created_at = from_unix_ms(s.int64(8));
    g.updated_at = from_unix_ms(s.int64(9));
    return g;
}

constexpr const char* kMemberColumns
    = "id, group_id, account_id, remote_actor_id, role, state, follow_uri, created_at, updated_at";

model::GroupMember read_member(const Statement& s)
{
    model::GroupMember m;
    m.id = s.int64(0);
    m.group_id = s.int64(1);
    m.member = read_actor(s, 2);
    m.role = model::group_role_from_string(s.text(4)).value_or(model::GroupRole::Member);
    m.state = model::follow_state_from_string(s.text(5)).value_or(model::FollowState::Pending);
    m.follow_uri = s.text(6);
    m.created_at = from_unix_ms(s.int64(7));
    m.updated_at = from_unix_ms(s.int64(8));
    return m;
}

// The column of group_members that holds `actor`.
const char* member_column(model::ActorRef actor)
{
    return actor.local ? "account_id" : "remote_actor_id";
}

constexpr const char* kMoveColumns = "id, status_id, from_group_id, to_group_id, requested_by, state, decided_by,"
                                     " reason, created_at, decided_at";

model::ThreadMove read_move(const Statement& s)
{
    model::ThreadMove m;
    m.id = s.int64(0);
    m.status_id = s.int64(1);
    m.from_group_id = s.int64(2);
    m.to_group_id = s.int64(3);
    m.requested_by = s.int64(4);
    m.state = model::move_state_from_string(s.text(5)).value_or(model::MoveState::Pending);
    m.decided_by = s.optional_int64(6);
    m.reason = s.text(7);
    m.created_at = from_unix_ms(s.int64(8));
    m.decided_at = optional_time(s, 9);
    return m;
}

} // namespace

Status SqliteGroupRepository::insert(const model::Group& g, std::string_view private_key_pem)
{
    auto stmt = db_.prepare("INSERT INTO groups (id, name, display_name, description, interdisciplinary, parent_id,"
                            " created_by, public_key_pem, private_key_pem, created_at, updated_at)"
                            " VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, g.id)
        .bind(2, g.name)
        .bind(3, g.display_name)
        .bind(4, g.description)
        .bind(5, g.interdisciplinary)
        .bind(6, g.parent_id)
        .bind(7, g.created_by)
        .bind(8, g.public_key_pem)
        .bind(9, private_key_pem)
        .bind(10, to_unix_ms(g.created_at))
        .bind(11, to_unix_ms(g.updated_at));
    if (auto rc = stmt->run(); !rc) {
        Error e = name_conflict(rc.error(), "groups.name", "name", "This name is already taken.");
        return std::unexpected(name_conflict(std::move(e), "groups.id", "id", "This id is already taken."));
    }
    return set_tags(g);
}

Status SqliteGroupRepository::update(const model::Group& g, TimePoint at)
{
    auto stmt = db_.prepare("UPDATE groups SET display_name = ?2, description = ?3, updated_at = ?4 WHERE id = ?1");
    if (!stmt)
        return forward(stmt);
    if (auto rc = stmt->bind(1, g.id).bind(2, g.display_name).bind(3, g.description).bind(4, to_unix_ms(at)).run();
        !rc)
        return rc;
    return set_tags(g);
}

Status SqliteGroupRepository::set_tags(const model::Group& g)
{
    auto clear = db_.prepare("DELETE FROM group_tags WHERE group_id = ?");
    if (!clear)
        return forward(clear);
    if (auto rc = clear->bind(1, g.id).run(); !rc)
        return rc;
    int position = 0;
    for (const std::string& name : g.tags) {
        auto add = db_.prepare(
            "INSERT INTO group_tags (group_id, name, position) VALUES (?,?,?) ON CONFLICT DO NOTHING");
        if (!add)
            return forward(add);
        if (auto rc = add->bind(1, g.id).bind(2, name).bind(3, position++).run(); !rc)
            return rc;
    }
    return ok();
}

Result<std::vector<model::Group>> SqliteGroupRepository::with_tags(std::vector<model::Group> groups)
{
    for (model::Group& g : groups) {
        auto stmt = db_.prepare("SELECT name FROM group_tags WHERE group_id = ? ORDER BY position");
        if (!stmt)
            return forward(stmt);
        stmt->bind(1, g.id);
        auto names = collect(*stmt, [](const Statement& s) { return s.text(0); });
        if (!names)
            return forward(names);
        g.tags = std::move(*names);
    }
    return groups;
}

Result<std::optional<model::Group>> SqliteGroupRepository::find_where(std::string_view where, auto&& bind)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kColumns + " FROM groups g WHERE " + std::string(where));
    if (!stmt)
        return forward(stmt);
    bind(*stmt);
    auto row = first_row(*stmt, read_group);
    if (!row || !*row)
        return row;
    auto tagged = with_tags({ std::move(**row) });
    if (!tagged)
        return forward(tagged);
    return std::optional(std::move(tagged->front()));
}

Result<std::optional<model::Group>> SqliteGroupRepository::find_by_id(Id id)
{
    return find_where("g.id = ?", [&](Statement& s) { s.bind(1, id); });
}

Result<std::optional<model::Group>> SqliteGroupRepository::find_by_name(std::string_view name)
{
    return find_where("g.name = ?", [&](Statement& s) { s.bind(1, name); });
}

Result<std::vector<model::Group>> SqliteGroupRepository::list(const GroupQuery& q)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kColumns
        + " FROM groups g WHERE (?1 = '' OR g.name LIKE ?2 ESCAPE '\\' OR g.display_name LIKE ?2 ESCAPE '\\')"
          " AND (?3 = '' OR EXISTS (SELECT 1 FROM group_tags t WHERE t.group_id = g.id AND t.name = ?3))"
          " AND (?4 IS NULL OR g.interdisciplinary = ?4) AND (?5 IS NULL OR g.parent_id = ?5)"
          " AND (?6 = 0 OR g.parent_id IS NULL)"
          " ORDER BY g.name COLLATE NOCASE LIMIT ?7 OFFSET ?8");
    if (!stmt)
        return forward(stmt);
    std::optional<std::int64_t> interdisciplinary;
    if (q.interdisciplinary)
        interdisciplinary = *q.interdisciplinary ? 1 : 0;
    stmt->bind(1, q.prefix)
        .bind(2, like_prefix(q.prefix))
        .bind(3, q.tag)
        .bind(4, interdisciplinary)
        .bind(5, q.parent_id)
        .bind(6, q.top_level)
        .bind(7, page_limit(q.limit))
        .bind(8, std::max(q.offset, 0));
    auto rows = collect(*stmt, read_group);
    if (!rows)
        return forward(rows);
    return with_tags(std::move(*rows));
}

Result<std::string> SqliteGroupRepository::private_key_pem(Id id)
{
    auto stmt = db_.prepare("SELECT private_key_pem FROM groups WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, id);
    auto row = first_row(*stmt, [](const Statement& s) { return s.text(0); });
    if (!row)
        return forward(row);
    if (!*row)
        return fail(ErrorKind::NotFound, "Group not found.");
    return std::move(**row);
}

Status SqliteGroupRepository::insert_member(const model::GroupMember& m)
{
    auto stmt = db_.prepare("INSERT INTO group_members (id, group_id, account_id, remote_actor_id, role, state,"
                            " follow_uri, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, m.id).bind(2, m.group_id);
    bind_actor(*stmt, 3, m.member);
    stmt->bind(5, model::to_string(m.role))
        .bind(6, model::to_string(m.state))
        .bind(7, m.follow_uri)
        .bind(8, to_unix_ms(m.created_at))
        .bind(9, to_unix_ms(m.updated_at));
    if (auto rc = stmt->run(); !rc) {
        Error e = name_conflict(rc.error(), "group_members.account_id", "member", "Already a member.");
        e = name_conflict(std::move(e), "group_members.remote_actor_id", "member", "Already a member.");
        return std::unexpected(name_conflict(std::move(e), "group_members.id", "id", "This id is already taken."));
    }
    return ok();
}

Result<std::optional<model::GroupMember>> SqliteGroupRepository::find_member(Id group_id, model::ActorRef actor)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kMemberColumns + " FROM group_members WHERE "
        + member_column(actor) + " = ? AND group_id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, actor.id).bind(2, group_id);
    return first_row(*stmt, read_member);
}

Result<std::optional<model::GroupMember>> SqliteGroupRepository::find_member_by_follow_uri(std::string_view uri)
{
    if (uri.empty())
        return std::optional<model::GroupMember> {};
    auto stmt = db_.prepare(std::string("SELECT ") + kMemberColumns + " FROM group_members WHERE follow_uri = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, uri);
    return first_row(*stmt, read_member);
}

Status SqliteGroupRepository::update_member(const model::GroupMember& m, TimePoint at)
{
    auto stmt = db_.prepare(
        "UPDATE group_members SET role = ?2, state = ?3, follow_uri = ?4, updated_at = ?5 WHERE id = ?1");
    if (!stmt)
        return forward(stmt);
    return stmt->bind(1, m.id)
        .bind(2, model::to_string(m.role))
        .bind(3, model::to_string(m.state))
        .bind(4, m.follow_uri)
        .bind(5, to_unix_ms(at))
        .run();
}

Status SqliteGroupRepository::remove_member(Id member_id)
{
    auto stmt = db_.prepare("DELETE FROM group_members WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    return stmt->bind(1, member_id).run();
}

Result<std::vector<model::GroupMember>> SqliteGroupRepository::members(Id group_id, const PageQuery& page)
{
    auto stmt = db_.prepare(ordered_for(std::string("SELECT ") + kMemberColumns
            + " FROM group_members WHERE group_id = ?1 AND state = 'accepted'"
              " AND (?2 IS NULL OR id < ?2) AND (?3 IS NULL OR id > ?3) ORDER BY id DESC LIMIT ?4",
        page.end));
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, group_id).bind(2, page.max_id).bind(3, page.min_id).bind(4, page_limit(page.limit));
    auto rows = collect(*stmt, read_member);
    if (rows)
        newest_first(*rows, page.end);
    return rows;
}

Result<std::int64_t> SqliteGroupRepository::count_members(Id group_id, std::optional<model::GroupRole> role)
{
    auto stmt = db_.prepare("SELECT count(*) FROM group_members WHERE group_id = ?1 AND state = 'accepted'"
                            " AND (?2 IS NULL OR role = ?2)");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, group_id);
    if (role)
        stmt->bind(2, model::to_string(*role));
    else
        stmt->bind_null(2);
    return single_int(*stmt);
}

Result<std::vector<std::string>> SqliteGroupRepository::member_inboxes(Id group_id)
{
    auto stmt = db_.prepare("SELECT DISTINCT CASE WHEN r.shared_inbox <> '' THEN r.shared_inbox ELSE r.inbox END"
                            " AS target FROM group_members m JOIN remote_actors r ON r.id = m.remote_actor_id"
                            " WHERE m.group_id = ? AND m.state = 'accepted' AND target <> '' ORDER BY target");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, group_id);
    return collect(*stmt, [](const Statement& s) { return s.text(0); });
}

Result<bool> SqliteGroupRepository::has_member_on(Id group_id, std::string_view host)
{
    auto stmt = db_.prepare("SELECT EXISTS (SELECT 1 FROM group_members m JOIN remote_actors r"
                            " ON r.id = m.remote_actor_id WHERE m.group_id = ? AND m.state = 'accepted'"
                            " AND r.host = ?)");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, group_id).bind(2, lower_ascii(host));
    auto found = single_int(*stmt);
    if (!found)
        return forward(found);
    return *found != 0;
}

Result<std::vector<model::Group>> SqliteGroupRepository::of_account(Id account_id)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kColumns
        + " FROM groups g JOIN group_members m ON m.group_id = g.id"
          " WHERE m.account_id = ? AND m.state = 'accepted' ORDER BY g.name COLLATE NOCASE");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, account_id);
    auto rows = collect(*stmt, read_group);
    if (!rows)
        return forward(rows);
    return with_tags(std::move(*rows));
}

Status SqliteGroupRepository::insert_move(const model::ThreadMove& m)
{
    auto stmt = db_.prepare("INSERT INTO thread_moves (id, status_id, from_group_id, to_group_id, requested_by, state,"
                            " created_at) VALUES (?,?,?,?,?,?,?)");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, m.id)
        .bind(2, m.status_id)
        .bind(3, m.from_group_id)
        .bind(4, m.to_group_id)
        .bind(5, m.requested_by)
        .bind(6, model::to_string(m.state))
        .bind(7, to_unix_ms(m.created_at));
    if (auto rc = stmt->run(); !rc)
        return std::unexpected(name_conflict(rc.error(), "thread_moves.status_id", "status_id",
            "A request to move this thread is already pending."));
    return ok();
}

Result<std::optional<model::ThreadMove>> SqliteGroupRepository::find_move(Id id)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kMoveColumns + " FROM thread_moves WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, id);
    return first_row(*stmt, read_move);
}

Result<std::vector<model::ThreadMove>> SqliteGroupRepository::moves_into(Id group_id, int limit)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kMoveColumns
        + " FROM thread_moves WHERE to_group_id = ? ORDER BY state = 'pending' DESC, id DESC LIMIT ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, group_id).bind(2, page_limit(limit));
    return collect(*stmt, read_move);
}

Status SqliteGroupRepository::decide_move(const model::ThreadMove& m)
{
    auto stmt = db_.prepare(
        "UPDATE thread_moves SET state = ?2, decided_by = ?3, reason = ?4, decided_at = ?5 WHERE id = ?1");
    if (!stmt)
        return forward(stmt);
    return stmt->bind(1, m.id)
        .bind(2, model::to_string(m.state))
        .bind(3, m.decided_by)
        .bind(4, m.reason)
        .bind(5, optional_ms(m.decided_at))
        .run();
}

} // namespace confrere::storage::sqlite
