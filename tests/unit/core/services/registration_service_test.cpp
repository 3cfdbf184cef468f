// Registration: every validation error names its field and stores nothing; the directory
// pre-check informs the moderator; taken fields are 422s.
#include "core/services/registration_service.hpp"

#include "core/crypto/keys.hpp"
#include "tests/support/fixtures.hpp"

#include <gtest/gtest.h>

#include <string>

namespace confrere::services {
namespace {

using model::PrecheckOutcome;
using testkit::describe;
using testkit::nurse_bob;
using testkit::nursing_student_emma;
using testkit::pharmacist_alice;
using testkit::podiatrist_carol;
using testkit::registration_request;

class RegistrationServiceTest : public testkit::ServicesTest {
protected:
    // Registers `r` expecting a refusal: Unprocessable on `field`, and nothing stored.
    void expect_refused(const RegistrationRequest& r, const std::string& field)
    {
        auto refused = fx().registrations().register_applicant(r);
        ASSERT_FALSE(refused) << "accepted; expected a refusal on " << field;
        EXPECT_EQ(refused.error().kind, ErrorKind::Unprocessable) << describe(refused);
        EXPECT_EQ(refused.error().field, field) << describe(refused);
        EXPECT_FALSE(refused.error().public_message.empty());
        auto count = fx().count_accounts();
        ASSERT_TRUE(count) << describe(count);
        EXPECT_EQ(*count, 0);
    }

    // Registers `r` and returns the pre-check stored with it.
    model::Precheck precheck_of(const RegistrationRequest& r)
    {
        auto account = fx().registrations().register_applicant(r);
        EXPECT_TRUE(account) << describe(account);
        if (!account)
            return {};
        auto registration = fx().find_registration(account->id);
        EXPECT_TRUE(registration && *registration) << describe(registration);
        return registration && *registration ? (*registration)->precheck : model::Precheck{};
    }

