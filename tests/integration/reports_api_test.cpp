// Reports through the Mastodon API against the real binary: a member files one
// (POST /api/v1/reports), moderators handle the queue (/api/v1/admin/reports…), every bad input
// gets its JSON error, and the sanctions of our confrere_action parameter take effect.
#include "tests/integration/scenario.hpp"

namespace confrere::testkit {
namespace {

class ReportsApi : public IntegrationTest {
protected:
    void SetUp() override
    {
        IntegrationTest::SetUp();
        alice_ = std::make_unique<HttpClient>(member("alice"));
        bob_ = std::make_unique<HttpClient>(member("bob"));
        alice_id_ = account_id_of(*alice_);
        bob_id_ = account_id_of(*bob_);
    }

    static std::string post(HttpClient& client, const std::string& text, const std::string& visibility = "public")
    {
        auto r = client.post_form("/api/v1/statuses", { { "status", text }, { "visibility", visibility } });
        EXPECT_EQ(r.status, 200) << r;
        auto doc = r.json();
        return json_string(doc, "/id");
    }

    // Alice reports Bob with `status_id` (if any); returns the report's id.
    std::string file(const std::string& status_id = {})
    {
        FormFields fields { { "account_id", bob_id_ }, { "category", "violation" },
            { "comment", "Nom commercial dans un échange interprofessionnel" } };
        if (!status_id.empty())
            fields.push_back({ "status_ids[]", status_id });
        auto r = alice_->post_form("/api/v1/reports", fields);
        EXPECT_EQ(r.status, 200) << r;
        auto doc = r.json();
        return json_string(doc, "/id");
    }

    static std::string path(const std::string& id, const std::string& verb = {})
    {
        return "/api/v1/admin/reports/" + id + (verb.empty() ? "" : "/" + verb);
    }

    std::unique_ptr<HttpClient> alice_, bob_;
    std::string alice_id_, bob_id_;
};

TEST_F(ReportsApi, AMemberFilesAReportAndReadsTheReportEntity)
{
    const auto status_id = post(*bob_, "Prenez du Doliprane");
    auto r = alice_->post_form("/api/v1/reports",
        { { "account_id", bob_id_ }, { "status_ids[]", status_id }, { "category", "violation" },
            { "comment", "Nom commercial" }, { "rule_ids[]", "1" }, { "forward", "true" } });
    ASSERT_EQ(r.status, 200) << r;
    auto doc = r.json();
    EXPECT_FALSE(json_string(doc, "/id").empty()) << r;
    EXPECT_EQ(json_string(doc, "/category"), "violation") << r;
    EXPECT_EQ(json_string(doc, "/comment"), "Nom commercial") << r;
    EXPECT_EQ(json_string(doc, "/target_account/id"), bob_id_) << r;
    EXPECT_EQ(json_string(doc, "/status_ids/0"), status_id) << r;
    const auto* taken = json_at(doc, "/action_taken");
    ASSERT_TRUE(taken != nullptr && taken->IsBool()) << r;
    EXPECT_FALSE(taken->GetBool());
    const auto* forwarded = json_at(doc, "/forwarded");
    ASSERT_TRUE(forwarded != nullptr && forwarded->IsBool()) << r;
    EXPECT_FALSE(forwarded->GetBool()) << "Flags are not forwarded yet";
}

TEST_F(ReportsApi, AJsonBodyWithArraysIsAcceptedAsMastodonClientsSendIt)
{
    const auto status_id = post(*bob_, "Publicité pour mon cabinet");
    auto r = alice_->post_json("/api/v1/reports",
        R"({"account_id":")" + bob_id_ + R"(","status_ids":[")" + status_id
            + R"("],"category":"spam","rule_ids":[],"forward":false})");
    ASSERT_EQ(r.status, 200) << r;
    auto doc = r.json();
    EXPECT_EQ(json_string(doc, "/category"), "spam") << r;
    EXPECT_EQ(json_string(doc, "/status_ids/0"), status_id) << r;
}

