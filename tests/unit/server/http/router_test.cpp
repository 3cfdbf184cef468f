// The route table: literal segments over parameters, 404 against 405, HEAD, slashes.
#include "server/http/router.hpp"

#include <gtest/gtest.h>

#include <string>

namespace confrere::server::http {
namespace {

// A handler that answers with its own name, so a test can tell which route matched.
Handler named(std::string name)
{
    return [name](const Request&, const PathParams&) {
        Response r;
        r.body = name;
        return r;
    };
}

std::string matched(const Router& router, std::string_view method, std::string_view path)
{
    auto m = router.match(method, path);
    if (m.handler == nullptr)
        return m.path_known ? "(405)" : "(404)";
    return (*m.handler)(Request{}, m.params).body;
}

TEST(Router, LiteralSegmentBeatsAParameterRegisteredBeforeIt)
{
    Router router;
    router.add("GET", "/api/v1/accounts/:id", named("by id"));
    router.add("GET", "/api/v1/accounts/verify_credentials", named("verify"));
    EXPECT_EQ(matched(router, "GET", "/api/v1/accounts/verify_credentials"), "verify");
    EXPECT_EQ(matched(router, "GET", "/api/v1/accounts/123"), "by id");
}

TEST(Router, LiteralSegmentBeatsAParameterRegisteredAfterIt)
{
    Router router;
    router.add("GET", "/api/v1/accounts/verify_credentials", named("verify"));
    router.add("GET", "/api/v1/accounts/:id", named("by id"));
    EXPECT_EQ(matched(router, "GET", "/api/v1/accounts/verify_credentials"), "verify");
    EXPECT_EQ(matched(router, "GET", "/api/v1/accounts/123"), "by id");
}

TEST(Router, ParametersAreCapturedByName)
{
    Router router;
    router.add("POST", "/api/v1/admin/accounts/:id/:action", named("admin"));
    auto m = router.match("POST", "/api/v1/admin/accounts/42/approve");
    ASSERT_NE(m.handler, nullptr);
    EXPECT_EQ(m.params.at("id"), "42");
    EXPECT_EQ(m.params.at("action"), "approve");
    EXPECT_EQ(m.params.size(), 2u);
}

TEST(Router, UnknownPathIsNotFoundAndNotKnown)
{
    Router router;
    router.add("GET", "/users/:username", named("user"));
    auto m = router.match("GET", "/groups/pharma");
    EXPECT_EQ(m.handler, nullptr);
    EXPECT_FALSE(m.path_known);
}

TEST(Router, PathKnownForAnotherMethodIsMethodNotAllowed)
{
    Router router;
    router.add("POST", "/api/v1/accounts", named("register"));
    auto m = router.match("GET", "/api/v1/accounts");
    EXPECT_EQ(m.handler, nullptr);
    EXPECT_TRUE(m.path_known);
    EXPECT_EQ(m.allowed, "POST");
}

TEST(Router, AllowListsEveryMethodOfThePathAndHeadWithGet)
{
    Router router;
    router.add("GET", "/users/:username", named("actor"));
    router.add("POST", "/users/:username", named("update"));
    auto m = router.match("DELETE", "/users/alice");
    EXPECT_TRUE(m.path_known);
    EXPECT_EQ(m.allowed, "GET, HEAD, POST");
}

TEST(Router, MethodsAreCaseSensitive)
{
    Router router;
    router.add("GET", "/health", named("health"));
    EXPECT_EQ(matched(router, "get", "/health"), "(405)");
}

TEST(Router, ExtraOrMissingSegmentsDoNotMatch)
{
    Router router;
    router.add("GET", "/users/:username", named("user"));
    EXPECT_EQ(matched(router, "GET", "/users"), "(404)");
    EXPECT_EQ(matched(router, "GET", "/users/alice/inbox"), "(404)");
}

TEST(Router, HeadIsAnsweredByTheGetHandler)
{
    Router router;
    router.add("GET", "/.well-known/nodeinfo", named("nodeinfo"));
    EXPECT_EQ(matched(router, "HEAD", "/.well-known/nodeinfo"), "nodeinfo");
}

TEST(Router, HeadIsNotAnsweredByAPostHandler)
{
    Router router;
    router.add("POST", "/inbox", named("inbox"));
    EXPECT_EQ(matched(router, "HEAD", "/inbox"), "(405)");
}

TEST(Router, TrailingSlashMatchesTheSameRoute)
{
    Router router;
    router.add("GET", "/users/:username", named("user"));
    auto m = router.match("GET", "/users/alice/");
    ASSERT_NE(m.handler, nullptr);
    EXPECT_EQ(m.params.at("username"), "alice");
}

TEST(Router, RepeatedSlashesAreCollapsed)
{
    Router router;
    router.add("GET", "/api/v1/instance", named("instance"));
    EXPECT_EQ(matched(router, "GET", "//api///v1/instance"), "instance");
}

TEST(Router, RootRouteMatchesOnlyTheRoot)
{
    Router router;
    router.add("GET", "/", named("root"));
    EXPECT_EQ(matched(router, "GET", "/"), "root");
    EXPECT_EQ(matched(router, "GET", ""), "root");
    EXPECT_EQ(matched(router, "GET", "/x"), "(404)");
}

TEST(Router, LiteralsAreCaseSensitive)
{
    Router router;
    router.add("GET", "/api/v1/instance", named("instance"));
    EXPECT_EQ(matched(router, "GET", "/API/v1/instance"), "(404)");
}

TEST(Router, RouteLimitsComeWithTheMatch)
{
    Router router;
    router.add("POST", "/api/v1/accounts", named("register"), RouteLimits{8u << 20});
    router.add("POST", "/api/v1/statuses", named("post"));
    EXPECT_EQ(router.match("POST", "/api/v1/accounts").limits.max_body_bytes, 8u << 20);
    EXPECT_EQ(router.match("POST", "/api/v1/statuses").limits.max_body_bytes, 0u);
}

TEST(SplitPath, DropsEmptySegments)
{
    auto parts = split_path("//a/b//c/");
    ASSERT_EQ(parts.size(), 3u);
    EXPECT_EQ(parts[0], "a");
    EXPECT_EQ(parts[1], "b");
    EXPECT_EQ(parts[2], "c");
    EXPECT_TRUE(split_path("/").empty());
    EXPECT_TRUE(split_path("").empty());
}

} // namespace
} // namespace confrere::server::http

