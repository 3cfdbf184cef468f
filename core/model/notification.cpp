// Names of the notification types and marker timelines, as storage and the API write them.
#include "core/model/notification.hpp"

#include <utility>

namespace confrere::model {

namespace {

constexpr std::array<std::pair<NotificationType, std::string_view>, 7> kTypeNames { {
    { NotificationType::Mention, "mention" },
    { NotificationType::Status, "status" },
    { NotificationType::Reblog, "reblog" },
    { NotificationType::Follow, "follow" },
    { NotificationType::FollowRequest, "follow_request" },
    { NotificationType::Favourite, "favourite" },
    { NotificationType::Update, "update" },
} };

constexpr std::array<std::pair<MarkerTimeline, std::string_view>, 2> kTimelineNames { {
    { MarkerTimeline::Home, "home" },
    { MarkerTimeline::Notifications, "notifications" },
} };

template <class E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view s)
{
    for (const auto& [value, name] : table)
        if (name == s)
            return value;
    return std::nullopt;
}

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E e)
{
    for (const auto& [value, name] : table)
        if (value == e)
            return name;
    return "unknown";
}

} // namespace

std::string_view to_string(NotificationType t)
{
    return name_of(kTypeNames, t);
}

std::optional<NotificationType> notification_type_from_string(std::string_view s)
{
    return lookup(kTypeNames, s);
}

std::string_view to_string(MarkerTimeline t)
{
    return name_of(kTimelineNames, t);
}

std::optional<MarkerTimeline> marker_timeline_from_string(std::string_view s)
{
    return lookup(kTimelineNames, s);
}

} // namespace confrere::model
