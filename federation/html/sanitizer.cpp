// The HTML sanitiser: a walk over gumbo's tree with an explicit stack (the tree can be
// thousands of elements deep, a worker's stack is not), writing the allowed part back with our
// own escaping.
#include "federation/html/sanitizer.hpp"

#include "federation/html/characters.hpp"
#include "federation/html/fragment.hpp"
#include "federation/html/plain_text.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace confrere::federation {
namespace {

using html::child_at;
using html::is_html_space;
using html::Treatment;
using html::treatment_of;

bool is_ascii_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// --- Attributes ------------------------------------------------------------------------------

std::optional<std::string_view> attribute(const GumboElement& element, const char* name)
{
    const GumboAttribute* found = gumbo_get_attribute(&element.attributes, name);
    if (found == nullptr)
        return std::nullopt;
    return std::string_view(found->value);
}

bool starts_with_ignoring_case(std::string_view s, std::string_view lower_prefix)
{
    if (s.size() < lower_prefix.size())
        return false;
    for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        if (c != lower_prefix[i])
            return false;
    }
    return true;
}

// The href to write, or nothing if the link must become its text. Browsers drop tabs and
// newlines anywhere in a URL and C0 controls and spaces at its ends (WHATWG URL, basic URL
// parser), so "jav&#x09;ascript:" and " javascript:" are javascript: URLs: we remove every
// ASCII control and the outer spaces first, then require an allowed scheme at the very start.
std::optional<std::string> link_target(std::string_view href)
{
    std::string cleaned;
    cleaned.reserve(href.size());
    for (char c : href) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte != 0x7F)
            cleaned += c;
    }
    const auto first = cleaned.find_first_not_of(' ');
    if (first == std::string::npos)
        return std::nullopt;
    cleaned.erase(0, first);
    cleaned.erase(cleaned.find_last_not_of(' ') + 1);
    for (std::string_view scheme : { "http://", "https://", "mailto:" }) {
        if (cleaned.size() > scheme.size() && starts_with_ignoring_case(cleaned, scheme))
            return cleaned;
    }
    return std::nullopt;
}

bool is_allowed_class(std::string_view name)
{
    // Microformats 2 prefixes, and the classes Mastodon's own HTML uses.
    for (std::string_view prefix : { "h-", "p-", "u-", "dt-", "e-" }) {
        if (name.starts_with(prefix))
            return true;
    }
    return name == "mention" || name == "hashtag" || name == "ellipsis" || name == "invisible";
}

template <class Each> void for_each_token(std::string_view value, Each each)
{
    std::size_t i = 0;
    while (i < value.size()) {
        while (i < value.size() && is_html_space(value[i]))
            ++i;
        const std::size_t start = i;
        while (i < value.size() && !is_html_space(value[i]))
            ++i;
        if (i > start)
            each(value.substr(start, i - start));
    }
}

std::string allowed_classes(std::string_view value)
{
    std::string kept;
    for_each_token(value, [&](std::string_view name) {
        if (!is_allowed_class(name))
            return;
        if (!kept.empty())
            kept += ' ';
        kept += name;
    });
    return kept;
}

bool has_tag_rel(std::string_view rel)
{
    bool found = false;
    for_each_token(rel, [&](std::string_view token) {
        found = found || (token.size() == 3 && starts_with_ignoring_case(token, "tag"));
    });
    return found;
}

// A language tag's characters (BCP 47: letters, digits, hyphens), at most 35 of them.
bool is_language_tag(std::string_view value)
{
    return !value.empty() && value.size() <= 35 && std::ranges::all_of(value, [](char c) {
        return is_ascii_alpha(c) || (c >= '0' && c <= '9') || c == '-';
    });
}

// An integer for ol[start] and li[value]: an optional minus and one to nine digits.
bool is_small_integer(std::string_view value)
{
    if (value.starts_with('-'))
        value.remove_prefix(1);
    return !value.empty() && value.size() <= 9
        && std::ranges::all_of(value, [](char c) { return c >= '0' && c <= '9'; });
}

