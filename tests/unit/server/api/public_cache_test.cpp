#include "server/api/public_cache.hpp"

#include <gtest/gtest.h>

namespace confrere::server::api {
namespace {

const TimePoint kStart = from_unix_ms(1795464000000);

void add_cors(http::Response& r)
{
    r.with_header("Access-Control-Allow-Origin", "*");
}

TEST(PublicCache, AnEntryIsServedUntilItsTimeToLiveEnds)
{
    FixedClock clock(kStart);
    PublicCache cache(clock, std::chrono::seconds(10));
    cache.put("k", CachedDocument{200, "application/json", "{}"});
    ASSERT_NE(cache.get("k"), nullptr);
    clock.advance(std::chrono::milliseconds(9999));
    EXPECT_NE(cache.get("k"), nullptr);
    clock.advance(std::chrono::milliseconds(1));
    EXPECT_EQ(cache.get("k"), nullptr);
}

TEST(PublicCache, ClearForgetsEverything)
{
    FixedClock clock(kStart);
    PublicCache cache(clock, std::chrono::seconds(10));
    cache.put("a", CachedDocument{200, "t", "a"});
    cache.put("b", CachedDocument{404, "t", "b"});
    cache.clear();
    EXPECT_EQ(cache.get("a"), nullptr);
    EXPECT_EQ(cache.get("b"), nullptr);
}

TEST(PublicCache, AZeroTimeToLiveCachesNothing)
{
    FixedClock clock(kStart);
    PublicCache cache(clock, std::chrono::seconds(0));
    cache.put("k", CachedDocument{200, "t", "x"});
    EXPECT_EQ(cache.get("k"), nullptr);
}

TEST(PublicCache, SizeStaysBoundedUnderAFloodOfDistinctKeys)
{
    FixedClock clock(kStart);
    PublicCache cache(clock, std::chrono::seconds(10), 3);
    for (int i = 0; i < 10; ++i)
        cache.put("k" + std::to_string(i), CachedDocument{404, "t", ""});
    int kept = 0;
    for (int i = 0; i < 10; ++i)
        kept += cache.get("k" + std::to_string(i)) != nullptr;
    EXPECT_LE(kept, 3);
    EXPECT_NE(cache.get("k9"), nullptr) << "the latest entry is kept";
}

TEST(CachedResponse, HitRebuildsTheResponseAndDecoratesOnlySuccesses)
{
    FixedClock clock(kStart);
    PublicCache cache(clock, std::chrono::seconds(10));
    http::Response ok_response;
    ok_response.content_type = "application/jrd+json";
    ok_response.body = "{\"subject\":\"acct:a@h\"}";
    remember(cache, "found", ok_response);
    http::Response missing = http::error_response(Error{ErrorKind::NotFound, "Not found.", {}, {}});
    remember(cache, "missing", missing);

    auto hit = cached_response(cache, "found", add_cors);
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ(hit->status, 200);
    EXPECT_EQ(hit->body, ok_response.body);
    EXPECT_EQ(hit->content_type, "application/jrd+json");
    ASSERT_EQ(hit->headers.size(), 1u);

    auto miss = cached_response(cache, "missing", add_cors);
    ASSERT_TRUE(miss.has_value());
    EXPECT_EQ(miss->status, 404);
    EXPECT_TRUE(miss->headers.empty());
    EXPECT_FALSE(cached_response(cache, "never", add_cors).has_value());
}

TEST(CachedResponse, ServerErrorsAreNeverRemembered)
{
    FixedClock clock(kStart);
    PublicCache cache(clock, std::chrono::seconds(10));
    remember(cache, "busy", http::error_response(Error{ErrorKind::Unavailable, "busy", {}, {}}));
    EXPECT_FALSE(cached_response(cache, "busy", nullptr).has_value());
}

} // namespace
} // namespace confrere::server::api
