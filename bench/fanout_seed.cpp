// fanout_seed: gives a member of a stopped instance FOLLOWERS remote followers spread round-robin
// over the peers 127.0.0.1:PORT (one host per port), through the storage API only
// (bench/fanout_bench.sh). Each port is trusted as a peer (PeerService, as `confrere admin peer
// add` does); follower N is the remote actor http://127.0.0.1:PORT/users/fN with its own inbox
// and the shared inbox http://127.0.0.1:PORT/inbox, and an accepted follow of the member.
// Prints the number of distinct inboxes the outbox will deliver a followers-only post to.
//
// Usage: fanout_seed DATABASE USERNAME FOLLOWERS PORT [PORT…]
#include "core/base/id.hpp"
#include "core/crypto/keys.hpp"
#include "core/services/peer_service.hpp"
#include "storage/store.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace confrere;

constexpr int followers_per_transaction = 1000;

int fail_with(const std::string& what, const Error& error)
{
    std::fprintf(stderr, "fanout_seed: %s: %s (%s)\n", what.c_str(), error.public_message.c_str(),
        error.detail.c_str());
    return 1;
}

bool parse_number(std::string_view text, int& out)
{
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc {} && end == text.data() + text.size() && out >= 0;
}

model::RemoteActor follower_actor(
    const std::string& host, int n, const std::string& public_pem, TimePoint now)
{
    // Appended rather than `"literal" + std::string&&`, which trips g++ 12's -Wrestrict at -O3.
    const std::string origin = std::string("http://").append(host);
    const std::string name = std::string("f").append(std::to_string(n));
    model::RemoteActor actor;
    actor.uri = origin + "/users/" + name;
    actor.host = host;
    actor.type = "Person";
    actor.username = name;
    actor.display_name = std::string("Follower ").append(std::to_string(n));
    actor.url = origin + "/@" + name;
    actor.inbox = actor.uri + "/inbox";
    actor.shared_inbox = origin + "/inbox";
    actor.outbox = actor.uri + "/outbox";
    actor.followers_url = actor.uri + "/followers";
    actor.following_url = actor.uri + "/following";
    actor.key_id = actor.uri + "#main-key";
    actor.public_key_pem = public_pem;
    actor.fetched_at = actor.created_at = now;
    return actor;
}

} // namespace

int main(int argc, char** argv)
{
    int followers = 0;
    if (argc < 5 || !parse_number(argv[3], followers)) {
        std::fprintf(stderr, "usage: %s DATABASE USERNAME FOLLOWERS PORT [PORT...]\n", argv[0]);
        return 2;
    }
    std::vector<std::string> hosts;
    for (int i = 4; i < argc; ++i) {
        int port = 0;
        if (!parse_number(argv[i], port) || port == 0 || port > 65535) {
            std::fprintf(stderr, "fanout_seed: bad port '%s'\n", argv[i]);
            return 2;
        }
        hosts.push_back("127.0.0.1:" + std::to_string(port));
    }

    auto store = storage::open_sqlite_store({ argv[1], 1, /*migrate=*/false });
    if (!store)
        return fail_with("cannot open the database", store.error());
    SystemClock clock;
    IdGenerator ids(clock);

    std::optional<model::Account> member;
    auto found = (*store)->read([&](storage::Repositories& repos) -> Status {
        auto account = repos.accounts().find_by_username(argv[2]);
        if (!account)
            return forward(account);
        member = *account;
        return ok();
    });
    if (!found)
        return fail_with("cannot read the account", found.error());
    if (!member) {
        std::fprintf(stderr, "fanout_seed: no account named %s\n", argv[2]);
        return 1;
    }

    services::PeerService peers(**store, clock, services::FederationMode::Allowlist);
    for (const auto& host : hosts)
        if (auto trusted = peers.trust(host, "fanout_bench"); !trusted)
            return fail_with("cannot trust " + host, trusted.error());

    // Follower actors are never fetched during the benchmark: one real public key serves all.
    auto key = crypto::generate_rsa_key_pair(2048);
    if (!key)
        return fail_with("cannot generate a key", key.error());
    const model::ActorRef followee = model::local_actor(member->id);
    for (int first = 0; first < followers; first += followers_per_transaction) {
        const int last = std::min(followers, first + followers_per_transaction);
        auto written = (*store)->write([&](storage::Repositories& repos) -> Status {
            const TimePoint now = clock.now();
            for (int n = first; n < last; ++n) {
                model::RemoteActor actor = follower_actor(
                    hosts[static_cast<std::size_t>(n) % hosts.size()], n, key->public_pem, now);
                actor.id = ids.next();
                auto stored = repos.remote_actors().upsert(actor);
                if (!stored)
                    return forward(stored);
                model::Follow follow;
                follow.id = ids.next();
                follow.follower = model::remote_actor(stored->id);
                follow.followee = followee;
                follow.state = model::FollowState::Accepted;
                follow.uri = stored->uri + "/follows/" + std::to_string(follow.id);
                follow.created_at = follow.updated_at = now;
                if (auto inserted = repos.follows().insert(follow); !inserted)
                    return inserted;
            }
            return ok();
        });
        if (!written)
            return fail_with("cannot write followers", written.error());
    }

    std::int64_t accepted = 0;
    std::size_t inboxes = 0;
    auto counted = (*store)->read([&](storage::Repositories& repos) -> Status {
        auto count = repos.follows().count_followers(followee, model::FollowState::Accepted);
        if (!count)
            return forward(count);
        accepted = *count;
        auto list = repos.follows().follower_inboxes(followee);
        if (!list)
            return forward(list);
        inboxes = list->size();
        return ok();
    });
    if (!counted)
        return fail_with("cannot count followers", counted.error());
    std::printf(
        "followers %lld hosts %zu inboxes %zu\n", static_cast<long long>(accepted), hosts.size(), inboxes);
    return 0;
}
