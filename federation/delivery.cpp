#include "federation/delivery.hpp"

#include "core/base/log.hpp"
#include "federation/activitypub/vocabulary.hpp"
#include "federation/documents.hpp"
#include "federation/http_signature.hpp"
#include "federation/net/fetch_url.hpp"

#include <algorithm>

namespace confrere::federation {

namespace {

// Mastodon's "unsalvageable" answers: the same request will never succeed.
bool unsalvageable(int status)
{
    return status >= 400 && status < 500 && status != 401 && status != 408 && status != 429;
}

} // namespace

DeliveryWorkers::DeliveryWorkers(storage::Store& store, HttpFetcher& fetcher, services::PeerService& peers,
    const Clock& clock, std::string base_url, InstanceSigner instance, DeliveryOptions options)
    : store_(store)
    , fetcher_(fetcher)
    , peers_(peers)
    , clock_(clock)
    , base_url_(std::move(base_url))
    , instance_(std::move(instance))
    , options_(options)
{ }

DeliveryWorkers::~DeliveryWorkers()
{
    stop();
}

void DeliveryWorkers::start()
{
    std::lock_guard lock(mutex_);
    if (!threads_.empty() || stopping_)
        return;
    std::int64_t released = 0;
    auto done = store_.write([&](storage::Repositories& repos) -> Status {
        auto count = repos.deliveries().release_leases();
        if (!count)
            return forward(count);
        released = *count;
        return ok();
    });
    if (!done)
        log::warn("delivery_release_failed", {{"detail", done.error().detail}});
    else if (released > 0)
        log::info("delivery_leases_released", {{"count", released}});
    for (int i = 0; i < std::max(1, options_.workers); ++i)
        threads_.emplace_back([this] { loop(); });
}

void DeliveryWorkers::stop()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    bell_.notify_all();
    for (auto& t : threads_)
        if (t.joinable())
            t.join();
    threads_.clear();
}

void DeliveryWorkers::wake()
{
    {
        std::lock_guard lock(mutex_);
        rung_ = true;
    }
    bell_.notify_one();
}

void DeliveryWorkers::loop()
{
    while (true) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_)
                return;
            rung_ = false;
        }
        auto done = run_once();
        if (!done)
            log::warn("delivery_claim_failed",
                { { "reason", done.error().public_message }, { "detail", done.error().detail } });
        if (done && *done > 0)
            continue; // more may be due
        std::unique_lock lock(mutex_);
        bell_.wait_for(lock, options_.idle_poll, [this] { return stopping_ || rung_; });
    }
}

Result<int> DeliveryWorkers::run_once()
{
    std::vector<model::DeliveryJob> jobs;
    TimePoint now = clock_.now();
    auto claimed = store_.write([&](storage::Repositories& repos) -> Status {
        auto due = repos.deliveries().claim_due(now, now + options_.lease, options_.batch);
        if (!due)
            return forward(due);
        jobs = std::move(*due);
        return ok();
    });
    if (!claimed)
        return forward(claimed);
    for (const auto& job : jobs)
        deliver(job);
    return static_cast<int>(jobs.size());
}

Result<std::shared_ptr<const crypto::EvpPkeyPtr>> DeliveryWorkers::signer_key(
    const model::OutboundActivity& activity, std::string& key_id)
{
    const std::optional<Id> owner = activity.signer_group_id ? activity.signer_group_id : activity.signer_account_id;
    if (!owner) {
        key_id = instance_.key_id;
        return instance_.key;
    }
    {
        std::lock_guard lock(mutex_);
        if (auto it = keys_.find(*owner); it != keys_.end()) {
            key_id = it->second.first;
            return it->second.second;
        }
    }
    std::string pem;
    auto done = store_.read([&](storage::Repositories& repos) -> Status {
        if (activity.signer_group_id) {
            auto group = repos.groups().find_by_id(*owner);
            if (!group)
                return forward(group);
            if (!*group)
                return fail(ErrorKind::NotFound, "The signing group no longer exists.");
            key_id = GroupUrls(base_url_, (*group)->name).key_id;
            auto key = repos.groups().private_key_pem(*owner);
            if (!key)
                return forward(key);
            pem = std::move(*key);
            return ok();
        }
        auto found = repos.accounts().find_by_id(*owner);
        if (!found)
            return forward(found);
        if (!*found)
            return fail(ErrorKind::NotFound, "The signing account no longer exists.");
        key_id = ActorUrls(base_url_, (*found)->username).key_id;
        auto key = repos.accounts().private_key_pem(*owner);
        if (!key)
            return forward(key);
        pem = std::move(*key);
        return ok();
    });
    if (!done)
        return forward(done);
    auto parsed = parse_private_key_pem(pem);
    if (!parsed)
        return forward(parsed);
    auto key = std::make_shared<const crypto::EvpPkeyPtr>(std::move(*parsed));
    std::lock_guard lock(mutex_);
    if (keys_.size() > 1024)
        keys_.clear();
    keys_[*owner] = { key_id, key };
    return key;
}

