// parse_object on documents in the shapes Mastodon, GoToSocial, Lemmy, Misskey and Fedify emit
// (trimmed to what matters, but with their quirks: null fields, type arrays, contentMap only,
// "as:Public", embedded actors, publicKey arrays). Also host_of and is_public_collection.
#include "federation/activitypub/json.hpp"
#include "federation/activitypub/vocabulary.hpp"
#include "tests/support/test_store.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace confrere::federation {
namespace {

using testkit::describe;
using Ids = std::vector<std::string>;

Result<AsObject> read(std::string_view json)
{
    auto doc = parse_json(json);
    if (!doc)
        return forward(doc);
    return parse_object(*doc);
}

constexpr std::string_view kPublic = "https://www.w3.org/ns/activitystreams#Public";

// --- Mastodon --------------------------------------------------------------------------------

constexpr std::string_view kMastodonCreate = R"({
  "@context": ["https://www.w3.org/ns/activitystreams", {"ostatus": "http://ostatus.org#",
    "atomUri": "ostatus:atomUri", "inReplyToAtomUri": "ostatus:inReplyToAtomUri",
    "conversation": "ostatus:conversation", "sensitive": "as:sensitive",
    "toot": "http://joinmastodon.org/ns#", "votersCount": "toot:votersCount", "Hashtag": "as:Hashtag"}],
  "id": "https://mastodon.example/users/alice/statuses/113/activity",
  "type": "Create",
  "actor": "https://mastodon.example/users/alice",
  "published": "2026-11-23T20:09:00Z",
  "to": ["https://www.w3.org/ns/activitystreams#Public"],
  "cc": ["https://mastodon.example/users/alice/followers", "https://pharma.example/users/bob"],
  "object": {
    "id": "https://mastodon.example/users/alice/statuses/113",
    "type": "Note",
    "summary": null,
    "inReplyTo": "https://pharma.example/users/bob/statuses/7",
    "published": "2026-11-23T20:09:00Z",
    "url": "https://mastodon.example/@alice/113",
    "attributedTo": "https://mastodon.example/users/alice",
    "to": ["https://www.w3.org/ns/activitystreams#Public"],
    "cc": ["https://mastodon.example/users/alice/followers", "https://pharma.example/users/bob"],
    "sensitive": false,
    "atomUri": "https://mastodon.example/users/alice/statuses/113",
    "inReplyToAtomUri": "https://pharma.example/users/bob/statuses/7",
    "conversation": "tag:mastodon.example,2026-11-23:objectId=9001:objectType=Conversation",
    "content": "<p><span class=\"h-card\"><a href=\"https://pharma.example/@bob\" class=\"u-url mention\">@<span>bob</span></a></span> Merci ! <a href=\"https://mastodon.example/tags/soins\" class=\"mention hashtag\" rel=\"tag\">#<span>soins</span></a></p>",
    "contentMap": {"fr": "<p><span class=\"h-card\">…</span> Merci !</p>"},
    "attachment": [],
    "tag": [
      {"type": "Mention", "href": "https://pharma.example/users/bob", "name": "@bob@pharma.example"},
      {"type": "Hashtag", "href": "https://mastodon.example/tags/soins", "name": "#soins"},
      {"id": "https://mastodon.example/emojis/1", "type": "Emoji", "name": ":blobcat:",
       "icon": {"type": "Image", "mediaType": "image/png", "url": "https://mastodon.example/e.png"}}
    ],
    "replies": {"id": "https://mastodon.example/users/alice/statuses/113/replies", "type": "Collection",
      "first": {"type": "CollectionPage", "next": "https://mastodon.example/users/alice/statuses/113/replies?page=true",
        "partOf": "https://mastodon.example/users/alice/statuses/113/replies", "items": []}}
  },
  "signature": {"type": "RsaSignature2017", "creator": "https://mastodon.example/users/alice#main-key",
    "created": "2026-11-23T20:09:01Z", "signatureValue": "c2lnbmF0dXJl"}
})";

