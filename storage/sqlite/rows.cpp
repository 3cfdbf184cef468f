#include "storage/sqlite/rows.hpp"

#include <algorithm>
#include <cctype>

namespace confrere::storage::sqlite {

std::string lower_ascii(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
        [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string like_prefix(std::string_view prefix)
{
    std::string out;
    for (char c : prefix) {
        if (c == '%' || c == '_' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "%";
}

Result<std::int64_t> single_int(Statement& stmt)
{
    auto row = stmt.step();
    if (!row)
        return forward(row);
    if (!*row)
        return fail(ErrorKind::Internal, "Internal storage error.", "query returned no row");
    return stmt.int64(0);
}

std::string actor_column(std::string_view role, model::ActorRef actor)
{
    return std::string(role) + (actor.local ? "_account_id" : "_remote_id");
}

Statement& bind_actor(Statement& stmt, int index, model::ActorRef actor)
{
    if (actor.local)
        return stmt.bind(index, actor.id).bind_null(index + 1);
    return stmt.bind_null(index).bind(index + 1, actor.id);
}

Statement& bind_actor_key(Statement& stmt, int index, model::ActorRef actor)
{
    return stmt.bind(index, actor.local ? actor.id : Id { 0 })
        .bind(index + 1, actor.local ? Id { 0 } : actor.id);
}

model::ActorRef read_actor(const Statement& stmt, int column)
{
    if (!stmt.is_null(column))
        return model::local_actor(stmt.int64(column));
    return model::remote_actor(stmt.int64(column + 1));
}

std::optional<TimePoint> optional_time(const Statement& stmt, int column)
{
    if (stmt.is_null(column))
        return std::nullopt;
    return from_unix_ms(stmt.int64(column));
}

std::optional<std::int64_t> optional_ms(const std::optional<TimePoint>& t)
{
    if (!t)
        return std::nullopt;
    return to_unix_ms(*t);
}

int page_limit(int limit)
{
    return std::clamp(limit, 1, 200);
}

std::string ordered_for(std::string sql, PageEnd end)
{
    if (end == PageEnd::Newest)
        return sql;
    for (auto at = sql.find(" DESC"); at != std::string::npos; at = sql.find(" DESC", at))
        sql.replace(at, 5, " ASC");
    return sql;
}

Error name_conflict(Error e, std::string_view constraint, std::string_view field, std::string_view message)
{
    if (e.kind != ErrorKind::Conflict)
        return e;
    // SQLite names the violated index at the end: "UNIQUE constraint failed: statuses.uri" or,
    // for an index on expressions, "UNIQUE constraint failed: index 'follows_pair'". Look only
    // there, not in the statement text that precedes it in the detail.
    auto at = e.detail.rfind("constraint failed: ");
    if (at == std::string::npos)
        return e;
    std::string_view names = std::string_view(e.detail).substr(at);
    auto found = names.find(constraint);
    if (found == std::string_view::npos)
        return e;
    // "statuses.uri" must not match "statuses.uri_key": the name ends the list or a column.
    auto end = found + constraint.size();
    if (end < names.size() && names[end] != ',' && names[end] != ' ' && names[end] != '\'')
        return e;
    e.field = std::string(field);
    e.public_message = std::string(message);
    return e;
}

} // namespace confrere::storage::sqlite
