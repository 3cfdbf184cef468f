// Groups through the real InboxProcessor: what remote members may send to a group here, and
// which Announces of a remote group are stored — in particular the refusals of DESIGN rules 2–4
// (a non-member posting, a reply moved between groups, a group announcing a post it does not
// vouch for), after each of which nothing is stored.
#include "tests/unit/federation/inbox_test_support.hpp"

#include "core/services/social_service.hpp"

namespace confrere::federation::inbox_testing {
namespace {

class GroupInboxTest : public InboxTest {
protected:
    void SetUp() override
    {
        InboxTest::SetUp();
        if (HasFatalFailure())
            return;
        // A Group actor of the peer (it signs with its own key).
        group_ = seed_remote("pied", rotated_key());
        group_.actor.type = "Group";
        auto done = fx_->store().write([&](storage::Repositories& repos) -> Status {
            auto stored = repos.remote_actors().upsert(group_.actor);
            if (!stored)
                return forward(stored);
            group_.actor = *stored;
            return ok();
        });
        ASSERT_TRUE(done) << describe(done);
        // A group here, profession-only or interdisciplinary.
        for (auto* g : { &local_, &closed_ }) {
            g->id = fx_->ids().next();
            g->name = g == &local_ ? "plaies" : "officine";
            g->display_name = g->name;
            g->interdisciplinary = g == &local_;
            g->public_key_pem = remi_key().public_pem;
            g->created_at = g->updated_at = now();
            auto inserted = fx_->store().write(
                [&](storage::Repositories& repos) { return repos.groups().insert(*g, "unused private key"); });
            ASSERT_TRUE(inserted) << describe(inserted);
        }
    }

    std::string group_uri(const model::Group& g) const { return std::string(kBase) + "/groups/" + g.name; }

    // A POST to the inbox of the group here.
    Status deliver_to(const model::Group& g, const Remote& who, const std::string& body)
    {
        std::string path = "/groups/" + g.name + "/inbox";
        auto h = sign_post(who.key->private_key, who.key_id, kOurHost, path, body, now());
        EXPECT_TRUE(h) << describe(h);
        SignableRequest request { "POST", path, "",
            { { "host", std::string(kOurHost) }, { "date", h->date }, { "digest", h->digest },
                { "content-type", h->content_type }, { "signature", h->signature } } };
        return inbox_->receive_for_group(g.name, request, body);
    }

    void add_member(const model::Group& g, ActorRef who)
    {
        model::GroupMember m;
        m.id = fx_->ids().next();
        m.group_id = g.id;
        m.member = who;
        m.created_at = m.updated_at = now();
        auto done = fx_->store().write([&](storage::Repositories& repos) { return repos.groups().insert_member(m); });
        ASSERT_TRUE(done) << describe(done);
    }

    // Remi's Note addressed to `group` (or to the Public collection when empty).
    Note note_in(const std::string& id, const std::string& group, std::string content = "<p>Cas clinique</p>")
    {
        Note n;
        n.id = id;
        n.attributed_to = remi_.uri;
        n.content = std::move(content);
        if (group.empty())
            n.to = { "https://www.w3.org/ns/activitystreams#Public" };
        else
            n.to = { group };
        return n;
    }

    std::string announce(const std::string& id, const std::string& object_json)
    {
        return activity_json("Announce", id, group_.uri, object_json);
    }

