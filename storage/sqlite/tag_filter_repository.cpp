// Hashtags of statuses, and members' content filters with their keywords.
#include "storage/sqlite/repositories.hpp"
#include "storage/sqlite/rows.hpp"

#include <algorithm>

namespace confrere::storage::sqlite {

namespace {

model::Tag read_tag(const Statement& s)
{
    return model::Tag { s.int64(0), s.text(1), from_unix_ms(s.int64(2)) };
}

std::string contexts_text(const std::vector<model::FilterContext>& contexts)
{
    std::string out;
    for (model::FilterContext c : contexts)
        out += (out.empty() ? "" : " ") + std::string(model::to_string(c));
    return out;
}

std::vector<model::FilterContext> contexts_from_text(std::string_view text)
{
    std::vector<model::FilterContext> out;
    while (!text.empty()) {
        auto space = text.find(' ');
        if (auto c = model::filter_context_from_string(text.substr(0, space)); c)
            out.push_back(*c);
        text = space == std::string_view::npos ? std::string_view {} : text.substr(space + 1);
    }
    return out;
}

constexpr const char* kFilterColumns = "id, account_id, title, contexts, action, expires_at, created_at";

model::Filter read_filter(const Statement& s)
{
    model::Filter f;
    f.id = s.int64(0);
    f.account_id = s.int64(1);
    f.title = s.text(2);
    f.contexts = contexts_from_text(s.text(3));
    f.action = model::filter_action_from_string(s.text(4)).value_or(model::FilterAction::Warn);
    f.expires_at = optional_time(s, 5);
    f.created_at = from_unix_ms(s.int64(6));
    return f;
}

model::FilterKeyword read_keyword(const Statement& s)
{
    return model::FilterKeyword { s.int64(0), s.int64(1), s.text(2), s.boolean(3) };
}

Status expect_change(Connection& db, std::string_view what)
{
    return db.changes() == 0 ? fail(ErrorKind::NotFound, std::string(what) + " not found.") : ok();
}

} // namespace

// --- Tags ----------------------------------------------------------------------------------

Status SqliteTagRepository::set_for_status(Id status_id, const std::vector<std::string>& names, TimePoint at)
{
    auto cleared = db_.prepare("DELETE FROM status_tags WHERE status_id = ?");
    if (!cleared)
        return forward(cleared);
    if (auto rc = cleared->bind(1, status_id).run(); !rc)
        return rc;
    int position = 0;
    for (const std::string& name : names) {
        auto tag
            = db_.prepare("INSERT INTO tags (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING");
        if (!tag)
            return forward(tag);
        if (auto rc = tag->bind(1, name).bind(2, to_unix_ms(at)).run(); !rc)
            return rc;
        auto link = db_.prepare("INSERT INTO status_tags (tag_id, status_id, position)"
                                " SELECT id, ?, ? FROM tags WHERE name = ? ON CONFLICT DO NOTHING");
        if (!link)
            return forward(link);
        if (auto rc = link->bind(1, status_id).bind(2, position++).bind(3, name).run(); !rc)
            return rc;
    }
    return ok();
}

Result<std::vector<std::string>> SqliteTagRepository::for_status(Id status_id)
{
    auto stmt = db_.prepare("SELECT t.name FROM status_tags st JOIN tags t ON t.id = st.tag_id"
                            " WHERE st.status_id = ? ORDER BY st.position");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, status_id);
    return collect(*stmt, [](const Statement& s) { return s.text(0); });
}

