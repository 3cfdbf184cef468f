// The account repository on a real SQLite file: look-ups, uniqueness, paging, moderation
// decisions, and what a failed write leaves behind.
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

using model::AccountState;
using testkit::describe;
using testkit::kStartTime;

// An account as the registration service would hand it over, with cheap stand-ins for the
// password hash and keys (the repository stores them as text).
NewAccount new_account(Id id, std::string username, std::string email,
                       std::optional<std::string> rpps = std::nullopt,
                       AccountState state = AccountState::Pending)
{
    NewAccount n;
    n.account.id = id;
    n.account.username = std::move(username);
    n.account.email = std::move(email);
    n.account.display_name = "Display " + n.account.username;
    n.account.first_name = "First";
    n.account.last_name = "Last";
    n.account.state = state;
    n.account.profession_code = 21;
    n.account.public_key_pem = "-----BEGIN PUBLIC KEY-----\nstand-in\n-----END PUBLIC KEY-----\n";
    n.account.created_at = n.account.updated_at = kStartTime + std::chrono::seconds(id);
    n.password_hash = "$argon2id$stand-in-" + n.account.username;
    n.private_key_pem = "private-" + n.account.username;
    if (rpps) {
        n.identity = model::ProfessionalIdentity{model::IdentifierKind::Rpps, *rpps, "8" + *rpps};
        n.precheck = model::Precheck{model::PrecheckOutcome::NoDirectory, std::nullopt, 0, "", "none"};
    }
    n.motivation = "motivation of " + n.account.username;
    return n;
}

class AccountRepositoryTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto db = testkit::open_test_store();
        ASSERT_TRUE(db) << describe(db);
        db_ = std::move(*db);
    }

    Store& store() { return *db_.store; }

    Status insert(const NewAccount& n)
    {
        return store().write([&](Repositories& r) { return r.accounts().insert(n); });
    }

    // Runs `fn(accounts)` on a read snapshot and returns what it returned.
    template <class Fn>
    auto read(Fn fn) -> decltype(fn(std::declval<AccountRepository&>()))
    {
        std::optional<decltype(fn(std::declval<AccountRepository&>()))> out;
        Status done = store().read([&](Repositories& r) -> Status {
            out.emplace(fn(r.accounts()));
            return ok();
        });
        EXPECT_TRUE(done) << describe(done);
        return std::move(*out);
    }

    std::optional<model::Account> by_id(Id id)
    {
        auto found = read([id](AccountRepository& a) { return a.find_by_id(id); });
        EXPECT_TRUE(found) << describe(found);
        return found ? *found : std::nullopt;
    }

    std::vector<Id> ids_of(const AccountQuery& query)
    {
        auto listed = read([&](AccountRepository& a) { return a.list(query); });
        EXPECT_TRUE(listed) << describe(listed);
        std::vector<Id> ids;
        if (listed)
            for (const auto& account : *listed)
                ids.push_back(account.id);
        return ids;
    }

    Status update_state(Id id, AccountState state, std::string_view reason = "")
    {
        return store().write([&](Repositories& r) {
            return r.accounts().update_state(id, state, reason, std::nullopt, kStartTime);
        });
    }

    testkit::TestStore db_;
};

TEST_F(AccountRepositoryTest, InsertedAccountIsFoundByIdWithEveryField)
{
    NewAccount n = new_account(1, "Alice_D", "Alice@Example.org", "10000123454");
    n.account.role = model::Role::Moderator;
    n.account.locale = "en";
    n.account.note = "Officine à Lyon";
    n.account.discoverable = true;
    n.account.locked = true;
    ASSERT_TRUE(insert(n));

    auto found = by_id(1);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->username, "Alice_D");  // case preserved
    EXPECT_EQ(found->email, "Alice@Example.org");
    EXPECT_EQ(found->display_name, "Display Alice_D");
    EXPECT_EQ(found->first_name, "First");
    EXPECT_EQ(found->last_name, "Last");
    EXPECT_EQ(found->role, model::Role::Moderator);
    EXPECT_EQ(found->state, AccountState::Pending);
    EXPECT_EQ(found->profession_code, 21);
    EXPECT_EQ(found->locale, "en");
    EXPECT_EQ(found->note, "Officine à Lyon");
    EXPECT_TRUE(found->discoverable);
    EXPECT_TRUE(found->locked);
    EXPECT_EQ(found->public_key_pem, n.account.public_key_pem);
    EXPECT_FALSE(found->directory_flagged);
    EXPECT_EQ(found->created_at, n.account.created_at);
    EXPECT_EQ(found->updated_at, n.account.updated_at);
}