namespace confrere::server::http {
namespace {

TEST(RouterFastPath, ARouteWithAFastPathExposesItAndItsHandler)
{
    Router router;
    router.add(
        "GET", "/users/:username",
        [](const Request&, const PathParams&) -> std::optional<Response> { return std::nullopt; },
        [](const Request&, const PathParams&) { return Response{}; });
    router.add("GET", "/health", [](const Request&, const PathParams&) { return Response{}; });
    auto actor = router.match("GET", "/users/alice");
    ASSERT_NE(actor.handler, nullptr);
    EXPECT_NE(actor.fast, nullptr);
    EXPECT_EQ(actor.params.at("username"), "alice");
    auto health = router.match("GET", "/health");
    ASSERT_NE(health.handler, nullptr);
    EXPECT_EQ(health.fast, nullptr);
}

} // namespace
TEST(Router, AtParameterTakesOnlySegmentsStartingWithAt)
{
    Router router;
    router.add("GET", "/@:username", named("profile"));
    router.add("GET", "/home", named("home"));
    EXPECT_EQ(matched(router, "GET", "/@alice"), "profile");
    EXPECT_EQ(router.match("GET", "/@alice").params.at("username"), "alice");
    EXPECT_EQ(router.match("GET", "/@bob@soins.example").params.at("username"), "bob@soins.example");
    EXPECT_EQ(matched(router, "GET", "/alice"), "(404)");
    EXPECT_EQ(matched(router, "GET", "/@"), "(404)");
    EXPECT_EQ(matched(router, "GET", "/home"), "home");
}

} // namespace confrere::server::http
