#include "core/services/statistics.hpp"

namespace confrere::services {

Result<InstanceStatistics> instance_statistics(storage::Store& store)
{
    InstanceStatistics stats;
    Status done = store.read([&](storage::Repositories& repos) -> Status {
        for (auto [state, count] : { std::pair { model::AccountState::Active, &stats.active },
                 std::pair { model::AccountState::Pending, &stats.pending },
                 std::pair { model::AccountState::Rejected, &stats.rejected },
                 std::pair { model::AccountState::Suspended, &stats.suspended } }) {
            auto n = repos.accounts().count(state);
            if (!n)
                return forward(n);
            *count = *n;
        }
        auto statuses = repos.statuses().count_local();
        if (!statuses)
            return forward(statuses);
        stats.local_statuses = *statuses;
        auto current = repos.directory().current_import();
        if (!current)
            return forward(current);
        stats.directory = std::move(*current);
        return ok();
    });
    if (!done)
        return forward(done);
    return stats;
}

} // namespace confrere::services