TEST_F(AccountRepositoryTest, UnknownIdIsNotFoundRatherThanAnError)
{
    EXPECT_FALSE(by_id(404));
}

TEST_F(AccountRepositoryTest, FindByUsernameIgnoresCase)
{
    ASSERT_TRUE(insert(new_account(1, "Alice_D", "alice@example.org")));
    auto found = read([](AccountRepository& a) { return a.find_by_username("aLICE_d"); });
    ASSERT_TRUE(found) << describe(found);
    ASSERT_TRUE(*found);
    EXPECT_EQ((*found)->id, 1);
    EXPECT_EQ((*found)->username, "Alice_D");
}

TEST_F(AccountRepositoryTest, FindByUsernameOfAnUnknownNameIsEmpty)
{
    ASSERT_TRUE(insert(new_account(1, "alice", "alice@example.org")));
    auto found = read([](AccountRepository& a) { return a.find_by_username("alic"); });
    ASSERT_TRUE(found) << describe(found);
    EXPECT_FALSE(*found);
}

TEST_F(AccountRepositoryTest, CredentialsAreFoundByEmailIgnoringCase)
{
    ASSERT_TRUE(insert(new_account(1, "alice", "Alice@Example.org")));
    auto found = read([](AccountRepository& a) { return a.find_credentials("ALICE@example.ORG"); });
    ASSERT_TRUE(found) << describe(found);
    ASSERT_TRUE(*found);
    EXPECT_EQ((*found)->account.id, 1);
    EXPECT_EQ((*found)->password_hash, "$argon2id$stand-in-alice");
}

TEST_F(AccountRepositoryTest, CredentialsAreFoundByUsername)
{
    ASSERT_TRUE(insert(new_account(1, "alice", "alice@example.org")));
    auto found = read([](AccountRepository& a) { return a.find_credentials("Alice"); });
    ASSERT_TRUE(found) << describe(found);
    ASSERT_TRUE(*found);
    EXPECT_EQ((*found)->account.username, "alice");
}

TEST_F(AccountRepositoryTest, CredentialsOfAnUnknownLoginAreEmpty)
{
    ASSERT_TRUE(insert(new_account(1, "alice", "alice@example.org")));
    auto found = read([](AccountRepository& a) { return a.find_credentials("nobody@example.org"); });
    ASSERT_TRUE(found) << describe(found);
    EXPECT_FALSE(*found);
}

TEST_F(AccountRepositoryTest, UsernameTakenInAnotherCaseIsAConflictOnUsername)
{
    ASSERT_TRUE(insert(new_account(1, "alice", "alice@example.org")));
    auto again = insert(new_account(2, "ALICE", "other@example.org"));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().kind, ErrorKind::Conflict);
    EXPECT_EQ(again.error().field, "username");
    EXPECT_FALSE(by_id(2));
}

TEST_F(AccountRepositoryTest, EmailTakenInAnotherCaseIsAConflictOnEmail)
{
    ASSERT_TRUE(insert(new_account(1, "alice", "alice@example.org")));
    auto again = insert(new_account(2, "alice2", "ALICE@EXAMPLE.ORG"));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().kind, ErrorKind::Conflict);
    EXPECT_EQ(again.error().field, "email");
}

TEST_F(AccountRepositoryTest, IdentifierTakenIsAConflictOnIdentifier)
{
    ASSERT_TRUE(insert(new_account(1, "alice", "alice@example.org", "10000123454")));
    auto again = insert(new_account(2, "impostor", "impostor@example.org", "10000123454"));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().kind, ErrorKind::Conflict);
    EXPECT_EQ(again.error().field, "identifier");
}

TEST_F(AccountRepositoryTest, ConflictOnTheIdentifierLeavesNoHalfInsertedAccount)
{
    ASSERT_TRUE(insert(new_account(1, "alice", "alice@example.org", "10000123454")));
    // The accounts row goes in first, then the identity fails: the whole write is undone.
    ASSERT_FALSE(insert(new_account(2, "impostor", "impostor@example.org", "10000123454")));
    EXPECT_FALSE(by_id(2));
    EXPECT_TRUE(insert(new_account(3, "impostor", "impostor@example.org")));
}

TEST_F(AccountRepositoryTest, RejectedAccountsIdentifierCanBeClaimedAgain)
{
    ASSERT_TRUE(insert(new_account(1, "impostor", "impostor@example.org", "10000123454")));
    ASSERT_TRUE(update_state(1, AccountState::Rejected, "Not the holder."));
    auto real = insert(new_account(2, "alice", "alice@example.org", "10000123454"));
    EXPECT_TRUE(real) << describe(real);
}

