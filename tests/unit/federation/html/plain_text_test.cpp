// Local posts rendered from plain text. Every output is checked to be a fixed point of the
// sanitiser: what we store and federate is exactly what we would accept from a peer.
#include "federation/html/plain_text.hpp"
#include "federation/html/sanitizer.hpp"
#include "core/services/hashtags.hpp"

#include <gtest/gtest.h>

#include <string>

namespace confrere::federation {
namespace {

constexpr std::string_view kBase = "https://pharma.example";

std::string render(std::string_view text, std::string_view base = kBase)
{
    const std::string html = render_plain_text(text, base);
    EXPECT_EQ(sanitize_html(html), html) << "not a fixed point of sanitize_html; input: " << text;
    return html;
}

std::string tag_link(std::string_view href_name, std::string_view name)
{
    return "<a href=\"https://pharma.example/tags/" + std::string(href_name)
        + "\" class=\"mention hashtag\" rel=\"tag nofollow noopener noreferrer\" target=\"_blank\">#<span>"
        + std::string(name) + "</span></a>";
}

constexpr std::string_view kLinkAttributes = " rel=\"nofollow noopener noreferrer\" target=\"_blank\"";

// --- Escaping and cleaning -------------------------------------------------------------------

TEST(RenderPlainText, MarkupIsEscapedNotInterpreted)
{
    EXPECT_EQ(render("<script>alert(1)</script> & <b>\"x\" 'y'"),
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;&quot;x&quot; &#39;y&#39;</p>");
}

TEST(RenderPlainText, EntitiesTypedByTheAuthorStayLiteral)
{
    EXPECT_EQ(render("&lt; &amp; &#106;"), "<p>&amp;lt; &amp;amp; &amp;#106;</p>");
}

TEST(RenderPlainText, ControlCharactersAreRemoved)
{
    constexpr char text[] = "a\0b\x01"
                            "c\x7f"
                            "d\xc2\x85"
                            "e\xef\xb7\x90"
                            "f\tg\x0b\x0ch";
    EXPECT_EQ(render(std::string(text, sizeof text - 1)), "<p>abcdef\tgh</p>");
}

TEST(RenderPlainText, InvalidUtf8BecomesReplacementCharacters)
{
    EXPECT_EQ(render("a\xff"
                     "b\xe2\x82"
                     "c\xed\xa0\x80"
                     "d"),
        "<p>a\uFFFD"
        "b\uFFFD"
        "c\uFFFD\uFFFD\uFFFD"
        "d</p>");
}

TEST(RenderPlainText, Utf8IsKept)
{
    EXPECT_EQ(render("Pédiatrie 💊 日本語"), "<p>Pédiatrie 💊 日本語</p>");
}

TEST(RenderPlainText, EmptyOrBlankTextGivesNothing)
{
    EXPECT_EQ(render(""), "");
    EXPECT_EQ(render(" \n\t\n\r\n"), "");
}

// --- Paragraphs and lines --------------------------------------------------------------------

TEST(RenderPlainText, BlankLinesSeparateParagraphs)
{
    EXPECT_EQ(render("un\n\ndeux\n \n\n\ttrois"), "<p>un</p><p>deux</p><p>\ttrois</p>");
}

TEST(RenderPlainText, SingleNewlinesBecomeLineBreaks)
{
    EXPECT_EQ(render("un\ndeux\ntrois"), "<p>un<br>deux<br>trois</p>");
}

TEST(RenderPlainText, CarriageReturnsCountAsNewlines)
{
    EXPECT_EQ(render("un\r\ndeux\rtrois\r\n\r\nquatre"), "<p>un<br>deux<br>trois</p><p>quatre</p>");
}

TEST(RenderPlainText, LeadingAndTrailingBlankLinesAreIgnored)
{
    EXPECT_EQ(render("\n\n  \nun\n\n\n"), "<p>un</p>");
}

// --- Links -----------------------------------------------------------------------------------

TEST(RenderPlainText, HttpsUrlBecomesALinkWithItsSchemeHidden)
{
    EXPECT_EQ(render("voir https://a.example/page?x=1&y=2 ici"),
        "<p>voir <a href=\"https://a.example/page?x=1&amp;y=2\"" + std::string(kLinkAttributes)
            + "><span class=\"invisible\">https://</span><span>a.example/page?x=1&amp;y=2</span></a> "
              "ici</p>");
}

TEST(RenderPlainText, WwwIsHiddenWithTheScheme)
{
    EXPECT_EQ(render("http://www.a.example"),
        "<p><a href=\"http://www.a.example\"" + std::string(kLinkAttributes)
            + "><span class=\"invisible\">http://www.</span><span>a.example</span></a></p>");
}

TEST(RenderPlainText, LongUrlIsShortenedWithAnEllipsis)
{
    EXPECT_EQ(render("https://a.example/0123456789012345678901234567890123456789"),
        "<p><a href=\"https://a.example/0123456789012345678901234567890123456789\""
            + std::string(kLinkAttributes)
            + "><span class=\"invisible\">https://</span><span class=\"ellipsis\">"
              "a.example/01234567890123456789</span><span class=\"invisible\">"
              "01234567890123456789</span></a></p>");
}

TEST(RenderPlainText, EllipsisNeverSplitsACharacter)
{
    const std::string html = render("https://a.example/ééééééééééééééééééééééééé");
    EXPECT_NE(html.find("<span class=\"ellipsis\">a.example/éééééééééééééééééééé</span>"), std::string::npos)
        << html;
}

TEST(RenderPlainText, TrailingPunctuationIsNotPartOfTheLink)
{
    const std::string html
        = render("Lire https://a.example/x. Puis https://a.example/y, et https://a.example/z!");
    EXPECT_NE(html.find("href=\"https://a.example/x\""), std::string::npos) << html;
    EXPECT_NE(html.find("href=\"https://a.example/y\""), std::string::npos) << html;
    EXPECT_NE(html.find("href=\"https://a.example/z\""), std::string::npos) << html;
}

TEST(RenderPlainText, UnbalancedClosingParenthesisIsNotPartOfTheLink)
{
    const std::string html = render("(voir https://a.example/wiki/A_(b)) (et https://a.example/c)");
    EXPECT_NE(html.find("href=\"https://a.example/wiki/A_(b)\""), std::string::npos) << html;
    EXPECT_NE(html.find("href=\"https://a.example/c\""), std::string::npos) << html;
}

TEST(RenderPlainText, SchemesOtherThanHttpAreNotLinked)
{
    EXPECT_EQ(render("javascript:alert(1) data:text/html,x ftp://a.example mailto:a@a.example"),
        "<p>javascript:alert(1) data:text/html,x ftp://a.example mailto:a@a.example</p>");
}

TEST(RenderPlainText, UrlWithoutHostIsNotLinked)
{
    EXPECT_EQ(render("https:// et http://-x et https://."), "<p>https:// et http://-x et https://.</p>");
}

TEST(RenderPlainText, UrlGluedToAWordIsNotLinked)
{
    EXPECT_EQ(render("xhttps://a.example"), "<p>xhttps://a.example</p>");
}

TEST(RenderPlainText, QuotesAndAnglesEndAUrl)
{
    const std::string html = render("\"https://a.example/x\" <https://a.example/y>");
    EXPECT_NE(html.find("href=\"https://a.example/x\""), std::string::npos) << html;
    EXPECT_NE(html.find("href=\"https://a.example/y\""), std::string::npos) << html;
}

// --- Hashtags --------------------------------------------------------------------------------

TEST(RenderPlainText, HashtagLinksToTheTagPage)
{
    EXPECT_EQ(render("Bonjour #pharmacie !"), "<p>Bonjour " + tag_link("pharmacie", "pharmacie") + " !</p>");
}

TEST(RenderPlainText, HashtagMayHoldLettersOfAnyScriptPercentEncodedInTheLink)
{
    EXPECT_EQ(render("#pédiatrie"), "<p>" + tag_link("p%C3%A9diatrie", "pédiatrie") + "</p>");
    EXPECT_EQ(render("#薬局"), "<p>" + tag_link("%E8%96%AC%E5%B1%80", "薬局") + "</p>");
}

TEST(RenderPlainText, HashtagMayHoldDigitsAndUnderscores)
{
    EXPECT_EQ(render("#covid_19."), "<p>" + tag_link("covid_19", "covid_19") + ".</p>");
}

TEST(RenderPlainText, HashtagWithoutALetterIsNotATag)
{
    EXPECT_EQ(render("#123 #_ # #!"), "<p>#123 #_ # #!</p>");
}

TEST(RenderPlainText, HashInsideAWordOrUrlIsNotATag)
{
    EXPECT_EQ(render("C#sharp a/#b x=#y (a)#b"), "<p>C#sharp a/#b x=#y (a)#b</p>");
    const std::string html = render("https://a.example/page#section");
    EXPECT_EQ(html.find("tags/"), std::string::npos) << html;
}

TEST(RenderPlainText, HashtagStopsAtPunctuationAndEmoji)
{
    EXPECT_EQ(render("#santé💊"), "<p>" + tag_link("sant%C3%A9", "santé") + "💊</p>");
}

TEST(RenderPlainText, TrailingSlashOfTheBaseUrlIsNotDoubled)
{
    EXPECT_EQ(render("#x", "https://pharma.example/"), "<p>" + tag_link("x", "x") + "</p>");
}

TEST(RenderPlainText, HashtagsStayTextWithoutAnHttpBaseUrl)
{
    EXPECT_EQ(render("#x", ""), "<p>#x</p>");
    EXPECT_EQ(render("#x", "javascript:alert(1)//"), "<p>#x</p>");
    EXPECT_EQ(render("#x", "https://pharma.example/\" onclick=\"x"), "<p>#x</p>");
}

// --- Mentions --------------------------------------------------------------------------------

TEST(RenderPlainText, MentionsStayText)
{
    EXPECT_EQ(render("@alice@a.example merci"), "<p>@alice@a.example merci</p>");
}

// --- Fixed point ------------------------------------------------------------------------------

TEST(RenderPlainText, OutputIsAFixedPointOfTheSanitiser)
{
    // render() checks this on every input of this file; these mix every construct.
    for (const char* text : {
             "Bonjour #pédiatrie https://a.example/x?y=<z>&w='1'\n\n\n@bob@b.example #x#y ##z",
             "https://a.example/"
             "ééééééééééééééééééééééééééééééé"
             "\n#tag\r\n\r\n  fin  ",
             "<p>déjà du HTML</p>\n<a href=\"javascript:x\">",
             "\n\n\n",
             "&amp;&lt;&#0;",
             "(https://a.example/(x)) [https://a.example/[y]] https://a.example/'quoted'",
             "\xf0\x9f\x92\x8a\xf0\x9f\x92 \xc0\xaf #\xcc\x81x https://\xe2\x80\x8b",
         }) {
        SCOPED_TRACE(text);
        render(text);
    }
}

// The renderer and services::extract_hashtags share text::hashtag_end: what is linked is what
// is stored (lower-cased), no more, no less.
TEST(RenderPlainText, LinksExactlyTheHashtagsThePostIsStoredWith)
{
    for (std::string_view text : { "#Vaccin et #grippe", "https://a.example/p#frag #ok", "C# #123 x#y (#soins).",
             "#Pédiatrie #日本語 #santé😀", "@bob@soins.example #tag_1 #_", "#<script>alert(1)</script>" }) {
        const std::string html = render(text);
        std::vector<std::string> linked;
        for (auto at = html.find("#<span>"); at != std::string::npos; at = html.find("#<span>", at + 1)) {
            auto end = html.find("</span>", at);
            linked.push_back(services::normalize_hashtag(html.substr(at + 7, end - at - 7)));
        }
        EXPECT_EQ(linked, services::extract_hashtags(text)) << text;
        EXPECT_EQ(html.find("<script"), std::string::npos) << text;
    }
}

} // namespace
} // namespace confrere::federation
