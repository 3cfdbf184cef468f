// The delivery queue on a real SQLite file: enqueue, claims and their leases (also from two
// stores on one file, as two processes would), retries, dead letters and paused hosts.
#include "storage/store.hpp"
#include "tests/support/test_store.hpp"
#include "tests/unit/storage/sqlite/federation_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace confrere::storage {
namespace {

using fedtest::at;
using model::DeliveryState;
using testkit::describe;
using testkit::query_int;

class DeliveryRepositoryTest : public fedtest::FederationStoreTest {
protected:
    model::OutboundActivity activity(TimePoint created_at = at(), std::optional<Id> signer = std::nullopt)
    {
        model::OutboundActivity a;
        a.id = next_id();
        a.uri = "https://confrere.example/activities/" + std::to_string(a.id);
        a.json = R"({"type":"Create","id":")" + a.uri + R"("})";
        a.signer_account_id = signer;
        a.created_at = created_at;
        return a;
    }

    std::vector<Id> fresh_ids(std::size_t n)
    {
        std::vector<Id> out;
        for (std::size_t i = 0; i < n; ++i)
            out.push_back(next_id());
        return out;
    }

    // Enqueues `a` to `inboxes` with fresh delivery ids; returns them.
    std::vector<Id> enqueue(const model::OutboundActivity& a, const std::vector<std::string>& inboxes)
    {
        std::vector<Id> ids = fresh_ids(inboxes.size());
        auto done = write([&](Repositories& r) { return r.deliveries().enqueue(a, inboxes, ids); });
        EXPECT_TRUE(done) << describe(done);
        return ids;
    }

    Result<std::vector<model::DeliveryJob>> claim(TimePoint now, TimePoint lease_until, int limit = 10)
    {
        return write([&](Repositories& r) { return r.deliveries().claim_due(now, lease_until, limit); });
    }

    std::vector<Id> claimed_ids(TimePoint now, TimePoint lease_until, int limit = 10)
    {
        auto jobs = claim(now, lease_until, limit);
        EXPECT_TRUE(jobs) << describe(jobs);
        std::vector<Id> out;
        if (jobs)
            for (const auto& job : *jobs)
                out.push_back(job.delivery.id);
        return out;
    }

    std::optional<model::Delivery> delivery(Id id)
    {
        auto found = read([id](Repositories& r) { return r.deliveries().find(id); });
        EXPECT_TRUE(found) << describe(found);
        return found ? *found : std::nullopt;
    }

