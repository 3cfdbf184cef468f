// SocialService's lists: bookmarks, favourites, who interacted with a status, an author's
// statuses, followers and following. Each keeps what the reader may read by the one visibility
// rule (can_read); the SQL only pages.
#include "core/services/access_policy.hpp"
#include "core/services/social_service.hpp"

#include <algorithm>

namespace confrere::services {

namespace {

// Rows scanned at most for one page whose rows are filtered after the query: a page of
// unreadable rows ends early rather than scanning a whole table.
constexpr int kMaxScannedRows = 400;

// Reads pages of `fetch(query)` (newest first, as the repositories return them) and keeps the
// rows `keep` accepts until `query.limit` are kept. Walks away from the bound the query is cut
// from: towards older rows for PageEnd::Newest, newer ones for PageEnd::Oldest (min_id).
// `cursor(row)` is the id the rows are paged by. Returns the kept rows newest first.
template <class Query, class Fetch, class Keep, class Cursor>
auto read_filtered(Query query, Fetch fetch, Keep keep, Cursor cursor)
    -> Result<typename std::invoke_result_t<Fetch, const Query&>::value_type>
{
    using Rows = typename std::invoke_result_t<Fetch, const Query&>::value_type;
    const auto wanted = static_cast<std::size_t>(std::clamp(query.limit, 1, 200));
    Rows kept;
    int scanned = 0;
    while (kept.size() < wanted && scanned < kMaxScannedRows) {
        auto chunk = fetch(query);
        if (!chunk)
            return forward(chunk);
        scanned += static_cast<int>(chunk->size());
        if (query.end == storage::PageEnd::Oldest)
            std::reverse(chunk->begin(), chunk->end());
        for (auto& row : *chunk) {
            auto accepted = keep(row);
            if (!accepted)
                return forward(accepted);
            if (*accepted)
                kept.push_back(row);
            if (kept.size() == wanted)
                break;
        }
        if (chunk->empty() || static_cast<int>(chunk->size()) < query.limit)
            break;
        if (query.end == storage::PageEnd::Newest)
            query.max_id = cursor(chunk->back());
        else
            query.min_id = cursor(chunk->back());
    }
    if (query.end == storage::PageEnd::Oldest)
        std::reverse(kept.begin(), kept.end());
    return kept;
}

// The readable status `status_id`, or nullopt (absent, deleted, hidden).
Result<std::optional<model::Status>> readable_status(
    storage::Repositories& repos, const model::Account& reader, Id status_id)
{
    auto status = repos.statuses().find_by_id(status_id);
    if (!status || !*status)
        return status;
    auto readable = can_read(repos, reader, **status);
    if (!readable)
        return forward(readable);
    if (!*readable)
        return std::optional<model::Status> {};
    return status;
}

// A reply to the author's own status (a thread), which exclude_replies keeps as Mastodon does.
// A parent not stored here counts as someone else's.
Result<bool> is_self_reply(storage::Repositories& repos, const model::Status& s)
{
    if (!s.in_reply_to_id)
        return false;
    auto parent = repos.statuses().find_by_id(*s.in_reply_to_id);
    if (!parent)
        return forward(parent);
    return *parent && (*parent)->author == s.author;
}

// Statuses listed by another row (a bookmark, a Like) whose id pages them.
struct ListedStatus {
    Id cursor = 0;
    model::Status status;
};

StatusPage to_page(std::vector<ListedStatus>&& rows)
{
    StatusPage page;
    if (!rows.empty()) {
        page.newest = rows.front().cursor;
        page.oldest = rows.back().cursor;
    }
    for (auto& row : rows)
        page.statuses.push_back(std::move(row.status));
    return page;
}

// Reads the statuses behind rows of `list(repos, query)` (cursor, status id), keeping the
// readable ones.
template <class Row, class List>
Result<StatusPage> listed_statuses(storage::Store& store, const model::Account& reader,
    const storage::PageQuery& page, List list, Id (*status_of)(const Row&), Id (*cursor_of)(const Row&))
{
    if (auto allowed = require_member_reader(reader); !allowed)
        return forward(allowed);
    std::vector<ListedStatus> rows;
    auto done = store.read([&](storage::Repositories& repos) -> Status {
        auto fetch = [&](const storage::PageQuery& q) -> Result<std::vector<ListedStatus>> {
            auto found = list(repos, q);
            if (!found)
                return forward(found);
            std::vector<ListedStatus> out;
            for (const Row& row : *found) {
                auto status = readable_status(repos, reader, status_of(row));
                if (!status)
                    return forward(status);
                // Unreadable rows stay in the chunk (empty status) so that paging goes on past them.
                out.push_back(ListedStatus { cursor_of(row), status->value_or(model::Status {}) });
            }
            return out;
        };
        auto kept = read_filtered(
            page, fetch, [](const ListedStatus& r) -> Result<bool> { return r.status.id != 0; },
            [](const ListedStatus& r) { return r.cursor; });
        if (!kept)
            return forward(kept);
        rows = std::move(*kept);
        return ok();
    });
    if (!done)
        return forward(done);
    return to_page(std::move(rows));
}

} // namespace

Result<model::Status> SocialService::bookmark(const model::Account& member, Id status_id)
{
    auto target = status(member, status_id);
    if (!target)
        return target;
    auto done = write([&](storage::Repositories& repos) -> Status {
        model::Bookmark bookmark { ids_.next(), member.id, status_id, clock_.now() };
        auto stored = repos.bookmarks().insert(bookmark);
        return stored ? ok() : forward(stored);
    });
    if (!done)
        return forward(done);
    return target;
}

Status SocialService::unbookmark(const model::Account& member, Id status_id)
{
    if (auto allowed = require_member_reader(member); !allowed)
        return allowed;
    return write([&](storage::Repositories& repos) -> Status {
        return repos.bookmarks().remove(member.id, status_id);
    });
}

Result<StatusPage> SocialService::bookmarks(const model::Account& member, const storage::PageQuery& page)
{
    return listed_statuses<model::Bookmark>(
        store_, member, page,
        [&](storage::Repositories& repos, const storage::PageQuery& q) {
            return repos.bookmarks().list(member.id, q);
        },
        [](const model::Bookmark& b) { return b.status_id; }, [](const model::Bookmark& b) { return b.id; });
}

Result<StatusPage> SocialService::favourites(const model::Account& member, const storage::PageQuery& page)
{
    return listed_statuses<model::Interaction>(
        store_, member, page,
        [&](storage::Repositories& repos, const storage::PageQuery& q) {
            return repos.interactions().by_actor(
                model::InteractionKind::Like, model::local_actor(member.id), q);
        },
        [](const model::Interaction& i) { return i.status_id; },
        [](const model::Interaction& i) { return i.id; });
}

Result<ActorPage> SocialService::interacted_by(
    const model::Account& reader, Id status_id, model::InteractionKind kind, const storage::PageQuery& page)
{
    auto target = status(reader, status_id);
    if (!target)
        return forward(target);
    ActorPage result;
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        auto found = repos.interactions().on_status(kind, status_id, page);
        if (!found)
            return forward(found);
        if (!found->empty()) {
            result.newest = found->front().id;
            result.oldest = found->back().id;
        }
        for (const model::Interaction& i : *found)
            result.actors.push_back(i.actor);
        return ok();
    });
    if (!done)
        return forward(done);
    return result;
}

