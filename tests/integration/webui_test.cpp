// The web UI against the real binary: the headers every page carries, CSRF on every form
// (before and after sign-in), escaping, language negotiation, page size, registration errors
// next to their fields, the pending member's single page, the moderation queue and threads.
#include "tests/integration/scenario.hpp"

#include <regex>

namespace confrere::testkit {
namespace {

constexpr const char* kCsp = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
                             "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

bool contains(const std::string& body, std::string_view text)
{
    return body.find(text) != std::string::npos;
}

class WebUi : public IntegrationTest {
protected:
    // Signs in through the login page, as a browser does: the page first (pre-session cookie
    // and token), then the form.
    HttpResponse web_sign_in(
        HttpClient& client, const std::string& login, const std::string& password = fixture_password)
    {
        auto form = client.get("/login");
        EXPECT_EQ(form.status, 200) << form;
        return client.post_form(
            "/login", { { "csrf", csrf_of(form) }, { "login", login }, { "password", password } });
    }

    HttpClient web_member(const std::string& username)
    {
        create_account(username, "member", true);
        auto client = instance_.client();
        auto r = web_sign_in(client, username);
        EXPECT_EQ(r.status, 303) << r;
        return client;
    }

    // Posts from the compose form of /home; returns the answer (303 to the thread when posted).
    HttpResponse web_post(HttpClient& client, const std::string& text, const std::string& in_reply_to = {},
        const std::string& audience = "instance")
    {
        auto home = client.get("/home");
        EXPECT_EQ(home.status, 200) << home;
        FormFields fields { { "csrf", csrf_of(home) }, { "status", text }, { "audience", audience } };
        if (!in_reply_to.empty())
            fields.emplace_back("in_reply_to", in_reply_to);
        return client.post_form("/statuses", fields);
    }

