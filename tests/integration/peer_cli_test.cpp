// `confrere admin peer add|block|remove|list`: the admin's allowlist, as scripts drive it.
#include "tests/integration/scenario.hpp"

namespace confrere::testkit {
namespace {

class PeerCommands : public IntegrationTest {};

TEST_F(PeerCommands, AddedPeersAreListedWithTheirStateAndNote)
{
    auto added = instance_.admin("peer", "add", "https://Soins.Example/", "--note", "Ordre infirmier");
    ASSERT_EQ(added.exit_code, 0) << added.err;
    ASSERT_EQ(instance_.admin("peer", "block", "spam.example").exit_code, 0);
    auto list = instance_.admin("peer", "list");
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_NE(list.out.find("federation mode: allowlist"), std::string::npos) << list.out;
    EXPECT_NE(list.out.find("soins.example  trusted"), std::string::npos) << list.out;
    EXPECT_NE(list.out.find("Ordre infirmier"), std::string::npos) << list.out;
    EXPECT_NE(list.out.find("spam.example  blocked"), std::string::npos) << list.out;
}

TEST_F(PeerCommands, RemovedPeerDisappears)
{
    ASSERT_EQ(instance_.admin("peer", "add", "soins.example").exit_code, 0);
    ASSERT_EQ(instance_.admin("peer", "remove", "soins.example").exit_code, 0);
    auto list = instance_.admin("peer", "list");
    EXPECT_EQ(list.out.find("soins.example"), std::string::npos) << list.out;
}

TEST_F(PeerCommands, RemovingAnUnlistedPeerFailsWithAMessage)
{
    auto removed = instance_.admin("peer", "remove", "inconnu.example");
    EXPECT_EQ(removed.exit_code, 1);
    EXPECT_NE(removed.err.find("not listed"), std::string::npos) << removed.err;
}

TEST_F(PeerCommands, AMalformedHostIsRefused)
{
    auto added = instance_.admin("peer", "add", "soins.example/users/alice");
    EXPECT_EQ(added.exit_code, 1);
    EXPECT_FALSE(added.err.empty());
    auto list = instance_.admin("peer", "list");
    EXPECT_EQ(list.out.find("soins.example"), std::string::npos) << list.out;
}

} // namespace
} // namespace confrere::testkit
