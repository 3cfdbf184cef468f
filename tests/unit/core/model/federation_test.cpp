// Names of the federation enums (what storage writes) and the audience order of replies.
#include "core/model/federation.hpp"

#include <gtest/gtest.h>

namespace confrere::model {
namespace {

TEST(FederationNames, EveryValueRoundTripsThroughItsName)
{
    for (FollowState s : { FollowState::Pending, FollowState::Accepted })
        EXPECT_EQ(follow_state_from_string(to_string(s)), s);
    for (Audience a : { Audience::Instance, Audience::Followers, Audience::Direct, Audience::Group })
        EXPECT_EQ(audience_from_string(to_string(a)), a);
    for (InteractionKind k : { InteractionKind::Like, InteractionKind::Announce })
        EXPECT_EQ(interaction_kind_from_string(to_string(k)), k);
    for (DeliveryState s : { DeliveryState::Pending, DeliveryState::Delivered, DeliveryState::Dead })
        EXPECT_EQ(delivery_state_from_string(to_string(s)), s);
}

TEST(FederationNames, NamesAreTheLowerCaseOnesStorageChecks)
{
    EXPECT_EQ(to_string(FollowState::Accepted), "accepted");
    EXPECT_EQ(to_string(Audience::Followers), "followers");
    EXPECT_EQ(to_string(Audience::Instance), "instance");
    EXPECT_EQ(to_string(InteractionKind::Announce), "announce");
    EXPECT_EQ(to_string(DeliveryState::Dead), "dead");
}

TEST(FederationNames, UnknownOrWronglyCasedNamesAreRejected)
{
    EXPECT_FALSE(follow_state_from_string("Accepted"));
    EXPECT_FALSE(audience_from_string("public"));
    EXPECT_FALSE(audience_from_string(""));
    EXPECT_FALSE(interaction_kind_from_string("boost"));
    EXPECT_FALSE(delivery_state_from_string("failed"));
}

TEST(Audiences, DirectFitsInEveryAudience)
{
    for (Audience parent : { Audience::Instance, Audience::Followers, Audience::Direct, Audience::Group })
        EXPECT_TRUE(is_not_wider(Audience::Direct, parent)) << to_string(parent);
}

TEST(Audiences, EachAudienceFitsInItself)
{
    for (Audience a : { Audience::Instance, Audience::Followers, Audience::Direct, Audience::Group })
        EXPECT_TRUE(is_not_wider(a, a)) << to_string(a);
}

TEST(Audiences, FollowersReplyToAnInstancePostIsWiderBecauseOfRemoteFollowers)
{
    EXPECT_FALSE(is_not_wider(Audience::Followers, Audience::Instance));
}

TEST(Audiences, InstanceReplyToAFollowersPostIsWiderBecauseOfMembersWhoDoNotFollow)
{
    EXPECT_FALSE(is_not_wider(Audience::Instance, Audience::Followers));
}

TEST(Audiences, NothingButDirectFitsInADirectOrAGroupPost)
{
    for (Audience a : { Audience::Instance, Audience::Followers, Audience::Group })
        EXPECT_FALSE(is_not_wider(a, Audience::Direct)) << to_string(a);
    for (Audience a : { Audience::Instance, Audience::Followers })
        EXPECT_FALSE(is_not_wider(a, Audience::Group)) << to_string(a);
    EXPECT_FALSE(is_not_wider(Audience::Group, Audience::Instance));
    EXPECT_FALSE(is_not_wider(Audience::Group, Audience::Followers));
}

} // namespace
} // namespace confrere::model