    std::int64_t count(DeliveryState state)
    {
        auto n = read([state](Repositories& r) { return r.deliveries().count(state); });
        EXPECT_TRUE(n) << describe(n);
        return n ? *n : -1;
    }
};

TEST_F(DeliveryRepositoryTest, EnqueueStoresTheActivityAndOnePendingDeliveryPerDistinctInbox)
{
    Id alice = add_account("alice");
    model::OutboundActivity a = activity(at(5), alice);
    std::vector<std::string> inboxes { "https://soins.example/inbox",
        "https://Cabinet.Example:443/users/emile/inbox", "https://soins.example/inbox",
        "http://127.0.0.1:8081/inbox" };
    std::vector<Id> ids = fresh_ids(inboxes.size());
    ASSERT_TRUE(write([&](Repositories& r) { return r.deliveries().enqueue(a, inboxes, ids); }));

    auto stored = read([&](Repositories& r) { return r.deliveries().find_activity_by_uri(a.uri); });
    ASSERT_TRUE(stored && *stored) << describe(stored);
    EXPECT_EQ((*stored)->id, a.id);
    EXPECT_EQ((*stored)->json, a.json);
    EXPECT_EQ((*stored)->signer_account_id, alice);
    EXPECT_EQ((*stored)->created_at, at(5));

    auto deliveries = read([&](Repositories& r) { return r.deliveries().for_activity(a.id); });
    ASSERT_TRUE(deliveries) << describe(deliveries);
    ASSERT_EQ(deliveries->size(), 3u);
    // Ids are handed out in order to the distinct inboxes.
    EXPECT_EQ((*deliveries)[0].id, ids[0]);
    EXPECT_EQ((*deliveries)[0].inbox, "https://soins.example/inbox");
    EXPECT_EQ((*deliveries)[0].host, "soins.example");
    EXPECT_EQ((*deliveries)[1].id, ids[1]);
    EXPECT_EQ((*deliveries)[1].host, "cabinet.example");
    EXPECT_EQ((*deliveries)[2].id, ids[2]);
    EXPECT_EQ((*deliveries)[2].host, "127.0.0.1:8081");
    for (const model::Delivery& d : *deliveries) {
        EXPECT_EQ(d.activity_id, a.id);
        EXPECT_EQ(d.state, DeliveryState::Pending);
        EXPECT_EQ(d.attempts, 0);
        EXPECT_EQ(d.next_attempt_at, at(5));
        EXPECT_FALSE(d.lease_until);
        EXPECT_EQ(d.last_status, 0);
        EXPECT_EQ(d.last_error, "");
        EXPECT_EQ(d.created_at, at(5));
    }
}

TEST_F(DeliveryRepositoryTest, AnActivityQueuedTwiceIsAConflictOnUriAndAddsNothing)
{
    model::OutboundActivity a = activity();
    enqueue(a, { "https://soins.example/inbox" });
    model::OutboundActivity again = activity();
    again.uri = a.uri;
    std::vector<Id> ids = fresh_ids(1);
    auto refused = write([&](Repositories& r) {
        return r.deliveries().enqueue(again, { "https://other.example/inbox" }, ids);
    });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Conflict);
    EXPECT_EQ(refused.error().field, "uri");
    EXPECT_EQ(query_int(path(), "SELECT count(*) FROM outbound_activities"), 1);
    EXPECT_EQ(query_int(path(), "SELECT count(*) FROM deliveries"), 1);
}

TEST_F(DeliveryRepositoryTest, AnInboxThatIsNotAnAbsoluteUrlIsRefusedAndNothingIsQueued)
{
    model::OutboundActivity a = activity();
    std::vector<Id> ids = fresh_ids(2);
    auto refused = write([&](Repositories& r) {
        return r.deliveries().enqueue(a, { "https://soins.example/inbox", "/inbox" }, ids);
    });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Unprocessable);
    EXPECT_EQ(refused.error().field, "inbox");
    EXPECT_EQ(query_int(path(), "SELECT count(*) FROM outbound_activities"), 0);
}

TEST_F(DeliveryRepositoryTest, TooFewDeliveryIdsIsAnInternalError)
{
    model::OutboundActivity a = activity();
    std::vector<Id> ids = fresh_ids(1);
    auto refused = write([&](Repositories& r) {
        return r.deliveries().enqueue(a, { "https://a.example/inbox", "https://b.example/inbox" }, ids);
    });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Internal);
}

TEST_F(DeliveryRepositoryTest, ClaimReturnsDueDeliveriesOldestFirstWithTheirActivityAndLeasesThem)
{
    model::OutboundActivity later = activity(at(20));
    model::OutboundActivity earlier = activity(at(10));
    model::OutboundActivity future = activity(at(100));
    std::vector<Id> l = enqueue(later, { "https://a.example/inbox" });
    std::vector<Id> e = enqueue(earlier, { "https://b.example/inbox", "https://c.example/inbox" });
    enqueue(future, { "https://a.example/inbox" });

    auto jobs = claim(at(30), at(90));
    ASSERT_TRUE(jobs) << describe(jobs);
    ASSERT_EQ(jobs->size(), 3u);
    EXPECT_EQ((*jobs)[0].delivery.id, e[0]);
    EXPECT_EQ((*jobs)[1].delivery.id, e[1]);
    EXPECT_EQ((*jobs)[2].delivery.id, l[0]);
    EXPECT_EQ((*jobs)[0].activity.id, earlier.id);
    EXPECT_EQ((*jobs)[0].activity.uri, earlier.uri);
    EXPECT_EQ((*jobs)[0].activity.json, earlier.json);
    EXPECT_EQ((*jobs)[2].activity.id, later.id);
    EXPECT_EQ((*jobs)[0].delivery.lease_until, at(90));
    EXPECT_EQ(delivery(e[0])->lease_until, at(90));
    EXPECT_EQ(delivery(e[0])->state, DeliveryState::Pending);
}

