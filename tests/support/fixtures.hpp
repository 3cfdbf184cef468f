// Named fixtures — a pharmacist, a nurse, a podiatrist, a student, a moderator, an admin — and
// the services wired over a real test store and a fixed clock, as the server wires them.
// Accounts are made through the real services (registration, moderation), never by SQL.
#pragma once

#include "core/base/id.hpp"
#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/model/account.hpp"
#include "core/model/directory.hpp"
#include "core/services/auth_service.hpp"
#include "core/services/moderation_service.hpp"
#include "core/services/registration_service.hpp"
#include "tests/support/extract_generator.hpp"
#include "tests/support/test_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace confrere::testkit {

// Where every FixedClock of the kit starts: 2026-11-23T20:00:00Z.
inline constexpr std::int64_t kStartUnixMs = 1'795'464'000'000;
inline constexpr TimePoint kStartTime{std::chrono::milliseconds(kStartUnixMs)};

// A person as they register and as the national directory lists them.
struct Person {
    std::string username;
    std::string email;
    std::string password;
    std::string first_name;  // as typed at registration
    std::string last_name;
    std::string identifier_kind;  // "rpps", "adeli", "student"; empty for staff made by an operator
    std::string identifier;       // bare RPPS/ADELI, valid Luhn key
    int profession_code = 0;      // TRE_G15
    std::string profession_label;
    std::string directory_first_name;  // as the ANS extract writes them
    std::string directory_last_name;
    model::Role role = model::Role::Member;
};

// Pharmacist, RPPS 10000123454, Alice Dupont (21).
const Person& pharmacist_alice();
// Nurse, RPPS 10123456781, Bob Martin (60).
const Person& nurse_bob();
// Podiatrist, ADELI 756012340, Carol Lefèvre (80).
const Person& podiatrist_carol();
// Nursing student (60), no number: registers with an attestation.
const Person& nursing_student_emma();
// A moderator and an admin, created by an operator (no professional identifier).
const Person& moderator_marie();
const Person& admin_adam();

// Pharmacists, nurses and podiatrists admitted; registrations open.
services::InstancePolicy default_policy();

// A complete, valid registration for `person` (agreement given; a PDF attestation for students).
services::RegistrationRequest registration_request(const Person& person);
// An operator's creation of `person`, already validated, with the person's role.
services::AccountCreation account_creation(const Person& person);
// The person's row in a directory extract (RPPS or ADELI by kind, directory spellings).
ExtractPerson extract_person(const Person& person);
// A tiny file that starts like a PDF (what the attestation sniffer looks at).
model::Attestation pdf_attestation();

// Writes a small ANS extract listing `people` (UTF-8, 2026 header) with extract_generator.
Status write_directory_extract(const std::filesystem::path& file, const std::vector<Person>& people);

// The store, clock, id generator and services of one test. Not movable: services hold
// references to its members.
class Fixtures {
public:
    static Result<std::unique_ptr<Fixtures>> create(services::InstancePolicy policy = default_policy());
    Fixtures(const Fixtures&) = delete;
    Fixtures& operator=(const Fixtures&) = delete;

    storage::Store& store() { return *db_.store; }
    const std::filesystem::path& database_path() const { return db_.database_path; }
    const TempDir& dir() const { return db_.dir; }
    FixedClock& clock() { return clock_; }
    IdGenerator& ids() { return ids_; }
    services::RegistrationService& registrations() { return registrations_; }
    services::ModerationService& moderation() { return moderation_; }
    services::AuthService& auth() { return auth_; }

    // Registers `person` through the registration service: a pending account.
    Result<model::Account> register_applicant(const Person& person);
    // Registers `person` and approves it as an operator would: an active member.
    Result<model::Account> add_member(const Person& person);
    // Creates `person` with its role through the operator's path (create_account), active.
    Result<model::Account> add_staff(const Person& person);
    // Writes an extract listing `people` and imports it through services::import_directory.
    Result<model::DirectoryImport> import_directory(const std::vector<Person>& people);
    Result<model::DirectoryImport> import_extract(const std::vector<ExtractPerson>& rows);

    // Reads straight from the store.
    Result<std::optional<model::Account>> find_account(Id id);
    Result<std::optional<model::Registration>> find_registration(Id id);
    Result<std::int64_t> count_accounts();

private:
    Fixtures(TestStore db, services::InstancePolicy policy);
    TestStore db_;
    FixedClock clock_{kStartTime};
    IdGenerator ids_{clock_};
    services::RegistrationService registrations_;
    services::ModerationService moderation_;
    services::AuthService auth_;
    int extracts_written_ = 0;
};

// GoogleTest base for service tests: fresh Fixtures for each test, under policy().
class ServicesTest : public ::testing::Test {
protected:
    void SetUp() override;
    // Override to run a test under another instance policy.
    virtual services::InstancePolicy policy() const { return default_policy(); }
    Fixtures& fx() { return *fixtures_; }

private:
    std::unique_ptr<Fixtures> fixtures_;
};

} // namespace confrere::testkit
