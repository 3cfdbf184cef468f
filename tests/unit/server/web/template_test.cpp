// The web UI's template engine: escaping by default, sections, partials, translations, and
// the templates that must not compile.
#include "server/web/i18n.hpp"
#include "server/web/template.hpp"

#include <gtest/gtest.h>

namespace confrere::server::web {
namespace {

Catalogue texts()
{
    auto c = Catalogue::parse("fr", "greeting = Bonjour {} !\nplain = <b>gras</b>\n");
    EXPECT_TRUE(c.has_value());
    return *c;
}

std::string render(const std::map<std::string, std::string, std::less<>>& sources, const Value& data,
    std::string_view name = "page")
{
    auto set = TemplateSet::compile(sources);
    EXPECT_TRUE(set.has_value()) << (set ? "" : set.error().public_message);
    std::string out;
    if (set) {
        EXPECT_TRUE(set->render(name, data, texts(), out).has_value());
    }
    return out;
}

TEST(Template, ValuesAreEscapedByDefault)
{
    Value data = Value::object();
    data.set("text", "<script>alert('x') & \"y\"</script>");
    EXPECT_EQ(render({ { "page", "<p>{{text}}</p>" } }, data),
        "<p>&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;</p>");
}

TEST(Template, TripleMustacheIsNotARawEscape)
{
    Value data = Value::object();
    data.set("text", "<i>");
    auto set = TemplateSet::compile({ { "page", "{{{text}}}" } });
    EXPECT_FALSE(set.has_value());
}

TEST(Template, OnlyHtmlValuesAreWrittenAsTheyAre)
{
    Value data = Value::object();
    data.set("content", Html { "<p>safe</p>" });
    data.set("text", "<p>typed</p>");
    EXPECT_EQ(render({ { "page", "{{content}}{{text}}" } }, data), "<p>safe</p>&lt;p&gt;typed&lt;/p&gt;");
}

TEST(Template, SectionsIterateListsAndInvertedSectionsShowEmptiness)
{
    Value data = Value::object();
    Value items(Value::List {});
    for (auto name : { "a", "b" }) {
        Value item = Value::object();
        item.set("name", name);
        items.push(std::move(item));
    }
    data.set("items", std::move(items));
    data.set("none", Value::List {});
    EXPECT_EQ(
        render(
            { { "page", "{{#items}}[{{name}}]{{/items}}{{^none}}empty{{/none}}{{#none}}x{{/none}}" } }, data),
        "[a][b]empty");
}

TEST(Template, NamesAreLookedUpTheStackAndThroughDots)
{
    Value data = Value::object();
    data.set("csrf", "token");
    Value user = Value::object();
    user.set("name", "Ana");
    data.set("user", user);
    Value list(Value::List {});
    list.push(user);
    data.set("list", std::move(list));
    EXPECT_EQ(
        render({ { "page", "{{user.name}}{{#list}}/{{name}}:{{csrf}}{{/list}}{{missing.name}}" } }, data),
        "Ana/Ana:token");
}

TEST(Template, PartialsSeeTheSameDataAndMayRecurseOverData)
{
    Value leaf = Value::object();
    leaf.set("name", "leaf");
    leaf.set("kids", Value::List {});
    Value root = Value::object();
    root.set("name", "root");
    root.set("kids", Value::List { leaf });
    EXPECT_EQ(render({ { "page", "{{>node}}" }, { "node", "({{name}}{{#kids}}{{>node}}{{/kids}})" } }, root),
        "(root(leaf))");
}

TEST(Template, UnboundedSelfInclusionFailsInsteadOfOverflowing)
{
    auto set = TemplateSet::compile({ { "page", "x{{>page}}" } });
    ASSERT_TRUE(set.has_value());
    std::string out;
    auto rc = set->render("page", Value::object(), texts(), out);
    ASSERT_FALSE(rc.has_value());
    EXPECT_EQ(rc.error().kind, ErrorKind::Internal);
}

TEST(Template, TranslationsAreEscapedAndTakeOneEscapedArgument)
{
    Value data = Value::object();
    data.set("who", "<Ana>");
    EXPECT_EQ(render({ { "page", "{{@greeting who}}|{{@plain}}" } }, data),
        "Bonjour &lt;Ana&gt; !|&lt;b&gt;gras&lt;/b&gt;");
}

TEST(Template, TextKeysListsEveryCatalogueKeyUsed)
{
    auto set = TemplateSet::compile({ { "a", "{{@one}}{{@two x}}" }, { "b", "{{@one}}" } });
    ASSERT_TRUE(set.has_value());
    EXPECT_EQ(set->text_keys(), (std::vector<std::string> { "one", "two" }));
}

TEST(Template, MalformedTemplatesAreRefusedWithTheirLine)
{
    for (std::string_view bad :
        { "{{#a}}open", "{{/a}}", "{{#a}}{{/b}}", "{{name", "{{>nowhere}}", "{{bad name}}" }) {
        auto set = TemplateSet::compile({ { "page", std::string("line one\n") + std::string(bad) } });
        ASSERT_FALSE(set.has_value()) << bad;
        EXPECT_NE(set.error().public_message.find("page"), std::string::npos) << set.error().public_message;
    }
}

TEST(Catalogue, RefusesLinesWithoutEqualsAndDuplicateKeys)
{
    EXPECT_FALSE(Catalogue::parse("fr", "a = 1\nno equals here\n").has_value());
    EXPECT_FALSE(Catalogue::parse("fr", "a = 1\na = 2\n").has_value());
    auto ok = Catalogue::parse("fr", "# comment\n\n a = un = 1 \n");
    ASSERT_TRUE(ok.has_value());
    EXPECT_EQ(ok->text("a"), "un = 1");
    EXPECT_EQ(ok->text("missing"), "missing");
}

TEST(Language, AcceptLanguageIsReadByQualityThenOrder)
{
    EXPECT_EQ(language_from_accept("en-GB,en;q=0.9,fr;q=0.8"), "en");
    EXPECT_EQ(language_from_accept("de-DE, fr;q=0.5, en;q=0.4"), "fr");
    EXPECT_EQ(language_from_accept("en;q=0.2, FR-ca;q=0.9"), "fr");
    EXPECT_EQ(language_from_accept("de, it"), std::nullopt);
    EXPECT_EQ(language_from_accept("en;q=0"), std::nullopt);
    EXPECT_EQ(language_from_accept(""), std::nullopt);
}

TEST(Template, CountTagPicksOneOrOtherByTheLanguagesPluralRule)
{
    auto set = TemplateSet::compile({ { "page", "{{@members #n}}" } });
    ASSERT_TRUE(set.has_value());
    EXPECT_EQ(set->text_keys(), (std::vector<std::string> { "members.one", "members.other" }));
    auto fr = Catalogue::parse("fr", "members.one = {} membre\nmembers.other = {} membres\n");
    auto en = Catalogue::parse("en", "members.one = {} member\nmembers.other = {} members\n");
    ASSERT_TRUE(fr.has_value() && en.has_value());
    auto shown = [&](const Catalogue& c, std::string n) {
        Value data = Value::object();
        data.set("n", std::move(n));
        std::string out;
        EXPECT_TRUE(set->render("page", data, c, out).has_value());
        return out;
    };
    EXPECT_EQ(shown(*fr, "0"), "0 membre") << "French: 0 is singular";
    EXPECT_EQ(shown(*fr, "1"), "1 membre");
    EXPECT_EQ(shown(*fr, "2"), "2 membres");
    EXPECT_EQ(shown(*en, "0"), "0 members");
    EXPECT_EQ(shown(*en, "1"), "1 member");
    EXPECT_EQ(shown(*en, "21"), "21 members");
    EXPECT_EQ(shown(*en, "many"), "many members") << "not a number: the plural, escaped as any value";
    EXPECT_FALSE(TemplateSet::compile({ { "page", "{{@members #}}" } }).has_value());
}

} // namespace
} // namespace confrere::server::web
