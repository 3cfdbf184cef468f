// parse_object on hostile or broken documents: each is a clean InvalidInput (or PayloadTooLarge
// for oversized text) naming the field, never an assertion (RapidJSON's GetString on a number
// asserts), never a half-read object.
#include "federation/activitypub/json.hpp"
#include "federation/activitypub/vocabulary.hpp"
#include "tests/support/test_store.hpp"

#include <gtest/gtest.h>

#include <string>

namespace confrere::federation {
namespace {

using testkit::describe;

Result<AsObject> read(std::string_view json, int max_embedding = kMaxEmbedding)
{
    auto doc = parse_json(json);
    if (!doc)
        return forward(doc);
    return parse_object(*doc, max_embedding);
}

// A Note with one member replaced or added: `member` is `"key": value`.
std::string note_with(std::string_view member)
{
    return R"({"id": "https://x.example/n/1", "type": "Note", )" + std::string(member) + "}";
}

void expect_refused(std::string_view json, std::string_view field, ErrorKind kind = ErrorKind::InvalidInput)
{
    auto r = read(json);
    ASSERT_FALSE(r) << json;
    EXPECT_EQ(r.error().kind, kind) << json << ": " << describe(r);
    EXPECT_EQ(r.error().field, field) << json << ": " << describe(r);
    EXPECT_FALSE(r.error().public_message.empty());
}

TEST(AsHostile, IdWithUserinfoIsRefused)
{
    expect_refused(R"({"id": "https://mastodon.example@evil.example/n/1", "type": "Note"})", "id");
    expect_refused(note_with(R"("actor": "https://alice@mastodon.example/users/alice")"), "actor");
    expect_refused(note_with(R"("attributedTo": "https://a:b@x.example/users/a")"), "attributedTo");
}

TEST(AsHostile, NonHttpIdsAreRefused)
{
    for (const char* id : { "javascript:alert(1)", "data:application/json,{}", "ftp://x.example/n/1", "/n/1",
             "x.example/n/1", "acct:a@x.example", "https://", "https://x .example/", "file:///etc/passwd",
             "https://ev%69l.example/n/1", "" })
        expect_refused(R"({"id": ")" + std::string(id) + R"(", "type": "Note"})", "id");
}

TEST(AsHostile, OverlongIdIsRefused)
{
    std::string id = "https://x.example/" + std::string(kMaxIdBytes, 'a');
    expect_refused(R"({"id": ")" + id + R"(", "type": "Note"})", "id");
}

TEST(AsHostile, MissingIdIsRefusedOnTheDocumentAndOnEmbeddedObjects)
{
    expect_refused(R"({"type": "Note", "content": "x"})", "id");
    expect_refused(R"({"type": "Note", "id": null})", "id");
    expect_refused(R"({"id": "https://x.example/c/1", "type": "Create", "actor": "https://x.example/u/a",
                     "object": {"type": "Note", "content": "x"}})",
        "object.id");
    expect_refused(R"({"id": "https://x.example/d/1", "type": "Delete", "actor": "https://x.example/u/a",
                     "object": {"type": "Tombstone"}})",
        "object.id");
    // A Follow at the top level is stored: it needs its id even though an embedded one may lack it.
    expect_refused(
        R"({"type": "Follow", "actor": "https://x.example/u/a", "object": "https://y.example/u/b"})", "id");
}

TEST(AsHostile, MissingOrMalformedTypeIsRefused)
{
    expect_refused(R"({"id": "https://x.example/n/1"})", "type");
    expect_refused(R"({"id": "https://x.example/n/1", "type": ""})", "type");
    expect_refused(R"({"id": "https://x.example/n/1", "type": 5})", "type");
    expect_refused(R"({"id": "https://x.example/n/1", "type": []})", "type");
    expect_refused(R"({"id": "https://x.example/n/1", "type": {"a": "Note"}})", "type");
    expect_refused(
        R"({"id": "https://x.example/n/1", "type": ")" + std::string(kMaxTypeBytes + 1, 'N') + "\"}", "type");
}

TEST(AsHostile, EmbeddingDeeperThanTheLimitIsRefused)
{
    std::string doc = R"({"id": "https://x.example/n/0", "type": "Note"})";
    for (int i = 1; i <= 5; ++i)
        doc = R"({"id": "https://x.example/a/)" + std::to_string(i) + R"(", "type": "Announce", "object": )"
            + doc + "}";
    auto r = read(doc);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::InvalidInput);
    EXPECT_EQ(r.error().field, "object.object.object.object.object");
    // With no embedding allowed, only ids may be given.
    EXPECT_FALSE(read(
        R"({"id": "https://x.example/a/1", "type": "Announce", "object": {"id": "https://x.example/n/1", "type": "Note"}})",
        0));
    EXPECT_TRUE(
        read(R"({"id": "https://x.example/a/1", "type": "Announce", "object": "https://x.example/n/1"})", 0));
}

TEST(AsHostile, NumberWhereAStringIsExpectedIsACleanError)
{
    expect_refused(R"({"id": 5, "type": "Note"})", "id");
    expect_refused(R"({"id": {"id": "https://x.example/n/1"}, "type": "Note"})", "id");
    expect_refused(note_with(R"("content": 5)"), "content");
    expect_refused(note_with(R"("content": ["<p>a</p>"])"), "content");
    expect_refused(note_with(R"("summary": {})"), "summary");
    expect_refused(note_with(R"("name": true)"), "name");
    expect_refused(note_with(R"("actor": 5)"), "actor");
    expect_refused(note_with(R"("actor": {"type": "Person"})"), "actor");
    expect_refused(note_with(R"("actor": {"id": 7})"), "actor");
    expect_refused(note_with(R"("attributedTo": [5])"), "attributedTo");
    expect_refused(note_with(R"("to": 5)"), "to");
    expect_refused(note_with(R"("cc": ["https://x.example/u/a", 5])"), "cc");
    expect_refused(note_with(R"("bcc": [null])"), "bcc");
    expect_refused(note_with(R"("audience": 1.5)"), "audience");
    expect_refused(note_with(R"("inReplyTo": 7)"), "inReplyTo");
    expect_refused(note_with(R"("context": 7)"), "context");
    expect_refused(note_with(R"("conversation": [])"), "conversation");
    expect_refused(note_with(R"("published": 1700000000)"), "published");
    expect_refused(note_with(R"("updated": true)"), "updated");
    expect_refused(note_with(R"("sensitive": "true")"), "sensitive");
    expect_refused(note_with(R"("sensitive": 1)"), "sensitive");
    expect_refused(note_with(R"("contentMap": "fr")"), "contentMap");
    expect_refused(note_with(R"("contentMap": {"fr": 5})"), "contentMap");
    expect_refused(note_with(R"("url": 5)"), "url");
    expect_refused(note_with(R"("url": true)"), "url");
    expect_refused(note_with(R"("tag": "soins")"), "tag");
    expect_refused(
        note_with(R"("tag": [{"type": "Mention", "name": 5, "href": "https://x.example/u/a"}])"), "tag");
    expect_refused(note_with(R"("tag": [{"type": "Mention", "href": 5}])"), "tag");
    expect_refused(note_with(R"("object": 5)"), "object");
    expect_refused(note_with(R"("object": true)"), "object");
    expect_refused(note_with(R"("target": [5])"), "target");
    expect_refused(note_with(R"("preferredUsername": 5)"), "preferredUsername");
    expect_refused(note_with(R"("inbox": ["https://x.example/a", "https://x.example/b"])"), "inbox");
    expect_refused(note_with(R"("inbox": 5)"), "inbox");
    expect_refused(note_with(R"("endpoints": {"sharedInbox": 5})"), "sharedInbox");
    expect_refused(note_with(R"("manuallyApprovesFollowers": "no")"), "manuallyApprovesFollowers");
}

TEST(AsHostile, ErrorsInsideAnEmbeddedObjectNameItsPath)
{
    expect_refused(R"({"id": "https://x.example/c/1", "type": "Create", "actor": "https://x.example/u/a",
                     "object": {"id": "https://x.example/n/1", "type": "Note", "content": 5}})",
        "object.content");
}

TEST(AsHostile, ValueThatIsNotAnObjectIsRefused)
{
    rapidjson::Document d;
    d.Parse(R"(["https://x.example/n/1"])");
    auto r = parse_object(d);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::InvalidInput);
    d.Parse(R"("https://x.example/n/1")");
    EXPECT_FALSE(parse_object(d));
}

TEST(AsHostile, SeveralActorsOrObjectsAreRefused)
{
    expect_refused(note_with(R"("actor": ["https://x.example/u/a", "https://x.example/u/b"])"), "actor");
    expect_refused(note_with(R"("object": ["https://x.example/n/2", "https://x.example/n/3"])"), "object");
    // One-element arrays are the same as the element.
    auto r = read(note_with(
        R"("actor": ["https://x.example/u/a"], "object": [{"id": "https://x.example/n/2", "type": "Note"}])"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->actor, "https://x.example/u/a");
    EXPECT_EQ(r->object_id, "https://x.example/n/2");
}

TEST(AsHostile, AddresseeThatIsNotAnIdIsRefused)
{
    expect_refused(note_with(R"("to": ["acct:bob@pharma.example"])"), "to");
    expect_refused(note_with(R"("cc": ["https://evil.example@pharma.example/users/bob"])"), "cc");
    expect_refused(note_with(R"("to": ["public"])"), "to");
}

TEST(AsHostile, TooManyAddresseesOrTagsAreRefused)
{
    std::string many = "[";
    for (std::size_t i = 0; i <= kMaxAddressees; ++i)
        many += std::string(i ? "," : "") + "\"https://x.example/u/" + std::to_string(i) + "\"";
    many += "]";
    expect_refused(note_with(R"("cc": )" + many), "cc");
    std::string tags = "[";
    for (std::size_t i = 0; i <= kMaxTags; ++i)
        tags += std::string(i ? "," : "") + "{}";
    tags += "]";
    expect_refused(note_with(R"("tag": )" + tags), "tag");
}

TEST(AsHostile, OversizedTextIsPayloadTooLarge)
{
    std::string big(kMaxContentBytes + 1, 'a');
    expect_refused(note_with(R"("content": ")" + big + "\""), "content", ErrorKind::PayloadTooLarge);
    expect_refused(
        note_with(R"("contentMap": {"fr": ")" + big + "\"}"), "contentMap", ErrorKind::PayloadTooLarge);
    expect_refused(note_with(R"("summary": ")" + std::string(kMaxSummaryBytes + 1, 'a') + "\""), "summary",
        ErrorKind::PayloadTooLarge);
    expect_refused(note_with(R"("name": ")" + std::string(kMaxNameBytes + 1, 'a') + "\""), "name",
        ErrorKind::PayloadTooLarge);
    expect_refused(note_with(R"("preferredUsername": ")" + std::string(kMaxUsernameBytes + 1, 'a') + "\""),
        "preferredUsername");
    EXPECT_TRUE(read(note_with(R"("content": ")" + std::string(kMaxContentBytes, 'a') + "\"")));
}

TEST(AsHostile, MalformedDatesAreRefused)
{
    for (const char* date : { "yesterday", "2026-11-23", "2026-11-23T20:09:00", "2026-02-30T00:00:00Z",
             "2026-11-23T24:00:00Z", "2026-11-23T20:60:00Z", "2026-11-23T20:09:00.Z", "2026-11-23T20:09:00Z ",
             "2026-11-23T20:09:00+0100", "2026-11-23T20:09:00+24:00", "26-11-23T20:09:00Z",
             "Mon, 23 Nov 2026 20:09:00 GMT" })
        expect_refused(note_with(R"("published": ")" + std::string(date) + "\""), "published");
    for (const char* date : { "2026-11-23T20:09:00Z", "2026-11-23t20:09:00z", "2026-11-23 20:09:00+01:00",
             "2024-02-29T00:00:00.123456789123Z", "2016-12-31T23:59:60Z" })
        EXPECT_TRUE(read(note_with(R"("published": ")" + std::string(date) + "\""))) << date;
}

TEST(AsHostile, DatesOutsideTheRepresentableRangeReadAsAbsent)
{
    for (const char* date : { "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
             "1899-12-31T23:59:59Z", "2201-01-01T00:00:00Z" }) {
        auto r = read(note_with(R"("published": ")" + std::string(date) + "\""));
        ASSERT_TRUE(r) << date << ": " << describe(r);
        EXPECT_FALSE(r->published) << date;
    }
    auto r = read(note_with(R"("published": "2200-12-31T23:59:59-23:59")"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_TRUE(r->published);
}

TEST(AsHostile, MentionWithAHostileHrefIsRefusedAndAHashtagLinkDropped)
{
    expect_refused(
        note_with(R"j("tag": [{"type": "Mention", "href": "javascript:alert(1)", "name": "@a"}])j"), "tag");
    auto r = read(note_with(R"j("tag": [{"type": "Hashtag", "href": "javascript:alert(1)", "name": "#a"},
                                       "https://x.example/tags/b", {"name": "no type"}, {"type": 5}])j"));
    ASSERT_TRUE(r) << describe(r);
    ASSERT_EQ(r->tags.size(), 1u);
    EXPECT_EQ(r->tags[0], (AsTag { "Hashtag", "", "#a" }));
}

TEST(AsHostile, UnusablePublicKeysAreSkipped)
{
    constexpr std::string_view pem = R"(-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n)";
    auto key_of = [&](std::string_view key) {
        auto r = read(
            R"({"id": "https://x.example/u/a", "type": "Person", "publicKey": )" + std::string(key) + "}");
        EXPECT_TRUE(r) << key << ": " << describe(r);
        return r ? r->key_id : "(error)";
    };
    EXPECT_EQ(key_of(R"("https://x.example/u/a#main-key")"), "");
    EXPECT_EQ(key_of(R"(5)"), "");
    EXPECT_EQ(
        key_of(
            R"({"id": "https://x.example/u/a#k", "publicKeyPem": "-----BEGIN RSA PUBLIC KEY-----\nMIIB\n-----END RSA PUBLIC KEY-----"})"),
        "");
    EXPECT_EQ(key_of(R"({"publicKeyPem": ")" + std::string(pem) + "\"}"), "");
    EXPECT_EQ(key_of(R"({"id": "javascript:x", "publicKeyPem": ")" + std::string(pem) + "\"}"), "");
    EXPECT_EQ(key_of(R"({"id": "https://x.example/u/a#k", "owner": 5, "publicKeyPem": ")" + std::string(pem)
                  + "\"}"),
        "");
    EXPECT_EQ(key_of(R"({"id": "https://x.example/u/a#k", "publicKeyPem": 5})"), "");
    EXPECT_EQ(
        key_of(
            R"({"id": "https://x.example/u/a#k", "publicKeyPem": "-----BEGIN PUBLIC KEY-----\u0000\n-----END PUBLIC KEY-----"})"),
        "");
    EXPECT_EQ(
        key_of(R"([5, {"id": "https://x.example/u/a#k2", "publicKeyPem": ")" + std::string(pem) + "\"}]"),
        "https://x.example/u/a#k2");
}

TEST(AsHostile, NullFieldsAreAbsentFields)
{
    auto r = read(R"({"id": "https://x.example/n/1", "type": "Note", "actor": null, "attributedTo": null,
      "to": null, "cc": null, "content": null, "contentMap": null, "summary": null, "url": null,
      "inReplyTo": null, "published": null, "sensitive": null, "tag": null, "object": null, "target": null,
      "publicKey": null, "endpoints": null, "manuallyApprovesFollowers": null})");
    ASSERT_TRUE(r) << describe(r);
    EXPECT_TRUE(r->to.empty());
    EXPECT_FALSE(r->published);
    EXPECT_EQ(r->object, nullptr);
}

TEST(AsHostile, InvalidLanguageTagIsDroppedNotTrusted)
{
    auto r = read(note_with(R"("contentMap": {"<script>": "<p>x</p>"})"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->content, "<p>x</p>");
    EXPECT_TRUE(r->content_language.empty());
}

TEST(AsHostile, ContentIsReturnedRawForTheCallerToSanitise)
{
    auto r = read(note_with(R"("content": "<script>alert(1)</script><p onclick=\"x\">a</p>")"));
    ASSERT_TRUE(r) << describe(r);
    EXPECT_EQ(r->content, R"(<script>alert(1)</script><p onclick="x">a</p>)");
}

} // namespace
} // namespace confrere::federation