    // Imports an extract with one row for Alice's RPPS under the given directory spellings.
    void import_alice_as(std::string first, std::string last, std::string profession = "21")
    {
        testkit::ExtractPerson row = testkit::extract_person(pharmacist_alice());
        row.first_name = std::move(first);
        row.last_name = std::move(last);
        row.profession_code = std::move(profession);
        auto done = fx().import_extract({row});
        ASSERT_TRUE(done) << describe(done);
    }
};

// --- Field validation ---------------------------------------------------------------------

TEST_F(RegistrationServiceTest, FieldErrorsListsEveryBadFieldInTheOrderTheFirstIsReported)
{
    auto r = registration_request(pharmacist_alice());
    r.username = "alice.dupont";
    r.password = "short";
    r.identifier.back() = r.identifier.back() == '0' ? '1' : '0';
    r.agreement = false;
    auto errors = fx().registrations().field_errors(r);
    std::vector<std::string> fields;
    for (const Error& e : errors)
        fields.push_back(e.field);
    EXPECT_EQ(fields, (std::vector<std::string> { "username", "password", "agreement", "identifier" }));
    expect_refused(r, "username");
}

TEST_F(RegistrationServiceTest, FieldErrorsIsEmptyForAValidRequest)
{
    EXPECT_TRUE(fx().registrations().field_errors(registration_request(pharmacist_alice())).empty());
}

TEST_F(RegistrationServiceTest, UsernameWithPunctuationIsRefused)
{
    auto r = registration_request(pharmacist_alice());
    r.username = "alice.dupont";
    expect_refused(r, "username");
}

TEST_F(RegistrationServiceTest, UsernameWithAccentIsRefused)
{
    auto r = registration_request(pharmacist_alice());
    r.username = "hélène";
    expect_refused(r, "username");
}

TEST_F(RegistrationServiceTest, UsernameLongerThanThirtyCharactersIsRefused)
{
    auto r = registration_request(pharmacist_alice());
    r.username = std::string(31, 'a');
    expect_refused(r, "username");
}

TEST_F(RegistrationServiceTest, EmptyUsernameIsRefused)
{
    auto r = registration_request(pharmacist_alice());
    r.username.clear();
    expect_refused(r, "username");
}

TEST_F(RegistrationServiceTest, EmailWithoutAtSignIsRefused)
{
    auto r = registration_request(pharmacist_alice());
    r.email = "alice.example.org";
    expect_refused(r, "email");
}

TEST_F(RegistrationServiceTest, EmailWithTwoAtSignsIsRefused)
{
    auto r = registration_request(pharmacist_alice());
    r.email = "alice@pharma@example.org";
    expect_refused(r, "email");
}

TEST_F(RegistrationServiceTest, EmailWithASpaceIsRefused)
{
    auto r = registration_request(pharmacist_alice());
    r.email = "alice dupont@example.org";
    expect_refused(r, "email");
}

TEST_F(RegistrationServiceTest, EmailWithoutADotInItsDomainIsRefused)
{
    auto r = registration_request(pharmacist_alice());
    r.email = "alice@localhost";
    expect_refused(r, "email");
}

TEST_F(RegistrationServiceTest, EmailWithoutALocalPartIsRefused)
{
    auto r = registration_request(pharmacist_alice());
    r.email = "@example.org";
    expect_refused(r, "email");
}

TEST_F(RegistrationServiceTest, PasswordShorterThanEightCharactersIsRefused)
{
    auto r = registration_request(pharmacist_alice());
    r.password = "1234567";
    expect_refused(r, "password");
}

TEST_F(RegistrationServiceTest, MissingCharterAgreementIsRefused)
{
    auto r = registration_request(pharmacist_alice());
    r.agreement = false;
    expect_refused(r, "agreement");
}

TEST_F(RegistrationServiceTest, UnknownIdentifierKindIsRefused)
{
    auto r = registration_request(pharmacist_alice());
    r.identifier_kind = "passport";
    expect_refused(r, "identifier_kind");
}

TEST_F(RegistrationServiceTest, UpperCaseIdentifierKindIsRefused)
{
    auto r = registration_request(pharmacist_alice());
    r.identifier_kind = "RPPS";
    expect_refused(r, "identifier_kind");
}

TEST_F(RegistrationServiceTest, RppsWithAWrongCheckKeyIsRefused)
{
    auto r = registration_request(pharmacist_alice());
    r.identifier = "10000123455";
    expect_refused(r, "identifier");
}

TEST_F(RegistrationServiceTest, AdeliNumberDeclaredAsRppsIsRefused)
{
    auto r = registration_request(pharmacist_alice());
    r.identifier = podiatrist_carol().identifier;
    expect_refused(r, "identifier");
}

TEST_F(RegistrationServiceTest, MissingIdentifierIsRefused)
{
    auto r = registration_request(pharmacist_alice());
    r.identifier.clear();
    expect_refused(r, "identifier");
}

TEST_F(RegistrationServiceTest, MissingFirstNameIsRefused)
{
    auto r = registration_request(pharmacist_alice());
    r.first_name = "   ";
    expect_refused(r, "first_name");
}

TEST_F(RegistrationServiceTest, MissingLastNameIsRefused)
{
    auto r = registration_request(pharmacist_alice());
    r.last_name.clear();
    expect_refused(r, "last_name");
}

TEST_F(RegistrationServiceTest, StudentWithoutAttestationIsRefused)
{
    auto r = registration_request(nursing_student_emma());
    r.attestation.reset();
    expect_refused(r, "attestation");
}

TEST_F(RegistrationServiceTest, StudentWithAnEmptyAttestationIsRefused)
{
    auto r = registration_request(nursing_student_emma());
    r.attestation = model::Attestation{"application/pdf", ""};
    expect_refused(r, "attestation");
}

TEST_F(RegistrationServiceTest, StudentWithoutProfessionIsRefused)
{
    auto r = registration_request(nursing_student_emma());
    r.profession_code.reset();
    expect_refused(r, "profession_code");
}

TEST_F(RegistrationServiceTest, AttestationThatIsAGifIsRefusedWhateverItsDeclaredType)
{
    auto r = registration_request(nursing_student_emma());
    r.attestation = model::Attestation{"application/pdf", "GIF89a\x01\x00\x01\x00"};
    expect_refused(r, "attestation");
}

TEST_F(RegistrationServiceTest, AttestationThatIsHtmlIsRefused)
{
    auto r = registration_request(nursing_student_emma());
    r.attestation = model::Attestation{"image/png", "<html><script>alert(1)</script></html>"};
    expect_refused(r, "attestation");
}

TEST_F(RegistrationServiceTest, ProfessionNotAdmittedByTheInstanceIsRefused)
{
    auto r = registration_request(pharmacist_alice());
    r.profession_code = 10;  // physicians: not admitted by the default policy
    expect_refused(r, "profession_code");
}

TEST_F(RegistrationServiceTest, MotivationLongerThanTwoThousandBytesIsRefused)
{
    auto r = registration_request(pharmacist_alice());
    r.motivation = std::string(2001, 'x');
    expect_refused(r, "reason");
}

TEST_F(RegistrationServiceTest, AttestationSniffingRecognisesTheThreeFormats)
{
    EXPECT_EQ(sniff_attestation_type("%PDF-1.7\n").value_or(""), "application/pdf");
    EXPECT_EQ(sniff_attestation_type(std::string("\x89PNG\r\n\x1a\n\0\0", 10)).value_or(""), "image/png");
    EXPECT_EQ(sniff_attestation_type("\xFF\xD8\xFF\xE0").value_or(""), "image/jpeg");
    EXPECT_FALSE(sniff_attestation_type("%PD"));
    EXPECT_FALSE(sniff_attestation_type(""));
}

// --- Accepted registrations ---------------------------------------------------------------

TEST_F(RegistrationServiceTest, ValidRegistrationStoresAPendingAccountWithItsIdentity)
{
    auto account = fx().register_applicant(pharmacist_alice());
    ASSERT_TRUE(account) << describe(account);
    EXPECT_EQ(account->state, model::AccountState::Pending);
    EXPECT_EQ(account->role, model::Role::Member);
    EXPECT_EQ(account->display_name, "Alice Dupont");

    auto registration = fx().find_registration(account->id);
    ASSERT_TRUE(registration && *registration) << describe(registration);
    EXPECT_EQ((*registration)->account.username, "alice");
    EXPECT_EQ((*registration)->identity.kind, model::IdentifierKind::Rpps);
    EXPECT_EQ((*registration)->identity.national_id, "810000123454");
    EXPECT_EQ((*registration)->motivation, registration_request(pharmacist_alice()).motivation);
    auto key = crypto::parse_public_key_pem(account->public_key_pem);
    EXPECT_TRUE(key) << describe(key);
}

TEST_F(RegistrationServiceTest, StudentAttestationIsStoredWithItsSniffedType)
{
    auto r = registration_request(nursing_student_emma());
    r.attestation = model::Attestation{"application/octet-stream", "\xFF\xD8\xFF\xE0 jpeg bytes"};
    auto account = fx().registrations().register_applicant(r);
    ASSERT_TRUE(account) << describe(account);
    auto attestation = fx().moderation().attestation(std::nullopt, account->id);
    ASSERT_TRUE(attestation) << describe(attestation);
    EXPECT_EQ(attestation->content_type, "image/jpeg");
}

// --- Pre-check against the directory ------------------------------------------------------

TEST_F(RegistrationServiceTest, PrecheckWithoutAnyImportIsNoDirectory)
{
    EXPECT_EQ(precheck_of(registration_request(pharmacist_alice())).outcome, PrecheckOutcome::NoDirectory);
}

TEST_F(RegistrationServiceTest, PrecheckOfAListedProfessionalWithTheSameNamesIsMatch)
{
    auto imported = fx().import_directory({pharmacist_alice(), nurse_bob()});
    ASSERT_TRUE(imported) << describe(imported);
    auto check = precheck_of(registration_request(pharmacist_alice()));
    EXPECT_EQ(check.outcome, PrecheckOutcome::Match) << check.detail;
    EXPECT_EQ(check.import_id, std::optional<Id>(imported->id));
    EXPECT_EQ(check.directory_profession_code, 21);
    EXPECT_EQ(check.directory_name, "Alice DUPONT");
}

TEST_F(RegistrationServiceTest, PrecheckOfAnAdeliNumberIsMatch)
{
    ASSERT_TRUE(fx().import_directory({podiatrist_carol()}));
    EXPECT_EQ(precheck_of(registration_request(podiatrist_carol())).outcome, PrecheckOutcome::Match);
}

TEST_F(RegistrationServiceTest, MatchWithoutDeclaredProfessionTakesTheDirectorysProfession)
{
    ASSERT_TRUE(fx().import_directory({pharmacist_alice()}));
    auto r = registration_request(pharmacist_alice());
    r.profession_code.reset();
    auto account = fx().registrations().register_applicant(r);
    ASSERT_TRUE(account) << describe(account);
    EXPECT_EQ(account->profession_code, 21);
}

TEST_F(RegistrationServiceTest, PrecheckWithAnotherLastNameIsNameMismatch)
{
    ASSERT_TRUE(fx().import_directory({pharmacist_alice()}));
    auto r = registration_request(pharmacist_alice());
    r.last_name = "Durand";
    auto check = precheck_of(r);
    EXPECT_EQ(check.outcome, PrecheckOutcome::NameMismatch);
    EXPECT_EQ(check.directory_name, "Alice DUPONT");
}

TEST_F(RegistrationServiceTest, PrecheckWithAnotherFirstNameIsNameMismatch)
{
    ASSERT_TRUE(fx().import_directory({pharmacist_alice()}));
    auto r = registration_request(pharmacist_alice());
    r.first_name = "Alicia";
    EXPECT_EQ(precheck_of(r).outcome, PrecheckOutcome::NameMismatch);
}

TEST_F(RegistrationServiceTest, PrecheckIgnoresAccentsAndCase)
{
    import_alice_as("HÉLÈNE", "LEFÈVRE");
    auto r = registration_request(pharmacist_alice());
    r.first_name = "Helene";
    r.last_name = "lefevre";
    EXPECT_EQ(precheck_of(r).outcome, PrecheckOutcome::Match);
}

TEST_F(RegistrationServiceTest, PrecheckIgnoresHyphensAndApostrophesInLastNames)
{
    import_alice_as("Alice", "D'ARC-MARTIN");
    auto r = registration_request(pharmacist_alice());
    r.last_name = "d arc martin";
    EXPECT_EQ(precheck_of(r).outcome, PrecheckOutcome::Match);
}

TEST_F(RegistrationServiceTest, FirstPartOfACompoundFirstNameMatches)
{
    import_alice_as("Jean-Pierre", "DUPONT");
    auto r = registration_request(pharmacist_alice());
    r.first_name = "Jean";
    EXPECT_EQ(precheck_of(r).outcome, PrecheckOutcome::Match);
}

TEST_F(RegistrationServiceTest, PrefixOfAFirstNameThatIsNotAWordDoesNotMatch)
{
    import_alice_as("Jeanne", "DUPONT");
    auto r = registration_request(pharmacist_alice());
    r.first_name = "Jean";
    EXPECT_EQ(precheck_of(r).outcome, PrecheckOutcome::NameMismatch);
}

TEST_F(RegistrationServiceTest, CompoundFirstNameDeclaredAgainstASimpleOneDoesNotMatch)
{
    import_alice_as("Jean", "DUPONT");
    auto r = registration_request(pharmacist_alice());
    r.first_name = "Jean-Pierre";
    EXPECT_EQ(precheck_of(r).outcome, PrecheckOutcome::NameMismatch);
}

TEST_F(RegistrationServiceTest, PrecheckOfAnIdentifierAbsentFromTheImportIsNotFound)
{
    ASSERT_TRUE(fx().import_directory({nurse_bob()}));
    EXPECT_EQ(precheck_of(registration_request(pharmacist_alice())).outcome, PrecheckOutcome::NotFound);
}

TEST_F(RegistrationServiceTest, PrecheckOfAProfessionTheInstanceDoesNotAdmitIsProfessionNotAdmitted)
{
    import_alice_as("Alice", "DUPONT", "10");  // listed as a physician
    auto r = registration_request(pharmacist_alice());
    r.profession_code.reset();
    auto check = precheck_of(r);
    EXPECT_EQ(check.outcome, PrecheckOutcome::ProfessionNotAdmitted);
    EXPECT_EQ(check.directory_profession_code, 10);
}

TEST_F(RegistrationServiceTest, PrecheckOfAStudentIsNotApplicable)
{
    ASSERT_TRUE(fx().import_directory({pharmacist_alice()}));
    EXPECT_EQ(precheck_of(registration_request(nursing_student_emma())).outcome,
              PrecheckOutcome::NotApplicable);
}

// --- Taken fields -------------------------------------------------------------------------

TEST_F(RegistrationServiceTest, TakenUsernameIsUnprocessableOnUsername)
{
    ASSERT_TRUE(fx().register_applicant(pharmacist_alice()));
    auto r = registration_request(nurse_bob());
    r.username = "ALICE";
    auto refused = fx().registrations().register_applicant(r);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Unprocessable);
    EXPECT_EQ(refused.error().field, "username");
}

TEST_F(RegistrationServiceTest, TakenEmailIsUnprocessableOnEmail)
{
    ASSERT_TRUE(fx().register_applicant(pharmacist_alice()));
    auto r = registration_request(nurse_bob());
    r.email = pharmacist_alice().email;
    auto refused = fx().registrations().register_applicant(r);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Unprocessable);
    EXPECT_EQ(refused.error().field, "email");
}

