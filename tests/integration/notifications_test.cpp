// Notifications and markers against the real binary, as Mastodon clients use them: a follow, a
// follow request, a mention, favourites and reblogs arrive as Notification entities; paging
// with Link headers; types[]/exclude_types[]/account_id filters; dismiss and clear; markers and
// the unread count; and the refusals (bad token, missing scope, unknown id).
#include "tests/integration/scenario.hpp"
#include "tests/support/test_store.hpp"

#include <regex>

namespace confrere::testkit {
namespace {

class Notifications : public IntegrationTest {
protected:
    void SetUp() override
    {
        IntegrationTest::SetUp();
        alice_ = std::make_unique<HttpClient>(member("alice"));
        bob_ = std::make_unique<HttpClient>(member("bob"));
        alice_id_ = id_of(*alice_);
        bob_id_ = id_of(*bob_);
    }

    static std::string id_of(HttpClient& client)
    {
        auto me = client.get("/api/v1/accounts/verify_credentials");
        EXPECT_EQ(me.status, 200) << me;
        auto doc = me.json();
        return json_string(doc, "/id");
    }

    // Posts and returns the new status's id.
    static std::string post(
        HttpClient& client, const std::string& text, const std::string& visibility = "public")
    {
        auto r = client.post_form("/api/v1/statuses", { { "status", text }, { "visibility", visibility } });
        EXPECT_EQ(r.status, 200) << r;
        auto doc = r.json();
        return json_string(doc, "/id");
    }

    // The notifications array of GET `path` (ADD_FAILURE unless 200 and an array).
    static rapidjson::Document list(HttpClient& client, const std::string& path = "/api/v1/notifications")
    {
        auto r = client.get(path);
        EXPECT_EQ(r.status, 200) << r;
        auto doc = r.json();
        EXPECT_TRUE(!doc.HasParseError() && doc.IsArray()) << r;
        return doc;
    }

    // "type:account.acct" of each notification, newest first.
    static std::vector<std::string> summary(
        HttpClient& client, const std::string& path = "/api/v1/notifications")
    {
        auto doc = list(client, path);
        std::vector<std::string> out;
        if (doc.IsArray())
            for (const auto& n : doc.GetArray())
                out.push_back(json_string(n, "/type") + ":" + json_string(n, "/account/acct"));
        return out;
    }