TEST(AsRead, MastodonCreateWithEmbeddedNote)
{
    auto a = read(kMastodonCreate);
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->type, "Create");
    EXPECT_EQ(a->id, "https://mastodon.example/users/alice/statuses/113/activity");
    EXPECT_EQ(a->actor, "https://mastodon.example/users/alice");
    EXPECT_EQ(a->to, Ids { std::string(kPublic) });
    EXPECT_EQ(a->cc,
        (Ids { "https://mastodon.example/users/alice/followers", "https://pharma.example/users/bob" }));
    EXPECT_EQ(format_iso8601(*a->published), "2026-11-23T20:09:00.000Z");
    EXPECT_EQ(a->object_id, "https://mastodon.example/users/alice/statuses/113");
    ASSERT_NE(a->object, nullptr);
    const AsObject& note = *a->object;
    EXPECT_EQ(note.type, "Note");
    EXPECT_EQ(note.attributed_to, "https://mastodon.example/users/alice");
    EXPECT_EQ(note.in_reply_to, "https://pharma.example/users/bob/statuses/7");
    EXPECT_EQ(note.url, "https://mastodon.example/@alice/113");
    EXPECT_TRUE(note.summary.empty());
    EXPECT_FALSE(note.sensitive);
    EXPECT_TRUE(note.content.starts_with("<p><span class=\"h-card\">")); // content wins over contentMap
    EXPECT_EQ(note.content_language, "fr");
    EXPECT_EQ(note.conversation, "tag:mastodon.example,2026-11-23:objectId=9001:objectType=Conversation");
    ASSERT_EQ(note.tags.size(), 2u); // the Emoji is not kept
    EXPECT_EQ(note.tags[0], (AsTag { "Mention", "https://pharma.example/users/bob", "@bob@pharma.example" }));
    EXPECT_EQ(note.tags[1], (AsTag { "Hashtag", "https://mastodon.example/tags/soins", "#soins" }));
    EXPECT_EQ(note.object, nullptr);
}

TEST(AsRead, MastodonBoostIsAnAnnounceOfAUrl)
{
    auto a = read(R"({"@context": "https://www.w3.org/ns/activitystreams",
      "id": "https://mastodon.example/users/alice/statuses/114/activity", "type": "Announce",
      "actor": "https://mastodon.example/users/alice", "published": "2026-11-23T21:00:00Z",
      "to": ["https://www.w3.org/ns/activitystreams#Public"],
      "cc": ["https://gts.example/users/carol", "https://mastodon.example/users/alice/followers"],
      "object": "https://gts.example/users/carol/statuses/01HXYZ"})");
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->type, "Announce");
    EXPECT_EQ(a->object_id, "https://gts.example/users/carol/statuses/01HXYZ");
    EXPECT_EQ(a->object, nullptr);
    EXPECT_EQ(a->cc.size(), 2u);
}

TEST(AsRead, MastodonUndoWithEmbeddedFollow)
{
    auto a = read(R"({"@context": "https://www.w3.org/ns/activitystreams",
      "id": "https://mastodon.example/users/alice#follows/77/undo", "type": "Undo",
      "actor": "https://mastodon.example/users/alice",
      "object": {"id": "https://mastodon.example/0d3c5b1e-5c61-4f4e-9d3b-4e1d0e2f6a7b", "type": "Follow",
        "actor": "https://mastodon.example/users/alice", "object": "https://pharma.example/users/bob"}})");
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->type, "Undo");
    ASSERT_NE(a->object, nullptr);
    EXPECT_EQ(a->object->type, "Follow");
    EXPECT_EQ(a->object->actor, "https://mastodon.example/users/alice");
    EXPECT_EQ(a->object->object_id, "https://pharma.example/users/bob");
    EXPECT_EQ(a->object_id, "https://mastodon.example/0d3c5b1e-5c61-4f4e-9d3b-4e1d0e2f6a7b");
}

TEST(AsRead, MastodonDeleteWithTombstone)
{
    auto a = read(R"({"@context": ["https://www.w3.org/ns/activitystreams",
        {"ostatus": "http://ostatus.org#", "atomUri": "ostatus:atomUri"}],
      "id": "https://mastodon.example/users/alice/statuses/113#delete", "type": "Delete",
      "actor": "https://mastodon.example/users/alice",
      "to": ["https://www.w3.org/ns/activitystreams#Public"],
      "object": {"id": "https://mastodon.example/users/alice/statuses/113", "type": "Tombstone",
        "atomUri": "https://mastodon.example/users/alice/statuses/113"}})");
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->type, "Delete");
    EXPECT_EQ(a->object_id, "https://mastodon.example/users/alice/statuses/113");
    ASSERT_NE(a->object, nullptr);
    EXPECT_EQ(a->object->type, "Tombstone");
}

