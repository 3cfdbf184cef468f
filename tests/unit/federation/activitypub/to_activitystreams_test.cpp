// Outbound documents: each is read back with parse_json + parse_object into the same fields (the
// round trip Mastodon and the others make of them), with Mastodon's shapes where it has one.
#include "federation/activitypub/json.hpp"
#include "federation/activitypub/to_activitystreams.hpp"
#include "federation/activitypub/vocabulary.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/test_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace confrere::federation {
namespace {

using testkit::describe;
using Ids = std::vector<std::string>;

constexpr std::string_view kAlice = "https://pharma.example/users/alice";
const std::string kPublicId(kPublicCollection);

AsObject read_back(const std::string& json)
{
    auto doc = parse_json(json);
    EXPECT_TRUE(doc) << describe(doc) << "\n" << json;
    if (!doc)
        return {};
    EXPECT_TRUE(has_activitystreams_context(*doc)) << json;
    auto object = parse_object(*doc);
    EXPECT_TRUE(object) << describe(object) << "\n" << json;
    return object ? *object : AsObject {};
}

rapidjson::Document raw(const std::string& json)
{
    rapidjson::Document d;
    d.Parse(json.c_str(), json.size());
    EXPECT_FALSE(d.HasParseError()) << json;
    return d;
}

NoteView reply_note()
{
    NoteView n;
    n.id = std::string(kAlice) + "/statuses/42";
    n.url = "https://pharma.example/@alice/42";
    n.attributed_to = std::string(kAlice);
    n.content_html = "<p>Voir <a href=\"https://gts.example/@carol\" class=\"u-url mention\">@carol</a> "
                     "\"guillemets\" \\ &amp; \u00e9</p>";
    n.summary = "Protocole";
    n.in_reply_to = "https://gts.example/users/carol/statuses/01HXYZ";
    n.context = "https://gts.example/users/carol/statuses/01HXYZ/context";
    n.language = "fr";
    n.sensitive = true;
    n.published = testkit::kStartTime;
    n.addressing = { { std::string(kAlice) + "/followers" }, { "https://gts.example/users/carol" } };
    n.tags = { { "Mention", "https://gts.example/users/carol", "@carol@gts.example" },
        { "Hashtag", "https://pharma.example/tags/soins", "#soins" } };
    n.replies_url = n.id + "/replies";
    return n;
}

void expect_same_note(const AsObject& o, const NoteView& n)
{
    EXPECT_EQ(o.id, n.id);
    EXPECT_EQ(o.type, "Note");
    EXPECT_EQ(o.url, n.url);
    EXPECT_EQ(o.attributed_to, n.attributed_to);
    EXPECT_EQ(o.content, n.content_html);
    EXPECT_EQ(o.content_language, n.language);
    EXPECT_EQ(o.summary, n.summary);
    EXPECT_EQ(o.in_reply_to, n.in_reply_to);
    EXPECT_EQ(o.context, n.context);
    EXPECT_EQ(o.sensitive, n.sensitive);
    EXPECT_EQ(o.published, n.published);
    EXPECT_EQ(o.updated, n.updated);
    EXPECT_EQ(o.to, n.addressing.to);
    EXPECT_EQ(o.cc, n.addressing.cc);
    EXPECT_EQ(o.tags, n.tags);
    EXPECT_EQ(o.audience, n.audience);
}

TEST(AsWrite, NoteReadsBackIntoTheSameFields)
{
    NoteView n = reply_note();
    std::string json = note_json(n);
    expect_same_note(read_back(json), n);
    auto d = raw(json);
    EXPECT_STREQ(d["replies"].GetString(), (n.id + "/replies").c_str());
    EXPECT_STREQ(d["contentMap"]["fr"].GetString(), n.content_html.c_str());
}

TEST(AsWrite, NoteUsingMastodonTermsDeclaresThemInline)
{
    auto d = raw(note_json(reply_note()));
    ASSERT_TRUE(d["@context"].IsArray());
    EXPECT_STREQ(d["@context"][0].GetString(), "https://www.w3.org/ns/activitystreams");
    EXPECT_STREQ(d["@context"][1]["sensitive"].GetString(), "as:sensitive");
    EXPECT_STREQ(d["@context"][1]["Hashtag"].GetString(), "as:Hashtag");
    EXPECT_EQ(d["@context"].Size(), 2u);
}

TEST(AsWrite, PlainNoteHasThePlainContextAndNoOptionalFields)
{
    NoteView n;
    n.id = std::string(kAlice) + "/statuses/1";
    n.attributed_to = std::string(kAlice);
    n.content_html = "<p>Bonjour</p>";
    n.published = testkit::kStartTime;
    n.addressing.to = { std::string(kAlice) + "/followers" };
    std::string json = note_json(n);
    auto d = raw(json);
    EXPECT_TRUE(d["@context"].IsString());
    for (const char* absent : { "summary", "inReplyTo", "updated", "url", "audience", "context", "sensitive",
             "contentMap", "tag", "replies", "bto", "bcc" })
        EXPECT_FALSE(d.HasMember(absent)) << absent;
    EXPECT_TRUE(d["cc"].IsArray());
    EXPECT_EQ(d["cc"].Size(), 0u);
    expect_same_note(read_back(json), n);
}

TEST(AsWrite, GroupNoteCarriesItsAudience)
{
    NoteView n = reply_note();
    n.audience = "https://pharma.example/groups/plaies";
    n.addressing = { { n.audience }, { n.audience + "/followers" } };
    AsObject o = read_back(note_json(n));
    EXPECT_EQ(o.audience, n.audience);
    AsObject create = read_back(create_json(n.id + "/activity", kAlice, n));
    EXPECT_EQ(create.audience, n.audience);
}

TEST(AsWrite, CreateEmbedsTheNoteWithItsAddressing)
{
    NoteView n = reply_note();
    std::string json = create_json(n.id + "/activity", kAlice, n);
    AsObject a = read_back(json);
    EXPECT_EQ(a.type, "Create");
    EXPECT_EQ(a.id, n.id + "/activity");
    EXPECT_EQ(a.actor, kAlice);
    EXPECT_EQ(a.to, n.addressing.to);
    EXPECT_EQ(a.cc, n.addressing.cc);
    EXPECT_EQ(a.published, n.published);
    EXPECT_EQ(a.object_id, n.id);
    ASSERT_NE(a.object, nullptr);
    expect_same_note(*a.object, n);
    EXPECT_FALSE(raw(json)["object"].HasMember("@context"));
}

TEST(AsWrite, UpdateCarriesTheEditTime)
{
    NoteView n = reply_note();
    n.updated = testkit::kStartTime + std::chrono::minutes(5);
    AsObject a = read_back(update_json(n.id + "#updates/1", kAlice, n));
    EXPECT_EQ(a.type, "Update");
    EXPECT_EQ(a.published, n.updated);
    ASSERT_NE(a.object, nullptr);
    expect_same_note(*a.object, n);
}

TEST(AsWrite, DeleteCarriesATombstone)
{
    Addressing to_public { { kPublicId }, { std::string(kAlice) + "/followers" } };
    std::string object = std::string(kAlice) + "/statuses/42";
    AsObject a = read_back(delete_json(object + "#delete", kAlice, object, to_public));
    EXPECT_EQ(a.type, "Delete");
    EXPECT_EQ(a.actor, kAlice);
    EXPECT_EQ(a.to, to_public.to);
    EXPECT_EQ(a.cc, to_public.cc);
    EXPECT_EQ(a.object_id, object);
    ASSERT_NE(a.object, nullptr);
    EXPECT_EQ(a.object->type, "Tombstone");
}

TEST(AsWrite, TombstoneWithItsDeletionTime)
{
    std::string object = std::string(kAlice) + "/statuses/42";
    std::string json = tombstone_json(object, testkit::kStartTime);
    AsObject o = read_back(json);
    EXPECT_EQ(o.type, "Tombstone");
    EXPECT_EQ(o.id, object);
    EXPECT_STREQ(raw(json)["deleted"].GetString(), format_iso8601(testkit::kStartTime).c_str());
    EXPECT_FALSE(raw(tombstone_json(object, std::nullopt)).HasMember("deleted"));
}

TEST(AsWrite, FollowAcceptRejectRoundTrip)
{
    const std::string bob = "https://mastodon.example/users/bob";
    const std::string follow_id = std::string(kAlice) + "/follows/7";
    AsObject f = read_back(follow_json(follow_id, kAlice, bob));
    EXPECT_EQ(f.type, "Follow");
    EXPECT_EQ(f.id, follow_id);
    EXPECT_EQ(f.actor, kAlice);
    EXPECT_EQ(f.object_id, bob);

    ActivityRef follow { "https://mastodon.example/f/1", "Follow", bob, std::string(kAlice) };
    for (auto [type, json] :
        { std::pair { "Accept", accept_json(std::string(kAlice) + "#accepts/1", kAlice, follow) },
            std::pair { "Reject", reject_json(std::string(kAlice) + "#rejects/1", kAlice, follow) } }) {
        AsObject a = read_back(json);
        EXPECT_EQ(a.type, type);
        EXPECT_EQ(a.actor, kAlice);
        EXPECT_EQ(a.to, Ids { bob });
        EXPECT_EQ(a.object_id, follow.id);
        ASSERT_NE(a.object, nullptr);
        EXPECT_EQ(a.object->type, "Follow");
        EXPECT_EQ(a.object->actor, bob);
        EXPECT_EQ(a.object->object_id, kAlice);
    }
}

TEST(AsWrite, UndoEmbedsTheUndoneActivity)
{
    ActivityRef like { std::string(kAlice) + "/likes/3", "Like", std::string(kAlice),
        "https://gts.example/users/carol/statuses/01HXYZ" };
    Addressing to_carol { { "https://gts.example/users/carol" }, {} };
    AsObject u = read_back(undo_json(like.id + "/undo", kAlice, like, to_carol));
    EXPECT_EQ(u.type, "Undo");
    EXPECT_EQ(u.to, to_carol.to);
    EXPECT_EQ(u.object_id, like.id);
    ASSERT_NE(u.object, nullptr);
    EXPECT_EQ(u.object->type, "Like");
    EXPECT_EQ(u.object->actor, kAlice);
    EXPECT_EQ(u.object->object_id, like.object);
}

TEST(AsWrite, LikeAndAnnounceRoundTrip)
{
    const std::string status = "https://gts.example/users/carol/statuses/01HXYZ";
    std::string like = like_json(std::string(kAlice) + "/likes/3", kAlice, status);
    AsObject l = read_back(like);
    EXPECT_EQ(l.type, "Like");
    EXPECT_EQ(l.object_id, status);
    EXPECT_FALSE(raw(like).HasMember("to")); // Mastodon's Like has no addressing

    Addressing boost { { kPublicId },
        { "https://gts.example/users/carol", std::string(kAlice) + "/followers" } };
    AsObject a = read_back(announce_json(
        std::string(kAlice) + "/statuses/43/activity", kAlice, status, boost, testkit::kStartTime));
    EXPECT_EQ(a.type, "Announce");
    EXPECT_EQ(a.object_id, status);
    EXPECT_EQ(a.object, nullptr);
    EXPECT_EQ(a.to, boost.to);
    EXPECT_EQ(a.cc, boost.cc);
    EXPECT_EQ(a.published, testkit::kStartTime);
}

TEST(AsWrite, OrderedCollectionAndPageOfIds)
{
    const std::string followers = std::string(kAlice) + "/followers";
    std::string json = ordered_collection_json(followers, 12, followers + "?page=1");
    AsObject c = read_back(json);
    EXPECT_EQ(c.type, "OrderedCollection");
    EXPECT_EQ(c.id, followers);
    auto d = raw(json);
    EXPECT_EQ(d["totalItems"].GetInt64(), 12);
    EXPECT_STREQ(d["first"].GetString(), (followers + "?page=1").c_str());
    EXPECT_FALSE(raw(ordered_collection_json(followers, 0, "")).HasMember("first"));

    Ids items { "https://mastodon.example/users/bob", "https://gts.example/users/carol" };
    std::string page
        = ordered_collection_page_of_ids_json(followers + "?page=1", followers, items, followers + "?page=2");
    AsObject p = read_back(page);
    EXPECT_EQ(p.type, "OrderedCollectionPage");
    auto pd = raw(page);
    EXPECT_STREQ(pd["partOf"].GetString(), followers.c_str());
    EXPECT_STREQ(pd["next"].GetString(), (followers + "?page=2").c_str());
    ASSERT_EQ(pd["orderedItems"].Size(), 2u);
    EXPECT_STREQ(pd["orderedItems"][1].GetString(), items[1].c_str());
    EXPECT_FALSE(
        raw(ordered_collection_page_of_ids_json(followers + "?page=2", followers, {}, "")).HasMember("next"));
}

TEST(AsWrite, SmallCollectionListsItsItemsInline)
{
    const std::string moderators = "https://podologie.example/groups/plaies/moderators";
    std::vector<std::string> items { std::string(kAlice), "https://podologie.example/users/zoe" };
    auto d = raw(ordered_collection_of_ids_json(moderators, items));
    EXPECT_STREQ(d["type"].GetString(), "OrderedCollection");
    EXPECT_EQ(d["totalItems"].GetInt64(), 2);
    ASSERT_EQ(d["orderedItems"].Size(), 2u);
    EXPECT_STREQ(d["orderedItems"][1].GetString(), items[1].c_str());
    EXPECT_FALSE(d.HasMember("partOf"));
}

TEST(AsWrite, AnnounceEmbedsTheActivityUnchangedWithItsContext)
{
    NoteView n = reply_note();
    std::string create = create_json(n.id + "/activity", kAlice, n);
    const std::string group = "https://podologie.example/groups/plaies";
    auto d = raw(announce_embedded_json(group + "/announces/1", group, create, Addressing { { group + "/followers" }, {} },
        TimePoint {}));
    EXPECT_STREQ(d["type"].GetString(), "Announce");
    EXPECT_STREQ(d["actor"].GetString(), group.c_str());
    ASSERT_TRUE(d["object"].IsObject());
    EXPECT_STREQ(d["object"]["id"].GetString(), (n.id + "/activity").c_str());
    EXPECT_TRUE(d["object"].HasMember("@context")) << "the embedded activity is kept unchanged";
    EXPECT_TRUE(announce_embedded_json("x", group, "not json", {}, TimePoint {}).empty());
}

TEST(AsWrite, PageOfDocumentsEmbedsThemWithoutTheirContexts)
{
    const std::string outbox = std::string(kAlice) + "/outbox";
    NoteView n = reply_note();
    std::vector<std::string> items { create_json(n.id + "/activity", kAlice, n), "not json", "[1]" };
    std::string page = ordered_collection_page_of_documents_json(outbox + "?page=1", outbox, items, "");
    auto d = raw(page);
    ASSERT_EQ(d["orderedItems"].Size(), 1u); // the broken items are left out
    const auto& item = d["orderedItems"][0];
    EXPECT_FALSE(item.HasMember("@context"));
    EXPECT_STREQ(item["type"].GetString(), "Create");
    EXPECT_STREQ(item["object"]["content"].GetString(), n.content_html.c_str());
    // The item's Mastodon terms are declared by the page.
    ASSERT_TRUE(d["@context"].IsArray());
    EXPECT_TRUE(d["@context"][1].HasMember("sensitive"));
    AsObject p = read_back(page);
    EXPECT_EQ(p.type, "OrderedCollectionPage");
}

TEST(AsWrite, StringsWithQuotesControlsAndNulAreEscaped)
{
    NoteView n = reply_note();
    n.content_html = std::string("<p>a\"b\\c\n\td\x01") + '\0' + "e</p>";
    n.summary = "</script><script>";
    AsObject o = read_back(note_json(n));
    EXPECT_EQ(o.content, n.content_html);
    EXPECT_EQ(o.summary, n.summary);
}

} // namespace
} // namespace confrere::federation
