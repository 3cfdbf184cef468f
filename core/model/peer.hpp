#pragma once

#include "core/base/time.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace confrere::model {

// What the admin decided about another instance (DESIGN rule 3).
enum class PeerState { Trusted, Blocked };

std::string_view to_string(PeerState s);
std::optional<PeerState> peer_state_from_string(std::string_view s);

struct Peer {
    std::string host;  // authority in lower case: "soins.example" or "127.0.0.1:8081"
    PeerState state = PeerState::Trusted;
    std::string note;
    TimePoint created_at{};
    TimePoint updated_at{};
};

} // namespace confrere::model
