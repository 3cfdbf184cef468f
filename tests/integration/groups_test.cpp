// Groups on one instance, through the real binary: who may create which group, joining and
// leaving (also as Mastodon clients do, by following the group's account), posting into a group
// by id or by mentioning it, replies staying in their group, what non-members see (nothing),
// group moderation, and the refusals.
#include "tests/integration/scenario.hpp"

namespace confrere::testkit {
namespace {

class Groups : public IntegrationTest {
protected:
    void SetUp() override
    {
        IntegrationTest::SetUp();
        moderator_ = moderator();
        alice_ = member("alice");
        bob_ = member("bob");
        eve_ = member("eve");
    }

    static std::string id_of(const HttpResponse& r) { return json_string(r.json(), "/id"); }

    // Creates a group as `client`; returns the answer.
    static HttpResponse create(HttpClient& client, const FormFields& fields)
    {
        return client.post_form("/api/v1/confrere/groups", fields);
    }

    static HttpResponse post(HttpClient& client, const FormFields& fields)
    {
        return client.post_form("/api/v1/statuses", fields);
    }

    // The ids of a timeline's statuses.
    static std::vector<std::string> ids(HttpClient& client, const std::string& path)
    {
        std::vector<std::string> out;
        auto r = client.get(path);
        auto doc = r.json();
        if (r.status == 200 && doc.IsArray())
            for (const auto& s : doc.GetArray())
                out.push_back(json_string(s, "/id"));
        return out;
    }

    static bool contains(const std::vector<std::string>& list, const std::string& id)
    {
        return std::find(list.begin(), list.end(), id) != list.end();
    }

