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
    // Queues `json` (activity `uri`, signed by `signer`) to the inboxes of trusted peers.
    Status enqueue(storage::Repositories& repos, const std::string& uri, std::string json, Id signer,
        std::vector<std::string> inboxes);
    std::string base_url_;
    services::PeerService& peers_;
    const Clock& clock_;
    IdGenerator& ids_;
    std::function<void()> wake_;
};

} // namespace confrere::federation
