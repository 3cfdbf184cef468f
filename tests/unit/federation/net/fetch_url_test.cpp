// What the fetcher makes of a URL before resolving anything, and where redirects lead.
#include "federation/net/fetch_url.hpp"

#include <gtest/gtest.h>

#include <string>

namespace confrere::federation {
namespace {

TEST(FetchUrl, HttpsUrlIsSplitForTheRequest)
{
    auto u = parse_fetch_url("https://Social.Example/users/alice?page=2#main");
    ASSERT_TRUE(u) << u.error().public_message;
    EXPECT_TRUE(u->tls);
    EXPECT_EQ(u->host, "social.example");
    EXPECT_FALSE(u->host_is_address);
    EXPECT_EQ(u->port, 443);
    EXPECT_EQ(u->host_header, "social.example");
    EXPECT_EQ(u->request_target, "/users/alice?page=2");
    EXPECT_EQ(u->url, "https://Social.Example/users/alice?page=2");
}

TEST(FetchUrl, DefaultPortIsLeftOutOfTheHostHeaderAndOtherPortsKept)
{
    auto explicit_default = parse_fetch_url("http://peer.example:80");
    ASSERT_TRUE(explicit_default);
    EXPECT_EQ(explicit_default->host_header, "peer.example");
    EXPECT_EQ(explicit_default->request_target, "/");
    auto other = parse_fetch_url("https://peer.example:8443/inbox");
    ASSERT_TRUE(other);
    EXPECT_EQ(other->port, 8443);
    EXPECT_EQ(other->host_header, "peer.example:8443");
}

TEST(FetchUrl, AddressLiteralsAreMarkedAsAddresses)
{
    auto v6 = parse_fetch_url("http://[2606:4700::1111]:8080/x");
    ASSERT_TRUE(v6);
    EXPECT_TRUE(v6->host_is_address);
    EXPECT_EQ(v6->host, "2606:4700::1111");
    EXPECT_EQ(v6->host_header, "[2606:4700::1111]:8080");
    auto v4 = parse_fetch_url("https://93.184.216.34/");
    ASSERT_TRUE(v4);
    EXPECT_TRUE(v4->host_is_address);
    EXPECT_EQ(v4->host, "93.184.216.34");
}

TEST(FetchUrl, PortsOutsideTheValidRangeAreRefusedNotWrappedAround)
{
    for (const char* url : { "http://peer.example:0/", "http://peer.example:65536/",
             "http://peer.example:99999/", "http://peer.example:4294967377/", "http://peer.example:/" }) {
        auto u = parse_fetch_url(url);
        ASSERT_FALSE(u) << url;
        EXPECT_EQ(u.error().kind, ErrorKind::InvalidInput) << url;
    }
    auto max = parse_fetch_url("http://peer.example:65535/");
    ASSERT_TRUE(max);
    EXPECT_EQ(max->port, 65535);
}

TEST(FetchUrl, HostNamesWithEncodedOrUnusualCharactersAreRefused)
{
    for (const char* url : { "http://exa%6dple.com/", "http://ex%00ample.com/", "http://[v7.abc]/",
             "http:///x", "http://a!b.example/", "http://a$b.example/" }) {
        auto u = parse_fetch_url(url);
        ASSERT_FALSE(u) << url;
        EXPECT_EQ(u.error().kind, ErrorKind::InvalidInput) << url;
    }
    EXPECT_TRUE(parse_fetch_url("https://xn--confrre-6ya.example/"));
}

TEST(FetchUrl, RelativeLocationsAreResolvedAgainstTheAnsweringUrl)
{
    EXPECT_EQ(resolve_redirect("https://a.example/users/alice", "/users/bob").value_or("?"),
        "https://a.example/users/bob");
    EXPECT_EQ(resolve_redirect("https://a.example/users/alice", "bob?x=1").value_or("?"),
        "https://a.example/users/bob?x=1");
    EXPECT_EQ(resolve_redirect("https://a.example/users/alice", "//b.example/x#frag").value_or("?"),
        "https://b.example/x");
    EXPECT_EQ(resolve_redirect("https://a.example/x", " https://c.example/y ").value_or("?"),
        "https://c.example/y");
}

TEST(FetchUrl, UnparsableLocationIsAPeerFailure)
{
    auto r = resolve_redirect("https://a.example/x", "http://bad host/");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::PeerFailed);
}

} // namespace
} // namespace confrere::federation
