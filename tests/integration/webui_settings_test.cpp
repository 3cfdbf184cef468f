// The web UI's completion (issue 6) against the real binary: the admins' instance settings
// (shown at once on the pages, the Instance entities and NodeInfo; closed registrations refuse
// the form and the API), the language field of /settings, profession names and counts in the
// visitor's language, the group directory's pages, and thread moves decided from a group page.
#include "tests/integration/web_kit.hpp"

#include <cstdio>
#include <optional>

namespace confrere::testkit {
namespace {

std::size_t occurrences(const std::string& body, std::string_view text)
{
    std::size_t n = 0;
    for (auto at = body.find(text); at != std::string::npos; at = body.find(text, at + 1))
        ++n;
    return n;
}

// A JSON boolean of an answer, nullopt when absent or of another type.
std::optional<bool> flag_at(const HttpResponse& answer, const char* pointer)
{
    auto json = answer.json();
    const rapidjson::Value* v = json_at(json, pointer);
    return v != nullptr && v->IsBool() ? std::optional(v->GetBool()) : std::nullopt;
}

class WebSettings : public IntegrationTest {
protected:
    // A client signed in through the login page, as a browser is.
    HttpClient web_client(const std::string& username, const std::string& role = "member")
    {
        create_account(username, role, true);
        auto client = instance_.client();
        auto r = web_sign_in(client, username);
        EXPECT_EQ(r.status, 303) << r;
        return client;
    }

