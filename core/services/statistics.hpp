// The instance's aggregated statistics (DESIGN rule 7: counts only, never per member), for the
// CLI's `admin stats` and the admins' web page alike.
#pragma once

#include "core/base/result.hpp"
#include "core/model/directory.hpp"
#include "storage/store.hpp"

#include <cstdint>
#include <optional>

namespace confrere::services {

struct InstanceStatistics {
    std::int64_t active = 0;
    std::int64_t pending = 0;
    std::int64_t rejected = 0;
    std::int64_t suspended = 0;
    std::int64_t local_statuses = 0;
    std::optional<model::DirectoryImport> directory; // the current import, if any
};

// Counts read in one snapshot.
Result<InstanceStatistics> instance_statistics(storage::Store& store);

} // namespace confrere::services
