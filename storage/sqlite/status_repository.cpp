// Statuses (local and remote), their mentions, and the timelines built from them.
#include "storage/sqlite/repositories.hpp"
#include "storage/sqlite/rows.hpp"

#include <algorithm>

namespace confrere::storage::sqlite {

namespace {

constexpr const char* kColumns
    = "s.id, s.uri, s.url, s.author_account_id, s.author_remote_id, s.audience, s.content_html,"
      " s.source_text, s.summary, s.sensitive, s.language, s.in_reply_to_id, s.in_reply_to_uri, s.context,"
      " s.group_id, s.remote_group_id, s.published, s.edited_at, s.deleted_at, s.created_at";

// Paging by id, for the timelines: ?max_id and ?min_id are exclusive bounds; newest first (or
// oldest first for PageEnd::Oldest, see ordered_for).
constexpr const char* kPage = " AND (?2 IS NULL OR s.id < ?2) AND (?3 IS NULL OR s.id > ?3)"
                              " ORDER BY s.id DESC LIMIT ?4";

model::Status read_status(const Statement& s)
{
    model::Status st;
    st.id = s.int64(0);
    st.uri = s.text(1);
    st.url = s.text(2);
    st.author = read_actor(s, 3);
    st.audience = model::audience_from_string(s.text(5)).value_or(model::Audience::Direct);
    st.content_html = s.text(6);
    st.source_text = s.text(7);
    st.summary = s.text(8);
    st.sensitive = s.boolean(9);
    st.language = s.text(10);
    st.in_reply_to_id = s.optional_int64(11);
    st.in_reply_to_uri = s.text(12);
    st.context = s.text(13);
    if (!s.is_null(14) || !s.is_null(15))
        st.group = read_actor(s, 14);
    st.published = from_unix_ms(s.int64(16));
    st.edited_at = optional_time(s, 17);
    st.deleted_at = optional_time(s, 18);
    st.created_at = from_unix_ms(s.int64(19));
    return st;
}

// Runs a paged query: ?2..?4 come from `q`, the others from `bind_first`.
Result<std::vector<model::Status>> page(
    Connection& db, const std::string& sql, const StatusQuery& q, auto&& bind_first)
{
    auto stmt = db.prepare(ordered_for(sql, q.end));
    if (!stmt)
        return forward(stmt);
    bind_first(*stmt);
    stmt->bind(2, q.max_id).bind(3, q.min_id).bind(4, page_limit(q.limit));
    auto rows = collect(*stmt, read_status);
    if (rows)
        newest_first(*rows, q.end);
    return rows;
}

// The words of a status for the full-text index: what a local author typed, or the text of a
// remote status's (sanitised) HTML, tags replaced by spaces and the entities the sanitiser
// writes decoded; then the content warning.
std::string searchable_text(const model::Status& st)
{
    if (!st.source_text.empty())
        return st.source_text + " " + st.summary;
    std::string out;
    std::string_view html = st.content_html;
    for (std::size_t i = 0; i < html.size();) {
        if (html[i] == '<') {
            auto end = html.find('>', i);
            i = end == std::string_view::npos ? html.size() : end + 1;
            out += ' ';
            continue;
        }
        if (html[i] == '&') {
            static constexpr std::pair<std::string_view, char> kEntities[] = { { "&amp;", '&' }, { "&lt;", '<' },
                { "&gt;", '>' }, { "&quot;", '"' }, { "&#39;", '\'' }, { "&apos;", '\'' }, { "&nbsp;", ' ' } };
            bool decoded = false;
            for (auto [entity, c] : kEntities)
                if (html.substr(i).starts_with(entity)) {
                    out += c;
                    i += entity.size();
                    decoded = true;
                    break;
                }
            if (decoded)
                continue;
        }
        out += html[i++];
    }
    return out + " " + st.summary;
}

Status unindex(Connection& db, Id id)
{
    auto stmt = db.prepare("DELETE FROM status_texts WHERE rowid = ?");
    if (!stmt)
        return forward(stmt);
    return stmt->bind(1, id).run();
}

// (Re)indexes a live status's text for SearchRepository::statuses.
Status index(Connection& db, const model::Status& st)
{
    if (auto removed = unindex(db, st.id); !removed)
        return removed;
    if (st.deleted_at)
        return ok();
    auto stmt = db.prepare("INSERT INTO status_texts (rowid, body) VALUES (?, ?)");
    if (!stmt)
        return forward(stmt);
    return stmt->bind(1, st.id).bind(2, searchable_text(st)).run();
}

} // namespace

Status SqliteStatusRepository::insert(const model::Status& st)
{
    auto stmt
        = db_.prepare("INSERT INTO statuses (id, uri, url, author_account_id, author_remote_id, audience,"
                      " content_html, source_text, summary, sensitive, language, in_reply_to_id,"
                      " in_reply_to_uri, context, group_id, remote_group_id, published, edited_at, deleted_at,"
                      " created_at)"
                      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, st.id).bind(2, st.uri).bind(3, st.url);
    bind_actor(*stmt, 4, st.author);
    stmt->bind(6, model::to_string(st.audience))
        .bind(7, st.content_html)
        .bind(8, st.source_text)
        .bind(9, st.summary)
        .bind(10, st.sensitive)
        .bind(11, st.language)
        .bind(12, st.in_reply_to_id)
        .bind(13, st.in_reply_to_uri)
        .bind(14, st.context);
    if (st.group)
        bind_actor(*stmt, 15, *st.group);
    else
        stmt->bind_null(15).bind_null(16);
    stmt->bind(17, to_unix_ms(st.published))
        .bind(18, optional_ms(st.edited_at))
        .bind(19, optional_ms(st.deleted_at))
        .bind(20, to_unix_ms(st.created_at));
    if (auto rc = stmt->run(); !rc) {
        Error e = name_conflict(rc.error(), "statuses.uri", "uri", "A status with this id already exists.");
        return std::unexpected(name_conflict(std::move(e), "statuses.id", "id", "This id is already taken."));
    }
    return index(db_, st);
}

Status SqliteStatusRepository::add_mentions(Id status_id, const std::vector<model::ActorRef>& actors)
{
    for (model::ActorRef actor : actors) {
        // A name mentioned twice is one mention.
        auto stmt = db_.prepare("INSERT INTO mentions (status_id, account_id, remote_id) VALUES (?,?,?)"
                                " ON CONFLICT DO NOTHING");
        if (!stmt)
            return forward(stmt);
        stmt->bind(1, status_id);
        if (auto rc = bind_actor(*stmt, 2, actor).run(); !rc)
            return rc;
    }
    return ok();
}

Result<std::vector<model::ActorRef>> SqliteStatusRepository::mentions(Id status_id)
{
    auto stmt = db_.prepare("SELECT account_id, remote_id FROM mentions WHERE status_id = ? ORDER BY rowid");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, status_id);
    return collect(*stmt, [](const Statement& s) { return read_actor(s, 0); });
}

