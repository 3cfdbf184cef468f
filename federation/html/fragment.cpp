#include "federation/html/fragment.hpp"

#include "federation/html/sanitizer.hpp"

#include <algorithm>

namespace confrere::federation::html {
namespace {

GumboOptions fragment_options()
{
    GumboOptions options = kGumboDefaultOptions;
    options.fragment_context = GUMBO_TAG_DIV;
    options.fragment_namespace = GUMBO_NAMESPACE_HTML;
    options.max_errors = 0; // never read; recording them only costs memory
    return options;
}

bool is_ascii_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// What the tokenizer reads as a start tag: '<' then an ASCII letter (WHATWG 13.2.5.6).
// Counted over raw text too, which only over-counts.
bool start_tag_at(std::string_view html, std::size_t i)
{
    return html[i] == '<' && i + 1 < html.size() && is_ascii_alpha(html[i + 1]);
}

} // namespace

void GumboOutputDeleter::operator()(GumboOutput* output) const noexcept
{
    if (output == nullptr)
        return;
    const GumboOptions options = fragment_options();
    gumbo_destroy_output(&options, output);
}

ParsedFragment parse_fragment(std::string_view html)
{
    const GumboOptions options = fragment_options();
    const char* data = html.empty() ? "" : html.data();
    return ParsedFragment(gumbo_parse_with_options(&options, data, html.size()));
}

// The fragment's nodes: in a fragment parse they are the children of the root <html>.
const GumboVector* fragment_nodes(const ParsedFragment& parsed)
{
    if (!parsed || parsed->root == nullptr || parsed->root->type != GUMBO_NODE_ELEMENT)
        return nullptr;
    return &parsed->root->v.element.children;
}

const GumboNode& child_at(const GumboVector& children, unsigned index)
{
    return *static_cast<const GumboNode*>(children.data[index]);
}

// The tag lists read better as tables.
// clang-format off
Treatment treatment_of(const GumboElement& element)
{
    // Foreign content (SVG, MathML) re-parses differently in other contexts: the mXSS family.
    if (element.tag_namespace != GUMBO_NAMESPACE_HTML)
        return Treatment::Drop;
    switch (element.tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_BR: case GUMBO_TAG_SPAN: case GUMBO_TAG_A:
    case GUMBO_TAG_DEL: case GUMBO_TAG_S: case GUMBO_TAG_PRE: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_CODE: case GUMBO_TAG_B: case GUMBO_TAG_STRONG: case GUMBO_TAG_U:
    case GUMBO_TAG_I: case GUMBO_TAG_EM: case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_LI:
        return Treatment::Keep;
    case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
    case GUMBO_TAG_H5: case GUMBO_TAG_H6:
        return Treatment::Heading;
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_IFRAME: case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED: case GUMBO_TAG_APPLET:
    case GUMBO_TAG_SVG: case GUMBO_TAG_MATH: case GUMBO_TAG_NOEMBED: case GUMBO_TAG_NOFRAMES:
    case GUMBO_TAG_XMP: case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_TITLE: case GUMBO_TAG_PLAINTEXT:
    case GUMBO_TAG_FRAMESET: case GUMBO_TAG_FRAME: case GUMBO_TAG_HEAD:
        return Treatment::Drop;
    case GUMBO_TAG_DIV: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_SECTION: case GUMBO_TAG_HEADER: case GUMBO_TAG_FOOTER: case GUMBO_TAG_NAV:
    case GUMBO_TAG_MAIN: case GUMBO_TAG_HGROUP: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_TABLE:
    case GUMBO_TAG_CAPTION: case GUMBO_TAG_THEAD: case GUMBO_TAG_TBODY: case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR: case GUMBO_TAG_TD: case GUMBO_TAG_TH: case GUMBO_TAG_HR:
    case GUMBO_TAG_DETAILS: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_CENTER: case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_LEGEND: case GUMBO_TAG_FORM: case GUMBO_TAG_DIR: case GUMBO_TAG_MENU:
    case GUMBO_TAG_LISTING:
        return Treatment::UnwrapBlock;
    default:
        return Treatment::Unwrap;
    }
}
// clang-format on

bool is_html_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

// Calls `each` for every whitespace-separated token of an attribute value.

std::size_t count_start_tags(std::string_view html)
{
    std::size_t count = 0;
    for (std::size_t i = 0; i < html.size(); ++i)
        count += start_tag_at(html, i) ? 1 : 0;
    return count;
}

std::string_view bounded_prefix(std::string_view html)
{
    std::size_t end = std::min(html.size(), kMaxSanitizedHtmlBytes);
    if (end < html.size()) {
        while (end > 0 && (static_cast<unsigned char>(html[end]) & 0xC0) == 0x80)
            --end;
    }
    std::size_t tags = 0;
    for (std::size_t i = 0; i < end; ++i) {
        if (start_tag_at(html, i) && ++tags > kMaxSanitizedStartTags) {
            end = i;
            break;
        }
    }
    return html.substr(0, end);
}

} // namespace confrere::federation::html
