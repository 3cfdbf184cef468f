// The members' directory and the filterable local timelines on a real SQLite file: who is
// listed, how names match (account search's rule, folding case and accents), the profession and
// specialty filters, the two orders, and the profession and tag filters of the timelines,
// applied inside the query so that pages stay full.
#include "storage/store.hpp"
#include "tests/support/test_store.hpp"
#include "tests/unit/storage/sqlite/federation_store.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace confrere::storage {
namespace {

using model::Audience;
using model::local_actor;
using testkit::describe;
using Names = std::vector<std::string>;

class DirectoryRepositoryTest : public fedtest::FederationStoreTest {
protected:
    // An active member who chose to appear in the directory (unless `discoverable` is false).
    Id member(const std::string& username, int profession, const std::string& display_name,
        const Names& specialties = {}, bool discoverable = true)
    {
        Id id = add_account(username, profession);
        auto account = read([&](Repositories& r) { return r.accounts().find_by_id(id); });
        EXPECT_TRUE(account && *account) << describe(account);
        model::Account changed = **account;
        changed.display_name = display_name;
        changed.specialties = specialties;
        changed.discoverable = discoverable;
        auto done = write([&](Repositories& r) { return r.accounts().update_profile(changed, fedtest::at(1)); });
        EXPECT_TRUE(done) << describe(done);
        return id;
    }

    std::vector<Id> listed(const DirectoryQuery& query)
    {
        auto found = read([&](Repositories& r) { return r.search().directory(query); });
        EXPECT_TRUE(found) << describe(found);
        std::vector<Id> ids;
        if (found)
            for (const model::Account& a : *found)
                ids.push_back(a.id);
        return ids;
    }

    std::vector<Id> named(const std::string& name)
    {
        DirectoryQuery q;
        q.name = name;
        q.order = DirectoryOrder::New;
        return listed(q);
    }

