#include "core/services/directory_service.hpp"

#include "core/base/log.hpp"
#include "core/directory/extract_reader.hpp"

namespace confrere::services {

Result<model::DirectoryImport> import_directory(storage::Store& store, const Clock& clock,
                                                const std::filesystem::path& file)
{
    auto writer = store.begin_directory_import(file.filename().string(), clock.now());
    if (!writer)
        return forward(writer);
    auto stats = directory::read_extract(
        file, [&writer](const model::DirectoryEntry& e) { return (*writer)->add(e); });
    if (!stats)
        return forward(stats);  // the writer's destructor discards the partial import
    auto done = (*writer)->commit(stats->rows, clock.now());
    if (!done)
        return forward(done);
    log::info("directory_imported", {{"import_id", done->id},
                                     {"rows", done->rows},
                                     {"entries", done->entries},
                                     {"skipped", stats->skipped},
                                     {"flagged_members", done->flagged_members}});
    return done;
}

} // namespace confrere::services