TEST_F(AccountRepositoryTest, SuspendedAccountsIdentifierStaysTaken)
{
    ASSERT_TRUE(insert(new_account(1, "alice", "alice@example.org", "10000123454", AccountState::Active)));
    ASSERT_TRUE(update_state(1, AccountState::Suspended, "Charter."));
    auto again = insert(new_account(2, "alice2", "alice2@example.org", "10000123454"));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().field, "identifier");
}

TEST_F(AccountRepositoryTest, ListFiltersByState)
{
    ASSERT_TRUE(insert(new_account(1, "p1", "p1@example.org")));
    ASSERT_TRUE(insert(new_account(2, "a1", "a1@example.org", std::nullopt, AccountState::Active)));
    ASSERT_TRUE(insert(new_account(3, "p2", "p2@example.org")));
    AccountQuery pending;
    pending.state = AccountState::Pending;
    EXPECT_EQ(ids_of(pending), (std::vector<Id>{3, 1}));
    AccountQuery active;
    active.state = AccountState::Active;
    EXPECT_EQ(ids_of(active), (std::vector<Id>{2}));
    AccountQuery suspended;
    suspended.state = AccountState::Suspended;
    EXPECT_TRUE(ids_of(suspended).empty());
}

TEST_F(AccountRepositoryTest, ListPagesNewestFirstBelowMaxId)
{
    for (Id id = 1; id <= 5; ++id)
        ASSERT_TRUE(insert(new_account(id, "u" + std::to_string(id), "u" + std::to_string(id) + "@example.org")));
    AccountQuery first;
    first.limit = 2;
    EXPECT_EQ(ids_of(first), (std::vector<Id>{5, 4}));
    AccountQuery next = first;
    next.max_id = 4;  // exclusive
    EXPECT_EQ(ids_of(next), (std::vector<Id>{3, 2}));
    next.max_id = 2;
    EXPECT_EQ(ids_of(next), (std::vector<Id>{1}));
    next.max_id = 1;
    EXPECT_TRUE(ids_of(next).empty());
}

TEST_F(AccountRepositoryTest, ListAboveMinIdIsExclusive)
{
    for (Id id = 1; id <= 4; ++id)
        ASSERT_TRUE(insert(new_account(id, "u" + std::to_string(id), "u" + std::to_string(id) + "@example.org")));
    AccountQuery q;
    q.min_id = 2;
    EXPECT_EQ(ids_of(q), (std::vector<Id>{4, 3}));
}

TEST_F(AccountRepositoryTest, ListOfDiscoverableOnlySkipsTheOthers)
{
    NewAccount listed = new_account(1, "listed", "listed@example.org");
    listed.account.discoverable = true;
    ASSERT_TRUE(insert(listed));
    ASSERT_TRUE(insert(new_account(2, "hidden", "hidden@example.org")));
    AccountQuery q;
    q.discoverable_only = true;
    EXPECT_EQ(ids_of(q), (std::vector<Id>{1}));
}

TEST_F(AccountRepositoryTest, UpdateStateOfAnUnknownAccountIsNotFound)
{
    auto updated = update_state(404, AccountState::Active);
    ASSERT_FALSE(updated);
    EXPECT_EQ(updated.error().kind, ErrorKind::NotFound);
}

TEST_F(AccountRepositoryTest, UpdateStateRecordsTheReason)
{
    ASSERT_TRUE(insert(new_account(1, "alice", "alice@example.org")));
    ASSERT_TRUE(update_state(1, AccountState::Rejected, "Identifier of someone else."));
    auto found = by_id(1);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->state, AccountState::Rejected);
    EXPECT_EQ(found->moderation_reason, "Identifier of someone else.");
}

TEST_F(AccountRepositoryTest, UpdatePasswordHashOfAnUnknownAccountIsNotFound)
{
    auto updated = store().write([](Repositories& r) {
        return r.accounts().update_password_hash(404, "$argon2id$x", kStartTime);
    });
    ASSERT_FALSE(updated);
    EXPECT_EQ(updated.error().kind, ErrorKind::NotFound);
}

TEST_F(AccountRepositoryTest, PrivateKeyOfAnUnknownAccountIsNotFound)
{
    auto pem = read([](AccountRepository& a) { return a.private_key_pem(404); });
    ASSERT_FALSE(pem);
    EXPECT_EQ(pem.error().kind, ErrorKind::NotFound);
}

TEST_F(AccountRepositoryTest, PrivateKeyIsStoredButNeverPartOfTheAccount)
{
    ASSERT_TRUE(insert(new_account(1, "alice", "alice@example.org")));
    auto pem = read([](AccountRepository& a) { return a.private_key_pem(1); });
    ASSERT_TRUE(pem) << describe(pem);
    EXPECT_EQ(*pem, "private-alice");
}

