// POST /api/v1/accounts against the real binary: validation, duplicates, limits, and the
// directory pre-check that only moderators see.
#include "tests/integration/scenario.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace confrere::testkit {
namespace {

bool mentions_check_key(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* words : {"check digit", "check key", "checksum", "luhn", "clé", "cle de"})
        if (text.find(words) != std::string::npos)
            return true;
    return false;
}

class Registration : public IntegrationTest {};

TEST_F(Registration, BadRppsCheckKeyIsRefusedWith422AndTheReason)
{
    auto applicant = applicant_for("elodie", pharmacist_elodie());
    applicant.identifier = "10000123455";  // the right key is 4
    applicant.locale = "en";
    const auto response = register_applicant(applicant);
    ASSERT_TRUE(is_json_error(response, 422));
    EXPECT_EQ(json_string(response.json(), "/error").rfind("Validation failed", 0), 0u) << response;
    EXPECT_EQ(field_error(response, "identifier"), "ERR_INVALID") << response;
    EXPECT_TRUE(mentions_check_key(field_description(response, "identifier"))) << response;
}

TEST_F(Registration, RppsOfTheWrongLengthIsRefused)
{
    auto applicant = applicant_for("elodie", pharmacist_elodie());
    applicant.identifier = "1000012345";  // ten digits
    const auto response = register_applicant(applicant);
    ASSERT_TRUE(is_json_error(response, 422));
    EXPECT_EQ(field_error(response, "identifier"), "ERR_INVALID") << response;
}

TEST_F(Registration, RppsWithLettersIsRefused)
{
    auto applicant = applicant_for("elodie", pharmacist_elodie());
    applicant.identifier = "1000O123454";  // a letter O among the digits
    const auto response = register_applicant(applicant);
    ASSERT_TRUE(is_json_error(response, 422));
    EXPECT_EQ(field_error(response, "identifier"), "ERR_INVALID") << response;
}

TEST_F(Registration, RefusedRegistrationLeavesNothingBehind)
{
    auto applicant = applicant_for("elodie", pharmacist_elodie());
    applicant.identifier = "10000123455";
    ASSERT_EQ(register_applicant(applicant).status, 422);
    const auto pending = instance_.admin("pending");
    EXPECT_EQ(pending.exit_code, 0) << pending;
    EXPECT_EQ(pending.out.find("elodie"), std::string::npos) << pending;

    // The same username, e-mail and a correct number are still free.
    applicant.identifier = pharmacist_elodie().rpps;
    const auto retry = register_applicant(applicant);
    EXPECT_EQ(retry.status, 200) << retry;
}

TEST_F(Registration, ValidRppsIsPendingAndTheAnswerHidesThePrecheck)
{
    const auto response = register_applicant(applicant_for("elodie", pharmacist_elodie()));
    ASSERT_EQ(response.status, 200) << response;
    const auto doc = response.json();
    ASSERT_FALSE(doc.HasParseError()) << response;
    const auto* id = json_at(doc, "/id");
    ASSERT_TRUE(id != nullptr && id->IsString()) << response;  // Mastodon ids are strings
    EXPECT_FALSE(json_string(doc, "/id").empty());
    EXPECT_EQ(json_string(doc, "/username"), "elodie");
    EXPECT_EQ(json_string(doc, "/state"), "pending");
    EXPECT_EQ(response.body.find("precheck"), std::string::npos) << response;
    EXPECT_EQ(response.body.find("no_directory"), std::string::npos) << response;
}

TEST_F(Registration, JsonBodyIsAcceptedLikeAForm)
{
    const auto applicant = applicant_for("elodie", pharmacist_elodie());
    const auto response = instance_.client().post_json("/api/v1/accounts", applicant.json());
    ASSERT_EQ(response.status, 200) << response;
    EXPECT_EQ(json_string(response.json(), "/state"), "pending");
}

TEST_F(Registration, WithoutAnImportedDirectoryThePrecheckSaysNoDirectory)
{
    const auto id = register_pending(applicant_for("elodie", pharmacist_elodie()));
    ASSERT_FALSE(id.empty());
    EXPECT_EQ(precheck_outcome(id), "no_directory");
}

TEST_F(Registration, DuplicateUsernameIsTaken)
{
    ASSERT_FALSE(register_pending(applicant_for("elodie", pharmacist_elodie())).empty());
    auto other = applicant_for("elodie", pharmacist_francois());
    other.email = "francois@example.test";
    const auto response = register_applicant(other);
    ASSERT_TRUE(is_json_error(response, 422));
    EXPECT_EQ(field_error(response, "username"), "ERR_TAKEN") << response;
}

