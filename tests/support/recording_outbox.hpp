// An Outbox for service tests (social, reports).
#pragma once

#include "core/services/outbox.hpp"

#include <string>
#include <vector>

namespace confrere::testkit {

// Records what the domain told federation; can be told to fail, to prove the rollback.
class RecordingOutbox final : public services::Outbox {
public:
    struct Call {
        std::string what;
        Id subject = 0;
        std::vector<model::ActorRef> mentions;
        bool flag = false;
    };
    std::vector<Call> calls;
    bool fail_next = false;
    int commits = 0;

    Status status_published(storage::Repositories&, const model::Account&, const model::Status& s,
        const std::vector<model::ActorRef>& mentions) override
    {
        return record({ "published", s.id, mentions, false });
    }
    Status status_updated(storage::Repositories&, const model::Account&, const model::Status& s,
        const std::vector<model::ActorRef>& mentions) override
    {
        return record({ "updated", s.id, mentions, false });
    }
    Status status_deleted(storage::Repositories&, const model::Account&, const model::Status& s,
        const std::vector<model::ActorRef>& mentions) override
    {
        return record({ "deleted", s.id, mentions, false });
    }
    Status follow_sent(storage::Repositories&, const model::Account&, const model::RemoteActor& followee,
        const model::Follow&, bool undo) override
    {
        return record({ "follow", followee.id, {}, undo });
    }
    Status follow_answered(storage::Repositories&, const model::Account&, const model::RemoteActor& follower,
        const model::Follow&, bool accepted) override
    {
        return record({ "answer", follower.id, {}, accepted });
    }
    Status interaction_sent(storage::Repositories&, const model::Account&, const model::Interaction& i,
        const model::Status&, const model::RemoteActor&, bool undo) override
    {
        return record({ std::string(model::to_string(i.kind)), i.status_id, {}, undo });
    }
    Status group_status_removed(storage::Repositories&, const model::Group& g, const model::Account&,
        const model::Status& s) override
    {
        return record({ "group_removed", s.id, { model::local_actor(g.id) }, false });
    }
    Status group_member_removed(storage::Repositories&, const model::Group&, const model::RemoteActor& member,
        const model::GroupMember&) override
    {
        return record({ "member_removed", member.id, {}, false });
    }
    Status group_follow_answered(storage::Repositories&, const model::Group&, const model::RemoteActor& follower,
        const model::GroupMember&, bool accepted) override
    {
        return record({ "group_answer", follower.id, {}, accepted });
    }
    Status group_activity_relayed(
        storage::Repositories&, const model::Group& g, std::string_view, std::string_view) override
    {
        return record({ "relayed", g.id, {}, false });
    }
    void committed() override { ++commits; }

private:
    Status record(Call call)
    {
        if (fail_next) {
            fail_next = false;
            return fail(ErrorKind::Internal, "outbox failed");
        }
        calls.push_back(std::move(call));
        return ok();
    }
};

} // namespace confrere::testkit
