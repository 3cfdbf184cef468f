// Imports the national directory extract.
#pragma once

#include "core/base/result.hpp"
#include "core/model/directory.hpp"
#include "storage/store.hpp"

#include <filesystem>

namespace confrere::services {

// Streams `file` into a new import and makes it current only if the whole file was read
// without error; otherwise the previous import stays in place and nothing of the new one
// remains. InvalidInput for a corrupt or truncated file (message with the line), Conflict if
// another import is running.
Result<model::DirectoryImport> import_directory(storage::Store& store, const Clock& clock,
                                                const std::filesystem::path& file);

} // namespace confrere::services
