// Trusted peers only, by default (DESIGN rule 3).
#include "core/services/peer_service.hpp"

#include "tests/support/test_store.hpp"

#include <gtest/gtest.h>

namespace confrere::services {
namespace {

const TimePoint kStart = from_unix_ms(1795464000000);

class PeerServiceTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto opened = testkit::open_test_store();
        ASSERT_TRUE(opened) << testkit::describe(opened);
        store_ = std::move(*opened);
    }
    PeerService service(FederationMode mode) { return PeerService(*store_.store, clock_, mode); }

    testkit::TestStore store_;
    FixedClock clock_{kStart};
};

TEST(PeerHost, UrlsAndCaseAreNormalisedToTheAuthority)
{
    EXPECT_EQ(normalize_peer_host("https://Soins.Example/").value_or(""), "soins.example");
    EXPECT_EQ(normalize_peer_host("soins.example").value_or(""), "soins.example");
    EXPECT_EQ(normalize_peer_host("127.0.0.1:8081").value_or(""), "127.0.0.1:8081");
    EXPECT_EQ(normalize_peer_host("[::1]:8443").value_or(""), "[::1]:8443");
    EXPECT_EQ(normalize_peer_host("http://podologie.example:8080").value_or(""), "podologie.example:8080");
}

TEST(PeerHost, AnythingButAHostIsRefused)
{
    for (const char* bad : {"", "soins example", "soins.example/users/alice", "user@soins.example",
                            "soins..example", ".soins.example", "soins.example:", "soins.example:99999",
                            "soins.example:80a", "[::1", "::1", "soins_example.fr", "javascript:alert(1)"}) {
        auto r = normalize_peer_host(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().kind, ErrorKind::InvalidInput) << bad;
    }
}

TEST_F(PeerServiceTest, InAllowlistModeOnlyTrustedPeersFederate)
{
    auto peers = service(FederationMode::Allowlist);
    ASSERT_TRUE(peers.trust("soins.example", "Ordre infirmier"));
    ASSERT_TRUE(peers.block("spam.example", ""));
    EXPECT_EQ(peers.may_federate("soins.example").value_or(false), true);
    EXPECT_EQ(peers.may_federate("SOINS.example").value_or(false), true);
    EXPECT_EQ(peers.may_federate("unknown.example").value_or(true), false);
    EXPECT_EQ(peers.may_federate("spam.example").value_or(true), false);
}

TEST_F(PeerServiceTest, InBlocklistModeEveryoneButBlockedPeersFederates)
{
    auto peers = service(FederationMode::Blocklist);
    ASSERT_TRUE(peers.block("spam.example", "abuse"));
    EXPECT_EQ(peers.may_federate("unknown.example").value_or(false), true);
    EXPECT_EQ(peers.may_federate("spam.example").value_or(true), false);
}

TEST_F(PeerServiceTest, AMalformedHostNeverFederates)
{
    auto peers = service(FederationMode::Blocklist);
    EXPECT_EQ(peers.may_federate("not a host").value_or(true), false);
}

TEST_F(PeerServiceTest, ANewDecisionReplacesTheOldOneAndKeepsItsCreationTime)
{
    auto peers = service(FederationMode::Allowlist);
    ASSERT_TRUE(peers.trust("soins.example", "first"));
    clock_.advance(std::chrono::hours(1));
    auto blocked = peers.block("soins.example", "second");
    ASSERT_TRUE(blocked);
    EXPECT_EQ(blocked->created_at, kStart);
    auto list = peers.list();
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ((*list)[0].state, model::PeerState::Blocked);
    EXPECT_EQ((*list)[0].note, "second");
    EXPECT_EQ(peers.may_federate("soins.example").value_or(true), false);
}

TEST_F(PeerServiceTest, ForgettingAnUnlistedPeerIsNotFound)
{
    auto peers = service(FederationMode::Allowlist);
    auto r = peers.forget("soins.example");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::NotFound);
}

TEST_F(PeerServiceTest, AForgottenPeerIsUntrustedAgain)
{
    auto peers = service(FederationMode::Allowlist);
    ASSERT_TRUE(peers.trust("soins.example", ""));
    ASSERT_TRUE(peers.forget("https://soins.example/"));
    EXPECT_EQ(peers.may_federate("soins.example").value_or(true), false);
    EXPECT_TRUE(peers.list().value_or(std::vector<model::Peer>{model::Peer{}}).empty());
}

TEST_F(PeerServiceTest, ListIsSortedByHost)
{
    auto peers = service(FederationMode::Allowlist);
    ASSERT_TRUE(peers.trust("soins.example", ""));
    ASSERT_TRUE(peers.trust("podologie.example", ""));
    ASSERT_TRUE(peers.trust("pharmacie.example", ""));
    auto list = peers.list();
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 3u);
    EXPECT_EQ((*list)[0].host, "pharmacie.example");
    EXPECT_EQ((*list)[2].host, "soins.example");
}

} // namespace
} // namespace confrere::services
