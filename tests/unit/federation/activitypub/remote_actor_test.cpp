// to_remote_actor: an actor document becomes a model::RemoteActor only if its endpoints and key
// are its own (notes/federation-security.md §A), with its texts made safe to show.
#include "federation/activitypub/json.hpp"
#include "federation/activitypub/vocabulary.hpp"
#include "tests/support/test_store.hpp"

#include <gtest/gtest.h>

#include <string>

namespace confrere::federation {
namespace {

using testkit::describe;

constexpr std::string_view kPem
    = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1L7VLPHCgcBIjA\n-----END "
      "PUBLIC KEY-----\n";

AsObject mastodon_actor()
{
    AsObject a;
    a.id = "https://mastodon.example/users/alice";
    a.type = "Person";
    a.preferred_username = "alice";
    a.name = "Alice Martin";
    a.summary = "<p>Infirmière libérale</p>";
    a.url = "https://mastodon.example/@alice";
    a.inbox = "https://mastodon.example/users/alice/inbox";
    a.outbox = "https://mastodon.example/users/alice/outbox";
    a.followers = "https://mastodon.example/users/alice/followers";
    a.following = "https://mastodon.example/users/alice/following";
    a.shared_inbox = "https://mastodon.example/inbox";
    a.key_id = "https://mastodon.example/users/alice#main-key";
    a.key_owner = a.id;
    a.public_key_pem = std::string(kPem);
    a.manually_approves_followers = true;
    return a;
}

void expect_refused(const AsObject& a, ErrorKind kind, std::string_view field)
{
    auto r = to_remote_actor(a);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, kind) << describe(r);
    EXPECT_EQ(r.error().field, field) << describe(r);
}

TEST(RemoteActor, MastodonPersonIsKeptWithAllItsEndpoints)
{
    auto r = to_remote_actor(mastodon_actor());
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->uri, "https://mastodon.example/users/alice");
    EXPECT_EQ(r->host, "mastodon.example");
    EXPECT_EQ(r->type, "Person");
    EXPECT_EQ(r->username, "alice");
    EXPECT_EQ(r->display_name, "Alice Martin");
    EXPECT_EQ(r->summary_html, "<p>Infirmière libérale</p>");
    EXPECT_EQ(r->url, "https://mastodon.example/@alice");
    EXPECT_EQ(r->inbox, "https://mastodon.example/users/alice/inbox");
    EXPECT_EQ(r->shared_inbox, "https://mastodon.example/inbox");
    EXPECT_EQ(r->outbox, "https://mastodon.example/users/alice/outbox");
    EXPECT_EQ(r->followers_url, "https://mastodon.example/users/alice/followers");
    EXPECT_EQ(r->following_url, "https://mastodon.example/users/alice/following");
    EXPECT_EQ(r->key_id, "https://mastodon.example/users/alice#main-key");
    EXPECT_EQ(r->public_key_pem, kPem);
    EXPECT_TRUE(r->locked);
    EXPECT_EQ(r->id, 0);
}

TEST(RemoteActor, ParsedFromAFetchedDocument)
{
    auto doc = parse_json(
        R"({"@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
      "id": "http://127.0.0.1:8081/users/frank", "type": "Service", "preferredUsername": "frank",
      "inbox": "http://127.0.0.1:8081/users/frank/inbox",
      "endpoints": {"sharedInbox": "http://127.0.0.1:8081/inbox"},
      "publicKey": {"id": "http://127.0.0.1:8081/users/frank#main-key", "owner": "http://127.0.0.1:8081/users/frank",
        "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n"}})");
    ASSERT_TRUE(doc) << describe(doc);
    auto object = parse_object(*doc);
    ASSERT_TRUE(object) << describe(object);
    auto r = to_remote_actor(*object);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->host, "127.0.0.1:8081");
    EXPECT_EQ(r->type, "Service");
    EXPECT_EQ(r->shared_inbox, "http://127.0.0.1:8081/inbox");
    EXPECT_FALSE(r->locked);
}

TEST(RemoteActor, EveryActorTypeIsAcceptedAndNothingElse)
{
    for (const char* type : { "Person", "Service", "Application", "Group", "Organization" }) {
        AsObject a = mastodon_actor();
        a.type = type;
        EXPECT_TRUE(to_remote_actor(a)) << type;
    }
    for (const char* type : { "Note", "Tombstone", "Create", "person", "" }) {
        AsObject a = mastodon_actor();
        a.type = type;
        expect_refused(a, ErrorKind::InvalidInput, "type");
    }
}

TEST(RemoteActor, ActorWithoutInboxIsRefused)
{
    AsObject a = mastodon_actor();
    a.inbox.clear();
    expect_refused(a, ErrorKind::InvalidInput, "inbox");
}

TEST(RemoteActor, InboxOnAnotherHostIsRefused)
{
    AsObject a = mastodon_actor();
    a.inbox = "https://evil.example/inbox";
    expect_refused(a, ErrorKind::Unprocessable, "inbox");
    a.inbox = "https://mastodon.example:8443/users/alice/inbox"; // another port is another origin
    expect_refused(a, ErrorKind::Unprocessable, "inbox");
    a.inbox = "https://sub.mastodon.example/users/alice/inbox";
    expect_refused(a, ErrorKind::Unprocessable, "inbox");
}

