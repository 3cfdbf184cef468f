// The web UI embedded in the binary: every template compiles, both catalogues hold the same
// keys, and the pre-session form token is bound to its cookie.
#include "core/crypto/secrets.hpp"
#include "server/web/web_ui.hpp"

#include <gtest/gtest.h>

namespace confrere::server::web {
namespace {

TEST(WebUi, EmbeddedTemplatesAndCataloguesLoad)
{
    ASSERT_TRUE(crypto::init_crypto().has_value());
    auto ui = WebUi::load();
    ASSERT_TRUE(ui.has_value()) << ui.error().public_message;
    EXPECT_TRUE((*ui)->templates().contains("layout"));
    EXPECT_NE((*ui)->asset("app.css"), nullptr);
    EXPECT_NE((*ui)->asset("app.js"), nullptr);
    EXPECT_EQ((*ui)->asset("missing.css"), nullptr);
}

TEST(WebUi, FrenchAndEnglishCataloguesHaveTheSameUiKeys)
{
    ASSERT_TRUE(crypto::init_crypto().has_value());
    auto ui = WebUi::load();
    ASSERT_TRUE(ui.has_value());
    // French also translates the services' English messages (keys with a space); English
    // shows those as they are.
    auto ui_keys = [](const Catalogue& c) {
        std::vector<std::string> keys;
        for (auto& k : c.keys())
            if (k.find(' ') == std::string::npos)
                keys.push_back(k);
        return keys;
    };
    EXPECT_EQ(ui_keys((*ui)->texts("fr")), ui_keys((*ui)->texts("en")));
    EXPECT_EQ((*ui)->texts("de").code(), "fr");
}

TEST(WebUi, FormTokenIsBoundToThePresession)
{
    ASSERT_TRUE(crypto::init_crypto().has_value());
    auto ui = WebUi::load();
    ASSERT_TRUE(ui.has_value());
    EXPECT_EQ((*ui)->form_token("a"), (*ui)->form_token("a"));
    EXPECT_NE((*ui)->form_token("a"), (*ui)->form_token("b"));
    auto other = WebUi::load();
    ASSERT_TRUE(other.has_value());
    EXPECT_NE((*ui)->form_token("a"), (*other)->form_token("a")) << "each start draws its own key";
}

} // namespace
} // namespace confrere::server::web
