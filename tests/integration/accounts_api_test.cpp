// The real binary: bookmarks, favourites, who interacted, an account's statuses and follow
// lists, account search, update_credentials, v2 instance and preferences, the configured status
// length and Idempotency-Key — with the refusals (unknown ids, bad input, missing scopes).
#include "tests/integration/scenario.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace confrere::testkit {
namespace {

class AccountsApi : public IntegrationTest {
protected:
    explicit AccountsApi(InstanceOptions options = {})
        : IntegrationTest(std::move(options))
    { }

    static std::string id_of(const HttpResponse& response)
    {
        auto doc = response.json();
        return json_string(doc, "/id");
    }

    std::string account_id(HttpClient& client)
    {
        auto me = client.get("/api/v1/accounts/verify_credentials");
        EXPECT_EQ(me.status, 200) << me;
        return id_of(me);
    }

    std::string post_status(
        HttpClient& client, const std::string& text, const std::string& visibility = "public")
    {
        auto response
            = client.post_form("/api/v1/statuses", { { "status", text }, { "visibility", visibility } });
        EXPECT_EQ(response.status, 200) << response;
        return id_of(response);
    }

    static std::vector<std::string> ids(const HttpResponse& response)
    {
        std::vector<std::string> out;
        auto doc = response.json();
        if (!doc.IsArray())
            return out;
        for (const auto& item : doc.GetArray())
            out.push_back(json_string(item, "/id"));
        return out;
    }

    static std::string json_bool(const HttpResponse& response, const char* pointer)
    {
        auto doc = response.json();
        const rapidjson::Value* v = json_at(doc, pointer);
        return v == nullptr || !v->IsBool() ? "absent" : v->GetBool() ? "true" : "false";
    }

