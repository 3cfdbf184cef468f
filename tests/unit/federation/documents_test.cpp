// Discovery and identity documents: WebFinger resource parsing (RFC 7033, RFC 7565), the JRD,
// the two actor views, NodeInfo 2.1. Outputs are parsed back with RapidJSON.
#include "federation/documents.hpp"

#include "tests/support/fixtures.hpp"
#include "tests/support/test_store.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <set>
#include <string>

namespace confrere::federation {
namespace {

using testkit::describe;

constexpr std::string_view kHost = "pharma.example";
constexpr std::string_view kBase = "https://pharma.example";

rapidjson::Document parse(const std::string& json)
{
    rapidjson::Document doc;
    doc.Parse(json.c_str(), json.size());
    EXPECT_FALSE(doc.HasParseError()) << json;
    EXPECT_TRUE(doc.IsObject()) << json;
    return doc;
}

std::set<std::string> keys_of(const rapidjson::Value& object)
{
    std::set<std::string> keys;
    for (const auto& m : object.GetObject())
        keys.emplace(m.name.GetString(), m.name.GetStringLength());
    return keys;
}

std::string str(const rapidjson::Value& object, const char* key)
{
    if (!object.IsObject() || !object.HasMember(key) || !object[key].IsString())
        return "(missing)";
    return {object[key].GetString(), object[key].GetStringLength()};
}

model::Account alice()
{
    model::Account a;
    a.id = 42;
    a.username = "alice";
    a.display_name = "Alice Dupont";
    a.state = model::AccountState::Active;
    a.profession_code = 21;
    a.public_key_pem = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n";
    a.created_at = testkit::kStartTime;
    return a;
}

// --- WebFinger resources ------------------------------------------------------------------

Result<WebfingerQuery> resource(std::string_view r, std::string_view host = kHost,
                                std::string_view base = kBase)
{
    return parse_webfinger_resource(r, host, base);
}

TEST(WebfingerResource, AcctUriNamesTheUser)
{
    auto q = resource("acct:alice@pharma.example");
    ASSERT_TRUE(q) << describe(q);
    EXPECT_FALSE(q->instance_actor);
    EXPECT_EQ(q->username, "alice");
}

TEST(WebfingerResource, AcctUriWithALeadingAtSignNamesTheUser)
{
    auto q = resource("acct:@alice@pharma.example");
    ASSERT_TRUE(q) << describe(q);
    EXPECT_EQ(q->username, "alice");
}

TEST(WebfingerResource, HostWithAPortIsOurs)
{
    auto q = resource("acct:alice@127.0.0.1:8080", "127.0.0.1:8080", "http://127.0.0.1:8080");
    ASSERT_TRUE(q) << describe(q);
    EXPECT_EQ(q->username, "alice");
}

TEST(WebfingerResource, SameHostOnAnotherPortIsNotFound)
{
    auto q = resource("acct:alice@127.0.0.1:9090", "127.0.0.1:8080", "http://127.0.0.1:8080");
    ASSERT_FALSE(q);
    EXPECT_EQ(q.error().kind, ErrorKind::NotFound);
}

TEST(WebfingerResource, AcctUriOfAnotherHostIsNotFound)
{
    auto q = resource("acct:alice@nurses.example");
    ASSERT_FALSE(q);
    EXPECT_EQ(q.error().kind, ErrorKind::NotFound);
}

// RFC 3986 §3.2.2: the host is case-insensitive, so an upper-case host is still ours.
TEST(WebfingerResource, HostIsComparedWithoutRegardToCase)
{
    auto q = resource("acct:alice@Pharma.Example");
    ASSERT_TRUE(q) << describe(q);
    EXPECT_EQ(q->username, "alice");
}

TEST(WebfingerResource, AcctUriWithoutAHostIsInvalid)
{
    for (auto r : {"acct:alice", "acct:@pharma.example", "acct:", "acct:@"}) {
        auto q = resource(r);
        ASSERT_FALSE(q) << r;
        EXPECT_EQ(q.error().kind, ErrorKind::InvalidInput) << r;
    }
}

TEST(WebfingerResource, ActorUrlNamesTheUser)
{
    auto q = resource("https://pharma.example/users/alice");
    ASSERT_TRUE(q) << describe(q);
    EXPECT_FALSE(q->instance_actor);
    EXPECT_EQ(q->username, "alice");
}

TEST(WebfingerResource, ProfileUrlNamesTheUser)
{
    auto q = resource("https://pharma.example/@alice");
    ASSERT_TRUE(q) << describe(q);
    EXPECT_EQ(q->username, "alice");
}

TEST(WebfingerResource, ActorUrlWithAnExtraSegmentIsNotFound)
{
    for (auto r : {"https://pharma.example/users/alice/inbox", "https://pharma.example/users/"}) {
        auto q = resource(r);
        ASSERT_FALSE(q) << r;
        EXPECT_EQ(q.error().kind, ErrorKind::NotFound) << r;
    }
}

TEST(WebfingerResource, UrlOfAnotherHostIsNotFound)
{
    auto q = resource("https://nurses.example/users/alice");
    ASSERT_FALSE(q);
    EXPECT_EQ(q.error().kind, ErrorKind::NotFound);
}

TEST(WebfingerResource, InstanceActorAnswersToItsAcctUri)
{
    auto q = resource("acct:pharma.example@pharma.example");
    ASSERT_TRUE(q) << describe(q);
    EXPECT_TRUE(q->instance_actor);
}

TEST(WebfingerResource, InstanceActorAnswersToItsUrlAndTheBaseUrl)
{
    for (auto r : {"https://pharma.example/actor", "https://pharma.example", "https://pharma.example/"}) {
        auto q = resource(r);
        ASSERT_TRUE(q) << r << ": " << describe(q);
        EXPECT_TRUE(q->instance_actor) << r;
    }
}

TEST(WebfingerResource, GarbageIsInvalidInput)
{
    for (auto r : {"alice", "alice@pharma.example", "mailto:alice@pharma.example", "ftp://pharma.example/users/alice"}) {
        auto q = resource(r);
        ASSERT_FALSE(q) << r;
        EXPECT_EQ(q.error().kind, ErrorKind::InvalidInput) << r;
    }
}

TEST(WebfingerResource, EmptyOrOversizedResourceIsInvalidInput)
{
    for (const std::string& r : {std::string(), "acct:" + std::string(600, 'a') + "@pharma.example"}) {
        auto q = resource(r);
        ASSERT_FALSE(q);
        EXPECT_EQ(q.error().kind, ErrorKind::InvalidInput);
    }
}

// --- WebFinger JRD ------------------------------------------------------------------------

TEST(WebfingerJson, JrdHasSubjectAliasesAndASelfLink)
{
    ActorUrls urls(kBase, "alice");
    auto doc = parse(webfinger_json("acct:alice@pharma.example", urls.id, urls.profile));
    EXPECT_EQ(str(doc, "subject"), "acct:alice@pharma.example");
    ASSERT_TRUE(doc["aliases"].IsArray());
    ASSERT_EQ(doc["aliases"].Size(), 2u);
    EXPECT_EQ(std::string(doc["aliases"][0].GetString()), "https://pharma.example/users/alice");
    EXPECT_EQ(std::string(doc["aliases"][1].GetString()), "https://pharma.example/@alice");
    ASSERT_TRUE(doc["links"].IsArray());
    ASSERT_EQ(doc["links"].Size(), 2u);
    const auto& self = doc["links"][0];
    EXPECT_EQ(str(self, "rel"), "self");
    EXPECT_EQ(str(self, "type"), "application/activity+json");
    EXPECT_EQ(str(self, "href"), "https://pharma.example/users/alice");
    const auto& page = doc["links"][1];
    EXPECT_EQ(str(page, "rel"), "http://webfinger.net/rel/profile-page");
    EXPECT_EQ(str(page, "type"), "text/html");
    EXPECT_EQ(str(page, "href"), "https://pharma.example/@alice");
}

TEST(WebfingerJson, JrdWithoutAProfileHasOnlyTheSelfLink)
{
    auto doc = parse(webfinger_json("acct:pharma.example@pharma.example", instance_actor_url(kBase), ""));
    ASSERT_EQ(doc["aliases"].Size(), 1u);
    ASSERT_EQ(doc["links"].Size(), 1u);
    EXPECT_EQ(str(doc["links"][0], "href"), "https://pharma.example/actor");
}

// --- Actors -------------------------------------------------------------------------------

TEST(ActorJson, MinimalViewHasExactlyTheKeysPeersNeedToVerifySignatures)
{
    auto doc = parse(actor_json(alice(), kBase, ActorView::Minimal));
    EXPECT_EQ(keys_of(doc), (std::set<std::string>{"@context", "id", "type", "preferredUsername", "inbox",
                                                    "outbox", "endpoints", "publicKey"}));
    EXPECT_EQ(str(doc, "id"), "https://pharma.example/users/alice");
    EXPECT_EQ(str(doc, "type"), "Person");
    EXPECT_EQ(str(doc, "preferredUsername"), "alice");
    EXPECT_EQ(str(doc, "inbox"), "https://pharma.example/users/alice/inbox");
    EXPECT_EQ(str(doc, "outbox"), "https://pharma.example/users/alice/outbox");
    EXPECT_EQ(str(doc["endpoints"], "sharedInbox"), "https://pharma.example/inbox");
}

TEST(ActorJson, MinimalViewLeaksNoProfileData)
{
    model::Account a = alice();
    a.note = "Pharmacienne à Lyon, spécialité oncologie";
    std::string json = actor_json(a, kBase, ActorView::Minimal);
    EXPECT_EQ(json.find("Alice Dupont"), std::string::npos);
    EXPECT_EQ(json.find("oncologie"), std::string::npos);
    EXPECT_EQ(json.find("Pharmacien"), std::string::npos);
}

TEST(ActorJson, PublicKeyIsOwnedByTheActorUnderTheMainKeyId)
{
    auto doc = parse(actor_json(alice(), kBase, ActorView::Minimal));
    ASSERT_TRUE(doc["publicKey"].IsObject());
    EXPECT_EQ(str(doc["publicKey"], "id"), "https://pharma.example/users/alice#main-key");
    EXPECT_EQ(str(doc["publicKey"], "owner"), "https://pharma.example/users/alice");
    EXPECT_EQ(str(doc["publicKey"], "publicKeyPem"), alice().public_key_pem);
}

TEST(ActorJson, ContextNamesActivityStreamsAndSecurity)
{
    auto doc = parse(actor_json(alice(), kBase, ActorView::Minimal));
    ASSERT_TRUE(doc["@context"].IsArray());
    ASSERT_GE(doc["@context"].Size(), 2u);
    EXPECT_EQ(std::string(doc["@context"][0].GetString()), "https://www.w3.org/ns/activitystreams");
    EXPECT_EQ(std::string(doc["@context"][1].GetString()), "https://w3id.org/security/v1");
}

TEST(GroupActorJson, TheContextDefinesEveryTermOfTheFullViewBeyondActivityStreams)
{
    model::Group group;
    group.name = "pied";
    group.display_name = "Pied diabétique";
    group.tags = { "plaies" };
    group.interdisciplinary = true;
    auto doc = parse(group_actor_json(group, kBase, true));
    ASSERT_TRUE(doc["@context"].IsArray());
    const auto& context = doc["@context"];
    ASSERT_TRUE(context[context.Size() - 1].IsObject());
    const auto& terms = context[context.Size() - 1];
    ASSERT_TRUE(doc["tag"].IsArray() && doc["tag"].Size() == 1);
    EXPECT_EQ(str(terms, str(doc["tag"][0], "type").c_str()), "as:Hashtag");
    ASSERT_TRUE(doc.HasMember("postingRestrictedToMods"));
    EXPECT_EQ(str(terms, "postingRestrictedToMods"), "lemmy:postingRestrictedToMods");
    EXPECT_EQ(str(terms, "lemmy"), "https://join-lemmy.org/ns#");
    EXPECT_EQ(str(terms, str(doc["attachment"][0], "type").c_str()), "schema:PropertyValue");
}

TEST(ActorJson, FullViewAddsTheProfile)
{
    model::Account a = alice();
    a.note = "Officine";
    a.locked = true;
    auto doc = parse(actor_json(a, kBase, ActorView::Full));
    auto keys = keys_of(doc);
    for (const char* k : {"@context", "id", "type", "preferredUsername", "inbox", "outbox", "endpoints",
                          "publicKey", "name", "summary", "followers", "following"})
        EXPECT_TRUE(keys.contains(k)) << k;
    EXPECT_EQ(str(doc, "name"), "Alice Dupont");
    EXPECT_EQ(str(doc, "summary"), "<p>Officine</p>");
    EXPECT_EQ(str(doc, "followers"), "https://pharma.example/users/alice/followers");
    EXPECT_EQ(str(doc, "following"), "https://pharma.example/users/alice/following");
    EXPECT_EQ(str(doc, "url"), "https://pharma.example/@alice");
    EXPECT_EQ(str(doc, "published"), "2026-11-23T20:00:00.000Z");
    ASSERT_TRUE(doc["manuallyApprovesFollowers"].IsBool());
    EXPECT_TRUE(doc["manuallyApprovesFollowers"].GetBool());
}

TEST(ActorJson, FullViewStatesTheProfessionAsAPropertyValue)
{
    auto doc = parse(actor_json(alice(), kBase, ActorView::Full));
    ASSERT_TRUE(doc["attachment"].IsArray());
    ASSERT_EQ(doc["attachment"].Size(), 1u);
    EXPECT_EQ(str(doc["attachment"][0], "type"), "PropertyValue");
    EXPECT_EQ(str(doc["attachment"][0], "value"), "Pharmacien");
}

TEST(ActorJson, SummaryEscapesMarkup)
{
    model::Account a = alice();
    a.note = "<script>alert(\"x\")</script> & co";
    std::string json = actor_json(a, kBase, ActorView::Full);
    auto doc = parse(json);
    EXPECT_EQ(str(doc, "summary"), "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</p>");
    EXPECT_EQ(json.find("<script>"), std::string::npos);
}

TEST(ActorJson, DisplayNameWithQuotesStaysValidJson)
{
    model::Account a = alice();
    a.display_name = "Alice \"la pharmacienne\" \\ Dupont";
    auto doc = parse(actor_json(a, kBase, ActorView::Full));
    EXPECT_EQ(str(doc, "name"), a.display_name);
}

TEST(ActorJson, InstanceActorIsAnApplicationNamedAfterTheHost)
{
    auto doc = parse(instance_actor_json(kBase, kHost, "PEM"));
    EXPECT_EQ(str(doc, "id"), "https://pharma.example/actor");
    EXPECT_EQ(str(doc, "type"), "Application");
    EXPECT_EQ(str(doc, "preferredUsername"), "pharma.example");
    EXPECT_EQ(str(doc["publicKey"], "id"), "https://pharma.example/actor#main-key");
    EXPECT_EQ(str(doc["publicKey"], "owner"), "https://pharma.example/actor");
    EXPECT_EQ(str(doc["publicKey"], "publicKeyPem"), "PEM");
}

// --- NodeInfo -----------------------------------------------------------------------------

NodeInfo node()
{
    NodeInfo info;
    info.version = "0.1.0";
    info.instance_name = "Confrère Pharma";
    info.instance_description = "Pharmaciens";
    info.professions = {21, 60};
    info.languages = {"fr", "en"};
    info.users_total = 12;
    info.local_posts = 34;
    return info;
}

TEST(NodeinfoJson, SoftwareIsConfrereInLowerCase)
{
    auto doc = parse(nodeinfo_json(node(), "2.1"));
    EXPECT_EQ(str(doc, "version"), "2.1");
    EXPECT_EQ(str(doc["software"], "name"), "confrere");
    EXPECT_EQ(str(doc["software"], "version"), "0.1.0");
}

TEST(NodeinfoJson, RegistrationsAreNeverOpen)
{
    auto doc = parse(nodeinfo_json(node(), "2.1"));
    ASSERT_TRUE(doc.HasMember("openRegistrations"));
    ASSERT_TRUE(doc["openRegistrations"].IsBool());
    EXPECT_FALSE(doc["openRegistrations"].GetBool());
}

TEST(NodeinfoJson, MetadataListsTheAdmittedProfessions)
{
    auto doc = parse(nodeinfo_json(node(), "2.1"));
    const auto& professions = doc["metadata"]["professions"];
    ASSERT_TRUE(professions.IsArray());
    ASSERT_EQ(professions.Size(), 2u);
    EXPECT_EQ(professions[0]["code"].GetInt(), 21);
    EXPECT_EQ(str(professions[0], "label"), "Pharmacien");
    EXPECT_EQ(professions[1]["code"].GetInt(), 60);
    EXPECT_EQ(str(professions[1], "label"), "Infirmier");
    EXPECT_EQ(str(doc["metadata"], "nodeName"), "Confrère Pharma");
}

TEST(NodeinfoJson, UsageCountsAndProtocols)
{
    auto doc = parse(nodeinfo_json(node(), "2.1"));
    EXPECT_EQ(doc["usage"]["users"]["total"].GetInt64(), 12);
    EXPECT_EQ(doc["usage"]["localPosts"].GetInt64(), 34);
    ASSERT_TRUE(doc["protocols"].IsArray());
    ASSERT_EQ(doc["protocols"].Size(), 1u);
    EXPECT_EQ(std::string(doc["protocols"][0].GetString()), "activitypub");
}

TEST(NodeinfoJson, LinksPointAtBothSchemaVersions)
{
    auto doc = parse(nodeinfo_links_json(kBase));
    ASSERT_TRUE(doc["links"].IsArray());
    std::set<std::string> hrefs;
    for (const auto& link : doc["links"].GetArray())
        hrefs.insert(str(link, "href"));
    EXPECT_TRUE(hrefs.contains("https://pharma.example/nodeinfo/2.0"));
    EXPECT_TRUE(hrefs.contains("https://pharma.example/nodeinfo/2.1"));
}

TEST(HostMeta, TemplatePointsAtWebfinger)
{
    std::string xml = host_meta_xml(kBase);
    EXPECT_NE(xml.find("template=\"https://pharma.example/.well-known/webfinger?resource={uri}\""),
              std::string::npos)
        << xml;
}

} // namespace
} // namespace confrere::federation
