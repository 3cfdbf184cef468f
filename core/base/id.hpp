// Time-ordered 64-bit identifiers, rendered as decimal strings in the APIs (as Mastodon's are),
// so that `max_id`/`min_id` paging sorts by creation time.
#pragma once

#include "core/base/time.hpp"

#include <cstdint>
#include <mutex>

namespace confrere {

using Id = std::int64_t;

// Generates ids as (milliseconds since epoch << 16) | 16-bit sequence. Thread-safe; strictly
// increasing within a process even if the clock goes back.
class IdGenerator {
public:
    explicit IdGenerator(const Clock& clock) : clock_(clock) {}
    Id next();

private:
    const Clock& clock_;
    std::mutex mutex_;
    std::int64_t last_ = 0;
};

} // namespace confrere