TEST_F(DeliveryRepositoryTest, ReleasedLeasesAreClaimableAtOnceAndFinishedDeliveriesStayFinished)
{
    std::vector<Id> ids = enqueue(activity(at(0)), { "https://a.example/inbox", "https://b.example/inbox" });
    ASSERT_EQ(claimed_ids(at(10), at(600)).size(), 2u);
    ASSERT_TRUE(write([&](Repositories& r) { return r.deliveries().mark_delivered(ids[0], 202, at(11)); }));
    EXPECT_TRUE(claimed_ids(at(12), at(600)).empty()) << "leased until 600";
    auto released = write([](Repositories& r) { return r.deliveries().release_leases(); });
    ASSERT_TRUE(released) << describe(released);
    EXPECT_EQ(*released, 1) << "only the pending one had a lease to free";
    EXPECT_EQ(claimed_ids(at(13), at(600)), std::vector<Id> { ids[1] });
    EXPECT_EQ(delivery(ids[0])->state, DeliveryState::Delivered);
}

TEST_F(DeliveryRepositoryTest, ClaimTakesAtMostTheLimit)
{
    enqueue(
        activity(at(1)), { "https://a.example/inbox", "https://b.example/inbox", "https://c.example/inbox" });
    EXPECT_EQ(claimed_ids(at(10), at(60), 2).size(), 2u);
    EXPECT_EQ(claimed_ids(at(10), at(60), 2).size(), 1u);
    EXPECT_TRUE(claimed_ids(at(10), at(60), 2).empty());
}

TEST_F(DeliveryRepositoryTest, ALeasedDeliveryIsNotClaimedAgainBeforeItsLeaseEndsAndIsAfter)
{
    std::vector<Id> ids = enqueue(activity(at(0)), { "https://a.example/inbox" });
    EXPECT_EQ(claimed_ids(at(10), at(70)), ids);
    EXPECT_TRUE(claimed_ids(at(11), at(71)).empty());
    EXPECT_TRUE(claimed_ids(at(69), at(129)).empty());
    // The worker died: once the lease is over another one takes the delivery.
    EXPECT_EQ(claimed_ids(at(70), at(130)), ids);
    EXPECT_EQ(delivery(ids[0])->lease_until, at(130));
}

TEST_F(DeliveryRepositoryTest, ClaimingOutsideAWriteTransactionIsRefused)
{
    enqueue(activity(at(0)), { "https://a.example/inbox" });
    auto refused = read([](Repositories& r) { return r.deliveries().claim_due(at(10), at(70), 10); });
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Internal);
    EXPECT_EQ(query_int(path(), "SELECT count(*) FROM deliveries WHERE lease_until IS NOT NULL"), 0);
}

TEST_F(DeliveryRepositoryTest, TwoStoresOnOneFileNeverClaimTheSameDelivery)
{
    std::vector<std::string> inboxes;
    for (int i = 0; i < 120; ++i)
        inboxes.push_back("https://host" + std::to_string(i % 7) + ".example/inbox/" + std::to_string(i));
    enqueue(activity(at(0)), inboxes);
    SqliteOptions options;
    options.path = path();
    options.read_connections = 1;
    auto other = open_sqlite_store(options); // as another process would
    ASSERT_TRUE(other) << describe(other);

    // Each claims batches until there is nothing left to claim.
    auto worker = [&](Store& s, std::vector<Id>& out) -> Status {
        while (true) {
            std::size_t before = out.size();
            Status done = s.write([&](Repositories& r) -> Status {
                auto jobs = r.deliveries().claim_due(at(10), at(600), 7);
                if (!jobs)
                    return forward(jobs);
                for (const auto& job : *jobs)
                    out.push_back(job.delivery.id);
                return ok();
            });
            if (!done || out.size() == before)
                return done;
        }
    };
    std::vector<Id> mine, theirs;
    Status mine_done = ok(), theirs_done = ok();
    std::thread t1([&] { mine_done = worker(store(), mine); });
    std::thread t2([&] { theirs_done = worker(**other, theirs); });
    t1.join();
    t2.join();
    EXPECT_TRUE(mine_done) << describe(mine_done);
    EXPECT_TRUE(theirs_done) << describe(theirs_done);
    std::set<Id> all(mine.begin(), mine.end());
    for (Id id : theirs)
        EXPECT_TRUE(all.insert(id).second) << "delivery " << id << " claimed twice";
    EXPECT_EQ(all.size(), inboxes.size());
}

