// Finding things: accounts, statuses and hashtags (Mastodon's search), and the hashtag
// timeline. Statuses come only from those the reader may read (services::can_read's rule,
// applied in SQL by storage::SearchRepository).
#pragma once

#include "core/base/result.hpp"
#include "core/model/account.hpp"
#include "core/model/federation.hpp"
#include "core/model/search.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::services {

enum class SearchType { All, Accounts, Statuses, Hashtags };

struct SearchRequest {
    std::string q;
    SearchType type = SearchType::All;
    int limit = 20; // per type
    int offset = 0;
    bool following = false; // accounts the reader follows only
    std::optional<model::ActorRef> author; // statuses by this account only
};

struct SearchResults {
    std::vector<model::Account> accounts; // local, shown first
    std::vector<model::RemoteActor> remote_actors;
    std::vector<model::Status> statuses;
    std::vector<model::Tag> hashtags;
};

// Mastodon's GET /api/v1/directory, for members: the active local members who chose to appear.
struct DirectoryRequest {
    std::string q; // a name prefix or a handle, matched as account search matches local members
    int profession = 0; // TRE_G15 code (checked by the caller's parser); 0: any
    std::string specialty; // as typed ("#plaies"); empty: any
    storage::DirectoryOrder order = storage::DirectoryOrder::Active;
    int limit = 40; // 1–80
    int offset = 0;
};

// `q` as a handle: "user", "@user", "user@host" or "@user@host" (host lower-cased; empty when
// absent); nullopt if it is not one (spaces, several '@'…).
struct Handle {
    std::string username, host;
};
std::optional<Handle> parse_handle(std::string_view q);

class SearchService {
public:
    // `local_host`: this instance's authority, for handles naming it (user@local_host).
    SearchService(storage::Store& store, std::string local_host)
        : store_(store)
        , local_host_(std::move(local_host))
    { }

    // Blank `q`: empty results, as Mastodon answers. Accounts: active local members whose
    // username or display name starts with q (or its handle's user), and known remote actors
    // likewise (by host too for user@host); statuses: full-text; hashtags: by prefix.
    Result<SearchResults> search(const model::Account& reader, const SearchRequest& request);

    // A page of the members' directory. Unprocessable (field "specialty") for a specialty that
    // is not a tag; a handle of another instance finds nobody.
    Result<std::vector<model::Account>> directory(const model::Account& reader, const DirectoryRequest& request);

    // Statuses the reader may read carrying the query's tags (names as typed: normalised here).
    Result<std::vector<model::Status>> tag_timeline(
        const model::Account& reader, storage::TagTimelineQuery query);

    // A hashtag by name (as typed), nullopt if no status ever carried it.
    Result<std::optional<model::Tag>> tag(const model::Account& reader, std::string_view name);

private:
    // Whether a handle names this instance's members (no host, or ours).
    bool names_local_member(const std::optional<Handle>& handle) const;

    storage::Store& store_;
    std::string local_host_;
};

} // namespace confrere::services
