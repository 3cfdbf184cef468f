// Statuses on a real SQLite file: round trip, uniqueness, mentions, edits, tombstones, orphan
// replies, and who sees what in the home and instance timelines.
#include "storage/store.hpp"
#include "tests/support/test_store.hpp"
#include "tests/unit/storage/sqlite/federation_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace confrere::storage {
namespace {

using fedtest::at;
using model::Audience;
using model::FollowState;
using model::local_actor;
using model::remote_actor;
using testkit::describe;
using testkit::query_int;

class StatusRepositoryTest : public fedtest::FederationStoreTest {
protected:
    void SetUp() override
    {
        fedtest::FederationStoreTest::SetUp();
        alice_ = add_account("alice");
        bob_ = add_account("bob");
        claire_ = add_remote("claire", "soins.example");
    }

    std::optional<model::Status> by_id(Id id)
    {
        auto found = read([id](Repositories& r) { return r.statuses().find_by_id(id); });
        EXPECT_TRUE(found) << describe(found);
        return found ? *found : std::nullopt;
    }

    std::vector<Id> home(Id reader, const StatusQuery& query = {})
    {
        return ids(read([&](Repositories& r) { return r.statuses().home_timeline(reader, query); }));
    }

    Status remove(Id id, TimePoint when = at(99))
    {
        return write([&](Repositories& r) { return r.statuses().mark_deleted(id, when); });
    }

    Id alice_ = 0;
    Id bob_ = 0;
    model::RemoteActor claire_;
};

TEST_F(StatusRepositoryTest, InsertedStatusIsFoundByIdAndUriWithEveryField)
{
    model::Status parent = add_status(remote_actor(claire_.id), Audience::Followers);
    model::Status s = status_doc(local_actor(alice_), Audience::Direct, "Bonjour à tous");
    s.url = "https://confrere.example/@alice/" + std::to_string(s.id);
    s.summary = "CW: soins";
    s.sensitive = true;
    s.language = "fr";
    s.in_reply_to_id = parent.id;
    s.in_reply_to_uri = parent.uri;
    s.context = parent.context;
    s.group = remote_actor(claire_.id); // a Group actor of another instance
    s.edited_at = at(7);
    ASSERT_TRUE(write([&](Repositories& r) { return r.statuses().insert(s); }));

    auto byuri = read([&](Repositories& r) { return r.statuses().find_by_uri(s.uri); });
    ASSERT_TRUE(byuri && *byuri) << describe(byuri);
    for (const model::Status& found : { *by_id(s.id), **byuri }) {
        EXPECT_EQ(found.id, s.id);
        EXPECT_EQ(found.uri, s.uri);
        EXPECT_EQ(found.url, s.url);
        EXPECT_EQ(found.author, local_actor(alice_));
        EXPECT_EQ(found.audience, Audience::Direct);
        EXPECT_EQ(found.content_html, "<p>Bonjour à tous</p>");
        EXPECT_EQ(found.source_text, "Bonjour à tous");
        EXPECT_EQ(found.summary, "CW: soins");
        EXPECT_TRUE(found.sensitive);
        EXPECT_EQ(found.language, "fr");
        EXPECT_EQ(found.in_reply_to_id, parent.id);
        EXPECT_EQ(found.in_reply_to_uri, parent.uri);
        EXPECT_EQ(found.context, parent.context);
        EXPECT_EQ(found.group, remote_actor(claire_.id));
        EXPECT_EQ(found.published, s.published);
        EXPECT_EQ(found.edited_at, at(7));
        EXPECT_FALSE(found.deleted_at);
        EXPECT_EQ(found.created_at, s.created_at);
    }
    auto remote = by_id(parent.id);
    ASSERT_TRUE(remote);
    EXPECT_EQ(remote->author, remote_actor(claire_.id));
    EXPECT_FALSE(remote->in_reply_to_id);
    EXPECT_FALSE(remote->group);
    EXPECT_FALSE(remote->edited_at);
}

TEST_F(StatusRepositoryTest, UnknownStatusIsEmptyRatherThanAnError)
{
    EXPECT_FALSE(by_id(404));
    auto byuri = read([](Repositories& r) { return r.statuses().find_by_uri("https://nowhere.example/1"); });
    ASSERT_TRUE(byuri);
    EXPECT_FALSE(*byuri);
}

TEST_F(StatusRepositoryTest, AStatusUriStoredTwiceIsAConflictOnUri)
{
    model::Status first = add_status(remote_actor(claire_.id), Audience::Followers);
    model::Status again = status_doc(remote_actor(claire_.id), Audience::Followers);
    again.uri = first.uri;
    auto refused = write([&](Repositories& r) { return r.statuses().insert(again); });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Conflict);
    EXPECT_EQ(refused.error().field, "uri");
    EXPECT_FALSE(by_id(again.id));
}