std::chrono::milliseconds DeliveryWorkers::backoff(int attempts)
{
    std::int64_t n = attempts;
    std::int64_t units = n * n * n * n + 15;
    std::int64_t jitter = 0;
    {
        std::lock_guard lock(mutex_);
        jitter = std::uniform_int_distribution<std::int64_t>(0, 10 * (n + 1))(random_);
    }
    return options_.backoff_unit * (units + jitter);
}

void DeliveryWorkers::deliver(const model::DeliveryJob& job)
{
    const model::Delivery& d = job.delivery;
    const int attempts = d.attempts + 1;
    auto record = [&](Status result, std::string_view what) {
        if (!result)
            log::warn("delivery_record_failed", { { "step", what }, { "detail", result.error().detail } });
    };
    auto give_up = [&](int status, std::string_view reason) {
        log::info("delivery_dead",
            { { "host", d.host }, { "status", status }, { "reason", reason }, { "attempts", attempts } });
        record(store_.write([&](storage::Repositories& repos) {
            return repos.deliveries().mark_dead(d.id, status, reason, clock_.now());
        }),
            "dead");
    };

    auto allowed = peers_.may_federate(d.host);
    if (allowed && !*allowed)
        return give_up(0, "peer not trusted");
    std::string key_id;
    auto key = signer_key(job.activity, key_id);
    if (!key)
        return give_up(0, "no signing key");
    auto target = parse_fetch_url(d.inbox);
    if (!target)
        return give_up(0, "invalid inbox URL");
    std::string path = target->request_target.substr(0, target->request_target.find('?'));
    auto signed_headers
        = sign_post(**key, key_id, target->host_header, path, job.activity.json, clock_.now());
    if (!signed_headers)
        return give_up(0, "signing failed");
    HeaderList headers {
        { "content-type", signed_headers->content_type },
        { "date", signed_headers->date },
        { "digest", signed_headers->digest },
        { "signature", signed_headers->signature },
        { "accept", std::string(kFetchAccept) },
    };
    auto response = fetcher_.post(d.inbox, headers, job.activity.json);

    int status = response ? response->status : 0;
    if (response && status >= 200 && status < 300) {
        record(store_.write([&](storage::Repositories& repos) -> Status {
            if (auto marked = repos.deliveries().mark_delivered(d.id, status, clock_.now()); !marked)
                return marked;
            return repos.deliveries().record_peer_success(d.host, clock_.now());
        }),
            "delivered");
        return;
    }
    if (!response && response.error().kind == ErrorKind::Forbidden)
        return give_up(0, "address refused by the SSRF guard");
    if (response && unsalvageable(status))
        return give_up(status, "refused by the peer");
    std::string reason = response ? "HTTP " + std::to_string(status) : response.error().public_message;
    if (attempts >= options_.max_attempts)
        return give_up(status, reason);
    TimePoint now = clock_.now();
    TimePoint next = now + backoff(attempts);
    if (response) {
        // Retry-After (seconds) is honoured when it asks for more patience.
        if (auto after = response->header("retry-after")) {
            try {
                auto seconds = std::stoll(std::string(*after));
                if (seconds > 0 && seconds < 86400)
                    next = std::max(next, now + std::chrono::seconds(seconds));
            } catch (...) {
                // an HTTP-date or garbage: keep our own schedule
            }
        }
    }
    log::info("delivery_retry", { { "host", d.host }, { "status", status }, { "attempts", attempts } });
    record(store_.write([&](storage::Repositories& repos) -> Status {
        if (auto marked = repos.deliveries().mark_retry(d.id, status, reason, next, now); !marked)
            return marked;
        auto health = repos.deliveries().peer_health(d.host);
        if (!health)
            return forward(health);
        std::optional<TimePoint> pause_until;
        int failures = health->consecutive_failures + 1;
        if (failures >= options_.failures_before_pause) {
            auto pause = options_.pause * (1LL << std::min(failures - options_.failures_before_pause, 10));
            pause_until = now + std::min<std::chrono::seconds>(pause, options_.max_pause);
        }
        return repos.deliveries().record_peer_failure(d.host, now, pause_until);
    }),
        "retry");
}

} // namespace confrere::federation
