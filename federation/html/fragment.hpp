// gumbo's HTML5 fragment parse, and what both walks of federation/html (the sanitiser and
// the text extraction) need to agree on: element classes and work limits. Internal.
#pragma once

#include <cstddef>
#include <gumbo.h>
#include <memory>
#include <string_view>

namespace confrere::federation::html {

struct GumboOutputDeleter {
    void operator()(GumboOutput* output) const noexcept;
};
using ParsedFragment = std::unique_ptr<GumboOutput, GumboOutputDeleter>;

// Parses `html` as the content of a <div> (WHATWG 13.4, "parsing HTML fragments"); `html`
// must outlive the tree. Null only if gumbo could not allocate.
ParsedFragment parse_fragment(std::string_view html);

// The fragment's top-level nodes (the children of the root <html>), or null.
const GumboVector* fragment_nodes(const ParsedFragment& parsed);

const GumboNode& child_at(const GumboVector& children, unsigned index);

enum class Treatment {
    Keep, // written with its allowed attributes
    Heading, // written as <p><strong>
    Unwrap, // its content is kept
    UnwrapBlock, // its content is kept between spaces, so "a</td><td>b" does not read "ab"
    Drop, // left out with its content
};

// What the sanitiser does with an element, which html_to_text follows too.
Treatment treatment_of(const GumboElement& element);

// ASCII whitespace as HTML defines it (space, tab, LF, FF, CR).
bool is_html_space(char c);

// How many start tags the tokenizer could see: '<' followed by an ASCII letter (WHATWG
// 13.2.5.6), counted over raw text too, which only over-counts.
std::size_t count_start_tags(std::string_view html);

// The longest prefix within kMaxSanitizedHtmlBytes and kMaxSanitizedStartTags, cut on a UTF-8
// character boundary and before the first start tag over the limit.
std::string_view bounded_prefix(std::string_view html);

} // namespace confrere::federation::html