    FormFields registration_form(const std::string& csrf, const Applicant& a)
    {
        FormFields fields = a.form();
        fields.emplace_back("csrf", csrf);
        return fields;
    }
};

TEST_F(WebUi, EveryPageCarriesTheStrictContentSecurityPolicy)
{
    auto client = instance_.client();
    for (std::string path : { "/login", "/register" }) {
        auto page = client.get(path);
        ASSERT_EQ(page.status, 200) << path << " " << page;
        EXPECT_EQ(page.header("Content-Security-Policy"), kCsp) << path;
        EXPECT_EQ(page.header("X-Frame-Options"), "DENY") << path;
        EXPECT_EQ(page.header("Content-Type"), "text/html; charset=utf-8") << path;
        EXPECT_TRUE(contains(page.body, "<html lang=\"fr\">")) << path;
        EXPECT_TRUE(contains(page.body, "href=\"#main\"")) << "skip link on " << path;
        EXPECT_FALSE(contains(page.body, "http://") || contains(page.body, "https://"))
            << "no external resource on " << path;
    }
    auto refused = client.post_form("/login", { { "login", "x" }, { "password", "y" } });
    EXPECT_EQ(refused.header("Content-Security-Policy"), kCsp) << "error pages too";
}

TEST_F(WebUi, FirstPageWithItsAssetsIsUnder100KB)
{
    auto client = instance_.client();
    auto page = client.get("/login");
    ASSERT_EQ(page.status, 200);
    std::size_t total = page.body.size();
    std::smatch m;
    for (std::regex asset(R"re((?:href|src)="(/static/[^"]+)")re"); std::regex_search(page.body, m, asset);) {
        auto file = client.get(m[1].str());
        EXPECT_EQ(file.status, 200) << m[1].str();
        EXPECT_EQ(file.header("Cache-Control"), "public, max-age=31536000, immutable");
        total += file.body.size();
        page.body = m.suffix();
    }
    EXPECT_LT(total, 100u * 1024) << "bytes: " << total;
}

TEST_F(WebUi, HomePageOfFortyPostsStaysUnder100KB)
{
    auto client = web_member("membre");
    for (int i = 0; i < 41; ++i)
        ASSERT_EQ(
            web_post(client, "Compte-rendu de la réunion de coordination n° " + std::to_string(i)).status,
            303);
    auto home = client.get("/home?limit=40");
    ASSERT_EQ(home.status, 200);
    std::size_t shown = 0;
    for (auto at = home.body.find("<article class=\"status"); at != std::string::npos;
         at = home.body.find("<article class=\"status", at + 1))
        ++shown;
    EXPECT_EQ(shown, 40u);
    EXPECT_TRUE(contains(home.body, "href=\"/home?max_id=")) << "a link to the older posts";
    EXPECT_LT(home.body.size(), 100u * 1024) << "bytes: " << home.body.size();
}

TEST_F(WebUi, StaticAssetAnswers304ToItsEtagAnd404ToUnknownFiles)
{
    auto client = instance_.client();
    auto css = client.get("/static/app.css");
    ASSERT_EQ(css.status, 200);
    EXPECT_EQ(css.header("Content-Type"), "text/css; charset=utf-8");
    auto again = client.get("/static/app.css", { { "If-None-Match", css.header("ETag") } });
    EXPECT_EQ(again.status, 304);
    EXPECT_EQ(client.get("/static/nothing.css").status, 404);
}

TEST_F(WebUi, LoginFormWithoutItsCsrfTokenIsRefusedWithATranslatedPage)
{
    create_account("membre", "member", true);
    auto client = instance_.client();
    client.get("/login"); // the pre-session cookie, but no token in the form
    auto refused = client.post_form("/login", { { "login", "membre" }, { "password", fixture_password } });
    EXPECT_EQ(refused.status, 403) << refused;
    EXPECT_TRUE(contains(refused.body, "Ce formulaire a expiré")) << refused.body;
    EXPECT_TRUE(client.session_token().empty());

    auto english = instance_.client();
    english.get("/login");
    auto refused_en = english.post_form("/login", { { "login", "membre" }, { "password", fixture_password } },
        { { "Accept-Language", "en" } });
    EXPECT_EQ(refused_en.status, 403);
    EXPECT_TRUE(contains(refused_en.body, "This form has expired")) << refused_en.body;
}

TEST_F(WebUi, LoginTokenOfAnotherVisitorIsRefused)
{
    create_account("membre", "member", true);
    auto attacker = instance_.client();
    std::string token = csrf_of(attacker.get("/login"));
    auto victim = instance_.client();
    victim.get("/login");
    auto refused = victim.post_form(
        "/login", { { "csrf", token }, { "login", "membre" }, { "password", fixture_password } });
    EXPECT_EQ(refused.status, 403) << refused;
    EXPECT_TRUE(victim.session_token().empty());
}

TEST_F(WebUi, SignInRedirectsHomeAndSignOutEndsTheSession)
{
    create_account("membre", "member", true);
    auto client = instance_.client();
    auto signed_in = web_sign_in(client, "membre");
    ASSERT_EQ(signed_in.status, 303) << signed_in;
    EXPECT_EQ(signed_in.header("Location"), "/home");
    auto home = client.get("/home");
    ASSERT_EQ(home.status, 200) << home;
    EXPECT_TRUE(contains(home.body, "<a href=\"/home\" aria-current=\"page\">Accueil</a>")) << home.body;
    EXPECT_FALSE(contains(home.body, "/admin/registrations")) << "no moderation link for a member";
    std::string token = client.session_token();
    auto out = client.post_form("/logout", { { "csrf", csrf_of(home) } });
    EXPECT_EQ(out.status, 303);
    EXPECT_EQ(out.header("Location"), "/login");
    auto stale = instance_.client();
    stale.set_cookie("confrere_session", token);
    EXPECT_EQ(stale.get("/home").status, 303) << "the old session cookie no longer opens /home";
}

TEST_F(WebUi, WrongPasswordShowsATranslatedErrorAndKeepsTheLogin)
{
    create_account("membre", "member", true);
    auto client = instance_.client();
    auto refused = web_sign_in(client, "membre", "pas-le-bon");
    EXPECT_EQ(refused.status, 401) << refused;
    EXPECT_TRUE(contains(refused.body, "Identifiant ou mot de passe incorrect.")) << refused.body;
    EXPECT_TRUE(contains(refused.body, "value=\"membre\""));
    EXPECT_FALSE(contains(refused.body, "pas-le-bon"));
}

TEST_F(WebUi, MemberFormWithoutTheSessionCsrfTokenIsRefusedAndPostsNothing)
{
    auto client = web_member("membre");
    auto refused = client.post_form("/statuses", { { "status", "Sans jeton" }, { "audience", "instance" } });
    EXPECT_EQ(refused.status, 403) << refused;
    auto wrong = client.post_form("/statuses", { { "csrf", "forged" }, { "status", "Faux jeton" } });
    EXPECT_EQ(wrong.status, 403) << wrong;
    auto local = client.get("/local");
    EXPECT_FALSE(contains(local.body, "Sans jeton") || contains(local.body, "Faux jeton"));
}

TEST_F(WebUi, PostWithMarkupIsShownEscaped)
{
    auto client = web_member("membre");
    auto posted = web_post(client, "<script>alert('x')</script> <b>gras</b>");
    ASSERT_EQ(posted.status, 303) << posted;
    auto local = client.get("/local");
    ASSERT_EQ(local.status, 200);
    EXPECT_TRUE(contains(local.body, "&lt;script&gt;alert(")) << local.body;
    EXPECT_FALSE(contains(local.body, "<script>alert"));
    EXPECT_FALSE(contains(local.body, "<b>gras"));
}

TEST_F(WebUi, LanguageComesFromTheAccountThenTheCookieThenAcceptLanguage)
{
    auto visitor = instance_.client();
    EXPECT_TRUE(contains(visitor.get("/login").body, "<html lang=\"fr\">")) << "French by default";
    auto english = visitor.get("/login", { { "Accept-Language", "en-GB,en;q=0.9,fr;q=0.5" } });
    EXPECT_TRUE(contains(english.body, "<html lang=\"en\">"));
    EXPECT_TRUE(contains(english.body, "Sign in"));

    // The switch sets a cookie, which wins over Accept-Language.
    auto page = visitor.get("/login");
    auto switched = visitor.post_form(
        "/language", { { "csrf", csrf_of(page) }, { "lang", "en" }, { "back", "/login" } });
    EXPECT_EQ(switched.status, 303);
    EXPECT_EQ(switched.header("Location"), "/login");
    EXPECT_TRUE(contains(visitor.get("/login", { { "Accept-Language", "fr" } }).body, "<html lang=\"en\">"));

    // A member's switch goes to the account, which wins over the cookie on any device.
    auto member = web_member("membre");
    auto home = member.get("/home");
    ASSERT_EQ(home.status, 200);
    ASSERT_EQ(
        member.post_form("/language", { { "csrf", csrf_of(home) }, { "lang", "en" }, { "back", "/home" } })
            .status,
        303);
    auto other_device = instance_.client();
    other_device.set_cookie("confrere_lang", "fr");
    ASSERT_EQ(web_sign_in(other_device, "membre").status, 303);
    EXPECT_TRUE(contains(other_device.get("/home").body, "<html lang=\"en\">"));
}

TEST_F(WebUi, LanguageSwitchNeverRedirectsOffSite)
{
    auto visitor = instance_.client();
    auto page = visitor.get("/login");
    auto r = visitor.post_form(
        "/language", { { "csrf", csrf_of(page) }, { "lang", "fr" }, { "back", "//evil.example/x" } });
    EXPECT_EQ(r.status, 303);
    EXPECT_EQ(r.header("Location"), "/");
}

TEST_F(WebUi, RegistrationErrorShowsTranslatedNextToItsFieldAndKeepsWhatWasTyped)
{
    auto client = instance_.client();
    auto form = client.get("/register");
    ASSERT_EQ(form.status, 200);
    Applicant a = applicant_for("lefevre", pharmacist_elodie());
    a.identifier.back() = a.identifier.back() == '0' ? '1' : '0'; // a typo: the Luhn key fails
    a.password = "Un-mot-de-passe-secret";
    auto refused = client.post_form("/register", registration_form(csrf_of(form), a));
    EXPECT_EQ(refused.status, 422) << refused;
    EXPECT_TRUE(contains(refused.body,
        "<p class=\"field-error\" id=\"identifier-error\">La clé de contrôle de ce numéro RPPS est fausse"))
        << refused.body;
    EXPECT_TRUE(contains(refused.body, "value=\"" + a.identifier + "\"")) << "the identifier is kept";
    EXPECT_TRUE(contains(refused.body, "value=\"lefevre\"")) << "the username is kept";
    EXPECT_FALSE(contains(refused.body, "Un-mot-de-passe-secret")) << "never the password";
    EXPECT_TRUE(contains(refused.body, "aria-invalid=\"true\""));
}

TEST_F(WebUi, RegistrationShowsEveryFieldInErrorAtOnce)
{
    auto client = instance_.client();
    auto form = client.get("/register");
    Applicant a = applicant_for("lefevre", pharmacist_elodie());
    a.email = "pas-une-adresse";
    a.agreement = "";
    auto refused = client.post_form("/register", registration_form(csrf_of(form), a));
    EXPECT_EQ(refused.status, 422) << refused;
    EXPECT_TRUE(contains(refused.body, "id=\"email-error\">Cette adresse e-mail n&#39;est pas valide."))
        << refused.body;
    EXPECT_TRUE(contains(refused.body, "id=\"agreement-error\">Vous devez accepter la charte."))
        << refused.body;
    EXPECT_FALSE(contains(refused.body, "id=\"username-error\""));
}

TEST_F(WebUi, RegistrationWithoutCsrfIsRefusedAndStoresNothing)
{
    auto client = instance_.client();
    client.get("/register");
    auto refused = client.post_form("/register", applicant_for("lefevre", pharmacist_elodie()).form());
    EXPECT_EQ(refused.status, 403) << refused;
    auto mod = moderator();
    auto list = mod.get("/api/v1/admin/accounts?pending=true");
    EXPECT_FALSE(contains(list.body, "lefevre")) << list;
}

TEST_F(WebUi, PendingMemberSeesOnlyTheStatusPageUntilApprovedInTheQueue)
{
    auto applicant = instance_.client();
    auto form = applicant.get("/register");
    auto registered = applicant.post_form(
        "/register", registration_form(csrf_of(form), applicant_for("lefevre", pharmacist_elodie())));
    ASSERT_EQ(registered.status, 303) << registered;
    EXPECT_EQ(registered.header("Location"), "/registration");
    auto status = applicant.get("/registration");
    EXPECT_EQ(status.status, 200);
    EXPECT_TRUE(contains(status.body, "en attente de validation"));
    for (std::string path :
        { "/home", "/local", "/notifications", "/search?q=a", "/settings", "/@lefevre" }) {
        auto r = applicant.get(path);
        EXPECT_EQ(r.status, 303) << path;
        EXPECT_EQ(r.header("Location"), "/registration") << path;
    }

    // A member may not open the queue; a moderator may, and approves.
    auto member = web_member("membre");
    EXPECT_EQ(member.get("/admin/registrations").status, 403);
    create_account("moderatrice", "moderator", true);
    auto mod = instance_.client();
    ASSERT_EQ(web_sign_in(mod, "moderatrice").status, 303);
    auto queue = mod.get("/admin/registrations");
    ASSERT_EQ(queue.status, 200) << queue;
    EXPECT_TRUE(contains(queue.body, "@lefevre"));
    EXPECT_TRUE(contains(queue.body, pharmacist_elodie().rpps)) << "the identifier, for moderators";
    std::smatch m;
    ASSERT_TRUE(
        std::regex_search(queue.body, m, std::regex(R"re(action="(/admin/registrations/\d+/approve)")re")));
    auto approve_without_token = mod.post_form(m[1].str(), {});
    EXPECT_EQ(approve_without_token.status, 403);
    auto approved = mod.post_form(m[1].str(), { { "csrf", csrf_of(queue) } });
    EXPECT_EQ(approved.status, 200) << approved;
    EXPECT_TRUE(contains(approved.body, "Demande validée"));

    EXPECT_EQ(applicant.get("/home").status, 200) << "the same session now opens the member pages";
}

TEST_F(WebUi, RejectionWithATooLongReasonShowsTheErrorNextToThatReasonAndKeepsIt)
{
    std::string id = register_pending(applicant_for("lefevre", pharmacist_elodie()));
    create_account("moderatrice", "moderator", true);
    auto mod = instance_.client();
    ASSERT_EQ(web_sign_in(mod, "moderatrice").status, 303);
    auto queue = mod.get("/admin/registrations");
    std::string path = "/admin/registrations/" + id + "/reject";
    std::string long_reason(2001, 'x');
    auto refused = mod.post_form(path, { { "csrf", csrf_of(queue) }, { "reason", long_reason } });
    EXPECT_EQ(refused.status, 422) << refused;
    EXPECT_TRUE(contains(refused.body, "id=\"reason" + id + "-error\">Le motif est trop long."))
        << refused.body;
    EXPECT_TRUE(contains(refused.body, "value=\"" + long_reason + "\""));
    auto rejected = mod.post_form(
        path, { { "csrf", csrf_of(queue) }, { "reason", "Identifiant d'un autre professionnel" } });
    EXPECT_EQ(rejected.status, 200) << rejected;
    EXPECT_TRUE(contains(rejected.body, "Demande refusée."));
    EXPECT_FALSE(contains(rejected.body, "@lefevre")) << "no longer pending";
}

TEST_F(WebUi, ReplyIsNestedUnderItsParentInTheThreadWithItsAudience)
{
    auto alice = web_member("alice");
    auto posted = web_post(alice, "Question sur un protocole");
    ASSERT_EQ(posted.status, 303) << posted;
    std::string parent = posted.header("Location").substr(std::string("/statuses/").size());
    auto bob = web_member("bob");
    auto replied = web_post(bob, "Voici ma réponse", parent);
    ASSERT_EQ(replied.status, 303) << replied;
    auto thread = bob.get("/statuses/" + parent);
    ASSERT_EQ(thread.status, 200) << thread;
    auto question = thread.body.find("Question sur un protocole");
    auto nested = thread.body.find("<ul class=\"replies\">", question);
    auto answer = thread.body.find("Voici ma réponse", question);
    ASSERT_NE(question, std::string::npos);
    ASSERT_NE(nested, std::string::npos) << thread.body;
    EXPECT_LT(nested, answer) << "the reply sits inside the parent's replies";
    EXPECT_TRUE(contains(thread.body, "audience audience-instance"));
}

TEST_F(WebUi, FavouriteIsAFormThatTogglesAndReturnsToThePage)
{
    auto alice = web_member("alice");
    ASSERT_EQ(web_post(alice, "À mettre en favori").status, 303);
    auto local = alice.get("/local");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(local.body, m, std::regex(R"re(action="(/statuses/\d+/favourite)")re")));
    auto liked = alice.post_form(m[1].str(), { { "csrf", csrf_of(local) }, { "back", "/local" } });
    EXPECT_EQ(liked.status, 303) << liked;
    EXPECT_EQ(liked.header("Location").rfind("/local#s", 0), 0u) << liked.header("Location");
    EXPECT_TRUE(contains(alice.get("/local").body, "aria-pressed=\"true\""));
}

TEST_F(WebUi, LockedMemberAcceptsAFollowRequestFromTheNotificationsPage)
{
    auto alice = web_member("alice");
    auto settings = alice.get("/settings");
    ASSERT_EQ(alice
                  .post_form("/settings/profile",
                      { { "csrf", csrf_of(settings) }, { "display_name", "Alice" }, { "note", "" },
                          { "locked", "1" } })
                  .status,
        200);
    auto bob = web_member("bob");
    auto profile = bob.get("/@alice");
    ASSERT_EQ(profile.status, 200) << profile;
    auto asked = bob.post_form("/@alice/follow", { { "csrf", csrf_of(profile) } });
    EXPECT_EQ(asked.status, 303) << asked;
    EXPECT_TRUE(contains(bob.get("/@alice").body, "Demande d&#39;abonnement envoyée.")) << "pending";

    auto notifications = alice.get("/notifications");
    ASSERT_EQ(notifications.status, 200);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(notifications.body, m, std::regex(R"re(name="ref" value="(local:\d+)")re")))
        << notifications.body;
    auto accepted = alice.post_form(
        "/follow_requests/accept", { { "csrf", csrf_of(notifications) }, { "ref", m[1].str() } });
    EXPECT_EQ(accepted.status, 303) << accepted;
    auto following = bob.get("/@alice");
    EXPECT_TRUE(contains(following.body, "action=\"/@alice/unfollow\"")) << "now following";
    EXPECT_TRUE(contains(following.body, "1 abonnés")) << following.body;
}

TEST_F(WebUi, AdminTrustsAndRemovesAPeerThatTheCliThenLists)
{
    create_account("admin", "admin", true);
    auto admin = instance_.client();
    ASSERT_EQ(web_sign_in(admin, "admin").status, 303);
    auto page = admin.get("/admin/peers");
    ASSERT_EQ(page.status, 200) << page;
    EXPECT_EQ(admin.post_form("/admin/peers/trust", { { "host", "soins.example" } }).status, 403)
        << "no token";
    auto added = admin.post_form(
        "/admin/peers/trust", { { "csrf", csrf_of(page) }, { "host", "Soins.Example" }, { "note", "IDE" } });
    EXPECT_EQ(added.status, 200) << added;
    EXPECT_TRUE(contains(added.body, "<td>soins.example</td>")) << added.body;
    auto listed = instance_.admin("peer", "list");
    EXPECT_NE(listed.out.find("soins.example"), std::string::npos) << listed;

    auto bad = admin.post_form(
        "/admin/peers/trust", { { "csrf", csrf_of(page) }, { "host", "https://x.example/path" } });
    EXPECT_EQ(bad.status, 400) << bad;
    EXPECT_TRUE(contains(bad.body, "id=\"host-error\">Indiquez le nom de domaine")) << bad.body;

    auto removed
        = admin.post_form("/admin/peers/remove", { { "csrf", csrf_of(page) }, { "host", "soins.example" } });
    EXPECT_EQ(removed.status, 200) << removed;
    EXPECT_EQ(instance_.admin("peer", "list").out.find("soins.example"), std::string::npos);
}

TEST_F(WebUi, StatisticsAreCountsForAdminsOnly)
{
    create_account("admin", "admin", true);
    register_pending(applicant_for("lefevre", pharmacist_elodie()));
    auto admin = instance_.client();
    ASSERT_EQ(web_sign_in(admin, "admin").status, 303);
    auto stats = admin.get("/admin/statistics");
    ASSERT_EQ(stats.status, 200) << stats;
    EXPECT_TRUE(std::regex_search(stats.body, std::regex("Demandes en attente</th><td>1<")));
    EXPECT_FALSE(contains(stats.body, "lefevre")) << "counts, never members";

    create_account("moderatrice", "moderator", true);
    auto mod = instance_.client();
    ASSERT_EQ(web_sign_in(mod, "moderatrice").status, 303);
    EXPECT_EQ(mod.get("/admin/statistics").status, 403);
    EXPECT_EQ(mod.get("/admin/peers").status, 403);
}

TEST_F(WebUi, PartnerSignedInIsRefusedMemberPagesWithoutARedirectLoop)
{
    create_account("labo", "partner", true);
    auto partner = instance_.client();
    auto signed_in = web_sign_in(partner, "labo");
    ASSERT_EQ(signed_in.status, 303) << signed_in;
    for (std::string path : { "/", "/login", "/home", "/local" })
        EXPECT_EQ(partner.get(path).status, 403) << path;
}

TEST_F(WebUi, AnonymousVisitorIsSentToTheLoginPage)
{
    auto client = instance_.client();
    for (std::string path :
        { "/", "/home", "/local", "/statuses/1", "/notifications", "/admin/registrations" }) {
        auto r = client.get(path);
        EXPECT_EQ(r.status, 303) << path;
        EXPECT_EQ(r.header("Location"), "/login") << path;
    }
}

// Groups (issues 4 and 6): the directory and its creation form, a group's page, the picker.
class WebUiGroups : public WebUi {
protected:
    // A moderator signed in through the login page (the only one who may make a group
    // interdisciplinary).
    HttpClient web_moderator()
    {
        create_account("moderatrice", "moderator", true);
        auto client = instance_.client();
        auto r = web_sign_in(client, "moderatrice");
        EXPECT_EQ(r.status, 303) << r;
        return client;
    }

