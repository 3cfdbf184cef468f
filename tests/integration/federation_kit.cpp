#include "tests/integration/federation_kit.hpp"

#include <fstream>
#include <iterator>

namespace confrere::testkit {

InstanceOptions federating(std::string name, int profession)
{
    InstanceOptions options;
    options.name = std::move(name);
    options.professions = { profession };
    options.extra_toml = "[federation]\nallow_private_addresses = true\ndelivery_backoff_unit_ms = 5\n";
    return options;
}

std::string file_bytes(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

bool database_contains(const Instance& instance, std::string_view text)
{
    for (const char* suffix : { "", "-wal" }) {
        auto path = instance.db_path();
        path += suffix;
        if (file_bytes(path).find(text) != std::string::npos)
            return true;
    }
    return false;
}

bool json_true(const HttpResponse& response, const char* name)
{
    auto doc = response.json();
    return doc.IsObject() && doc.HasMember(name) && doc[name].IsTrue();
}

std::int64_t json_int(const HttpResponse& response, const char* name)
{
    auto doc = response.json();
    return doc.IsObject() && doc.HasMember(name) && doc[name].IsInt64() ? doc[name].GetInt64() : -1;
}

void trust(const Instance& at, const Instance& peer)
{
    auto result = at.admin("peer", "add", peer.host());
    ASSERT_EQ(result.exit_code, 0) << result;
}

void create(const Instance& at, const std::string& username, const std::string& role)
{
    auto result = at.admin("create-account", "--username", username, "--email", username + "@example.test",
        "--password", fixture_password, "--role", role, "--validated");
    ASSERT_EQ(result.exit_code, 0) << result;
}

std::optional<HttpClient> sign_in(const Instance& at, const std::string& username)
{
    auto client = at.client();
    auto response = client.sign_in(username, fixture_password);
    EXPECT_EQ(response.status, 200) << response;
    client.set_bearer(client.session_token());
    return client;
}

std::string lookup(HttpClient& client, const std::string& handle)
{
    auto response = client.get("/api/v1/accounts/lookup?acct=" + percent_encode(handle));
    EXPECT_EQ(response.status, 200) << response;
    return json_string(response.json(), "/id");
}

std::vector<std::string> timeline_with(HttpClient& client, const std::string& path, std::string_view text)
{
    std::vector<std::string> ids;
    auto response = client.get(path);
    if (response.status != 200)
        return ids;
    auto doc = response.json();
    if (!doc.IsArray())
        return ids;
    for (const auto& status : doc.GetArray())
        if (json_string(status, "/content").find(text) != std::string::npos)
            ids.push_back(json_string(status, "/id"));
    return ids;
}

std::vector<std::string> home_with(HttpClient& client, std::string_view text)
{
    return timeline_with(client, "/api/v1/timelines/home?limit=40", text);
}

void follow_and_wait(HttpClient& client, const std::string& handle)
{
    std::string id = lookup(client, handle);
    ASSERT_FALSE(id.empty());
    auto response = client.post_form("/api/v1/accounts/" + id + "/follow", {});
    ASSERT_EQ(response.status, 200) << response;
    EXPECT_TRUE(eventually([&] {
        auto again = client.post_form("/api/v1/accounts/" + id + "/follow", {});
        return again.status == 200 && json_true(again, "following");
    })) << "the Accept of "
        << handle << " never arrived";
}

ThreeInstances::ThreeInstances()
    : pharmacy_(CONFRERE_BINARY, federating("Officines", 21))
    , nursing_(CONFRERE_BINARY, federating("Soins", 60))
    , podiatry_(CONFRERE_BINARY, federating("Podologie", 80))
{ }

void ThreeInstances::SetUp()
{
    for (Instance* i : { &pharmacy_, &nursing_, &podiatry_ }) {
        ASSERT_TRUE(i->ready());
        ASSERT_TRUE(i->start());
    }
    trust(pharmacy_, nursing_);
    trust(nursing_, pharmacy_);
    trust(podiatry_, pharmacy_);
}

} // namespace confrere::testkit
