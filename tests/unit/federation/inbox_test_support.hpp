// Support of inbox_test.cpp: peer keys, activities as a peer writes them, a peer on 127.0.0.1
// (httplib) that serves actor documents and counts requests, an outbox that records what it is
// told, and the InboxTest fixture wiring the real RequestVerifier and InboxProcessor over a
// SQLite test store, a fixed clock, a trusted peer and its pre-seeded actors.
#pragma once

#include "core/base/time.hpp"
#include "core/crypto/keys.hpp"
#include "core/services/outbox.hpp"
#include "core/services/peer_service.hpp"
#include "federation/actor_resolver.hpp"
#include "federation/http_signature.hpp"
#include "federation/inbox.hpp"
#include "federation/net/http_fetcher.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/test_store.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace confrere::federation::inbox_testing {

using namespace std::chrono_literals;
using model::ActorRef;
using model::Audience;
using model::FollowState;
using testkit::describe;

inline constexpr std::string_view kBase = "https://officine.example"; // this instance
inline constexpr std::string_view kOurHost = "officine.example";
inline constexpr std::string_view kInboxPath = "/inbox";
inline constexpr std::size_t kMaxInboxBytes = 64 * 1024; // federation.max_inbox_bytes of these tests

// --- Keys -------------------------------------------------------------------------------------

struct PeerKey {
    crypto::EvpPkeyPtr private_key;
    std::string public_pem;
};

inline PeerKey make_key()
{
    auto pair = crypto::generate_rsa_key_pair(2048);
    EXPECT_TRUE(pair) << describe(pair);
    if (!pair)
        return {};
    auto private_key = parse_private_key_pem(pair->private_pem);
    EXPECT_TRUE(private_key) << describe(private_key);
    if (!private_key)
        return {};
    return { std::move(*private_key), pair->public_pem };
}

// Generated once per run: RSA key generation costs a fraction of a second.
inline const PeerKey& remi_key()
{
    static const PeerKey key = make_key();
    return key;
}
inline const PeerKey& sophie_key()
{
    static const PeerKey key = make_key();
    return key;
}
inline const PeerKey& rotated_key()
{
    static const PeerKey key = make_key();
    return key;
}
inline const PeerKey& third_key()
{
    static const PeerKey key = make_key();
    return key;
}

// --- JSON as a peer writes it -----------------------------------------------------------------

