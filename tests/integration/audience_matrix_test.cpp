// The audience matrix (issue 4, DESIGN rules 1–3): three real instances on loopback — pharmacy
// (the author's), nursing (trusted both ways) and podiatry (which pharmacy does not trust) — and,
// for every audience and every kind of reader, what that reader sees through the client API of
// its own instance, what the author's instance serves it through ActivityPub, and where the
// author's instance queued the Create. Then what must never leave the author's instance: the
// text of every `instance` post, searched for in the other instances' database files, in the
// author's delivery queue and in every log. The table is a list of rows so that `group` rows
// (group member local/remote, remote non-member) can be appended when groups land.
#include "federation/http_signature.hpp"
#include "tests/integration/federation_kit.hpp"
#include "tests/support/test_store.hpp"

#include <algorithm>
#include <array>
#include <map>

namespace confrere::testkit {
namespace {

enum class Reader {
    Author, // alice@pharmacy
    LocalMember, // lucie@pharmacy, who does not follow the author
    LocalFollower, // marc@pharmacy, an accepted follower
    RemoteFollower, // bob@nursing, an accepted follower
    RemoteNonFollower, // dave@nursing, neither following nor mentioned
    RemoteMentioned, // erin@nursing, mentioned by every post, not following
    Untrusted, // carol@podiatry, whose instance pharmacy does not trust
    Anonymous, // no session, no signature
};

std::string_view name_of(Reader reader)
{
    switch (reader) {
    case Reader::Author: return "author";
    case Reader::LocalMember: return "local member";
    case Reader::LocalFollower: return "local follower";
    case Reader::RemoteFollower: return "remote follower";
    case Reader::RemoteNonFollower: return "remote non-follower";
    case Reader::RemoteMentioned: return "remote mentioned";
    case Reader::Untrusted: return "untrusted instance";
    case Reader::Anonymous: return "anonymous";
    }
    return "?";
}

// One row of the matrix.
//   visible:   the reader finds the post through the client API of its own instance; for a
//              reader on a trusted peer, the author's instance also serves the Note to a GET
//              signed by that reader (the same rule, asked from the other side).
//   delivered: the author's instance queued the Create (for a group post: the group's
//              Announces) to an inbox on the reader's instance (its own or the instance's shared
//              inbox: the receiving instance then decides who reads it, which `visible` checks).
//   served:    for a group post, the Note is served to a signed GET from any instance that has
//              an accepted member in the group (that instance decides who reads it); for the
//              other audiences it is `visible` (Served::AsVisible).
enum class Served { AsVisible, Yes };
struct Case {
    std::string_view audience; // what the author chose: instance, followers, direct, group
    Reader reader;
    bool visible;
    bool delivered;
    Served served = Served::AsVisible;
};

constexpr std::array kMatrix {
    Case { "instance", Reader::Author, true, false },
    Case { "instance", Reader::LocalMember, true, false },
    Case { "instance", Reader::LocalFollower, true, false },
    Case { "instance", Reader::RemoteFollower, false, false },
    Case { "instance", Reader::RemoteNonFollower, false, false },
    Case { "instance", Reader::RemoteMentioned, false, false },
    Case { "instance", Reader::Untrusted, false, false },
    Case { "instance", Reader::Anonymous, false, false },

    Case { "followers", Reader::Author, true, false },
    Case { "followers", Reader::LocalMember, false, false },
    Case { "followers", Reader::LocalFollower, true, false },
    Case { "followers", Reader::RemoteFollower, true, true },
    Case { "followers", Reader::RemoteNonFollower, false, true },
    Case { "followers", Reader::RemoteMentioned, true, true },
    Case { "followers", Reader::Untrusted, false, false },
    Case { "followers", Reader::Anonymous, false, false },

    Case { "direct", Reader::Author, true, false },
    Case { "direct", Reader::LocalMember, false, false },
    Case { "direct", Reader::LocalFollower, false, false },
    Case { "direct", Reader::RemoteFollower, false, true },
    Case { "direct", Reader::RemoteNonFollower, false, true },
    Case { "direct", Reader::RemoteMentioned, true, true },
    Case { "direct", Reader::Untrusted, false, false },
    Case { "direct", Reader::Anonymous, false, false },
    // A group of pharmacy (interdisciplinary) that the author and the remote follower joined;
    // the post still mentions erin and carol, who are not members: a mention never widens it.
    Case { "group", Reader::Author, true, false },
    Case { "group", Reader::LocalMember, false, false },
    Case { "group", Reader::LocalFollower, false, false },
    Case { "group", Reader::RemoteFollower, true, true },
    Case { "group", Reader::RemoteNonFollower, false, true, Served::Yes },
    Case { "group", Reader::RemoteMentioned, false, true, Served::Yes },
    Case { "group", Reader::Untrusted, false, false },
    Case { "group", Reader::Anonymous, false, false },
};

// A word found in one post only (FTS5 indexes it as one token, so search finds it exactly).
std::string marker(std::string_view audience)
{
    return "matrix" + std::string(audience) + "marker";
}

// What the author posted for one audience.
struct Post {
    std::string id; // on pharmacy
    std::string uri;
    std::string text_marker;
};

// The path of an absolute http URL ("http://host:port/users/a/statuses/1" → "/users/a/statuses/1").
std::string path_of(const std::string& url)
{
    auto scheme = url.find("://");
    auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    return slash == std::string::npos ? "/" : url.substr(slash);
}

std::int64_t count(const Instance& instance, std::string_view sql)
{
    auto rows = query_rows(instance.db_path(), sql);
    return rows && rows->size() == 1 && rows->front().size() == 1 ? std::stoll(rows->front().front()) : -1;
}

class AudienceMatrix : public ThreeInstances {
protected:
    void SetUp() override
    {
        ASSERT_NO_FATAL_FAILURE(ThreeInstances::SetUp());
        for (Reader reader : { Reader::Author, Reader::LocalMember, Reader::LocalFollower, Reader::RemoteFollower,
                 Reader::RemoteNonFollower, Reader::RemoteMentioned, Reader::Untrusted }) {
            create(home_of(reader), username_of(reader));
            clients_.emplace(reader, *sign_in(home_of(reader), username_of(reader)));
        }
        follow_and_wait(client(Reader::LocalFollower), "alice");
        follow_and_wait(client(Reader::RemoteFollower), "alice@" + pharmacy_.host());
        // The group: created by a moderator of pharmacy, joined by the author and the remote
        // follower (bob, on nursing).
        create(pharmacy_, "moderatrice", "moderator");
        auto group = sign_in(pharmacy_, "moderatrice")
                         ->post_form("/api/v1/confrere/groups", { { "name", "plaies" }, { "interdisciplinary", "true" } });
        ASSERT_EQ(group.status, 200) << group;
        group_id_ = json_string(group.json(), "/id");
        ASSERT_EQ(client(Reader::Author).post_form("/api/v1/confrere/groups/" + group_id_ + "/join", {}).status, 200);
        follow_and_wait(client(Reader::RemoteFollower), "plaies@" + pharmacy_.host());
        for (std::string_view audience : { "instance", "followers", "direct", "group" })
            ASSERT_NO_FATAL_FAILURE(publish(audience));
        // Everything pharmacy queued has been answered 2xx: nursing applied it before answering
        // (its inbox is synchronous), so what a reader there cannot find was not given to them.
        ASSERT_TRUE(eventually([&] {
            return count(pharmacy_, "SELECT count(*) FROM deliveries WHERE state <> 'delivered'") == 0;
        })) << "pharmacy's deliveries were not all delivered";
    }

