// A member's own profile: Mastodon's limits, nothing half-written, and finding members by name.
#include "core/services/hashtags.hpp"
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

TEST(Specialties, AreNormalisedLikeHashtagsDeduplicatedAndInOrder)
{
    auto names = normalize_specialties({ "#Plaies", " Diabétologie ", "plaies", "", "PLAIES", "soins_palliatifs" });
    ASSERT_TRUE(names) << describe(names);
    EXPECT_EQ(*names, (std::vector<std::string> { "plaies", "diabétologie", "soins_palliatifs" }));
}

TEST(Specialties, ThatAreNotOneTagOrTooLongOrTooManyAreRefusedOnTheirField)
{
    for (const std::vector<std::string>& typed : { std::vector<std::string> { "soins palliatifs" },
             { "<script>" }, { "#" }, { std::string(kMaxSpecialtyCharacters + 1, 'a') } }) {
        auto refused = normalize_specialties(typed);
        ASSERT_FALSE(refused) << typed.front();
        EXPECT_EQ(refused.error().kind, ErrorKind::Unprocessable);
        EXPECT_EQ(refused.error().field, "confrere_specialties");
    }
    EXPECT_TRUE(normalize_specialties({ std::string(kMaxSpecialtyCharacters - 1, 'a') + "é" }))
        << "the limit counts characters, not bytes";
    std::vector<std::string> eleven;
    for (int i = 0; i < 11; ++i)
        eleven.push_back("s" + std::to_string(i));
    auto too_many = normalize_specialties(eleven);
    ASSERT_FALSE(too_many);
    EXPECT_EQ(too_many.error().field, "confrere_specialties");
    eleven.pop_back();
    EXPECT_TRUE(normalize_specialties(eleven));
}

TEST_F(ProfileServiceTest, SpecialtiesAreReplacedWholeAndARefusalChangesNothing)
{
    ProfileChange change;
    change.specialties = std::vector<std::string> { "#Plaies", "diabète" };
    ASSERT_TRUE(profiles_->update(alice_, change));
    EXPECT_EQ(stored(alice_.id).specialties, (std::vector<std::string> { "plaies", "diabète" }));

    change.display_name = "Alice";
    change.specialties = std::vector<std::string> { "plaies", "pas un tag" };
    auto refused = profiles_->update(stored(alice_.id), change);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().field, "confrere_specialties");
    model::Account a = stored(alice_.id);
    EXPECT_EQ(a.specialties, (std::vector<std::string> { "plaies", "diabète" }));
    EXPECT_EQ(a.display_name, alice_.display_name);

    change.display_name.reset();
    change.specialties = std::vector<std::string> { "" };
    ASSERT_TRUE(profiles_->update(a, change));
    EXPECT_TRUE(stored(alice_.id).specialties.empty()) << "one empty value clears them";
}

} // namespace
} // namespace confrere::services