TEST(AsRead, MastodonActorDeleteNamesTheActorAsObject)
{
    auto a = read(R"({"@context": "https://www.w3.org/ns/activitystreams",
      "id": "https://mastodon.example/users/gone#delete", "type": "Delete",
      "actor": "https://mastodon.example/users/gone", "to": ["https://www.w3.org/ns/activitystreams#Public"],
      "object": "https://mastodon.example/users/gone"})");
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->object_id, a->actor);
}

constexpr std::string_view kMastodonActor = R"({
  "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1",
    {"manuallyApprovesFollowers": "as:manuallyApprovesFollowers", "toot": "http://joinmastodon.org/ns#"}],
  "id": "https://mastodon.example/users/alice", "type": "Person",
  "following": "https://mastodon.example/users/alice/following",
  "followers": "https://mastodon.example/users/alice/followers",
  "inbox": "https://mastodon.example/users/alice/inbox",
  "outbox": "https://mastodon.example/users/alice/outbox",
  "featured": "https://mastodon.example/users/alice/collections/featured",
  "preferredUsername": "alice", "name": "Alice Martin :verified:",
  "summary": "<p>Infirmière libérale</p>", "url": "https://mastodon.example/@alice",
  "manuallyApprovesFollowers": true, "discoverable": true, "indexable": false,
  "published": "2023-01-01T00:00:00Z", "memorial": false,
  "publicKey": {"id": "https://mastodon.example/users/alice#main-key",
    "owner": "https://mastodon.example/users/alice",
    "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1L7VLPHCgcBIjA\n-----END PUBLIC KEY-----\n"},
  "tag": [], "attachment": [{"type": "PropertyValue", "name": "Site", "value": "<a href=\"https://a.example\">a</a>"}],
  "endpoints": {"sharedInbox": "https://mastodon.example/inbox"},
  "icon": {"type": "Image", "mediaType": "image/png", "url": "https://files.mastodon.example/a.png"}
})";

TEST(AsRead, MastodonActor)
{
    auto a = read(kMastodonActor);
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->type, "Person");
    EXPECT_EQ(a->preferred_username, "alice");
    EXPECT_EQ(a->name, "Alice Martin :verified:");
    EXPECT_EQ(a->inbox, "https://mastodon.example/users/alice/inbox");
    EXPECT_EQ(a->outbox, "https://mastodon.example/users/alice/outbox");
    EXPECT_EQ(a->followers, "https://mastodon.example/users/alice/followers");
    EXPECT_EQ(a->following, "https://mastodon.example/users/alice/following");
    EXPECT_EQ(a->shared_inbox, "https://mastodon.example/inbox");
    EXPECT_EQ(a->key_id, "https://mastodon.example/users/alice#main-key");
    EXPECT_EQ(a->key_owner, "https://mastodon.example/users/alice");
    EXPECT_TRUE(a->public_key_pem.starts_with("-----BEGIN PUBLIC KEY-----\nMIIB"));
    EXPECT_TRUE(a->manually_approves_followers);
    EXPECT_EQ(a->url, "https://mastodon.example/@alice");
    EXPECT_TRUE(a->tags.empty());
}

// --- GoToSocial ------------------------------------------------------------------------------

