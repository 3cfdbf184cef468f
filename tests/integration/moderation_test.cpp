// The validation queue: moderators approve or reject applicants through Mastodon's admin API
// (cookie + CSRF, or a bearer token) and through the CLI; everyone else is refused.
#include "tests/integration/scenario.hpp"

namespace confrere::testkit {
namespace {

class Moderation : public IntegrationTest {
protected:
    std::string register_elodie()
    {
        return register_pending(applicant_for("elodie", pharmacist_elodie()));
    }

    std::string state_of(const std::string& id)
    {
        return json_string(admin_account(id).json(), "/confrere/state");
    }

    static std::string approve_path(const std::string& id)
    {
        return "/api/v1/admin/accounts/" + id + "/approve";
    }
    static std::string reject_path(const std::string& id)
    {
        return "/api/v1/admin/accounts/" + id + "/reject";
    }
};

TEST_F(Moderation, ApprovedApplicantSignsInAndVerifiesCredentials)
{
    const auto id = register_elodie();
    ASSERT_FALSE(id.empty());
    const auto approved = moderator().post_form(approve_path(id), {});
    ASSERT_EQ(approved.status, 200) << approved;
    const auto admin = approved.json();
    EXPECT_EQ(json_string(admin, "/id"), id) << approved;
    EXPECT_EQ(json_string(admin, "/confrere/state"), "active") << approved;
    const auto* flag = json_at(admin, "/approved");
    ASSERT_TRUE(flag != nullptr && flag->IsBool()) << approved;
    EXPECT_TRUE(flag->GetBool());

    auto elodie = instance_.client();
    const auto signed_in = elodie.sign_in("elodie", fixture_password);
    ASSERT_EQ(signed_in.status, 200) << signed_in;
    EXPECT_EQ(json_string(signed_in.json(), "/state"), "active") << signed_in;

    const auto me = elodie.get("/api/v1/accounts/verify_credentials");
    ASSERT_EQ(me.status, 200) << me;
    const auto account = me.json();
    EXPECT_EQ(json_string(account, "/id"), id) << me;
    EXPECT_EQ(json_string(account, "/username"), "elodie") << me;
    EXPECT_EQ(json_string(account, "/acct"), "elodie") << me;
    const auto* source = json_at(account, "/source");
    EXPECT_TRUE(source != nullptr && source->IsObject()) << "CredentialAccount has source: " << me;
}

TEST_F(Moderation, ApplicantSignsInWithTheirEmailToo)
{
    const auto id = register_elodie();
    ASSERT_FALSE(id.empty());
    ASSERT_EQ(moderator().post_form(approve_path(id), {}).status, 200);
    auto elodie = instance_.client();
    const auto response = elodie.sign_in("elodie@example.test", fixture_password);
    EXPECT_EQ(response.status, 200) << response;
}

TEST_F(Moderation, RejectedApplicantCannotSignIn)
{
    const auto id = register_elodie();
    ASSERT_FALSE(id.empty());
    const auto rejected =
        moderator().post_form(reject_path(id), {{"reason", "Numéro RPPS introuvable"}});
    ASSERT_EQ(rejected.status, 200) << rejected;
    EXPECT_EQ(json_string(rejected.json(), "/confrere/state"), "rejected") << rejected;
    EXPECT_EQ(json_string(rejected.json(), "/confrere/moderation_reason"),
              "Numéro RPPS introuvable") << rejected;

    auto elodie = instance_.client();
    const auto response = elodie.sign_in("elodie", fixture_password);
    EXPECT_TRUE(is_json_error(response, 403));
    EXPECT_TRUE(elodie.session_token().empty());
}

TEST_F(Moderation, ApprovingAnAccountThatIsNoLongerPendingIsAConflict)
{
    const auto id = register_elodie();
    ASSERT_FALSE(id.empty());
    auto mod = moderator();
    ASSERT_EQ(mod.post_form(approve_path(id), {}).status, 200);
    EXPECT_TRUE(is_json_error(mod.post_form(approve_path(id), {}), 409));
    EXPECT_TRUE(is_json_error(mod.post_form(reject_path(id), {}), 409));
    EXPECT_EQ(state_of(id), "active");
}

TEST_F(Moderation, RejectingARejectedAccountIsAConflict)
{
    const auto id = register_elodie();
    ASSERT_FALSE(id.empty());
    auto mod = moderator();
    ASSERT_EQ(mod.post_form(reject_path(id), {}).status, 200);
    EXPECT_TRUE(is_json_error(mod.post_form(reject_path(id), {}), 409));
    EXPECT_TRUE(is_json_error(mod.post_form(approve_path(id), {}), 409));
}

TEST_F(Moderation, ApprovingAnUnknownAccountIsNotFound)
{
    EXPECT_TRUE(is_json_error(moderator().post_form(approve_path("999999999"), {}), 404));
}

TEST_F(Moderation, MemberCallingTheAdminApiIsForbidden)
{
    const auto id = register_elodie();
    ASSERT_FALSE(id.empty());
    auto membre = member();
    EXPECT_TRUE(is_json_error(membre.get("/api/v1/admin/accounts?pending=true"), 403));
    EXPECT_TRUE(is_json_error(membre.get("/api/v1/admin/accounts/" + id), 403));
    EXPECT_TRUE(is_json_error(membre.post_form(approve_path(id), {}), 403));
    EXPECT_EQ(state_of(id), "pending");
}

TEST_F(Moderation, AnonymousVisitorCallingTheAdminApiIsUnauthorized)
{
    const auto id = register_elodie();
    ASSERT_FALSE(id.empty());
    auto anonymous = instance_.client();
    EXPECT_TRUE(is_json_error(anonymous.get("/api/v1/admin/accounts?pending=true"), 401));
    EXPECT_TRUE(is_json_error(anonymous.post_form(approve_path(id), {}), 401));
    EXPECT_EQ(state_of(id), "pending");
}

TEST_F(Moderation, ApprovalWithoutCsrfTokenIsForbiddenAndChangesNothing)
{
    const auto id = register_elodie();
    ASSERT_FALSE(id.empty());
    auto mod = moderator();
    mod.set_csrf_header(CsrfHeader::Omit);
    EXPECT_TRUE(is_json_error(mod.post_form(approve_path(id), {}), 403));
    EXPECT_EQ(state_of(id), "pending");
}

TEST_F(Moderation, ApprovalWithAnotherSessionsCsrfTokenIsForbidden)
{
    const auto id = register_elodie();
    ASSERT_FALSE(id.empty());
    auto mod = moderator();
    const auto other_token = moderator().csrf_token();  // a second session of the same person
    ASSERT_NE(other_token, mod.csrf_token());
    EXPECT_TRUE(is_json_error(
        mod.post_form(approve_path(id), {}, {{"X-CSRF-Token", other_token}}), 403));
    EXPECT_TRUE(is_json_error(
        mod.post_form(approve_path(id), {}, {{"X-CSRF-Token", "forged"}}), 403));
    EXPECT_EQ(state_of(id), "pending");
}

TEST_F(Moderation, BearerTokenNeedsNoCsrfToken)
{
    const auto id = register_elodie();
    ASSERT_FALSE(id.empty());
    const auto token = moderator().session_token();
    ASSERT_FALSE(token.empty());
    auto app = instance_.client();  // no cookie, no CSRF token: a Mastodon app
    app.set_bearer(token);
    const auto response = app.post_form(approve_path(id), {});
    EXPECT_EQ(response.status, 200) << response;
    EXPECT_EQ(state_of(id), "active");
}

TEST_F(Moderation, CliListsThePendingQueueAndApproves)
{
    ASSERT_FALSE(register_elodie().empty());
    const auto queue = instance_.admin("pending");
    ASSERT_EQ(queue.exit_code, 0) << queue;
    EXPECT_NE(queue.out.find("elodie"), std::string::npos) << queue;

    const auto approved = instance_.admin("approve", "elodie");
    ASSERT_EQ(approved.exit_code, 0) << approved;
    auto elodie = instance_.client();
    const auto response = elodie.sign_in("elodie", fixture_password);
    EXPECT_EQ(json_string(response.json(), "/state"), "active") << response;
    EXPECT_EQ(instance_.admin("pending").out.find("elodie"), std::string::npos);
}

TEST_F(Moderation, CliRejectionKeepsTheReasonForModerators)
{
    const auto id = register_elodie();
    ASSERT_FALSE(id.empty());
    const auto rejected = instance_.admin("reject", "elodie", "--reason", "Pas de justificatif");
    ASSERT_EQ(rejected.exit_code, 0) << rejected;
    const auto admin = admin_account(id);
    EXPECT_EQ(json_string(admin.json(), "/confrere/state"), "rejected") << admin;
    EXPECT_EQ(json_string(admin.json(), "/confrere/moderation_reason"), "Pas de justificatif")
        << admin;
    EXPECT_TRUE(is_json_error(instance_.client().sign_in("elodie", fixture_password), 403));
}

TEST_F(Moderation, CliApprovalOfAnUnknownUsernameFails)
{
    const auto result = instance_.admin("approve", "personne");
    EXPECT_NE(result.exit_code, 0) << result;
}

TEST_F(Moderation, SuspendedMemberCannotSignIn)
{
    create_account("membre", "member", true);
    const auto suspended = instance_.admin("suspend", "membre", "--reason", "Hors charte");
    ASSERT_EQ(suspended.exit_code, 0) << suspended;
    EXPECT_TRUE(is_json_error(instance_.client().sign_in("membre", fixture_password), 403));
}

TEST_F(Moderation, SuspensionEndsTheSessionsAlreadyOpen)
{
    auto membre = member();
    ASSERT_EQ(membre.get("/api/v1/accounts/verify_credentials").status, 200);
    ASSERT_EQ(instance_.admin("suspend", "membre").exit_code, 0);
    const auto response = membre.get("/api/v1/accounts/verify_credentials");
    EXPECT_TRUE(response.status == 401 || response.status == 403) << response;
}

} // namespace
} // namespace confrere::testkit