    // Posts `audience`'s text, mentioning erin (trusted peer) and carol (untrusted) in each.
    void publish(std::string_view audience)
    {
        std::string text = "@erin@" + nursing_.host() + " @carol@" + podiatry_.host() + " "
            + marker(audience) + " : plaie du pied, quel pansement ?";
        FormFields fields { { "status", text }, { "visibility", std::string(audience) } };
        if (audience == "group")
            fields = { { "status", text }, { "group_id", group_id_ } };
        auto posted = client(Reader::Author).post_form("/api/v1/statuses", fields);
        ASSERT_EQ(posted.status, 200) << posted;
        auto doc = posted.json();
        ASSERT_EQ(json_string(doc, "/confrere_audience"), audience) << posted;
        posts_[std::string(audience)] = Post { json_string(doc, "/id"), json_string(doc, "/uri"), marker(audience) };
    }

    const Instance& home_of(Reader reader) const
    {
        switch (reader) {
        case Reader::RemoteFollower:
        case Reader::RemoteNonFollower:
        case Reader::RemoteMentioned: return nursing_;
        case Reader::Untrusted: return podiatry_;
        default: return pharmacy_;
        }
    }

    static std::string username_of(Reader reader)
    {
        switch (reader) {
        case Reader::Author: return "alice";
        case Reader::LocalMember: return "lucie";
        case Reader::LocalFollower: return "marc";
        case Reader::RemoteFollower: return "bob";
        case Reader::RemoteNonFollower: return "dave";
        case Reader::RemoteMentioned: return "erin";
        case Reader::Untrusted: return "carol";
        case Reader::Anonymous: return "";
        }
        return "";
    }