    model::Status tagged(Id author, Audience audience, const Names& tags)
    {
        model::Status s = add_status(local_actor(author), audience);
        auto done = write([&](Repositories& r) { return r.tags().set_for_status(s.id, tags, fedtest::at(2)); });
        EXPECT_TRUE(done) << describe(done);
        return s;
    }
};

TEST_F(DirectoryRepositoryTest, SpecialtiesAreStoredInOrderAndReplacedWhole)
{
    Id elodie = member("elodie", 21, "Élodie", { "plaies", "diabétologie", "c_sharp" });
    auto found = read([&](Repositories& r) { return r.accounts().find_by_id(elodie); });
    ASSERT_TRUE(found && *found) << describe(found);
    EXPECT_EQ((*found)->specialties, (Names { "plaies", "diabétologie", "c_sharp" }));
    model::Account cleared = **found;
    cleared.specialties.clear();
    ASSERT_TRUE(write([&](Repositories& r) { return r.accounts().update_profile(cleared, fedtest::at(3)); }));
    auto again = read([&](Repositories& r) { return r.accounts().find_by_username("ELODIE"); });
    ASSERT_TRUE(again && *again);
    EXPECT_TRUE((*again)->specialties.empty());
}

TEST_F(DirectoryRepositoryTest, OnlyActiveMembersWhoChoseToAppearAreListedNeverPartners)
{
    Id listed_one = member("visible", 21, "Visible");
    member("hidden", 21, "Hidden", {}, false);
    Id suspended = member("suspended", 21, "Suspended");
    Id partner = member("partner", 0, "Laboratoire");
    ASSERT_TRUE(write([&](Repositories& r) {
        return r.accounts().update_state(suspended, model::AccountState::Suspended, "", std::nullopt, fedtest::at(4));
    }));
    ASSERT_TRUE(testkit::exec_sql(path(), "UPDATE accounts SET role = 'partner' WHERE id = " + std::to_string(partner)));
    EXPECT_EQ(listed({}), (std::vector<Id> { listed_one }));
}

TEST_F(DirectoryRepositoryTest, NamesMatchByUsernameOrDisplayNamePrefixFoldingCaseAndAccents)
{
    Id elodie = member("elodie_l", 21, "Élodie Lefèvre");
    Id jeanne = member("jdarc", 60, "Jeanne D'Arc-Martin");
    Id zoe = member("zoe", 80, "ZOÉ N'DIAYE");
    EXPECT_EQ(named("elo"), (std::vector<Id> { elodie }));
    EXPECT_EQ(named("ÉLODIE LEF"), (std::vector<Id> { elodie }));
    EXPECT_EQ(named("Elodie_"), (std::vector<Id> { elodie })) << "a username prefix, '_' taken literally";
    EXPECT_EQ(named("jeanne d'arc"), (std::vector<Id> { jeanne }));
    EXPECT_EQ(named("zoé n"), (std::vector<Id> { zoe }));
    EXPECT_TRUE(named("lefèvre").empty()) << "the display name matches from its start only";
    EXPECT_TRUE(named("%").empty()) << "LIKE wildcards are text";
    EXPECT_TRUE(named("--").empty()) << "what folds to nothing matches no display name";
}

TEST_F(DirectoryRepositoryTest, AccountSearchFoldsAccentsByTheSameRule)
{
    Id elodie = member("elodie_l", 21, "Élodie Lefèvre", {}, false);
    auto found = read([](Repositories& r) { return r.search().accounts("elo", 10, 0); });
    ASSERT_TRUE(found) << describe(found);
    ASSERT_EQ(found->size(), 1u);
    EXPECT_EQ(found->front().id, elodie);
    auto by_display = read([](Repositories& r) { return r.search().accounts("ÉLODIE", 10, 0); });
    ASSERT_TRUE(by_display);
    EXPECT_EQ(by_display->size(), 1u);
}

TEST_F(DirectoryRepositoryTest, ProfessionAndSpecialtyFiltersCombine)
{
    Id pharmacist = member("alice", 21, "Alice", { "plaies", "diabète" });
    Id nurse = member("bob", 60, "Bob", { "plaies" });
    member("carol", 80, "Carol", { "plaies_chroniques" });
    DirectoryQuery q;
    q.order = DirectoryOrder::New;
    q.specialty = "plaies";
    EXPECT_EQ(listed(q), (std::vector<Id> { nurse, pharmacist })) << "a whole tag, not a prefix";
    q.profession_code = 21;
    EXPECT_EQ(listed(q), (std::vector<Id> { pharmacist }));
    q.specialty = "diab";
    EXPECT_TRUE(listed(q).empty());
    q.specialty = "diabète";
    q.profession_code = 60;
    EXPECT_TRUE(listed(q).empty());
}

TEST_F(DirectoryRepositoryTest, ActiveOrderPutsTheLatestPosterFirstAndNeverPostedLastAndPagesByOffset)
{
    Id quiet = member("quiet", 21, "Quiet");
    Id early = member("early", 21, "Early");
    Id late = member("late", 21, "Late");
    Id deleted_only = member("deleted", 21, "Deleted");
    add_status(local_actor(early), Audience::Instance);
    add_status(local_actor(late), Audience::Direct);
    model::Status gone = add_status(local_actor(deleted_only), Audience::Instance);
    ASSERT_TRUE(write([&](Repositories& r) { return r.statuses().mark_deleted(gone.id, fedtest::at(9)); }));
    add_status(local_actor(early), Audience::Followers);
    DirectoryQuery q;
    EXPECT_EQ(listed(q), (std::vector<Id> { early, late, deleted_only, quiet }));
    q.order = DirectoryOrder::New;
    EXPECT_EQ(listed(q), (std::vector<Id> { deleted_only, late, early, quiet }));
    q.limit = 2;
    q.offset = 1;
    EXPECT_EQ(listed(q), (std::vector<Id> { late, early }));
}

TEST_F(DirectoryRepositoryTest, InstanceTimelineFiltersByAuthorProfessionAndTagInsideThePage)
{
    Id pharmacist = member("alice", 21, "Alice");
    Id nurse = member("bob", 60, "Bob");
    model::Status wound = tagged(pharmacist, Audience::Instance, { "plaies" });
    model::Status other = tagged(pharmacist, Audience::Instance, { "vaccins" });
    model::Status nurse_wound = tagged(nurse, Audience::Instance, { "plaies" });
    tagged(pharmacist, Audience::Followers, { "plaies" }); // never in the instance timeline
    // Newer statuses of the other profession: a filter applied after paging would return an
    // empty first page of one.
    for (int i = 0; i < 3; ++i)
        tagged(nurse, Audience::Instance, {});
    StatusQuery page;
    page.limit = 1;
    auto timeline = [&](int profession, std::string tag) {
        return ids(read([&](Repositories& r) {
            return r.statuses().instance_timeline(page, TimelineFilter { profession, tag });
        }));
    };
    EXPECT_EQ(timeline(21, ""), (std::vector<Id> { other.id }));
    EXPECT_EQ(timeline(0, "plaies"), (std::vector<Id> { nurse_wound.id }));
    EXPECT_EQ(timeline(21, "plaies"), (std::vector<Id> { wound.id }));
    EXPECT_TRUE(timeline(80, "").empty());
    page.limit = 20;
    EXPECT_EQ(timeline(0, "plaies"), (std::vector<Id> { nurse_wound.id, wound.id }));
}

TEST_F(DirectoryRepositoryTest, TagTimelineByProfessionLeavesRemoteAuthorsOut)
{
    Id pharmacist = member("alice", 21, "Alice");
    model::RemoteActor claire = add_remote("claire", "soins.example");
    add_follow(local_actor(pharmacist), model::remote_actor(claire.id));
    model::Status remote = add_status(model::remote_actor(claire.id), Audience::Followers);
    ASSERT_TRUE(write([&](Repositories& r) { return r.tags().set_for_status(remote.id, { "plaies", "vaccins" }, fedtest::at(5)); }));
    model::Status local = tagged(pharmacist, Audience::Instance, { "plaies" });
    TagTimelineQuery q;
    q.any = { "plaies" };
    auto timeline = [&] { return ids(read([&](Repositories& r) { return r.search().tag_timeline(pharmacist, q); })); };
    EXPECT_EQ(timeline(), (std::vector<Id> { local.id, remote.id }));
    q.author_profession = 21;
    EXPECT_EQ(timeline(), (std::vector<Id> { local.id }));
    q.author_profession = 60;
    EXPECT_TRUE(timeline().empty());
    // Beside none[] (the parameter before it): each keeps its own placeholder.
    q.none = { "vaccins" };
    q.author_profession = 0;
    EXPECT_EQ(timeline(), (std::vector<Id> { local.id }));
    q.author_profession = 21;
    EXPECT_EQ(timeline(), (std::vector<Id> { local.id }));
}

} // namespace
} // namespace confrere::storage