Result<std::optional<model::Status>> SqliteStatusRepository::find_by_id(Id id)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kColumns + " FROM statuses s WHERE s.id = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, id);
    return first_row(*stmt, read_status);
}

Result<std::optional<model::Status>> SqliteStatusRepository::find_by_uri(std::string_view uri)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kColumns + " FROM statuses s WHERE s.uri = ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, uri);
    return first_row(*stmt, read_status);
}

Status SqliteStatusRepository::update_content(const model::Status& st, TimePoint at)
{
    auto stmt
        = db_.prepare("UPDATE statuses SET content_html = ?, source_text = ?, summary = ?, sensitive = ?,"
                      " language = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, st.content_html)
        .bind(2, st.source_text)
        .bind(3, st.summary)
        .bind(4, st.sensitive)
        .bind(5, st.language)
        .bind(6, to_unix_ms(at))
        .bind(7, st.id);
    if (auto rc = stmt->run(); !rc)
        return rc;
    if (db_.changes() == 0)
        return fail(ErrorKind::NotFound, "Status not found.");
    return index(db_, st);
}

Status SqliteStatusRepository::set_group(Id id, model::ActorRef group)
{
    auto stmt = db_.prepare("UPDATE statuses SET group_id = ?2, remote_group_id = ?3 WHERE id = ?1");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, id);
    if (auto rc = bind_actor(*stmt, 2, group).run(); !rc)
        return rc;
    return db_.changes() == 0 ? fail(ErrorKind::NotFound, "Status not found.") : ok();
}

