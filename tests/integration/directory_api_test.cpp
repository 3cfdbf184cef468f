// Filterable information through the real binary (issue 4 item 5): members' specialties edited
// through update_credentials and shown on the Account, the members' directory (only those who
// chose to appear, by name folding case and accents, profession and specialty, in Mastodon's two
// orders), and the public and hashtag timelines narrowed by profession and tag.
#include "tests/integration/scenario.hpp"

namespace confrere::testkit {
namespace {

InstanceOptions pharmacy_and_nursing()
{
    InstanceOptions options;
    options.professions = { 21, 60 };
    return options;
}

class DirectoryApi : public IntegrationTest {
protected:
    DirectoryApi()
        : IntegrationTest(pharmacy_and_nursing())
    { }

    void SetUp() override
    {
        IntegrationTest::SetUp();
        // Created in this order: order=new lists them backwards.
        elodie_.emplace(professional("elodie", 21, "Élodie Lefèvre", { "plaies", "diabète" }));
        loic_.emplace(professional("loic", 60, "Loïc Le Goff", { "plaies" }));
        francois_.emplace(professional("francois", 21, "François", { "plaies" }, false));
    }

    // A validated member of `profession` with a profile, in the directory unless `listed` is false.
    HttpClient professional(const std::string& username, int profession, const std::string& display_name,
        const std::vector<std::string>& specialties, bool listed = true)
    {
        auto created = instance_.admin("create-account", "--username", username, "--email",
            username + "@example.test", "--password", fixture_password, "--role", "member", "--validated",
            "--profession", std::to_string(profession));
        EXPECT_EQ(created.exit_code, 0) << created;
        HttpClient client = signed_in(username);
        FormFields fields { { "display_name", display_name }, { "discoverable", listed ? "true" : "false" } };
        for (const std::string& name : specialties)
            fields.emplace_back("confrere_specialties[]", name);
        auto updated = update_credentials(client, url_encode_form(fields));
        EXPECT_EQ(updated.status, 200) << updated;
        ids_[username] = json_string(updated.json(), "/id");
        return client;
    }

    static HttpResponse update_credentials(
        HttpClient& client, const std::string& body, const std::string& type = "application/x-www-form-urlencoded")
    {
        return client.request("PATCH", "/api/v1/accounts/update_credentials", body, type, {});
    }

    std::vector<std::string> directory(const std::string& query)
    {
        auto response = elodie_->get("/api/v1/directory" + query);
        EXPECT_EQ(response.status, 200) << response;
        return ids_of(response);
    }

    std::vector<std::string> ids(std::initializer_list<const char*> usernames)
    {
        std::vector<std::string> out;
        for (const char* name : usernames)
            out.push_back(ids_.at(name));
        return out;
    }

    std::string post(HttpClient& client, const std::string& text)
    {
        auto response = client.post_form("/api/v1/statuses", { { "status", text }, { "visibility", "public" } });
        EXPECT_EQ(response.status, 200) << response;
        return json_string(response.json(), "/id");
    }

