// `confrere admin import-directory` on a running instance: a good extract replaces the current
// one for the next pre-checks; a bad or truncated file is refused and the previous one stays.
#include "tests/integration/scenario.hpp"

#include <fstream>
#include <sstream>

namespace confrere::testkit {
namespace {

class DirectoryImport : public IntegrationTest {
protected:
    // Imports a file and returns the CLI result (no failure recorded: tests check it).
    CommandResult import_file(const std::filesystem::path& path)
    {
        return instance_.admin("import-directory", path.string());
    }

    std::filesystem::path written(const std::string& name, const std::vector<ExtractPerson>& people,
                                  const ExtractOptions& options = {})
    {
        const auto path = instance_.dir() / name;
        const auto status = write_extract(path, people, options);
        EXPECT_TRUE(status.has_value()) << "cannot write " << path;
        return path;
    }

    std::string outcome_for(const std::string& username, const ExtractPerson& person)
    {
        const auto id = register_pending(applicant_for(username, person));
        return id.empty() ? std::string("<refused>") : precheck_outcome(id);
    }
};

std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

TEST_F(DirectoryImport, ImportedExtractServesTheNextPrechecks)
{
    const auto result = import_file(written("extract.txt", {pharmacist_elodie()}));
    ASSERT_EQ(result.exit_code, 0) << result;
    EXPECT_EQ(outcome_for("elodie", pharmacist_elodie()), "match");
}

TEST_F(DirectoryImport, TruncatedExtractFailsAndKeepsThePreviousOne)
{
    ASSERT_EQ(import_file(written("first.txt", {pharmacist_elodie()})).exit_code, 0);

    // A download cut short: the second file ends in the middle of a row.
    ExtractOptions options;
    options.filler_rows = 20;
    const auto second = written("second.txt", {pharmacist_francois()}, options);
    auto content = read_file(second);
    ASSERT_GT(content.size(), 200u);
    content.resize(content.size() - 150);
    instance_.write_file("second.txt", content);

    const auto result = import_file(second);
    EXPECT_NE(result.exit_code, 0) << result;
    EXPECT_FALSE(result.err.empty() && result.out.empty()) << "the operator needs a message";

    EXPECT_EQ(outcome_for("elodie", pharmacist_elodie()), "match");
    EXPECT_EQ(outcome_for("francois", pharmacist_francois()), "not_found")
        << "rows before the cut must not have been stored";
}

TEST_F(DirectoryImport, FileWithoutTheRequiredColumnsFailsAndKeepsThePreviousOne)
{
    ASSERT_EQ(import_file(written("first.txt", {pharmacist_elodie()})).exit_code, 0);
    const auto bad = instance_.write_file(
        "bad.txt", "Nom d'exercice|Prénom d'exercice|\nDE LA FONTAINE|François|\n");
    const auto result = import_file(bad);
    EXPECT_NE(result.exit_code, 0) << result;
    EXPECT_FALSE(result.err.empty() && result.out.empty()) << "the operator needs a message";
    EXPECT_EQ(outcome_for("elodie", pharmacist_elodie()), "match");
}

TEST_F(DirectoryImport, EmptyFileFails)
{
    const auto result = import_file(instance_.write_file("empty.txt", ""));
    EXPECT_NE(result.exit_code, 0) << result;
}

TEST_F(DirectoryImport, MissingFileFails)
{
    const auto result = import_file(instance_.dir() / "absent.txt");
    EXPECT_NE(result.exit_code, 0) << result;
    EXPECT_FALSE(result.err.empty() && result.out.empty());
}

TEST_F(DirectoryImport, NewExtractReplacesThePreviousOne)
{
    ASSERT_EQ(import_file(written("first.txt", {pharmacist_elodie()})).exit_code, 0);
    ASSERT_EQ(import_file(written("second.txt", {pharmacist_francois()})).exit_code, 0);
    EXPECT_EQ(outcome_for("francois", pharmacist_francois()), "match");
    EXPECT_EQ(outcome_for("elodie", pharmacist_elodie()), "not_found");
}

TEST_F(DirectoryImport, Windows1252ExtractMatchesAccentedNames)
{
    ExtractOptions options;
    options.encoding = directory::Encoding::Cp1252;
    const auto result = import_file(written("cp1252.txt", {pharmacist_elodie()}, options));
    ASSERT_EQ(result.exit_code, 0) << result;
    EXPECT_EQ(outcome_for("elodie", pharmacist_elodie()), "match");
}

TEST_F(DirectoryImport, Release2021HeaderWithCrLfLinesIsAccepted)
{
    ExtractOptions options;
    options.header = HeaderVariant::Release2021;
    options.line_ending = LineEnding::CrLf;
    const auto result = import_file(written("2021.txt", {pharmacist_elodie()}, options));
    ASSERT_EQ(result.exit_code, 0) << result;
    EXPECT_EQ(outcome_for("elodie", pharmacist_elodie()), "match");
}

TEST_F(DirectoryImport, PersonWithSeveralSitesMatchesOnce)
{
    ExtractOptions options;
    options.activities_per_person = 3;
    const auto result = import_file(written("sites.txt", {pharmacist_elodie()}, options));
    ASSERT_EQ(result.exit_code, 0) << result;
    EXPECT_EQ(outcome_for("elodie", pharmacist_elodie()), "match");
}

TEST_F(DirectoryImport, ActiveMemberMissingFromANewExtractIsFlaggedForReview)
{
    ASSERT_EQ(import_file(written("first.txt", {pharmacist_elodie()})).exit_code, 0);
    const auto id = register_and_approve(applicant_for("elodie", pharmacist_elodie()));
    ASSERT_FALSE(id.empty());
    ASSERT_EQ(import_file(written("second.txt", {pharmacist_francois()})).exit_code, 0);
    const auto response = admin_account(id);
    const auto body = response.json();  // json_at points into it: keep it alive
    const auto* flagged = json_at(body, "/confrere/directory_flagged");
    ASSERT_TRUE(flagged != nullptr && flagged->IsBool()) << response;
    EXPECT_TRUE(flagged->GetBool()) << response;
    EXPECT_EQ(json_string(response.json(), "/confrere/state"), "active")
        << "a flag is for review, it suspends nobody";
}

TEST_F(DirectoryImport, StatsCommandPrintsCounts)
{
    ASSERT_EQ(import_file(written("extract.txt", {pharmacist_elodie()})).exit_code, 0);
    create_account("membre", "member", true);
    const auto result = instance_.admin("stats");
    ASSERT_EQ(result.exit_code, 0) << result;
    EXPECT_NE(result.out.find_first_of("0123456789"), std::string::npos) << result;
}

} // namespace
} // namespace confrere::testkit
