// timeline_seed: fills a stopped instance's database for bench/timeline_bench.sh, through the
// storage API only: ACCOUNTS active members (m0 … mN-1), each following the FOLLOWS next ones
// (accepted), STATUSES statuses written round-robin by them (one in five followers-only, the
// rest to the instance, as a profession instance mostly talks to itself), interactions with them
// (every other instance status liked once, one in 25 boosted by a member further round the
// ring: boosts are home-timeline entries, and Likes sit in the same table), and one session per
// member whose bearer token is written to TOKENS_FILE, one per line.
//
// Usage: timeline_seed DATABASE ACCOUNTS FOLLOWS STATUSES TOKENS_FILE
#include "core/base/id.hpp"
#include "core/crypto/keys.hpp"
#include "core/crypto/secrets.hpp"
#include "storage/store.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace {

using namespace confrere;

constexpr int rows_per_transaction = 20'000;

int fail_with(const std::string& what, const Error& error)
{
    std::fprintf(stderr, "timeline_seed: %s: %s (%s)\n", what.c_str(), error.public_message.c_str(),
        error.detail.c_str());
    return 1;
}

bool parse_number(std::string_view text, long long& out)
{
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc {} && end == text.data() + text.size() && out > 0;
}

// Clinical-sounding text of a realistic length (a few hundred bytes), different per status.
std::string status_text(long long n)
{
    static constexpr const char* topics[] = { "le pansement de la plaie du pied", "l'adaptation posologique",
        "la rupture de stock signalée", "le protocole de vaccination", "la conciliation médicamenteuse" };
    std::string text = "Point n°" + std::to_string(n) + " sur " + topics[n % 5]
        + " : retour d'expérience de l'équipe, à discuter entre confrères avant la réunion de"
          " coordination de jeudi. Merci de vos avis et de vos références.";
    return text;
}

} // namespace

int main(int argc, char** argv)
{
    long long accounts = 0, follows = 0, statuses = 0;
    if (argc != 6 || !parse_number(argv[2], accounts) || !parse_number(argv[3], follows)
        || !parse_number(argv[4], statuses) || follows >= accounts) {
        std::fprintf(stderr, "usage: %s DATABASE ACCOUNTS FOLLOWS<ACCOUNTS STATUSES TOKENS_FILE\n", argv[0]);
        return 2;
    }
    auto store = storage::open_sqlite_store({ argv[1], 1, /*migrate=*/false });
    if (!store)
        return fail_with("cannot open the database", store.error());
    SystemClock clock;
    IdGenerator ids(clock);
    // No request signs with these accounts' keys during the benchmark: one real key serves all.
    auto key = crypto::generate_rsa_key_pair(2048);
    if (!key)
        return fail_with("cannot generate a key", key.error());

    std::vector<Id> account_ids;
    std::vector<std::string> tokens;
    auto started = std::chrono::steady_clock::now();
    auto accounts_written = (*store)->write([&](storage::Repositories& repos) -> Status {
        const TimePoint now = clock.now();
        for (long long i = 0; i < accounts; ++i) {
            storage::NewAccount n;
            n.account.id = ids.next();
            n.account.username = "m" + std::to_string(i);
            n.account.email = n.account.username + "@bench.example";
            n.account.display_name = "Membre " + std::to_string(i);
            n.account.state = model::AccountState::Active;
            n.account.profession_code = 21;
            n.account.public_key_pem = key->public_pem;
            n.account.created_at = n.account.updated_at = now;
            n.password_hash = "bench-no-password"; // never signs in: its session is made below
            n.private_key_pem = key->private_pem;
            if (auto inserted = repos.accounts().insert(n); !inserted)
                return inserted;
            account_ids.push_back(n.account.id);
            std::string token = crypto::random_token();
            model::Session session { ids.next(), n.account.id, crypto::sha256_hex(token), crypto::random_token(16),
                now, now + std::chrono::hours(24) };
            if (auto inserted = repos.sessions().insert(session); !inserted)
                return inserted;
            tokens.push_back(std::move(token));
        }
        for (long long i = 0; i < accounts; ++i)
            for (long long k = 1; k <= follows; ++k) {
                model::Follow f;
                f.id = ids.next();
                f.follower = model::local_actor(account_ids[static_cast<std::size_t>(i)]);
                f.followee = model::local_actor(account_ids[static_cast<std::size_t>((i + k) % accounts)]);
                f.state = model::FollowState::Accepted;
                f.created_at = f.updated_at = now;
                if (auto inserted = repos.follows().insert(f); !inserted)
                    return inserted;
            }
        return ok();
    });
    if (!accounts_written)
        return fail_with("cannot write accounts and follows", accounts_written.error());

    long long interactions = 0;
    for (long long first = 0; first < statuses; first += rows_per_transaction) {
        const long long last = std::min(statuses, first + rows_per_transaction);
        auto written = (*store)->write([&](storage::Repositories& repos) -> Status {
            const TimePoint now = clock.now();
            for (long long n = first; n < last; ++n) {
                std::size_t author = static_cast<std::size_t>(n % accounts);
                model::Status s;
                s.id = ids.next();
                s.uri = "https://bench.example/users/m" + std::to_string(author) + "/statuses/" + std::to_string(s.id);
                s.url = s.uri;
                s.author = model::local_actor(account_ids[author]);
                s.audience = n % 5 == 0 ? model::Audience::Followers : model::Audience::Instance;
                s.source_text = status_text(n);
                s.content_html = "<p>" + s.source_text + "</p>";
                s.language = "fr";
                s.context = s.uri;
                s.published = s.created_at = now;
                if (auto inserted = repos.statuses().insert(s); !inserted)
                    return inserted;
                if (s.audience != model::Audience::Instance)
                    continue;
                for (auto [kind, every, by] : { std::tuple { model::InteractionKind::Like, 2LL, 1LL },
                         std::tuple { model::InteractionKind::Announce, 25LL, 7LL } }) {
                    if (n % every != 1)
                        continue;
                    std::size_t actor = static_cast<std::size_t>((n + by) % accounts);
                    model::Interaction i;
                    i.id = ids.next();
                    i.kind = kind;
                    i.actor = model::local_actor(account_ids[actor]);
                    i.status_id = s.id;
                    i.uri = "https://bench.example/users/m" + std::to_string(actor) + "/interactions/"
                        + std::to_string(i.id);
                    i.created_at = now;
                    if (auto inserted = repos.interactions().insert(i); !inserted)
                        return inserted;
                    ++interactions;
                }
            }
            return ok();
        });
        if (!written)
            return fail_with("cannot write statuses", written.error());
    }
    std::ofstream out(argv[5]);
    for (const auto& t : tokens)
        out << t << "\n";
    if (!out.flush())
        return std::fprintf(stderr, "timeline_seed: cannot write %s\n", argv[5]), 1;
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("seeded %lld accounts, %lld follows, %lld statuses, %lld likes and boosts in %.1f s\n", accounts,
        accounts * follows, statuses, interactions, seconds);
    return 0;
}