TEST_F(DeliveryRepositoryTest, DeliveriesToAPausedHostWaitUntilThePauseEnds)
{
    std::vector<Id> paused = enqueue(activity(at(0)), { "https://down.example/inbox" });
    std::vector<Id> fine = enqueue(activity(at(0)), { "https://up.example/inbox" });
    ASSERT_TRUE(write(
        [](Repositories& r) { return r.deliveries().record_peer_failure("down.example", at(1), at(300)); }));
    EXPECT_EQ(claimed_ids(at(10), at(20)), fine);
    ASSERT_TRUE(write([&](Repositories& r) { return r.deliveries().mark_delivered(fine[0], 202, at(11)); }));
    EXPECT_TRUE(claimed_ids(at(299), at(320)).empty());
    EXPECT_EQ(claimed_ids(at(300), at(360)), paused);
}

TEST_F(DeliveryRepositoryTest, ASuccessLiftsTheHostsPause)
{
    std::vector<Id> ids = enqueue(activity(at(0)), { "https://down.example/inbox" });
    ASSERT_TRUE(write(
        [](Repositories& r) { return r.deliveries().record_peer_failure("down.example", at(1), at(300)); }));
    EXPECT_TRUE(claimed_ids(at(10), at(20)).empty());
    ASSERT_TRUE(
        write([](Repositories& r) { return r.deliveries().record_peer_success("down.example", at(11)); }));
    EXPECT_EQ(claimed_ids(at(12), at(20)), ids);
}

TEST_F(DeliveryRepositoryTest, MarkDeliveredSettlesTheDeliveryForGood)
{
    std::vector<Id> ids = enqueue(activity(at(0)), { "https://a.example/inbox" });
    ASSERT_EQ(claimed_ids(at(1), at(60)), ids);
    ASSERT_TRUE(write([&](Repositories& r) { return r.deliveries().mark_delivered(ids[0], 202, at(2)); }));
    auto d = delivery(ids[0]);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->state, DeliveryState::Delivered);
    EXPECT_FALSE(d->lease_until);
    EXPECT_EQ(d->last_status, 202);
    EXPECT_EQ(d->updated_at, at(2));
    EXPECT_TRUE(claimed_ids(at(1000), at(1060)).empty());
    EXPECT_EQ(count(DeliveryState::Delivered), 1);
    EXPECT_EQ(count(DeliveryState::Pending), 0);
}

TEST_F(DeliveryRepositoryTest, MarkRetryCountsTheAttemptAndWaitsForTheNextOne)
{
    std::vector<Id> ids = enqueue(activity(at(0)), { "https://a.example/inbox" });
    ASSERT_EQ(claimed_ids(at(1), at(60)), ids);
    ASSERT_TRUE(write([&](Repositories& r) {
        return r.deliveries().mark_retry(ids[0], 503, "service unavailable", at(120), at(2));
    }));
    auto d = delivery(ids[0]);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->state, DeliveryState::Pending);
    EXPECT_EQ(d->attempts, 1);
    EXPECT_FALSE(d->lease_until);
    EXPECT_EQ(d->last_status, 503);
    EXPECT_EQ(d->last_error, "service unavailable");
    EXPECT_EQ(d->next_attempt_at, at(120));
    EXPECT_TRUE(claimed_ids(at(119), at(200)).empty());
    EXPECT_EQ(claimed_ids(at(120), at(200)), ids);
    ASSERT_TRUE(write(
        [&](Repositories& r) { return r.deliveries().mark_retry(ids[0], 0, "timeout", at(500), at(121)); }));
    EXPECT_EQ(delivery(ids[0])->attempts, 2);
    EXPECT_EQ(delivery(ids[0])->last_status, 0);
}