inline std::string q(std::string_view s)
{
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
                out += buffer;
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

inline std::string list(const std::vector<std::string>& items)
{
    std::string out = "[";
    for (const auto& item : items)
        out += (out.size() > 1 ? "," : "") + q(item);
    return out + "]";
}

// `object_json` is a quoted id (q(...)) or an embedded object.
inline std::string activity_json(std::string_view type, std::string_view id, std::string_view actor,
    const std::string& object_json, const std::string& extra = {})
{
    return R"({"@context":"https://www.w3.org/ns/activitystreams","id":)" + q(id) + R"(,"type":)" + q(type)
        + R"(,"actor":)" + q(actor) + R"(,"object":)" + object_json + extra + "}";
}

struct Note {
    std::string id;
    std::string attributed_to;
    std::string content = "<p>Bonjour</p>";
    std::vector<std::string> to, cc;
    std::string in_reply_to;
    std::string context;
    std::string tags; // raw JSON array written as "tag", none when empty
};

inline std::string note_json(const Note& n)
{
    std::string out = R"({"id":)" + q(n.id) + R"(,"type":"Note","attributedTo":)" + q(n.attributed_to)
        + R"(,"content":)" + q(n.content) + R"(,"published":"2026-11-23T19:59:00Z","to":)" + list(n.to)
        + R"(,"cc":)" + list(n.cc);
    if (!n.in_reply_to.empty())
        out += R"(,"inReplyTo":)" + q(n.in_reply_to);
    if (!n.context.empty())
        out += R"(,"context":)" + q(n.context);
    if (!n.tags.empty())
        out += R"(,"tag":)" + n.tags;
    return out + "}";
}

inline std::string actor_json(
    std::string_view uri, std::string_view username, std::string_view key_id, std::string_view pem)
{
    return R"({"@context":["https://www.w3.org/ns/activitystreams","https://w3id.org/security/v1"],"id":)"
        + q(uri) + R"(,"type":"Person","preferredUsername":)" + q(username) + R"(,"inbox":)"
        + q(std::string(uri) + "/inbox") + R"(,"followers":)" + q(std::string(uri) + "/followers")
        + R"(,"publicKey":{"id":)" + q(key_id) + R"(,"owner":)" + q(uri) + R"(,"publicKeyPem":)" + q(pem)
        + "}}";
}

// --- The peer ---------------------------------------------------------------------------------

// An httplib server on 127.0.0.1, port 0, serving the documents published on it (404 for any
// other path) as application/activity+json, and counting every request it receives.
class PeerServer {
public:
    PeerServer()
    {
        server_.set_pre_routing_handler([this](const httplib::Request&, httplib::Response&) {
            ++requests_;
            return httplib::Server::HandlerResponse::Unhandled;
        });
        server_.Get(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
            std::lock_guard lock(mutex_);
            auto it = documents_.find(req.path);
            if (it == documents_.end()) {
                res.status = 404;
                res.set_content(R"({"error":"Not found"})", "application/json");
                return;
            }
            res.set_content(it->second, std::string(kActivityJsonType));
        });
    }
    ~PeerServer()
    {
        if (thread_.joinable()) {
            server_.stop();
            thread_.join();
        }
    }
    PeerServer(const PeerServer&) = delete;
    PeerServer& operator=(const PeerServer&) = delete;

    // Binds and serves; waits (bounded) until the server runs, so that stop() cannot be missed.
    void start()
    {
        port_ = server_.bind_to_any_port("127.0.0.1");
        ASSERT_GT(port_, 0);
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        auto limit = std::chrono::steady_clock::now() + 5s;
        while (!server_.is_running() && std::chrono::steady_clock::now() < limit)
            std::this_thread::yield();
        ASSERT_TRUE(server_.is_running());
    }

    void publish(const std::string& path, std::string json)
    {
        std::lock_guard lock(mutex_);
        documents_[path] = std::move(json);
    }

    std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
    std::string url(std::string_view path) const { return "http://" + host() + std::string(path); }
    int requests() const { return requests_.load(); }

private:
    httplib::Server server_;
    std::thread thread_;
    int port_ = 0;
    std::atomic<int> requests_ { 0 };
    std::mutex mutex_;
    std::map<std::string, std::string> documents_;
};

// A remote actor of the peer, as stored here and as it signs.
struct Remote {
    std::string name;
    std::string uri;
    std::string key_id;
    std::string followers;
    model::RemoteActor actor; // the stored row
    const PeerKey* key = nullptr;
};

// --- The outbox -------------------------------------------------------------------------------

// Records what the inbox told federation to send.
class RecordingOutbox final : public services::Outbox {
public:
    struct Answer {
        Id followee = 0;
        Id follower = 0;
        model::Follow follow;
        bool accepted = false;
    };
    std::vector<Answer> answers;
    int other_calls = 0;
    int commits = 0;

