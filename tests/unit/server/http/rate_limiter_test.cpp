#include "server/http/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace confrere::server::http {
namespace {

// 2026-11-23T20:00:00Z, at the start of a 5-minute window.
const TimePoint kStart = from_unix_ms(1795464000000);

TEST(RateLimiter, RequestsWithinTheLimitAreAllowedAndCountDown)
{
    FixedClock clock(kStart);
    RateLimiter limiter(clock);
    RateRule rule{"sign_in", 3, std::chrono::seconds(300)};
    EXPECT_EQ(limiter.hit(rule, "10.0.0.1").remaining, 2);
    EXPECT_EQ(limiter.hit(rule, "10.0.0.1").remaining, 1);
    auto third = limiter.hit(rule, "10.0.0.1");
    EXPECT_TRUE(third.allowed);
    EXPECT_EQ(third.remaining, 0);
}

TEST(RateLimiter, TheRequestPastTheLimitIsRefusedUntilTheWindowEnds)
{
    FixedClock clock(kStart);
    RateLimiter limiter(clock);
    RateRule rule{"sign_in", 2, std::chrono::seconds(300)};
    limiter.hit(rule, "a");
    limiter.hit(rule, "a");
    auto refused = limiter.hit(rule, "a");
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.reset, kStart + std::chrono::seconds(300));
    clock.advance(std::chrono::seconds(299));
    EXPECT_FALSE(limiter.hit(rule, "a").allowed);
    clock.advance(std::chrono::seconds(1));
    EXPECT_TRUE(limiter.hit(rule, "a").allowed);
}

TEST(RateLimiter, KeysAndRulesAreCountedSeparately)
{
    FixedClock clock(kStart);
    RateLimiter limiter(clock);
    RateRule sign_in{"sign_in", 1, std::chrono::seconds(300)};
    RateRule registration{"registration", 1, std::chrono::seconds(1800)};
    EXPECT_TRUE(limiter.hit(sign_in, "a").allowed);
    EXPECT_TRUE(limiter.hit(sign_in, "b").allowed);
    EXPECT_TRUE(limiter.hit(registration, "a").allowed);
    EXPECT_FALSE(limiter.hit(sign_in, "a").allowed);
}

TEST(RateLimiter, AZeroLimitDisablesTheRule)
{
    FixedClock clock(kStart);
    RateLimiter limiter(clock);
    RateRule off{"sign_in", 0, std::chrono::seconds(300)};
    for (int i = 0; i < 100; ++i)
        EXPECT_TRUE(limiter.hit(off, "a").allowed);
}

TEST(RateKey, Ipv4AddressIsItsOwnKey)
{
    EXPECT_EQ(rate_key_for_address("192.0.2.7"), "192.0.2.7");
}

TEST(RateKey, Ipv6AddressesOfOneSlash64ShareAKey)
{
    EXPECT_EQ(rate_key_for_address("2001:db8:1:2:aaaa::5"), rate_key_for_address("2001:db8:1:2:bbbb::9"));
    EXPECT_NE(rate_key_for_address("2001:db8:1:2::5"), rate_key_for_address("2001:db8:1:3::5"));
}

TEST(RateKey, ElidedIpv6PrefixIsHandled)
{
    EXPECT_EQ(rate_key_for_address("::1"), "::/64");
    EXPECT_EQ(rate_key_for_address("2001:db8:1:2:aaaa::5"), "2001:db8:1:2::/64");
    EXPECT_EQ(rate_key_for_address("2001:db8::1"), rate_key_for_address("2001:db8::2"));
}

} // namespace
} // namespace confrere::server::http
