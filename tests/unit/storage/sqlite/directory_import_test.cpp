// Directory imports through the Store's import writer: switching over, discarding, merging,
// and flagging members missing from a new extract.
#include "storage/store.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/test_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace confrere::storage {
namespace {

using testkit::describe;
using testkit::kStartTime;
using testkit::query_int;

model::DirectoryEntry entry(std::string bare_rpps, int profession, std::string last, std::string first)
{
    return model::DirectoryEntry{"8" + bare_rpps, std::move(bare_rpps), std::move(last), std::move(first),
                                 profession, profession == 21 ? "Pharmacien" : "Infirmier", "C"};
}

model::DirectoryEntry alice() { return entry("10000123454", 21, "DUPONT", "Alice"); }
model::DirectoryEntry bob() { return entry("10123456781", 60, "MARTIN", "Bob"); }

class DirectoryImportTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto db = testkit::open_test_store();
        ASSERT_TRUE(db) << describe(db);
        db_ = std::move(*db);
    }

    Store& store() { return *db_.store; }
    std::int64_t count(const std::string& sql) { return query_int(db_.database_path, sql); }

    std::unique_ptr<DirectoryImportWriter> begin(TimePoint at = kStartTime)
    {
        auto writer = store().begin_directory_import("extract.txt", at);
        EXPECT_TRUE(writer) << describe(writer);
        return writer ? std::move(*writer) : nullptr;
    }

    // A whole import: add every entry, commit. nullopt (and a test failure) on error.
    std::optional<model::DirectoryImport> import(const std::vector<model::DirectoryEntry>& entries,
                                                 TimePoint at = kStartTime)
    {
        auto writer = begin(at);
        if (!writer)
            return std::nullopt;
        for (const auto& e : entries)
            if (auto rc = writer->add(e); !rc) {
                ADD_FAILURE() << describe(rc);
                return std::nullopt;
            }
        auto done = writer->commit(static_cast<std::int64_t>(entries.size()), at);
        EXPECT_TRUE(done) << describe(done);
        return done ? std::optional(*done) : std::nullopt;
    }

    std::vector<model::DirectoryEntry> find(const std::string& national_id)
    {
        std::vector<model::DirectoryEntry> out;
        Status done = store().read([&](Repositories& r) -> Status {
            auto found = r.directory().find(national_id);
            if (!found)
                return forward(found);
            out = std::move(*found);
            return ok();
        });
        EXPECT_TRUE(done) << describe(done);
        return out;
    }

    std::optional<model::DirectoryImport> current()
    {
        std::optional<model::DirectoryImport> out;
        Status done = store().read([&](Repositories& r) -> Status {
            auto found = r.directory().current_import();
            if (!found)
                return forward(found);
            out = std::move(*found);
            return ok();
        });
        EXPECT_TRUE(done) << describe(done);
        return out;
    }

    // An account holding `rpps`, inserted straight through the repository.
    void add_account(Id id, const std::string& username, const std::string& rpps, model::AccountState state)
    {
        NewAccount n;
        n.account.id = id;
        n.account.username = username;
        n.account.email = username + "@example.org";
        n.account.state = state;
        n.account.public_key_pem = "pem";
        n.account.created_at = n.account.updated_at = kStartTime;
        n.password_hash = "hash";
        n.private_key_pem = "key";
        if (rpps.empty())
            n.identity = model::ProfessionalIdentity{model::IdentifierKind::Student, "", ""};
        else
            n.identity = model::ProfessionalIdentity{model::IdentifierKind::Rpps, rpps, "8" + rpps};
        Status inserted = store().write([&](Repositories& r) { return r.accounts().insert(n); });
        ASSERT_TRUE(inserted) << describe(inserted);
    }

    bool flagged(Id id)
    {
        return count("SELECT directory_flagged FROM accounts WHERE id = " + std::to_string(id)) == 1;
    }

    testkit::TestStore db_;
};

TEST_F(DirectoryImportTest, NoImportMeansNoCurrentImportAndNoEntries)
{
    EXPECT_FALSE(current());
    EXPECT_TRUE(find(alice().national_id).empty());
}

