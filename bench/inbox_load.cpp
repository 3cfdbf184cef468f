// inbox_load: plays a Mastodon-like peer against a Confrère instance on loopback and measures
// how many signed activities its shared inbox accepts per second (bench/inbox_bench.sh).
//
// 1. Generates an RSA-2048 key and serves the peer's actor document (Person, publicKey
//    `…/users/peer#main-key`, application/activity+json) on 127.0.0.1 with cpp-httplib; writes
//    the bound port to --port-file, then waits for --go-file (the script trusts the peer first).
// 2. Signs in as the member (password read from --password-file) and posts one followers-only
//    status through the client API: the object of the Likes. The peer then follows the member
//    (a signed Follow, auto-accepted; the Accept delivered back is answered 202), so that its
//    Likes come from a reader of the status.
// 3. Per kind (`like`: a Like of that status; `create`: a Create of a Note addressed to the
//    member, with a Mention), pre-signs warm-up + N distinct activities exactly as Mastodon
//    signs them (federation::sign_post: `(request-target) host date digest content-type`,
//    rsa-sha256, SHA-256 Digest), serialised to bytes before the clock starts.
// 4. Sends the warm-up, then the N requests over C keep-alive connections (one thread each) and
//    prints one line per kind:
//      result KIND REQUESTS ACCEPTED SECONDS ACCEPTED_PER_S P50_MS P99_MS NON_202 ERRORS
//    then `cpu KIND SERVER_S LOAD_S` (CPU seconds of the server, when --server-pid is given, -1
//    otherwise, and of this generator during the measured phase) and `detail KIND …` lines for
//    any non-202 answer or transport error.
// It exits by itself after --lifetime seconds whatever happens.
#include "bench/raw_http.hpp"
#include "core/base/time.hpp"
#include "core/crypto/keys.hpp"
#include "federation/http_signature.hpp"

#include <httplib.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace confrere;
using SteadyClock = std::chrono::steady_clock;
constexpr auto answer_timeout = std::chrono::seconds(30);

struct Options {
    int confrere_port = 0;
    std::string username = "member";
    std::string password_file, port_file, go_file;
    std::vector<std::string> kinds { "like", "create" };
    int requests = 10000;
    int warmup = 200;
    int connections = 16;
    int lifetime_s = 600;
    int server_pid = 0; // when given, the server's CPU time per phase is reported
};

[[noreturn]] void die(const std::string& message)
{
    std::fprintf(stderr, "inbox_load: %s\n", message.c_str());
    std::fflush(stderr);
    std::_Exit(1);
}

int to_int(std::string_view text, std::string_view what)
{
    int value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc {} || end != text.data() + text.size() || value < 0)
        die(std::string(what) + " must be a non-negative integer");
    return value;
}

