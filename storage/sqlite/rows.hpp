// Helpers shared by the SQLite repositories: reading rows into values, the two columns of an
// ActorRef, optional times, and naming the field of a unique-constraint failure.
#pragma once

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/model/federation.hpp"
#include "storage/sqlite/database.hpp"
#include "storage/store.hpp"

#include <algorithm>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::storage::sqlite {

// ASCII lower case (usernames, hosts, e-mail keys); other bytes unchanged.
std::string lower_ascii(std::string_view s);

// Steps `stmt` to the end, reading each row with `read(const Statement&)`.
template <class Read> auto collect(Statement& stmt, Read read) -> Result<std::vector<decltype(read(stmt))>>
{
    std::vector<decltype(read(stmt))> out;
    while (true) {
        auto row = stmt.step();
        if (!row)
            return forward(row);
        if (!*row)
            return out;
        out.push_back(read(stmt));
    }
}

// The first row of `stmt` read with `read`, nullopt if there is none.
template <class Read>
auto first_row(Statement& stmt, Read read) -> Result<std::optional<decltype(read(stmt))>>
{
    auto row = stmt.step();
    if (!row)
        return forward(row);
    if (!*row)
        return std::optional<decltype(read(stmt))>();
    return std::optional(read(stmt));
}

// A single integer (count(*)…) from the first row.
Result<std::int64_t> single_int(Statement& stmt);

// An ActorRef lives in `<role>_account_id` (local) or `<role>_remote_id` (remote): the column
// that holds `actor`, to compare with `= ?` so the column's index serves the query.
std::string actor_column(std::string_view role, model::ActorRef actor);
// Binds `actor` to parameters `index` (account id) and `index + 1` (remote id); the other is NULL.
Statement& bind_actor(Statement& stmt, int index, model::ActorRef actor);
// Binds `actor` as the unique indexes over actor pairs key it: `index` gets
// ifnull(account id, 0) and `index + 1` ifnull(remote id, 0).
Statement& bind_actor_key(Statement& stmt, int index, model::ActorRef actor);
// Reads an ActorRef from columns `column` (account id) and `column + 1` (remote id).
model::ActorRef read_actor(const Statement& stmt, int column);

std::optional<TimePoint> optional_time(const Statement& stmt, int column);
std::optional<std::int64_t> optional_ms(const std::optional<TimePoint>& t);

// A LIKE pattern (with ESCAPE '\') matching strings that start with `prefix`.
std::string like_prefix(std::string_view prefix);

// A page size as the APIs allow it: 1 to 200.
int page_limit(int limit);

// `sql` as written (newest first, every ORDER BY … DESC) for PageEnd::Newest; with each " DESC"
// turned into " ASC" for PageEnd::Oldest, whose rows newest_first() then puts back in order.
std::string ordered_for(std::string sql, PageEnd end);
template <class T> void newest_first(std::vector<T>& rows, PageEnd end)
{
    if (end == PageEnd::Oldest)
        std::reverse(rows.begin(), rows.end());
}


// Conflict errors whose SQLite detail names `constraint` ("statuses.uri", "index 'follows_pair'")
// get `field` and `message`; any other error is returned unchanged.
Error name_conflict(Error e, std::string_view constraint, std::string_view field, std::string_view message);

} // namespace confrere::storage::sqlite