    std::optional<HttpClient> elodie_, loic_, francois_;
    std::map<std::string, std::string> ids_;
};

std::vector<std::string> strings_at(const HttpResponse& response, const char* pointer)
{
    std::vector<std::string> out;
    auto doc = response.json();
    const auto* list = doc.HasParseError() ? nullptr : json_at(doc, pointer);
    if (list && list->IsArray())
        for (const auto& v : list->GetArray())
            out.push_back(v.IsString() ? v.GetString() : "<not a string>");
    return out;
}

TEST_F(DirectoryApi, SpecialtiesAreEditedThroughUpdateCredentialsAndShownToOtherMembers)
{
    auto mine = elodie_->get("/api/v1/accounts/verify_credentials");
    EXPECT_EQ(strings_at(mine, "/confrere_specialties"), (std::vector<std::string> { "plaies", "diabète" })) << mine;
    auto seen = loic_->get("/api/v1/accounts/" + ids_.at("elodie"));
    ASSERT_EQ(seen.status, 200) << seen;
    EXPECT_EQ(strings_at(seen, "/confrere_specialties"), (std::vector<std::string> { "plaies", "diabète" }));
    // A profile field next to the verified profession, declared by the member: not verified.
    auto doc = seen.json();
    EXPECT_EQ(json_string(doc, "/fields/0/name"), "Profession");
    EXPECT_EQ(json_string(doc, "/fields/1/name"), "Spécialités");
    EXPECT_EQ(json_string(doc, "/fields/1/value"), "plaies, diabète");
    EXPECT_TRUE(json_at(doc, "/fields/1/verified_at") && json_at(doc, "/fields/1/verified_at")->IsNull());

    // JSON clients send an array; hashtags are normalised.
    auto json = update_credentials(
        *loic_, R"({"confrere_specialties":["#Cicatrisation","Plaies","cicatrisation"]})", "application/json");
    ASSERT_EQ(json.status, 200) << json;
    EXPECT_EQ(strings_at(json, "/confrere_specialties"), (std::vector<std::string> { "cicatrisation", "plaies" }));
    // One empty value clears them, and the field goes away.
    auto cleared = update_credentials(*loic_, "confrere_specialties%5B%5D=");
    ASSERT_EQ(cleared.status, 200) << cleared;
    EXPECT_TRUE(strings_at(cleared, "/confrere_specialties").empty()) << cleared;
    EXPECT_EQ(cleared.body.find("Spécialités"), std::string::npos) << cleared;
}

TEST_F(DirectoryApi, BadSpecialtiesAreRefusedNextToTheirFieldAndNothingChanges)
{
    std::string eleven = "display_name=Autre";
    for (int i = 0; i < 11; ++i)
        eleven += "&confrere_specialties%5B%5D=s" + std::to_string(i);
    for (const std::string& body :
        { std::string("display_name=Autre&confrere_specialties%5B%5D=soins+palliatifs"),
            "display_name=Autre&confrere_specialties%5B%5D=" + std::string(51, 'a'), eleven }) {
        auto refused = update_credentials(*elodie_, body);
        EXPECT_TRUE(is_json_error(refused, 422)) << refused;
        EXPECT_FALSE(field_error(refused, "confrere_specialties").empty()) << refused;
    }
    auto unchanged = elodie_->get("/api/v1/accounts/verify_credentials");
    EXPECT_EQ(json_string(unchanged.json(), "/display_name"), "Élodie Lefèvre");
    EXPECT_EQ(strings_at(unchanged, "/confrere_specialties"), (std::vector<std::string> { "plaies", "diabète" }));
}

TEST_F(DirectoryApi, TheDirectoryListsWhoChoseToAppearByNameProfessionAndSpecialty)
{
    post(*elodie_, "Première");
    post(*loic_, "Plus récente");
    EXPECT_EQ(directory(""), ids({ "loic", "elodie" })) << "active: the latest poster first";
    EXPECT_EQ(directory("?order=new"), ids({ "loic", "elodie" }));
    post(*elodie_, "De nouveau");
    EXPECT_EQ(directory("?order=active"), ids({ "elodie", "loic" }));
    EXPECT_EQ(directory("?order=new&limit=1&offset=1"), ids({ "elodie" }));
    EXPECT_EQ(directory("?local=true&order=new"), ids({ "loic", "elodie" })) << "every member is local";

    EXPECT_EQ(directory("?q=elo"), ids({ "elodie" }));
    EXPECT_EQ(directory("?q=" + percent_encode("ÉLODIE LEF")), ids({ "elodie" }));
    EXPECT_EQ(directory("?q=" + percent_encode("loïc")), ids({ "loic" }));
    EXPECT_TRUE(directory("?q=fran").empty()) << "François chose to stay out";
    EXPECT_EQ(directory("?profession=60"), ids({ "loic" }));
    EXPECT_EQ(directory("?specialty=plaies&order=new"), ids({ "loic", "elodie" }));
    EXPECT_EQ(directory("?specialty=%23Diab%C3%A8te"), ids({ "elodie" }));
    EXPECT_TRUE(directory("?specialty=plaies&profession=60&q=elo").empty());
}

TEST_F(DirectoryApi, BadFiltersAreRefusedWithAJsonErrorAndAnonymousVisitorsWithA401)
{
    for (const char* path : { "/api/v1/directory?profession=pharmacien", "/api/v1/directory?profession=12",
             "/api/v1/directory?order=popular", "/api/v1/directory?specialty=soins+palliatifs",
             "/api/v1/timelines/public?profession=abc", "/api/v1/timelines/tag/plaies?profession=99999" }) {
        SCOPED_TRACE(path);
        EXPECT_TRUE(is_json_error(elodie_->get(path), 422));
    }
    EXPECT_TRUE(is_json_error(instance_.client().get("/api/v1/directory"), 401));
}

TEST_F(DirectoryApi, TimelinesFilterByProfessionAndTagWithFullPages)
{
    std::string wound = post(*elodie_, "Pansement hydrocolloïde #Plaies");
    std::string vaccine = post(*elodie_, "Rappel #vaccins");
    std::string nurse_wound = post(*loic_, "Détersion #plaies");
    // The newest statuses are the nurse's untagged ones: filtering after paging would give
    // empty pages of one.
    for (int i = 0; i < 3; ++i)
        post(*loic_, "Tournée " + std::to_string(i));
    EXPECT_EQ(ids_of(loic_->get("/api/v1/timelines/public?profession=21&limit=1")),
        (std::vector<std::string> { vaccine }));
    EXPECT_EQ(ids_of(loic_->get("/api/v1/timelines/public?tag=plaies&limit=1")),
        (std::vector<std::string> { nurse_wound }));
    EXPECT_EQ(ids_of(loic_->get("/api/v1/timelines/public?tag=%23PLAIES&profession=21")),
        (std::vector<std::string> { wound }));
    EXPECT_EQ(ids_of(loic_->get("/api/v1/timelines/public?local=true&profession=21")),
        (std::vector<std::string> { vaccine, wound }));
    EXPECT_EQ(ids_of(loic_->get("/api/v1/timelines/tag/plaies?profession=60")),
        (std::vector<std::string> { nurse_wound }));
    EXPECT_EQ(ids_of(loic_->get("/api/v1/timelines/tag/plaies")), (std::vector<std::string> { nurse_wound, wound }));
}

} // namespace
} // namespace confrere::testkit