TEST_F(RegistrationServiceTest, TakenIdentifierIsUnprocessableOnIdentifierAndStoresNothing)
{
    ASSERT_TRUE(fx().register_applicant(pharmacist_alice()));
    auto r = registration_request(nurse_bob());
    r.identifier = "8" + pharmacist_alice().identifier;  // same person, national form
    auto refused = fx().registrations().register_applicant(r);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Unprocessable);
    EXPECT_EQ(refused.error().field, "identifier");
    auto count = fx().count_accounts();
    ASSERT_TRUE(count);
    EXPECT_EQ(*count, 1);
}

TEST_F(RegistrationServiceTest, IdentifierOfARejectedApplicantCanBeRegisteredAgain)
{
    auto impostor = fx().register_applicant(pharmacist_alice());
    ASSERT_TRUE(impostor);
    ASSERT_TRUE(fx().moderation().reject(std::nullopt, impostor->id, "Not the holder."));
    auto r = registration_request(pharmacist_alice());
    r.username = "alice_real";
    r.email = "alice.real@example.org";
    auto real = fx().registrations().register_applicant(r);
    EXPECT_TRUE(real) << describe(real);
}

// --- Operators' accounts ------------------------------------------------------------------

TEST_F(RegistrationServiceTest, OperatorCreatesAnActiveModerator)
{
    auto marie = fx().add_staff(testkit::moderator_marie());
    ASSERT_TRUE(marie) << describe(marie);
    EXPECT_EQ(marie->role, model::Role::Moderator);
    EXPECT_EQ(marie->state, model::AccountState::Active);
}

