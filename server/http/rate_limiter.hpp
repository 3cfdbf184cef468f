// In-memory fixed-window rate limits, keyed like Mastodon's rack-attack (the peer address,
// IPv6 by /64), so a script cannot brute-force passwords or flood the validation queue.
#pragma once

#include "core/base/time.hpp"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace confrere::server::http {

struct RateRule {
    std::string name;  // "sign_in", "registration"
    int limit = 0;     // requests per window; 0 disables the rule
    std::chrono::seconds window{300};
};

struct RateDecision {
    bool allowed = true;
    int limit = 0;
    int remaining = 0;
    TimePoint reset{};  // end of the current window
};

class RateLimiter {
public:
    explicit RateLimiter(const Clock& clock) : clock_(clock) {}

    // Counts one request for (rule, key) and says whether it is within the limit.
    RateDecision hit(const RateRule& rule, std::string_view key);

private:
    struct Window {
        std::int64_t start_ms = 0;
        int count = 0;
    };
    void prune(std::int64_t now_ms);

    const Clock& clock_;
    std::mutex mutex_;
    std::unordered_map<std::string, Window> windows_;
    std::int64_t last_prune_ms_ = 0;
    std::int64_t longest_window_ms_ = 0;
};

// The key for an address: IPv4 as is, IPv6 reduced to its /64 (one subscriber's prefix).
std::string rate_key_for_address(std::string_view address);

} // namespace confrere::server::http
