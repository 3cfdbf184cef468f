#include "core/model/account.hpp"
#include "core/model/enum_names.hpp"
#include "core/model/peer.hpp"

#include <array>
#include <utility>

namespace confrere::model {

namespace {
using enum_names::lookup;
using enum_names::name_of;

constexpr std::array<std::pair<AccountState, std::string_view>, 4> kStates{{
    {AccountState::Pending, "pending"},
    {AccountState::Active, "active"},
    {AccountState::Rejected, "rejected"},
    {AccountState::Suspended, "suspended"},
}};
constexpr std::array<std::pair<Role, std::string_view>, 4> kRoles{{
    {Role::Member, "member"},
    {Role::Moderator, "moderator"},
    {Role::Admin, "admin"},
    {Role::Partner, "partner"},
}};
constexpr std::array<std::pair<IdentifierKind, std::string_view>, 3> kKinds{{
    {IdentifierKind::Rpps, "rpps"},
    {IdentifierKind::Adeli, "adeli"},
    {IdentifierKind::Student, "student"},
}};
constexpr std::array<std::pair<PrecheckOutcome, std::string_view>, 6> kOutcomes{{
    {PrecheckOutcome::Match, "match"},
    {PrecheckOutcome::NameMismatch, "name_mismatch"},
    {PrecheckOutcome::ProfessionNotAdmitted, "profession_not_admitted"},
    {PrecheckOutcome::NotFound, "not_found"},
    {PrecheckOutcome::NoDirectory, "no_directory"},
    {PrecheckOutcome::NotApplicable, "not_applicable"},
}};
constexpr std::array<std::pair<PeerState, std::string_view>, 2> kPeerStates{{
    {PeerState::Trusted, "trusted"},
    {PeerState::Blocked, "blocked"},
}};
} // namespace

std::string_view to_string(PeerState s) { return name_of(kPeerStates, s); }
std::optional<PeerState> peer_state_from_string(std::string_view s) { return lookup(kPeerStates, s); }

std::string_view to_string(AccountState s) { return name_of(kStates, s); }
std::optional<AccountState> account_state_from_string(std::string_view s) { return lookup(kStates, s); }
std::string_view to_string(Role r) { return name_of(kRoles, r); }
std::optional<Role> role_from_string(std::string_view s) { return lookup(kRoles, s); }
std::string_view to_string(IdentifierKind k) { return name_of(kKinds, k); }
std::optional<IdentifierKind> identifier_kind_from_string(std::string_view s) { return lookup(kKinds, s); }
std::string_view to_string(PrecheckOutcome o) { return name_of(kOutcomes, o); }
std::optional<PrecheckOutcome> precheck_outcome_from_string(std::string_view s) { return lookup(kOutcomes, s); }

} // namespace confrere::model
