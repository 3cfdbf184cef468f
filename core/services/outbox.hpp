// The port through which the domain tells federation that something that may leave the
// instance changed. Every call happens inside the write transaction of that change, so the
// activities it queues are committed (or rolled back) with it: a transactional outbox
// (DESIGN rule 5). federation/ implements it; NullOutbox keeps an instance to itself.
#pragma once

#include "core/base/result.hpp"
#include "core/model/account.hpp"
#include "core/model/federation.hpp"
#include "storage/store.hpp"

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
};

} // namespace confrere::services