TEST_F(StatusRepositoryTest, MentionsAreKeptInOrderAndOnceEach)
{
    model::Status s = add_status(local_actor(alice_), Audience::Direct,
        { remote_actor(claire_.id), local_actor(bob_), remote_actor(claire_.id) });
    ASSERT_TRUE(
        write([&](Repositories& r) { return r.statuses().add_mentions(s.id, { local_actor(bob_) }); }));
    auto mentions = read([&](Repositories& r) { return r.statuses().mentions(s.id); });
    ASSERT_TRUE(mentions) << describe(mentions);
    EXPECT_EQ(*mentions, (std::vector<model::ActorRef> { remote_actor(claire_.id), local_actor(bob_) }));
}

TEST_F(StatusRepositoryTest, AMentionOfAnUnknownActorIsRefused)
{
    model::Status s = add_status(local_actor(alice_), Audience::Direct);
    auto refused
        = write([&](Repositories& r) { return r.statuses().add_mentions(s.id, { local_actor(424242) }); });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Unprocessable);
}

TEST_F(StatusRepositoryTest, UpdateContentReplacesTheTextAndSetsEditedAt)
{
    model::Status s = add_status(local_actor(alice_), Audience::Instance);
    model::Status edit = s;
    edit.content_html = "<p>corrigé</p>";
    edit.source_text = "corrigé";
    edit.summary = "CW";
    edit.sensitive = true;
    edit.language = "en";
    edit.audience = Audience::Followers; // not an editable field
    ASSERT_TRUE(write([&](Repositories& r) { return r.statuses().update_content(edit, at(50)); }));
    auto found = by_id(s.id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->content_html, "<p>corrigé</p>");
    EXPECT_EQ(found->source_text, "corrigé");
    EXPECT_EQ(found->summary, "CW");
    EXPECT_TRUE(found->sensitive);
    EXPECT_EQ(found->language, "en");
    EXPECT_EQ(found->edited_at, at(50));
    EXPECT_EQ(found->audience, Audience::Instance);
}

TEST_F(StatusRepositoryTest, UpdateContentOfAnAbsentOrDeletedStatusIsNotFound)
{
    model::Status s = add_status(local_actor(alice_), Audience::Instance);
    ASSERT_TRUE(remove(s.id));
    auto deleted = write([&](Repositories& r) { return r.statuses().update_content(s, at(50)); });
    ASSERT_FALSE(deleted);
    EXPECT_EQ(deleted.error().kind, ErrorKind::NotFound);
    model::Status absent = status_doc(local_actor(alice_), Audience::Instance);
    auto missing = write([&](Repositories& r) { return r.statuses().update_content(absent, at(50)); });
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind, ErrorKind::NotFound);
}

TEST_F(StatusRepositoryTest, MarkDeletedLeavesATombstoneWithoutContentMentionsOrInteractions)
{
    model::Status s = status_doc(local_actor(alice_), Audience::Direct, "secret");
    s.summary = "CW";
    ASSERT_TRUE(write([&](Repositories& r) -> Status {
        if (auto rc = r.statuses().insert(s); !rc)
            return rc;
        return r.statuses().add_mentions(s.id, { local_actor(bob_), remote_actor(claire_.id) });
    }));
    model::Interaction like { next_id(), model::InteractionKind::Like, local_actor(bob_), s.id, "https://l/1",
        at() };
    ASSERT_TRUE(write([&](Repositories& r) { return r.interactions().insert(like); }));

    ASSERT_TRUE(remove(s.id, at(99)));
    auto found = by_id(s.id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->deleted_at, at(99));
    EXPECT_EQ(found->content_html, "");
    EXPECT_EQ(found->source_text, "");
    EXPECT_EQ(found->summary, "");
    EXPECT_EQ(found->uri, s.uri); // the tombstone keeps its id
    EXPECT_EQ(query_int(path(), "SELECT count(*) FROM mentions"), 0);
    EXPECT_EQ(query_int(path(), "SELECT count(*) FROM interactions"), 0);
}