    HttpClient& client(Reader reader) { return clients_.at(reader); }

    // Whether `reader` finds the post through the client API of its own instance. Local
    // readers ask for it by id; remote ones cannot know the id of their instance's copy, so
    // they search their instance for its marker (search returns only what the reader may read,
    // the rule GET /api/v1/statuses/:id applies) and then open the copy by id.
    bool finds_through_api(Reader reader, const Post& post)
    {
        if (&home_of(reader) == &pharmacy_) {
            auto seen = client(reader).get("/api/v1/statuses/" + post.id);
            if (seen.status == 200) {
                EXPECT_NE(json_string(seen.json(), "/content").find(post.text_marker), std::string::npos) << seen;
                return true;
            }
            EXPECT_TRUE(is_json_error(seen, 404)) << seen;
            EXPECT_EQ(seen.body.find(post.text_marker), std::string::npos) << seen;
            return false;
        }
        auto found = client(reader).get("/api/v2/search?type=statuses&q=" + post.text_marker);
        EXPECT_EQ(found.status, 200) << found;
        auto doc = found.json();
        std::string copy = json_string(doc, "/statuses/0/id");
        if (copy.empty())
            return false;
        auto seen = client(reader).get("/api/v1/statuses/" + copy);
        EXPECT_EQ(seen.status, 200) << seen;
        EXPECT_NE(json_string(seen.json(), "/content").find(post.text_marker), std::string::npos) << seen;
        return seen.status == 200;
    }

    // GET of the status URI as ActivityPub, signed with `reader`'s key as stored by its own
    // instance (the signer every peer verifies against), through the federation library's signer.
    HttpResponse signed_fetch(Reader reader, const std::string& path)
    {
        const Instance& home = home_of(reader);
        auto pem = query_rows(
            home.db_path(), "SELECT private_key_pem FROM accounts WHERE username = ?1", { username_of(reader) });
        EXPECT_TRUE(pem && pem->size() == 1) << "no key for " << username_of(reader);
        if (!pem || pem->size() != 1)
            return {};
        auto key = federation::parse_private_key_pem(pem->front().front());
        EXPECT_TRUE(key.has_value());
        if (!key)
            return {};
        std::string key_id = home.base_url() + "/users/" + username_of(reader) + "#main-key";
        auto signed_headers
            = federation::sign_get(*key, key_id, pharmacy_.host(), path, std::chrono::system_clock::now());
        EXPECT_TRUE(signed_headers.has_value());
        if (!signed_headers)
            return {};
        return pharmacy_.client().get(path,
            { { "Host", pharmacy_.host() }, { "Date", signed_headers->date }, { "Accept", signed_headers->accept },
                { "Signature", signed_headers->signature } });
    }

