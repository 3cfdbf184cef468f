// What federation may read without a member's session: WebFinger for exact handles, each
// actor's minimal document (the full Person only for members), the instance actor, NodeInfo,
// host-meta and the instance description. Pending and rejected accounts stay invisible.
#include "tests/integration/scenario.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

namespace confrere::testkit {
namespace {

const httplib::Headers activity_json{{"Accept", "application/activity+json"}};

bool array_has_string(const rapidjson::Value* array, std::string_view wanted)
{
    if (array == nullptr)
        return false;
    if (array->IsString())
        return wanted == array->GetString();
    if (!array->IsArray())
        return false;
    for (const auto& item : array->GetArray())
        if (item.IsString() && wanted == item.GetString())
            return true;
    return false;
}

class Discovery : public IntegrationTest {
protected:
    void SetUp() override
    {
        IntegrationTest::SetUp();
        if (!HasFatalFailure())
            create_account("membre", "member", true);
    }

    HttpResponse webfinger(const std::string& resource_query)
    {
        return instance_.client().get("/.well-known/webfinger?resource=" + resource_query);
    }
    std::string actor_url(const std::string& username) const
    {
        return instance_.base_url() + "/users/" + username;
    }
};

class WebFinger : public Discovery {};

TEST_F(WebFinger, ActiveMemberResolvesToItsActor)
{
    const auto response = webfinger("acct:membre@" + instance_.host());
    ASSERT_EQ(response.status, 200) << response;
    EXPECT_EQ(response.header("Content-Type").rfind("application/jrd+json", 0), 0u) << response;
    const auto doc = response.json();
    ASSERT_FALSE(doc.HasParseError()) << response;
    EXPECT_EQ(json_string(doc, "/subject"), "acct:membre@" + instance_.host());
    EXPECT_TRUE(array_has_string(json_at(doc, "/aliases"), actor_url("membre"))) << response;
    const auto* links = json_at(doc, "/links");
    ASSERT_TRUE(links != nullptr && links->IsArray()) << response;
    bool self_found = false;
    for (const auto& link : links->GetArray()) {
        if (json_string(link, "/rel") != "self")
            continue;
        self_found = true;
        EXPECT_EQ(json_string(link, "/type"), "application/activity+json");
        EXPECT_EQ(json_string(link, "/href"), actor_url("membre"));
    }
    EXPECT_TRUE(self_found) << response;
}

TEST_F(WebFinger, PercentEncodedResourceResolves)
{
    const auto response = webfinger(percent_encode("acct:membre@" + instance_.host()));
    ASSERT_EQ(response.status, 200) << response;
    EXPECT_EQ(json_string(response.json(), "/subject"), "acct:membre@" + instance_.host());
}

TEST_F(WebFinger, UnknownUserIsNotFound)
{
    EXPECT_EQ(webfinger("acct:personne@" + instance_.host()).status, 404);
}

TEST_F(WebFinger, PendingApplicantIsNotFoundLikeAnUnknownUser)
{
    ASSERT_FALSE(register_pending(applicant_for("elodie", pharmacist_elodie())).empty());
    const auto pending = webfinger("acct:elodie@" + instance_.host());
    const auto unknown = webfinger("acct:personne@" + instance_.host());
    EXPECT_EQ(pending.status, 404) << pending;
    EXPECT_EQ(pending.body, unknown.body) << "no enumeration of applicants";
}

TEST_F(WebFinger, ApprovalThroughTheAdminApiShowsAtOnceDespiteTheCache)
{
    const auto id = register_pending(applicant_for("elodie", pharmacist_elodie()));
    ASSERT_FALSE(id.empty());
    ASSERT_EQ(webfinger("acct:elodie@" + instance_.host()).status, 404);  // now cached
    auto mod = moderator();
    ASSERT_EQ(mod.post_form("/api/v1/admin/accounts/" + id + "/approve", {}).status, 200);
    EXPECT_EQ(webfinger("acct:elodie@" + instance_.host()).status, 200);
    EXPECT_EQ(instance_.client().get("/users/elodie").status, 200);
}

TEST_F(WebFinger, SuspensionThroughTheAdminApiHidesTheActorAtOnce)
{
    auto membre = member("membre");
    auto anonymous = instance_.client();
    ASSERT_EQ(anonymous.get("/users/membre").status, 200);  // now cached
    ASSERT_EQ(webfinger("acct:membre@" + instance_.host()).status, 200);
    const auto account = membre.get("/api/v1/accounts/verify_credentials");
    const auto id = json_string(account.json(), "/id");
    ASSERT_FALSE(id.empty());
    auto mod = moderator();
    ASSERT_EQ(mod.post_form("/api/v1/admin/accounts/" + id + "/action", {{"type", "suspend"}}).status, 200);
    EXPECT_EQ(anonymous.get("/users/membre").status, 404);
    EXPECT_EQ(webfinger("acct:membre@" + instance_.host()).status, 404);
}

TEST_F(WebFinger, RejectedApplicantIsNotFound)
{
    ASSERT_FALSE(register_pending(applicant_for("elodie", pharmacist_elodie())).empty());
    ASSERT_EQ(instance_.admin("reject", "elodie").exit_code, 0);
    EXPECT_EQ(webfinger("acct:elodie@" + instance_.host()).status, 404);
}

TEST_F(WebFinger, ResourceOnAnotherHostIsNotFound)
{
    EXPECT_EQ(webfinger("acct:membre@pharmaciens.example").status, 404);
}

TEST_F(WebFinger, MissingResourceIsABadRequest)
{
    EXPECT_EQ(instance_.client().get("/.well-known/webfinger").status, 400);
}

class ActorDocument : public Discovery {};

TEST_F(ActorDocument, AnonymousFetchGetsOnlyTheMinimalDocument)
{
    const auto response = instance_.client().get("/users/membre", activity_json);
    ASSERT_EQ(response.status, 200) << response;
    EXPECT_EQ(response.header("Content-Type").rfind("application/activity+json", 0), 0u)
        << response;
    const auto doc = response.json();
    ASSERT_FALSE(doc.HasParseError()) << response;
    const auto actor = actor_url("membre");
    EXPECT_TRUE(array_has_string(json_at(doc, "/@context"),
                                 "https://www.w3.org/ns/activitystreams")) << response;
    EXPECT_TRUE(array_has_string(json_at(doc, "/@context"), "https://w3id.org/security/v1"))
        << response;
    EXPECT_EQ(json_string(doc, "/id"), actor);
    EXPECT_EQ(json_string(doc, "/type"), "Person");
    EXPECT_EQ(json_string(doc, "/preferredUsername"), "membre");
    EXPECT_EQ(json_string(doc, "/inbox"), actor + "/inbox");
    EXPECT_EQ(json_string(doc, "/outbox"), actor + "/outbox");
    EXPECT_EQ(json_string(doc, "/endpoints/sharedInbox"), instance_.base_url() + "/inbox");
    EXPECT_EQ(json_string(doc, "/publicKey/id"), actor + "#main-key");
    EXPECT_EQ(json_string(doc, "/publicKey/owner"), actor);
    EXPECT_EQ(json_string(doc, "/publicKey/publicKeyPem").rfind("-----BEGIN PUBLIC KEY-----", 0),
              0u) << response;
    for (const char* hidden : {"/name", "/summary", "/followers", "/following"})
        EXPECT_EQ(json_at(doc, hidden), nullptr) << hidden << " leaked: " << response;
}

TEST_F(ActorDocument, PublicKeyIsAnRsa2048Key)
{
    const auto response = instance_.client().get("/users/membre", activity_json);
    ASSERT_EQ(response.status, 200) << response;
    const auto pem = json_string(response.json(), "/publicKey/publicKeyPem");
    ASSERT_FALSE(pem.empty()) << response;
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
    ASSERT_NE(bio, nullptr);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
    ASSERT_NE(key, nullptr) << "not a SubjectPublicKeyInfo PEM: " << pem;
    EXPECT_EQ(EVP_PKEY_get_base_id(key.get()), EVP_PKEY_RSA);
    EXPECT_EQ(EVP_PKEY_get_bits(key.get()), 2048);
}

TEST_F(ActorDocument, MemberSessionGetsTheFullPerson)
{
    create_account("collegue", "member", true);
    auto collegue = signed_in("collegue");
    const auto response = collegue.get("/users/membre", activity_json);
    ASSERT_EQ(response.status, 200) << response;
    const auto doc = response.json();
    ASSERT_FALSE(doc.HasParseError()) << response;
    EXPECT_EQ(json_string(doc, "/type"), "Person");
    for (const char* shown : {"/name", "/summary", "/followers", "/following", "/url",
                              "/manuallyApprovesFollowers", "/published"})
        EXPECT_NE(json_at(doc, shown), nullptr) << shown << " missing: " << response;
    EXPECT_EQ(json_string(doc, "/followers"), actor_url("membre") + "/followers");
    EXPECT_EQ(json_string(doc, "/following"), actor_url("membre") + "/following");
}

TEST_F(ActorDocument, PendingSessionGetsOnlyTheMinimalDocument)
{
    ASSERT_FALSE(register_pending(applicant_for("elodie", pharmacist_elodie())).empty());
    auto elodie = signed_in("elodie");
    const auto response = elodie.get("/users/membre", activity_json);
    ASSERT_EQ(response.status, 200) << response;
    const auto doc = response.json();
    for (const char* hidden : {"/name", "/summary", "/followers", "/following"})
        EXPECT_EQ(json_at(doc, hidden), nullptr) << hidden << " leaked: " << response;
}

TEST_F(ActorDocument, PendingApplicantHasNoActor)
{
    ASSERT_FALSE(register_pending(applicant_for("elodie", pharmacist_elodie())).empty());
    EXPECT_EQ(instance_.client().get("/users/elodie", activity_json).status, 404);
    EXPECT_EQ(member("collegue").get("/users/elodie", activity_json).status, 404);
}

TEST_F(ActorDocument, UnknownUserHasNoActor)
{
    EXPECT_EQ(instance_.client().get("/users/personne", activity_json).status, 404);
}

TEST_F(ActorDocument, InstanceActorIsAPublicApplication)
{
    const auto response = instance_.client().get("/actor", activity_json);
    ASSERT_EQ(response.status, 200) << response;
    const auto doc = response.json();
    ASSERT_FALSE(doc.HasParseError()) << response;
    EXPECT_EQ(json_string(doc, "/type"), "Application");
    EXPECT_EQ(json_string(doc, "/id"), instance_.base_url() + "/actor");
    EXPECT_EQ(json_string(doc, "/publicKey/owner"), instance_.base_url() + "/actor");
    EXPECT_EQ(json_string(doc, "/publicKey/publicKeyPem").rfind("-----BEGIN PUBLIC KEY-----", 0),
              0u) << response;
}

class NodeInfo : public Discovery {};

TEST_F(NodeInfo, WellKnownDocumentLinksToNodeInfo21)
{
    const auto response = instance_.client().get("/.well-known/nodeinfo");
    ASSERT_EQ(response.status, 200) << response;
    const auto body = response.json();  // json_at points into it: keep it alive
    const auto* links = json_at(body, "/links");
    ASSERT_TRUE(links != nullptr && links->IsArray() && links->Size() >= 1) << response;
    bool found = false;
    for (const auto& link : links->GetArray())
        if (json_string(link, "/rel") == "http://nodeinfo.diaspora.software/ns/schema/2.1") {
            found = true;
            EXPECT_EQ(json_string(link, "/href"), instance_.base_url() + "/nodeinfo/2.1");
        }
    EXPECT_TRUE(found) << response;
}

TEST_F(NodeInfo, DescribesConfrereWithClosedRegistrationsAndItsProfessions)
{
    const auto response = instance_.client().get("/nodeinfo/2.1");
    ASSERT_EQ(response.status, 200) << response;
    const auto doc = response.json();
    ASSERT_FALSE(doc.HasParseError()) << response;
    EXPECT_EQ(json_string(doc, "/version"), "2.1");
    EXPECT_EQ(json_string(doc, "/software/name"), "confrere");
    EXPECT_FALSE(json_string(doc, "/software/version").empty()) << response;
    const auto* protocols = json_at(doc, "/protocols");
    ASSERT_TRUE(protocols != nullptr && protocols->IsArray()) << response;
    EXPECT_EQ(to_json_text(*protocols), R"(["activitypub"])");
    const auto* open = json_at(doc, "/openRegistrations");
    ASSERT_TRUE(open != nullptr && open->IsBool()) << response;
    EXPECT_FALSE(open->GetBool());
    const auto* total = json_at(doc, "/usage/users/total");
    ASSERT_TRUE(total != nullptr && total->IsInt64()) << response;
    EXPECT_GE(total->GetInt64(), 1) << "membre is an active user: " << response;
    const auto* professions = json_at(doc, "/metadata/professions");
    ASSERT_NE(professions, nullptr) << response;
    EXPECT_NE(to_json_text(*professions).find("21"), std::string::npos) << response;
}

TEST_F(NodeInfo, HostMetaGivesTheWebFingerTemplate)
{
    const auto response = instance_.client().get("/.well-known/host-meta");
    ASSERT_EQ(response.status, 200) << response;
    EXPECT_NE(response.header("Content-Type").find("xrd+xml"), std::string::npos) << response;
    EXPECT_NE(response.body.find("<XRD"), std::string::npos) << response;
    EXPECT_NE(response.body.find("rel=\"lrdd\""), std::string::npos) << response;
    EXPECT_NE(response.body.find(instance_.base_url() + "/.well-known/webfinger?resource={uri}"),
              std::string::npos) << response;
}

TEST_F(NodeInfo, InstanceDescriptionIsPublic)
{
    const auto response = instance_.client().get("/api/v1/instance");
    ASSERT_EQ(response.status, 200) << response;
    const auto doc = response.json();
    ASSERT_FALSE(doc.HasParseError()) << response;
    EXPECT_NE(json_string(doc, "/uri").find(instance_.host()), std::string::npos) << response;
    EXPECT_EQ(json_string(doc, "/title"), "Confrère Test");
    EXPECT_EQ(json_string(doc, "/description"), "Instance de test");
    EXPECT_EQ(json_string(doc, "/version").rfind("4.", 0), 0u) << response;
}

} // namespace
} // namespace confrere::testkit