TEST_F(StatusRepositoryTest, MarkDeletedTwiceKeepsTheFirstDeletionTime)
{
    model::Status s = add_status(local_actor(alice_), Audience::Instance);
    ASSERT_TRUE(remove(s.id, at(10)));
    ASSERT_TRUE(remove(s.id, at(20)));
    EXPECT_EQ(by_id(s.id)->deleted_at, at(10));
}

TEST_F(StatusRepositoryTest, MarkDeletedOfAnUnknownStatusIsNotFound)
{
    auto missing = remove(404);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind, ErrorKind::NotFound);
}

TEST_F(StatusRepositoryTest, ByAuthorListsOneAuthorNewestFirstWithDeletedOnlyOnRequest)
{
    model::Status a1 = add_status(local_actor(alice_), Audience::Instance);
    model::Status a2 = add_status(local_actor(alice_), Audience::Direct, { local_actor(bob_) });
    add_status(local_actor(bob_), Audience::Instance);
    model::Status a3 = add_status(local_actor(alice_), Audience::Followers);
    model::Status c1 = add_status(remote_actor(claire_.id), Audience::Followers);
    ASSERT_TRUE(remove(a2.id));

    StatusQuery q;
    EXPECT_EQ(ids(read([&](Repositories& r) { return r.statuses().by_author(local_actor(alice_), q); })),
        (std::vector<Id> { a3.id, a1.id }));
    q.include_deleted = true;
    EXPECT_EQ(ids(read([&](Repositories& r) { return r.statuses().by_author(local_actor(alice_), q); })),
        (std::vector<Id> { a3.id, a2.id, a1.id }));
    q.max_id = a3.id;
    q.limit = 1;
    EXPECT_EQ(ids(read([&](Repositories& r) { return r.statuses().by_author(local_actor(alice_), q); })),
        (std::vector<Id> { a2.id }));
    EXPECT_EQ(
        ids(read([&](Repositories& r) { return r.statuses().by_author(remote_actor(claire_.id), {}); })),
        (std::vector<Id> { c1.id }));
}

TEST_F(StatusRepositoryTest, HomeTimelineHasTheReadersOwnStatusesWhateverTheirAudience)
{
    model::Status i = add_status(local_actor(alice_), Audience::Instance);
    model::Status f = add_status(local_actor(alice_), Audience::Followers);
    model::Status d = add_status(local_actor(alice_), Audience::Direct, { local_actor(bob_) });
    model::Status g = add_status(local_actor(alice_), Audience::Group);
    EXPECT_EQ(home(alice_), (std::vector<Id> { g.id, d.id, f.id, i.id }));
}

TEST_F(StatusRepositoryTest, HomeTimelineHasInstanceAndFollowersStatusesOfFollowedLocalAuthors)
{
    add_follow(local_actor(alice_), local_actor(bob_));
    model::Status i = add_status(local_actor(bob_), Audience::Instance);
    model::Status f = add_status(local_actor(bob_), Audience::Followers);
    add_status(local_actor(bob_), Audience::Direct); // names no-one: not for alice
    add_status(local_actor(bob_), Audience::Group); // groups: issue 4
    Id carol = add_account("carol");
    add_status(local_actor(carol), Audience::Instance); // not followed
    add_status(local_actor(carol), Audience::Followers);
    EXPECT_EQ(home(alice_), (std::vector<Id> { f.id, i.id }));
}

TEST_F(
    StatusRepositoryTest, HomeTimelineHasFollowersStatusesOfFollowedRemoteAuthorsButNeverARemoteInstanceOne)
{
    add_follow(local_actor(alice_), remote_actor(claire_.id));
    model::Status f = add_status(remote_actor(claire_.id), Audience::Followers);
    // Instance never leaves its instance, so a remote Instance status cannot exist; if one did,
    // it must not show.
    add_status(remote_actor(claire_.id), Audience::Instance);
    model::RemoteActor denis = add_remote("denis", "soins.example");
    add_status(remote_actor(denis.id), Audience::Followers); // not followed
    EXPECT_EQ(home(alice_), (std::vector<Id> { f.id }));
}

