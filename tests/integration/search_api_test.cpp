// Hashtags, search and filters through the real binary: the tag timeline shows readable
// statuses only, search finds accounts, statuses and hashtags (and resolves user@host on a
// trusted second instance), filters v2 round-trip from forms and JSON and warn or hide statuses
// of the home timeline; another member's filter is a 404.
#include "tests/integration/scenario.hpp"

#include <thread>

namespace confrere::testkit {
namespace {

using namespace std::chrono_literals;

// The size of the array at `pointer`, -1 if there is none.
int array_size(const HttpResponse& response, const char* pointer)
{
    auto doc = response.json();
    const auto* v = doc.HasParseError() ? nullptr : json_at(doc, pointer);
    return v && v->IsArray() ? static_cast<int>(v->Size()) : -1;
}

class SearchApi : public IntegrationTest {
protected:
    void SetUp() override
    {
        IntegrationTest::SetUp();
        alice_.emplace(member("alice"));
        bob_.emplace(member("bob"));
        carol_.emplace(member("carol"));
    }

    static std::string post(
        HttpClient& client, const std::string& text, const std::string& visibility = "public")
    {
        auto response
            = client.post_form("/api/v1/statuses", { { "status", text }, { "visibility", visibility } });
        EXPECT_EQ(response.status, 200) << response;
        return json_string(response.json(), "/id");
    }

    static std::string account_id(HttpClient& client)
    {
        auto response = client.get("/api/v1/accounts/verify_credentials");
        EXPECT_EQ(response.status, 200) << response;
        return json_string(response.json(), "/id");
    }

    static HttpResponse put_json(HttpClient& client, const std::string& path, std::string_view json)
    {
        return client.request("PUT", path, json, "application/json", {});
    }