    Remote group_;
    model::Group local_, closed_;
};

TEST_F(GroupInboxTest, AnAnnouncedPostAddressedToTheGroupIsStoredForItsLocalMembers)
{
    alice_follows(group_);
    const std::string note_id = remi_.uri + "/notes/1";
    std::string create = create_of(remi_, activity_id(remi_, "create-1"), note_in(note_id, group_.uri));
    ASSERT_TRUE(deliver(group_, announce(activity_id(group_, "a1"), create)));
    auto stored = status(note_id);
    ASSERT_TRUE(stored) << "the announced post was not stored";
    EXPECT_EQ(stored->audience, Audience::Group);
    EXPECT_EQ(stored->group, model::remote_actor(group_.actor.id));
    EXPECT_EQ(stored->author, model::remote_actor(remi_.actor.id));
    EXPECT_TRUE(read([&](storage::Repositories& repos) { return services::can_read(repos, alice_, *stored); }));
    // The bare Note announced after it is the same post.
    ASSERT_TRUE(deliver(group_, announce(activity_id(group_, "a2"), note_json(note_in(note_id, group_.uri)))));
    EXPECT_EQ(status(note_id)->id, stored->id);
}

TEST_F(GroupInboxTest, AGroupAnnouncingAPostItDoesNotVouchForIsRefusedAndNothingStored)
{
    alice_follows(group_);
    // Addressed to the Public collection, not to the group.
    const std::string public_id = remi_.uri + "/notes/public";
    std::string create = create_of(remi_, activity_id(remi_, "c-public"), note_in(public_id, ""));
    expect_refused(deliver(group_, announce(activity_id(group_, "b1"), create)), ErrorKind::Forbidden, "vouch");
    EXPECT_FALSE(status(public_id));
    // Attributed to someone else than the activity's actor.
    Note forged = note_in(remi_.uri + "/notes/forged", group_.uri);
    forged.attributed_to = sophie_.uri;
    std::string forged_create = create_of(remi_, activity_id(remi_, "c-forged"), forged);
    expect_refused(deliver(group_, announce(activity_id(group_, "b2"), forged_create)), ErrorKind::Forbidden,
        "not its author");
    EXPECT_FALSE(status(forged.id));
    expect_not_applied(activity_id(group_, "b1"));
}

TEST_F(GroupInboxTest, AGroupNobodyHereFollowsStoresNothing)
{
    const std::string note_id = remi_.uri + "/notes/unfollowed";
    std::string create = create_of(remi_, activity_id(remi_, "c-unfollowed"), note_in(note_id, group_.uri));
    ASSERT_TRUE(deliver(group_, announce(activity_id(group_, "c1"), create)));
    EXPECT_FALSE(status(note_id));
}

TEST_F(GroupInboxTest, AnAnnouncedDeleteRemovesOnlyAPostOfThatGroup)
{
    alice_follows(group_);
    const std::string in_group = remi_.uri + "/notes/in-group";
    ASSERT_TRUE(deliver(group_,
        announce(activity_id(group_, "d1"), create_of(remi_, activity_id(remi_, "cd1"), note_in(in_group, group_.uri)))));
    model::Status elsewhere = remote_status(remi_, Audience::Followers);
    std::string delete_other = activity_json("Delete", activity_id(remi_, "del-other"), remi_.uri, q(elsewhere.uri));
    ASSERT_TRUE(deliver(group_, announce(activity_id(group_, "d2"), delete_other)));
    EXPECT_FALSE(status(elsewhere.uri)->deleted_at) << "a group removed a post outside it";
    std::string delete_own = activity_json("Delete", activity_id(remi_, "del-in"), remi_.uri, q(in_group));
    ASSERT_TRUE(deliver(group_, announce(activity_id(group_, "d3"), delete_own)));
    EXPECT_TRUE(status(in_group)->deleted_at);
}

TEST_F(GroupInboxTest, RemoteMembersJoinInterdisciplinaryGroupsOnly)
{
    ASSERT_TRUE(deliver_to(local_, remi_, activity_json("Follow", activity_id(remi_, "f1"), remi_.uri, q(group_uri(local_)))));
    ASSERT_TRUE(deliver_to(closed_, remi_, activity_json("Follow", activity_id(remi_, "f2"), remi_.uri, q(group_uri(closed_)))));
    EXPECT_EQ(outbox_.group_answers, (std::vector<bool> { true, false }));
    auto member = [&](const model::Group& g) {
        return read([&](storage::Repositories& repos) {
            return repos.groups().find_member(g.id, model::remote_actor(remi_.actor.id));
        });
    };
    EXPECT_TRUE(member(local_));
    EXPECT_FALSE(member(closed_));
    // Undo leaves.
    std::string undo = activity_json("Undo", activity_id(remi_, "u1"), remi_.uri,
        activity_json("Follow", activity_id(remi_, "f1"), remi_.uri, q(group_uri(local_))));
    ASSERT_TRUE(deliver_to(local_, remi_, undo));
    EXPECT_FALSE(member(local_));
}

TEST_F(GroupInboxTest, OnlyMembersPostAndAThreadStaysInItsGroup)
{
    const std::string first = remi_.uri + "/notes/g1";
    std::string create = create_of(remi_, activity_id(remi_, "g1"), note_in(first, group_uri(local_)));
    expect_refused(deliver_to(local_, remi_, create), ErrorKind::Forbidden, "not a member");
    EXPECT_FALSE(status(first));
    EXPECT_TRUE(outbox_.relayed.empty());

    add_member(local_, model::remote_actor(remi_.actor.id));
    ASSERT_TRUE(deliver_to(local_, remi_, create_of(remi_, activity_id(remi_, "g1-again"), note_in(first, group_uri(local_)))));
    auto stored = status(first);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->group, model::local_actor(local_.id));
    ASSERT_EQ(outbox_.relayed.size(), 1u) << "the group did not announce its member's post";
    EXPECT_NE(outbox_.relayed[0].first.find(activity_id(remi_, "g1-again")), std::string::npos)
        << "the activity is not relayed as received";
    EXPECT_NE(outbox_.relayed[0].second.find("\"type\":\"Note\""), std::string::npos);