    HttpResponse patch_form(HttpClient& client, const FormFields& fields)
    {
        return client.request("PATCH", "/api/v1/accounts/update_credentials", url_encode_form(fields),
            "application/x-www-form-urlencoded", {});
    }
};

TEST_F(AccountsApi, ABookmarkShowsInTheStatusAndTheListPagedByItsOwnId)
{
    HttpClient alice = member("alice");
    HttpClient bob = member("bob");
    std::string first = post_status(alice, "Premier cas");
    std::string second = post_status(alice, "Second cas");

    auto marked = bob.post_form("/api/v1/statuses/" + first + "/bookmark", {});
    ASSERT_EQ(marked.status, 200) << marked;
    EXPECT_EQ(json_bool(marked, "/bookmarked"), "true");
    ASSERT_EQ(bob.post_form("/api/v1/statuses/" + first + "/bookmark", {}).status, 200) << "idempotent";
    ASSERT_EQ(bob.post_form("/api/v1/statuses/" + second + "/bookmark", {}).status, 200);
    EXPECT_EQ(json_bool(alice.get("/api/v1/statuses/" + first), "/bookmarked"), "false")
        << "bob's, not alice's";

    auto list = bob.get("/api/v1/bookmarks");
    ASSERT_EQ(list.status, 200) << list;
    EXPECT_EQ(ids(list), (std::vector<std::string> { second, first }));
    std::string link = list.header("Link");
    EXPECT_NE(link.find("rel=\"next\""), std::string::npos) << link;
    EXPECT_EQ(link.find("max_id=" + first + ">"), std::string::npos) << "pages by the bookmark id: " << link;

    auto page = bob.get("/api/v1/bookmarks?limit=1");
    ASSERT_EQ(ids(page), std::vector<std::string> { second });
    std::string next = page.header("Link");
    auto from = next.find("/api/v1/bookmarks");
    auto to = next.find('>');
    ASSERT_NE(from, std::string::npos) << next;
    auto older = bob.get(next.substr(from, to - from));
    EXPECT_EQ(ids(older), std::vector<std::string> { first }) << next;

    auto unmarked = bob.post_form("/api/v1/statuses/" + first + "/unbookmark", {});
    ASSERT_EQ(unmarked.status, 200) << unmarked;
    EXPECT_EQ(json_bool(unmarked, "/bookmarked"), "false");
    EXPECT_EQ(ids(bob.get("/api/v1/bookmarks")), std::vector<std::string> { second });

    ASSERT_EQ(alice.del("/api/v1/statuses/" + second).status, 200);
    EXPECT_TRUE(ids(bob.get("/api/v1/bookmarks")).empty()) << "a deleted status leaves the list";
    EXPECT_TRUE(is_json_error(bob.post_form("/api/v1/statuses/987654321/bookmark", {}), 404));
}

TEST_F(AccountsApi, FavouritesAndWhoFavouritedOrBoosted)
{
    HttpClient alice = member("alice");
    HttpClient bob = member("bob");
    std::string status = post_status(alice, "Nouveau protocole");
    ASSERT_EQ(bob.post_form("/api/v1/statuses/" + status + "/favourite", {}).status, 200);
    ASSERT_EQ(bob.post_form("/api/v1/statuses/" + status + "/reblog", {}).status, 200);

    auto favourites = bob.get("/api/v1/favourites");
    ASSERT_EQ(favourites.status, 200) << favourites;
    EXPECT_EQ(ids(favourites), std::vector<std::string> { status });
    EXPECT_FALSE(favourites.header("Link").empty());
    EXPECT_TRUE(ids(alice.get("/api/v1/favourites")).empty());

    for (const char* who : { "favourited_by", "reblogged_by" }) {
        auto accounts = alice.get("/api/v1/statuses/" + status + "/" + who);
        ASSERT_EQ(accounts.status, 200) << accounts;
        auto doc = accounts.json();
        ASSERT_TRUE(doc.IsArray() && doc.Size() == 1) << accounts;
        EXPECT_EQ(json_string(doc, "/0/username"), "bob");
    }
    EXPECT_TRUE(is_json_error(alice.get("/api/v1/statuses/987654321/favourited_by"), 404));
    std::string hidden = post_status(alice, "Abonnés seulement", "private");
    EXPECT_TRUE(is_json_error(bob.get("/api/v1/statuses/" + hidden + "/reblogged_by"), 404));
}

// Mastodon's reblog wrapper: a Status of its own (the boost's id, account and date, no
// content) around the boosted one, answered by POST …/reblog, listed in the home timeline of
// the booster's followers and on the booster's profile, and paged with the statuses.
TEST_F(AccountsApi, ABoostIsAWrapperStatusAndAHomeEntryOfItsOwn)
{
    auto alice = member("alice");
    auto bob = member("bob");
    auto carol = member("carol");
    std::string bob_id = account_id(bob);
    ASSERT_EQ(carol.post_form("/api/v1/accounts/" + bob_id + "/follow", {}).status, 200);
    std::string older = post_status(bob, "Avant le partage");
    std::string status = post_status(alice, "Alerte ANSM : rappel de lot");

    auto boosted = bob.post_form("/api/v1/statuses/" + status + "/reblog", {});
    ASSERT_EQ(boosted.status, 200) << boosted;
    auto wrapper = boosted.json();
    std::string boost = json_string(wrapper, "/id");
    EXPECT_GT(boost.size(), 0u);
    EXPECT_NE(boost, status);
    EXPECT_EQ(json_string(wrapper, "/account/username"), "bob");
    EXPECT_EQ(json_string(wrapper, "/content"), "");
    EXPECT_EQ(json_string(wrapper, "/visibility"), "public");
    EXPECT_EQ(json_string(wrapper, "/reblog/id"), status);
    EXPECT_EQ(json_string(wrapper, "/reblog/account/username"), "alice");
    EXPECT_EQ(json_bool(boosted, "/reblog/reblogged"), "true");
    EXPECT_EQ(json_bool(boosted, "/reblogged"), "true") << "the wrapper carries the viewer's flags of its status";
    EXPECT_NE(json_string(wrapper, "/created_at").find('.'), std::string::npos) << "fractional seconds";
    auto again = bob.post_form("/api/v1/statuses/" + status + "/reblog", {});
    EXPECT_EQ(id_of(again), boost) << "boosting twice is one boost";

    // Carol follows bob only: his boost is her newest entry, the post itself never shows.
    auto home = carol.get("/api/v1/timelines/home?limit=1");
    ASSERT_EQ(home.status, 200) << home;
    EXPECT_EQ(ids(home), std::vector<std::string> { boost });
    ASSERT_NE(home.header("Link").find("max_id=" + boost), std::string::npos) << home.header("Link");
    auto next = carol.get("/api/v1/timelines/home?limit=1&max_id=" + boost);
    EXPECT_EQ(ids(next), std::vector<std::string> { older }) << "paging runs on past the boost";
    auto prev = carol.get("/api/v1/timelines/home?min_id=" + older);
    EXPECT_EQ(ids(prev), std::vector<std::string> { boost });
    auto fetched = carol.get("/api/v1/statuses/" + boost);
    ASSERT_EQ(fetched.status, 200) << fetched;
    EXPECT_EQ(json_string(fetched.json(), "/reblog/id"), status);
    auto bookmarked = carol.post_form("/api/v1/statuses/" + boost + "/bookmark", {});
    EXPECT_EQ(id_of(bookmarked), status) << "acting on the wrapper acts on its status";
    auto context = carol.get("/api/v1/statuses/" + boost + "/context");
    EXPECT_EQ(context.status, 200) << context;

    auto profile = carol.get("/api/v1/accounts/" + bob_id + "/statuses");
    EXPECT_EQ(ids(profile), (std::vector<std::string> { boost, older }));
    auto without = carol.get("/api/v1/accounts/" + bob_id + "/statuses?exclude_reblogs=true");
    EXPECT_EQ(ids(without), std::vector<std::string> { older });

    // Deleting the wrapper undoes the boost, as Mastodon's clients do it; nobody else may.
    EXPECT_TRUE(is_json_error(carol.del("/api/v1/statuses/" + boost), 404));
    auto undone = bob.del("/api/v1/statuses/" + boost);
    ASSERT_EQ(undone.status, 200) << undone;
    EXPECT_EQ(json_string(undone.json(), "/reblog/id"), status);
    EXPECT_TRUE(is_json_error(carol.get("/api/v1/statuses/" + boost), 404));
    EXPECT_EQ(ids(carol.get("/api/v1/timelines/home")), std::vector<std::string> { older });
    auto original = alice.get("/api/v1/statuses/" + status);
    ASSERT_EQ(original.status, 200) << "undoing a boost leaves the status";
    auto counted = original.json();
    const rapidjson::Value* reblogs = json_at(counted, "/reblogs_count");
    ASSERT_TRUE(reblogs != nullptr && reblogs->IsInt());
    EXPECT_EQ(reblogs->GetInt(), 0);
}

TEST_F(AccountsApi, AnAccountsStatusesAndFollowListsShowWhatTheCallerMayRead)
{
    HttpClient alice = member("alice");
    HttpClient bob = member("bob");
    std::string alice_id = account_id(alice);
    std::string bob_id = account_id(bob);
    std::string s1 = post_status(alice, "Un");
    std::string s2 = post_status(alice, "Deux");
    std::string hidden = post_status(alice, "Abonnés", "private");
    std::string s3 = post_status(alice, "Trois");

    auto listed = bob.get("/api/v1/accounts/" + alice_id + "/statuses");
    ASSERT_EQ(listed.status, 200) << listed;
    EXPECT_EQ(ids(listed), (std::vector<std::string> { s3, s2, s1 })) << "not the followers-only one";
    EXPECT_EQ(ids(alice.get("/api/v1/accounts/" + alice_id + "/statuses")),
        (std::vector<std::string> { s3, hidden, s2, s1 }));
    // since_id: the newest above the bound; min_id: the ones just above it.
    EXPECT_EQ(ids(bob.get("/api/v1/accounts/" + alice_id + "/statuses?limit=1&since_id=" + s1)),
        std::vector<std::string> { s3 });
    EXPECT_EQ(ids(bob.get("/api/v1/accounts/" + alice_id + "/statuses?limit=1&min_id=" + s1)),
        std::vector<std::string> { s2 });
    EXPECT_EQ(ids(bob.get("/api/v1/timelines/public?limit=1&min_id=" + s1)), std::vector<std::string> { s2 });
    EXPECT_EQ(bob.get("/api/v1/accounts/" + alice_id + "/statuses?only_media=true").body, "[]");
    EXPECT_EQ(bob.get("/api/v1/accounts/" + alice_id + "/statuses?pinned=true").body, "[]");
    EXPECT_TRUE(is_json_error(bob.get("/api/v1/accounts/987654321/statuses"), 404));

    ASSERT_EQ(bob.post_form("/api/v1/accounts/" + alice_id + "/follow", {}).status, 200);
    EXPECT_EQ(ids(bob.get("/api/v1/accounts/" + alice_id + "/statuses")),
        (std::vector<std::string> { s3, hidden, s2, s1 }))
        << "a follower reads followers-only posts";
    auto followers = alice.get("/api/v1/accounts/" + alice_id + "/followers");
    ASSERT_EQ(followers.status, 200) << followers;
    EXPECT_EQ(ids(followers), std::vector<std::string> { bob_id });
    EXPECT_FALSE(followers.header("Link").empty());
    EXPECT_EQ(
        ids(alice.get("/api/v1/accounts/" + bob_id + "/following")), std::vector<std::string> { alice_id });
    EXPECT_TRUE(ids(alice.get("/api/v1/accounts/" + bob_id + "/followers")).empty());
    EXPECT_TRUE(is_json_error(alice.get("/api/v1/accounts/987654321/followers"), 404));
}

TEST_F(AccountsApi, UpdateCredentialsChangesTheProfileAndRefusesWhatItCannotKeep)
{
    HttpClient alice = member("alice");
    auto updated = patch_form(alice,
        { { "display_name", "Alice, pharmacienne" }, { "note", "Officine <rurale>" }, { "locked", "true" },
            { "discoverable", "1" }, { "bot", "true" }, { "source[language]", "en" } });
    ASSERT_EQ(updated.status, 200) << updated;
    auto doc = updated.json();
    EXPECT_EQ(json_string(doc, "/display_name"), "Alice, pharmacienne");
    EXPECT_EQ(json_string(doc, "/note"), "<p>Officine &lt;rurale&gt;</p>");
    EXPECT_EQ(json_string(doc, "/source/note"), "Officine <rurale>");
    EXPECT_EQ(json_string(doc, "/source/language"), "en");
    EXPECT_EQ(json_bool(updated, "/locked"), "true");
    EXPECT_EQ(json_bool(updated, "/discoverable"), "true");
    EXPECT_EQ(json_bool(updated, "/bot"), "false");

    auto json = alice.request("PATCH", "/api/v1/accounts/update_credentials",
        R"({"locked":false,"source":{"language":"fr"},"fields_attributes":[{"name":"","value":""}]})",
        "application/json", {});
    ASSERT_EQ(json.status, 200) << json;
    EXPECT_EQ(json_bool(json, "/locked"), "false");
    auto json_doc = json.json();
    EXPECT_EQ(json_string(json_doc, "/source/language"), "fr");

    auto too_long = patch_form(alice, { { "display_name", std::string(101, 'x') }, { "locked", "true" } });
    EXPECT_TRUE(is_json_error(too_long, 422));
    EXPECT_FALSE(field_error(too_long, "display_name").empty()) << too_long;
    auto fields = patch_form(
        alice, { { "fields_attributes[0][name]", "Site" }, { "fields_attributes[0][value]", "x" } });
    EXPECT_TRUE(is_json_error(fields, 422));
    EXPECT_FALSE(field_error(fields, "fields_attributes").empty()) << fields;

    std::string body = "--XyZ\r\nContent-Disposition: form-data; name=\"display_name\"\r\n\r\nAvec photo\r\n"
                       "--XyZ\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"a.png\"\r\n"
                       "Content-Type: image/png\r\n\r\n\x89PNG\r\n--XyZ--\r\n";
    auto avatar = alice.request(
        "PATCH", "/api/v1/accounts/update_credentials", body, "multipart/form-data; boundary=XyZ", {});
    EXPECT_TRUE(is_json_error(avatar, 422));
    EXPECT_NE(avatar.body.find("Images are not supported yet"), std::string::npos) << avatar;

    auto now = alice.get("/api/v1/accounts/verify_credentials");
    auto now_doc = now.json();
    EXPECT_EQ(json_string(now_doc, "/display_name"), "Alice, pharmacienne") << "refusals changed nothing";
    EXPECT_EQ(json_bool(now, "/locked"), "false");
}

TEST_F(AccountsApi, SearchFindsListedMembersAndUntrustedHandlesGiveNothing)
{
    HttpClient alice = member("alice");
    HttpClient bob = member("bob");
    ASSERT_EQ(patch_form(alice, { { "discoverable", "true" } }).status, 200);
    auto found = bob.get("/api/v1/accounts/search?q=ALI&limit=5");
    ASSERT_EQ(found.status, 200) << found;
    auto doc = found.json();
    ASSERT_TRUE(doc.IsArray() && doc.Size() == 1) << found;
    EXPECT_EQ(json_string(doc, "/0/acct"), "alice");
    EXPECT_EQ(bob.get("/api/v1/accounts/search?q=bo").body, "[]") << "bob is not listed";
    EXPECT_EQ(bob.get("/api/v1/accounts/search?q=ali&following=true").body, "[]");
    auto remote = bob.get("/api/v1/accounts/search?q=someone%40untrusted.example&resolve=true");
    ASSERT_EQ(remote.status, 200) << remote;
    EXPECT_EQ(remote.body, "[]");
}

TEST_F(AccountsApi, InstanceV2PreferencesAndCustomEmojis)
{
    auto v2 = instance_.client().get("/api/v2/instance");
    ASSERT_EQ(v2.status, 200) << v2;
    auto doc = v2.json();
    EXPECT_EQ(json_string(doc, "/title"), "Confrère Test");
    EXPECT_EQ(json_string(doc, "/version").rfind("4.2.0 (compatible; Confrère ", 0), 0u);
    EXPECT_EQ(json_string(doc, "/configuration/urls/streaming").rfind("ws://127.0.0.1:", 0), 0u);
    EXPECT_EQ(json_bool(v2, "/registrations/approval_required"), "true");
    const rapidjson::Value* max = json_at(doc, "/configuration/statuses/max_characters");
    ASSERT_TRUE(max != nullptr && max->IsUint64());
    EXPECT_EQ(max->GetUint64(), 5000u);
    EXPECT_EQ(instance_.client().get("/api/v1/custom_emojis").body, "[]");

    HttpClient alice = member("alice");
    auto preferences = alice.get("/api/v1/preferences");
    ASSERT_EQ(preferences.status, 200) << preferences;
    auto prefs = preferences.json();
    EXPECT_EQ(json_string(prefs, "/posting:default:visibility"), "public");
    EXPECT_EQ(json_string(prefs, "/posting:default:language"), "fr");
    EXPECT_TRUE(is_json_error(instance_.client().get("/api/v1/preferences"), 401));
}

TEST_F(AccountsApi, ARepeatedIdempotencyKeyReturnsTheSameStatusAndCreatesNoOther)
{
    HttpClient alice = member("alice");
    httplib::Headers key { { "Idempotency-Key", "tusky-7f3a" } };
    auto first = alice.post_form("/api/v1/statuses", { { "status", "Garde ce week-end" } }, key);
    ASSERT_EQ(first.status, 200) << first;
    auto again = alice.post_form("/api/v1/statuses", { { "status", "Garde ce week-end" } }, key);
    ASSERT_EQ(again.status, 200) << again;
    EXPECT_EQ(id_of(again), id_of(first));
    EXPECT_EQ(ids(alice.get("/api/v1/accounts/" + account_id(alice) + "/statuses")),
        std::vector<std::string> { id_of(first) });
    auto too_long = alice.post_form(
        "/api/v1/statuses", { { "status", "x" } }, { { "Idempotency-Key", std::string(65, 'k') } });
    EXPECT_TRUE(is_json_error(too_long, 422));
}

TEST_F(AccountsApi, EndpointsNeedTheirScope)
{
    member("alice");
    std::string token = oauth_token("alice", "read:statuses");
    httplib::Headers bearer { { "Authorization", "Bearer " + token } };
    HttpClient client = instance_.client();
    EXPECT_TRUE(is_json_error(client.get("/api/v1/bookmarks", bearer), 403));
    EXPECT_TRUE(is_json_error(client.get("/api/v1/favourites", bearer), 403));
    EXPECT_TRUE(is_json_error(client.request("PATCH", "/api/v1/accounts/update_credentials", "display_name=x",
                                  "application/x-www-form-urlencoded", bearer),
        403));
    EXPECT_EQ(client.get("/api/v1/timelines/home", bearer).status, 200);
}

// A second instance, started with a small limit, proves the limit comes from the configuration.
class ShortStatuses : public AccountsApi {
protected:
    ShortStatuses()
        : AccountsApi(short_limit())
    { }
    static InstanceOptions short_limit()
    {
        InstanceOptions options;
        options.status_max_characters = 20;
        return options;
    }
};

TEST_F(ShortStatuses, TheConfiguredLimitCountsCharactersAndIsShownInTheInstance)
{
    HttpClient alice = member("alice");
    auto accepted = alice.post_form("/api/v1/statuses", { { "status", "éééééééééééééééééééé" } });
    EXPECT_EQ(accepted.status, 200) << accepted << " (20 characters, 40 bytes)";
    auto refused = alice.post_form("/api/v1/statuses", { { "status", std::string(21, 'a') } });
    EXPECT_TRUE(is_json_error(refused, 422));
    EXPECT_EQ(field_description(refused, "status"), "Text character limit of 20 exceeded") << refused;
    for (const char* path : { "/api/v1/instance", "/api/v2/instance" }) {
        auto instance = instance_.client().get(path);
        auto doc = instance.json();
        const rapidjson::Value* max = json_at(doc, "/configuration/statuses/max_characters");
        ASSERT_TRUE(max != nullptr && max->IsUint64()) << path;
        EXPECT_EQ(max->GetUint64(), 20u) << path;
    }
    auto v1 = instance_.client().get("/api/v1/instance");
    auto v1_doc = v1.json();
    const rapidjson::Value* toot_chars = json_at(v1_doc, "/max_toot_chars");
    ASSERT_TRUE(toot_chars != nullptr && toot_chars->IsUint64()) << v1;
    EXPECT_EQ(toot_chars->GetUint64(), 20u);
}

} // namespace
} // namespace confrere::testkit