TEST_F(StatusRepositoryTest, HomeTimelineIgnoresFollowsNotYetAccepted)
{
    add_follow(local_actor(alice_), local_actor(bob_), FollowState::Pending);
    add_follow(local_actor(alice_), remote_actor(claire_.id), FollowState::Pending);
    add_status(local_actor(bob_), Audience::Instance);
    add_status(local_actor(bob_), Audience::Followers);
    add_status(remote_actor(claire_.id), Audience::Followers);
    EXPECT_TRUE(home(alice_).empty());
}

TEST_F(StatusRepositoryTest, HomeTimelineIgnoresTheFollowsOfOthersAndFollowsInTheOtherDirection)
{
    add_follow(local_actor(bob_), local_actor(alice_)); // bob follows alice, not the reverse
    add_follow(remote_actor(claire_.id), local_actor(alice_)); // claire follows alice
    add_status(local_actor(bob_), Audience::Followers);
    add_status(remote_actor(claire_.id), Audience::Followers);
    EXPECT_TRUE(home(alice_).empty());
}

TEST_F(StatusRepositoryTest, HomeTimelineHasDirectStatusesNamingTheReaderOnly)
{
    model::Status to_alice = add_status(remote_actor(claire_.id), Audience::Direct, { local_actor(alice_) });
    model::Status local_to_alice = add_status(local_actor(bob_), Audience::Direct, { local_actor(alice_) });
    add_status(remote_actor(claire_.id), Audience::Direct, { local_actor(bob_) });
    add_status(local_actor(bob_), Audience::Direct, { remote_actor(claire_.id) });
    // A Followers status that merely names alice is not hers to read from here.
    add_status(local_actor(bob_), Audience::Followers, { local_actor(alice_) });
    EXPECT_EQ(home(alice_), (std::vector<Id> { local_to_alice.id, to_alice.id }));
}

TEST_F(StatusRepositoryTest, HomeTimelineNeverHasDeletedStatuses)
{
    add_follow(local_actor(alice_), local_actor(bob_));
    add_follow(local_actor(alice_), remote_actor(claire_.id));
    std::vector<model::Status> all {
        add_status(local_actor(alice_), Audience::Instance),
        add_status(local_actor(bob_), Audience::Followers),
        add_status(remote_actor(claire_.id), Audience::Followers),
        add_status(remote_actor(claire_.id), Audience::Direct, { local_actor(alice_) }),
    };
    ASSERT_EQ(home(alice_).size(), all.size());
    for (const auto& s : all)
        ASSERT_TRUE(remove(s.id));
    StatusQuery q;
    q.include_deleted = true; // not for timelines
    EXPECT_TRUE(home(alice_, q).empty());
}

TEST_F(StatusRepositoryTest, HomeTimelineIsPagedByIdWithExclusiveBounds)
{
    std::vector<Id> posted;
    for (int i = 0; i < 6; ++i)
        posted.push_back(add_status(local_actor(alice_), Audience::Instance).id);
    StatusQuery q;
    q.limit = 2;
    EXPECT_EQ(home(alice_, q), (std::vector<Id> { posted[5], posted[4] }));
    q.max_id = posted[4];
    EXPECT_EQ(home(alice_, q), (std::vector<Id> { posted[3], posted[2] }));
    q.limit = 20;
    q.min_id = posted[1];
    EXPECT_EQ(home(alice_, q), (std::vector<Id> { posted[3], posted[2] }));
    q.max_id.reset();
    EXPECT_EQ(home(alice_, q), (std::vector<Id> { posted[5], posted[4], posted[3], posted[2] }));
}