TEST(AsRead, GoToSocialNoteWithInteractionPolicyAndMainKeyPath)
{
    auto a = read(R"({"@context": ["https://gotosocial.org/ns", "https://www.w3.org/ns/activitystreams",
        {"Hashtag": "as:Hashtag", "sensitive": "as:sensitive"}],
      "id": "https://gts.example/users/carol/statuses/01HXYZ", "type": "Note",
      "attributedTo": "https://gts.example/users/carol",
      "content": "<p>Protocole de pansement</p>", "contentMap": {"fr": "<p>Protocole de pansement</p>"},
      "published": "2026-11-22T08:00:00Z", "sensitive": true, "summary": "soins",
      "to": "https://gts.example/users/carol/followers", "cc": [],
      "url": "https://gts.example/@carol/statuses/01HXYZ",
      "interactionPolicy": {"canLike": {"always": ["https://www.w3.org/ns/activitystreams#Public"]}},
      "replies": {"type": "Collection", "id": "https://gts.example/users/carol/statuses/01HXYZ/replies"},
      "tag": [], "attachment": []})");
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->to, Ids { "https://gts.example/users/carol/followers" }); // a string becomes one element
    EXPECT_TRUE(a->cc.empty());
    EXPECT_TRUE(a->sensitive);
    EXPECT_EQ(a->summary, "soins");
    EXPECT_EQ(a->content_language, "fr");
}

TEST(AsRead, GoToSocialActorKeyIsAtASeparatePath)
{
    auto a = read(R"({"@context": ["https://w3id.org/security/v1", "https://www.w3.org/ns/activitystreams"],
      "id": "https://gts.example/users/carol", "type": "Person", "preferredUsername": "carol",
      "inbox": "https://gts.example/users/carol/inbox", "outbox": "https://gts.example/users/carol/outbox",
      "followers": "https://gts.example/users/carol/followers", "following": "https://gts.example/users/carol/following",
      "manuallyApprovesFollowers": false, "discoverable": true, "featured": "https://gts.example/users/carol/collections/featured",
      "publicKey": {"id": "https://gts.example/users/carol/main-key", "owner": "https://gts.example/users/carol",
        "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----END PUBLIC KEY-----\n"},
      "url": "https://gts.example/@carol"})");
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->key_id, "https://gts.example/users/carol/main-key");
    EXPECT_TRUE(a->shared_inbox.empty()); // GtS exposes none
}

// --- Lemmy -----------------------------------------------------------------------------------

constexpr std::string_view kLemmyAnnounce = R"({
  "@context": ["https://join-lemmy.org/context.json", "https://www.w3.org/ns/activitystreams"],
  "actor": "https://lemmy.example/c/nursing",
  "to": ["https://www.w3.org/ns/activitystreams#Public"],
  "object": {
    "actor": "https://lemmy.example/u/dana",
    "to": ["https://lemmy.example/c/nursing", "https://www.w3.org/ns/activitystreams#Public"],
    "object": {
      "type": "Page", "id": "https://lemmy.example/post/42",
      "attributedTo": "https://lemmy.example/u/dana",
      "to": ["https://lemmy.example/c/nursing", "https://www.w3.org/ns/activitystreams#Public"],
      "name": "Gardes de nuit", "cc": [],
      "content": "<p>Comment organisez-vous…</p>\n", "mediaType": "text/html",
      "source": {"content": "Comment organisez-vous…", "mediaType": "text/markdown"},
      "attachment": [], "sensitive": false, "published": "2026-11-20T10:15:30.123456+00:00",
      "language": {"identifier": "fr", "name": "Français"},
      "audience": "https://lemmy.example/c/nursing",
      "tag": [{"href": "https://lemmy.example/c/nursing", "name": "#nursing", "type": "Hashtag"}]
    },
    "cc": ["https://lemmy.example/c/nursing"], "tag": [], "type": "Create",
    "id": "https://lemmy.example/activities/create/3f1c6b0e",
    "audience": "https://lemmy.example/c/nursing"
  },
  "cc": ["https://lemmy.example/c/nursing/followers"],
  "type": "Announce",
  "id": "https://lemmy.example/activities/announce/create/9a2b7d41"
})";