    std::unique_ptr<HttpClient> alice_, bob_;
    std::string alice_id_, bob_id_;
};

// The integer at a JSON Pointer, -1 when absent or not an integer.
std::int64_t int_at(const rapidjson::Value& root, const char* pointer)
{
    const auto* v = json_at(root, pointer);
    return v && v->IsInt64() ? v->GetInt64() : -1;
}

// Whether the value at a JSON Pointer is the boolean `expected`.
bool bool_at(const rapidjson::Value& root, const char* pointer, bool expected)
{
    const auto* v = json_at(root, pointer);
    return v && v->IsBool() && v->GetBool() == expected;
}

// The path and query of the Link header's `rel` URL ("" when absent).
std::string link_target(const HttpResponse& r, const std::string& rel)
{
    std::smatch m;
    std::string header = r.header("Link");
    if (std::regex_search(header, m, std::regex("<https?://[^/>]+(/[^>]*)>; rel=\"" + rel + "\"")))
        return m[1];
    return {};
}

TEST_F(Notifications, AFollowNotifiesTheFolloweeWithTheFollowersAccount)
{
    ASSERT_EQ(bob_->post_form("/api/v1/accounts/" + alice_id_ + "/follow", {}).status, 200);
    auto doc = list(*alice_);
    ASSERT_TRUE(doc.IsArray());
    ASSERT_EQ(doc.Size(), 1u);
    const auto& n = doc[0];
    EXPECT_EQ(json_string(n, "/type"), "follow");
    EXPECT_EQ(json_string(n, "/account/id"), bob_id_);
    EXPECT_EQ(json_string(n, "/account/acct"), "bob");
    EXPECT_TRUE(json_at(n, "/id") && json_at(n, "/id")->IsString());
    EXPECT_TRUE(std::regex_match(
        json_string(n, "/created_at"), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
        << json_string(n, "/created_at");
    EXPECT_FALSE(n.HasMember("status")) << "a follow is about no status";
    EXPECT_TRUE(summary(*bob_).empty());

    auto one = alice_->get("/api/v1/notifications/" + json_string(n, "/id"));
    ASSERT_EQ(one.status, 200) << one;
    auto one_doc = one.json();
    EXPECT_EQ(json_string(one_doc, "/type"), "follow");
}

TEST_F(Notifications, ALockedAccountGetsAFollowRequest)
{
    ASSERT_TRUE(exec_sql(instance_.db_path(), "UPDATE accounts SET locked = 1 WHERE username = 'alice'"));
    auto follow = bob_->post_form("/api/v1/accounts/" + alice_id_ + "/follow", {});
    ASSERT_EQ(follow.status, 200) << follow;
    auto relationship = follow.json();
    EXPECT_TRUE(bool_at(relationship, "/requested", true)) << follow;
    EXPECT_EQ(summary(*alice_), (std::vector<std::string> { "follow_request:bob" }));
    ASSERT_EQ(alice_->post_form("/api/v1/follow_requests/" + bob_id_ + "/authorize", {}).status, 200);
    EXPECT_TRUE(summary(*alice_).empty()) << "an answered request leaves the list, and makes no follow";
}

TEST_F(Notifications, AMentionCarriesTheStatusAsTheRecipientSeesIt)
{
    const std::string status_id = post(*bob_, "@alice une question sur un traitement");
    auto doc = list(*alice_);
    ASSERT_TRUE(doc.IsArray());
    ASSERT_EQ(doc.Size(), 1u);
    EXPECT_EQ(json_string(doc[0], "/type"), "mention");
    EXPECT_EQ(json_string(doc[0], "/account/acct"), "bob");
    EXPECT_EQ(json_string(doc[0], "/status/id"), status_id);
    EXPECT_EQ(json_string(doc[0], "/status/account/id"), bob_id_);
    EXPECT_EQ(json_string(doc[0], "/status/mentions/0/acct"), "alice");
    EXPECT_TRUE(bool_at(doc[0], "/status/favourited", false));
}

TEST_F(Notifications, FavouritesAndReblogsNotifyAndUnfavouriteRemovesIt)
{
    const std::string status_id = post(*alice_, "Rupture de stock d'amoxicilline");
    ASSERT_EQ(bob_->post_form("/api/v1/statuses/" + status_id + "/favourite", {}).status, 200);
    ASSERT_EQ(bob_->post_form("/api/v1/statuses/" + status_id + "/reblog", {}).status, 200);
    ASSERT_EQ(alice_->post_form("/api/v1/statuses/" + status_id + "/favourite", {}).status, 200);
    EXPECT_EQ(summary(*alice_), (std::vector<std::string> { "reblog:bob", "favourite:bob" }))
        << "never for one's own favourite";
    auto doc = list(*alice_);
    ASSERT_TRUE(doc.IsArray() && doc.Size() == 2u);
    EXPECT_EQ(json_string(doc[1], "/status/id"), status_id);
    EXPECT_TRUE(bool_at(doc[1], "/status/favourited", true))
        << "the status as alice sees it: she favourited it too";
    ASSERT_EQ(bob_->post_form("/api/v1/statuses/" + status_id + "/unfavourite", {}).status, 200);
    EXPECT_EQ(summary(*alice_), (std::vector<std::string> { "reblog:bob" }));
    ASSERT_EQ(alice_->del("/api/v1/statuses/" + status_id).status, 200);
    EXPECT_TRUE(summary(*alice_).empty()) << "deleting the status removes what was about it";
}

TEST_F(Notifications, PagesFollowTheLinkHeaderBothWays)
{
    std::vector<std::string> statuses;
    for (int i = 0; i < 5; ++i) {
        statuses.push_back(post(*alice_, "Message " + std::to_string(i)));
        ASSERT_EQ(bob_->post_form("/api/v1/statuses/" + statuses.back() + "/favourite", {}).status, 200);
    }
    auto first = alice_->get("/api/v1/notifications?limit=2&types[]=favourite");
    ASSERT_EQ(first.status, 200) << first;
    auto first_doc = first.json();
    ASSERT_EQ(first_doc.Size(), 2u);
    EXPECT_EQ(json_string(first_doc[0], "/status/id"), statuses[4]);
    std::string next = link_target(first, "next");
    ASSERT_NE(next.find("max_id="), std::string::npos) << first.header("Link");
    EXPECT_NE(next.find("types"), std::string::npos) << "the filters are kept";
    auto second = alice_->get(next);
    ASSERT_EQ(second.status, 200) << second;
    auto second_doc = second.json();
    ASSERT_EQ(second_doc.Size(), 2u);
    EXPECT_EQ(json_string(second_doc[0], "/status/id"), statuses[2]);
    EXPECT_EQ(json_string(second_doc[1], "/status/id"), statuses[1]);
    std::string prev = link_target(second, "prev");
    ASSERT_NE(prev.find("min_id="), std::string::npos) << second.header("Link");
    auto back = alice_->get(prev);
    ASSERT_EQ(back.status, 200) << back;
    auto back_doc = back.json();
    ASSERT_EQ(back_doc.Size(), 2u) << "min_id: the two just newer, newest first";
    EXPECT_EQ(json_string(back_doc[0], "/status/id"), statuses[4]);
    EXPECT_EQ(json_string(back_doc[1], "/status/id"), statuses[3]);
    auto past_the_end = alice_->get(link_target(alice_->get(link_target(second, "next")), "next"));
    EXPECT_EQ(past_the_end.status, 200);
    EXPECT_TRUE(past_the_end.header("Link").empty()) << "an empty page has no Link";
}

TEST_F(Notifications, TypesExcludeTypesAndAccountIdFilterAndUnknownTypesAreIgnored)
{
    create_account("carol", "member", true);
    auto carol = signed_in("carol");
    ASSERT_EQ(bob_->post_form("/api/v1/accounts/" + alice_id_ + "/follow", {}).status, 200);
    post(carol, "@alice bonjour");
    const std::string status_id = post(*alice_, "Garde ce week-end");
    ASSERT_EQ(bob_->post_form("/api/v1/statuses/" + status_id + "/favourite", {}).status, 200);

    EXPECT_EQ(
        summary(*alice_), (std::vector<std::string> { "favourite:bob", "mention:carol", "follow:bob" }));
    EXPECT_EQ(summary(*alice_, "/api/v1/notifications?types[]=follow&types[]=mention"),
        (std::vector<std::string> { "mention:carol", "follow:bob" }));
    EXPECT_EQ(summary(*alice_, "/api/v1/notifications?exclude_types[]=follow&exclude_types[]=poll"),
        (std::vector<std::string> { "favourite:bob", "mention:carol" }));
    EXPECT_EQ(summary(*alice_, "/api/v1/notifications?types[]=follow&types[]=admin.sign_up"),
        (std::vector<std::string> { "follow:bob" }));
    EXPECT_TRUE(summary(*alice_, "/api/v1/notifications?types[]=poll").empty())
        << "types naming only unknown types select nothing, as Mastodon does";
    EXPECT_EQ(summary(*alice_, "/api/v1/notifications?account_id=" + bob_id_),
        (std::vector<std::string> { "favourite:bob", "follow:bob" }));
}

TEST_F(Notifications, DismissRemovesOneAndClearRemovesAll)
{
    ASSERT_EQ(bob_->post_form("/api/v1/accounts/" + alice_id_ + "/follow", {}).status, 200);
    post(*bob_, "@alice un cas");
    auto doc = list(*alice_);
    ASSERT_TRUE(doc.IsArray() && doc.Size() == 2u);
    const std::string mention = json_string(doc[0], "/id");
    EXPECT_TRUE(is_json_error(bob_->post_form("/api/v1/notifications/" + mention + "/dismiss", {}), 404))
        << "nobody dismisses someone else's notification";
    auto dismissed = alice_->post_form("/api/v1/notifications/" + mention + "/dismiss", {});
    ASSERT_EQ(dismissed.status, 200) << dismissed;
    EXPECT_EQ(dismissed.body, "{}");
    EXPECT_TRUE(is_json_error(alice_->get("/api/v1/notifications/" + mention), 404));
    EXPECT_EQ(summary(*alice_), (std::vector<std::string> { "follow:bob" }));
    auto cleared = alice_->post_form("/api/v1/notifications/clear", {});
    ASSERT_EQ(cleared.status, 200) << cleared;
    EXPECT_TRUE(summary(*alice_).empty());
}

TEST_F(Notifications, MarkersRoundTripAndMoveTheUnreadCount)
{
    auto none = alice_->get("/api/v1/markers?timeline[]=home&timeline[]=notifications");
    ASSERT_EQ(none.status, 200) << none;
    EXPECT_EQ(none.body, "{}");

    ASSERT_EQ(bob_->post_form("/api/v1/accounts/" + alice_id_ + "/follow", {}).status, 200);
    post(*bob_, "@alice premier");
    post(*bob_, "@alice second");
    auto count = alice_->get("/api/v1/notifications/unread_count");
    ASSERT_EQ(count.status, 200) << count;
    EXPECT_EQ(count.body, R"({"count":3})");
    auto doc = list(*alice_);
    ASSERT_TRUE(doc.IsArray() && doc.Size() == 3u);
    const std::string middle = json_string(doc[1], "/id");

    auto form = alice_->post_form("/api/v1/markers", { { "notifications[last_read_id]", middle } });
    ASSERT_EQ(form.status, 200) << form;
    auto saved = form.json();
    EXPECT_EQ(json_string(saved, "/notifications/last_read_id"), middle);
    EXPECT_EQ(int_at(saved, "/notifications/version"), 1);
    EXPECT_TRUE(std::regex_match(json_string(saved, "/notifications/updated_at"),
        std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
    EXPECT_FALSE(saved.HasMember("home"));
    count = alice_->get("/api/v1/notifications/unread_count");
    EXPECT_EQ(count.body, R"({"count":1})");
    EXPECT_EQ(alice_->get("/api/v1/notifications/unread_count?types[]=follow").body, R"({"count":0})");

    auto json = alice_->post_json("/api/v1/markers",
        R"({"home":{"last_read_id":"12345"},"notifications":{"last_read_id":")" + json_string(doc[0], "/id")
            + R"("}})");
    ASSERT_EQ(json.status, 200) << json;
    auto both = json.json();
    EXPECT_EQ(json_string(both, "/home/last_read_id"), "12345");
    EXPECT_EQ(int_at(both, "/home/version"), 1);
    EXPECT_EQ(int_at(both, "/notifications/version"), 2);
    EXPECT_EQ(alice_->get("/api/v1/notifications/unread_count").body, R"({"count":0})");

    auto read_back = alice_->get("/api/v1/markers?timeline[]=home&timeline[]=notifications&timeline[]=lists");
    ASSERT_EQ(read_back.status, 200) << read_back;
    auto markers = read_back.json();
    EXPECT_EQ(json_string(markers, "/home/last_read_id"), "12345");
    EXPECT_EQ(int_at(markers, "/notifications/version"), 2);
    auto only_home = alice_->get("/api/v1/markers?timeline[]=home").json();
    EXPECT_FALSE(only_home.HasMember("notifications"));
    EXPECT_TRUE(bob_->get("/api/v1/markers?timeline[]=home").body == "{}")
        << "markers are each account's own";

    EXPECT_TRUE(
        is_json_error(alice_->post_form("/api/v1/markers", { { "home[last_read_id]", "abc" } }), 422));
    EXPECT_TRUE(is_json_error(alice_->post_form("/api/v1/markers", { { "lists[last_read_id]", "1" } }), 422));
}

TEST_F(Notifications, BadTokensMissingScopesAndUnknownIdsAreRefusedInJson)
{
    HttpClient anonymous = instance_.client();
    anonymous.set_bearer("not-a-token");
    EXPECT_TRUE(is_json_error(anonymous.get("/api/v1/notifications"), 401));
    EXPECT_TRUE(is_json_error(anonymous.get("/api/v1/markers?timeline[]=home"), 401));

    HttpClient statuses_only = instance_.client();
    statuses_only.set_bearer(oauth_token("alice", "read:statuses"));
    EXPECT_TRUE(is_json_error(statuses_only.get("/api/v1/notifications"), 403));
    EXPECT_EQ(statuses_only.get("/api/v1/markers?timeline[]=home").status, 200)
        << "markers are read:statuses";

    HttpClient reader = instance_.client();
    reader.set_bearer(oauth_token("alice", "read:notifications"));
    EXPECT_EQ(reader.get("/api/v1/notifications").status, 200);
    EXPECT_EQ(reader.get("/api/v1/notifications/unread_count").status, 200);
    EXPECT_TRUE(is_json_error(reader.post_form("/api/v1/notifications/clear", {}), 403));
    EXPECT_TRUE(is_json_error(reader.post_form("/api/v1/markers", { { "home[last_read_id]", "1" } }), 403));

    HttpClient writer = instance_.client();
    writer.set_bearer(oauth_token("alice", "read:notifications write:notifications"));
    EXPECT_EQ(writer.post_form("/api/v1/notifications/clear", {}).status, 200);
    EXPECT_TRUE(is_json_error(writer.get("/api/v1/notifications/123456789"), 404));
    EXPECT_TRUE(is_json_error(writer.get("/api/v1/notifications/not-an-id"), 404));
    EXPECT_TRUE(is_json_error(writer.post_form("/api/v1/notifications/123456789/dismiss", {}), 404));
}

} // namespace
} // namespace confrere::testkit
