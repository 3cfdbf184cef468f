// A member's own profile: Mastodon's limits, nothing half-written, and finding members by name.
#include "core/services/profile_service.hpp"
#include "tests/support/fixtures.hpp"

#include <gtest/gtest.h>

namespace confrere::services {
namespace {

using testkit::describe;

class ProfileServiceTest : public testkit::ServicesTest {
protected:
    void SetUp() override
    {
        ServicesTest::SetUp();
        profiles_ = std::make_unique<ProfileService>(fx().store(), fx().clock());
        auto a = fx().add_member(testkit::pharmacist_alice());
        ASSERT_TRUE(a) << describe(a);
        alice_ = *a;
        auto b = fx().add_member(testkit::nurse_bob());
        ASSERT_TRUE(b) << describe(b);
        bob_ = *b;
    }

    model::Account stored(Id id)
    {
        auto found = fx().find_account(id);
        EXPECT_TRUE(found && *found);
        return found && *found ? **found : model::Account {};
    }

    std::unique_ptr<ProfileService> profiles_;
    model::Account alice_, bob_;
};

TEST_F(ProfileServiceTest, AChangeIsStoredWithOnlyTheFieldsGiven)
{
    ProfileChange change;
    change.display_name = "  Alice, pharmacienne  ";
    change.note = "Officine rurale <script>";
    change.discoverable = true;
    change.locale = "en";
    auto updated = profiles_->update(alice_, change);
    ASSERT_TRUE(updated) << describe(updated);
    model::Account a = stored(alice_.id);
    EXPECT_EQ(a.display_name, "Alice, pharmacienne");
    EXPECT_EQ(a.note, "Officine rurale <script>") << "stored as typed, escaped when shown";
    EXPECT_TRUE(a.discoverable);
    EXPECT_EQ(a.locked, alice_.locked);
    EXPECT_EQ(a.locale, "en");

    change = {};
    change.locale = "de";
    ASSERT_TRUE(profiles_->update(a, change));
    EXPECT_EQ(stored(alice_.id).locale, "en") << "only fr and en are offered";
}

TEST_F(ProfileServiceTest, TooLongTextIsRefusedWithItsFieldAndNothingChanges)
{
    ProfileChange change;
    change.locked = true;
    change.display_name = std::string(kMaxDisplayNameCharacters, 'x');
    change.note = std::string(kMaxNoteCharacters + 1, 'n');
    auto refused = profiles_->update(alice_, change);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Unprocessable);
    EXPECT_EQ(refused.error().field, "note");

    change.note.reset();
    change.display_name = std::string(kMaxDisplayNameCharacters, 'x') + "é";
    refused = profiles_->update(alice_, change);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().field, "display_name");
    model::Account a = stored(alice_.id);
    EXPECT_EQ(a.display_name, alice_.display_name);
    EXPECT_EQ(a.locked, alice_.locked);
}

} // namespace
} // namespace confrere::services
