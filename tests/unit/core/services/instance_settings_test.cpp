// The admins' instance settings: the configuration's values until saved, validation of every
// field at once, one transaction for all keys, and admins only.
#include "core/services/instance_settings.hpp"

#include "tests/support/test_store.hpp"

#include <gtest/gtest.h>

namespace confrere::services {
namespace {

model::Account account(model::Role role)
{
    model::Account a;
    a.id = 7;
    a.username = "anne";
    a.role = role;
    a.state = model::AccountState::Active;
    return a;
}

class InstanceSettingsTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto opened = testkit::open_test_store();
        ASSERT_TRUE(opened) << testkit::describe(opened);
        store_ = std::move(*opened);
    }
    InstanceSettings defaults() const { return { "Confrère", "Depuis le fichier", "", true, {} }; }

    testkit::TestStore store_;
};

TEST(InstanceRules, OneRuleALineWithoutBlankLinesOrSurroundingSpaces)
{
    EXPECT_EQ(rules_from_lines("  Premier article \r\n\n\nDeuxième\n  \n"),
        (std::vector<std::string> { "Premier article", "Deuxième" }));
    EXPECT_TRUE(rules_from_lines("\n \n").empty());
}

TEST_F(InstanceSettingsTest, TheConfigurationGivesTheValuesUntilAnAdminSaves)
{
    InstanceSettingsService service(*store_.store, defaults());
    EXPECT_EQ(service.current()->name, "Confrère");
    InstanceSettings wanted { "  Confrère Bretagne ", "Bretagne", "contact@bretagne.test", false, { "Secret médical" } };
    auto saved = service.update(account(model::Role::Admin), wanted);
    ASSERT_TRUE(saved) << saved.error().public_message;
    EXPECT_EQ(saved->name, "Confrère Bretagne");

    // A new service (a restart) reads what was stored, not the file's defaults.
    InstanceSettingsService restarted(*store_.store, defaults());
    auto current = restarted.current();
    ASSERT_TRUE(current);
    EXPECT_EQ(current->name, "Confrère Bretagne");
    EXPECT_EQ(current->contact_email, "contact@bretagne.test");
    EXPECT_FALSE(current->registrations_open);
    EXPECT_EQ(current->rules, (std::vector<std::string> { "Secret médical" }));
}

TEST_F(InstanceSettingsTest, EveryInvalidFieldIsReportedAndNothingIsStored)
{
    InstanceSettingsService service(*store_.store, defaults());
    InstanceSettings bad { " ", std::string(2001, 'd'), "nope", false, std::vector<std::string>(21, "r") };
    auto errors = service.field_errors(bad);
    std::vector<std::string> fields;
    for (const Error& e : errors)
        fields.push_back(e.field);
    EXPECT_EQ(fields, (std::vector<std::string> { "name", "description", "contact_email", "rules" }));
    auto refused = service.update(account(model::Role::Admin), bad);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::Unprocessable);
    EXPECT_EQ(refused.error().field, "name");

    // Limits are in code points: 300 accented letters are a valid rule, 301 are not.
    std::string rule;
    for (int i = 0; i < 300; ++i)
        rule += "é";
    InstanceSettings edge = defaults();
    edge.rules = { rule };
    EXPECT_TRUE(service.field_errors(edge).empty());
    edge.rules = { rule + "é" };
    ASSERT_EQ(service.field_errors(edge).size(), 1u);
    edge.rules = { "Une ligne\x01 de contrôle" };
    EXPECT_EQ(service.field_errors(edge).size(), 1u);

    InstanceSettingsService restarted(*store_.store, defaults());
    EXPECT_EQ(restarted.current()->name, "Confrère");
    EXPECT_TRUE(restarted.current()->registrations_open);
}

TEST_F(InstanceSettingsTest, OnlyAdminsChangeThem)
{
    InstanceSettingsService service(*store_.store, defaults());
    InstanceSettings wanted = defaults();
    wanted.registrations_open = false;
    for (model::Role role : { model::Role::Member, model::Role::Moderator, model::Role::Partner }) {
        auto refused = service.update(account(role), wanted);
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error().kind, ErrorKind::Forbidden);
    }
    EXPECT_TRUE(service.current()->registrations_open);
}

} // namespace
} // namespace confrere::services
