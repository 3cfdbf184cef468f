// Reports in the web UI against the real binary: a member reports a post from its page (form,
// errors next to their fields, confirmation), CSRF on every form, and the moderators' page
// /moderation/reports with its decisions taking effect.
#include "tests/integration/web_kit.hpp"

#include <regex>

namespace confrere::testkit {
namespace {

class WebUiReports : public IntegrationTest {
protected:
    void SetUp() override
    {
        IntegrationTest::SetUp();
        alice_ = std::make_unique<HttpClient>(web_account("alice", "member"));
        bob_ = std::make_unique<HttpClient>(web_account("bob", "member"));
    }

    HttpClient web_account(const std::string& username, const std::string& role)
    {
        create_account(username, role, true);
        auto client = instance_.client();
        auto r = web_sign_in(client, username);
        EXPECT_EQ(r.status, 303) << r;
        return client;
    }

    // Bob posts from /home; returns the new status's id.
    std::string bob_posts(const std::string& text)
    {
        auto home = bob_->get("/home");
        auto r = bob_->post_form("/statuses", { { "csrf", csrf_of(home) }, { "status", text }, { "audience", "instance" } });
        EXPECT_EQ(r.status, 303) << r;
        std::string location = r.header("Location");
        return location.substr(location.rfind('/') + 1);
    }