Status SqliteStatusRepository::mark_deleted(Id id, TimePoint at)
{
    auto existing = db_.prepare("SELECT deleted_at IS NOT NULL FROM statuses WHERE id = ?");
    if (!existing)
        return forward(existing);
    existing->bind(1, id);
    auto deleted = first_row(*existing, [](const Statement& s) { return s.boolean(0); });
    if (!deleted)
        return forward(deleted);
    if (!*deleted)
        return fail(ErrorKind::NotFound, "Status not found.");
    if (**deleted)
        return ok();
    auto tombstone = db_.prepare("UPDATE statuses SET content_html = '', source_text = '', summary = '',"
                                 " deleted_at = ? WHERE id = ?");
    if (!tombstone)
        return forward(tombstone);
    if (auto rc = tombstone->bind(1, to_unix_ms(at)).bind(2, id).run(); !rc)
        return rc;
    for (const char* sql : { "DELETE FROM mentions WHERE status_id = ?", "DELETE FROM interactions WHERE status_id = ?",
             "DELETE FROM status_tags WHERE status_id = ?", "DELETE FROM status_texts WHERE rowid = ?" }) {
        auto stmt = db_.prepare(sql);
        if (!stmt)
            return forward(stmt);
        if (auto rc = stmt->bind(1, id).run(); !rc)
            return rc;
    }
    return ok();
}

Result<std::vector<model::Status>> SqliteStatusRepository::by_author(
    model::ActorRef author, const StatusQuery& q)
{
    // ?5 (include_deleted) comes after the paging parameters; SQLite numbers them as written.
    std::string sql = std::string("SELECT ") + kColumns + " FROM statuses s WHERE s."
        + actor_column("author", author) + " = ?1 AND (?5 = 1 OR s.deleted_at IS NULL)" + kPage;
    return page(db_, sql, q, [&](Statement& s) { s.bind(1, author.id).bind(5, q.include_deleted); });
}

// The four ways a status reaches a reader's home timeline, one branch each below:
//   1. the reader wrote it, whatever its audience;
//   2. a local author the reader follows (accepted) posted to Instance or Followers;
//   3. a remote author the reader follows (accepted) posted to Followers (a remote Instance
//      status cannot exist: Instance never leaves its instance; if one did, it stays out);
//   4. a Direct status names the reader;
//   5. a status of a group the reader belongs to: a group here (accepted membership) or a
//      Group actor of another instance the reader follows (accepted).
// Each branch keeps only its newest ?4 in the page window (per followed author in 2 and 3),
// read from an index; the page's ?4 statuses are among them, so a page costs about
// (followed authors + 2) × limit rows however large the table grows. INDEXED BY pins the
// per-author index: without statistics the planner may prefer (audience, id), a scan of every
// author's statuses for each followed one.
constexpr const char* kHomeTimelineFrom = R"SQL(
 FROM statuses s WHERE s.deleted_at IS NULL AND s.id IN (
    SELECT * FROM (SELECT o.id FROM statuses o
                   WHERE o.author_account_id = ?1 AND o.deleted_at IS NULL
                   AND (?2 IS NULL OR o.id < ?2) AND (?3 IS NULL OR o.id > ?3) ORDER BY o.id DESC LIMIT ?4)
    UNION ALL
    SELECT x.id FROM follows f JOIN statuses x ON x.id IN (
        SELECT y.id FROM statuses y INDEXED BY statuses_author_account
        WHERE y.author_account_id = f.followee_account_id AND y.audience IN ('instance', 'followers')
        AND y.deleted_at IS NULL
        AND (?2 IS NULL OR y.id < ?2) AND (?3 IS NULL OR y.id > ?3) ORDER BY y.id DESC LIMIT ?4)
    WHERE f.follower_account_id = ?1 AND f.state = 'accepted'
    UNION ALL
    SELECT x.id FROM follows f JOIN statuses x ON x.id IN (
        SELECT y.id FROM statuses y INDEXED BY statuses_author_remote
        WHERE y.author_remote_id = f.followee_remote_id AND y.audience = 'followers' AND y.deleted_at IS NULL
        AND (?2 IS NULL OR y.id < ?2) AND (?3 IS NULL OR y.id > ?3) ORDER BY y.id DESC LIMIT ?4)
    WHERE f.follower_account_id = ?1 AND f.state = 'accepted'
    UNION ALL
    SELECT * FROM (SELECT m.status_id FROM mentions m JOIN statuses d ON d.id = m.status_id
                   WHERE m.account_id = ?1 AND d.audience = 'direct' AND d.deleted_at IS NULL
                   AND (?2 IS NULL OR m.status_id < ?2) AND (?3 IS NULL OR m.status_id > ?3)
                   ORDER BY m.status_id DESC LIMIT ?4)
    UNION ALL
    SELECT x.id FROM group_members g JOIN statuses x ON x.id IN (
        SELECT y.id FROM statuses y INDEXED BY statuses_group
        WHERE y.group_id = g.group_id AND y.audience = 'group' AND y.deleted_at IS NULL
        AND (?2 IS NULL OR y.id < ?2) AND (?3 IS NULL OR y.id > ?3) ORDER BY y.id DESC LIMIT ?4)
    WHERE g.account_id = ?1 AND g.state = 'accepted'
    UNION ALL
    SELECT x.id FROM follows f JOIN statuses x ON x.id IN (
        SELECT y.id FROM statuses y INDEXED BY statuses_remote_group
        WHERE y.remote_group_id = f.followee_remote_id AND y.audience = 'group' AND y.deleted_at IS NULL
        AND (?2 IS NULL OR y.id < ?2) AND (?3 IS NULL OR y.id > ?3) ORDER BY y.id DESC LIMIT ?4)
    WHERE f.follower_account_id = ?1 AND f.state = 'accepted')
 ORDER BY s.id DESC LIMIT ?4)SQL";