    std::optional<HttpClient> alice_, bob_, carol_;
};

TEST_F(SearchApi, StatusesCarryTheirTagsAndTheTagTimelineShowsReadableOnes)
{
    std::string open = post(*alice_, "Garde ce soir #Garde #pharmacie");
    std::string hidden = post(*carol_, "Entre abonnés #garde", "private");
    auto status = alice_->get("/api/v1/statuses/" + open);
    ASSERT_EQ(status.status, 200) << status;
    auto doc = status.json();
    EXPECT_EQ(json_string(doc, "/tags/0/name"), "garde");
    EXPECT_EQ(json_string(doc, "/tags/0/url"), instance_.base_url() + "/tags/garde");
    EXPECT_EQ(json_string(doc, "/tags/1/name"), "pharmacie");
    EXPECT_NE(json_string(doc, "/content").find("class=\"mention hashtag\" rel=\"tag"), std::string::npos);

    auto timeline = bob_->get("/api/v1/timelines/tag/GARDE?limit=10");
    ASSERT_EQ(timeline.status, 200) << timeline;
    EXPECT_EQ(ids_of(timeline), (std::vector { open }))
        << "carol's followers-only post: bob does not follow her";
    EXPECT_NE(timeline.header("Link").find("max_id=" + open), std::string::npos) << timeline.header("Link");
    auto carols = carol_->get("/api/v1/timelines/tag/garde");
    EXPECT_EQ(ids_of(carols), (std::vector { hidden, open }));
    auto none = bob_->get("/api/v1/timelines/tag/garde?none[]=pharmacie");
    EXPECT_TRUE(ids_of(none).empty()) << none;
    auto any = bob_->get("/api/v1/timelines/tag/inconnu?any[]=pharmacie&local=true");
    EXPECT_EQ(ids_of(any), (std::vector { open }));

    auto tag = bob_->get("/api/v1/tags/Garde");
    ASSERT_EQ(tag.status, 200) << tag;
    EXPECT_EQ(json_string(tag.json(), "/name"), "garde");
    EXPECT_EQ(array_size(tag, "/history"), 0);
    EXPECT_EQ(bob_->get("/api/v1/tags/jamais").status, 404);
    EXPECT_EQ(instance_.client().get("/api/v1/timelines/tag/garde").status, 401);
}

TEST_F(SearchApi, SearchFindsAccountsStatusesAndHashtags)
{
    std::string found = post(*alice_, "Protocole de pédiatrie #pediatrie");
    post(*carol_, "Pédiatrie entre abonnés", "private");
    // Outside the members' directory (the default), a member is found by the whole username only.
    EXPECT_EQ(array_size(bob_->get("/api/v2/search?q=ali&type=accounts"), "/accounts"), 0);
    EXPECT_EQ(array_size(bob_->get("/api/v2/search?q=alice&type=accounts"), "/accounts"), 1);
    auto listed = alice_->request("PATCH", "/api/v1/accounts/update_credentials", "discoverable=true",
        "application/x-www-form-urlencoded", {});
    ASSERT_EQ(listed.status, 200) << listed;
    auto accounts = bob_->get("/api/v2/search?q=ali&type=accounts&resolve=true");
    ASSERT_EQ(accounts.status, 200) << accounts;
    EXPECT_EQ(array_size(accounts, "/accounts"), 1);
    EXPECT_EQ(json_string(accounts.json(), "/accounts/0/acct"), "alice") << "local acct: the bare username";
    EXPECT_EQ(array_size(accounts, "/statuses"), 0) << "type=accounts only";

    auto all = bob_->get("/api/v2/search?q=pediatrie");
    ASSERT_EQ(all.status, 200) << all;
    auto doc = all.json();
    EXPECT_EQ(array_size(all, "/statuses"), 1) << all;
    EXPECT_EQ(json_string(doc, "/statuses/0/id"), found);
    EXPECT_EQ(json_string(doc, "/hashtags/0/name"), "pediatrie");
    auto v1 = bob_->get("/api/v1/search?q=%23pedia&type=hashtags");
    ASSERT_EQ(v1.status, 200) << v1;
    EXPECT_EQ(json_string(v1.json(), "/hashtags/0"), "pediatrie");

    auto blank = bob_->get("/api/v2/search?q=");
    ASSERT_EQ(blank.status, 200) << blank;
    EXPECT_EQ(
        array_size(blank, "/accounts") + array_size(blank, "/statuses") + array_size(blank, "/hashtags"), 0);
    EXPECT_TRUE(is_json_error(bob_->get("/api/v2/search?q=x&type=toots"), 422));
    auto untrusted
        = bob_->get("/api/v2/search?q=" + percent_encode("@ghost@untrusted.example") + "&resolve=true");
    ASSERT_EQ(untrusted.status, 200) << untrusted;
    EXPECT_EQ(array_size(untrusted, "/accounts"), 0);
}

TEST_F(SearchApi, FiltersRoundTripAndStayPrivate)
{
    // Mastodon.py's form shape.
    auto created = alice_->post_form("/api/v2/filters",
        { { "title", "Grèves" }, { "context[]", "home" }, { "context[]", "public" },
            { "filter_action", "warn" }, { "expires_in", "3600" },
            { "keywords_attributes[][keyword]", "grève" }, { "keywords_attributes[][whole_word]", "1" },
            { "keywords_attributes[][keyword]", "manif" }, { "keywords_attributes[][whole_word]", "0" } });
    ASSERT_EQ(created.status, 200) << created;
    auto doc = created.json();
    std::string id = json_string(doc, "/id");
    EXPECT_EQ(json_string(doc, "/context/1"), "public");
    EXPECT_EQ(json_string(doc, "/keywords/1/keyword"), "manif");
    EXPECT_TRUE(json_at(doc, "/keywords/1/whole_word")->IsFalse());
    EXPECT_FALSE(json_string(doc, "/expires_at").empty());

    // masto.js's JSON shape, on update: drop a keyword, change the title.
    std::string manif = json_string(doc, "/keywords/1/id");
    auto updated = put_json(*alice_, "/api/v2/filters/" + id,
        R"({"title":"Mouvements","keywords_attributes":[{"id":")" + manif + R"(","_destroy":true}]})");
    ASSERT_EQ(updated.status, 200) << updated;
    EXPECT_EQ(json_string(updated.json(), "/title"), "Mouvements");
    EXPECT_EQ(array_size(updated, "/keywords"), 1);

    auto keyword = alice_->post_form("/api/v2/filters/" + id + "/keywords", { { "keyword", "piquet" } });
    ASSERT_EQ(keyword.status, 200) << keyword;
    std::string keyword_id = json_string(keyword.json(), "/id");
    EXPECT_EQ(array_size(alice_->get("/api/v2/filters/" + id + "/keywords"), ""), 2);
    auto changed = put_json(*alice_, "/api/v2/filters/keywords/" + keyword_id, R"({"whole_word":false})");
    ASSERT_EQ(changed.status, 200) << changed;
    EXPECT_EQ(json_string(changed.json(), "/keyword"), "piquet");

    // Another member learns nothing: 404 everywhere, as for a filter that does not exist.
    for (const std::string& path : { "/api/v2/filters/" + id, "/api/v2/filters/" + id + "/keywords",
             "/api/v2/filters/keywords/" + keyword_id })
        EXPECT_TRUE(is_json_error(bob_->get(path), 404)) << path;
    for (const std::string& path : { "/api/v2/filters/" + id, "/api/v2/filters/keywords/" + keyword_id })
        EXPECT_TRUE(is_json_error(bob_->del(path), 404)) << path;
    EXPECT_TRUE(
        is_json_error(bob_->post_form("/api/v2/filters/" + id + "/keywords", { { "keyword", "x" } }), 404));
    EXPECT_TRUE(is_json_error(put_json(*bob_, "/api/v2/filters/" + id, R"({"title":"x"})"), 404));
    EXPECT_EQ(array_size(bob_->get("/api/v2/filters"), ""), 0);

    EXPECT_TRUE(is_json_error(alice_->post_form("/api/v2/filters", { { "context[]", "home" } }), 422));
    EXPECT_TRUE(is_json_error(
        alice_->post_form("/api/v2/filters", { { "title", "x" }, { "context[]", "partout" } }), 422));
    EXPECT_TRUE(is_json_error(alice_->post_form("/api/v2/filters",
                                  { { "title", "x" }, { "context[]", "home" }, { "filter_action", "burn" } }),
        422));
    EXPECT_TRUE(is_json_error(put_json(*alice_, "/api/v2/filters/" + id, R"({"title":"  "})"), 422));
    EXPECT_EQ(json_string(alice_->get("/api/v2/filters/" + id).json(), "/title"), "Mouvements")
        << "a refused change leaves the filter as it was";

    EXPECT_EQ(alice_->del("/api/v2/filters/keywords/" + keyword_id).status, 200);
    EXPECT_EQ(alice_->del("/api/v2/filters/" + id).status, 200);
    EXPECT_TRUE(is_json_error(alice_->get("/api/v2/filters/" + id), 404));
}

TEST_F(SearchApi, WarnFiltersMarkAndHideFiltersDropHomeStatuses)
{
    std::string warned = post(*alice_, "Grève des transports demain");
    std::string dropped = post(*alice_, "Résultats du match");
    std::string kept = post(*alice_, "Catégorie B");
    auto warn = put_json(*alice_, "/api/v2/filters/0", "{}"); // 404: nothing there
    EXPECT_EQ(warn.status, 404);
    auto w = alice_->post_json("/api/v2/filters",
        R"({"title":"Grèves","context":["home"],"filter_action":"warn","keywords_attributes":[{"keyword":"grève"}]})");
    ASSERT_EQ(w.status, 200) << w;
    auto h = alice_->post_json("/api/v2/filters",
        R"({"title":"Sport","context":["home"],"filter_action":"hide","keywords_attributes":[{"keyword":"match"},{"keyword":"cat","whole_word":true}]})");
    ASSERT_EQ(h.status, 200) << h;

    auto home = alice_->get("/api/v1/timelines/home");
    ASSERT_EQ(home.status, 200) << home;
    EXPECT_EQ(ids_of(home), (std::vector { kept, warned }))
        << "the hidden status is left out; 'cat' is no word of 'Catégorie'";
    auto doc = home.json();
    EXPECT_EQ(json_string(doc, "/1/filtered/0/filter/title"), "Grèves");
    EXPECT_EQ(json_string(doc, "/1/filtered/0/keyword_matches/0"), "grève");
    EXPECT_EQ(array_size(home, "/0/filtered"), 0);

    auto others = bob_->get("/api/v1/timelines/public");
    EXPECT_EQ(ids_of(others).size(), 3u) << "filters are alice's own";
    auto public_timeline = alice_->get("/api/v1/timelines/public");
    EXPECT_EQ(ids_of(public_timeline).size(), 3u) << "home filters do not apply to the public context";
    (void)dropped;
}

TEST_F(SearchApi, AccountAndThreadFiltersApplyToAnAccountsStatusesAndToOneStatus)
{
    std::string hidden = post(*alice_, "Résultats du match de dimanche");
    std::string warned = post(*alice_, "Grève des transports demain");
    std::string plain = post(*alice_, "Stock de vaccins");
    auto h = bob_->post_json("/api/v2/filters",
        R"({"title":"Sport","context":["account","thread"],"filter_action":"hide","keywords_attributes":[{"keyword":"match"}]})");
    ASSERT_EQ(h.status, 200) << h;
    auto w = bob_->post_json("/api/v2/filters",
        R"({"title":"Grèves","context":["account"],"filter_action":"warn","keywords_attributes":[{"keyword":"grève"}]})");
    ASSERT_EQ(w.status, 200) << w;
    const std::string alice_id = json_string(alice_->get("/api/v1/accounts/verify_credentials").json(), "/id");

    auto profile = bob_->get("/api/v1/accounts/" + alice_id + "/statuses");
    ASSERT_EQ(profile.status, 200) << profile;
    EXPECT_EQ(ids_of(profile), (std::vector { plain, warned })) << "the hide filter of the account context";
    EXPECT_EQ(json_string(profile.json(), "/1/filtered/0/filter/title"), "Grèves");
    EXPECT_FALSE(profile.header("Link").empty()) << "paging goes on past hidden statuses";

    // One status is shown as in its thread: a hide filter marks it, the account-only warn does not.
    auto one = bob_->get("/api/v1/statuses/" + hidden);
    ASSERT_EQ(one.status, 200) << one;
    EXPECT_EQ(json_string(one.json(), "/filtered/0/filter/filter_action"), "hide") << one;
    auto other = bob_->get("/api/v1/statuses/" + warned);
    EXPECT_EQ(array_size(other, "/filtered"), 0) << other;
    // Filters are Bob's own.
    EXPECT_EQ(ids_of(alice_->get("/api/v1/accounts/" + alice_id + "/statuses")).size(), 3u);
}

// Two trusted instances: resolve=true finds a remote account by user@host.
class SearchFederation : public ::testing::Test {
protected:
    static InstanceOptions federating(std::string name, int profession)
    {
        InstanceOptions options;
        options.name = std::move(name);
        options.professions = { profession };
        options.extra_toml = "[federation]\nallow_private_addresses = true\n";
        return options;
    }

