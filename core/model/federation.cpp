// Names of the federation enums as storage and the APIs write them, and the audience order.
#include "core/model/federation.hpp"

#include "core/model/enum_names.hpp"
#include "core/model/group.hpp"

#include <array>
#include <utility>

namespace confrere::model {

namespace {
using enum_names::lookup;
using enum_names::name_of;

constexpr std::array<std::pair<FollowState, std::string_view>, 2> kFollowStates { {
    { FollowState::Pending, "pending" },
    { FollowState::Accepted, "accepted" },
} };
constexpr std::array<std::pair<Audience, std::string_view>, 4> kAudiences { {
    { Audience::Instance, "instance" },
    { Audience::Followers, "followers" },
    { Audience::Direct, "direct" },
    { Audience::Group, "group" },
} };
constexpr std::array<std::pair<InteractionKind, std::string_view>, 2> kInteractionKinds { {
    { InteractionKind::Like, "like" },
    { InteractionKind::Announce, "announce" },
} };
constexpr std::array<std::pair<DeliveryState, std::string_view>, 3> kDeliveryStates { {
    { DeliveryState::Pending, "pending" },
    { DeliveryState::Delivered, "delivered" },
    { DeliveryState::Dead, "dead" },
} };
constexpr std::array<std::pair<GroupRole, std::string_view>, 2> kGroupRoles { {
    { GroupRole::Member, "member" },
    { GroupRole::Moderator, "moderator" },
} };
constexpr std::array<std::pair<MoveState, std::string_view>, 3> kMoveStates { {
    { MoveState::Pending, "pending" },
    { MoveState::Approved, "approved" },
    { MoveState::Rejected, "rejected" },
} };
} // namespace

std::string_view to_string(MoveState s)
{
    return name_of(kMoveStates, s);
}
std::optional<MoveState> move_state_from_string(std::string_view s)
{
    return lookup(kMoveStates, s);
}

std::string_view to_string(GroupRole r)
{
    return name_of(kGroupRoles, r);
}
std::optional<GroupRole> group_role_from_string(std::string_view s)
{
    return lookup(kGroupRoles, s);
}

std::string_view to_string(FollowState s)
{
    return name_of(kFollowStates, s);
}
std::optional<FollowState> follow_state_from_string(std::string_view s)
{
    return lookup(kFollowStates, s);
}
std::string_view to_string(Audience a)
{
    return name_of(kAudiences, a);
}
std::optional<Audience> audience_from_string(std::string_view s)
{
    return lookup(kAudiences, s);
}
std::string_view to_string(InteractionKind k)
{
    return name_of(kInteractionKinds, k);
}
std::optional<InteractionKind> interaction_kind_from_string(std::string_view s)
{
    return lookup(kInteractionKinds, s);
}
std::string_view to_string(DeliveryState s)
{
    return name_of(kDeliveryStates, s);
}
std::optional<DeliveryState> delivery_state_from_string(std::string_view s)
{
    return lookup(kDeliveryStates, s);
}

bool is_not_wider(Audience a, Audience b)
{
    // Instance and Followers are not nested: remote followers are outside the instance and
    // members who do not follow are outside the followers. Only Direct fits in everything.
    return a == Audience::Direct || a == b;
}

} // namespace confrere::model