    // Not addressed to the group: refused.
    const std::string stray = remi_.uri + "/notes/stray";
    expect_refused(deliver_to(local_, remi_, create_of(remi_, activity_id(remi_, "g2"), note_in(stray, ""))),
        ErrorKind::Unprocessable, "not addressed");
    EXPECT_FALSE(status(stray));
    // A reply to a post that is not in this group: refused.
    model::Status outside = remote_status(sophie_, Audience::Followers);
    Note reply = note_in(remi_.uri + "/notes/moved", group_uri(local_));
    reply.in_reply_to = outside.uri;
    expect_refused(deliver_to(local_, remi_, create_of(remi_, activity_id(remi_, "g3"), reply)),
        ErrorKind::Unprocessable, "answers a post of this group");
    EXPECT_FALSE(status(reply.id));
    EXPECT_EQ(outbox_.relayed.size(), 1u);
}

TEST_F(GroupInboxTest, TheNoteAnnouncedBesideAMembersActivityKeepsTheActivitysContext)
{
    add_member(local_, model::remote_actor(remi_.actor.id));
    // A custom emoji, as Mastodon and Fedify send it: `Emoji` is defined by the Create's context only.
    Note note = note_in(remi_.uri + "/notes/emoji", group_uri(local_), "<p>Botte :botte:</p>");
    note.tags
        = R"([{"type":"Emoji","name":":botte:","icon":{"type":"Image","url":"https://peer.test/botte.png"}}])";
    const std::string context
        = R"(["https://www.w3.org/ns/activitystreams",{"toot":"http://joinmastodon.org/ns#","Emoji":"toot:Emoji"}])";
    std::string create = create_of(remi_, activity_id(remi_, "emoji"), note);
    const std::string plain = q("https://www.w3.org/ns/activitystreams");
    create.replace(create.find(plain), plain.size(), context);
    ASSERT_TRUE(deliver_to(local_, remi_, create));
    ASSERT_EQ(outbox_.relayed.size(), 1u);
    const std::string& bare = outbox_.relayed[0].second;
    EXPECT_EQ(bare.rfind(R"({"@context":)" + context + ",", 0), 0u) << bare;
    EXPECT_NE(bare.find(R"("name":":botte:")"), std::string::npos) << bare;

    // A Note with a @context of its own keeps it, unchanged.
    std::string own = note_json(note_in(remi_.uri + "/notes/own", group_uri(local_)));
    own.insert(1, R"("@context":"https://www.w3.org/ns/activitystreams",)");
    ASSERT_TRUE(
        deliver_to(local_, remi_, activity_json("Create", activity_id(remi_, "own"), remi_.uri, own)));
    ASSERT_EQ(outbox_.relayed.size(), 2u);
    EXPECT_EQ(outbox_.relayed[1].second, own);
}

} // namespace
} // namespace confrere::federation::inbox_testing