    // Fills the creation form of /groups; returns the answer (303 to the group's page).
    HttpResponse web_create_group(HttpClient& client, FormFields fields)
    {
        auto directory = client.get("/groups");
        EXPECT_EQ(directory.status, 200) << directory;
        fields.emplace_back("csrf", csrf_of(directory));
        return client.post_form("/groups", fields);
    }

    // Presses a button of `path`'s page whose form posts to `action`.
    HttpResponse press(HttpClient& client, const std::string& path, const std::string& action, FormFields fields = {})
    {
        auto page = client.get(path);
        EXPECT_EQ(page.status, 200) << page;
        EXPECT_TRUE(contains(page.body, "action=\"" + action + "\"")) << action << " on " << path;
        fields.emplace_back("csrf", csrf_of(page));
        return client.post_form(action, fields);
    }

    // The group's id, as the picker of /home offers it to a member ("group:<id>").
    std::string picker_group_id(HttpClient& client)
    {
        std::smatch m;
        auto home = client.get("/home");
        static const std::regex choice(R"re(value="group:(\d+)")re");
        return std::regex_search(home.body, m, choice) ? m[1].str() : "";
    }
};

TEST_F(WebUiGroups, DirectoryShowsGroupsWithTheirSubGroupsAndFiltersByTag)
{
    auto mod = web_moderator();
    auto created = web_create_group(mod, { { "name", "plaies" }, { "display_name", "Plaies et cicatrisation" },
        { "description", "Soins des plaies chroniques" }, { "tags", "#plaies, diabete" },
        { "interdisciplinary", "true" } });
    ASSERT_EQ(created.status, 303) << created;
    EXPECT_EQ(created.header("Location"), "/g/plaies");
    auto directory = mod.get("/groups");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(directory.body, m, std::regex(R"re(<option value="(\d+)">Plaies et)re")));
    ASSERT_EQ(web_create_group(mod, { { "name", "pied" }, { "display_name", "Pied diabétique" }, { "parent_id", m[1].str() } })
                  .status,
        303);
    ASSERT_EQ(web_create_group(mod, { { "name", "officine" }, { "display_name", "Officine" } }).status, 303);

