#pragma once

#include "core/base/result.hpp"
#include "core/crypto/keys.hpp"
#include "storage/store.hpp"

namespace confrere::services {

// The instance actor's key pair (it signs the instance's own fetches), created on first use
// and kept in the database.
Result<crypto::KeyPairPem> ensure_instance_key(storage::Store& store);

} // namespace confrere::services