TEST(AsRead, LemmyGroupAnnounceWrapsTheCreateUnchanged)
{
    auto a = read(kLemmyAnnounce);
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->type, "Announce");
    EXPECT_EQ(a->actor, "https://lemmy.example/c/nursing");
    EXPECT_EQ(a->cc, Ids { "https://lemmy.example/c/nursing/followers" });
    ASSERT_NE(a->object, nullptr);
    const AsObject& create = *a->object;
    EXPECT_EQ(create.type, "Create");
    EXPECT_EQ(create.actor, "https://lemmy.example/u/dana");
    EXPECT_EQ(create.audience, "https://lemmy.example/c/nursing");
    ASSERT_NE(create.object, nullptr);
    const AsObject& page = *create.object;
    EXPECT_EQ(page.type, "Page");
    EXPECT_EQ(page.name, "Gardes de nuit");
    EXPECT_EQ(page.attributed_to, "https://lemmy.example/u/dana");
    EXPECT_EQ(page.audience, "https://lemmy.example/c/nursing");
    EXPECT_EQ(to_unix_ms(*page.published) % 1000, 123);
    EXPECT_TRUE(page.content_language.empty()); // Lemmy's `language` object is not contentMap
}

TEST(AsRead, LemmyGroupActorWithModeratorsAndPostingRestriction)
{
    auto a = read(
        R"({"@context": ["https://join-lemmy.org/context.json", "https://www.w3.org/ns/activitystreams"],
      "type": "Group", "id": "https://lemmy.example/c/nursing", "preferredUsername": "nursing",
      "name": "Soins infirmiers", "summary": "<p>Entraide</p>",
      "inbox": "https://lemmy.example/c/nursing/inbox", "followers": "https://lemmy.example/c/nursing/followers",
      "attributedTo": "https://lemmy.example/c/nursing/moderators", "featured": "https://lemmy.example/c/nursing/featured",
      "outbox": "https://lemmy.example/c/nursing/outbox", "postingRestrictedToMods": false,
      "manuallyApprovesFollowers": true,
      "endpoints": {"sharedInbox": "https://lemmy.example/inbox"},
      "publicKey": {"id": "https://lemmy.example/c/nursing#main-key", "owner": "https://lemmy.example/c/nursing",
        "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n"},
      "published": "2025-05-05T05:05:05.000005Z"})");
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->type, "Group");
    EXPECT_EQ(a->attributed_to, "https://lemmy.example/c/nursing/moderators");
    EXPECT_TRUE(a->manually_approves_followers);
}

TEST(AsRead, PeerTubeAttributedToListGivesTheFirstId)
{
    auto a = read(R"({"@context": "https://www.w3.org/ns/activitystreams", "type": "Video",
      "id": "https://tube.example/videos/watch/1",
      "attributedTo": [{"type": "Person", "id": "https://tube.example/accounts/eve"},
                       {"type": "Group", "id": "https://tube.example/video-channels/soins"}],
      "url": [{"type": "Link", "mediaType": "text/html", "href": "https://tube.example/w/1"},
              {"type": "Link", "mediaType": "video/mp4", "href": "https://tube.example/1.mp4"}]})");
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->attributed_to, "https://tube.example/accounts/eve");
    EXPECT_EQ(a->url, "https://tube.example/w/1");
}

// --- Misskey ---------------------------------------------------------------------------------

TEST(AsRead, MisskeyNoteWithItsExtensions)
{
    auto a = read(R"({"@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1",
        {"Key": "sec:Key", "manuallyApprovesFollowers": "as:manuallyApprovesFollowers", "sensitive": "as:sensitive",
         "Hashtag": "as:Hashtag", "quoteUrl": "as:quoteUrl", "misskey": "https://misskey-hub.net/ns#",
         "_misskey_content": "misskey:_misskey_content", "_misskey_quote": "misskey:_misskey_quote",
         "isCat": "misskey:isCat"}],
      "id": "https://misskey.example/notes/9ab1cd2ef3", "type": "Note",
      "attributedTo": "https://misskey.example/users/9xyz", "content": "<p>Bonjour <a href=\"https://misskey.example/tags/soins\" rel=\"tag\">#soins</a></p>",
      "_misskey_content": "Bonjour #soins", "source": {"content": "Bonjour #soins", "mediaType": "text/x.misskeymarkdown"},
      "_misskey_quote": null, "quoteUrl": null,
      "published": "2026-11-23T20:09:00.000Z", "to": ["https://www.w3.org/ns/activitystreams#Public"],
      "cc": ["https://misskey.example/users/9xyz/followers"], "inReplyTo": null, "attachment": [],
      "sensitive": false, "tag": [{"type": "Hashtag", "href": "https://misskey.example/tags/soins", "name": "#soins"}]})");
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->attributed_to, "https://misskey.example/users/9xyz");
    EXPECT_TRUE(a->in_reply_to.empty());
    EXPECT_EQ(a->tags.size(), 1u);
}