    std::optional<HttpClient> moderator_, alice_, bob_, eve_;
};

TEST_F(Groups, OnlyModeratorsCreateInterdisciplinaryGroupsAndParentsModeratorsSubGroups)
{
    auto refused = create(*alice_, { { "name", "plaies" }, { "interdisciplinary", "true" } });
    EXPECT_TRUE(is_json_error(refused, 403)) << refused;

    auto wounds = create(*moderator_,
        { { "name", "plaies" }, { "display_name", "Plaies et cicatrisation" }, { "interdisciplinary", "true" },
            { "tags[]", "#Plaies" }, { "tags[]", "diabete" }, { "description", "Cas et protocoles" } });
    ASSERT_EQ(wounds.status, 200) << wounds;
    auto doc = wounds.json();
    EXPECT_EQ(json_string(doc, "/name"), "plaies");
    EXPECT_TRUE(doc["interdisciplinary"].IsTrue());
    EXPECT_EQ(json_string(doc, "/tags/0"), "plaies");
    EXPECT_EQ(json_string(doc, "/tags/1"), "diabete");
    EXPECT_EQ(json_string(doc, "/membership/role"), "moderator");
    EXPECT_EQ(doc["members_count"].GetInt64(), 1);

    // A profession-only group any member may create; a sub-group only the parent's moderators.
    auto officine = create(*alice_, { { "name", "officine" }, { "display_name", "Officine" } });
    ASSERT_EQ(officine.status, 200) << officine;
    EXPECT_TRUE(officine.json()["interdisciplinary"].IsFalse());
    auto sub = create(*bob_, { { "name", "pansements" }, { "parent_id", id_of(wounds) } });
    EXPECT_TRUE(is_json_error(sub, 403)) << sub;
    sub = create(*moderator_, { { "name", "pansements" }, { "parent_id", id_of(wounds) } });
    ASSERT_EQ(sub.status, 200) << sub;
    EXPECT_EQ(json_string(sub.json(), "/parent_id"), id_of(wounds));
    auto children = alice_->get("/api/v1/confrere/groups?parent_id=" + id_of(wounds));
    ASSERT_EQ(children.status, 200) << children;
    EXPECT_EQ(json_string(children.json(), "/0/name"), "pansements");
    auto tagged = alice_->get("/api/v1/confrere/groups?tag=plaies");
    EXPECT_EQ(json_string(tagged.json(), "/0/name"), "plaies") << tagged;
    EXPECT_EQ(tagged.json().Size(), 1u);

    // Bad input: each refused with the field named, nothing created.
    EXPECT_EQ(field_error(create(*alice_, { { "name", "bad name" } }), "name"), "ERR_INVALID") ;
    auto taken = create(*alice_, { { "name", "bob" } });
    EXPECT_TRUE(is_json_error(taken, 422)) << taken;
    EXPECT_TRUE(is_json_error(create(*alice_, { { "name", "PLAIES" } }), 422));
    EXPECT_TRUE(is_json_error(create(*alice_, { { "name", "x" }, { "tags[]", "pas un tag!" } }), 422));
    EXPECT_TRUE(is_json_error(create(*alice_, { { "name", "y" }, { "parent_id", "12345" } }), 422));
    auto all = alice_->get("/api/v1/confrere/groups");
    EXPECT_EQ(all.json().Size(), 3u) << all;
    // A group's name is a handle: nobody may register it as a username.
    auto applicant = applicant_for("plaies", pharmacist_elodie());
    EXPECT_EQ(field_error(register_applicant(applicant), "username"), "ERR_TAKEN");
}

TEST_F(Groups, GroupPostsReachMembersOnlyAndRepliesStayInTheirGroup)
{
    auto group = create(*moderator_, { { "name", "officine" }, { "display_name", "Officine" } });
    ASSERT_EQ(group.status, 200) << group;
    const std::string gid = id_of(group);
    ASSERT_EQ(alice_->post_form("/api/v1/confrere/groups/" + gid + "/join", {}).status, 200);
    // Mastodon clients join by following the group's account.
    auto account = bob_->get("/api/v1/accounts/lookup?acct=officine");
    ASSERT_EQ(account.status, 200) << account;
    EXPECT_TRUE(account.json()["group"].IsTrue());
    EXPECT_EQ(id_of(account), gid);
    auto follow = bob_->post_form("/api/v1/accounts/" + gid + "/follow", {});
    ASSERT_EQ(follow.status, 200) << follow;
    EXPECT_TRUE(follow.json()["following"].IsTrue()) << follow;

    // Posted with group_id: members read it; Eve, not a member, reads nothing of it.
    auto first = post(*alice_, { { "status", "Rupture de stock d'insuline rapide" }, { "group_id", gid } });
    ASSERT_EQ(first.status, 200) << first;
    EXPECT_EQ(json_string(first.json(), "/confrere_audience"), "group");
    EXPECT_EQ(json_string(first.json(), "/visibility"), "private");
    EXPECT_EQ(json_string(first.json(), "/confrere_group/acct"), "officine");
    const std::string sid = id_of(first);
    EXPECT_EQ(bob_->get("/api/v1/statuses/" + sid).status, 200);
    EXPECT_TRUE(contains(ids(*bob_, "/api/v1/timelines/home"), sid));
    EXPECT_TRUE(contains(ids(*bob_, "/api/v1/timelines/group/" + gid), sid));
    EXPECT_TRUE(is_json_error(eve_->get("/api/v1/statuses/" + sid), 404));
    EXPECT_FALSE(contains(ids(*eve_, "/api/v1/timelines/home"), sid));
    EXPECT_FALSE(contains(ids(*eve_, "/api/v1/timelines/public"), sid));
    EXPECT_FALSE(contains(ids(*eve_, "/api/v1/timelines/public?local=true"), sid));
    EXPECT_TRUE(is_json_error(eve_->get("/api/v1/timelines/group/" + gid), 403));
    // The group timeline narrowed by hashtag and by the author's profession (the fixture's
    // members have none recorded: a profession filter leaves them out).
    auto tagged = post(*bob_, { { "status", "Protocole #insuline rapide" }, { "group_id", gid } });
    ASSERT_EQ(tagged.status, 200) << tagged;
    EXPECT_EQ(ids(*alice_, "/api/v1/timelines/group/" + gid + "?tag=%23Insuline"), (std::vector { id_of(tagged) }));
    EXPECT_TRUE(ids(*alice_, "/api/v1/timelines/group/" + gid + "?profession=21").empty());
    EXPECT_TRUE(is_json_error(alice_->get("/api/v1/timelines/group/" + gid + "?profession=abc"), 422));
    // The group's account lists its posts, as Mastodon apps show a community's profile.
    EXPECT_TRUE(contains(ids(*bob_, "/api/v1/accounts/" + gid + "/statuses"), sid));
    EXPECT_TRUE(is_json_error(eve_->get("/api/v1/accounts/" + gid + "/statuses"), 403));
    EXPECT_TRUE(is_json_error(eve_->get("/api/v1/confrere/groups/" + gid + "/members"), 403));
    // Mentioning Eve in a group post does not let her read it.
    auto mention = post(*alice_, { { "status", "@eve tu devrais rejoindre" }, { "group_id", gid } });
    ASSERT_EQ(mention.status, 200) << mention;
    EXPECT_TRUE(is_json_error(eve_->get("/api/v1/statuses/" + id_of(mention)), 404));

    // A reply sent as "private" (what clients repeat) stays in the group.
    auto reply = post(*bob_, { { "status", "On dépanne demain" }, { "in_reply_to_id", sid }, { "visibility", "private" } });
    ASSERT_EQ(reply.status, 200) << reply;
    EXPECT_EQ(json_string(reply.json(), "/confrere_audience"), "group");
    EXPECT_EQ(json_string(reply.json(), "/confrere_group/id"), gid);
    EXPECT_TRUE(is_json_error(eve_->get("/api/v1/statuses/" + id_of(reply)), 404));

    // Mentioning the group posts into it.
    auto by_mention = post(*bob_, { { "status", "@officine qui a des seringues de 1 ml ?" } });
    ASSERT_EQ(by_mention.status, 200) << by_mention;
    EXPECT_EQ(json_string(by_mention.json(), "/confrere_audience"), "group");
    EXPECT_TRUE(is_json_error(eve_->get("/api/v1/statuses/" + id_of(by_mention)), 404));

    // Refused, nothing stored: a non-member posting; a group post answering an instance post
    // (wider); a reply moved to another group; a boost of a group post, even one's own.
    auto before = ids(*moderator_, "/api/v1/timelines/group/" + gid).size();
    auto outsider = post(*eve_, { { "status", "Je m'invite" }, { "group_id", gid } });
    EXPECT_TRUE(is_json_error(outsider, 403)) << outsider;
    auto by_outsider_mention = post(*eve_, { { "status", "@officine je m'invite" } });
    EXPECT_TRUE(is_json_error(by_outsider_mention, 403)) << by_outsider_mention;
    auto open = post(*eve_, { { "status", "Fil de l'instance" } });
    ASSERT_EQ(open.status, 200);
    auto widening = post(*alice_, { { "status", "Je le remonte au groupe" }, { "in_reply_to_id", id_of(open) }, { "group_id", gid } });
    EXPECT_TRUE(is_json_error(widening, 422)) << widening;
    auto other = create(*alice_, { { "name", "autre" } });
    ASSERT_EQ(other.status, 200);
    auto moved = post(*alice_, { { "status", "ailleurs" }, { "in_reply_to_id", sid }, { "group_id", id_of(other) } });
    EXPECT_TRUE(is_json_error(moved, 422)) << moved;
    EXPECT_TRUE(is_json_error(alice_->post_form("/api/v1/statuses/" + sid + "/reblog", {}), 422));
    EXPECT_TRUE(is_json_error(post(*alice_, { { "status", "x" }, { "group_id", "999" } }), 404));
    EXPECT_EQ(ids(*moderator_, "/api/v1/timelines/group/" + gid).size(), before);

    // Group moderation: only moderators remove a post or a member.
    EXPECT_TRUE(is_json_error(bob_->del("/api/v1/confrere/groups/" + gid + "/statuses/" + sid), 403));
    auto removed = moderator_->del("/api/v1/confrere/groups/" + gid + "/statuses/" + sid);
    ASSERT_EQ(removed.status, 200) << removed;
    EXPECT_TRUE(is_json_error(alice_->get("/api/v1/statuses/" + sid), 404));
    auto bob_id = id_of(bob_->get("/api/v1/accounts/verify_credentials"));
    EXPECT_TRUE(is_json_error(alice_->del("/api/v1/confrere/groups/" + gid + "/members/" + bob_id), 403));
    ASSERT_EQ(moderator_->del("/api/v1/confrere/groups/" + gid + "/members/" + bob_id).status, 200);
    EXPECT_TRUE(is_json_error(bob_->get("/api/v1/statuses/" + id_of(mention)), 404)) << "a removed member still reads";
    EXPECT_EQ(bob_->get("/api/v1/statuses/" + id_of(reply)).status, 200) << "an author always reads their own post";

    // Leaving: Alice no longer reads the group; the last moderator cannot leave.
    auto left = alice_->post_form("/api/v1/accounts/" + gid + "/unfollow", {});
    ASSERT_EQ(left.status, 200) << left;
    EXPECT_TRUE(left.json()["following"].IsFalse());
    EXPECT_TRUE(is_json_error(alice_->get("/api/v1/statuses/" + id_of(by_mention)), 404));
    EXPECT_TRUE(is_json_error(moderator_->post_form("/api/v1/confrere/groups/" + gid + "/leave", {}), 422));
}

TEST_F(Groups, AThreadMovesIntoAnInterdisciplinaryGroupOnceAModeratorApproves)
{
    auto wounds = create(*moderator_, { { "name", "plaies" }, { "interdisciplinary", "true" } });
    auto officine = create(*alice_, { { "name", "officine" } });
    ASSERT_EQ(wounds.status, 200) << wounds;
    ASSERT_EQ(officine.status, 200) << officine;
    const std::string to = id_of(wounds), from = id_of(officine);
    ASSERT_EQ(bob_->post_form("/api/v1/confrere/groups/" + from + "/join", {}).status, 200);
    auto root = post(*alice_, { { "status", "Ulcère du pied chez un patient diabétique" }, { "group_id", from } });
    ASSERT_EQ(root.status, 200) << root;
    auto own = post(*alice_, { { "status", "Précision : pansement à l'argent" }, { "in_reply_to_id", id_of(root) } });
    auto other = post(*bob_, { { "status", "Avis de l'IDE du secteur ?" }, { "in_reply_to_id", id_of(root) } });
    ASSERT_EQ(own.status, 200) << own;
    ASSERT_EQ(other.status, 200) << other;
    auto move = [&](HttpClient& who, const std::string& status_id, const std::string& group) {
        return who.post_form("/api/v1/confrere/statuses/" + status_id + "/move", { { "group_id", group } });
    };

    // Refused: not a member of the target yet; a reply; someone else's thread; a target that
    // is not interdisciplinary.
    EXPECT_TRUE(is_json_error(move(*alice_, id_of(root), to), 403));
    ASSERT_EQ(alice_->post_form("/api/v1/confrere/groups/" + to + "/join", {}).status, 200);
    EXPECT_EQ(field_error(move(*alice_, id_of(own), to), "status_id"), "ERR_INVALID");
    EXPECT_EQ(field_error(move(*bob_, id_of(root), to), "status_id"), "ERR_INVALID");
    EXPECT_EQ(field_error(move(*alice_, id_of(root), from), "group_id"), "ERR_INVALID");

    auto asked = move(*alice_, id_of(root), to);
    ASSERT_EQ(asked.status, 200) << asked;
    EXPECT_EQ(json_string(asked.json(), "/0/state"), "pending");
    const std::string move_id = json_string(asked.json(), "/0/id");
    EXPECT_TRUE(is_json_error(move(*alice_, id_of(root), to), 409)) << "a second pending request";
    // Nothing moved yet.
    EXPECT_EQ(json_string(alice_->get("/api/v1/statuses/" + id_of(root)).json(), "/confrere_group/id"), from);

    // Only the target's moderators review it.
    EXPECT_TRUE(is_json_error(bob_->get("/api/v1/confrere/groups/" + to + "/moves"), 403));
    auto queue = moderator_->get("/api/v1/confrere/groups/" + to + "/moves");
    ASSERT_EQ(queue.status, 200) << queue;
    EXPECT_EQ(json_string(queue.json(), "/0/id"), move_id);
    auto approved = moderator_->post_form("/api/v1/confrere/groups/" + to + "/moves/" + move_id + "/approve", {});
    ASSERT_EQ(approved.status, 200) << approved;
    EXPECT_EQ(json_string(approved.json(), "/0/state"), "approved");
    EXPECT_TRUE(is_json_error(
        moderator_->post_form("/api/v1/confrere/groups/" + to + "/moves/" + move_id + "/approve", {}), 404));

    // The first post and its author's reply moved; Bob's reply stayed in the profession-only group.
    EXPECT_EQ(json_string(alice_->get("/api/v1/statuses/" + id_of(root)).json(), "/confrere_group/id"), to);
    EXPECT_EQ(json_string(alice_->get("/api/v1/statuses/" + id_of(own)).json(), "/confrere_group/id"), to);
    EXPECT_EQ(json_string(bob_->get("/api/v1/statuses/" + id_of(other)).json(), "/confrere_group/id"), from);

    // A rejection keeps the thread where it is and tells why.
    auto second = post(*alice_, { { "status", "Autre cas, à discuter entre pharmaciens" }, { "group_id", from } });
    auto asked_again = move(*alice_, id_of(second), to);
    ASSERT_EQ(asked_again.status, 200) << asked_again;
    auto rejected = moderator_->post_form("/api/v1/confrere/groups/" + to + "/moves/"
            + json_string(asked_again.json(), "/0/id") + "/reject",
        { { "reason", "Nom commercial de médicament : à reformuler" } });
    ASSERT_EQ(rejected.status, 200) << rejected;
    EXPECT_EQ(json_string(rejected.json(), "/0/state"), "rejected");
    EXPECT_EQ(json_string(rejected.json(), "/0/reason"), "Nom commercial de médicament : à reformuler");
    EXPECT_EQ(json_string(alice_->get("/api/v1/statuses/" + id_of(second)).json(), "/confrere_group/id"), from);
}

} // namespace
} // namespace confrere::testkit
