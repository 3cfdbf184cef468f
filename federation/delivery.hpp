// Delivery workers: drain the persistent queue that FederationOutbox fills (DESIGN rule 5).
// Each claimed delivery is leased in the database, signed by its author (draft-cavage, as
// Mastodon does), POSTed through the SSRF-guarded fetcher, then marked delivered, retried with
// exponential back-off (Mastodon's schedule: attempts⁴ + 15 s plus jitter, 16 attempts, about
// 2–3 days), or dead-lettered (a 4xx other than 401, 408, 429; a peer no longer trusted).
// A peer failing again and again is paused as a whole. A process killed mid-delivery loses
// nothing: the lease expires and the delivery is sent again; the receiver ignores the
// duplicate by its activity id.
#pragma once

#include "core/base/result.hpp"
#include "core/crypto/keys.hpp"
#include "core/services/peer_service.hpp"
#include "federation/net/http_fetcher.hpp"
#include "storage/store.hpp"

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace confrere::federation {

struct DeliveryOptions {
    int workers = 2;
    int batch = 8; // deliveries claimed at once by a worker
    std::chrono::seconds lease { 60 }; // longer than a delivery's total timeout
    int max_attempts = 16;
    // Back-off unit: the n-th retry waits n⁴ + 15 units plus jitter. One second in production;
    // tests shrink it.
    std::chrono::milliseconds backoff_unit { 1000 };
    int failures_before_pause = 8; // consecutive failures that pause a peer
    std::chrono::seconds pause { 600 }; // first pause, doubled each time, at most max_pause
    std::chrono::seconds max_pause { 12 * 3600 };
    std::chrono::milliseconds idle_poll { 1000 }; // how often an idle worker looks again
};

// The instance actor's key signs deliveries that no account signs (none yet).
struct InstanceSigner {
    std::string key_id;
    std::shared_ptr<const crypto::EvpPkeyPtr> key;
};

class DeliveryWorkers {
public:
    DeliveryWorkers(storage::Store& store, HttpFetcher& fetcher, services::PeerService& peers,
        const Clock& clock, std::string base_url, InstanceSigner instance, DeliveryOptions options = {});
    ~DeliveryWorkers(); // stop()
    DeliveryWorkers(const DeliveryWorkers&) = delete;
    DeliveryWorkers& operator=(const DeliveryWorkers&) = delete;

    // Frees the leases a previous process left (it was killed mid-delivery), then starts the
    // workers. Only one process may deliver from a database.
    void start();
    // Lets the current deliveries finish, then joins the workers. Idempotent.
    void stop();
    // Something was queued: wake a sleeping worker now.
    void wake();

    // Claims and sends whatever is due once, on the calling thread (tests, tools). Returns how
    // many deliveries were attempted.
    Result<int> run_once();

private:
    void loop();
    void deliver(const model::DeliveryJob& job);
    // The key of whoever signs `activity` (its account, its group, else the instance actor);
    // `key_id` receives its id.
    Result<std::shared_ptr<const crypto::EvpPkeyPtr>> signer_key(
        const model::OutboundActivity& activity, std::string& key_id);
    std::chrono::milliseconds backoff(int attempts);

    storage::Store& store_;
    HttpFetcher& fetcher_;
    services::PeerService& peers_;
    const Clock& clock_;
    std::string base_url_;
    InstanceSigner instance_;
    DeliveryOptions options_;

    std::mutex mutex_;
    std::condition_variable bell_;
    bool stopping_ = false;
    bool rung_ = false;
    std::vector<std::thread> threads_;
    std::map<Id, std::pair<std::string, std::shared_ptr<const crypto::EvpPkeyPtr>>> keys_; // by account or group id (ids are unique across both)
    std::mt19937_64 random_ { std::random_device {}() };
};

} // namespace confrere::federation
