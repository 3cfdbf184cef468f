// Names of the notification types and marker timelines, as storage and the API write them.
#include "core/model/notification.hpp"

#include "core/model/enum_names.hpp"

#include <utility>

namespace confrere::model {

namespace {

constexpr enum_names::Table<NotificationType, 7> kTypeNames { {
    { NotificationType::Mention, "mention" },
    { NotificationType::Status, "status" },
    { NotificationType::Reblog, "reblog" },
    { NotificationType::Follow, "follow" },
    { NotificationType::FollowRequest, "follow_request" },
    { NotificationType::Favourite, "favourite" },
    { NotificationType::Update, "update" },
} };

constexpr enum_names::Table<MarkerTimeline, 2> kTimelineNames { {
    { MarkerTimeline::Home, "home" },
    { MarkerTimeline::Notifications, "notifications" },
} };

using enum_names::lookup;
using enum_names::name_of;

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
