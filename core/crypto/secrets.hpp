// Passwords, bearer secrets and their digests.
#pragma once

#include "core/base/result.hpp"

#include <string>
#include <string_view>

namespace confrere::crypto {

// Must be called once before any other function here (initialises libsodium).
Status init_crypto();

// Argon2id (libsodium crypto_pwhash_str, INTERACTIVE limits: 64 MiB, t=2), PHC string.
// At most a few hashes run at once (each takes 64 MiB): callers beyond that wait.
// Internal error if memory cannot be had.
Result<std::string> hash_password(std::string_view password);

// Constant-time verification against a PHC string from hash_password.
bool verify_password(std::string_view phc_hash, std::string_view password);

// `bytes` random bytes from the OS CSPRNG, base64url without padding.
std::string random_token(std::size_t bytes = 32);

// Lower-case hex SHA-256, for storing bearer secrets (never the secret itself).
std::string sha256_hex(std::string_view data);

// Lower-case hex HMAC-SHA256 (RFC 2104) of `data` under `key` (signed form tokens).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// Constant-time comparison of two strings (CSRF tokens).
bool constant_time_equal(std::string_view a, std::string_view b);

} // namespace confrere::crypto
