// The federation side of the transactional outbox: turns domain changes into ActivityPub
// activities and queues one delivery per distinct inbox of a trusted peer, inside the
// transaction of the change (DESIGN rules 2, 3, 5). Addressing is documented in
// docs/federation.md.
#pragma once

#include "core/base/id.hpp"
#include "core/services/outbox.hpp"
#include "core/services/peer_service.hpp"
#include "federation/activitypub/to_activitystreams.hpp"
#include "federation/activitypub/vocabulary.hpp"

#include <functional>
#include <string>

namespace confrere::federation {

class FederationOutbox final : public services::Outbox {
public:
    // `wake` is called after each commit that queued something (the delivery workers' bell).
    FederationOutbox(std::string base_url, services::PeerService& peers, const Clock& clock, IdGenerator& ids,
        std::function<void()> wake = {})
        : base_url_(std::move(base_url))
        , peers_(peers)
        , clock_(clock)
        , ids_(ids)
        , wake_(std::move(wake))
    { }

    Status status_published(storage::Repositories& repos, const model::Account& author,
        const model::Status& status, const std::vector<model::ActorRef>& mentions) override;
    Status status_updated(storage::Repositories& repos, const model::Account& author,
        const model::Status& status, const std::vector<model::ActorRef>& mentions) override;
    Status status_deleted(storage::Repositories& repos, const model::Account& author,
        const model::Status& status, const std::vector<model::ActorRef>& mentions) override;
    Status follow_sent(storage::Repositories& repos, const model::Account& follower,
        const model::RemoteActor& followee, const model::Follow& follow, bool undo) override;
    Status follow_answered(storage::Repositories& repos, const model::Account& followee,
        const model::RemoteActor& follower, const model::Follow& follow, bool accepted) override;
    Status interaction_sent(storage::Repositories& repos, const model::Account& actor,
        const model::Interaction& interaction, const model::Status& status, const model::RemoteActor& author,
        bool undo) override;
    Status group_status_removed(storage::Repositories& repos, const model::Group& group,
        const model::Account& moderator, const model::Status& status) override;
    Status group_member_removed(storage::Repositories& repos, const model::Group& group,
        const model::RemoteActor& member, const model::GroupMember& membership) override;
    Status group_follow_answered(storage::Repositories& repos, const model::Group& group,
        const model::RemoteActor& follower, const model::GroupMember& membership, bool accepted) override;
    Status group_activity_relayed(storage::Repositories& repos, const model::Group& group,
        std::string_view activity_json, std::string_view object_json) override;
    void committed() override;

    // The Note a local status is served and delivered as (also for signed GETs).
    Result<NoteView> note_view(storage::Repositories& repos, const model::Account& author,
        const model::Status& status, const std::vector<model::ActorRef>& mentions) const;

private:
    // Where a status goes: accepted followers' (shared) inboxes for Followers, plus the inboxes
    // of the remote actors it mentions.
    Result<std::vector<std::string>> audience_inboxes(storage::Repositories& repos,
        const model::Account& author, const model::Status& status,
        const std::vector<model::ActorRef>& mentions) const;
    // Queues `json` (activity `uri`, signed by the account `signer`, or by the group
    // `group_signer` when set, else by the instance actor) to the inboxes of trusted peers.
    Status enqueue(storage::Repositories& repos, const std::string& uri, std::string json,
        std::optional<Id> signer, std::vector<std::string> inboxes, std::optional<Id> group_signer = {});
    // The group a group status belongs to, as ActivityPub names it.
    struct GroupActor {
        std::string id, followers;
        std::string inbox; // a remote group's, where its members deliver
        std::optional<model::Group> local; // set for a group here
    };
    Result<GroupActor> group_actor(storage::Repositories& repos, const model::Status& status) const;
    // A local author's activity on a group status: to a remote group's inbox, or announced by
    // a group here to its remote members.
    Status group_send(storage::Repositories& repos, const model::Account& author, const model::Status& status,
        const std::string& activity_id, std::string activity_json, std::string_view object_json);
    // The group announces each non-empty embedded document to its remote members' inboxes.
    Status announce_to_members(storage::Repositories& repos, const model::Group& group,
        std::string_view activity_json, std::string_view object_json);
    std::string base_url_;
    services::PeerService& peers_;
    const Clock& clock_;
    IdGenerator& ids_;
    std::function<void()> wake_;
};

} // namespace confrere::federation
