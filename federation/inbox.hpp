// Inbound ActivityPub: who signed a request (RequestVerifier), and what an inbox does with a
// signed activity (InboxProcessor). Every rule of DESIGN rule 4 and notes/federation-security.md
// §A–§E, §H lives here once: signature against the actor's key (one rate-limited refetch for
// rotation), trusted peers only, signer == actor, ids on the actor's host, objects owned by
// their actor, duplicates ignored, remote HTML sanitised, nothing stored half-way.
#pragma once

#include "core/base/id.hpp"
#include "core/base/result.hpp"
#include "core/model/federation.hpp"
#include "core/services/live_events.hpp"
#include "core/services/outbox.hpp"
#include "core/services/peer_service.hpp"
#include "federation/activitypub/json.hpp"
#include "federation/actor_resolver.hpp"
#include "federation/http_signature.hpp"
#include "storage/store.hpp"

#include <rapidjson/document.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::federation {

class RequestVerifier {
public:
    RequestVerifier(
        ActorResolver& resolver, services::PeerService& peers, const Clock& clock, VerifyPolicy policy)
        : resolver_(resolver)
        , peers_(peers)
        , clock_(clock)
        , policy_(std::move(policy))
    { }

    // The remote actor that signed `request`. Unauthorized (401) when there is no draft-cavage
    // signature, an RFC 9421 one (peers then retry with draft-cavage), a bad or stale one, or a
    // key that cannot be found; Forbidden (403) when the key lives on a host we do not
    // federate with.
    Result<model::RemoteActor> verify(const SignableRequest& request, std::string_view body);

private:
    ActorResolver& resolver_;
    services::PeerService& peers_;
    const Clock& clock_;
    VerifyPolicy policy_;
};

struct InboxOptions {
    std::string base_url; // ours, without trailing slash
    JsonLimits json; // max_bytes is federation.max_inbox_bytes
};

class InboxProcessor {
public:
    InboxProcessor(storage::Store& store, RequestVerifier& verifier, ActorResolver& resolver,
        services::Outbox& outbox, const Clock& clock, IdGenerator& ids, InboxOptions options)
        : store_(store)
        , verifier_(verifier)
        , resolver_(resolver)
        , outbox_(outbox)
        , clock_(clock)
        , ids_(ids)
        , options_(std::move(options))
    { }

    // Verifies and applies one POSTed activity. Success means it is durably applied or was
    // deliberately ignored (unknown type, duplicate, nothing addressed to us): answer 202.
    // Errors: those of RequestVerifier::verify; PayloadTooLarge/InvalidInput for oversized or
    // malformed JSON or activities; Forbidden when the activity's actor is not the signer or an
    // id or object lives on another host than its actor's.
    Status receive(const SignableRequest& request, std::string_view body);

    // The same for an activity POSTed to the inbox of a group here, named `group_name` (a
    // remote member joining, leaving, posting, editing or deleting in the group). NotFound for
    // an unknown group.
    Status receive_for_group(std::string_view group_name, const SignableRequest& request, std::string_view body);

    // Who hears of what was applied, once committed (the streaming API); none by default.
    void set_live_events(services::LiveEvents* live) { live_ = live; }

private:
    // An activity whose signature, actor and ids were checked: the signer, the document as
    // received and the activity read from it (an object given by reference fetched).
    struct Received {
        model::RemoteActor signer;
        rapidjson::Document document;
        AsObject activity;
        std::string_view body; // as received, valid for the call
    };
    Result<Received> authenticate(const SignableRequest& request, std::string_view body);
    // Logs a refusal, or wakes the deliveries and publishes the live events.
    Status finish(const Received& in, Status applied, std::span<const services::LiveEvent> events);
    // Applies the activity in one transaction; what local members should see live is appended
    // to `events`, published by receive() once committed.
    Status apply(const model::RemoteActor& signer, const AsObject& activity,
        std::vector<services::LiveEvent>& events);
    // An activity sent to a group here (group_inbox.cpp).
    Status apply_to_group(const model::Group& group, const Received& in, std::vector<services::LiveEvent>& events);
    // An Announce by a Group actor of another instance that local members follow: the post,
    // edit or removal it relays, if the group vouches for it (group_inbox.cpp).
    Status apply_group_announce(const Received& in, std::vector<services::LiveEvent>& events);
    storage::Store& store_;
    RequestVerifier& verifier_;
    ActorResolver& resolver_;
    services::Outbox& outbox_;
    const Clock& clock_;
    IdGenerator& ids_;
    InboxOptions options_;
    services::LiveEvents* live_ = nullptr;
};

} // namespace confrere::federation