TEST_F(ReportsApi, EveryBadInputGetsItsJsonError)
{
    const auto bobs = post(*bob_, "Message de Bob");
    auto carol = member("carol");
    const auto carols = post(carol, "Message de Carol");
    const auto secret = post(carol, "@bob seulement pour toi", "direct");
    auto report = [&](FormFields fields) { return alice_->post_form("/api/v1/reports", fields); };

    auto missing = report({ { "comment", "x" } });
    EXPECT_TRUE(is_json_error(missing, 422)) << missing;
    EXPECT_EQ(field_error(missing, "account_id").empty(), false) << missing;
    EXPECT_TRUE(is_json_error(report({ { "account_id", "999999999" } }), 404));
    EXPECT_TRUE(is_json_error(report({ { "account_id", "abc" } }), 404));
    EXPECT_TRUE(is_json_error(report({ { "account_id", alice_id_ } }), 422)) << "not oneself";
    EXPECT_TRUE(is_json_error(report({ { "account_id", bob_id_ }, { "category", "gossip" } }), 422));
    EXPECT_TRUE(is_json_error(report({ { "account_id", bob_id_ }, { "comment", std::string(1001, 'a') } }), 422));
    EXPECT_TRUE(report({ { "account_id", bob_id_ }, { "comment", std::string(1000, 'a') } }).status == 200);
    auto foreign = report({ { "account_id", bob_id_ }, { "status_ids[]", carols } });
    EXPECT_TRUE(is_json_error(foreign, 422)) << foreign;
    EXPECT_FALSE(field_error(foreign, "status_ids").empty()) << foreign;
    EXPECT_TRUE(is_json_error(report({ { "account_id", account_id_of(carol) }, { "status_ids[]", secret } }), 404))
        << "a direct post Alice cannot read is not found";
    FormFields many { { "account_id", bob_id_ } };
    for (int i = 0; i < 21; ++i)
        many.push_back({ "status_ids[]", bobs });
    EXPECT_TRUE(is_json_error(report(many), 422));
    EXPECT_TRUE(is_json_error(instance_.client().post_form("/api/v1/reports", { { "account_id", bob_id_ } }), 401));
}

TEST_F(ReportsApi, OAuthTokensNeedTheReportScopes)
{
    HttpClient reader = instance_.client();
    reader.set_bearer(oauth_token("alice", "read"));
    EXPECT_TRUE(is_json_error(reader.post_form("/api/v1/reports", { { "account_id", bob_id_ } }), 403));
    HttpClient reporter = instance_.client();
    reporter.set_bearer(oauth_token("alice", "write:reports"));
    auto filed = reporter.post_form("/api/v1/reports", { { "account_id", bob_id_ } });
    ASSERT_EQ(filed.status, 200) << filed;
    const auto id = json_string(filed.json(), "/id");

    moderator(); // creates "moderatrice"
    HttpClient plain = instance_.client();
    plain.set_bearer(oauth_token("moderatrice", "read write"));
    EXPECT_TRUE(is_json_error(plain.get("/api/v1/admin/reports"), 403)) << "read does not cover admin:read";
    HttpClient viewer = instance_.client();
    viewer.set_bearer(oauth_token("moderatrice", "admin:read:reports"));
    EXPECT_EQ(ids_of(viewer.get("/api/v1/admin/reports")), std::vector<std::string> { id });
    EXPECT_TRUE(is_json_error(viewer.post_form(path(id, "resolve"), {}), 403));
    HttpClient decider = instance_.client();
    decider.set_bearer(oauth_token("moderatrice", "admin:write:reports"));
    EXPECT_EQ(decider.post_form(path(id, "resolve"), {}).status, 200);
}

TEST_F(ReportsApi, MembersAreRefusedTheAdminApi)
{
    const auto id = file();
    for (HttpClient* who : { alice_.get(), bob_.get() }) {
        EXPECT_TRUE(is_json_error(who->get("/api/v1/admin/reports"), 403));
        EXPECT_TRUE(is_json_error(who->get(path(id)), 403));
        EXPECT_TRUE(is_json_error(who->post_form(path(id, "resolve"), { { "confrere_action", "suspend" } }), 403));
        EXPECT_TRUE(is_json_error(who->post_form(path(id, "assign_to_self"), {}), 403));
    }
    EXPECT_EQ(account_id_of(*bob_), bob_id_) << "Bob is still active";
}

