// The ANS extract reader (health-domain.md §2), driven by files from the test-kit generator.
#include "core/directory/extract_reader.hpp"

#include "core/identifiers/professional_id.hpp"
#include "tests/support/extract_generator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace confrere::directory {
namespace {

namespace fs = std::filesystem;
using testkit::ExtractOptions;
using testkit::ExtractPerson;

ExtractPerson pharmacist()
{
    return {"10001045367", "", "DUPONT", "Hélène", "21", "Pharmacien", "C"};
}
ExtractPerson audioprosthetist()
{
    return {"", "012600631", "LEFÈVRE", "Françoise", "26", "Audioprothésiste", "C"};
}
ExtractPerson podiatrist()
{
    return {"10104335319", "", "LE GALL", "Gaëlle", "80", "Pédicure-Podologue", "C"};
}
ExtractPerson nurse()
{
    return {"10123456781", "", "ŒDIPE-D'ARC", "Œdipe", "60", "Infirmier", "E"};
}
std::vector<ExtractPerson> four_people()
{
    return {pharmacist(), audioprosthetist(), podiatrist(), nurse()};
}

class ExtractReader : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string pattern = (fs::temp_directory_path() / "confrere-extract-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }

    void TearDown() override
    {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    fs::path path(const char* name) const { return dir_ / name; }

    fs::path generate(const std::vector<ExtractPerson>& people, const ExtractOptions& options = {})
    {
        const fs::path file = path("extract.txt");
        const auto written = testkit::write_extract(file, people, options);
        EXPECT_TRUE(written) << (written ? "" : written.error().detail);
        return file;
    }

    fs::path write_raw(const std::string& bytes)
    {
        const fs::path file = path("raw.txt");
        std::ofstream(file, std::ios::binary) << bytes;
        return file;
    }

    Result<ExtractStats> read(const fs::path& file)
    {
        entries_.clear();
        return read_extract(file, [this](const model::DirectoryEntry& e) {
            entries_.push_back(e);
            return ok();
        });
    }

    static std::string slurp(const fs::path& file)
    {
        std::string bytes(fs::file_size(file), '\0');
        std::ifstream(file, std::ios::binary).read(bytes.data(), std::streamsize(bytes.size()));
        return bytes;
    }

    fs::path dir_;
    std::vector<model::DirectoryEntry> entries_;
};

void expect_four_people(const std::vector<model::DirectoryEntry>& entries)
{
    ASSERT_EQ(entries.size(), 4u);
    EXPECT_EQ(entries[0].national_id, "810001045367");
    EXPECT_EQ(entries[0].bare_id, "10001045367");
    EXPECT_EQ(entries[0].last_name, "DUPONT");
    EXPECT_EQ(entries[0].first_name, "Hélène");
    EXPECT_EQ(entries[0].profession_code, 21);
    EXPECT_EQ(entries[0].profession_label, "Pharmacien");
    EXPECT_EQ(entries[0].category_code, "C");
    EXPECT_EQ(entries[1].national_id, "0012600631");
    EXPECT_EQ(entries[1].bare_id, "012600631");
    EXPECT_EQ(entries[1].last_name, "LEFÈVRE");
    EXPECT_EQ(entries[1].first_name, "Françoise");
    EXPECT_EQ(entries[1].profession_code, 26);
    EXPECT_EQ(entries[1].profession_label, "Audioprothésiste");
    EXPECT_EQ(entries[2].first_name, "Gaëlle");
    EXPECT_EQ(entries[2].profession_label, "Pédicure-Podologue");
    EXPECT_EQ(entries[3].last_name, "ŒDIPE-D'ARC");
    EXPECT_EQ(entries[3].first_name, "Œdipe");
    EXPECT_EQ(entries[3].category_code, "E");
}

// --- Encodings and layouts ----------------------------------------------------------------

TEST_F(ExtractReader, Utf8FileYieldsEveryRowWithItsAccentedNames)
{
    const auto stats = read(generate(four_people()));
    ASSERT_TRUE(stats) << stats.error().public_message;
    EXPECT_EQ(stats->encoding, Encoding::Utf8);
    EXPECT_EQ(stats->rows, 4);
    EXPECT_EQ(stats->skipped, 0);
    expect_four_people(entries_);
}

TEST_F(ExtractReader, Cp1252FileIsDetectedAndItsNamesAreConvertedToUtf8)
{
    ExtractOptions options;
    options.encoding = Encoding::Cp1252;
    const auto file = generate(four_people(), options);
    ASSERT_NE(slurp(file).find("H\xE9l\xE8ne"), std::string::npos);  // really CP1252 bytes

    const auto stats = read(file);
    ASSERT_TRUE(stats) << stats.error().public_message;
    EXPECT_EQ(stats->encoding, Encoding::Cp1252);
    EXPECT_EQ(stats->rows, 4);
    expect_four_people(entries_);
}

TEST_F(ExtractReader, Release2021HeaderIsMappedByName)
{
    ExtractOptions options;
    options.header = testkit::HeaderVariant::Release2021;
    const auto file = generate(four_people(), options);
    ASSERT_NE(slurp(file).find("Code Département (structure)|"), std::string::npos);

    const auto stats = read(file);
    ASSERT_TRUE(stats) << stats.error().public_message;
    EXPECT_EQ(stats->rows, 4);
    expect_four_people(entries_);
}

TEST_F(ExtractReader, Release2021HeaderInCp1252IsMappedByName)
{
    ExtractOptions options;
    options.header = testkit::HeaderVariant::Release2021;
    options.encoding = Encoding::Cp1252;
    const auto stats = read(generate(four_people(), options));
    ASSERT_TRUE(stats) << stats.error().public_message;
    EXPECT_EQ(stats->encoding, Encoding::Cp1252);
    expect_four_people(entries_);
}

TEST_F(ExtractReader, ColumnsAreFoundByNameWhateverTheirOrderAndSpelling)
{
    // Reordered, accents dropped, curly apostrophe, other case: still the same columns.
    const auto stats = read(write_raw("CODE PROFESSION|Prenom d’exercice|nom D'EXERCICE|"
                                      "identifiant pp|Identification Nationale PP|\n"
                                      "60|Zoé|MARTIN|10000123454|810000123454|\n"));
    ASSERT_TRUE(stats) << stats.error().public_message;
    ASSERT_EQ(entries_.size(), 1u);
    EXPECT_EQ(entries_[0].national_id, "810000123454");
    EXPECT_EQ(entries_[0].bare_id, "10000123454");
    EXPECT_EQ(entries_[0].last_name, "MARTIN");
    EXPECT_EQ(entries_[0].first_name, "Zoé");
    EXPECT_EQ(entries_[0].profession_code, 60);
}

TEST_F(ExtractReader, MissingOptionalColumnsLeaveTheirFieldsEmpty)
{
    const auto stats = read(write_raw("Identification nationale PP|Identifiant PP|Nom d'exercice|"
                                      "Prénom d'exercice|Code profession|\n"
                                      "810000123454|10000123454|MARTIN|Zoé|60|\n"));
    ASSERT_TRUE(stats) << stats.error().public_message;
    ASSERT_EQ(entries_.size(), 1u);
    EXPECT_EQ(entries_[0].profession_label, "");
    EXPECT_EQ(entries_[0].category_code, "");
}

TEST_F(ExtractReader, MissingRequiredColumnIsNamedInTheError)
{
    const auto stats = read(write_raw("Identification nationale PP|Identifiant PP|Nom d'exercice|"
                                      "Code profession|\n"
                                      "810000123454|10000123454|MARTIN|60|\n"));
    ASSERT_FALSE(stats);
    EXPECT_EQ(stats.error().kind, ErrorKind::InvalidInput);
    EXPECT_NE(stats.error().public_message.find("\"Prénom d'exercice\""), std::string::npos)
        << stats.error().public_message;
    EXPECT_TRUE(entries_.empty());
}

TEST_F(ExtractReader, EveryMissingRequiredColumnIsNamed)
{
    const auto stats = read(write_raw("Nom|Prénom|\nMARTIN|Zoé|\n"));
    ASSERT_FALSE(stats);
    const auto& message = stats.error().public_message;
    for (const auto* column : {"Identification nationale PP", "Identifiant PP", "Nom d'exercice",
                               "Prénom d'exercice", "Code profession"})
        EXPECT_NE(message.find(column), std::string::npos) << column;
}

// --- Line endings, BOM, blank lines -------------------------------------------------------

TEST_F(ExtractReader, CrlfLineEndingsAreAccepted)
{
    ExtractOptions options;
    options.line_ending = testkit::LineEnding::CrLf;
    const auto file = generate(four_people(), options);
    ASSERT_NE(slurp(file).find("|\r\n"), std::string::npos);

    const auto stats = read(file);
    ASSERT_TRUE(stats) << stats.error().public_message;
    EXPECT_EQ(stats->rows, 4);
    expect_four_people(entries_);
}

TEST_F(ExtractReader, CrlfLineEndingOnTheLastUsedColumnIsNotKept)
{
    const auto stats = read(write_raw("Identification nationale PP|Identifiant PP|Nom d'exercice|"
                                      "Prénom d'exercice|Code profession\r\n"
                                      "810000123454|10000123454|MARTIN|Zoé|60\r\n"));
    ASSERT_TRUE(stats) << stats.error().public_message;
    ASSERT_EQ(entries_.size(), 1u);
    EXPECT_EQ(entries_[0].profession_code, 60);
}

TEST_F(ExtractReader, ByteOrderMarkOnTheHeaderIsIgnored)
{
    ExtractOptions options;
    options.bom = testkit::ByteOrderMark::Present;
    const auto stats = read(generate(four_people(), options));
    ASSERT_TRUE(stats) << stats.error().public_message;
    expect_four_people(entries_);
}

TEST_F(ExtractReader, ByteOrderMarkDoesNotHideARequiredFirstColumn)
{
    const auto stats = read(write_raw("\xEF\xBB\xBFIdentification nationale PP|Identifiant PP|"
                                      "Nom d'exercice|Prénom d'exercice|Code profession|\n"
                                      "810000123454|10000123454|MARTIN|Zoé|60|\n"));
    ASSERT_TRUE(stats) << stats.error().public_message;
    ASSERT_EQ(entries_.size(), 1u);
    EXPECT_EQ(entries_[0].national_id, "810000123454");
}

TEST_F(ExtractReader, BlankFinalLinesAreIgnored)
{
    const auto file = generate(four_people());
    std::ofstream(file, std::ios::binary | std::ios::app) << "\n\r\n";
    const auto stats = read(file);
    ASSERT_TRUE(stats) << stats.error().public_message;
    EXPECT_EQ(stats->rows, 4);
}

TEST_F(ExtractReader, LastLineWithoutANewlineIsRead)
{
    const auto stats = read(write_raw("Identification nationale PP|Identifiant PP|Nom d'exercice|"
                                      "Prénom d'exercice|Code profession|\n"
                                      "810000123454|10000123454|MARTIN|Zoé|60|"));
    ASSERT_TRUE(stats) << stats.error().public_message;
    EXPECT_EQ(entries_.size(), 1u);
}

TEST_F(ExtractReader, BlankLineInTheMiddleIsRejectedWithItsLineNumber)
{
    const auto stats = read(write_raw("Identification nationale PP|Identifiant PP|Nom d'exercice|"
                                      "Prénom d'exercice|Code profession|\n"
                                      "810000123454|10000123454|MARTIN|Zoé|60|\n"
                                      "\n"
                                      "810123456781|10123456781|PETIT|Noël|21|\n"));
    ASSERT_FALSE(stats);
    EXPECT_EQ(stats.error().public_message,
              "line 3: expected 5 fields, found 0 (truncated or corrupt file?)");
}

// --- Truncation and corruption ------------------------------------------------------------

TEST_F(ExtractReader, TruncatedLastLineIsRejectedWithItsLineNumber)
{
    const auto file = generate(four_people());
    fs::resize_file(file, fs::file_size(file) - 200);  // a download cut mid-row

    const auto stats = read(file);
    ASSERT_FALSE(stats);
    EXPECT_EQ(stats.error().kind, ErrorKind::InvalidInput);
    const auto& message = stats.error().public_message;
    EXPECT_TRUE(message.starts_with("line 5: expected 56 fields, found ")) << message;
    EXPECT_TRUE(message.ends_with(" (truncated or corrupt file?)")) << message;
}

TEST_F(ExtractReader, LineCutJustBeforeItsTrailingBarIsStillTruncated)
{
    const auto file = generate(four_people());
    fs::resize_file(file, fs::file_size(file) - 2);  // drops the final "|\n"

    const auto stats = read(file);
    ASSERT_FALSE(stats);
    EXPECT_EQ(stats.error().public_message,
              "line 5: expected 56 fields, found 55 (truncated or corrupt file?)");
}

TEST_F(ExtractReader, EveryCutOfARowReportsTheFieldsItKept)
{
    const std::string whole = slurp(generate({nurse()}));
    const std::size_t row_start = whole.find('\n') + 1;
    const std::size_t row_end = whole.size() - 1;  // the final '\n'
    for (std::size_t cut = row_start + 1; cut < row_end; ++cut) {
        const std::string kept = whole.substr(0, cut);
        const auto bars = std::count(kept.begin() + std::ptrdiff_t(row_start), kept.end(), '|');
        const auto stats = read(write_raw(kept));
        ASSERT_FALSE(stats) << cut;
        EXPECT_EQ(stats.error().public_message,
                  "line 2: expected 56 fields, found " + std::to_string(bars)
                      + " (truncated or corrupt file?)")
            << cut;
    }
    EXPECT_TRUE(read(write_raw(whole.substr(0, row_end))));  // only the newline missing
}

TEST_F(ExtractReader, Release2021LineWithTooManyFieldsIsRejected)
{
    ExtractOptions options;
    options.header = testkit::HeaderVariant::Release2021;
    const auto file = generate({pharmacist()}, options);
    std::ofstream(file, std::ios::binary | std::ios::app) << std::string(60, '|') << "\n";
    const auto stats = read(file);
    ASSERT_FALSE(stats);
    EXPECT_EQ(stats.error().public_message,
              "line 3: expected 52 fields, found 60 (truncated or corrupt file?)");
}

TEST_F(ExtractReader, LineLongerThanAnyRealRowIsRejected)
{
    const auto stats = read(write_raw("Identification nationale PP|Identifiant PP|Nom d'exercice|"
                                      "Prénom d'exercice|Code profession|\n"
                                      + std::string(3 << 20, 'x') + "\n"));
    ASSERT_FALSE(stats);
    EXPECT_EQ(stats.error().kind, ErrorKind::InvalidInput);
}

// --- Rows the sink never sees -------------------------------------------------------------

TEST_F(ExtractReader, RowsWithoutNationalIdOrUsableProfessionAreSkippedAndCounted)
{
    ExtractPerson no_id = pharmacist();
    no_id.rpps.clear();
    ExtractPerson letters = podiatrist();
    letters.profession_code = "XX";
    ExtractPerson empty_code = nurse();
    empty_code.profession_code = "";
    ExtractPerson negative = nurse();
    negative.profession_code = "-1";

    const auto stats = read(generate({no_id, letters, audioprosthetist(), empty_code, negative}));
    ASSERT_TRUE(stats) << stats.error().public_message;
    EXPECT_EQ(stats->rows, 5);
    EXPECT_EQ(stats->skipped, 4);
    ASSERT_EQ(entries_.size(), 1u);
    EXPECT_EQ(entries_[0].national_id, "0012600631");
}

TEST_F(ExtractReader, EveryActivityRowOfAPersonReachesTheSink)
{
    ExtractOptions options;
    options.activities_per_person = 3;
    const auto stats = read(generate({pharmacist(), nurse()}, options));
    ASSERT_TRUE(stats) << stats.error().public_message;
    EXPECT_EQ(stats->rows, 6);
    ASSERT_EQ(entries_.size(), 6u);
    EXPECT_EQ(entries_[2].national_id, "810001045367");
    EXPECT_EQ(entries_[3].national_id, "810123456781");
}

TEST_F(ExtractReader, SinkErrorStopsTheReadAndIsReturnedAsIs)
{
    const auto file = generate(four_people());
    int calls = 0;
    const auto stats = read_extract(file, [&](const model::DirectoryEntry&) -> Status {
        if (++calls == 2)
            return fail(ErrorKind::Unavailable, "The database is busy.", "SQLITE_BUSY");
        return ok();
    });
    ASSERT_FALSE(stats);
    EXPECT_EQ(calls, 2);
    EXPECT_EQ(stats.error().kind, ErrorKind::Unavailable);
    EXPECT_EQ(stats.error().public_message, "The database is busy.");
    EXPECT_EQ(stats.error().detail, "SQLITE_BUSY");
}

// --- Files that are not extracts ----------------------------------------------------------

TEST_F(ExtractReader, MissingFileIsRejected)
{
    const auto stats = read(path("nowhere.txt"));
    ASSERT_FALSE(stats);
    EXPECT_EQ(stats.error().kind, ErrorKind::InvalidInput);
    EXPECT_EQ(stats.error().public_message, "The directory extract cannot be read.");
}

TEST_F(ExtractReader, EmptyFileIsRejected)
{
    const auto stats = read(write_raw(""));
    ASSERT_FALSE(stats);
    EXPECT_EQ(stats.error().kind, ErrorKind::InvalidInput);
    EXPECT_EQ(stats.error().public_message, "The directory extract is empty.");
}

TEST_F(ExtractReader, HeaderOnlyFileHasNoRows)
{
    const auto stats = read(generate({}));
    ASSERT_TRUE(stats) << stats.error().public_message;
    EXPECT_EQ(stats->rows, 0);
    EXPECT_TRUE(entries_.empty());
}

// --- Large files --------------------------------------------------------------------------

TEST_F(ExtractReader, FillerRowsCarryValidRppsNumbers)
{
    ExtractOptions options;
    options.filler_rows = 5000;  // ~1.9 MB: more than one read chunk
    const auto stats = read(generate({pharmacist()}, options));
    ASSERT_TRUE(stats) << stats.error().public_message;
    EXPECT_EQ(stats->encoding, Encoding::Utf8);
    EXPECT_EQ(stats->rows, 5001);
    ASSERT_EQ(entries_.size(), 5001u);
    for (const auto& e : entries_) {
        const auto id = identifiers::parse(model::IdentifierKind::Rpps, e.national_id);
        ASSERT_TRUE(id) << e.national_id;
        EXPECT_EQ(id->bare_id, e.bare_id);
    }
}

TEST_F(ExtractReader, CharacterSplitByAReadChunkKeepsTheFileUtf8)
{
    // Put "é€😀" (2-, 3- and 4-byte sequences) across the 1 MiB mark at every offset, so that
    // whatever the chunk size near it, some read boundary falls inside a character.
    const std::string header =
        "Identification nationale PP|Identifiant PP|Nom d'exercice|Prénom d'exercice|"
        "Code profession|\n";
    const std::string row = "810000123454|10000123454|MARTIN|Zoé|60|\n";
    const std::string tricky = "é€😀";
    for (std::size_t shift = 1; shift <= tricky.size(); ++shift) {
        std::string bytes = header;
        const std::size_t target = (std::size_t{1} << 20) - shift;
        while (bytes.size() + row.size() + 200 < target)
            bytes += row;
        const std::string prefix = "810000123454|10000123454|";
        bytes += prefix + std::string(target - bytes.size() - prefix.size(), 'A') + tricky
            + "|Zoé|60|\n";
        const auto stats = read(write_raw(bytes));
        ASSERT_TRUE(stats) << stats.error().public_message;
        EXPECT_EQ(stats->encoding, Encoding::Utf8) << shift;
        EXPECT_TRUE(entries_.back().last_name.ends_with(tricky)) << shift;
    }
}

TEST_F(ExtractReader, OneLatin1ByteLateInTheFileMakesTheWholeFileCp1252)
{
    ExtractOptions options;
    options.filler_rows = 4000;  // ~1.5 MB of UTF-8 first
    const auto file = generate({}, options);
    std::string row = "8|10000123454|810000123454|||M|Monsieur|NO\xCBL|Zo\xE9|60";
    row.append(56 - static_cast<std::size_t>(std::count(row.begin(), row.end(), '|')), '|');
    std::ofstream(file, std::ios::binary | std::ios::app) << row << "\n";
    const auto stats = read(file);
    ASSERT_TRUE(stats) << stats.error().public_message;
    EXPECT_EQ(stats->encoding, Encoding::Cp1252);
    EXPECT_EQ(entries_.back().last_name, "NOËL");
    EXPECT_EQ(entries_.back().first_name, "Zoé");
}

} // namespace
} // namespace confrere::directory
