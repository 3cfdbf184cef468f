#include "server/http/rate_limiter.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace confrere::server::http {

RateDecision RateLimiter::hit(const RateRule& rule, std::string_view key)
{
    RateDecision d;
    d.limit = rule.limit;
    if (rule.limit <= 0) {
        d.remaining = 0;
        return d;
    }
    std::int64_t now = to_unix_ms(clock_.now());
    std::int64_t window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(rule.window).count();
    std::lock_guard lock(mutex_);
    longest_window_ms_ = std::max(longest_window_ms_, window_ms);
    prune(now);
    Window& w = windows_[rule.name + '|' + std::string(key)];
    // Windows are aligned on multiples of their length, as rack-attack's are.
    std::int64_t start = now - now % std::max<std::int64_t>(window_ms, 1);
    if (w.start_ms != start) {
        w.start_ms = start;
        w.count = 0;
    }
    ++w.count;
    d.allowed = w.count <= rule.limit;
    d.remaining = std::max(0, rule.limit - w.count);
    d.reset = from_unix_ms(start + window_ms);
    return d;
}

void RateLimiter::prune(std::int64_t now_ms)
{
    // At most once a minute, forget windows that ended: memory stays bounded by the number of
    // addresses seen in the longest window.
    if (now_ms - last_prune_ms_ < 60'000)
        return;
    last_prune_ms_ = now_ms;
    std::erase_if(windows_, [&](const auto& entry) { return entry.second.start_ms + longest_window_ms_ <= now_ms; });
}

std::string rate_key_for_address(std::string_view address)
{
    std::string text(address);
    unsigned char bytes[16];
    if (inet_pton(AF_INET6, text.c_str(), bytes) != 1)
        return text;  // IPv4 (or unparseable): the address itself
    // One subscriber gets a /64: zero the interface identifier.
    std::fill(bytes + 8, bytes + 16, 0);
    char out[INET6_ADDRSTRLEN];
    if (inet_ntop(AF_INET6, bytes, out, sizeof out) == nullptr)
        return text;
    return std::string(out) + "/64";
}

} // namespace confrere::server::http
