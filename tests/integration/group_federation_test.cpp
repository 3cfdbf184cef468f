// Interdisciplinary groups across three real instances that trust one another (pharmacy,
// nursing, podiatry), through their HTTP signatures, SQLite files and delivery queues: members
// of two instances join a podiatry group by following it, threads and replies from all three
// professions reach every member by the group's Announces, a moderator's removal and a member
// leaving federate, and what must not leave does not (instance posts, profession-only groups,
// posts from non-members).
#include "tests/integration/federation_kit.hpp"

namespace confrere::testkit {
namespace {

class GroupFederation : public ThreeInstances {
protected:
    void SetUp() override
    {
        ASSERT_NO_FATAL_FAILURE(ThreeInstances::SetUp());
        // All three trust one another (ThreeInstances leaves podiatry untrusted by the others).
        trust(pharmacy_, podiatry_);
        trust(nursing_, podiatry_);
        trust(podiatry_, nursing_);
        create(pharmacy_, "alice");
        create(nursing_, "bob");
        create(nursing_, "dave");
        create(podiatry_, "carol", "moderator");
        alice_ = sign_in(pharmacy_, "alice");
        bob_ = sign_in(nursing_, "bob");
        dave_ = sign_in(nursing_, "dave");
        carol_ = sign_in(podiatry_, "carol");
        auto group = carol_->post_form("/api/v1/confrere/groups",
            { { "name", "pied_diabetique" }, { "display_name", "Pied diabétique" }, { "interdisciplinary", "true" },
                { "tags[]", "plaies" } });
        ASSERT_EQ(group.status, 200) << group;
        group_id_ = json_string(group.json(), "/id");
        handle_ = "pied_diabetique@" + podiatry_.host();
    }

    // The group's timeline on podiatry, as its moderator reads it: ids of posts containing `text`.
    std::vector<std::string> in_group(std::string_view text)
    {
        return timeline_with(*carol_, "/api/v1/timelines/group/" + group_id_, text);
    }