TEST_F(DeliveryRepositoryTest, ALongErrorIsCutOnACharacterBoundary)
{
    std::vector<Id> ids = enqueue(activity(at(0)), { "https://a.example/inbox" });
    std::string error(511, 'x');
    error += "é and more after it";
    ASSERT_TRUE(
        write([&](Repositories& r) { return r.deliveries().mark_retry(ids[0], 500, error, at(60), at(1)); }));
    EXPECT_EQ(delivery(ids[0])->last_error, std::string(511, 'x'));
}

TEST_F(DeliveryRepositoryTest, ADeadLetterIsNeverClaimedAgain)
{
    std::vector<Id> ids = enqueue(activity(at(0)), { "https://a.example/inbox", "https://b.example/inbox" });
    ASSERT_EQ(claimed_ids(at(1), at(60)).size(), 2u);
    ASSERT_TRUE(write([&](Repositories& r) { return r.deliveries().mark_dead(ids[0], 410, "gone", at(2)); }));
    auto d = delivery(ids[0]);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->state, DeliveryState::Dead);
    EXPECT_EQ(d->attempts, 1);
    EXPECT_FALSE(d->lease_until);
    EXPECT_EQ(d->last_status, 410);
    EXPECT_EQ(d->last_error, "gone");
    EXPECT_EQ(claimed_ids(at(10000), at(10060)), (std::vector<Id> { ids[1] }));
    EXPECT_EQ(count(DeliveryState::Dead), 1);
    EXPECT_EQ(count(DeliveryState::Pending), 1);
}

TEST_F(DeliveryRepositoryTest, SettlingASettledDeliveryIsAConflictAndChangesNothing)
{
    std::vector<Id> ids = enqueue(activity(at(0)), { "https://a.example/inbox" });
    ASSERT_TRUE(write([&](Repositories& r) { return r.deliveries().mark_delivered(ids[0], 202, at(2)); }));
    // A worker whose lease ran out reports late.
    auto dead = write([&](Repositories& r) { return r.deliveries().mark_dead(ids[0], 500, "late", at(3)); });
    auto retry = write(
        [&](Repositories& r) { return r.deliveries().mark_retry(ids[0], 500, "late", at(9), at(3)); });
    auto again = write([&](Repositories& r) { return r.deliveries().mark_delivered(ids[0], 200, at(3)); });
    for (const Status& s : { dead, retry, again }) {
        ASSERT_FALSE(s);
        EXPECT_EQ(s.error().kind, ErrorKind::Conflict) << describe(s);
    }
    EXPECT_EQ(delivery(ids[0])->state, DeliveryState::Delivered);
    EXPECT_EQ(delivery(ids[0])->last_status, 202);
}

TEST_F(DeliveryRepositoryTest, SettlingAnUnknownDeliveryIsNotFound)
{
    auto delivered = write([](Repositories& r) { return r.deliveries().mark_delivered(404, 202, at()); });
    auto retry = write([](Repositories& r) { return r.deliveries().mark_retry(404, 500, "x", at(), at()); });
    auto dead = write([](Repositories& r) { return r.deliveries().mark_dead(404, 500, "x", at()); });
    for (const Status& s : { delivered, retry, dead }) {
        ASSERT_FALSE(s);
        EXPECT_EQ(s.error().kind, ErrorKind::NotFound);
    }
    EXPECT_FALSE(delivery(404));
    auto activity_found
        = read([](Repositories& r) { return r.deliveries().find_activity_by_uri("https://x/1"); });
    ASSERT_TRUE(activity_found);
    EXPECT_FALSE(*activity_found);
}