    auto alice = web_member("alice");
    auto all = alice.get("/groups");
    ASSERT_EQ(all.status, 200) << all;
    EXPECT_TRUE(contains(all.body, "Soins des plaies chroniques"));
    EXPECT_TRUE(contains(all.body, "Interdisciplinaire")) << "the badge";
    EXPECT_TRUE(contains(all.body, "href=\"/groups?tag=diabete\""));
    EXPECT_TRUE(contains(all.body, "1 membres")) << "the founder";
    auto parent_at = all.body.find("href=\"/g/plaies\"");
    auto subgroups_at = all.body.find("class=\"subgroups\"", parent_at);
    auto child_at = all.body.find("href=\"/g/pied\"");
    ASSERT_NE(subgroups_at, std::string::npos);
    EXPECT_LT(subgroups_at, child_at) << "the sub-group under its parent";

    auto tagged = alice.get("/groups?tag=diabete");
    EXPECT_TRUE(contains(tagged.body, "href=\"/g/plaies\""));
    EXPECT_FALSE(contains(tagged.body, "href=\"/g/officine\""));
    auto searched = alice.get("/groups?q=offi");
    EXPECT_TRUE(contains(searched.body, "href=\"/g/officine\""));
    EXPECT_FALSE(contains(searched.body, "href=\"/g/plaies\""));
}

TEST_F(WebUiGroups, CreationErrorShowsTranslatedNextToItsFieldAndKeepsWhatWasTyped)
{
    auto alice = web_member("alice");
    auto refused = web_create_group(alice, { { "name", "pas un nom!" }, { "display_name", "Mon <b>groupe</b>" } });
    EXPECT_EQ(refused.status, 422) << refused;
    EXPECT_TRUE(contains(refused.body, "id=\"name-error\"")) << refused.body;
    EXPECT_TRUE(contains(refused.body, "un groupe ne contient que des lettres"));
    EXPECT_TRUE(contains(refused.body, "aria-invalid=\"true\""));
    EXPECT_TRUE(contains(refused.body, "value=\"Mon &lt;b&gt;groupe&lt;/b&gt;\"")) << "kept, escaped";

    // A member is not offered the interdisciplinary box, and the service refuses it anyway.
    EXPECT_FALSE(contains(alice.get("/groups").body, "name=\"interdisciplinary\""));
    auto forced = web_create_group(alice, { { "name", "ouvert" }, { "interdisciplinary", "true" } });
    EXPECT_EQ(forced.status, 403);
    EXPECT_TRUE(contains(forced.body, "Seuls les modérateurs créent un groupe interdisciplinaire"));
    EXPECT_EQ(alice.get("/g/ouvert").status, 404) << "nothing half-written";

    auto without_token = alice.post_form("/groups", { { "name", "sansjeton" } });
    EXPECT_EQ(without_token.status, 403);
    EXPECT_EQ(alice.get("/g/sansjeton").status, 404);
}

TEST_F(WebUiGroups, MemberJoinsAndPostsFromTheGroupPageAndThePickerWhileANonMemberSeesNoPost)
{
    auto mod = web_moderator();
    ASSERT_EQ(web_create_group(mod, { { "name", "pied" }, { "display_name", "Pied diabétique" } }).status, 303);
    auto alice = web_member("alice");
    auto bob = web_member("bob");

    auto outside = alice.get("/g/pied");
    ASSERT_EQ(outside.status, 200) << outside;
    EXPECT_FALSE(contains(outside.body, "id=\"compose\"")) << "no compose form before joining";
    EXPECT_EQ(alice.post_form("/g/pied/join", {}).status, 403) << "join needs the CSRF token";
    auto joined = press(alice, "/g/pied", "/g/pied/join");
    ASSERT_EQ(joined.status, 303) << joined;
    EXPECT_EQ(joined.header("Location"), "/g/pied");

    // From the group's page: the compose form carries the group.
    auto page = alice.get("/g/pied");
    EXPECT_TRUE(contains(page.body, "action=\"/g/pied/leave\""));
    std::smatch m;
    ASSERT_TRUE(std::regex_search(page.body, m, std::regex(R"re(name="group_id" value="(\d+)")re"))) << page.body;
    std::string group_id = m[1].str();
    auto posted = alice.post_form("/statuses",
        { { "csrf", csrf_of(page) }, { "status", "Cas clinique : mal perforant plantaire" }, { "group_id", group_id } });
    ASSERT_EQ(posted.status, 303) << posted;

    // From the picker of /home: the groups the member belongs to are choices.
    EXPECT_EQ(picker_group_id(alice), group_id);
    EXPECT_TRUE(contains(alice.get("/home").body, "Groupe : Pied diabétique"));
    EXPECT_EQ(picker_group_id(bob), "") << "not a member: not offered";
    auto picked = web_post(alice, "Protocole de décharge du pied", {}, "group:" + group_id);
    ASSERT_EQ(picked.status, 303) << picked;

    auto timeline = alice.get("/g/pied");
    EXPECT_TRUE(contains(timeline.body, "mal perforant plantaire"));
    EXPECT_TRUE(contains(timeline.body, "Protocole de décharge"));
    // The badge names the group and links to its page.
    EXPECT_TRUE(contains(timeline.body, "href=\"/g/pied\">Groupe : Pied diabétique</a>")) << timeline.body;

    // A reply in the thread stays in the group: the picker starts there.
    auto thread = alice.get(picked.header("Location"));
    ASSERT_EQ(thread.status, 200) << thread;
    EXPECT_TRUE(contains(thread.body, "value=\"group:" + group_id + "\" checked"));

    // Bob, not a member, reads the description and the join button, never the posts.
    auto stranger = bob.get("/g/pied");
    ASSERT_EQ(stranger.status, 200) << stranger;
    EXPECT_TRUE(contains(stranger.body, "action=\"/g/pied/join\""));
    EXPECT_FALSE(contains(stranger.body, "mal perforant"));
    EXPECT_FALSE(contains(bob.get("/local").body, "mal perforant"));
    EXPECT_EQ(bob.get(picked.header("Location")).status, 404);
    // Nor can he post into it by forging the field.
    auto forged = web_post(bob, "Intrus", {}, "group:" + group_id);
    EXPECT_EQ(forged.status, 422) << forged;
    EXPECT_FALSE(contains(alice.get("/g/pied").body, "Intrus"));
}

TEST_F(WebUiGroups, GroupModeratorRemovesAPostFromTheGroupPageAndMembersCannot)
{
    auto mod = web_moderator();
    ASSERT_EQ(web_create_group(mod, { { "name", "pied" }, { "display_name", "Pied diabétique" } }).status, 303);
    auto alice = web_member("alice");
    ASSERT_EQ(press(alice, "/g/pied", "/g/pied/join").status, 303);
    std::string group_id = picker_group_id(alice);
    auto posted = web_post(alice, "Message hors charte", {}, "group:" + group_id);
    ASSERT_EQ(posted.status, 303) << posted;
    std::string id = posted.header("Location").substr(std::string("/statuses/").size());
    std::string remove = "/g/pied/statuses/" + id + "/remove";

    EXPECT_FALSE(contains(alice.get("/g/pied").body, "action=\"" + remove + "\"")) << "members have no button";
    auto refused = alice.post_form(remove, { { "csrf", csrf_of(alice.get("/g/pied")) } });
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(mod.post_form(remove, {}).status, 403) << "the CSRF token";
    EXPECT_TRUE(contains(mod.get("/g/pied").body, "Message hors charte"));

    auto removed = press(mod, "/g/pied", remove);
    ASSERT_EQ(removed.status, 303) << removed;
    EXPECT_FALSE(contains(mod.get("/g/pied").body, "Message hors charte"));
    EXPECT_FALSE(contains(alice.get("/g/pied").body, "Message hors charte"));
}

} // namespace
} // namespace confrere::testkit
