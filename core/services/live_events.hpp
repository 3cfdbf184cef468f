// The port through which the domain tells whoever shows things live (the streaming API) what
// just happened. Unlike the Outbox, it is called after the change committed, and only for
// what local members may see: statuses posted, edited or deleted (local or received), local
// members' boosts, and notifications. Receivers decide who may read what (services::can_read); they must not block.
#pragma once

#include "core/base/id.hpp"

#include <span>

namespace confrere::services {

struct LiveEvent {
    enum class Kind { StatusPosted, StatusEdited, StatusDeleted, Notification, Boosted, Unboosted };
    Kind kind = Kind::StatusPosted;
    Id status_id = 0;        // the status events (a deleted status keeps its row), and boosts
    Id account_id = 0;       // Notification: the local recipient; (Un)boosted: the booster
    Id notification_id = 0;  // Notification
    Id boost_id = 0;         // Boosted, Unboosted: the Announce (gone for Unboosted)
};

class LiveEvents {
public:
    virtual ~LiveEvents() = default;
    virtual void publish(std::span<const LiveEvent> events) = 0;
};

} // namespace confrere::services