TEST(AsRead, MisskeyLikeWithReactionContent)
{
    auto a = read(R"({"@context": "https://www.w3.org/ns/activitystreams", "type": "Like",
      "id": "https://misskey.example/likes/9zz", "actor": "https://misskey.example/users/9xyz",
      "object": "https://pharma.example/users/bob/statuses/7", "content": "👍", "_misskey_reaction": "👍"})");
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->type, "Like");
    EXPECT_EQ(a->content, "👍");
}

// --- Fedify and others -----------------------------------------------------------------------

TEST(AsRead, FedifyActorWithPublicKeyArrayTakesTheFirstUsableKey)
{
    auto a = read(R"({"@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1",
        "https://w3id.org/security/data-integrity/v1", "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1"],
      "id": "https://fedify.example/users/frank", "type": "Person", "preferredUsername": "frank",
      "name": "Frank", "inbox": "https://fedify.example/users/frank/inbox",
      "endpoints": {"type": "as:Endpoints", "sharedInbox": "https://fedify.example/inbox"},
      "publicKey": [
        {"id": "https://fedify.example/users/frank#ed-key", "type": "CryptographicKey",
         "owner": "https://fedify.example/users/frank", "publicKeyMultibase": "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"},
        {"id": "https://fedify.example/users/frank#main-key", "type": "CryptographicKey",
         "owner": "https://fedify.example/users/frank",
         "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n-----END PUBLIC KEY-----\n"},
        {"id": "https://fedify.example/users/frank#key-3", "type": "CryptographicKey",
         "owner": "https://fedify.example/users/frank",
         "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n"}],
      "assertionMethod": [{"id": "https://fedify.example/users/frank#ed-key", "type": "Multikey",
        "controller": "https://fedify.example/users/frank", "publicKeyMultibase": "z6Mkr"}]})");
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->key_id, "https://fedify.example/users/frank#main-key");
    EXPECT_TRUE(a->public_key_pem.find("MIIBIjAN") != std::string::npos);
}

TEST(AsRead, FedifyNoteWithContentMapOnly)
{
    auto a = read(R"({"@context": "https://www.w3.org/ns/activitystreams", "type": "Note",
      "id": "https://fedify.example/users/frank/posts/1", "attributedTo": "https://fedify.example/users/frank",
      "contentMap": {"fr-CA": "<p>Salut</p>", "en": "<p>Hi</p>"}, "published": "2026-11-23T20:09:00-05:00",
      "to": "as:Public"})");
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->content, "<p>Salut</p>");
    EXPECT_EQ(a->content_language, "fr-CA");
    EXPECT_EQ(format_iso8601(*a->published), "2026-11-24T01:09:00.000Z");
    EXPECT_EQ(a->to, Ids { std::string(kPublic) });
}

TEST(AsRead, AcceptWithTheFollowGivenByIdOnly)
{
    auto a = read(R"({"@context": "https://www.w3.org/ns/activitystreams",
      "id": "https://akkoma.example/activities/5c1e", "type": "Accept",
      "actor": "https://akkoma.example/users/erin", "to": ["https://pharma.example/users/bob"],
      "object": "https://pharma.example/users/bob/follows/123"})");
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->type, "Accept");
    EXPECT_EQ(a->object_id, "https://pharma.example/users/bob/follows/123");
    EXPECT_EQ(a->object, nullptr);
}

TEST(AsRead, AcceptWithAnAnonymousEmbeddedFollow)
{
    auto a = read(R"({"@context": "https://www.w3.org/ns/activitystreams",
      "id": "https://old.example/accept/1", "type": "Accept", "actor": "https://old.example/users/gus",
      "object": {"type": "Follow", "actor": "https://pharma.example/users/bob", "object": "https://old.example/users/gus"}})");
    ASSERT_TRUE(a) << describe(a);
    ASSERT_NE(a->object, nullptr);
    EXPECT_TRUE(a->object_id.empty());
    EXPECT_EQ(a->object->actor, "https://pharma.example/users/bob");
    EXPECT_EQ(a->object->object_id, "https://old.example/users/gus");
}