TEST_F(DirectoryImportTest, AddedEntriesBecomeCurrentOnCommit)
{
    auto done = import({alice(), bob()});
    ASSERT_TRUE(done);
    EXPECT_EQ(done->rows, 2);
    EXPECT_EQ(done->entries, 2);
    EXPECT_EQ(done->source_name, "extract.txt");

    auto now = current();
    ASSERT_TRUE(now);
    EXPECT_EQ(now->id, done->id);
    EXPECT_EQ(now->entries, 2);
    auto found = find("810000123454");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].bare_id, "10000123454");
    EXPECT_EQ(found[0].last_name, "DUPONT");
    EXPECT_EQ(found[0].first_name, "Alice");
    EXPECT_EQ(found[0].profession_code, 21);
    EXPECT_EQ(found[0].profession_label, "Pharmacien");
    EXPECT_EQ(found[0].category_code, "C");
}

TEST_F(DirectoryImportTest, EntriesAreInvisibleUntilCommit)
{
    auto writer = begin();
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->add(alice()));
    EXPECT_FALSE(current());
    EXPECT_TRUE(find(alice().national_id).empty());
    ASSERT_TRUE(writer->commit(1, kStartTime));
    EXPECT_EQ(find(alice().national_id).size(), 1u);
}

TEST_F(DirectoryImportTest, WriterDestroyedWithoutCommitKeepsThePreviousImportAndLeavesNoRows)
{
    auto first = import({alice()});
    ASSERT_TRUE(first);
    Id abandoned_id = 0;
    {
        auto writer = begin(kStartTime + std::chrono::minutes(1));
        ASSERT_TRUE(writer);
        ASSERT_TRUE(writer->add(bob()));
        ASSERT_TRUE(writer->add(entry("10001045367", 21, "DURAND", "Hélène")));
        abandoned_id = count("SELECT max(id) FROM directory_imports");
        ASSERT_NE(abandoned_id, first->id);
    }  // no commit

    auto now = current();
    ASSERT_TRUE(now);
    EXPECT_EQ(now->id, first->id);
    EXPECT_EQ(find(alice().national_id).size(), 1u);
    EXPECT_TRUE(find(bob().national_id).empty());
    EXPECT_EQ(count("SELECT count(*) FROM directory_entries WHERE import_id = " + std::to_string(abandoned_id)), 0);
    EXPECT_EQ(count("SELECT count(*) FROM directory_imports WHERE id = " + std::to_string(abandoned_id)), 0);
    EXPECT_EQ(count("SELECT count(*) FROM directory_entries"), 1);
}

TEST_F(DirectoryImportTest, FirstWriterDestroyedWithoutCommitLeavesNoImportAtAll)
{
    {
        auto writer = begin();
        ASSERT_TRUE(writer);
        ASSERT_TRUE(writer->add(alice()));
    }
    EXPECT_FALSE(current());
    EXPECT_EQ(count("SELECT count(*) FROM directory_entries"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM directory_imports"), 0);
}

TEST_F(DirectoryImportTest, DuplicateIdentifierAndProfessionRowsAreMerged)
{
    // The same pharmacist at two sites: two rows in the extract, one entry.
    auto done = import({alice(), alice(), bob()});
    ASSERT_TRUE(done);
    EXPECT_EQ(done->rows, 3);
    EXPECT_EQ(done->entries, 2);
    EXPECT_EQ(find(alice().national_id).size(), 1u);
    EXPECT_EQ(count("SELECT count(*) FROM directory_entries"), 2);
}

TEST_F(DirectoryImportTest, SamePersonWithTwoProfessionsKeepsBoth)
{
    auto done = import({alice(), entry("10000123454", 60, "DUPONT", "Alice")});
    ASSERT_TRUE(done);
    EXPECT_EQ(done->entries, 2);
    EXPECT_EQ(find(alice().national_id).size(), 2u);
}

TEST_F(DirectoryImportTest, ReimportReplacesThePreviousImportAndRemovesItsRows)
{
    auto first = import({alice()});
    ASSERT_TRUE(first);
    auto second = import({bob()}, kStartTime + std::chrono::hours(24));
    ASSERT_TRUE(second);
    EXPECT_NE(second->id, first->id);

    auto now = current();
    ASSERT_TRUE(now);
    EXPECT_EQ(now->id, second->id);
    EXPECT_TRUE(find(alice().national_id).empty());
    EXPECT_EQ(find(bob().national_id).size(), 1u);
    EXPECT_EQ(count("SELECT count(*) FROM directory_entries WHERE import_id = " + std::to_string(first->id)), 0);
    EXPECT_EQ(count("SELECT count(*) FROM directory_imports WHERE state = 'current'"), 1);
}

TEST_F(DirectoryImportTest, ReadersKeepThePreviousImportWhileTheNextOneLoads)
{
    ASSERT_TRUE(import({alice()}));
    auto writer = begin(kStartTime + std::chrono::minutes(5));
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->add(bob()));
    EXPECT_EQ(find(alice().national_id).size(), 1u);
    EXPECT_TRUE(find(bob().national_id).empty());
    ASSERT_TRUE(writer->commit(1, kStartTime + std::chrono::minutes(6)));
    EXPECT_TRUE(find(alice().national_id).empty());
    EXPECT_EQ(find(bob().national_id).size(), 1u);
}

TEST_F(DirectoryImportTest, SecondImportWhileOneIsLoadingIsAConflict)
{
    auto running = begin();
    ASSERT_TRUE(running);
    auto second = store().begin_directory_import("other.txt", kStartTime + std::chrono::minutes(1));
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().kind, ErrorKind::Conflict);
}

