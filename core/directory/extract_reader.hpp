// Streaming reader for the ANS "Annuaire Santé" open-data extract
// (PS_LibreAcces_Personne_activite / ps-libreacces-personne-activite.txt).
// Facts: ../shared/notes/health-domain.md §2.
#pragma once

#include "core/base/result.hpp"
#include "core/model/directory.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace confrere::directory {

enum class Encoding { Utf8, Cp1252 };

struct ExtractStats {
    std::int64_t rows = 0;     // data lines read (header excluded)
    std::int64_t skipped = 0;  // rows without a usable identifier (counted, not stored)
    Encoding encoding = Encoding::Utf8;
};

// Receives each usable row. A failed Status stops the read and is returned as is.
using EntrySink = std::function<Status(const model::DirectoryEntry&)>;

// Reads `file` row by row with bounded memory and calls `sink` for each row.
// - Encoding: UTF-8 if the whole file is valid UTF-8, else Windows-1252 (a first pass decides).
// - Separator `|`, no quoting, header on the first line, every line ending with a trailing `|`.
// - Columns are found by normalised header name (lower case, accents stripped, runs of
//   non-alphanumerics collapsed), never by position, because labels drift between releases.
// Errors (ErrorKind::InvalidInput): unreadable file, empty file, a required column missing
// (the message names it), a line with the wrong number of fields (the message gives the line
// number: this is how a truncated file is detected).
Result<ExtractStats> read_extract(const std::filesystem::path& file, const EntrySink& sink);

} // namespace confrere::directory
