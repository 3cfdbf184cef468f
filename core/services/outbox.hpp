// The port through which the domain tells federation that something that may leave the
// instance changed. Every call happens inside the write transaction of that change, so the
// activities it queues are committed (or rolled back) with it: a transactional outbox
// (DESIGN rule 5). federation/ implements it; NullOutbox keeps an instance to itself.
#pragma once

#include "core/base/result.hpp"
#include "core/model/account.hpp"
#include "core/model/federation.hpp"
#include "core/model/group.hpp"
#include "storage/store.hpp"

#include <string_view>
#include <vector>

namespace confrere::services {

class Outbox {
public:
    virtual ~Outbox() = default;

    // A local status was published. `mentions` are the actors it names (Direct recipients).
    // An Instance status must never reach this far; implementations refuse it (Internal).
    virtual Status status_published(storage::Repositories& repos, const model::Account& author,
        const model::Status& status, const std::vector<model::ActorRef>& mentions)
        = 0;
    // A local status was edited (same audience and mentions as when published).
    virtual Status status_updated(storage::Repositories& repos, const model::Account& author,
        const model::Status& status, const std::vector<model::ActorRef>& mentions)
        = 0;
    // A local status was deleted; `mentions` as they were before the deletion.
    virtual Status status_deleted(storage::Repositories& repos, const model::Account& author,
        const model::Status& status, const std::vector<model::ActorRef>& mentions)
        = 0;
    // A local account asked to follow a remote actor, or withdrew (undo) that request.
    virtual Status follow_sent(storage::Repositories& repos, const model::Account& follower,
        const model::RemoteActor& followee, const model::Follow& follow, bool undo)
        = 0;
    // A local account (or the instance for an unlocked account) answered a remote follower.
    virtual Status follow_answered(storage::Repositories& repos, const model::Account& followee,
        const model::RemoteActor& follower, const model::Follow& follow, bool accepted)
        = 0;
    // A local account liked or announced a remote actor's status, or undid it.
    virtual Status interaction_sent(storage::Repositories& repos, const model::Account& actor,
        const model::Interaction& interaction, const model::Status& status, const model::RemoteActor& author,
        bool undo)
        = 0;
    // A moderator of a group here removed one of its statuses: the group tells its remote
    // members (a Delete by the moderator, announced by the group).
    virtual Status group_status_removed(storage::Repositories& repos, const model::Group& group,
        const model::Account& moderator, const model::Status& status)
        = 0;
    // A group here removed a remote member (or refused its request): Reject of its Follow.
    virtual Status group_member_removed(storage::Repositories& repos, const model::Group& group,
        const model::RemoteActor& member, const model::GroupMember& membership)
        = 0;
    // A group here answered a remote actor's request to join (its Follow): Accept or Reject,
    // from the group.
    virtual Status group_follow_answered(storage::Repositories& repos, const model::Group& group,
        const model::RemoteActor& follower, const model::GroupMember& membership, bool accepted)
        = 0;
    // A remote member's activity on a group here was applied: the group announces it unchanged
    // (`activity_json`, as received) to its remote members, and `object_json` (a Note created,
    // empty otherwise) as well, for peers that only read announced objects (FEP-1b12, Lemmy).
    virtual Status group_activity_relayed(storage::Repositories& repos, const model::Group& group,
        std::string_view activity_json, std::string_view object_json)
        = 0;
    // After the transaction committed: wake whoever delivers.
    virtual void committed() { }
};

// For instances and tests that do not federate: accepts everything, queues nothing.
class NullOutbox final : public Outbox {
public:
    Status status_published(storage::Repositories&, const model::Account&, const model::Status&,
        const std::vector<model::ActorRef>&) override
    {
        return ok();
    }
    Status status_updated(storage::Repositories&, const model::Account&, const model::Status&,
        const std::vector<model::ActorRef>&) override
    {
        return ok();
    }
    Status status_deleted(storage::Repositories&, const model::Account&, const model::Status&,
        const std::vector<model::ActorRef>&) override
    {
        return ok();
    }
    Status follow_sent(storage::Repositories&, const model::Account&, const model::RemoteActor&,
        const model::Follow&, bool) override
    {
        return ok();
    }
    Status follow_answered(storage::Repositories&, const model::Account&, const model::RemoteActor&,
        const model::Follow&, bool) override
    {
        return ok();
    }
    Status interaction_sent(storage::Repositories&, const model::Account&, const model::Interaction&,
        const model::Status&, const model::RemoteActor&, bool) override
    {
        return ok();
    }
    Status group_status_removed(
        storage::Repositories&, const model::Group&, const model::Account&, const model::Status&) override
    {
        return ok();
    }
    Status group_member_removed(storage::Repositories&, const model::Group&, const model::RemoteActor&,
        const model::GroupMember&) override
    {
        return ok();
    }
    Status group_follow_answered(storage::Repositories&, const model::Group&, const model::RemoteActor&,
        const model::GroupMember&, bool) override
    {
        return ok();
    }
    Status group_activity_relayed(
        storage::Repositories&, const model::Group&, std::string_view, std::string_view) override
    {
        return ok();
    }
};

} // namespace confrere::services
