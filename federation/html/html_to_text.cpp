// html_to_text: a second walk over gumbo's tree, with an explicit stack like the sanitiser's.
#include "federation/html/fragment.hpp"
#include "federation/html/sanitizer.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace confrere::federation {
namespace {

using html::child_at;
using html::is_html_space;
using html::Treatment;
using html::treatment_of;

// Newlines around an element's text: 2 for paragraphs, 1 for other blocks, 0 inline.
int breaks_around(const GumboElement& element)
{
    switch (element.tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_TABLE:
        return 2;
    case GUMBO_TAG_LI:
        return 1;
    default:
        break;
    }
    const Treatment treatment = treatment_of(element);
    return treatment == Treatment::Heading ? 2 : treatment == Treatment::UnwrapBlock ? 1 : 0;
}

class TextWriter {
public:
    std::string run(const GumboVector& nodes)
    {
        stack_.push_back(Frame { &nodes, 0, 0, false });
        while (!stack_.empty()) {
            Frame& frame = stack_.back();
            if (frame.next < frame.children->length) {
                const GumboNode& child = child_at(*frame.children, frame.next++);
                const bool preformatted = frame.preformatted; // visit() may grow the stack
                visit(child, preformatted);
                continue;
            }
            request_breaks(frame.breaks);
            stack_.pop_back();
        }
        return std::move(out_);
    }

private:
    struct Frame {
        const GumboVector* children = nullptr;
        unsigned next = 0;
        int breaks = 0; // requested after the children
        bool preformatted = false;
    };

    void visit(const GumboNode& node, bool preformatted)
    {
        if (node.type == GUMBO_NODE_TEXT || node.type == GUMBO_NODE_WHITESPACE) {
            write(node.v.text.text, preformatted);
            return;
        }
        if (node.type != GUMBO_NODE_ELEMENT)
            return;
        const GumboElement& element = node.v.element;
        if (treatment_of(element) == Treatment::Drop)
            return;
        if (element.tag == GUMBO_TAG_BR) {
            pending_breaks_ = std::min(pending_breaks_ + 1, 2);
            pending_space_ = false;
            return;
        }
        const int breaks = breaks_around(element);
        request_breaks(breaks);
        stack_.push_back(
            Frame { &element.children, 0, breaks, preformatted || element.tag == GUMBO_TAG_PRE });
    }

    void request_breaks(int breaks)
    {
        if (breaks == 0)
            return;
        pending_breaks_ = std::max(pending_breaks_, breaks);
        pending_space_ = false;
    }

    // Writes what is pending before visible text; nothing at the very start.
    void flush()
    {
        if (!out_.empty()) {
            if (pending_breaks_ > 0)
                out_.append(static_cast<std::size_t>(pending_breaks_), '\n');
            else if (pending_space_)
                out_ += ' ';
        }
        pending_breaks_ = 0;
        pending_space_ = false;
    }

    void write(std::string_view s, bool preformatted)
    {
        if (preformatted) {
            if (!s.empty())
                flush();
            out_ += s;
            return;
        }
        for (char c : s) {
            if (is_html_space(c)) {
                pending_space_ = true;
                continue;
            }
            if (pending_breaks_ > 0 || pending_space_)
                flush();
            out_ += c;
        }
    }

    std::vector<Frame> stack_;
    std::string out_;
    int pending_breaks_ = 0;
    bool pending_space_ = false;
};

} // namespace

std::string html_to_text(std::string_view html)
{
    const html::ParsedFragment parsed = html::parse_fragment(html::bounded_prefix(html));
    const GumboVector* nodes = html::fragment_nodes(parsed);
    if (nodes == nullptr)
        return {};
    return TextWriter {}.run(*nodes);
}

} // namespace confrere::federation