    // Checks what the author's instance serves `reader` through ActivityPub.
    void check_served(const Case& c, const Post& post)
    {
        std::string path = path_of(post.uri);
        if (c.reader == Reader::Anonymous) {
            auto unsigned_get = pharmacy_.client().get(path, { { "Accept", "application/activity+json" } });
            EXPECT_TRUE(is_json_error(unsigned_get, 401)) << unsigned_get;
            EXPECT_EQ(unsigned_get.body.find(post.text_marker), std::string::npos) << unsigned_get;
            return;
        }
        if (&home_of(c.reader) == &pharmacy_)
            return; // local readers use the client API, checked above
        auto fetched = signed_fetch(c.reader, path);
        if (c.reader == Reader::Untrusted) {
            EXPECT_TRUE(is_json_error(fetched, 403)) << fetched;
        } else if (c.visible || c.served == Served::Yes) {
            EXPECT_EQ(fetched.status, 200) << fetched;
            EXPECT_NE(fetched.body.find(post.text_marker), std::string::npos) << fetched;
            EXPECT_NE(fetched.header("Content-Type").find("application/activity+json"), std::string::npos) << fetched;
        } else {
            EXPECT_TRUE(is_json_error(fetched, 404)) << fetched;
        }
        EXPECT_EQ(fetched.body.find(post.text_marker) != std::string::npos, c.visible || c.served == Served::Yes)
            << fetched;
    }

    // The hosts of the inboxes the Create of `post` was queued to on pharmacy.
    std::vector<std::string> delivery_hosts(const Post& post)
    {
        auto rows = query_rows(pharmacy_.db_path(),
            "SELECT d.host FROM deliveries d JOIN outbound_activities o ON o.id = d.activity_id"
            " WHERE o.uri = ?1 || '/activity' OR (o.signer_group_id IS NOT NULL AND instr(o.json, ?1) > 0)",
            { post.uri });
        EXPECT_TRUE(rows.has_value());
        std::vector<std::string> hosts;
        for (const auto& row : rows.value_or(std::vector<std::vector<std::string>> {}))
            hosts.push_back(row.front());
        return hosts;
    }

