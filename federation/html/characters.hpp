// Characters as the HTML parser reads them back, shared by the sanitiser and the plain-text
// renderer: both write text through escape_text(), so both write text that a parse (gumbo's or
// a browser's) returns unchanged. Internal to federation/html.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace confrere::federation::html {

struct Decoded {
    char32_t code_point;
    std::size_t length; // bytes consumed, at least 1
};

// The code point at s[i] (i < s.size()). An ill-formed sequence is U+FFFD over its maximal
// subpart (Unicode 15 §3.9, "U+FFFD substitution of maximal subparts"), as the WHATWG decoder.
Decoded decode_utf8_at(std::string_view s, std::size_t i);

void append_utf8(std::string& out, char32_t code_point);

// Code points the parser does not give back as they were written: NUL, CR, the other C0
// controls but tab and LF, DEL, C1 controls and noncharacters (WHATWG 13.2.3.5; gumbo's
// utf8.c turns them into U+FFFD). A character reference such as &#x4; puts one in the tree.
bool is_dropped(char32_t code_point);

// Escapes & < > " ' for text and double-quoted attribute values, drops is_dropped() code
// points and repairs ill-formed UTF-8.
std::string escape_text(std::string_view s);

} // namespace confrere::federation::html