void append_attribute(std::string& out, std::string_view name, std::string_view value)
{
    out += ' ';
    out += name;
    out += "=\"";
    out += html::escape_text(value);
    out += '"';
}

void append_lang(std::string& out, const GumboElement& element)
{
    const auto lang = attribute(element, "lang");
    if (lang && is_language_tag(*lang))
        append_attribute(out, "lang", *lang);
}

// --- The sanitiser --------------------------------------------------------------------------

// Where an element is being written, as far as the HTML parser's re-parse of our output is
// concerned. Each flag names an element that, if written here, a browser (and gumbo, for
// idempotence) would not nest where we put it (WHATWG 13.2.6.4.7 "in body"): such elements
// are unwrapped instead.
struct Context {
    int depth = 0;
    bool in_paragraph = false; // an open <p>: p, pre, blockquote, ul, ol, li close it
    bool in_link = false; // an open <a>: a nested <a> closes it
    bool in_list_item = false; // an open <li>, no ul/ol/blockquote/pre since: an <li> closes it
};

class Sanitizer {
public:
    std::string run(const GumboVector& nodes)
    {
        push(nodes, {}, Separator::None, Context {});
        while (!stack_.empty()) {
            Frame& frame = stack_.back();
            if (frame.next < frame.children->length) {
                const GumboNode& child = child_at(*frame.children, frame.next++);
                const Context context = frame.context; // visit() may grow the stack
                visit(child, context);
                continue;
            }
            write_markup(frame.close);
            if (frame.separator == Separator::Space)
                write_separator();
            stack_.pop_back();
        }
        return std::move(out_);
    }

private:
    enum class Separator { None, Space };

    struct Frame {
        const GumboVector* children = nullptr;
        unsigned next = 0;
        std::string close; // end tags written after the children
        Separator separator = Separator::None;
        Context context; // for the children
    };

    void push(const GumboVector& children, std::string close, Separator separator, Context context)
    {
        stack_.push_back(Frame { &children, 0, std::move(close), separator, context });
    }

    void visit(const GumboNode& node, const Context& context)
    {
        switch (node.type) {
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_WHITESPACE:
            write_text(node.v.text.text);
            return;
        case GUMBO_NODE_ELEMENT:
            break;
        default: // comments, CDATA (foreign content only), <template> contents, the document
            return;
        }
        const GumboElement& element = node.v.element;
        switch (treatment_of(element)) {
        case Treatment::Drop:
            return;
        case Treatment::Unwrap:
            unwrap(element, context, Separator::None);
            return;
        case Treatment::UnwrapBlock:
            unwrap(element, context, Separator::Space);
            return;
        case Treatment::Heading:
            write_heading(element, context);
            return;
        case Treatment::Keep:
            write_kept(element, context);
            return;
        }
    }

    void unwrap(const GumboElement& element, const Context& context, Separator separator)
    {
        if (separator == Separator::Space)
            write_separator();
        push(element.children, {}, separator, context);
    }

    // Mastodon 4.2 turns headings into bold paragraphs; inside a paragraph, bold only.
    void write_heading(const GumboElement& element, const Context& context)
    {
        const bool paragraph = !context.in_paragraph;
        const int levels = paragraph ? 2 : 1;
        if (context.depth + levels > kMaxSanitizedDepth) {
            unwrap(element, context, Separator::Space);
            return;
        }
        std::string open = paragraph ? "<p" : "<strong";
        append_lang(open, element);
        open += paragraph ? "><strong>" : ">";
        write_markup(open);
        Context inner = context;
        inner.depth += levels;
        inner.in_paragraph = true;
        push(element.children, paragraph ? "</strong></p>" : "</strong>", Separator::None, inner);
    }

