// Plain model types of groups (FEP-1b12 Group actors hosted here): the group, its specialty
// tags and its members, local or remote. A group hosted on another instance is a RemoteActor of
// type Group that local members follow. No behaviour, no I/O.
#pragma once

#include "core/base/id.hpp"
#include "core/base/time.hpp"
#include "core/model/federation.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::model {

// A group of this instance. Its name shares the namespace of usernames (acct:name@host must
// name one actor); its actor is <base>/groups/<name>.
struct Group {
    Id id = 0;
    std::string name; // [a-z0-9_], case-preserving, unique among groups and accounts
    std::string display_name;
    std::string description; // plain text
    std::vector<std::string> tags; // specialty tags, normalised like hashtags
    // Interdisciplinary groups accept members of trusted peers and federate their threads;
    // the others keep to this instance's members.
    bool interdisciplinary = false;
    std::optional<Id> parent_id; // a sub-group's parent
    std::optional<Id> created_by; // the local account; nullopt once it is gone
    std::string public_key_pem; // RSA-2048 SPKI: the group signs its Announces
    TimePoint created_at {};
    TimePoint updated_at {};
};

enum class GroupRole { Member, Moderator };
std::string_view to_string(GroupRole r);
std::optional<GroupRole> group_role_from_string(std::string_view s);

// A local account or a remote actor in a group of this instance. Remote members join by
// sending a Follow (`follow_uri`), answered with an Accept from the group.
struct GroupMember {
    Id id = 0;
    Id group_id = 0;
    ActorRef member;
    GroupRole role = GroupRole::Member;
    FollowState state = FollowState::Accepted;
    std::string follow_uri; // the remote member's Follow activity; empty for local members
    TimePoint created_at {};
    TimePoint updated_at {};
};

// An author's request to move a thread they started in a profession-only group into an
// interdisciplinary group, where it will federate: a moderator of the target group decides
// (the charter review of DESIGN rule 6 happens there).
enum class MoveState { Pending, Approved, Rejected };
std::string_view to_string(MoveState s);
std::optional<MoveState> move_state_from_string(std::string_view s);

struct ThreadMove {
    Id id = 0;
    Id status_id = 0; // the thread's first post
    Id from_group_id = 0;
    Id to_group_id = 0;
    Id requested_by = 0; // the author
    MoveState state = MoveState::Pending;
    std::optional<Id> decided_by;
    std::string reason; // a rejection's, shown to the author
    TimePoint created_at {};
    std::optional<TimePoint> decided_at;
};

} // namespace confrere::model