TEST_F(StatusRepositoryTest, HomeTimelinePagesThroughEveryBranchInIdOrder)
{
    Id carol = add_account("carol");
    add_follow(local_actor(alice_), local_actor(bob_));
    add_follow(local_actor(alice_), local_actor(carol));
    add_follow(local_actor(alice_), remote_actor(claire_.id));
    std::vector<Id> expected;
    for (int round = 0; round < 4; ++round) {
        expected.push_back(add_status(local_actor(alice_), Audience::Instance).id);
        expected.push_back(add_status(local_actor(bob_), Audience::Followers).id);
        expected.push_back(add_status(local_actor(bob_), Audience::Instance).id);
        add_status(local_actor(bob_), Audience::Direct, { remote_actor(claire_.id) }); // not to alice
        expected.push_back(add_status(remote_actor(claire_.id), Audience::Followers).id);
        expected.push_back(
            add_status(remote_actor(claire_.id), Audience::Direct, { local_actor(alice_) }).id);
        expected.push_back(add_status(local_actor(carol), Audience::Followers).id);
    }
    std::reverse(expected.begin(), expected.end());

    std::vector<Id> seen;
    StatusQuery q;
    q.limit = 3;
    for (int pages = 0; pages < 20; ++pages) {
        std::vector<Id> page = home(alice_, q);
        if (page.empty())
            break;
        seen.insert(seen.end(), page.begin(), page.end());
        q.max_id = page.back();
    }
    EXPECT_EQ(seen, expected);

    StatusQuery newer;
    newer.min_id = expected[10];
    newer.limit = 4;
    EXPECT_EQ(home(alice_, newer), std::vector<Id>(expected.begin(), expected.begin() + 4));
    newer.max_id = expected[5];
    EXPECT_EQ(home(alice_, newer), std::vector<Id>(expected.begin() + 6, expected.begin() + 10));
}

// More statuses than the home timeline's window (1,000): the followed author posted twice long
// ago, then nothing for 2,400 statuses, then often. The first pages come from the window, the
// old posts only from the per-author query; together they must give exactly the timeline.
TEST_F(StatusRepositoryTest, HomeTimelineIsTheSameWithinAndBeyondItsWindow)
{
    Id dave = add_account("dave");
    add_follow(local_actor(alice_), local_actor(bob_));
    std::vector<Id> expected;
    auto stored = write([&](Repositories& r) -> Status {
        for (int i = 0; i < 2700; ++i) {
            bool by_bob = i < 2500 ? i == 0 || i == 100 : i % 2 == 0;
            Audience audience = i % 3 == 0 ? Audience::Followers : Audience::Instance;
            model::Status st = status_doc(local_actor(by_bob ? bob_ : dave), audience);
            if (auto rc = r.statuses().insert(st); !rc)
                return rc;
            if (by_bob)
                expected.push_back(st.id);
        }
        return ok();
    });
    ASSERT_TRUE(stored) << describe(stored);
    std::reverse(expected.begin(), expected.end());

    std::vector<Id> seen;
    StatusQuery q;
    q.limit = 20;
    for (int pages = 0; pages < 50; ++pages) {
        std::vector<Id> page = home(alice_, q);
        if (page.empty())
            break;
        seen.insert(seen.end(), page.begin(), page.end());
        q.max_id = page.back();
    }
    EXPECT_EQ(seen, expected);

    // Upwards from an old status (min_id: the page just above it), across the window's edge.
    StatusQuery up;
    up.min_id = expected.back();
    up.end = PageEnd::Oldest;
    up.limit = 20;
    std::vector<Id> climbed;
    for (int pages = 0; pages < 50; ++pages) {
        std::vector<Id> page = home(alice_, up);
        if (page.empty())
            break;
        climbed.insert(climbed.begin(), page.begin(), page.end());
        up.min_id = page.front();
    }
    EXPECT_EQ(climbed, std::vector<Id>(expected.begin(), expected.end() - 1));
}

TEST_F(StatusRepositoryTest, InstanceTimelineHasOnlyLocalInstanceStatusesNotDeleted)
{
    model::Status a = add_status(local_actor(alice_), Audience::Instance);
    model::Status b = add_status(local_actor(bob_), Audience::Instance);
    model::Status gone = add_status(local_actor(bob_), Audience::Instance);
    add_status(local_actor(bob_), Audience::Followers);
    add_status(local_actor(bob_), Audience::Direct, { local_actor(alice_) });
    add_status(remote_actor(claire_.id), Audience::Instance); // cannot exist; never shown
    add_status(remote_actor(claire_.id), Audience::Followers);
    ASSERT_TRUE(remove(gone.id));
    StatusQuery q;
    EXPECT_EQ(ids(read([&](Repositories& r) { return r.statuses().instance_timeline(q, {}); })),
        (std::vector<Id> { b.id, a.id }));
    q.max_id = b.id;
    EXPECT_EQ(ids(read([&](Repositories& r) { return r.statuses().instance_timeline(q, {}); })),
        (std::vector<Id> { a.id }));
}