    SearchFederation()
        : pharmacy_(CONFRERE_BINARY, federating("Officines", 21))
        , nursing_(CONFRERE_BINARY, federating("Soins", 60))
    { }

    void SetUp() override
    {
        for (Instance* i : { &pharmacy_, &nursing_ }) {
            ASSERT_TRUE(i->ready());
            ASSERT_TRUE(i->start());
        }
        for (auto [at, peer] : { std::pair { &pharmacy_, &nursing_ }, std::pair { &nursing_, &pharmacy_ } }) {
            auto added = at->admin("peer", "add", peer->host());
            ASSERT_EQ(added.exit_code, 0) << added;
        }
        for (auto [at, name] : { std::pair { &pharmacy_, "alice" }, std::pair { &nursing_, "bob" } }) {
            auto created = at->admin("create-account", "--username", name, "--email",
                std::string(name) + "@example.test", "--password", fixture_password, "--role", "member",
                "--validated");
            ASSERT_EQ(created.exit_code, 0) << created;
        }
    }

    Instance pharmacy_;
    Instance nursing_;
};

TEST_F(SearchFederation, ResolveFindsARemoteAccountByHandle)
{
    auto alice = pharmacy_.client();
    ASSERT_EQ(alice.sign_in("alice", fixture_password).status, 200);
    const std::string handle = "bob@" + nursing_.host();
    auto unresolved = alice.get("/api/v2/search?type=accounts&q=" + percent_encode(handle));
    ASSERT_EQ(unresolved.status, 200) << unresolved;
    EXPECT_EQ(array_size(unresolved, "/accounts"), 0) << "not known yet, and resolve was not asked";
    auto resolved = alice.get("/api/v2/search?type=accounts&resolve=true&q=" + percent_encode("@" + handle));
    ASSERT_EQ(resolved.status, 200) << resolved;
    EXPECT_EQ(array_size(resolved, "/accounts"), 1) << resolved;
    EXPECT_EQ(json_string(resolved.json(), "/accounts/0/acct"), handle);
    auto known = alice.get("/api/v2/search?type=accounts&q=bo");
    EXPECT_EQ(json_string(known.json(), "/accounts/0/acct"), handle)
        << "a known remote actor is found by prefix";
}

// A followers-only post's hashtags travel as Hashtag tags and come out as the Status entity's
// tags and in the tag timeline of the follower's instance.
TEST_F(SearchFederation, HashtagsTravelWithFollowersPosts)
{
    auto alice = pharmacy_.client();
    ASSERT_EQ(alice.sign_in("alice", fixture_password).status, 200);
    auto bob = nursing_.client();
    ASSERT_EQ(bob.sign_in("bob", fixture_password).status, 200);
    auto found = bob.get("/api/v1/accounts/lookup?acct=" + percent_encode("alice@" + pharmacy_.host()));
    ASSERT_EQ(found.status, 200) << found;
    const std::string alice_id = json_string(found.json(), "/id");
    ASSERT_EQ(bob.post_form("/api/v1/accounts/" + alice_id + "/follow", {}).status, 200);
    auto deadline = std::chrono::steady_clock::now() + 15s;
    auto following = [&] {
        auto r = bob.post_form("/api/v1/accounts/" + alice_id + "/follow", {});
        auto doc = r.json();
        return r.status == 200 && doc.IsObject() && doc.HasMember("following") && doc["following"].IsTrue();
    };
    while (!following() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(following()) << "the Accept never arrived";

    auto posted = alice.post_form("/api/v1/statuses",
        { { "status", "Nouvelle #Garde de nuit #pharmacie" }, { "visibility", "private" } });
    ASSERT_EQ(posted.status, 200) << posted;
    HttpResponse timeline;
    while (std::chrono::steady_clock::now() < deadline + 15s) {
        timeline = bob.get("/api/v1/timelines/tag/garde");
        if (array_size(timeline, "") == 1)
            break;
        std::this_thread::sleep_for(50ms);
    }
    ASSERT_EQ(array_size(timeline, ""), 1) << timeline;
    auto doc = timeline.json();
    EXPECT_EQ(json_string(doc, "/0/tags/0/name"), "garde");
    EXPECT_EQ(json_string(doc, "/0/tags/1/name"), "pharmacie");
    EXPECT_EQ(json_string(doc, "/0/account/acct"), "alice@" + pharmacy_.host());
}

} // namespace
} // namespace confrere::testkit
