// Writes synthetic ANS "Annuaire Santé" extracts (ps-libreacces-personne-activite) for tests
// and benchmarks, in the layout of health-domain.md §2.2-2.3.
#pragma once

#include "core/base/result.hpp"
#include "core/directory/extract_reader.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace confrere::testkit {

// One professional of a generated extract. Normally exactly one of rpps/adeli is set; with
// neither, the three identifier columns stay empty (a row the reader must skip).
struct ExtractPerson {
    std::string rpps;              // 11 digits (bare)
    std::string adeli;             // 9 digits (bare)
    std::string last_name;         // UTF-8, as the directory writes it ("DUPONT")
    std::string first_name;        // UTF-8
    std::string profession_code;   // TRE_G15 ("21"); text, so tests can write a bad code
    std::string profession_label;  // UTF-8 ("Pharmacien")
    std::string category_code = "C";
};

// The 56-column layout of 2026, or the 52-column one of 2021 with its older spellings
// ("Libellé civilité d'exercice", "Code Département (structure)"…).
enum class HeaderVariant { Release2026, Release2021 };
enum class LineEnding { Lf, CrLf };
enum class ByteOrderMark { Absent, Present };

struct ExtractOptions {
    directory::Encoding encoding = directory::Encoding::Utf8;
    int activities_per_person = 1;  // rows per person, one per site, as in the real file
    std::int64_t filler_rows = 0;   // extra generated people, each with a valid RPPS number
    HeaderVariant header = HeaderVariant::Release2026;
    LineEnding line_ending = LineEnding::Lf;
    ByteOrderMark bom = ByteOrderMark::Absent;
};

// Writes the header, then each person's rows, then the filler rows (~350 bytes each, like the
// real file). Every line ends with the trailing `|`. Text not representable in CP1252 becomes
// '?'. Errors: Internal if the file cannot be written.
Status write_extract(const std::filesystem::path& file, const std::vector<ExtractPerson>& people,
                     const ExtractOptions& options = {});

// The header labels of a variant, in order (56 or 52 of them).
const std::vector<std::string_view>& extract_header(HeaderVariant variant);

// `body` followed by its Luhn key (health-domain.md §1.1): "1000012345" -> "10000123454".
std::string with_luhn_key(std::string_view body);

// The RPPS number the generator gives to filler person `n` (0-based): "19" + 8 digits + key,
// a range no test fixture uses.
std::string filler_rpps(std::int64_t n);

} // namespace confrere::testkit
