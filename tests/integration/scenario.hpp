// What the integration tests share: a fixture that starts a fresh instance, the named people
// of the directory extract, an applicant's form, and the few steps most scenarios begin with
// (create a moderator, register, import the directory).
#pragma once

#include "tests/support/extract_generator.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/instance.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace confrere::testkit {

// The password every fixture account uses unless a test needs its own.
inline constexpr const char* fixture_password = "Officine-du-Marche-2024";

// Named professionals of the test directory (UTF-8, upper-case last names as ANS writes them).
ExtractPerson pharmacist_elodie();   // Élodie LEFÈVRE, pharmacist (21)
ExtractPerson pharmacist_francois(); // François DE LA FONTAINE, pharmacist (21)
ExtractPerson nurse_loic();          // Loïc LE GOFF, nurse (60)
ExtractPerson podiatrist_zoe();      // Zoé N'DIAYE, podiatrist (80)
// A Luhn-valid RPPS that no extract of these tests contains.
std::string unknown_rpps();

// The fields of POST /api/v1/accounts, as an applicant fills them in.
struct Applicant {
    std::string username;
    std::string email;        // username@example.test when left empty
    std::string password = fixture_password;
    std::string first_name;
    std::string last_name;
    std::string identifier_kind = "rpps";
    std::string identifier;
    std::string profession_code;  // not sent when empty
    std::string locale = "fr";
    std::string reason = "Exercice en officine, je souhaite rejoindre mes confrères.";
    std::string agreement = "true";

    FormFields form() const;
    std::string json() const;  // agreement "true" becomes the JSON boolean
};

// An applicant declaring `person`'s RPPS and names as the person would type them.
Applicant applicant_for(const std::string& username, const ExtractPerson& person);

// Success when the response has `status`, a JSON content type and {"error": "<non-empty>"}.
::testing::AssertionResult is_json_error(const HttpResponse& response, int status);
// The "id" of each element of a JSON array answer (statuses, accounts), in order.
std::vector<std::string> ids_of(const HttpResponse& response);
// details.<field>[0].error of a 422 answer, or "" when absent.
std::string field_error(const HttpResponse& response, const std::string& field);
// details.<field>[0].description of a 422 answer, or "".
std::string field_description(const HttpResponse& response, const std::string& field);
// The CSRF token of the first form of a web page ("" when it has none).
std::string csrf_of(const HttpResponse& page);
// The id of the account `client` is signed in as (GET verify_credentials; "" with a failure
// recorded unless 200).
std::string account_id_of(HttpClient& client);

// A fresh instance, started in SetUp. Derived fixtures pass options to the constructor.
class IntegrationTest : public ::testing::Test {
protected:
    explicit IntegrationTest(InstanceOptions options = {});
    void SetUp() override;

    // Creates an account through `confrere admin create-account` (ADD_FAILURE if it fails).
    // `role`: member, moderator, admin or partner. Validated accounts are active at once.
    void create_account(const std::string& username, const std::string& role, bool validated,
                        const std::string& password = fixture_password);
    // A client signed in as `username` (ADD_FAILURE unless sign-in answers 200).
    HttpClient signed_in(const std::string& username,
                         const std::string& password = fixture_password);
    // Creates the moderator "moderatrice" (once) and returns a client signed in as her.
    HttpClient moderator();
    // Creates an active member (once per username) and returns a client signed in as them.
    HttpClient member(const std::string& username = "membre");

    // POST /api/v1/accounts, form-encoded.
    HttpResponse register_applicant(const Applicant& applicant);
    // Registers and returns the new account's id ("" with a failure recorded if refused).
    std::string register_pending(const Applicant& applicant);
    // Registers `applicant`, then approves it through the admin API; returns the id.
    std::string register_and_approve(const Applicant& applicant);

    // Writes an extract of `people` and imports it through the CLI (ADD_FAILURE if refused).
    void import_directory(const std::vector<ExtractPerson>& people,
                          const std::string& file_name = "extract.txt");

    // An OAuth access token of `username` (fixture password) holding `scope` only, through the
    // password grant of an application registered with `scope`.
    std::string oauth_token(const std::string& username, const std::string& scope);

    // GET /api/v1/admin/accounts/:id as the moderator.
    HttpResponse admin_account(const std::string& id);
    // The pre-check outcome the moderator sees for account `id`.
    std::string precheck_outcome(const std::string& id);

    Instance instance_;

private:
    std::vector<std::string> created_;
};

} // namespace confrere::testkit