TEST_F(ReportsApi, AModeratorListsResolvesAndReopens)
{
    const auto status_id = post(*bob_, "Secret pour Alice @alice", "direct");
    const auto id = file(status_id);
    auto mod = moderator();
    const auto mod_id = account_id_of(mod);

    auto open = mod.get("/api/v1/admin/reports");
    ASSERT_EQ(open.status, 200) << open;
    EXPECT_EQ(ids_of(open), std::vector<std::string> { id });
    auto doc = open.json();
    EXPECT_EQ(json_string(doc, "/0/account/id"), alice_id_) << open;
    EXPECT_EQ(json_string(doc, "/0/target_account/id"), bob_id_) << open;
    EXPECT_EQ(json_string(doc, "/0/statuses/0/id"), status_id) << open;
    EXPECT_NE(json_string(doc, "/0/statuses/0/content").find("Secret pour Alice"), std::string::npos)
        << "the moderator reads the reported post outside its audience: " << open;
    EXPECT_TRUE(is_json_error(mod.get("/api/v1/statuses/" + status_id), 404)) << "but only through the report";

    auto taken = mod.post_form(path(id, "assign_to_self"), {});
    ASSERT_EQ(taken.status, 200) << taken;
    EXPECT_EQ(json_string(taken.json(), "/assigned_account/id"), mod_id) << taken;
    auto is_null = [](const HttpResponse& r, const char* pointer) {
        auto d = r.json();
        const auto* v = json_at(d, pointer);
        return v != nullptr && v->IsNull();
    };
    auto is_true = [](const HttpResponse& r, const char* pointer) {
        auto d = r.json();
        const auto* v = json_at(d, pointer);
        return v != nullptr && v->IsBool() && v->GetBool();
    };
    auto released = mod.post_form(path(id, "unassign"), {});
    ASSERT_EQ(released.status, 200) << released;
    EXPECT_TRUE(is_null(released, "/assigned_account")) << released;

    EXPECT_TRUE(is_json_error(mod.post_form(path(id, "resolve"), { { "confrere_action", "ban" } }), 422));
    auto resolved = mod.post_form(path(id, "resolve"), {});
    ASSERT_EQ(resolved.status, 200) << resolved;
    EXPECT_TRUE(is_true(resolved, "/action_taken")) << resolved;
    EXPECT_EQ(json_string(resolved.json(), "/action_taken_by_account/id"), mod_id) << resolved;
    EXPECT_EQ(json_string(resolved.json(), "/confrere_action"), "none") << resolved;
    EXPECT_TRUE(is_json_error(mod.post_form(path(id, "resolve"), {}), 409));
    EXPECT_TRUE(ids_of(mod.get("/api/v1/admin/reports")).empty());
    EXPECT_EQ(ids_of(mod.get("/api/v1/admin/reports?resolved=true")), std::vector<std::string> { id });

    auto reopened = mod.post_form(path(id, "reopen"), {});
    ASSERT_EQ(reopened.status, 200) << reopened;
    EXPECT_FALSE(is_true(reopened, "/action_taken")) << reopened;
    EXPECT_TRUE(is_json_error(mod.post_form(path(id, "reopen"), {}), 409));
    EXPECT_EQ(ids_of(mod.get("/api/v1/admin/reports")), std::vector<std::string> { id });

    EXPECT_TRUE(is_json_error(mod.get(path("999999999")), 404));
    EXPECT_TRUE(is_json_error(mod.post_form(path("999999999", "resolve"), {}), 404));
}

TEST_F(ReportsApi, TheQueueFiltersAndPagesWithALinkHeader)
{
    auto carol = member("carol");
    const auto carol_id = account_id_of(carol);
    const auto first = file();
    auto other = carol.post_form("/api/v1/reports", { { "account_id", alice_id_ } });
    ASSERT_EQ(other.status, 200) << other;
    const auto second = json_string(other.json(), "/id");
    const auto third = file();
    auto mod = moderator();
    auto page = mod.get("/api/v1/admin/reports?limit=2");
    ASSERT_EQ(page.status, 200) << page;
    EXPECT_EQ(ids_of(page), (std::vector<std::string> { third, second }));
    EXPECT_NE(page.header("Link").find("max_id=" + second), std::string::npos) << page.header("Link");
    EXPECT_EQ(ids_of(mod.get("/api/v1/admin/reports?max_id=" + second)), std::vector<std::string> { first });
    EXPECT_EQ(ids_of(mod.get("/api/v1/admin/reports?target_account_id=" + alice_id_)), std::vector<std::string> { second });
    EXPECT_EQ(ids_of(mod.get("/api/v1/admin/reports?account_id=" + carol_id)), std::vector<std::string> { second });
    EXPECT_TRUE(is_json_error(mod.get("/api/v1/admin/reports?account_id=abc"), 422));
}

TEST_F(ReportsApi, RemovingTheReportedPostsTakesEffect)
{
    const auto status_id = post(*bob_, "Mme D., née le 3 mai 1950, son traitement…");
    const auto id = file(status_id);
    ASSERT_EQ(alice_->get("/api/v1/statuses/" + status_id).status, 200);
    auto mod = moderator();
    auto resolved = mod.post_form(path(id, "resolve"), { { "confrere_action", "remove_statuses" } });
    ASSERT_EQ(resolved.status, 200) << resolved;
    EXPECT_EQ(json_string(resolved.json(), "/confrere_action"), "statuses_removed") << resolved;
    EXPECT_TRUE(is_json_error(alice_->get("/api/v1/statuses/" + status_id), 404));
    EXPECT_TRUE(is_json_error(bob_->get("/api/v1/statuses/" + status_id), 404));
    EXPECT_EQ(account_id_of(*bob_), bob_id_) << "the account itself stays active";
}

TEST_F(ReportsApi, SuspendingTheReportedAccountTakesEffect)
{
    const auto id = file();
    auto mod = moderator();
    auto resolved = mod.post_form(path(id, "resolve"), { { "confrere_action", "suspend" } });
    ASSERT_EQ(resolved.status, 200) << resolved;
    EXPECT_EQ(json_string(resolved.json(), "/confrere_action"), "account_suspended") << resolved;
    auto doc = resolved.json();
    const auto* suspended = json_at(doc, "/target_account/suspended");
    EXPECT_TRUE(suspended != nullptr && suspended->IsBool() && suspended->GetBool()) << resolved;
    auto me = bob_->get("/api/v1/accounts/verify_credentials");
    EXPECT_TRUE(me.status == 401 || me.status == 403) << me;
    EXPECT_EQ(json_string(admin_account(bob_id_).json(), "/confrere/state"), "suspended");
}

} // namespace
} // namespace confrere::testkit
