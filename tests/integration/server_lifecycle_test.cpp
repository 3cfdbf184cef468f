// The HTTP front as a peer sees it: routing errors, hostile bytes that must not take the server
// down, and a clean stop on SIGTERM that lets a request already received finish.
#include "tests/integration/scenario.hpp"

#include <rapidjson/document.h>

namespace confrere::testkit {
namespace {

class HttpFront : public IntegrationTest {};

TEST_F(HttpFront, HealthAnswersOk)
{
    const auto response = instance_.client().get("/health");
    ASSERT_EQ(response.status, 200) << response;
    EXPECT_EQ(json_string(response.json(), "/status"), "ok") << response;
}

TEST_F(HttpFront, UnknownRouteIsANotFoundWithAJsonError)
{
    EXPECT_TRUE(is_json_error(instance_.client().get("/api/v1/nothing-here"), 404));
    EXPECT_TRUE(is_json_error(instance_.client().get("/no/such/page"), 404));
}

TEST_F(HttpFront, WrongMethodOnAKnownPathIsMethodNotAllowed)
{
    auto client = instance_.client();
    auto health = client.del("/health");
    EXPECT_TRUE(is_json_error(health, 405));
    EXPECT_EQ(health.header("Allow"), "GET, HEAD");
    EXPECT_EQ(client.post_form("/.well-known/nodeinfo", {}).status, 405);
    EXPECT_EQ(client.request("PUT", "/api/v1/instance", "{}", "application/json", {}).status, 405);
}

TEST_F(HttpFront, MalformedRequestIsRefusedAndTheServerKeepsServing)
{
    RawConnection raw;
    ASSERT_TRUE(raw.connect(instance_.port())) << raw.error();
    ASSERT_TRUE(raw.send("THIS IS NOT HTTP\r\n\r\n")) << raw.error();
    const auto answer = raw.read_until_close();
    EXPECT_EQ(raw_status(answer), 400) << answer;
    EXPECT_EQ(instance_.client().get("/health").status, 200);
}

TEST_F(HttpFront, BadContentLengthIsRefused)
{
    RawConnection raw;
    ASSERT_TRUE(raw.connect(instance_.port())) << raw.error();
    ASSERT_TRUE(raw.send("POST /api/v1/accounts HTTP/1.1\r\nHost: x\r\n"
                         "Content-Length: banana\r\n\r\n")) << raw.error();
    const auto answer = raw.read_until_close();
    EXPECT_EQ(raw_status(answer), 400) << answer;
    EXPECT_EQ(instance_.client().get("/health").status, 200);
}

TEST_F(HttpFront, OversizedHeaderIsRefusedAndTheServerKeepsServing)
{
    RawConnection raw;
    ASSERT_TRUE(raw.connect(instance_.port())) << raw.error();
    const std::string request = "GET /health HTTP/1.1\r\nHost: " + instance_.host() +
                                "\r\nX-Filler: " + std::string(100'000, 'a') + "\r\n\r\n";
    raw.send(request);  // the server may close before reading it all
    const auto answer = raw.read_until_close();
    const int status = raw_status(answer);
    EXPECT_TRUE(status == 431 || status == 400) << answer.substr(0, 200);
    EXPECT_EQ(instance_.client().get("/health").status, 200);
}

TEST_F(HttpFront, KeepAliveConnectionServesSeveralRequests)
{
    RawConnection raw;
    ASSERT_TRUE(raw.connect(instance_.port())) << raw.error();
    const std::string request = "GET /health HTTP/1.1\r\nHost: " + instance_.host() + "\r\n\r\n";
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(raw.send(request)) << raw.error();
        EXPECT_EQ(raw_status(raw.read_response()), 200) << "request " << i;
    }
}

class ServerLifecycle : public IntegrationTest {};

TEST_F(ServerLifecycle, SigtermStopsTheServerWithExitCodeZero)
{
    EXPECT_EQ(instance_.stop(SIGTERM), 0);
    EXPECT_NE(instance_.client().get("/health").status, 200);
}

TEST_F(ServerLifecycle, SigintStopsTheServerWithExitCodeZero)
{
    EXPECT_EQ(instance_.stop(SIGINT), 0);
}

std::string sign_in_head(const Instance& instance, std::size_t length, bool expect_continue)
{
    return "POST /auth/sign_in HTTP/1.1\r\nHost: " + instance.host() +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(length) +
           (expect_continue ? "\r\nExpect: 100-continue" : "") + "\r\n\r\n";
}

const std::string sign_in_body =
    std::string(R"({"login":"membre","password":")") + fixture_password + "\"}";

TEST_F(ServerLifecycle, RequestInFlightWhenSigtermArrivesStillCompletes)
{
    create_account("membre", "member", true);
    RawConnection raw;
    ASSERT_TRUE(raw.connect(instance_.port())) << raw.error();
    // "100 Continue" proves the server has read the head and started this request; the body
    // (and the password hashing it leads to) comes after the signal.
    ASSERT_TRUE(raw.send(sign_in_head(instance_, sign_in_body.size(), true)));
    const auto interim = raw.read_response();
    ASSERT_EQ(raw_status(interim), 100) << interim;
    ASSERT_EQ(::kill(instance_.pid(), SIGTERM), 0);
    ASSERT_TRUE(raw.send(sign_in_body)) << raw.error();
    const auto answer = raw.read_response();
    EXPECT_EQ(raw_status(answer), 200) << answer;
    EXPECT_NE(answer.find("csrf_token"), std::string::npos) << answer;
    EXPECT_EQ(instance_.wait_for_exit(), 0);
}

TEST_F(ServerLifecycle, RequestFullySentBeforeSigtermIsAnswered)
{
    create_account("membre", "member", true);
    RawConnection raw;
    ASSERT_TRUE(raw.connect(instance_.port())) << raw.error();
    // A first exchange proves the connection is accepted and its session running.
    const std::string health = "GET /health HTTP/1.1\r\nHost: " + instance_.host() + "\r\n\r\n";
    ASSERT_TRUE(raw.send(health));
    ASSERT_EQ(raw_status(raw.read_response()), 200);

    // The whole request is in the server's socket buffer before the signal is sent: the
    // client cannot tell it from a request being processed, so it must be answered.
    ASSERT_TRUE(raw.send(sign_in_head(instance_, sign_in_body.size(), false) + sign_in_body));
    ASSERT_EQ(::kill(instance_.pid(), SIGTERM), 0);
    const auto answer = raw.read_response();
    EXPECT_EQ(raw_status(answer), 200) << answer;
    EXPECT_NE(answer.find("csrf_token"), std::string::npos) << answer;
    EXPECT_EQ(instance_.wait_for_exit(), 0);
}

TEST_F(ServerLifecycle, IdleKeepAliveConnectionDoesNotDelayTheStop)
{
    RawConnection raw;
    ASSERT_TRUE(raw.connect(instance_.port())) << raw.error();
    const std::string health = "GET /health HTTP/1.1\r\nHost: " + instance_.host() + "\r\n\r\n";
    ASSERT_TRUE(raw.send(health));
    ASSERT_EQ(raw_status(raw.read_response()), 200);
    const auto before = std::chrono::steady_clock::now();
    EXPECT_EQ(instance_.stop(SIGTERM), 0);
    EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));
}

TEST_F(ServerLifecycle, RestartedServerKeepsTheAccounts)
{
    const auto id = register_pending(applicant_for("elodie", pharmacist_elodie()));
    ASSERT_FALSE(id.empty());
    create_account("membre", "member", true);
    ASSERT_EQ(instance_.stop(SIGTERM), 0);
    ASSERT_TRUE(instance_.start());
    EXPECT_EQ(instance_.client().sign_in("membre", fixture_password).status, 200);
    EXPECT_EQ(json_string(admin_account(id).json(), "/confrere/state"), "pending");
}

} // namespace
} // namespace confrere::testkit