TEST(RemoteActor, EndpointsOverPlainHttpForAnHttpsActorAreRefused)
{
    AsObject a = mastodon_actor();
    a.inbox = "http://mastodon.example/users/alice/inbox";
    expect_refused(a, ErrorKind::Unprocessable, "inbox");
    a = mastodon_actor();
    a.key_id = "http://mastodon.example/users/alice#main-key";
    expect_refused(a, ErrorKind::Unprocessable, "publicKey");
    a = mastodon_actor();
    a.shared_inbox = "http://mastodon.example/inbox";
    EXPECT_EQ(to_remote_actor(a)->shared_inbox, "");
}

TEST(RemoteActor, HostComparisonIgnoresCaseAndTheDefaultPort)
{
    AsObject a = mastodon_actor();
    a.inbox = "https://MASTODON.example:443/users/alice/inbox";
    auto r = to_remote_actor(a);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->inbox, "https://MASTODON.example:443/users/alice/inbox"); // kept as given
}

TEST(RemoteActor, SharedInboxOnAnotherHostIsDroppedNotAnError)
{
    AsObject a = mastodon_actor();
    a.shared_inbox = "https://relay.example/inbox";
    a.outbox = "https://cdn.example/alice/outbox";
    a.following = "https://cdn.example/alice/following";
    auto r = to_remote_actor(a);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->shared_inbox, "");
    EXPECT_EQ(r->outbox, "");
    EXPECT_EQ(r->following_url, "");
}

TEST(RemoteActor, KeyOwnedByAnotherActorIsRefused)
{
    AsObject a = mastodon_actor();
    a.key_owner = "https://mastodon.example/users/mallory";
    expect_refused(a, ErrorKind::Unprocessable, "publicKey");
}

TEST(RemoteActor, KeyOnAnotherHostIsRefused)
{
    AsObject a = mastodon_actor();
    a.key_id = "https://evil.example/users/alice#main-key";
    expect_refused(a, ErrorKind::Unprocessable, "publicKey");
}

TEST(RemoteActor, FollowersCollectionOnAnotherHostIsRefused)
{
    // It decides who counts as a follower in addressing: never someone else's collection.
    AsObject a = mastodon_actor();
    a.followers = "https://pharma.example/users/bob/followers";
    expect_refused(a, ErrorKind::Unprocessable, "followers");
}

TEST(RemoteActor, ActorWithoutAKeyIsKeptWithoutOne)
{
    AsObject a = mastodon_actor();
    a.key_id.clear();
    a.key_owner.clear();
    a.public_key_pem.clear();
    auto r = to_remote_actor(a);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->key_id, "");
}

TEST(RemoteActor, UsernameThatCouldPassForAnotherAccountIsRefused)
{
    for (const char* name :
        { "", "alice@pharma.example", "a b", "a/b", "a:b", "a\nb", "a%40b", "a?b", "a#b" }) {
        AsObject a = mastodon_actor();
        a.preferred_username = name;
        expect_refused(a, ErrorKind::InvalidInput, "preferredUsername");
    }
    AsObject a = mastodon_actor();
    a.preferred_username = "élodie_d.arc-1";
    EXPECT_TRUE(to_remote_actor(a));
}

TEST(RemoteActor, SummaryIsSanitised)
{
    AsObject a = mastodon_actor();
    a.summary
        = R"html(<p onclick="x">Bio<script>alert(1)</script> <a href="javascript:alert(1)">lien</a></p>)html";
    auto r = to_remote_actor(a);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->summary_html, "<p>Bio lien</p>");
}

TEST(RemoteActor, DisplayNameBecomesOneTrimmedLineOfPlainText)
{
    AsObject a = mastodon_actor();
    a.name = "  Alice\n\tMartin \x1b[31m\r\n";
    auto r = to_remote_actor(a);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->display_name, "Alice Martin [31m");
    a.name = "<b>Alice</b> &amp;";
    EXPECT_EQ(to_remote_actor(a)->display_name, "<b>Alice</b> &amp;"); // plain text: escaped when shown
}

TEST(RemoteActor, DisplayNameLosesBidiControls)
{
    AsObject a = mastodon_actor();
    a.name = "Alice \u202Eeciffo\u202C \u2066x\u2069\u200F";
    auto r = to_remote_actor(a);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->display_name, "Alice eciffo x");
}

TEST(RemoteActor, DisplayNameIsCutAt200CharactersNotBytes)
{
    AsObject a = mastodon_actor();
    std::string name;
    for (int i = 0; i < 300; ++i)
        name += "é";
    a.name = name;
    auto r = to_remote_actor(a);
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->display_name.size(), 400u); // 200 two-byte characters
    a.name = std::string(199, 'a') + " b"; // the space would be the 200th: cut before it
    EXPECT_EQ(to_remote_actor(a)->display_name, std::string(199, 'a'));
}

TEST(RemoteActor, NameThatIsNotUtf8IsRefused)
{
    AsObject a = mastodon_actor();
    a.name = "\xC3";
    EXPECT_FALSE(to_remote_actor(a));
}

} // namespace
} // namespace confrere::federation
