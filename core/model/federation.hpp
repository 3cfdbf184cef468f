// Plain model types of the federated social graph: remote actors, follows, statuses and their
// audiences, interactions, and the outbound delivery queue. No behaviour, no I/O.
#pragma once

#include "core/base/id.hpp"
#include "core/base/time.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::model {

// A local account or a remote actor. Both kinds draw their ids from IdGenerator, so an id alone
// is unique; `local` tells which table holds it.
struct ActorRef {
    Id id = 0;
    bool local = true;
    friend bool operator==(const ActorRef&, const ActorRef&) = default;
};

inline ActorRef local_actor(Id id)
{
    return ActorRef { id, true };
}
inline ActorRef remote_actor(Id id)
{
    return ActorRef { id, false };
}

// An actor of another instance as last fetched from its origin (never from a third party).
struct RemoteActor {
    Id id = 0;
    std::string uri; // the actor's id
    std::string host; // authority of `uri`, lower case ("soins.example", "127.0.0.1:8081")
    std::string type; // Person, Group, Application, Service, Organization
    std::string username; // preferredUsername
    std::string display_name; // plain text
    std::string summary_html; // sanitised
    std::string url; // profile page, may be empty
    std::string inbox;
    std::string shared_inbox; // empty unless it is on the actor's own host
    std::string outbox;
    std::string followers_url;
    std::string following_url;
    std::string key_id; // publicKey.id
    std::string public_key_pem; // publicKey.publicKeyPem (SPKI)
    bool locked = false; // manuallyApprovesFollowers
    TimePoint fetched_at {};
    TimePoint created_at {};
};

enum class FollowState { Pending, Accepted };
std::string_view to_string(FollowState s);
std::optional<FollowState> follow_state_from_string(std::string_view s);

// `follower` asked to follow `followee`; Accepted once the followee (or its instance) agreed.
struct Follow {
    Id id = 0;
    ActorRef follower;
    ActorRef followee;
    FollowState state = FollowState::Pending;
    std::string uri; // the Follow activity's id (ours for local followers, the peer's otherwise)
    TimePoint created_at {};
    TimePoint updated_at {};
};

// Who may read a status (DESIGN rule 2). Never widened by itself.
//   Instance  validated members of the author's instance; never leaves it
//   Followers the author's accepted followers, local and remote
//   Direct    the mentioned actors
//   Group     the members of the status's group
enum class Audience { Instance, Followers, Direct, Group };
std::string_view to_string(Audience a);
std::optional<Audience> audience_from_string(std::string_view s);
// For the "a reply is never wider than its parent" rule: true when `a` reaches no-one `b` does
// not (a ⊆ b). Direct fits in every audience (its recipients are named one by one); otherwise
// only an audience fits in itself: Followers ⊄ Instance (remote followers are outside the
// instance), Instance ⊄ Followers (members who do not follow), Group fits in Group only.
bool is_not_wider(Audience a, Audience b);

// A post (ActivityPub Note). Local and remote statuses share the table; `local` is the author's.
struct Status {
    Id id = 0;
    std::string uri; // ActivityPub id: local ones are <base>/users/<name>/statuses/<id>
    std::string url; // HTML page, may equal uri
    ActorRef author;
    Audience audience = Audience::Instance;
    std::string content_html; // rendered (local) or sanitised (remote): safe to show as is
    std::string source_text; // what a local author typed; empty for remote statuses
    std::string summary; // content warning, plain text
    bool sensitive = false;
    std::string language; // BCP 47 primary tag, may be empty
    std::optional<Id> in_reply_to_id; // the parent's row, when we have it
    std::string in_reply_to_uri; // the parent's ActivityPub id, empty for a thread start
    std::string context; // the thread's id: the root status's uri for threads started here
    // Audience::Group: the group, local (groups.id) or remote (remote_actors.id of a Group).
    std::optional<ActorRef> group;
    TimePoint published {};
    std::optional<TimePoint> edited_at;
    std::optional<TimePoint> deleted_at; // a Tombstone once set: content cleared
    TimePoint created_at {}; // when this row was stored
};

// Actors a status is addressed to by name (Mention tags), kept for Direct audiences and
// notifications.
struct Mention {
    Id status_id = 0;
    ActorRef actor;
};

enum class InteractionKind { Like, Announce };
std::string_view to_string(InteractionKind k);
std::optional<InteractionKind> interaction_kind_from_string(std::string_view s);

// A Like (favourite) or an Announce (boost) of a status by an actor.
struct Interaction {
    Id id = 0;
    InteractionKind kind = InteractionKind::Like;
    ActorRef actor;
    Id status_id = 0;
    std::string uri; // the activity's id
    TimePoint created_at {};
};

// One item of a home or account timeline: a status, or someone's boost of it (Mastodon's
// reblog wrapper). Statuses and interactions take their ids from one time-ordered generator,
// so a timeline mixing both pages by id.
struct TimelineEntry {
    Status status; // the status shown: the boosted one for a boost
    std::optional<Interaction> boost; // an Announce of `status`
    Id id() const { return boost ? boost->id : status.id; }
};

// A status a local account bookmarked (private, never federated).
struct Bookmark {
    Id id = 0;
    Id account_id = 0;
    Id status_id = 0;
    TimePoint created_at {};
};

// An activity to deliver, written in the same transaction as the change that caused it
// (transactional outbox, DESIGN rule 5); one Delivery row per distinct inbox.
struct OutboundActivity {
    Id id = 0;
    std::string uri; // the activity's id
    std::string json; // the document as it will be POSTed, byte for byte
    std::optional<Id> signer_account_id; // nullopt: the instance actor signs (or the group)
    TimePoint created_at {};
    std::optional<Id> signer_group_id; // a group here signs what it announces
};

enum class DeliveryState { Pending, Delivered, Dead };
std::string_view to_string(DeliveryState s);
std::optional<DeliveryState> delivery_state_from_string(std::string_view s);

struct Delivery {
    Id id = 0;
    Id activity_id = 0;
    std::string inbox; // absolute URL
    std::string host; // lower-case authority of `inbox`
    DeliveryState state = DeliveryState::Pending;
    int attempts = 0;
    TimePoint next_attempt_at {};
    std::optional<TimePoint> lease_until; // claimed by a worker until then
    int last_status = 0; // HTTP status of the last attempt, 0 for a network error
    std::string last_error; // short, safe for logs: never the payload
    TimePoint created_at {};
    TimePoint updated_at {};
};

// A delivery claimed by a worker, with what it needs to send it.
struct DeliveryJob {
    Delivery delivery;
    OutboundActivity activity;
};

// Per-peer delivery health: failures pause retries to the whole host until `unreachable_until`.
struct PeerHealth {
    std::string host;
    int consecutive_failures = 0;
    std::optional<TimePoint> unreachable_until;
    std::optional<TimePoint> last_success_at;
    std::optional<TimePoint> last_failure_at;
};

} // namespace confrere::model
