#pragma once

#include "core/base/id.hpp"
#include "core/base/time.hpp"

#include <string>

namespace confrere::model {

// A login session (web cookie) or, later, an OAuth access token. Only the SHA-256 of the
// secret is stored.
struct Session {
    Id id = 0;
    Id account_id = 0;
    std::string token_hash;  // hex SHA-256 of the bearer secret
    std::string csrf_token;  // for cookie-authenticated state-changing requests
    TimePoint created_at{};
    TimePoint expires_at{};
};

} // namespace confrere::model
