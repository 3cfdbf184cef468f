// Plain model types of hashtags and of the members' content filters (Mastodon's Tag and
// Filter v2). No behaviour, no I/O.
#pragma once

#include "core/base/id.hpp"
#include "core/base/time.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::model {

// A hashtag, named without its '#', normalised (services::normalize_hashtag).
struct Tag {
    Id id = 0;
    std::string name;
    TimePoint created_at {};
};

// Where a filter applies: Mastodon's contexts.
enum class FilterContext { Home, Notifications, Public, Thread, Account };
std::string_view to_string(FilterContext c);
std::optional<FilterContext> filter_context_from_string(std::string_view s);

// Warn: the status is shown behind a warning naming the filter; Hide: it is left out.
enum class FilterAction { Warn, Hide };
std::string_view to_string(FilterAction a);
std::optional<FilterAction> filter_action_from_string(std::string_view s);

struct FilterKeyword {
    Id id = 0;
    Id filter_id = 0;
    std::string keyword;
    bool whole_word = true;
    friend bool operator==(const FilterKeyword&, const FilterKeyword&) = default;
};

// One member's filter: statuses whose text holds one of its keywords, in one of its contexts,
// until it expires.
struct Filter {
    Id id = 0;
    Id account_id = 0;
    std::string title;
    std::vector<FilterContext> contexts;
    FilterAction action = FilterAction::Warn;
    std::optional<TimePoint> expires_at;
    std::vector<FilterKeyword> keywords;
    TimePoint created_at {};
};

} // namespace confrere::model