Options parse_options(int argc, char** argv)
{
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string_view name = argv[i], value = argv[i + 1];
        if (name == "--confrere-port")
            o.confrere_port = to_int(value, name);
        else if (name == "--username")
            o.username = value;
        else if (name == "--password-file")
            o.password_file = value;
        else if (name == "--port-file")
            o.port_file = value;
        else if (name == "--go-file")
            o.go_file = value;
        else if (name == "--requests")
            o.requests = to_int(value, name);
        else if (name == "--warmup")
            o.warmup = to_int(value, name);
        else if (name == "--connections")
            o.connections = std::max(1, to_int(value, name));
        else if (name == "--lifetime")
            o.lifetime_s = to_int(value, name);
        else if (name == "--server-pid")
            o.server_pid = to_int(value, name);
        else if (name == "--kinds") {
            o.kinds.clear();
            std::stringstream list { std::string(value) };
            for (std::string kind; std::getline(list, kind, ',');)
                if (kind == "like" || kind == "create")
                    o.kinds.push_back(kind);
                else
                    die("unknown kind " + kind + " (like, create)");
        } else
            die("unknown option " + std::string(name));
    }
    if (argc % 2 == 0 || o.confrere_port == 0 || o.password_file.empty() || o.port_file.empty()
        || o.go_file.empty())
        die("usage: inbox_load --confrere-port P --password-file F --port-file F --go-file F [--username U]"
            " [--kinds like,create] [--requests N] [--warmup W] [--connections C] [--lifetime S]");
    return o;
}

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;
void key(Writer& w, std::string_view k, std::string_view v)
{
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

// The peer's actor document, shaped like Mastodon's (minus the fields Confrère ignores).
std::string actor_document(const std::string& origin, const std::string& public_pem)
{
    const std::string actor = origin + "/users/peer";
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    w.Key("@context");
    w.StartArray();
    w.String("https://www.w3.org/ns/activitystreams");
    w.String("https://w3id.org/security/v1");
    w.EndArray();
    key(w, "id", actor);
    key(w, "type", "Person");
    key(w, "preferredUsername", "peer");
    key(w, "name", "Bench peer");
    key(w, "inbox", actor + "/inbox");
    key(w, "outbox", actor + "/outbox");
    key(w, "followers", actor + "/followers");
    key(w, "following", actor + "/following");
    w.Key("manuallyApprovesFollowers");
    w.Bool(false);
    w.Key("endpoints");
    w.StartObject();
    key(w, "sharedInbox", origin + "/inbox");
    w.EndObject();
    w.Key("publicKey");
    w.StartObject();
    key(w, "id", actor + "#main-key");
    key(w, "owner", actor);
    key(w, "publicKeyPem", public_pem);
    w.EndObject();
    w.EndObject();
    return buffer.GetString();
}

struct Target {
    std::string origin; // the peer: http://127.0.0.1:PORT
    std::string confrere_host; // 127.0.0.1:PORT, the Host header Confrère expects
    std::string username; // the member's
    std::string member; // the member's actor id
    std::string status_uri; // the member's followers-only status
    std::string run; // distinguishes this run's activity ids
};

// Activity number `n` of `kind`; each has its own id so the inbox ledger applies every one.
std::string activity(const Target& t, const std::string& kind, int n)
{
    const std::string actor = t.origin + "/users/peer";
    const std::string number = t.run + std::to_string(n);
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    key(w, "@context", "https://www.w3.org/ns/activitystreams");
    if (kind == "follow") {
        key(w, "id", actor + "#follows/" + number);
        key(w, "type", "Follow");
        key(w, "actor", actor);
        key(w, "object", t.member);
        w.EndObject();
        return buffer.GetString();
    }
    if (kind == "like") {
        key(w, "id", actor + "#likes/" + number);
        key(w, "type", "Like");
        key(w, "actor", actor);
        key(w, "object", t.status_uri);
        w.EndObject();
        return buffer.GetString();
    }
    const std::string note = actor + "/statuses/" + number;
    const std::string published = format_iso8601(std::chrono::system_clock::now());
    const std::string mention = "@" + t.username + "@" + t.confrere_host;
    const std::string content = "<p><span class=\"h-card\" translate=\"no\"><a href=\"" + t.member
        + "\" class=\"u-url mention\">@<span>" + t.username + "</span></a></span> Bench message " + number
        + ": the lab results are back, see you at the ward round tomorrow morning.</p>";
    key(w, "id", note + "/activity");
    key(w, "type", "Create");
    key(w, "actor", actor);
    key(w, "published", published);
    w.Key("to");
    w.StartArray();
    w.String(t.member.c_str());
    w.EndArray();
    w.Key("cc");
    w.StartArray();
    w.EndArray();
    w.Key("object");
    w.StartObject();
    key(w, "id", note);
    key(w, "type", "Note");
    w.Key("summary");
    w.Null();
    w.Key("inReplyTo");
    w.Null();
    key(w, "published", published);
    key(w, "url", t.origin + "/@peer/" + number);
    key(w, "attributedTo", actor);
    w.Key("to");
    w.StartArray();
    w.String(t.member.c_str());
    w.EndArray();
    w.Key("cc");
    w.StartArray();
    w.EndArray();
    w.Key("sensitive");
    w.Bool(false);
    key(w, "conversation", "tag:127.0.0.1,2026:objectId=" + number + ":objectType=Conversation");
    key(w, "content", content);
    w.Key("contentMap");
    w.StartObject();
    key(w, "en", content);
    w.EndObject();
    w.Key("attachment");
    w.StartArray();
    w.EndArray();
    w.Key("tag");
    w.StartArray();
    w.StartObject();
    key(w, "type", "Mention");
    key(w, "href", t.member);
    key(w, "name", mention);
    w.EndObject();
    w.EndArray();
    w.EndObject();
    w.EndObject();
    return buffer.GetString();
}

// Requests [first, first + count) of `kind`, signed and serialised, on all cores.
std::vector<std::string> presign(
    const Target& t, const crypto::EvpPkeyPtr& key, const std::string& kind, int first, int count)
{
    std::vector<std::string> out(static_cast<std::size_t>(count));
    const std::string key_id = t.origin + "/users/peer#main-key";
    const std::string agent = "http.rb/5.1.1 (Mastodon/4.2.0; +" + t.origin + "/) inbox_load";
    std::atomic<int> next { 0 };
    std::mutex failure_mutex;
    std::string failure;
    auto work = [&] {
        for (int i = next++; i < count; i = next++) {
            std::string body = activity(t, kind, first + i);
            auto h
                = federation::sign_post(key, key_id, t.confrere_host, "/inbox", body, SystemClock {}.now());
            if (!h) {
                std::lock_guard lock(failure_mutex);
                failure = h.error().public_message;
                return;
            }
            out[static_cast<std::size_t>(i)] = bench::serialise_post("/inbox",
                { { "Host", t.confrere_host }, { "User-Agent", agent }, { "Date", h->date },
                    { "Digest", h->digest }, { "Content-Type", h->content_type },
                    { "Signature", h->signature } },
                body);
        }
    };
    std::vector<std::thread> pool;
    for (unsigned i = 0; i < std::max(1u, std::thread::hardware_concurrency()); ++i)
        pool.emplace_back(work);
    for (auto& thread : pool)
        thread.join();
    if (!failure.empty())
        die("signing failed: " + failure);
    return out;
}

struct PhaseResult {
    int accepted = 0;
    int errors = 0; // no answer at all
    double seconds = 0;
    std::vector<std::int64_t> latencies_us; // of every answer, sorted
    std::map<int, int> others; // non-202 statuses
    std::string first_problem; // first non-202 body or transport error
};

// Sends every request once over `connections` keep-alive connections, one thread each.
PhaseResult run_phase(int port, const std::vector<std::string>& requests, int connections)
{
    PhaseResult result;
    std::mutex mutex;
    std::atomic<std::size_t> next { 0 };
    auto work = [&] {
        bench::RawHttpConnection connection;
        std::vector<std::int64_t> latencies;
        std::map<int, int> others;
        int accepted = 0, errors = 0;
        std::string problem;
        for (std::size_t i = next++; i < requests.size(); i = next++) {
            if (!connection.connected() && !connection.connect(port)) {
                ++errors;
                problem = problem.empty() ? connection.error() : problem;
                continue;
            }
            const auto start = SteadyClock::now();
            auto answer = connection.exchange(requests[i], answer_timeout);
            const auto spent = SteadyClock::now() - start;
            if (answer.status == 0) {
                ++errors;
                problem = problem.empty() ? answer.error : problem;
                continue;
            }
            latencies.push_back(std::chrono::duration_cast<std::chrono::microseconds>(spent).count());
            if (answer.status == 202)
                ++accepted;
            else {
                ++others[answer.status];
                if (problem.empty())
                    problem = "HTTP " + std::to_string(answer.status) + " " + answer.body.substr(0, 300);
            }
        }
        std::lock_guard lock(mutex);
        result.accepted += accepted;
        result.errors += errors;
        result.latencies_us.insert(result.latencies_us.end(), latencies.begin(), latencies.end());
        for (auto [status, count] : others)
            result.others[status] += count;
        if (result.first_problem.empty())
            result.first_problem = problem;
    };
    const auto start = SteadyClock::now();
    std::vector<std::thread> pool;
    for (int i = 0; i < connections; ++i)
        pool.emplace_back(work);
    for (auto& thread : pool)
        thread.join();
    result.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
    std::sort(result.latencies_us.begin(), result.latencies_us.end());
    return result;
}

// CPU seconds (user + system) used so far by process `pid` (/proc/PID/stat fields 14 and 15),
// or by this process when pid is 0; -1 if unreadable.
double cpu_seconds(int pid)
{
    if (pid == 0) {
        rusage usage {};
        ::getrusage(RUSAGE_SELF, &usage);
        auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
        return seconds(usage.ru_utime) + seconds(usage.ru_stime);
    }
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto after_name = stat.rfind(')'); // the command name may hold spaces
    if (after_name == std::string::npos)
        return -1;
    std::istringstream fields(stat.substr(after_name + 2));
    std::string field;
    long long utime = 0, stime = 0;
    for (int index = 3; fields >> field; ++index) { // field 3 is the state
        if (index == 14)
            utime = std::stoll(field);
        if (index == 15) {
            stime = std::stoll(field);
            return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
        }
    }
    return -1;
}

double percentile_ms(const std::vector<std::int64_t>& sorted_us, double q)
{
    if (sorted_us.empty())
        return 0;
    auto rank = static_cast<std::size_t>(q * static_cast<double>(sorted_us.size()) + 0.999999);
    return static_cast<double>(sorted_us[std::clamp<std::size_t>(rank, 1, sorted_us.size()) - 1]) / 1000.0;
}

std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

struct Member {
    std::string token; // session token, sent as a Bearer token
    std::string status_id, status_uri;
};

// Signs in as the member and posts the followers-only status the Likes are about.
Member post_status(int confrere_port, const std::string& username, const std::string& password)
{
    httplib::Client client("127.0.0.1", confrere_port);
    client.set_read_timeout(std::chrono::seconds(30));
    rapidjson::StringBuffer buffer;
    Writer w(buffer);
    w.StartObject();
    key(w, "login", username);
    key(w, "password", password);
    w.EndObject();
    auto signed_in = client.Post("/auth/sign_in", buffer.GetString(), "application/json");
    if (!signed_in || signed_in->status != 200)
        die("POST /auth/sign_in failed: "
            + (signed_in ? std::to_string(signed_in->status) + " " + signed_in->body
                         : httplib::to_string(signed_in.error())));
    std::string token;
    for (std::size_t i = 0; i < signed_in->get_header_value_count("Set-Cookie"); ++i) {
        std::string cookie = signed_in->get_header_value("Set-Cookie", i);
        if (cookie.starts_with("confrere_session="))
            token = cookie.substr(17, cookie.find(';') - 17);
    }
    if (token.empty())
        die("POST /auth/sign_in set no confrere_session cookie");
    auto posted = client.Post("/api/v1/statuses", { { "Authorization", "Bearer " + token } },
        R"({"status":"inbox_load: a followers-only status for the peer to like","visibility":"private"})",
        "application/json");
    if (!posted || posted->status != 200)
        die("POST /api/v1/statuses failed: "
            + (posted ? std::to_string(posted->status) + " " + posted->body
                      : httplib::to_string(posted.error())));
    rapidjson::Document status;
    status.Parse(posted->body.c_str());
    if (status.HasParseError() || !status.IsObject() || !status.HasMember("uri") || !status["uri"].IsString()
        || !status.HasMember("id") || !status["id"].IsString())
        die("POST /api/v1/statuses answered no id or uri: " + posted->body);
    return { token, status["id"].GetString(), status["uri"].GetString() };
}

// What the member sees afterwards, to show the activities were applied: the status's
// favourites_count and the newest status of the home timeline (a Create from the peer).
void print_effects(int confrere_port, const Member& member)
{
    httplib::Client client("127.0.0.1", confrere_port);
    client.set_read_timeout(std::chrono::seconds(30));
    const httplib::Headers bearer { { "Authorization", "Bearer " + member.token } };
    rapidjson::Document document;
    if (auto status = client.Get(("/api/v1/statuses/" + member.status_id).c_str(), bearer); status) {
        document.Parse(status->body.c_str());
        if (!document.HasParseError() && document.IsObject() && document.HasMember("favourites_count")
            && document["favourites_count"].IsInt())
            std::printf("effect favourites_count %d\n", document["favourites_count"].GetInt());
    }
    if (auto home = client.Get("/api/v1/timelines/home?limit=1", bearer); home) {
        document.Parse(home->body.c_str());
        if (!document.HasParseError() && document.IsArray() && !document.Empty() && document[0].IsObject()
            && document[0].HasMember("uri") && document[0]["uri"].IsString())
            std::printf("effect home_newest %s\n", document[0]["uri"].GetString());
    }
}

} // namespace