TEST_F(DeliveryRepositoryTest, NextDueIsWhenTheEarliestPendingDeliveryCanBeClaimed)
{
    auto next = [&] {
        auto due = read([](Repositories& r) { return r.deliveries().next_due(); });
        EXPECT_TRUE(due) << describe(due);
        return due ? *due : std::nullopt;
    };
    EXPECT_FALSE(next());
    std::vector<Id> a = enqueue(activity(at(50)), { "https://a.example/inbox" });
    std::vector<Id> b = enqueue(activity(at(30)), { "https://b.example/inbox" });
    EXPECT_EQ(next(), at(30));
    // Leased: not before its lease ends.
    ASSERT_EQ(claimed_ids(at(40), at(100)), b);
    EXPECT_EQ(next(), at(50));
    // Its host paused: not before the pause ends.
    ASSERT_TRUE(write(
        [](Repositories& r) { return r.deliveries().record_peer_failure("a.example", at(41), at(200)); }));
    EXPECT_EQ(next(), at(100));
    ASSERT_TRUE(write([&](Repositories& r) { return r.deliveries().mark_delivered(b[0], 200, at(42)); }));
    EXPECT_EQ(next(), at(200));
    ASSERT_TRUE(write([&](Repositories& r) { return r.deliveries().mark_dead(a[0], 0, "refused", at(43)); }));
    EXPECT_FALSE(next());
}

TEST_F(DeliveryRepositoryTest, PeerHealthCountsFailuresUntilASuccess)
{
    auto health = [&](std::string_view host) {
        auto h = read([&](Repositories& r) { return r.deliveries().peer_health(host); });
        EXPECT_TRUE(h) << describe(h);
        return h ? *h : model::PeerHealth {};
    };
    model::PeerHealth unknown = health("never.example");
    EXPECT_EQ(unknown.host, "never.example");
    EXPECT_EQ(unknown.consecutive_failures, 0);
    EXPECT_FALSE(unknown.unreachable_until);
    EXPECT_FALSE(unknown.last_success_at);
    EXPECT_FALSE(unknown.last_failure_at);

    ASSERT_TRUE(write([](Repositories& r) {
        return r.deliveries().record_peer_failure("soins.example", at(1), std::nullopt);
    }));
    ASSERT_TRUE(write(
        [](Repositories& r) { return r.deliveries().record_peer_failure("soins.example", at(2), at(60)); }));
    // A failure that decides no pause keeps the pause already decided.
    ASSERT_TRUE(write([](Repositories& r) {
        return r.deliveries().record_peer_failure("Soins.Example", at(3), std::nullopt);
    }));
    model::PeerHealth failing = health("soins.example");
    EXPECT_EQ(failing.consecutive_failures, 3);
    EXPECT_EQ(failing.unreachable_until, at(60));
    EXPECT_EQ(failing.last_failure_at, at(3));
    EXPECT_FALSE(failing.last_success_at);

    ASSERT_TRUE(
        write([](Repositories& r) { return r.deliveries().record_peer_success("soins.example", at(4)); }));
    model::PeerHealth healed = health("soins.example");
    EXPECT_EQ(healed.consecutive_failures, 0);
    EXPECT_FALSE(healed.unreachable_until);
    EXPECT_EQ(healed.last_success_at, at(4));
    EXPECT_EQ(healed.last_failure_at, at(3));
}

TEST_F(DeliveryRepositoryTest, AnActivityRemovedTakesItsDeliveriesWithIt)
{
    model::OutboundActivity a = activity(at(0));
    enqueue(a, { "https://a.example/inbox", "https://b.example/inbox" });
    ASSERT_TRUE(testkit::exec_sql(path(),
        "PRAGMA foreign_keys = ON; DELETE FROM outbound_activities WHERE id = " + std::to_string(a.id)));
    EXPECT_EQ(query_int(path(), "SELECT count(*) FROM deliveries"), 0);
}

TEST_F(DeliveryRepositoryTest, AnUnknownDeliveryStateIsRefusedByTheSchema)
{
    model::OutboundActivity a = activity(at(0));
    std::vector<Id> ids = enqueue(a, { "https://a.example/inbox" });
    EXPECT_FALSE(testkit::exec_sql(
        path(), "UPDATE deliveries SET state = 'lost' WHERE id = " + std::to_string(ids[0])));
}

} // namespace
} // namespace confrere::storage