namespace {

// Boosts whose status the reader may read, each paired with it (an unreadable one keeps an
// empty status so that read_filtered pages on past it).
auto readable_boosts(storage::Repositories& repos, const model::Account& reader, auto list)
{
    return [&repos, &reader, list](const storage::PageQuery& q) -> Result<std::vector<model::TimelineEntry>> {
        auto found = list(q);
        if (!found)
            return forward(found);
        std::vector<model::TimelineEntry> out;
        for (const model::Interaction& boost : *found) {
            auto status = readable_status(repos, reader, boost.status_id);
            if (!status)
                return forward(status);
            out.push_back(model::TimelineEntry { status->value_or(model::Status {}), boost });
        }
        return out;
    };
}

Result<std::vector<model::TimelineEntry>> read_boosts(storage::Repositories& repos,
    const model::Account& reader, const storage::PageQuery& page, auto list)
{
    return read_filtered(
        page, readable_boosts(repos, reader, list),
        [](const model::TimelineEntry& e) -> Result<bool> { return e.status.id != 0 && !e.status.deleted_at; },
        [](const model::TimelineEntry& e) { return e.id(); });
}

// One page from two lists that were each cut at `page.limit` rows from the same bound: the
// `limit` entries nearest that bound among both, newest first (taking more could skip rows of
// the list that was cut). Then a boost of a status the page already shows (the status itself,
// or a newer boost of it) is left out: one post, one place.
TimelinePage merge_timeline(
    std::vector<model::Status> statuses, std::vector<model::TimelineEntry> boosts, const storage::PageQuery& page)
{
    std::vector<model::TimelineEntry> all;
    all.reserve(statuses.size() + boosts.size());
    for (model::Status& s : statuses)
        all.push_back(model::TimelineEntry { std::move(s), std::nullopt });
    std::move(boosts.begin(), boosts.end(), std::back_inserter(all));
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.id() > b.id(); });
    const auto limit = static_cast<std::size_t>(std::clamp(page.limit, 1, 200));
    if (all.size() > limit) {
        if (page.end == storage::PageEnd::Newest)
            all.resize(limit);
        else
            all.erase(all.begin(), all.end() - static_cast<std::ptrdiff_t>(limit));
    }
    TimelinePage result;
    result.full = all.size() == limit;
    if (all.empty())
        return result;
    result.newest = all.front().id();
    result.oldest = all.back().id();
    std::vector<Id> shown;
    for (const model::TimelineEntry& e : all)
        if (!e.boost)
            shown.push_back(e.status.id);
    for (model::TimelineEntry& e : all) {
        if (e.boost) {
            if (std::find(shown.begin(), shown.end(), e.status.id) != shown.end())
                continue;
            shown.push_back(e.status.id);
        }
        result.entries.push_back(std::move(e));
    }
    return result;
}

