// Students and interns have no directory entry to check: they register with an attestation
// (multipart upload) that only moderators may read.
#include "tests/integration/scenario.hpp"

namespace confrere::testkit {
namespace {

// A tiny but well-formed PDF: the server sniffs the type from the first bytes.
const std::string attestation_pdf =
    "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    "trailer\n<< /Root 1 0 R >>\n%%EOF\n";

Applicant student(const std::string& username)
{
    Applicant a;
    a.username = username;
    a.first_name = "Inès";
    a.last_name = "Benali";
    a.identifier_kind = "student";
    a.profession_code = "21";
    a.reason = "Étudiante en 5e année de pharmacie à Lyon.";
    return a;
}

std::vector<FormPart> parts_of(const Applicant& applicant)
{
    std::vector<FormPart> parts;
    for (const auto& [name, value] : applicant.form())
        parts.push_back({name, value, {}, {}});
    return parts;
}

std::vector<FormPart> with_attestation(const Applicant& applicant, const std::string& content,
                                       const std::string& content_type,
                                       const std::string& filename = "attestation.pdf")
{
    auto parts = parts_of(applicant);
    parts.push_back({"attestation", content, filename, content_type});
    return parts;
}

class StudentRegistration : public IntegrationTest {
protected:
    explicit StudentRegistration(InstanceOptions options = {}) : IntegrationTest(std::move(options))
    {
    }

    HttpResponse register_multipart(const std::vector<FormPart>& parts)
    {
        return instance_.client().post_multipart("/api/v1/accounts", parts);
    }

    std::string register_student(const std::string& username)
    {
        const auto response = register_multipart(
            with_attestation(student(username), attestation_pdf, "application/pdf"));
        EXPECT_EQ(response.status, 200) << response;
        return json_string(response.json(), "/id");
    }
};

TEST_F(StudentRegistration, StudentWithAnAttestationIsPendingAndNotPrechecked)
{
    const auto response = register_multipart(
        with_attestation(student("ines"), attestation_pdf, "application/pdf"));
    ASSERT_EQ(response.status, 200) << response;
    const auto doc = response.json();
    EXPECT_EQ(json_string(doc, "/state"), "pending") << response;
    const auto id = json_string(doc, "/id");
    ASSERT_FALSE(id.empty()) << response;

    const auto admin = admin_account(id);
    ASSERT_EQ(admin.status, 200) << admin;
    const auto account = admin.json();
    EXPECT_EQ(json_string(account, "/confrere/precheck/outcome"), "not_applicable") << admin;
    EXPECT_EQ(json_string(account, "/confrere/identifier_kind"), "student") << admin;
    const auto* has_attestation = json_at(account, "/confrere/has_attestation");
    ASSERT_TRUE(has_attestation != nullptr && has_attestation->IsBool()) << admin;
    EXPECT_TRUE(has_attestation->GetBool());
}

TEST_F(StudentRegistration, ModeratorDownloadsTheAttestationAsUploaded)
{
    const auto id = register_student("ines");
    ASSERT_FALSE(id.empty());
    const auto response = moderator().get("/api/v1/admin/accounts/" + id + "/attestation");
    ASSERT_EQ(response.status, 200) << response;
    EXPECT_EQ(response.header("Content-Type").rfind("application/pdf", 0), 0u) << response;
    EXPECT_EQ(response.body, attestation_pdf);
}

TEST_F(StudentRegistration, MemberCannotDownloadAnAttestation)
{
    const auto id = register_student("ines");
    ASSERT_FALSE(id.empty());
    const auto response = member().get("/api/v1/admin/accounts/" + id + "/attestation");
    EXPECT_TRUE(is_json_error(response, 403));
    EXPECT_EQ(response.body.find("%PDF"), std::string::npos);
}

TEST_F(StudentRegistration, AnonymousVisitorCannotDownloadAnAttestation)
{
    const auto id = register_student("ines");
    ASSERT_FALSE(id.empty());
    const auto response = instance_.client().get("/api/v1/admin/accounts/" + id + "/attestation");
    EXPECT_TRUE(is_json_error(response, 401));
}

TEST_F(StudentRegistration, PngAttestationIsAccepted)
{
    const std::string png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0", 29);
    const auto response =
        register_multipart(with_attestation(student("ines"), png, "image/png", "carte.png"));
    EXPECT_EQ(response.status, 200) << response;
}

TEST_F(StudentRegistration, StudentWithoutAnAttestationIsRefused)
{
    const auto response = register_multipart(parts_of(student("ines")));
    ASSERT_TRUE(is_json_error(response, 422));
    EXPECT_FALSE(field_error(response, "attestation").empty()) << response;
    const auto pending = instance_.admin("pending");
    EXPECT_EQ(pending.out.find("ines"), std::string::npos) << pending;
}

TEST_F(StudentRegistration, StudentFormWithoutMultipartIsRefused)
{
    const auto response = register_applicant(student("ines"));
    ASSERT_TRUE(is_json_error(response, 422));
    EXPECT_FALSE(field_error(response, "attestation").empty()) << response;
}

TEST_F(StudentRegistration, StudentWithoutAProfessionIsRefused)
{
    auto applicant = student("ines");
    applicant.profession_code.clear();
    const auto response =
        register_multipart(with_attestation(applicant, attestation_pdf, "application/pdf"));
    ASSERT_TRUE(is_json_error(response, 422));
    EXPECT_FALSE(field_error(response, "profession_code").empty()) << response;
}

TEST_F(StudentRegistration, AttestationThatIsNeitherPdfNorImageIsRefused)
{
    // Declared as a PDF, but the bytes are a shell script.
    const auto response = register_multipart(with_attestation(
        student("ines"), "#!/bin/sh\necho pwned\n", "application/pdf"));
    ASSERT_TRUE(is_json_error(response, 422));
    EXPECT_FALSE(field_error(response, "attestation").empty()) << response;
}

// Attestations are limited by http.max_upload_bytes (docs/configuration.md).
class SmallUploads : public StudentRegistration {
protected:
    SmallUploads() : StudentRegistration(options()) {}
    static InstanceOptions options()
    {
        InstanceOptions o;
        o.max_upload_bytes = 131072;
        return o;
    }
};

TEST_F(SmallUploads, AttestationOverTheUploadLimitIsRefusedWith413)
{
    const auto big = attestation_pdf + std::string(200'000, ' ');
    const auto response =
        register_multipart(with_attestation(student("ines"), big, "application/pdf"));
    EXPECT_TRUE(is_json_error(response, 413));
    const auto pending = instance_.admin("pending");
    EXPECT_EQ(pending.out.find("ines"), std::string::npos) << pending;
}

TEST_F(SmallUploads, AttestationOverMaxBodyBytesButUnderTheUploadLimitIsAccepted)
{
    const auto pdf = attestation_pdf + std::string(100'000, ' ');  // 64 KiB < size < 128 KiB
    const auto response =
        register_multipart(with_attestation(student("ines"), pdf, "application/pdf"));
    EXPECT_EQ(response.status, 200) << response;
}

} // namespace
} // namespace confrere::testkit
