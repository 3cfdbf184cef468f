#include "core/services/notifications.hpp"

#include "core/services/access_policy.hpp"
#include "core/services/social_service.hpp"

namespace confrere::services {

using model::NotificationType;

namespace {

// How many boosters of an edited status hear of the edit (Mastodon has no limit; a status
// boosted by more members than this is rare here, and the write must stay short).
constexpr int kMaxUpdateRecipients = 200;

template <class T> Status as_status(const Result<T>& r)
{
    return r ? ok() : forward(r);
}

} // namespace

Status Notifier::add(
    Id recipient, NotificationType type, model::ActorRef from, std::optional<Id> status_id, Repeat repeat)
{
    if (from == model::local_actor(recipient))
        return ok();
    auto account = repos_.accounts().find_by_id(recipient);
    if (!account)
        return forward(account);
    if (!*account || !is_discoverable_identity(**account))
        return ok();
    if (repeat == Repeat::ReplaceOlder)
        if (auto removed = repos_.notifications().remove_matching(recipient, type, from, status_id); !removed)
            return forward(removed);
    model::Notification n { ids_.next(), recipient, type, from, status_id, now_ };
    auto inserted = repos_.notifications().insert(n);
    if (!inserted)
        return forward(inserted);
    if (*inserted)
        events_->push_back(
            { .kind = LiveEvent::Kind::Notification, .account_id = recipient, .notification_id = n.id });
    return ok();
}

Status Notifier::follow_created(const model::Follow& follow)
{
    if (!follow.followee.local)
        return ok();
    auto type = follow.state == model::FollowState::Accepted ? NotificationType::Follow
                                                             : NotificationType::FollowRequest;
    return add(follow.followee.id, type, follow.follower, std::nullopt);
}

Status Notifier::follow_removed(const model::Follow& follow)
{
    if (!follow.followee.local)
        return ok();
    for (auto type : { NotificationType::Follow, NotificationType::FollowRequest })
        if (auto removed
            = repos_.notifications().remove_matching(follow.followee.id, type, follow.follower, {});
            !removed)
            return forward(removed);
    return ok();
}

Status Notifier::follow_request_answered(const model::Follow& follow)
{
    if (!follow.followee.local)
        return ok();
    return as_status(repos_.notifications().remove_matching(
        follow.followee.id, NotificationType::FollowRequest, follow.follower, {}));
}

Status Notifier::status_created(const model::Status& status)
{
    auto mentions = repos_.statuses().mentions(status.id);
    if (!mentions)
        return forward(mentions);
    return notify_readers(*mentions, status, NotificationType::Mention, Repeat::Once);
}

Status Notifier::status_edited(const model::Status& status)
{
    auto boosters
        = repos_.interactions().actors(model::InteractionKind::Announce, status.id, kMaxUpdateRecipients);
    if (!boosters)
        return forward(boosters);
    return notify_readers(*boosters, status, NotificationType::Update, Repeat::ReplaceOlder);
}

Status Notifier::notify_readers(
    const std::vector<model::ActorRef>& actors, const model::Status& status, NotificationType type, Repeat repeat)
{
    for (model::ActorRef actor : actors) {
        if (!actor.local || actor == status.author)
            continue;
        auto readable = can_read(repos_, actor, status);
        if (!readable)
            return forward(readable);
        if (!*readable)
            continue;
        if (auto added = add(actor.id, type, status.author, status.id, repeat); !added)
            return added;
    }
    return ok();
}

Status Notifier::status_deleted(Id status_id)
{
    return as_status(repos_.notifications().remove_for_status(status_id));
}

Status Notifier::interaction_created(const model::Interaction& interaction, const model::Status& status)
{
    if (!status.author.local)
        return ok();
    auto type = interaction.kind == model::InteractionKind::Like ? NotificationType::Favourite
                                                                 : NotificationType::Reblog;
    return add(status.author.id, type, interaction.actor, status.id);
}

Status Notifier::interaction_removed(const model::Interaction& interaction)
{
    auto status = repos_.statuses().find_by_id(interaction.status_id);
    if (!status)
        return forward(status);
    if (!*status || !(*status)->author.local)
        return ok();
    auto type = interaction.kind == model::InteractionKind::Like ? NotificationType::Favourite
                                                                 : NotificationType::Reblog;
    return as_status(repos_.notifications().remove_matching(
        (*status)->author.id, type, interaction.actor, interaction.status_id));
}

} // namespace confrere::services