// The boosts worth reading beside a page of statuses: when the statuses fill the page, a boost
// past its last one (older, or newer for a min_id page) cannot enter it, so the boosts' query
// stops there and reads (and checks) only those that can.
storage::PageQuery boosts_query(const storage::PageQuery& page, const std::vector<model::Status>& statuses)
{
    storage::PageQuery q = page;
    if (statuses.empty() || static_cast<int>(statuses.size()) < page.limit)
        return q;
    if (page.end == storage::PageEnd::Newest)
        q.min_id = std::max(q.min_id.value_or(0), statuses.back().id);
    else
        q.max_id = q.max_id ? std::min(*q.max_id, statuses.front().id) : statuses.front().id;
    return q;
}

} // namespace

Result<model::TimelineEntry> SocialService::boost(const model::Account& reader, Id boost_id)
{
    if (auto allowed = require_member_reader(reader); !allowed)
        return forward(allowed);
    std::optional<model::TimelineEntry> result;
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        auto boost = repos.interactions().find_by_id(boost_id);
        if (!boost)
            return forward(boost);
        if (!*boost || (*boost)->kind != model::InteractionKind::Announce)
            return ok();
        auto status = readable_status(repos, reader, (*boost)->status_id);
        if (!status)
            return forward(status);
        if (*status && !(*status)->deleted_at)
            result = model::TimelineEntry { std::move(**status), std::move(**boost) };
        return ok();
    });
    if (!done)
        return forward(done);
    if (!result)
        return fail(ErrorKind::NotFound, "Record not found");
    return std::move(*result);
}

Result<TimelinePage> SocialService::home_timeline(const model::Account& reader, const storage::StatusQuery& query)
{
    if (auto allowed = require_member_reader(reader); !allowed)
        return forward(allowed);
    TimelinePage result;
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        auto statuses = repos.statuses().home_timeline(reader.id, query);
        if (!statuses)
            return forward(statuses);
        auto boosts = read_boosts(repos, reader, boosts_query(query, *statuses),
            [&](const storage::PageQuery& q) { return repos.interactions().home_boosts(reader.id, q); });
        if (!boosts)
            return forward(boosts);
        result = merge_timeline(std::move(*statuses), std::move(*boosts), query);
        return ok();
    });
    if (!done)
        return forward(done);
    return result;
}

Result<TimelinePage> SocialService::author_statuses(
    const model::Account& reader, model::ActorRef author, const AuthorStatusesQuery& query)
{
    if (auto allowed = require_member_reader(reader); !allowed)
        return forward(allowed);
    TimelinePage result;
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        auto kept = read_filtered(
            query.page, [&](const storage::StatusQuery& q) { return repos.statuses().by_author(author, q); },
            [&](const model::Status& s) -> Result<bool> {
                if (query.exclude_replies && !s.in_reply_to_uri.empty()) {
                    auto self = is_self_reply(repos, s);
                    if (!self || !*self)
                        return self;
                }
                return can_read(repos, reader, s);
            },
            [](const model::Status& s) { return s.id; });
        if (!kept)
            return forward(kept);
        std::vector<model::TimelineEntry> boosts;
        if (!query.exclude_reblogs) {
            auto found = read_boosts(repos, reader, boosts_query(query.page, *kept), [&](const storage::PageQuery& q) {
                return repos.interactions().by_actor(model::InteractionKind::Announce, author, q);
            });
            if (!found)
                return forward(found);
            boosts = std::move(*found);
        }
        result = merge_timeline(std::move(*kept), std::move(boosts), query.page);
        return ok();
    });
    if (!done)
        return forward(done);
    return result;
}

Result<ActorPage> SocialService::follows_page(
    const model::Account& reader, model::ActorRef account, const storage::PageQuery& page, bool followers)
{
    if (auto allowed = require_member_reader(reader); !allowed)
        return forward(allowed);
    storage::FollowQuery q;
    q.state = model::FollowState::Accepted;
    q.max_id = page.max_id;
    q.min_id = page.min_id;
    q.limit = page.limit;
    q.end = page.end;
    ActorPage result;
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        auto found
            = followers ? repos.follows().followers_of(account, q) : repos.follows().followed_by(account, q);
        if (!found)
            return forward(found);
        if (!found->empty()) {
            result.newest = found->front().id;
            result.oldest = found->back().id;
        }
        for (const model::Follow& f : *found)
            result.actors.push_back(followers ? f.follower : f.followee);
        return ok();
    });
    if (!done)
        return forward(done);
    return result;
}

Result<ActorPage> SocialService::followers(
    const model::Account& reader, model::ActorRef account, const storage::PageQuery& page)
{
    return follows_page(reader, account, page, /*followers=*/true);
}

Result<ActorPage> SocialService::following(
    const model::Account& reader, model::ActorRef account, const storage::PageQuery& page)
{
    return follows_page(reader, account, page, /*followers=*/false);
}

} // namespace confrere::services