    std::map<Reader, HttpClient> clients_;
    std::map<std::string, Post> posts_;
    std::string group_id_;
};

TEST_F(AudienceMatrix, EveryReaderSeesReceivesAndFetchesExactlyWhatTheAudienceAllows)
{
    for (const Case& c : kMatrix) {
        SCOPED_TRACE(std::string(c.audience) + " post, read by the " + std::string(name_of(c.reader)));
        const Post& post = posts_.at(std::string(c.audience));
        if (c.reader == Reader::Anonymous) {
            auto anonymous = pharmacy_.client().get("/api/v1/statuses/" + post.id);
            EXPECT_TRUE(is_json_error(anonymous, 401)) << anonymous;
            EXPECT_FALSE(c.visible) << "the table cannot make a post visible without a session";
        } else {
            EXPECT_EQ(finds_through_api(c.reader, post), c.visible) << "visible through the client API";
        }
        check_served(c, post);
        if (c.reader == Reader::Untrusted) {
            EXPECT_FALSE(database_contains(podiatry_, post.text_marker)) << "the untrusted instance stored it";
        }
        std::string reader_host = c.reader == Reader::Anonymous ? pharmacy_.host() : home_of(c.reader).host();
        auto hosts = delivery_hosts(post);
        EXPECT_EQ(std::find(hosts.begin(), hosts.end(), reader_host) != hosts.end(), c.delivered)
            << "delivered to the reader's instance (" << hosts.size() << " deliveries of the Create)";
    }
}

TEST_F(AudienceMatrix, EachCreateGoesOnceToTheSharedInboxOfTheTrustedPeerAndNowhereElse)
{
    for (std::string_view audience : { "followers", "direct" }) {
        SCOPED_TRACE(std::string(audience) + " post");
        auto rows = query_rows(pharmacy_.db_path(),
            "SELECT d.inbox, d.state FROM deliveries d JOIN outbound_activities o ON o.id = d.activity_id"
            " WHERE o.uri = ?1 || '/activity' OR (o.signer_group_id IS NOT NULL AND instr(o.json, ?1) > 0)",
            { posts_.at(std::string(audience)).uri });
        ASSERT_TRUE(rows.has_value());
        ASSERT_EQ(rows->size(), 1u);
        EXPECT_EQ(rows->front()[0], nursing_.base_url() + "/inbox");
        EXPECT_EQ(rows->front()[1], "delivered");
    }
    EXPECT_EQ(count(pharmacy_,
                  "SELECT count(*) FROM outbound_activities WHERE uri = '" + posts_.at("instance").uri + "/activity'"),
        0);
}

// DESIGN rule 2: "Content for `instance` never appears in any outbound request, remote fetch
// answer or log shipped off the machine." The instance post is also replied to, edited,
// favourited and boosted by a member whom a remote colleague follows; a followers-only post of
// that member, sent last, tells when everything queued before it has been delivered.
TEST_F(AudienceMatrix, NothingOfAnInstancePostEverLeavesItsInstance)
{
    const Post& post = posts_.at("instance");
    follow_and_wait(client(Reader::RemoteFollower), "marc@" + pharmacy_.host());
    auto& marc = client(Reader::LocalFollower);
    auto reply = marc.post_form("/api/v1/statuses",
        { { "status", "matrixinstancereply : hydrocolloïde" }, { "in_reply_to_id", post.id },
            { "visibility", "instance" } });
    ASSERT_EQ(reply.status, 200) << reply;
    auto edited = client(Reader::Author).request("PUT", "/api/v1/statuses/" + post.id,
        "status=matrixinstanceedited+%3A+plaie+du+pied", "application/x-www-form-urlencoded", {});
    ASSERT_EQ(edited.status, 200) << edited;
    ASSERT_EQ(marc.post_form("/api/v1/statuses/" + post.id + "/favourite", {}).status, 200);
    auto boost = marc.post_form("/api/v1/statuses/" + post.id + "/reblog", {});
    ASSERT_EQ(boost.status, 200) << boost;
    ASSERT_EQ(marc.post_form("/api/v1/statuses", { { "status", "matrixsyncmarker" }, { "visibility", "followers" } })
                  .status,
        200);
    ASSERT_TRUE(eventually([&] {
        return count(pharmacy_, "SELECT count(*) FROM deliveries WHERE state <> 'delivered'") == 0
            && database_contains(nursing_, "matrixsyncmarker");
    })) << "the followers-only post sent last never arrived";

    auto outbound = query_rows(pharmacy_.db_path(),
        "SELECT o.uri || ' ' || o.json || ' ' || group_concat(d.inbox || ' ' || d.last_error, ' ')"
        " FROM outbound_activities o LEFT JOIN deliveries d ON d.activity_id = o.id GROUP BY o.id");
    ASSERT_TRUE(outbound.has_value());
    ASSERT_FALSE(outbound->empty()) << "the check below would pass on an empty queue";
    for (std::string text : { post.text_marker, std::string("matrixinstancereply"), std::string("matrixinstanceedited"),
             post.uri }) {
        SCOPED_TRACE(text);
        EXPECT_TRUE(database_contains(pharmacy_, text)) << "the positive control failed";
        EXPECT_FALSE(database_contains(nursing_, text));
        EXPECT_FALSE(database_contains(podiatry_, text));
        for (const auto& row : *outbound)
            EXPECT_EQ(row.front().find(text), std::string::npos) << row.front();
        for (const Instance* instance : { &pharmacy_, &nursing_, &podiatry_ })
            EXPECT_EQ(instance->log_text().find(text), std::string::npos) << instance->host();
    }
}

// A reply wider than its parent (DESIGN rule 2) is refused with 422 and leaves nothing behind:
// no status, no activity queued, on either side.
TEST_F(AudienceMatrix, AReplyWiderThanItsParentIsRefusedAndStoresNothing)
{
    auto statuses = [](const Instance& at) { return count(at, "SELECT count(*) FROM statuses"); };
    auto activities = [](const Instance& at) { return count(at, "SELECT count(*) FROM outbound_activities"); };
    const std::int64_t pharmacy_statuses = statuses(pharmacy_), pharmacy_activities = activities(pharmacy_);
    const std::int64_t nursing_statuses = statuses(nursing_), nursing_activities = activities(nursing_);

    struct Widening {
        Reader replier;
        std::string parent; // id on the replier's instance
        std::string visibility;
    };
    auto bobs_copy = client(Reader::RemoteFollower).get("/api/v2/search?type=statuses&q=matrixfollowersmarker");
    std::string copy = json_string(bobs_copy.json(), "/statuses/0/id");
    ASSERT_FALSE(copy.empty()) << bobs_copy;
    for (const Widening& w : {
             // The author widening her own post: a direct reply to followers or instance.
             Widening { Reader::Author, posts_.at("direct").id, "followers" },
             Widening { Reader::Author, posts_.at("direct").id, "instance" },
             Widening { Reader::Author, posts_.at("followers").id, "instance" },
             // A follower answering someone else's followers post to his own followers.
             Widening { Reader::LocalFollower, posts_.at("followers").id, "followers" },
             Widening { Reader::LocalFollower, posts_.at("followers").id, "instance" },
             // The same from the remote follower, on his own instance.
             Widening { Reader::RemoteFollower, copy, "followers" },
             // The mentioned reader answering a direct message to her followers.
             Widening { Reader::RemoteMentioned, "", "followers" },
         }) {
        std::string parent = w.parent;
        if (parent.empty()) {
            auto found = client(w.replier).get("/api/v2/search?type=statuses&q=matrixdirectmarker");
            parent = json_string(found.json(), "/statuses/0/id");
            ASSERT_FALSE(parent.empty()) << found;
        }
        SCOPED_TRACE(std::string(name_of(w.replier)) + " replying as " + w.visibility);
        auto refused = client(w.replier).post_form("/api/v1/statuses",
            { { "status", "matrixwideningmarker" }, { "in_reply_to_id", parent }, { "visibility", w.visibility } });
        EXPECT_TRUE(is_json_error(refused, 422)) << refused;
    }
    EXPECT_EQ(statuses(pharmacy_), pharmacy_statuses);
    EXPECT_EQ(activities(pharmacy_), pharmacy_activities);
    EXPECT_EQ(statuses(nursing_), nursing_statuses);
    EXPECT_EQ(activities(nursing_), nursing_activities);
    for (const Instance* instance : { &pharmacy_, &nursing_ })
        EXPECT_FALSE(database_contains(*instance, "matrixwideningmarker")) << instance->host();
}

// DESIGN rule 3: a follow from an instance pharmacy does not trust is refused at its inbox and
// stores nothing there: no follow, not even the unknown actor.
TEST_F(AudienceMatrix, AFollowFromTheUntrustedInstanceIsRefusedAndStoresNothing)
{
    auto& carol = client(Reader::Untrusted);
    std::string alice = lookup(carol, "alice@" + pharmacy_.host());
    ASSERT_FALSE(alice.empty());
    auto follow = carol.post_form("/api/v1/accounts/" + alice + "/follow", {});
    ASSERT_EQ(follow.status, 200) << follow;
    // Pharmacy answers 403, a refusal podiatry never retries: its delivery is dead.
    ASSERT_TRUE(eventually([&] {
        auto rows = query_rows(podiatry_.db_path(), "SELECT state, last_status FROM deliveries");
        return rows && rows->size() == 1 && rows->front()[0] == "dead";
    })) << "podiatry's Follow was not refused";
    EXPECT_EQ(query_rows(podiatry_.db_path(), "SELECT last_status FROM deliveries")->front().front(), "403");
    auto again = carol.post_form("/api/v1/accounts/" + alice + "/follow", {});
    EXPECT_TRUE(json_true(again, "requested")) << again;
    EXPECT_FALSE(json_true(again, "following")) << again;
    // Pharmacy keeps bob's follow and marc's, and nothing of podiatry.
    EXPECT_EQ(count(pharmacy_, "SELECT count(*) FROM follows"), 2);
    EXPECT_EQ(count(pharmacy_, "SELECT count(*) FROM remote_actors WHERE host = '" + podiatry_.host() + "'"), 0);
}

} // namespace
} // namespace confrere::testkit