TEST_F(StatusRepositoryTest, RepliesAreOldestFirstWithoutDeletedOnes)
{
    model::Status parent = add_status(local_actor(alice_), Audience::Instance);
    auto reply = [&](model::ActorRef author, int published) {
        model::Status s = status_doc(author, Audience::Instance);
        s.in_reply_to_id = parent.id;
        s.in_reply_to_uri = parent.uri;
        s.published = at(published);
        EXPECT_TRUE(write([&](Repositories& r) { return r.statuses().insert(s); }));
        return s;
    };
    model::Status late = reply(local_actor(bob_), 30);
    model::Status early = reply(remote_actor(claire_.id), 10); // stored later, published earlier
    model::Status gone = reply(local_actor(bob_), 20);
    add_status(local_actor(bob_), Audience::Instance); // not a reply
    ASSERT_TRUE(remove(gone.id));
    EXPECT_EQ(ids(read([&](Repositories& r) { return r.statuses().replies(parent.id, 20); })),
        (std::vector<Id> { early.id, late.id }));
    EXPECT_EQ(ids(read([&](Repositories& r) { return r.statuses().replies(parent.id, 1); })),
        (std::vector<Id> { early.id }));
}

TEST_F(StatusRepositoryTest, AttachOrphansLinksRepliesThatArrivedBeforeTheirParent)
{
    const std::string parent_uri = "https://soins.example/notes/1";
    auto orphan = [&](const std::string& in_reply_to_uri) {
        model::Status s = status_doc(remote_actor(claire_.id), Audience::Followers);
        s.in_reply_to_uri = in_reply_to_uri;
        EXPECT_TRUE(write([&](Repositories& r) { return r.statuses().insert(s); }));
        return s;
    };
    model::Status o1 = orphan(parent_uri);
    model::Status o2 = orphan(parent_uri);
    model::Status other = orphan("https://soins.example/notes/2");
    model::Status thread_start = add_status(remote_actor(claire_.id), Audience::Followers);

    model::Status parent = status_doc(remote_actor(claire_.id), Audience::Followers);
    parent.uri = parent_uri;
    ASSERT_TRUE(write([&](Repositories& r) -> Status {
        if (auto rc = r.statuses().insert(parent); !rc)
            return rc;
        return r.statuses().attach_orphans(parent.uri, parent.id);
    }));
    EXPECT_EQ(by_id(o1.id)->in_reply_to_id, parent.id);
    EXPECT_EQ(by_id(o2.id)->in_reply_to_id, parent.id);
    EXPECT_FALSE(by_id(other.id)->in_reply_to_id);
    EXPECT_FALSE(by_id(thread_start.id)->in_reply_to_id);
    EXPECT_EQ(ids(read([&](Repositories& r) { return r.statuses().replies(parent.id, 20); })),
        (std::vector<Id> { o1.id, o2.id }));

    // An empty uri is no parent: thread starts stay thread starts.
    ASSERT_TRUE(write([&](Repositories& r) { return r.statuses().attach_orphans("", parent.id); }));
    EXPECT_FALSE(by_id(thread_start.id)->in_reply_to_id);
}

TEST_F(StatusRepositoryTest, AttachOrphansKeepsAParentAlreadyKnown)
{
    model::Status parent = add_status(remote_actor(claire_.id), Audience::Followers);
    model::Status reply = status_doc(remote_actor(claire_.id), Audience::Followers);
    reply.in_reply_to_id = parent.id;
    reply.in_reply_to_uri = "https://soins.example/notes/9";
    ASSERT_TRUE(write([&](Repositories& r) { return r.statuses().insert(reply); }));
    model::Status impostor = add_status(remote_actor(claire_.id), Audience::Followers);
    ASSERT_TRUE(write(
        [&](Repositories& r) { return r.statuses().attach_orphans(reply.in_reply_to_uri, impostor.id); }));
    EXPECT_EQ(by_id(reply.id)->in_reply_to_id, parent.id);
}

TEST_F(StatusRepositoryTest, CountLocalCountsLiveLocalStatusesOnly)
{
    add_status(local_actor(alice_), Audience::Instance);
    add_status(local_actor(bob_), Audience::Direct, { local_actor(alice_) });
    model::Status gone = add_status(local_actor(bob_), Audience::Followers);
    add_status(remote_actor(claire_.id), Audience::Followers);
    ASSERT_TRUE(remove(gone.id));
    auto n = read([](Repositories& r) { return r.statuses().count_local(); });
    ASSERT_TRUE(n) << describe(n);
    EXPECT_EQ(*n, 2);
}

} // namespace
} // namespace confrere::storage
