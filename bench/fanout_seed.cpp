// fanout_seed: gives a member of a stopped instance FOLLOWERS remote followers spread round-robin
// over the peers 127.0.0.1:PORT (one host per port), through the storage API only
// (bench/fanout_bench.sh). Each port is trusted as a peer (PeerService, as `confrere admin peer
// add` does); follower N is the remote actor http://127.0.0.1:PORT/users/fN with its own inbox
// and the shared inbox http://127.0.0.1:PORT/inbox, and an accepted follow of the member.
// Prints the number of distinct inboxes the outbox will deliver a followers-only post to.
//
// With --group NAME LOCAL, the same remote actors are instead accepted members of a new
// interdisciplinary group NAME whose moderator is USERNAME, with LOCAL more local members
// (accounts l0 … lN-1, active, never signing in): the group fan-out of bench/fanout_bench.sh
// (BENCH_AUDIENCE=group). Prints the group's id and the inboxes its Announces go to.
//
// Usage: fanout_seed [--group NAME LOCAL] DATABASE USERNAME FOLLOWERS PORT [PORT…]
#include "core/base/id.hpp"
#include "core/crypto/keys.hpp"
#include "core/model/group.hpp"
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

// The group of --group: NAME, interdisciplinary, moderated by `moderator`, with `local` local
// members; its id.
Result<Id> seed_group(storage::Store& store, IdGenerator& ids, const Clock& clock, const std::string& name,
    int local, const model::Account& moderator, const crypto::KeyPairPem& key)
{
    model::Group group;
    group.id = ids.next();
    group.name = name;
    group.display_name = name;
    group.interdisciplinary = true;
    group.created_by = moderator.id;
    group.public_key_pem = key.public_pem;
    group.created_at = group.updated_at = clock.now();
    auto done = store.write([&](storage::Repositories& repos) -> Status {
        if (auto inserted = repos.groups().insert(group, key.private_pem); !inserted)
            return inserted;
        auto add = [&](model::ActorRef member, model::GroupRole role) {
            model::GroupMember m;
            m.id = ids.next();
            m.group_id = group.id;
            m.member = member;
            m.role = role;
            m.created_at = m.updated_at = group.created_at;
            return repos.groups().insert_member(m);
        };
        if (auto added = add(model::local_actor(moderator.id), model::GroupRole::Moderator); !added)
            return added;
        for (int i = 0; i < local; ++i) {
            storage::NewAccount n;
            n.account.id = ids.next();
            n.account.username = "l" + std::to_string(i);
            n.account.email = n.account.username + "@bench.example";
            n.account.display_name = n.account.username;
            n.account.state = model::AccountState::Active;
            n.account.profession_code = 21;
            n.account.public_key_pem = key.public_pem;
            n.account.created_at = n.account.updated_at = group.created_at;
            n.password_hash = "bench-no-password";
            n.private_key_pem = key.private_pem;
            if (auto inserted = repos.accounts().insert(n); !inserted)
                return inserted;
            if (auto added = add(model::local_actor(n.account.id), model::GroupRole::Member); !added)
                return added;
        }
        return ok();
    });
    if (!done)
        return forward(done);
    return group.id;
}

int main(int argc, char** argv)
{
    std::string group_name;
    int group_local = 0;
    if (argc > 3 && std::string_view(argv[1]) == "--group") {
        group_name = argv[2];
        if (!parse_number(argv[3], group_local)) {
            std::fprintf(stderr, "fanout_seed: bad number of local members '%s'\n", argv[3]);
            return 2;
        }
        argc -= 3;
        argv += 3;
    }
    int followers = 0;
    if (argc < 5 || !parse_number(argv[3], followers)) {
        std::fprintf(stderr, "usage: %s [--group NAME LOCAL] DATABASE USERNAME FOLLOWERS PORT [PORT...]\n", argv[0]);
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
    std::optional<Id> group_id;
    if (!group_name.empty()) {
        auto seeded = seed_group(**store, ids, clock, group_name, group_local, *member, *key);
        if (!seeded)
            return fail_with("cannot create the group", seeded.error());
        group_id = *seeded;
    }
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
                if (group_id) {
                    model::GroupMember m;
                    m.id = ids.next();
                    m.group_id = *group_id;
                    m.member = model::remote_actor(stored->id);
                    m.follow_uri = stored->uri + "/follows/" + std::to_string(m.id);
                    m.created_at = m.updated_at = now;
                    if (auto inserted = repos.groups().insert_member(m); !inserted)
                        return inserted;
                    continue;
                }
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
        if (group_id) {
            auto count = repos.groups().count_members(*group_id);
            if (!count)
                return forward(count);
            accepted = *count;
            auto list = repos.groups().member_inboxes(*group_id);
            if (!list)
                return forward(list);
            inboxes = list->size();
            return ok();
        }
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
    if (group_id)
        std::printf("members %lld hosts %zu inboxes %zu group %lld\n", static_cast<long long>(accepted),
            hosts.size(), inboxes, static_cast<long long>(*group_id));
    else
        std::printf(
            "followers %lld hosts %zu inboxes %zu\n", static_cast<long long>(accepted), hosts.size(), inboxes);
    return 0;
}