TEST_F(RegistrationServiceTest, OperatorAccountWithAnInvalidUsernameIsRefused)
{
    auto c = testkit::account_creation(testkit::admin_adam());
    c.username = "adam admin";
    auto refused = fx().registrations().create_account(c);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Unprocessable);
    EXPECT_EQ(refused.error().field, "username");
}

TEST_F(RegistrationServiceTest, OperatorAccountWithATakenEmailIsUnprocessableOnEmail)
{
    ASSERT_TRUE(fx().add_staff(testkit::admin_adam()));
    auto c = testkit::account_creation(testkit::moderator_marie());
    c.email = testkit::admin_adam().email;
    auto refused = fx().registrations().create_account(c);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Unprocessable);
    EXPECT_EQ(refused.error().field, "email");
}

// --- Closed registrations -----------------------------------------------------------------

class ClosedRegistrationTest : public testkit::ServicesTest {
protected:
    InstancePolicy policy() const override { return InstancePolicy{{21}, false}; }
};

TEST_F(ClosedRegistrationTest, RegistrationIsForbiddenWhenRegistrationsAreClosed)
{
    auto refused = fx().register_applicant(pharmacist_alice());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Forbidden);
    auto count = fx().count_accounts();
    ASSERT_TRUE(count);
    EXPECT_EQ(*count, 0);
}

TEST_F(ClosedRegistrationTest, OperatorsStillCreateAccountsWhenRegistrationsAreClosed)
{
    auto adam = fx().add_staff(testkit::admin_adam());
    EXPECT_TRUE(adam) << describe(adam);
}

} // namespace
} // namespace confrere::services