TEST(AsRead, EmbeddedActorObjectGivesItsId)
{
    auto a = read(R"({"@context": "https://www.w3.org/ns/activitystreams", "id": "https://x.example/a/1",
      "type": "Like", "actor": {"id": "https://x.example/users/h", "type": "Person"},
      "object": "https://pharma.example/users/bob/statuses/7"})");
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->actor, "https://x.example/users/h");
}

TEST(AsRead, TypeArrayPrefersAKnownType)
{
    auto a = read(R"({"id": "https://x.example/n/1", "type": ["schema:Review", "Note"]})");
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->type, "Note");
    auto b = read(R"({"id": "https://x.example/n/1", "type": ["schema:Review", "schema:Thing"]})");
    ASSERT_TRUE(b) << describe(b);
    EXPECT_EQ(b->type, "schema:Review");
    auto c = read(R"({"id": "https://x.example/n/1", "type": [1, "Note"]})");
    ASSERT_TRUE(c) << describe(c);
    EXPECT_EQ(c->type, "Note");
}

TEST(AsRead, PublicCollectionFormsAreNormalised)
{
    auto a = read(R"({"id": "https://x.example/n/1", "type": "Note",
      "to": ["as:Public", "Public"], "cc": "https://www.w3.org/ns/activitystreams#Public",
      "bto": ["https://x.example/users/a"], "bcc": ["https://x.example/users/b"]})");
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->to, (Ids { std::string(kPublic), std::string(kPublic) }));
    EXPECT_EQ(a->cc, Ids { std::string(kPublic) });
    EXPECT_EQ(a->bto, Ids { "https://x.example/users/a" });
    EXPECT_EQ(a->bcc, Ids { "https://x.example/users/b" });
}

TEST(AsRead, ContextIsIgnoredAndMayBeAbsent)
{
    auto a = read(
        R"({"@context": "https://evil.example/context.jsonld", "id": "https://x.example/n/1", "type": "Note"})");
    ASSERT_TRUE(a) << describe(a);
    auto b = read(R"({"id": "https://x.example/n/1", "type": "Note"})");
    ASSERT_TRUE(b) << describe(b);
}

TEST(AsRead, UrlSkipsNonHttpEntries)
{
    auto a = read(R"({"id": "https://bsky.brid.gy/r/1", "type": "Note",
      "url": ["at://did:plc:abc/app.bsky.feed.post/1", {"type": "Link", "href": "https://bsky.app/profile/x/post/1"}]})");
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->url, "https://bsky.app/profile/x/post/1");
    auto b = read(R"j({"id": "https://x.example/n/1", "type": "Note", "url": "javascript:alert(1)"})j");
    ASSERT_TRUE(b) << describe(b);
    EXPECT_TRUE(b->url.empty());
}

TEST(AsRead, ContextAndConversationAreOpaque)
{
    auto a = read(R"({"id": "https://x.example/n/1", "type": "Note",
      "context": {"id": "https://x.example/threads/1", "type": "OrderedCollection"},
      "conversation": "tag:x.example,2026:thread-1"})");
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->context, "https://x.example/threads/1");
    EXPECT_EQ(a->conversation, "tag:x.example,2026:thread-1");
}

TEST(AsRead, TargetAndUpdatedAreRead)
{
    auto a = read(R"({"id": "https://x.example/add/1", "type": "Add", "actor": "https://x.example/users/o",
      "object": "https://x.example/n/1", "updated": "2026-11-23T20:09:00.5z",
      "target": {"type": "OrderedCollection", "id": "https://x.example/ctx/1", "attributedTo": "https://x.example/users/o"}})");
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->target_id, "https://x.example/ctx/1");
    EXPECT_EQ(format_iso8601(*a->updated), "2026-11-23T20:09:00.500Z");
}

TEST(AsRead, EmbeddingUpToTheLimitIsAccepted)
{
    // Announce(Announce(Announce(Announce(Note)))): four levels of `object`.
    std::string doc = R"({"id": "https://x.example/n/0", "type": "Note"})";
    for (int i = 1; i <= 4; ++i)
        doc = R"({"id": "https://x.example/a/)" + std::to_string(i) + R"(", "type": "Announce", "object": )"
            + doc + "}";
    auto a = read(doc);
    ASSERT_TRUE(a) << describe(a);
    EXPECT_EQ(a->object->object->object->object->id, "https://x.example/n/0");
}