// The same five branches, applied to a window: the kHomeWindow newest live statuses within the
// page's bounds (oldest ones for a min_id page), read from the covering index statuses_recent
// without their text. When the window holds a whole page, that page is the answer: every
// status outside the window is older (newer, for min_id) than all those inside. Otherwise the
// query above decides. On an instance where members follow a few dozen active colleagues, the
// window answers nearly every first page, at a fraction of the cost of the per-author branches.
constexpr int kHomeWindow = 1000;
constexpr const char* kHomeWindowFrom = R"SQL(
 FROM statuses s WHERE s.id IN (
    SELECT w.id FROM (SELECT id, author_account_id, author_remote_id, audience, group_id, remote_group_id
                      FROM statuses INDEXED BY statuses_recent
                      WHERE deleted_at IS NULL AND (?2 IS NULL OR id < ?2) AND (?3 IS NULL OR id > ?3)
                      ORDER BY id DESC LIMIT ?5) w
    WHERE w.author_account_id = ?1
       OR (w.audience IN ('instance', 'followers') AND w.author_account_id IN (
               SELECT followee_account_id FROM follows
               WHERE follower_account_id = ?1 AND state = 'accepted' AND followee_account_id IS NOT NULL))
       OR (w.audience = 'followers' AND w.author_remote_id IN (
               SELECT followee_remote_id FROM follows
               WHERE follower_account_id = ?1 AND state = 'accepted' AND followee_remote_id IS NOT NULL))
       OR (w.audience = 'direct'
           AND EXISTS (SELECT 1 FROM mentions m WHERE m.account_id = ?1 AND m.status_id = w.id))
       OR (w.audience = 'group' AND w.group_id IN (
               SELECT group_id FROM group_members WHERE account_id = ?1 AND state = 'accepted'))
       OR (w.audience = 'group' AND w.remote_group_id IN (
               SELECT followee_remote_id FROM follows
               WHERE follower_account_id = ?1 AND state = 'accepted' AND followee_remote_id IS NOT NULL))
    ORDER BY w.id DESC LIMIT ?4)
 ORDER BY s.id DESC LIMIT ?4)SQL";

Result<std::vector<model::Status>> SqliteStatusRepository::home_timeline(Id reader, const StatusQuery& q)
{
    auto windowed = page(db_, std::string("SELECT ") + kColumns + kHomeWindowFrom, q,
        [reader](Statement& s) { s.bind(1, reader).bind(5, kHomeWindow); });
    if (!windowed || windowed->size() >= static_cast<std::size_t>(page_limit(q.limit)))
        return windowed;
    return page(db_, std::string("SELECT ") + kColumns + kHomeTimelineFrom, q,
        [reader](Statement& s) { s.bind(1, reader); });
}

namespace {

// TimelineFilter::author_profession over the statuses `s` of a query, as parameter ?N: a
// remote author (author_account_id NULL) has no known profession, so it never matches.
std::string author_profession_is(int n)
{
    std::string p = "?" + std::to_string(n);
    return " AND (" + p + " = 0 OR s.author_account_id IN (SELECT pa.id FROM accounts pa WHERE pa.profession_code = "
        + p + "))";
}

// " AND the status carries the hashtag ?n (empty: any)".
std::string tag_is(int n)
{
    std::string p = "?" + std::to_string(n);
    return " AND (" + p + " = '' OR s.id IN (SELECT st.status_id FROM status_tags st JOIN tags t ON t.id = st.tag_id"
                          " WHERE t.name = "
        + p + "))";
}

} // namespace

