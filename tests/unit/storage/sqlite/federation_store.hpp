// A test store with the rows the federation repositories point at: local accounts, remote
// actors and statuses, made through the repositories themselves.
#pragma once

#include "storage/store.hpp"
#include "tests/support/test_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace confrere::storage::fedtest {

// 2026-11-23T20:00:00Z, and `seconds` after it.
inline TimePoint at(int seconds = 0)
{
    return from_unix_ms(1'795'464'000'000) + std::chrono::seconds(seconds);
}

class FederationStoreTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto db = testkit::open_test_store();
        ASSERT_TRUE(db) << testkit::describe(db);
        db_ = std::move(*db);
    }

    Store& store() { return *db_.store; }
    const std::filesystem::path& path() const { return db_.database_path; }

    // Runs `fn(repositories)` in a write transaction (rolled back if it fails) and returns what
    // it returned, or the commit's error.
    template <class Fn> auto write(Fn fn) -> decltype(fn(std::declval<Repositories&>()))
    {
        std::optional<decltype(fn(std::declval<Repositories&>()))> out;
        Status done = store().write([&](Repositories& r) -> Status {
            out.emplace(fn(r));
            if (!*out)
                return std::unexpected(out->error());
            return ok();
        });
        if (!done && (!out || *out))
            return std::unexpected(done.error());
        return std::move(*out);
    }

    // Runs `fn(repositories)` on a read snapshot and returns what it returned.
    template <class Fn> auto read(Fn fn) -> decltype(fn(std::declval<Repositories&>()))
    {
        std::optional<decltype(fn(std::declval<Repositories&>()))> out;
        Status done = store().read([&](Repositories& r) -> Status {
            out.emplace(fn(r));
            return ok();
        });
        if (!done)
            return std::unexpected(done.error());
        return std::move(*out);
    }

    Id next_id() { return ++last_id_; }

    // The ids of a list of statuses, in order (empty, with a failure recorded, on an error).
    static std::vector<Id> ids(const Result<std::vector<model::Status>>& statuses)
    {
        EXPECT_TRUE(statuses) << testkit::describe(statuses);
        std::vector<Id> out;
        if (statuses)
            for (const auto& s : *statuses)
                out.push_back(s.id);
        return out;
    }

    // An active local account of `profession_code` (TRE_G15, 0 unknown); returns its id.
    Id add_account(const std::string& username, int profession_code = 0)
    {
        NewAccount n;
        n.account.id = next_id();
        n.account.username = username;
        n.account.profession_code = profession_code;
        n.account.email = username + "@example.org";
        n.account.state = model::AccountState::Active;
        n.account.public_key_pem = "public-" + username;
        n.account.created_at = n.account.updated_at = at();
        n.password_hash = "hash";
        n.private_key_pem = "private-" + username;
        auto done = write([&](Repositories& r) { return r.accounts().insert(n); });
        EXPECT_TRUE(done) << testkit::describe(done);
        return n.account.id;
    }

    static model::RemoteActor remote_actor_doc(const std::string& username, const std::string& host)
    {
        model::RemoteActor a;
        a.uri = "https://" + host + "/users/" + username;
        a.host = host;
        a.type = "Person";
        a.username = username;
        a.display_name = "Display " + username;
        a.summary_html = "<p>About " + username + "</p>";
        a.url = "https://" + host + "/@" + username;
        a.inbox = a.uri + "/inbox";
        a.outbox = a.uri + "/outbox";
        a.followers_url = a.uri + "/followers";
        a.following_url = a.uri + "/following";
        a.key_id = a.uri + "#main-key";
        a.public_key_pem = "-----BEGIN PUBLIC KEY-----\n" + username + "\n-----END PUBLIC KEY-----\n";
        a.fetched_at = a.created_at = at();
        return a;
    }

    // A remote actor stored with a fresh id; `shared_inbox` empty for none.
    model::RemoteActor add_remote(
        const std::string& username, const std::string& host, const std::string& shared_inbox = "")
    {
        model::RemoteActor a = remote_actor_doc(username, host);
        a.id = next_id();
        a.shared_inbox = shared_inbox;
        auto stored = write([&](Repositories& r) { return r.remote_actors().upsert(a); });
        EXPECT_TRUE(stored) << testkit::describe(stored);
        return stored ? *stored : a;
    }

    model::Follow add_follow(model::ActorRef follower, model::ActorRef followee,
        model::FollowState state = model::FollowState::Accepted)
    {
        model::Follow f;
        f.id = next_id();
        f.follower = follower;
        f.followee = followee;
        f.state = state;
        f.uri = "https://confrere.example/follows/" + std::to_string(f.id);
        f.created_at = f.updated_at = at();
        auto done = write([&](Repositories& r) { return r.follows().insert(f); });
        EXPECT_TRUE(done) << testkit::describe(done);
        return f;
    }

    // A status with a fresh id (time-ordered: each new one is newer), not yet stored.
    model::Status status_doc(
        model::ActorRef author, model::Audience audience, const std::string& text = "hello")
    {
        model::Status s;
        s.id = next_id();
        s.uri = "https://confrere.example/statuses/" + std::to_string(s.id);
        s.url = s.uri;
        s.author = author;
        s.audience = audience;
        s.content_html = "<p>" + text + "</p>";
        s.source_text = author.local ? text : "";
        s.context = s.uri;
        s.published = s.created_at = at(static_cast<int>(s.id));
        return s;
    }

    model::Status add_status(
        model::ActorRef author, model::Audience audience, const std::vector<model::ActorRef>& mentions = {})
    {
        model::Status s = status_doc(author, audience);
        auto done = write([&](Repositories& r) -> Status {
            if (auto rc = r.statuses().insert(s); !rc)
                return rc;
            return r.statuses().add_mentions(s.id, mentions);
        });
        EXPECT_TRUE(done) << testkit::describe(done);
        return s;
    }

private:
    testkit::TestStore db_;
    Id last_id_ = 1000;
};

} // namespace confrere::storage::fedtest