TEST_F(AccountRepositoryTest, RegistrationCarriesIdentityPrecheckAndMotivation)
{
    NewAccount n = new_account(1, "alice", "alice@example.org", "10000123454");
    n.precheck = model::Precheck{model::PrecheckOutcome::Match, 77, 21, "Alice DUPONT", "all good"};
    ASSERT_TRUE(insert(n));
    auto found = read([](AccountRepository& a) { return a.find_registration(1); });
    ASSERT_TRUE(found) << describe(found);
    ASSERT_TRUE(*found);
    const model::Registration& r = **found;
    EXPECT_EQ(r.identity.kind, model::IdentifierKind::Rpps);
    EXPECT_EQ(r.identity.bare_id, "10000123454");
    EXPECT_EQ(r.identity.national_id, "810000123454");
    EXPECT_EQ(r.precheck.outcome, model::PrecheckOutcome::Match);
    EXPECT_EQ(r.precheck.import_id, std::optional<Id>(77));
    EXPECT_EQ(r.precheck.directory_profession_code, 21);
    EXPECT_EQ(r.precheck.directory_name, "Alice DUPONT");
    EXPECT_EQ(r.precheck.detail, "all good");
    EXPECT_EQ(r.motivation, "motivation of alice");
    EXPECT_FALSE(r.has_attestation);
}

TEST_F(AccountRepositoryTest, AttestationBytesRoundTripIncludingNulBytes)
{
    NewAccount n = new_account(1, "emma", "emma@example.org");
    n.identity = model::ProfessionalIdentity{model::IdentifierKind::Student, "", ""};
    const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    n.attestation = model::Attestation{"image/png", png};
    ASSERT_TRUE(insert(n));

    auto attestation = read([](AccountRepository& a) { return a.find_attestation(1); });
    ASSERT_TRUE(attestation) << describe(attestation);
    ASSERT_TRUE(*attestation);
    EXPECT_EQ((*attestation)->content_type, "image/png");
    EXPECT_EQ((*attestation)->data, png);
    auto registration = read([](AccountRepository& a) { return a.find_registration(1); });
    ASSERT_TRUE(registration && *registration);
    EXPECT_TRUE((*registration)->has_attestation);
}

TEST_F(AccountRepositoryTest, StudentsWithoutNumbersDoNotCollide)
{
    for (Id id = 1; id <= 2; ++id) {
        NewAccount n = new_account(id, "student" + std::to_string(id), "s" + std::to_string(id) + "@example.org");
        n.identity = model::ProfessionalIdentity{model::IdentifierKind::Student, "", ""};
        auto inserted = insert(n);
        EXPECT_TRUE(inserted) << describe(inserted);
    }
}

TEST_F(AccountRepositoryTest, CountFiltersByState)
{
    ASSERT_TRUE(insert(new_account(1, "p1", "p1@example.org")));
    ASSERT_TRUE(insert(new_account(2, "a1", "a1@example.org", std::nullopt, AccountState::Active)));
    auto all = read([](AccountRepository& a) { return a.count(std::nullopt); });
    auto active = read([](AccountRepository& a) { return a.count(AccountState::Active); });
    auto rejected = read([](AccountRepository& a) { return a.count(AccountState::Rejected); });
    ASSERT_TRUE(all && active && rejected);
    EXPECT_EQ(*all, 2);
    EXPECT_EQ(*active, 1);
    EXPECT_EQ(*rejected, 0);
}

TEST_F(AccountRepositoryTest, FailedWriteLeavesNothingOfWhatItInserted)
{
    Status written = store().write([](Repositories& r) -> Status {
        if (auto rc = r.accounts().insert(new_account(1, "alice", "alice@example.org", "10000123454")); !rc)
            return rc;
        return fail(ErrorKind::Internal, "a later step failed");
    });
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().kind, ErrorKind::Internal);
    EXPECT_FALSE(by_id(1));
    EXPECT_EQ(testkit::query_int(db_.database_path, "SELECT count(*) FROM professional_identities"), 0);
    // Nothing is left holding the username, e-mail or identifier either.
    auto again = insert(new_account(2, "alice", "alice@example.org", "10000123454"));
    EXPECT_TRUE(again) << describe(again);
}

TEST_F(AccountRepositoryTest, AccountWrittenInASucceedingWriteIsVisibleToReaders)
{
    ASSERT_TRUE(insert(new_account(1, "alice", "alice@example.org")));
    EXPECT_EQ(testkit::query_int(db_.database_path, "SELECT count(*) FROM accounts"), 1);
}

} // namespace
} // namespace confrere::storage
