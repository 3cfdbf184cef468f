// Members' content filters (Mastodon's Filter v2): keeping them, and deciding which statuses
// they catch. The matching is a pure function, used wherever statuses are shown.
#pragma once

#include "core/base/id.hpp"
#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/model/account.hpp"
#include "core/model/search.hpp"
#include "storage/store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::services {

inline constexpr std::size_t kMaxFilterTitleBytes = 256;
inline constexpr std::size_t kMaxFilterKeywordBytes = 512;
inline constexpr std::size_t kMaxKeywordsPerFilter = 100;
inline constexpr std::size_t kMaxFiltersPerAccount = 200;

// A filter that caught a status, and which of its keywords did (as written in the filter).
struct FilterMatch {
    model::Filter filter;
    std::vector<std::string> keyword_matches;
};

// Whether the filter still applies at `now` (no expiry, or a later one).
bool is_active(const model::Filter& filter, TimePoint now);

// Whether `keyword` occurs in `text`, ignoring case (ASCII and Latin-1 letters). A whole-word
// keyword must not be glued to a word character on a side where it begins or ends with one
// ("cat" is not in "category"; "#cat" is in "a #cat!").
bool keyword_matches(std::string_view text, const model::FilterKeyword& keyword);

// The filters of `filters` active at `now` in `context` whose keywords occur in `text`, in
// their order, each with its matching keywords.
std::vector<FilterMatch> match_filters(const std::vector<model::Filter>& filters,
    model::FilterContext context, std::string_view text, TimePoint now);

// True if one of `matches` hides the status (FilterAction::Hide).
bool hides(const std::vector<FilterMatch>& matches);

// A keyword to add, change (id set) or remove (id set, destroy).
struct KeywordChange {
    std::optional<Id> id;
    std::string keyword;
    bool whole_word = true;
    bool destroy = false;
};

// What a client sends to create or change a filter; unset fields are left as they are (update)
// or take Mastodon's defaults (create: action warn, no expiry).
struct FilterChange {
    std::optional<std::string> title;
    std::optional<std::vector<std::string>> contexts;
    std::optional<std::string> action;
    // Set: change the expiry; an empty string means never, else seconds from now.
    std::optional<std::string> expires_in;
    std::vector<KeywordChange> keywords;
};

// A member's own filters. Someone else's filter or keyword is NotFound, never Forbidden: its
// existence is not disclosed. Validation errors are Unprocessable with the field named.
class FilterService {
public:
    FilterService(storage::Store& store, const Clock& clock, IdGenerator& ids)
        : store_(store)
        , clock_(clock)
        , ids_(ids)
    { }

    // Oldest first, expired ones included (clients show them as such).
    Result<std::vector<model::Filter>> list(const model::Account& owner);
    // The filters that apply now, for showing statuses.
    Result<std::vector<model::Filter>> active(const model::Account& owner);
    Result<model::Filter> get(const model::Account& owner, Id filter_id);
    // Unprocessable: title blank or too long ("title"), no context or an unknown one
    // ("context"), an unknown action ("filter_action"), expires_in not a positive number of
    // seconds ("expires_in"), a blank or too long keyword, too many ("keywords_attributes").
    Result<model::Filter> create(const model::Account& owner, const FilterChange& change);
    // As create; a keyword change naming another filter's keyword is NotFound.
    Result<model::Filter> update(const model::Account& owner, Id filter_id, const FilterChange& change);
    Status remove(const model::Account& owner, Id filter_id);

    Result<model::FilterKeyword> add_keyword(
        const model::Account& owner, Id filter_id, const KeywordChange& change);
    Result<model::FilterKeyword> keyword(const model::Account& owner, Id keyword_id);
    Result<model::FilterKeyword> update_keyword(
        const model::Account& owner, Id keyword_id, const KeywordChange& change);
    Status remove_keyword(const model::Account& owner, Id keyword_id);

private:
    // Applies `change` to `filter` (keywords included), checking every rule.
    Status apply(model::Filter& filter, const FilterChange& change, std::vector<Id>& removed_keywords);
    Result<model::Filter> owned(storage::Repositories& repos, const model::Account& owner, Id filter_id);
    storage::Store& store_;
    const Clock& clock_;
    IdGenerator& ids_;
};

} // namespace confrere::services