Result<std::optional<model::Tag>> SqliteTagRepository::find(std::string_view name)
{
    auto stmt = db_.prepare("SELECT id, name, created_at FROM tags WHERE name = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, name);
    return first_row(*stmt, read_tag);
}

Result<std::vector<model::Tag>> SqliteTagRepository::by_prefix(std::string_view prefix, int limit, int offset)
{
    auto stmt = db_.prepare("SELECT id, name, created_at FROM tags WHERE name LIKE ? ESCAPE '\\'"
                            " ORDER BY length(name), name LIMIT ? OFFSET ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, like_prefix(prefix)).bind(2, page_limit(limit)).bind(3, std::max(offset, 0));
    return collect(*stmt, read_tag);
}

// --- Filters -------------------------------------------------------------------------------

Status SqliteFilterRepository::insert(const model::Filter& f)
{
    auto stmt
        = db_.prepare("INSERT INTO filters (id, account_id, title, contexts, action, expires_at, created_at)"
                      " VALUES (?,?,?,?,?,?,?)");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, f.id)
        .bind(2, f.account_id)
        .bind(3, f.title)
        .bind(4, contexts_text(f.contexts))
        .bind(5, model::to_string(f.action))
        .bind(6, optional_ms(f.expires_at))
        .bind(7, to_unix_ms(f.created_at));
    if (auto rc = stmt->run(); !rc)
        return rc;
    for (const model::FilterKeyword& k : f.keywords)
        if (auto rc = insert_keyword(k); !rc)
            return rc;
    return ok();
}

Status SqliteFilterRepository::update(const model::Filter& f)
{
    auto stmt
        = db_.prepare("UPDATE filters SET title = ?, contexts = ?, action = ?, expires_at = ? WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, f.title)
        .bind(2, contexts_text(f.contexts))
        .bind(3, model::to_string(f.action))
        .bind(4, optional_ms(f.expires_at))
        .bind(5, f.id);
    if (auto rc = stmt->run(); !rc)
        return rc;
    return expect_change(db_, "Filter");
}

Status SqliteFilterRepository::remove(Id id)
{
    auto stmt = db_.prepare("DELETE FROM filters WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    if (auto rc = stmt->bind(1, id).run(); !rc)
        return rc;
    return expect_change(db_, "Filter");
}

Result<std::optional<model::Filter>> SqliteFilterRepository::find(Id id)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kFilterColumns + " FROM filters WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, id);
    auto found = first_row(*stmt, read_filter);
    if (!found || !*found)
        return found;
    auto keywords = db_.prepare("SELECT id, filter_id, keyword, whole_word FROM filter_keywords"
                                " WHERE filter_id = ? ORDER BY id");
    if (!keywords)
        return forward(keywords);
    keywords->bind(1, id);
    auto list = collect(*keywords, read_keyword);
    if (!list)
        return forward(list);
    (*found)->keywords = std::move(*list);
    return found;
}

Result<std::vector<model::Filter>> SqliteFilterRepository::for_account(Id account_id)
{
    auto stmt = db_.prepare(
        std::string("SELECT ") + kFilterColumns + " FROM filters WHERE account_id = ? ORDER BY id");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, account_id);
    auto filters = collect(*stmt, read_filter);
    if (!filters)
        return filters;
    auto keywords = db_.prepare("SELECT k.id, k.filter_id, k.keyword, k.whole_word FROM filter_keywords k"
                                " JOIN filters f ON f.id = k.filter_id WHERE f.account_id = ? ORDER BY k.id");
    if (!keywords)
        return forward(keywords);
    keywords->bind(1, account_id);
    auto list = collect(*keywords, read_keyword);
    if (!list)
        return forward(list);
    for (model::FilterKeyword& k : *list)
        for (model::Filter& f : *filters)
            if (f.id == k.filter_id)
                f.keywords.push_back(std::move(k));
    return filters;
}

Status SqliteFilterRepository::insert_keyword(const model::FilterKeyword& k)
{
    auto stmt
        = db_.prepare("INSERT INTO filter_keywords (id, filter_id, keyword, whole_word) VALUES (?,?,?,?)");
    if (!stmt)
        return forward(stmt);
    return stmt->bind(1, k.id).bind(2, k.filter_id).bind(3, k.keyword).bind(4, k.whole_word).run();
}

Status SqliteFilterRepository::update_keyword(const model::FilterKeyword& k)
{
    auto stmt = db_.prepare("UPDATE filter_keywords SET keyword = ?, whole_word = ? WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    if (auto rc = stmt->bind(1, k.keyword).bind(2, k.whole_word).bind(3, k.id).run(); !rc)
        return rc;
    return expect_change(db_, "Keyword");
}

Status SqliteFilterRepository::remove_keyword(Id id)
{
    auto stmt = db_.prepare("DELETE FROM filter_keywords WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    if (auto rc = stmt->bind(1, id).run(); !rc)
        return rc;
    return expect_change(db_, "Keyword");
}

Result<std::optional<model::FilterKeyword>> SqliteFilterRepository::find_keyword(Id id)
{
    auto stmt = db_.prepare("SELECT id, filter_id, keyword, whole_word FROM filter_keywords WHERE id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, id);
    return first_row(*stmt, read_keyword);
}

} // namespace confrere::storage::sqlite
