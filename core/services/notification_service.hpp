// A member reading and dismissing their notifications, and saving where they stopped reading
// (markers). Notifications are made by services::Notifier, never here.
#pragma once

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/model/account.hpp"
#include "core/model/federation.hpp"
#include "core/model/notification.hpp"
#include "storage/store.hpp"

#include <optional>
#include <utility>
#include <vector>

namespace confrere::services {

// A notification as its recipient sees it: with its status when it has one.
struct NotificationView {
    model::Notification notification;
    std::optional<model::Status> status;
};

// One page. `newest`/`oldest` bound the page as stored, including notifications left out
// because their status can no longer be read, so that paging goes on past them.
struct NotificationPage {
    std::vector<NotificationView> items;
    std::optional<Id> newest;
    std::optional<Id> oldest;
};

// The most unread notifications counted (Mastodon's unread_count limit).
inline constexpr int kMaxUnreadCount = 1000;

// Stateless over the store: cheap to build per request.
class NotificationService {
public:
    NotificationService(storage::Store& store, const Clock& clock)
        : store_(store)
        , clock_(clock)
    { }

    // The reader's notifications matching `query`, newest first. A notification whose status was
    // deleted or is no longer readable by the reader is left out. Forbidden unless the reader is
    // an active member.
    Result<NotificationPage> list(const model::Account& reader, const storage::NotificationQuery& query);
    // One notification; NotFound if it is not the reader's or its status cannot be read.
    Result<NotificationView> get(const model::Account& reader, Id id);
    // Removes one of the reader's notifications; NotFound if there is none.
    Status dismiss(const model::Account& reader, Id id);
    // Removes all of the reader's notifications.
    Status clear(const model::Account& reader);
    // How many notifications matching `query` are newer than the reader's notifications marker
    // (all of them without a marker), counting at most `cap`.
    Result<std::int64_t> unread_count(
        const model::Account& reader, storage::NotificationQuery query, int cap);

    // The reader's markers for these timelines (absent ones are left out).
    Result<std::vector<model::Marker>> markers(
        const model::Account& reader, const std::vector<model::MarkerTimeline>& timelines);
    // Saves the positions in one transaction; returns the markers saved. Unprocessable (field
    // "last_read_id") when there is nothing to save.
    Result<std::vector<model::Marker>> save_markers(
        const model::Account& reader, const std::vector<std::pair<model::MarkerTimeline, Id>>& positions);

private:
    storage::Store& store_;
    const Clock& clock_;
};

} // namespace confrere::services