TEST_F(Registration, DuplicateEmailIsTaken)
{
    auto first = applicant_for("elodie", pharmacist_elodie());
    first.email = "officine@example.test";
    ASSERT_FALSE(register_pending(first).empty());
    auto other = applicant_for("francois", pharmacist_francois());
    other.email = "officine@example.test";
    const auto response = register_applicant(other);
    ASSERT_TRUE(is_json_error(response, 422));
    EXPECT_EQ(field_error(response, "email"), "ERR_TAKEN") << response;
}

TEST_F(Registration, DuplicateIdentifierIsTaken)
{
    ASSERT_FALSE(register_pending(applicant_for("elodie", pharmacist_elodie())).empty());
    auto other = applicant_for("elodie2", pharmacist_elodie());
    const auto response = register_applicant(other);
    ASSERT_TRUE(is_json_error(response, 422));
    EXPECT_EQ(field_error(response, "identifier"), "ERR_TAKEN") << response;
}

TEST_F(Registration, UsernameOfAnOperatorCreatedAccountIsTaken)
{
    // An account created by the CLI holds the username: an applicant cannot take it.
    create_account("elodie", "member", true);
    const auto response = register_applicant(applicant_for("elodie", pharmacist_elodie()));
    ASSERT_TRUE(is_json_error(response, 422));
    EXPECT_EQ(field_error(response, "username"), "ERR_TAKEN") << response;
}

TEST_F(Registration, MissingUsernameIsBlank)
{
    auto applicant = applicant_for("", pharmacist_elodie());
    applicant.email = "elodie@example.test";
    const auto response = register_applicant(applicant);
    ASSERT_TRUE(is_json_error(response, 422));
    EXPECT_EQ(field_error(response, "username"), "ERR_BLANK") << response;
}

TEST_F(Registration, PasswordShorterThanEightCharactersIsRefused)
{
    auto applicant = applicant_for("elodie", pharmacist_elodie());
    applicant.password = "court7!";
    const auto response = register_applicant(applicant);
    ASSERT_TRUE(is_json_error(response, 422));
    EXPECT_FALSE(field_error(response, "password").empty()) << response;
}

TEST_F(Registration, RegistrationWithoutAgreementIsRefused)
{
    auto applicant = applicant_for("elodie", pharmacist_elodie());
    applicant.agreement = "false";
    const auto response = register_applicant(applicant);
    ASSERT_TRUE(is_json_error(response, 422));
    EXPECT_FALSE(field_error(response, "agreement").empty()) << response;
}

TEST_F(Registration, MalformedJsonIsRefusedWith400)
{
    const auto response = instance_.client().post_body(
        "/api/v1/accounts", R"({"username": "elodie", "email": )", "application/json");
    EXPECT_TRUE(is_json_error(response, 400));
}

// Registration is an upload route (attestations): its limit is http.max_upload_bytes
// (docs/api.md); every other route has http.max_body_bytes (65536 here).
class BodyLimits : public IntegrationTest {
protected:
    BodyLimits() : IntegrationTest(options()) {}
    static InstanceOptions options()
    {
        InstanceOptions o;
        o.max_upload_bytes = 131072;
        return o;
    }
};

TEST_F(BodyLimits, RegistrationOverTheUploadLimitIsRefusedWith413AndStoresNothing)
{
    auto applicant = applicant_for("elodie", pharmacist_elodie());
    applicant.reason = std::string(200'000, 'a');
    const auto response = register_applicant(applicant);
    EXPECT_TRUE(is_json_error(response, 413));
    EXPECT_EQ(instance_.client().get("/health").status, 200);
    const auto pending = instance_.admin("pending");
    EXPECT_EQ(pending.out.find("elodie"), std::string::npos) << pending;
}

TEST_F(BodyLimits, SignInBodyOverMaxBodyBytesIsRefusedWith413)
{
    const std::string body = R"({"login":"membre","password":")" + std::string(70'000, 'a') + "\"}";
    const auto response = instance_.client().post_json("/auth/sign_in", body);
    EXPECT_TRUE(is_json_error(response, 413));
    EXPECT_EQ(instance_.client().get("/health").status, 200);
}