// --- host_of, is_public_collection, has_activitystreams_context ------------------------------

TEST(HostOf, IsTheLowerCaseAuthorityWithoutTheDefaultPort)
{
    EXPECT_EQ(host_of("https://Mastodon.EXAMPLE/users/a"), "mastodon.example");
    EXPECT_EQ(host_of("https://mastodon.example:443/x"), "mastodon.example");
    EXPECT_EQ(host_of("http://a.example:80"), "a.example");
    EXPECT_EQ(host_of("https://a.example:80/"), "a.example:80");
    EXPECT_EQ(host_of("http://a.example:8080/x?y#z"), "a.example:8080");
    EXPECT_EQ(host_of("http://127.0.0.1:8081/users/a"), "127.0.0.1:8081");
    EXPECT_EQ(host_of("https://[2001:DB8::1]:8443/x"), "[2001:db8::1]:8443");
}

TEST(HostOf, IsEmptyForAnythingButAnAbsoluteHttpUrl)
{
    for (const char* url : { "", "/users/a", "mastodon.example", "//mastodon.example/a", "ftp://a.example/",
             "javascript:alert(1)", "data:text/html,x", "acct:a@b.example", "https:///a", "https://",
             "https:a.example/x", "https://a b.example/", "https://a.example:99999/", "https://a.example:0/",
             "https://ev%69l.example/", "https://a.example\n/", "as:Public" })
        EXPECT_EQ(host_of(url), "") << url;
}

TEST(HostOf, RefusesUserinfo)
{
    EXPECT_EQ(host_of("https://mastodon.example@evil.example/users/a"), "");
    EXPECT_EQ(host_of("https://user:password@a.example/"), "");
    EXPECT_EQ(host_of("https://@a.example/"), "");
}

TEST(OriginOf, KeepsTheSchemeThatHostOfIgnores)
{
    EXPECT_EQ(origin_of("https://Mastodon.Example:443/users/a"), "https://mastodon.example");
    EXPECT_EQ(origin_of("HTTP://a.example:8080/x"), "http://a.example:8080");
    EXPECT_NE(origin_of("http://a.example/x"), origin_of("https://a.example/x"));
    EXPECT_EQ(host_of("http://a.example/x"), host_of("https://a.example/x"));
    EXPECT_EQ(origin_of("https://u@a.example/"), "");
    EXPECT_EQ(origin_of("ftp://a.example/"), "");
}

TEST(PublicCollection, AllThreeFormsAndNothingElse)
{
    EXPECT_TRUE(is_public_collection("https://www.w3.org/ns/activitystreams#Public"));
    EXPECT_TRUE(is_public_collection("as:Public"));
    EXPECT_TRUE(is_public_collection("Public"));
    EXPECT_FALSE(is_public_collection("http://www.w3.org/ns/activitystreams#Public"));
    EXPECT_FALSE(is_public_collection("public"));
    EXPECT_FALSE(is_public_collection("https://mastodon.example/users/alice/followers"));
    EXPECT_FALSE(is_public_collection(""));
}

TEST(ActivityStreamsContext, StringOrArrayMemberIsRecognised)
{
    auto check = [](std::string_view json) {
        auto doc = parse_json(json);
        return doc && has_activitystreams_context(*doc);
    };
    EXPECT_TRUE(check(R"({"@context": "https://www.w3.org/ns/activitystreams"})"));
    EXPECT_TRUE(check(
        R"({"@context": ["https://join-lemmy.org/context.json", "https://www.w3.org/ns/activitystreams"]})"));
    EXPECT_FALSE(check(R"({"@context": "https://evil.example/ns"})"));
    EXPECT_FALSE(check(R"({"@context": {"@vocab": "https://www.w3.org/ns/activitystreams"}})"));
    EXPECT_FALSE(check(R"({"id": "https://x.example/1"})"));
}

} // namespace
} // namespace confrere::federation
