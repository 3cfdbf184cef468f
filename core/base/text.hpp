// Text helpers for UTF-8 input from people and files.
#pragma once

#include <string>
#include <string_view>

namespace confrere::text {

// True if `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);

// Converts Windows-1252 bytes to UTF-8 (the five undefined bytes become U+FFFD).
std::string cp1252_to_utf8(std::string_view s);

// Folds a person's name for comparison: lower case, accents and ligatures removed (é→e, Œ→oe,
// ß→ss…), every run of non-alphanumerics (space, hyphen, apostrophe) collapsed to one space,
// trimmed. "  Élodie D'ARC-Martin " -> "elodie d arc martin". Input must be UTF-8.
std::string fold_for_match(std::string_view utf8);

// Escapes & < > " ' for HTML and XML text and attribute values.
std::string escape_html(std::string_view s);

// The number of Unicode code points of UTF-8 text (what Mastodon's character limits count);
// each byte that does not start a code point's sequence counts for nothing.
std::size_t count_code_points(std::string_view utf8);

// Removes ASCII whitespace at both ends.
std::string_view trim(std::string_view s);

} // namespace confrere::text