TEST_F(BodyLimits, ChunkedBodyOverTheLimitIsRefusedWith413)
{
    RawConnection raw;
    ASSERT_TRUE(raw.connect(instance_.port())) << raw.error();
    const std::string chunk(70'000, 'a');
    char size[16];
    std::snprintf(size, sizeof size, "%zx", chunk.size());
    raw.send("POST /auth/sign_in HTTP/1.1\r\nHost: " + instance_.host() +
             "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
             size + "\r\n" + chunk + "\r\n0\r\n\r\n");
    const auto answer = raw.read_response();
    EXPECT_EQ(raw_status(answer), 413) << answer.substr(0, 300);
    EXPECT_EQ(instance_.client().get("/health").status, 200);
}

// The pre-check compares the registration with an extract imported before the server starts.
class Precheck : public IntegrationTest {
protected:
    void SetUp() override
    {
        ASSERT_TRUE(instance_.ready());
        import_directory({pharmacist_elodie(), pharmacist_francois(), nurse_loic(),
                          podiatrist_zoe()});
        ASSERT_FALSE(HasFailure());
        ASSERT_TRUE(instance_.start());
    }
};

TEST_F(Precheck, RppsInTheDirectoryWithNamesTypedWithoutAccentsMatches)
{
    auto applicant = applicant_for("elodie", pharmacist_elodie());
    applicant.first_name = "elodie";
    applicant.last_name = "Lefevre";
    const auto id = register_pending(applicant);
    ASSERT_FALSE(id.empty());

    const auto response = admin_account(id);
    ASSERT_EQ(response.status, 200) << response;
    const auto doc = response.json();
    EXPECT_EQ(json_string(doc, "/confrere/precheck/outcome"), "match") << response;
    EXPECT_EQ(json_string(doc, "/confrere/state"), "pending") << response;
    EXPECT_EQ(json_string(doc, "/confrere/identifier_kind"), "rpps") << response;
    EXPECT_NE(json_string(doc, "/confrere/identifier").find(pharmacist_elodie().rpps),
              std::string::npos) << response;
    EXPECT_NE(json_string(doc, "/confrere/precheck/directory_name").find("LEF"),
              std::string::npos) << response;
}

TEST_F(Precheck, CompoundLastNameInLowerCaseMatches)
{
    auto applicant = applicant_for("francois", pharmacist_francois());
    applicant.first_name = "FRANCOIS";
    applicant.last_name = "de la fontaine";
    const auto id = register_pending(applicant);
    ASSERT_FALSE(id.empty());
    EXPECT_EQ(precheck_outcome(id), "match");
}

TEST_F(Precheck, RppsAbsentFromTheDirectoryIsPendingWithNotFound)
{
    auto applicant = applicant_for("inconnu", pharmacist_elodie());
    applicant.identifier = unknown_rpps();
    const auto id = register_pending(applicant);
    ASSERT_FALSE(id.empty());
    EXPECT_EQ(precheck_outcome(id), "not_found");
}

TEST_F(Precheck, KnownRppsWithOtherNamesIsANameMismatch)
{
    auto applicant = applicant_for("usurpateur", pharmacist_elodie());
    applicant.first_name = "Jean";
    applicant.last_name = "Dupont";
    const auto id = register_pending(applicant);
    ASSERT_FALSE(id.empty());
    EXPECT_EQ(precheck_outcome(id), "name_mismatch");
}

TEST_F(Precheck, NurseOnAPharmacistsInstanceIsAProfessionNotAdmitted)
{
    const auto id = register_pending(applicant_for("loic", nurse_loic()));
    ASSERT_FALSE(id.empty());
    EXPECT_EQ(precheck_outcome(id), "profession_not_admitted");
}

TEST_F(Precheck, PendingQueueListsTheApplicantWithItsPrecheck)
{
    const auto id = register_pending(applicant_for("elodie", pharmacist_elodie()));
    ASSERT_FALSE(id.empty());
    const auto response = moderator().get("/api/v1/admin/accounts?pending=true");
    ASSERT_EQ(response.status, 200) << response;
    const auto doc = response.json();
    ASSERT_TRUE(!doc.HasParseError() && doc.IsArray()) << response;
    bool found = false;
    for (const auto& account : doc.GetArray()) {
        if (json_string(account, "/id") != id)
            continue;
        found = true;
        EXPECT_EQ(json_string(account, "/username"), "elodie");
        EXPECT_EQ(json_string(account, "/email"), "elodie@example.test");
        EXPECT_EQ(json_string(account, "/confrere/precheck/outcome"), "match");
        const auto* approved = json_at(account, "/approved");
        ASSERT_TRUE(approved != nullptr && approved->IsBool()) << to_json_text(account);
        EXPECT_FALSE(approved->GetBool());
        EXPECT_FALSE(json_string(account, "/role/name").empty()) << to_json_text(account);
        EXPECT_NE(json_at(account, "/account"), nullptr) << to_json_text(account);
    }
    EXPECT_TRUE(found) << "account " << id << " missing from " << response;
}

} // namespace
} // namespace confrere::testkit
