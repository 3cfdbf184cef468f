// When a local member is notified, written once for the client API (SocialService) and
// federation (the inbox) alike. Every call happens inside the caller's write transaction, so a
// notification is stored (or removed) with the change that caused it, never without it.
//
// The rules, as Mastodon has them:
//   follow / follow_request  a follow of a local account, accepted / waiting for approval;
//                            answering the request removes it (and makes no `follow`);
//   mention                  a new status names a local member who may read it (can_read);
//   favourite / reblog       someone likes / boosts a local member's status;
//   update                   a status a local member boosted was edited (the newest edit only).
// Nobody is notified of their own doing; only active accounts are notified. Undoing the cause
// (unfollow, unfavourite, unreblog, Undo) removes its notification; deleting a status removes
// every notification about it.
#pragma once

#include "core/base/id.hpp"
#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/model/federation.hpp"
#include "core/model/notification.hpp"
#include "core/services/live_events.hpp"
#include "storage/store.hpp"

#include <optional>
#include <vector>

namespace confrere::services {

// One write's notifier: what it creates is appended to `events` (LiveEvent::Kind::Notification),
// for the caller to publish once the transaction committed.
class Notifier {
public:
    Notifier(storage::Repositories& repos, IdGenerator& ids, TimePoint now, std::vector<LiveEvent>& events)
        : repos_(repos)
        , ids_(ids)
        , now_(now)
        , events_(&events)
    { }
    // For the calls that only remove notifications (nothing to publish).
    Notifier(storage::Repositories& repos, IdGenerator& ids, TimePoint now)
        : Notifier(repos, ids, now, unpublished_)
    { }
    Notifier(const Notifier&) = delete;
    Notifier& operator=(const Notifier&) = delete;

    // `follow` was just stored: its local followee hears of it (follow or follow_request).
    Status follow_created(const model::Follow& follow);
    // `follow` (or the request) was withdrawn or removed: its notification goes.
    Status follow_removed(const model::Follow& follow);
    // The followee authorized or rejected the request: the follow_request notification goes.
    Status follow_request_answered(const model::Follow& follow);

    // `status` was just stored with its mentions: each mentioned local member who may read it
    // gets a mention.
    Status status_created(const model::Status& status);
    // `status` was edited: local members who boosted it get an update (replacing an older one).
    Status status_edited(const model::Status& status);
    // The status was deleted: every notification about it goes.
    Status status_deleted(Id status_id);

    // `interaction` (a Like or an Announce of `status`) was just stored: a local author hears of it.
    Status interaction_created(const model::Interaction& interaction, const model::Status& status);
    // `interaction` was undone: its notification goes.
    Status interaction_removed(const model::Interaction& interaction);

private:
    enum class Repeat { Once, ReplaceOlder };
    // Notifies local account `recipient` unless it is `from` itself or not active.
    Status add(Id recipient, model::NotificationType type, model::ActorRef from, std::optional<Id> status_id,
        Repeat repeat = Repeat::Once);
    // Notifies those of `actors` who are local members, not the author, and may read `status`.
    Status notify_readers(const std::vector<model::ActorRef>& actors, const model::Status& status,
        model::NotificationType type, Repeat repeat);

    storage::Repositories& repos_;
    IdGenerator& ids_;
    TimePoint now_;
    std::vector<LiveEvent> unpublished_;
    std::vector<LiveEvent>* events_;
};

} // namespace confrere::services
