// Names of the filter enums as storage and the API write them.
#include "core/model/search.hpp"

#include <array>
#include <utility>

namespace confrere::model {

namespace {

constexpr std::array<std::pair<FilterContext, std::string_view>, 5> kContexts { {
    { FilterContext::Home, "home" },
    { FilterContext::Notifications, "notifications" },
    { FilterContext::Public, "public" },
    { FilterContext::Thread, "thread" },
    { FilterContext::Account, "account" },
} };

} // namespace

std::string_view to_string(FilterContext c)
{
    for (const auto& [value, name] : kContexts)
        if (value == c)
            return name;
    return "home";
}

std::optional<FilterContext> filter_context_from_string(std::string_view s)
{
    for (const auto& [value, name] : kContexts)
        if (name == s)
            return value;
    return std::nullopt;
}

std::string_view to_string(FilterAction a)
{
    return a == FilterAction::Hide ? "hide" : "warn";
}

std::optional<FilterAction> filter_action_from_string(std::string_view s)
{
    if (s == "warn")
        return FilterAction::Warn;
    if (s == "hide")
        return FilterAction::Hide;
    return std::nullopt;
}

} // namespace confrere::model
