#pragma once

#include "core/base/result.hpp"
#include "storage/sqlite/database.hpp"

namespace confrere::storage::sqlite {

// Current schema version of the database (0 for a new file).
Result<int> schema_version(Connection& connection);

// Applies every migration newer than the database's version, each in its own transaction.
// Conflict if the database is newer than this build (refuses to touch it).
Status migrate(Connection& connection);

int latest_version();

} // namespace confrere::storage::sqlite
