#include "core/services/search_service.hpp"

#include "core/base/text.hpp"
#include "core/services/access_policy.hpp"
#include "core/services/hashtags.hpp"

#include <algorithm>
#include <type_traits>

namespace confrere::services {

namespace {

// Keeps items [offset, offset + limit) of `items`.
template <class T> void slice(std::vector<T>& items, int offset, int limit)
{
    const auto begin = std::min(items.size(), static_cast<std::size_t>(std::max(offset, 0)));
    items.erase(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(begin));
    if (items.size() > static_cast<std::size_t>(limit))
        items.resize(static_cast<std::size_t>(limit));
}

std::vector<std::string> normalized(const std::vector<std::string>& names)
{
    std::vector<std::string> out;
    for (std::string_view name : names) {
        if (name.starts_with('#'))
            name.remove_prefix(1);
        if (is_hashtag_name(name))
            out.push_back(normalize_hashtag(name));
    }
    return out;
}

} // namespace

std::optional<Handle> parse_handle(std::string_view q)
{
    q = text::trim(q);
    if (q.starts_with('@'))
        q.remove_prefix(1);
    if (q.empty() || q.find_first_of(" \t\r\n/") != std::string_view::npos)
        return std::nullopt;
    auto at = q.find('@');
    Handle h;
    h.username = std::string(q.substr(0, at));
    if (at != std::string_view::npos) {
        h.host = text::ascii_lower(q.substr(at + 1));
        if (h.host.empty() || h.host.find('@') != std::string::npos)
            return std::nullopt;
    }
    if (h.username.empty())
        return std::nullopt;
    return h;
}

Result<SearchResults> SearchService::search(const model::Account& reader, const SearchRequest& request)
{
    if (auto allowed = require_member_reader(reader); !allowed)
        return forward(allowed);
    SearchResults results;
    const std::string_view q = text::trim(request.q);
    if (q.empty() || !text::is_valid_utf8(q))
        return results;
    const int limit = std::clamp(request.limit, 1, 40);
    const int offset = std::max(request.offset, 0);
    const int window = offset + limit;
    auto wants = [&](SearchType t) { return request.type == SearchType::All || request.type == t; };
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        if (wants(SearchType::Accounts)) {
            auto handle = parse_handle(q);
            std::string prefix = handle ? handle->username : std::string(q);
            const bool local_host = names_local_member(handle);
            if (!handle || local_host) {
                auto local = repos.search().accounts(prefix, window, 0);
                if (!local)
                    return forward(local);
                // Members in the directory by prefix; the others only by their whole username, so
                // typing letters never lists those who chose to stay out of it.
                for (model::Account& a : *local)
                    if (is_discoverable_identity(a)
                        && (a.discoverable || text::ascii_lower(a.username) == text::ascii_lower(prefix)))
                        results.accounts.push_back(std::move(a));
            }
            if (!handle || !local_host || handle->host.empty()) {
                auto remote = repos.search().remote_actors(prefix, handle ? handle->host : "", window, 0);
                if (!remote)
                    return forward(remote);
                results.remote_actors = std::move(*remote);
            }
            if (request.following) {
                auto followed = [&](auto& list, auto ref_of) -> Status {
                    std::remove_reference_t<decltype(list)> kept;
                    for (auto& item : list) {
                        auto f = repos.follows().find(model::local_actor(reader.id), ref_of(item));
                        if (!f)
                            return forward(f);
                        if (*f && (*f)->state == model::FollowState::Accepted)
                            kept.push_back(std::move(item));
                    }
                    list = std::move(kept);
                    return ok();
                };
                if (auto rc = followed(
                        results.accounts, [](const model::Account& a) { return model::local_actor(a.id); });
                    !rc)
                    return rc;
                if (auto rc = followed(results.remote_actors,
                        [](const model::RemoteActor& a) { return model::remote_actor(a.id); });
                    !rc)
                    return rc;
            }
            // One list for paging: locals first, then remote actors.
            const int locals = static_cast<int>(results.accounts.size());
            slice(results.accounts, offset, limit);
            const int remote_offset = std::max(offset - locals, 0);
            const int remote_limit = limit - static_cast<int>(results.accounts.size());
            slice(results.remote_actors, remote_offset, std::max(remote_limit, 0));
        }
        if (wants(SearchType::Statuses)) {
            storage::StatusSearchQuery query;
            query.text = std::string(q);
            query.author = request.author;
            query.limit = limit;
            query.offset = offset;
            auto found = repos.search().statuses(reader.id, query);
            if (!found)
                return forward(found);
            results.statuses = std::move(*found);
        }
        if (wants(SearchType::Hashtags)) {
            std::string_view name = q.starts_with('#') ? q.substr(1) : q;
            if (is_hashtag_name(name)) {
                auto found = repos.tags().by_prefix(normalize_hashtag(name), limit, offset);
                if (!found)
                    return forward(found);
                results.hashtags = std::move(*found);
            }
        }
        return ok();
    });
    if (!done)
        return forward(done);
    return results;
}

bool SearchService::names_local_member(const std::optional<Handle>& handle) const
{
    return handle && (handle->host.empty() || handle->host == text::ascii_lower(local_host_));
}

Result<std::vector<model::Account>> SearchService::directory(
    const model::Account& reader, const DirectoryRequest& request)
{
    if (auto allowed = require_member_reader(reader); !allowed)
        return forward(allowed);
    storage::DirectoryQuery query;
    query.order = request.order;
    query.limit = std::clamp(request.limit, 1, 80);
    query.offset = std::max(request.offset, 0);
    query.profession_code = request.profession;
    if (!text::trim(request.specialty).empty()) {
        auto specialty = normalize_specialty(request.specialty);
        if (!specialty)
            return fail(ErrorKind::Unprocessable, "A specialty is one word or hashtag.", {}, "specialty");
        query.specialty = std::move(*specialty);
    }
    const std::string_view q = text::trim(request.q);
    if (!text::is_valid_utf8(q))
        return std::vector<model::Account> {};
    // The name as account search reads it: a handle's user part, or the words as typed.
    if (!q.empty()) {
        auto handle = parse_handle(q);
        if (handle && !names_local_member(handle))
            return std::vector<model::Account> {};
        query.name = handle ? handle->username : std::string(q);
    }
    return storage::read_value(store_, [&](storage::Repositories& repos) { return repos.search().directory(query); });
}

Result<std::vector<model::Status>> SearchService::tag_timeline(
    const model::Account& reader, storage::TagTimelineQuery query)
{
    if (auto allowed = require_member_reader(reader); !allowed)
        return forward(allowed);
    query.any = normalized(query.any);
    query.all = normalized(query.all);
    query.none = normalized(query.none);
    return storage::read_value(
        store_, [&](storage::Repositories& repos) { return repos.search().tag_timeline(reader.id, query); });
}

Result<std::optional<model::Tag>> SearchService::tag(const model::Account& reader, std::string_view name)
{
    if (auto allowed = require_member_reader(reader); !allowed)
        return forward(allowed);
    if (name.starts_with('#'))
        name.remove_prefix(1);
    if (!is_hashtag_name(name))
        return std::optional<model::Tag> {};
    return storage::read_value(
        store_, [&](storage::Repositories& repos) { return repos.tags().find(normalize_hashtag(name)); });
}

} // namespace confrere::services
