// What the integration tests with several federating instances share: instance options that
// allow loopback federation, polling until a delivery arrived, scanning a database for a text
// that must never have reached it, and the steps every such test takes (trust a peer, create and
// sign in a member, look a handle up, follow and wait for the Accept, read a home timeline).
#pragma once

#include "tests/integration/scenario.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace confrere::testkit {

// A federating instance on loopback admitting `profession`, with fast delivery retries.
InstanceOptions federating(std::string name, int profession);

// Polls `check` every 50 ms until it holds or 15 s pass.
template <class Check> bool eventually(Check check)
{
    using namespace std::chrono_literals;
    auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
        if (check())
            return true;
        std::this_thread::sleep_for(50ms);
    }
    return check();
}

// Whether any file of the instance's database (main file and WAL) contains `text`.
bool database_contains(const Instance& instance, std::string_view text);

// A top-level boolean member of a JSON answer; false when absent or not a boolean.
bool json_true(const HttpResponse& response, const char* name);
// A top-level integer member of a JSON answer; -1 when absent.
std::int64_t json_int(const HttpResponse& response, const char* name);

// `at` trusts `peer` (confrere admin peer add).
void trust(const Instance& at, const Instance& peer);
// An active member created through the CLI.
void create_member(const Instance& at, const std::string& username, const std::string& role = "member");
// A client of `at` signed in as `username`, with its session as bearer token.
std::optional<HttpClient> sign_in_member(const Instance& at, const std::string& username);
// Looks `handle` up from `client`'s instance and returns the account id there ("" if unknown).
std::string lookup(HttpClient& client, const std::string& handle);
// The ids of the statuses of `path` (a timeline) whose content contains `text`.
std::vector<std::string> timeline_with(HttpClient& client, const std::string& path, std::string_view text);
// The ids of the statuses of a home timeline whose content contains `text`.
std::vector<std::string> home_with(HttpClient& client, std::string_view text);
// Follows `handle` (an account or a group) and waits for the Accept to come back.
void follow_and_wait(HttpClient& client, const std::string& handle);

// Three federating instances, started in SetUp: pharmacy (21), nursing (60), podiatry (80).
// Which trusts which is the derived fixture's choice.
class ThreeInstances : public ::testing::Test {
protected:
    ThreeInstances();
    void SetUp() override;

    static HttpResponse post(HttpClient& client, const FormFields& fields)
    {
        return client.post_form("/api/v1/statuses", fields);
    }

    Instance pharmacy_;
    Instance nursing_;
    Instance podiatry_;
};

} // namespace confrere::testkit
