// Who reads what: sessions (cookie, CSRF, sign-out), pending accounts that see only their own
// registration, anonymous visitors refused everywhere members-only, and the Account JSON that
// members see (never the professional identifier nor the e-mail).
#include "tests/integration/scenario.hpp"

#include <regex>

namespace confrere::testkit {
namespace {

const std::vector<std::string> members_only_paths{
    "/api/v1/accounts/verify_credentials",
    "/api/v1/accounts/lookup?acct=membre",
    "/api/v1/directory",
};

class Session : public IntegrationTest {};

TEST_F(Session, SignInSetsAnHttpOnlySameSiteLaxCookie)
{
    create_account("membre", "member", true);
    auto client = instance_.client();
    const auto response = client.sign_in("membre", fixture_password);
    ASSERT_EQ(response.status, 200) << response;
    const auto doc = response.json();
    EXPECT_FALSE(json_string(doc, "/id").empty()) << response;
    EXPECT_EQ(json_string(doc, "/username"), "membre") << response;
    EXPECT_EQ(json_string(doc, "/state"), "active") << response;
    EXPECT_FALSE(json_string(doc, "/csrf_token").empty()) << response;

    std::string session_cookie;
    for (const auto& value : response.header_values("Set-Cookie"))
        if (value.rfind("confrere_session=", 0) == 0)
            session_cookie = value;
    ASSERT_FALSE(session_cookie.empty()) << response;
    EXPECT_NE(session_cookie.find("HttpOnly"), std::string::npos) << session_cookie;
    EXPECT_NE(session_cookie.find("SameSite=Lax"), std::string::npos) << session_cookie;
    EXPECT_NE(session_cookie.find("Path=/"), std::string::npos) << session_cookie;
}

TEST_F(Session, FormEncodedSignInWorks)
{
    create_account("membre", "member", true);
    auto client = instance_.client();
    const auto response = client.post_form(
        "/auth/sign_in", {{"login", "membre"}, {"password", fixture_password}});
    EXPECT_EQ(response.status, 200) << response;
    EXPECT_FALSE(client.session_token().empty());
}

TEST_F(Session, WrongPasswordIsUnauthorized)
{
    create_account("membre", "member", true);
    auto client = instance_.client();
    const auto response = client.sign_in("membre", "pas-le-bon-mot-de-passe");
    EXPECT_TRUE(is_json_error(response, 401));
    EXPECT_TRUE(client.session_token().empty());
}

TEST_F(Session, UnknownLoginGetsTheSameAnswerAsAWrongPassword)
{
    create_account("membre", "member", true);
    const auto wrong_password = instance_.client().sign_in("membre", "pas-le-bon-mot-de-passe");
    const auto unknown_login = instance_.client().sign_in("personne", "pas-le-bon-mot-de-passe");
    EXPECT_TRUE(is_json_error(unknown_login, 401));
    EXPECT_EQ(unknown_login.body, wrong_password.body);
}

TEST_F(Session, SignOutEndsTheSession)
{
    auto membre = member();
    ASSERT_EQ(membre.get("/api/v1/accounts/verify_credentials").status, 200);
    const auto token = membre.session_token();
    const auto response = membre.post_form("/auth/sign_out", {});
    EXPECT_EQ(response.status, 204) << response;

    auto replay = instance_.client();  // the old cookie, replayed
    replay.set_cookie("confrere_session", token);
    EXPECT_TRUE(is_json_error(replay.get("/api/v1/accounts/verify_credentials"), 401));
    auto bearer = instance_.client();
    bearer.set_bearer(token);
    EXPECT_TRUE(is_json_error(bearer.get("/api/v1/accounts/verify_credentials"), 401));
}

TEST_F(Session, SignOutWithoutCsrfTokenIsForbidden)
{
    auto membre = member();
    membre.set_csrf_header(CsrfHeader::Omit);
    EXPECT_TRUE(is_json_error(membre.post_form("/auth/sign_out", {}), 403));
    EXPECT_EQ(membre.get("/api/v1/accounts/verify_credentials").status, 200);
}

TEST_F(Session, ForgedSessionCookieIsUnauthorized)
{
    auto client = instance_.client();
    client.set_cookie("confrere_session", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    EXPECT_TRUE(is_json_error(client.get("/api/v1/accounts/verify_credentials"), 401));
}

class PendingAccount : public IntegrationTest {};

TEST_F(PendingAccount, SignsInAndSeesItsRegistrationState)
{
    ASSERT_FALSE(register_pending(applicant_for("elodie", pharmacist_elodie())).empty());
    auto elodie = instance_.client();
    const auto signed_in = elodie.sign_in("elodie", fixture_password);
    ASSERT_EQ(signed_in.status, 200) << signed_in;
    EXPECT_EQ(json_string(signed_in.json(), "/state"), "pending") << signed_in;

    const auto registration = elodie.get("/api/v1/confrere/registration");
    ASSERT_EQ(registration.status, 200) << registration;
    EXPECT_EQ(json_string(registration.json(), "/state"), "pending") << registration;
    EXPECT_EQ(json_string(registration.json(), "/username"), "elodie") << registration;
}

TEST_F(PendingAccount, IsRefusedEveryMembersOnlyEndpoint)
{
    const auto id = register_pending(applicant_for("elodie", pharmacist_elodie()));
    ASSERT_FALSE(id.empty());
    create_account("membre", "member", true);
    auto elodie = signed_in("elodie");

    const auto me = elodie.get("/api/v1/accounts/verify_credentials");
    ASSERT_TRUE(is_json_error(me, 403));
    EXPECT_EQ(json_string(me.json(), "/error"), "Your login is currently pending approval");
    for (const auto& path : members_only_paths)
        EXPECT_TRUE(is_json_error(elodie.get(path), 403)) << path;
    EXPECT_TRUE(is_json_error(elodie.get("/api/v1/accounts/" + id), 403));
    EXPECT_TRUE(is_json_error(elodie.get("/api/v1/admin/accounts?pending=true"), 403));
}

TEST_F(PendingAccount, ApprovalOpensTheSameSession)
{
    const auto id = register_pending(applicant_for("elodie", pharmacist_elodie()));
    ASSERT_FALSE(id.empty());
    auto elodie = signed_in("elodie");
    ASSERT_EQ(elodie.get("/api/v1/accounts/verify_credentials").status, 403);
    ASSERT_EQ(moderator().post_form("/api/v1/admin/accounts/" + id + "/approve", {}).status, 200);
    const auto me = elodie.get("/api/v1/accounts/verify_credentials");
    EXPECT_EQ(me.status, 200) << me;
    EXPECT_EQ(json_string(elodie.get("/api/v1/confrere/registration").json(), "/state"),
              "active");
}

class AnonymousVisitor : public IntegrationTest {};

TEST_F(AnonymousVisitor, IsUnauthorizedOnEveryMembersOnlyEndpoint)
{
    create_account("membre", "member", true);
    auto anonymous = instance_.client();
    for (const auto& path : members_only_paths)
        EXPECT_TRUE(is_json_error(anonymous.get(path), 401)) << path;
    EXPECT_TRUE(is_json_error(anonymous.get("/api/v1/accounts/1"), 401));
    EXPECT_TRUE(is_json_error(anonymous.get("/api/v1/confrere/registration"), 401));
}

class MemberApi : public IntegrationTest {
protected:
    // Élodie registers as a pharmacist and is approved; returns her id.
    std::string approved_elodie()
    {
        auto applicant = applicant_for("elodie", pharmacist_elodie());
        applicant.profession_code = "21";
        return register_and_approve(applicant);
    }
};

TEST_F(MemberApi, AccountShowsTheProfileButNeverTheIdentifierNorTheEmail)
{
    const auto id = approved_elodie();
    ASSERT_FALSE(id.empty());
    const auto response = member().get("/api/v1/accounts/" + id);
    ASSERT_EQ(response.status, 200) << response;
    const auto doc = response.json();
    ASSERT_FALSE(doc.HasParseError()) << response;
    const auto* id_value = json_at(doc, "/id");
    ASSERT_TRUE(id_value != nullptr && id_value->IsString()) << response;
    EXPECT_EQ(json_string(doc, "/id"), id);
    EXPECT_EQ(json_string(doc, "/username"), "elodie");
    EXPECT_EQ(json_string(doc, "/acct"), "elodie");
    EXPECT_FALSE(json_string(doc, "/display_name").empty()) << response;
    EXPECT_EQ(json_string(doc, "/url").rfind(instance_.base_url(), 0), 0u) << response;
    EXPECT_TRUE(std::regex_match(json_string(doc, "/created_at"),
                                 std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)")))
        << response;
    EXPECT_NE(json_at(doc, "/note"), nullptr) << response;
    const auto* locked = json_at(doc, "/locked");
    EXPECT_TRUE(locked != nullptr && locked->IsBool()) << response;
    const auto* bot = json_at(doc, "/bot");
    EXPECT_TRUE(bot != nullptr && bot->IsBool() && !bot->GetBool()) << response;
    const auto* group = json_at(doc, "/group");
    EXPECT_TRUE(group != nullptr && group->IsBool() && !group->GetBool()) << response;
    const auto* fields = json_at(doc, "/fields");
    ASSERT_TRUE(fields != nullptr && fields->IsArray()) << response;
    EXPECT_GE(fields->Size(), 1u) << "the profession is a profile field: " << response;
    EXPECT_NE(to_json_text(*fields).find("harmac"), std::string::npos) << response;

    EXPECT_EQ(response.body.find(pharmacist_elodie().rpps), std::string::npos) << response;
    EXPECT_EQ(response.body.find("elodie@example.test"), std::string::npos) << response;
}

TEST_F(MemberApi, VerifyCredentialsNeverShowsTheIdentifier)
{
    ASSERT_FALSE(approved_elodie().empty());
    const auto response = signed_in("elodie").get("/api/v1/accounts/verify_credentials");
    ASSERT_EQ(response.status, 200) << response;
    EXPECT_EQ(response.body.find(pharmacist_elodie().rpps), std::string::npos) << response;
}

TEST_F(MemberApi, LookupFindsAMemberByUsername)
{
    const auto id = approved_elodie();
    ASSERT_FALSE(id.empty());
    const auto response = member().get("/api/v1/accounts/lookup?acct=elodie");
    ASSERT_EQ(response.status, 200) << response;
    EXPECT_EQ(json_string(response.json(), "/id"), id) << response;
}

TEST_F(MemberApi, LookupOfAnUnknownUsernameIsNotFound)
{
    EXPECT_TRUE(is_json_error(member().get("/api/v1/accounts/lookup?acct=personne"), 404));
}

TEST_F(MemberApi, UnknownAccountIdIsNotFound)
{
    EXPECT_TRUE(is_json_error(member().get("/api/v1/accounts/999999999"), 404));
}

TEST_F(MemberApi, DirectoryIsAJsonArray)
{
    const auto response = member().get("/api/v1/directory");
    ASSERT_EQ(response.status, 200) << response;
    const auto doc = response.json();
    EXPECT_TRUE(!doc.HasParseError() && doc.IsArray()) << response;
}

} // namespace
} // namespace confrere::testkit