Result<std::vector<model::Status>> SqliteStatusRepository::instance_timeline(
    const StatusQuery& q, const TimelineFilter& filter)
{
    std::string sql = std::string("SELECT ") + kColumns
        + " FROM statuses s WHERE s.audience = 'instance' AND s.author_account_id IS NOT NULL"
          " AND s.deleted_at IS NULL"
        + author_profession_is(5) + tag_is(6) + kPage;
    return page(db_, sql, q, [&](Statement& s) { s.bind(5, filter.author_profession).bind(6, filter.tag); });
}

Result<std::vector<model::Status>> SqliteStatusRepository::group_timeline(
    model::ActorRef group, const StatusQuery& q, const TimelineFilter& filter)
{
    std::string sql = std::string("SELECT ") + kColumns + " FROM statuses s WHERE s."
        + (group.local ? "group_id" : "remote_group_id") + " = ?1 AND s.audience = 'group' AND s.deleted_at IS NULL"
        + author_profession_is(5) + tag_is(6) + kPage;
    return page(db_, sql, q, [&](Statement& s) {
        s.bind(1, group.id).bind(5, filter.author_profession).bind(6, filter.tag);
    });
}

Result<std::vector<model::Status>> SqliteStatusRepository::replies(Id status_id, int limit)
{
    auto stmt = db_.prepare(std::string("SELECT ") + kColumns
        + " FROM statuses s WHERE s.in_reply_to_id = ? AND s.deleted_at IS NULL"
          " ORDER BY s.published, s.id LIMIT ?");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, status_id).bind(2, page_limit(limit));
    return collect(*stmt, read_status);
}

Status SqliteStatusRepository::attach_orphans(std::string_view uri, Id id)
{
    auto stmt = db_.prepare("UPDATE statuses SET in_reply_to_id = ?2 WHERE in_reply_to_uri = ?1 AND ?1 <> ''"
                            " AND in_reply_to_id IS NULL AND id <> ?2");
    if (!stmt)
        return forward(stmt);
    return stmt->bind(1, uri).bind(2, id).run();
}

Result<std::int64_t> SqliteStatusRepository::count_local()
{
    auto stmt = db_.prepare("SELECT count(*) FROM statuses INDEXED BY statuses_author_account"
                            " WHERE author_account_id IS NOT NULL AND deleted_at IS NULL");
    if (!stmt)
        return forward(stmt);
    return single_int(*stmt);
}

Result<std::int64_t> SqliteStatusRepository::count_by_author(model::ActorRef author)
{
    auto stmt = db_.prepare(author.local
            ? "SELECT count(*) FROM statuses WHERE author_account_id = ? AND deleted_at IS NULL"
            : "SELECT count(*) FROM statuses WHERE author_remote_id = ? AND deleted_at IS NULL");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, author.id);
    return single_int(*stmt);
}

// services::can_read in SQL, over the statuses `s` of a query whose ?1 is the reader (a local
// account): never deleted; its author; Instance statuses of local authors; Followers statuses
// of authors the reader follows (accepted); Followers and Direct statuses naming the reader.
// Group statuses of groups the reader belongs to (an accepted member of a group here, an accepted
// follower of a remote Group actor). Keep it in step with can_read: status_repository_test
// compares the two on every audience.
constexpr const char* kReadableByReader = R"SQL(
 s.deleted_at IS NULL AND (
    s.author_account_id = ?1
    OR (s.audience = 'instance' AND s.author_account_id IS NOT NULL)
    OR (s.audience = 'followers' AND EXISTS (SELECT 1 FROM follows f WHERE f.follower_account_id = ?1
        AND f.state = 'accepted'
        AND (f.followee_account_id = s.author_account_id OR f.followee_remote_id = s.author_remote_id)))
    OR (s.audience IN ('followers', 'direct')
        AND EXISTS (SELECT 1 FROM mentions m WHERE m.status_id = s.id AND m.account_id = ?1))
    OR (s.audience = 'group' AND EXISTS (SELECT 1 FROM group_members g WHERE g.group_id = s.group_id
        AND g.account_id = ?1 AND g.state = 'accepted'))
    OR (s.audience = 'group' AND EXISTS (SELECT 1 FROM follows f WHERE f.follower_account_id = ?1
        AND f.state = 'accepted' AND f.followee_remote_id = s.remote_group_id)))
)SQL";