TEST_F(DirectoryImportTest, ImportLeftLoadingByACrashedProcessIsCleanedUp)
{
    // A process that died mid-import two hours ago left its rows behind.
    const auto crashed_at = testkit::kStartUnixMs - 2 * 60 * 60 * 1000;
    ASSERT_TRUE(testkit::exec_sql(db_.database_path,
                                  "INSERT INTO directory_imports (id, source_name, state, started_at)"
                                  " VALUES (99, 'crashed.txt', 'loading', " + std::to_string(crashed_at) + ");"
                                  "INSERT INTO directory_entries VALUES (99, '810000123454', 21,"
                                  " '10000123454', 'DUPONT', 'Alice', 'Pharmacien', 'C');"));
    auto done = import({bob()});
    ASSERT_TRUE(done);
    EXPECT_EQ(count("SELECT count(*) FROM directory_imports WHERE id = 99"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM directory_entries WHERE import_id = 99"), 0);
}

TEST_F(DirectoryImportTest, ActiveMembersMissingFromTheImportAreFlaggedAndPresentOnesNot)
{
    add_account(1, "alice", "10000123454", model::AccountState::Active);
    add_account(2, "bob", "10123456781", model::AccountState::Active);
    auto done = import({bob()});
    ASSERT_TRUE(done);
    EXPECT_EQ(done->flagged_members, 1);
    EXPECT_TRUE(flagged(1));
    EXPECT_FALSE(flagged(2));
    auto now = current();
    ASSERT_TRUE(now);
    EXPECT_EQ(now->flagged_members, 1);
}

TEST_F(DirectoryImportTest, FlaggedMemberIsUnflaggedWhenANewImportListsThemAgain)
{
    add_account(1, "alice", "10000123454", model::AccountState::Active);
    ASSERT_TRUE(import({bob()}));
    ASSERT_TRUE(flagged(1));
    auto done = import({alice(), bob()}, kStartTime + std::chrono::hours(24));
    ASSERT_TRUE(done);
    EXPECT_EQ(done->flagged_members, 0);
    EXPECT_FALSE(flagged(1));
}

TEST_F(DirectoryImportTest, PendingApplicantsAndStudentsAreNeverFlagged)
{
    add_account(1, "alice", "10000123454", model::AccountState::Pending);
    add_account(2, "emma", "", model::AccountState::Active);
    auto done = import({bob()});
    ASSERT_TRUE(done);
    EXPECT_EQ(done->flagged_members, 0);
    EXPECT_FALSE(flagged(1));
    EXPECT_FALSE(flagged(2));
}

TEST_F(DirectoryImportTest, AbandonedImportFlagsNobody)
{
    add_account(1, "alice", "10000123454", model::AccountState::Active);
    ASSERT_TRUE(import({alice()}));
    {
        auto writer = begin(kStartTime + std::chrono::minutes(1));
        ASSERT_TRUE(writer);
        ASSERT_TRUE(writer->add(bob()));
    }
    EXPECT_FALSE(flagged(1));
}

} // namespace
} // namespace confrere::storage
