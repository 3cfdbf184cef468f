// The imported national directory (ANS Annuaire Santé extract).
#pragma once

#include "core/base/id.hpp"
#include "core/base/time.hpp"

#include <cstdint>
#include <string>

namespace confrere::model {

// One professional × profession from the extract (activities of the same person and profession
// are merged).
struct DirectoryEntry {
    std::string national_id;   // Identification nationale PP: "8"+RPPS or "0"+ADELI
    std::string bare_id;       // Identifiant PP
    std::string last_name;     // Nom d'exercice
    std::string first_name;    // Prénom d'exercice
    int profession_code = 0;   // Code profession (TRE_G15)
    std::string profession_label;
    std::string category_code; // Code catégorie professionnelle (C, E, M…)
};

struct DirectoryImport {
    Id id = 0;
    TimePoint imported_at{};
    std::string source_name;        // file name as given to the importer
    std::int64_t rows = 0;          // data lines read
    std::int64_t entries = 0;       // distinct professional × profession stored
    std::int64_t flagged_members = 0; // active members missing from this extract
};

} // namespace confrere::model