    // Submits the instance settings form with `fields` (those left out are sent empty).
    HttpResponse save_settings(HttpClient& admin, FormFields fields)
    {
        return press(admin, "/admin/settings", "/admin/settings", std::move(fields));
    }
};

const FormFields kCharter = { { "name", "Confrère Bretagne" },
    { "description", "Les pharmaciens et infirmiers de Bretagne." }, { "contact_email", "contact@bretagne.test" },
    { "registrations", "approval" }, { "rules", "Le secret médical est absolu.\n\n  Pas de nom de patient.  \n" } };

TEST_F(WebSettings, AdminSavesInstanceSettingsThatApplyAtOnceEverywhere)
{
    auto admin = web_client("admin", "admin");
    auto home = admin.get("/home");
    EXPECT_TRUE(contains(home.body, "href=\"/admin/settings\"")) << "the admin navigation links the page";
    auto saved = save_settings(admin, kCharter);
    ASSERT_EQ(saved.status, 200) << saved;
    EXPECT_TRUE(contains(saved.body, "Réglages enregistrés")) << saved.body;
    EXPECT_TRUE(contains(saved.body, "value=\"Confrère Bretagne\""));
    EXPECT_TRUE(contains(saved.body, "Le secret médical est absolu.\nPas de nom de patient.\n"))
        << "one rule a line, trimmed, blank lines dropped";

    // The layout's title and header.
    auto page = admin.get("/home");
    EXPECT_TRUE(contains(page.body, "· Confrère Bretagne</title>")) << page.body;
    EXPECT_TRUE(contains(page.body, "class=\"brand\" href=\"/\">Confrère Bretagne</a>"));

    // The Instance entities, v1 and v2, and the rules as Mastodon Rule entities.
    auto client = instance_.client();
    auto v1 = client.get("/api/v1/instance").json();
    EXPECT_EQ(json_string(v1, "/title"), "Confrère Bretagne");
    EXPECT_EQ(json_string(v1, "/description"), "Les pharmaciens et infirmiers de Bretagne.");
    EXPECT_EQ(json_string(v1, "/email"), "contact@bretagne.test");
    EXPECT_EQ(flag_at(client.get("/api/v1/instance"), "/registrations"), true);
    auto v2 = client.get("/api/v2/instance").json();
    EXPECT_EQ(json_string(v2, "/title"), "Confrère Bretagne");
    EXPECT_EQ(json_string(v2, "/contact/email"), "contact@bretagne.test");
    ASSERT_TRUE(json_at(v2, "/rules") != nullptr && json_at(v2, "/rules")->IsArray());
    ASSERT_EQ(json_at(v2, "/rules")->Size(), 2u);
    EXPECT_EQ(json_string(v2, "/rules/0/id"), "1");
    EXPECT_EQ(json_string(v2, "/rules/0/text"), "Le secret médical est absolu.");
    EXPECT_EQ(json_string(v2, "/rules/1/text"), "Pas de nom de patient.");
    auto rules = client.get("/api/v1/instance/rules").json();
    EXPECT_EQ(json_string(rules, "/1/id"), "2");
    auto nodeinfo = client.get("/nodeinfo/2.1").json();
    EXPECT_EQ(json_string(nodeinfo, "/metadata/nodeName"), "Confrère Bretagne");
    EXPECT_EQ(json_string(nodeinfo, "/metadata/nodeDescription"), "Les pharmaciens et infirmiers de Bretagne.");

    // The registration page shows the charter.
    auto registration = client.get("/register");
    ASSERT_EQ(registration.status, 200) << registration;
    EXPECT_TRUE(contains(registration.body, "<li>Le secret médical est absolu.</li><li>Pas de nom de patient.</li>"))
        << registration.body;
    EXPECT_TRUE(contains(registration.body, "· Confrère Bretagne</title>"));
}

TEST_F(WebSettings, InvalidSettingsShowTranslatedErrorsNextToTheirFieldsAndSaveNothing)
{
    auto admin = web_client("admin", "admin");
    std::string rules;
    for (int i = 1; i <= 21; ++i)
        rules += "Article " + std::to_string(i) + "\n";
    auto refused = save_settings(admin,
        { { "name", "   " }, { "description", "Une <b>description</b>" }, { "contact_email", "pas-une-adresse" },
            { "registrations", "closed" }, { "rules", rules } });
    EXPECT_EQ(refused.status, 422) << refused;
    EXPECT_TRUE(contains(refused.body, "id=\"name-error\">L&#39;instance doit avoir un nom.")) << refused.body;
    EXPECT_TRUE(contains(refused.body, "id=\"contact_email-error\">Cette adresse e-mail n"));
    EXPECT_TRUE(contains(refused.body, "id=\"rules-error\">L"));
    EXPECT_FALSE(contains(refused.body, "id=\"description-error\""));
    // What was typed is kept (escaped), the closed choice too.
    EXPECT_TRUE(contains(refused.body, "value=\"pas-une-adresse\""));
    EXPECT_TRUE(contains(refused.body, "Une &lt;b&gt;description&lt;/b&gt;"));
    EXPECT_TRUE(contains(refused.body, "value=\"closed\" checked"));
    EXPECT_TRUE(contains(refused.body, "Article 21"));

    // A rule over 300 characters alone is refused too.
    auto long_rule = save_settings(admin, { { "name", "Confrère" }, { "rules", std::string(301, 'x') } });
    EXPECT_EQ(long_rule.status, 422) << long_rule;
    EXPECT_TRUE(contains(long_rule.body, "id=\"rules-error\">Une règle compte 300 caractères au plus."));

    auto answer = instance_.client().get("/api/v1/instance");
    auto v1 = answer.json();
    EXPECT_EQ(json_string(v1, "/title"), "Confrère Test") << "nothing saved";
    EXPECT_EQ(flag_at(answer, "/registrations"), true);
    ASSERT_NE(json_at(v1, "/rules"), nullptr);
    EXPECT_EQ(json_at(v1, "/rules")->Size(), 0u);
}

TEST_F(WebSettings, ModeratorsAndMembersAreRefusedTheSettingsPage)
{
    for (auto [username, role] : { std::pair { "moderatrice", "moderator" }, std::pair { "membre", "member" } }) {
        auto client = web_client(username, role);
        auto page = client.get("/admin/settings");
        EXPECT_EQ(page.status, 403) << role;
        EXPECT_TRUE(contains(page.body, "Vous n&#39;avez pas accès")) << page.body;
        EXPECT_FALSE(contains(client.get("/home").body, "href=\"/admin/settings\"")) << role;
        auto forced = client.post_form("/admin/settings",
            { { "csrf", csrf_of(client.get("/home")) }, { "name", "Pris" }, { "registrations", "closed" } });
        EXPECT_EQ(forced.status, 403) << role;
    }
    auto answer = instance_.client().get("/api/v1/instance");
    EXPECT_EQ(json_string(answer.json(), "/title"), "Confrère Test");
    EXPECT_EQ(flag_at(answer, "/registrations"), true);
}

TEST_F(WebSettings, ClosedRegistrationsRefuseTheWebFormAndTheApiUntilReopened)
{
    auto admin = web_client("admin", "admin");
    auto visitor = instance_.client();
    auto form = visitor.get("/register");
    ASSERT_EQ(form.status, 200);
    std::string token = csrf_of(form);

    ASSERT_EQ(save_settings(admin, { { "name", "Confrère Test" }, { "registrations", "closed" } }).status, 200);
    auto closed = visitor.get("/register");
    EXPECT_EQ(closed.status, 403) << closed;
    EXPECT_TRUE(contains(closed.body, "Les inscriptions sont fermées")) << closed.body;
    EXPECT_FALSE(contains(closed.body, "href=\"/register\"")) << "the menu no longer offers it";
    FormFields fields = applicant_for("lefevre", pharmacist_elodie()).form();
    fields.emplace_back("csrf", token);
    auto posted = visitor.post_form("/register", fields);
    EXPECT_EQ(posted.status, 403) << posted;
    EXPECT_TRUE(contains(posted.body, "Les inscriptions sont fermées"));
    auto api = register_applicant(applicant_for("francois", pharmacist_francois()));
    EXPECT_TRUE(is_json_error(api, 403)) << api;
    EXPECT_EQ(flag_at(visitor.get("/api/v1/instance"), "/registrations"), false);
    EXPECT_EQ(flag_at(visitor.get("/api/v2/instance"), "/registrations/enabled"), false);
    auto english = visitor.get("/register", { { "Accept-Language", "en" } });
    EXPECT_TRUE(contains(english.body, "Registrations are closed on this instance")) << english.body;

    ASSERT_EQ(save_settings(admin, { { "name", "Confrère Test" }, { "registrations", "approval" } }).status, 200);
    EXPECT_EQ(visitor.get("/register").status, 200);
    EXPECT_EQ(register_applicant(applicant_for("francois", pharmacist_francois())).status, 200);
}

TEST_F(WebSettings, AdminApiChangesTheSettingsThroughTheSameRules)
{
    create_account("admin", "admin", true);
    create_account("moderatrice", "moderator", true);
    auto patch = [](HttpClient& client, std::string_view json) {
        return client.request("PATCH", "/api/v1/confrere/admin/instance", json, "application/json", {});
    };
    auto mod = signed_in("moderatrice");
    EXPECT_TRUE(is_json_error(patch(mod, R"({"registrations":"closed"})"), 403));
    auto admin = signed_in("admin");
    auto refused = patch(admin, R"({"name":"Confrère Bretagne","contact_email":"pas-une-adresse"})");
    EXPECT_TRUE(is_json_error(refused, 422)) << refused;
    EXPECT_FALSE(field_error(refused, "contact_email").empty()) << refused;
    EXPECT_TRUE(is_json_error(patch(admin, R"({"registrations":"open"})"), 422));
    EXPECT_EQ(json_string(admin.get("/api/v1/instance").json(), "/title"), "Confrère Test") << "nothing saved";

    auto saved = patch(admin, R"({"name":"Confrère Bretagne","rules":["Secret médical"," ",""],"registrations":"closed"})");
    ASSERT_EQ(saved.status, 200) << saved;
    EXPECT_EQ(json_string(saved.json(), "/title"), "Confrère Bretagne");
    EXPECT_EQ(json_string(saved.json(), "/rules/0/text"), "Secret médical");
    EXPECT_EQ(flag_at(saved, "/registrations"), false);
    EXPECT_EQ(json_string(saved.json(), "/description"), "Instance de test") << "fields not given keep their values";
    EXPECT_TRUE(is_json_error(register_applicant(applicant_for("lefevre", pharmacist_elodie())), 403));
    auto page = web_client("alice").get("/home");
    EXPECT_TRUE(contains(page.body, "· Confrère Bretagne</title>"));
}

TEST_F(WebSettings, LanguageFieldOfTheSettingsSavesTheAccountLocale)
{
    auto alice = web_client("alice");
    auto settings = alice.get("/settings");
    ASSERT_EQ(settings.status, 200);
    EXPECT_TRUE(contains(settings.body, "<select id=\"account_language\" name=\"lang\"")) << settings.body;
    auto saved = alice.post_form(
        "/language", { { "csrf", csrf_of(settings) }, { "lang", "en" }, { "back", "/settings" } });
    ASSERT_EQ(saved.status, 303) << saved;
    EXPECT_EQ(saved.header("Location"), "/settings");
    auto english = alice.get("/settings");
    EXPECT_TRUE(contains(english.body, "<html lang=\"en\">"));
    EXPECT_TRUE(contains(english.body, "Interface language"));

    // The account's locale, so another device (no cookie, a French browser) follows it.
    auto other = instance_.client();
    ASSERT_EQ(web_sign_in(other, "alice").status, 303);
    EXPECT_TRUE(contains(other.get("/home", { { "Accept-Language", "fr" } }).body, "<html lang=\"en\">"));
    EXPECT_EQ(json_string(signed_in("alice").get("/api/v1/preferences").json(), "/posting:default:language"), "en");

    EXPECT_EQ(alice.post_form("/language", { { "lang", "fr" }, { "back", "/settings" } }).status, 403)
        << "the CSRF token";
}

TEST_F(WebSettings, EnglishPagesNameProfessionsInEnglishAndFrenchStaysTheDefault)
{
    auto visitor = instance_.client();
    EXPECT_TRUE(contains(visitor.get("/register").body, "<option value=\"21\">Pharmacien</option>"));
    EXPECT_TRUE(contains(visitor.get("/register", { { "Accept-Language", "en-GB,en;q=0.8" } }).body,
        "<option value=\"21\">Pharmacist</option>"));

    Applicant applicant = applicant_for("lefevre", pharmacist_elodie());
    applicant.profession_code = "21";
    register_pending(applicant);
    auto mod = web_client("moderatrice", "moderator");
    EXPECT_TRUE(contains(mod.get("/admin/registrations").body, "Pharmacien"));
    auto settings = mod.get("/settings");
    ASSERT_EQ(mod.post_form("/language", { { "csrf", csrf_of(settings) }, { "lang", "en" }, { "back", "/" } }).status, 303);
    auto queue = mod.get("/admin/registrations");
    EXPECT_TRUE(contains(queue.body, "Pharmacist")) << queue.body;
    EXPECT_FALSE(contains(queue.body, "Pharmacien"));
}

TEST_F(WebSettings, CountsAreSingularOrPluralByTheLanguagesRule)
{
    auto mod = web_client("moderatrice", "moderator");
    auto directory = mod.get("/groups");
    ASSERT_EQ(mod.post_form("/groups",
                     { { "csrf", csrf_of(directory) }, { "name", "pied" }, { "display_name", "Pied diabétique" } })
                  .status,
        303);
    EXPECT_TRUE(contains(mod.get("/groups").body, "1 membre<")) << "the creator";
    auto alice = web_client("alice");
    ASSERT_EQ(press(alice, "/g/pied", "/g/pied/join").status, 303);
    EXPECT_TRUE(contains(alice.get("/g/pied").body, "2 membres<"));

    // The profile's counts: French says "0 message", "1 abonné"; English "0 posts", "1 follower".
    auto profile = alice.get("/@moderatrice");
    ASSERT_EQ(profile.status, 200) << profile;
    EXPECT_TRUE(contains(profile.body, "0 message ·")) << profile.body;
    EXPECT_TRUE(contains(profile.body, "0 abonné ·"));
    ASSERT_EQ(press(alice, "/@moderatrice", "/@moderatrice/follow").status, 303);
    EXPECT_TRUE(contains(alice.get("/@moderatrice").body, "1 abonné ·"));
    auto english = web_client("bob");
    auto settings = english.get("/settings");
    ASSERT_EQ(english.post_form("/language", { { "csrf", csrf_of(settings) }, { "lang", "en" }, { "back", "/" } }).status, 303);
    auto english_profile = english.get("/@moderatrice");
    EXPECT_TRUE(contains(english_profile.body, "0 posts ·")) << english_profile.body;
    EXPECT_TRUE(contains(english_profile.body, "1 follower ·"));
    EXPECT_TRUE(contains(english.get("/groups").body, "2 members<"));
    ASSERT_EQ(press(english, "/@moderatrice", "/@moderatrice/follow").status, 303);
    EXPECT_TRUE(contains(english.get("/@moderatrice").body, "2 followers ·"));
}

TEST_F(WebSettings, GroupDirectoryShowsEightyGroupsAPageWithLinksKeepingTheSearch)
{
    create_account("alice", "member", true);
    auto api = signed_in("alice");
    for (int i = 0; i < 81; ++i) {
        char name[8];
        std::snprintf(name, sizeof name, "g%03d", i);
        auto created = api.post_form("/api/v1/confrere/groups", { { "name", name }, { "tags", "officine" } });
        ASSERT_EQ(created.status, 200) << created;
    }
    auto alice = instance_.client();
    ASSERT_EQ(web_sign_in(alice, "alice").status, 303);

    auto first = alice.get("/groups");
    ASSERT_EQ(first.status, 200);
    EXPECT_EQ(occurrences(first.body, "<article class=\"group\""), 80u);
    EXPECT_TRUE(contains(first.body, "href=\"/groups?page=2\" rel=\"next\"")) << first.body.substr(0, 2000);
    EXPECT_FALSE(contains(first.body, "rel=\"prev\""));
    auto second = alice.get("/groups?page=2");
    EXPECT_EQ(occurrences(second.body, "<article class=\"group\""), 1u);
    EXPECT_TRUE(contains(second.body, "href=\"/groups?page=1\" rel=\"prev\""));
    EXPECT_FALSE(contains(second.body, "rel=\"next\""));
    EXPECT_TRUE(contains(second.body, "href=\"/g/g080\""));
    EXPECT_FALSE(contains(second.body, "href=\"/g/g000\"")) << "the first page's groups are not repeated";

    auto searched = alice.get("/groups?q=g0&tag=officine");
    EXPECT_EQ(occurrences(searched.body, "<article class=\"group\""), 80u);
    EXPECT_TRUE(contains(searched.body, "href=\"/groups?q=g0&amp;tag=officine&amp;page=2\" rel=\"next\""));
    auto searched_second = alice.get("/groups?q=g0&tag=officine&page=2");
    EXPECT_EQ(occurrences(searched_second.body, "<article class=\"group\""), 1u);
    EXPECT_TRUE(contains(searched_second.body, "href=\"/groups?q=g0&amp;tag=officine&amp;page=1\" rel=\"prev\""));
    EXPECT_EQ(alice.get("/groups?page=0").status, 422);
    EXPECT_EQ(alice.get("/groups?page=x").status, 422);
}

TEST_F(WebSettings, ThreadMovesAreApprovedOrRejectedWithAReasonFromTheGroupPage)
{
    auto mod = web_client("moderatrice", "moderator");
    create_account("alice", "member", true);
    auto alice = signed_in("alice");
    auto moderator_api = signed_in("moderatrice");
    auto wounds = moderator_api.post_form(
        "/api/v1/confrere/groups", { { "name", "plaies" }, { "interdisciplinary", "true" } });
    auto officine = alice.post_form("/api/v1/confrere/groups", { { "name", "officine" } });
    ASSERT_EQ(wounds.status, 200) << wounds;
    ASSERT_EQ(officine.status, 200) << officine;
    const std::string to = json_string(wounds.json(), "/id"), from = json_string(officine.json(), "/id");
    ASSERT_EQ(alice.post_form("/api/v1/confrere/groups/" + to + "/join", {}).status, 200);
    auto post = [&](const std::string& text) {
        auto r = alice.post_form("/api/v1/statuses", { { "status", text }, { "group_id", from } });
        EXPECT_EQ(r.status, 200) << r;
        return json_string(r.json(), "/id");
    };
    auto ask_move = [&](const std::string& status_id) {
        auto r = alice.post_form("/api/v1/confrere/statuses/" + status_id + "/move", { { "group_id", to } });
        EXPECT_EQ(r.status, 200) << r;
        return json_string(r.json(), "/0/id");
    };
    const std::string first = post("Ulcère du pied chez un patient diabétique");
    const std::string second = post("Autre cas, à discuter entre pharmaciens");
    const std::string first_move = ask_move(first);
    const std::string second_move = ask_move(second);

    auto approved = press(mod, "/g/plaies", "/g/plaies/moves/" + first_move + "/approve");
    ASSERT_EQ(approved.status, 303) << approved;
    EXPECT_EQ(approved.header("Location"), "/g/plaies");
    EXPECT_EQ(json_string(alice.get("/api/v1/statuses/" + first).json(), "/confrere_group/id"), to);

    auto rejected = press(mod, "/g/plaies", "/g/plaies/moves/" + second_move + "/reject",
        { { "reason", "Nom commercial de médicament : à reformuler" } });
    ASSERT_EQ(rejected.status, 303) << rejected;
    EXPECT_EQ(json_string(alice.get("/api/v1/statuses/" + second).json(), "/confrere_group/id"), from);
    auto queue = moderator_api.get("/api/v1/confrere/groups/" + to + "/moves");
    ASSERT_EQ(queue.status, 200) << queue;
    EXPECT_TRUE(contains(queue.body, "\"state\":\"rejected\"")) << queue.body;
    EXPECT_TRUE(contains(queue.body, "Nom commercial de médicament : à reformuler"));

    auto page = mod.get("/g/plaies");
    EXPECT_FALSE(contains(page.body, "/moves/" + first_move + "/approve")) << "decided moves leave the page";
    EXPECT_FALSE(contains(page.body, "/moves/" + second_move + "/reject"));
    EXPECT_TRUE(contains(page.body, "Ulcère du pied")) << "the moved thread is in the group";
}

} // namespace
} // namespace confrere::testkit
