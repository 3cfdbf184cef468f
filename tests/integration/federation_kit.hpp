// What the multi-instance tests share: instances that federate on loopback, their trust and
// members, follows that wait for their Accept, and looks at what each instance stored.
#pragma once

#include "tests/integration/scenario.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace confrere::testkit {

// Options of an instance that federates over loopback (private addresses allowed) and retries
// failed deliveries within milliseconds.
InstanceOptions federating(std::string name, int profession);

// Polls `check` every 50 ms until it holds or 15 s pass; the last check decides.
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

// The whole content of a file ("" if it cannot be read).
std::string file_bytes(const std::filesystem::path& path);
// Whether any file of the instance's database (main file and WAL) contains `text`.
bool database_contains(const Instance& instance, std::string_view text);

// A top-level boolean member of a JSON answer; false when absent or not a boolean.
bool json_true(const HttpResponse& response, const char* name);
// A top-level integer member of a JSON answer; -1 when absent or not an integer.
std::int64_t json_int(const HttpResponse& response, const char* name);

// `at` trusts `peer` (confrere admin peer add).
void trust(const Instance& at, const Instance& peer);
// Creates the validated account `username` on `at` with the fixture password (a member
// unless `role` says otherwise: moderator, admin).
void create(const Instance& at, const std::string& username, const std::string& role = "member");
// A client of `at` signed in as `username`, authenticating by bearer session token.
std::optional<HttpClient> sign_in(const Instance& at, const std::string& username);
// Looks `handle` up from `client`'s instance and returns the account id there.
std::string lookup(HttpClient& client, const std::string& handle);
// The ids of the statuses of `path` (a timeline) whose content contains `text`.
std::vector<std::string> timeline_with(HttpClient& client, const std::string& path, std::string_view text);
// The ids of the statuses of a home timeline (40 newest) whose content contains `text`.
std::vector<std::string> home_with(HttpClient& client, std::string_view text);
// Follows `handle` (an account or a group) and waits for the Accept to come back.
void follow_and_wait(HttpClient& client, const std::string& handle);

// Three instances on loopback, started: pharmacy (21) and nursing (60) trust each other;
// podiatry (80) trusts pharmacy, which does not trust it back.
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
