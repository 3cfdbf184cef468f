// Plain model types of notifications (someone followed, mentioned, favourited, reblogged a local
// member) and of reading-position markers (Mastodon's Marker). No behaviour, no I/O.
#pragma once

#include "core/base/id.hpp"
#include "core/base/time.hpp"
#include "core/model/federation.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace confrere::model {

// Mastodon's notification types we produce. Status ("someone you enabled notifications for
// posted") is named for clients' filters but not produced yet.
enum class NotificationType { Mention, Status, Reblog, Follow, FollowRequest, Favourite, Update };
inline constexpr std::array kNotificationTypes { NotificationType::Mention, NotificationType::Status,
    NotificationType::Reblog, NotificationType::Follow, NotificationType::FollowRequest,
    NotificationType::Favourite, NotificationType::Update };
// Mastodon's names: "mention", "status", "reblog", "follow", "follow_request", "favourite", "update".
std::string_view to_string(NotificationType t);
std::optional<NotificationType> notification_type_from_string(std::string_view s);

// `from` did something that concerns local account `recipient_id`.
struct Notification {
    Id id = 0;
    Id recipient_id = 0;
    NotificationType type = NotificationType::Mention;
    ActorRef from;
    std::optional<Id> status_id; // mention, reblog, favourite, update: the status concerned
    TimePoint created_at {};
};

enum class MarkerTimeline { Home, Notifications };
std::string_view to_string(MarkerTimeline t);
std::optional<MarkerTimeline> marker_timeline_from_string(std::string_view s);

// Where an account stopped reading a timeline, shared between its clients.
struct Marker {
    Id account_id = 0;
    MarkerTimeline timeline = MarkerTimeline::Home;
    Id last_read_id = 0;
    std::int64_t version = 0; // 1 on the first save, +1 at each
    TimePoint updated_at {};
};

} // namespace confrere::model