    // Alice reports Bob's post through the form; returns the answer.
    HttpResponse alice_reports(const std::string& status_id, FormFields changes = {})
    {
        auto form = alice_->get("/report?status=" + status_id);
        EXPECT_EQ(form.status, 200) << form;
        std::smatch m;
        std::regex account(R"re(name="account" value="([^"]+)")re");
        std::string ref = std::regex_search(form.body, m, account) ? m[1].str() : "";
        FormFields fields { { "csrf", csrf_of(form) }, { "account", ref }, { "status_ids[]", status_id },
            { "category", "violation" }, { "comment", "Patiente identifiable" } };
        for (auto& [name, value] : changes)
            for (auto& field : fields)
                if (field.first == name)
                    field.second = value;
        return alice_->post_form("/report", fields);
    }

    std::unique_ptr<HttpClient> alice_, bob_;
};

TEST_F(WebUiReports, AMemberReportsAPostFromItsPageAndReadsTheConfirmation)
{
    const auto id = bob_posts("Mme Durand, 3 rue des Lilas, sort de l'hôpital");
    auto thread = alice_->get("/statuses/" + id);
    ASSERT_EQ(thread.status, 200) << thread;
    EXPECT_TRUE(contains(thread.body, "href=\"/report?status=" + id + "\"")) << "a Signaler link on the post";
    auto form = alice_->get("/report?status=" + id);
    ASSERT_EQ(form.status, 200) << form;
    EXPECT_TRUE(contains(form.body, "Signaler un compte"));
    EXPECT_TRUE(contains(form.body, "value=\"" + id + "\" checked")) << "the post is preselected";
    EXPECT_TRUE(contains(form.body, "sort de l&#39;hôpital") || contains(form.body, "sort de l'hôpital"));
    auto sent = alice_reports(id);
    ASSERT_EQ(sent.status, 303) << sent;
    EXPECT_EQ(sent.header("Location"), "/report/sent");
    auto confirmation = alice_->get("/report/sent");
    ASSERT_EQ(confirmation.status, 200);
    EXPECT_TRUE(contains(confirmation.body, "transmis aux modérateurs")) << confirmation.body;

    auto own = bob_->get("/statuses/" + id);
    EXPECT_FALSE(contains(own.body, "/report?status=" + id)) << "no Signaler link on one's own post";
    auto profile = alice_->get("/@bob");
    ASSERT_EQ(profile.status, 200);
    EXPECT_TRUE(contains(profile.body, "href=\"/report?account=local:")) << "a Signaler link on profiles";
}

TEST_F(WebUiReports, ErrorsAreShownNextToTheirFieldsWithWhatWasTyped)
{
    const auto id = bob_posts("Essayez le Doliprane");
    auto long_comment = alice_reports(id, { { "comment", std::string(1001, 'x') } });
    EXPECT_EQ(long_comment.status, 422) << long_comment;
    EXPECT_TRUE(contains(long_comment.body, "id=\"comment-error\"")) << long_comment.body;
    EXPECT_TRUE(contains(long_comment.body, std::string(1001, 'x'))) << "the comment is kept";
    EXPECT_TRUE(contains(long_comment.body, "trop long"));
    auto no_category = alice_reports(id, { { "category", "rumeur" } });
    EXPECT_EQ(no_category.status, 422) << no_category;
    EXPECT_TRUE(contains(no_category.body, "id=\"category-error\"")) << no_category.body;
    EXPECT_TRUE(contains(no_category.body, "Patiente identifiable")) << "the comment is kept";
    auto self = alice_->get("/report?account=local:" + account_id_of(*alice_));
    EXPECT_EQ(self.status, 422) << "no report of oneself";
    auto mod = moderator();
    EXPECT_TRUE(ids_of(mod.get("/api/v1/admin/reports")).empty()) << "nothing written";
}

TEST_F(WebUiReports, AFormWithoutItsCsrfTokenWritesNothing)
{
    const auto id = bob_posts("Bonjour");
    auto refused = alice_reports(id, { { "csrf", "forged" } });
    EXPECT_EQ(refused.status, 403) << refused;
    auto mod = moderator();
    EXPECT_TRUE(ids_of(mod.get("/api/v1/admin/reports")).empty());
}

TEST_F(WebUiReports, MembersCannotOpenTheModeratorsPage)
{
    EXPECT_EQ(alice_->get("/moderation/reports").status, 403);
    auto home = alice_->get("/home");
    EXPECT_FALSE(contains(home.body, "href=\"/moderation/reports\""));
}

TEST_F(WebUiReports, AModeratorRemovesTheReportedPostsThenReopensTheReport)
{
    const auto id = bob_posts("Mme Durand, 3 rue des Lilas");
    ASSERT_EQ(alice_reports(id).status, 303);
    auto mod = web_account("marie", "moderator");
    auto queue = mod.get("/moderation/reports");
    ASSERT_EQ(queue.status, 200) << queue;
    EXPECT_TRUE(contains(queue.body, "href=\"/moderation/reports\"")) << "linked from the navigation";
    EXPECT_TRUE(contains(queue.body, "@alice")) << "the reporter";
    EXPECT_TRUE(contains(queue.body, "@bob")) << "the target";
    EXPECT_TRUE(contains(queue.body, "Patiente identifiable"));
    EXPECT_TRUE(contains(queue.body, "3 rue des Lilas")) << "the reported post's content";
    std::smatch m;
    ASSERT_TRUE(std::regex_search(queue.body, m, std::regex(R"re(/moderation/reports/(\d+)/resolve)re")));
    const std::string report = m[1].str();
    auto refused = mod.post_form("/moderation/reports/" + report + "/resolve", { { "action", "remove_statuses" } });
    EXPECT_EQ(refused.status, 403) << "no CSRF token, no decision";
    EXPECT_EQ(alice_->get("/statuses/" + id).status, 200);

    auto removed = mod.post_form("/moderation/reports/" + report + "/resolve",
        { { "csrf", csrf_of(queue) }, { "action", "remove_statuses" } });
    ASSERT_EQ(removed.status, 200) << removed;
    EXPECT_TRUE(contains(removed.body, "les messages sont retirés"));
    EXPECT_EQ(alice_->get("/statuses/" + id).status, 404);
    auto resolved = mod.get("/moderation/reports?resolved=1");
    EXPECT_TRUE(contains(resolved.body, "Messages retirés"));
    auto reopened = mod.post_form("/moderation/reports/" + report + "/reopen", { { "csrf", csrf_of(queue) } });
    ASSERT_EQ(reopened.status, 200) << reopened;
    EXPECT_TRUE(contains(reopened.body, "Signalement rouvert"));
    EXPECT_TRUE(contains(mod.get("/moderation/reports").body, "/moderation/reports/" + report + "/resolve"));
}

TEST_F(WebUiReports, AModeratorSuspendsTheReportedAccount)
{
    const auto id = bob_posts("Publicité : mon cabinet ouvre");
    ASSERT_EQ(alice_reports(id, { { "category", "spam" } }).status, 303);
    auto mod = web_account("marie", "moderator");
    auto queue = mod.get("/moderation/reports");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(queue.body, m, std::regex(R"re(/moderation/reports/(\d+)/resolve)re")));
    auto suspended = mod.post_form("/moderation/reports/" + m[1].str() + "/resolve",
        { { "csrf", csrf_of(queue) }, { "action", "suspend" } });
    ASSERT_EQ(suspended.status, 200) << suspended;
    EXPECT_TRUE(contains(suspended.body, "le compte est suspendu"));
    EXPECT_NE(bob_->get("/home").status, 200) << "Bob's session ended";
}

} // namespace
} // namespace confrere::testkit