    std::optional<HttpClient> alice_, bob_, dave_, carol_;
    std::string group_id_;
    std::string handle_;
};

TEST_F(GroupFederation, AThreadFromThreeProfessionsReachesEveryMemberAndNothingElseLeaves)
{
    // The group, seen from another instance, is an account with "group": true.
    auto remote = alice_->get("/api/v1/accounts/lookup?acct=" + percent_encode(handle_));
    ASSERT_EQ(remote.status, 200) << remote;
    EXPECT_TRUE(remote.json()["group"].IsTrue()) << remote;
    follow_and_wait(*alice_, handle_);
    follow_and_wait(*bob_, handle_);
    auto members = carol_->get("/api/v1/confrere/groups/" + group_id_);
    EXPECT_EQ(json_int(members, "members_count"), 3) << members;

    // Podiatry opens a thread in the group: both remote members receive it.
    auto opening = post(*carol_, { { "status", "Mal perforant plantaire : quelle décharge ?" }, { "group_id", group_id_ } });
    ASSERT_EQ(opening.status, 200) << opening;
    std::vector<std::string> at_alice, at_bob;
    ASSERT_TRUE(eventually([&] { return !(at_alice = home_with(*alice_, "Mal perforant")).empty(); }))
        << "the group's Announce never reached pharmacy";
    ASSERT_TRUE(eventually([&] { return !(at_bob = home_with(*bob_, "Mal perforant")).empty(); }))
        << "the group's Announce never reached nursing";
    auto seen = alice_->get("/api/v1/statuses/" + at_alice.front());
    ASSERT_EQ(seen.status, 200) << seen;
    EXPECT_EQ(json_string(seen.json(), "/confrere_audience"), "group");
    EXPECT_EQ(json_string(seen.json(), "/confrere_group/acct"), handle_);
    EXPECT_EQ(json_string(seen.json(), "/account/acct"), "carol@" + podiatry_.host());
    EXPECT_EQ(home_with(*alice_, "Mal perforant").size(), 1u) << "the activity and the object were both stored";

    // The pharmacist answers (the client repeats "private"): the reply goes to the group, which
    // announces it to the nurse; it is threaded under the opening post everywhere.
    auto reply = post(*alice_, { { "status", "Attention aux AINS chez le diabétique" }, { "in_reply_to_id", at_alice.front() },
                                   { "visibility", "private" } });
    ASSERT_EQ(reply.status, 200) << reply;
    EXPECT_EQ(json_string(reply.json(), "/confrere_audience"), "group");
    ASSERT_TRUE(eventually([&] { return !in_group("AINS").empty(); })) << "the reply never reached the group";
    std::vector<std::string> reply_at_bob;
    ASSERT_TRUE(eventually([&] { return !(reply_at_bob = home_with(*bob_, "AINS")).empty(); }))
        << "the group never announced the reply to nursing";
    auto bob_reply = bob_->get("/api/v1/statuses/" + reply_at_bob.front());
    EXPECT_EQ(json_string(bob_reply.json(), "/in_reply_to_id"), at_bob.front()) << bob_reply;

    // The nurse starts a thread by mentioning the group, as a Mastodon user would.
    auto by_mention = post(*bob_, { { "status", "@" + handle_ + " Protocole de pansement hebdomadaire" } });
    ASSERT_EQ(by_mention.status, 200) << by_mention;
    EXPECT_EQ(json_string(by_mention.json(), "/confrere_audience"), "group");
    ASSERT_TRUE(eventually([&] { return !home_with(*alice_, "Protocole de pansement").empty(); }));
    ASSERT_TRUE(eventually([&] { return !in_group("Protocole de pansement").empty(); }));

    // Dave (nursing, not a member) cannot post into it: his instance refuses at once, and a
    // Create sent to the group inbox by a non-member would be refused there too.
    auto intruder = post(*dave_, { { "status", "Je m'invite", }, { "group_id", lookup(*dave_, handle_) } });
    EXPECT_TRUE(is_json_error(intruder, 403)) << intruder;
    EXPECT_TRUE(is_json_error(dave_->get("/api/v1/statuses/" + at_bob.front()), 404)) << "a non-member reads a group post";

    // Instance posts never leave, whatever groups exist.
    ASSERT_EQ(post(*carol_, { { "status", "Planning du cabinet : interne" } }).status, 200);
    // The moderator removes the pharmacist's reply: the removal reaches both instances.
    auto removal = carol_->del("/api/v1/confrere/groups/" + group_id_ + "/statuses/" + in_group("AINS").front());
    ASSERT_EQ(removal.status, 200) << removal;
    EXPECT_TRUE(eventually([&] { return home_with(*bob_, "AINS").empty(); })) << "the removal never reached nursing";
    EXPECT_TRUE(eventually([&] { return home_with(*alice_, "AINS").empty(); })) << "the removal never reached pharmacy";

    // Bob leaves: his membership ends on podiatry and later posts no longer reach him.
    std::string group_at_bob = lookup(*bob_, handle_);
    ASSERT_EQ(bob_->post_form("/api/v1/accounts/" + group_at_bob + "/unfollow", {}).status, 200);
    ASSERT_TRUE(eventually([&] {
        return json_int(carol_->get("/api/v1/confrere/groups/" + group_id_), "members_count") == 2;
    })) << "the Undo never reached the group";
    ASSERT_EQ(post(*carol_, { { "status", "Suite : bilan podologique à J15" }, { "group_id", group_id_ } }).status, 200);
    ASSERT_TRUE(eventually([&] { return !home_with(*alice_, "bilan podologique").empty(); }));
    EXPECT_TRUE(home_with(*bob_, "bilan podologique").empty());
    EXPECT_FALSE(database_contains(nursing_, "bilan podologique")) << "a former member's instance received it";

    for (const Instance* other : { &pharmacy_, &nursing_ })
        EXPECT_FALSE(database_contains(*other, "Planning du cabinet")) << "an instance post left podiatry";
}

TEST_F(GroupFederation, AProfessionOnlyGroupRefusesRemoteMembers)
{
    auto local = carol_->post_form("/api/v1/confrere/groups", { { "name", "podologues" } });
    ASSERT_EQ(local.status, 200) << local;
    std::string id = lookup(*alice_, "podologues@" + podiatry_.host());
    ASSERT_FALSE(id.empty());
    ASSERT_EQ(alice_->post_form("/api/v1/accounts/" + id + "/follow", {}).status, 200);
    // The group answers with a Reject: the request disappears, no membership is recorded.
    EXPECT_TRUE(eventually([&] {
        auto r = alice_->get("/api/v1/accounts/relationships?id[]=" + id);
        auto doc = r.json();
        return r.status == 200 && doc.IsArray() && doc.Size() == 1 && doc[0]["requested"].IsFalse()
            && doc[0]["following"].IsFalse();
    })) << "the Reject never arrived";
    auto group = carol_->get("/api/v1/confrere/groups/" + json_string(local.json(), "/id"));
    EXPECT_EQ(json_int(group, "members_count"), 1) << group;
    // Posting into it from pharmacy is refused before anything is sent.
    auto refused = post(*alice_, { { "status", "Bonjour" }, { "group_id", id } });
    EXPECT_TRUE(is_json_error(refused, 403)) << refused;

    // A thread of the profession-only group stays on podiatry until its author moves it into
    // the interdisciplinary group and a moderator approves: then it reaches the members there.
    follow_and_wait(*alice_, handle_);
    auto thread = post(*carol_, { { "status", "Orthèse plantaire : cas à partager" },
                                    { "group_id", json_string(local.json(), "/id") } });
    ASSERT_EQ(thread.status, 200) << thread;
    auto move = carol_->post_form("/api/v1/confrere/statuses/" + json_string(thread.json(), "/id") + "/move",
        { { "group_id", group_id_ } });
    ASSERT_EQ(move.status, 200) << move;
    EXPECT_FALSE(database_contains(pharmacy_, "Orthèse plantaire")) << "a thread left before its move was approved";
    auto approved = carol_->post_form(
        "/api/v1/confrere/groups/" + group_id_ + "/moves/" + json_string(move.json(), "/0/id") + "/approve", {});
    ASSERT_EQ(approved.status, 200) << approved;
    EXPECT_TRUE(eventually([&] { return !home_with(*alice_, "Orthèse plantaire").empty(); }))
        << "the moved thread never reached the group's remote members";
}

} // namespace
} // namespace confrere::testkit