namespace {

// "?5,?6,…": the placeholders of `count` names bound as parameters from ?first on.
std::string placeholders(int first, std::size_t count)
{
    std::string out;
    for (std::size_t i = 0; i < count; ++i)
        out += (i ? ",?" : "?") + std::to_string(first + static_cast<int>(i));
    return out;
}

constexpr std::size_t kMaxTagsPerClause = 10;

// FTS5 query for the words of `text`: each word a quoted string (so operators and quotes in
// what people type are just text), the last one a prefix; all must occur. Empty if no words.
std::string fts_query(std::string_view text)
{
    std::vector<std::string> words;
    std::string word;
    auto flush = [&] {
        if (!word.empty() && words.size() < 10)
            words.push_back("\"" + word + "\"");
        word.clear();
    };
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            flush();
        else if (c == '"')
            word += "\"\"";
        else
            word += c;
    }
    flush();
    std::string query;
    for (const std::string& w : words)
        query += (query.empty() ? "" : " ") + w;
    if (!query.empty())
        query += "*";
    return query;
}

} // namespace

Result<std::vector<model::Status>> SqliteSearchRepository::tag_timeline(Id reader, const TagTimelineQuery& q)
{
    auto cap = [](const std::vector<std::string>& names) {
        return std::vector<std::string>(names.begin(), names.begin() + std::min(names.size(), kMaxTagsPerClause));
    };
    const auto any = cap(q.any), all = cap(q.all), none = cap(q.none);
    if (any.empty())
        return std::vector<model::Status> {};
    int next = 5; // ?1 reader, ?2..?4 paging
    std::string sql = std::string("SELECT ") + kColumns
        + " FROM statuses s WHERE s.id IN (SELECT st.status_id FROM status_tags st JOIN tags t ON t.id = st.tag_id"
          " WHERE t.name IN ("
        + placeholders(next, any.size()) + "))";
    next += static_cast<int>(any.size());
    for (std::size_t i = 0; i < all.size(); ++i)
        sql += " AND EXISTS (SELECT 1 FROM status_tags sa JOIN tags ta ON ta.id = sa.tag_id WHERE sa.status_id = s.id"
               " AND ta.name = ?"
            + std::to_string(next++) + ")";
    if (!none.empty()) {
        sql += " AND NOT EXISTS (SELECT 1 FROM status_tags sn JOIN tags tn ON tn.id = sn.tag_id"
               " WHERE sn.status_id = s.id AND tn.name IN ("
            + placeholders(next, none.size()) + "))";
        next += static_cast<int>(none.size());
    }
    if (q.local_only)
        sql += " AND s.author_account_id IS NOT NULL";
    if (q.remote_only)
        sql += " AND s.author_remote_id IS NOT NULL";
    const int profession = next++;
    sql += author_profession_is(profession);
    sql += std::string(" AND") + kReadableByReader + kPage;
    return page(db_, sql, q.page, [&](Statement& s) {
        s.bind(1, reader);
        int index = 5;
        for (const auto* names : { &any, &all, &none })
            for (const std::string& name : *names)
                s.bind(index++, name);
        s.bind(profession, q.author_profession);
    });
}

Result<std::vector<model::Status>> SqliteSearchRepository::statuses(Id reader, const StatusSearchQuery& q)
{
    std::string match = fts_query(q.text);
    if (match.empty())
        return std::vector<model::Status> {};
    auto stmt = db_.prepare(std::string("SELECT ") + kColumns
        + " FROM statuses s WHERE s.id IN (SELECT rowid FROM status_texts WHERE status_texts MATCH ?2)"
          " AND (?5 IS NULL OR s.author_account_id = ?5) AND (?6 IS NULL OR s.author_remote_id = ?6) AND"
        + kReadableByReader + " ORDER BY s.id DESC LIMIT ?3 OFFSET ?4");
    if (!stmt)
        return forward(stmt);
    stmt->bind(1, reader).bind(2, match).bind(3, page_limit(q.limit)).bind(4, std::max(q.offset, 0));
    if (q.author)
        bind_actor(*stmt, 5, *q.author);
    else
        stmt->bind_null(5).bind_null(6);
    return collect(*stmt, read_status);
}

} // namespace confrere::storage::sqlite