    Status status_published(storage::Repositories&, const model::Account&, const model::Status&,
        const std::vector<ActorRef>&) override
    {
        ++other_calls;
        return ok();
    }
    Status status_updated(storage::Repositories&, const model::Account&, const model::Status&,
        const std::vector<ActorRef>&) override
    {
        ++other_calls;
        return ok();
    }
    Status status_deleted(storage::Repositories&, const model::Account&, const model::Status&,
        const std::vector<ActorRef>&) override
    {
        ++other_calls;
        return ok();
    }
    Status follow_sent(storage::Repositories&, const model::Account&, const model::RemoteActor&,
        const model::Follow&, bool) override
    {
        ++other_calls;
        return ok();
    }
    Status follow_answered(storage::Repositories&, const model::Account& followee,
        const model::RemoteActor& follower, const model::Follow& follow, bool accepted) override
    {
        answers.push_back({ followee.id, follower.id, follow, accepted });
        return ok();
    }
    Status interaction_sent(storage::Repositories&, const model::Account&, const model::Interaction&,
        const model::Status&, const model::RemoteActor&, bool) override
    {
        ++other_calls;
        return ok();
    }
    Status group_status_removed(
        storage::Repositories&, const model::Group&, const model::Account&, const model::Status&) override
    {
        ++other_calls;
        return ok();
    }
    Status group_member_removed(storage::Repositories&, const model::Group&, const model::RemoteActor&,
        const model::GroupMember&) override
    {
        ++other_calls;
        return ok();
    }
    Status group_follow_answered(storage::Repositories&, const model::Group&, const model::RemoteActor&,
        const model::GroupMember&, bool accepted) override
    {
        group_answers.push_back(accepted);
        return ok();
    }
    Status group_activity_relayed(
        storage::Repositories&, const model::Group&, std::string_view activity, std::string_view object) override
    {
        relayed.push_back({ std::string(activity), std::string(object) });
        return ok();
    }
    std::vector<bool> group_answers; // accepted or not, per Follow of a group here
    std::vector<std::pair<std::string, std::string>> relayed; // (activity, object) a group here announced

    void committed() override { ++commits; }
};

inline void set_header(SignableRequest& request, std::string_view name, std::string value)
{
    for (auto& [key, old] : request.headers)
        if (key == name) {
            old = std::move(value);
            return;
        }
    request.headers.emplace_back(std::string(name), std::move(value));
}

// `reason`: a fragment of the message or detail, naming the rule that refused it.
inline void expect_refused(const Status& s, ErrorKind kind, std::string_view reason)
{
    ASSERT_FALSE(s) << "accepted an activity that must be refused";
    EXPECT_EQ(s.error().kind, kind) << describe(s);
    EXPECT_NE(describe(s).find(reason), std::string::npos)
        << "expected \"" << reason << "\" in " << describe(s);
}

// --- The fixture ------------------------------------------------------------------------------

class InboxTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto created = testkit::Fixtures::create();
        ASSERT_TRUE(created) << describe(created);
        fx_ = std::move(*created);
        ASSERT_NO_FATAL_FAILURE(peer_.start());
        peers_ = std::make_unique<services::PeerService>(
            fx_->store(), fx_->clock(), services::FederationMode::Allowlist);
        auto trusted = peers_->trust(peer_.host(), "the peer of these tests");
        ASSERT_TRUE(trusted) << describe(trusted);
        HttpFetcherOptions fetch_options;
        fetch_options.allow_private = true;
        fetcher_ = std::make_unique<HttpFetcher>(fetch_options);
        resolver_ = std::make_unique<ActorResolver>(
            fx_->store(), *fetcher_, *peers_, fx_->clock(), fx_->ids(), ResolverOptions {});
        VerifyPolicy policy;
        policy.expected_host = std::string(kOurHost);
        verifier_ = std::make_unique<RequestVerifier>(*resolver_, *peers_, fx_->clock(), policy);
        InboxOptions options;
        options.base_url = std::string(kBase);
        options.json.max_bytes = kMaxInboxBytes;
        inbox_ = std::make_unique<InboxProcessor>(
            fx_->store(), *verifier_, *resolver_, outbox_, fx_->clock(), fx_->ids(), options);

        auto alice = fx_->add_member(testkit::pharmacist_alice());
        ASSERT_TRUE(alice) << describe(alice);
        alice_ = *alice;
        ASSERT_FALSE(alice_.locked);
        remi_ = seed_remote("remi", remi_key());
        sophie_ = seed_remote("sophie", sophie_key());
        ASSERT_FALSE(HasFailure());
    }

    TimePoint now() const { return fx_->clock().now(); }
    std::string local_uri(const model::Account& account) const
    {
        return std::string(kBase) + "/users/" + account.username;
    }
    std::string activity_id(const Remote& who, std::string_view what) const
    {
        return who.uri + "/activities/" + std::string(what);
    }

    // Stores the actor as if fetched a moment ago, and publishes its document on the peer.
    Remote seed_remote(const std::string& name, const PeerKey& key)
    {
        Remote r;
        r.name = name;
        r.uri = peer_.url("/users/" + name);
        r.key_id = r.uri + "#main-key";
        r.followers = r.uri + "/followers";
        r.key = &key;
        model::RemoteActor actor;
        actor.id = fx_->ids().next();
        actor.uri = r.uri;
        actor.host = peer_.host();
        actor.type = "Person";
        actor.username = name;
        actor.inbox = r.uri + "/inbox";
        actor.followers_url = r.followers;
        actor.key_id = r.key_id;
        actor.public_key_pem = key.public_pem;
        actor.fetched_at = actor.created_at = now();
        auto done = fx_->store().write([&](storage::Repositories& repos) -> Status {
            auto stored = repos.remote_actors().upsert(actor);
            if (!stored)
                return forward(stored);
            r.actor = *stored;
            return ok();
        });
        EXPECT_TRUE(done) << describe(done);
        peer_.publish("/users/" + name, actor_json(r.uri, name, r.key_id, key.public_pem));
        return r;
    }

    // The POST a peer sends: sign_post over (request-target) host date digest content-type.
    SignableRequest signed_request(const crypto::EvpPkeyPtr& key, std::string_view key_id,
        std::string_view body, std::optional<TimePoint> at = std::nullopt) const
    {
        auto h = sign_post(key, key_id, kOurHost, kInboxPath, body, at.value_or(now()));
        EXPECT_TRUE(h) << describe(h);
        if (!h)
            return {};
        return { "POST", std::string(kInboxPath), "",
            { { "host", std::string(kOurHost) }, { "user-agent", "Mastodon/4.5.0 (+https://peer.example/)" },
                { "date", h->date }, { "digest", h->digest }, { "content-type", h->content_type },
                { "signature", h->signature } } };
    }
    SignableRequest signed_by(const Remote& who, std::string_view body) const
    {
        return signed_request(who.key->private_key, who.key_id, body);
    }
    Status deliver(const Remote& who, const std::string& body)
    {
        return inbox_->receive(signed_by(who, body), body);
    }

    // A read through the repositories: `f(repos)` returns a Result<T>; T is returned.
    template <class F> auto read(F&& f)
    {
        using T = std::remove_cvref_t<decltype(*f(std::declval<storage::Repositories&>()))>;
        T value {};
        auto done = fx_->store().read([&](storage::Repositories& repos) -> Status {
            auto r = f(repos);
            if (!r)
                return forward(r);
            value = std::move(*r);
            return ok();
        });
        EXPECT_TRUE(done) << describe(done);
        return value;
    }
    std::optional<model::Status> status(const std::string& uri)
    {
        return read([&](storage::Repositories& repos) { return repos.statuses().find_by_uri(uri); });
    }
    std::optional<model::Follow> follow_by_uri(const std::string& uri)
    {
        return read([&](storage::Repositories& repos) { return repos.follows().find_by_uri(uri); });
    }
    std::optional<model::Follow> follow(ActorRef follower, ActorRef followee)
    {
        return read([&](storage::Repositories& repos) { return repos.follows().find(follower, followee); });
    }
    std::vector<ActorRef> mentions(Id status_id)
    {
        return read([&](storage::Repositories& repos) { return repos.statuses().mentions(status_id); });
    }
    std::optional<model::Interaction> like(const Remote& who, Id status_id)
    {
        return read([&](storage::Repositories& repos) {
            return repos.interactions().find(
                model::InteractionKind::Like, model::remote_actor(who.actor.id), status_id);
        });
    }
    std::optional<model::RemoteActor> stored_actor(const std::string& uri)
    {
        return read([&](storage::Repositories& repos) { return repos.remote_actors().find_by_uri(uri); });
    }

    // Whether the inbox ledger holds activity `id`: asked in a transaction that is rolled back,
    // so the probe itself records nothing.
    bool in_ledger(const std::string& id)
    {
        bool known = false;
        bool asked = false;
        auto probe = fx_->store().write([&](storage::Repositories& repos) -> Status {
            auto fresh = repos.inbox_ledger().remember(id, now());
            if (!fresh)
                return forward(fresh);
            known = !*fresh;
            asked = true;
            return fail(ErrorKind::Internal, "rolled back: the probe writes nothing");
        });
        EXPECT_FALSE(probe);
        EXPECT_TRUE(asked) << describe(probe);
        return known;
    }

    // What every refusal must leave: the activity unknown to the ledger, nothing answered.
    void expect_not_applied(const std::string& id)
    {
        EXPECT_FALSE(in_ledger(id)) << "a refused activity was recorded as applied";
        EXPECT_TRUE(outbox_.answers.empty());
        EXPECT_EQ(outbox_.other_calls, 0);
    }

    model::Status insert_status(model::Status s)
    {
        auto done
            = fx_->store().write([&](storage::Repositories& repos) { return repos.statuses().insert(s); });
        EXPECT_TRUE(done) << describe(done);
        return s;
    }
    model::Status local_status(const model::Account& author, Audience audience)
    {
        model::Status s;
        s.id = fx_->ids().next();
        s.uri = local_uri(author) + "/statuses/" + std::to_string(s.id);
        s.url = s.uri;
        s.author = model::local_actor(author.id);
        s.audience = audience;
        s.content_html = "<p>Rupture de stock</p>";
        s.source_text = "Rupture de stock";
        s.context = s.uri;
        s.published = s.created_at = now();
        return insert_status(std::move(s));
    }
    model::Status remote_status(const Remote& author, Audience audience)
    {
        model::Status s;
        s.id = fx_->ids().next();
        s.uri = author.uri + "/statuses/" + std::to_string(s.id);
        s.url = s.uri;
        s.author = model::remote_actor(author.actor.id);
        s.audience = audience;
        s.content_html = "<p>distant</p>";
        s.context = s.uri;
        s.published = s.created_at = now();
        return insert_status(std::move(s));
    }
    model::Follow insert_follow(ActorRef follower, ActorRef followee, FollowState state, std::string uri)
    {
        model::Follow f;
        f.id = fx_->ids().next();
        f.follower = follower;
        f.followee = followee;
        f.state = state;
        f.uri = std::move(uri);
        f.created_at = f.updated_at = now();
        auto done
            = fx_->store().write([&](storage::Repositories& repos) { return repos.follows().insert(f); });
        EXPECT_TRUE(done) << describe(done);
        return f;
    }
    // Alice (local) follows `who`, accepted: what makes its followers-only notes readable here.
    void alice_follows(const Remote& who)
    {
        insert_follow(model::local_actor(alice_.id), model::remote_actor(who.actor.id), FollowState::Accepted,
            local_uri(alice_) + "/follows/" + std::to_string(fx_->ids().next()));
    }

    std::string follow_of_alice(const Remote& who, const std::string& id)
    {
        return activity_json("Follow", id, who.uri, q(local_uri(alice_)));
    }
    std::string create_of(const Remote& who, const std::string& id, const Note& note)
    {
        return activity_json("Create", id, who.uri, note_json(note));
    }

    // Declared first: destroyed last, after everything that holds its store.
    std::unique_ptr<testkit::Fixtures> fx_;
    PeerServer peer_;
    RecordingOutbox outbox_;
    std::unique_ptr<services::PeerService> peers_;
    std::unique_ptr<HttpFetcher> fetcher_;
    std::unique_ptr<ActorResolver> resolver_;
    std::unique_ptr<RequestVerifier> verifier_;
    std::unique_ptr<InboxProcessor> inbox_;
    model::Account alice_;
    Remote remi_, sophie_;
};

} // namespace confrere::federation::inbox_testing
