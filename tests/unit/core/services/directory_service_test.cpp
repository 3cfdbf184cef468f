// Importing the national directory from a file: all or nothing.
#include "core/services/directory_service.hpp"

#include "tests/support/fixtures.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace confrere::services {
namespace {

namespace fs = std::filesystem;
using testkit::describe;
using testkit::nurse_bob;
using testkit::pharmacist_alice;
using testkit::podiatrist_carol;

class DirectoryServiceTest : public testkit::ServicesTest {
protected:
    Result<model::DirectoryImport> import(const fs::path& file)
    {
        return import_directory(fx().store(), fx().clock(), file);
    }

    std::optional<model::DirectoryImport> current()
    {
        std::optional<model::DirectoryImport> out;
        Status done = fx().store().read([&](storage::Repositories& r) -> Status {
            auto c = r.directory().current_import();
            if (!c)
                return forward(c);
            out = *c;
            return ok();
        });
        EXPECT_TRUE(done) << describe(done);
        return out;
    }

    // An extract listing `people`, its last line cut in the middle (a truncated download).
    fs::path truncated_extract(const std::vector<testkit::Person>& people)
    {
        fs::path file = fx().dir().file("truncated.txt");
        EXPECT_TRUE(testkit::write_directory_extract(file, people));
        std::string bytes;
        {
            std::ifstream in(file, std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), {});
        }
        bytes.resize(bytes.size() - 120);
        std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
        return file;
    }
};

TEST_F(DirectoryServiceTest, ImportedExtractBecomesCurrentWithItsCounts)
{
    fs::path file = fx().dir().file("ps-libreacces-personne-activite.txt");
    ASSERT_TRUE(testkit::write_directory_extract(file, {pharmacist_alice(), nurse_bob(), podiatrist_carol()}));
    auto done = import(file);
    ASSERT_TRUE(done) << describe(done);
    EXPECT_EQ(done->rows, 3);
    EXPECT_EQ(done->entries, 3);
    EXPECT_EQ(done->source_name, "ps-libreacces-personne-activite.txt");
    auto now = current();
    ASSERT_TRUE(now);
    EXPECT_EQ(now->id, done->id);
}

TEST_F(DirectoryServiceTest, TruncatedExtractIsInvalidInputAndKeepsThePreviousImport)
{
    auto first = fx().import_directory({pharmacist_alice()});
    ASSERT_TRUE(first) << describe(first);
    auto refused = import(truncated_extract({nurse_bob(), podiatrist_carol(), pharmacist_alice()}));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::InvalidInput) << describe(refused);
    EXPECT_NE(refused.error().public_message.find("line"), std::string::npos) << refused.error().public_message;

    auto now = current();
    ASSERT_TRUE(now);
    EXPECT_EQ(now->id, first->id);
    EXPECT_EQ(testkit::query_int(fx().database_path(), "SELECT count(*) FROM directory_imports"), 1);
    EXPECT_EQ(testkit::query_int(fx().database_path(), "SELECT count(*) FROM directory_entries"), 1);
}

TEST_F(DirectoryServiceTest, MissingFileIsInvalidInputAndLeavesNoImport)
{
    auto refused = import(fx().dir().file("absent.txt"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::InvalidInput);
    EXPECT_FALSE(current());
    EXPECT_EQ(testkit::query_int(fx().database_path(), "SELECT count(*) FROM directory_imports"), 0);
}

TEST_F(DirectoryServiceTest, ImportWhileAnotherIsRunningIsAConflict)
{
    auto running = fx().store().begin_directory_import("other.txt", fx().clock().now());
    ASSERT_TRUE(running) << describe(running);
    fs::path file = fx().dir().file("extract.txt");
    ASSERT_TRUE(testkit::write_directory_extract(file, {pharmacist_alice()}));
    auto refused = import(file);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Conflict);
}

TEST_F(DirectoryServiceTest, ImportFlagsActiveMembersMissingFromTheExtract)
{
    auto alice = fx().add_member(pharmacist_alice());
    ASSERT_TRUE(alice) << describe(alice);
    auto done = fx().import_directory({nurse_bob()});
    ASSERT_TRUE(done) << describe(done);
    EXPECT_EQ(done->flagged_members, 1);
    auto found = fx().find_account(alice->id);
    ASSERT_TRUE(found && *found);
    EXPECT_TRUE((*found)->directory_flagged);
}

} // namespace
} // namespace confrere::services
