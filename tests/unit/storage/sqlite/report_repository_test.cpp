// Reports on a real SQLite file: stored with their statuses, listed by state and target in both
// page directions, updated, and the schema's refusals.
#include "storage/store.hpp"
#include "tests/support/test_store.hpp"
#include "tests/unit/storage/sqlite/federation_store.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace confrere::storage {
namespace {

using fedtest::at;
using model::local_actor;
using model::remote_actor;
using model::ReportState;
using testkit::describe;

class ReportRepositoryTest : public fedtest::FederationStoreTest {
protected:
    void SetUp() override
    {
        fedtest::FederationStoreTest::SetUp();
        alice_ = add_account("alice");
        bob_ = add_account("bob");
        claire_ = add_remote("claire", "soins.example");
    }

    model::Report add_report(model::ActorRef target, std::vector<Id> statuses = {})
    {
        model::Report r;
        r.id = next_id();
        r.reporter_id = alice_;
        r.target = target;
        r.category = model::ReportCategory::Violation;
        r.comment = "Patient nommé";
        r.status_ids = std::move(statuses);
        r.created_at = r.updated_at = at(static_cast<int>(r.id));
        auto done = write([&](Repositories& repos) { return repos.reports().insert(r); });
        EXPECT_TRUE(done) << describe(done);
        return r;
    }

    std::vector<Id> listed(const ReportQuery& q)
    {
        auto list = read([&](Repositories& r) { return r.reports().list(q); });
        EXPECT_TRUE(list) << describe(list);
        std::vector<Id> out;
        if (list)
            for (const auto& r : *list)
                out.push_back(r.id);
        return out;
    }

    Id alice_ = 0, bob_ = 0;
    model::RemoteActor claire_;
};

TEST_F(ReportRepositoryTest, AReportIsReadBackWithItsStatuses)
{
    auto s1 = add_status(local_actor(bob_), model::Audience::Instance);
    auto s2 = add_status(local_actor(bob_), model::Audience::Direct);
    auto stored = add_report(local_actor(bob_), { s2.id, s1.id });
    auto found = read([&](Repositories& r) { return r.reports().find(stored.id); });
    ASSERT_TRUE(found && *found) << describe(found);
    const model::Report& r = **found;
    EXPECT_EQ(r.reporter_id, alice_);
    EXPECT_EQ(r.target, local_actor(bob_));
    EXPECT_EQ(r.category, model::ReportCategory::Violation);
    EXPECT_EQ(r.comment, "Patient nommé");
    EXPECT_EQ(r.status_ids, (std::vector<Id> { s1.id, s2.id }));
    EXPECT_EQ(r.state, ReportState::Open);
    EXPECT_FALSE(r.resolved_at);
}

TEST_F(ReportRepositoryTest, TheQueueFiltersByStateAndTargetAndPagesBothWays)
{
    auto first = add_report(local_actor(bob_));
    auto second = add_report(remote_actor(claire_.id));
    auto third = add_report(local_actor(bob_));
    model::Report resolved = second;
    resolved.state = ReportState::Resolved;
    resolved.action = model::ReportAction::None;
    resolved.resolved_by = bob_;
    resolved.resolved_at = resolved.updated_at = at(5000);
    ASSERT_TRUE(write([&](Repositories& r) { return r.reports().update(resolved); }));

    ReportQuery open;
    open.state = ReportState::Open;
    EXPECT_EQ(listed(open), (std::vector<Id> { third.id, first.id }));
    ReportQuery all;
    EXPECT_EQ(listed(all), (std::vector<Id> { third.id, second.id, first.id }));
    ReportQuery remote;
    remote.target = remote_actor(claire_.id);
    EXPECT_EQ(listed(remote), (std::vector<Id> { second.id }));
    ReportQuery by_alice;
    by_alice.reporter_id = alice_;
    by_alice.page.limit = 1;
    by_alice.page.max_id = third.id;
    EXPECT_EQ(listed(by_alice), (std::vector<Id> { second.id }));
    ReportQuery after_first;
    after_first.page.min_id = first.id;
    after_first.page.limit = 1;
    after_first.page.end = PageEnd::Oldest;
    EXPECT_EQ(listed(after_first), (std::vector<Id> { second.id })) << "min_id: the ones just after";
    auto count = read([](Repositories& r) { return r.reports().count(ReportState::Open); });
    ASSERT_TRUE(count);
    EXPECT_EQ(*count, 2);
}

TEST_F(ReportRepositoryTest, UpdatingAnUnknownReportIsNotFound)
{
    model::Report ghost;
    ghost.id = 424242;
    auto done = write([&](Repositories& r) { return r.reports().update(ghost); });
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().kind, ErrorKind::NotFound);
}

TEST_F(ReportRepositoryTest, AStatusThatDoesNotExistIsRefusedAndNothingIsWritten)
{
    model::Report r;
    r.id = next_id();
    r.reporter_id = alice_;
    r.target = local_actor(bob_);
    r.status_ids = { 999'999 };
    auto done = write([&](Repositories& repos) { return repos.reports().insert(r); });
    EXPECT_FALSE(done) << "the foreign key holds";
    auto found = read([&](Repositories& repos) { return repos.reports().find(r.id); });
    ASSERT_TRUE(found);
    EXPECT_FALSE(*found);
}

} // namespace
} // namespace confrere::storage