    void write_kept(const GumboElement& element, const Context& context)
    {
        const GumboTag tag = element.tag;
        const std::string_view name = gumbo_normalized_tagname(tag);
        std::string open = "<" + std::string(name);
        if (tag == GUMBO_TAG_BR) { // void: no content, no depth
            append_lang(open, element);
            write_markup(open + ">");
            return;
        }
        if (context.depth >= kMaxSanitizedDepth) {
            unwrap(element, context, Separator::None);
            return;
        }
        Context inner = context;
        ++inner.depth;
        switch (tag) {
        case GUMBO_TAG_A: {
            const auto href = link_target(attribute(element, "href").value_or(""));
            if (!href || context.in_link) {
                unwrap(element, context, Separator::None);
                return;
            }
            append_attribute(open, "href", *href);
            append_classes(open, element);
            append_lang(open, element);
            // Built here, never copied: an input rel or target beside ours would duplicate.
            const bool tag_rel = has_tag_rel(attribute(element, "rel").value_or(""));
            open += tag_rel ? " rel=\"tag nofollow noopener noreferrer\""
                            : " rel=\"nofollow noopener noreferrer\"";
            open += " target=\"_blank\">";
            inner.in_link = true;
            break;
        }
        case GUMBO_TAG_P:
        case GUMBO_TAG_PRE:
        case GUMBO_TAG_BLOCKQUOTE:
        case GUMBO_TAG_UL:
        case GUMBO_TAG_OL:
        case GUMBO_TAG_LI:
            if (context.in_paragraph || (tag == GUMBO_TAG_LI && context.in_list_item)) {
                unwrap(element, context, Separator::Space);
                return;
            }
            append_number(open, element, tag);
            append_lang(open, element);
            open += '>';
            inner.in_paragraph = tag == GUMBO_TAG_P;
            inner.in_list_item = tag == GUMBO_TAG_LI || (tag == GUMBO_TAG_P && context.in_list_item);
            break;
        case GUMBO_TAG_SPAN:
            append_classes(open, element);
            append_lang(open, element);
            open += '>';
            break;
        default:
            append_lang(open, element);
            open += '>';
            break;
        }
        write_markup(open);
        after_pre_start_ = tag == GUMBO_TAG_PRE;
        push(element.children, "</" + std::string(name) + ">", Separator::None, inner);
    }

    static void append_classes(std::string& open, const GumboElement& element)
    {
        const std::string classes = allowed_classes(attribute(element, "class").value_or(""));
        if (!classes.empty())
            append_attribute(open, "class", classes);
    }

    static void append_number(std::string& open, const GumboElement& element, GumboTag tag)
    {
        const char* name = tag == GUMBO_TAG_OL ? "start" : tag == GUMBO_TAG_LI ? "value" : nullptr;
        if (name == nullptr)
            return;
        const auto number = attribute(element, name);
        if (number && is_small_integer(*number))
            append_attribute(open, name, *number);
    }

    void write_markup(std::string_view markup)
    {
        if (markup.empty()) // an unwrapped element's end: <pre>'s first child may still follow
            return;
        out_ += markup;
        after_pre_start_ = false;
    }

    void write_text(std::string_view s)
    {
        if (s.empty())
            return;
        // The parser drops a newline right after <pre> (13.2.6.4.7): write one more so the
        // text's own newline survives the next parse.
        if (after_pre_start_ && s.front() == '\n')
            out_ += '\n';
        after_pre_start_ = false;
        out_ += html::escape_text(s);
    }

    // A space between the texts of two blocks we do not keep, unless one is already there.
    void write_separator()
    {
        if (!out_.empty() && !is_html_space(out_.back()))
            write_text(" ");
    }

    std::vector<Frame> stack_;
    std::string out_;
    bool after_pre_start_ = false;
};

} // namespace

bool within_sanitizer_limits(std::string_view html)
{
    return html.size() <= kMaxSanitizedHtmlBytes && html::count_start_tags(html) <= kMaxSanitizedStartTags;
}

std::string sanitize_html(std::string_view html)
{
    if (!within_sanitizer_limits(html))
        return render_plain_text(html_to_text(html), {});
    const html::ParsedFragment parsed = html::parse_fragment(html);
    const GumboVector* nodes = html::fragment_nodes(parsed);
    if (nodes == nullptr)
        return {};
    return Sanitizer {}.run(*nodes);
}

} // namespace confrere::federation