int main(int argc, char** argv)
{
    const Options options = parse_options(argc, argv);
    std::thread([lifetime = options.lifetime_s] {
        std::this_thread::sleep_for(std::chrono::seconds(lifetime));
        die("lifetime of " + std::to_string(lifetime) + " s reached");
    }).detach();

    auto pair = crypto::generate_rsa_key_pair(2048);
    if (!pair)
        die("key generation failed");
    auto private_key = federation::parse_private_key_pem(pair->private_pem);
    if (!private_key)
        die("key parsing failed");

    // The peer: its actor document on 127.0.0.1, counted so the report shows Confrère fetched
    // the key once and then used its cache.
    httplib::Server peer;
    const int peer_port = peer.bind_to_any_port("127.0.0.1");
    if (peer_port <= 0)
        die("cannot bind 127.0.0.1");
    Target target;
    target.origin = "http://127.0.0.1:" + std::to_string(peer_port);
    target.confrere_host = "127.0.0.1:" + std::to_string(options.confrere_port);
    target.username = options.username;
    target.member = "http://" + target.confrere_host + "/users/" + options.username;
    target.run = std::to_string(to_unix_ms(SystemClock {}.now())) + "-";
    const std::string actor_json = actor_document(target.origin, pair->public_pem);
    std::atomic<int> actor_fetches { 0 };
    peer.Get("/users/peer", [&](const httplib::Request&, httplib::Response& response) {
        ++actor_fetches;
        response.set_content(actor_json, "application/activity+json; charset=utf-8");
    });
    std::atomic<int> deliveries_received { 0 }; // the Accept of the Follow, at least
    for (const char* inbox : { "/inbox", "/users/peer/inbox" })
        peer.Post(inbox, [&](const httplib::Request&, httplib::Response& response) {
            ++deliveries_received;
            response.status = 202;
        });
    std::thread peer_thread([&peer] { peer.listen_after_bind(); });
    {
        std::ofstream(options.port_file + ".tmp") << peer_port << "\n";
        std::filesystem::rename(options.port_file + ".tmp", options.port_file);
    }
    while (!std::filesystem::exists(options.go_file))
        std::this_thread::sleep_for(std::chrono::milliseconds(20));

    std::string password = read_file(options.password_file);
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r'))
        password.pop_back();
    const Member member = post_status(options.confrere_port, options.username, password);
    target.status_uri = member.status_uri;
    std::printf("status %s\n", target.status_uri.c_str());

    // The peer follows the member first (auto-accepted): Likes count only from readers of the
    // followers-only status. Confrère answers with an Accept delivered to the peer's inbox.
    auto follow = run_phase(options.confrere_port, presign(target, *private_key, "follow", 0, 1), 1);
    if (follow.accepted != 1)
        die("the Follow was not accepted: " + follow.first_problem);

    int first = 1;
    for (const auto& kind : options.kinds) {
        const auto sign_start = SteadyClock::now();
        auto warmup = presign(target, *private_key, kind, first, options.warmup);
        auto measured = presign(target, *private_key, kind, first + options.warmup, options.requests);
        first += options.warmup + options.requests;
        const double signing_s = std::chrono::duration<double>(SteadyClock::now() - sign_start).count();
        std::printf("signed %s %d in %.2f s (%zu bytes per request)\n", kind.c_str(),
            options.warmup + options.requests, signing_s, measured.empty() ? 0 : measured.front().size());
        std::fflush(stdout);

        auto warm = run_phase(options.confrere_port, warmup, options.connections);
        if (warm.accepted != options.warmup)
            die("warm-up: " + std::to_string(warm.accepted) + " of " + std::to_string(options.warmup)
                + " accepted; first problem: " + warm.first_problem);
        const double server_before = options.server_pid ? cpu_seconds(options.server_pid) : 0;
        const double load_before = cpu_seconds(0);
        auto r = run_phase(options.confrere_port, measured, options.connections);
        const double load_cpu = cpu_seconds(0) - load_before;
        const double server_cpu = options.server_pid ? cpu_seconds(options.server_pid) - server_before : -1;
        int non_202 = 0;
        for (auto [status, count] : r.others)
            non_202 += count;
        std::printf("result %s %d %d %.3f %.0f %.3f %.3f %d %d\n", kind.c_str(), options.requests, r.accepted,
            r.seconds, r.seconds > 0 ? r.accepted / r.seconds : 0.0, percentile_ms(r.latencies_us, 0.50),
            percentile_ms(r.latencies_us, 0.99), non_202, r.errors);
        std::printf("cpu %s %.2f %.2f\n", kind.c_str(), server_cpu, load_cpu);
        for (auto [status, count] : r.others)
            std::printf("detail %s HTTP %d x%d\n", kind.c_str(), status, count);
        if (!r.first_problem.empty())
            std::printf("detail %s first problem: %s\n", kind.c_str(), r.first_problem.c_str());
        std::fflush(stdout);
    }
    print_effects(options.confrere_port, member);
    std::printf("actor_fetches %d\n", actor_fetches.load());
    std::printf("deliveries_received %d\n", deliveries_received.load());
    std::fflush(stdout);
    peer.stop();
    peer_thread.join();
    return 0;
}
