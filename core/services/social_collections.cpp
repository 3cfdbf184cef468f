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

Result<std::vector<model::Status>> SocialService::author_statuses(
    const model::Account& reader, model::ActorRef author, const AuthorStatusesQuery& query)
{
    if (auto allowed = require_member_reader(reader); !allowed)
        return forward(allowed);
    std::vector<model::Status> result;
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
        result = std::move(*kept);
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
